/*
 * bench_group: uploads per second with small batches, group commit off against on, in
 * the same run, with the disk's raw sync rate as the floor (issue 15, item 6).
 *
 *   bench_group [--terminals T] [--events E] [--batch B] [--workers W] [--pg]
 *               default      32            200        10         8
 *
 * 1. The floor: write 4 KiB and fdatasync() it, again and again for two seconds, in the
 *    directory that holds the store: the syncs per second this disk gives.
 * 2. The real centre (child process, mutual TLS on loopback, `sync_full = true`: every
 *    receipt durable) with `[store] group_commit = false`, then `= true`, each on a new
 *    store: T terminals, each a thread with its own netsync handle and kiosk journal of E
 *    events, upload at once in batches of B events. Prints uploads/s and events/s, the
 *    ratio on/off and each against the floor.
 * --pg: the store on a private PostgreSQL (tests/fixture/postgres.sh) with
 *    synchronous_commit on, instead of SQLite.
 *
 * Never fails on a timing; the machine's load average is printed beside the figures.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netsync/netsync.h"
#include "synctest.h"

struct term {
  char id[16];
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  int rc;
};

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  (void)line;
}

static void loadavg(char *out, size_t cap)
{
  FILE *f = fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if (f) {
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
      a = b = c = 0;
    fclose(f);
  }
  snprintf(out, cap, "%.1f %.1f %.1f", a, b, c);
}

/* fdatasync()s per second of a 4 KiB write in dir. */
static double sync_rate(const char *dir)
{
  char path[700], buf[4096];
  uint64_t t0, n = 0;
  int fd;
  snprintf(path, sizeof path, "%s/fsync.probe", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  memset(buf, 'y', sizeof buf);
  t0 = synctest_now_ms();
  while (synctest_now_ms() - t0 < 2000) {
    if (pwrite(fd, buf, sizeof buf, (off_t)((n % 16) * sizeof buf)) != (ssize_t)sizeof buf ||
        fdatasync(fd) != 0)
      break;
    n++;
  }
  close(fd);
  unlink(path);
  return (double)n * 1000.0 / (double)(synctest_now_ms() - t0);
}

static void *upload(void *arg)
{
  struct term *t = arg;
  t->rc = netsync_upload_all(t->ns);
  return NULL;
}

/* uploads/s of one centre run; -1 when something failed. */
static double run(const char *dir, const char *tag, int group, unsigned terms, size_t events,
                  unsigned batch, unsigned workers, struct term *t, double *ev_rate)
{
  struct synctest_centre c;
  pthread_t *th = calloc(terms, sizeof *th);
  char db[64], jpath[800];
  uint64_t t0, ms;
  double rate = -1;
  snprintf(db, sizeof db, "centre-%s.db", tag);
  synctest_centre_init(&c, dir, db);
  c.workers = workers;
  c.sync_full = 1;
  snprintf(c.store_extra, sizeof c.store_extra, "group_commit = %s\n", group ? "true" : "false");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre-%s.log", dir, tag);
  if (!th || synctest_centre_start(&c, NULL) != 0) {
    fprintf(stderr, "bench_group: the centre did not start (%s)\n", c.log_path);
    free(th);
    return -1;
  }
  for (unsigned i = 0; i < terms; i++) {
    if (synctest_admin(&c, NULL, "terminal", "register", t[i].id, "yl-museum", NULL) != 0)
      goto out_stop;
    snprintf(jpath, sizeof jpath, "%s/journal-%s-%s.db", dir, tag, t[i].id);
    if (synctest_journal_open(jpath, t[i].id, "yl-museum", &t[i].j) != 0 ||
        synctest_journal_append(t[i].j, events) != 0)
      goto out_stop;
    synctest_netsync_config(&c, t[i].id, &t[i].p, &t[i].cfg);
    t[i].cfg.batch_max = batch;
    t[i].cfg.trace = quiet;
    if (netsync_create(&t[i].cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(t[i].j),
                       NULL, NULL, &t[i].ns) != NETSYNC_OK)
      goto out_stop;
  }
  t0 = synctest_now_ms();
  for (unsigned i = 0; i < terms; i++)
    pthread_create(&th[i], NULL, upload, &t[i]);
  for (unsigned i = 0; i < terms; i++)
    pthread_join(th[i], NULL);
  ms = synctest_now_ms() - t0;
  rate = (double)terms * (double)((events + batch - 1) / batch) * 1000.0 / (double)(ms ? ms : 1);
  *ev_rate = (double)terms * (double)events * 1000.0 / (double)(ms ? ms : 1);
  for (unsigned i = 0; i < terms; i++) {
    if (t[i].rc != NETSYNC_OK || synctest_journal_acked(t[i].j) != events) {
      fprintf(stderr, "bench_group: %s: %s: %s\n", tag, t[i].id, netsync_errname(t[i].rc));
      rate = -1;
    }
  }
  if (rate > 0 && synctest_centre_duplicates(&c) != 0) {
    fprintf(stderr, "bench_group: %s: duplicates in the store\n", tag);
    rate = -1;
  }
out_stop:
  for (unsigned i = 0; i < terms; i++) {
    netsync_destroy(t[i].ns);
    synctest_journal_close(t[i].j);
    t[i].ns = NULL;
    t[i].j = NULL;
    t[i].rc = 0;
  }
  synctest_centre_stop(&c);
  free(th);
  return rate;
}

int main(int argc, char **argv)
{
  unsigned terms = 32, batch = 10, workers = 8;
  size_t events = 200;
  int pg = 0;
  char dir[512], state[600], cmd[1400], load[64];
  const char **names;
  struct term *t;
  double floor_rate, off, on, ev_off = 0, ev_on = 0;

  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--pg") == 0) {
      pg = 1;
      continue;
    }
    if (!v)
      goto usage;
    if (strcmp(argv[i], "--terminals") == 0)
      terms = (unsigned)strtoul(v, NULL, 10);
    else if (strcmp(argv[i], "--events") == 0)
      events = strtoul(v, NULL, 10);
    else if (strcmp(argv[i], "--batch") == 0)
      batch = (unsigned)strtoul(v, NULL, 10);
    else if (strcmp(argv[i], "--workers") == 0)
      workers = (unsigned)strtoul(v, NULL, 10);
    else
      goto usage;
    i++;
  }
  if (terms == 0 || terms > 1000 || events == 0 || batch == 0 || batch > 5000 || workers == 0 ||
      workers > 64)
    goto usage;
  if (synctest_tmpdir("bench-group", dir, sizeof dir) != 0)
    return 1;
  t = calloc(terms, sizeof *t);
  names = calloc(terms, sizeof *names);
  if (!t || !names)
    return 1;
  for (unsigned i = 0; i < terms; i++) {
    snprintf(t[i].id, sizeof t[i].id, "G%03u", i);
    names[i] = t[i].id;
  }
  if (synctest_pki_make(dir, names, terms) != 0) {
    fprintf(stderr, "bench_group: cannot make the PKI\n");
    return 1;
  }
  if (pg) {
    snprintf(state, sizeof state, "%s/pg.state", dir);
    snprintf(cmd, sizeof cmd, "%s/tests/fixture/postgres.sh start %s", YH_SOURCE_DIR, state);
    if (system(cmd) != 0) {
      fprintf(stderr, "bench_group: no PostgreSQL\n");
      return 1;
    }
    setenv("YH_PG_STATE", state, 1);
    setenv("YH_CENTRE_BACKEND", "postgresql", 1);
  }
  loadavg(load, sizeof load);
  floor_rate = sync_rate(dir);
  printf("bench_group: %u terminals x %zu events in batches of %u, %u workers, store %s, "
         "sync_full on\n",
         terms, events, batch, workers, pg ? "postgresql" : "sqlite");
  printf("disk floor: %.0f fdatasync/s of 4 KiB in %s (load %s)\n", floor_rate, dir, load);
  fflush(stdout);
  loadavg(load, sizeof load);
  off = run(dir, "off", 0, terms, events, batch, workers, t, &ev_off);
  printf("group commit off: %8.0f uploads/s %9.0f events/s  x floor %.2f  (load before %s)\n",
         off, ev_off, floor_rate > 0 ? off / floor_rate : 0.0, load);
  fflush(stdout);
  loadavg(load, sizeof load);
  on = run(dir, "on", 1, terms, events, batch, workers, t, &ev_on);
  printf("group commit on:  %8.0f uploads/s %9.0f events/s  x floor %.2f  (load before %s)\n",
         on, ev_on, floor_rate > 0 ? on / floor_rate : 0.0, load);
  printf("ratio on/off: %.2f\n", off > 0 && on > 0 ? on / off : 0.0);
  if (pg) {
    snprintf(cmd, sizeof cmd, "%s/tests/fixture/postgres.sh stop %s", YH_SOURCE_DIR, state);
    if (system(cmd) != 0)
      fprintf(stderr, "bench_group: the PostgreSQL in %s did not stop\n", dir);
  }
  free(t);
  free(names);
  return 0;

usage:
  fprintf(stderr, "usage: bench_group [--terminals T] [--events E] [--batch B] [--workers W] "
                  "[--pg]\n");
  return 2;
}
