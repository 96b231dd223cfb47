/* BER-TLV reader and writer (hc_tlv.h). */
#include <string.h>

#include "cardio/cardio.h"
#include "hc_tlv.h"

void hc_tlv_cursor_init(struct hc_tlv_cursor *c, const uint8_t *buf, size_t len)
{
  c->p = buf;
  c->left = buf ? len : 0;
}

int hc_tlv_next(struct hc_tlv_cursor *c, struct hc_tlv *out)
{
  const uint8_t *p = c->p;
  size_t left = c->left, taglen = 1, lenlen, vlen, i;
  uint32_t tag;

  if (left == 0)
    return CARDIO_E_NOT_FOUND;
  if (p[0] == 0x00 || p[0] == 0xFF)
    return CARDIO_E_MALFORMED;
  tag = p[0];
  if ((p[0] & 0x1F) == 0x1F) {
    /* Subsequent tag bytes: bit 8 set means another follows; at most 3 bytes in all,
     * and the shortest form (a number under 31 would fit in the first byte, and a
     * leading 0x80 adds nothing). */
    do {
      if (taglen >= left)
        return HC_TLV_TRUNCATED;
      if (taglen == 3)
        return CARDIO_E_MALFORMED;
      tag = tag << 8 | p[taglen];
      taglen++;
    } while (p[taglen - 1] & 0x80);
    if (p[1] == 0x80 || (taglen == 2 && p[1] < 0x1F))
      return CARDIO_E_MALFORMED;
  }
  if (taglen >= left)
    return HC_TLV_TRUNCATED;
  if (p[taglen] < 0x80) {
    vlen = p[taglen];
    lenlen = 1;
  } else {
    size_t n = p[taglen] & 0x7Fu;
    if (n == 0 || n > 3)
      return CARDIO_E_MALFORMED; /* indefinite, or over 16 MB */
    if (n >= left - taglen)
      return HC_TLV_TRUNCATED;
    vlen = 0;
    for (i = 1; i <= n; i++)
      vlen = vlen << 8 | p[taglen + i];
    /* Shortest form only: 81 for 80..FF, 82 from 100, 83 from 10000. */
    if (vlen < 0x80 || (n == 2 && vlen < 0x100) || (n == 3 && vlen < 0x10000))
      return CARDIO_E_MALFORMED;
    lenlen = 1 + n;
  }
  if (vlen > left - taglen - lenlen)
    return HC_TLV_TRUNCATED;
  out->tag = tag;
  out->constructed = (p[0] & 0x20) != 0;
  out->raw = p;
  out->value = p + taglen + lenlen;
  out->len = vlen;
  out->raw_len = taglen + lenlen + vlen;
  c->p = p + out->raw_len;
  c->left = left - out->raw_len;
  return CARDIO_OK;
}

int hc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, struct hc_tlv *out)
{
  struct hc_tlv_cursor c;
  int rc;
  hc_tlv_cursor_init(&c, buf, len);
  while ((rc = hc_tlv_next(&c, out)) == CARDIO_OK)
    if (out->tag == tag)
      return CARDIO_OK;
  return rc;
}

void hc_tlv_writer_init(struct hc_tlv_writer *w, uint8_t *buf, size_t cap)
{
  w->buf = buf;
  w->len = 0;
  w->cap = buf ? cap : 0;
  w->err = 0;
}

static void put_bytes(struct hc_tlv_writer *w, const void *p, size_t n)
{
  if (w->err)
    return;
  if (n > w->cap - w->len) {
    w->err = CARDIO_E_BUFFER_TOO_SMALL;
    return;
  }
  if (n)
    memcpy(w->buf + w->len, p, n);
  w->len += n;
}

static void put_tag(struct hc_tlv_writer *w, uint32_t tag)
{
  uint8_t t[3];
  size_t n;
  if (tag == 0 || tag > 0xFFFFFFu) {
    if (!w->err)
      w->err = CARDIO_E_INVALID_ARG;
    return;
  }
  n = tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
  for (size_t i = 0; i < n; i++)
    t[i] = (uint8_t)(tag >> (8 * (n - 1 - i)));
  put_bytes(w, t, n);
}

static size_t len_size(size_t len)
{
  return len < 0x80 ? 1 : len <= 0xFF ? 2 : len <= 0xFFFF ? 3 : 4;
}

static void encode_len(uint8_t *p, size_t len)
{
  size_t n = len_size(len);
  if (n == 1) {
    p[0] = (uint8_t)len;
    return;
  }
  p[0] = (uint8_t)(0x80 | (n - 1));
  for (size_t i = 1; i < n; i++)
    p[i] = (uint8_t)(len >> (8 * (n - 1 - i)));
}

void hc_tlv_put(struct hc_tlv_writer *w, uint32_t tag, const void *value, size_t len)
{
  uint8_t l[4];
  size_t taglen = tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
  if (!w->err && (len > HC_TLV_LEN_MAX || (!value && len)))
    w->err = CARDIO_E_INVALID_ARG;
  /* All or nothing: a TLV is never left half written. */
  if (!w->err && taglen + len_size(len) + len > w->cap - w->len)
    w->err = CARDIO_E_BUFFER_TOO_SMALL;
  put_tag(w, tag);
  if (w->err)
    return;
  encode_len(l, len);
  put_bytes(w, l, len_size(len));
  put_bytes(w, value, len);
}

void hc_tlv_put_u8(struct hc_tlv_writer *w, uint32_t tag, uint8_t v)
{
  hc_tlv_put(w, tag, &v, 1);
}

size_t hc_tlv_open(struct hc_tlv_writer *w, uint32_t tag)
{
  static const uint8_t reserve[4] = {0x83, 0, 0, 0};
  put_tag(w, tag);
  put_bytes(w, reserve, sizeof reserve);
  return w->len; /* content starts here */
}

void hc_tlv_close(struct hc_tlv_writer *w, size_t mark)
{
  size_t content, n;
  if (w->err)
    return;
  content = w->len - mark;
  if (content > HC_TLV_LEN_MAX) {
    w->err = CARDIO_E_INVALID_ARG;
    return;
  }
  n = len_size(content);
  /* 4 bytes were reserved; shift the content left by what the length does not use. */
  memmove(w->buf + mark - 4 + n, w->buf + mark, content);
  encode_len(w->buf + mark - 4, content);
  w->len -= 4 - n;
}
