/*
 * The database interface's front (db.h): it picks the back end at open and dispatches
 * to its ops table; what is the same for both (run with a format, exec of a list) is
 * written here once.
 */
#include <stddef.h>

#include "centre_int.h"
#include "db.h"

static const struct centre_db_ops *ops_of(enum centre_db_backend b)
{
  switch (b) {
  case CENTRE_DB_SQLITE:
    return &centre_db_sqlite_ops;
  case CENTRE_DB_POSTGRES:
    return &centre_db_pg_ops;
  }
  return NULL;
}

const char *centre_db_backend_name(enum centre_db_backend b)
{
  return b == CENTRE_DB_POSTGRES ? "postgresql" : "sqlite";
}

int centre_db_open(enum centre_db_backend backend, const char *target, int sync_full,
                   struct centre_db **out)
{
  const struct centre_db_ops *ops = ops_of(backend);
  if (!out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  if (!ops || !target)
    return CENTRE_E_INVALID_ARG;
  return ops->open(target, sync_full, out);
}

void centre_db_close(struct centre_db *db)
{
  if (db)
    db->ops->close(db);
}

enum centre_db_backend centre_db_backend_of(const struct centre_db *db)
{
  return db->ops->backend;
}

int centre_db_exec(struct centre_db *db, const char *sql, const char *what)
{
  return db->ops->exec(db, sql, what ? what : sql);
}

int centre_db_exec_all(struct centre_db *db, const char *const *sql, unsigned n, const char *what)
{
  for (unsigned i = 0; i < n; i++) {
    int rc = centre_db_exec(db, sql[i], what);
    if (rc != CENTRE_OK)
      return rc;
  }
  return CENTRE_OK;
}

int centre_db_prepare(struct centre_db *db, const char *sql, struct centre_db_stmt **out)
{
  *out = NULL;
  return db->ops->prepare(db, sql, out);
}

void centre_db_bind_text(struct centre_db_stmt *s, int i, const char *v)
{
  s->db->ops->bind_text(s, i, v);
}

void centre_db_bind_int64(struct centre_db_stmt *s, int i, int64_t v)
{
  s->db->ops->bind_int64(s, i, v);
}

void centre_db_bind_null(struct centre_db_stmt *s, int i)
{
  s->db->ops->bind_null(s, i);
}

int centre_db_step(struct centre_db_stmt *s)
{
  return s->db->ops->step(s);
}

int64_t centre_db_column_int64(struct centre_db_stmt *s, int col)
{
  return s->db->ops->column_int64(s, col);
}

const char *centre_db_column_text(struct centre_db_stmt *s, int col)
{
  return s->db->ops->column_text(s, col);
}

int centre_db_column_is_null(struct centre_db_stmt *s, int col)
{
  return s->db->ops->column_is_null(s, col);
}

void centre_db_reset(struct centre_db_stmt *s)
{
  if (s)
    s->db->ops->reset(s);
}

void centre_db_finalize(struct centre_db_stmt *s)
{
  if (s)
    s->db->ops->finalize(s);
}

int64_t centre_db_changes(struct centre_db *db)
{
  return db->ops->changes(db);
}

int centre_db_run(struct centre_db *db, const char *sql, const char *fmt,
                  const void *const *args, int64_t *changes)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db, sql, &s);
  if (rc != CENTRE_OK)
    return rc;
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] == 't')
      centre_db_bind_text(s, i + 1, (const char *)args[i]);
    else if (fmt[i] == 'i')
      centre_db_bind_int64(s, i + 1, *(const int64_t *)args[i]);
    else
      centre_db_bind_null(s, i + 1);
  }
  do
    rc = centre_db_step(s);
  while (rc == CENTRE_DB_ROW);
  centre_db_finalize(s);
  if (rc != CENTRE_DB_DONE)
    return rc;
  if (changes)
    *changes = centre_db_changes(db);
  return CENTRE_OK;
}

int centre_db_begin(struct centre_db *db, int write)
{
  return db->ops->begin(db, write);
}

int centre_db_commit(struct centre_db *db)
{
  return centre_db_exec(db, "COMMIT", "commit");
}

void centre_db_rollback(struct centre_db *db)
{
  /* Also after a failed COMMIT or with no transaction open: the back end's complaint
   * ("no transaction is active") is not worth a log line, so the back end stays quiet. */
  db->ops->rollback(db);
}

int centre_db_lock(struct centre_db *db, const char *name)
{
  return db->ops->lock(db, name);
}

const char *centre_db_for_update(const struct centre_db *db)
{
  return db->ops->backend == CENTRE_DB_POSTGRES ? " FOR UPDATE" : "";
}

int centre_db_has_column(struct centre_db *db, const char *table, const char *col, int *have)
{
  return db->ops->has_column(db, table, col, have);
}

struct sqlite3 *centre_db_sqlite(struct centre_db *db)
{
  return db && db->ops->sqlite ? db->ops->sqlite(db) : NULL;
}

int centre_db_fail(struct centre_db *db, const char *what, int rc)
{
  centre_log(CENTRE_LOG_ERROR, "%s %s: failed: %s", centre_db_backend_name(db->ops->backend),
             what, rc < 0 ? centre_strerror(rc) : "unexpected answer");
  return CENTRE_E_DB;
}

int centre_db_schema(struct centre_db *db, const char *const *stmts, size_t n, const char *what)
{
  return centre_db_exec_all(db, stmts, (unsigned)n, what);
}
