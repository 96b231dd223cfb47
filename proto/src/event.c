/* The journal event's check, canonical line and hash (proto/event.h). The line must stay
 * byte-identical to docs/journal.md: every journal ever written is verified with it. */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>

#include <stddef.h>
#include <string.h>

#include "common/bill.h"
#include "proto/batch.h"
#include "proto/event.h"
#include "proto_int.h"

/* Every free token of an event (terminal, site, vehicle, bill, staff) is refused when it
 * is shaped like a citizen ID: a token is typed by hand or set in a configuration, and an
 * ID number typed into the wrong box must not travel to the centre. One rule here, used
 * by the journal (kiosk) and by the batch parser (centre). */
static int free_token(const char *s, size_t max, int required)
{
  if (!required && s[0] == '\0')
    return 1;
  return common_token_valid(s, max) && !common_id_shaped(s);
}

/* Where an optional field lives in the event: offset and size, 0 when it is not one. */
static size_t opt_slot(int field, size_t *off)
{
  switch (field) {
  case PROTO_BF_ROUTE:
    *off = offsetof(struct proto_event, route);
    return sizeof ((struct proto_event *)0)->route;
  case PROTO_BF_TRIP:
    *off = offsetof(struct proto_event, trip);
    return sizeof ((struct proto_event *)0)->trip;
  case PROTO_BF_STOP:
    *off = offsetof(struct proto_event, stop);
    return sizeof ((struct proto_event *)0)->stop;
  case PROTO_BF_VISIT:
    *off = offsetof(struct proto_event, visit);
    return sizeof ((struct proto_event *)0)->visit;
  case PROTO_BF_FEE_ITEM:
    *off = offsetof(struct proto_event, fee_item);
    return sizeof ((struct proto_event *)0)->fee_item;
  case PROTO_BF_REF_SEQ:
    *off = offsetof(struct proto_event, ref_seq);
    return sizeof ((struct proto_event *)0)->ref_seq;
  default:
    return 0;
  }
}

char *proto_event_opt_field(struct proto_event *ev, int field, size_t *cap)
{
  size_t off = 0, n = opt_slot(field, &off);
  if (cap)
    *cap = n;
  return n && ev ? (char *)ev + off : NULL;
}

const char *proto_event_opt_value(const struct proto_event *ev, int field)
{
  size_t off = 0, n = opt_slot(field, &off);
  return n && ev ? (const char *)ev + off : NULL;
}

int proto_event_visit(const struct proto_event *ev)
{
  int v = ev ? proto_visit_parse(ev->visit, strnlen(ev->visit, sizeof ev->visit)) : -1;
  return v < 0 ? PROTO_VISIT_NONE : v;
}

void proto_event_set_visit(struct proto_event *ev, int visit)
{
  const char *n = proto_visit_name(visit);
  snprintf(ev->visit, sizeof ev->visit, "%s", n ? n : "");
}

/* A seq in decimal: digits, no leading zero, 1 .. 2^53. 0 otherwise. */
static uint64_t seq_text(const char *s, size_t cap)
{
  uint64_t v = 0;
  size_t i = 0;
  if (s[0] < '1' || s[0] > '9')
    return 0;
  for (; i < cap && s[i]; i++) {
    if (s[i] < '0' || s[i] > '9' || v > ((UINT64_C(1) << 53) - (uint64_t)(s[i] - '0')) / 10)
      return 0;
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  return i < cap ? v : 0;
}

uint64_t proto_event_ref_seq(const struct proto_event *ev)
{
  return ev ? seq_text(ev->ref_seq, sizeof ev->ref_seq) : 0;
}

void proto_event_set_ref_seq(struct proto_event *ev, uint64_t seq)
{
  if (seq)
    snprintf(ev->ref_seq, sizeof ev->ref_seq, "%" PRIu64, seq);
  else
    ev->ref_seq[0] = '\0';
}

int proto_event_check(const struct proto_event *ev, char *why, size_t cap)
{
  const char *bad = NULL;
  if (!ev)
    bad = "no event";
  else if (!free_token(ev->terminal, PROTO_TOKEN_MAX, 1))
    bad = "terminal is not a token (or shaped like an ID number)";
  else if (!free_token(ev->site, PROTO_SITE_TOKEN_MAX, 1))
    bad = "site is not a token (or shaped like an ID number)";
  else if (!proto_mode_name(ev->mode))
    bad = "unknown mode";
  else if (!free_token(ev->vehicle, PROTO_TOKEN_MAX, 0))
    bad = "vehicle is not a token (or shaped like an ID number)";
  else if (ev->card_no[0] && !proto_i_card_no_ok(ev->card_no))
    bad = "card number malformed (or shaped like an ID number)";
  else if (!proto_event_kind_name(ev->kind))
    bad = "unknown event kind";
  else if (!proto_verdict_name(ev->verdict))
    bad = "unknown verdict";
  else if (ev->amount_fen < 0 || ev->amount_fen > INT64_C(100000000000))
    bad = "amount out of range";
  else if (ev->bill_ref[0] && !common_bill_no_valid(ev->bill_ref))
    bad = "bill reference malformed (or shaped like an ID number)";
  else if (!free_token(ev->staff_id, PROTO_STAFF_ID_MAX, 0))
    bad = "staff id is not a token (or shaped like an ID number)";
  /* A staff event is about a person at the terminal, never a card or a bill. */
  else if (PROTO_EVENT_IS_STAFF(ev->kind) &&
           (ev->staff_id[0] == '\0' || ev->card_no[0] || ev->bill_ref[0] || ev->amount_fen ||
            ev->generation || ev->verdict == PROTO_VERDICT_STAFF_CHECK))
    bad = "staff event with a card, a bill or no staff id";
  /* The cashier's fields: a known visit kind; a seq exactly on a VOID, naming an
   * earlier event. */
  else if (ev->visit[0] && proto_event_visit(ev) == PROTO_VISIT_NONE)
    bad = "unknown visit kind";
  else if (ev->ref_seq[0] && proto_event_ref_seq(ev) == 0)
    bad = "ref_seq is not a seq";
  else if (PROTO_EVENT_HAS_REF(ev->kind) != (ev->ref_seq[0] != '\0'))
    bad = "ref_seq is set exactly on a void or a gate fault";
  /* A gate fault is about the opening of an earlier GRANT, never a card or a bill. */
  else if (ev->kind == PROTO_EVENT_GATE_FAULT &&
           (ev->card_no[0] || ev->bill_ref[0] || ev->amount_fen || ev->generation ||
            ev->verdict != PROTO_VERDICT_GRANT))
    bad = "gate fault with a card, a bill or a verdict other than GRANT";
  else if (ev->ref_seq[0] && ev->seq && proto_event_ref_seq(ev) >= ev->seq)
    bad = "a void refers to an earlier event";
  for (int f = 0; !bad && f < PROTO_BF_COUNT; f++) {
    size_t off = 0, n = proto_batch_fields[f].type == PROTO_BT_OTEXT ? opt_slot(f, &off) : 0;
    const char *v = n ? (const char *)ev + off : NULL;
    if (v && (!memchr(v, '\0', n) || !free_token(v, n - 1, 0)))
      bad = "an optional field is not a token (or shaped like an ID number)";
  }
  if (bad)
    return proto_i_why(why, cap, PROTO_E_INVALID_ARG, "%s", bad);
  return PROTO_OK;
}

size_t proto_event_canonical(const struct proto_event *ev, char *buf, size_t cap)
{
  char prev[2 * PROTO_HASH_LEN + 1];
  int n;
  if (proto_event_check(ev, NULL, 0) != PROTO_OK || !buf)
    return 0;
  common_hex_encode(ev->prev_hash, PROTO_HASH_LEN, prev, sizeof prev);
  n = snprintf(buf, cap,
               PROTO_EVENT_TAG "|%" PRIu64 "|%" PRId64 "|%s|%s|%s|%s|%s|%" PRIu32
                               "|%s|%s|%016" PRIx64 "|%" PRId64 "|%s|%s|%s",
               ev->seq, ev->time, ev->terminal, ev->site, proto_mode_name(ev->mode), ev->vehicle,
               ev->card_no, ev->generation, proto_event_kind_name(ev->kind),
               proto_verdict_name(ev->verdict), ev->reasons, ev->amount_fen, ev->bill_ref,
               ev->staff_id, prev);
  if (n < 0 || (size_t)n >= cap)
    return 0;
  /* Optional fields only when set: an event without them hashes as before they existed. */
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    const char *v = proto_batch_fields[f].type == PROTO_BT_OTEXT ? proto_event_opt_value(ev, f)
                                                                  : NULL;
    if (!v || !v[0])
      continue;
    int k = snprintf(buf + n, cap - (size_t)n, "|%s=%s", proto_batch_fields[f].name, v);
    if (k < 0 || (size_t)k >= cap - (size_t)n)
      return 0;
    n += k;
  }
  return (size_t)n;
}

int proto_event_hash(const struct proto_event *ev, uint8_t out[PROTO_HASH_LEN])
{
  char line[PROTO_EVENT_CANON_MAX];
  unsigned int len = 0;
  size_t n = proto_event_canonical(ev, line, sizeof line);
  if (n == 0 || !out)
    return PROTO_E_INVALID_ARG;
  if (!EVP_Digest(line, n, out, &len, EVP_sha256(), NULL) || len != PROTO_HASH_LEN)
    return PROTO_E_CRYPTO;
  return PROTO_OK;
}
