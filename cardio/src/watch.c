/* The reader watcher: a state machine over a PC/SC context of its own.
 *
 *   NO_SERVICE --(context established)--> WATCHING --(service error)--> NO_SERVICE
 *        \--(stop)--> STOPPED                 \--(stop)--> STOPPED
 *
 * In WATCHING it lists the readers, reconciles them with what it reported before, and
 * blocks in SCardGetStatusChange on every reader plus the PnP pseudo-reader. The wait
 * has a timeout so that a stop request that races the SCardCancel is still seen. */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardio/watch.h"
#include "cardio_int.h"

#define CARDIO_WATCH_MAX_READERS 32
#define CARDIO_WATCH_WAIT_MS 1000
#define CARDIO_PNP_READER "\\\\?PnP?\\Notification"

enum cardio_watch_state { WATCH_NO_SERVICE, WATCH_WATCHING, WATCH_STOPPED };

struct cardio_watch_reader {
  char *name;
  DWORD state; /* last state seen (dwEventState), SCARD_STATE_UNAWARE at first */
  int present;
};

struct cardio_watch {
  cardio_watch_fn fn;
  void *user;
  pthread_t thread;
  int started;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int stop;
  int have_ctx;
  SCARDCONTEXT ctx;
  enum cardio_watch_state state;
  int ever_lost;
  struct cardio_watch_reader readers[CARDIO_WATCH_MAX_READERS];
  size_t n_readers;
};

const char *cardio_watch_kind_name(enum cardio_watch_kind kind)
{
  switch (kind) {
  case CARDIO_WATCH_READER_ADDED:
    return "reader-added";
  case CARDIO_WATCH_READER_REMOVED:
    return "reader-removed";
  case CARDIO_WATCH_CARD_INSERTED:
    return "card-inserted";
  case CARDIO_WATCH_CARD_REMOVED:
    return "card-removed";
  case CARDIO_WATCH_SERVICE_LOST:
    return "service-lost";
  case CARDIO_WATCH_SERVICE_BACK:
    return "service-back";
  }
  return "?";
}

static const char *cardio_watch_state_name(enum cardio_watch_state s)
{
  static const char *const names[] = {"NO_SERVICE", "WATCHING", "STOPPED"};
  return names[s];
}

static void cardio_watch_set_state(struct cardio_watch *w, enum cardio_watch_state to)
{
  if (w->state == to)
    return;
  cardio_log(CARDIO_LOG_DEBUG, "watch: %s -> %s", cardio_watch_state_name(w->state),
             cardio_watch_state_name(to));
  w->state = to;
}

static void cardio_watch_emit(struct cardio_watch *w, enum cardio_watch_kind kind,
                              const char *reader, const uint8_t *atr, size_t atr_len)
{
  struct cardio_watch_event ev = {kind, reader, atr, atr_len};
  w->fn(&ev, w->user);
}

int cardio_watch_create(cardio_watch_fn fn, void *user, struct cardio_watch **out)
{
  struct cardio_watch *w;

  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!fn)
    return CARDIO_E_INVALID_ARG;
  w = calloc(1, sizeof *w);
  if (!w)
    return CARDIO_E_NO_MEMORY;
  w->fn = fn;
  w->user = user;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->cond, NULL);
  *out = w;
  return CARDIO_OK;
}

static int cardio_watch_stopping(struct cardio_watch *w)
{
  pthread_mutex_lock(&w->lock);
  int s = w->stop;
  pthread_mutex_unlock(&w->lock);
  return s;
}

/* Sleep up to ms, waking early on stop. */
static void cardio_watch_nap(struct cardio_watch *w, int ms)
{
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += ms / 1000;
  until.tv_nsec += (long)(ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&w->lock);
  while (!w->stop) {
    if (pthread_cond_timedwait(&w->cond, &w->lock, &until) == ETIMEDOUT)
      break;
  }
  pthread_mutex_unlock(&w->lock);
}

static void cardio_watch_drop_reader(struct cardio_watch *w, size_t i)
{
  if (w->readers[i].present)
    cardio_watch_emit(w, CARDIO_WATCH_CARD_REMOVED, w->readers[i].name, NULL, 0);
  cardio_watch_emit(w, CARDIO_WATCH_READER_REMOVED, w->readers[i].name, NULL, 0);
  free(w->readers[i].name);
  w->readers[i] = w->readers[--w->n_readers];
}

/* The service went away: forget every reader (reporting it), release the context. */
static void cardio_watch_lose_service(struct cardio_watch *w, LONG rv)
{
  cardio_log(CARDIO_LOG_WARN, "watch: %s (pcsc 0x%08lX %s)",
             cardio_errname(CARDIO_E_SERVICE_GONE), (unsigned long)(uint32_t)rv,
             pcsc_stringify_error(rv));
  while (w->n_readers)
    cardio_watch_drop_reader(w, w->n_readers - 1);
  pthread_mutex_lock(&w->lock);
  if (w->have_ctx)
    SCardReleaseContext(w->ctx);
  w->have_ctx = 0;
  pthread_mutex_unlock(&w->lock);
  w->ever_lost = 1;
  cardio_watch_emit(w, CARDIO_WATCH_SERVICE_LOST, NULL, NULL, 0);
  cardio_watch_set_state(w, WATCH_NO_SERVICE);
}

static int cardio_watch_is_service_error(LONG rv)
{
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
         rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR ||
         rv == SCARD_E_INVALID_PARAMETER || rv == SCARD_F_INTERNAL_ERROR;
}

/* List readers and reconcile: report new ones, drop vanished ones. Returns the PC/SC
 * code of the listing. */
static LONG cardio_watch_relist(struct cardio_watch *w)
{
  char buf[8192];
  DWORD len = sizeof buf;
  LONG rv = SCardListReaders(w->ctx, NULL, buf, &len);
  int seen[CARDIO_WATCH_MAX_READERS] = {0};

  if (rv == SCARD_E_NO_READERS_AVAILABLE) {
    len = 0;
    rv = SCARD_S_SUCCESS;
  }
  if (rv != SCARD_S_SUCCESS)
    return rv;
  for (size_t i = 0; i < len && buf[i]; i += strnlen(buf + i, len - i) + 1) {
    const char *name = buf + i;
    size_t k;
    for (k = 0; k < w->n_readers; k++)
      if (strcmp(w->readers[k].name, name) == 0)
        break;
    if (k < w->n_readers) {
      seen[k] = 1;
      continue;
    }
    if (w->n_readers == CARDIO_WATCH_MAX_READERS)
      continue;
    char *copy = strndup(name, len - i);
    if (!copy)
      continue;
    k = w->n_readers++;
    w->readers[k].name = copy;
    w->readers[k].state = SCARD_STATE_UNAWARE;
    w->readers[k].present = 0;
    seen[k] = 1;
    cardio_watch_emit(w, CARDIO_WATCH_READER_ADDED, copy, NULL, 0);
  }
  for (size_t k = w->n_readers; k-- > 0;)
    if (!seen[k])
      cardio_watch_drop_reader(w, k);
  return SCARD_S_SUCCESS;
}

static void cardio_watch_step(struct cardio_watch *w)
{
  SCARD_READERSTATE st[CARDIO_WATCH_MAX_READERS + 1];
  LONG rv;
  size_t n;

  if (!w->have_ctx) {
    SCARDCONTEXT c;
    rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c);
    if (rv != SCARD_S_SUCCESS) {
      cardio_watch_nap(w, CARDIO_WATCH_RETRY_MS);
      return;
    }
    pthread_mutex_lock(&w->lock);
    w->ctx = c;
    w->have_ctx = 1;
    pthread_mutex_unlock(&w->lock);
    cardio_watch_set_state(w, WATCH_WATCHING);
    if (w->ever_lost)
      cardio_watch_emit(w, CARDIO_WATCH_SERVICE_BACK, NULL, NULL, 0);
  }

  rv = cardio_watch_relist(w);
  if (rv != SCARD_S_SUCCESS) {
    cardio_watch_lose_service(w, rv);
    return;
  }
  n = w->n_readers;
  memset(st, 0, sizeof st);
  for (size_t i = 0; i < n; i++) {
    st[i].szReader = w->readers[i].name;
    st[i].dwCurrentState = w->readers[i].state;
  }
  st[n].szReader = CARDIO_PNP_READER;
  /* The count of readers sits in the high word of the PnP state. */
  st[n].dwCurrentState = (DWORD)n << 16;

  if (cardio_watch_stopping(w))
    return;
  rv = SCardGetStatusChange(w->ctx, CARDIO_WATCH_WAIT_MS, st, (DWORD)(n + 1));
  if (rv == SCARD_E_TIMEOUT || rv == SCARD_E_CANCELLED)
    return;
  if (rv == SCARD_E_UNKNOWN_READER)
    return; /* a reader vanished between the listing and the wait: relist */
  if (rv != SCARD_S_SUCCESS) {
    if (cardio_watch_is_service_error(rv) ||
        SCardIsValidContext(w->ctx) != SCARD_S_SUCCESS)
      cardio_watch_lose_service(w, rv);
    else
      cardio_watch_nap(w, CARDIO_WATCH_RETRY_MS);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    struct cardio_watch_reader *r = &w->readers[i];
    DWORD ev = st[i].dwEventState;
    if (!(ev & SCARD_STATE_CHANGED) && r->state != SCARD_STATE_UNAWARE)
      continue;
    r->state = ev & ~(DWORD)SCARD_STATE_CHANGED;
    if (ev & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE | SCARD_STATE_IGNORE))
      continue; /* gone: the next listing drops it */
    int present = (ev & SCARD_STATE_PRESENT) && !(ev & SCARD_STATE_MUTE);
    if (present && !r->present) {
      r->present = 1;
      cardio_watch_emit(w, CARDIO_WATCH_CARD_INSERTED, r->name, st[i].rgbAtr,
                        st[i].cbAtr <= sizeof st[i].rgbAtr ? st[i].cbAtr : 0);
    } else if (!present && r->present) {
      r->present = 0;
      cardio_watch_emit(w, CARDIO_WATCH_CARD_REMOVED, r->name, NULL, 0);
    }
  }
}

int cardio_watch_run(struct cardio_watch *w)
{
  if (!w)
    return CARDIO_E_INVALID_ARG;
  w->state = WATCH_NO_SERVICE;
  while (!cardio_watch_stopping(w))
    cardio_watch_step(w);
  while (w->n_readers) {
    free(w->readers[w->n_readers - 1].name);
    w->n_readers--;
  }
  pthread_mutex_lock(&w->lock);
  if (w->have_ctx)
    SCardReleaseContext(w->ctx);
  w->have_ctx = 0;
  pthread_mutex_unlock(&w->lock);
  cardio_watch_set_state(w, WATCH_STOPPED);
  return CARDIO_OK;
}

static void *cardio_watch_thread(void *arg)
{
  cardio_watch_run(arg);
  return NULL;
}

int cardio_watch_start(struct cardio_watch *w)
{
  if (!w || w->started)
    return CARDIO_E_INVALID_ARG;
  pthread_mutex_lock(&w->lock);
  w->stop = 0;
  pthread_mutex_unlock(&w->lock);
  if (pthread_create(&w->thread, NULL, cardio_watch_thread, w) != 0)
    return CARDIO_E_NO_MEMORY;
  w->started = 1;
  return CARDIO_OK;
}

void cardio_watch_stop(struct cardio_watch *w)
{
  if (!w)
    return;
  pthread_mutex_lock(&w->lock);
  w->stop = 1;
  if (w->have_ctx)
    SCardCancel(w->ctx);
  pthread_cond_broadcast(&w->cond);
  pthread_mutex_unlock(&w->lock);
  if (w->started) {
    pthread_join(w->thread, NULL);
    w->started = 0;
  }
}

void cardio_watch_destroy(struct cardio_watch *w)
{
  if (!w)
    return;
  cardio_watch_stop(w);
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->cond);
  free(w);
}
