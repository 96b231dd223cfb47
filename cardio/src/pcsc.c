/* The PC/SC transport over pcsc-lite: context, readers, connect, transmit. Every PC/SC
 * return code is translated once, in cardio_pcsc_to_err(); the raw code goes into the
 * log line. */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardio/cardio.h"
#include "cardio_int.h"

/* How long to wait, after an exchange failed at the link level, for the reader to report
 * the card gone: vpcd (and some real readers) report a pulled card as a communication
 * error first and as "empty" at the next presence poll. */
#define CARDIO_REMOVAL_SETTLE_MS 1500

struct cardio_ctx {
  SCARDCONTEXT h;
  int valid;
};

struct cardio_pcsc_card {
  struct cardio_ctx *ctx;
  SCARDHANDLE h;
  DWORD proto;
  char reader[256];
};

int cardio_pcsc_to_err(long rv)
{
  switch ((LONG)rv) {
  case SCARD_S_SUCCESS:
    return CARDIO_OK;
  case SCARD_E_NO_SERVICE:
    return CARDIO_E_NO_SERVICE;
  case SCARD_E_SERVICE_STOPPED:
  case SCARD_E_INVALID_HANDLE:
  case SCARD_F_COMM_ERROR: /* pcsc-lite: "RPC transport error", the daemon went away */
    return CARDIO_E_SERVICE_GONE;
  case SCARD_E_UNKNOWN_READER:
  case SCARD_E_READER_UNAVAILABLE:
  case SCARD_E_NO_READERS_AVAILABLE:
    return CARDIO_E_NO_READER;
  case SCARD_E_NO_SMARTCARD:
    return CARDIO_E_NO_CARD;
  case SCARD_W_REMOVED_CARD:
    return CARDIO_E_CARD_REMOVED;
  case SCARD_W_RESET_CARD:
    return CARDIO_E_CARD_RESET;
  case SCARD_E_TIMEOUT:
    return CARDIO_E_TIMEOUT;
  case SCARD_E_CANCELLED:
    return CARDIO_E_CANCELLED;
  case SCARD_W_UNRESPONSIVE_CARD:
  case SCARD_W_UNPOWERED_CARD:
  case SCARD_W_UNSUPPORTED_CARD:
    return CARDIO_E_UNRESPONSIVE;
  case SCARD_E_SHARING_VIOLATION:
    return CARDIO_E_SHARING;
  case SCARD_E_INSUFFICIENT_BUFFER:
    return CARDIO_E_BUFFER_TOO_SMALL;
  case SCARD_E_NO_MEMORY:
    return CARDIO_E_NO_MEMORY;
  case SCARD_E_INVALID_PARAMETER:
  case SCARD_E_INVALID_VALUE:
    return CARDIO_E_INVALID_ARG;
  case SCARD_E_NOT_TRANSACTED:
  case SCARD_E_PROTO_MISMATCH:
  case SCARD_E_UNKNOWN_CARD:
    return CARDIO_E_COMM;
  default:
    return CARDIO_E_INTERNAL;
  }
}

/* Translate and log a failed PC/SC call. */
static int cardio_pcsc_fail(const char *call, LONG rv, enum cardio_log_level level)
{
  int err = cardio_pcsc_to_err(rv);
  cardio_log(level, "%s: %s (pcsc 0x%08lX %s)", call, cardio_errname(err),
             (unsigned long)(uint32_t)rv, pcsc_stringify_error(rv));
  return err;
}

/* Once a context existed, "no service" means it went away. */
static int cardio_gone(int err)
{
  return err == CARDIO_E_NO_SERVICE ? CARDIO_E_SERVICE_GONE : err;
}

int cardio_ctx_create(struct cardio_ctx **out)
{
  struct cardio_ctx *ctx;
  LONG rv;

  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return CARDIO_E_NO_MEMORY;
  rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx->h);
  if (rv != SCARD_S_SUCCESS) {
    free(ctx);
    return cardio_pcsc_fail("SCardEstablishContext", rv, CARDIO_LOG_INFO);
  }
  ctx->valid = 1;
  *out = ctx;
  return CARDIO_OK;
}

void cardio_ctx_destroy(struct cardio_ctx *ctx)
{
  if (!ctx)
    return;
  if (ctx->valid)
    SCardReleaseContext(ctx->h);
  free(ctx);
}

/* After pcscd restarted, the old context is dead: make a new one, once per call.
 * SCardIsValidContext only consults the client's own table, so after a call failed
 * with a service error the context is replaced whatever it says (force). */
static int cardio_ctx_revive(struct cardio_ctx *ctx, int force)
{
  LONG rv;

  if (!force && ctx->valid && SCardIsValidContext(ctx->h) == SCARD_S_SUCCESS)
    return CARDIO_OK;
  if (ctx->valid)
    SCardReleaseContext(ctx->h);
  ctx->valid = 0;
  rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx->h);
  if (rv != SCARD_S_SUCCESS)
    return cardio_gone(cardio_pcsc_fail("SCardEstablishContext", rv, CARDIO_LOG_INFO));
  ctx->valid = 1;
  cardio_log(CARDIO_LOG_INFO, "PC/SC context re-established");
  return CARDIO_OK;
}

/* Run a PC/SC call; if the service had gone and is back, retry once on a new context. */
#define CARDIO_PCSC_RETRY(ctx, rv, call)                                               \
  do {                                                                                 \
    (rv) = (call);                                                                     \
    if ((cardio_pcsc_to_err(rv) == CARDIO_E_SERVICE_GONE ||                            \
         (rv) == SCARD_E_NO_SERVICE) &&                                                \
        cardio_ctx_revive((ctx), 1) == CARDIO_OK) {                                    \
      (rv) = (call);                                                                   \
    }                                                                                  \
  } while (0)

int cardio_list_readers(struct cardio_ctx *ctx, char ***names, size_t *count)
{
  LONG rv;
  DWORD len = 0;
  char *multi = NULL, **list = NULL;
  size_t n = 0;

  if (names)
    *names = NULL;
  if (count)
    *count = 0;
  if (!ctx || !names || !count)
    return CARDIO_E_INVALID_ARG;
  if (!ctx->valid && cardio_ctx_revive(ctx, 0) != CARDIO_OK)
    return CARDIO_E_SERVICE_GONE;

  for (int attempt = 0; attempt < 3; attempt++) {
    CARDIO_PCSC_RETRY(ctx, rv, SCardListReaders(ctx->h, NULL, NULL, &len));
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
      goto out_empty;
    if (rv != SCARD_S_SUCCESS)
      return cardio_gone(cardio_pcsc_fail("SCardListReaders", rv, CARDIO_LOG_INFO));
    free(multi);
    multi = malloc(len ? len : 1);
    if (!multi)
      return CARDIO_E_NO_MEMORY;
    rv = SCardListReaders(ctx->h, NULL, multi, &len);
    if (rv == SCARD_E_INSUFFICIENT_BUFFER)
      continue; /* a reader appeared between the two calls */
    if (rv == SCARD_E_NO_READERS_AVAILABLE)
      goto out_empty;
    if (rv != SCARD_S_SUCCESS) {
      free(multi);
      return cardio_gone(cardio_pcsc_fail("SCardListReaders", rv, CARDIO_LOG_INFO));
    }
    break;
  }
  if (rv != SCARD_S_SUCCESS) {
    free(multi);
    return CARDIO_E_INTERNAL;
  }
  /* The multi-string is untrusted in shape only as far as its length: stop at len. */
  for (size_t i = 0; i < len && multi[i]; i += strnlen(multi + i, len - i) + 1)
    n++;
  list = calloc(n + 1, sizeof *list);
  if (!list)
    goto out_nomem;
  n = 0;
  for (size_t i = 0; i < len && multi[i]; i += strnlen(multi + i, len - i) + 1) {
    list[n] = strndup(multi + i, len - i);
    if (!list[n])
      goto out_nomem;
    n++;
  }
  free(multi);
  *names = list;
  *count = n;
  return CARDIO_OK;

out_nomem:
  cardio_reader_list_free(list);
  free(multi);
  return CARDIO_E_NO_MEMORY;
out_empty:
  free(multi);
  *names = calloc(1, sizeof **names);
  return *names ? CARDIO_OK : CARDIO_E_NO_MEMORY;
}

void cardio_reader_list_free(char **names)
{
  if (!names)
    return;
  for (char **p = names; *p; p++)
    free(*p);
  free(names);
}

int cardio_wait_card(struct cardio_ctx *ctx, const char *reader, int timeout_ms)
{
  SCARD_READERSTATE st;
  struct timespec start, now;
  LONG rv;

  if (!ctx || !reader)
    return CARDIO_E_INVALID_ARG;
  if (!ctx->valid && cardio_ctx_revive(ctx, 0) != CARDIO_OK)
    return CARDIO_E_SERVICE_GONE;
  memset(&st, 0, sizeof st);
  st.szReader = reader;
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    DWORD wait = INFINITE;
    if (timeout_ms >= 0) {
      clock_gettime(CLOCK_MONOTONIC, &now);
      long spent = (now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L;
      if (spent >= timeout_ms && st.dwCurrentState != SCARD_STATE_UNAWARE)
        return CARDIO_E_TIMEOUT;
      wait = (DWORD)(spent >= timeout_ms ? 0 : timeout_ms - spent);
    }
    CARDIO_PCSC_RETRY(ctx, rv, SCardGetStatusChange(ctx->h, wait, &st, 1));
    if (rv == SCARD_E_TIMEOUT)
      return CARDIO_E_TIMEOUT;
    if (rv != SCARD_S_SUCCESS)
      return cardio_gone(cardio_pcsc_fail("SCardGetStatusChange", rv, CARDIO_LOG_INFO));
    if (st.dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE))
      return CARDIO_E_NO_READER;
    if ((st.dwEventState & SCARD_STATE_PRESENT) && !(st.dwEventState & SCARD_STATE_MUTE))
      return CARDIO_OK;
    st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
  }
}

void cardio_ctx_cancel(struct cardio_ctx *ctx)
{
  if (ctx && ctx->valid)
    SCardCancel(ctx->h);
}

/* After a link-level failure, tell "card pulled" from other communication errors. */
static int cardio_pcsc_was_removed(struct cardio_pcsc_card *pc)
{
  SCARD_READERSTATE st;
  struct timespec start, now;

  memset(&st, 0, sizeof st);
  st.szReader = pc->reader;
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    long spent = (now.tv_sec - start.tv_sec) * 1000L + (now.tv_nsec - start.tv_nsec) / 1000000L;
    if (spent >= CARDIO_REMOVAL_SETTLE_MS)
      return 0;
    LONG rv = SCardGetStatusChange(pc->ctx->h, (DWORD)(CARDIO_REMOVAL_SETTLE_MS - spent), &st, 1);
    if (rv != SCARD_S_SUCCESS)
      return 0;
    if (st.dwEventState & SCARD_STATE_EMPTY)
      return 1;
    st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
  }
}

static int cardio_pcsc_transmit(void *vctx, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                                size_t resp_cap, size_t *resp_len)
{
  struct cardio_pcsc_card *pc = vctx;
  const SCARD_IO_REQUEST *pci = pc->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD rl = (DWORD)resp_cap;
  LONG rv;
  int err;

  rv = SCardTransmit(pc->h, pci, cmd, (DWORD)cmd_len, NULL, resp, &rl);
  if (rv == SCARD_S_SUCCESS) {
    /* vpcd answers an exchange cut by the card's departure with zero bytes. */
    if (rl < 2 && cardio_pcsc_was_removed(pc)) {
      *resp_len = 0;
      cardio_log(CARDIO_LOG_INFO, "SCardTransmit: %s (%lu-byte response, slot empty)",
                 cardio_errname(CARDIO_E_CARD_REMOVED), (unsigned long)rl);
      return CARDIO_E_CARD_REMOVED;
    }
    *resp_len = rl;
    return CARDIO_OK;
  }
  *resp_len = 0;
  err = cardio_pcsc_to_err(rv);
  if (err == CARDIO_E_COMM || err == CARDIO_E_INTERNAL || err == CARDIO_E_UNRESPONSIVE) {
    if (cardio_pcsc_was_removed(pc))
      err = CARDIO_E_CARD_REMOVED;
  }
  err = cardio_gone(err);
  cardio_log(CARDIO_LOG_INFO, "SCardTransmit: %s (pcsc 0x%08lX %s)", cardio_errname(err),
             (unsigned long)(uint32_t)rv, pcsc_stringify_error(rv));
  return err;
}

static int cardio_pcsc_reconnect(void *vctx)
{
  struct cardio_pcsc_card *pc = vctx;
  LONG rv = SCardReconnect(pc->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                           SCARD_LEAVE_CARD, &pc->proto);
  if (rv != SCARD_S_SUCCESS)
    return cardio_gone(cardio_pcsc_fail("SCardReconnect", rv, CARDIO_LOG_INFO));
  return CARDIO_OK;
}

static void cardio_pcsc_close(void *vctx)
{
  struct cardio_pcsc_card *pc = vctx;
  if (!pc)
    return;
  SCardDisconnect(pc->h, SCARD_LEAVE_CARD);
  free(pc);
}

static const struct cardio_transport_ops cardio_pcsc_ops = {
  .name = "pcsc",
  .transmit = cardio_pcsc_transmit,
  .reconnect = cardio_pcsc_reconnect,
  .close = cardio_pcsc_close,
};

int cardio_connect(struct cardio_ctx *ctx, const char *reader, struct cardio_card **out)
{
  struct cardio_pcsc_card *pc;
  uint8_t atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state = 0, proto = 0, name_len = 0;
  LONG rv;
  int err;

  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!ctx || !reader || strlen(reader) >= sizeof pc->reader)
    return CARDIO_E_INVALID_ARG;
  if (!ctx->valid && cardio_ctx_revive(ctx, 0) != CARDIO_OK)
    return CARDIO_E_SERVICE_GONE;
  pc = calloc(1, sizeof *pc);
  if (!pc)
    return CARDIO_E_NO_MEMORY;
  pc->ctx = ctx;
  strcpy(pc->reader, reader);
  CARDIO_PCSC_RETRY(ctx, rv,
                    SCardConnect(ctx->h, reader, SCARD_SHARE_SHARED,
                                 SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &pc->h, &pc->proto));
  if (rv != SCARD_S_SUCCESS) {
    free(pc);
    err = cardio_gone(cardio_pcsc_fail("SCardConnect", rv, CARDIO_LOG_INFO));
    /* At connect time a "removed" card is simply no card. */
    return err == CARDIO_E_CARD_REMOVED ? CARDIO_E_NO_CARD : err;
  }
  rv = SCardStatus(pc->h, NULL, &name_len, &state, &proto, atr, &atr_len);
  if (rv != SCARD_S_SUCCESS)
    atr_len = 0;
  return cardio_card_create(&cardio_pcsc_ops, pc, atr, atr_len, out);
}

int cardio_reconnect(struct cardio_card *card)
{
  const struct cardio_transport_ops *ops = cardio_card_ops(card);
  if (!ops)
    return CARDIO_E_INVALID_ARG;
  if (!ops->reconnect)
    return CARDIO_E_UNSUPPORTED;
  return ops->reconnect(cardio_card_ctx(card));
}
