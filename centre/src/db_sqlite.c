/*
 * SQLite back end of the database interface (db.h): what store.c did before the
 * interface existed, unchanged (WAL, busy timeout 10 s, synchronous FULL or NORMAL,
 * foreign keys on, BEGIN IMMEDIATE for writes).
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "centre_int.h"
#include "db.h"

struct lite_db {
  struct centre_db base;
  sqlite3 *db;
};

struct lite_stmt {
  struct centre_db_stmt base;
  sqlite3_stmt *s;
};

static sqlite3 *handle(struct centre_db *db)
{
  return ((struct lite_db *)db)->db;
}

static int fail(sqlite3 *db, const char *what, int rc)
{
  centre_log(CENTRE_LOG_ERROR, "sqlite %s: %s (rc %d)", what, sqlite3_errmsg(db), rc);
  return CENTRE_E_DB;
}

static int lite_exec(struct centre_db *db, const char *sql, const char *what)
{
  int rc = sqlite3_exec(handle(db), sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? CENTRE_OK : fail(handle(db), what ? what : sql, rc);
}

static void lite_close(struct centre_db *db)
{
  sqlite3_close(handle(db));
  free(db);
}

static int lite_open(const char *path, int sync_full, struct centre_db **out)
{
  struct lite_db *d = calloc(1, sizeof *d);
  int rc;
  if (!d)
    return CENTRE_E_NO_MEMORY;
  d->base.ops = &centre_db_sqlite_ops;
  rc = sqlite3_open_v2(path, &d->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    centre_log(CENTRE_LOG_ERROR, "sqlite open: rc %d", rc);
    goto out_close;
  }
  sqlite3_busy_timeout(d->db, 10000);
  if (lite_exec(&d->base, "PRAGMA journal_mode=WAL", NULL) != CENTRE_OK ||
      lite_exec(&d->base, sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
                NULL) != CENTRE_OK ||
      lite_exec(&d->base, "PRAGMA foreign_keys=ON", NULL) != CENTRE_OK)
    goto out_close;
  *out = &d->base;
  return CENTRE_OK;

out_close:
  lite_close(&d->base);
  return CENTRE_E_DB;
}

static int lite_prepare(struct centre_db *db, const char *sql, struct centre_db_stmt **out)
{
  struct lite_stmt *st = calloc(1, sizeof *st);
  int rc;
  if (!st)
    return CENTRE_E_NO_MEMORY;
  st->base.db = db;
  rc = sqlite3_prepare_v2(handle(db), sql, -1, &st->s, NULL);
  if (rc != SQLITE_OK) {
    free(st);
    return fail(handle(db), "prepare", rc);
  }
  *out = &st->base;
  return CENTRE_OK;
}

static sqlite3_stmt *stmt(struct centre_db_stmt *s)
{
  return ((struct lite_stmt *)s)->s;
}

static void lite_bind_text(struct centre_db_stmt *s, int i, const char *v)
{
  if (v)
    sqlite3_bind_text(stmt(s), i, v, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(stmt(s), i);
}

static void lite_bind_int64(struct centre_db_stmt *s, int i, int64_t v)
{
  sqlite3_bind_int64(stmt(s), i, (sqlite3_int64)v);
}

static void lite_bind_null(struct centre_db_stmt *s, int i)
{
  sqlite3_bind_null(stmt(s), i);
}

static int lite_step(struct centre_db_stmt *s)
{
  int rc = sqlite3_step(stmt(s));
  if (rc == SQLITE_ROW)
    return CENTRE_DB_ROW;
  if (rc == SQLITE_DONE)
    return CENTRE_DB_DONE;
  if (rc == SQLITE_CONSTRAINT)
    return CENTRE_E_EXISTS;
  return fail(handle(s->db), sqlite3_sql(stmt(s)) ? sqlite3_sql(stmt(s)) : "step", rc);
}

static int64_t lite_column_int64(struct centre_db_stmt *s, int col)
{
  return (int64_t)sqlite3_column_int64(stmt(s), col);
}

static const char *lite_column_text(struct centre_db_stmt *s, int col)
{
  return (const char *)sqlite3_column_text(stmt(s), col);
}

static int lite_column_is_null(struct centre_db_stmt *s, int col)
{
  return sqlite3_column_type(stmt(s), col) == SQLITE_NULL;
}

static void lite_reset(struct centre_db_stmt *s)
{
  sqlite3_reset(stmt(s));
}

static void lite_finalize(struct centre_db_stmt *s)
{
  sqlite3_finalize(stmt(s));
  free(s);
}

static int64_t lite_changes(struct centre_db *db)
{
  return sqlite3_changes(handle(db));
}

static int lite_begin(struct centre_db *db, int write)
{
  return lite_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static void lite_rollback(struct centre_db *db)
{
  sqlite3_exec(handle(db), "ROLLBACK", NULL, NULL, NULL);
}

static int lite_lock(struct centre_db *db, const char *name)
{
  (void)db;
  (void)name;
  return CENTRE_OK;
}

static int lite_has_column(struct centre_db *db, const char *table, const char *col, int *have)
{
  char sql[160];
  sqlite3_stmt *probe = NULL;
  /* table and col are the store's own names, never input. */
  snprintf(sql, sizeof sql, "SELECT %s FROM %s LIMIT 0", col, table);
  *have = sqlite3_prepare_v2(handle(db), sql, -1, &probe, NULL) == SQLITE_OK;
  sqlite3_finalize(probe);
  return CENTRE_OK;
}

static struct sqlite3 *lite_sqlite(struct centre_db *db)
{
  return handle(db);
}

const struct centre_db_ops centre_db_sqlite_ops = {
    .backend = CENTRE_DB_SQLITE,
    .open = lite_open,
    .close = lite_close,
    .exec = lite_exec,
    .prepare = lite_prepare,
    .bind_text = lite_bind_text,
    .bind_int64 = lite_bind_int64,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .column_int64 = lite_column_int64,
    .column_text = lite_column_text,
    .column_is_null = lite_column_is_null,
    .reset = lite_reset,
    .finalize = lite_finalize,
    .changes = lite_changes,
    .begin = lite_begin,
    .rollback = lite_rollback,
    .lock = lite_lock,
    .has_column = lite_has_column,
    .sqlite = lite_sqlite,
};
