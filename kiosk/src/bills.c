/* The waived bills of one terminal and their sidecar (kiosk/bills.h). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/bills.h"
#include "kiosk/decide.h"
#include "fileio.h"

/* Open addressing, linear probing. seq 0 is an empty slot, TOMB a removed one (the
 * probe goes on past it). */
#define TOMB UINT64_MAX

struct slot {
  uint64_t h, seq;
  int64_t time;
};

struct kiosk_bills {
  struct slot *s;
  size_t cap, used, live; /* used counts tombstones too */
  uint64_t seq;           /* the newest journal event the index reflects */
  uint64_t saved_seq;     /* the one the sidecar last written or read covered */
};

/* FNV-1a over site, a NUL, bill: stable and good enough, since a hit is confirmed. */
static uint64_t key_hash(const char *site, const char *bill)
{
  uint64_t h = UINT64_C(1469598103934665603);
  for (const unsigned char *p = (const unsigned char *)site; *p; p++)
    h = (h ^ *p) * UINT64_C(1099511628211);
  h *= UINT64_C(1099511628211);
  for (const unsigned char *p = (const unsigned char *)bill; *p; p++)
    h = (h ^ *p) * UINT64_C(1099511628211);
  return h;
}

int kiosk_bills_is_waiver(const struct proto_event *e)
{
  return e->mode == KIOSK_MODE_CASHIER && e->verdict == KIOSK_VERDICT_GRANT &&
         (e->kind == KIOSK_EVENT_DECISION || e->kind == KIOSK_EVENT_OVERRIDE) &&
         e->bill_ref[0] != '\0';
}

static int grow(struct kiosk_bills *b)
{
  size_t cap = b->cap ? b->cap * 2 : 1024;
  if (b->live * 4 < b->cap)
    cap = b->cap; /* mostly tombstones: rehash in place */
  struct slot *n = calloc(cap, sizeof *n);
  if (!n)
    return KIOSK_E_NO_MEMORY;
  for (size_t i = 0; i < b->cap; i++) {
    if (b->s[i].seq == 0 || b->s[i].seq == TOMB)
      continue;
    size_t k = (size_t)(b->s[i].h & (cap - 1));
    while (n[k].seq)
      k = (k + 1) & (cap - 1);
    n[k] = b->s[i];
  }
  free(b->s);
  b->s = n;
  b->cap = cap;
  b->used = b->live;
  return KIOSK_OK;
}

static int add(struct kiosk_bills *b, uint64_t h, uint64_t seq, int64_t time)
{
  if ((b->used + 1) * 10 > b->cap * 7 && grow(b) != KIOSK_OK)
    return KIOSK_E_NO_MEMORY;
  size_t k = (size_t)(h & (b->cap - 1));
  while (b->s[k].seq && b->s[k].seq != TOMB)
    k = (k + 1) & (b->cap - 1);
  if (b->s[k].seq == 0)
    b->used++;
  b->s[k] = (struct slot){h, seq, time};
  b->live++;
  return KIOSK_OK;
}

/* Remove the entry of waiver seq (hash h), if present. */
static void drop(struct kiosk_bills *b, uint64_t h, uint64_t seq)
{
  if (!b->cap)
    return;
  for (size_t k = (size_t)(h & (b->cap - 1)); b->s[k].seq; k = (k + 1) & (b->cap - 1))
    if (b->s[k].seq == seq && b->s[k].h == h) {
      b->s[k].seq = TOMB;
      b->live--;
      return;
    }
}

int kiosk_bills_note(struct kiosk_bills *b, struct kiosk_journal *j, const struct proto_event *ev)
{
  if (!b || !ev)
    return KIOSK_E_INVALID_ARG;
  if (ev->seq > b->seq)
    b->seq = ev->seq;
  if (kiosk_bills_is_waiver(ev))
    return add(b, key_hash(ev->site, ev->bill_ref), ev->seq, ev->time);
  if (ev->kind == KIOSK_EVENT_VOID) {
    /* The waiver named is the journal's row: its site and bill make the key. */
    struct proto_event w;
    uint64_t ref = proto_event_ref_seq(ev);
    if (ref && j && kiosk_journal_get(j, ref, &w) == KIOSK_OK && kiosk_bills_is_waiver(&w))
      drop(b, key_hash(w.site, w.bill_ref), ref);
  }
  return KIOSK_OK;
}

struct build_ctx {
  struct kiosk_bills *b;
  struct kiosk_journal *j;
};

static int build_one(const struct proto_event *ev, void *user)
{
  struct build_ctx *c = user;
  return kiosk_bills_note(c->b, c->j, ev) == KIOSK_OK ? 0 : KIOSK_E_NO_MEMORY;
}

int kiosk_bills_build(struct kiosk_journal *j, struct kiosk_bills **out)
{
  *out = NULL;
  struct kiosk_bills *b = calloc(1, sizeof *b);
  if (!b)
    return KIOSK_E_NO_MEMORY;
  struct build_ctx c = {b, j};
  int rc = j ? kiosk_journal_read(j, 1, 0, build_one, &c) : KIOSK_OK;
  if (rc != KIOSK_OK) {
    kiosk_bills_destroy(b);
    return rc;
  }
  *out = b;
  return KIOSK_OK;
}

void kiosk_bills_destroy(struct kiosk_bills *b)
{
  if (!b)
    return;
  free(b->s);
  free(b);
}

int kiosk_bills_find(struct kiosk_bills *b, struct kiosk_journal *j, const char *site,
                     const char *bill, uint64_t *seq, int64_t *time)
{
  if (!b || !b->cap || !site || !bill || !bill[0])
    return KIOSK_E_NOT_FOUND;
  uint64_t h = key_hash(site, bill);
  for (size_t k = (size_t)(h & (b->cap - 1)); b->s[k].seq; k = (k + 1) & (b->cap - 1)) {
    if (b->s[k].seq == TOMB || b->s[k].h != h)
      continue;
    /* Confirm on the row itself: a collision must never refuse a bill. Without the
     * journal the hash alone answers (2^-64 per pair). */
    struct proto_event w;
    if (j && (kiosk_journal_get(j, b->s[k].seq, &w) != KIOSK_OK || !kiosk_bills_is_waiver(&w) ||
              strcmp(w.site, site) != 0 || strcmp(w.bill_ref, bill) != 0))
      continue;
    *seq = b->s[k].seq;
    *time = b->s[k].time;
    return KIOSK_OK;
  }
  return KIOSK_E_NOT_FOUND;
}

size_t kiosk_bills_count(const struct kiosk_bills *b)
{
  return b ? b->live : 0;
}

uint64_t kiosk_bills_seq(const struct kiosk_bills *b)
{
  return b ? b->seq : 0;
}

uint64_t kiosk_bills_saved_seq(const struct kiosk_bills *b)
{
  return b ? b->saved_seq : 0;
}

/* ------------------------------------------------------------- sidecar -- */

#define DIGEST_LEN 32u

static void put_u64(uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

static int sha256(const void *p, size_t n, uint8_t out[DIGEST_LEN])
{
  unsigned len = 0;
  return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == DIGEST_LEN ? 0 : -1;
}

static void say(char *why, size_t cap, const char *text)
{
  if (why && cap)
    snprintf(why, cap, "%s", text);
}

/* An empty index with room for n entries without growing. */
static struct kiosk_bills *bills_sized(size_t n)
{
  struct kiosk_bills *b = calloc(1, sizeof *b);
  if (!b)
    return NULL;
  size_t cap = 1024;
  while (cap * 7 < (n + 1) * 10)
    cap *= 2;
  b->s = calloc(cap, sizeof *b->s);
  if (!b->s) {
    free(b);
    return NULL;
  }
  b->cap = cap;
  return b;
}

int kiosk_bills_parse(const void *buf, size_t len, struct kiosk_bills **out, uint64_t *seq,
                      uint8_t hash[KIOSK_HASH_LEN], char *why, size_t why_cap)
{
  const uint8_t *p = buf;
  *out = NULL;
  say(why, why_cap, "");
  if (!p || len < KIOSK_BILLS_SIDECAR_HEADER + DIGEST_LEN ||
      memcmp(p, KIOSK_BILLS_SIDECAR_MAGIC, 8) != 0) {
    say(why, why_cap, "not a bills sidecar (magic or length)");
    return KIOSK_E_FORMAT;
  }
  uint64_t covered = get_u64(p + 8), count = get_u64(p + 48);
  if (count > KIOSK_BILLS_SIDECAR_MAX) {
    say(why, why_cap, "entry count over the limit");
    return KIOSK_E_TOO_LARGE;
  }
  /* count is bounded, so this cannot overflow */
  if (len != KIOSK_BILLS_SIDECAR_HEADER + count * KIOSK_BILLS_SIDECAR_ENTRY + DIGEST_LEN) {
    say(why, why_cap, "length does not match its entry count (truncated or extended)");
    return KIOSK_E_FORMAT;
  }
  uint8_t d[DIGEST_LEN];
  if (sha256(p, len - DIGEST_LEN, d) != 0) {
    say(why, why_cap, "cannot compute its digest");
    return KIOSK_E_CRYPTO;
  }
  if (CRYPTO_memcmp(d, p + len - DIGEST_LEN, DIGEST_LEN) != 0) {
    say(why, why_cap, "digest does not match its content (damaged)");
    return KIOSK_E_FORMAT;
  }
  static const uint8_t zero[KIOSK_HASH_LEN];
  if (covered == 0 && (count != 0 || memcmp(p + 16, zero, KIOSK_HASH_LEN) != 0)) {
    say(why, why_cap, "entries or a hash without a journal event");
    return KIOSK_E_FORMAT;
  }
  struct kiosk_bills *b = bills_sized((size_t)count);
  if (!b)
    return KIOSK_E_NO_MEMORY;
  uint64_t prev = 0;
  const uint8_t *e = p + KIOSK_BILLS_SIDECAR_HEADER;
  for (uint64_t i = 0; i < count; i++, e += KIOSK_BILLS_SIDECAR_ENTRY) {
    uint64_t h = get_u64(e), s = get_u64(e + 8);
    if (s <= prev || s > covered) {
      say(why, why_cap, "entries out of order or after the seq covered");
      kiosk_bills_destroy(b);
      return KIOSK_E_FORMAT;
    }
    prev = s;
    if (add(b, h, s, (int64_t)get_u64(e + 16)) != KIOSK_OK) {
      kiosk_bills_destroy(b);
      return KIOSK_E_NO_MEMORY;
    }
  }
  b->seq = b->saved_seq = covered;
  *seq = covered;
  memcpy(hash, p + 16, KIOSK_HASH_LEN);
  *out = b;
  return KIOSK_OK;
}

/* Read the whole file, at most the largest sidecar allowed. */
static int read_file(const char *path, uint8_t **buf, size_t *len, char *why, size_t cap)
{
  *buf = NULL;
  *len = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT)
      snprintf(why, cap, "cannot open it (%s)", strerror(errno));
    return errno == ENOENT ? KIOSK_E_NOT_FOUND : KIOSK_E_IO;
  }
  struct stat st;
  const uint64_t max = KIOSK_BILLS_SIDECAR_HEADER +
                       (uint64_t)KIOSK_BILLS_SIDECAR_MAX * KIOSK_BILLS_SIDECAR_ENTRY + DIGEST_LEN;
  int rc = KIOSK_OK;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(why, cap, "not a regular file");
    rc = KIOSK_E_IO;
    goto out_close;
  }
  if ((uint64_t)st.st_size > max) {
    snprintf(why, cap, "larger than any index (%lld bytes)", (long long)st.st_size);
    rc = KIOSK_E_TOO_LARGE;
    goto out_close;
  }
  size_t n = (size_t)st.st_size, got = 0;
  uint8_t *p = malloc(n ? n : 1);
  if (!p) {
    rc = KIOSK_E_NO_MEMORY;
    goto out_close;
  }
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  if (got != n) {
    free(p);
    snprintf(why, cap, "short read");
    rc = KIOSK_E_IO;
    goto out_close;
  }
  *buf = p;
  *len = n;
out_close:
  close(fd);
  return rc;
}

/* Spot checks against the journal: a sidecar whose digest is right may still have been
 * made for another journal or by hand. The first, the last and evenly spread entries (in
 * the file's order) must be waivers in j with their key and time: 17 row reads at most.
 * p holds count entries as kiosk_bills_parse accepted them. KIOSK_OK, CHAIN with the
 * reason in why, or the journal's error. */
#define SPOT_CHECKS 16u

static int spot_check(const uint8_t *p, uint64_t count, struct kiosk_journal *j, char *why,
                      size_t cap)
{
  uint64_t step = count / SPOT_CHECKS + 1;
  for (uint64_t i = 0; i < count; i = i + step < count || i == count - 1 ? i + step : count - 1) {
    /* 0, step, 2 step, ..., then the last one */
    const uint8_t *e = p + KIOSK_BILLS_SIDECAR_HEADER + i * KIOSK_BILLS_SIDECAR_ENTRY;
    uint64_t seq = get_u64(e + 8);
    struct proto_event w;
    int rc = kiosk_journal_get(j, seq, &w);
    if (rc == KIOSK_E_NOT_FOUND ||
        (rc == KIOSK_OK && (!kiosk_bills_is_waiver(&w) || key_hash(w.site, w.bill_ref) != get_u64(e) ||
                            w.time != (int64_t)get_u64(e + 16)))) {
      snprintf(why, cap, "its entry for seq %llu does not match the journal's row",
               (unsigned long long)seq);
      return KIOSK_E_CHAIN;
    }
    if (rc != KIOSK_OK)
      return rc;
  }
  return KIOSK_OK;
}

/* The sidecar at path, checked against j: KIOSK_OK with *out, or a reason in why. */
static int load_sidecar(struct kiosk_journal *j, const char *path, struct kiosk_bills **out,
                        char *why, size_t cap)
{
  uint8_t *buf;
  size_t len;
  *out = NULL;
  int rc = read_file(path, &buf, &len, why, cap);
  if (rc != KIOSK_OK)
    return rc;
  struct kiosk_bills *b;
  uint64_t covered, last = 0;
  uint8_t hash[KIOSK_HASH_LEN];
  rc = kiosk_bills_parse(buf, len, &b, &covered, hash, why, cap);
  if (rc != KIOSK_OK) {
    free(buf);
    return rc;
  }
  if ((rc = kiosk_journal_last_seq(j, &last)) != KIOSK_OK)
    goto out_free;
  if (covered > last) {
    snprintf(why, cap, "it covers seq %llu, the journal ends at %llu",
             (unsigned long long)covered, (unsigned long long)last);
    rc = KIOSK_E_CHAIN;
    goto out_free;
  }
  if (covered) {
    struct proto_event ev;
    if ((rc = kiosk_journal_get(j, covered, &ev)) != KIOSK_OK) {
      rc = rc == KIOSK_E_NOT_FOUND ? KIOSK_E_CHAIN : rc; /* NOT_FOUND means no file */
      goto out_free;
    }
    if (CRYPTO_memcmp(ev.hash, hash, KIOSK_HASH_LEN) != 0) {
      snprintf(why, cap, "its hash of seq %llu is not the journal's (another chain)",
               (unsigned long long)covered);
      rc = KIOSK_E_CHAIN;
      goto out_free;
    }
  }
  if ((rc = spot_check(buf, get_u64(buf + 48), j, why, cap)) != KIOSK_OK)
    goto out_free;
  free(buf);
  *out = b;
  return KIOSK_OK;
out_free:
  free(buf);
  kiosk_bills_destroy(b);
  return rc;
}

struct scan_ctx {
  struct kiosk_bills *b;
  struct kiosk_journal *j;
  uint64_t n;
};

static int scan_one(const struct proto_event *ev, void *user)
{
  struct scan_ctx *c = user;
  c->n++;
  return kiosk_bills_note(c->b, c->j, ev) == KIOSK_OK ? 0 : KIOSK_E_NO_MEMORY;
}

int kiosk_bills_open(struct kiosk_journal *j, const char *path, struct kiosk_bills **out,
                     struct kiosk_bills_origin *origin)
{
  struct kiosk_bills_origin o;
  memset(&o, 0, sizeof o);
  *out = NULL;
  if (!j)
    return KIOSK_E_INVALID_ARG;
  struct kiosk_bills *b = NULL;
  int rc = KIOSK_E_NOT_FOUND;
  if (path && path[0])
    rc = load_sidecar(j, path, &b, o.why, sizeof o.why);
  if (rc == KIOSK_E_NO_MEMORY)
    return rc;
  if (rc == KIOSK_OK) {
    o.from_sidecar = 1;
    o.sidecar_seq = b->saved_seq;
  } else {
    if (rc != KIOSK_E_NOT_FOUND && !o.why[0])
      snprintf(o.why, sizeof o.why, "%s", kiosk_strerror(rc));
    if (!(b = bills_sized(0)))
      return KIOSK_E_NO_MEMORY;
  }
  struct scan_ctx c = {b, j, 0};
  rc = kiosk_journal_read(j, b->seq + 1, 0, scan_one, &c);
  if (rc != KIOSK_OK) {
    kiosk_bills_destroy(b);
    return rc;
  }
  o.scanned = c.n;
  if (origin)
    *origin = o;
  *out = b;
  return KIOSK_OK;
}

static int cmp_seq(const void *a, const void *b)
{
  const struct slot *x = a, *y = b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int kiosk_bills_save(struct kiosk_bills *b, struct kiosk_journal *j, const char *path)
{
  if (!b || !j || !path || !path[0])
    return KIOSK_E_INVALID_ARG;
  if (b->live > KIOSK_BILLS_SIDECAR_MAX)
    return KIOSK_E_TOO_LARGE;
  size_t len = KIOSK_BILLS_SIDECAR_HEADER + b->live * KIOSK_BILLS_SIDECAR_ENTRY + DIGEST_LEN;
  uint8_t *p = calloc(1, len);
  struct slot *sorted = calloc(b->live ? b->live : 1, sizeof *sorted);
  int rc = KIOSK_OK;
  if (!p || !sorted) {
    rc = KIOSK_E_NO_MEMORY;
    goto out_free;
  }
  memcpy(p, KIOSK_BILLS_SIDECAR_MAGIC, 8);
  put_u64(p + 8, b->seq);
  if (b->seq) {
    struct proto_event ev;
    if ((rc = kiosk_journal_get(j, b->seq, &ev)) != KIOSK_OK)
      goto out_free;
    memcpy(p + 16, ev.hash, KIOSK_HASH_LEN);
  }
  put_u64(p + 48, b->live);
  size_t n = 0;
  for (size_t k = 0; k < b->cap; k++)
    if (b->s[k].seq && b->s[k].seq != TOMB)
      sorted[n++] = b->s[k];
  qsort(sorted, n, sizeof *sorted, cmp_seq);
  uint8_t *e = p + KIOSK_BILLS_SIDECAR_HEADER;
  for (size_t i = 0; i < n; i++, e += KIOSK_BILLS_SIDECAR_ENTRY) {
    put_u64(e, sorted[i].h);
    put_u64(e + 8, sorted[i].seq);
    put_u64(e + 16, (uint64_t)sorted[i].time);
  }
  if (sha256(p, len - DIGEST_LEN, p + len - DIGEST_LEN) != 0) {
    rc = KIOSK_E_CRYPTO;
    goto out_free;
  }
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
    rc = KIOSK_E_INVALID_ARG;
    goto out_free;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    rc = KIOSK_E_IO;
    goto out_free;
  }
  if (kiosk_file_write_all(fd, p, len) != 0 || fsync(fd) != 0) {
    int e2 = errno;
    close(fd);
    unlink(tmp);
    errno = e2;
    rc = KIOSK_E_IO;
    goto out_free;
  }
  close(fd);
  if (rename(tmp, path) != 0) {
    int e2 = errno;
    unlink(tmp);
    errno = e2;
    rc = KIOSK_E_IO;
    goto out_free;
  }
  kiosk_file_fsync_dir(path); /* the rename survives a power cut; if not, the old one is fine */
  b->saved_seq = b->seq;
out_free:
  free(sorted);
  free(p);
  return rc;
}
