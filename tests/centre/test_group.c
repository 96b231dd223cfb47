/*
 * Group commit at the store (issue 15, item 6): several uploads in one transaction, each
 * behind its own savepoint, on a real SQLite file (and, as test_centre_group.pg, on the
 * fixture's PostgreSQL).
 *
 * - One group mixing good uploads of several terminals, two consecutive batches of one
 *   terminal, a broken chain, a gap, a conflicting replay and an unknown terminal: every
 *   good one is stored, every bad one is refused alone with its own answer, nothing
 *   twice; the same group again is a replay that adds nothing.
 * - Sixteen threads, each with its own connection (as the centre's event loops have),
 *   uploading through centre_group_upload at once: all acknowledged, every event exactly
 *   once, and the uploads did share transactions (fewer groups than uploads).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"
#include "synctest.h"

#define SITE "yl-museum"
#define NOW 1767225600

static int backend;
static char target[700];

static void fresh_store(const char *tag)
{
  char dir[512];
  if (synctest_pg()) {
    backend = CENTRE_DB_POSTGRES;
    ck_assert_int_eq(synctest_pg_fresh_dsn(target, sizeof target), 0);
  } else {
    backend = CENTRE_DB_SQLITE;
    ck_assert_int_eq(synctest_tmpdir(tag, dir, sizeof dir), 0);
    snprintf(target, sizeof target, "%s/centre.db", dir);
  }
}

static struct centre_store *open_store(void)
{
  struct centre_store *st = NULL;
  ck_assert_int_eq(centre_store_open(backend, target, 0, &st), CENTRE_OK);
  return st;
}

/* n chained events of a terminal, seq 1..n, nothing the event check holds back. */
static struct proto_event *chain(const char *terminal, size_t n)
{
  struct proto_event *ev = calloc(n, sizeof *ev);
  uint8_t prev[PROTO_HASH_LEN] = {0};
  ck_assert_ptr_nonnull(ev);
  for (size_t i = 0; i < n; i++) {
    synctest_event(i + 1, terminal, SITE, &ev[i]);
    snprintf(ev[i].card_no, sizeof ev[i].card_no, "YL20190201234541");
    memcpy(ev[i].prev_hash, prev, PROTO_HASH_LEN);
    ck_assert_int_eq(centre_event_hash(&ev[i], ev[i].hash), CENTRE_OK);
    memcpy(prev, ev[i].hash, PROTO_HASH_LEN);
  }
  return ev;
}

static uint64_t count(struct centre_store *st, const char *terminal)
{
  uint64_t n = 0;
  ck_assert_int_eq(centre_store_count_events(st, terminal, &n), CENTRE_OK);
  return n;
}

START_TEST(bad_uploads_refused_alone)
{
  static const char *const ids[] = {"G01", "G02", "G03", "G04", "G05", "G06", "G07"};
  struct proto_event *ev[7], broken[2], conflict;
  struct centre_batch b[9];
  struct centre_upload_job job[9], *jobs[9];
  struct centre_store *st;
  fresh_store("group-mix");
  st = open_store();
  for (int i = 0; i < 7; i++) {
    ck_assert_int_eq(centre_store_terminal_register(st, ids[i], SITE, NOW), CENTRE_OK);
    ev[i] = chain(ids[i], 20);
  }
  /* G05 has 10 events in already, so that a replay can conflict. */
  {
    struct centre_batch pre = {10, ev[4], NULL, 0};
    struct centre_upload_result res;
    ck_assert_int_eq(centre_store_upload(st, "G05", SITE, &pre, NOW, &res), CENTRE_OK);
  }
  /* G03's second event does not follow its first: a broken chain at seq 2. */
  memcpy(broken, ev[2], sizeof broken);
  broken[1].prev_hash[0] ^= 1;
  ck_assert_int_eq(centre_event_hash(&broken[1], broken[1].hash), CENTRE_OK);
  /* G05's seq 3 again with another amount (and its own valid hash): a conflict. */
  conflict = ev[4][2];
  conflict.amount_fen += 1;
  ck_assert_int_eq(centre_event_hash(&conflict, conflict.hash), CENTRE_OK);

  memset(b, 0, sizeof b);
  b[0] = (struct centre_batch){10, ev[0], NULL, 0};      /* G01 1..10 */
  b[1] = (struct centre_batch){10, ev[1], NULL, 0};      /* G02 1..10 */
  b[2] = (struct centre_batch){2, broken, NULL, 0};      /* G03: chain */
  b[3] = (struct centre_batch){5, ev[3] + 5, NULL, 0};   /* G04 6..10: gap */
  b[4] = (struct centre_batch){1, &conflict, NULL, 0};   /* G05 3': conflict */
  b[5] = (struct centre_batch){10, ev[0] + 10, NULL, 0}; /* G01 11..20, after b[0] */
  b[6] = (struct centre_batch){20, ev[5], NULL, 0};      /* G06 1..20 */
  b[7] = (struct centre_batch){10, ev[6], NULL, 0};      /* G07 as "G99": unknown */
  b[8] = (struct centre_batch){10, ev[4] + 10, NULL, 0}; /* G05 11..20 */
  for (int i = 0; i < 9; i++) {
    static const char *const who[9] = {"G01", "G02", "G03", "G04", "G05",
                                       "G01", "G06", "G99", "G05"};
    job[i] = (struct centre_upload_job){who[i], SITE, &b[i], NOW, 0, {0}, -1};
    jobs[i] = &job[i];
  }
  ck_assert_int_eq(centre_store_upload_group(st, jobs, 9), CENTRE_OK);
  ck_assert_int_eq(job[0].rc, CENTRE_OK);
  ck_assert_int_eq(job[0].res.acked_through, 10);
  ck_assert_int_eq(job[1].rc, CENTRE_OK);
  ck_assert_int_eq(job[2].rc, CENTRE_E_CHAIN);
  ck_assert_int_eq(job[2].res.bad_seq, 2);
  ck_assert_int_eq(job[3].rc, CENTRE_E_GAP);
  ck_assert_int_eq(job[3].res.expected_seq, 1);
  ck_assert_int_eq(job[4].rc, CENTRE_E_CONFLICT);
  ck_assert_int_eq(job[4].res.bad_seq, 3);
  ck_assert_int_eq(job[5].rc, CENTRE_OK);
  ck_assert_int_eq(job[5].res.acked_through, 20);
  ck_assert_int_eq(job[6].rc, CENTRE_OK);
  ck_assert_int_eq(job[7].rc, CENTRE_E_UNKNOWN_TERMINAL);
  ck_assert_int_eq(job[8].rc, CENTRE_OK);
  ck_assert_int_eq(job[8].res.acked_through, 20);
  ck_assert_uint_eq(count(st, "G01"), 20);
  ck_assert_uint_eq(count(st, "G02"), 10);
  ck_assert_uint_eq(count(st, "G03"), 0); /* the broken batch's good first event too */
  ck_assert_uint_eq(count(st, "G04"), 0);
  ck_assert_uint_eq(count(st, "G05"), 20);
  ck_assert_uint_eq(count(st, "G06"), 20);
  ck_assert_uint_eq(count(st, "G07"), 0);

  /* The same good uploads again (their receipts lost): replays, nothing added. */
  for (int i = 0; i < 9; i++)
    jobs[i] = &job[i];
  ck_assert_int_eq(centre_store_upload_group(st, jobs, 9), CENTRE_OK);
  ck_assert_int_eq(job[0].rc, CENTRE_OK);
  ck_assert_int_eq(job[0].res.inserted, 0);
  ck_assert_int_eq(job[5].rc, CENTRE_OK);
  ck_assert_int_eq(job[6].rc, CENTRE_OK);
  ck_assert_int_eq(job[6].res.inserted, 0);
  ck_assert_uint_eq(count(st, "G01"), 20);
  ck_assert_uint_eq(count(st, "G06"), 20);
  /* G03 goes in once its chain is whole. */
  {
    struct centre_batch good = {20, ev[2], NULL, 0};
    struct centre_upload_job j = {"G03", SITE, &good, NOW, 0, {0}, -1}, *jp = &j;
    ck_assert_int_eq(centre_store_upload_group(st, &jp, 1), CENTRE_OK);
    ck_assert_int_eq(j.rc, CENTRE_OK);
    ck_assert_uint_eq(count(st, "G03"), 20);
  }
  for (int i = 0; i < 7; i++)
    free(ev[i]);
  centre_store_destroy(st);
}
END_TEST

#define THREADS 16
#define EVENTS 60
#define BATCH 5

struct uploader {
  struct centre_group *g;
  char id[8];
  struct proto_event *ev;
  int rc;
  unsigned uploads;
};

static void *uploader_main(void *arg)
{
  struct uploader *u = arg;
  struct centre_store *st = NULL;
  u->rc = centre_store_open(backend, target, 0, &st);
  for (size_t off = 0; u->rc == CENTRE_OK && off < EVENTS; off += BATCH) {
    struct centre_batch b = {BATCH, u->ev + off, NULL, 0};
    struct centre_upload_job j = {u->id, SITE, &b, NOW, 0, {0}, -1};
    u->rc = centre_group_upload(u->g, st, &j);
    if (u->rc == CENTRE_OK && j.res.acked_through != off + BATCH)
      u->rc = CENTRE_E_DB;
    u->uploads++;
  }
  centre_store_destroy(st);
  return NULL;
}

START_TEST(concurrent_uploads_share_commits)
{
  static struct uploader u[THREADS];
  pthread_t th[THREADS];
  struct centre_group *g;
  struct centre_store *st;
  size_t largest = 0;
  unsigned long groups = 0;
  fresh_store("group-threads");
  st = open_store();
  /* The leader holds 20 ms before it takes the queue (the test hook), so that uploads
   * queue even on a fast disk. */
  ck_assert_int_eq(centre_group_create(20, &g), CENTRE_OK);
  for (int i = 0; i < THREADS; i++) {
    u[i].g = g;
    snprintf(u[i].id, sizeof u[i].id, "C%02d", i);
    u[i].ev = chain(u[i].id, EVENTS);
    ck_assert_int_eq(centre_store_terminal_register(st, u[i].id, SITE, NOW), CENTRE_OK);
  }
  for (int i = 0; i < THREADS; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, uploader_main, &u[i]), 0);
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    ck_assert_msg(u[i].rc == CENTRE_OK, "%s: %s", u[i].id, centre_strerror(u[i].rc));
    ck_assert_uint_eq(count(st, u[i].id), EVENTS);
    free(u[i].ev);
  }
  centre_group_stats(g, &largest, &groups);
  ck_assert_msg(largest >= 2 && groups < THREADS * (EVENTS / BATCH),
                "%lu groups for %d uploads, largest %zu", groups, THREADS * (EVENTS / BATCH),
                largest);
  centre_group_destroy(g);
  centre_store_destroy(st);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("centre_group");
  TCase *tc = tcase_create("group");
  SRunner *sr;
  int failed;
  centre_log_set_level(CENTRE_LOG_ERROR);
  tcase_add_test(tc, bad_uploads_refused_alone);
  tcase_add_test(tc, concurrent_uploads_share_commits);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
