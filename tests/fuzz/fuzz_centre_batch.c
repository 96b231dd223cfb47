/*
 * Fuzz target: the upload batch parser (proto/batch.h) on the centre's body path. Input
 * starting with the gzip magic goes through the centre's bounded inflate first (as a
 * Content-Encoding: gzip body would), then proto's parser; anything else goes to the
 * parser directly. A batch that parses is encoded again and must parse to the same
 * events (the encoder and the parser walk one field table).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "centre/centre.h"
#include "proto/batch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct buf {
  char *data;
  size_t len, cap;
};

static int put(void *user, const void *p, size_t n)
{
  struct buf *b = user;
  if (b->len + n > b->cap) {
    size_t cap = (b->len + n) * 2;
    char *d = realloc(b->data, cap);
    if (!d)
      return -1;
    b->data = d;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static void parse(const char *text, size_t len)
{
  struct proto_batch b, again;
  struct buf out = {NULL, 0, 0};
  char why[256];
  if (proto_batch_parse(text, len, 100, &b, why, sizeof why) != PROTO_OK)
    return;
  if (proto_batch_encode(b.ev, b.n, put, &out) == PROTO_OK) {
    if (proto_batch_parse(out.data, out.len, 100, &again, why, sizeof why) != PROTO_OK ||
        again.n != b.n || memcmp(again.ev, b.ev, b.n * sizeof *b.ev) != 0 ||
        again.n_held != b.n_held || memcmp(again.hold, b.hold, b.n) != 0)
      abort(); /* what the parser accepts, the encoder writes back the same */
    proto_batch_free(&again);
  }
  free(out.data);
  proto_batch_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = NULL;
  size_t len = 0;
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    if (centre_inflate(data, size, 1, 1u << 20, &text, &len) != CENTRE_OK)
      return 0;
    parse(text, len);
    free(text);
    return 0;
  }
  parse((const char *)data, size);
  return 0;
}
