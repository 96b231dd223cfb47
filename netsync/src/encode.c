/* Batch encoding: proto's JSON text (proto/batch.h), then gzip. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "netsync_int.h"
#include "proto/batch.h"

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

/* proto's encoder writes through this: straight into the growing JSON buffer. */
static int put_json(void *user, const void *bytes, size_t n)
{
  return ns_buf_add(user, bytes, n);
}

int netsync_encode_batch(const struct proto_event *ev, size_t n, struct ns_buf *json,
                         struct ns_buf *out)
{
  z_stream zs;
  /* The field table is proto's (proto/batch.h): the centre's parser walks the same one. */
  int rc = proto_batch_encode(ev, n, put_json, json);
  if (rc != NETSYNC_OK)
    return rc == PROTO_E_INVALID_ARG ? NETSYNC_E_INVALID_ARG : rc;

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
