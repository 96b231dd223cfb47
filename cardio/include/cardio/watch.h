/*
 * cardio reader watcher: reports readers appearing and disappearing and cards being
 * inserted and removed, by SCardGetStatusChange on every reader plus the
 * "\\?PnP?\Notification" pseudo-reader. It runs on its own thread with its own PC/SC
 * context. When pcscd goes away it reports SERVICE_LOST (and READER_REMOVED for each
 * reader it knew), then retries every CARDIO_WATCH_RETRY_MS until the daemon is back,
 * reports SERVICE_BACK and the readers and cards again. No restart of the process.
 */
#ifndef CARDIO_WATCH_H
#define CARDIO_WATCH_H

#include "cardio/cardio.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CARDIO_WATCH_RETRY_MS 250

enum cardio_watch_kind {
  CARDIO_WATCH_READER_ADDED,
  CARDIO_WATCH_READER_REMOVED,
  CARDIO_WATCH_CARD_INSERTED,
  CARDIO_WATCH_CARD_REMOVED,
  CARDIO_WATCH_SERVICE_LOST,
  CARDIO_WATCH_SERVICE_BACK,
};

const char *cardio_watch_kind_name(enum cardio_watch_kind kind);

struct cardio_watch_event {
  enum cardio_watch_kind kind;
  const char *reader;  /* NULL for SERVICE_* events; valid during the callback only */
  const uint8_t *atr;  /* CARD_INSERTED only, else NULL */
  size_t atr_len;
};

/* Called on the watcher's thread. Must not block for long; must not call
 * cardio_watch_stop on its own watcher. */
typedef void (*cardio_watch_fn)(const struct cardio_watch_event *ev, void *user);

struct cardio_watch;

/* Create a watcher (not yet running). Errors: INVALID_ARG, NO_MEMORY. */
int cardio_watch_create(cardio_watch_fn fn, void *user, struct cardio_watch **out);
/* Start the worker thread. Works when pcscd is down (it waits for it). */
int cardio_watch_start(struct cardio_watch *w);
/* Run on the calling thread until cardio_watch_stop is called from another thread. */
int cardio_watch_run(struct cardio_watch *w);
/* Stop (SCardCancel, then join when started with cardio_watch_start). Idempotent. */
void cardio_watch_stop(struct cardio_watch *w);
/* Stop if running, then free. Accepts NULL. */
void cardio_watch_destroy(struct cardio_watch *w);

#ifdef __cplusplus
}
#endif
#endif
