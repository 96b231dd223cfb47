/*
 * PostgreSQL back end of the database interface (db.h), through libpq.
 *
 * Statements are kept as text with `?`/`?N` rewritten to `$N` once, at prepare, and run
 * as the connection's server-side prepared statement for that text (prepared on first use,
 * so the upload's few statements are planned once per connection), else PQexecParams (text parameters: integers as decimal typed int8, text and NULL typed
 * text, so that `? IS NULL OR col = ?` has a type to work with; text converts to the
 * VARCHAR columns it meets). The whole
 * result is fetched by the first step; the following steps walk its rows.
 *
 * A connection that broke (the server restarted, a failover) is reset before the next
 * statement, so that one lost connection costs one failed request (the terminal retries)
 * rather than every request after it.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"

#define INT8_OID 20
#define TEXT_OID 25

#define CACHE_MAX 96 /* the store's SQL texts are a bounded set of constants */

struct pg_db {
  struct centre_db base;
  PGconn *conn;
  int sync_full;
  int64_t changes;
  /* Server-side prepared statements by SQL text: parsed and planned once per connection
   * (the upload runs the same few statements thousands of times). */
  char *cache_sql[CACHE_MAX];
  unsigned ncache;
};

struct pg_stmt {
  struct centre_db_stmt base;
  char *sql;                              /* with $N */
  int nparams;
  char *val[CENTRE_DB_PARAMS_MAX];        /* owned copies; NULL = SQL NULL */
  unsigned int type[CENTRE_DB_PARAMS_MAX];
  PGresult *res;
  int row, rows;
};

static PGconn *conn_of(struct centre_db *db)
{
  return ((struct pg_db *)db)->conn;
}

/* The first line of libpq's message: the rest is context and hints that may quote a value. */
static void log_fail(const char *what, const char *msg, const char *state)
{
  size_t n = strcspn(msg, "\n");
  centre_log(CENTRE_LOG_ERROR, "postgresql %s: %.*s%s%s%s", what, (int)(n > 300 ? 300 : n), msg,
             state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
}

static void quiet_notice(void *arg, const char *msg)
{
  (void)arg;
  (void)msg; /* "relation already exists, skipping" and the like */
}

/* Session settings, again after a reset. */
static int session_setup(struct pg_db *d)
{
  PGresult *r = PQexec(d->conn, d->sync_full ? "SET synchronous_commit = on"
                                             : "SET synchronous_commit = off");
  int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    log_fail("session settings", PQresultErrorMessage(r), PQresultErrorField(r, PG_DIAG_SQLSTATE));
  PQclear(r);
  return ok ? CENTRE_OK : CENTRE_E_DB;
}

static void cache_clear(struct pg_db *d)
{
  for (unsigned i = 0; i < d->ncache; i++)
    free(d->cache_sql[i]);
  d->ncache = 0;
}

static void pg_close(struct centre_db *db)
{
  PQfinish(conn_of(db));
  cache_clear((struct pg_db *)db);
  free(db);
}

static int pg_open(const char *dsn, int sync_full, struct centre_db **out)
{
  struct pg_db *d = calloc(1, sizeof *d);
  if (!d)
    return CENTRE_E_NO_MEMORY;
  d->base.ops = &centre_db_pg_ops;
  d->sync_full = sync_full;
  d->conn = PQconnectdb(dsn);
  if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
    log_fail("connect", d->conn ? PQerrorMessage(d->conn) : "out of memory", NULL);
    pg_close(&d->base);
    return CENTRE_E_DB;
  }
  PQsetNoticeProcessor(d->conn, quiet_notice, NULL);
  if (session_setup(d) != CENTRE_OK) {
    pg_close(&d->base);
    return CENTRE_E_DB;
  }
  *out = &d->base;
  return CENTRE_OK;
}

/* A broken connection is reset before the next statement. */
static void revive(struct pg_db *d)
{
  if (PQstatus(d->conn) == CONNECTION_OK)
    return;
  PQreset(d->conn);
  cache_clear(d); /* a new session has none of them */
  if (PQstatus(d->conn) == CONNECTION_OK) {
    PQsetNoticeProcessor(d->conn, quiet_notice, NULL);
    (void)session_setup(d);
    centre_log(CENTRE_LOG_WARN, "postgresql: connection reset");
  }
}

static int pg_exec(struct centre_db *db, const char *sql, const char *what)
{
  struct pg_db *d = (struct pg_db *)db;
  PGresult *r;
  int ok;
  revive(d);
  r = PQexec(d->conn, sql);
  ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok)
    log_fail(what, PQresultErrorMessage(r), PQresultErrorField(r, PG_DIAG_SQLSTATE));
  PQclear(r);
  return ok ? CENTRE_OK : CENTRE_E_DB;
}

/* `?` -> `$n` (numbered in order), `?N` -> `$N`; quoted literals and identifiers are
 * copied as they are. *nparams: the highest number used. */
static char *rewrite(const char *sql, int *nparams)
{
  size_t len = strlen(sql), o = 0;
  char *out = malloc(len * 3 + 1); /* "?" becomes at most "$32" */
  int next = 0, max = 0;
  char quote = 0;
  if (!out)
    return NULL;
  for (size_t i = 0; i < len; i++) {
    char c = sql[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      out[o++] = c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out[o++] = c;
    } else if (c == '?') {
      int n = 0;
      while (i + 1 < len && sql[i + 1] >= '0' && sql[i + 1] <= '9' && n < 1000)
        n = n * 10 + (sql[++i] - '0');
      if (n == 0)
        n = ++next;
      if (n > CENTRE_DB_PARAMS_MAX) {
        free(out);
        return NULL;
      }
      if (n > max)
        max = n;
      o += (size_t)sprintf(out + o, "$%d", n);
    } else {
      out[o++] = c;
    }
  }
  out[o] = '\0';
  *nparams = max;
  return out;
}

static int pg_prepare(struct centre_db *db, const char *sql, struct centre_db_stmt **out)
{
  struct pg_stmt *st = calloc(1, sizeof *st);
  if (!st)
    return CENTRE_E_NO_MEMORY;
  st->base.db = db;
  st->sql = rewrite(sql, &st->nparams);
  if (!st->sql) {
    free(st);
    log_fail("prepare", "more parameters than the interface allows", NULL);
    return CENTRE_E_DB;
  }
  *out = &st->base;
  return CENTRE_OK;
}

static void set_param(struct centre_db_stmt *s, int i, char *v, unsigned int type)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  if (i < 1 || i > CENTRE_DB_PARAMS_MAX) {
    free(v);
    return;
  }
  free(st->val[i - 1]);
  st->val[i - 1] = v;
  st->type[i - 1] = type;
}

static void pg_bind_text(struct centre_db_stmt *s, int i, const char *v)
{
  set_param(s, i, v ? strdup(v) : NULL, TEXT_OID);
}

static void pg_bind_int64(struct centre_db_stmt *s, int i, int64_t v)
{
  char buf[24];
  snprintf(buf, sizeof buf, "%" PRId64, v);
  set_param(s, i, strdup(buf), INT8_OID);
}

static void pg_bind_null(struct centre_db_stmt *s, int i)
{
  set_param(s, i, NULL, TEXT_OID);
}

/* Run through the connection's prepared statement for this SQL, preparing it the first
 * time; a statement that does not prepare (a syntax error, an aborted transaction) runs
 * unprepared, so its error comes from the server as usual. */
static PGresult *run_cached(struct pg_db *d, struct pg_stmt *st)
{
  const char *const *vals = (const char *const *)st->val;
  char name[16];
  unsigned i;
  for (i = 0; i < d->ncache; i++)
    if (strcmp(d->cache_sql[i], st->sql) == 0)
      break;
  if (i == d->ncache && d->ncache < CACHE_MAX) {
    char *copy = strdup(st->sql);
    PGresult *r;
    snprintf(name, sizeof name, "yh%u", i);
    r = copy ? PQprepare(d->conn, name, st->sql, st->nparams, st->type) : NULL;
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK)
      d->cache_sql[d->ncache++] = copy;
    else
      free(copy);
    PQclear(r);
  }
  if (i < d->ncache) {
    snprintf(name, sizeof name, "yh%u", i);
    return PQexecPrepared(d->conn, name, st->nparams, vals, NULL, NULL, 0);
  }
  return PQexecParams(d->conn, st->sql, st->nparams, st->type, vals, NULL, NULL, 0);
}

static int pg_step(struct centre_db_stmt *s)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  struct pg_db *d = (struct pg_db *)s->db;
  if (!st->res) {
    ExecStatusType es;
    revive(d);
    st->res = run_cached(d, st);
    es = PQresultStatus(st->res);
    if (es == PGRES_COMMAND_OK) {
      const char *n = PQcmdTuples(st->res);
      d->changes = n && *n ? strtoll(n, NULL, 10) : 0;
      st->rows = 0;
    } else if (es == PGRES_TUPLES_OK) {
      st->rows = PQntuples(st->res);
    } else {
      const char *state = PQresultErrorField(st->res, PG_DIAG_SQLSTATE);
      int constraint = state && strncmp(state, "23", 2) == 0;
      if (!constraint)
        log_fail(st->sql, PQresultErrorMessage(st->res), state);
      PQclear(st->res);
      st->res = NULL;
      return constraint ? CENTRE_E_EXISTS : CENTRE_E_DB;
    }
    st->row = -1;
  }
  if (++st->row < st->rows)
    return CENTRE_DB_ROW;
  st->row = st->rows;
  return CENTRE_DB_DONE;
}

static int in_row(struct pg_stmt *st, int col)
{
  return st->res && st->row >= 0 && st->row < st->rows && col >= 0 && col < PQnfields(st->res);
}

static const char *pg_column_text(struct centre_db_stmt *s, int col)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  if (!in_row(st, col) || PQgetisnull(st->res, st->row, col))
    return NULL;
  return PQgetvalue(st->res, st->row, col);
}

static int64_t pg_column_int64(struct centre_db_stmt *s, int col)
{
  const char *v = pg_column_text(s, col);
  /* SUM() of integers comes back as numeric: its text is still the integer's. */
  return v ? (int64_t)strtoll(v, NULL, 10) : 0;
}

static int pg_column_is_null(struct centre_db_stmt *s, int col)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  return !in_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static void pg_reset(struct centre_db_stmt *s)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  PQclear(st->res);
  st->res = NULL;
  st->row = st->rows = 0;
}

static void pg_finalize(struct centre_db_stmt *s)
{
  struct pg_stmt *st = (struct pg_stmt *)s;
  pg_reset(s);
  for (int i = 0; i < CENTRE_DB_PARAMS_MAX; i++)
    free(st->val[i]);
  free(st->sql);
  free(st);
}

static int64_t pg_changes(struct centre_db *db)
{
  return ((struct pg_db *)db)->changes;
}

static int pg_begin(struct centre_db *db, int write)
{
  /* A read transaction sees one snapshot, as SQLite's does (a version and its entries
   * read by two statements agree). */
  return pg_exec(db, write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ", "begin");
}

static void pg_rollback(struct centre_db *db)
{
  PQclear(PQexec(conn_of(db), "ROLLBACK"));
}

static int run_params(struct centre_db *db, const char *sql, int n, const char *const *vals,
                      const char *what, int *rows)
{
  PGresult *r = PQexecParams(conn_of(db), sql, n, NULL, vals, NULL, NULL, 0);
  int ok = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    log_fail(what, PQresultErrorMessage(r), PQresultErrorField(r, PG_DIAG_SQLSTATE));
  else if (rows)
    *rows = PQntuples(r);
  PQclear(r);
  return ok ? CENTRE_OK : CENTRE_E_DB;
}

static int pg_lock(struct centre_db *db, const char *name)
{
  const char *v[] = {name};
  return run_params(db, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, v, "lock", NULL);
}

static int pg_has_column(struct centre_db *db, const char *table, const char *col, int *have)
{
  const char *v[] = {table, col};
  int rows = 0, rc = run_params(db,
                                "SELECT 1 FROM information_schema.columns WHERE table_schema ="
                                " current_schema() AND table_name = $1 AND column_name = $2",
                                2, v, "column probe", &rows);
  *have = rows > 0;
  return rc;
}

const struct centre_db_ops centre_db_pg_ops = {
    .backend = CENTRE_DB_POSTGRES,
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_is_null = pg_column_is_null,
    .reset = pg_reset,
    .finalize = pg_finalize,
    .changes = pg_changes,
    .begin = pg_begin,
    .rollback = pg_rollback,
    .lock = pg_lock,
    .has_column = pg_has_column,
    .sqlite = NULL,
};
