/*
 * The revocation list codec (proto/revlist.h). Every blob is parsed with a cursor and
 * the bytes left; entries must be strictly ascending, so decoding is linear and the
 * reader needs no sort.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "proto/revlist.h"
#include "proto_int.h"

void *proto_rev_alloc(size_t size)
{
  const size_t huge = 2u * 1024u * 1024u;
  void *p = NULL;
  if (size < 2 * huge)
    return malloc(size ? size : 1);
  if (posix_memalign(&p, huge, (size + huge - 1) / huge * huge) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, (size + huge - 1) / huge * huge, MADV_HUGEPAGE);
#endif
  return p;
}

/* ----------------------------------------------------------- card packing -- */

/* Card number characters as base-38 digits, in ASCII order: NUL (padding) 0, '-' 1,
 * '0'-'9' 2-11, 'A'-'Z' 12-37. So packed keys sort like the NUL-padded strings. */
static int card_digit(char c)
{
  if (c == '\0')
    return 0;
  if (c == '-')
    return 1;
  if (c >= '0' && c <= '9')
    return 2 + (c - '0');
  if (c >= 'A' && c <= 'Z')
    return 12 + (c - 'A');
  return -1;
}

static char card_char(unsigned d)
{
  if (d == 0)
    return '\0';
  if (d == 1)
    return '-';
  if (d < 12)
    return (char)('0' + (d - 2));
  return (char)('A' + (d - 12));
}

/* Pack a card number field of exactly PROTO_CARD_NO_MAX bytes (NUL-padded). 0 when it is
 * not a valid card number (bad character, a character after the padding, empty,
 * ID-shaped). */
static int field_pack(const char field[PROTO_CARD_NO_MAX], uint64_t *hi, uint64_t *lo)
{
  char s[PROTO_CARD_NO_MAX + 1];
  size_t n;
  uint64_t h = 0, l = 0;
  memcpy(s, field, PROTO_CARD_NO_MAX);
  s[PROTO_CARD_NO_MAX] = '\0';
  n = strlen(s);
  for (size_t i = n; i < PROTO_CARD_NO_MAX; i++)
    if (field[i] != '\0')
      return 0;
  if (!proto_i_card_no_ok(s))
    return 0;
  for (size_t i = 0; i < 10; i++)
    h = h * 38u + (uint64_t)card_digit(s[i]);
  for (size_t i = 10; i < 20; i++)
    l = l * 38u + (uint64_t)card_digit(s[i]);
  *hi = h;
  *lo = l;
  return 1;
}

int proto_rev_card_pack(const char *card_no, uint64_t *hi, uint64_t *lo)
{
  char field[PROTO_CARD_NO_MAX];
  size_t n;
  if (!card_no)
    return 0;
  n = strnlen(card_no, PROTO_CARD_NO_MAX + 1);
  if (n > PROTO_CARD_NO_MAX)
    return 0;
  memset(field, 0, sizeof field);
  memcpy(field, card_no, n);
  return field_pack(field, hi, lo);
}

void proto_rev_card_unpack(uint64_t hi, uint64_t lo, char out[PROTO_CARD_NO_MAX + 1])
{
  for (int i = 9; i >= 0; i--) {
    out[i] = card_char((unsigned)(hi % 38u));
    hi /= 38u;
  }
  for (int i = 19; i >= 10; i--) {
    out[i] = card_char((unsigned)(lo % 38u));
    lo /= 38u;
  }
  out[PROTO_CARD_NO_MAX] = '\0';
}

int proto_rev_rec_cmp(const struct proto_rev_rec *a, const struct proto_rev_rec *b)
{
  if (a->hi != b->hi)
    return a->hi < b->hi ? -1 : 1;
  if (a->lo != b->lo)
    return a->lo < b->lo ? -1 : 1;
  if (a->gen != b->gen)
    return a->gen < b->gen ? -1 : 1;
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  return 0;
}

static int rec_cmp_q(const void *a, const void *b)
{
  return proto_rev_rec_cmp(a, b);
}

/* Order on (card, generation, kind byte), ignoring the removal flag above the byte. */
static int rec_cmp_key_q(const void *pa, const void *pb)
{
  struct proto_rev_rec a = *(const struct proto_rev_rec *)pa, b = *(const struct proto_rev_rec *)pb;
  a.kind &= 0xFFu;
  b.kind &= 0xFFu;
  return proto_rev_rec_cmp(&a, &b);
}

static int entry_ok(uint32_t gen, unsigned kind)
{
  return kind == PROTO_REV_EXACT || (kind == PROTO_REV_BELOW && gen >= 1);
}

/* An API entry into a record; 0 when invalid. */
static int rec_from_entry(const struct proto_rev_entry *e, struct proto_rev_rec *r)
{
  if (!proto_rev_card_pack(e->card_no, &r->hi, &r->lo) || !entry_ok(e->generation, e->kind))
    return 0;
  r->gen = e->generation;
  r->kind = e->kind;
  return 1;
}

/* ------------------------------------------------------------- byte codec -- */

struct cur {
  const uint8_t *p;
  size_t left;
};

static int get_bytes(struct cur *c, size_t n, const uint8_t **out)
{
  if (n > c->left)
    return PROTO_E_FORMAT;
  *out = c->p;
  c->p += n;
  c->left -= n;
  return PROTO_OK;
}

static uint64_t be_get(const uint8_t *p, unsigned n)
{
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

static void be_put(uint8_t *p, uint64_t v, unsigned n)
{
  for (unsigned i = 0; i < n; i++)
    p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

int proto_revlist_peek(const uint8_t *buf, size_t len, struct proto_revlist_header *h)
{
  struct cur c = {buf, len};
  const uint8_t *p;
  size_t body, siglen;
  if (!buf || !h)
    return PROTO_E_INVALID_ARG;
  if (get_bytes(&c, PROTO_REVLIST_HEADER_LEN, &p) != PROTO_OK)
    return PROTO_E_FORMAT;
  if (memcmp(p, PROTO_REVLIST_MAGIC, 4) != 0 || p[4] != PROTO_REVLIST_FORMAT ||
      (p[5] != PROTO_REVLIST_SNAPSHOT && p[5] != PROTO_REVLIST_DELTA) || p[6] != 0 || p[7] != 0)
    return PROTO_E_FORMAT;
  memset(h, 0, sizeof *h);
  h->type = (enum proto_revlist_type)p[5];
  h->version = be_get(p + 8, 8);
  h->base_version = be_get(p + 16, 8);
  h->issued_at = (int64_t)be_get(p + 24, 8);
  h->count = (uint32_t)be_get(p + 32, 4);
  if (h->version == 0 || (h->type == PROTO_REVLIST_SNAPSHOT && h->base_version != 0) ||
      (h->type == PROTO_REVLIST_DELTA && (h->base_version == 0 || h->version <= h->base_version)))
    return PROTO_E_FORMAT;
  if (h->count > PROTO_REVLIST_MAX_ENTRIES)
    return PROTO_E_TOO_LARGE;
  body = (size_t)h->count * PROTO_REVLIST_ENTRY_LEN;
  if (get_bytes(&c, body, &p) != PROTO_OK || get_bytes(&c, 2, &p) != PROTO_OK)
    return PROTO_E_FORMAT;
  siglen = (size_t)be_get(p, 2);
  if (siglen < 8 || siglen > PROTO_REVLIST_SIG_MAX || get_bytes(&c, siglen, &p) != PROTO_OK)
    return PROTO_E_FORMAT;
  h->total_len = PROTO_REVLIST_HEADER_LEN + body + 2 + siglen;
  return PROTO_OK;
}

int proto_revlist_decode(const uint8_t *buf, size_t len, const struct proto_key *key,
                         struct proto_revlist_header *h, struct proto_rev_rec **recs,
                         char *why, size_t cap)
{
  struct proto_rev_rec *v = NULL;
  const uint8_t *p;
  size_t signed_len;
  int rc;
  if (!recs || !h)
    return PROTO_E_INVALID_ARG;
  *recs = NULL;
  if (!key)
    return proto_i_why(why, cap, PROTO_E_INVALID_ARG, "no key");
  rc = proto_revlist_peek(buf, len, h);
  if (rc != PROTO_OK)
    return proto_i_why(why, cap, rc,
                       rc == PROTO_E_TOO_LARGE ? "more than %u entries"
                                               : "malformed header or length (%u)",
                       PROTO_REVLIST_MAX_ENTRIES);
  if (h->total_len != len)
    return proto_i_why(why, cap, PROTO_E_FORMAT, "%zu trailing bytes after the signature",
                       len - h->total_len);
  signed_len = PROTO_REVLIST_HEADER_LEN + (size_t)h->count * PROTO_REVLIST_ENTRY_LEN;
  rc = proto_key_verify(key, buf, signed_len, buf + signed_len + 2, h->total_len - signed_len - 2);
  if (rc != PROTO_OK)
    return proto_i_why(why, cap, rc == PROTO_E_NO_MEMORY ? rc : PROTO_E_SIGNATURE,
                       "signature does not verify with the centre's key (version %llu)",
                       (unsigned long long)h->version);
  if (h->count) {
    v = proto_rev_alloc((size_t)h->count * sizeof *v);
    if (!v)
      return proto_i_why(why, cap, PROTO_E_NO_MEMORY, "out of memory");
  }
  p = buf + PROTO_REVLIST_HEADER_LEN;
  for (uint32_t i = 0; i < h->count; i++, p += PROTO_REVLIST_ENTRY_LEN) {
    unsigned op = p[0];
    unsigned kind = op & 0x7Fu;
    int removal = (op & PROTO_REV_REMOVE) != 0;
    v[i].gen = (uint32_t)be_get(p + 1 + PROTO_CARD_NO_MAX, 4);
    v[i].kind = op;
    if (!field_pack((const char *)p + 1, &v[i].hi, &v[i].lo) || !entry_ok(v[i].gen, kind) ||
        (removal && h->type != PROTO_REVLIST_DELTA)) {
      free(v);
      return proto_i_why(why, cap, PROTO_E_FORMAT, "entry %u is invalid", i);
    }
    /* Strictly ascending by (card, generation, kind); a delta may not touch one key twice. */
    if (i > 0) {
      struct proto_rev_rec a = v[i - 1], b = v[i];
      a.kind &= 0x7Fu;
      b.kind &= 0x7Fu;
      if (proto_rev_rec_cmp(&a, &b) >= 0) {
        free(v);
        return proto_i_why(why, cap, PROTO_E_FORMAT, "entry %u out of order or duplicated", i);
      }
    }
  }
  *recs = v;
  return PROTO_OK;
}

/* ----------------------------------------------------------------- writer -- */

static int sign_blob(uint8_t *buf, size_t signed_len, const struct proto_key *key,
                     uint8_t **out, size_t *out_len)
{
  size_t siglen = 0;
  /* buf was allocated with room for the largest signature. */
  int rc = proto_key_sign(key, buf, signed_len, buf + signed_len + 2, PROTO_REVLIST_SIG_MAX,
                          &siglen);
  if (rc != PROTO_OK)
    return rc == PROTO_E_NO_MEMORY ? rc : PROTO_E_CRYPTO;
  be_put(buf + signed_len, siglen, 2);
  *out = buf;
  *out_len = signed_len + 2 + siglen;
  return PROTO_OK;
}

static uint8_t *alloc_blob(enum proto_revlist_type type, size_t n, uint64_t version,
                           uint64_t base, int64_t issued_at)
{
  uint8_t *buf = malloc(PROTO_REVLIST_HEADER_LEN + n * PROTO_REVLIST_ENTRY_LEN + 2 +
                        PROTO_REVLIST_SIG_MAX);
  if (!buf)
    return NULL;
  memcpy(buf, PROTO_REVLIST_MAGIC, 4);
  buf[4] = PROTO_REVLIST_FORMAT;
  buf[5] = (uint8_t)type;
  buf[6] = buf[7] = 0;
  be_put(buf + 8, version, 8);
  be_put(buf + 16, base, 8);
  be_put(buf + 24, (uint64_t)issued_at, 8);
  be_put(buf + 32, n, 4);
  return buf;
}

static void put_entry(uint8_t *p, unsigned op, const struct proto_rev_rec *r)
{
  char s[PROTO_CARD_NO_MAX + 1];
  proto_rev_card_unpack(r->hi, r->lo, s);
  p[0] = (uint8_t)op;
  memcpy(p + 1, s, PROTO_CARD_NO_MAX); /* unpack leaves NUL padding */
  be_put(p + 1 + PROTO_CARD_NO_MAX, r->gen, 4);
}

int proto_revlist_encode_snapshot(const struct proto_rev_entry *entries, size_t n,
                                  uint64_t version, int64_t issued_at,
                                  const struct proto_key *key, uint8_t **out, size_t *out_len)
{
  struct proto_rev_rec *v;
  uint8_t *buf;
  int rc = PROTO_E_INVALID_ARG;
  if (!out || !out_len)
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  *out_len = 0;
  if (!proto_key_has_private(key) || version == 0 || n > PROTO_REVLIST_MAX_ENTRIES ||
      (n && !entries))
    return PROTO_E_INVALID_ARG;
  v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return PROTO_E_NO_MEMORY;
  for (size_t i = 0; i < n; i++)
    if (!rec_from_entry(&entries[i], &v[i]))
      goto out_free_v;
  qsort(v, n, sizeof *v, rec_cmp_q);
  for (size_t i = 1; i < n; i++)
    if (proto_rev_rec_cmp(&v[i - 1], &v[i]) == 0)
      goto out_free_v;
  buf = alloc_blob(PROTO_REVLIST_SNAPSHOT, n, version, 0, issued_at);
  rc = PROTO_E_NO_MEMORY;
  if (!buf)
    goto out_free_v;
  for (size_t i = 0; i < n; i++)
    put_entry(buf + PROTO_REVLIST_HEADER_LEN + i * PROTO_REVLIST_ENTRY_LEN, v[i].kind, &v[i]);
  rc = sign_blob(buf, PROTO_REVLIST_HEADER_LEN + n * PROTO_REVLIST_ENTRY_LEN, key, out, out_len);
  if (rc != PROTO_OK)
    free(buf);
out_free_v:
  free(v);
  return rc;
}

int proto_revlist_encode_delta(const struct proto_rev_change *changes, size_t n,
                               uint64_t base_version, uint64_t version, int64_t issued_at,
                               const struct proto_key *key, uint8_t **out, size_t *out_len)
{
  struct proto_rev_rec *v;
  uint8_t *buf;
  int rc = PROTO_E_INVALID_ARG;
  if (!out || !out_len)
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  *out_len = 0;
  if (!proto_key_has_private(key) || base_version == 0 || version <= base_version ||
      n > PROTO_REVLIST_MAX_ENTRIES || (n && !changes))
    return PROTO_E_INVALID_ARG;
  v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return PROTO_E_NO_MEMORY;
  for (size_t i = 0; i < n; i++) {
    if (!rec_from_entry(&changes[i].entry, &v[i]))
      goto out_free_v;
    /* The removal flag rides above the kind's byte; the order ignores it. */
    v[i].kind |= changes[i].remove ? 0x100u : 0u;
  }
  qsort(v, n, sizeof *v, rec_cmp_key_q);
  for (size_t i = 1; i < n; i++)
    if (rec_cmp_key_q(&v[i - 1], &v[i]) == 0)
      goto out_free_v;
  buf = alloc_blob(PROTO_REVLIST_DELTA, n, version, base_version, issued_at);
  rc = PROTO_E_NO_MEMORY;
  if (!buf)
    goto out_free_v;
  for (size_t i = 0; i < n; i++) {
    unsigned op = (v[i].kind & 0xFFu) | ((v[i].kind & 0x100u) ? PROTO_REV_REMOVE : 0u);
    put_entry(buf + PROTO_REVLIST_HEADER_LEN + i * PROTO_REVLIST_ENTRY_LEN, op, &v[i]);
  }
  rc = sign_blob(buf, PROTO_REVLIST_HEADER_LEN + n * PROTO_REVLIST_ENTRY_LEN, key, out, out_len);
  if (rc != PROTO_OK)
    free(buf);
out_free_v:
  free(v);
  return rc;
}
