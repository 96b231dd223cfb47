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

/* Create the issuance tables (issue.c), inside the schema transaction. */
int station_issue_schema(struct station_db *db);
/* The cards part of `show` (issue.c). */
int station_issue_show(struct station_db *db, int64_t person, FILE *out);

/* 1 when s[len] is a token of [A-Za-z0-9._:/-] of 1..max characters. */
int station_token_ok(const char *s, size_t len, size_t max);

#endif
