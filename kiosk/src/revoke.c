/*
 * The revocation index (kiosk/revoke.h): verified blobs from proto's codec
 * (proto/revlist.h) applied to a sorted array of packed records with a hash index, the
 * bundle file on disk, and lookups. The codec, the keys and the signatures are proto's;
 * this file maps proto's error codes onto kiosk's, once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/ini.h"
#include "kiosk/revoke.h"
#include "fileio.h"

static int from_proto(int rc)
{
  switch (rc) {
  case PROTO_OK:
    return KIOSK_OK;
  case PROTO_E_NO_MEMORY:
    return KIOSK_E_NO_MEMORY;
  case PROTO_E_IO:
    return KIOSK_E_IO;
  case PROTO_E_NOT_FOUND:
    return KIOSK_E_NOT_FOUND;
  case PROTO_E_TOO_LARGE:
    return KIOSK_E_TOO_LARGE;
  case PROTO_E_MALFORMED:
  case PROTO_E_FORMAT:
    return KIOSK_E_FORMAT;
  case PROTO_E_SIGNATURE:
    return KIOSK_E_SIGNATURE;
  case PROTO_E_CRYPTO:
  case PROTO_E_KEY_TYPE:
    return KIOSK_E_CRYPTO;
  case PROTO_E_EXISTS:
    return KIOSK_E_EXISTS;
  default:
    return KIOSK_E_INVALID_ARG;
  }
}

/* One version of the list. */
struct rev_data {
  struct proto_rev_rec *v; /* sorted */
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

/* ------------------------------------------------------------------- keys -- */

static int load_key(const char *path, int private, struct proto_key **out,
                    struct kiosk_diag *d)
{
  char why[KIOSK_DIAG_TEXT_MAX];
  int rc = private ? proto_key_load_private(path, out, why, sizeof why)
                   : proto_key_load_public(path, out, why, sizeof why);
  if (rc != PROTO_OK)
    return kiosk_diag_set(d, from_proto(rc), path, 0, "%s", why);
  return KIOSK_OK;
}

int kiosk_revkey_load_public(const char *path, struct proto_key **out, struct kiosk_diag *d)
{
  return load_key(path, 0, out, d);
}

int kiosk_revkey_load_private(const char *path, struct proto_key **out, struct kiosk_diag *d)
{
  return load_key(path, 1, out, d);
}

int kiosk_revkey_load_trust(const char *trust_dir, struct proto_key **out,
                            struct kiosk_diag *d)
{
  char path[2048];
  *out = NULL;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", trust_dir, KIOSK_TRUST_REVOCATION_KEY) >=
      sizeof path)
    return kiosk_diag_set(d, KIOSK_E_INVALID_ARG, trust_dir, 0, "path too long");
  return load_key(path, 0, out, d);
}

int kiosk_revkey_generate(struct proto_key **out)
{
  return from_proto(proto_key_generate(out));
}

int kiosk_revkey_write_public(const struct proto_key *key, const char *path)
{
  return from_proto(proto_key_write_public(key, path));
}

int kiosk_revkey_write_private(const struct proto_key *key, const char *path)
{
  return from_proto(proto_key_write_private(key, path));
}

void kiosk_revkey_destroy(struct proto_key *key)
{
  proto_key_destroy(key);
}

/* ------------------------------------------------------------------ codec -- */

int kiosk_revlist_peek(const uint8_t *buf, size_t len, struct proto_revlist_header *h)
{
  return from_proto(proto_revlist_peek(buf, len, h));
}

/* Decode and check a whole blob; on success *recs holds the entries (for a delta:
 * kind | PROTO_REV_REMOVE marks a removal). */
static int parse_blob(const uint8_t *buf, size_t len, const struct proto_key *key,
                      struct proto_revlist_header *h, struct proto_rev_rec **recs,
                      struct kiosk_diag *d)
{
  char why[KIOSK_DIAG_TEXT_MAX];
  int rc = proto_revlist_decode(buf, len, key, h, recs, why, sizeof why);
  if (rc != PROTO_OK)
    return kiosk_diag_set(d, from_proto(rc), "revocation list", 0, "%s", why);
  return KIOSK_OK;
}

int kiosk_revlist_verify(const uint8_t *buf, size_t len, const struct proto_key *key,
                         struct proto_revlist_header *hdr, struct kiosk_diag *d)
{
  struct proto_revlist_header h;
  struct proto_rev_rec *v;
  int rc = parse_blob(buf, len, key, &h, &v, d);
  free(v);
  if (rc == KIOSK_OK && hdr)
    *hdr = h;
  return rc;
}

int kiosk_revlist_write_snapshot(const struct proto_rev_entry *entries, size_t n,
                                 uint64_t version, int64_t issued_at,
                                 const struct proto_key *key, uint8_t **out, size_t *out_len)
{
  return from_proto(
      proto_revlist_encode_snapshot(entries, n, version, issued_at, key, out, out_len));
}

int kiosk_revlist_write_delta(const struct proto_rev_change *changes, size_t n,
                              uint64_t base_version, uint64_t version, int64_t issued_at,
                              const struct proto_key *key, uint8_t **out, size_t *out_len)
{
  return from_proto(proto_revlist_encode_delta(changes, n, base_version, version, issued_at,
                                               key, out, out_len));
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
  uint32_t *idx = proto_rev_alloc(slots * sizeof *idx);
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
                   const struct proto_key *key, struct proto_rev_rec **out, size_t *out_n,
                   struct proto_revlist_header *h, struct kiosk_diag *d)
{
  *out = NULL;
  *out_n = 0;
  struct proto_rev_rec *recs;
  int rc = parse_blob(buf, len, key, h, &recs, d);
  if (rc != KIOSK_OK)
    return rc;
  if (h->type == PROTO_REVLIST_SNAPSHOT) {
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
  struct proto_rev_rec *m = proto_rev_alloc((cap ? cap : 1) * sizeof *m);
  if (!m) {
    free(recs);
    return kiosk_diag_set(d, KIOSK_E_NO_MEMORY, "revocation list", 0, "out of memory");
  }
  size_t i = 0, j = 0, k = 0;
  rc = KIOSK_OK;
  while (j < h->count) {
    struct proto_rev_rec c = recs[j];
    int removal = (c.kind & PROTO_REV_REMOVE) != 0;
    c.kind &= 0x7Fu;
    while (i < rl->n && proto_rev_rec_cmp(&rl->v[i], &c) < 0)
      m[k++] = rl->v[i++];
    int present = i < rl->n && proto_rev_rec_cmp(&rl->v[i], &c) == 0;
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
static void install(struct kiosk_revlist *rl, struct proto_rev_rec *v, size_t n,
                    const struct proto_revlist_header *h)
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
static void install_data(struct rev_data *d, struct proto_rev_rec *v, size_t n,
                         const struct proto_revlist_header *h)
{
  free(d->v);
  d->v = v;
  d->n = n;
  d->version = h->version;
  d->issued_at = h->issued_at;
}

int kiosk_revlist_apply(struct kiosk_revlist *rl, const uint8_t *buf, size_t len,
                        const struct proto_key *key, struct kiosk_diag *d)
{
  if (!rl || !buf)
    return KIOSK_E_INVALID_ARG;
  struct proto_rev_rec *v;
  size_t n;
  struct proto_revlist_header h;
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

/* ------------------------------------------------------ high-water mark -- */

/* The highest version ever accepted lives in <path>.hwm, a file of its own, so that an
 * older list, validly signed, copied over the bundle (or the bundle deleted and an old
 * snapshot served) is refused instead of un-revoking cards. The file is one decimal
 * number and a newline; anything else fails closed. */
#define HWM_SUFFIX ".hwm"
#define HWM_MAX 24u /* 20 digits of a uint64_t, a newline, room to see "too long" */

static int hwm_path(const char *path, char *out, size_t cap, struct kiosk_diag *d)
{
  if ((size_t)snprintf(out, cap, "%s" HWM_SUFFIX, path) >= cap)
    return kiosk_diag_set(d, KIOSK_E_INVALID_ARG, path, 0, "path too long");
  return KIOSK_OK;
}

/* *out = the recorded version, 0 when there is no record yet. */
static int hwm_read(const char *path, uint64_t *out, struct kiosk_diag *d)
{
  char hp[2048], buf[HWM_MAX + 1];
  *out = 0;
  int rc = hwm_path(path, hp, sizeof hp, d);
  if (rc != KIOSK_OK)
    return rc;
  int fd = open(hp, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return KIOSK_OK;
    return kiosk_diag_set(d, KIOSK_E_IO, hp, 0, "cannot open: %s", strerror(errno));
  }
  size_t got = 0;
  while (got < HWM_MAX) {
    ssize_t r = read(fd, buf + got, HWM_MAX - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      close(fd);
      return kiosk_diag_set(d, KIOSK_E_IO, hp, 0, "read error");
    }
    if (r == 0)
      break;
    got += (size_t)r;
  }
  close(fd);
  buf[got] = '\0';
  if (got < 2 || got >= HWM_MAX || buf[got - 1] != '\n')
    return kiosk_diag_set(d, KIOSK_E_FORMAT, hp, 0,
                          "highest accepted version record is malformed (refusing the list)");
  buf[got - 1] = '\0';
  if (common_parse_u64(buf, UINT64_MAX, out) != COMMON_OK)
    return kiosk_diag_set(d, KIOSK_E_FORMAT, hp, 0,
                          "highest accepted version record is malformed (refusing the list)");
  return KIOSK_OK;
}


/* Raise the record to version (never lower it), durably: tmp, fsync, rename, dir fsync. */
static int hwm_raise(const char *path, uint64_t version, struct kiosk_diag *d)
{
  uint64_t cur;
  int rc = hwm_read(path, &cur, d);
  if (rc != KIOSK_OK && rc != KIOSK_E_FORMAT)
    return rc;
  if (rc == KIOSK_OK && cur >= version)
    return KIOSK_OK;
  char hp[2048], tmp[2100], line[HWM_MAX];
  if ((rc = hwm_path(path, hp, sizeof hp, d)) != KIOSK_OK)
    return rc;
  snprintf(tmp, sizeof tmp, "%s.tmp", hp);
  int n = snprintf(line, sizeof line, "%llu\n", (unsigned long long)version);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return kiosk_diag_set(d, KIOSK_E_IO, tmp, 0, "cannot create: %s", strerror(errno));
  if (kiosk_file_write_all(fd, line, (size_t)n) != 0 || fsync(fd) != 0) {
    close(fd);
    unlink(tmp);
    return kiosk_diag_set(d, KIOSK_E_IO, tmp, 0, "write failed: %s", strerror(errno));
  }
  close(fd);
  if (rename(tmp, hp) != 0 || kiosk_file_fsync_dir(hp) != 0) {
    unlink(tmp);
    return kiosk_diag_set(d, KIOSK_E_IO, hp, 0, "cannot install: %s", strerror(errno));
  }
  return KIOSK_OK;
}

int kiosk_revlist_remember(const struct kiosk_revlist *rl, const char *path,
                           struct kiosk_diag *d)
{
  if (!rl || !path)
    return KIOSK_E_INVALID_ARG;
  uint64_t v = kiosk_revlist_version(rl);
  return v ? hwm_raise(path, v, d) : KIOSK_OK;
}

int kiosk_revlist_load(struct kiosk_revlist *rl, const char *path,
                       const struct proto_key *key, struct kiosk_diag *d)
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
  struct proto_revlist_header last;
  memset(&last, 0, sizeof last);
  size_t pos = 0;
  unsigned blob = 0;
  if (len == 0)
    rc = kiosk_diag_set(d, KIOSK_E_FORMAT, path, 0, "empty file");
  while (rc == KIOSK_OK && pos < len) {
    struct proto_revlist_header h;
    rc = kiosk_revlist_peek(buf + pos, len - pos, &h);
    if (rc != KIOSK_OK) {
      rc = kiosk_diag_set(d, rc, path, 0, "blob %u at byte %zu is malformed or truncated", blob,
                          pos);
      break;
    }
    struct proto_rev_rec *v;
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
  uint64_t hwm = 0;
  if (rc == KIOSK_OK && (rc = hwm_read(path, &hwm, d)) == KIOSK_OK && last.version < hwm)
    rc = kiosk_diag_set(d, KIOSK_E_NOT_NEWER, path, 0,
                        "list version %llu is older than version %llu accepted before "
                        "(rollback refused)",
                        (unsigned long long)last.version, (unsigned long long)hwm);
  if (rc != KIOSK_OK) {
    data_free(&tmp);
    goto out_unlock;
  }
  install(rl, tmp.v, tmp.n, &last);
out_unlock:
  pthread_mutex_unlock(&rl->lk->apply_mu);
  return rc;
}

int kiosk_revlist_commit(struct kiosk_revlist *rl, const char *path, const uint8_t *buf,
                         size_t len, const struct proto_key *key, struct kiosk_diag *d)
{
  if (!rl || !path || !buf)
    return KIOSK_E_INVALID_ARG;
  struct proto_rev_rec *v = NULL;
  size_t n;
  struct proto_revlist_header h;
  pthread_mutex_lock(&rl->lk->apply_mu);
  int rc = prepare(&rl->d, buf, len, key, &v, &n, &h, d);
  if (rc != KIOSK_OK)
    goto out_unlock;
  /* The list in memory may be empty (its file deleted): the record still says how far
   * this terminal has been, and an older snapshot is a rollback. */
  uint64_t hwm = 0;
  if ((rc = hwm_read(path, &hwm, d)) != KIOSK_OK)
    goto out_free_v;
  if (h.version < hwm) {
    rc = kiosk_diag_set(d, KIOSK_E_NOT_NEWER, path, 0,
                        "list version %llu is older than version %llu accepted before "
                        "(rollback refused)",
                        (unsigned long long)h.version, (unsigned long long)hwm);
    goto out_free_v;
  }
  uint8_t *old = NULL;
  size_t old_len = 0;
  if (h.type == PROTO_REVLIST_DELTA) {
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
  if ((old_len && kiosk_file_write_all(fd, old, old_len) != 0) ||
      kiosk_file_write_all(fd, buf, len) != 0 || fsync(fd) != 0) {
    rc = kiosk_diag_set(d, KIOSK_E_IO, tmp, 0, "write failed: %s", strerror(errno));
    close(fd);
    unlink(tmp);
    goto out_free_old;
  }
  close(fd);
  if (rename(tmp, path) != 0 || kiosk_file_fsync_dir(path) != 0) {
    rc = kiosk_diag_set(d, KIOSK_E_IO, path, 0, "cannot install: %s", strerror(errno));
    unlink(tmp);
    goto out_free_old;
  }
  /* After the bundle: a crash between the two leaves a record lower than the file,
   * which the next start raises; the other order would refuse a good list. */
  install(rl, v, n, &h);
  v = NULL;
  rc = hwm_raise(path, h.version, d);
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
      const struct proto_rev_rec *m = &rl->v[(slot & SLOT_INDEX_MASK) - 1];
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
    const struct proto_rev_rec *m = &rl->v[mid];
    if (m->hi < khi || (m->hi == khi && m->lo < klo))
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < rl->n && rl->v[i].hi == khi && rl->v[i].lo == klo; i++) {
    const struct proto_rev_rec *r = &rl->v[i];
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
  uint64_t khi = 0, klo = 0;
  /* Not a card number: nothing can be listed under it. */
  int valid = proto_rev_card_pack(card_no, &khi, &klo);
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

int kiosk_revlist_entry(const struct kiosk_revlist *rl, size_t i, struct proto_rev_entry *out)
{
  if (!rl || !out)
    return KIOSK_E_INVALID_ARG;
  int rc = KIOSK_E_RANGE;
  pthread_rwlock_rdlock(&rl->lk->rw);
  if (i < rl->d.n) {
    proto_rev_card_unpack(rl->d.v[i].hi, rl->d.v[i].lo, out->card_no);
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
  size_t v = sizeof *rl + sizeof *rl->lk + rl->d.n * sizeof(struct proto_rev_rec) +
             (rl->d.index ? (rl->d.index_mask + 1) * sizeof *rl->d.index : 0);
  pthread_rwlock_unlock(&rl->lk->rw);
  return v;
}
