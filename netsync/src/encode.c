/* Batch encoding: JSON text, then gzip. Tokens are escaped although the journal only
 * holds [A-Za-z0-9._-]: a damaged row must give a request the centre refuses, not
 * broken JSON. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "netsync_int.h"

int ns_buf_add(struct ns_buf *b, const void *p, size_t n)
{
  if (n > b->max - b->len) {
    ns_buf_free(b);
    return NETSYNC_E_NO_MEMORY;
  }
  if (b->len + n + 1 > b->cap) {
    size_t ncap = b->cap ? b->cap : 4096;
    char *nd;
    while (ncap < b->len + n + 1)
      ncap *= 2;
    if (ncap > b->max + 1)
      ncap = b->max + 1;
    nd = realloc(b->data, ncap);
    if (!nd) {
      ns_buf_free(b);
      return NETSYNC_E_NO_MEMORY;
    }
    b->data = nd;
    b->cap = ncap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return NETSYNC_OK;
}

void ns_buf_free(struct ns_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int add_str(struct ns_buf *b, const char *s)
{
  char tmp[8];
  int rc = ns_buf_add(b, "\"", 1);
  while (rc == NETSYNC_OK && *s) {
    size_t run = 0;
    /* Tokens need no escaping: append runs whole. */
    while (s[run] && s[run] != '"' && s[run] != '\\' && (unsigned char)s[run] >= 0x20)
      run++;
    if (run) {
      rc = ns_buf_add(b, s, run);
      s += run;
      continue;
    }
    snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned char)*s);
    rc = ns_buf_add(b, tmp, 6);
    s++;
  }
  return rc == NETSYNC_OK ? ns_buf_add(b, "\"", 1) : rc;
}

static int add_fmt(struct ns_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_fmt(struct ns_buf *b, const char *fmt, ...)
{
  char tmp[128];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof tmp)
    return NETSYNC_E_INVALID_ARG;
  return ns_buf_add(b, tmp, (size_t)n);
}

static void hex(const uint8_t *in, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

static int add_member(struct ns_buf *b, const char *name, const char *value)
{
  int rc = add_fmt(b, ",\"%s\":", name);
  return rc == NETSYNC_OK ? add_str(b, value) : rc;
}

int netsync_encode_batch(const struct kiosk_event *ev, size_t n, struct ns_buf *json,
                         struct ns_buf *out)
{
  z_stream zs;
  int rc = add_fmt(json, "{\"v\":1,\"events\":[");
  for (size_t i = 0; rc == NETSYNC_OK && i < n; i++) {
    const struct kiosk_event *e = &ev[i];
    const char *mode = kiosk_mode_name(e->mode), *kind = kiosk_event_kind_name(e->kind),
               *verdict = kiosk_verdict_name(e->verdict);
    char prev[2 * KIOSK_HASH_LEN + 1], cur[2 * KIOSK_HASH_LEN + 1], reasons[17];
    hex(e->prev_hash, KIOSK_HASH_LEN, prev);
    hex(e->hash, KIOSK_HASH_LEN, cur);
    snprintf(reasons, sizeof reasons, "%016" PRIx64, e->reasons);
    /* Unknown enum values go out as "?": the centre refuses the batch, visibly. */
    rc = add_fmt(json, "%s{\"seq\":%" PRIu64 ",\"time\":%" PRId64, i ? "," : "", e->seq, e->time);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "terminal", e->terminal);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "site", e->site);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "mode", mode ? mode : "?");
    if (rc == NETSYNC_OK)
      rc = add_member(json, "vehicle", e->vehicle);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "card_no", e->card_no);
    if (rc == NETSYNC_OK)
      rc = add_fmt(json, ",\"generation\":%" PRIu32, e->generation);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "kind", kind ? kind : "?");
    if (rc == NETSYNC_OK)
      rc = add_member(json, "verdict", verdict ? verdict : "?");
    if (rc == NETSYNC_OK)
      rc = add_member(json, "reasons", reasons);
    if (rc == NETSYNC_OK)
      rc = add_fmt(json, ",\"amount_fen\":%" PRId64, e->amount_fen);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "bill_ref", e->bill_ref);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "staff_id", e->staff_id);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "prev_hash", prev);
    if (rc == NETSYNC_OK)
      rc = add_member(json, "hash", cur);
    if (rc == NETSYNC_OK)
      rc = ns_buf_add(json, "}", 1);
  }
  if (rc == NETSYNC_OK)
    rc = ns_buf_add(json, "]}", 2);
  if (rc != NETSYNC_OK)
    return rc;

  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return NETSYNC_E_NO_MEMORY;
  {
    size_t bound = deflateBound(&zs, (uLong)json->len) + 64;
    char *p;
    out->len = 0;
    if (bound > out->max) {
      deflateEnd(&zs);
      return NETSYNC_E_NO_MEMORY;
    }
    if (out->cap < bound + 1) {
      p = realloc(out->data, bound + 1);
      if (!p) {
        deflateEnd(&zs);
        return NETSYNC_E_NO_MEMORY;
      }
      out->data = p;
      out->cap = bound + 1;
    }
    zs.next_in = (Bytef *)json->data;
    zs.avail_in = (uInt)json->len;
    zs.next_out = (Bytef *)out->data;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
      deflateEnd(&zs);
      return NETSYNC_E_NO_MEMORY;
    }
    out->len = bound - zs.avail_out;
  }
  deflateEnd(&zs);
  return NETSYNC_OK;
}

uint64_t netsync_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms, uint64_t *rng)
{
  uint64_t ceiling = base_ms ? base_ms : 1, x;
  for (unsigned i = 1; i < attempt && ceiling < cap_ms; i++)
    ceiling *= 2;
  if (ceiling > cap_ms)
    ceiling = cap_ms;
  /* xorshift64*: good enough to spread terminals apart; seeded from RAND_bytes. */
  x = *rng ? *rng : 0x9e3779b97f4a7c15ULL;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *rng = x;
  return (x * 0x2545f4914f6cdd1dULL) % (ceiling + 1);
}
