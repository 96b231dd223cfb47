/*
 * kiosk bills: the bills this terminal has waived and not voided (issue 12, "no double
 * waiver"), so the same bill at the same hospital is refused at once
 * (BILL_ALREADY_WAIVED), without asking the centre.
 *
 * Built from the journal (one pass over its events: a cashier GRANT with a bill adds it, a
 * VOID removes the waiver it names) and kept up to date by the terminal at each commit
 * (kiosk_bills_note). Compact: an entry is a 64-bit hash of (site, bill) with the
 * waiver's seq and time, 24 bytes; a hit is confirmed against the journal row, so a hash
 * collision can never refuse a bill. Cost measured in docs/kiosk.md.
 *
 * So that the start does not cost a pass over the whole journal (5.7 s for a million
 * events), the index is kept in a sidecar beside the journal, <journal>.bills, written
 * atomically (temporary file, fsync, rename, fsync of the directory) and holding the
 * index as it was after journal event seq S with that event's hash (the chain's head at
 * S). At open the sidecar is taken only when it is whole and matches the journal, then
 * the events after S are read; anything else (absent, truncated, damaged, oversized, from
 * another journal, entries that do not match their journal rows) is rebuilt from the
 * journal and the reason is returned for the log. The sidecar only ever saves time: the
 * journal stays the one source.
 *
 * Sidecar format (version 1; integers little-endian):
 *   magic "YHBILLS1" (8) | S u64 | hash of event S (32; zeros when S is 0) | count u64 |
 *   count entries { key hash u64 | waiver seq u64 | waiver time i64 } in increasing seq,
 *   each seq in 1..S | SHA-256 of every byte before it (32)
 * so its length is exactly 56 + 24 * count + 32, count at most KIOSK_BILLS_SIDECAR_MAX.
 *
 * Threads: none; owned by the terminal (kiosk/terminal.h), used on its thread.
 */
#ifndef KIOSK_BILLS_H
#define KIOSK_BILLS_H

#include "kiosk/journal.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kiosk_bills;

/* Read journal j from the first event and build the index. KIOSK_OK, NO_MEMORY, or the
 * journal's error. */
int kiosk_bills_build(struct kiosk_journal *j, struct kiosk_bills **out);
void kiosk_bills_destroy(struct kiosk_bills *b); /* NULL accepted */

#define KIOSK_BILLS_SIDECAR_MAGIC "YHBILLS1"
#define KIOSK_BILLS_SIDECAR_HEADER 56u
#define KIOSK_BILLS_SIDECAR_ENTRY 24u
#define KIOSK_BILLS_SIDECAR_MAX (1u << 23) /* 8,388,608 bills: 192 MiB */
/* The terminal writes the sidecar when this many events were journaled since the last
 * one (at open, after a commit, at close): what a start reads besides the sidecar is at
 * most this many events (about 60 ms). */
#define KIOSK_BILLS_SAVE_EVERY 10000u

/* How kiosk_bills_open got its index, for the log. */
struct kiosk_bills_origin {
  int from_sidecar;     /* 1: the sidecar, then the events after it */
  uint64_t sidecar_seq; /* the journal seq the sidecar covered (0 when not used) */
  uint64_t scanned;     /* journal events read */
  char why[160];        /* a sidecar was there and not used: why (never file content) */
};

/*
 * The index of journal j at open: from the sidecar at path (NULL or "": none) when it is
 * whole and matches j, then the events after it; otherwise from the whole journal, with
 * the reason in origin->why (empty when there was no sidecar file). KIOSK_OK,
 * NO_MEMORY, or the journal's error (a bad sidecar is never an error: it is rebuilt).
 */
int kiosk_bills_open(struct kiosk_journal *j, const char *path, struct kiosk_bills **out,
                     struct kiosk_bills_origin *origin);

/*
 * Write the sidecar at path for the index as it stands: it covers the newest event
 * noted (kiosk_bills_note) or read at open, whose hash is read from j. The caller must
 * have noted every waiver and void journaled up to then (the terminal does, at each
 * commit). Atomic: path.tmp, fsync, rename, fsync of the directory; on failure the old
 * sidecar (if any) stays. KIOSK_OK, IO (errno kept), NO_MEMORY, TOO_LARGE, NOT_FOUND (the
 * covered event is not in j) or the journal's error.
 */
int kiosk_bills_save(struct kiosk_bills *b, struct kiosk_journal *j, const char *path);
/* The newest journal seq the index covers, and the one the last sidecar (written or
 * read) covered: the terminal saves when they are KIOSK_BILLS_SAVE_EVERY apart. */
uint64_t kiosk_bills_seq(const struct kiosk_bills *b);
uint64_t kiosk_bills_saved_seq(const struct kiosk_bills *b);

/*
 * Parse a sidecar's bytes (buf[0..len), nothing read past len) into an index, checking
 * its structure only (magic, exact length, count bound, digest, entries in increasing
 * seq within 1..S): whether it matches a journal is kiosk_bills_open's business.
 * KIOSK_OK with *out, *seq = S and hash; FORMAT or TOO_LARGE with a reason in why (never
 * quoting the input); NO_MEMORY. Fuzz target tests/fuzz/fuzz_kiosk_bills_sidecar.c.
 */
int kiosk_bills_parse(const void *buf, size_t len, struct kiosk_bills **out, uint64_t *seq,
                      uint8_t hash[KIOSK_HASH_LEN], char *why, size_t why_cap);

/* 1 when ev is a waiver: a cashier decision or override, GRANT, with a bill. */
int kiosk_bills_is_waiver(const struct proto_event *ev);

/* An event just appended to j (seq set): a waiver is added, a VOID removes the waiver it
 * names (looked up in j). Anything else only moves the covered seq on. KIOSK_OK or
 * NO_MEMORY. */
int kiosk_bills_note(struct kiosk_bills *b, struct kiosk_journal *j, const struct proto_event *ev);

/* Is bill at site waived here and not voided? KIOSK_OK with *seq and *time of the waiver,
 * or NOT_FOUND. */
int kiosk_bills_find(struct kiosk_bills *b, struct kiosk_journal *j, const char *site,
                     const char *bill, uint64_t *seq, int64_t *time);

size_t kiosk_bills_count(const struct kiosk_bills *b);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_BILLS_H */
