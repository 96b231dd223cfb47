/* The outbox to the centre (station/issue.h): rows written in the transaction of the
 * change they report, sent afterwards and retried until the centre takes them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "issue_int.h"

int station_outbox_add(struct station_db *db, enum station_outbox_op op, const char *card_no,
                       uint32_t generation, enum station_rev_kind kind, const char *reason,
                       int award, unsigned level, int32_t issue_day, int64_t *id)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "INSERT INTO outbox(op, card_no, generation, kind, reason,"
                                  " award, level, issue_day, created_at)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int(st, 1, op);
  sqlite3_bind_text(st, 2, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, generation);
  sqlite3_bind_int(st, 4, kind);
  sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, award);
  sqlite3_bind_int(st, 7, (int)level);
  sqlite3_bind_int64(st, 8, issue_day);
  sqlite3_bind_int64(st, 9, (sqlite3_int64)time(NULL));
  if ((rc = station_db_done(db, st, "outbox")) != STATION_OK)
    return rc;
  if (id)
    *id = sqlite3_last_insert_rowid(db->h);
  return STATION_OK;
}

/* ------------------------------------------------------------------ send -- */

static void outbox_row(sqlite3_stmt *st, struct station_outbox_item *it)
{
  memset(it, 0, sizeof *it);
  it->id = sqlite3_column_int64(st, 0);
  it->op = (enum station_outbox_op)sqlite3_column_int(st, 1);
  snprintf(it->card_no, sizeof it->card_no, "%s", (const char *)sqlite3_column_text(st, 2));
  it->generation = (uint32_t)sqlite3_column_int64(st, 3);
  it->kind = (enum station_rev_kind)sqlite3_column_int(st, 4);
  snprintf(it->reason, sizeof it->reason, "%s", (const char *)sqlite3_column_text(st, 5));
  it->award = sqlite3_column_int(st, 6);
  it->level = (unsigned)sqlite3_column_int(st, 7);
  it->issue_day = (int32_t)sqlite3_column_int64(st, 8);
  it->attempts = (long)sqlite3_column_int64(st, 9);
  snprintf(it->last_error, sizeof it->last_error, "%s", (const char *)sqlite3_column_text(st, 10));
  it->sent = sqlite3_column_type(st, 11) != SQLITE_NULL;
  it->round_year = (unsigned)sqlite3_column_int(st, 12);
  it->not_after_day = (int32_t)sqlite3_column_int64(st, 13);
  if (sqlite3_column_type(st, 14) != SQLITE_NULL)
    snprintf(it->issuer_key_id, sizeof it->issuer_key_id, "%s",
             (const char *)sqlite3_column_text(st, 14));
}

/* An outbox row, and for a registration what the card's row adds (round, not-after,
 * issuer key id: one source of truth, not copied into the outbox). ?1 is bound to
 * STATION_OUTBOX_REGISTER (outbox_prepare). */
#define OUTBOX_COLUMNS                                                                   \
  "o.id, o.op, o.card_no, o.generation, o.kind, o.reason, o.award, o.level, o.issue_day," \
  " o.attempts, o.last_error, o.sent_at, c.round_year, c.not_after_day, c.issuer_key_id"
#define OUTBOX_FROM                                                                      \
  " FROM outbox o LEFT JOIN cards c ON o.op = ?1 AND c.card_no = o.card_no AND"          \
  " c.generation = o.generation"

static int outbox_prepare(struct station_db *db, const char *sql, sqlite3_stmt **st)
{
  int rc = station_db_prepare(db, sql, st);
  if (rc == STATION_OK)
    sqlite3_bind_int(*st, 1, STATION_OUTBOX_REGISTER);
  return rc;
}

int station_outbox_send_one(struct station_db *db, const struct station_centre *centre,
                            int64_t id, char *why, size_t cap)
{
  sqlite3_stmt *st;
  struct station_outbox_item it;
  char err[160] = "";
  int rc = outbox_prepare(db, "SELECT " OUTBOX_COLUMNS OUTBOX_FROM " WHERE o.id = ?2", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 2, id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return STATION_E_NOT_FOUND;
  }
  outbox_row(st, &it);
  sqlite3_finalize(st);
  if (it.sent)
    return STATION_OK;
  int sent = centre->send(centre->ctx, &it, err, sizeof err);
  if (why && cap)
    snprintf(why, cap, "%s", sent == STATION_OK && !err[0] ? "sent" : err);
  if ((rc = station_db_prepare(db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2,"
                                   " sent_at = CASE WHEN ?3 THEN ?4 ELSE NULL END WHERE id = ?1",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_text(st, 2, sent == STATION_OK ? "" : err, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, sent == STATION_OK);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
  if ((rc = station_db_done(db, st, "outbox")) != STATION_OK)
    return rc;
  if (sent == STATION_OK && it.op == STATION_OUTBOX_REGISTER) {
    if ((rc = station_db_prepare(db, "UPDATE cards SET registered = 1 WHERE card_no = ?1 AND"
                                     " generation = ?2", &st)) != STATION_OK)
      return rc;
    sqlite3_bind_text(st, 1, it.card_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, it.generation);
    if ((rc = station_db_done(db, st, "registered")) != STATION_OK)
      return rc;
  }
  return sent;
}

int station_outbox_flush(struct station_db *db, const struct station_centre *centre,
                         unsigned long *sent, unsigned long *pending)
{
  sqlite3_stmt *st;
  unsigned long ok = 0, left = 0;
  if (!db || !centre || !centre->send)
    return STATION_E_INVALID_ARG;
  int rc = station_db_prepare(db, "SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY id", &st);
  if (rc != STATION_OK)
    return rc;
  int64_t ids[256];
  size_t n = 0;
  while (n < 256 && sqlite3_step(st) == SQLITE_ROW)
    ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  for (size_t i = 0; i < n; i++) {
    if (station_outbox_send_one(db, centre, ids[i], NULL, 0) == STATION_OK)
      ok++;
    else
      left++;
  }
  if (sent)
    *sent = ok;
  if (pending)
    *pending = left;
  return STATION_OK;
}

int station_outbox_list(struct station_db *db, int all_items, station_outbox_fn fn, void *user)
{
  sqlite3_stmt *st;
  if (!db || !fn)
    return STATION_E_INVALID_ARG;
  int rc = outbox_prepare(db, all_items ? "SELECT " OUTBOX_COLUMNS OUTBOX_FROM
                                          " ORDER BY o.sent_at IS NOT NULL, o.id"
                                        : "SELECT " OUTBOX_COLUMNS OUTBOX_FROM
                                          " WHERE o.sent_at IS NULL ORDER BY o.id",
                          &st);
  if (rc != STATION_OK)
    return rc;
  while (sqlite3_step(st) == SQLITE_ROW) {
    struct station_outbox_item it;
    outbox_row(st, &it);
    if ((rc = fn(user, &it)) != 0)
      break;
  }
  sqlite3_finalize(st);
  return rc;
}
