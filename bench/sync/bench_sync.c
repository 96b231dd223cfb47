/*
 * bench_sync: the sync path's figures, each against a baseline measured in the same run.
 *
 *   1. Catch-up: N events (default 100,000) made offline, uploaded by netsync to the real
 *      centre over TLS on loopback; events per second, against inserting the same rows
 *      into the same table with the sqlite3 command-line program (goal >= 50 %).
 *   2. Bytes on the wire per event: gzip'd batch bodies plus HTTP headers, against the
 *      raw JSON (goal < 100 bytes per event).
 *   3. Revocation delta: M entries (default 1,000,000) in the centre's list, then 1,000
 *      changes; the delta's size as kiosk's signed binary and as sent gzip'd, against the
 *      full snapshot (goal < 16 KB).
 *
 *   bench_sync [--events N] [--entries M] [--batch B]
 * Prints figures; exit 0 unless something did not run at all.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "centre_int.h"
#include "common/cardno.h"
#include "netsync/netsync.h"
#include "netsync_int.h"
#include "synctest.h"

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  (void)line;
}

static int die(const char *what)
{
  fprintf(stderr, "bench_sync: %s\n", what);
  return 1;
}

/* ------------------------------------------------- 1 and 2: the journal -- */

struct collect {
  struct proto_event *ev;
  size_t n, cap;
};

static int collect_cb(const struct proto_event *e, void *user)
{
  struct collect *c = user;
  if (c->n < c->cap)
    c->ev[c->n++] = *e;
  return 0;
}

static void hex(const uint8_t *in, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", in[i]);
}

/* The same rows as the centre's events table, as SQL for the sqlite3 program. */
static int write_sql(const char *path, const struct proto_event *ev, size_t n)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f, "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n"
             "CREATE TABLE events (terminal_id VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,"
             " time BIGINT NOT NULL, month INTEGER NOT NULL, site_id VARCHAR(64) NOT NULL,"
             " mode VARCHAR(16) NOT NULL, vehicle VARCHAR(32) NOT NULL,"
             " card_no VARCHAR(20) NOT NULL, generation BIGINT NOT NULL,"
             " kind VARCHAR(16) NOT NULL, verdict VARCHAR(16) NOT NULL,"
             " reasons VARCHAR(16) NOT NULL, amount_fen BIGINT NOT NULL,"
             " bill_ref VARCHAR(64) NOT NULL, staff_id VARCHAR(32) NOT NULL,"
             " prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL,"
             " received_at BIGINT NOT NULL, PRIMARY KEY (terminal_id, seq));\n"
             "CREATE INDEX events_site_month ON events (site_id, month);\nBEGIN;\n");
  for (size_t i = 0; i < n; i++) {
    const struct proto_event *e = &ev[i];
    char prev[65], cur[65];
    hex(e->prev_hash, 32, prev);
    hex(e->hash, 32, cur);
    fprintf(f,
            "INSERT INTO events VALUES ('%s',%" PRIu64 ",%" PRId64 ",%d,'%s','%s','%s','%s',%" PRIu32
            ",'%s','%s','%016" PRIx64 "',%" PRId64 ",'%s','%s','%s','%s',%d);\n",
            e->terminal, e->seq, e->time, centre_month_cst(e->time), e->site,
            kiosk_mode_name(e->mode), e->vehicle, e->card_no, e->generation,
            kiosk_event_kind_name(e->kind), kiosk_verdict_name(e->verdict), e->reasons,
            e->amount_fen, e->bill_ref, e->staff_id, prev, cur, 1767225600);
  }
  fprintf(f, "COMMIT;\n");
  return fclose(f);
}

static double run_sqlite_cli(const char *db, const char *sql)
{
  uint64_t t0;
  pid_t pid;
  int status;
  unlink(db);
  t0 = synctest_now_ms();
  pid = fork();
  if (pid == 0) {
    FILE *in = freopen(sql, "r", stdin);
    FILE *out = freopen("/dev/null", "w", stdout);
    (void)in;
    (void)out;
    execlp("sqlite3", "sqlite3", db, (char *)NULL);
    _exit(127);
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return -1;
  return (double)(synctest_now_ms() - t0);
}

static double cpu_ms(const struct rusage *a, const struct rusage *b)
{
  return (double)(b->ru_utime.tv_sec - a->ru_utime.tv_sec + b->ru_stime.tv_sec -
                  a->ru_stime.tv_sec) * 1000.0 +
         (double)(b->ru_utime.tv_usec - a->ru_utime.tv_usec + b->ru_stime.tv_usec -
                  a->ru_stime.tv_usec) / 1000.0;
}

static int bench_catch_up(const char *dir, size_t events, unsigned batch)
{
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  struct collect col;
  struct ns_buf json = {NULL, 0, 0, 64u << 20}, gz = {NULL, 0, 0, 64u << 20};
  char jpath[700], sql[700], db[700];
  uint64_t t0, ms, enc_ms;
  struct rusage self0, self1, kids0, kids1, enc1;
  double up_cpu;
  double cli_ms, ours, theirs;
  size_t wire = 0, raw = 0, requests = 0;
  int rc;

  synctest_centre_init(&c, dir, "centre-bench.db");
  if (synctest_centre_start(&c, NULL) != 0)
    return die("centre did not start");
  if (synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL) != 0)
    return die("register failed");
  snprintf(jpath, sizeof jpath, "%s/bench-journal.db", dir);
  unlink(jpath);
  if (synctest_journal_open(jpath, "T01", "yl-museum", &j) != 0 ||
      synctest_journal_append(j, events) != 0)
    return die("journal");
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.batch_max = batch;
  cfg.trace = quiet;
  if (netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j), NULL, NULL,
                     &ns) != NETSYNC_OK)
    return die("netsync_create");
  getrusage(RUSAGE_SELF, &self0);
  getrusage(RUSAGE_CHILDREN, &kids0);
  t0 = synctest_now_ms();
  rc = netsync_upload_all(ns);
  ms = synctest_now_ms() - t0;
  getrusage(RUSAGE_SELF, &self1);
  up_cpu = cpu_ms(&self0, &self1);
  netsync_destroy(ns);
  synctest_centre_stop(&c);
  getrusage(RUSAGE_CHILDREN, &kids1);
  if (rc != NETSYNC_OK || synctest_centre_count(&c, "T01") != (long)events)
    return die("upload failed");

  /* The baseline: the same rows, the same table and index, the sqlite3 program. */
  col.ev = calloc(events, sizeof *col.ev);
  col.n = 0;
  col.cap = events;
  if (!col.ev || kiosk_journal_read(synctest_journal_kiosk(j), 1, 0, collect_cb, &col) != 0)
    return die("journal read");
  snprintf(sql, sizeof sql, "%s/bench-rows.sql", dir);
  snprintf(db, sizeof db, "%s/bench-cli.db", dir);
  if (write_sql(sql, col.ev, col.n) != 0)
    return die("sql file");
  cli_ms = run_sqlite_cli(db, sql);
  if (cli_ms < 0)
    return die("sqlite3 program failed (apt-get install sqlite3)");

  /* Bytes on the wire: the same batches netsync sent. */
  t0 = synctest_now_ms();
  getrusage(RUSAGE_SELF, &self0);
  for (size_t i = 0; i < col.n; i += batch) {
    size_t n = col.n - i < batch ? col.n - i : batch;
    json.len = 0;
    if (netsync_encode_batch(col.ev + i, n, &json, &gz) != NETSYNC_OK)
      return die("encode");
    raw += json.len;
    wire += gz.len;
    requests++;
  }
  enc_ms = synctest_now_ms() - t0;
  getrusage(RUSAGE_SELF, &enc1);
  ns_buf_free(&json);
  ns_buf_free(&gz);

  ours = (double)events * 1000.0 / (double)(ms ? ms : 1);
  theirs = (double)events * 1000.0 / (cli_ms > 0 ? cli_ms : 1);
  printf("catch-up upload: %zu events in %" PRIu64 " ms over TLS on loopback (batch %u, %zu "
         "requests): %.0f events/s\n",
         events, ms, batch, requests, ours);
  printf("  baseline sqlite3 CLI, same rows, one transaction: %.0f ms: %.0f events/s\n", cli_ms,
         theirs);
  printf("  ratio: %.0f %% of the CLI (goal >= 50 %%)\n", 100.0 * ours / theirs);
  printf("  CPU: terminal side %.0f ms (JSON + gzip alone: %.0f ms CPU, %" PRIu64 " ms wall), "
         "centre %.0f ms (with its start-up and shutdown)\n",
         up_cpu, cpu_ms(&self0, &enc1), enc_ms, cpu_ms(&kids0, &kids1));
  /* Per request: ~230 bytes of request headers, ~400 of response headers and receipt. */
  printf("bytes on the wire per event: %.1f gzip'd body, %.1f with HTTP headers and receipt "
         "(goal < 100); raw JSON %.1f (ratio %.1fx)\n",
         (double)wire / (double)events, (double)(wire + requests * 630) / (double)events,
         (double)raw / (double)events, (double)raw / (double)wire);
  free(col.ev);
  synctest_journal_close(j);
  unlink(sql);
  return 0;
}

/* ---------------------------------------------------- 3: revocation delta -- */

struct count {
  size_t bytes;
};

static size_t count_body(char *p, size_t s, size_t n, void *arg)
{
  (void)p;
  ((struct count *)arg)->bytes += s * n;
  return s * n;
}

/* Body bytes as received (gzip'd when gzip is 1: libcurl does not decode). */
static long fetch_size(const struct synctest_centre *c, const char *path, int gzip, size_t *bytes)
{
  struct synctest_paths p;
  struct netsync_config cfg;
  struct curl_slist *h = NULL;
  struct count cnt = {0};
  char url[256];
  long code = 0;
  CURL *cu = curl_easy_init();
  synctest_netsync_config(c, "T01", &p, &cfg);
  snprintf(url, sizeof url, "%s%s", p.url, path);
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_CAINFO, p.ca);
  curl_easy_setopt(cu, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(cu, CURLOPT_SSLCERT, p.cert);
  curl_easy_setopt(cu, CURLOPT_SSLKEY, p.key);
  curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, count_body);
  curl_easy_setopt(cu, CURLOPT_WRITEDATA, &cnt);
  if (gzip)
    h = curl_slist_append(h, "Accept-Encoding: gzip");
  curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
  if (curl_easy_perform(cu) == CURLE_OK)
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(h);
  curl_easy_cleanup(cu);
  *bytes = cnt.bytes;
  return code;
}

static int bench_delta(const char *dir, size_t entries)
{
  struct synctest_centre c;
  struct centre_store *st;
  struct centre_rev_entry *e;
  uint64_t base = 0, version = 0;
  size_t changed = 0, raw = 0, gz = 0, snap_raw = 0, snap_gz = 0;
  char path[64];
  uint64_t t0;

  synctest_centre_init(&c, dir, "centre-revs.db");
  unlink(c.db);
  if (centre_store_create(c.db, 0, &st) != CENTRE_OK)
    return die("store");
  e = calloc(entries, sizeof *e);
  if (!e)
    return die("memory");
  /* Card numbers as the station assigns them (common/cardno.h): a county and a serial. */
  for (size_t i = 0; i < entries; i++) {
    common_cardno_format(2019, (unsigned)(i % 100), (unsigned long)(i / 100 + 1), e[i].card_no);
    e[i].kind = 1;
  }
  t0 = synctest_now_ms();
  if (centre_store_card_set_many(st, e, entries, 1, NULL, 1767225600, &base, &changed) !=
      CENTRE_OK)
    return die("bulk revoke");
  printf("revocation list: %zu entries stored in %" PRIu64 " ms (version %" PRIu64 ")\n", changed,
         synctest_now_ms() - t0, base);
  /* 1,000 changes: 500 new revocations, 500 restorations. */
  {
    struct centre_rev_entry add[500], del[500];
    for (size_t i = 0; i < 500; i++) {
      memset(&add[i], 0, sizeof add[i]);
      common_cardno_format(2020, (unsigned)(i % 100), 999999ul - i / 100, add[i].card_no);
      add[i].kind = 1;
      del[i] = e[i * (entries / 500)];
    }
    if (centre_store_card_set_many(st, add, 500, 1, NULL, 1767225700, &version, &changed) !=
            CENTRE_OK ||
        centre_store_card_set_many(st, del, 500, 0, NULL, 1767225700, &version, &changed) !=
            CENTRE_OK)
      return die("changes");
  }
  centre_store_destroy(st);
  free(e);
  if (synctest_centre_start(&c, NULL) != 0 ||
      synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL) != 0)
    return die("centre did not start");
  snprintf(path, sizeof path, "/v1/revocations?since=%" PRIu64, base);
  {
    long codes[4];
    codes[0] = fetch_size(&c, path, 0, &raw);
    codes[1] = fetch_size(&c, path, 1, &gz);
    codes[2] = fetch_size(&c, "/v1/revocations", 0, &snap_raw);
    codes[3] = fetch_size(&c, "/v1/revocations", 1, &snap_gz);
    for (int i = 0; i < 4; i++)
      if (codes[i] != 200) {
        fprintf(stderr, "bench_sync: fetch %d: HTTP %ld\n", i, codes[i]);
        synctest_centre_stop(&c);
        return 1;
      }
  }
  synctest_centre_stop(&c);
  printf("revocation delta, 1000 changes on %zu entries (version %" PRIu64 " -> %" PRIu64
         "): %zu bytes signed binary, %zu bytes gzip'd on the wire (goal < 16384)\n",
         entries, base, version, raw, gz);
  printf("  baseline full snapshot: %zu bytes, %zu gzip'd; delta/snapshot %.3f %%\n", snap_raw,
         snap_gz, 100.0 * (double)gz / (double)(snap_gz ? snap_gz : 1));
  return 0;
}

int main(int argc, char **argv)
{
  static const char *const terms[] = {"T01"};
  size_t events = 100000, entries = 1000000;
  unsigned batch = 2000;
  char dir[512];
  int rc = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--events") == 0)
      events = (size_t)strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--entries") == 0)
      entries = (size_t)strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--batch") == 0)
      batch = (unsigned)strtoul(argv[i + 1], NULL, 10);
  }
  if (entries < 1000 || batch == 0)
    return die("usage: bench_sync [--events N (0: skip)] [--entries M>=1000] [--batch B]");
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (synctest_tmpdir("bench", dir, sizeof dir) != 0 || synctest_pki_make(dir, terms, 1) != 0)
    return die("cannot make the PKI");
  if (events)
    rc |= bench_catch_up(dir, events, batch);
  rc |= bench_delta(dir, entries);
  return rc;
}
