/*
 * Failover between centres (issue 15): two centre processes on one PostgreSQL, as behind a
 * load balancer, and terminals whose netsync lists both ("https://A https://B"). While the
 * terminals keep journaling and uploading, centre A is killed with -9: their uploads go on
 * through B; A is started again: they fail back to A (a short failback interval here). At
 * the end every event is stored exactly once and every journal is acknowledged to its end.
 *
 * The rig is test_pg_multi.c's (synctest_centre_pair_init). Only meaningful on
 * PostgreSQL: registered as test_centre_failover.pg; without YH_CENTRE_BACKEND=postgresql
 * it says so and passes nothing.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/journal.h"
#include "synctest.h"

#define NTERM 4
#define START_EVENTS 100
#define CHUNK 10
#define DEADLINE_MS 120000 /* generous: two CPUs shared by many suites */

static char pki_dir[512];
static char names[NTERM][8];
static const char *terms[NTERM];

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

struct term {
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  atomic_ullong appended; /* events in the journal */
};

static struct term t[NTERM];
static atomic_int feeding;

/* The terminals keep working: CHUNK events each every 50 ms, a kick after each. */
static void *feeder(void *arg)
{
  (void)arg;
  while (atomic_load(&feeding)) {
    for (int i = 0; i < NTERM; i++) {
      if (synctest_journal_append(t[i].j, CHUNK) != 0) {
        fprintf(stderr, "test_pg_failover: append failed\n");
        abort();
      }
      atomic_fetch_add(&t[i].appended, CHUNK);
      netsync_kick(t[i].ns);
    }
    usleep(50000);
  }
  return NULL;
}

/* Wait until every terminal's netsync uses centre `which` and has acknowledged at least
 * `min_acked` beyond what it had when asked (so the centre in use answered uploads). */
static int wait_all_on(unsigned which, uint64_t more)
{
  uint64_t from[NTERM], deadline = synctest_now_ms() + DEADLINE_MS;
  for (int i = 0; i < NTERM; i++)
    from[i] = synctest_journal_acked(t[i].j);
  while (synctest_now_ms() < deadline) {
    int done = 1;
    for (int i = 0; i < NTERM && done; i++) {
      struct netsync_status st;
      netsync_get_status(t[i].ns, &st);
      done = st.centre == which && synctest_journal_acked(t[i].j) >= from[i] + more;
    }
    if (done)
      return 0;
    usleep(20000);
  }
  return -1;
}

START_TEST(failover_and_failback)
{
  struct synctest_centre a, b;
  char dir[512], cmd[2600], urls[300];
  pthread_t th;
  uint64_t t0 = synctest_now_ms();

  if (!synctest_pg()) {
    fprintf(stderr, "test_pg_failover: not on PostgreSQL (YH_CENTRE_BACKEND), nothing to do\n");
    return;
  }
  ck_assert_int_eq(synctest_tmpdir("pgfailover", dir, sizeof dir), 0);
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir,
           dir);
  ck_assert_int_eq(system(cmd), 0);
  synctest_centre_pair_init(&a, &b, dir);
  a.workers = b.workers = 2;
  ck_assert_msg(synctest_centre_start(&a, NULL) == 0, "centre A did not start");
  ck_assert_msg(synctest_centre_start(&b, NULL) == 0, "centre B did not start");
  synctest_centre_pair_urls(&a, &b, urls, sizeof urls);
  for (int i = 0; i < NTERM; i++) {
    char path[700];
    ck_assert_int_eq(synctest_admin(&a, NULL, "terminal", "register", terms[i], "yl-museum",
                                    NULL),
                     0);
    snprintf(path, sizeof path, "%s/journal-%s.db", dir, terms[i]);
    ck_assert_int_eq(synctest_journal_open(path, terms[i], "yl-museum", &t[i].j), 0);
    ck_assert_int_eq(synctest_journal_append(t[i].j, START_EVENTS), 0);
    atomic_store(&t[i].appended, START_EVENTS);
    synctest_netsync_config(&a, terms[i], &t[i].p, &t[i].cfg);
    t[i].cfg.url = urls;
    t[i].cfg.trace = quiet;
    t[i].cfg.batch_max = 50;
    t[i].cfg.connect_timeout_ms = 5000;
    t[i].cfg.failback_ms = 1500;
    ck_assert_int_eq(netsync_create(&t[i].cfg, &netsync_kiosk_journal_ops,
                                    synctest_journal_kiosk(t[i].j), NULL, NULL, &t[i].ns),
                     NETSYNC_OK);
    ck_assert_int_eq(netsync_start(t[i].ns), NETSYNC_OK);
  }
  atomic_store(&feeding, 1);
  ck_assert_int_eq(pthread_create(&th, NULL, feeder, NULL), 0);

  /* Everyone on A, uploading. */
  ck_assert_msg(wait_all_on(0, START_EVENTS) == 0, "the terminals never uploaded through A");
  synctest_centre_kill9(&a);
  fprintf(stderr, "test_pg_failover: A killed with -9 at %ld events stored (%.1f s)\n",
          synctest_centre_count(&b, terms[0]), (double)(synctest_now_ms() - t0) / 1000.0);
  /* Uploads go on through B. */
  ck_assert_msg(wait_all_on(1, 3 * CHUNK) == 0, "the terminals did not go on through B");
  fprintf(stderr, "test_pg_failover: all on B (%.1f s)\n",
          (double)(synctest_now_ms() - t0) / 1000.0);
  ck_assert_msg(synctest_centre_start(&a, NULL) == 0, "centre A did not start again");
  /* Back to A after the failback interval, and uploading there. */
  ck_assert_msg(wait_all_on(0, 3 * CHUNK) == 0, "the terminals did not fail back to A");
  fprintf(stderr, "test_pg_failover: all back on A (%.1f s)\n",
          (double)(synctest_now_ms() - t0) / 1000.0);

  atomic_store(&feeding, 0);
  pthread_join(th, NULL);
  for (int i = 0; i < NTERM; i++) {
    uint64_t want = atomic_load(&t[i].appended), deadline = synctest_now_ms() + DEADLINE_MS;
    struct netsync_status st;
    netsync_kick(t[i].ns);
    while (synctest_journal_acked(t[i].j) < want && synctest_now_ms() < deadline)
      usleep(20000);
    netsync_get_status(t[i].ns, &st);
    ck_assert_uint_eq(synctest_journal_acked(t[i].j), want);
    ck_assert_int_eq(synctest_centre_count(&a, terms[i]), (long)want);
    ck_assert_uint_ge(st.failovers, 2); /* to B, and back */
    netsync_destroy(t[i].ns);
    synctest_journal_close(t[i].j);
  }
  ck_assert_int_eq(synctest_centre_duplicates(&a), 0);
  fprintf(stderr, "test_pg_failover: every event once (%.1f s)\n",
          (double)(synctest_now_ms() - t0) / 1000.0);
  ck_assert_int_eq(synctest_centre_stop(&a), 0);
  ck_assert_int_eq(synctest_centre_stop(&b), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("centre_pg_failover");
  TCase *tc = tcase_create("failover");
  SRunner *sr;
  int failed;
  for (int i = 0; i < NTERM; i++) {
    snprintf(names[i], sizeof names[i], "F%02d", i);
    terms[i] = names[i];
  }
  if (synctest_tmpdir("pgfailover-pki", pki_dir, sizeof pki_dir) != 0 ||
      synctest_pki_make(pki_dir, terms, NTERM) != 0) {
    fprintf(stderr, "test_pg_failover: PKI\n");
    return 1;
  }
  tcase_add_test(tc, failover_and_failback);
  tcase_set_timeout(tc, 560);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
