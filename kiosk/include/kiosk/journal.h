/*
 * kiosk audit journal: every decision the terminal gives, in a tamper-evident chain.
 *
 * SQLite in WAL mode with synchronous=FULL: an append returns KIOSK_OK only after its
 * transaction is durable, so a committed event survives kill -9 or power loss. Each
 * event has a gapless sequence number (1, 2, 3, ...) and a SHA-256 hash over its
 * canonical encoding and its predecessor's hash (docs/journal.md has the schema and the
 * exact hash input, which the centre re-computes).
 *
 * What an event holds is only what the centre needs: card number and generation, site,
 * terminal, vehicle, time, mode, verdict, reasons, amount waived, bill reference and
 * staff id. Never a citizen ID number or a name: string fields are tokens of
 * [A-Za-z0-9._-] and anything shaped like an ID number is refused.
 *
 * The sync engine (netsync) uses: kiosk_journal_read (events in a seq range),
 * kiosk_journal_acked / kiosk_journal_set_acked (the acknowledged-through mark, stored
 * in the same database), kiosk_journal_last_seq, kiosk_journal_count_unsent. The
 * decision path uses kiosk_journal_recent (indexed) and kiosk_journal_append.
 *
 * Threads: a struct kiosk_journal is one SQLite connection: use it from one thread at a
 * time. Open a second handle on the same file for another thread (the sync worker);
 * WAL lets readers run beside the writer, writers wait up to 5 s for each other.
 */
#ifndef KIOSK_JOURNAL_H
#define KIOSK_JOURNAL_H

#include <stdio.h>

#include "kiosk/decide.h"
#include "proto/event.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KIOSK_HASH_LEN PROTO_HASH_LEN
#define KIOSK_JOURNAL_SCHEMA 1

/* Event kinds: proto's (proto/proto.h), stored and hashed by name. */
enum kiosk_event_kind {
  KIOSK_EVENT_DECISION = PROTO_EVENT_DECISION, /* a verdict given and journaled at once */
  KIOSK_EVENT_OVERRIDE = PROTO_EVENT_OVERRIDE, /* a staff override given while the journal
                                                  was down, appended later from the queue */
  KIOSK_EVENT_SIGN_IN = PROTO_EVENT_SIGN_IN,   /* staff events (proto/proto.h): no card */
  KIOSK_EVENT_SIGN_OUT = PROTO_EVENT_SIGN_OUT,
  KIOSK_EVENT_LOCKOUT = PROTO_EVENT_LOCKOUT,
  KIOSK_EVENT_VOID = PROTO_EVENT_VOID,         /* a cashier waiver cancelled: ref_seq */
  KIOSK_EVENT_GATE_FAULT = PROTO_EVENT_GATE_FAULT, /* the gate did not open: ref_seq */
};
const char *kiosk_event_kind_name(int kind);

#define KIOSK_SITE_TOKEN_MAX PROTO_SITE_TOKEN_MAX
#define KIOSK_TOKEN_MAX PROTO_TOKEN_MAX

/*
 * A journal event is proto's event (struct proto_event, proto/event.h): the journal
 * stores exactly the fields that are uploaded and hashed. Its mode, kind and verdict
 * hold enum kiosk_mode, enum kiosk_event_kind and enum kiosk_verdict_kind values (the
 * same numbers as proto's vocabulary, checked at compile time in journal.c).
 */

/* Check an event's fields as append would (proto_event_check).
 * KIOSK_OK or KIOSK_E_INVALID_ARG with a short reason in why (may be NULL). */
int kiosk_event_check(const struct proto_event *ev, char *why, size_t why_cap);

/* The canonical hash input (proto_event_canonical; docs/journal.md). Returns the length,
 * or 0 when it does not fit in cap or a field is invalid. */
size_t kiosk_event_canonical(const struct proto_event *ev, char *buf, size_t cap);
/* hash = SHA-256(canonical line) (proto_event_hash). KIOSK_OK or INVALID_ARG / CRYPTO. */
int kiosk_event_hash(const struct proto_event *ev, uint8_t out[KIOSK_HASH_LEN]);

/* One event as a JSON object (jansson), one line, no newline; malloc'd, free() it. */
char *kiosk_event_to_json(const struct proto_event *ev);
/* The reverse, for the terminal's durable override queue: buf[0..len) holds one object
 * as kiosk_event_to_json writes it (seq, time, the tokens, mode/kind/verdict by name,
 * reasons_hex; the hashes are not read). KIOSK_OK, TOO_LARGE (len >
 * KIOSK_EVENT_JSON_MAX), FORMAT (not that object, or kiosk_event_check refuses it).
 * Fuzz target tests/fuzz/fuzz_kiosk_event_json.c. */
#define KIOSK_EVENT_JSON_MAX 4096u
int kiosk_event_from_json(const char *buf, size_t len, struct proto_event *ev);

/* ---------------------------------------------------------------- journal -- */

struct kiosk_journal;

#define KIOSK_JOURNAL_READONLY 0x1u /* open an existing journal read-only (verify, export) */
/* Check the journal before it is used (the terminal, before its first decision): see
 * "Integrity at open" below. Ignored with READONLY. */
#define KIOSK_JOURNAL_CHECK 0x2u

/*
 * Integrity at open. Every append also writes a small sidecar, <path>.head (one line,
 * fixed length, overwritten in place after the commit; not fsync'd, so after a power cut
 * it may lag the journal, never lead it):
 *   yh-journal-head-v1 <seq, 20 digits> <hash, 64 hex> <checkpoint, 20 digits> <hash, 64 hex>\n
 * the head (last seq and its hash) and the checkpoint (the acknowledged-through mark at
 * that append: the centre holds everything up to it and has verified its chain).
 * With KIOSK_JOURNAL_CHECK, open fails with CHAIN and a reason in diag when:
 *   - the sidecar is malformed;
 *   - the journal ends before the sidecar's head (a cut tail; an empty or zero-length
 *     file where the sidecar says events were written: the file was replaced);
 *   - the event at the sidecar's head or checkpoint does not have the recorded hash;
 *   - the chain from the checkpoint to the tail is broken (gap, prev_hash, a hash that
 *     does not match its fields: an altered row), or the head table differs from it.
 * The cost is one hash per event after the checkpoint (events not yet acknowledged):
 * bounded by the sync, not by the journal's size. Without a sidecar (a journal from
 * before this check) the whole chain is checked once and the sidecar written. Rows at
 * or before the checkpoint are left to kiosk_journal_verify and to the centre.
 */
#define KIOSK_JOURNAL_HEAD_LINE_LEN 191u
struct kiosk_journal_head {
  uint64_t seq;
  uint8_t hash[KIOSK_HASH_LEN];
  uint64_t ckpt_seq;
  uint8_t ckpt_hash[KIOSK_HASH_LEN];
};
/* Parse a sidecar record (exactly the line above, len bytes, not NUL-terminated).
 * KIOSK_OK or KIOSK_E_FORMAT. Bounded; fuzz target tests/fuzz/fuzz_journal_head.c. */
int kiosk_journal_head_parse(const char *buf, size_t len, struct kiosk_journal_head *out);

/*
 * Open (creating when absent, unless READONLY) the journal at path: WAL,
 * synchronous=FULL, schema checked. Errors: DB (with SQLite's code and text in diag),
 * DB_READONLY, NOT_FOUND (READONLY and no file), CHAIN (schema from the future; with
 * KIOSK_JOURNAL_CHECK, a failed integrity check, the reason in diag).
 */
int kiosk_journal_open(const char *path, unsigned flags, struct kiosk_journal **out,
                       struct kiosk_diag *diag);
void kiosk_journal_close(struct kiosk_journal *j);

/* SQLite's last error text on this handle, for log lines (never holds event data). */
const char *kiosk_journal_errmsg(const struct kiosk_journal *j);

/*
 * Append one event durably. Sets ev->seq (last + 1), ev->prev_hash, ev->hash. Returns
 * KIOSK_OK only once the transaction is on disk. Errors: INVALID_ARG (a field fails
 * kiosk_event_check), DB_FULL (disk full), DB_READONLY, DB (other, e.g. I/O error);
 * on error nothing was appended.
 */
int kiosk_journal_append(struct kiosk_journal *j, struct proto_event *ev);

/* The newest seq (0 when empty). */
int kiosk_journal_last_seq(struct kiosk_journal *j, uint64_t *seq);

/* Read one event. NOT_FOUND when there is no such seq. */
int kiosk_journal_get(struct kiosk_journal *j, uint64_t seq, struct proto_event *ev);

/*
 * Call fn for each event with from <= seq <= to (to 0: up to the last), in seq order.
 * fn returns 0 to go on, anything else to stop (kiosk_journal_read then returns that
 * value). For netsync: read a batch with from = acked + 1 and stop after max events.
 */
typedef int (*kiosk_journal_event_fn)(const struct proto_event *ev, void *user);
int kiosk_journal_read(struct kiosk_journal *j, uint64_t from, uint64_t to,
                       kiosk_journal_event_fn fn, void *user);

/* The acknowledged-through mark: every event with seq <= mark is safe at the centre. */
int kiosk_journal_acked(struct kiosk_journal *j, uint64_t *seq);
/* Set it, durably. RANGE when seq is below the current mark or above the last seq
 * (setting the current value again is OK). */
int kiosk_journal_set_acked(struct kiosk_journal *j, uint64_t seq);
/* Events not yet acknowledged: last_seq - acked. */
int kiosk_journal_count_unsent(struct kiosk_journal *j, uint64_t *count);

/*
 * Granted uses of a card at a site (and vehicle: "" for none) with time > since.
 * Indexed on (card_no, time). Fills out->known = 1, count and last_time; on a database
 * error returns it and leaves out->known = 0.
 */
int kiosk_journal_recent(struct kiosk_journal *j, const char *card_no, const char *site,
                         const char *vehicle, int64_t since, struct kiosk_recent *out);

/* Result of a chain verification. */
struct kiosk_journal_check {
  uint64_t checked;   /* events verified */
  uint64_t bad_seq;   /* first seq where the chain breaks (0 when intact) */
  char problem[160];  /* what is wrong there */
};
/* Verify the whole chain: seqs gapless from 1, each prev_hash the predecessor's hash,
 * each hash recomputed, the head record matching the last event. KIOSK_OK, or
 * KIOSK_E_CHAIN with res filled, or a DB error. */
int kiosk_journal_verify(struct kiosk_journal *j, struct kiosk_journal_check *res);

/* Cap the database at this many pages (PRAGMA max_page_count): a quota, and the way
 * tests make the disk "full" (appends then fail with DB_FULL). */
int kiosk_journal_set_max_pages(struct kiosk_journal *j, uint64_t pages);

/* Write events from..to (to 0: the last) as JSON lines (kiosk_event_to_json). */
int kiosk_journal_export(struct kiosk_journal *j, uint64_t from, uint64_t to, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_JOURNAL_H */
