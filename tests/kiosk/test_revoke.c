/* Revocation list: codec, signatures, snapshot/delta semantics, the bundle file, and a
 * 1,000,000-entry list. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/revoke.h"

static struct proto_key *key, *other;
static char dir[256];

static void setup(void)
{
  ck_assert_int_eq(kiosk_revkey_generate(&key), KIOSK_OK);
  ck_assert_int_eq(kiosk_revkey_generate(&other), KIOSK_OK);
  snprintf(dir, sizeof dir, "/tmp/kiosk-revoke-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
  kiosk_revkey_destroy(key);
  kiosk_revkey_destroy(other);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static const struct proto_rev_entry base_entries[] = {
    {"YL-1001", 1, KIOSK_REV_EXACT},
    {"YL-1002", 3, KIOSK_REV_BELOW}, /* generations 0, 1 and 2 of card YL-1002 */
    {"ZZZZZZZZZZZZZZZZZZZZ", 7, KIOSK_REV_EXACT},
    {"5", 0, KIOSK_REV_EXACT},
};

static struct kiosk_revlist *make_list(uint64_t version)
{
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 4, version, 1600000000, key, &blob,
                                                &len),
                   KIOSK_OK);
  struct kiosk_revlist *rl;
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_OK);
  free(blob);
  return rl;
}

static enum kiosk_rev_status status(const struct kiosk_revlist *rl, const char *card, uint32_t gen)
{
  struct kiosk_rev_lookup r;
  kiosk_revlist_lookup(rl, card, gen, &r);
  return r.status;
}

START_TEST(snapshot_lookup)
{
  struct kiosk_revlist *rl;
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(status(rl, "YL-1001", 1), KIOSK_REV_NO_LIST);
  kiosk_revlist_destroy(rl);

  rl = make_list(10);
  ck_assert_uint_eq(kiosk_revlist_version(rl), 10);
  ck_assert_uint_eq(kiosk_revlist_count(rl), 4);
  ck_assert_int_eq(kiosk_revlist_issued_at(rl), 1600000000);
  ck_assert_int_eq(status(rl, "YL-1001", 1), KIOSK_REV_REVOKED);
  ck_assert_int_eq(status(rl, "YL-1001", 2), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(status(rl, "YL-1002", 0), KIOSK_REV_REVOKED);
  ck_assert_int_eq(status(rl, "YL-1002", 2), KIOSK_REV_REVOKED);
  ck_assert_int_eq(status(rl, "YL-1002", 3), KIOSK_REV_NOT_LISTED); /* the reissued card */
  ck_assert_int_eq(status(rl, "YL-1003", 1), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(status(rl, "ZZZZZZZZZZZZZZZZZZZZ", 7), KIOSK_REV_REVOKED);
  ck_assert_int_eq(status(rl, "5", 0), KIOSK_REV_REVOKED);
  ck_assert_int_eq(status(rl, "4", 0), KIOSK_REV_NOT_LISTED);
  struct proto_rev_entry e;
  ck_assert_int_eq(kiosk_revlist_entry(rl, 0, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "5"); /* sorted */
  ck_assert_int_eq(kiosk_revlist_entry(rl, 3, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "ZZZZZZZZZZZZZZZZZZZZ");
  /* Not card numbers: never listed. */
  ck_assert_int_eq(status(rl, "yl-1001", 1), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(status(rl, "YL-1001-TOO-LONG-12345", 1), KIOSK_REV_NOT_LISTED);
  kiosk_revlist_destroy(rl);
}
END_TEST

START_TEST(delta_apply_and_wrong_base)
{
  struct kiosk_revlist *rl = make_list(10);
  struct proto_rev_change ch[] = {
      {0, {"YL-2000", 1, KIOSK_REV_EXACT}},
      {1, {"YL-1001", 1, KIOSK_REV_EXACT}},
  };
  uint8_t *blob;
  size_t len;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revlist_write_delta(ch, 2, 9, 11, 1600000500, key, &blob, &len),
                   KIOSK_OK);
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_E_WRONG_BASE);
  ck_assert_msg(strstr(d.text, "version 9") && strstr(d.text, "version 10"), "%s", d.text);
  ck_assert_uint_eq(kiosk_revlist_version(rl), 10); /* unchanged */
  free(blob);

  ck_assert_int_eq(kiosk_revlist_write_delta(ch, 2, 10, 11, 1600000500, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_OK);
  ck_assert_uint_eq(kiosk_revlist_version(rl), 11);
  ck_assert_int_eq(kiosk_revlist_issued_at(rl), 1600000500);
  ck_assert_int_eq(status(rl, "YL-1001", 1), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(status(rl, "YL-2000", 1), KIOSK_REV_REVOKED);
  ck_assert_uint_eq(kiosk_revlist_count(rl), 4);
  /* The same delta again: its base is now wrong. */
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_E_WRONG_BASE);
  free(blob);

  /* Removing what is not there is a conflict; the list stays as it was. */
  struct proto_rev_change bad[] = {{1, {"YL-3000", 1, KIOSK_REV_EXACT}}};
  ck_assert_int_eq(kiosk_revlist_write_delta(bad, 1, 11, 12, 1600000600, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_E_CONFLICT);
  ck_assert_uint_eq(kiosk_revlist_version(rl), 11);
  free(blob);
  /* Adding what is there, too. */
  struct proto_rev_change dup[] = {{0, {"YL-2000", 1, KIOSK_REV_EXACT}}};
  ck_assert_int_eq(kiosk_revlist_write_delta(dup, 1, 11, 12, 1600000600, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_E_CONFLICT);
  free(blob);
  /* A delta that adds and removes one key is refused by the writer. */
  struct proto_rev_change twice[] = {{0, {"7", 1, KIOSK_REV_EXACT}}, {1, {"7", 1, KIOSK_REV_EXACT}}};
  ck_assert_int_eq(kiosk_revlist_write_delta(twice, 2, 11, 12, 1, key, &blob, &len),
                   KIOSK_E_INVALID_ARG);
  kiosk_revlist_destroy(rl);
}
END_TEST

START_TEST(no_rollback)
{
  struct kiosk_revlist *rl = make_list(10);
  uint8_t *blob;
  size_t len;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 1, 10, 1, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_E_NOT_NEWER);
  free(blob);
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 1, 12, 1, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_OK);
  ck_assert_uint_eq(kiosk_revlist_count(rl), 1);
  free(blob);
  kiosk_revlist_destroy(rl);
}
END_TEST

START_TEST(tamper)
{
  uint8_t *blob;
  size_t len;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 4, 3, 1, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_verify(blob, len, key, NULL, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_verify(blob, len, other, NULL, &d), KIOSK_E_SIGNATURE);
  /* Every single-byte change of the signed part breaks the signature or the format. */
  for (size_t i = 0; i < KIOSK_REVLIST_HEADER_LEN + 4 * KIOSK_REVLIST_ENTRY_LEN; i++) {
    blob[i] ^= 0x01;
    int rc = kiosk_revlist_verify(blob, len, key, NULL, &d);
    ck_assert_msg(rc == KIOSK_E_SIGNATURE || rc == KIOSK_E_FORMAT || rc == KIOSK_E_TOO_LARGE,
                  "byte %zu: %d", i, rc);
    blob[i] ^= 0x01;
  }
  for (size_t cut = 0; cut < len; cut++)
    ck_assert_int_ne(kiosk_revlist_verify(blob, cut, key, NULL, &d), KIOSK_OK);
  uint8_t *longer = malloc(len + 1);
  memcpy(longer, blob, len);
  longer[len] = 0;
  ck_assert_int_eq(kiosk_revlist_verify(longer, len + 1, key, NULL, &d), KIOSK_E_FORMAT);
  free(longer);
  free(blob);
}
END_TEST

/* The private key goes into a new file only: mode 0600, never truncating, replacing or
 * following something already at the path. */
START_TEST(private_key_never_overwritten)
{
  char path[300], link[300], buf[300];
  struct stat sb;
  struct proto_key *back;
  struct kiosk_diag d;
  snprintf(path, sizeof path, "%s/sign.key", dir);
  ck_assert_int_eq(kiosk_revkey_write_private(key, path), KIOSK_OK);
  ck_assert_int_eq(stat(path, &sb), 0);
  ck_assert_uint_eq(sb.st_mode & 0777, 0600);
  ck_assert_int_eq(kiosk_revkey_load_private(path, &back, &d), KIOSK_OK);
  kiosk_revkey_destroy(back);
  off_t size = sb.st_size;
  /* A second key to the same path: EXISTS, the first key untouched. */
  ck_assert_int_eq(kiosk_revkey_write_private(other, path), KIOSK_E_EXISTS);
  ck_assert_int_eq(stat(path, &sb), 0);
  ck_assert_int_eq(sb.st_size, size);
  /* A symlink planted at the path (even a dangling one) is refused, not followed. */
  snprintf(link, sizeof link, "%s/planted.key", dir);
  snprintf(buf, sizeof buf, "%s/target", dir);
  ck_assert_int_eq(symlink(buf, link), 0);
  ck_assert_int_eq(kiosk_revkey_write_private(key, link), KIOSK_E_EXISTS);
  ck_assert_int_ne(access(buf, F_OK), 0);
  /* A key without its private half is refused before anything is created. */
  snprintf(link, sizeof link, "%s/sign.pub", dir);
  ck_assert_int_eq(kiosk_revkey_write_public(key, link), KIOSK_OK);
  ck_assert_int_eq(kiosk_revkey_load_public(link, &back, &d), KIOSK_OK);
  snprintf(path, sizeof path, "%s/nothing.key", dir);
  ck_assert_int_eq(kiosk_revkey_write_private(back, path), KIOSK_E_INVALID_ARG);
  ck_assert_int_ne(access(path, F_OK), 0);
  kiosk_revkey_destroy(back);
}
END_TEST

START_TEST(bundle_file)
{
  char path[300], pub[300];
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  snprintf(pub, sizeof pub, "%s/%s", dir, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(key, pub), KIOSK_OK);
  struct proto_key *pk;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revkey_load_trust(dir, &pk, &d), KIOSK_OK);

  struct kiosk_revlist *rl;
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(rl, path, pk, &d), KIOSK_E_NOT_FOUND);
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 4, 20, 100, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, pk, &d), KIOSK_OK);
  free(blob);
  for (uint64_t v = 21; v <= 25; v++) {
    struct proto_rev_change ch = {0, {"", 1, KIOSK_REV_EXACT}};
    snprintf(ch.entry.card_no, sizeof ch.entry.card_no, "YL-%llu", (unsigned long long)(7000 + v));
    ck_assert_int_eq(kiosk_revlist_write_delta(&ch, 1, v - 1, v, (int64_t)v * 100, key, &blob,
                                               &len),
                     KIOSK_OK);
    ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, pk, &d), KIOSK_OK);
    free(blob);
  }
  /* A delta on the wrong base leaves the file alone. */
  struct proto_rev_change ch = {0, {"9", 1, KIOSK_REV_EXACT}};
  ck_assert_int_eq(kiosk_revlist_write_delta(&ch, 1, 3, 4, 1, key, &blob, &len), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, pk, &d), KIOSK_E_WRONG_BASE);
  free(blob);

  struct kiosk_revlist *again;
  ck_assert_int_eq(kiosk_revlist_create(&again), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(again, path, pk, &d), KIOSK_OK);
  ck_assert_uint_eq(kiosk_revlist_version(again), 25);
  ck_assert_uint_eq(kiosk_revlist_count(again), 9);
  ck_assert_int_eq(kiosk_revlist_issued_at(again), 2500);
  ck_assert_int_eq(status(again, "YL-7023", 1), KIOSK_REV_REVOKED);
  kiosk_revlist_destroy(again);

  /* A newer snapshot replaces the bundle. */
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 2, 30, 3000, key, &blob, &len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, pk, &d), KIOSK_OK);
  free(blob);
  ck_assert_int_eq(kiosk_revlist_create(&again), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(again, path, pk, &d), KIOSK_OK);
  ck_assert_uint_eq(kiosk_revlist_count(again), 2);
  kiosk_revlist_destroy(again);

  /* A wrong key fails the load. */
  ck_assert_int_eq(kiosk_revlist_create(&again), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(again, path, other, &d), KIOSK_E_SIGNATURE);
  ck_assert_int_eq(status(again, "YL-1001", 1), KIOSK_REV_NO_LIST);
  kiosk_revlist_destroy(again);
  kiosk_revlist_destroy(rl);
  kiosk_revkey_destroy(pk);
}
END_TEST

/* Issue 11 (4): an older, validly signed list copied over the bundle was accepted at the
 * next start. The highest version ever accepted lives outside the bundle and refuses it,
 * at load and online, also when the list in memory is empty. */
static void write_file(const char *path, const uint8_t *p, size_t n)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(p, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

START_TEST(rollback_through_the_disk)
{
  char path[300], hwm[320];
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  snprintf(hwm, sizeof hwm, "%s.hwm", path);
  struct kiosk_diag d;
  uint8_t *old_blob, *blob;
  size_t old_len, len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 2, 3, 300, key, &old_blob, &old_len),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_write_snapshot(base_entries, 4, 5, 500, key, &blob, &len),
                   KIOSK_OK);
  struct kiosk_revlist *rl;
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, key, &d), KIOSK_OK);
  kiosk_revlist_destroy(rl);

  /* Version 3 copied over version 5: refused at start, with both numbers. */
  write_file(path, old_blob, old_len);
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(rl, path, key, &d), KIOSK_E_NOT_NEWER);
  ck_assert_ptr_nonnull(strstr(d.text, "rollback"));
  ck_assert_ptr_nonnull(strstr(d.text, "3"));
  ck_assert_ptr_nonnull(strstr(d.text, "5"));
  ck_assert_uint_eq(kiosk_revlist_version(rl), 0);
  /* ... and online, although the list in memory is empty. */
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, old_blob, old_len, key, &d), KIOSK_E_NOT_NEWER);
  /* The same version again (bundle lost) is accepted. */
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, key, &d), KIOSK_OK);
  kiosk_revlist_destroy(rl);

  /* A record from before this change (none) is created by remember; a garbage record
   * fails closed. */
  ck_assert_int_eq(unlink(hwm), 0);
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(rl, path, key, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_remember(rl, path, &d), KIOSK_OK);
  kiosk_revlist_destroy(rl);
  FILE *f = fopen(hwm, "r");
  ck_assert_ptr_nonnull(f);
  char line[32] = "";
  ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
  fclose(f);
  ck_assert_str_eq(line, "5\n");
  static const char *const bad[] = {"", "5", "x\n", "-1\n", "99999999999999999999999\n",
                                    "5\n\n", " 5\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    write_file(hwm, (const uint8_t *)bad[i], strlen(bad[i]));
    ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
    ck_assert_int_eq(kiosk_revlist_load(rl, path, key, &d), KIOSK_E_FORMAT);
    kiosk_revlist_destroy(rl);
  }
  free(old_blob);
  free(blob);
}
END_TEST

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(million_entries)
{
  const size_t n = 1000000;
  struct proto_rev_entry *e = malloc(n * sizeof *e);
  ck_assert_ptr_nonnull(e);
  for (size_t i = 0; i < n; i++) {
    snprintf(e[i].card_no, sizeof e[i].card_no, "YL2019-%08zu", i * 7);
    e[i].generation = (uint32_t)(1 + i % 3);
    e[i].kind = i % 10 == 0 ? KIOSK_REV_BELOW : KIOSK_REV_EXACT;
  }
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(e, n, 1, 1700000000, key, &blob, &len),
                   KIOSK_OK);
  free(e);
  char path[300];
  snprintf(path, sizeof path, "%s/big.yrl", dir);
  struct kiosk_revlist *rl;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_commit(rl, path, blob, len, key, &d), KIOSK_OK);
  free(blob);
  kiosk_revlist_destroy(rl);

  ck_assert_int_eq(kiosk_revlist_create(&rl), KIOSK_OK);
  double t0 = now_s();
  ck_assert_int_eq(kiosk_revlist_load(rl, path, key, &d), KIOSK_OK);
  double t1 = now_s();
  ck_assert_uint_eq(kiosk_revlist_count(rl), n);
  ck_assert_uint_lt(kiosk_revlist_memory(rl), 32u * 1024u * 1024u); /* goal < 32 MB */
  /* Spot checks: listed entries found, the card numbers between them not. */
  for (size_t i = 0; i < n; i += 997) {
    char card[32], next[32];
    snprintf(card, sizeof card, "YL2019-%08zu", i * 7);
    snprintf(next, sizeof next, "YL2019-%08zu", i * 7 + 1);
    uint32_t gen = (uint32_t)(1 + i % 3);
    if (i % 10 != 0)
      ck_assert_int_eq(status(rl, card, gen), KIOSK_REV_REVOKED);
    else if (gen > 1) /* BELOW gen: gen - 1 is revoked, gen itself is not */
      ck_assert_int_eq(status(rl, card, gen - 1), KIOSK_REV_REVOKED);
    ck_assert_int_eq(status(rl, card, gen + 1), KIOSK_REV_NOT_LISTED);
    ck_assert_int_eq(status(rl, next, 1), KIOSK_REV_NOT_LISTED);
  }
  fprintf(stderr, "1,000,000 entries: load %.1f ms, %.1f MB in memory\n", (t1 - t0) * 1e3,
          (double)kiosk_revlist_memory(rl) / 1048576.0);
  kiosk_revlist_destroy(rl);
}
END_TEST

struct reader_ctx {
  struct kiosk_revlist *rl;
  atomic_int stop;
  unsigned long lookups, wrong;
  atomic_int started; /* set after the first lookups: the applies then overlap them */
};

static void *reader_thread(void *arg)
{
  struct reader_ctx *c = arg;
  while (!atomic_load(&c->stop)) {
    struct kiosk_rev_lookup r;
    kiosk_revlist_lookup(c->rl, "YL-1001", 1, &r); /* listed in every version */
    c->wrong += r.status != KIOSK_REV_REVOKED;
    kiosk_revlist_lookup(c->rl, "YL-NEVER", 1, &r);
    c->wrong += r.status != KIOSK_REV_NOT_LISTED;
    c->lookups += 2;
    atomic_store(&c->started, 1);
  }
  return NULL;
}

START_TEST(concurrent_apply_and_lookup)
{
  struct kiosk_revlist *rl = make_list(10);
  struct reader_ctx c = {rl, 0, 0, 0, 0};
  atomic_init(&c.stop, 0);
  atomic_init(&c.started, 0);
  pthread_t th;
  ck_assert_int_eq(pthread_create(&th, NULL, reader_thread, &c), 0);
  /* On a loaded machine the reader may not run before 100 small applies are done. */
  while (!atomic_load(&c.started))
    sched_yield();
  for (uint64_t v = 11; v < 111; v++) {
    struct proto_rev_change ch = {0, {"", 0, KIOSK_REV_EXACT}};
    snprintf(ch.entry.card_no, sizeof ch.entry.card_no, "YL-C%llu", (unsigned long long)v);
    uint8_t *blob;
    size_t len;
    struct kiosk_diag d;
    ck_assert_int_eq(kiosk_revlist_write_delta(&ch, 1, v - 1, v, 1, key, &blob, &len), KIOSK_OK);
    ck_assert_int_eq(kiosk_revlist_apply(rl, blob, len, key, &d), KIOSK_OK);
    free(blob);
  }
  atomic_store(&c.stop, 1);
  pthread_join(th, NULL);
  ck_assert_uint_eq(c.wrong, 0);
  ck_assert_uint_gt(c.lookups, 0);
  ck_assert_uint_eq(kiosk_revlist_count(rl), 104);
  kiosk_revlist_destroy(rl);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_revoke");
  TCase *tc = tcase_create("revoke");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, snapshot_lookup);
  tcase_add_test(tc, delta_apply_and_wrong_base);
  tcase_add_test(tc, no_rollback);
  tcase_add_test(tc, tamper);
  tcase_add_test(tc, private_key_never_overwritten);
  tcase_add_test(tc, bundle_file);
  tcase_add_test(tc, rollback_through_the_disk);
  tcase_add_test(tc, million_entries);
  tcase_add_test(tc, concurrent_apply_and_lookup);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
