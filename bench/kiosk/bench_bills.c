/*
 * The cost of the cashier's index of waived bills (kiosk/bills.h) at start: a journal of
 * N events (default 1,000,000; a third of them cashier decisions, most of them waivers
 * with a bill each) is made in bulk, then the index is made as kiosk_terminal_open makes
 * it: without a sidecar (the whole journal read), and with one (the sidecar written,
 * then read, checked against the journal and the events after it read: none, and
 * KIOSK_BILLS_SAVE_EVERY, the most a terminal leaves unsaved), with the ratio in the same
 * run. Also the sidecar's size and write time, and the cost of a lookup (hit, confirmed
 * on the journal row; miss) against a plain kiosk_journal_get. Never fails on a timing.
 *
 *   bench_bills [N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kiosk/bills.h"
#include "synctest.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This process's CPU time: on a loaded machine (2 cores shared by several builds, the
 * bench under nice) wall time mostly measures the queue; both are printed. */
static double cpu_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
  char dir[512], path[600];
  if (synctest_tmpdir("bench-bills", dir, sizeof dir) != 0)
    return 1;
  snprintf(path, sizeof path, "%s/journal.db", dir);
  struct synctest_journal *sj;
  if (synctest_journal_open(path, "T-BENCH", "hosp.yl-first-people", &sj) != 0)
    return 1;
  double t0 = now_s();
  if (synctest_journal_append(sj, n) != 0)
    return 1;
  printf("journal: %zu events written and verified in %.1f s\n", n, now_s() - t0);
  synctest_journal_close(sj);

  struct kiosk_journal *j;
  struct kiosk_diag d;
  if (kiosk_journal_open(path, 0, &j, &d) != KIOSK_OK)
    return 1;
  struct kiosk_bills *b;
  struct kiosk_bills_origin o;
  char side[640];
  snprintf(side, sizeof side, "%s.bills", path);
  t0 = now_s();
  double c0 = cpu_s();
  if (kiosk_bills_open(j, side, &b, &o) != KIOSK_OK || o.from_sidecar)
    return 1;
  double build = now_s() - t0, build_cpu = cpu_s() - c0;
  size_t count = kiosk_bills_count(b);
  printf("start without a sidecar: %zu bills from %zu events in %.3f s, cpu %.3f s "
         "(%.2f us/event)\n",
         count, n, build, build_cpu, build * 1e6 / (double)n);
  t0 = now_s();
  if (kiosk_bills_save(b, j, side) != KIOSK_OK)
    return 1;
  double save = now_s() - t0;
  struct stat st;
  if (stat(side, &st) != 0)
    return 1;
  printf("sidecar: %lld bytes written (fsync'd) in %.3f s\n", (long long)st.st_size, save);
  struct kiosk_bills *b2;
  t0 = now_s();
  c0 = cpu_s();
  if (kiosk_bills_open(j, side, &b2, &o) != KIOSK_OK || !o.from_sidecar ||
      kiosk_bills_count(b2) != count)
    return 1;
  double load = now_s() - t0, load_cpu = cpu_s() - c0;
  kiosk_bills_destroy(b2);
  printf("start with the sidecar: %.3f s, cpu %.3f s (%llu events after it); ratio "
         "without/with %.0f (cpu %.0f)\n",
         load, load_cpu, (unsigned long long)o.scanned, build / load, build_cpu / load_cpu);
  kiosk_journal_close(j);

  /* The journal moved on by KIOSK_BILLS_SAVE_EVERY events since the sidecar: the longest
   * tail a terminal reads at start. */
  if (synctest_journal_open(path, "T-BENCH", "hosp.yl-first-people", &sj) != 0 ||
      synctest_journal_append(sj, KIOSK_BILLS_SAVE_EVERY) != 0)
    return 1;
  synctest_journal_close(sj);
  if (kiosk_journal_open(path, 0, &j, &d) != KIOSK_OK)
    return 1;
  t0 = now_s();
  c0 = cpu_s();
  if (kiosk_bills_open(j, side, &b2, &o) != KIOSK_OK || !o.from_sidecar)
    return 1;
  double tail = now_s() - t0, tail_cpu = cpu_s() - c0;
  kiosk_bills_destroy(b2);
  printf("start with the sidecar and %llu later events: %.3f s, cpu %.3f s; ratio %.0f "
         "(cpu %.0f)\n",
         (unsigned long long)o.scanned, tail, tail_cpu, build / tail, build_cpu / tail_cpu);

  /* Lookups: hits are confirmed on the row (one kiosk_journal_get each). */
  const unsigned q = 100000;
  char bill[32];
  uint64_t seq;
  int64_t when;
  unsigned hits = 0;
  t0 = now_s();
  for (unsigned i = 0; i < q; i++) {
    snprintf(bill, sizeof bill, "MZ-%u", 1 + 3 * (i % (unsigned)(n / 3)));
    hits += kiosk_bills_find(b, j, "hosp.yl-first-people", bill, &seq, &when) == KIOSK_OK;
  }
  double hit = (now_s() - t0) / q;
  t0 = now_s();
  for (unsigned i = 0; i < q; i++) {
    snprintf(bill, sizeof bill, "NO-%u", i);
    kiosk_bills_find(b, j, "hosp.yl-first-people", bill, &seq, &when);
  }
  double miss = (now_s() - t0) / q;
  struct proto_event e;
  t0 = now_s();
  for (unsigned i = 0; i < q; i++)
    kiosk_journal_get(j, 1 + (uint64_t)(i % n), &e);
  double get = (now_s() - t0) / q;
  printf("lookup: hit %.2f us (%u of %u found), miss %.3f us; kiosk_journal_get %.2f us "
         "(hit/get %.2f)\n",
         hit * 1e6, hits, q, miss * 1e6, get * 1e6, hit / get);
  kiosk_bills_destroy(b);
  kiosk_journal_close(j);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : 1;
}
