/* Applications (station/issue.h): a first card after review, a reissue for a lost or
 * damaged card with its fee, and the recorded override a holder needs after a
 * revocation for misuse. The card itself is cards.c's; the centre hears through
 * outbox.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/token.h"
#include "issue_int.h"
#include "station/round.h"

static int app_text_ok(const char *s, size_t max)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max || common_utf8_valid_prefix(s, n) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
      return 0;
  return 1;
}

/* The person with this ID number, and its recorded name. */
static int app_person(struct station_db *db, const char *idno, int64_t *person, char *name,
                      size_t name_cap, int *misuse_pending)
{
  char norm[COMMON_ID_LEN + 1];
  if (!idno || common_id_check(idno, strlen(idno), norm, NULL) != COMMON_ID_OK)
    return STATION_E_INVALID_ARG;
  sqlite3_stmt *st;
  /* A misuse revocation without an override recorded after it. */
  int rc = station_db_prepare(db,
                              "SELECT p.id, p.name, p.misuse_at IS NOT NULL AND NOT EXISTS"
                              " (SELECT 1 FROM overrides o WHERE o.person = p.id AND"
                              "  o.at >= p.misuse_at) FROM persons p WHERE p.id_number = ?1",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, norm, -1, SQLITE_STATIC);
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW) {
    *person = sqlite3_column_int64(st, 0);
    if (name)
      snprintf(name, name_cap, "%s", (const char *)sqlite3_column_text(st, 1));
    if (misuse_pending)
      *misuse_pending = sqlite3_column_int(st, 2);
  } else {
    rc = src == SQLITE_DONE ? STATION_E_NOT_FOUND : station_db_fail(db, src, "person");
  }
  sqlite3_finalize(st);
  memset(norm, 0, sizeof norm);
  return rc;
}

/* Record an override when one is needed; *override_id 0 when none was needed. */
static int app_override(struct station_db *db, int64_t person, int needed,
                        const struct station_override *ov, int32_t today, int64_t *override_id,
                        char *why, size_t cap)
{
  *override_id = 0;
  if (!needed)
    return STATION_OK;
  if (!ov)
    return station_why(why, cap, STATION_E_OVERRIDE_REQUIRED,
                       "the holder's card was revoked for misuse (altered or lent): a recorded "
                       "override (who, why) is required");
  if (!ov->who ||
      !common_token_valid_n(ov->who, strlen(ov->who), STATION_STAFF_MAX, COMMON_TOKEN_REF) ||
      !app_text_ok(ov->why, STATION_OVERRIDE_WHY_MAX))
    return station_why(why, cap, STATION_E_INVALID_ARG,
                       "override: who is a staff id (1-32 of A-Z a-z 0-9 . _ : / -), why 1-200 "
                       "bytes of text");
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "INSERT INTO overrides(person, who, why, day, at)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5)", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_text(st, 2, ov->who, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, ov->why, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, today);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
  if ((rc = station_db_done(db, st, "override")) != STATION_OK)
    return rc;
  *override_id = sqlite3_last_insert_rowid(db->h);
  return STATION_OK;
}

/* A pending application or a live card of this person. */
static int app_open(struct station_db *db, int64_t person, int *open_app, int64_t *live_card)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT (SELECT COUNT(*) FROM applications WHERE person = ?1"
                                  " AND state = ?2), (SELECT id FROM cards WHERE person = ?1 AND"
                                  " state <> ?3 ORDER BY generation DESC LIMIT 1)", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int(st, 2, STATION_APP_PENDING);
  sqlite3_bind_int(st, 3, STATION_CARD_REVOKED);
  if (sqlite3_step(st) == SQLITE_ROW) {
    *open_app = sqlite3_column_int(st, 0) > 0;
    *live_card = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  return STATION_OK;
}

/* 1 when the person was ever given a card number (a later card is a reissue). */
static int app_had_card(struct station_db *db, int64_t person)
{
  sqlite3_stmt *st;
  int had = 0;
  if (station_db_prepare(db, "SELECT 1 FROM cards WHERE person = ?1 LIMIT 1", &st) != STATION_OK)
    return 1; /* on doubt, not a free first card */
  sqlite3_bind_int64(st, 1, person);
  had = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return had;
}

static int app_insert(struct station_db *db, int64_t person, enum station_app_kind kind,
                      int32_t day, const uint8_t *photo, size_t photo_len, int64_t fee,
                      int reason, const char *staff, int64_t override_id, int64_t *app_id)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "INSERT INTO applications(person, kind, state, day, at, photo,"
                                  " fee_cents, reason, staff, override)"
                                  " VALUES(?1, ?2, ?10, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int(st, 2, kind);
  sqlite3_bind_int64(st, 3, day);
  sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
  sqlite3_bind_blob(st, 5, photo, (int)photo_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, fee);
  if (reason)
    sqlite3_bind_int(st, 7, reason);
  sqlite3_bind_text(st, 8, staff, -1, SQLITE_STATIC);
  if (override_id)
    sqlite3_bind_int64(st, 9, override_id);
  sqlite3_bind_int(st, 10, STATION_APP_PENDING);
  if ((rc = station_db_done(db, st, "application")) != STATION_OK)
    return rc;
  *app_id = sqlite3_last_insert_rowid(db->h);
  return STATION_OK;
}

/* ------------------------------------------------------------------ apply -- */

int station_apply(struct station_db *db, const struct station_application *a, int64_t *app_id,
                  char *why, size_t why_cap)
{
  char name[STATION_NAME_MAX + 1];
  int64_t person, override_id, live;
  int misuse = 0, open_app = 0, award;
  unsigned level, year;
  int rc;

  if (!db || !a || !app_id || !a->photo || a->photo_len == 0 ||
      a->photo_len > STATION_CARD_PHOTO_MAX)
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "an ID number, a name and a photo are needed");
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  rc = app_person(db, a->idno, &person, name, sizeof name, &misuse);
  if (rc == STATION_E_NOT_FOUND) {
    station_why(why, why_cap, rc, "no donation or service records for this ID number");
    goto out_rollback;
  }
  if (rc != STATION_OK) {
    station_why(why, why_cap, rc, "ID number not valid");
    goto out_rollback;
  }
  if (!a->name || strcmp(a->name, name) != 0) {
    rc = station_why(why, why_cap, STATION_E_CONFLICT,
                     "the name differs from the one in the donation records");
    goto out_rollback;
  }
  if ((rc = station_cards_best_award(db, person, &award, &level, &year)) != STATION_OK) {
    char round_id[STATION_ROUND_ID_MAX + 1];
    int rstate;
    if (rc == STATION_E_NOT_ELIGIBLE &&
        station_round_pending_for(db, person, round_id, &rstate) == STATION_OK)
      station_why(why, why_cap, rc,
                  "round %s is %s: cards are made for awarded rounds only (Rules 三(二)); "
                  "missing step: %s (station round %s)",
                  round_id, station_round_state_name(rstate),
                  station_round_state_step(rstate + 1), station_round_state_cmd(rstate + 1));
    else
      station_why(why, why_cap, rc, "no card-eligible award in force in an awarded round "
                                    "(Art. 18)");
    goto out_rollback;
  }
  if ((rc = app_open(db, person, &open_app, &live)) != STATION_OK)
    goto out_rollback;
  if (open_app || live || app_had_card(db, person)) {
    rc = station_why(why, why_cap, STATION_E_EXISTS,
                     open_app ? "an application is already open" :
                              "the holder has or had a card: a new one is a reissue (fee)");
    goto out_rollback;
  }
  if ((rc = app_override(db, person, misuse, a->override, a->today, &override_id, why,
                         why_cap)) != STATION_OK)
    goto out_rollback;
  if ((rc = app_insert(db, person, STATION_APP_FIRST_CARD, a->today, a->photo, a->photo_len, 0,
                       0, NULL, override_id, app_id)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

/* ---------------------------------------------------------------- reissue -- */

int station_reissue_apply(struct station_db *db, const struct station_reissue *r,
                          const struct station_centre *centre, int64_t *app_id, char *why,
                          size_t why_cap)
{
  int64_t person, live, override_id, item = 0;
  int misuse = 0, open_app = 0;
  int rc;

  if (!db || !r || !app_id || r->fee_cents < 0 ||
      (r->reason != STATION_REVOKE_LOST && r->reason != STATION_REVOKE_DAMAGED) ||
      (r->photo && (r->photo_len == 0 || r->photo_len > STATION_CARD_PHOTO_MAX)) ||
      (r->staff &&
       !common_token_valid_n(r->staff, strlen(r->staff), STATION_STAFF_MAX, COMMON_TOKEN_REF)))
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "an ID number, lost or damaged, a fee >= 0 and a staff id are needed");
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = app_person(db, r->idno, &person, NULL, 0, &misuse)) != STATION_OK) {
    station_why(why, why_cap, rc, rc == STATION_E_NOT_FOUND ? "no records for this ID number"
                                                          : "ID number not valid");
    goto out_rollback;
  }
  if ((rc = app_open(db, person, &open_app, &live)) != STATION_OK)
    goto out_rollback;
  if (open_app) {
    rc = station_why(why, why_cap, STATION_E_EXISTS, "an application is already open");
    goto out_rollback;
  }
  /* The card being replaced: the live one, or the last one when it was revoked already
   * (reported lost earlier, or revoked for misuse and now overridden). */
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT card_no, generation, application FROM cards WHERE"
                                   " person = ?1 ORDER BY (state <> ?2) DESC, generation DESC"
                                   " LIMIT 1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int(st, 2, STATION_CARD_REVOKED);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND,
                     "the holder never had a card: apply for one");
    goto out_rollback;
  }
  char card_no[COMMON_CARDNO_LEN + 1];
  snprintf(card_no, sizeof card_no, "%s", (const char *)sqlite3_column_text(st, 0));
  uint32_t gen = (uint32_t)sqlite3_column_int64(st, 1);
  int64_t old_app = sqlite3_column_int64(st, 2);
  sqlite3_finalize(st);
  if ((rc = app_override(db, person, misuse, r->override, r->today, &override_id, why,
                         why_cap)) != STATION_OK)
    goto out_rollback;

  /* The photo: a new one, or the one of the card being replaced. */
  const uint8_t *photo = r->photo;
  size_t photo_len = r->photo_len;
  sqlite3_stmt *ph = NULL;
  if (!photo) {
    if ((rc = station_db_prepare(db, "SELECT photo FROM applications WHERE id = ?1", &ph)) !=
        STATION_OK)
      goto out_rollback;
    sqlite3_bind_int64(ph, 1, old_app);
    if (sqlite3_step(ph) != SQLITE_ROW) {
      sqlite3_finalize(ph);
      rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no photo on file: bring a new one");
      goto out_rollback;
    }
    photo = sqlite3_column_blob(ph, 0);
    photo_len = (size_t)sqlite3_column_bytes(ph, 0);
  }
  rc = app_insert(db, person, STATION_APP_REISSUE, r->today, photo, photo_len, r->fee_cents,
                  r->reason, r->staff, override_id, app_id);
  sqlite3_finalize(ph);
  if (rc != STATION_OK)
    goto out_rollback;
  /* The old card (and any before it) revoked at once: every generation below the new. */
  if (live && (rc = station_cards_revoke_tx(db, card_no, gen + 1, STATION_REV_BELOW, r->reason,
                                            r->staff, r->today, &item)) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (centre && item)
    station_outbox_send_one(db, centre, item, NULL, 0);
  return STATION_OK;
out_rollback:
  station_db_rollback(db);
  return rc;
}
