/*
 * Crash consistency: a child appends to the journal in a tight loop and reports every
 * seq whose append returned (committed) through a pipe; the parent kills it with
 * SIGKILL at a random moment, 50 times over the same database. Each time the chain must
 * verify and every seq reported as committed must be in the journal.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/journal.h"

#define ROUNDS 50

static void child(const char *path, int wfd, unsigned round)
{
  struct kiosk_journal *j;
  struct kiosk_diag d;
  if (kiosk_journal_open(path, 0, &j, &d) != KIOSK_OK)
    _exit(3);
  for (unsigned i = 0;; i++) {
    struct proto_event e;
    memset(&e, 0, sizeof e);
    e.time = 1700000000 + (int64_t)round * 100000 + i;
    snprintf(e.terminal, sizeof e.terminal, "bus-7");
    snprintf(e.site, sizeof e.site, "bus.yl-city-transit");
    e.mode = KIOSK_MODE_BUS;
    snprintf(e.vehicle, sizeof e.vehicle, "GK-D0001");
    snprintf(e.card_no, sizeof e.card_no, "YL-%u", i % 1000);
    e.kind = KIOSK_EVENT_DECISION;
    e.verdict = i % 7 ? KIOSK_VERDICT_GRANT : KIOSK_VERDICT_DENY;
    if (kiosk_journal_append(j, &e) != KIOSK_OK)
      _exit(4);
    uint64_t seq = e.seq;
    if (write(wfd, &seq, sizeof seq) != (ssize_t)sizeof seq)
      _exit(5);
    if (i % 50 == 49)
      kiosk_journal_set_acked(j, seq - 10); /* the sync thread's writes, too */
  }
}

START_TEST(kill_nine)
{
  char dir[] = "/tmp/kiosk-crash-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/journal.db", dir);
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  uint64_t committed = 0, total_killed_after = 0;
  for (unsigned round = 0; round < ROUNDS; round++) {
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
      close(p[0]);
      child(path, p[1], round);
    }
    close(p[1]);
    /* Every fifth round kills blind, 0..40 ms after the fork (often while the database
     * is being opened); the others first wait for the child's first commit (a slow
     * machine or a sanitizer build may take long to start), then 0..30 ms more. */
    uint64_t seq, max_reported = 0;
    if (round % 5 != 0) {
      struct pollfd pfd = {p[0], POLLIN, 0};
      ck_assert_msg(poll(&pfd, 1, 20000) == 1, "round %u: child never committed", round);
      ck_assert_int_eq(read(p[0], &seq, sizeof seq), (ssize_t)sizeof seq);
      ck_assert_uint_eq(seq, committed + 1);
      max_reported = seq;
    }
    struct timespec ts = {0, (long)(rand() % 31) * 1000000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "round %u: child ended by itself (status %d)", round, status);
    ssize_t r;
    while ((r = read(p[0], &seq, sizeof seq)) == (ssize_t)sizeof seq) {
      ck_assert_uint_eq(seq, max_reported ? max_reported + 1 : committed + 1);
      max_reported = seq;
    }
    close(p[0]);

    struct kiosk_journal *j;
    struct kiosk_diag d;
    ck_assert_int_eq(kiosk_journal_open(path, 0, &j, &d), KIOSK_OK);
    struct kiosk_journal_check res;
    int rc = kiosk_journal_verify(j, &res);
    ck_assert_msg(rc == KIOSK_OK, "round %u: chain broken at %llu: %s", round,
                  (unsigned long long)res.bad_seq, res.problem);
    uint64_t last;
    ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
    ck_assert_uint_eq(res.checked, last);
    /* Nothing reported as committed is lost; at most the one in flight is extra. */
    ck_assert_msg(last >= max_reported, "round %u: reported %llu committed, journal ends at %llu",
                  round, (unsigned long long)max_reported, (unsigned long long)last);
    ck_assert_uint_le(last, (max_reported ? max_reported : committed) + 1);
    total_killed_after += last - (max_reported ? max_reported : committed);
    committed = last;
    kiosk_journal_close(j);
  }
  fprintf(stderr, "crash test: %d kills, %llu events committed, %llu committed but not yet "
                  "reported when killed\n",
          ROUNDS, (unsigned long long)committed, (unsigned long long)total_killed_after);
  ck_assert_uint_gt(committed, 0);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_crash");
  TCase *tc = tcase_create("crash");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, kill_nine);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
