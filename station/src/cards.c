/* The card (station/issue.h): names of its states and revocation reasons, the state
 * machine with its trace, numbers, issue (personalization through the writer), revoke,
 * collect, and the listings. Every change the centre must learn is queued through
 * outbox.c in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/award.h"
#include "common/token.h"
#include "issue_int.h"
#include "station/round.h"

/* ------------------------------------------------------------------ names -- */

const char *station_card_state_name(int state)
{
  switch (state) {
#define STATION_X_CSN(name, value, text)                                                 \
  case (value):                                                                          \
    return (text);
    STATION_CARD_STATE_MAP(STATION_X_CSN)
#undef STATION_X_CSN
  default:
    return "unknown";
  }
}

const char *station_revoke_token(int reason)
{
  switch (reason) {
#define STATION_X_RT(name, value, token, zh, misuse)                                     \
  case (value):                                                                          \
    return (token);
    STATION_REVOKE_MAP(STATION_X_RT)
#undef STATION_X_RT
  default:
    return NULL;
  }
}

int station_revoke_parse(const char *token, enum station_revoke_reason *out)
{
#define STATION_X_RP(name, value, tok, zh, misuse)                                       \
  if (token && (strcmp(token, (tok)) == 0 || strcmp(token, (zh)) == 0)) {                \
    *out = STATION_REVOKE_##name;                                                        \
    return STATION_OK;                                                                   \
  }
  STATION_REVOKE_MAP(STATION_X_RP)
#undef STATION_X_RP
  return STATION_E_NOT_FOUND;
}

int station_revoke_is_misuse(int reason)
{
  switch (reason) {
#define STATION_X_RM(name, value, token, zh, misuse)                                     \
  case (value):                                                                          \
    return (misuse);
    STATION_REVOKE_MAP(STATION_X_RM)
#undef STATION_X_RM
  default:
    return 0;
  }
}

/*
 * The card state machine: the one place a card changes state, with its trace row.
 * Allowed: NUMBERED -> PERSONALIZED -> READY -> COLLECTED, and any of them -> REVOKED.
 */
static int card_transition(struct station_db *db, int64_t card, enum station_card_state from,
                           enum station_card_state to, int32_t day, const char *staff,
                           const char *note)
{
  int ok = (from == STATION_CARD_NUMBERED && to == STATION_CARD_PERSONALIZED) ||
           (from == STATION_CARD_PERSONALIZED && to == STATION_CARD_READY) ||
           (from == STATION_CARD_READY && to == STATION_CARD_COLLECTED) ||
           (from != STATION_CARD_REVOKED && to == STATION_CARD_REVOKED);
  if (!ok) {
    snprintf(db->err, sizeof db->err, "card cannot go from %s to %s",
             station_card_state_name(from), station_card_state_name(to));
    return STATION_E_STATE;
  }
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "UPDATE cards SET state = ?3,"
                                  " ready_day = CASE WHEN ?3 = ?5 THEN ?4 ELSE ready_day END"
                                  " WHERE id = ?1 AND state = ?2", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, card);
  sqlite3_bind_int(st, 2, from);
  sqlite3_bind_int(st, 3, to);
  sqlite3_bind_int64(st, 4, day);
  sqlite3_bind_int(st, 5, STATION_CARD_READY);
  if ((rc = station_db_done(db, st, "card state")) != STATION_OK)
    return rc;
  if (sqlite3_changes(db->h) != 1) {
    snprintf(db->err, sizeof db->err, "card is not %s", station_card_state_name(from));
    return STATION_E_STATE;
  }
  if ((rc = station_db_prepare(db, "INSERT INTO card_events(card, from_state, to_state, day, at,"
                                   " staff, note) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st)) !=
      STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, card);
  sqlite3_bind_int(st, 2, from);
  sqlite3_bind_int(st, 3, to);
  sqlite3_bind_int64(st, 4, day);
  sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
  sqlite3_bind_text(st, 6, staff, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
  return station_db_done(db, st, "card event");
}

/* The card-eligible award to put on the card: lifetime achievement, then the volunteer
 * lifetime honour, then the highest donor star, then the 5-star volunteer; with the
 * year of the round's cut-off. NOT_ELIGIBLE when there is none. */
int station_cards_best_award(struct station_db *db, int64_t person, int *award,
                             unsigned *level, unsigned *round_year)
{
  sqlite3_stmt *st;
  /* Only awards in force of rounds the city government awarded (Rules 三(二): the card
   * is made for those awarded; station/round.h). */
  int rc = station_db_prepare(db, "SELECT a.award, a.level, r.cutoff FROM awards a"
                                  " JOIN rounds r ON r.id = a.round WHERE a.person = ?1"
                                  " AND a.struck = ?2 AND r.state >= ?3", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int(st, 2, STATION_STRUCK_NONE);
  sqlite3_bind_int(st, 3, STATION_ROUND_AWARDED);
  int best = -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int a = sqlite3_column_int(st, 0);
    unsigned l = (unsigned)sqlite3_column_int(st, 1);
    /* The evaluation records a single award as reached at level 1, the card (and
     * common's table) carries it as 0: convert, then ask the one table. */
    unsigned card_level = common_award_has_stars(a) ? l : 0;
    if (l == 0 || !common_award_carries_card(a, card_level))
      continue;
    int rank = a == COMMON_AWARD_LIFETIME_ACHIEVEMENT ? 100
               : a == COMMON_AWARD_VOLUNTEER_LIFETIME ? 90
               : a == COMMON_AWARD_DONOR_STAR        ? 10 + (int)l
                                                      : 5;
    if (rank > best) {
      best = rank;
      *award = a;
      *level = card_level;
      int y;
      unsigned m, d;
      common_civil_from_days((int32_t)sqlite3_column_int64(st, 2), &y, &m, &d);
      *round_year = (unsigned)y;
    }
  }
  sqlite3_finalize(st);
  return best < 0 ? STATION_E_NOT_ELIGIBLE : STATION_OK;
}

/*
 * Inside a transaction: revoke the cards of card_no (kind EXACT: generation; BELOW: all
 * below generation), locally and into the outbox. *outbox_id the queued item.
 */
int station_cards_revoke_tx(struct station_db *db, const char *card_no, uint32_t generation,
                            enum station_rev_kind kind, enum station_revoke_reason reason,
                            const char *staff, int32_t today, int64_t *outbox_id)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT id, state FROM cards WHERE card_no = ?1 AND state <> ?4"
                                  " AND ((?3 = ?5 AND generation = ?2) OR (?3 = ?6 AND"
                                  " generation < ?2))", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, generation);
  sqlite3_bind_int(st, 3, kind);
  sqlite3_bind_int(st, 4, STATION_CARD_REVOKED);
  sqlite3_bind_int(st, 5, STATION_REV_EXACT);
  sqlite3_bind_int(st, 6, STATION_REV_BELOW);
  int64_t ids[64];
  int states[64];
  size_t n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
    ids[n] = sqlite3_column_int64(st, 0);
    states[n++] = sqlite3_column_int(st, 1);
  }
  sqlite3_finalize(st);
  for (size_t i = 0; i < n; i++)
    if ((rc = card_transition(db, ids[i], (enum station_card_state)states[i], STATION_CARD_REVOKED,
                              today, staff, station_revoke_token(reason))) != STATION_OK)
      return rc;
  if ((rc = station_db_prepare(db, "INSERT INTO revocations(card_no, generation, kind, reason,"
                                   " staff, day, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st)) !=
      STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, generation);
  sqlite3_bind_int(st, 3, kind);
  sqlite3_bind_int(st, 4, reason);
  sqlite3_bind_text(st, 5, staff, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, today);
  sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
  if ((rc = station_db_done(db, st, "revocation")) != STATION_OK)
    return rc;
  return station_outbox_add(db, STATION_OUTBOX_REVOKE, card_no, generation, kind,
                            station_revoke_token(reason), 0, 0, 0, outbox_id);
}

int station_revoke(struct station_db *db, const char *card_no, enum station_revoke_reason reason,
                   const char *staff, int32_t today, const struct station_centre *centre,
                   char *why, size_t why_cap)
{
  if (!db || !common_cardno_valid(card_no) || !station_revoke_token(reason) ||
      (staff && !common_token_valid_n(staff, strlen(staff), STATION_STAFF_MAX, COMMON_TOKEN_REF)))
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "a valid card number, a reason and a staff id are needed");
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT generation, person FROM cards WHERE card_no = ?1 AND"
                                   " state <> ?2 ORDER BY generation DESC LIMIT 1", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, STATION_CARD_REVOKED);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no card in use with this number");
    goto out_rollback;
  }
  uint32_t gen = (uint32_t)sqlite3_column_int64(st, 0);
  int64_t person = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  int misuse = station_revoke_is_misuse(reason);
  int64_t item;
  /* Misuse: every generation of the number; otherwise the current card. */
  if ((rc = station_cards_revoke_tx(db, card_no, misuse ? gen + 1 : gen,
                                    misuse ? STATION_REV_BELOW : STATION_REV_EXACT, reason,
                                    staff, today, &item)) != STATION_OK)
    goto out_rollback;
  if (misuse) {
    if ((rc = station_db_prepare(db, "UPDATE persons SET misuse_day = ?2, misuse_at = ?3"
                                     " WHERE id = ?1", &st)) != STATION_OK)
      goto out_rollback;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, today);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
    if ((rc = station_db_done(db, st, "misuse")) != STATION_OK)
      goto out_rollback;
  }
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (centre)
    station_outbox_send_one(db, centre, item, why, why_cap);
  return STATION_OK;
out_rollback:
  station_db_rollback(db);
  return rc;
}

int station_card_revoked(struct station_db *db, const char *card_no, uint32_t generation,
                         int *revoked, enum station_revoke_reason *reason)
{
  if (!db || !card_no || !revoked)
    return STATION_E_INVALID_ARG;
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT reason FROM revocations WHERE card_no = ?1 AND"
                                  " ((kind = ?3 AND generation = ?2) OR (kind = ?4 AND ?2 <"
                                  " generation)) ORDER BY id DESC LIMIT 1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, generation);
  sqlite3_bind_int(st, 3, STATION_REV_EXACT);
  sqlite3_bind_int(st, 4, STATION_REV_BELOW);
  *revoked = sqlite3_step(st) == SQLITE_ROW;
  if (*revoked && reason)
    *reason = (enum station_revoke_reason)sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return STATION_OK;
}

/* ------------------------------------------------------------------ issue -- */

/* Inside a transaction: the person's number, or a new one for (year, county). */
static int issue_number(struct station_db *db, int64_t person, unsigned year, unsigned county,
                        char card_no[COMMON_CARDNO_LEN + 1])
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT card_no FROM persons WHERE id = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    snprintf(card_no, COMMON_CARDNO_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return STATION_OK;
  }
  sqlite3_finalize(st);
  if ((rc = station_db_prepare(db, "INSERT INTO card_serials(year, county, last) VALUES(?1, ?2, 1)"
                                   " ON CONFLICT(year, county) DO UPDATE SET last = last + 1"
                                   " RETURNING last", &st)) != STATION_OK)
    return rc;
  sqlite3_bind_int(st, 1, (int)year);
  sqlite3_bind_int(st, 2, (int)county);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return station_db_fail(db, sqlite3_errcode(db->h), "card serial");
  }
  unsigned long serial = (unsigned long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if ((rc = station_cardno_format(year, county, serial, card_no)) != STATION_OK) {
    snprintf(db->err, sizeof db->err, "card serials of %u exhausted", year);
    return STATION_E_TOO_LARGE;
  }
  if ((rc = station_db_prepare(db, "UPDATE persons SET card_no = ?2 WHERE id = ?1", &st)) !=
      STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_text(st, 2, card_no, -1, SQLITE_STATIC);
  return station_db_done(db, st, "person number");
}

int station_issue(struct station_db *db, int64_t app_id, const struct station_issue_opts *o,
                  struct station_issued *out, char *why, size_t why_cap)
{
  sqlite3_stmt *st = NULL;
  int rc;
  int64_t person, card = 0;
  int award = 0, kind;
  unsigned level = 0, year = 0;
  uint32_t gen = 0;
  char name[STATION_NAME_MAX + 1], idno[COMMON_ID_LEN + 1];
  uint8_t *photo = NULL;
  size_t photo_len = 0;

  if (!db || !o || !out || !o->writer || !o->writer->personalize || o->county > 99)
    return station_why(why, why_cap, STATION_E_INVALID_ARG, "a card writer is needed");
  memset(out, 0, sizeof *out);
  int32_t not_after = o->not_after_day ? o->not_after_day
                                       : common_date_add_years(o->today, 10) - 1;
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = station_db_prepare(db, "SELECT a.person, a.kind, a.photo, p.name, p.id_number"
                                   " FROM applications a JOIN persons p ON p.id = a.person"
                                   " WHERE a.id = ?1 AND a.state = ?2", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
  sqlite3_bind_int(st, 2, STATION_APP_PENDING);
  if (sqlite3_step(st) != SQLITE_ROW) {
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no pending application with this number");
    goto out_rollback;
  }
  person = sqlite3_column_int64(st, 0);
  kind = sqlite3_column_int(st, 1);
  photo_len = (size_t)sqlite3_column_bytes(st, 2);
  photo = malloc(photo_len ? photo_len : 1);
  if (!photo) {
    rc = STATION_E_NO_MEMORY;
    goto out_rollback;
  }
  memcpy(photo, sqlite3_column_blob(st, 2), photo_len);
  snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 3));
  snprintf(idno, sizeof idno, "%s", (const char *)sqlite3_column_text(st, 4));
  sqlite3_finalize(st);
  st = NULL;
  if ((rc = station_cards_best_award(db, person, &award, &level, &year)) != STATION_OK) {
    station_why(why, why_cap, rc, "no card-eligible award");
    goto out_rollback;
  }
  int y;
  unsigned m, d;
  common_civil_from_days(o->today, &y, &m, &d);
  if ((rc = issue_number(db, person, (unsigned)y, o->county, out->card_no)) != STATION_OK)
    goto out_rollback;
  /* A card already numbered for this application (a failed personalization before):
   * the same generation again; else the next generation of the number. */
  if ((rc = station_db_prepare(db, "SELECT id, generation FROM cards WHERE application = ?1 AND"
                                   " state = ?2", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
  sqlite3_bind_int(st, 2, STATION_CARD_NUMBERED);
  if (sqlite3_step(st) == SQLITE_ROW) {
    card = sqlite3_column_int64(st, 0);
    gen = (uint32_t)sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  st = NULL;
  if (!card) {
    if ((rc = station_db_prepare(db, "SELECT COALESCE(MAX(generation) + 1, 0) FROM cards"
                                     " WHERE card_no = ?1", &st)) != STATION_OK)
      goto out_rollback;
    sqlite3_bind_text(st, 1, out->card_no, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
      gen = (uint32_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if ((rc = station_db_prepare(db, "INSERT INTO cards(card_no, generation, person, application,"
                                     " state, award, level, round_year, issue_day, not_after_day)"
                                     " VALUES(?1, ?2, ?3, ?4, ?10, ?5, ?6, ?7, ?8, ?9)", &st)) !=
        STATION_OK)
      goto out_rollback;
    sqlite3_bind_text(st, 1, out->card_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, gen);
    sqlite3_bind_int64(st, 3, person);
    sqlite3_bind_int64(st, 4, app_id);
    sqlite3_bind_int(st, 5, award);
    sqlite3_bind_int(st, 6, (int)level);
    sqlite3_bind_int(st, 7, (int)year);
    sqlite3_bind_int64(st, 8, o->today);
    sqlite3_bind_int64(st, 9, not_after);
    sqlite3_bind_int(st, 10, STATION_CARD_NUMBERED);
    rc = station_db_done(db, st, "card");
    st = NULL;
    if (rc != STATION_OK)
      goto out_rollback;
    card = sqlite3_last_insert_rowid(db->h);
  }
  out->generation = gen;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;

  /* Personalize outside any transaction: it takes seconds, and a failure must leave the
   * number recorded. */
  struct station_card_request req = {out->card_no, gen,       name,      idno,
                                     award,        level,     year,      o->today,
                                     not_after,    photo,     photo_len};
  rc = o->writer->personalize(o->writer->ctx, &req, why, why_cap);
  memset(idno, 0, sizeof idno);
  free(photo);
  photo = NULL;
  if (rc != STATION_OK)
    return rc;

  /* The issuer key the card was signed with: the centre registers it. */
  char key_id[STATION_ISSUER_KEYID_HEX + 1] = "";
  if (o->writer->issuer_key_id && o->writer->issuer_key_id(o->writer->ctx, key_id) != STATION_OK)
    key_id[0] = '\0';
  int64_t item;
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = station_db_prepare(db, "UPDATE cards SET issuer_key_id = ?2 WHERE id = ?1", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, card);
  sqlite3_bind_text(st, 2, key_id, -1, SQLITE_STATIC);
  rc = station_db_done(db, st, "issuer key id");
  st = NULL;
  if (rc != STATION_OK)
    goto out_rollback;
  if ((rc = card_transition(db, card, STATION_CARD_NUMBERED, STATION_CARD_PERSONALIZED, o->today,
                            o->staff, kind == STATION_APP_REISSUE ? "reissue" : "first card")) !=
          STATION_OK ||
      (rc = station_outbox_add(db, STATION_OUTBOX_REGISTER, out->card_no, gen, 0, NULL, award,
                               level, o->today, &item)) != STATION_OK ||
      (rc = card_transition(db, card, STATION_CARD_PERSONALIZED, STATION_CARD_READY, o->today,
                            o->staff, "registration queued")) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_prepare(db, "UPDATE applications SET state = ?2 WHERE id = ?1", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
  sqlite3_bind_int(st, 2, STATION_APP_ISSUED);
  if ((rc = station_db_done(db, st, "application")) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (o->centre)
    out->registered = station_outbox_send_one(db, o->centre, item, out->centre_why,
                                              sizeof out->centre_why) == STATION_OK;
  else
    snprintf(out->centre_why, sizeof out->centre_why, "no centre configured");
  return STATION_OK;
out_rollback:
  if (st)
    sqlite3_finalize(st);
  free(photo);
  memset(idno, 0, sizeof idno);
  station_db_rollback(db);
  return rc;
}

/* --------------------------------------------------------------- collect -- */

int station_collect(struct station_db *db, const char *card_no, int32_t today)
{
  if (!db || !common_cardno_valid(card_no))
    return STATION_E_INVALID_ARG;
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT id, state FROM cards WHERE card_no = ?1"
                                   " ORDER BY generation DESC LIMIT 1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = STATION_E_NOT_FOUND;
    goto out_rollback;
  }
  int64_t card = sqlite3_column_int64(st, 0);
  int state = sqlite3_column_int(st, 1);
  sqlite3_finalize(st);
  if ((rc = card_transition(db, card, (enum station_card_state)state, STATION_CARD_COLLECTED,
                            today, NULL, NULL)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

/* ------------------------------------------------------------- listings -- */

int station_ready_list(struct station_db *db, station_ready_fn fn, void *user)
{
  sqlite3_stmt *st;
  if (!db || !fn)
    return STATION_E_INVALID_ARG;
  int rc = station_db_prepare(db, "SELECT c.card_no, c.generation, a.kind, a.fee_cents,"
                                  " c.ready_day, c.registered, p.name, p.id_number, c.award,"
                                  " c.level, a.photo FROM cards c"
                                  " JOIN applications a ON a.id = c.application"
                                  " JOIN persons p ON p.id = c.person WHERE c.state = ?1"
                                  " ORDER BY c.ready_day, c.id", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int(st, 1, STATION_CARD_READY);
  while (sqlite3_step(st) == SQLITE_ROW) {
    struct station_ready_card c;
    memset(&c, 0, sizeof c);
    snprintf(c.card_no, sizeof c.card_no, "%s", (const char *)sqlite3_column_text(st, 0));
    c.generation = (unsigned)sqlite3_column_int64(st, 1);
    c.reissue = sqlite3_column_int(st, 2) == STATION_APP_REISSUE;
    c.fee_cents = sqlite3_column_int64(st, 3);
    c.ready_day = (int32_t)sqlite3_column_int64(st, 4);
    c.registered = sqlite3_column_int(st, 5);
    station_mask_name((const char *)sqlite3_column_text(st, 6), c.masked_name,
                      sizeof c.masked_name);
    station_mask_idno((const char *)sqlite3_column_text(st, 7), c.masked_idno);
    c.award = sqlite3_column_int(st, 8);
    c.level = (unsigned)sqlite3_column_int(st, 9);
    c.photo = sqlite3_column_blob(st, 10);
    c.photo_len = (size_t)sqlite3_column_bytes(st, 10);
    if ((rc = fn(user, &c)) != 0)
      break;
  }
  sqlite3_finalize(st);
  return rc;
}

int station_card_person(struct station_db *db, const char *card_no, int64_t *person)
{
  sqlite3_stmt *st;
  if (!db || !card_no || !person)
    return STATION_E_INVALID_ARG;
  int rc = station_db_prepare(db, "SELECT id FROM persons WHERE card_no = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW)
    *person = sqlite3_column_int64(st, 0);
  else
    rc = STATION_E_NOT_FOUND;
  sqlite3_finalize(st);
  return rc;
}

/* The award on a card (the card's level convention), as the notice writes it. */
static const char *card_title(int award, unsigned level)
{
  const char *t = common_award_title_zh(award, level);
  return t[0] ? t : "?";
}

int station_issue_show(struct station_db *db, int64_t person, FILE *out)
{
  sqlite3_stmt *st;
  char day[16];
  int rc = station_db_prepare(db, "SELECT card_no, generation, state, award, level, issue_day,"
                                  " registered FROM cards WHERE person = ?1 ORDER BY generation",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  fprintf(out, "cards:\n");
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int revoked = 0;
    enum station_revoke_reason why = STATION_REVOKE_OTHER;
    const char *no = (const char *)sqlite3_column_text(st, 0);
    uint32_t gen = (uint32_t)sqlite3_column_int64(st, 1);
    fprintf(out, "  %s gen %u  %-12s %s  issued %s  centre %s", no, gen,
            station_card_state_name(sqlite3_column_int(st, 2)),
            card_title(sqlite3_column_int(st, 3), (unsigned)sqlite3_column_int(st, 4)),
            station_date_format((int32_t)sqlite3_column_int64(st, 5), day, sizeof day),
            sqlite3_column_int(st, 6) ? "registered" : "pending");
    if (station_card_revoked(db, no, gen, &revoked, &why) == STATION_OK && revoked)
      fprintf(out, "  revoked (%s)", station_revoke_token(why));
    fputc('\n', out);
    n++;
  }
  sqlite3_finalize(st);
  if (!n)
    fprintf(out, "  none\n");
  return STATION_OK;
}
