/*
 * bench_pg: the centre's store on PostgreSQL against SQLite, measured in the same run.
 *
 * Concurrent upload at the store: T terminals (default 16, 64 and 256), each a thread
 * with its own connection (as the centre's event loops have), each uploading E events
 * (default 2,000; a quarter of that from 256 terminals up, so that a run stays short) in
 * batches of B (default 100) through centre_group_upload on SQLite (group commit) and
 * centre_store_upload on PostgreSQL (the centre's defaults), the same code path as an
 * HTTP upload after parsing (each thread stands for one of the centre's event
 * loops: a real centre has `workers` of them, so 64 or 256 threads here are more writers
 * than it would ever have). Prints events/s, the slowest batch, and the ratio PostgreSQL /
 * SQLite per T. Then the catch-up: one terminal uploading C events (default 100,000) in
 * batches of 2,000, as a terminal back after weeks offline does. Starts its own
 * PostgreSQL (tests/fixture/postgres.sh), so it needs the postgresql package; without it
 * only SQLite is measured.
 *
 *   bench_pg [--terminals 16,64,256] [--events E] [--batch B] [--catchup C]
 *
 * Both stores run with synchronous commits off (sync_full = false), like the tests; the
 * figures compare the stores' SQL and locking, not the disks. Never fails on a timing.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "centre_int.h"
#include "common/hex.h"
#include "db.h"
#include "synctest.h"

struct job {
  struct centre_group *g;
  struct centre_store *st; /* opened before the clock starts, as the centre's loops are */
  int backend;
  const char *target;
  char terminal[16];
  struct proto_event *ev;
  size_t n, batch;
  uint64_t worst_ms;
  int rc;
};

static void *upload(void *arg)
{
  struct job *j = arg;
  struct centre_store *st = j->st;
  j->rc = CENTRE_OK;
  for (size_t off = 0; off < j->n && j->rc == CENTRE_OK; off += j->batch) {
    struct centre_batch b = {0};
    struct centre_upload_result res;
    uint64_t t0 = synctest_now_ms(), ms;
    b.n = j->n - off < j->batch ? j->n - off : j->batch;
    b.ev = j->ev + off;
    if (j->g) {
      struct centre_upload_job uj = {j->terminal, "yl-museum", &b, 1767225600, 0, {0}, -1};
      j->rc = centre_group_upload(j->g, st, &uj);
      res = uj.res;
    } else {
      j->rc = centre_store_upload(st, j->terminal, "yl-museum", &b, 1767225600, &res);
    }
    (void)res;
    ms = synctest_now_ms() - t0;
    if (ms > j->worst_ms)
      j->worst_ms = ms;
  }
  return NULL;
}

static struct proto_event *chain(const char *terminal, size_t n)
{
  struct proto_event *ev = calloc(n, sizeof *ev);
  uint8_t prev[PROTO_HASH_LEN] = {0};
  for (size_t i = 0; ev && i < n; i++) {
    synctest_event(i + 1, terminal, "yl-museum", &ev[i]);
    /* A card number the event check accepts, so that nothing is quarantined. */
    snprintf(ev[i].card_no, sizeof ev[i].card_no, "YL20190201234541");
    memcpy(ev[i].prev_hash, prev, PROTO_HASH_LEN);
    if (centre_event_hash(&ev[i], ev[i].hash) != CENTRE_OK) {
      free(ev);
      return NULL;
    }
    memcpy(prev, ev[i].hash, PROTO_HASH_LEN);
  }
  return ev;
}

/* events/s for T terminals on one store; -1 when it did not run. */
static double run(int backend, const char *target, unsigned terms, size_t events, size_t batch,
                  uint64_t *worst)
{
  struct centre_store *st;
  struct centre_group *g = NULL;
  struct job *jobs = calloc(terms, sizeof *jobs);
  pthread_t *th = calloc(terms, sizeof *th);
  uint64_t t0, ms;
  double rate = -1;
  *worst = 0;
  /* As the centre does by default: group commit on SQLite, not on PostgreSQL. */
  if (!jobs || !th || (backend == CENTRE_DB_SQLITE && centre_group_create(0, &g) != CENTRE_OK) ||
      centre_store_open(backend, target, 0, &st) != CENTRE_OK)
    goto out_free;
  for (unsigned i = 0; i < terms; i++) {
    struct job *j = &jobs[i];
    j->g = g;
    j->backend = backend;
    j->target = target;
    j->n = events;
    j->batch = batch;
    snprintf(j->terminal, sizeof j->terminal, "B%03u", i);
    j->ev = chain(j->terminal, events);
    if (!j->ev || centre_store_terminal_register(st, j->terminal, "yl-museum", 1767225600) !=
                      CENTRE_OK) {
      centre_store_destroy(st);
      goto out_free;
    }
  }
  centre_store_destroy(st);
  for (unsigned i = 0; i < terms; i++)
    if (centre_store_open(backend, target, 0, &jobs[i].st) != CENTRE_OK)
      goto out_free;
  t0 = synctest_now_ms();
  for (unsigned i = 0; i < terms; i++)
    pthread_create(&th[i], NULL, upload, &jobs[i]);
  for (unsigned i = 0; i < terms; i++)
    pthread_join(th[i], NULL);
  ms = synctest_now_ms() - t0;
  rate = (double)terms * (double)events * 1000.0 / (double)(ms ? ms : 1);
  for (unsigned i = 0; i < terms; i++) {
    if (jobs[i].rc != CENTRE_OK) {
      fprintf(stderr, "bench_pg: %s: terminal %u: %s\n", centre_db_backend_name(backend), i,
              centre_strerror(jobs[i].rc));
      rate = -1;
    }
    if (jobs[i].worst_ms > *worst)
      *worst = jobs[i].worst_ms;
  }
out_free:
  for (unsigned i = 0; jobs && i < terms; i++) {
    free(jobs[i].ev);
    centre_store_destroy(jobs[i].st);
  }
  free(jobs);
  free(th);
  centre_group_destroy(g);
  return rate;
}

static const char *loadavg(char *out, size_t cap)
{
  FILE *f = fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if (f) {
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
      a = b = c = 0;
    fclose(f);
  }
  snprintf(out, cap, "%.1f %.1f %.1f", a, b, c);
  return out;
}

int main(int argc, char **argv)
{
  char list[64] = "16,64,256", dir[512], state[600], cmd[1400], dsn[700] = "", db[600];
  size_t events = 2000, batch = 100, catchup = 100000;
  int have_pg = 0;
  char load[64];
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--terminals") == 0)
      snprintf(list, sizeof list, "%s", argv[i + 1]);
    else if (strcmp(argv[i], "--events") == 0)
      events = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--batch") == 0)
      batch = strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--catchup") == 0)
      catchup = strtoul(argv[i + 1], NULL, 10);
    else {
      fprintf(stderr, "usage: bench_pg [--terminals 16,64,256] [--events E] [--batch B]"
                      " [--catchup C]\n");
      return 2;
    }
  }
  if (events == 0 || batch == 0 || batch > CENTRE_BATCH_MAX_EVENTS)
    return 2;
  centre_log_set_level(CENTRE_LOG_ERROR);
  if (synctest_tmpdir("bench-pg", dir, sizeof dir) != 0)
    return 1;
  snprintf(state, sizeof state, "%s/pg.state", dir);
  snprintf(cmd, sizeof cmd, "%s/tests/fixture/postgres.sh start %s", YH_SOURCE_DIR, state);
  if (system(cmd) == 0) {
    setenv("YH_PG_STATE", state, 1);
    have_pg = 1;
  } else {
    fprintf(stderr, "bench_pg: no PostgreSQL; SQLite only\n");
  }
  printf("store upload, %zu events per terminal in batches of %zu (synchronous commit off)\n",
         events, batch);
  for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    unsigned terms = (unsigned)strtoul(t, NULL, 10);
    uint64_t w_lite = 0, w_pg = 0;
    double lite, pg = -1;
    size_t each = terms >= 256 && events / 4 >= batch ? events / 4 : events;
    if (terms == 0 || terms > 256)
      continue;
    snprintf(db, sizeof db, "%s/lite-%u.db", dir, terms);
    lite = run(CENTRE_DB_SQLITE, db, terms, each, batch, &w_lite);
    if (have_pg && synctest_pg_fresh_dsn(dsn, sizeof dsn) == 0)
      pg = run(CENTRE_DB_POSTGRES, dsn, terms, each, batch, &w_pg);
    printf("%3u terminals x %5zu events: sqlite %8.0f events/s (slowest batch %" PRIu64
           " ms), postgresql %8.0f events/s (slowest batch %" PRIu64 " ms), ratio pg/sqlite %.2f"
           "  (load %s)\n",
           terms, each, lite, w_lite, pg, w_pg, lite > 0 && pg > 0 ? pg / lite : 0.0,
           loadavg(load, sizeof load));
    fflush(stdout);
  }
  if (catchup > 0) {
    uint64_t w_lite = 0, w_pg = 0;
    double lite, pg = -1;
    snprintf(db, sizeof db, "%s/lite-catchup.db", dir);
    lite = run(CENTRE_DB_SQLITE, db, 1, catchup, 2000, &w_lite);
    if (have_pg && synctest_pg_fresh_dsn(dsn, sizeof dsn) == 0)
      pg = run(CENTRE_DB_POSTGRES, dsn, 1, catchup, 2000, &w_pg);
    printf("catch-up, 1 terminal x %zu events in batches of 2000: sqlite %8.0f events/s"
           " (slowest batch %" PRIu64 " ms), postgresql %8.0f events/s (slowest batch %" PRIu64
           " ms), ratio pg/sqlite %.2f  (load %s)\n",
           catchup, lite, w_lite, pg, w_pg, lite > 0 && pg > 0 ? pg / lite : 0.0,
           loadavg(load, sizeof load));
  }
  if (have_pg) {
    snprintf(cmd, sizeof cmd, "%s/tests/fixture/postgres.sh stop %s", YH_SOURCE_DIR, state);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_pg: the PostgreSQL in %s did not stop\n", dir);
  }
  return 0;
}
