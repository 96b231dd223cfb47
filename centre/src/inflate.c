/* Bounded inflate of an upload body: a small compressed body must not become a huge one. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "centre/centre.h"
#include "centre_int.h"

int centre_inflate(const uint8_t *in, size_t in_len, int gzip, size_t max, char **out,
                   size_t *out_len)
{
  z_stream zs;
  size_t cap, len = 0;
  char *buf;
  int zrc, rc = CENTRE_OK;

  if (!in || !out || !out_len)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  *out_len = 0;
  if (in_len > 0xffffffffu)
    return CENTRE_E_TOO_LARGE;
  cap = in_len * 4 + 1024;
  if (cap > max + 1)
    cap = max + 1;
  buf = malloc(cap);
  if (!buf)
    return CENTRE_E_NO_MEMORY;
  memset(&zs, 0, sizeof zs);
  /* 15 + 16: gzip only; 15: zlib only. */
  if (inflateInit2(&zs, gzip ? 15 + 16 : 15) != Z_OK) {
    free(buf);
    return CENTRE_E_NO_MEMORY;
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)in_len;
  for (;;) {
    if (len == cap - 1) {
      size_t ncap;
      char *nbuf;
      if (cap - 1 >= max) {
        rc = CENTRE_E_TOO_LARGE;
        goto out_end;
      }
      ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
      nbuf = realloc(buf, ncap);
      if (!nbuf) {
        rc = CENTRE_E_NO_MEMORY;
        goto out_end;
      }
      buf = nbuf;
      cap = ncap;
    }
    zs.next_out = (Bytef *)buf + len;
    zs.avail_out = (uInt)(cap - 1 - len);
    zrc = inflate(&zs, Z_NO_FLUSH);
    len = (size_t)((char *)zs.next_out - buf);
    if (zrc == Z_STREAM_END)
      break;
    if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
      rc = CENTRE_E_MALFORMED; /* truncated stream */
      goto out_end;
    }
    if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
      rc = CENTRE_E_MALFORMED;
      goto out_end;
    }
  }
  if (zs.avail_in != 0) {
    rc = CENTRE_E_MALFORMED; /* trailing bytes after the stream */
    goto out_end;
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  inflateEnd(&zs);
  return CENTRE_OK;

out_end:
  inflateEnd(&zs);
  free(buf);
  return rc;
}

int centre_gzip(const void *in, size_t len, char **out, size_t *out_len)
{
  z_stream zs;
  size_t bound;
  char *buf;
  *out = NULL;
  *out_len = 0;
  memset(&zs, 0, sizeof zs);
  if (len > 0xffffffffu || deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    return CENTRE_E_TOO_LARGE;
  bound = deflateBound(&zs, (uLong)len) + 64;
  buf = malloc(bound);
  if (!buf) {
    deflateEnd(&zs);
    return CENTRE_E_NO_MEMORY;
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)len;
  zs.next_out = (Bytef *)buf;
  zs.avail_out = (uInt)bound;
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
    deflateEnd(&zs);
    free(buf);
    return CENTRE_E_NO_MEMORY;
  }
  *out_len = bound - zs.avail_out;
  *out = buf;
  deflateEnd(&zs);
  return CENTRE_OK;
}
