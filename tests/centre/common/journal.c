/*
 * Test journals: kiosk's real journal (kiosk/journal.h) filled with made-up events, plus
 * the two things a test must do behind the journal's back (alter a row, forget the
 * acknowledged mark), done with plain SQL on the file.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synctest.h"

struct synctest_journal {
  struct kiosk_journal *kj;    /* the test thread's handle */
  struct kiosk_journal *ns_kj; /* netsync's own handle (opened on first use), as kiosk run
                                * gives its netsync thread: one SQLite connection per thread */
  char path[700];
  char terminal[32], site[64];
};

int synctest_journal_open(const char *path, const char *terminal, const char *site,
                          struct synctest_journal **out)
{
  struct synctest_journal *j = calloc(1, sizeof *j);
  struct kiosk_diag d;
  *out = NULL;
  if (!j)
    return -1;
  snprintf(j->path, sizeof j->path, "%s", path);
  snprintf(j->terminal, sizeof j->terminal, "%s", terminal);
  snprintf(j->site, sizeof j->site, "%s", site);
  if (kiosk_journal_open(path, 0, &j->kj, &d) != KIOSK_OK) {
    free(j);
    return -1;
  }
  *out = j;
  return 0;
}

void synctest_journal_close(struct synctest_journal *j)
{
  if (!j)
    return;
  kiosk_journal_close(j->ns_kj);
  kiosk_journal_close(j->kj);
  free(j);
}

struct kiosk_journal *synctest_journal_kiosk(struct synctest_journal *j)
{
  struct kiosk_diag d;
  if (!j->ns_kj && kiosk_journal_open(j->path, 0, &j->ns_kj, &d) != KIOSK_OK)
    return NULL;
  return j->ns_kj;
}

void synctest_event(uint64_t seq, const char *terminal, const char *site, struct proto_event *e)
{
  memset(e, 0, sizeof *e);
  e->seq = seq;
  e->time = 1767225600 + (int64_t)seq * 7; /* from 2026-01-01 UTC */
  snprintf(e->terminal, sizeof e->terminal, "%s", terminal);
  snprintf(e->site, sizeof e->site, "%s", site);
  e->mode = seq % 3 == 0 ? KIOSK_MODE_GATE : seq % 3 == 1 ? KIOSK_MODE_CASHIER : KIOSK_MODE_BUS;
  if (e->mode == KIOSK_MODE_BUS)
    snprintf(e->vehicle, sizeof e->vehicle, "B-%03u", (unsigned)(seq % 40));
  snprintf(e->card_no, sizeof e->card_no, "%" PRIu64, (uint64_t)450900000000ULL + (seq * 7919) % 100000);
  e->kind = KIOSK_EVENT_DECISION;
  if (seq % 17 == 0) {
    e->verdict = KIOSK_VERDICT_DENY;
    e->reasons = UINT64_C(1) << 3;
  } else {
    e->verdict = KIOSK_VERDICT_GRANT;
    if (e->mode == KIOSK_MODE_CASHIER) {
      e->amount_fen = 6000;
      snprintf(e->bill_ref, sizeof e->bill_ref, "MZ-%" PRIu64, seq);
    }
  }
}

int synctest_journal_append_api(struct synctest_journal *j, size_t n)
{
  uint64_t last = 0;
  if (kiosk_journal_last_seq(j->kj, &last) != KIOSK_OK)
    return -1;
  for (size_t i = 0; i < n; i++) {
    struct proto_event e;
    synctest_event(last + 1 + i, j->terminal, j->site, &e);
    if (kiosk_journal_append(j->kj, &e) != KIOSK_OK)
      return -1;
  }
  return 0;
}

int synctest_journal_append_at(struct synctest_journal *j, int64_t time)
{
  uint64_t last = 0;
  struct proto_event e;
  if (kiosk_journal_last_seq(j->kj, &last) != KIOSK_OK)
    return -1;
  synctest_event(last + 1, j->terminal, j->site, &e);
  e.time = time;
  return kiosk_journal_append(j->kj, &e) == KIOSK_OK ? 0 : -1;
}

int synctest_journal_append_event(struct synctest_journal *j, struct proto_event *e)
{
  uint64_t last = 0;
  if (kiosk_journal_last_seq(j->kj, &last) != KIOSK_OK)
    return -1;
  e->seq = last + 1;
  snprintf(e->terminal, sizeof e->terminal, "%s", j->terminal);
  snprintf(e->site, sizeof e->site, "%s", j->site);
  return kiosk_journal_append(j->kj, e) == KIOSK_OK ? 0 : -1;
}

/*
 * Bulk: kiosk_journal_append makes each event durable on its own (an fsync each), which
 * is right for a terminal and far too slow for making 100,000 test events. This writes
 * the same rows (kiosk's schema, kiosk's hash) in one transaction through a second
 * connection, then has kiosk verify the whole chain.
 */
int synctest_journal_append(struct synctest_journal *j, size_t n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL, *head = NULL;
  struct proto_event e;
  struct kiosk_journal_check chk;
  uint8_t prev[KIOSK_HASH_LEN];
  uint64_t seq;
  int rc = -1;
  if (sqlite3_open(j->path, &db) != SQLITE_OK)
    goto out_close;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT seq, hash FROM head WHERE id = 1", -1, &head, NULL) ||
      sqlite3_step(head) != SQLITE_ROW || sqlite3_column_bytes(head, 1) != KIOSK_HASH_LEN)
    goto out_close;
  seq = (uint64_t)sqlite3_column_int64(head, 0);
  memcpy(prev, sqlite3_column_blob(head, 1), KIOSK_HASH_LEN);
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO events (seq, time, terminal, site, mode, vehicle, card_no,"
                         " generation, kind, verdict, reasons, amount_fen, bill_ref, staff_id,"
                         " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &ins, NULL))
    goto out_close;
  for (size_t i = 0; i < n; i++) {
    synctest_event(++seq, j->terminal, j->site, &e);
    memcpy(e.prev_hash, prev, KIOSK_HASH_LEN);
    if (kiosk_event_hash(&e, e.hash) != KIOSK_OK)
      goto out_close;
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)e.seq);
    sqlite3_bind_int64(ins, 2, e.time);
    sqlite3_bind_text(ins, 3, e.terminal, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, e.site, -1, SQLITE_STATIC);
    sqlite3_bind_int(ins, 5, (int)e.mode);
    sqlite3_bind_text(ins, 6, e.vehicle, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, e.card_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 8, e.generation);
    sqlite3_bind_int(ins, 9, (int)e.kind);
    sqlite3_bind_int(ins, 10, (int)e.verdict);
    sqlite3_bind_int64(ins, 11, (sqlite3_int64)e.reasons);
    sqlite3_bind_int64(ins, 12, e.amount_fen);
    sqlite3_bind_text(ins, 13, e.bill_ref, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 14, e.staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 15, e.prev_hash, KIOSK_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(ins, 16, e.hash, KIOSK_HASH_LEN, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE)
      goto out_close;
    sqlite3_reset(ins);
    memcpy(prev, e.hash, KIOSK_HASH_LEN);
  }
  sqlite3_finalize(head);
  head = NULL;
  if (sqlite3_prepare_v2(db, "UPDATE head SET seq = ?, hash = ? WHERE id = 1", -1, &head, NULL))
    goto out_close;
  sqlite3_bind_int64(head, 1, (sqlite3_int64)seq);
  sqlite3_bind_blob(head, 2, prev, KIOSK_HASH_LEN, SQLITE_STATIC);
  if (sqlite3_step(head) != SQLITE_DONE)
    goto out_close;
  rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
out_close:
  if (rc != 0)
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_finalize(ins);
  sqlite3_finalize(head);
  sqlite3_close(db);
  if (rc == 0 && kiosk_journal_verify(j->kj, &chk) != KIOSK_OK)
    rc = -1;
  return rc;
}

static int sql(struct synctest_journal *j, const char *stmt, uint64_t arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int rc = -1;
  if (sqlite3_open(j->path, &db) != SQLITE_OK)
    goto out_close;
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_prepare_v2(db, stmt, -1, &s, NULL) != SQLITE_OK)
    goto out_close;
  if (sqlite3_bind_parameter_count(s) > 0)
    sqlite3_bind_int64(s, 1, (sqlite3_int64)arg);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
out_close:
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rc;
}

int synctest_journal_tamper(struct synctest_journal *j, uint64_t seq)
{
  return sql(j, "UPDATE events SET amount_fen = amount_fen + 100 WHERE seq = ?", seq);
}

int synctest_journal_reset_acked(struct synctest_journal *j)
{
  return sql(j, "UPDATE meta SET value = 0 WHERE key = 'acked_through'", 0);
}

uint64_t synctest_journal_acked(struct synctest_journal *j)
{
  uint64_t v = 0;
  kiosk_journal_acked(j->kj, &v);
  return v;
}
