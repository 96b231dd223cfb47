/*
 * A stand-in for kiosk's journal: SQLite, one row per event, the acknowledged mark in a
 * meta table. The chain is made with the centre's own hash function, so a valid chain
 * here is valid there.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre/centre.h"
#include "synctest.h"

struct synctest_journal {
  sqlite3 *db;
};

int synctest_journal_open(const char *path, struct synctest_journal **out)
{
  struct synctest_journal *j = calloc(1, sizeof *j);
  *out = NULL;
  if (!j)
    return -1;
  if (sqlite3_open(path, &j->db) != SQLITE_OK)
    goto out_fail;
  sqlite3_busy_timeout(j->db, 5000);
  if (sqlite3_exec(j->db,
                   "PRAGMA journal_mode=WAL;"
                   "CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, ts INTEGER,"
                   " kind TEXT, verdict TEXT, reason TEXT, card TEXT, fee_cents INTEGER,"
                   " prev_hash TEXT, hash TEXT);"
                   "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER);"
                   "INSERT OR IGNORE INTO meta VALUES ('acked', 0);",
                   NULL, NULL, NULL) != SQLITE_OK)
    goto out_fail;
  *out = j;
  return 0;
out_fail:
  sqlite3_close(j->db);
  free(j);
  return -1;
}

void synctest_journal_close(struct synctest_journal *j)
{
  if (!j)
    return;
  sqlite3_close(j->db);
  free(j);
}

static int last(void *ctx, uint64_t *seq)
{
  struct synctest_journal *j = ctx;
  sqlite3_stmt *s;
  int rc;
  if (sqlite3_prepare_v2(j->db, "SELECT COALESCE(MAX(seq), 0) FROM journal", -1, &s, NULL))
    return -1;
  rc = sqlite3_step(s) == SQLITE_ROW ? 0 : -1;
  if (rc == 0)
    *seq = (uint64_t)sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return rc;
}

int synctest_journal_append(struct synctest_journal *j, size_t n)
{
  static const char *const kinds[] = {"park", "hospital", "bus"};
  sqlite3_stmt *s = NULL, *h = NULL;
  struct centre_event e;
  uint64_t seq = 0;
  int rc = -1;
  memset(&e, 0, sizeof e);
  if (last(j, &seq) != 0)
    return -1;
  snprintf(e.prev_hash, sizeof e.prev_hash, "%s", centre_genesis_hash);
  if (seq > 0) {
    if (sqlite3_prepare_v2(j->db, "SELECT hash FROM journal WHERE seq = ?", -1, &h, NULL))
      return -1;
    sqlite3_bind_int64(h, 1, (sqlite3_int64)seq);
    if (sqlite3_step(h) == SQLITE_ROW)
      snprintf(e.prev_hash, sizeof e.prev_hash, "%s", (const char *)sqlite3_column_text(h, 0));
    sqlite3_finalize(h);
  }
  sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(j->db, "INSERT INTO journal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &s,
                         NULL))
    goto out_end;
  for (size_t i = 0; i < n; i++) {
    seq++;
    e.seq = seq;
    e.ts = 1767225600 + (int64_t)seq * 7; /* from 2026-01-01 */
    snprintf(e.kind, sizeof e.kind, "%s", kinds[seq % 3]);
    if (seq % 17 == 0) {
      snprintf(e.verdict, sizeof e.verdict, "deny");
      snprintf(e.reason, sizeof e.reason, "revoked");
      e.fee_cents = 0;
    } else {
      snprintf(e.verdict, sizeof e.verdict, "allow");
      snprintf(e.reason, sizeof e.reason, "ok");
      e.fee_cents = seq % 3 == 0 ? 0 : seq % 3 == 1 ? 6000 : 1500;
    }
    snprintf(e.card, sizeof e.card, "%" PRIu64, (uint64_t)450900000000ULL + (seq * 7919) % 100000);
    if (centre_event_hash(&e, e.hash) != CENTRE_OK)
      goto out_end;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)e.seq);
    sqlite3_bind_int64(s, 2, e.ts);
    sqlite3_bind_text(s, 3, e.kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, e.verdict, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, e.reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, e.card, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 7, e.fee_cents);
    sqlite3_bind_text(s, 8, e.prev_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 9, e.hash, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
      goto out_end;
    sqlite3_reset(s);
    memcpy(e.prev_hash, e.hash, sizeof e.hash);
  }
  rc = 0;
out_end:
  sqlite3_finalize(s);
  sqlite3_exec(j->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int synctest_journal_tamper(struct synctest_journal *j, uint64_t seq)
{
  char sql[128];
  snprintf(sql, sizeof sql, "UPDATE journal SET fee_cents = fee_cents + 100 WHERE seq = %" PRIu64,
           seq);
  return sqlite3_exec(j->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int set_acked(void *ctx, uint64_t seq)
{
  struct synctest_journal *j = ctx;
  sqlite3_stmt *s;
  int rc;
  if (sqlite3_prepare_v2(j->db, "UPDATE meta SET v = ? WHERE k = 'acked' AND v < ?", -1, &s,
                         NULL))
    return -1;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)seq);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
  sqlite3_finalize(s);
  return rc;
}

static int acked(void *ctx, uint64_t *seq)
{
  struct synctest_journal *j = ctx;
  sqlite3_stmt *s;
  int rc;
  if (sqlite3_prepare_v2(j->db, "SELECT v FROM meta WHERE k = 'acked'", -1, &s, NULL))
    return -1;
  rc = sqlite3_step(s) == SQLITE_ROW ? 0 : -1;
  if (rc == 0)
    *seq = (uint64_t)sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return rc;
}

int synctest_journal_reset_acked(struct synctest_journal *j)
{
  return sqlite3_exec(j->db, "UPDATE meta SET v = 0", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

uint64_t synctest_journal_acked(struct synctest_journal *j)
{
  uint64_t v = 0;
  acked(j, &v);
  return v;
}

static int read_events(void *ctx, uint64_t from, struct netsync_event *out, size_t max, size_t *n)
{
  struct synctest_journal *j = ctx;
  sqlite3_stmt *s;
  size_t k = 0;
  int rc;
  if (sqlite3_prepare_v2(j->db,
                         "SELECT seq, ts, kind, verdict, reason, card, fee_cents, prev_hash, hash"
                         " FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?",
                         -1, &s, NULL))
    return -1;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW && k < max) {
    struct netsync_event *e = &out[k++];
    e->seq = (uint64_t)sqlite3_column_int64(s, 0);
    e->ts = sqlite3_column_int64(s, 1);
    snprintf(e->kind, sizeof e->kind, "%s", (const char *)sqlite3_column_text(s, 2));
    snprintf(e->verdict, sizeof e->verdict, "%s", (const char *)sqlite3_column_text(s, 3));
    snprintf(e->reason, sizeof e->reason, "%s", (const char *)sqlite3_column_text(s, 4));
    snprintf(e->card, sizeof e->card, "%s", (const char *)sqlite3_column_text(s, 5));
    e->fee_cents = sqlite3_column_int64(s, 6);
    snprintf(e->prev_hash, sizeof e->prev_hash, "%s", (const char *)sqlite3_column_text(s, 7));
    snprintf(e->hash, sizeof e->hash, "%s", (const char *)sqlite3_column_text(s, 8));
  }
  sqlite3_finalize(s);
  *n = k;
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

const struct netsync_journal_ops synctest_journal_ops = {read_events, acked, set_acked, last};
