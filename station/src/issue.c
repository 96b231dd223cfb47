/* Issuance: applications, numbers, the card state machine, revocations, overrides,
 * the outbox to the centre (station/issue.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "station/award.h"
#include "station/issue.h"
#include "station_int.h"

/* EF.PHOTO holds at most this (docs/card-spec.md). */
#define CARD_PHOTO_MAX 65535u

static const char issue_schema[] =
    "CREATE TABLE overrides("
    "  id INTEGER PRIMARY KEY,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  who TEXT NOT NULL,"
    "  why TEXT NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE TABLE applications("
    "  id INTEGER PRIMARY KEY,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  kind INTEGER NOT NULL,"            /* 1 first card, 2 reissue */
    "  state INTEGER NOT NULL,"           /* 1 pending, 2 issued */
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  photo BLOB NOT NULL,"
    "  fee_cents INTEGER NOT NULL DEFAULT 0,"
    "  reason INTEGER,"                   /* reissue: lost or damaged */
    "  staff TEXT,"
    "  override INTEGER REFERENCES overrides(id));"
    "CREATE TABLE card_serials("
    "  year INTEGER NOT NULL,"
    "  county INTEGER NOT NULL,"
    "  last INTEGER NOT NULL,"
    "  PRIMARY KEY(year, county)) WITHOUT ROWID;"
    "CREATE TABLE cards("
    "  id INTEGER PRIMARY KEY,"
    "  card_no TEXT NOT NULL,"
    "  generation INTEGER NOT NULL,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  application INTEGER NOT NULL REFERENCES applications(id),"
    "  state INTEGER NOT NULL,"
    "  award INTEGER NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  round_year INTEGER NOT NULL,"
    "  issue_day INTEGER,"
    "  not_after_day INTEGER,"
    "  ready_day INTEGER,"
    "  registered INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(card_no, generation));"
    /* The trace of the state machine: one row per transition. */
    "CREATE TABLE card_events("
    "  id INTEGER PRIMARY KEY,"
    "  card INTEGER NOT NULL REFERENCES cards(id),"
    "  from_state INTEGER NOT NULL,"
    "  to_state INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  staff TEXT,"
    "  note TEXT);"
    "CREATE TABLE revocations("
    "  id INTEGER PRIMARY KEY,"
    "  card_no TEXT NOT NULL,"
    "  generation INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"            /* 1 exact, 2 below (as kiosk/revoke.h) */
    "  reason INTEGER NOT NULL,"
    "  staff TEXT,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX revocations_card ON revocations(card_no);"
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY,"
    "  op INTEGER NOT NULL,"
    "  card_no TEXT NOT NULL,"
    "  generation INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL DEFAULT 0,"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  award INTEGER NOT NULL DEFAULT 0,"
    "  level INTEGER NOT NULL DEFAULT 0,"
    "  issue_day INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT NOT NULL DEFAULT '',"
    "  sent_at INTEGER);";

int station_issue_schema(struct station_db *db)
{
  return station_db_exec(db, issue_schema);
}

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

/* ---------------------------------------------------------------- helpers -- */

static int issue_why(char *why, size_t cap, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int issue_why(char *why, size_t cap, int err, const char *fmt, ...)
{
  if (why && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return err;
}

/* Run a statement to completion and finalize it. */
static int issue_done(struct station_db *db, sqlite3_stmt *st, const char *where)
{
  int src = sqlite3_step(st);
  sqlite3_finalize(st);
  if (src != SQLITE_DONE && src != SQLITE_ROW)
    return station_db_fail(db, src, where);
  return STATION_OK;
}

static void issue_rollback(struct station_db *db)
{
  if (!sqlite3_get_autocommit(db->h))
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

static int issue_text_ok(const char *s, size_t max)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max || station_utf8_valid_prefix((const uint8_t *)s, n) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
      return 0;
  return 1;
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
                                  " ready_day = CASE WHEN ?3 = 3 THEN ?4 ELSE ready_day END"
                                  " WHERE id = ?1 AND state = ?2", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, card);
  sqlite3_bind_int(st, 2, from);
  sqlite3_bind_int(st, 3, to);
  sqlite3_bind_int64(st, 4, day);
  if ((rc = issue_done(db, st, "card state")) != STATION_OK)
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
  return issue_done(db, st, "card event");
}

/* The person with this ID number, and its recorded name. */
static int issue_person(struct station_db *db, const char *idno, int64_t *person, char *name,
                        size_t name_cap, int *misuse_pending)
{
  char norm[STATION_IDNO_LEN + 1];
  if (!idno || station_idno_check(idno, strlen(idno), norm, NULL) != STATION_IDNO_OK)
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
static int issue_override(struct station_db *db, int64_t person, int needed,
                          const struct station_override *ov, int32_t today, int64_t *override_id,
                          char *why, size_t cap)
{
  *override_id = 0;
  if (!needed)
    return STATION_OK;
  if (!ov)
    return issue_why(why, cap, STATION_E_OVERRIDE_REQUIRED,
                     "the holder's card was revoked for misuse (altered or lent): a recorded "
                     "override (who, why) is required");
  if (!ov->who || !station_token_ok(ov->who, strlen(ov->who), STATION_STAFF_MAX) ||
      !issue_text_ok(ov->why, STATION_OVERRIDE_WHY_MAX))
    return issue_why(why, cap, STATION_E_INVALID_ARG,
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
  if ((rc = issue_done(db, st, "override")) != STATION_OK)
    return rc;
  *override_id = sqlite3_last_insert_rowid(db->h);
  return STATION_OK;
}

/* The card-eligible award to put on the card: lifetime achievement, then the volunteer
 * lifetime honour, then the highest donor star, then the 5-star volunteer; with the
 * year of the round's cut-off. NOT_ELIGIBLE when there is none. */
static int issue_best_award(struct station_db *db, int64_t person, int *award, unsigned *level,
                            unsigned *round_year)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT a.award, a.level, r.cutoff FROM awards a"
                                  " JOIN rounds r ON r.id = a.round WHERE a.person = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  int best = -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int a = sqlite3_column_int(st, 0);
    unsigned l = (unsigned)sqlite3_column_int(st, 1);
    if (!station_award_card_eligible(a, l))
      continue;
    int rank = a == STATION_AWARD_LIFETIME_ACHIEVEMENT ? 100
               : a == STATION_AWARD_VOLUNTEER_LIFETIME ? 90
               : a == STATION_AWARD_DONOR_STAR        ? 10 + (int)l
                                                       : 5;
    if (rank > best) {
      best = rank;
      *award = a;
      *level = a == STATION_AWARD_DONOR_STAR || a == STATION_AWARD_VOLUNTEER_STAR ? l : 0;
      int y;
      unsigned m, d;
      station_date_to_ymd((int32_t)sqlite3_column_int64(st, 2), &y, &m, &d);
      *round_year = (unsigned)y;
    }
  }
  sqlite3_finalize(st);
  return best < 0 ? STATION_E_NOT_ELIGIBLE : STATION_OK;
}

/* A pending application or a live card of this person. */
static int issue_open(struct station_db *db, int64_t person, int *open_app, int64_t *live_card)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT (SELECT COUNT(*) FROM applications WHERE person = ?1"
                                  " AND state = 1), (SELECT id FROM cards WHERE person = ?1 AND"
                                  " state <> 5 ORDER BY generation DESC LIMIT 1)", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  if (sqlite3_step(st) == SQLITE_ROW) {
    *open_app = sqlite3_column_int(st, 0) > 0;
    *live_card = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  return STATION_OK;
}

/* 1 when the person was ever given a card number (a later card is a reissue). */
static int issue_had_card(struct station_db *db, int64_t person)
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

static int issue_insert_app(struct station_db *db, int64_t person, int kind, int32_t day,
                            const uint8_t *photo, size_t photo_len, int64_t fee, int reason,
                            const char *staff, int64_t override_id, int64_t *app_id)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "INSERT INTO applications(person, kind, state, day, at, photo,"
                                  " fee_cents, reason, staff, override)"
                                  " VALUES(?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
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
  if ((rc = issue_done(db, st, "application")) != STATION_OK)
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
      a->photo_len > CARD_PHOTO_MAX)
    return issue_why(why, why_cap, STATION_E_INVALID_ARG, "an ID number, a name and a photo are needed");
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  rc = issue_person(db, a->idno, &person, name, sizeof name, &misuse);
  if (rc == STATION_E_NOT_FOUND) {
    issue_why(why, why_cap, rc, "no donation or service records for this ID number");
    goto out_rollback;
  }
  if (rc != STATION_OK) {
    issue_why(why, why_cap, rc, "ID number not valid");
    goto out_rollback;
  }
  if (!a->name || strcmp(a->name, name) != 0) {
    rc = issue_why(why, why_cap, STATION_E_CONFLICT,
                   "the name differs from the one in the donation records");
    goto out_rollback;
  }
  if ((rc = issue_best_award(db, person, &award, &level, &year)) != STATION_OK) {
    issue_why(why, why_cap, rc, "no card-eligible award in an evaluated round (Art. 18)");
    goto out_rollback;
  }
  if ((rc = issue_open(db, person, &open_app, &live)) != STATION_OK)
    goto out_rollback;
  if (open_app || live || issue_had_card(db, person)) {
    rc = issue_why(why, why_cap, STATION_E_EXISTS,
                   open_app ? "an application is already open" :
                              "the holder has or had a card: a new one is a reissue (fee)");
    goto out_rollback;
  }
  if ((rc = issue_override(db, person, misuse, a->override, a->today, &override_id, why,
                           why_cap)) != STATION_OK)
    goto out_rollback;
  if ((rc = issue_insert_app(db, person, 1, a->today, a->photo, a->photo_len, 0, 0, NULL,
                             override_id, app_id)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  issue_rollback(db);
  return rc;
}

/* --------------------------------------------------------------- revoking -- */

static int issue_outbox_add(struct station_db *db, enum station_outbox_op op, const char *card_no,
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
  if ((rc = issue_done(db, st, "outbox")) != STATION_OK)
    return rc;
  if (id)
    *id = sqlite3_last_insert_rowid(db->h);
  return STATION_OK;
}

/*
 * Inside a transaction: revoke the cards of card_no (kind EXACT: generation; BELOW: all
 * below generation), locally and into the outbox. *outbox_id the queued item.
 */
static int issue_revoke_tx(struct station_db *db, const char *card_no, uint32_t generation,
                           enum station_rev_kind kind, enum station_revoke_reason reason,
                           const char *staff, int32_t today, int64_t *outbox_id)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT id, state FROM cards WHERE card_no = ?1 AND state <> 5"
                                  " AND ((?3 = 1 AND generation = ?2) OR (?3 = 2 AND"
                                  " generation < ?2))", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, generation);
  sqlite3_bind_int(st, 3, kind);
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
  if ((rc = issue_done(db, st, "revocation")) != STATION_OK)
    return rc;
  return issue_outbox_add(db, STATION_OUTBOX_REVOKE, card_no, generation, kind,
                          station_revoke_token(reason), 0, 0, 0, outbox_id);
}

/* Send one queued item now (after its transaction committed); failures stay queued. */
static int issue_send_one(struct station_db *db, const struct station_centre *centre,
                          int64_t id, char *why, size_t cap);

int station_revoke(struct station_db *db, const char *card_no, enum station_revoke_reason reason,
                   const char *staff, int32_t today, const struct station_centre *centre,
                   char *why, size_t why_cap)
{
  if (!db || !station_cardno_valid(card_no) || !station_revoke_token(reason) ||
      (staff && !station_token_ok(staff, strlen(staff), STATION_STAFF_MAX)))
    return issue_why(why, why_cap, STATION_E_INVALID_ARG,
                     "a valid card number, a reason and a staff id are needed");
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT generation, person FROM cards WHERE card_no = ?1 AND"
                                   " state <> 5 ORDER BY generation DESC LIMIT 1", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = issue_why(why, why_cap, STATION_E_NOT_FOUND, "no card in use with this number");
    goto out_rollback;
  }
  uint32_t gen = (uint32_t)sqlite3_column_int64(st, 0);
  int64_t person = sqlite3_column_int64(st, 1);
  sqlite3_finalize(st);
  int misuse = station_revoke_is_misuse(reason);
  int64_t item;
  /* Misuse: every generation of the number; otherwise the current card. */
  if ((rc = issue_revoke_tx(db, card_no, misuse ? gen + 1 : gen,
                            misuse ? STATION_REV_BELOW : STATION_REV_EXACT, reason, staff, today,
                            &item)) != STATION_OK)
    goto out_rollback;
  if (misuse) {
    if ((rc = station_db_prepare(db, "UPDATE persons SET misuse_day = ?2, misuse_at = ?3"
                                     " WHERE id = ?1", &st)) != STATION_OK)
      goto out_rollback;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, today);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
    if ((rc = issue_done(db, st, "misuse")) != STATION_OK)
      goto out_rollback;
  }
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (centre)
    issue_send_one(db, centre, item, why, why_cap);
  return STATION_OK;
out_rollback:
  issue_rollback(db);
  return rc;
}

int station_card_revoked(struct station_db *db, const char *card_no, uint32_t generation,
                         int *revoked, enum station_revoke_reason *reason)
{
  if (!db || !card_no || !revoked)
    return STATION_E_INVALID_ARG;
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT reason FROM revocations WHERE card_no = ?1 AND"
                                  " ((kind = 1 AND generation = ?2) OR (kind = 2 AND ?2 <"
                                  " generation)) ORDER BY id DESC LIMIT 1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, card_no, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, generation);
  *revoked = sqlite3_step(st) == SQLITE_ROW;
  if (*revoked && reason)
    *reason = (enum station_revoke_reason)sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return STATION_OK;
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
      (r->photo && (r->photo_len == 0 || r->photo_len > CARD_PHOTO_MAX)) ||
      (r->staff && !station_token_ok(r->staff, strlen(r->staff), STATION_STAFF_MAX)))
    return issue_why(why, why_cap, STATION_E_INVALID_ARG,
                     "an ID number, lost or damaged, a fee >= 0 and a staff id are needed");
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = issue_person(db, r->idno, &person, NULL, 0, &misuse)) != STATION_OK) {
    issue_why(why, why_cap, rc, rc == STATION_E_NOT_FOUND ? "no records for this ID number"
                                                          : "ID number not valid");
    goto out_rollback;
  }
  if ((rc = issue_open(db, person, &open_app, &live)) != STATION_OK)
    goto out_rollback;
  if (open_app) {
    rc = issue_why(why, why_cap, STATION_E_EXISTS, "an application is already open");
    goto out_rollback;
  }
  /* The card being replaced: the live one, or the last one when it was revoked already
   * (reported lost earlier, or revoked for misuse and now overridden). */
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT card_no, generation, application FROM cards WHERE"
                                   " person = ?1 ORDER BY (state <> 5) DESC, generation DESC"
                                   " LIMIT 1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, person);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = issue_why(why, why_cap, STATION_E_NOT_FOUND, "the holder never had a card: apply for one");
    goto out_rollback;
  }
  char card_no[STATION_CARDNO_LEN + 1];
  snprintf(card_no, sizeof card_no, "%s", (const char *)sqlite3_column_text(st, 0));
  uint32_t gen = (uint32_t)sqlite3_column_int64(st, 1);
  int64_t old_app = sqlite3_column_int64(st, 2);
  sqlite3_finalize(st);
  if ((rc = issue_override(db, person, misuse, r->override, r->today, &override_id, why,
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
      rc = issue_why(why, why_cap, STATION_E_NOT_FOUND, "no photo on file: bring a new one");
      goto out_rollback;
    }
    photo = sqlite3_column_blob(ph, 0);
    photo_len = (size_t)sqlite3_column_bytes(ph, 0);
  }
  rc = issue_insert_app(db, person, 2, r->today, photo, photo_len, r->fee_cents, r->reason,
                        r->staff, override_id, app_id);
  sqlite3_finalize(ph);
  if (rc != STATION_OK)
    goto out_rollback;
  /* The old card (and any before it) revoked at once: every generation below the new. */
  if (live && (rc = issue_revoke_tx(db, card_no, gen + 1, STATION_REV_BELOW, r->reason, r->staff,
                                    r->today, &item)) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (centre && item)
    issue_send_one(db, centre, item, NULL, 0);
  return STATION_OK;
out_rollback:
  issue_rollback(db);
  return rc;
}

/* ------------------------------------------------------------------ issue -- */

/* Inside a transaction: the person's number, or a new one for (year, county). */
static int issue_number(struct station_db *db, int64_t person, unsigned year, unsigned county,
                        char card_no[STATION_CARDNO_LEN + 1])
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT card_no FROM persons WHERE id = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
    snprintf(card_no, STATION_CARDNO_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
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
  return issue_done(db, st, "person number");
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
  char name[STATION_NAME_MAX + 1], idno[STATION_IDNO_LEN + 1];
  uint8_t *photo = NULL;
  size_t photo_len = 0;

  if (!db || !o || !out || !o->writer || !o->writer->personalize || o->county > 99)
    return issue_why(why, why_cap, STATION_E_INVALID_ARG, "a card writer is needed");
  memset(out, 0, sizeof *out);
  int32_t not_after = o->not_after_day ? o->not_after_day
                                       : station_date_add_years(o->today, 10) - 1;
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  if ((rc = station_db_prepare(db, "SELECT a.person, a.kind, a.photo, p.name, p.id_number"
                                   " FROM applications a JOIN persons p ON p.id = a.person"
                                   " WHERE a.id = ?1 AND a.state = 1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    rc = issue_why(why, why_cap, STATION_E_NOT_FOUND, "no pending application with this number");
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
  if ((rc = issue_best_award(db, person, &award, &level, &year)) != STATION_OK) {
    issue_why(why, why_cap, rc, "no card-eligible award");
    goto out_rollback;
  }
  int y;
  unsigned m, d;
  station_date_to_ymd(o->today, &y, &m, &d);
  if ((rc = issue_number(db, person, (unsigned)y, o->county, out->card_no)) != STATION_OK)
    goto out_rollback;
  /* A card already numbered for this application (a failed personalization before):
   * the same generation again; else the next generation of the number. */
  if ((rc = station_db_prepare(db, "SELECT id, generation FROM cards WHERE application = ?1 AND"
                                   " state = 1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
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
                                     " VALUES(?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9)", &st)) !=
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
    rc = issue_done(db, st, "card");
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
  rc = issue_done(db, st, "issuer key id");
  st = NULL;
  if (rc != STATION_OK)
    goto out_rollback;
  if ((rc = card_transition(db, card, STATION_CARD_NUMBERED, STATION_CARD_PERSONALIZED, o->today,
                            o->staff, kind == 2 ? "reissue" : "first card")) != STATION_OK ||
      (rc = issue_outbox_add(db, STATION_OUTBOX_REGISTER, out->card_no, gen, 0, NULL, award, level,
                             o->today, &item)) != STATION_OK ||
      (rc = card_transition(db, card, STATION_CARD_PERSONALIZED, STATION_CARD_READY, o->today,
                            o->staff, "registration queued")) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_prepare(db, "UPDATE applications SET state = 2 WHERE id = ?1", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, app_id);
  if ((rc = issue_done(db, st, "application")) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  if (o->centre)
    out->registered =
        issue_send_one(db, o->centre, item, out->centre_why, sizeof out->centre_why) == STATION_OK;
  else
    snprintf(out->centre_why, sizeof out->centre_why, "no centre configured");
  return STATION_OK;
out_rollback:
  if (st)
    sqlite3_finalize(st);
  free(photo);
  memset(idno, 0, sizeof idno);
  issue_rollback(db);
  return rc;
}

/* --------------------------------------------------------------- collect -- */

int station_collect(struct station_db *db, const char *card_no, int32_t today)
{
  if (!db || !station_cardno_valid(card_no))
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
  issue_rollback(db);
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
                                  " JOIN persons p ON p.id = c.person WHERE c.state = 3"
                                  " ORDER BY c.ready_day, c.id", &st);
  if (rc != STATION_OK)
    return rc;
  while (sqlite3_step(st) == SQLITE_ROW) {
    struct station_ready_card c;
    memset(&c, 0, sizeof c);
    snprintf(c.card_no, sizeof c.card_no, "%s", (const char *)sqlite3_column_text(st, 0));
    c.generation = (unsigned)sqlite3_column_int64(st, 1);
    c.reissue = sqlite3_column_int(st, 2) == 2;
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
    char title[96];
    int revoked = 0;
    enum station_revoke_reason why = STATION_REVOKE_OTHER;
    const char *no = (const char *)sqlite3_column_text(st, 0);
    uint32_t gen = (uint32_t)sqlite3_column_int64(st, 1);
    fprintf(out, "  %s gen %u  %-12s %s  issued %s  centre %s", no, gen,
            station_card_state_name(sqlite3_column_int(st, 2)),
            station_award_title_zh(sqlite3_column_int(st, 3), (unsigned)sqlite3_column_int(st, 4),
                                   title, sizeof title),
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

/* ---------------------------------------------------------------- outbox -- */

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
 * issuer key id: one source of truth, not copied into the outbox). */
#define OUTBOX_COLUMNS                                                                   \
  "o.id, o.op, o.card_no, o.generation, o.kind, o.reason, o.award, o.level, o.issue_day," \
  " o.attempts, o.last_error, o.sent_at, c.round_year, c.not_after_day, c.issuer_key_id"
#define OUTBOX_FROM                                                                      \
  " FROM outbox o LEFT JOIN cards c ON o.op = 1 AND c.card_no = o.card_no AND"           \
  " c.generation = o.generation"

static int issue_send_one(struct station_db *db, const struct station_centre *centre,
                          int64_t id, char *why, size_t cap)
{
  sqlite3_stmt *st;
  struct station_outbox_item it;
  char err[160] = "";
  int rc = station_db_prepare(db, "SELECT " OUTBOX_COLUMNS OUTBOX_FROM " WHERE o.id = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, id);
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
  if ((rc = issue_done(db, st, "outbox")) != STATION_OK)
    return rc;
  if (sent == STATION_OK && it.op == STATION_OUTBOX_REGISTER) {
    if ((rc = station_db_prepare(db, "UPDATE cards SET registered = 1 WHERE card_no = ?1 AND"
                                     " generation = ?2", &st)) != STATION_OK)
      return rc;
    sqlite3_bind_text(st, 1, it.card_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, it.generation);
    if ((rc = issue_done(db, st, "registered")) != STATION_OK)
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
    if (issue_send_one(db, centre, ids[i], NULL, 0) == STATION_OK)
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
  int rc = station_db_prepare(db, all_items ? "SELECT " OUTBOX_COLUMNS OUTBOX_FROM
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
