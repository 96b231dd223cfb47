/* The award round's procedure (station/round.h): one transition function with its
 * journal row, strikes, objections and their rulings, withdrawals that revoke cards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/award.h"
#include "common/ini.h"
#include "common/token.h"
#include "issue_int.h"
#include "station/round.h"

static const struct {
  int state;
  const char *name, *cmd, *step;
} round_states[] = {
#define STATION_X_RS(n, value, text, cmd, step) {value, text, cmd, step},
    STATION_ROUND_STATE_MAP(STATION_X_RS)
#undef STATION_X_RS
};
#define ROUND_STATES (sizeof round_states / sizeof round_states[0])

const char *station_round_state_name(int state)
{
  for (size_t i = 0; i < ROUND_STATES; i++)
    if (round_states[i].state == state)
      return round_states[i].name;
  return "?";
}

const char *station_round_state_cmd(int state)
{
  for (size_t i = 0; i < ROUND_STATES; i++)
    if (round_states[i].state == state)
      return round_states[i].cmd;
  return NULL;
}

const char *station_round_state_step(int state)
{
  for (size_t i = 0; i < ROUND_STATES; i++)
    if (round_states[i].state == state)
      return round_states[i].step;
  return "?";
}

const char *station_struck_text(int struck)
{
  switch (struck) {
#define STATION_X_ST(name, value, text)                                                  \
  case value: return text;
    STATION_STRUCK_MAP(STATION_X_ST)
#undef STATION_X_ST
  }
  return "?";
}

static int who_ok(const char *who)
{
  return who && common_token_valid_n(who, strlen(who), STATION_STAFF_MAX, COMMON_TOKEN_REF);
}

/* 1..max bytes of UTF-8 text without control characters (it is printed on notices). */
static int text_ok(const char *s, size_t max)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max || common_utf8_valid_prefix(s, n) != n)
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return 0;
  return 1;
}

int station_round_state(struct station_db *db, const char *round_id, int *state)
{
  sqlite3_stmt *st;
  if (!db || !round_id || !state)
    return STATION_E_INVALID_ARG;
  int rc = station_db_prepare(db, "SELECT state FROM rounds WHERE id = ?1", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  int src = sqlite3_step(st);
  if (src == SQLITE_ROW)
    *state = sqlite3_column_int(st, 0);
  else
    rc = src == SQLITE_DONE ? STATION_E_NOT_FOUND : station_db_fail(db, src, "round state");
  sqlite3_finalize(st);
  return rc;
}

/* The journal row of one act on a round; the state changes when to != from. Inside the
 * caller's transaction. */
static int round_transition(struct station_db *db, const char *round_id, int from, int to,
                            const char *action, const char *who, int32_t day, const char *ref,
                            int64_t person, int award, const char *note)
{
  sqlite3_stmt *st;
  int rc;
  if (to != from) {
    if ((rc = station_db_prepare(db, "UPDATE rounds SET state = ?2 WHERE id = ?1 AND state = ?3",
                                 &st)) != STATION_OK)
      return rc;
    sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, to);
    sqlite3_bind_int(st, 3, from);
    if ((rc = station_db_done(db, st, "round state")) != STATION_OK)
      return rc;
  }
  if ((rc = station_db_prepare(db, "INSERT INTO round_events(round, from_state, to_state, action,"
                                   " day, at, who, ref, person, award, note)"
                                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, from);
  sqlite3_bind_int(st, 3, to);
  sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, day);
  sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
  sqlite3_bind_text(st, 7, who, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, ref, -1, SQLITE_STATIC);
  if (person)
    sqlite3_bind_int64(st, 9, person);
  if (award)
    sqlite3_bind_int(st, 10, award);
  sqlite3_bind_text(st, 11, note, -1, SQLITE_STATIC);
  if ((rc = station_db_done(db, st, "round journal")) != STATION_OK)
    return rc;
  fprintf(stderr, "round %s: %s -> %s (%s by %s)\n", round_id, station_round_state_name(from),
          station_round_state_name(to), action, who);
  return STATION_OK;
}

/* Public for the other round rooms (ledger, export). */
int station_round_journal(struct station_db *db, const char *round_id, int state,
                          const char *action, const char *who, int32_t day, const char *ref,
                          const char *note)
{
  return round_transition(db, round_id, state, state, action, who, day, ref, 0, 0, note);
}

static int round_refuse_order(int state, int to, char *why, size_t cap)
{
  if (to <= state)
    return station_why(why, cap, STATION_E_STATE, "the round is already %s (%s)",
                       station_round_state_name(state), station_round_state_name(to));
  return station_why(why, cap, STATION_E_STATE,
                     "the round is %s; missing step: %s (station round %s)",
                     station_round_state_name(state), station_round_state_step(state + 1),
                     station_round_state_cmd(state + 1));
}

int station_round_advance(struct station_db *db, const char *round_id,
                          enum station_round_state to, const struct station_round_step *s,
                          int32_t today, char *why, size_t why_cap)
{
  if (!db || !round_id || !s || !who_ok(s->who))
    return station_why(why, why_cap, STATION_E_INVALID_ARG, "a round and a staff id are needed");
  int32_t day = s->day ? s->day : today;
  if (day > today)
    return station_why(why, why_cap, STATION_E_INVALID_ARG, "the date is after today");
  if ((to == STATION_ROUND_DECIDED || to == STATION_ROUND_AWARDED) && !s->ref)
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       to == STATION_ROUND_DECIDED ? "the minutes' reference is needed (--ref)"
                                                   : "the document number is needed (--ref)");
  if (s->ref && !text_ok(s->ref, STATION_ROUND_REF_MAX))
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "the reference is 1-64 bytes of text");
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT state, cutoff, notice_start, notice_days,"
                                   " (SELECT COUNT(*) FROM objections o WHERE o.round = r.id"
                                   "  AND o.outcome = ?2) FROM rounds r WHERE id = ?1",
                               &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, STATION_OBJECTION_PENDING);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no round %s (evaluate it first)",
                     round_id);
    goto out_rollback;
  }
  int state = sqlite3_column_int(st, 0);
  int32_t cutoff = (int32_t)sqlite3_column_int64(st, 1);
  int32_t nstart = (int32_t)sqlite3_column_int64(st, 2);
  unsigned ndays = (unsigned)sqlite3_column_int(st, 3);
  long pending = (long)sqlite3_column_int64(st, 4);
  sqlite3_finalize(st);
  if ((int)to != state + 1) {
    rc = round_refuse_order(state, (int)to, why, why_cap);
    goto out_rollback;
  }
  if (to == STATION_ROUND_NOTICE &&
      (s->days == 0 || s->days > STATION_NOTICE_DAYS_MAX ||
       !text_ok(s->contact, STATION_ROUND_TEXT_MAX))) {
    rc = station_why(why, why_cap, STATION_E_INVALID_ARG,
                     "the notice needs its period (1-60 days) and where to object "
                     "(--days, --contact or the configuration)");
    goto out_rollback;
  }
  if (day < cutoff) {
    rc = station_why(why, why_cap, STATION_E_INVALID_ARG, "the date is before the cut-off");
    goto out_rollback;
  }
  const char *sql = NULL;
  switch (to) {
  case STATION_ROUND_DECIDED:
    sql = "UPDATE rounds SET decided_day = ?2, minutes_ref = ?3 WHERE id = ?1";
    break;
  case STATION_ROUND_REVIEWED:
    sql = "UPDATE rounds SET reviewed_day = ?2, review_ref = ?3 WHERE id = ?1";
    break;
  case STATION_ROUND_NOTICE:
    sql = "UPDATE rounds SET notice_start = ?2, notice_days = ?4, notice_contact = ?5"
          " WHERE id = ?1";
    break;
  case STATION_ROUND_AWARDED: {
    char end[16];
    /* The notice runs `days` days from its start: the award comes on the day after. */
    if (day < nstart + (int32_t)ndays) {
      rc = station_why(why, why_cap, STATION_E_STATE,
                       "the public notice runs until %s; missing step: the end of the notice "
                       "period",
                       station_date_format(nstart + (int32_t)ndays - 1, end, sizeof end));
      goto out_rollback;
    }
    if (pending > 0) {
      rc = station_why(why, why_cap, STATION_E_STATE,
                       "%ld objection(s) not ruled on; missing step: the ruling on each "
                       "objection (station round rule)", pending);
      goto out_rollback;
    }
    sql = "UPDATE rounds SET awarded_day = ?2, award_doc = ?3 WHERE id = ?1";
    break;
  }
  case STATION_ROUND_CLOSED:
    sql = "UPDATE rounds SET closed_day = ?2 WHERE id = ?1";
    break;
  default:
    rc = station_why(why, why_cap, STATION_E_INVALID_ARG, "not a step of the round");
    goto out_rollback;
  }
  if ((rc = station_db_prepare(db, sql, &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, day);
  if (sqlite3_bind_parameter_count(st) >= 3)
    sqlite3_bind_text(st, 3, s->ref, -1, SQLITE_STATIC);
  if (to == STATION_ROUND_NOTICE) {
    sqlite3_bind_int(st, 4, (int)s->days);
    sqlite3_bind_text(st, 5, s->contact, -1, SQLITE_STATIC);
  }
  if ((rc = station_db_done(db, st, "round step")) != STATION_OK)
    goto out_rollback;
  if ((rc = round_transition(db, round_id, state, (int)to, station_round_state_cmd((int)to),
                             s->who, day, s->ref, 0, 0, NULL)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

/* Mark the award struck; NOT_FOUND when there is none in force. Inside a transaction. */
static int round_mark_struck(struct station_db *db, const char *round_id, int64_t person,
                             int award, enum station_struck how, const char *reason,
                             int32_t today)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "UPDATE awards SET struck = ?4, struck_reason = ?5,"
                                  " struck_day = ?6 WHERE round = ?1 AND person = ?2 AND"
                                  " award = ?3 AND struck = ?7", &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  sqlite3_bind_int(st, 4, how);
  sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, today);
  sqlite3_bind_int(st, 7, STATION_STRUCK_NONE);
  if ((rc = station_db_done(db, st, "strike")) != STATION_OK)
    return rc;
  return sqlite3_changes(db->h) == 1 ? STATION_OK : STATION_E_NOT_FOUND;
}

#define ROUND_REVOKE_MAX 16 /* cards revoked by one withdrawal (generations of one number) */

/* The cards issued on a withdrawn award (its kind, the round's year): revoked, each
 * into the outbox. Inside a transaction; items[] gets what to send after the commit. */
static int round_revoke_cards(struct station_db *db, const char *round_id, int64_t person,
                              int award, const char *who, int32_t today,
                              int64_t items[ROUND_REVOKE_MAX], size_t *n_items)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT c.card_no, c.generation FROM cards c, rounds r"
                                  " WHERE r.id = ?1 AND c.person = ?2 AND c.award = ?3 AND"
                                  " c.state <> ?4 AND c.round_year ="
                                  " CAST(strftime('%Y', r.cutoff * 86400, 'unixepoch') AS INTEGER)",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  sqlite3_bind_int(st, 4, STATION_CARD_REVOKED);
  struct {
    char no[COMMON_CARDNO_LEN + 1];
    uint32_t gen;
  } cards[ROUND_REVOKE_MAX];
  size_t n = 0;
  while (n < ROUND_REVOKE_MAX && sqlite3_step(st) == SQLITE_ROW) {
    snprintf(cards[n].no, sizeof cards[n].no, "%s", (const char *)sqlite3_column_text(st, 0));
    cards[n].gen = (uint32_t)sqlite3_column_int64(st, 1);
    n++;
  }
  sqlite3_finalize(st);
  *n_items = 0;
  for (size_t i = 0; i < n; i++) {
    if ((rc = station_cards_revoke_tx(db, cards[i].no, cards[i].gen, STATION_REV_EXACT,
                                      STATION_REVOKE_OTHER, who, today,
                                      &items[*n_items])) != STATION_OK)
      return rc;
    (*n_items)++;
  }
  return STATION_OK;
}

int station_round_strike(struct station_db *db, const char *round_id, int64_t person, int award,
                         const char *who, const char *reason, int32_t today,
                         const struct station_centre *centre, char *why, size_t why_cap)
{
  if (!db || !round_id || !who_ok(who) || !text_ok(reason, STATION_ROUND_TEXT_MAX) ||
      !common_award_info(award))
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "a round, an award, a staff id and a reason are needed");
  int64_t items[ROUND_REVOKE_MAX];
  size_t n_items = 0;
  int state;
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  if ((rc = station_round_state(db, round_id, &state)) != STATION_OK) {
    station_why(why, why_cap, rc, "no round %s", round_id);
    goto out_rollback;
  }
  enum station_struck how;
  if (state == STATION_ROUND_EVALUATED || state == STATION_ROUND_DECIDED) {
    how = STATION_STRUCK_DECISION;
  } else if (state == STATION_ROUND_AWARDED || state == STATION_ROUND_CLOSED) {
    how = STATION_STRUCK_WITHDRAWN;
  } else {
    rc = station_why(why, why_cap, STATION_E_STATE,
                     "the round is %s: after the final review an award is struck only by an "
                     "upheld objection during the notice, or withdrawn after the award",
                     station_round_state_name(state));
    goto out_rollback;
  }
  if ((rc = round_mark_struck(db, round_id, person, award, how, reason, today)) != STATION_OK) {
    if (rc == STATION_E_NOT_FOUND)
      station_why(why, why_cap, rc, "the person holds no such award in force in round %s",
                  round_id);
    goto out_rollback;
  }
  if (how == STATION_STRUCK_WITHDRAWN &&
      (rc = round_revoke_cards(db, round_id, person, award, who, today, items, &n_items)) !=
          STATION_OK)
    goto out_rollback;
  if ((rc = round_transition(db, round_id, state, state,
                             how == STATION_STRUCK_WITHDRAWN ? "withdraw" : "strike", who, today,
                             NULL, person, award, reason)) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_rollback;
  for (size_t i = 0; centre && i < n_items; i++)
    station_outbox_send_one(db, centre, items[i], NULL, 0);
  if (n_items)
    station_why(why, why_cap, STATION_OK, "%zu card(s) issued on the award revoked", n_items);
  return STATION_OK;
out_rollback:
  station_db_rollback(db);
  return rc;
}

int station_round_object(struct station_db *db, const char *round_id, int64_t person, int award,
                         int32_t received_day, const char *summary, const char *who,
                         int32_t today, int64_t *id, char *why, size_t why_cap)
{
  if (!db || !round_id || !id || !who_ok(who) || !text_ok(summary, STATION_ROUND_TEXT_MAX) ||
      !common_award_info(award) || received_day > today)
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "a round, an award, the day received (not after today), a summary and "
                       "a staff id are needed");
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT r.state, r.notice_start, r.notice_days,"
                                   " (SELECT COUNT(*) FROM awards a WHERE a.round = r.id AND"
                                   "  a.person = ?2 AND a.award = ?3 AND a.struck = ?4)"
                                   " FROM rounds r WHERE r.id = ?1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  sqlite3_bind_int(st, 4, STATION_STRUCK_NONE);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no round %s", round_id);
    goto out_rollback;
  }
  int state = sqlite3_column_int(st, 0);
  int32_t nstart = (int32_t)sqlite3_column_int64(st, 1);
  int32_t ndays = (int32_t)sqlite3_column_int64(st, 2);
  int64_t has = sqlite3_column_int64(st, 3);
  sqlite3_finalize(st);
  if (state != STATION_ROUND_NOTICE) {
    rc = state < STATION_ROUND_NOTICE
             ? round_refuse_order(state, STATION_ROUND_NOTICE + 1, why, why_cap)
             : station_why(why, why_cap, STATION_E_STATE,
                           "the round is %s: objections are taken during the public notice",
                           station_round_state_name(state));
    goto out_rollback;
  }
  if (received_day < nstart || received_day >= nstart + ndays) {
    rc = station_why(why, why_cap, STATION_E_STATE,
                     "received outside the notice period (%d days from its start)", ndays);
    goto out_rollback;
  }
  if (!has) {
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND,
                     "the person holds no such award in force in round %s", round_id);
    goto out_rollback;
  }
  if ((rc = station_db_prepare(db, "INSERT INTO objections(round, person, award, received_day,"
                                   " summary, outcome, who) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  sqlite3_bind_int64(st, 4, received_day);
  sqlite3_bind_text(st, 5, summary, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 6, STATION_OBJECTION_PENDING);
  sqlite3_bind_text(st, 7, who, -1, SQLITE_STATIC);
  if ((rc = station_db_done(db, st, "objection")) != STATION_OK)
    goto out_rollback;
  *id = sqlite3_last_insert_rowid(db->h);
  char ref[24];
  snprintf(ref, sizeof ref, "objection %lld", (long long)*id);
  if ((rc = round_transition(db, round_id, state, state, "object", who, received_day, ref,
                             person, award, summary)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

int station_round_rule(struct station_db *db, int64_t objection, enum station_objection_outcome o,
                       const char *reason, const char *who, int32_t today, char *why,
                       size_t why_cap)
{
  if (!db || !who_ok(who) || !text_ok(reason, STATION_ROUND_TEXT_MAX) ||
      (o != STATION_OBJECTION_UPHELD && o != STATION_OBJECTION_REJECTED))
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "an objection, upheld or rejected, a reason and a staff id are needed");
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT o.round, o.person, o.award, o.outcome, r.state"
                                   " FROM objections o JOIN rounds r ON r.id = o.round"
                                   " WHERE o.id = ?1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, objection);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND, "no objection %lld",
                     (long long)objection);
    goto out_rollback;
  }
  char round_id[STATION_ROUND_ID_MAX + 1];
  snprintf(round_id, sizeof round_id, "%s", (const char *)sqlite3_column_text(st, 0));
  int64_t person = sqlite3_column_int64(st, 1);
  int award = sqlite3_column_int(st, 2);
  int outcome = sqlite3_column_int(st, 3);
  int state = sqlite3_column_int(st, 4);
  sqlite3_finalize(st);
  if (outcome != STATION_OBJECTION_PENDING) {
    rc = station_why(why, why_cap, STATION_E_STATE, "objection %lld was already ruled on",
                     (long long)objection);
    goto out_rollback;
  }
  if (state != STATION_ROUND_NOTICE) {
    rc = station_why(why, why_cap, STATION_E_STATE, "the round is %s, not in its notice",
                     station_round_state_name(state));
    goto out_rollback;
  }
  if ((rc = station_db_prepare(db, "UPDATE objections SET outcome = ?2, outcome_day = ?3,"
                                   " outcome_reason = ?4 WHERE id = ?1", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_int64(st, 1, objection);
  sqlite3_bind_int(st, 2, o);
  sqlite3_bind_int64(st, 3, today);
  sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
  if ((rc = station_db_done(db, st, "ruling")) != STATION_OK)
    goto out_rollback;
  /* Two objections against one award: the first upheld struck it; a second upheld one
   * finds it struck already, which is fine. */
  if (o == STATION_OBJECTION_UPHELD &&
      (rc = round_mark_struck(db, round_id, person, award, STATION_STRUCK_OBJECTION, reason,
                              today)) != STATION_OK &&
      rc != STATION_E_NOT_FOUND)
    goto out_rollback;
  char ref[24];
  snprintf(ref, sizeof ref, "objection %lld", (long long)objection);
  if ((rc = round_transition(db, round_id, state, state,
                             o == STATION_OBJECTION_UPHELD ? "uphold" : "reject", who, today,
                             ref, person, award, reason)) != STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

int station_round_pending_for(struct station_db *db, int64_t person,
                              char round_id[STATION_ROUND_ID_MAX + 1], int *state)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT a.round, r.state, a.award, a.level FROM awards a"
                                  " JOIN rounds r ON r.id = a.round WHERE a.person = ?1 AND"
                                  " a.struck = ?2 AND r.state < ?3 ORDER BY r.cutoff DESC",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_int64(st, 1, person);
  sqlite3_bind_int(st, 2, STATION_STRUCK_NONE);
  sqlite3_bind_int(st, 3, STATION_ROUND_AWARDED);
  rc = STATION_E_NOT_FOUND;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int a = sqlite3_column_int(st, 2);
    unsigned l = (unsigned)sqlite3_column_int(st, 3);
    if (!common_award_carries_card(a, common_award_has_stars(a) ? l : 0))
      continue;
    snprintf(round_id, STATION_ROUND_ID_MAX + 1, "%s", (const char *)sqlite3_column_text(st, 0));
    *state = sqlite3_column_int(st, 1);
    rc = STATION_OK;
    break;
  }
  sqlite3_finalize(st);
  return rc;
}

int station_round_show(struct station_db *db, const char *round_id, FILE *out)
{
  sqlite3_stmt *st;
  char d1[16];
  int rc = station_db_prepare(db, "SELECT state, cutoff, decided_day, minutes_ref, reviewed_day,"
                                  " review_ref, notice_start, notice_days, notice_contact,"
                                  " awarded_day, award_doc, closed_day FROM rounds WHERE id = ?1",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return STATION_E_NOT_FOUND;
  }
  int state = sqlite3_column_int(st, 0);
  fprintf(out, "round %s: %s (cut-off %s)\n", round_id, station_round_state_name(state),
          station_date_format((int32_t)sqlite3_column_int64(st, 1), d1, sizeof d1));
  static const struct {
    int col, ref;
    const char *what;
  } steps[] = {{2, 3, "decided"}, {4, 5, "reviewed"}, {6, 8, "notice from"},
               {9, 10, "awarded"}, {11, -1, "closed"}};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    if (sqlite3_column_type(st, steps[i].col) == SQLITE_NULL)
      continue;
    fprintf(out, "  %-12s %s", steps[i].what,
            station_date_format((int32_t)sqlite3_column_int64(st, steps[i].col), d1, sizeof d1));
    if (steps[i].col == 6)
      fprintf(out, " for %d days", sqlite3_column_int(st, 7));
    if (steps[i].ref >= 0 && sqlite3_column_type(st, steps[i].ref) != SQLITE_NULL)
      fprintf(out, "  %s", (const char *)sqlite3_column_text(st, steps[i].ref));
    fputc('\n', out);
  }
  if (state < STATION_ROUND_CLOSED)
    fprintf(out, "  next step: %s (station round %s)\n", station_round_state_step(state + 1),
            station_round_state_cmd(state + 1));
  sqlite3_finalize(st);

  if ((rc = station_db_prepare(db, "SELECT o.id, o.award, o.received_day, o.outcome, p.name,"
                                   " p.id_number FROM objections o JOIN persons p"
                                   " ON p.id = o.person WHERE o.round = ?1 ORDER BY o.id",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    char name[STATION_NAME_MAX + 1], idno[COMMON_ID_LEN + 1];
    static const char *const outcomes[] = {"pending", "upheld", "rejected"};
    int o = sqlite3_column_int(st, 3);
    const struct common_award_info *aw = common_award_info(sqlite3_column_int(st, 1));
    fprintf(out, "  objection %lld  %s  %s %s  %s  %s\n", (long long)sqlite3_column_int64(st, 0),
            station_date_format((int32_t)sqlite3_column_int64(st, 2), d1, sizeof d1),
            station_mask_name((const char *)sqlite3_column_text(st, 4), name, sizeof name),
            station_mask_idno((const char *)sqlite3_column_text(st, 5), idno),
            aw ? aw->token : "?", o >= 0 && o <= 2 ? outcomes[o] : "?");
  }
  sqlite3_finalize(st);

  if ((rc = station_db_prepare(db, "SELECT COUNT(*), SUM(struck = 0) FROM awards WHERE round = ?1",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW)
    fprintf(out, "  awards: %lld, in force %lld\n", (long long)sqlite3_column_int64(st, 0),
            (long long)sqlite3_column_int64(st, 1));
  sqlite3_finalize(st);

  if ((rc = station_db_prepare(db, "SELECT day, at, who, action, from_state, to_state,"
                                   " COALESCE(ref, '') FROM round_events WHERE round = ?1"
                                   " ORDER BY id", &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  fprintf(out, "journal:\n");
  while (sqlite3_step(st) == SQLITE_ROW) {
    time_t at = (time_t)sqlite3_column_int64(st, 1);
    struct tm tm;
    char ts[32];
    gmtime_r(&at, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int from = sqlite3_column_int(st, 4), to = sqlite3_column_int(st, 5);
    fprintf(out, "  %s  %s  %-8s %-9s", station_date_format((int32_t)sqlite3_column_int64(st, 0),
                                                            d1, sizeof d1),
            ts, (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3));
    if (from != to)
      fprintf(out, " %s -> %s", station_round_state_name(from), station_round_state_name(to));
    fprintf(out, " %s\n", (const char *)sqlite3_column_text(st, 6));
  }
  sqlite3_finalize(st);
  return STATION_OK;
}

/* --------------------------------------------------------- configuration -- */

struct notice_cfg_ctx {
  struct station_notice_config *cfg;
  char bad[120];
};

static int notice_cfg_pair(void *user, const char *section, const char *key, const char *value,
                           unsigned line)
{
  struct notice_cfg_ctx *c = user;
  uint64_t n;
  if (strcmp(section, "notice") != 0) {
    snprintf(c->bad, sizeof c->bad, "line %u: unknown section", line);
    return 1;
  }
  if (strcmp(key, "days") == 0) {
    if (common_parse_u64(value, STATION_NOTICE_DAYS_MAX, &n) != 0 || n == 0) {
      snprintf(c->bad, sizeof c->bad, "line %u: days must be 1-%u", line,
               STATION_NOTICE_DAYS_MAX);
      return 1;
    }
    c->cfg->days = (unsigned)n;
  } else if (strcmp(key, "contact") == 0) {
    if (!text_ok(value, STATION_ROUND_TEXT_MAX)) {
      snprintf(c->bad, sizeof c->bad, "line %u: contact must be 1-%u bytes of text", line,
               STATION_ROUND_TEXT_MAX);
      return 1;
    }
    snprintf(c->cfg->contact, sizeof c->cfg->contact, "%s", value);
  } else {
    snprintf(c->bad, sizeof c->bad, "line %u: unknown key (days, contact)", line);
    return 1;
  }
  return 0;
}

int station_notice_config_load(const char *path, struct station_notice_config *cfg, char *why,
                               size_t why_cap)
{
  if (!path || !cfg)
    return STATION_E_INVALID_ARG;
  memset(cfg, 0, sizeof *cfg);
  struct common_diag diag;
  char *buf = NULL;
  size_t len = 0;
  memset(&diag, 0, sizeof diag);
  if (common_read_file(path, 64 * 1024, &buf, &len, &diag) != 0)
    return station_why(why, why_cap, STATION_E_IO, "%s: cannot read the configuration", path);
  struct notice_cfg_ctx c = {cfg, ""};
  struct common_ini_handler h = {NULL, notice_cfg_pair};
  struct common_ini_dialect d = {COMMON_INI_NEED_SECTION, 0, 0, 0, 0};
  int rc = common_ini_parse(buf, len, path, &d, &h, &c, &diag);
  free(buf);
  if (rc != 0)
    return station_why(why, why_cap, STATION_E_SYNTAX, "%s: %s", path,
                       c.bad[0] ? c.bad : "not a valid configuration file");
  return STATION_OK;
}
