/* The TLV and FCI walker of yhconform (fci.h). */
#include "fci.h"

#include <string.h>

static const uint8_t hc_aid[6] = {0xF1, 0x59, 0x48, 0x48, 0x43, 0x01};

int conform_tlv_next(const uint8_t **p, size_t *left, struct conform_tlv *t)
{
  const uint8_t *s = *p;
  size_t n = *left, i = 0, len;
  unsigned tag;
  if (n < 2)
    return -1;
  tag = s[i++];
  if ((tag & 0x1F) == 0x1F) {
    tag = tag << 8 | s[i++];
    if (i >= n)
      return -1;
  }
  len = s[i++];
  if (len == 0x81 || len == 0x82) {
    size_t k = len & 0x7F;
    if (k > n - i)
      return -1;
    len = 0;
    for (size_t j = 0; j < k; j++)
      len = len << 8 | s[i++];
  } else if (len > 0x7F) {
    return -1;
  }
  if (len > n - i)
    return -1;
  t->tag = tag;
  t->v = s + i;
  t->len = len;
  t->raw = s;
  t->raw_len = i + len;
  *p = s + i + len;
  *left = n - i - len;
  return 0;
}

static void walk_a5(const struct conform_tlv *a5, struct conform_fci *f)
{
  const uint8_t *r = a5->v;
  size_t l3 = a5->len;
  struct conform_tlv x;
  int n = 0, order_ok = 1, seen_e0 = 0;
  while (l3 > 0) {
    if (conform_tlv_next(&r, &l3, &x) != 0) {
      order_ok = 0;
      break;
    }
    n++;
    if (x.tag == 0xC1 && x.len == 8 && !seen_e0 && !f->have_serial) {
      memcpy(f->serial, x.v, 8);
      f->have_serial = 1;
    } else if (x.tag == 0xE0 && !seen_e0) {
      seen_e0 = 1;
      f->e0 = x.raw;
      f->e0_len = x.raw_len;
    } else {
      order_ok = 0;
    }
  }
  f->a5_order = order_ok && n > 0;
}

void conform_fci_walk(const uint8_t *fci, size_t len, struct conform_fci *f)
{
  const uint8_t *p = fci, *q;
  size_t left = len, l2;
  struct conform_tlv t;
  memset(f, 0, sizeof *f);
  f->one_6f = conform_tlv_next(&p, &left, &t) == 0 && t.tag == 0x6F && left == 0;
  if (!f->one_6f)
    return;
  q = t.v;
  l2 = t.len;
  f->aid_first = conform_tlv_next(&q, &l2, &f->aid) == 0 && f->aid.tag == 0x84 &&
                 f->aid.len == sizeof hc_aid && memcmp(f->aid.v, hc_aid, sizeof hc_aid) == 0;
  if (!f->aid_first)
    return;
  f->lcs_second = conform_tlv_next(&q, &l2, &f->lcs_tlv) == 0 && f->lcs_tlv.tag == 0x8A &&
                  f->lcs_tlv.len == 1;
  if (!f->lcs_second)
    return;
  f->lcs = f->lcs_tlv.v[0];
  f->a5_present = l2 > 0;
  if (!f->a5_present)
    return;
  f->a5_last = conform_tlv_next(&q, &l2, &f->a5) == 0 && f->a5.tag == 0xA5 && l2 == 0;
  if (f->a5_last)
    walk_a5(&f->a5, f);
}

int conform_e0_split(const uint8_t *e0, size_t len, struct conform_tlv *e1,
                     struct conform_tlv *sig)
{
  const uint8_t *p = e0;
  size_t left = len, l2;
  struct conform_tlv c;
  if (conform_tlv_next(&p, &left, &c) != 0 || c.tag != 0xE0 || left != 0)
    return -1;
  p = c.v;
  l2 = c.len;
  if (conform_tlv_next(&p, &l2, e1) != 0 || e1->tag != 0xE1 ||
      conform_tlv_next(&p, &l2, sig) != 0 || sig->tag != 0x5F37 || sig->len != 64 || l2 != 0)
    return -1;
  return 0;
}
