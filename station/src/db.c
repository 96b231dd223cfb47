/* The station database: file creation (mode 0600), pragmas, schema. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/token.h"
#include "station_int.h"

/*
 * The whole schema lives here. Version 1 is the import and rounds part
 * (station_schema_v1) and the issuance part (station_schema_v1_issue); version 2 adds
 * cards.issuer_key_id (db_schema()); version 3 the award round's procedure
 * (station_schema_v3: round states and their journal, struck awards, objections, the
 * cash-award ledger, the log of integrity-record exports). Days are days since 1970-01-01; amounts are
 * integers in the unit of their kind (ml, centiunits, centihours); times are Unix
 * seconds. Columns holding an enum say which; its values are stored, never renumbered.
 * The statement texts are those of the files already in use: do not reformat them.
 */
static const char station_schema_v1[] =
    "CREATE TABLE imports("
    "  id INTEGER PRIMARY KEY,"
    "  sha256 TEXT NOT NULL UNIQUE,"
    "  file TEXT NOT NULL,"
    "  encoding TEXT NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  today INTEGER NOT NULL,"
    "  rows INTEGER NOT NULL DEFAULT 0,"
    "  added INTEGER NOT NULL DEFAULT 0,"
    "  unchanged INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE persons("
    "  id INTEGER PRIMARY KEY,"
    "  donor_id TEXT NOT NULL UNIQUE,"
    "  id_number TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  birth_day INTEGER NOT NULL,"
    "  import_id INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  card_no TEXT UNIQUE,"      /* the unified number, once given */
    "  misuse_day INTEGER,"       /* last revocation for misuse (altered, lent) */
    "  misuse_at INTEGER);"
    "CREATE TABLE sites("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE);"
    /* One donation per donor, day, kind, amount and site: the key is the duplicate check
     * and orders the table by person for the evaluation's scan. WITHOUT ROWID: two
     * B-trees per record (the table and record_id's index), not three. */
    "CREATE TABLE records("
    "  person INTEGER NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  amount INTEGER NOT NULL,"
    "  site INTEGER NOT NULL,"
    "  record_id TEXT NOT NULL UNIQUE,"
    "  import_id INTEGER NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  PRIMARY KEY(person, day, kind, amount, site)) WITHOUT ROWID;"
    "CREATE TABLE rounds("
    "  id TEXT PRIMARY KEY,"
    "  cutoff INTEGER NOT NULL,"
    "  evaluated_at INTEGER NOT NULL,"
    "  today INTEGER NOT NULL,"
    "  persons INTEGER NOT NULL,"
    "  awardees INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE awards("
    "  round TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  award INTEGER NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  blood_ml INTEGER NOT NULL,"
    "  volunteer_centih INTEGER NOT NULL,"
    "  card_eligible INTEGER NOT NULL,"
    "  PRIMARY KEY(round, person, award)) WITHOUT ROWID;"
    "CREATE INDEX awards_person ON awards(person, award, level);";

/* Issuance (issue_int.h): applications, overrides, numbers, cards and their trace,
 * revocations, the outbox to the centre. */
static const char station_schema_v1_issue[] =
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
    "  kind INTEGER NOT NULL,"            /* enum station_app_kind (issue_int.h) */
    "  state INTEGER NOT NULL,"           /* enum station_app_state */
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
    "  state INTEGER NOT NULL,"           /* enum station_card_state (station/issue.h) */
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
    "  kind INTEGER NOT NULL,"            /* enum station_rev_kind (as kiosk/revoke.h) */
    "  reason INTEGER NOT NULL,"
    "  staff TEXT,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX revocations_card ON revocations(card_no);"
    "CREATE TABLE outbox("
    "  id INTEGER PRIMARY KEY,"
    "  op INTEGER NOT NULL,"              /* enum station_outbox_op */
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

/* Version 3: the round as the regulation runs it (Art. 11-17; station/round.h). A round
 * evaluated before version 3 stays "evaluated" and must go through the steps. */
static const char station_schema_v3[] =
    "ALTER TABLE rounds ADD COLUMN state INTEGER NOT NULL DEFAULT 1;" /* enum station_round_state */
    "ALTER TABLE rounds ADD COLUMN decided_day INTEGER;"
    "ALTER TABLE rounds ADD COLUMN minutes_ref TEXT;"
    "ALTER TABLE rounds ADD COLUMN reviewed_day INTEGER;"
    "ALTER TABLE rounds ADD COLUMN review_ref TEXT;"
    "ALTER TABLE rounds ADD COLUMN notice_start INTEGER;"
    "ALTER TABLE rounds ADD COLUMN notice_days INTEGER;"
    "ALTER TABLE rounds ADD COLUMN notice_contact TEXT;"
    "ALTER TABLE rounds ADD COLUMN awarded_day INTEGER;"
    "ALTER TABLE rounds ADD COLUMN award_doc TEXT;"
    "ALTER TABLE rounds ADD COLUMN closed_day INTEGER;"
    "ALTER TABLE awards ADD COLUMN struck INTEGER NOT NULL DEFAULT 0;" /* enum station_struck */
    "ALTER TABLE awards ADD COLUMN struck_reason TEXT;"
    "ALTER TABLE awards ADD COLUMN struck_day INTEGER;"
    /* The journal of a round: every transition and every act on an awardee, who and when.
     * Kept when a round is re-evaluated (no foreign key). */
    "CREATE TABLE round_events("
    "  id INTEGER PRIMARY KEY,"
    "  round TEXT NOT NULL,"
    "  from_state INTEGER NOT NULL,"
    "  to_state INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  ref TEXT,"
    "  person INTEGER,"
    "  award INTEGER,"
    "  note TEXT);"
    "CREATE INDEX round_events_round ON round_events(round, id);"
    "CREATE TABLE objections("
    "  id INTEGER PRIMARY KEY,"
    "  round TEXT NOT NULL,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  award INTEGER NOT NULL,"
    "  received_day INTEGER NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  outcome INTEGER NOT NULL DEFAULT 0," /* enum station_objection_outcome */
    "  outcome_day INTEGER,"
    "  outcome_reason TEXT,"
    "  who TEXT NOT NULL);"
    /* Cash awards (Art. 16-17): one row per lifetime award of an awarded round. */
    "CREATE TABLE cash_awards("
    "  round TEXT NOT NULL,"
    "  person INTEGER NOT NULL REFERENCES persons(id),"
    "  award INTEGER NOT NULL,"
    "  amount_yuan INTEGER NOT NULL,"
    "  due_day INTEGER NOT NULL,"
    "  paid_day INTEGER,"
    "  voucher TEXT,"
    "  paid_by TEXT,"
    "  PRIMARY KEY(round, person, award)) WITHOUT ROWID;"
    /* Integrity-record exports (Art. 13): the one output with ID numbers in clear. */
    "CREATE TABLE exports("
    "  id INTEGER PRIMARY KEY,"
    "  round TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  rows INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  who TEXT NOT NULL,"
    "  day INTEGER NOT NULL,"
    "  at INTEGER NOT NULL);";

int station_db_fail(struct station_db *db, int sqlite_rc, const char *where)
{
  snprintf(db->err, sizeof db->err, "%s: %s (sqlite %d)", where,
           db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(sqlite_rc), sqlite_rc);
  return STATION_E_DB;
}

int station_db_exec(struct station_db *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK) {
    snprintf(db->err, sizeof db->err, "%s (sqlite %d)", msg ? msg : sqlite3_errstr(rc), rc);
    sqlite3_free(msg);
    return STATION_E_DB;
  }
  return STATION_OK;
}

int station_db_prepare(struct station_db *db, const char *sql, sqlite3_stmt **st)
{
  int rc = sqlite3_prepare_v2(db->h, sql, -1, st, NULL);
  if (rc != SQLITE_OK)
    return station_db_fail(db, rc, "prepare");
  return STATION_OK;
}

int station_db_done(struct station_db *db, sqlite3_stmt *st, const char *where)
{
  int src = sqlite3_step(st);
  sqlite3_finalize(st);
  if (src != SQLITE_DONE && src != SQLITE_ROW)
    return station_db_fail(db, src, where);
  return STATION_OK;
}

void station_db_rollback(struct station_db *db)
{
  if (!sqlite3_get_autocommit(db->h))
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int station_token_ok(const char *s, size_t len, size_t max)
{
  return common_token_valid_n(s, len, max, COMMON_TOKEN_REF);
}

const char *station_db_errmsg(const struct station_db *db)
{
  return db && db->err[0] ? db->err : "no error";
}

/* The file exists, belongs to us and is readable by its owner only. */
static int db_prepare_file(const char *path, char *err, size_t errcap)
{
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    snprintf(err, errcap, "cannot open the database file: %s", strerror(errno));
    return STATION_E_IO;
  }
  struct stat st;
  int rc = STATION_OK;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errcap, "the database path is not a regular file");
    rc = STATION_E_IO;
  } else if ((st.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
    snprintf(err, errcap, "cannot restrict the database file to mode 0600: %s",
             strerror(errno));
    rc = STATION_E_IO;
  }
  close(fd);
  return rc;
}

static int db_schema(struct station_db *db)
{
  sqlite3_stmt *st;
  int version = 0, rc;
  if ((rc = station_db_prepare(db, "PRAGMA user_version", &st)) != STATION_OK)
    return rc;
  if (sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (version == 3)
    return STATION_OK;
  if (version > 3) {
    snprintf(db->err, sizeof db->err, "database schema version %d is newer than this program",
             version);
    return STATION_E_DB;
  }
  if ((rc = station_db_exec(db, "BEGIN IMMEDIATE")) != STATION_OK)
    return rc;
  /* 0: a new file. 1 -> 2: the issuer key id of each card, for the centre's registration
   * (cards issued before it have "" and their registration waits). 2 -> 3: the round's
   * procedure. */
  if ((version == 0 && ((rc = station_db_exec(db, station_schema_v1)) != STATION_OK ||
                        (rc = station_db_exec(db, station_schema_v1_issue)) != STATION_OK)) ||
      (version <= 1 &&
       (rc = station_db_exec(db, "ALTER TABLE cards ADD COLUMN issuer_key_id TEXT NOT NULL"
                                 " DEFAULT ''")) != STATION_OK) ||
      (rc = station_db_exec(db, station_schema_v3)) != STATION_OK ||
      (rc = station_db_exec(db, "PRAGMA user_version = 3")) != STATION_OK) {
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  return station_db_exec(db, "COMMIT");
}

int station_db_open(const char *path, struct station_db **out, char *why, size_t why_cap)
{
  if (why && why_cap)
    why[0] = '\0';
  if (!path || !out)
    return STATION_E_INVALID_ARG;
  *out = NULL;
  struct station_db *db = calloc(1, sizeof *db);
  if (!db)
    return STATION_E_NO_MEMORY;
  int rc = db_prepare_file(path, db->err, sizeof db->err);
  if (rc != STATION_OK) {
    if (why && why_cap)
      snprintf(why, why_cap, "%s", db->err);
    free(db);
    return rc;
  }
  int src = sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (src != SQLITE_OK) {
    rc = station_db_fail(db, src, "open");
    goto out_close;
  }
  sqlite3_busy_timeout(db->h, 5000);
  /* A rollback journal, not WAL: the desk is one process, and an import's pages are
   * then written once (WAL writes them twice: to the log, then at the checkpoint). */
  if ((rc = station_db_exec(db, "PRAGMA page_size=8192;"
                                "PRAGMA journal_mode=TRUNCATE;"
                                "PRAGMA synchronous=FULL;"
                                "PRAGMA foreign_keys=ON;"
                                "PRAGMA secure_delete=ON;")) != STATION_OK)
    goto out_close;
  if ((rc = db_schema(db)) != STATION_OK)
    goto out_close;
  *out = db;
  return STATION_OK;
out_close:
  if (why && why_cap)
    snprintf(why, why_cap, "%s", db->err);
  sqlite3_close(db->h);
  free(db);
  return rc;
}

void station_db_close(struct station_db *db)
{
  if (!db)
    return;
  sqlite3_close(db->h);
  free(db);
}
