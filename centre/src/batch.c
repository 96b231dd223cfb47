/*
 * The upload batch parser: JSON text -> struct centre_batch.
 *
 * A single-pass parser for exactly the batch grammar of docs/sync-protocol.md, with a
 * cursor and the bytes left (no recursion: the shape is fixed at two levels):
 *
 *   batch  = ws "{" member ("," member)* "}" ws        members "v" and "events", once each
 *   events = "[" event ("," event)* "]"                at most max_events
 *   event  = "{" field ("," field)* "}"                the 16 fields of kiosk's event, once each
 *   value  = string | integer
 *   string = '"' bytes other than '"', '\' and controls '"'   (escapes are refused: every
 *            text field is a token, so a valid batch never needs one)
 *   integer = "-"? ("0" | [1-9][0-9]*), not followed by ".", "e" or "E"
 *
 * It is strict by design: a member the protocol does not define is an error, so that
 * nothing else (a name, an ID number) can ride along in a batch unnoticed. Error reasons
 * name the place (byte offset, event index, field), never the input bytes. It replaced
 * jansson here because building a JSON tree per event cost more than the database
 * insert (bench/sync); jansson still parses the small bodies (status reports).
 */
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

const char *centre_json_error_text(json_error_t *e)
{
  /* jansson's message, cut before its " near '...'" part: that quotes the input, which
   * could be anything (a card number, an ID number) and must reach neither the log nor
   * the reply. */
  char *near = strstr(e->text, " near ");
  if (near)
    *near = '\0';
  return e->text;
}

/* ---------------------------------------------------------------- cursor -- */

struct cur {
  const char *start, *p, *end;
};

static void ws(struct cur *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    c->p++;
}

/* Consume ch after whitespace; 0 when it was there. */
static int take(struct cur *c, char ch)
{
  ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return 0;
  }
  return -1;
}

static size_t at(const struct cur *c)
{
  return (size_t)(c->p - c->start);
}

/* A string: *s and *n point into the input (not NUL-terminated). -1 syntax, -2 escape or
 * control character. */
static int str(struct cur *c, const char **s, size_t *n)
{
  const char *b;
  ws(c);
  if (c->p >= c->end || *c->p != '"')
    return -1;
  b = ++c->p;
  while (c->p < c->end && *c->p != '"') {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '\\' || ch < 0x20)
      return -2;
    c->p++;
  }
  if (c->p >= c->end)
    return -1;
  *s = b;
  *n = (size_t)(c->p - b);
  c->p++;
  return 0;
}

/* An integer within [-(2^62), 2^62]: plenty for every field, and no overflow to check
 * beyond n > (max - d) / 10. -1 syntax or out of range. */
static int integer(struct cur *c, int64_t *out)
{
  const int64_t max = INT64_C(1) << 62;
  int neg = 0;
  int64_t v = 0;
  ws(c);
  if (c->p < c->end && *c->p == '-') {
    neg = 1;
    c->p++;
  }
  if (c->p >= c->end || *c->p < '0' || *c->p > '9')
    return -1;
  if (*c->p == '0') {
    c->p++;
  } else {
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
      int d = *c->p - '0';
      if (v > (max - d) / 10)
        return -1;
      v = v * 10 + d;
      c->p++;
    }
  }
  if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E' ||
                        (*c->p >= '0' && *c->p <= '9')))
    return -1; /* fractions, exponents and leading zeros are not integers here */
  *out = neg ? -v : v;
  return 0;
}

/* ---------------------------------------------------------------- events -- */

enum field {
  F_SEQ, F_TIME, F_TERMINAL, F_SITE, F_MODE, F_VEHICLE, F_CARD_NO, F_GENERATION, F_KIND,
  F_VERDICT, F_REASONS, F_AMOUNT, F_BILL_REF, F_STAFF_ID, F_PREV_HASH, F_HASH, F_COUNT
};

/* The members of an event: exactly kiosk's hashed fields. is_int: integer, else string. */
static const struct {
  const char *name;
  int is_int;
} fields[F_COUNT] = {
    {"seq", 1},       {"time", 1},     {"terminal", 0},  {"site", 0},
    {"mode", 0},      {"vehicle", 0},  {"card_no", 0},   {"generation", 1},
    {"kind", 0},      {"verdict", 0},  {"reasons", 0},   {"amount_fen", 1},
    {"bill_ref", 0},  {"staff_id", 0}, {"prev_hash", 0}, {"hash", 0},
};

static int field_of(const char *s, size_t n)
{
  for (int f = 0; f < F_COUNT; f++)
    if (strlen(fields[f].name) == n && memcmp(fields[f].name, s, n) == 0)
      return f;
  return -1;
}

/* Copy a string value into a fixed field (NUL-terminated); -1 when it does not fit. */
static int put(char *dst, size_t cap, const char *s, size_t n)
{
  if (n >= cap || memchr(s, '\0', n))
    return -1;
  memcpy(dst, s, n);
  dst[n] = '\0';
  return 0;
}

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

struct raw_event {
  int64_t num[F_COUNT];
  const char *s[F_COUNT];
  size_t n[F_COUNT];
};

/* Turn the raw values of event i into *ev, checking every range and token. */
static int finish_event(const struct raw_event *r, struct kiosk_event *ev, size_t i, char *why,
                        size_t cap)
{
  char tmp[CENTRE_HASH_HEX + 1], bad[96];
  memset(ev, 0, sizeof *ev);
  if (r->num[F_SEQ] < 1 || r->num[F_SEQ] > (INT64_C(1) << 53))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].seq: integer >= 1 expected", i);
  /* 2000-01-01 .. 2100-01-01: wide enough for clock trouble, narrow enough to sum. */
  if (r->num[F_TIME] < 946684800LL || r->num[F_TIME] > 4102444800LL)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].time: integer time expected", i);
  if (r->num[F_GENERATION] < 0 || r->num[F_GENERATION] > 0xffffffffLL)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].generation: 0..2^32-1 expected", i);
  if (r->num[F_AMOUNT] < 0 || r->num[F_AMOUNT] > 100000000000LL)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].amount_fen: out of range", i);
  if (put(ev->terminal, sizeof ev->terminal, r->s[F_TERMINAL], r->n[F_TERMINAL]) ||
      put(ev->site, sizeof ev->site, r->s[F_SITE], r->n[F_SITE]) ||
      put(ev->vehicle, sizeof ev->vehicle, r->s[F_VEHICLE], r->n[F_VEHICLE]) ||
      put(ev->card_no, sizeof ev->card_no, r->s[F_CARD_NO], r->n[F_CARD_NO]) ||
      put(ev->bill_ref, sizeof ev->bill_ref, r->s[F_BILL_REF], r->n[F_BILL_REF]) ||
      put(ev->staff_id, sizeof ev->staff_id, r->s[F_STAFF_ID], r->n[F_STAFF_ID]))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: a text member is too long", i);
  if (put(tmp, 16, r->s[F_MODE], r->n[F_MODE]) || kiosk_mode_parse(tmp, &ev->mode) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].mode: unknown", i);
  if (put(tmp, 16, r->s[F_KIND], r->n[F_KIND]) || parse_kind(tmp, &ev->kind) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].kind: unknown", i);
  if (put(tmp, 16, r->s[F_VERDICT], r->n[F_VERDICT]) ||
      kiosk_verdict_parse(tmp, &ev->verdict) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].verdict: unknown", i);
  if (put(tmp, 17, r->s[F_REASONS], r->n[F_REASONS]) || r->n[F_REASONS] != 16 ||
      !centre_hex_ok(tmp, 16))
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].reasons: 16 lowercase hex expected", i);
  ev->reasons = strtoull(tmp, NULL, 16);
  if (put(tmp, sizeof tmp, r->s[F_PREV_HASH], r->n[F_PREV_HASH]) ||
      centre_unhex(tmp, ev->prev_hash, KIOSK_HASH_LEN) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].prev_hash: 64 lowercase hex expected",
                i);
  if (put(tmp, sizeof tmp, r->s[F_HASH], r->n[F_HASH]) ||
      centre_unhex(tmp, ev->hash, KIOSK_HASH_LEN) != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].hash: 64 lowercase hex expected", i);
  ev->seq = (uint64_t)r->num[F_SEQ];
  ev->time = r->num[F_TIME];
  ev->generation = (uint32_t)r->num[F_GENERATION];
  ev->amount_fen = r->num[F_AMOUNT];
  /* kiosk's own field rules: tokens, no ID-number shapes. */
  if (kiosk_event_check(ev, bad, sizeof bad) != KIOSK_OK)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: %s", i, bad);
  return CENTRE_OK;
}

static int syntax(struct cur *c, char *why, size_t cap, const char *what)
{
  return fail(why, cap, CENTRE_E_MALFORMED, "JSON syntax error at byte %zu: %s", at(c), what);
}

static int syntax(struct cur *c, char *why, size_t cap, const char *what);

static int parse_event(struct cur *c, struct kiosk_event *ev, size_t i, char *why, size_t cap)
{
  struct raw_event r;
  unsigned seen = 0;
  memset(&r, 0, sizeof r);
  if (take(c, '{') != 0)
    return c->p >= c->end ? syntax(c, why, cap, "unexpected end of input")
                          : fail(why, cap, CENTRE_E_MALFORMED, "events[%zu] is not an object", i);
  if (take(c, '}') == 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: %d members expected", i, F_COUNT);
  for (;;) {
    const char *k;
    size_t kn;
    int f, rc = str(c, &k, &kn);
    if (rc != 0)
      return syntax(c, why, cap, rc == -2 ? "escape or control character in a string"
                                          : "member name expected");
    f = field_of(k, kn);
    if (f < 0)
      return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: unknown member", i);
    if (seen & (1u << f))
      return syntax(c, why, cap, "duplicate member");
    seen |= 1u << f;
    if (take(c, ':') != 0)
      return syntax(c, why, cap, "':' expected");
    if (fields[f].is_int) {
      if (integer(c, &r.num[f]) != 0)
        return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].%s: integer expected", i,
                    fields[f].name);
    } else {
      rc = str(c, &r.s[f], &r.n[f]);
      if (rc == -2)
        return syntax(c, why, cap, "escape or control character in a string");
      if (rc != 0)
        return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].%s: string expected", i,
                    fields[f].name);
    }
    if (take(c, ',') == 0)
      continue;
    if (take(c, '}') == 0)
      break;
    return syntax(c, why, cap, "',' or '}' expected");
  }
  if (seen != (1u << F_COUNT) - 1)
    return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu]: %d members expected", i, F_COUNT);
  return finish_event(&r, ev, i, why, cap);
}

static int parse_events(struct cur *c, size_t max_events, struct centre_batch *out, char *why,
                        size_t cap)
{
  size_t n = 0, alloc = 0;
  int rc;
  if (take(c, '[') != 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "\"events\": array expected");
  if (take(c, ']') == 0)
    return fail(why, cap, CENTRE_E_MALFORMED, "\"events\" is empty");
  for (;;) {
    if (n == max_events)
      return fail(why, cap, CENTRE_E_TOO_LARGE, "more than %zu events per batch", max_events);
    if (n == alloc) {
      size_t na = alloc ? alloc * 2 : 256;
      struct kiosk_event *nv;
      if (na > max_events)
        na = max_events;
      nv = realloc(out->ev, na * sizeof *nv);
      if (!nv)
        return CENTRE_E_NO_MEMORY;
      out->ev = nv;
      alloc = na;
    }
    rc = parse_event(c, &out->ev[n], n, why, cap);
    if (rc != CENTRE_OK)
      return rc;
    if (n > 0 && out->ev[n].seq != out->ev[n - 1].seq + 1)
      return fail(why, cap, CENTRE_E_MALFORMED, "events[%zu].seq does not follow events[%zu]", n,
                  n - 1);
    n++;
    out->n = n;
    if (take(c, ',') == 0)
      continue;
    if (take(c, ']') == 0)
      return CENTRE_OK;
    return syntax(c, why, cap, "',' or ']' expected");
  }
}

int centre_batch_parse(const char *text, size_t len, size_t max_events, struct centre_batch *out,
                       char *why, size_t why_cap)
{
  struct cur c;
  int have_v = 0, have_events = 0, rc = CENTRE_OK;

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
  c.start = c.p = text;
  c.end = text + len;

  if (take(&c, '{') != 0) {
    ws(&c);
    rc = c.p < c.end && (*c.p == '[' || *c.p == '"' || *c.p == '-' || (*c.p >= '0' && *c.p <= '9') ||
                         *c.p == 't' || *c.p == 'f' || *c.p == 'n')
             ? fail(why, why_cap, CENTRE_E_MALFORMED, "top level is not an object")
             : syntax(&c, why, why_cap, "'{' expected");
    goto out_free;
  }
  for (;;) {
    const char *k;
    size_t kn;
    int s = str(&c, &k, &kn);
    if (s != 0) {
      rc = syntax(&c, why, why_cap, s == -2 ? "escape or control character in a string"
                                            : "member name expected");
      goto out_free;
    }
    if (take(&c, ':') != 0) {
      rc = syntax(&c, why, why_cap, "':' expected");
      goto out_free;
    }
    if (kn == 1 && k[0] == 'v') {
      int64_t v;
      if (have_v) {
        rc = syntax(&c, why, why_cap, "duplicate member");
        goto out_free;
      }
      have_v = 1;
      if (integer(&c, &v) != 0 || v != 1) {
        rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"v\": 1 expected");
        goto out_free;
      }
    } else if (kn == 6 && memcmp(k, "events", 6) == 0) {
      if (have_events) {
        rc = syntax(&c, why, why_cap, "duplicate member");
        goto out_free;
      }
      have_events = 1;
      rc = parse_events(&c, max_events, out, why, why_cap);
      if (rc != CENTRE_OK)
        goto out_free;
    } else {
      rc = fail(why, why_cap, CENTRE_E_MALFORMED, "unknown top-level member");
      goto out_free;
    }
    if (take(&c, ',') == 0)
      continue;
    if (take(&c, '}') == 0)
      break;
    rc = syntax(&c, why, why_cap, "',' or '}' expected");
    goto out_free;
  }
  ws(&c);
  if (c.p != c.end) {
    rc = syntax(&c, why, why_cap, "trailing bytes after the batch");
    goto out_free;
  }
  if (!have_v) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"v\": 1 expected");
    goto out_free;
  }
  if (!have_events) {
    rc = fail(why, why_cap, CENTRE_E_MALFORMED, "\"events\": array expected");
    goto out_free;
  }
  return CENTRE_OK;

out_free:
  centre_batch_free(out);
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
