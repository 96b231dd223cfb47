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

static int fail(char *why, size_t cap, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
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

/* A string member of at most cap-1 bytes (no NUL inside) into dst; "" allowed. */
static int get_str(json_t *obj, const char *key, char *dst, size_t cap)
{
  json_t *v = json_object_get(obj, key);
  size_t n;
  if (!json_is_string(v))
    return -1;
  n = json_string_length(v);
  if (n >= cap || strlen(json_string_value(v)) != n)
    return -1;
  memcpy(dst, json_string_value(v), n + 1);
  return 0;
}

static int get_hash(json_t *obj, const char *key, uint8_t out[KIOSK_HASH_LEN])
{
  char hex[CENTRE_HASH_HEX + 1];
  if (get_str(obj, key, hex, sizeof hex) != 0 || strlen(hex) != CENTRE_HASH_HEX)
    return -1;
  return centre_unhex(hex, out, KIOSK_HASH_LEN);
}

static int get_int(json_t *obj, const char *key, json_int_t lo, json_int_t hi, json_int_t *out)
{
  json_t *v = json_object_get(obj, key);
  if (!json_is_integer(v))
    return -1;
  *out = json_integer_value(v);
  return (*out < lo || *out > hi) ? -1 : 0;
}

/* The members of an event: exactly kiosk's hashed fields (docs/sync-protocol.md). */
static const char *const event_keys[] = {
    "seq",     "time",   "terminal", "site",       "mode",     "vehicle",   "card_no",  "generation",
    "kind",    "verdict", "reasons", "amount_fen", "bill_ref", "staff_id", "prev_hash", "hash"};
#define N_EVENT_KEYS (sizeof event_keys / sizeof event_keys[0])

static int parse_kind(const char *s, enum kiosk_event_kind *out)
{
  for (int k = 1; k <= 8; k++) {
    const char *name = kiosk_event_kind_name(k);
    if (name && strcmp(name, s) == 0) {
      *out = (enum kiosk_event_kind)k;
      return 0;
    }
  }
  return -1;
}

static int parse_event(json_t *o, struct kiosk_event *ev, size_t i, char *why, size_t cap)
{
  json_int_t seq, t, gen, amount;
  char mode[16], kind[16], verdict[16], reasons[17], bad[96];
  const char *key;
  json_t *val;
  if (!json_is_object(o))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu] is not an object", i);
  if (json_object_size(o) != N_EVENT_KEYS) {
    json_object_foreach(o, key, val)
    {
      size_t k;
      (void)val;
      for (k = 0; k < N_EVENT_KEYS; k++)
        if (strcmp(key, event_keys[k]) == 0)
          break;
      if (k == N_EVENT_KEYS)
        return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: unknown member", i);
    }
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: %zu members expected", i,
                N_EVENT_KEYS);
  }
  memset(ev, 0, sizeof *ev);
  if (get_int(o, "seq", 1, (json_int_t)1 << 53, &seq) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].seq: integer >= 1 expected", i);
  /* 2000-01-01 .. 2100-01-01: wide enough for clock trouble, narrow enough to sum. */
  if (get_int(o, "time", 946684800LL, 4102444800LL, &t) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].time: integer time expected", i);
  if (get_int(o, "generation", 0, 0xffffffffLL, &gen) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].generation: 0..2^32-1 expected", i);
  if (get_int(o, "amount_fen", 0, 100000000000LL, &amount) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].amount_fen: out of range", i);
  if (get_str(o, "terminal", ev->terminal, sizeof ev->terminal) != 0 ||
      get_str(o, "site", ev->site, sizeof ev->site) != 0 ||
      get_str(o, "vehicle", ev->vehicle, sizeof ev->vehicle) != 0 ||
      get_str(o, "card_no", ev->card_no, sizeof ev->card_no) != 0 ||
      get_str(o, "bill_ref", ev->bill_ref, sizeof ev->bill_ref) != 0 ||
      get_str(o, "staff_id", ev->staff_id, sizeof ev->staff_id) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: a text member is missing or too long",
                i);
  if (get_str(o, "mode", mode, sizeof mode) != 0 || kiosk_mode_parse(mode, &ev->mode) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].mode: unknown", i);
  if (get_str(o, "kind", kind, sizeof kind) != 0 || parse_kind(kind, &ev->kind) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].kind: unknown", i);
  if (get_str(o, "verdict", verdict, sizeof verdict) != 0 ||
      kiosk_verdict_parse(verdict, &ev->verdict) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].verdict: unknown", i);
  if (get_str(o, "reasons", reasons, sizeof reasons) != 0 || strlen(reasons) != 16 ||
      !centre_hex_ok(reasons, 16))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].reasons: 16 lowercase hex expected", i);
  if (get_hash(o, "prev_hash", ev->prev_hash) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].prev_hash: 64 lowercase hex expected",
                i);
  if (get_hash(o, "hash", ev->hash) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].hash: 64 lowercase hex expected", i);
  ev->seq = (uint64_t)seq;
  ev->time = (int64_t)t;
  ev->generation = (uint32_t)gen;
  ev->amount_fen = (int64_t)amount;
  ev->reasons = strtoull(reasons, NULL, 16);
  /* kiosk's own field rules: tokens, no ID-number shapes. */
  if (kiosk_event_check(ev, bad, sizeof bad) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: %s", i, bad);
  return CENTRE_OK;
}

/* jansson's message, cut before its " near '...'" part: that quotes the input, which could
 * be anything (a card number, an ID number) and must reach neither the log nor the reply. */
const char *centre_json_error_text(json_error_t *e)
{
  char *near = strstr(e->text, " near ");
  if (near)
    *near = '\0';
  return e->text;
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
                jerr.line, jerr.column, centre_json_error_text(&jerr));
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
