/*
 * The index of waived bills and its sidecar (kiosk/bills.h), on real SQLite journals:
 *
 *   - the sidecar written and read back gives the index the journal gives, and a start
 *     reads only the events after it (a journal that moved on: more waivers, a void of a
 *     waiver the sidecar holds, the voided bill waived again);
 *   - never trusted when it does not hold: truncated at every length, every byte flipped,
 *     oversized, an entry count past the limit, a journal cut or replaced under it, and
 *     forged ones whose digest is right (entries out of order, an entry that is not a
 *     waiver in the journal, another journal's sidecar): each rebuilt from the journal,
 *     with the reason, and the same index;
 *   - the terminal writes it at close and uses it at the next open (origin for the log).
 */
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/bills.h"
#include "kiosk/terminal.h"

#define SITE "hosp.yl-first-people"
#define T0 1767225600 /* 2026-01-01 UTC */

static char dir[256], jpath[320], spath[320];
/* The journals the tests start from, made once (each append is a durable commit: on a
 * loaded disk 300 of them took 10 s): journal.db (fill below) and other.db (one event more
 * at the start, so every hash differs). */
static char tmpl[256];

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-bills-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(jpath, sizeof jpath, "%s/journal.db", dir);
  snprintf(spath, sizeof spath, "%s/journal.db.bills", dir);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "cp -p '%s'/journal.db* '%s'/", tmpl, dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static struct kiosk_journal *jopen(const char *path)
{
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, 0, &j, &d), KIOSK_OK);
  return j;
}

/* A cashier GRANT of bill MZ-n (n < 0: a gate event, no bill). Returns its seq. */
static uint64_t waiver(struct kiosk_journal *j, int n)
{
  struct proto_event e;
  memset(&e, 0, sizeof e);
  uint64_t last = 0;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  e.time = T0 + (int64_t)last * 60;
  snprintf(e.terminal, sizeof e.terminal, "C1");
  snprintf(e.site, sizeof e.site, "%s", n < 0 ? "park.guishan" : SITE);
  e.mode = n < 0 ? KIOSK_MODE_GATE : KIOSK_MODE_CASHIER;
  snprintf(e.card_no, sizeof e.card_no, "YL20190200012341");
  e.kind = KIOSK_EVENT_DECISION;
  e.verdict = KIOSK_VERDICT_GRANT;
  if (n >= 0) {
    e.amount_fen = 1200;
    snprintf(e.bill_ref, sizeof e.bill_ref, "MZ-%d", n);
    snprintf(e.staff_id, sizeof e.staff_id, "S01");
  }
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  return e.seq;
}

static uint64_t void_of(struct kiosk_journal *j, uint64_t ref)
{
  struct proto_event w, e;
  ck_assert_int_eq(kiosk_journal_get(j, ref, &w), KIOSK_OK);
  memset(&e, 0, sizeof e);
  e.time = w.time + 30;
  snprintf(e.terminal, sizeof e.terminal, "C1");
  snprintf(e.site, sizeof e.site, "%s", w.site);
  e.mode = KIOSK_MODE_CASHIER;
  e.kind = KIOSK_EVENT_VOID;
  e.verdict = KIOSK_VERDICT_GRANT;
  snprintf(e.card_no, sizeof e.card_no, "%s", w.card_no);
  snprintf(e.bill_ref, sizeof e.bill_ref, "%s", w.bill_ref);
  snprintf(e.staff_id, sizeof e.staff_id, "S02");
  proto_event_set_ref_seq(&e, ref);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  return e.seq;
}

/* 40 waivers (MZ-0..39) with gate events between, MZ-5 and MZ-7 voided. */
static void fill(struct kiosk_journal *j)
{
  uint64_t s5 = 0, s7 = 0;
  for (int i = 0; i < 40; i++) {
    uint64_t s = waiver(j, i);
    if (i == 5)
      s5 = s;
    if (i == 7)
      s7 = s;
    if (i % 4 == 0)
      waiver(j, -1);
  }
  void_of(j, s5);
  void_of(j, s7);
}

/* Both indexes answer alike for every bill MZ-0..n-1 (and an unknown one). */
static void same(struct kiosk_bills *a, struct kiosk_bills *b, struct kiosk_journal *j, int n)
{
  ck_assert_uint_eq(kiosk_bills_count(a), kiosk_bills_count(b));
  char bill[32];
  for (int i = -1; i < n; i++) {
    snprintf(bill, sizeof bill, i < 0 ? "NONE" : "MZ-%d", i);
    uint64_t sa = 0, sb = 0;
    int64_t ta = 0, tb = 0;
    int ra = kiosk_bills_find(a, j, SITE, bill, &sa, &ta);
    int rb = kiosk_bills_find(b, j, SITE, bill, &sb, &tb);
    ck_assert_msg(ra == rb && sa == sb && ta == tb, "%s: %d/%llu vs %d/%llu", bill, ra,
                  (unsigned long long)sa, rb, (unsigned long long)sb);
  }
}

static struct kiosk_bills *open_idx(struct kiosk_journal *j, struct kiosk_bills_origin *o)
{
  struct kiosk_bills *b;
  ck_assert_int_eq(kiosk_bills_open(j, spath, &b, o), KIOSK_OK);
  return b;
}

static uint8_t *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *p = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(p);
  ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return p;
}

static void put(const char *path, const uint8_t *p, size_t len)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(p, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

/* The digest at the end made right again: a forgery, not damage. */
static void redigest(uint8_t *p, size_t len)
{
  unsigned n = 0;
  ck_assert_int_eq(EVP_Digest(p, len - 32, p + len - 32, &n, EVP_sha256(), NULL), 1);
}

static void put_u64(uint8_t *p, uint64_t v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Open with the sidecar as it is now: rebuilt, with a reason, and the right index
 * (every bill looked up when full, else its count: the loops below open it 2,000 times). */
static void expect_rebuilt_as(struct kiosk_journal *j, struct kiosk_bills *ref, const char *says,
                              int full)
{
  struct kiosk_bills_origin o;
  struct kiosk_bills *b = open_idx(j, &o);
  ck_assert_msg(!o.from_sidecar, "a bad sidecar was used (%s)", says);
  ck_assert_msg(o.why[0] != '\0', "no reason given (%s)", says);
  if (says[0])
    ck_assert_msg(strstr(o.why, says), "'%s' does not say '%s'", o.why, says);
  uint64_t last;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(o.scanned, last);
  if (full)
    same(b, ref, j, 50);
  else
    ck_assert_uint_eq(kiosk_bills_count(b), kiosk_bills_count(ref));
  kiosk_bills_destroy(b);
}

static void expect_rebuilt(struct kiosk_journal *j, struct kiosk_bills *ref, const char *says)
{
  expect_rebuilt_as(j, ref, says, 1);
}

START_TEST(sidecar_round_trip_and_tail)
{
  struct kiosk_journal *j = jopen(jpath);
  struct kiosk_bills_origin o;
  struct kiosk_bills *full = open_idx(j, &o); /* no file yet: built, no complaint */
  ck_assert(!o.from_sidecar);
  ck_assert_str_eq(o.why, "");
  ck_assert_uint_eq(kiosk_bills_count(full), 38);
  uint64_t last;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(o.scanned, last);
  ck_assert_uint_eq(kiosk_bills_seq(full), last);
  ck_assert_int_eq(kiosk_bills_save(full, j, spath), KIOSK_OK);
  ck_assert_uint_eq(kiosk_bills_saved_seq(full), last);
  struct stat st;
  ck_assert_int_eq(stat(spath, &st), 0);
  ck_assert_uint_eq((uint64_t)st.st_size, 56 + 38 * 24 + 32);
  ck_assert_uint_eq(st.st_mode & 0777, 0600);

  struct kiosk_bills *b = open_idx(j, &o);
  ck_assert(o.from_sidecar);
  ck_assert_uint_eq(o.sidecar_seq, last);
  ck_assert_uint_eq(o.scanned, 0);
  same(b, full, j, 50);
  kiosk_bills_destroy(b);

  /* The journal moves on: new waivers, a void of a waiver the sidecar holds, the voided
   * bill waived again; the start reads only these. */
  uint64_t s10 = 0;
  ck_assert_int_eq(kiosk_bills_find(full, j, SITE, "MZ-10", &s10, &(int64_t){0}), KIOSK_OK);
  uint64_t v = void_of(j, s10);
  kiosk_bills_destroy(full);
  for (int i = 40; i < 45; i++)
    waiver(j, i);
  waiver(j, 10);
  waiver(j, 5); /* voided before the sidecar, waived again after it */
  full = open_idx(j, &o);
  b = NULL;
  ck_assert_int_eq(kiosk_bills_build(j, &b), KIOSK_OK);
  same(full, b, j, 50);
  ck_assert(o.from_sidecar);
  ck_assert_uint_eq(o.scanned, 8);
  ck_assert_uint_eq(kiosk_bills_count(full), 38 - 1 + 5 + 2);
  uint64_t s = 0;
  ck_assert_int_eq(kiosk_bills_find(full, j, SITE, "MZ-10", &s, &(int64_t){0}), KIOSK_OK);
  ck_assert_uint_gt(s, v);
  kiosk_bills_destroy(b);
  kiosk_bills_destroy(full);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(damaged_sidecars_are_rebuilt)
{
  struct kiosk_journal *j = jopen(jpath);
  struct kiosk_bills *ref;
  ck_assert_int_eq(kiosk_bills_build(j, &ref), KIOSK_OK);
  ck_assert_int_eq(kiosk_bills_save(ref, j, spath), KIOSK_OK);
  size_t len;
  uint8_t *good = slurp(spath, &len);
  uint8_t *p = malloc(len + 64);
  ck_assert_ptr_nonnull(p);

  /* truncated at every length */
  for (size_t n = 0; n < len; n++) {
    put(spath, good, n);
    expect_rebuilt_as(j, ref, "", 0);
  }
  /* every byte flipped (one bit each) */
  for (size_t i = 0; i < len; i++) {
    memcpy(p, good, len);
    p[i] ^= (uint8_t)(1u << (i % 8));
    put(spath, p, len);
    expect_rebuilt_as(j, ref, "", 0);
  }
  /* extended by one entry's worth, and a file larger than any index (sparse) */
  memcpy(p, good, len);
  memset(p + len, 0, 24);
  put(spath, p, len + 24);
  expect_rebuilt(j, ref, "length");
  FILE *f = fopen(spath, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fseek(f, 300L * 1024 * 1024, SEEK_SET), 0);
  ck_assert_int_eq(fputc('x', f), 'x');
  fclose(f);
  expect_rebuilt(j, ref, "larger than any index");
  /* an entry count past the limit, digest right */
  memcpy(p, good, len);
  put_u64(p + 48, (uint64_t)KIOSK_BILLS_SIDECAR_MAX + 1);
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "over the limit");

  /* forged, digest right: two entries swapped (out of order) */
  memcpy(p, good, len);
  uint8_t tmp[24];
  memcpy(tmp, p + 56, 24);
  memcpy(p + 56, p + 80, 24);
  memcpy(p + 80, tmp, 24);
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "out of order");
  /* the first entry (MZ-0, seq 1) moved to seq 2, a gate event: no waiver there */
  memcpy(p, good, len);
  {
    struct proto_event e;
    ck_assert_int_eq(kiosk_journal_get(j, 2, &e), KIOSK_OK);
    ck_assert_int_eq(e.mode, KIOSK_MODE_GATE);
  }
  put_u64(p + 56 + 8, 2);
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "does not match the journal's row");
  /* the last entry's key changed: a bill the journal did not waive */
  memcpy(p, good, len);
  p[len - 32 - 24] ^= 1;
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "does not match the journal's row");
  /* a seq covered past the journal's end, and another chain's hash at the same seq */
  memcpy(p, good, len);
  put_u64(p + 8, 100000);
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "the journal ends at");
  memcpy(p, good, len);
  p[16] ^= 0x55;
  redigest(p, len);
  put(spath, p, len);
  expect_rebuilt(j, ref, "another chain");
  /* a sidecar with a waiver left out (digest right): the journal's row is the truth for
   * what is found; a bill the sidecar dropped is caught by the spot checks when sampled,
   * and by the centre at upload otherwise (docs/kiosk.md) */

  /* and the good one is still good */
  put(spath, good, len);
  struct kiosk_bills_origin o;
  struct kiosk_bills *b = open_idx(j, &o);
  ck_assert(o.from_sidecar);
  kiosk_bills_destroy(b);
  free(p);
  free(good);
  kiosk_bills_destroy(ref);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(another_journal_or_a_cut_one)
{
  struct kiosk_journal *j = jopen(jpath);
  struct kiosk_bills *ref;
  ck_assert_int_eq(kiosk_bills_build(j, &ref), KIOSK_OK);
  ck_assert_int_eq(kiosk_bills_save(ref, j, spath), KIOSK_OK);
  kiosk_bills_destroy(ref);
  kiosk_journal_close(j);

  /* The journal replaced by another one as long (other times): its chain differs. */
  char other[400], cmd[2000];
  snprintf(other, sizeof other, "%s/other.db", tmpl);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'", other, jpath, jpath,
           jpath);
  ck_assert_int_eq(system(cmd), 0);
  j = jopen(jpath);
  ck_assert_int_eq(kiosk_bills_build(j, &ref), KIOSK_OK);
  expect_rebuilt(j, ref, "another chain");
  kiosk_bills_destroy(ref);
  kiosk_journal_close(j);

  /* An empty journal under a sidecar that covers events: it ends before. */
  snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", jpath, jpath, jpath);
  ck_assert_int_eq(system(cmd), 0);
  j = jopen(jpath);
  ck_assert_int_eq(kiosk_bills_build(j, &ref), KIOSK_OK);
  /* the sidecar is the replaced journal's, which covered more than nothing */
  expect_rebuilt(j, ref, "the journal ends at");
  kiosk_bills_destroy(ref);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(terminal_writes_and_uses_it)
{
  /* A journal with waivers (the template), then a cashier terminal on it. */
  struct kiosk_journal *j;
  char cfgpath[320], trust[320];
  snprintf(trust, sizeof trust, "%s/trust", dir);
  ck_assert_int_eq(mkdir(trust, 0700), 0);
  snprintf(cfgpath, sizeof cfgpath, "%s/kiosk.ini", dir);
  FILE *f = fopen(cfgpath, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "[terminal]\nsite = " SITE "\nmode = cashier\nterminal_id = C1\nstaff_id = S01\n"
             "[paths]\ntrust_store = trust\njournal = journal.db\n"
             "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n");
  fclose(f);
  struct kiosk_config cfg;
  struct kiosk_diag d;
  char msg[600];
  ck_assert_msg(kiosk_config_load(cfgpath, NULL, 0, &cfg, &d) == KIOSK_OK, "%s",
                kiosk_diag_format(&d, msg, sizeof msg));
  struct kiosk_terminal *t;
  ck_assert_msg(kiosk_terminal_open(&cfg, &t, &d) == KIOSK_OK, "%s",
                kiosk_diag_format(&d, msg, sizeof msg));
  const struct kiosk_bills_origin *o = kiosk_terminal_bills_origin(t);
  ck_assert_ptr_nonnull(o);
  ck_assert(!o->from_sidecar);
  ck_assert_str_eq(o->why, "");
  ck_assert_int_eq(access(spath, F_OK), -1); /* a short journal: no sidecar at open */
  uint64_t vs = 0, s3;
  j = kiosk_terminal_journal(t);
  struct kiosk_bills *b;
  ck_assert_int_eq(kiosk_bills_build(j, &b), KIOSK_OK);
  ck_assert_int_eq(kiosk_bills_find(b, j, SITE, "MZ-3", &s3, &(int64_t){0}), KIOSK_OK);
  kiosk_bills_destroy(b);
  ck_assert_int_eq(kiosk_terminal_void(t, s3, "S02", T0 + 86400 * 30, &vs), KIOSK_OK);
  kiosk_terminal_close(t); /* writes the sidecar */
  ck_assert_int_eq(access(spath, R_OK), 0);

  ck_assert_int_eq(kiosk_terminal_open(&cfg, &t, &d), KIOSK_OK);
  o = kiosk_terminal_bills_origin(t);
  ck_assert(o->from_sidecar);
  ck_assert_uint_eq(o->sidecar_seq, vs);
  ck_assert_uint_eq(o->scanned, 0);
  /* MZ-3 was voided: voiding it again is refused as already voided (CONFLICT), which
   * the index loaded from the sidecar answers */
  ck_assert_int_eq(kiosk_terminal_void(t, s3, "S02", T0 + 86400 * 30, NULL), KIOSK_E_CONFLICT);
  kiosk_terminal_close(t);

  /* damaged: the terminal still opens, rebuilt, and says why */
  f = fopen(spath, "r+b");
  ck_assert_ptr_nonnull(f);
  fseek(f, 60, SEEK_SET);
  fputc('!', f);
  fclose(f);
  ck_assert_int_eq(kiosk_terminal_open(&cfg, &t, &d), KIOSK_OK);
  o = kiosk_terminal_bills_origin(t);
  ck_assert(!o->from_sidecar);
  ck_assert_msg(strstr(o->why, "damaged"), "%s", o->why);
  ck_assert_int_eq(kiosk_terminal_void(t, s3, "S02", T0 + 86400 * 30, NULL), KIOSK_E_CONFLICT);
  kiosk_terminal_close(t);
}
END_TEST

static void make_templates(void)
{
  char path[400];
  snprintf(tmpl, sizeof tmpl, "/tmp/kiosk-bills-tmpl-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  snprintf(path, sizeof path, "%s/journal.db", tmpl);
  struct kiosk_journal *j = jopen(path);
  fill(j);
  kiosk_journal_close(j);
  snprintf(path, sizeof path, "%s/other.db", tmpl);
  j = jopen(path);
  waiver(j, -1);
  fill(j);
  kiosk_journal_close(j);
}

static void remove_templates(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
  ck_assert_int_eq(system(cmd), 0);
}

int main(void)
{
  Suite *s = suite_create("kiosk_bills");
  TCase *tc = tcase_create("sidecar");
  tcase_add_unchecked_fixture(tc, make_templates, remove_templates);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, sidecar_round_trip_and_tail);
  tcase_add_test(tc, damaged_sidecars_are_rebuilt);
  tcase_add_test(tc, another_journal_or_a_cut_one);
  tcase_add_test(tc, terminal_writes_and_uses_it);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
