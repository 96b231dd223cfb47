/* Award rounds: evaluation (the rules of station/award.h over the records, each level
 * awarded once) and the list of a round's awardees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "station_int.h"

static int round_id_ok(const char *id)
{
  size_t n = id ? strlen(id) : 0;
  if (n == 0 || n > STATION_ROUND_ID_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = id[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

/* The scan: per person, the totals of each kind on or before the cut-off. The GROUP BY
 * person walks the table in its key order, person first (no sort). */
static const char eval_scan_sql[] =
    "SELECT person,"
    " SUM(CASE kind WHEN 1 THEN amount ELSE 0 END),"
    " SUM(CASE kind WHEN 2 THEN amount ELSE 0 END),"
    " SUM(CASE kind WHEN 3 THEN amount ELSE 0 END),"
    " MIN(CASE kind WHEN 3 THEN day END),"
    " MAX(CASE kind WHEN 3 THEN day END)"
    " FROM records WHERE day <= ?1 GROUP BY person ORDER BY person";

/* What earlier rounds granted, in person order for a merge with the scan. */
static const char eval_prev_sql[] =
    "SELECT a.person, a.award, MAX(a.level) FROM awards a JOIN rounds r ON r.id = a.round"
    " WHERE r.cutoff < ?1 AND a.struck = 0 GROUP BY a.person, a.award ORDER BY a.person";

int station_round_evaluate(struct station_db *db, const char *round_id, int32_t cutoff,
                           int32_t today, struct station_round_summary *sum)
{
  struct station_round_summary dummy;
  sqlite3_stmt *later = NULL, *scan = NULL, *prev = NULL, *ins = NULL, *rnd = NULL;
  int rc, src;

  if (!db || !round_id_ok(round_id) || cutoff > today)
    return STATION_E_INVALID_ARG;
  if (!sum)
    sum = &dummy;
  memset(sum, 0, sizeof *sum);
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = station_db_prepare(db, "SELECT COUNT(*) FROM rounds WHERE id <> ?1 AND cutoff >= ?2",
                               &later)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(later, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(later, 2, cutoff);
  if (sqlite3_step(later) != SQLITE_ROW) {
    rc = station_db_fail(db, sqlite3_errcode(db->h), "rounds");
    goto out_rollback;
  }
  if (sqlite3_column_int64(later, 0) > 0) {
    snprintf(db->err, sizeof db->err,
             "another round has the same or a later cut-off: rounds are evaluated in order");
    rc = STATION_E_STATE;
    goto out_rollback;
  }
  /* Re-running the latest round replaces it (its awards go with it: ON DELETE CASCADE),
   * but only before the leading group decided on it: after that the evaluated list is
   * what the later steps (minutes, notice, award) refer to. */
  {
    sqlite3_stmt *del;
    if ((rc = station_db_prepare(db, "SELECT state FROM rounds WHERE id = ?1", &del)) !=
        STATION_OK)
      goto out_rollback;
    sqlite3_bind_text(del, 1, round_id, -1, SQLITE_STATIC);
    int decided = sqlite3_step(del) == SQLITE_ROW && sqlite3_column_int(del, 0) > 1;
    sqlite3_finalize(del);
    if (decided) {
      snprintf(db->err, sizeof db->err,
               "the round was decided on by the leading group: it cannot be evaluated again");
      rc = STATION_E_STATE;
      goto out_rollback;
    }
    if ((rc = station_db_prepare(db, "DELETE FROM rounds WHERE id = ?1", &del)) != STATION_OK)
      goto out_rollback;
    sqlite3_bind_text(del, 1, round_id, -1, SQLITE_STATIC);
    src = sqlite3_step(del);
    sqlite3_finalize(del);
    if (src != SQLITE_DONE) {
      rc = station_db_fail(db, src, "replace round");
      goto out_rollback;
    }
  }
  if ((rc = station_db_prepare(db, "INSERT INTO rounds(id, cutoff, evaluated_at, today, persons,"
                                   " awardees) VALUES(?1, ?2, ?3, ?4, 0, 0)", &rnd)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(rnd, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(rnd, 2, cutoff);
  sqlite3_bind_int64(rnd, 3, (sqlite3_int64)time(NULL));
  sqlite3_bind_int64(rnd, 4, today);
  if ((src = sqlite3_step(rnd)) != SQLITE_DONE) {
    rc = station_db_fail(db, src, "insert round");
    goto out_rollback;
  }
  if ((rc = station_db_prepare(db, eval_scan_sql, &scan)) != STATION_OK ||
      (rc = station_db_prepare(db, eval_prev_sql, &prev)) != STATION_OK ||
      (rc = station_db_prepare(db, "INSERT INTO awards(round, person, award, level, blood_ml,"
                                   " volunteer_centih, card_eligible)"
                                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &ins)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(scan, 1, cutoff);
  sqlite3_bind_int64(prev, 1, cutoff);
  sqlite3_bind_text(ins, 1, round_id, -1, SQLITE_STATIC);

  int prev_rc = sqlite3_step(prev);
  while ((src = sqlite3_step(scan)) == SQLITE_ROW) {
    int64_t person = sqlite3_column_int64(scan, 0);
    struct station_totals t = {0};
    t.whole_blood_ml = sqlite3_column_int64(scan, 1);
    t.platelet_centiunits = sqlite3_column_int64(scan, 2);
    t.volunteer_centih = sqlite3_column_int64(scan, 3);
    t.has_service = sqlite3_column_type(scan, 4) != SQLITE_NULL;
    t.first_service_day = (int32_t)sqlite3_column_int64(scan, 4);
    t.last_service_day = (int32_t)sqlite3_column_int64(scan, 5);
    sum->persons++;

    struct station_levels lv;
    station_award_levels(&t, &lv);
    unsigned granted[STATION_AWARD_COUNT] = {0};
    while (prev_rc == SQLITE_ROW && sqlite3_column_int64(prev, 0) < person)
      prev_rc = sqlite3_step(prev);
    while (prev_rc == SQLITE_ROW && sqlite3_column_int64(prev, 0) == person) {
      int a = sqlite3_column_int(prev, 1);
      if (a > 0 && a < STATION_AWARD_COUNT)
        granted[a] = (unsigned)sqlite3_column_int(prev, 2);
      prev_rc = sqlite3_step(prev);
    }
    if (prev_rc != SQLITE_ROW && prev_rc != SQLITE_DONE) {
      rc = station_db_fail(db, prev_rc, "earlier awards");
      goto out_rollback;
    }
    int eligible = station_levels_card_eligible(&lv);
    int awarded = 0;
    for (int a = 1; a < STATION_AWARD_COUNT; a++) {
      if (lv.level[a] == 0 || lv.level[a] <= granted[a])
        continue; /* nothing reached, or nothing new since the last grant */
      sqlite3_bind_int64(ins, 2, person);
      sqlite3_bind_int(ins, 3, a);
      sqlite3_bind_int(ins, 4, (int)lv.level[a]);
      sqlite3_bind_int64(ins, 5, station_blood_ml(&t));
      sqlite3_bind_int64(ins, 6, t.volunteer_centih);
      sqlite3_bind_int(ins, 7, eligible);
      int irc = sqlite3_step(ins);
      sqlite3_reset(ins);
      if (irc != SQLITE_DONE) {
        rc = station_db_fail(db, irc, "insert award");
        goto out_rollback;
      }
      sum->awards++;
      sum->by_level[a][lv.level[a]]++;
      awarded = 1;
    }
    if (awarded) {
      sum->awardees++;
      sum->card_eligible += (unsigned long)eligible;
    }
  }
  if (src != SQLITE_DONE) {
    rc = station_db_fail(db, src, "evaluation scan");
    goto out_rollback;
  }
  {
    sqlite3_stmt *u;
    if ((rc = station_db_prepare(db, "UPDATE rounds SET persons = ?2, awardees = ?3 WHERE id = ?1",
                                 &u)) != STATION_OK)
      goto out_rollback;
    sqlite3_bind_text(u, 1, round_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(u, 2, (sqlite3_int64)sum->persons);
    sqlite3_bind_int64(u, 3, (sqlite3_int64)sum->awardees);
    src = sqlite3_step(u);
    sqlite3_finalize(u);
    if (src != SQLITE_DONE) {
      rc = station_db_fail(db, src, "update round");
      goto out_rollback;
    }
  }
  sqlite3_finalize(later);
  sqlite3_finalize(scan);
  sqlite3_finalize(prev);
  sqlite3_finalize(ins);
  sqlite3_finalize(rnd);
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
  return rc;
out_rollback:
  sqlite3_finalize(later);
  sqlite3_finalize(scan);
  sqlite3_finalize(prev);
  sqlite3_finalize(ins);
  sqlite3_finalize(rnd);
  sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int station_round_cutoff(struct station_db *db, const char *round_id, int32_t *cutoff)
{
  sqlite3_stmt *st;
  int rc;
  if (!db || !round_id || !cutoff)
    return STATION_E_INVALID_ARG;
  if ((rc = station_db_prepare(db, "SELECT cutoff FROM rounds WHERE id = ?1", &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW) {
    *cutoff = (int32_t)sqlite3_column_int64(st, 0);
    rc = STATION_OK;
  } else if (src == SQLITE_DONE) {
    rc = STATION_E_NOT_FOUND;
  } else {
    rc = station_db_fail(db, src, "round");
  }
  sqlite3_finalize(st);
  return rc;
}

int station_round_awardees(struct station_db *db, const char *round_id, station_awardee_fn fn,
                           void *user)
{
  int32_t cutoff;
  int rc = station_round_cutoff(db, round_id, &cutoff);
  if (rc != STATION_OK)
    return rc;
  if (!fn)
    return STATION_E_INVALID_ARG;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db,
                               "SELECT a.person, a.award, a.level, a.blood_ml, a.volunteer_centih,"
                               " a.card_eligible, p.name, p.id_number"
                               " FROM awards a JOIN persons p ON p.id = a.person"
                               " WHERE a.round = ?1 AND a.struck = 0"
                               " ORDER BY a.award, a.level DESC, p.id_number",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  int src;
  while ((src = sqlite3_step(st)) == SQLITE_ROW) {
    struct station_awardee a;
    memset(&a, 0, sizeof a);
    a.person = sqlite3_column_int64(st, 0);
    a.award = sqlite3_column_int(st, 1);
    a.level = (unsigned)sqlite3_column_int(st, 2);
    a.blood_ml = sqlite3_column_int64(st, 3);
    a.volunteer_centih = sqlite3_column_int64(st, 4);
    a.card_eligible = sqlite3_column_int(st, 5);
    station_mask_name((const char *)sqlite3_column_text(st, 6), a.masked_name,
                      sizeof a.masked_name);
    station_mask_idno((const char *)sqlite3_column_text(st, 7), a.masked_idno);
    if ((rc = fn(user, &a)) != 0)
      break;
  }
  if (rc == STATION_OK && src != SQLITE_DONE)
    rc = station_db_fail(db, src, "awardees");
  sqlite3_finalize(st);
  return rc;
}
