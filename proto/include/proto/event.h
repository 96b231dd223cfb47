/*
 * proto event: the audit journal's event as the terminal stores it, uploads it and the
 * centre re-verifies it (docs/journal.md has the schema and the exact hash input).
 *
 * An event holds only what the centre needs: card number and generation, site,
 * terminal, vehicle, time, mode, verdict, reasons, amount waived, bill reference and
 * staff id; at a cashier also the visit kind, the fee item and, on a VOID, the seq of the
 * waiver it cancels. Never a citizen ID number or a name: text fields are tokens of
 * [A-Za-z0-9._-] (card numbers [0-9A-Z-]; bill numbers common/bill.h's rule, which adds
 * '/' and CJK) and anything shaped like an ID number is refused (common_id_shaped) in
 * every free field. Events are plain values: no ownership, no threads.
 *
 * Who uses it: kiosk's journal (kiosk/journal.h) appends and verifies with it, netsync
 * and the centre move it in the upload batch (proto/batch.h), the centre re-computes
 * proto_event_hash() on every uploaded event.
 */
#ifndef PROTO_EVENT_H
#define PROTO_EVENT_H

#include "proto/proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROTO_HASH_LEN 32u
#define PROTO_TOKEN_MAX 31u      /* terminal, vehicle */
#define PROTO_SITE_TOKEN_MAX 63u /* site id */
#define PROTO_CARD_NO_MAX 20u
#define PROTO_BILL_REF_MAX 63u /* bytes: common/bill.h's COMMON_BILL_NO_MAX */
#define PROTO_STAFF_ID_MAX 31u
#define PROTO_VISIT_TEXT_MAX 15u /* "outpatient", "inpatient", "emergency" */
#define PROTO_SEQ_TEXT_MAX 20u   /* a seq in decimal */
/* The canonical line's tag: the format version, part of every hash. */
#define PROTO_EVENT_TAG "kiosk-journal-v1"
/* The longest canonical line (every field at its maximum) fits in this. */
#define PROTO_EVENT_CANON_MAX 768u

struct proto_event {
  uint64_t seq; /* 1, 2, 3, ... gapless */
  int64_t time; /* Unix seconds, UTC, when the verdict was given */
  char terminal[PROTO_TOKEN_MAX + 1];  /* token, required */
  char site[PROTO_SITE_TOKEN_MAX + 1]; /* site id, token, required */
  int mode;                            /* enum proto_mode */
  char vehicle[PROTO_TOKEN_MAX + 1];   /* bus vehicle id, "" otherwise */
  char card_no[PROTO_CARD_NO_MAX + 1]; /* "" when no card number could be read */
  uint32_t generation;
  int kind;                            /* enum proto_event_kind */
  int verdict;                         /* enum proto_verdict */
  uint64_t reasons;                    /* bit n = reason code n (kiosk/decide.h) */
  int64_t amount_fen;                  /* consultation fee waived (cashier GRANT), else 0 */
  char bill_ref[PROTO_BILL_REF_MAX + 1]; /* cashier: common_bill_no_valid() or "" */
  char staff_id[PROTO_STAFF_ID_MAX + 1]; /* who confirmed or overrode, token or "" */
  /* Optional fields (OTEXT in PROTO_BATCH_FIELD_MAP): in the canonical line only when
   * set, so events written before they existed hash as they always did. */
  char route[PROTO_TOKEN_MAX + 1];       /* bus: route id, token or "" */
  char trip[PROTO_TOKEN_MAX + 1];        /* bus: trip id, token or "" */
  char stop[PROTO_TOKEN_MAX + 1];        /* bus: stop id, token or "" */
  char visit[PROTO_VISIT_TEXT_MAX + 1];  /* cashier: proto_visit_name() or "" */
  char fee_item[PROTO_TOKEN_MAX + 1];    /* cashier: the tariff item waived, token or "" */
  char ref_seq[PROTO_SEQ_TEXT_MAX + 1];  /* VOID: the waiver's seq, decimal; "" otherwise */
  uint8_t prev_hash[PROTO_HASH_LEN];     /* hash of seq - 1 (zeros for seq 1) */
  uint8_t hash[PROTO_HASH_LEN];          /* SHA-256 of the canonical line */
};

/* Check an event's fields (tokens, lengths, known names, no ID-shaped values).
 * PROTO_OK or INVALID_ARG with a short reason in why[cap] (may be NULL). */
int proto_event_check(const struct proto_event *ev, char *why, size_t cap);

/*
 * The canonical hash input (an ASCII line, no newline; docs/journal.md):
 *   kiosk-journal-v1|seq|time|terminal|site|mode|vehicle|card_no|generation|kind|verdict|
 *   reasons(16 hex)|amount_fen|bill_ref|staff_id|prev_hash(64 hex)
 * followed by "|name=value" for each optional field (OTEXT rows of PROTO_BATCH_FIELD_MAP,
 * in the table's order) that is set; none set: the line is exactly the 16 fields.
 * Returns its length, or 0 when it does not fit in cap or a field is invalid.
 */
size_t proto_event_canonical(const struct proto_event *ev, char *buf, size_t cap);

/* The member behind an optional field (an OTEXT row of PROTO_BATCH_FIELD_MAP, an enum
 * proto_batch_field value) and its size; NULL for any other field. */
char *proto_event_opt_field(struct proto_event *ev, int field, size_t *cap);
const char *proto_event_opt_value(const struct proto_event *ev, int field);

/* The cashier's optional fields as values: the visit kind (enum proto_visit, 0 when
 * unset or unknown) and a VOID's waiver seq (0 when unset or malformed); the setters
 * write the text form ("" for 0). */
int proto_event_visit(const struct proto_event *ev);
void proto_event_set_visit(struct proto_event *ev, int visit);
uint64_t proto_event_ref_seq(const struct proto_event *ev);
void proto_event_set_ref_seq(struct proto_event *ev, uint64_t seq);

/* out = SHA-256(canonical line) over the fields and ev->prev_hash (ev->hash is not
 * read). INVALID_ARG (a field proto_event_check refuses) or CRYPTO. */
int proto_event_hash(const struct proto_event *ev, uint8_t out[PROTO_HASH_LEN]);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_EVENT_H */
