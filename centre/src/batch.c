/*
 * The upload batch parser: JSON text -> struct centre_batch. Strict by design: a member
 * the protocol does not define is an error, so that nothing else (a name, an ID number)
 * can ride along in a batch unnoticed.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre/centre.h"
#include "centre_int.h"
#include "kiosk/decide.h"

static int fail(char *why, size_t cap, int err, const char *fmt, ...)
{
  va_list ap;
  if (why && cap) {
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return err;
}

static int get_token(json_t *obj, const char *key, char *dst, size_t max, int allow_empty)
{
  json_t *v = json_object_get(obj, key);
  const char *s;
  if (!json_is_string(v))
    return -1;
  s = json_string_value(v);
  if (json_string_length(v) != strlen(s) || !centre_token_ok(s, max, allow_empty))
    return -1;
  memcpy(dst, s, strlen(s) + 1);
  return 0;
}

static int get_hex(json_t *obj, const char *key, char *dst)
{
  json_t *v = json_object_get(obj, key);
  const char *s;
  if (!json_is_string(v))
    return -1;
  s = json_string_value(v);
  if (json_string_length(v) != CENTRE_HASH_HEX || !centre_hex_ok(s, CENTRE_HASH_HEX))
    return -1;
  memcpy(dst, s, CENTRE_HASH_HEX + 1);
  return 0;
}

static int get_int(json_t *obj, const char *key, json_int_t lo, json_int_t hi, json_int_t *out)
{
  json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v))
    return -1;
  *out = json_integer_value(v);
  return (*out < lo || *out > hi) ? -1 : 0;
}

static const char *const event_keys[] = {"seq",  "ts",        "kind",      "verdict", "reason",
                                         "card", "fee_cents", "prev_hash", "hash"};

static int parse_event(json_t *o, struct centre_event *ev, size_t i, char *why, size_t cap)
{
  json_int_t seq, ts, fee;
  const char *key;
  json_t *val;
  if (!json_is_object(o))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu] is not an object", i);
  json_object_foreach(o, key, val)
  {
    size_t k;
    (void)val;
    for (k = 0; k < sizeof event_keys / sizeof event_keys[0]; k++)
      if (strcmp(key, event_keys[k]) == 0)
        break;
    if (k == sizeof event_keys / sizeof event_keys[0])
      return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: unknown member", i);
  }
  /* ts: 2000-01-01 .. 2100-01-01, wide enough for clock trouble, narrow enough to sum. */
  if (get_int(o, "seq", 1, (json_int_t)1 << 53, &seq) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].seq: integer >= 1 expected", i);
  if (get_int(o, "ts", 946684800LL, 4102444800LL, &ts) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].ts: integer time expected", i);
  if (get_int(o, "fee_cents", 0, CENTRE_FEE_MAX, &fee) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].fee_cents: 0..%lld expected", i,
                (long long)CENTRE_FEE_MAX);
  if (get_token(o, "kind", ev->kind, CENTRE_KIND_MAX, 0) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].kind: token expected", i);
  if (get_token(o, "verdict", ev->verdict, CENTRE_VERDICT_MAX, 0) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].verdict: token expected", i);
  if (get_token(o, "reason", ev->reason, CENTRE_REASON_MAX, 0) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].reason: token expected", i);
  if (get_token(o, "card", ev->card, CENTRE_CARD_MAX, 1) != 0 ||
      (ev->card[0] && !kiosk_card_no_valid(ev->card)))
    return fail(why, cap, CENTRE_E_MALFORMED,
                "events[%zu].card: a card number (1..20 of 0-9 A-Z -, not an ID number) expected",
                i);
  if (get_hex(o, "prev_hash", ev->prev_hash) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].prev_hash: 64 lowercase hex expected",
                i);
  if (get_hex(o, "hash", ev->hash) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].hash: 64 lowercase hex expected", i);
  ev->seq = (uint64_t)seq;
  ev->ts = (int64_t)ts;
  ev->fee_cents = (int64_t)fee;
  return CENTRE_OK;
}

int centre_batch_parse(const char *text, size_t len, size_t max_events, struct centre_batch *out,
                       char *why, size_t why_cap)
{
  json_error_t jerr;
  json_t *root, *events, *val;
  const char *key;
  json_int_t v;
  size_t n;
  int rc = CENTRE_OK;

  if (why && why_cap)
    why[0] = '\0';
  if (!text || !out)
    return CENTRE_E_INVALID_ARG;
  out->n = 0;
  out->ev = NULL;
  if (len > CENTRE_BATCH_MAX_TEXT)
    return fail(why, why_cap, CENTRE_E_TOO_LARGE, "batch text over %u bytes",
                CENTRE_BATCH_MAX_TEXT);
  if (max_events == 0 || max_events > CENTRE_BATCH_MAX_EVENTS)
    max_events = CENTRE_BATCH_MAX_EVENTS;

  root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root)
    return fail(why, why_cap, CENTRE_E_MALFORMED, "JSON syntax error at line %d column %d: %s",
                jerr.line, jerr.column, jerr.text);
  if (!json_is_object(root)) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "top level is not an object");
    goto out_free_root;
  }
  json_object_foreach(root, key, val)
  {
    (void)val;
    if (strcmp(key, "v") != 0 && strcmp(key, "events") != 0) {
      rc = fail(why, why_cap, CENTRE_E_MALFORMED, "unknown top-level member");
      goto out_free_root;
    }
  }
  if (get_int(root, "v", 1, 1, &v) != 0) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"v\": 1 expected");
    goto out_free_root;
  }
  events = json_object_get(root, "events");
  if (!json_is_array(events)) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"events\": array expected");
    goto out_free_root;
  }
  n = json_array_size(events);
  if (n == 0) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"events\" is empty");
    goto out_free_root;
  }
  if (n > max_events) {
    rc = fail(why, why_cap, CENTRE_E_TOO_LARGE, "%zu events, at most %zu per batch", n,
              max_events);
    goto out_free_root;
  }
  out->ev = calloc(n, sizeof *out->ev);
  if (!out->ev) {
    rc = CENTRE_E_NO_MEMORY;
    goto out_free_root;
  }
  for (size_t i = 0; i < n; i++) {
    rc = parse_event(json_array_get(events, i), &out->ev[i], i, why, why_cap);
    if (rc != CENTRE_OK)
      goto out_free_events;
    if (i > 0 && out->ev[i].seq != out->ev[i - 1].seq + 1) {
      rc = fail(why, why_cap, CENTRE_E_MALFORMED, "events[%zu].seq does not follow events[%zu]",
                i, i - 1);
      goto out_free_events;
    }
  }
  out->n = n;
  json_decref(root);
  return CENTRE_OK;

out_free_events:
  free(out->ev);
  out->ev = NULL;
out_free_root:
  json_decref(root);
  return rc;
}

void centre_batch_free(struct centre_batch *b)
{
  if (!b)
    return;
  free(b->ev);
  b->ev = NULL;
  b->n = 0;
}
