/* People: lookup by ID number and the masked `show` view. */
#include <stdio.h>
#include <string.h>

#include "issue_int.h"
#include "station/round.h"

int station_person_find(struct station_db *db, const char *idno, int64_t *person)
{
  char norm[COMMON_ID_LEN + 1];
  if (!db || !idno || !person)
    return STATION_E_INVALID_ARG;
  if (common_id_check(idno, strlen(idno), norm, NULL) != COMMON_ID_OK)
    return STATION_E_INVALID_ARG;
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT id FROM persons WHERE id_number = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW) {
    *person = sqlite3_column_int64(st, 0);
  } else if (src == SQLITE_DONE) {
    rc = STATION_E_NOT_FOUND;
  } else {
    rc = station_db_fail(db, src, "find person");
  }
  sqlite3_finalize(st);
  return rc;
}

static void show_centi(FILE *out, const char *label, int64_t v, const char *unit)
{
  fprintf(out, "  %-22s %lld.%02lld %s\n", label, (long long)(v / 100), (long long)(v % 100), unit);
}

int station_person_show(struct station_db *db, int64_t person, int32_t today, FILE *out)
{
  sqlite3_stmt *st;
  char mname[STATION_NAME_MAX + 1], midno[COMMON_ID_LEN + 1], day[16], day2[16];
  int rc;

  if (!db || !out)
    return STATION_E_INVALID_ARG;
  if ((rc = station_db_prepare(db, "SELECT name, id_number, donor_id, card_no FROM persons"
                                   " WHERE id = ?1", &st)) != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return STATION_E_NOT_FOUND;
  }
  station_mask_name((const char *)sqlite3_column_text(st, 0), mname, sizeof mname);
  station_mask_idno((const char *)sqlite3_column_text(st, 1), midno);
  fprintf(out, "person %lld\n  name                   %s\n  id_number              %s\n",
          (long long)person, mname, midno);
  fprintf(out, "  donor_id               %s\n", (const char *)sqlite3_column_text(st, 2));
  if (sqlite3_column_type(st, 3) != SQLITE_NULL)
    fprintf(out, "  card_no                %s\n", (const char *)sqlite3_column_text(st, 3));
  sqlite3_finalize(st);

  if ((rc = station_db_prepare(db,
                               "SELECT SUM(CASE kind WHEN 1 THEN amount ELSE 0 END),"
                               " SUM(CASE kind WHEN 2 THEN amount ELSE 0 END),"
                               " SUM(CASE kind WHEN 3 THEN amount ELSE 0 END),"
                               " MIN(CASE kind WHEN 3 THEN day END), MAX(CASE kind WHEN 3 THEN day END),"
                               " COUNT(*) FROM records WHERE person = ?1 AND day <= ?2",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int64(st, 2, today);
  if (sqlite3_step(st) == SQLITE_ROW) {
    struct station_totals t = {0};
    t.whole_blood_ml = sqlite3_column_int64(st, 0);
    t.platelet_centiunits = sqlite3_column_int64(st, 1);
    t.volunteer_centih = sqlite3_column_int64(st, 2);
    t.has_service = sqlite3_column_type(st, 3) != SQLITE_NULL;
    t.first_service_day = (int32_t)sqlite3_column_int64(st, 3);
    t.last_service_day = (int32_t)sqlite3_column_int64(st, 4);
    fprintf(out, "records up to %s: %lld\n", station_date_format(today, day, sizeof day),
            (long long)sqlite3_column_int64(st, 5));
    fprintf(out, "  %-22s %lld ml\n", "whole blood", (long long)t.whole_blood_ml);
    show_centi(out, "apheresis platelets", t.platelet_centiunits, "therapeutic units");
    fprintf(out, "  %-22s %lld ml\n", "counted (Art. 21)", (long long)station_blood_ml(&t));
    show_centi(out, "volunteer service", t.volunteer_centih, "hours");
    if (t.has_service)
      fprintf(out, "  %-22s %s .. %s\n", "service span", 
              station_date_format(t.first_service_day, day, sizeof day),
              station_date_format(t.last_service_day, day2, sizeof day2));
    struct station_levels lv;
    station_award_levels(&t, &lv);
    char title[96];
    fprintf(out, "levels reached:");
    int any = 0;
    for (int a = 1; a < STATION_AWARD_COUNT; a++) {
      if (lv.level[a]) {
        fprintf(out, "%s%s", any ? "、" : " ", station_award_title_zh(a, lv.level[a], title,
                                                                       sizeof title));
        any = 1;
      }
    }
    /* Card-eligible counts only what a round awarded (Rules 三(二)), not levels reached. */
    int ca;
    unsigned cl, cy;
    char rid[STATION_ROUND_ID_MAX + 1];
    int rstate;
    fprintf(out, "%s\n  card eligible          ", any ? "" : " none");
    if (station_cards_best_award(db, person, &ca, &cl, &cy) == STATION_OK)
      fprintf(out, "yes (awarded)\n");
    else if (station_round_pending_for(db, person, rid, &rstate) == STATION_OK)
      fprintf(out, "not yet: round %s is %s\n", rid, station_round_state_name(rstate));
    else
      fprintf(out, "no\n");
  }
  sqlite3_finalize(st);

  if ((rc = station_db_prepare(db, "SELECT a.round, r.cutoff, a.award, a.level, r.state,"
                                   " a.struck FROM awards a"
                                   " JOIN rounds r ON r.id = a.round WHERE a.person = ?1"
                                   " ORDER BY r.cutoff, a.award", &st)) != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  fprintf(out, "awards granted in rounds:\n");
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    char title[96];
    fprintf(out, "  %-10s (cut-off %s, %s)  %s%s%s\n", (const char *)sqlite3_column_text(st, 0),
            station_date_format((int32_t)sqlite3_column_int64(st, 1), day, sizeof day),
            station_round_state_name(sqlite3_column_int(st, 4)),
            station_award_title_zh(sqlite3_column_int(st, 2), (unsigned)sqlite3_column_int(st, 3),
                                   title, sizeof title),
            sqlite3_column_int(st, 5) ? "  -- " : "",
            sqlite3_column_int(st, 5) ? station_struck_text(sqlite3_column_int(st, 5)) : "");
    n++;
  }
  if (!n)
    fprintf(out, "  none\n");
  sqlite3_finalize(st);
  return station_issue_show(db, person, out);
}
