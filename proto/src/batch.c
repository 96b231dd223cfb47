/*
 * The upload batch (proto/batch.h): encoder and single-pass strict parser, both walking
 * PROTO_BATCH_FIELD_MAP. The parser replaced a jansson tree at the centre because
 * building a tree per event cost more than the database insert (bench/sync).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/batch.h"
#include "proto_int.h"

/* the parser keeps the members it has seen in one 64-bit set */
_Static_assert(PROTO_BF_COUNT <= 64, "more batch members than the parser's bit set holds");

const struct proto_batch_field_info proto_batch_fields[PROTO_BF_COUNT] = {
#define PROTO_X_BFI(id, name, type) [PROTO_BF_##id] = {(name), PROTO_BT_##type},
    PROTO_BATCH_FIELD_MAP(PROTO_X_BFI)
#undef PROTO_X_BFI
};

/* ---------------------------------------------------------------- encoder -- */

static int put_text(proto_batch_put_fn put, void *user, const char *s)
{
  char tmp[8];
  int rc = put(user, "\"", 1);
  while (rc == 0 && *s) {
    size_t run = 0;
    /* Tokens need no escaping: append runs whole. */
    while (s[run] && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20)
      run++;
    if (run) {
      rc = put(user, s, run);
      s += run;
      continue;
    }
    snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned char)*s);
    rc = put(user, tmp, 6);
    s++;
  }
  return rc == 0 ? put(user, "\"", 1) : rc;
}

static const char *or_unknown(const char *name)
{
  return name ? name : "?";
}

/* Field f of e as text: INT fields formatted into num, TEXT fields pointed at (hex ones
 * formatted into hexbuf). */
static const char *field_text(const struct proto_event *e, enum proto_batch_field f,
                              char num[32], char hexbuf[2 * PROTO_HASH_LEN + 1])
{
  switch (f) {
  case PROTO_BF_SEQ:
    snprintf(num, 32, "%" PRIu64, e->seq);
    return num;
  case PROTO_BF_TIME:
    snprintf(num, 32, "%" PRId64, e->time);
    return num;
  case PROTO_BF_TERMINAL:
    return e->terminal;
  case PROTO_BF_SITE:
    return e->site;
  case PROTO_BF_MODE:
    return or_unknown(proto_mode_name(e->mode));
  case PROTO_BF_VEHICLE:
    return e->vehicle;
  case PROTO_BF_CARD_NO:
    return e->card_no;
  case PROTO_BF_GENERATION:
    snprintf(num, 32, "%" PRIu32, e->generation);
    return num;
  case PROTO_BF_KIND:
    return or_unknown(proto_event_kind_name(e->kind));
  case PROTO_BF_VERDICT:
    return or_unknown(proto_verdict_name(e->verdict));
  case PROTO_BF_REASONS:
    snprintf(hexbuf, 17, "%016" PRIx64, e->reasons);
    return hexbuf;
  case PROTO_BF_AMOUNT_FEN:
    snprintf(num, 32, "%" PRId64, e->amount_fen);
    return num;
  case PROTO_BF_BILL_REF:
    return e->bill_ref;
  case PROTO_BF_STAFF_ID:
    return e->staff_id;
  case PROTO_BF_PREV_HASH:
    common_hex_encode(e->prev_hash, PROTO_HASH_LEN, hexbuf, 2 * PROTO_HASH_LEN + 1);
    return hexbuf;
  case PROTO_BF_HASH:
    common_hex_encode(e->hash, PROTO_HASH_LEN, hexbuf, 2 * PROTO_HASH_LEN + 1);
    return hexbuf;
  case PROTO_BF_COUNT:
    break;
  default: /* the optional fields */
    if (proto_batch_fields[f].type == PROTO_BT_OTEXT)
      return proto_event_opt_value(e, (int)f);
    break;
  }
  return "?";
}

int proto_batch_encode(const struct proto_event *ev, size_t n, proto_batch_put_fn put,
                       void *user)
{
  static const char head[] = "{\"v\":1,\"events\":[";
  int rc;
  if ((!ev && n) || !put)
    return PROTO_E_INVALID_ARG;
  rc = put(user, head, sizeof head - 1);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    rc = put(user, i ? ",{" : "{", i ? 2 : 1);
    for (int f = 0; rc == 0 && f < PROTO_BF_COUNT; f++) {
      char num[32], hexbuf[2 * PROTO_HASH_LEN + 1], name[24];
      const char *v = field_text(&ev[i], (enum proto_batch_field)f, num, hexbuf);
      if (proto_batch_fields[f].type == PROTO_BT_OTEXT && !v[0])
        continue; /* unset optional field: the bytes of an event without it */
      int k = snprintf(name, sizeof name, "%s\"%s\":", f ? "," : "", proto_batch_fields[f].name);
      rc = put(user, name, (size_t)k);
      if (rc != 0)
        break;
      if (proto_batch_fields[f].type == PROTO_BT_INT)
        rc = put(user, v, strlen(v));
      else
        rc = put_text(put, user, v);
    }
    if (rc == 0)
      rc = put(user, "}", 1);
  }
  if (rc == 0)
    rc = put(user, "]}", 2);
  return rc;
}

/* ----------------------------------------------------------------- cursor -- */

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

/* ----------------------------------------------------------------- events -- */

static int field_of(const char *s, size_t n)
{
  for (int f = 0; f < PROTO_BF_COUNT; f++)
    if (strlen(proto_batch_fields[f].name) == n && memcmp(proto_batch_fields[f].name, s, n) == 0)
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

/* 16 lowercase hex digits as a 64-bit value; -1 otherwise. */
static int hex64(const char *s, size_t n, uint64_t *out)
{
  uint8_t b[8];
  if (common_hex_decode(s, n, b, sizeof b, 0) != COMMON_OK)
    return -1;
  *out = 0;
  for (size_t i = 0; i < sizeof b; i++)
    *out = *out << 8 | b[i];
  return 0;
}

struct raw_event {
  int64_t num[PROTO_BF_COUNT];
  const char *s[PROTO_BF_COUNT];
  size_t n[PROTO_BF_COUNT];
};

#define RAW_TEXT(r, f) (r)->s[PROTO_BF_##f], (r)->n[PROTO_BF_##f]

const char *proto_batch_hold_text(int hold)
{
  static const char *const text[PROTO_HOLD_COUNT] = {
#define PROTO_X_HOLD_TEXT(id, t) [PROTO_HOLD_##id] = t,
      PROTO_BATCH_HOLD_MAP(PROTO_X_HOLD_TEXT)
#undef PROTO_X_HOLD_TEXT
  };
  return hold >= 0 && hold < PROTO_HOLD_COUNT ? text[hold] : "?";
}

/* Turn the raw values of event i into *ev, checking every range and token. Content a
 * bad clock or a typing slip produces sets *hold instead of failing (proto/batch.h). */
static int finish_event(const struct raw_event *r, struct proto_event *ev, uint8_t *hold,
                        size_t i, char *why, size_t cap)
{
  int v;
  memset(ev, 0, sizeof *ev);
  *hold = PROTO_HOLD_NONE;
  if (r->num[PROTO_BF_SEQ] < 1 || r->num[PROTO_BF_SEQ] > (INT64_C(1) << 53))
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].seq: integer >= 1 expected", i);
  /* 2000-01-01 .. 2100-01-01: wide enough for clock trouble, narrow enough to sum. A
   * time outside is a clock reset at the terminal: held, so the chain goes on. */
  if (r->num[PROTO_BF_TIME] < 946684800LL || r->num[PROTO_BF_TIME] > 4102444800LL)
    *hold = PROTO_HOLD_TIME;
  if (r->num[PROTO_BF_GENERATION] < 0 || r->num[PROTO_BF_GENERATION] > 0xffffffffLL)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].generation: 0..2^32-1 expected",
                       i);
  if (*hold == PROTO_HOLD_NONE &&
      (r->num[PROTO_BF_AMOUNT_FEN] < 0 || r->num[PROTO_BF_AMOUNT_FEN] > 100000000000LL))
    *hold = PROTO_HOLD_AMOUNT;
  if (put(ev->terminal, sizeof ev->terminal, RAW_TEXT(r, TERMINAL)) ||
      put(ev->site, sizeof ev->site, RAW_TEXT(r, SITE)) ||
      put(ev->vehicle, sizeof ev->vehicle, RAW_TEXT(r, VEHICLE)) ||
      put(ev->card_no, sizeof ev->card_no, RAW_TEXT(r, CARD_NO)) ||
      put(ev->bill_ref, sizeof ev->bill_ref, RAW_TEXT(r, BILL_REF)) ||
      put(ev->staff_id, sizeof ev->staff_id, RAW_TEXT(r, STAFF_ID)))
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu]: a text member is too long", i);
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    size_t n = 0;
    char *m = proto_batch_fields[f].type == PROTO_BT_OTEXT ? proto_event_opt_field(ev, f, &n)
                                                            : NULL;
    if (m && r->s[f] && put(m, n, r->s[f], r->n[f]))
      return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].%s: too long", i,
                         proto_batch_fields[f].name);
  }
  if ((v = proto_mode_parse(RAW_TEXT(r, MODE))) < 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].mode: unknown", i);
  ev->mode = v;
  if ((v = proto_event_kind_parse(RAW_TEXT(r, KIND))) < 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].kind: unknown", i);
  ev->kind = v;
  if ((v = proto_verdict_parse(RAW_TEXT(r, VERDICT))) < 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].verdict: unknown", i);
  ev->verdict = v;
  if (hex64(RAW_TEXT(r, REASONS), &ev->reasons) != 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED,
                       "events[%zu].reasons: 16 lowercase hex expected", i);
  if (common_hex_decode(RAW_TEXT(r, PREV_HASH), ev->prev_hash, PROTO_HASH_LEN, 0) != COMMON_OK)
    return proto_i_why(why, cap, PROTO_E_MALFORMED,
                       "events[%zu].prev_hash: 64 lowercase hex expected", i);
  if (common_hex_decode(RAW_TEXT(r, HASH), ev->hash, PROTO_HASH_LEN, 0) != COMMON_OK)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].hash: 64 lowercase hex expected",
                       i);
  ev->seq = (uint64_t)r->num[PROTO_BF_SEQ];
  ev->time = r->num[PROTO_BF_TIME];
  ev->generation = (uint32_t)r->num[PROTO_BF_GENERATION];
  ev->amount_fen = r->num[PROTO_BF_AMOUNT_FEN];
  /* The journal's own field rules: tokens, no ID-number shapes (the receiver asks
   * proto_event_check again for the reason's text). */
  if (*hold == PROTO_HOLD_NONE && proto_event_check(ev, NULL, 0) != PROTO_OK)
    *hold = PROTO_HOLD_FIELD;
  return PROTO_OK;
}

static int syntax(struct cur *c, char *why, size_t cap, const char *what)
{
  return proto_i_why(why, cap, PROTO_E_MALFORMED, "JSON syntax error at byte %zu: %s", at(c),
                     what);
}

static int parse_event(struct cur *c, struct proto_event *ev, uint8_t *hold, size_t i, char *why,
                       size_t cap)
{
  struct raw_event r;
  uint64_t seen = 0, need = 0;
  for (int f = 0; f < PROTO_BF_COUNT; f++)
    if (proto_batch_fields[f].type != PROTO_BT_OTEXT)
      need |= UINT64_C(1) << f;
  memset(&r, 0, sizeof r);
  if (take(c, '{') != 0)
    return c->p >= c->end
               ? syntax(c, why, cap, "unexpected end of input")
               : proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu] is not an object", i);
  if (take(c, '}') == 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu]: %d members expected", i,
                       __builtin_popcountll(need));
  for (;;) {
    const char *k;
    size_t kn;
    int f, rc = str(c, &k, &kn);
    if (rc != 0)
      return syntax(c, why, cap, rc == -2 ? "escape or control character in a string"
                                          : "member name expected");
    f = field_of(k, kn);
    if (f < 0)
      return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu]: unknown member", i);
    if (seen & (UINT64_C(1) << f))
      return syntax(c, why, cap, "duplicate member");
    seen |= UINT64_C(1) << f;
    if (take(c, ':') != 0)
      return syntax(c, why, cap, "':' expected");
    if (proto_batch_fields[f].type == PROTO_BT_INT) {
      if (integer(c, &r.num[f]) != 0)
        return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].%s: integer expected", i,
                           proto_batch_fields[f].name);
    } else {
      rc = str(c, &r.s[f], &r.n[f]);
      if (rc == -2)
        return syntax(c, why, cap, "escape or control character in a string");
      if (rc != 0)
        return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu].%s: string expected", i,
                           proto_batch_fields[f].name);
    }
    if (take(c, ',') == 0)
      continue;
    if (take(c, '}') == 0)
      break;
    return syntax(c, why, cap, "',' or '}' expected");
  }
  if ((seen & need) != need)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "events[%zu]: %d members expected", i,
                       __builtin_popcountll(need));
  return finish_event(&r, ev, hold, i, why, cap);
}

static int parse_events(struct cur *c, size_t max_events, struct proto_batch *out, char *why,
                        size_t cap)
{
  size_t n = 0, alloc = 0;
  int rc;
  if (take(c, '[') != 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "\"events\": array expected");
  if (take(c, ']') == 0)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "\"events\" is empty");
  for (;;) {
    if (n == max_events)
      return proto_i_why(why, cap, PROTO_E_TOO_LARGE, "more than %zu events per batch",
                         max_events);
    if (n == alloc) {
      size_t na = alloc ? alloc * 2 : 256;
      struct proto_event *nv;
      if (na > max_events)
        na = max_events;
      uint8_t *nh;
      nv = realloc(out->ev, na * sizeof *nv);
      if (!nv)
        return PROTO_E_NO_MEMORY;
      out->ev = nv;
      nh = realloc(out->hold, na);
      if (!nh)
        return PROTO_E_NO_MEMORY;
      out->hold = nh;
      alloc = na;
    }
    rc = parse_event(c, &out->ev[n], &out->hold[n], n, why, cap);
    if (rc != PROTO_OK)
      return rc;
    out->n_held += out->hold[n] != PROTO_HOLD_NONE;
    if (n > 0 && out->ev[n].seq != out->ev[n - 1].seq + 1)
      return proto_i_why(why, cap, PROTO_E_MALFORMED,
                         "events[%zu].seq does not follow events[%zu]", n, n - 1);
    n++;
    out->n = n;
    if (take(c, ',') == 0)
      continue;
    if (take(c, ']') == 0)
      return PROTO_OK;
    return syntax(c, why, cap, "',' or ']' expected");
  }
}

int proto_batch_parse(const char *text, size_t len, size_t max_events, struct proto_batch *out,
                      char *why, size_t cap)
{
  struct cur c;
  int have_v = 0, have_events = 0, rc = PROTO_OK;

  if (why && cap)
    why[0] = '\0';
  if (!out)
    return PROTO_E_INVALID_ARG;
  out->n = 0;
  out->ev = NULL;
  out->hold = NULL;
  out->n_held = 0;
  if (!text)
    return PROTO_E_INVALID_ARG;
  if (len > PROTO_BATCH_MAX_TEXT)
    return proto_i_why(why, cap, PROTO_E_TOO_LARGE, "batch text over %u bytes",
                       PROTO_BATCH_MAX_TEXT);
  if (max_events == 0 || max_events > PROTO_BATCH_MAX_EVENTS)
    max_events = PROTO_BATCH_MAX_EVENTS;
  c.start = c.p = text;
  c.end = text + len;

  if (take(&c, '{') != 0) {
    ws(&c);
    rc = c.p < c.end && (*c.p == '[' || *c.p == '"' || *c.p == '-' ||
                         (*c.p >= '0' && *c.p <= '9') || *c.p == 't' || *c.p == 'f' ||
                         *c.p == 'n')
             ? proto_i_why(why, cap, PROTO_E_MALFORMED, "top level is not an object")
             : syntax(&c, why, cap, "'{' expected");
    goto out_free;
  }
  for (;;) {
    const char *k;
    size_t kn;
    int s = str(&c, &k, &kn);
    if (s != 0) {
      rc = syntax(&c, why, cap, s == -2 ? "escape or control character in a string"
                                        : "member name expected");
      goto out_free;
    }
    if (take(&c, ':') != 0) {
      rc = syntax(&c, why, cap, "':' expected");
      goto out_free;
    }
    if (kn == 1 && k[0] == 'v') {
      int64_t v;
      if (have_v) {
        rc = syntax(&c, why, cap, "duplicate member");
        goto out_free;
      }
      have_v = 1;
      if (integer(&c, &v) != 0 || v != PROTO_BATCH_VERSION) {
        rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "\"v\": 1 expected");
        goto out_free;
      }
    } else if (kn == 6 && memcmp(k, "events", 6) == 0) {
      if (have_events) {
        rc = syntax(&c, why, cap, "duplicate member");
        goto out_free;
      }
      have_events = 1;
      rc = parse_events(&c, max_events, out, why, cap);
      if (rc != PROTO_OK)
        goto out_free;
    } else {
      rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "unknown top-level member");
      goto out_free;
    }
    if (take(&c, ',') == 0)
      continue;
    if (take(&c, '}') == 0)
      break;
    rc = syntax(&c, why, cap, "',' or '}' expected");
    goto out_free;
  }
  ws(&c);
  if (c.p != c.end) {
    rc = syntax(&c, why, cap, "trailing bytes after the batch");
    goto out_free;
  }
  if (!have_v) {
    rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "\"v\": 1 expected");
    goto out_free;
  }
  if (!have_events) {
    rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "\"events\": array expected");
    goto out_free;
  }
  return PROTO_OK;

out_free:
  proto_batch_free(out);
  return rc;
}

void proto_batch_free(struct proto_batch *b)
{
  if (!b)
    return;
  free(b->ev);
  free(b->hold);
  b->ev = NULL;
  b->hold = NULL;
  b->n = 0;
  b->n_held = 0;
}
