/*
 * The readers `kiosk run` has seen (the watcher's READER_ADDED / READER_REMOVED for every
 * reader, not only the configured one), so that when the configured reader is missing
 * the log names the readers that ARE present: once, then again only when that set
 * changes, never every poll. A plain value owned by the decision thread.
 */
#ifndef TERM_READERS_SEEN_H
#define TERM_READERS_SEEN_H

#include <stdint.h>

#include "kiosk/config.h"

#define TERM_READERS_SEEN_MAX 16u

struct term_readers_seen {
  char names[TERM_READERS_SEEN_MAX][KIOSK_READER_MAX + 1];
  unsigned n;
  int changed;        /* since the last term_readers_seen_report */
  int checked;        /* reported at least once */
  uint64_t logged;    /* signature of the set last logged about; 0: none yet */
};

/* A reader appeared (added 1) or went (0); pcscd gone: term_readers_seen_clear. */
void term_readers_seen_update(struct term_readers_seen *r, const char *name, int added);
void term_readers_seen_clear(struct term_readers_seen *r);

/* Once the set has settled (the caller's once-a-second tick, a few seconds after start so
 * that the watcher has reported what is there): the first time, and then whenever the set
 * changed, when a configured reader (reader; ssc_reader when not "") is not among them and
 * this situation was not logged yet, log it with the readers present. */
void term_readers_seen_report(struct term_readers_seen *r, const char *reader,
                              const char *ssc_reader);

#endif
