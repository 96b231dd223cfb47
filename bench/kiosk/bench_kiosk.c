/*
 * kiosk benchmarks. Prints figures and ratios against baselines measured in the same
 * run; never fails on a timing.
 *
 *   1. decisions per second of the engine alone (kiosk_decide, all modes);
 *   2. durable journal appends per second against the raw write+fdatasync rate of a
 *      file in the same directory (goal: >= 50 % of it);
 *   3. a 1,000,000-entry revocation list: load + verify time (goal < 300 ms), memory
 *      (goal < 32 MB), lookup time (goal < 1 us).
 *
 * usage: bench_kiosk [DIR] [--seconds S]   (DIR: where the journal and files go; default
 * a new directory under the current one, removed afterwards)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/journal.h"
#include "kiosk/revoke.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint64_t sink;

static void bench_decide(double seconds)
{
  struct kiosk_policy p;
  memset(&p, 0, sizeof p);
  kiosk_parse_date("2018-12-27", &p.start_day);
  kiosk_parse_date("2023-12-27", &p.end_day);
  p.utc_offset_s = 8 * 3600;
  p.gate_repeat_s = 7200;
  p.bus_repeat_s = 600;
  p.revlist_max_age_s = 72 * 3600;
  p.stale = KIOSK_STALE_WARN;
  p.cashier_max_fen = 10000;
  struct kiosk_card_facts c;
  memset(&c, 0, sizeof c);
  snprintf(c.card_no, sizeof c.card_no, "YL2019-000123");
  c.award = KIOSK_AWARD_DONOR_STAR;
  c.award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c.check[i] = KIOSK_CHECK_OK;
  struct kiosk_request r;
  memset(&r, 0, sizeof r);
  r.card = &c;
  r.site_modes = 0x1E;
  r.now = 1590976800;
  r.holder = KIOSK_HOLDER_SSC_MATCHED;
  r.staff = KIOSK_STAFF_HOLDER_CONFIRMED;
  r.staff_id = "S1";
  r.revocation.status = KIOSK_REV_NOT_LISTED;
  r.revocation.issued_at = r.now - 3600;
  r.recent.known = 1;
  r.visit = KIOSK_VISIT_OUTPATIENT;
  r.bill_ref = "MZ-1";
  r.amount_fen = 1500;
  r.tariff_fen = 1500; /* the tariff in force (issue 12) */
  r.journal_writable = 1;
  r.override_queue_room = 1;
  uint64_t n = 0;
  double t0 = now_s(), t;
  do {
    for (int i = 0; i < 10000; i++, n++) {
      struct kiosk_verdict v;
      r.mode = (enum kiosk_mode)(1 + (n & 3));
      r.now++;
      kiosk_decide(&p, &r, &v);
      sink += v.reasons;
    }
    t = now_s() - t0;
  } while (t < seconds);
  printf("engine: %.0f decisions/s (%.0f ns each, %llu decisions)\n", (double)n / t,
         t / (double)n * 1e9, (unsigned long long)n);
}

static void bench_journal(const char *dir, double seconds)
{
  /* Baseline: write + fdatasync of a small record, appended to a file here. */
  char path[1024];
  snprintf(path, sizeof path, "%s/fsync-baseline.bin", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    perror(path);
    return;
  }
  char rec[256];
  memset(rec, 'x', sizeof rec);
  uint64_t nf = 0;
  double t0 = now_s(), tf = 1e-9;
  do {
    if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec || fdatasync(fd) != 0) {
      perror("baseline");
      break;
    }
    nf++;
    tf = now_s() - t0;
  } while (tf < seconds);
  close(fd);
  unlink(path);
  double raw = (double)nf / tf;

  snprintf(path, sizeof path, "%s/bench-journal.db", dir);
  struct kiosk_journal *j;
  struct kiosk_diag d;
  if (kiosk_journal_open(path, 0, &j, &d) != KIOSK_OK) {
    fprintf(stderr, "journal: %s\n", d.text);
    return;
  }
  uint64_t nj = 0;
  double tj = 1e-9;
  t0 = now_s();
  do {
    struct proto_event e;
    memset(&e, 0, sizeof e);
    e.time = 1590976800 + (int64_t)nj;
    snprintf(e.terminal, sizeof e.terminal, "bench-1");
    snprintf(e.site, sizeof e.site, "bus.yl-city-transit");
    e.mode = KIOSK_MODE_BUS;
    snprintf(e.vehicle, sizeof e.vehicle, "GK-D0001");
    snprintf(e.card_no, sizeof e.card_no, "YL-%llu", (unsigned long long)(nj % 5000));
    e.kind = KIOSK_EVENT_DECISION;
    e.verdict = KIOSK_VERDICT_GRANT;
    if (kiosk_journal_append(j, &e) != KIOSK_OK) {
      fprintf(stderr, "append failed: %s\n", kiosk_journal_errmsg(j));
      break;
    }
    nj++;
    tj = now_s() - t0;
  } while (tj < seconds);
  /* A recent-uses query as the bus path runs it, on the now populated journal. */
  struct kiosk_recent rec_uses;
  uint64_t nq = 0;
  double tq0 = now_s(), tq;
  do {
    char card[24];
    snprintf(card, sizeof card, "YL-%llu", (unsigned long long)(nq % 5000));
    kiosk_journal_recent(j, card, "bus.yl-city-transit", "GK-D0001", 1590976800, &rec_uses);
    nq++;
    tq = now_s() - tq0;
  } while (tq < 0.5);
  kiosk_journal_close(j);
  double app = (double)nj / tj;
  printf("disk: raw write+fdatasync %.0f/s (%.3f ms each)\n", raw, 1e3 / raw);
  printf("journal: %.0f durable appends/s (%.3f ms each, %llu appends) = %.0f %% of the raw "
         "fdatasync rate (goal >= 50 %%)\n",
         app, 1e3 / app, (unsigned long long)nj, 100.0 * app / raw);
  printf("journal: recent-uses query %.1f us (%llu queries)\n", tq / (double)nq * 1e6,
         (unsigned long long)nq);
}

/* Baseline for the lookup: the time of one dependent random read in a 32 MB array
 * (a cache and TLB miss), measured now, on this machine. */
static double memory_latency_ns(void)
{
  const size_t n = 4u * 1024u * 1024u; /* 32 MB of size_t */
  size_t *next = malloc(n * sizeof *next);
  if (!next)
    return 0;
  for (size_t i = 0; i < n; i++)
    next[i] = i;
  srand(11);
  for (size_t i = n - 1; i > 0; i--) { /* Sattolo: one cycle through all slots */
    size_t j = ((size_t)rand() * 65536u + (size_t)rand()) % i;
    size_t t = next[i];
    next[i] = next[j];
    next[j] = t;
  }
  size_t at = 0;
  const size_t steps = 2000000;
  double t0 = now_s();
  for (size_t i = 0; i < steps; i++)
    at = next[at];
  double t = now_s() - t0;
  sink += at;
  free(next);
  return t / (double)steps * 1e9;
}

static void bench_revlist(const char *dir)
{
  const size_t n = 1000000;
  struct proto_key *key;
  if (kiosk_revkey_generate(&key) != KIOSK_OK)
    return;
  struct proto_rev_entry *e = malloc(n * sizeof *e);
  for (size_t i = 0; i < n; i++) {
    snprintf(e[i].card_no, sizeof e[i].card_no, "YL%04zu-%06zu", 2019 + i % 5, i * 3);
    e[i].generation = (uint32_t)(i % 4);
    e[i].kind = i % 10 == 0 ? KIOSK_REV_BELOW : KIOSK_REV_EXACT;
    if (e[i].kind == KIOSK_REV_BELOW && e[i].generation == 0)
      e[i].generation = 1;
  }
  uint8_t *blob;
  size_t len;
  if (kiosk_revlist_write_snapshot(e, n, 1, (int64_t)time(NULL), key, &blob, &len) != KIOSK_OK) {
    fprintf(stderr, "revocation list: write failed\n");
    free(e);
    kiosk_revkey_destroy(key);
    return;
  }
  char path[1024];
  snprintf(path, sizeof path, "%s/bench.yrl", dir);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(blob, 1, len, f) != len) {
    perror(path);
    if (f)
      fclose(f);
    free(blob);
    free(e);
    kiosk_revkey_destroy(key);
    return;
  }
  fclose(f);
  free(blob);
  double best = 1e9;
  struct kiosk_revlist *rl = NULL;
  for (int round = 0; round < 3; round++) {
    kiosk_revlist_destroy(rl);
    kiosk_revlist_create(&rl);
    struct kiosk_diag d;
    double t0 = now_s();
    int rc = kiosk_revlist_load(rl, path, key, &d);
    double t = now_s() - t0;
    if (rc != KIOSK_OK) {
      fprintf(stderr, "revocation list: load failed: %s\n", d.text);
      break;
    }
    if (t < best)
      best = t;
  }
  /* Lookups: half listed (random), half not listed. */
  const size_t q = 1000000;
  char(*cards)[24] = malloc(q * sizeof *cards);
  uint32_t *gens = malloc(q * sizeof *gens);
  srand(7);
  for (size_t i = 0; i < q; i++) {
    size_t k = (size_t)rand() % n;
    if (i & 1)
      snprintf(cards[i], sizeof cards[i], "%s", e[k].card_no);
    else
      snprintf(cards[i], sizeof cards[i], "YL%04zu-%06zu", 2019 + k % 5, k * 3 + 1);
    gens[i] = e[k].generation;
  }
  size_t revoked = 0;
  double t0 = now_s();
  for (size_t i = 0; i < q; i++) {
    struct kiosk_rev_lookup r;
    kiosk_revlist_lookup(rl, cards[i], gens[i], &r);
    revoked += r.status == KIOSK_REV_REVOKED;
  }
  double tl = now_s() - t0;
  /* The usual case on a terminal: cards that are not listed at all. */
  double tu0 = now_s();
  for (size_t i = 0; i < q; i += 2) {
    struct kiosk_rev_lookup r;
    kiosk_revlist_lookup(rl, cards[i], gens[i], &r);
    sink += r.status;
  }
  double tu = (now_s() - tu0) / (double)(q / 2);
  /* The same card again and again: the lookup's own cost, everything in cache. */
  struct kiosk_rev_lookup hot;
  double th0 = now_s();
  for (size_t i = 0; i < q; i++) {
    kiosk_revlist_lookup(rl, cards[1], gens[1], &hot);
    sink += hot.status;
  }
  double th = now_s() - th0;
  double miss = memory_latency_ns();
  printf("revocation list: %zu entries, file %.1f MB, load+verify %.0f ms (best of 3; goal < 300 "
         "ms), memory %.1f MB (goal < 32 MB)\n",
         kiosk_revlist_count(rl), (double)len / 1048576.0, best * 1e3,
         (double)kiosk_revlist_memory(rl) / 1048576.0);
  printf("revocation list: lookup %.0f ns random (goal < 1000 ns; half listed cards, %zu of "
         "%zu revoked), %.0f ns for unlisted cards, %.0f ns cached; one random memory read "
         "here costs %.0f ns, so a random lookup = %.1f of them\n",
         tl / (double)q * 1e9, revoked, q, tu * 1e9, th / (double)q * 1e9, miss,
         miss > 0 ? tl / (double)q * 1e9 / miss : 0.0);
  free(cards);
  free(gens);
  free(e);
  kiosk_revlist_destroy(rl);
  kiosk_revkey_destroy(key);
  unlink(path);
}

int main(int argc, char **argv)
{
  const char *dir = NULL;
  double seconds = 2.0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      seconds = atof(argv[++i]);
    else if (strcmp(argv[i], "--help") == 0) {
      puts("usage: bench_kiosk [DIR] [--seconds S]");
      return 0;
    } else
      dir = argv[i];
  }
  char tmp[] = "./kiosk-bench-XXXXXX";
  int made = 0;
  if (!dir) {
    if (!mkdtemp(tmp)) {
      perror("mkdtemp");
      return 1;
    }
    dir = tmp;
    made = 1;
  }
  bench_decide(seconds);
  bench_journal(dir, seconds);
  bench_revlist(dir);
  if (made) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", tmp);
  }
  return 0;
}
