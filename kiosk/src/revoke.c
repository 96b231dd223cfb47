/*
 * Revocation list codec and in-memory index (kiosk/revoke.h). Format: docs/kiosk.md.
 * Every blob is parsed with a cursor and the bytes left; entries must be strictly
 * ascending, so loading is linear and needs no sort.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/revoke.h"

/* Large arrays (the records, the index) on 2 MB boundaries with transparent huge pages
 * requested: a random lookup then costs cache misses but few TLB misses. Freed with
 * free(). */
static void *big_alloc(size_t size)
{
  const size_t huge = 2u * 1024u * 1024u;
  if (size < 2 * huge)
    return malloc(size ? size : 1);
  void *p = NULL;
  if (posix_memalign(&p, huge, (size + huge - 1) / huge * huge) != 0)
    return NULL;
#ifdef MADV_HUGEPAGE
  madvise(p, (size + huge - 1) / huge * huge, MADV_HUGEPAGE);
#endif
  return p;
}

/* In memory: 24 bytes an entry; (hi, lo) is the packed card number. */
struct rev_rec {
  uint64_t hi, lo;
  uint32_t gen;
  uint32_t kind;
};

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

/* Pack a card number of exactly KIOSK_CARD_NO_MAX bytes (NUL-padded). Returns 0 when it
 * is not a valid card number (bad character, a character after the padding, empty,
 * ID-shaped). */
static int card_pack(const char field[KIOSK_CARD_NO_MAX], uint64_t *hi, uint64_t *lo)
{
  char s[KIOSK_CARD_NO_MAX + 1];
  memcpy(s, field, KIOSK_CARD_NO_MAX);
  s[KIOSK_CARD_NO_MAX] = '\0';
  size_t n = strlen(s);
  for (size_t i = n; i < KIOSK_CARD_NO_MAX; i++)
    if (field[i] != '\0')
      return 0;
  if (!kiosk_card_no_valid(s))
    return 0;
  uint64_t h = 0, l = 0;
  for (size_t i = 0; i < 10; i++)
    h = h * 38u + (uint64_t)card_digit(s[i]);
  for (size_t i = 10; i < 20; i++)
    l = l * 38u + (uint64_t)card_digit(s[i]);
  *hi = h;
  *lo = l;
  return 1;
}

static void card_unpack(uint64_t hi, uint64_t lo, char out[KIOSK_CARD_NO_MAX + 1])
{
  for (int i = 9; i >= 0; i--) {
    out[i] = card_char((unsigned)(hi % 38u));
    hi /= 38u;
  }
  for (int i = 19; i >= 10; i--) {
    out[i] = card_char((unsigned)(lo % 38u));
    lo /= 38u;
  }
  out[KIOSK_CARD_NO_MAX] = '\0';
}

/* A C string card number into the NUL-padded field; 0 when too long. */
static int card_field(const char *s, char field[KIOSK_CARD_NO_MAX])
{
  size_t n = strnlen(s, KIOSK_CARD_NO_MAX + 1);
  if (n > KIOSK_CARD_NO_MAX)
    return 0;
  memset(field, 0, KIOSK_CARD_NO_MAX);
  memcpy(field, s, n);
  return 1;
}

/* One version of the list. */
struct rev_data {
  struct rev_rec *v; /* sorted */
  size_t n;
  uint64_t version;
  int64_t issued_at;
  /* Open-addressing hash from a card to its first record. A slot holds index + 1 in its
   * low 24 bits (0: empty; KIOSK_REVLIST_MAX_ENTRIES < 2^24) and 8 bits of the card's
   * hash above them, so a card that is not listed (the usual case) is answered from the
   * index alone: one cache miss, where a binary search over the 23 MB array takes about
   * twenty. NULL (binary search) when it could not be allocated. */
  uint32_t *index;
  size_t index_mask;
};

/* Lookups take the read lock; a new version is built outside any lock (appliers are
 * serialised by apply_mu) and swapped in under the write lock, so the sync thread may
 * apply while the decision thread looks up, and lookups wait only for a pointer swap. */
struct revlist_locks {
  pthread_mutex_t apply_mu;
  pthread_rwlock_t rw;
};
struct kiosk_revlist {
  struct revlist_locks *lk; /* a pointer, so that const lists can still be locked */
  struct rev_data d;
};

struct kiosk_revkey {
  EVP_PKEY *pkey;
  int has_private;
};

/* ------------------------------------------------------------------- keys -- */

static int key_is_p256(EVP_PKEY *pk)
{
  if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
    return 0;
  char group[64];
  size_t glen = 0;
  if (!EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen))
    return 0;
  return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

static int load_key(const char *path, int private, struct kiosk_revkey **out,
                    struct kiosk_diag *d)
{
  *out = NULL;
  FILE *f = fopen(path, "r");
  if (!f)
    return kiosk_diag_set(d, errno == ENOENT ? KIOSK_E_NOT_FOUND : KIOSK_E_IO, path, 0,
                          "cannot open key: %s", strerror(errno));
  EVP_PKEY *pk = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                         : PEM_read_PUBKEY(f, NULL, NULL, NULL);
  fclose(f);
  if (!pk)
    return kiosk_diag_set(d, KIOSK_E_CRYPTO, path, 0, "not a PEM %s key",
                          private ? "private" : "public");
  if (!key_is_p256(pk)) {
    EVP_PKEY_free(pk);
    return kiosk_diag_set(d, KIOSK_E_CRYPTO, path, 0, "key is not EC P-256");
  }
  struct kiosk_revkey *k = calloc(1, sizeof *k);
  if (!k) {
    EVP_PKEY_free(pk);
    return kiosk_diag_set(d, KIOSK_E_NO_MEMORY, path, 0, "out of memory");
  }
  k->pkey = pk;
  k->has_private = private;
  *out = k;
  return KIOSK_OK;
}

int kiosk_revkey_load_public(const char *path, struct kiosk_revkey **out, struct kiosk_diag *d)
{
  return load_key(path, 0, out, d);
}

int kiosk_revkey_load_private(const char *path, struct kiosk_revkey **out, struct kiosk_diag *d)
{
  return load_key(path, 1, out, d);
}

int kiosk_revkey_load_trust(const char *trust_dir, struct kiosk_revkey **out,
                            struct kiosk_diag *d)
{
  char path[2048];
  if ((size_t)snprintf(path, sizeof path, "%s/%s", trust_dir, KIOSK_TRUST_REVOCATION_KEY) >=
      sizeof path)
    return kiosk_diag_set(d, KIOSK_E_INVALID_ARG, trust_dir, 0, "path too long");
  return load_key(path, 0, out, d);
}

int kiosk_revkey_generate(struct kiosk_revkey **out)
{
  *out = NULL;
  EVP_PKEY *pk = EVP_EC_gen("P-256");
  if (!pk)
    return KIOSK_E_CRYPTO;
  struct kiosk_revkey *k = calloc(1, sizeof *k);
  if (!k) {
    EVP_PKEY_free(pk);
    return KIOSK_E_NO_MEMORY;
  }
  k->pkey = pk;
  k->has_private = 1;
  *out = k;
  return KIOSK_OK;
}

static int write_pem(const struct kiosk_revkey *key, const char *path, int private)
{
  if (!key || (private && !key->has_private))
    return KIOSK_E_INVALID_ARG;
  /* A private key is a new file, never a truncated or replaced one: O_EXCL refuses an
   * existing path (or a symlink planted there), and 0600 holds from the first byte. */
  int fd = private ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
                   : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return private && errno == EEXIST ? KIOSK_E_EXISTS : KIOSK_E_IO;
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    if (private)
      unlink(path); /* ours: O_EXCL made it */
    return KIOSK_E_IO;
  }
  int ok = private ? PEM_write_PrivateKey(f, key->pkey, NULL, NULL, 0, NULL, NULL)
                   : PEM_write_PUBKEY(f, key->pkey);
  int closed = fclose(f) == 0;
  if (ok && closed)
    return KIOSK_OK;
  if (private)
    unlink(path); /* never leave half a key behind */
  return ok ? KIOSK_E_IO : KIOSK_E_CRYPTO;
}

int kiosk_revkey_write_public(const struct kiosk_revkey *key, const char *path)
{
  return write_pem(key, path, 0);
}

int kiosk_revkey_write_private(const struct kiosk_revkey *key, const char *path)
{
  return write_pem(key, path, 1);
}

void kiosk_revkey_destroy(struct kiosk_revkey *key)
{
  if (!key)
    return;
  EVP_PKEY_free(key->pkey);
  free(key);
}

/* ------------------------------------------------------------ byte codec -- */

struct cur {
  const uint8_t *p;
  size_t left;
};

static int get_bytes(struct cur *c, size_t n, const uint8_t **out)
{
  if (n > c->left)
    return KIOSK_E_FORMAT;
  *out = c->p;
  c->p += n;
  c->left -= n;
  return KIOSK_OK;
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

static int rec_cmp(const struct rev_rec *a, const struct rev_rec *b)
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
  return rec_cmp(a, b);
}

/* Order on (card, generation, kind byte), ignoring flags above the byte. */
static int rec_cmp_key_q(const void *pa, const void *pb)
{
  struct rev_rec a = *(const struct rev_rec *)pa, b = *(const struct rev_rec *)pb;
  a.kind &= 0xFFu;
  b.kind &= 0xFFu;
  return rec_cmp(&a, &b);
}

static int entry_ok(uint32_t gen, unsigned kind)
{
  return kind == KIOSK_REV_EXACT || (kind == KIOSK_REV_BELOW && gen >= 1);
}

/* An API entry into a record; 0 when invalid. */
static int rec_from_entry(const struct kiosk_rev_entry *e, struct rev_rec *r)
{
  char field[KIOSK_CARD_NO_MAX];
  if (!card_field(e->card_no, field) || !card_pack(field, &r->hi, &r->lo) ||
      !entry_ok(e->generation, e->kind))
    return 0;
  r->gen = e->generation;
  r->kind = e->kind;
  return 1;
}

int kiosk_revlist_peek(const uint8_t *buf, size_t len, struct kiosk_revlist_header *h)
{
  if (!buf || !h)
    return KIOSK_E_INVALID_ARG;
  struct cur c = {buf, len};
  const uint8_t *p;
  if (get_bytes(&c, KIOSK_REVLIST_HEADER_LEN, &p) != KIOSK_OK)
    return KIOSK_E_FORMAT;
  if (memcmp(p, KIOSK_REVLIST_MAGIC, 4) != 0 || p[4] != KIOSK_REVLIST_FORMAT ||
      (p[5] != KIOSK_REVLIST_SNAPSHOT && p[5] != KIOSK_REVLIST_DELTA) || p[6] != 0 || p[7] != 0)
    return KIOSK_E_FORMAT;
  memset(h, 0, sizeof *h);
  h->type = (enum kiosk_revlist_type)p[5];
  h->version = be_get(p + 8, 8);
  h->base_version = be_get(p + 16, 8);
  h->issued_at = (int64_t)be_get(p + 24, 8);
  h->count = (uint32_t)be_get(p + 32, 4);
  if (h->version == 0 || (h->type == KIOSK_REVLIST_SNAPSHOT && h->base_version != 0) ||
      (h->type == KIOSK_REVLIST_DELTA && (h->base_version == 0 || h->version <= h->base_version)))
    return KIOSK_E_FORMAT;
  if (h->count > KIOSK_REVLIST_MAX_ENTRIES)
    return KIOSK_E_TOO_LARGE;
  size_t body = (size_t)h->count * KIOSK_REVLIST_ENTRY_LEN;
  if (get_bytes(&c, body, &p) != KIOSK_OK || get_bytes(&c, 2, &p) != KIOSK_OK)
    return KIOSK_E_FORMAT;
  size_t siglen = (size_t)be_get(p, 2);
  if (siglen < 8 || siglen > KIOSK_REVLIST_SIG_MAX || get_bytes(&c, siglen, &p) != KIOSK_OK)
    return KIOSK_E_FORMAT;
  h->total_len = KIOSK_REVLIST_HEADER_LEN + body + 2 + siglen;
  return KIOSK_OK;
}

static int verify_sig(const uint8_t *buf, const struct kiosk_revlist_header *h,
                      const struct kiosk_revkey *key)
{
  size_t signed_len = KIOSK_REVLIST_HEADER_LEN + (size_t)h->count * KIOSK_REVLIST_ENTRY_LEN;
  const uint8_t *sig = buf + signed_len + 2;
  size_t siglen = h->total_len - signed_len - 2;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx)
    return KIOSK_E_NO_MEMORY;
  int rc = KIOSK_E_SIGNATURE;
  if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1 &&
      EVP_DigestVerify(ctx, sig, siglen, buf, signed_len) == 1)
    rc = KIOSK_OK;
  EVP_MD_CTX_free(ctx);
  return rc;
}

/* Parse and check a whole blob: header, exact length, signature, entry order. On
 * success, *recs holds the entries (for a delta: kind | 0x80 marks a removal). */
static int parse_blob(const uint8_t *buf, size_t len, const struct kiosk_revkey *key,
                      struct kiosk_revlist_header *h, struct rev_rec **recs,
                      struct kiosk_diag *d)
{
  *recs = NULL;
  if (!key)
    return kiosk_diag_set(d, KIOSK_E_INVALID_ARG, "revocation list", 0, "no key");
  int rc = kiosk_revlist_peek(buf, len, h);
  if (rc != KIOSK_OK)
    return kiosk_diag_set(d, rc, "revocation list", 0,
                          rc == KIOSK_E_TOO_LARGE ? "more than %u entries"
                                                  : "malformed header or length (%u)",
                          KIOSK_REVLIST_MAX_ENTRIES);
  if (h->total_len != len)
    return kiosk_diag_set(d, KIOSK_E_FORMAT, "revocation list", 0,
                          "%zu trailing bytes after the signature", len - h->total_len);
  rc = verify_sig(buf, h, key);
  if (rc != KIOSK_OK)
    return kiosk_diag_set(d, rc, "revocation list", 0,
                          "signature does not verify with the centre's key (version %llu)",
                          (unsigned long long)h->version);
  struct rev_rec *v = NULL;
  if (h->count) {
    v = big_alloc((size_t)h->count * sizeof *v);
    if (!v)
      return kiosk_diag_set(d, KIOSK_E_NO_MEMORY, "revocation list", 0, "out of memory");
  }
  const uint8_t *p = buf + KIOSK_REVLIST_HEADER_LEN;
  for (uint32_t i = 0; i < h->count; i++, p += KIOSK_REVLIST_ENTRY_LEN) {
    unsigned op = p[0];
    unsigned kind = op & 0x7Fu;
    int removal = (op & 0x80u) != 0;
    v[i].gen = (uint32_t)be_get(p + 1 + KIOSK_CARD_NO_MAX, 4);
    v[i].kind = op;
    if (!card_pack((const char *)p + 1, &v[i].hi, &v[i].lo) || !entry_ok(v[i].gen, kind) ||
        (removal && h->type != KIOSK_REVLIST_DELTA)) {
      free(v);
      return kiosk_diag_set(d, KIOSK_E_FORMAT, "revocation list", 0, "entry %u is invalid", i);
    }
    /* Strictly ascending by (card, generation, kind); a delta may not touch one key twice. */
    if (i > 0) {
      struct rev_rec a = v[i - 1], b = v[i];
      a.kind &= 0x7Fu;
      b.kind &= 0x7Fu;
      if (rec_cmp(&a, &b) >= 0) {
        free(v);
        return kiosk_diag_set(d, KIOSK_E_FORMAT, "revocation list", 0,
                              "entry %u out of order or duplicated", i);
      }
    }
  }
  *recs = v;
  return KIOSK_OK;
}

int kiosk_revlist_verify(const uint8_t *buf, size_t len, const struct kiosk_revkey *key,
                         struct kiosk_revlist_header *hdr, struct kiosk_diag *d)
{
  struct kiosk_revlist_header h;
  struct rev_rec *v;
  int rc = parse_blob(buf, len, key, &h, &v, d);
  free(v);
  if (rc == KIOSK_OK && hdr)
    *hdr = h;
  return rc;
}

/* ----------------------------------------------------------------- writer -- */

static int sign_blob(uint8_t *buf, size_t signed_len, const struct kiosk_revkey *key,
                     uint8_t **out, size_t *out_len)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (!ctx)
    return KIOSK_E_NO_MEMORY;
  int rc = KIOSK_E_CRYPTO;
  size_t siglen = 0;
  if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
      EVP_DigestSign(ctx, NULL, &siglen, buf, signed_len) != 1 || siglen > KIOSK_REVLIST_SIG_MAX)
    goto out_free_ctx;
  /* buf was allocated with room for the largest signature. */
  if (EVP_DigestSign(ctx, buf + signed_len + 2, &siglen, buf, signed_len) != 1)
    goto out_free_ctx;
  be_put(buf + signed_len, siglen, 2);
  *out = buf;
  *out_len = signed_len + 2 + siglen;
  rc = KIOSK_OK;
out_free_ctx:
  EVP_MD_CTX_free(ctx);
  return rc;
}

static uint8_t *alloc_blob(enum kiosk_revlist_type type, size_t n, uint64_t version,
                           uint64_t base, int64_t issued_at)
{
  uint8_t *buf = malloc(KIOSK_REVLIST_HEADER_LEN + n * KIOSK_REVLIST_ENTRY_LEN + 2 +
                        KIOSK_REVLIST_SIG_MAX);
  if (!buf)
    return NULL;
  memcpy(buf, KIOSK_REVLIST_MAGIC, 4);
  buf[4] = KIOSK_REVLIST_FORMAT;
  buf[5] = (uint8_t)type;
  buf[6] = buf[7] = 0;
  be_put(buf + 8, version, 8);
  be_put(buf + 16, base, 8);
  be_put(buf + 24, (uint64_t)issued_at, 8);
  be_put(buf + 32, n, 4);
  return buf;
}

static void put_entry(uint8_t *p, unsigned op, const struct rev_rec *r)
{
  char s[KIOSK_CARD_NO_MAX + 1];
  card_unpack(r->hi, r->lo, s);
  p[0] = (uint8_t)op;
  memcpy(p + 1, s, KIOSK_CARD_NO_MAX); /* unpack leaves NUL padding */
  be_put(p + 1 + KIOSK_CARD_NO_MAX, r->gen, 4);
}

int kiosk_revlist_write_snapshot(const struct kiosk_rev_entry *entries, size_t n,
                                 uint64_t version, int64_t issued_at,
                                 const struct kiosk_revkey *key, uint8_t **out, size_t *out_len)
{
  *out = NULL;
  *out_len = 0;
  if (!key || !key->has_private || version == 0 || n > KIOSK_REVLIST_MAX_ENTRIES ||
      (n && !entries))
    return KIOSK_E_INVALID_ARG;
  struct rev_rec *v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return KIOSK_E_NO_MEMORY;
  int rc = KIOSK_E_INVALID_ARG;
  for (size_t i = 0; i < n; i++)
    if (!rec_from_entry(&entries[i], &v[i]))
      goto out_free_v;
  qsort(v, n, sizeof *v, rec_cmp_q);
  for (size_t i = 1; i < n; i++)
    if (rec_cmp(&v[i - 1], &v[i]) == 0)
      goto out_free_v;
  uint8_t *buf = alloc_blob(KIOSK_REVLIST_SNAPSHOT, n, version, 0, issued_at);
  rc = KIOSK_E_NO_MEMORY;
  if (!buf)
    goto out_free_v;
  for (size_t i = 0; i < n; i++)
    put_entry(buf + KIOSK_REVLIST_HEADER_LEN + i * KIOSK_REVLIST_ENTRY_LEN, v[i].kind, &v[i]);
  rc = sign_blob(buf, KIOSK_REVLIST_HEADER_LEN + n * KIOSK_REVLIST_ENTRY_LEN, key, out, out_len);
  if (rc != KIOSK_OK)
    free(buf);
out_free_v:
  free(v);
  return rc;
}

int kiosk_revlist_write_delta(const struct kiosk_rev_change *changes, size_t n,
                              uint64_t base_version, uint64_t version, int64_t issued_at,
                              const struct kiosk_revkey *key, uint8_t **out, size_t *out_len)
{
  *out = NULL;
  *out_len = 0;
  if (!key || !key->has_private || base_version == 0 || version <= base_version ||
      n > KIOSK_REVLIST_MAX_ENTRIES || (n && !changes))
    return KIOSK_E_INVALID_ARG;
  struct rev_rec *v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return KIOSK_E_NO_MEMORY;
  int rc = KIOSK_E_INVALID_ARG;
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
  uint8_t *buf = alloc_blob(KIOSK_REVLIST_DELTA, n, version, base_version, issued_at);
  rc = KIOSK_E_NO_MEMORY;
  if (!buf)
    goto out_free_v;
  for (size_t i = 0; i < n; i++) {
    unsigned op = (v[i].kind & 0xFFu) | ((v[i].kind & 0x100u) ? 0x80u : 0u);
    put_entry(buf + KIOSK_REVLIST_HEADER_LEN + i * KIOSK_REVLIST_ENTRY_LEN, op, &v[i]);
  }
  rc = sign_blob(buf, KIOSK_REVLIST_HEADER_LEN + n * KIOSK_REVLIST_ENTRY_LEN, key, out, out_len);
  if (rc != KIOSK_OK)
    free(buf);
out_free_v:
  free(v);
  return rc;
}

/* ---------------------------------------------------------------- the list -- */

int kiosk_revlist_create(struct kiosk_revlist **out)
{
  struct kiosk_revlist *rl = calloc(1, sizeof *rl);
  *out = NULL;
  if (!rl)
    return KIOSK_E_NO_MEMORY;
  rl->lk = calloc(1, sizeof *rl->lk);
  if (!rl->lk) {
    free(rl);
    return KIOSK_E_NO_MEMORY;
  }
  if (pthread_mutex_init(&rl->lk->apply_mu, NULL) != 0) {
    free(rl->lk);
    free(rl);
    return KIOSK_E_NO_MEMORY;
  }
  if (pthread_rwlock_init(&rl->lk->rw, NULL) != 0) {
    pthread_mutex_destroy(&rl->lk->apply_mu);
    free(rl->lk);
    free(rl);
    return KIOSK_E_NO_MEMORY;
  }
  *out = rl;
  return KIOSK_OK;
}

static void data_free(struct rev_data *d)
{
  free(d->v);
  free(d->index);
  memset(d, 0, sizeof *d);
}

void kiosk_revlist_destroy(struct kiosk_revlist *rl)
{
  if (!rl)
    return;
  data_free(&rl->d);
  pthread_rwlock_destroy(&rl->lk->rw);
  pthread_mutex_destroy(&rl->lk->apply_mu);
  free(rl->lk);
  free(rl);
}

static size_t card_hash(uint64_t hi, uint64_t lo)
{
  /* splitmix64 finaliser over both words */
  uint64_t z = hi * UINT64_C(0x9E3779B97F4A7C15) ^ (lo + UINT64_C(0xBF58476D1CE4E5B9));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return (size_t)(z ^ (z >> 31));
}

#define SLOT_INDEX_MASK 0x00FFFFFFu

static uint32_t slot_tag(size_t hash)
{
  return (uint32_t)((uint64_t)hash >> 56) << 24;
}

static void build_index(struct rev_data *rl)
{
  free(rl->index);
  rl->index = NULL;
  rl->index_mask = 0;
  if (rl->n == 0 || rl->n >= SLOT_INDEX_MASK)
    return;
  size_t distinct = 0;
  for (size_t i = 0; i < rl->n; i++)
    distinct += i == 0 || rl->v[i].hi != rl->v[i - 1].hi || rl->v[i].lo != rl->v[i - 1].lo;
  size_t slots = 16;
  while (slots < 2 * distinct)
    slots <<= 1;
  uint32_t *idx = big_alloc(slots * sizeof *idx);
  if (!idx)
    return; /* lookups fall back to binary search */
  memset(idx, 0, slots * sizeof *idx);
  size_t mask = slots - 1;
  for (size_t i = 0; i < rl->n; i++) {
    if (i > 0 && rl->v[i].hi == rl->v[i - 1].hi && rl->v[i].lo == rl->v[i - 1].lo)
      continue;
    size_t hash = card_hash(rl->v[i].hi, rl->v[i].lo);
    size_t h = hash & mask;
    while (idx[h])
      h = (h + 1) & mask;
    idx[h] = slot_tag(hash) | (uint32_t)(i + 1);
  }
  rl->index = idx;
  rl->index_mask = mask;
}

/* Build the list that applying buf would give, without touching rl. */
static int prepare(const struct rev_data *rl, const uint8_t *buf, size_t len,
                   const struct kiosk_revkey *key, struct rev_rec **out, size_t *out_n,
                   struct kiosk_revlist_header *h, struct kiosk_diag *d)
{
  *out = NULL;
  *out_n = 0;
  struct rev_rec *recs;
  int rc = parse_blob(buf, len, key, h, &recs, d);
  if (rc != KIOSK_OK)
    return rc;
  if (h->type == KIOSK_REVLIST_SNAPSHOT) {
    if (h->version <= rl->version) {
      free(recs);
      return kiosk_diag_set(d, KIOSK_E_NOT_NEWER, "revocation list", 0,
                            "snapshot version %llu is not newer than the current %llu",
                            (unsigned long long)h->version, (unsigned long long)rl->version);
    }
    *out = recs;
    *out_n = h->count;
    return KIOSK_OK;
  }
  if (h->base_version != rl->version) {
    free(recs);
    return kiosk_diag_set(d, KIOSK_E_WRONG_BASE, "revocation list", 0,
                          "delta %llu applies to version %llu, but the list is at version %llu",
                          (unsigned long long)h->version, (unsigned long long)h->base_version,
                          (unsigned long long)rl->version);
  }
  /* Merge: both sorted. */
  size_t cap = rl->n + h->count;
  struct rev_rec *m = big_alloc((cap ? cap : 1) * sizeof *m);
  if (!m) {
    free(recs);
    return kiosk_diag_set(d, KIOSK_E_NO_MEMORY, "revocation list", 0, "out of memory");
  }
  size_t i = 0, j = 0, k = 0;
  rc = KIOSK_OK;
  while (j < h->count) {
    struct rev_rec c = recs[j];
    int removal = (c.kind & 0x80u) != 0;
    c.kind &= 0x7Fu;
    while (i < rl->n && rec_cmp(&rl->v[i], &c) < 0)
      m[k++] = rl->v[i++];
    int present = i < rl->n && rec_cmp(&rl->v[i], &c) == 0;
    if (removal && !present) {
      rc = kiosk_diag_set(d, KIOSK_E_CONFLICT, "revocation list", 0,
                          "delta %llu removes entry %zu, which is not in the list",
                          (unsigned long long)h->version, j);
      break;
    }
    if (!removal && present) {
      rc = kiosk_diag_set(d, KIOSK_E_CONFLICT, "revocation list", 0,
                          "delta %llu adds entry %zu, which is already in the list",
                          (unsigned long long)h->version, j);
      break;
    }
    if (removal)
      i++;
    else
      m[k++] = c;
    j++;
  }
  free(recs);
  if (rc != KIOSK_OK) {
    free(m);
    return rc;
  }
  while (i < rl->n)
    m[k++] = rl->v[i++];
  *out = m;
  *out_n = k;
  return KIOSK_OK;
}

/* Make the new version (v, n, h) current: index it, swap it in, free the old one. */
static void install(struct kiosk_revlist *rl, struct rev_rec *v, size_t n,
                    const struct kiosk_revlist_header *h)
{
  struct rev_data nd = {v, n, h->version, h->issued_at, NULL, 0};
  build_index(&nd);
  pthread_rwlock_wrlock(&rl->lk->rw);
  struct rev_data old = rl->d;
  rl->d = nd;
  pthread_rwlock_unlock(&rl->lk->rw);
  data_free(&old);
}

/* The same for a private version under construction (no lock). */
static void install_data(struct rev_data *d, struct rev_rec *v, size_t n,
                         const struct kiosk_revlist_header *h)
{
  free(d->v);
  d->v = v;
  d->n = n;
  d->version = h->version;
  d->issued_at = h->issued_at;
}

int kiosk_revlist_apply(struct kiosk_revlist *rl, const uint8_t *buf, size_t len,
                        const struct kiosk_revkey *key, struct kiosk_diag *d)
{
  if (!rl || !buf)
    return KIOSK_E_INVALID_ARG;
  struct rev_rec *v;
  size_t n;
  struct kiosk_revlist_header h;
  pthread_mutex_lock(&rl->lk->apply_mu);
  int rc = prepare(&rl->d, buf, len, key, &v, &n, &h, d);
  if (rc == KIOSK_OK)
    install(rl, v, n, &h);
  pthread_mutex_unlock(&rl->lk->apply_mu);
  return rc;
}

static int read_all(const char *path, uint8_t **out, size_t *len, struct kiosk_diag *d)
{
  *out = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return kiosk_diag_set(d, errno == ENOENT ? KIOSK_E_NOT_FOUND : KIOSK_E_IO, path, 0,
                          "cannot open: %s", strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return kiosk_diag_set(d, KIOSK_E_IO, path, 0, "not a regular file");
  }
  if ((uint64_t)st.st_size > KIOSK_REVLIST_FILE_MAX) {
    close(fd);
    return kiosk_diag_set(d, KIOSK_E_TOO_LARGE, path, 0, "file too large");
  }
  size_t n = (size_t)st.st_size;
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) {
    close(fd);
    return kiosk_diag_set(d, KIOSK_E_NO_MEMORY, path, 0, "out of memory");
  }
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      free(buf);
      close(fd);
      return kiosk_diag_set(d, KIOSK_E_IO, path, 0, "read error");
    }
    got += (size_t)r;
  }
  close(fd);
  *out = buf;
  *len = n;
  return KIOSK_OK;
}

int kiosk_revlist_load(struct kiosk_revlist *rl, const char *path,
                       const struct kiosk_revkey *key, struct kiosk_diag *d)
{
  if (!rl || !path)
    return KIOSK_E_INVALID_ARG;
  pthread_mutex_lock(&rl->lk->apply_mu);
  int rc;
  if (rl->d.version != 0) {
    rc = kiosk_diag_set(d, KIOSK_E_INVALID_ARG, path, 0, "list already loaded");
    goto out_unlock;
  }
  uint8_t *buf;
  size_t len;
  rc = read_all(path, &buf, &len, d);
  if (rc != KIOSK_OK)
    goto out_unlock;
  struct rev_data tmp;
  memset(&tmp, 0, sizeof tmp);
  struct kiosk_revlist_header last;
  memset(&last, 0, sizeof last);
  size_t pos = 0;
  unsigned blob = 0;
  if (len == 0)
    rc = kiosk_diag_set(d, KIOSK_E_FORMAT, path, 0, "empty file");
  while (rc == KIOSK_OK && pos < len) {
    struct kiosk_revlist_header h;
    rc = kiosk_revlist_peek(buf + pos, len - pos, &h);
    if (rc != KIOSK_OK) {
      rc = kiosk_diag_set(d, rc, path, 0, "blob %u at byte %zu is malformed or truncated", blob,
                          pos);
      break;
    }
    struct rev_rec *v;
    size_t n;
    rc = prepare(&tmp, buf + pos, h.total_len, key, &v, &n, &h, d);
    if (rc != KIOSK_OK) {
      char inner[KIOSK_DIAG_TEXT_MAX];
      snprintf(inner, sizeof inner, "%s", d ? d->text : "");
      kiosk_diag_set(d, rc, path, 0, "blob %u: %.200s", blob, inner);
      break;
    }
    install_data(&tmp, v, n, &h);
    last = h;
    pos += h.total_len;
    blob++;
  }
  free(buf);
  if (rc != KIOSK_OK) {
    data_free(&tmp);
    goto out_unlock;
  }
  install(rl, tmp.v, tmp.n, &last);
out_unlock:
  pthread_mutex_unlock(&rl->lk->apply_mu);
  return rc;
}

static int fsync_dir_of(const char *path)
{
  char dir[2048];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == dir)
    dir[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    snprintf(dir, sizeof dir, ".");
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int write_full(int fd, const uint8_t *p, size_t n)
{
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int kiosk_revlist_commit(struct kiosk_revlist *rl, const char *path, const uint8_t *buf,
                         size_t len, const struct kiosk_revkey *key, struct kiosk_diag *d)
{
  if (!rl || !path || !buf)
    return KIOSK_E_INVALID_ARG;
  struct rev_rec *v = NULL;
  size_t n;
  struct kiosk_revlist_header h;
  pthread_mutex_lock(&rl->lk->apply_mu);
  int rc = prepare(&rl->d, buf, len, key, &v, &n, &h, d);
  if (rc != KIOSK_OK)
    goto out_unlock;
  uint8_t *old = NULL;
  size_t old_len = 0;
  if (h.type == KIOSK_REVLIST_DELTA) {
    rc = read_all(path, &old, &old_len, d);
    if (rc != KIOSK_OK)
      goto out_free_v;
  }
  char tmp[2048];
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
    rc = kiosk_diag_set(d, KIOSK_E_INVALID_ARG, path, 0, "path too long");
    goto out_free_old;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    rc = kiosk_diag_set(d, KIOSK_E_IO, tmp, 0, "cannot create: %s", strerror(errno));
    goto out_free_old;
  }
  if ((old_len && write_full(fd, old, old_len) != 0) || write_full(fd, buf, len) != 0 ||
      fsync(fd) != 0) {
    rc = kiosk_diag_set(d, KIOSK_E_IO, tmp, 0, "write failed: %s", strerror(errno));
    close(fd);
    unlink(tmp);
    goto out_free_old;
  }
  close(fd);
  if (rename(tmp, path) != 0 || fsync_dir_of(path) != 0) {
    rc = kiosk_diag_set(d, KIOSK_E_IO, path, 0, "cannot install: %s", strerror(errno));
    unlink(tmp);
    goto out_free_old;
  }
  install(rl, v, n, &h);
  v = NULL;
  rc = KIOSK_OK;
out_free_old:
  free(old);
out_free_v:
  free(v);
out_unlock:
  pthread_mutex_unlock(&rl->lk->apply_mu);
  return rc;
}

static void lookup_locked(const struct rev_data *rl, int valid, uint64_t khi, uint64_t klo,
                          uint32_t generation, struct kiosk_rev_lookup *out)
{
  if (rl->version == 0)
    return;
  out->version = rl->version;
  out->issued_at = rl->issued_at;
  out->status = KIOSK_REV_NOT_LISTED;
  if (!valid)
    return;
  size_t lo = 0, hi = rl->n;
  if (rl->index) {
    size_t hash = card_hash(khi, klo);
    size_t h = hash & rl->index_mask;
    uint32_t tag = slot_tag(hash);
    lo = rl->n; /* not found unless the probe says otherwise */
    for (uint32_t slot; (slot = rl->index[h]) != 0; h = (h + 1) & rl->index_mask) {
      if ((slot & ~SLOT_INDEX_MASK) != tag)
        continue; /* another card: no need to read its record */
      const struct rev_rec *m = &rl->v[(slot & SLOT_INDEX_MASK) - 1];
      if (m->hi == khi && m->lo == klo) {
        lo = (slot & SLOT_INDEX_MASK) - 1;
        break;
      }
    }
    hi = lo;
  }
  /* lower bound of the card (without an index) */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const struct rev_rec *m = &rl->v[mid];
    if (m->hi < khi || (m->hi == khi && m->lo < klo))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < rl->n && rl->v[i].hi == khi && rl->v[i].lo == klo; i++) {
    const struct rev_rec *r = &rl->v[i];
    if ((r->kind == KIOSK_REV_EXACT && r->gen == generation) ||
        (r->kind == KIOSK_REV_BELOW && generation < r->gen)) {
      out->status = KIOSK_REV_REVOKED;
      return;
    }
  }
}

void kiosk_revlist_lookup(const struct kiosk_revlist *rl, const char *card_no,
                          uint32_t generation, struct kiosk_rev_lookup *out)
{
  memset(out, 0, sizeof *out);
  out->status = KIOSK_REV_NO_LIST;
  if (!rl)
    return;
  char field[KIOSK_CARD_NO_MAX];
  uint64_t khi = 0, klo = 0;
  /* Not a card number: nothing can be listed under it. */
  int valid = card_no && card_field(card_no, field) && card_pack(field, &khi, &klo);
  pthread_rwlock_rdlock(&rl->lk->rw);
  lookup_locked(&rl->d, valid, khi, klo, generation, out);
  pthread_rwlock_unlock(&rl->lk->rw);
}

uint64_t kiosk_revlist_version(const struct kiosk_revlist *rl)
{
  if (!rl)
    return 0;
  pthread_rwlock_rdlock(&rl->lk->rw);
  uint64_t v = rl->d.version;
  pthread_rwlock_unlock(&rl->lk->rw);
  return v;
}

int64_t kiosk_revlist_issued_at(const struct kiosk_revlist *rl)
{
  if (!rl)
    return 0;
  pthread_rwlock_rdlock(&rl->lk->rw);
  int64_t v = rl->d.issued_at;
  pthread_rwlock_unlock(&rl->lk->rw);
  return v;
}

size_t kiosk_revlist_count(const struct kiosk_revlist *rl)
{
  if (!rl)
    return 0;
  pthread_rwlock_rdlock(&rl->lk->rw);
  size_t v = rl->d.n;
  pthread_rwlock_unlock(&rl->lk->rw);
  return v;
}

int kiosk_revlist_entry(const struct kiosk_revlist *rl, size_t i, struct kiosk_rev_entry *out)
{
  if (!rl || !out)
    return KIOSK_E_INVALID_ARG;
  int rc = KIOSK_E_RANGE;
  pthread_rwlock_rdlock(&rl->lk->rw);
  if (i < rl->d.n) {
    card_unpack(rl->d.v[i].hi, rl->d.v[i].lo, out->card_no);
    out->generation = rl->d.v[i].gen;
    out->kind = (uint8_t)rl->d.v[i].kind;
    rc = KIOSK_OK;
  }
  pthread_rwlock_unlock(&rl->lk->rw);
  return rc;
}

size_t kiosk_revlist_memory(const struct kiosk_revlist *rl)
{
  if (!rl)
    return 0;
  pthread_rwlock_rdlock(&rl->lk->rw);
  size_t v = sizeof *rl + sizeof *rl->lk + rl->d.n * sizeof(struct rev_rec) +
             (rl->d.index ? (rl->d.index_mask + 1) * sizeof *rl->d.index : 0);
  pthread_rwlock_unlock(&rl->lk->rw);
  return v;
}
