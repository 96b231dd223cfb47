/* station internals shared by the sources (not installed). */
#ifndef STATION_INT_H
#define STATION_INT_H

#include <sqlite3.h>

#include "station/db.h"

struct station_db {
  sqlite3 *h;
  char err[256];
};

/* Record SQLite's error (code and message, never row values) and return STATION_E_DB. */
int station_db_fail(struct station_db *db, int sqlite_rc, const char *where);
/* Execute SQL without results. */
int station_db_exec(struct station_db *db, const char *sql);
/* Prepare; STATION_E_DB on failure. */
int station_db_prepare(struct station_db *db, const char *sql, sqlite3_stmt **st);

/* Run a statement to completion and finalize it; DB (with where) on failure. */
int station_db_done(struct station_db *db, sqlite3_stmt *st, const char *where);
/* Roll back the open transaction, if any (on an error path). */
void station_db_rollback(struct station_db *db);

/* Write fmt into why[cap] (may be NULL) and return err (errors.c). */
int station_why(char *why, size_t cap, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One CSV field of the station's exports (ledger, plaques, notice), quoted when it holds
 * a comma, quote, CR or LF (RFC 4180), then "," or, for the last, "\r\n" (csv.c). */
void station_csv_put(FILE *out, const char *s, int last);

/* s as HTML text: & < > " ' escaped (text.c); for the certificate and notice pages. */
void station_html_put(FILE *out, const char *s);

/* The cards part of `show` (cards.c). */
int station_issue_show(struct station_db *db, int64_t person, FILE *out);

/* 1 when s[len] is a token of [A-Za-z0-9._:/-] of 1..max characters: common's
 * reference token (common/token.h), kept for the callers not yet moved to it. */
int station_token_ok(const char *s, size_t len, size_t max);

/* A journal row of an act on a round that does not change its state (round.c): the
 * ledger's payments, the integrity export. Inside the caller's transaction. */
int station_round_journal(struct station_db *db, const char *round_id, int state,
                          const char *action, const char *who, int32_t day, const char *ref,
                          const char *note);

#endif
