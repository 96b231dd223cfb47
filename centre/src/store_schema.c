/*
 * The store's schema and its migrations, one list for SQLite and PostgreSQL
 * (docs/centre.md, "Storage"). Every start applies, in one transaction, the migrations
 * the table schema_migrations does not list yet, and refuses a store whose schema is
 * newer than this program's (a downgrade would write rows the newer schema does not
 * expect). Two centres starting at once on one PostgreSQL take turns (a named lock).
 *
 * A new table or column is a new migration at the end of the list, never an edit of an
 * old one: a store that applied migration N never runs it again. Migration 1 is the
 * schema as it stood before migrations existed, written with IF NOT EXISTS so that a
 * store made then takes it as a no-op.
 */
#include <stdio.h>
#include <time.h>

#include "centre_int.h"
#include "console.h"
#include "db.h"

static const char *const store_tables[] = {
    "CREATE TABLE IF NOT EXISTS terminals ("
    " terminal_id VARCHAR(64) PRIMARY KEY,"
    " site_id VARCHAR(64) NOT NULL,"
    " state VARCHAR(16) NOT NULL,"
    " registered_at BIGINT NOT NULL,"
    " retired_at BIGINT,"
    " head_seq BIGINT NOT NULL,"
    " head_hash VARCHAR(64) NOT NULL,"
    " last_sync BIGINT,"
    " sw_version VARCHAR(64),"
    " queue_depth BIGINT,"
    " reported_last_sync BIGINT,"
    " reader_state VARCHAR(32),"
    " reported_at BIGINT)",
    /* the journal event (proto/event.h) plus where and when it arrived; month is
     * yyyymm in China time, computed here so that reports need no date functions. */
    "CREATE TABLE IF NOT EXISTS events ("
    " terminal_id VARCHAR(64) NOT NULL,"
    " seq BIGINT NOT NULL,"
    " time BIGINT NOT NULL,"
    " month INTEGER NOT NULL,"
    " site_id VARCHAR(64) NOT NULL,"
    " mode VARCHAR(16) NOT NULL,"
    " vehicle VARCHAR(32) NOT NULL,"
    " card_no VARCHAR(20) NOT NULL,"
    " generation BIGINT NOT NULL,"
    " kind VARCHAR(16) NOT NULL,"
    " verdict VARCHAR(16) NOT NULL,"
    " reasons VARCHAR(16) NOT NULL,"
    " amount_fen BIGINT NOT NULL,"
    " bill_ref VARCHAR(64) NOT NULL,"
    " staff_id VARCHAR(32) NOT NULL,"
    " prev_hash VARCHAR(64) NOT NULL,"
    " hash VARCHAR(64) NOT NULL,"
    " received_at BIGINT NOT NULL,"
    " PRIMARY KEY (terminal_id, seq))",
    "CREATE INDEX IF NOT EXISTS events_site_month ON events (site_id, month)",
    /* Events held back (docs/sync-protocol.md, "Quarantine"): their place in the chain
     * and the reason, never their text fields (one may be the ID number that got them
     * held). hash_checked 0: the event could not be hashed (a field the event check
     * refuses); the next event's prev_hash still ties it into the chain. */
    "CREATE TABLE IF NOT EXISTS quarantine ("
    " terminal_id VARCHAR(64) NOT NULL,"
    " seq BIGINT NOT NULL,"
    " time BIGINT NOT NULL,"
    " reason VARCHAR(120) NOT NULL,"
    " prev_hash VARCHAR(64) NOT NULL,"
    " hash VARCHAR(64) NOT NULL,"
    " hash_checked SMALLINT NOT NULL,"
    " received_at BIGINT NOT NULL,"
    " PRIMARY KEY (terminal_id, seq))",
    "CREATE TABLE IF NOT EXISTS revoked_certs ("
    " serial VARCHAR(80) PRIMARY KEY,"
    " revoked_at BIGINT NOT NULL)",
    /* Every change to the revocation list, numbered; list version L holds changes < L. */
    "CREATE TABLE IF NOT EXISTS card_changes ("
    " version BIGINT PRIMARY KEY,"
    " card_no VARCHAR(20) NOT NULL,"
    " generation BIGINT NOT NULL,"
    " kind SMALLINT NOT NULL,"
    " op SMALLINT NOT NULL,"
    " reason VARCHAR(32),"
    " changed_at BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS revoked_cards ("
    " card_no VARCHAR(20) NOT NULL,"
    " generation BIGINT NOT NULL,"
    " kind SMALLINT NOT NULL,"
    " version BIGINT NOT NULL,"
    " PRIMARY KEY (card_no, generation, kind))",
    /* The cards the station issued, one row per generation: what the card carries about
     * its award and validity and which issuer key signed it. No name, ID number or photo
     * (PIPL): the centre needs none. Dates are YYYYMMDD; state is active or revoked,
     * kept in step with revoked_cards. */
    "CREATE TABLE IF NOT EXISTS cards ("
    " card_no VARCHAR(20) NOT NULL,"
    " generation BIGINT NOT NULL,"
    " award SMALLINT NOT NULL,"
    " award_level SMALLINT NOT NULL,"
    " award_round INTEGER NOT NULL,"
    " issue_date INTEGER NOT NULL,"
    " not_after INTEGER NOT NULL,"
    " issuer_key_id VARCHAR(16) NOT NULL,"
    " registered_at BIGINT NOT NULL,"
    " state VARCHAR(16) NOT NULL,"
    " PRIMARY KEY (card_no, generation))",
    /* kind: "config", "trust", "roster:<site>", ... (PostgreSQL enforces the length). */
    "CREATE TABLE IF NOT EXISTS documents ("
    " kind VARCHAR(128) NOT NULL,"
    " version BIGINT NOT NULL,"
    " issued_at BIGINT NOT NULL,"
    " content TEXT NOT NULL,"
    " PRIMARY KEY (kind, version))",
};

static int baseline(struct centre_db *db)
{
  int rc = centre_db_exec_all(db, store_tables, sizeof store_tables / sizeof store_tables[0],
                              "store schema");
  if (rc == CENTRE_OK)
    rc = centre_bills_schema(db);
  if (rc == CENTRE_OK)
    rc = centre_tariff_schema(db);
  if (rc == CENTRE_OK)
    rc = centre_roster_schema(db);
  return rc;
}

/* The event's optional fields (bus route, trip, stop): '' for older rows, as in their
 * canonical lines. A SQLite store made before migrations may have them already. */
static int event_route_fields(struct centre_db *db)
{
  static const char *const cols[] = {"route", "trip", "stop"};
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    char sql[128];
    int have = 0, rc = centre_db_has_column(db, "events", cols[i], &have);
    if (rc != CENTRE_OK)
      return rc;
    if (have)
      continue;
    snprintf(sql, sizeof sql, "ALTER TABLE events ADD COLUMN %s VARCHAR(32) NOT NULL DEFAULT ''",
             cols[i]);
    rc = centre_db_exec(db, sql, "migration events route fields");
    if (rc != CENTRE_OK)
      return rc;
  }
  return CENTRE_OK;
}

/* What each terminal last said about itself (docs/sync-protocol.md, "Terminal health"):
 * the revocation list version it holds and its clock's offset from the centre's, for the
 * operations page. NULL: not reported (an older terminal, or a malformed header). */
static int terminal_health(struct centre_db *db)
{
  static const char *const cols[] = {"revlist_version", "clock_offset_s"};
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    char sql[128];
    int have = 0, rc = centre_db_has_column(db, "terminals", cols[i], &have);
    if (rc != CENTRE_OK)
      return rc;
    if (have) /* a store whose migration rows were lost: take it as done */
      continue;
    snprintf(sql, sizeof sql, "ALTER TABLE terminals ADD COLUMN %s BIGINT", cols[i]);
    rc = centre_db_exec(db, sql, "migration terminal health");
    if (rc != CENTRE_OK)
      return rc;
  }
  return CENTRE_OK;
}

static const struct {
  int version;
  const char *name;
  int (*apply)(struct centre_db *db);
} migrations[] = {
    {1, "baseline", baseline},
    {2, "event route trip stop", event_route_fields},
    /* The web console's accounts, sessions and audit (console_db.c). Before this
     * migration the console made them itself with IF NOT EXISTS when it or centre-admin
     * account opened the store, so a store that has them takes it as a no-op. */
    {3, "console tables", console_db_schema},
    {4, "terminal health", terminal_health},
};
#define MIGRATIONS_N ((int)(sizeof migrations / sizeof migrations[0]))

int centre_store_schema_version(void)
{
  return migrations[MIGRATIONS_N - 1].version;
}

int centre_store_migrate(struct centre_db *db)
{
  struct centre_db_stmt *s = NULL;
  int64_t have = 0, now = (int64_t)time(NULL);
  int rc = centre_db_begin(db, 1);
  if (rc != CENTRE_OK)
    return rc;
  rc = centre_db_lock(db, "schema_migrations");
  if (rc == CENTRE_OK)
    rc = centre_db_exec(db,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version BIGINT PRIMARY KEY,"
                        " name VARCHAR(64) NOT NULL,"
                        " applied_at BIGINT NOT NULL)",
                        "schema_migrations");
  if (rc == CENTRE_OK)
    rc = centre_db_prepare(db, "SELECT MAX(version) FROM schema_migrations", &s);
  if (rc == CENTRE_OK) {
    rc = centre_db_step(s);
    if (rc == CENTRE_DB_ROW) {
      have = centre_db_column_int64(s, 0);
      rc = CENTRE_OK;
    } else if (rc == CENTRE_DB_DONE) {
      rc = CENTRE_OK;
    }
    centre_db_finalize(s);
  }
  if (rc == CENTRE_OK && have > centre_store_schema_version()) {
    centre_log(CENTRE_LOG_ERROR,
               "store: its schema is version %lld, newer than this centre's %d (a newer centre "
               "migrated it); run that version or newer",
               (long long)have, centre_store_schema_version());
    rc = CENTRE_E_DB;
  }
  for (int i = 0; rc == CENTRE_OK && i < MIGRATIONS_N; i++) {
    int64_t v = migrations[i].version;
    const void *args[] = {&v, migrations[i].name, &now};
    if (v <= have)
      continue;
    rc = migrations[i].apply(db);
    if (rc == CENTRE_OK)
      rc = centre_db_run(db,
                         "INSERT INTO schema_migrations (version, name, applied_at)"
                         " VALUES (?, ?, ?)",
                         "iti", args, NULL);
    if (rc == CENTRE_OK)
      centre_log(CENTRE_LOG_DEBUG, "store: schema migration %d (%s) applied",
                 migrations[i].version, migrations[i].name);
    else
      centre_log(CENTRE_LOG_ERROR, "store: schema migration %d (%s) failed",
                 migrations[i].version, migrations[i].name);
  }
  if (rc == CENTRE_OK)
    rc = centre_db_commit(db);
  if (rc != CENTRE_OK)
    centre_db_rollback(db);
  return rc == CENTRE_OK ? CENTRE_OK : CENTRE_E_DB;
}
