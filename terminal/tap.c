/* The one card path of `kiosk run` and `kiosk verify` (tap.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cardio/cardio.h>
#include <cardio/crypto.h>
#include <cardio/ssc.h>
#include <common/idno.h>

#include "applog.h"
#include "card_adapter.h"
#include "tap.h"

#define READ_ATTEMPTS 3 /* a card read that meets a vanished pcscd is retried */
#define RETRY_PAUSE_MS 300u
/* A card that keeps answering, each answer within the deadline, is not mute; but the
 * decision thread still never waits more than this many deadlines for one read. */
#define TOTAL_DEADLINES 15u

/* The trust store, shared with card workers that may outlive the tap (a mute card's
 * worker ends only when the card is pulled). */
struct tap_trust {
  struct cardio_trust *trust;
  atomic_int refs;
};

struct term_tap {
  struct tap_trust *trust;
  struct cardio_ctx *ctx; /* created when needed, dropped when pcscd goes away; lent to
                             each job and given back only by one that ended in time */
  int with_photo;
  unsigned deadline_ms;
};

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static uint64_t mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void trust_unref(struct tap_trust *tt)
{
  if (tt && atomic_fetch_sub(&tt->refs, 1) == 1) {
    cardio_trust_destroy(tt->trust);
    free(tt);
  }
}

/* The trust store the centre's trust document put in force (term_tap_publish_trust), for
 * every tap of the process; NULL: each tap keeps the one it loaded. */
static pthread_mutex_t published_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tap_trust *published;

void term_tap_publish_trust(struct cardio_trust *trust)
{
  struct tap_trust *tt = trust ? calloc(1, sizeof *tt) : NULL;
  if (tt) {
    tt->trust = trust;
    atomic_init(&tt->refs, 1); /* the published slot's own reference */
  } else {
    cardio_trust_destroy(trust); /* out of memory: the one in force stays */
    if (trust)
      return;
  }
  pthread_mutex_lock(&published_mu);
  struct tap_trust *old = published;
  published = tt;
  pthread_mutex_unlock(&published_mu);
  trust_unref(old);
}

/* Called on the decision thread before a read: the published store replaces the tap's.
 * A read under way keeps its own reference to the old one. */
static void adopt_published(struct term_tap *t)
{
  pthread_mutex_lock(&published_mu);
  struct tap_trust *old = NULL;
  if (published && published != t->trust) {
    atomic_fetch_add(&published->refs, 1);
    old = t->trust;
    t->trust = published;
  }
  pthread_mutex_unlock(&published_mu);
  trust_unref(old);
}

int term_tap_create(const char *trust_dir, int with_photo, unsigned deadline_ms,
                    struct term_tap **out, char *why, size_t cap)
{
  *out = NULL;
  struct term_tap *t = calloc(1, sizeof *t);
  struct tap_trust *tt = calloc(1, sizeof *tt);
  if (!t || !tt) {
    snprintf(why, cap, "out of memory");
    goto out_free;
  }
  t->with_photo = with_photo;
  t->deadline_ms = deadline_ms ? deadline_ms : TERM_TAP_DEADLINE_MS;
  int rc = cardio_trust_load(trust_dir, &tt->trust);
  if (rc != CARDIO_OK) {
    snprintf(why, cap, "trust store %s: %s", trust_dir, cardio_strerror(rc));
    goto out_free;
  }
  atomic_init(&tt->refs, 1);
  t->trust = tt;
  *out = t;
  return 0;

out_free:
  free(tt);
  free(t);
  return -1;
}

void term_tap_destroy(struct term_tap *t)
{
  if (!t)
    return;
  term_tap_drop_context(t);
  trust_unref(t->trust);
  free(t);
}

void term_tap_drop_context(struct term_tap *t)
{
  cardio_ctx_destroy(t->ctx);
  t->ctx = NULL;
}

/* pcscd went away (or never was), or the card reset: the context is useless, make a
 * new one and try again. */
static int retryable(int err)
{
  return err == CARDIO_E_SERVICE_GONE || err == CARDIO_E_NO_SERVICE ||
         err == CARDIO_E_CARD_RESET || err == CARDIO_E_INTERNAL;
}

int term_tap_wait(struct term_tap *t, const char *reader, int timeout_ms)
{
  int rc = t->ctx ? CARDIO_OK : cardio_ctx_create(&t->ctx);
  if (rc == CARDIO_OK)
    rc = cardio_wait_card(t->ctx, reader, timeout_ms);
  if (retryable(rc))
    term_tap_drop_context(t);
  return rc;
}

/* The strings key (assets/strings) of a read error, for the screen. */
static const char *error_key(int err)
{
  switch (err) {
  case CARDIO_E_CARD_REMOVED:
  case CARDIO_E_NO_CARD:
    return "error.removed";
  case CARDIO_E_UNRESPONSIVE:
    return "error.not_responding";
  case CARDIO_E_TIMEOUT:
    return "error.timeout";
  case CARDIO_E_NO_READER:
  case CARDIO_E_NO_SERVICE:
  case CARDIO_E_SERVICE_GONE:
  case CARDIO_E_COMM:
  case CARDIO_E_INTERNAL:
    return "error.reader";
  default:
    return "error.read";
  }
}

static void free_photo(struct term_card *c)
{
  free(c->photo);
  c->photo = NULL;
  c->photo_len = 0;
}

/* ----------------------------------------------------------- card worker -- */

/*
 * PC/SC has no transmit timeout and SCardCancel does not reach a transmit: a mute card
 * holds SCardTransmit until the card leaves the reader (vpcd then fails the exchange; a
 * CCID reader's driver gives up after the card's own waiting time). So every exchange
 * with a card runs on a worker thread (one per job, detached) with a PC/SC context of
 * its own (the tap's, lent), and the caller waits on a condition: for the job to end,
 * or for the card's next sign of life (cardio's exchange hook) within deadline_ms. On
 * expiry the caller reports "not responding" and leaves: the worker owns the context,
 * the card handle and whatever it read, and frees them when its exchange fails; the
 * next tap makes a new context and does not wait for it. The job is freed by whichever
 * of the two lets go of it last.
 */
enum job_kind { JOB_HONOUR, JOB_SSC };

struct tap_job {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int refs;         /* mu: the caller and the worker */
  int done;         /* mu */
  uint64_t beat_ms; /* mu: start, then the card's last answer */

  enum job_kind kind;
  struct tap_trust *trust;
  struct cardio_ctx *ctx;
  char reader[256];
  int64_t now;
  int with_photo;

  int rc;
  struct term_card card;     /* JOB_HONOUR */
  struct cardio_ssc_data ssc; /* JOB_SSC */
};

static void job_free(struct tap_job *j)
{
  cardio_ctx_destroy(j->ctx);
  term_card_clear(&j->card);
  cardio_ssc_data_clear(&j->ssc);
  trust_unref(j->trust);
  pthread_cond_destroy(&j->cv);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

static void job_release(struct tap_job *j)
{
  pthread_mutex_lock(&j->mu);
  int last = --j->refs == 0;
  pthread_mutex_unlock(&j->mu);
  if (last)
    job_free(j);
}

/* A sign of life: the card answered (or the exchange failed at once), or the worker
 * moved on to its next step. */
static void job_beat(void *user)
{
  struct tap_job *j = user;
  pthread_mutex_lock(&j->mu);
  j->beat_ms = mono_ms();
  pthread_mutex_unlock(&j->mu);
}

static int job_connect(struct tap_job *j, struct cardio_card **card)
{
  *card = NULL;
  int rc = j->ctx ? CARDIO_OK : cardio_ctx_create(&j->ctx);
  if (rc == CARDIO_OK)
    rc = cardio_connect(j->ctx, j->reader, card);
  job_beat(j);
  if (retryable(rc)) {
    cardio_ctx_destroy(j->ctx);
    j->ctx = NULL;
  }
  if (*card)
    cardio_card_set_exchange_hook(*card, job_beat, j);
  return rc;
}

/* Read and verify the honour card, and its photo when wanted. */
static int job_read_honour(struct tap_job *j)
{
  struct term_card *c = &j->card;
  int rc = CARDIO_E_NO_SERVICE;
  for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    if (attempt) {
      app_log("card: %s, trying again", cardio_errname(rc));
      sleep_ms(RETRY_PAUSE_MS);
      job_beat(j);
    }
    struct cardio_card *card;
    rc = job_connect(j, &card);
    if (rc == CARDIO_OK) {
      rc = cardio_hc_read_verify(card, j->trust->trust, j->now, NULL, &c->res);
      if (rc == CARDIO_OK && c->res.have_record && c->res.rec.photo_len && j->with_photo &&
          !c->photo) {
        int prc = cardio_hc_read_photo(card, &c->res.rec, 0, &c->photo, &c->photo_len);
        if (prc != CARDIO_OK) {
          /* no photo, or one that does not match the signed digest: staff see the
           * placeholder and compare the ID card alone (or refuse) */
          app_log("card: photo not shown: %s", cardio_errname(prc));
          free_photo(c);
        }
      }
      cardio_card_destroy(card);
      if (retryable(rc)) {
        cardio_ctx_destroy(j->ctx);
        j->ctx = NULL;
      }
    }
    if (!retryable(rc))
      break;
  }
  return rc;
}

static int job_read_ssc(struct tap_job *j)
{
  struct cardio_card *cc = NULL;
  int rc = job_connect(j, &cc);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_ssc_read(cc, &j->ssc);
  cardio_card_destroy(cc);
  if (retryable(rc)) {
    cardio_ctx_destroy(j->ctx);
    j->ctx = NULL;
  }
  return rc;
}

static void *job_main(void *arg)
{
  struct tap_job *j = arg;
  int rc = j->kind == JOB_HONOUR ? job_read_honour(j) : job_read_ssc(j);
  pthread_mutex_lock(&j->mu);
  j->rc = rc;
  j->done = 1;
  pthread_cond_signal(&j->cv);
  int last = --j->refs == 0;
  pthread_mutex_unlock(&j->mu);
  if (last) {
    app_log("card: a card that had stopped answering let go of the reader (%s)",
            cardio_errname(rc));
    job_free(j);
  }
  return NULL;
}

/* Run a job on its worker and wait for it as the deadline allows. CARDIO_OK: *out is the
 * ended job (the caller takes its results, then releases it). UNRESPONSIVE: the card
 * stopped answering (the worker keeps the job). NO_MEMORY, INVALID_ARG. */
static int job_run(struct term_tap *t, enum job_kind kind, const char *reader, int64_t now,
                   struct tap_job **out)
{
  *out = NULL;
  if (strlen(reader) >= sizeof(((struct tap_job *)0)->reader))
    return CARDIO_E_INVALID_ARG;
  struct tap_job *j = calloc(1, sizeof *j);
  if (!j)
    return CARDIO_E_NO_MEMORY;
  pthread_mutex_init(&j->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&j->cv, &ca);
  pthread_condattr_destroy(&ca);
  j->refs = 2;
  j->kind = kind;
  adopt_published(t);
  j->trust = t->trust;
  atomic_fetch_add(&t->trust->refs, 1);
  j->ctx = t->ctx; /* lent; back to the tap only if the job ends in time */
  t->ctx = NULL;
  strcpy(j->reader, reader);
  j->now = now;
  j->with_photo = t->with_photo;
  uint64_t start = mono_ms();
  j->beat_ms = start;

  pthread_attr_t pa;
  pthread_t th;
  pthread_attr_init(&pa);
  pthread_attr_setdetachstate(&pa, PTHREAD_CREATE_DETACHED);
  int perr = pthread_create(&th, &pa, job_main, j);
  pthread_attr_destroy(&pa);
  if (perr != 0) {
    /* no thread to spare: read here, without a deadline, rather than not at all */
    app_log("card: no worker thread (%s), reading without a deadline", strerror(perr));
    job_main(j);
  }

  uint64_t cap = start + (uint64_t)t->deadline_ms * TOTAL_DEADLINES;
  pthread_mutex_lock(&j->mu);
  while (!j->done) {
    uint64_t due = j->beat_ms + t->deadline_ms;
    if (due > cap)
      due = cap;
    if (mono_ms() >= due)
      break;
    struct timespec ts = {(time_t)(due / 1000), (long)(due % 1000) * 1000000L};
    pthread_cond_timedwait(&j->cv, &j->mu, &ts);
  }
  int done = j->done;
  pthread_mutex_unlock(&j->mu);
  if (!done) {
    app_log("card: no answer within %u ms: not responding (the reader is free again when "
            "the card is taken away)", t->deadline_ms);
    job_release(j);
    return CARDIO_E_UNRESPONSIVE;
  }
  t->ctx = j->ctx;
  j->ctx = NULL;
  *out = j;
  return CARDIO_OK;
}

void term_tap_read(struct term_tap *t, const char *reader, int64_t now, struct term_card *out)
{
  memset(out, 0, sizeof *out);
  struct tap_job *j;
  int rc = job_run(t, JOB_HONOUR, reader, now, &j);
  if (rc == CARDIO_OK) {
    rc = j->rc;
    *out = j->card; /* the record and the photo move to the caller */
    memset(&j->card, 0, sizeof j->card);
    job_release(j);
  }
  if (rc != CARDIO_OK) {
    term_card_clear(out);
    out->kind = TERM_TAP_READ_ERROR;
    out->err = rc;
    out->error_key = error_key(rc);
    app_log("card: not read: %s (%s)", cardio_errname(rc), out->error_key);
    return;
  }
  char summary[512];
  cardio_hc_result_summary(&out->res, summary, sizeof summary);
  app_log("card: %s", summary);
  const struct cardio_hc_check_result *fmt = &out->res.check[CARDIO_HC_CHECK_FORMAT];
  if (fmt->status == CARDIO_HC_FAILED && (fmt->reason == CARDIO_HC_REASON_NO_APPLICATION ||
                                          fmt->reason == CARDIO_HC_REASON_NOT_PERSONALISED)) {
    /* not an honour card at all (a bank card, blank stock): nothing to decide on, and
     * nothing to journal */
    term_card_clear(out);
    out->kind = TERM_TAP_NOT_HONOUR;
    out->error_key = "error.unknown_card";
    return;
  }
  out->kind = TERM_TAP_HONOUR;
  term_facts_from_cardio(&out->res, &out->facts);
  /* the card carries only the masked name; show it only if it looks masked */
  if (out->res.have_record && strchr(out->res.rec.name_masked, '*'))
    snprintf(out->name_masked, sizeof out->name_masked, "%s", out->res.rec.name_masked);
}

void term_card_clear(struct term_card *c)
{
  free(c->photo);
  cardio_cleanse(c, sizeof *c);
  memset(c, 0, sizeof *c);
}

int term_tap_ssc(struct term_tap *t, const char *reader, const struct term_card *card,
                 enum kiosk_holder *holder, char *id_masked, size_t cap)
{
  if (card->kind != TERM_TAP_HONOUR || !card->res.have_record)
    return 0;
  struct tap_job *j;
  int rc = job_run(t, JOB_SSC, reader, 0, &j);
  if (rc != CARDIO_OK) {
    app_log("social security card: %s", cardio_errname(rc));
    return -1;
  }
  rc = j->rc;
  struct cardio_ssc_data *d = &j->ssc;
  if (rc == CARDIO_E_NO_CARD || rc == CARDIO_E_NOT_FOUND) {
    job_release(j);
    return 0;
  }
  if (rc != CARDIO_OK) {
    app_log("social security card: %s", cardio_errname(rc));
    job_release(j);
    return -1;
  }
  enum cardio_hc_match m = cardio_hc_holder_match(&card->res.rec, d->id_number);
  *holder = term_holder_from_cardio(m, 1);
  if (common_id_mask(d->id_number, id_masked, cap) != COMMON_OK)
    id_masked[0] = '\0';
  job_release(j); /* wipes the ID number */
  app_log("social security card: %s", cardio_hc_match_name(m));
  return 1;
}

enum kiosk_holder term_tap_typed(const struct term_card *card, const char *idno)
{
  if (card->kind != TERM_TAP_HONOUR || !card->res.have_record)
    return KIOSK_HOLDER_NOT_PRESENTED;
  return term_holder_from_cardio(cardio_hc_holder_match(&card->res.rec, idno), 0);
}
