/*
 * proto batch: the upload batch a terminal sends and the centre parses
 * (docs/sync-protocol.md). JSON text (the sender gzips it on the wire):
 *
 *   {"v":1,"events":[{"seq":1,"time":...,"terminal":"...", ...},{...}]}
 *
 * Both sides walk ONE field table, PROTO_BATCH_FIELD_MAP: the encoder writes the members
 * of each event in the table's order with the table's types, and the parser accepts
 * exactly the table's members, once each, with the table's types. A field added to the
 * event is added here once and both sides follow.
 *
 * Parser grammar (single pass, a cursor and the bytes left, no recursion):
 *   batch   = ws "{" member ("," member)* "}" ws      members "v" and "events", once each
 *   events  = "[" event ("," event)* "]"               1..max_events events
 *   event   = "{" field ("," field)* "}"               the table's fields, once each
 *   string  = '"' bytes other than '"', '\' and controls '"'   (escapes are refused:
 *             every text field is a token, so a valid batch never needs one)
 *   integer = "-"? ("0" | [1-9][0-9]*), not followed by ".", "e", "E" or a digit
 * Strict by design: a member the protocol does not define is an error, so nothing else
 * (a name, an ID number) can ride along unnoticed. Error reasons name the place (byte
 * offset, event index, field), never the input bytes.
 *
 * Ownership: proto_batch_parse allocates out->ev; proto_batch_free frees it (accepts
 * NULL and an empty batch). No global state; any thread.
 */
#ifndef PROTO_BATCH_H
#define PROTO_BATCH_H

#include "proto/event.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard limits of one upload (a receiver may lower max_events). */
#define PROTO_BATCH_MAX_EVENTS 10000u
#define PROTO_BATCH_MAX_TEXT (16u * 1024u * 1024u)
#define PROTO_BATCH_VERSION 1

/* The event's members on the wire: name in the enum, JSON name, type (INT, TEXT or
 * OTEXT). The order is the encoder's order; never reorder (bytes on the wire stay the
 * same).
 *
 * OTEXT is an optional token, added after the first version of the journal (route,
 * trip, stop, ...): the encoder writes it only when it is not empty, the parser takes
 * it as empty when it is missing, and the canonical line (proto/event.h) carries it as
 * "|name=value" only when it is set. So journals written before a field existed hash,
 * upload and verify exactly as before. A new optional field is one OTEXT row here, one
 * member in struct proto_event and one case in proto_event_opt_field(). */
#define PROTO_BATCH_FIELD_MAP(X)                                                         \
  X(SEQ, "seq", INT)                                                                     \
  X(TIME, "time", INT)                                                                   \
  X(TERMINAL, "terminal", TEXT)                                                          \
  X(SITE, "site", TEXT)                                                                  \
  X(MODE, "mode", TEXT)                                                                  \
  X(VEHICLE, "vehicle", TEXT)                                                            \
  X(CARD_NO, "card_no", TEXT)                                                            \
  X(GENERATION, "generation", INT)                                                       \
  X(KIND, "kind", TEXT)                                                                  \
  X(VERDICT, "verdict", TEXT)                                                            \
  X(REASONS, "reasons", TEXT)                                                            \
  X(AMOUNT_FEN, "amount_fen", INT)                                                       \
  X(BILL_REF, "bill_ref", TEXT)                                                          \
  X(STAFF_ID, "staff_id", TEXT)                                                          \
  X(PREV_HASH, "prev_hash", TEXT)                                                        \
  X(HASH, "hash", TEXT)                                                                  \
  X(ROUTE, "route", OTEXT)    /* bus: the route the vehicle runs */                      \
  X(TRIP, "trip", OTEXT)      /* bus: the trip (one run of the route) */                 \
  X(STOP, "stop", OTEXT)      /* bus: the stop where the card was tapped */\
  X(VISIT, "visit", OTEXT)    /* cashier: outpatient, inpatient, emergency */            \
  X(FEE_ITEM, "fee_item", OTEXT) /* cashier: the tariff item waived */                   \
  X(REF_SEQ, "ref_seq", OTEXT) /* VOID: the seq of the waiver cancelled (decimal) */

enum proto_batch_field {
#define PROTO_X_BF(id, name, type) PROTO_BF_##id,
  PROTO_BATCH_FIELD_MAP(PROTO_X_BF)
#undef PROTO_X_BF
  PROTO_BF_COUNT
};

enum proto_batch_type { PROTO_BT_INT, PROTO_BT_TEXT, PROTO_BT_OTEXT };

struct proto_batch_field_info {
  const char *name;
  enum proto_batch_type type;
};
/* The table, indexed by enum proto_batch_field. */
extern const struct proto_batch_field_info proto_batch_fields[PROTO_BF_COUNT];

/* ---------------------------------------------------------------- encoder -- */

/* Receives the encoder's output in pieces; returns 0 to go on, anything else to stop
 * (proto_batch_encode then returns that value). */
typedef int (*proto_batch_put_fn)(void *user, const void *bytes, size_t n);

/*
 * Write events ev[0..n) as one batch through put. Text is escaped (\u00XX for '"', '\'
 * and control characters) although events hold tokens only: a damaged journal row then
 * gives a batch the centre refuses, not broken JSON; an unknown mode, kind or verdict
 * goes out as "?" for the same reason. Returns PROTO_OK, INVALID_ARG, or put's value.
 */
int proto_batch_encode(const struct proto_event *ev, size_t n, proto_batch_put_fn put,
                       void *user);

/* ----------------------------------------------------------------- parser -- */

/*
 * Why a well-formed event is held back by the receiver. The batch stays acceptable: the
 * receiver quarantines the event with its reason (it keeps seq and hashes, so that the
 * chain goes on through it) and accepts the rest (docs/sync-protocol.md, "Quarantine").
 * Only content that a damaged clock or a typing slip produces is held; anything that
 * breaks the batch's shape (syntax, seq run, hashes, unknown names, over-long text) still
 * refuses the whole batch.
 */
#define PROTO_BATCH_HOLD_MAP(X)                                                          \
  X(NONE, "accepted")                                                                    \
  X(TIME, "time before 2000-01-01 or after 2100-01-01 (a clock reset?)")                 \
  X(AMOUNT, "amount out of range")                                                       \
  X(FIELD, "a field the event check refuses")

enum proto_batch_hold {
#define PROTO_X_HOLD(id, text) PROTO_HOLD_##id,
  PROTO_BATCH_HOLD_MAP(PROTO_X_HOLD)
#undef PROTO_X_HOLD
  PROTO_HOLD_COUNT
};
/* The reason's text; "?" for an unknown code. */
const char *proto_batch_hold_text(int hold);

struct proto_batch {
  size_t n;
  struct proto_event *ev; /* n events, seq strictly increasing by 1 */
  uint8_t *hold;          /* n codes (enum proto_batch_hold), PROTO_HOLD_NONE for most */
  size_t n_held;          /* how many are not PROTO_HOLD_NONE */
};

/*
 * Parse a batch of len bytes (text need not be NUL-terminated) into *out. An event whose
 * time or amount is out of range or that fails proto_event_check() is kept with its hold
 * code (out->hold); hashes are 64 lowercase hex digits, reasons 16. MALFORMED
 * (any violation, a break in the seq run), TOO_LARGE (more than max_events, 0 meaning
 * PROTO_BATCH_MAX_EVENTS, or text over PROTO_BATCH_MAX_TEXT), NO_MEMORY, INVALID_ARG;
 * a short reason (no input echoed) in why[cap]. On error *out is empty.
 */
int proto_batch_parse(const char *text, size_t len, size_t max_events, struct proto_batch *out,
                      char *why, size_t cap);
void proto_batch_free(struct proto_batch *b);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_BATCH_H */
