/*
 * Two centre processes on one PostgreSQL (issue 15): sixteen terminals upload to both at
 * once (each terminal through two netsync handles, one per centre, on the same journal,
 * so that the two centres receive overlapping batches of the same terminal at the same
 * time), one centre is killed with -9 in the middle and started again, and at the end
 * every event is stored exactly once: each terminal's count is its journal's, no
 * (terminal, seq) twice, every journal acknowledged to its end.
 *
 * Only meaningful on PostgreSQL: registered as test_centre_multi.pg (the fixture
 * "postgres"); run without YH_CENTRE_BACKEND=postgresql it says so and passes nothing.
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

#define NTERM 16
#define EVENTS 600
#define BATCH 50
#define DEADLINE_MS 300000 /* generous: two CPUs shared by many suites */

static char pki_dir[512];
static char names[NTERM][8];
static const char *terms[NTERM];

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

struct side {
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  struct kiosk_journal *kj;
  int ok;         /* the journal was acknowledged to its end through this handle */
  unsigned errors; /* failed rounds (the killed centre, a refused overlap) */
};

struct term {
  struct synctest_journal *j;
  char path[700];
  struct side side[2];
};

static struct term t[NTERM];
static atomic_int stop_all;

struct worker_arg {
  struct term *t;
  int side;
};

/* Upload until the journal is acknowledged to its end; errors (the centre killed under
 * us, connection refused while it restarts) are retried after a short pause. */
static void *worker(void *arg)
{
  struct worker_arg *a = arg;
  struct side *s = &a->t->side[a->side];
  uint64_t deadline = synctest_now_ms() + DEADLINE_MS;
  while (!atomic_load(&stop_all) && synctest_now_ms() < deadline) {
    int rc = netsync_upload_all(s->ns);
    if (rc == NETSYNC_OK && synctest_journal_acked(a->t->j) >= EVENTS) {
      s->ok = 1;
      break;
    }
    if (rc != NETSYNC_OK) {
      s->errors++;
      usleep(100000);
    }
  }
  return NULL;
}

static long total(const struct synctest_centre *c)
{
  long n = 0;
  for (int i = 0; i < NTERM; i++) {
    long k = synctest_centre_count(c, terms[i]);
    n += k > 0 ? k : 0;
  }
  return n;
}

START_TEST(two_centres_one_killed)
{
  struct synctest_centre a, b;
  char dir[512], cmd[2600];
  pthread_t th[NTERM][2];
  struct worker_arg args[NTERM][2];
  long before_kill;

  if (!synctest_pg()) {
    fprintf(stderr, "test_pg_multi: not on PostgreSQL (YH_CENTRE_BACKEND), nothing to do\n");
    return;
  }
  ck_assert_int_eq(synctest_tmpdir("pgmulti", dir, sizeof dir), 0);
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir,
           dir);
  ck_assert_int_eq(system(cmd), 0);
  /* The same database, each its own configuration and port. */
  synctest_centre_pair_init(&a, &b, dir);
  a.workers = b.workers = 4;
  ck_assert_msg(synctest_centre_start(&a, NULL) == 0, "centre A did not start");
  ck_assert_msg(synctest_centre_start(&b, NULL) == 0, "centre B did not start");
  for (int i = 0; i < NTERM; i++) {
    ck_assert_int_eq(synctest_admin(&a, NULL, "terminal", "register", terms[i], "yl-museum",
                                    NULL),
                     0);
    snprintf(t[i].path, sizeof t[i].path, "%s/journal-%s.db", dir, terms[i]);
    ck_assert_int_eq(synctest_journal_open(t[i].path, terms[i], "yl-museum", &t[i].j), 0);
    ck_assert_int_eq(synctest_journal_append(t[i].j, EVENTS), 0);
    for (int k = 0; k < 2; k++) {
      struct side *s = &t[i].side[k];
      struct kiosk_diag d;
      ck_assert_int_eq(kiosk_journal_open(t[i].path, 0, &s->kj, &d), KIOSK_OK);
      synctest_netsync_config(k ? &b : &a, terms[i], &s->p, &s->cfg);
      s->cfg.trace = quiet;
      s->cfg.batch_max = BATCH;
      s->cfg.connect_timeout_ms = 5000;
      ck_assert_int_eq(netsync_create(&s->cfg, &netsync_kiosk_journal_ops, s->kj, NULL, NULL,
                                      &s->ns),
                       NETSYNC_OK);
    }
  }
  for (int i = 0; i < NTERM; i++)
    for (int k = 0; k < 2; k++) {
      args[i][k].t = &t[i];
      args[i][k].side = k;
      ck_assert_int_eq(pthread_create(&th[i][k], NULL, worker, &args[i][k]), 0);
    }
  /* Kill A once a part of the events is in, while the rest is still on the way. */
  {
    uint64_t deadline = synctest_now_ms() + DEADLINE_MS / 2;
    while ((before_kill = total(&a)) < NTERM * EVENTS / 5 && synctest_now_ms() < deadline)
      usleep(50000);
  }
  synctest_centre_kill9(&a);
  fprintf(stderr, "test_pg_multi: centre A killed with -9 at %ld of %d events stored\n",
          before_kill, NTERM * EVENTS);
  usleep(500000);
  ck_assert_msg(synctest_centre_start(&a, NULL) == 0, "centre A did not start again");
  for (int i = 0; i < NTERM; i++)
    for (int k = 0; k < 2; k++)
      pthread_join(th[i][k], NULL);
  {
    unsigned errors = 0;
    for (int i = 0; i < NTERM; i++)
      errors += t[i].side[0].errors + t[i].side[1].errors;
    fprintf(stderr, "test_pg_multi: %u failed rounds retried\n", errors);
  }
  for (int i = 0; i < NTERM; i++) {
    ck_assert_msg(t[i].side[0].ok || t[i].side[1].ok, "%s: never acknowledged to its end",
                  terms[i]);
    ck_assert_uint_eq(synctest_journal_acked(t[i].j), EVENTS);
    ck_assert_int_eq(synctest_centre_count(&a, terms[i]), EVENTS);
  }
  ck_assert_int_eq(synctest_centre_duplicates(&a), 0);
  ck_assert_int_eq(total(&b), NTERM * EVENTS);
  ck_assert_int_eq(synctest_centre_stop(&a), 0);
  ck_assert_int_eq(synctest_centre_stop(&b), 0);
  for (int i = 0; i < NTERM; i++) {
    for (int k = 0; k < 2; k++) {
      netsync_destroy(t[i].side[k].ns);
      kiosk_journal_close(t[i].side[k].kj);
    }
    synctest_journal_close(t[i].j);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("centre_pg_multi");
  TCase *tc = tcase_create("two_centres");
  SRunner *sr;
  int failed;
  for (int i = 0; i < NTERM; i++) {
    snprintf(names[i], sizeof names[i], "M%02d", i);
    terms[i] = names[i];
  }
  if (synctest_tmpdir("pgmulti-pki", pki_dir, sizeof pki_dir) != 0 ||
      synctest_pki_make(pki_dir, terms, NTERM) != 0) {
    fprintf(stderr, "test_pg_multi: PKI\n");
    return 1;
  }
  tcase_add_test(tc, two_centres_one_killed);
  tcase_set_timeout(tc, 560);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
