/* The audit journal: append and read, the acknowledged mark, recent uses, the chain
 * against tampering (altered, deleted, reordered rows, a cut tail), export, disk full. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/journal.h"

static char dir[256], path[300];

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-journal-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/journal.db", dir);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static struct kiosk_journal *open_j(void)
{
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, 0, &j, &d), KIOSK_OK);
  return j;
}

static struct proto_event event(const char *card, int64_t t, enum kiosk_verdict_kind v)
{
  struct proto_event e;
  memset(&e, 0, sizeof e);
  e.time = t;
  snprintf(e.terminal, sizeof e.terminal, "gate-1");
  snprintf(e.site, sizeof e.site, "park.guishan");
  e.mode = KIOSK_MODE_GATE;
  snprintf(e.card_no, sizeof e.card_no, "%s", card);
  e.generation = 0;
  e.kind = KIOSK_EVENT_DECISION;
  e.verdict = v;
  e.reasons = KIOSK_RBIT(HOLDER_CONFIRMED);
  snprintf(e.staff_id, sizeof e.staff_id, "S01");
  return e;
}

static void fill(struct kiosk_journal *j, int n)
{
  for (int i = 0; i < n; i++) {
    struct proto_event e = event("YL-1", 1000 + i, KIOSK_VERDICT_GRANT);
    ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
    ck_assert_uint_eq(e.seq, (uint64_t)i + 1);
  }
}

static void tamper(const char *sql)
{
  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "");
  sqlite3_close(db);
}

START_TEST(append_read_chain)
{
  struct kiosk_journal *j = open_j();
  uint64_t last = 99;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(last, 0);
  struct proto_event a = event("YL-1", 1000, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &a), KIOSK_OK);
  uint8_t zero[KIOSK_HASH_LEN] = {0};
  ck_assert_mem_eq(a.prev_hash, zero, KIOSK_HASH_LEN);
  struct proto_event b = event("YL-2", 1001, KIOSK_VERDICT_DENY);
  ck_assert_int_eq(kiosk_journal_append(j, &b), KIOSK_OK);
  ck_assert_uint_eq(b.seq, 2);
  ck_assert_mem_eq(b.prev_hash, a.hash, KIOSK_HASH_LEN);
  struct proto_event g;
  ck_assert_int_eq(kiosk_journal_get(j, 2, &g), KIOSK_OK);
  ck_assert_str_eq(g.card_no, "YL-2");
  ck_assert_mem_eq(g.hash, b.hash, KIOSK_HASH_LEN);
  ck_assert_int_eq(kiosk_journal_get(j, 3, &g), KIOSK_E_NOT_FOUND);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_uint_eq(res.checked, 2);
  kiosk_journal_close(j);

  /* Reopen: the chain continues. */
  j = open_j();
  struct proto_event c = event("YL-3", 1002, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &c), KIOSK_OK);
  ck_assert_uint_eq(c.seq, 3);
  ck_assert_mem_eq(c.prev_hash, b.hash, KIOSK_HASH_LEN);
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_uint_eq(res.checked, 3);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(canonical_line)
{
  struct proto_event e = event("YL-2019-0001", 1545840000, KIOSK_VERDICT_GRANT);
  e.seq = 7;
  e.mode = KIOSK_MODE_CASHIER;
  snprintf(e.site, sizeof e.site, "hosp.yl-first-people");
  e.amount_fen = 1500;
  snprintf(e.bill_ref, sizeof e.bill_ref, "MZ-0001");
  e.reasons = KIOSK_RBIT(HOLDER_MATCHED);
  char line[512];
  size_t n = kiosk_event_canonical(&e, line, sizeof line);
  ck_assert_uint_gt(n, 0);
  ck_assert_str_eq(line, "kiosk-journal-v1|7|1545840000|gate-1|hosp.yl-first-people|cashier||"
                         "YL-2019-0001|0|decision|GRANT|0000000001000000|1500|MZ-0001|S01|"
                         "0000000000000000000000000000000000000000000000000000000000000000");
  /* The documented example (docs/journal.md) hashes to this. */
  uint8_t h[KIOSK_HASH_LEN];
  ck_assert_int_eq(kiosk_event_hash(&e, h), KIOSK_OK);
  char *json = kiosk_event_to_json(&e);
  ck_assert_ptr_nonnull(json);
  ck_assert_ptr_nonnull(strstr(json, "\"reasons\":[\"HOLDER_MATCHED\"]"));
  ck_assert_ptr_nonnull(strstr(json, "\"card_no\":\"YL-2019-0001\""));
  free(json);
}
END_TEST

START_TEST(refuses_id_numbers)
{
  struct kiosk_journal *j = open_j();
  struct proto_event e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.bill_ref, sizeof e.bill_ref, "11010519491231002X");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  e = event("11010519491231002X", 1, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.staff_id, sizeof e.staff_id, "张三");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  /* issue 11 (5): every free token, not only card, bill and staff */
  e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.vehicle, sizeof e.vehicle, "11010519491231002X");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.terminal, sizeof e.terminal, "450902198001011230");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.site, sizeof e.site, "11010519491231002x");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  snprintf(e.staff_id, sizeof e.staff_id, "450902198001011230");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_E_INVALID_ARG);
  uint64_t last;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(last, 0);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(acked_mark)
{
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  uint64_t v;
  ck_assert_int_eq(kiosk_journal_acked(j, &v), KIOSK_OK);
  ck_assert_uint_eq(v, 0);
  ck_assert_int_eq(kiosk_journal_count_unsent(j, &v), KIOSK_OK);
  ck_assert_uint_eq(v, 10);
  ck_assert_int_eq(kiosk_journal_set_acked(j, 4), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_set_acked(j, 4), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_set_acked(j, 3), KIOSK_E_RANGE);
  ck_assert_int_eq(kiosk_journal_set_acked(j, 11), KIOSK_E_RANGE);
  ck_assert_int_eq(kiosk_journal_count_unsent(j, &v), KIOSK_OK);
  ck_assert_uint_eq(v, 6);
  kiosk_journal_close(j);
  /* Persisted; a second handle (the sync thread's) sees it. */
  struct kiosk_journal *a = open_j(), *b = open_j();
  ck_assert_int_eq(kiosk_journal_acked(a, &v), KIOSK_OK);
  ck_assert_uint_eq(v, 4);
  ck_assert_int_eq(kiosk_journal_set_acked(b, 10), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_count_unsent(a, &v), KIOSK_OK);
  ck_assert_uint_eq(v, 0);
  kiosk_journal_close(a);
  kiosk_journal_close(b);
}
END_TEST

struct collect {
  uint64_t seqs[64];
  int n;
  int stop_after;
};

static int collect_cb(const struct proto_event *ev, void *user)
{
  struct collect *c = user;
  c->seqs[c->n++] = ev->seq;
  return c->stop_after && c->n >= c->stop_after ? 42 : 0;
}

START_TEST(read_range)
{
  struct kiosk_journal *j = open_j();
  fill(j, 20);
  struct collect c = {{0}, 0, 0};
  ck_assert_int_eq(kiosk_journal_read(j, 5, 9, collect_cb, &c), KIOSK_OK);
  ck_assert_int_eq(c.n, 5);
  ck_assert_uint_eq(c.seqs[0], 5);
  ck_assert_uint_eq(c.seqs[4], 9);
  struct collect d = {{0}, 0, 3};
  ck_assert_int_eq(kiosk_journal_read(j, 18, 0, collect_cb, &d), 42);
  ck_assert_int_eq(d.n, 3);
  ck_assert_uint_eq(d.seqs[2], 20);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(recent_uses)
{
  struct kiosk_journal *j = open_j();
  struct proto_event e = event("YL-7", 5000, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  e = event("YL-7", 5100, KIOSK_VERDICT_DENY); /* denials do not count */
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  e = event("YL-7", 5200, KIOSK_VERDICT_GRANT);
  snprintf(e.site, sizeof e.site, "park.shizishan"); /* another site */
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  struct kiosk_recent r;
  ck_assert_int_eq(kiosk_journal_recent(j, "YL-7", "park.guishan", "", 4999, &r), KIOSK_OK);
  ck_assert_int_eq(r.known, 1);
  ck_assert_uint_eq(r.count, 1);
  ck_assert_int_eq(r.last_time, 5000);
  /* since is exclusive: a use at exactly `since` is outside the window. */
  ck_assert_int_eq(kiosk_journal_recent(j, "YL-7", "park.guishan", "", 5000, &r), KIOSK_OK);
  ck_assert_uint_eq(r.count, 0);
  ck_assert_int_eq(kiosk_journal_recent(j, "YL-8", "park.guishan", "", 0, &r), KIOSK_OK);
  ck_assert_uint_eq(r.count, 0);
  /* The query uses the index. */
  sqlite3 *db;
  ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
                                      "EXPLAIN QUERY PLAN SELECT COUNT(*), MAX(time) FROM events "
                                      "WHERE card_no = 'x' AND time > 0 AND site = 's' AND "
                                      "vehicle = '' AND verdict = 1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  int indexed = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    indexed |= strstr((const char *)sqlite3_column_text(st, 3), "events_card_time") != NULL;
  sqlite3_finalize(st);
  sqlite3_close(db);
  ck_assert(indexed);
  kiosk_journal_close(j);
}
END_TEST

static uint64_t verify_bad(void)
{
  struct kiosk_journal *j = open_j();
  struct kiosk_journal_check res;
  int rc = kiosk_journal_verify(j, &res);
  kiosk_journal_close(j);
  ck_assert_msg(rc == KIOSK_E_CHAIN, "tampering not detected (rc %d)", rc);
  ck_assert_str_ne(res.problem, "");
  return res.bad_seq;
}

START_TEST(tamper_altered)
{
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("UPDATE events SET verdict = 0 WHERE seq = 6");
  ck_assert_uint_eq(verify_bad(), 6);
}
END_TEST

START_TEST(tamper_altered_amount_rehashed)
{
  /* Changing a field and recomputing its hash breaks the next link. */
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(j, 4, &e), KIOSK_OK);
  kiosk_journal_close(j);
  e.amount_fen = 99999;
  uint8_t h[KIOSK_HASH_LEN];
  ck_assert_int_eq(kiosk_event_hash(&e, h), KIOSK_OK);
  char sql[256], hx[65];
  for (int i = 0; i < 32; i++)
    snprintf(hx + 2 * i, 3, "%02x", h[i]);
  snprintf(sql, sizeof sql, "UPDATE events SET amount_fen = 99999, hash = x'%s' WHERE seq = 4",
           hx);
  tamper(sql);
  ck_assert_uint_eq(verify_bad(), 5);
}
END_TEST

START_TEST(tamper_deleted)
{
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("DELETE FROM events WHERE seq = 3");
  ck_assert_uint_eq(verify_bad(), 3);
}
END_TEST

START_TEST(tamper_deleted_tail)
{
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("DELETE FROM events WHERE seq >= 9");
  ck_assert_uint_eq(verify_bad(), 9);
}
END_TEST

START_TEST(tamper_reordered)
{
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("UPDATE events SET seq = -1 WHERE seq = 4;"
         "UPDATE events SET seq = 4 WHERE seq = 5;"
         "UPDATE events SET seq = 5 WHERE seq = -1;");
  ck_assert_uint_eq(verify_bad(), 4);
}
END_TEST

START_TEST(tamper_renumbered)
{
  /* Delete a row and renumber the rest to close the gap: the links break. */
  struct kiosk_journal *j = open_j();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("DELETE FROM events WHERE seq = 7;"
         "UPDATE events SET seq = seq - 1 WHERE seq > 7;"
         "UPDATE head SET seq = 9;");
  ck_assert_uint_eq(verify_bad(), 7);
}
END_TEST

START_TEST(cashier_fields)
{
  /* A waiver and its VOID: visit, fee item, CJK bill and ref_seq through the database
   * and the JSON line; the chain verifies. */
  struct kiosk_journal *j = open_j();
  fill(j, 3);
  struct proto_event e = event("YL-1", 2000, KIOSK_VERDICT_GRANT);
  e.mode = KIOSK_MODE_CASHIER;
  proto_event_set_visit(&e, KIOSK_VISIT_EMERGENCY);
  e.amount_fen = 1500;
  snprintf(e.bill_ref, sizeof e.bill_ref, "门诊/2026/1");
  snprintf(e.fee_item, sizeof e.fee_item, "consultation");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  struct proto_event v = e;
  v.seq = 0; /* the journal numbers it */
  v.kind = KIOSK_EVENT_VOID;
  v.verdict = KIOSK_VERDICT_DENY;
  v.amount_fen = 0;
  proto_event_set_ref_seq(&v, e.seq);
  ck_assert_int_eq(kiosk_journal_append(j, &v), KIOSK_OK);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_uint_eq(res.checked, 5);
  struct proto_event g;
  ck_assert_int_eq(kiosk_journal_get(j, v.seq, &g), KIOSK_OK);
  ck_assert_int_eq(g.kind, KIOSK_EVENT_VOID);
  ck_assert_uint_eq(proto_event_ref_seq(&g), e.seq);
  ck_assert_int_eq(proto_event_visit(&g), KIOSK_VISIT_EMERGENCY);
  ck_assert_str_eq(g.fee_item, "consultation");
  ck_assert_str_eq(g.bill_ref, "门诊/2026/1");
  char *js = kiosk_event_to_json(&g);
  ck_assert_ptr_nonnull(strstr(js, "\"visit\":\"emergency\""));
  ck_assert_ptr_nonnull(strstr(js, "\"ref_seq\":\"4\""));
  struct proto_event back;
  ck_assert_int_eq(kiosk_event_from_json(js, strlen(js), &back), KIOSK_OK);
  ck_assert_int_eq(back.kind, KIOSK_EVENT_VOID);
  ck_assert_uint_eq(proto_event_ref_seq(&back), e.seq);
  ck_assert_str_eq(back.bill_ref, g.bill_ref);
  free(js);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(export_lines)
{
  struct kiosk_journal *j = open_j();
  fill(j, 5);
  char out[300];
  snprintf(out, sizeof out, "%s/export.jsonl", dir);
  FILE *f = fopen(out, "w+");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(kiosk_journal_export(j, 2, 4, f), KIOSK_OK);
  rewind(f);
  char line[2048];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    n++;
    ck_assert_ptr_nonnull(strstr(line, "\"seq\":"));
    ck_assert_ptr_nonnull(strstr(line, "\"hash\":\""));
  }
  fclose(f);
  ck_assert_int_eq(n, 3);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(disk_full)
{
  struct kiosk_journal *j = open_j();
  fill(j, 3);
  uint64_t pages = 0;
  {
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, NULL);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    pages = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, pages), KIOSK_OK);
  int rc = KIOSK_OK;
  int appended = 0;
  for (int i = 0; i < 10000 && rc == KIOSK_OK; i++) {
    struct proto_event e = event("YL-9", 2000 + i, KIOSK_VERDICT_GRANT);
    rc = kiosk_journal_append(j, &e);
    appended += rc == KIOSK_OK;
  }
  ck_assert_int_eq(rc, KIOSK_E_DB_FULL);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_uint_eq(res.checked, 3u + (uint64_t)appended);
  /* Space again: appends continue the chain. */
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, 1u << 30), KIOSK_OK);
  struct proto_event e = event("YL-9", 99999, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  ck_assert_uint_eq(e.seq, 4u + (uint64_t)appended);
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  kiosk_journal_close(j);
}
END_TEST

START_TEST(readonly_open)
{
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, KIOSK_JOURNAL_READONLY, &j, &d), KIOSK_E_NOT_FOUND);
  j = open_j();
  fill(j, 2);
  kiosk_journal_close(j);
  ck_assert_int_eq(kiosk_journal_open(path, KIOSK_JOURNAL_READONLY, &j, &d), KIOSK_OK);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  struct proto_event e = event("YL-1", 1, KIOSK_VERDICT_GRANT);
  ck_assert_int_ne(kiosk_journal_append(j, &e), KIOSK_OK);
  kiosk_journal_close(j);
}
END_TEST

/* ------------------------------------------------- integrity at open (issue 11, 3) -- */

static int open_checked(char *why, size_t cap)
{
  struct kiosk_journal *j = NULL;
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  int rc = kiosk_journal_open(path, KIOSK_JOURNAL_CHECK, &j, &d);
  if (why)
    kiosk_diag_format(&d, why, cap);
  kiosk_journal_close(j);
  return rc;
}

static struct kiosk_journal *open_c(void)
{
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, KIOSK_JOURNAL_CHECK, &j, &d), KIOSK_OK);
  return j;
}

static void expect_refused(const char *word)
{
  char why[600];
  int rc = open_checked(why, sizeof why);
  ck_assert_msg(rc == KIOSK_E_CHAIN, "opened (rc %d): %s", rc, why);
  ck_assert_msg(strstr(why, word) != NULL, "'%s' lacks '%s'", why, word);
}

START_TEST(open_refuses_altered_row)
{
  struct kiosk_journal *j = open_c();
  fill(j, 10);
  kiosk_journal_close(j);
  ck_assert_int_eq(open_checked(NULL, 0), KIOSK_OK);
  tamper("UPDATE events SET verdict = 0 WHERE seq = 6");
  expect_refused("event 6");
}
END_TEST

START_TEST(open_refuses_cut_tail)
{
  /* Rows deleted and the head table moved back with them: only the sidecar knows. */
  struct kiosk_journal *j = open_c();
  fill(j, 10);
  kiosk_journal_close(j);
  tamper("DELETE FROM events WHERE seq >= 9;"
         "UPDATE head SET seq = 8, hash = (SELECT hash FROM events WHERE seq = 8)");
  expect_refused("tail cut");
}
END_TEST

START_TEST(open_refuses_emptied_file)
{
  struct kiosk_journal *j = open_c();
  fill(j, 3);
  kiosk_journal_close(j);
  char p2[320];
  FILE *zf = fopen(path, "w"); /* zero length */
  ck_assert_ptr_nonnull(zf);
  fclose(zf);
  snprintf(p2, sizeof p2, "%s-wal", path);
  unlink(p2);
  snprintf(p2, sizeof p2, "%s-shm", path);
  unlink(p2);
  expect_refused("replaced or emptied");
  /* A different journal put in its place (its own chain, as long): refused too. */
  unlink(path);
  char hp[320], keep[330];
  snprintf(hp, sizeof hp, "%s.head", path);
  snprintf(keep, sizeof keep, "%s.keep", hp);
  ck_assert_int_eq(rename(hp, keep), 0);
  j = open_j();
  struct proto_event e = event("YL-2", 5000, KIOSK_VERDICT_DENY);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  kiosk_journal_close(j);
  ck_assert_int_eq(rename(keep, hp), 0);
  expect_refused("altered or replaced");
}
END_TEST

START_TEST(open_checks_from_checkpoint)
{
  struct kiosk_journal *j = open_c();
  fill(j, 10);
  ck_assert_int_eq(kiosk_journal_set_acked(j, 8), KIOSK_OK);
  struct proto_event e = event("YL-1", 2000, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK); /* sidecar: head 11, checkpoint 8 */
  kiosk_journal_close(j);
  /* Before the checkpoint: the centre holds these; open does not read them (bounded). */
  tamper("UPDATE events SET verdict = 0 WHERE seq = 3");
  ck_assert_int_eq(open_checked(NULL, 0), KIOSK_OK);
  tamper("UPDATE events SET verdict = 1 WHERE seq = 3; UPDATE events SET verdict = 0 WHERE seq = 8");
  expect_refused("checkpoint event 8");
  tamper("UPDATE events SET verdict = 1 WHERE seq = 8; UPDATE events SET staff_id = 'S02' WHERE seq = 10");
  expect_refused("event 10");
}
END_TEST

START_TEST(open_sidecar_cases)
{
  char hp[320], why[600];
  snprintf(hp, sizeof hp, "%s.head", path);
  /* A journal from before the sidecar: checked whole once, then the record exists. */
  struct kiosk_journal *j = open_j();
  fill(j, 5);
  kiosk_journal_close(j);
  ck_assert_int_ne(access(hp, F_OK), 0);
  ck_assert_int_eq(open_checked(why, sizeof why), KIOSK_OK);
  ck_assert_int_eq(access(hp, F_OK), 0);
  /* A lagging record (a power cut before the page reached the disk) is fine. */
  FILE *f = fopen(hp, "rb");
  char old[KIOSK_JOURNAL_HEAD_LINE_LEN];
  ck_assert_uint_eq(fread(old, 1, sizeof old, f), sizeof old);
  fclose(f);
  j = open_j();
  struct proto_event e = event("YL-3", 3000, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  kiosk_journal_close(j);
  f = fopen(hp, "wb");
  ck_assert_uint_eq(fwrite(old, 1, sizeof old, f), sizeof old);
  fclose(f);
  ck_assert_int_eq(open_checked(why, sizeof why), KIOSK_OK);
  /* Malformed records fail closed. */
  static const char *const bad[] = {"", "yh-journal-head-v1 1\n", "garbage"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    f = fopen(hp, "wb");
    fputs(bad[i], f);
    fclose(f);
    expect_refused("malformed");
  }
}
END_TEST

START_TEST(optional_fields)
{
  /* A journal written before route/trip/stop existed: its events hash as before, the
   * columns are added at the next writable open, a bus event carries them (in the hash,
   * the read-back and the JSON line), and the chain verifies across both kinds. */
  struct kiosk_journal *j = open_j();
  fill(j, 3);
  kiosk_journal_close(j);
  tamper("ALTER TABLE events DROP COLUMN route; ALTER TABLE events DROP COLUMN trip;"
         " ALTER TABLE events DROP COLUMN stop");
  struct kiosk_journal *ro;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, KIOSK_JOURNAL_READONLY, &ro, &d), KIOSK_OK);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(ro, &res), KIOSK_OK); /* read-only, old columns */
  kiosk_journal_close(ro);
  j = open_j();
  struct proto_event e = event("YL-1", 2000, KIOSK_VERDICT_GRANT);
  e.mode = KIOSK_MODE_BUS;
  e.staff_id[0] = '\0';
  snprintf(e.vehicle, sizeof e.vehicle, "GK-0101");
  snprintf(e.route, sizeof e.route, "R6");
  snprintf(e.trip, sizeof e.trip, "T0815");
  snprintf(e.stop, sizeof e.stop, "S12");
  ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  ck_assert_uint_eq(e.seq, 4);
  struct proto_event g;
  ck_assert_int_eq(kiosk_journal_get(j, 4, &g), KIOSK_OK);
  ck_assert_str_eq(g.route, "R6");
  ck_assert_str_eq(g.trip, "T0815");
  ck_assert_str_eq(g.stop, "S12");
  ck_assert_int_eq(kiosk_journal_get(j, 2, &g), KIOSK_OK);
  ck_assert_str_eq(g.route, "");
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  char *line = kiosk_event_to_json(&e);
  ck_assert_ptr_nonnull(strstr(line, "\"route\":\"R6\",\"trip\":\"T0815\",\"stop\":\"S12\""));
  struct proto_event back;
  ck_assert_int_eq(kiosk_event_from_json(line, strlen(line), &back), KIOSK_OK);
  ck_assert_str_eq(back.stop, "S12");
  free(line);
  g.seq = 2;
  ck_assert_int_eq(kiosk_journal_get(j, 2, &g), KIOSK_OK);
  line = kiosk_event_to_json(&g);
  ck_assert_ptr_null(strstr(line, "route")); /* unset: absent, as in the hash */
  free(line);
  kiosk_journal_close(j);
  /* altered after the fact: the chain says where */
  tamper("UPDATE events SET stop = 'S13' WHERE seq = 4");
  ck_assert_uint_eq(verify_bad(), 4);
}
END_TEST

START_TEST(head_parse_table)
{
  struct kiosk_journal_head h;
  char line[KIOSK_JOURNAL_HEAD_LINE_LEN + 8];
  const char *z64 = "0000000000000000000000000000000000000000000000000000000000000000";
  snprintf(line, sizeof line, "yh-journal-head-v1 %020d %s %020d %s\n", 7, z64, 3, z64);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line), &h), KIOSK_OK);
  ck_assert_uint_eq(h.seq, 7);
  ck_assert_uint_eq(h.ckpt_seq, 3);
  /* truncated, oversized, checkpoint after head, upper-case hex, overflow, no newline */
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line) - 1, &h), KIOSK_E_FORMAT);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line) + 1, &h), KIOSK_E_FORMAT);
  snprintf(line, sizeof line, "yh-journal-head-v1 %020d %s %020d %s\n", 3, z64, 7, z64);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line), &h), KIOSK_E_FORMAT);
  snprintf(line, sizeof line, "yh-journal-head-v1 %020d %s %020d %.63sA\n", 7, z64, 3, z64);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line), &h), KIOSK_E_FORMAT);
  snprintf(line, sizeof line, "yh-journal-head-v1 99999999999999999999 %s %020d %s\n", z64, 3,
           z64);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line), &h), KIOSK_E_FORMAT);
  snprintf(line, sizeof line, "yh-journal-head-v1 %020d %s %020d %s ", 7, z64, 3, z64);
  ck_assert_int_eq(kiosk_journal_head_parse(line, strlen(line), &h), KIOSK_E_FORMAT);
  ck_assert_int_eq(kiosk_journal_head_parse(NULL, 0, &h), KIOSK_E_FORMAT);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_journal");
  TCase *tc = tcase_create("journal");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, append_read_chain);
  tcase_add_test(tc, canonical_line);
  tcase_add_test(tc, refuses_id_numbers);
  tcase_add_test(tc, acked_mark);
  tcase_add_test(tc, read_range);
  tcase_add_test(tc, recent_uses);
  tcase_add_test(tc, tamper_altered);
  tcase_add_test(tc, tamper_altered_amount_rehashed);
  tcase_add_test(tc, tamper_deleted);
  tcase_add_test(tc, tamper_deleted_tail);
  tcase_add_test(tc, tamper_reordered);
  tcase_add_test(tc, tamper_renumbered);
  tcase_add_test(tc, export_lines);
  tcase_add_test(tc, disk_full);
  tcase_add_test(tc, readonly_open);
  tcase_add_test(tc, open_refuses_altered_row);
  tcase_add_test(tc, open_refuses_cut_tail);
  tcase_add_test(tc, open_refuses_emptied_file);
  tcase_add_test(tc, open_checks_from_checkpoint);
  tcase_add_test(tc, open_sidecar_cases);
  tcase_add_test(tc, head_parse_table);
  tcase_add_test(tc, cashier_fields);
  tcase_add_test(tc, optional_fields);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
