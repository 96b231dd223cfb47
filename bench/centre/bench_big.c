/*
 * bench_big: the centre with ten million events stored (issue 15, item 6): how long the
 * centre takes to start and a hospital's month statement takes to make, against the same
 * on an empty store measured in the same run.
 *
 *   bench_big [--events N]      default 10,000,000 (SQLite)
 *
 * The rows are made by direct SQL in the bench's set-up, not by uploads (ten million
 * uploads' worth would take an hour): 300 terminals, a third of them hospital cashiers
 * spread over the registry's 27 hospitals, the others park gates; each terminal's events
 * spread evenly over 2026 (month computed from the time as the store does), every
 * cashier event a waiver row (outpatient, inpatient or emergency in turn) as the upload
 * would have made it. The hashes are placeholders: nothing here checks a chain.
 *
 * Measured: (1) `centre` from exec to its port file (the store opened and its schema
 * checked by each event loop); (2) `centre-admin report statement --hospital
 * hosp.yl-first-people --month 2026-06` as a whole process; (3) the statement alone in
 * this process (centre_statement_make), first and second time. Never fails on a timing.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "centre_int.h"
#include "db.h"
#include "synctest.h"

#define TERMINALS 300
#define YEAR_START 1767196800 /* 2026-01-01 00:00 China time */
#define HOSPITAL "hosp.yl-first-people"
#define MONTH 202606

static const char *const hospitals[27] = {
    "hosp.yl-first-people", "hosp.yl-red-cross", "hosp.yl-tcm", "hosp.yl-orthopaedic",
    "hosp.yl-maternal-child", "hosp.yl-third-people", "hosp.yl-health-school",
    "hosp.yl-fourth-people", "hosp.yuzhou-people", "hosp.yuzhou-maternal-child",
    "hosp.fumian-people", "hosp.fumian-maternal-child", "hosp.rong-people", "hosp.rong-tcm",
    "hosp.rong-maternal-child", "hosp.beiliu-people", "hosp.beiliu-tcm",
    "hosp.beiliu-maternal-child", "hosp.luchuan-people", "hosp.luchuan-tcm",
    "hosp.luchuan-maternal-child", "hosp.bobai-people", "hosp.bobai-tcm",
    "hosp.bobai-maternal-child", "hosp.xingye-people", "hosp.xingye-tcm",
    "hosp.xingye-maternal-child"};

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

static int exec(sqlite3 *db, const char *sql)
{
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "bench_big: %s: %s\n", sql, err ? err : "?");
    sqlite3_free(err);
    return -1;
  }
  return 0;
}

/* Ten million rows by SQL: a recursive counter joined to the terminals' sites. */
static int fill(const char *path, uint64_t n)
{
  struct centre_store *st;
  sqlite3 *db;
  sqlite3_stmt *s;
  uint64_t per = n / TERMINALS, step;
  char *sql, month_case[2048] = "CASE", part[96];
  size_t cap = 8192;
  int rc = -1;
  if (per == 0)
    per = 1;
  step = 365ull * 86400ull / per;
  /* the month of each seq, from its time, as centre_month_cst gives it */
  for (int m = 2; m <= 12; m++) {
    uint64_t lo = 0, hi = per; /* the first seq index whose time is in month m */
    while (lo < hi) {
      uint64_t mid = (lo + hi) / 2;
      if (centre_month_cst(YEAR_START + (int64_t)(mid * step)) < 202600 + m)
        lo = mid + 1;
      else
        hi = mid;
    }
    snprintf(part, sizeof part, " WHEN k < %" PRIu64 " THEN %d", lo, 202600 + m - 1);
    strcat(month_case, part);
  }
  strcat(month_case, " ELSE 202612 END");
  if (centre_store_create(path, 0, &st) != CENTRE_OK)
    return -1;
  centre_store_destroy(st);
  if (sqlite3_open(path, &db) != SQLITE_OK)
    return -1;
  sql = malloc(cap);
  if (!sql || exec(db, "PRAGMA journal_mode = OFF") || exec(db, "PRAGMA synchronous = OFF") ||
      exec(db, "PRAGMA cache_size = -262144") || exec(db, "BEGIN"))
    goto out_close;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO terminals (terminal_id, site_id, state, registered_at,"
                         " head_seq, head_hash) VALUES (?, ?, 'active', ?, ?, '')",
                         -1, &s, NULL) != SQLITE_OK)
    goto out_close;
  for (unsigned t = 0; t < TERMINALS; t++) {
    char id[8], site[64];
    snprintf(id, sizeof id, "T%03u", t);
    if (t % 3 == 0)
      snprintf(site, sizeof site, "%s", hospitals[(t / 3) % 27]);
    else
      snprintf(site, sizeof site, "park.yl-museum");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, YEAR_START);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)per);
    if (sqlite3_step(s) != SQLITE_DONE)
      goto out_close;
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  snprintf(sql, cap,
           "WITH RECURSIVE x(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM x WHERE i + 1 < %" PRIu64
           "), y AS (SELECT printf('T%%03d', i / %" PRIu64 ") AS tid, i %% %" PRIu64
           " AS k, i FROM x)"
           " INSERT INTO events (terminal_id, seq, time, month, site_id, mode, vehicle, card_no,"
           " generation, kind, verdict, reasons, amount_fen, bill_ref, staff_id, prev_hash, hash,"
           " received_at, route, trip, stop)"
           " SELECT tid, k + 1, %d + k * %" PRIu64 ", %s, tm.site_id,"
           " CASE WHEN tm.site_id LIKE 'hosp.%%' THEN 'cashier' ELSE 'gate' END, '',"
           " 'YL20190201234541', 0, 'decision', 'GRANT', '0000000000000000',"
           " CASE WHEN tm.site_id LIKE 'hosp.%%' THEN 1200 ELSE 0 END,"
           " CASE WHEN tm.site_id LIKE 'hosp.%%' THEN printf('MZ%%010d', i) ELSE '' END,"
           " CASE WHEN tm.site_id LIKE 'hosp.%%' THEN 'S01' ELSE '' END,"
           " printf('%%064x', i), printf('%%064x', i + 1), %d + k * %" PRIu64 ", '', '', ''"
           " FROM y JOIN terminals tm ON tm.terminal_id = y.tid",
           per * TERMINALS, per, per, YEAR_START, step, month_case, YEAR_START, step);
  if (exec(db, sql) ||
      exec(db, "INSERT INTO waivers (terminal_id, seq, site_id, bill_ref, time, month, visit,"
               " amount_fen, staff_id, dup_terminal, dup_seq, void_terminal, void_seq, void_time,"
               " void_staff) SELECT terminal_id, seq, site_id, bill_ref, time, month,"
               " CASE seq % 3 WHEN 0 THEN 'outpatient' WHEN 1 THEN 'inpatient' ELSE 'emergency'"
               " END, amount_fen, staff_id, '', 0, '', 0, 0, '' FROM events WHERE mode = 'cashier'") ||
      exec(db, "COMMIT") || exec(db, "PRAGMA journal_mode = WAL"))
    goto out_close;
  rc = 0;
out_close:
  free(sql);
  sqlite3_close(db);
  return rc;
}

struct figures {
  uint64_t start_ms, admin_ms, stmt1_us, stmt2_us;
  char digest[CENTRE_HASH_HEX + 1];
};

static uint64_t now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int measure(const char *dir, const char *db_name, struct figures *f)
{
  struct synctest_centre c;
  struct centre_store *st;
  struct centre_site h;
  char why[256], out[700], *text = NULL;
  size_t len;
  uint64_t t0;
  memset(f, 0, sizeof *f);
  synctest_centre_init(&c, dir, db_name);
  snprintf(c.conf_extra, sizeof c.conf_extra, "[reports]\nsites = %s/assets/sites.ini\n",
           YH_SOURCE_DIR);
  t0 = synctest_now_ms();
  if (synctest_centre_start(&c, NULL) != 0)
    return -1;
  f->start_ms = synctest_now_ms() - t0;
  snprintf(out, sizeof out, "%s/statement-%s.csv", dir, db_name);
  t0 = synctest_now_ms();
  if (synctest_admin(&c, out, "report", "statement", "--hospital", HOSPITAL, "--month", "2026-06",
                     NULL) != 0) {
    synctest_centre_stop(&c);
    return -1;
  }
  f->admin_ms = synctest_now_ms() - t0;
  synctest_centre_stop(&c);
  snprintf(out, sizeof out, "%s/assets/sites.ini", YH_SOURCE_DIR);
  if (centre_site_lookup(out, HOSPITAL, &h, why, sizeof why) != CENTRE_OK ||
      centre_store_create(c.db, 1, &st) != CENTRE_OK)
    return -1;
  for (int i = 0; i < 2; i++) {
    t0 = now_us();
    if (centre_statement_make(centre_store_db(st), &h, MONTH, 0, &text, &len, f->digest) !=
        CENTRE_OK) {
      centre_store_destroy(st);
      return -1;
    }
    *(i ? &f->stmt2_us : &f->stmt1_us) = now_us() - t0;
    if (i == 1)
      fwrite(text, 1, len, stdout);
    free(text);
  }
  centre_store_destroy(st);
  return 0;
}

int main(int argc, char **argv)
{
  static const char *const terms[] = {"T000"};
  uint64_t n = 10000000, t0;
  char dir[512], path[700], load[64];
  struct figures empty, big;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
      n = strtoull(argv[++i], NULL, 10);
    } else {
      fprintf(stderr, "usage: bench_big [--events N]\n");
      return 2;
    }
  }
  if (n < TERMINALS)
    return 2;
  centre_log_set_level(CENTRE_LOG_ERROR);
  if (synctest_tmpdir("bench-big", dir, sizeof dir) != 0 || synctest_pki_make(dir, terms, 1) != 0)
    return 1;
  loadavg(load, sizeof load);
  if (measure(dir, "empty.db", &empty) != 0) {
    fprintf(stderr, "bench_big: the empty store could not be measured\n");
    return 1;
  }
  printf("empty store: centre start %" PRIu64 " ms, centre-admin report statement %" PRIu64
         " ms, statement in process %" PRIu64 " us then %" PRIu64 " us (load %s)\n",
         empty.start_ms, empty.admin_ms, empty.stmt1_us, empty.stmt2_us, load);
  fflush(stdout);
  snprintf(path, sizeof path, "%s/big.db", dir);
  t0 = synctest_now_ms();
  if (fill(path, n) != 0) {
    fprintf(stderr, "bench_big: the fill failed\n");
    return 1;
  }
  loadavg(load, sizeof load);
  printf("filled %" PRIu64 " events by direct SQL in %.1f s (load %s)\n",
         n / TERMINALS * TERMINALS, (double)(synctest_now_ms() - t0) / 1000.0, load);
  fflush(stdout);
  if (measure(dir, "big.db", &big) != 0) {
    fprintf(stderr, "bench_big: the big store could not be measured\n");
    return 1;
  }
  loadavg(load, sizeof load);
  printf("%" PRIu64 " events: centre start %" PRIu64 " ms (x%.2f), centre-admin report statement"
         " %" PRIu64 " ms (x%.2f), statement in process %" PRIu64 " us then %" PRIu64
         " us (x%.1f) (load %s)\n",
         n / TERMINALS * TERMINALS, big.start_ms,
         (double)big.start_ms / (double)(empty.start_ms ? empty.start_ms : 1), big.admin_ms,
         (double)big.admin_ms / (double)(empty.admin_ms ? empty.admin_ms : 1), big.stmt1_us,
         big.stmt2_us, (double)big.stmt2_us / (double)(empty.stmt2_us ? empty.stmt2_us : 1),
         load);
  printf("store: %s (remove it when done)\n", path);
  return 0;
}
