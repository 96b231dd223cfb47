/*
 * The centre's database interface: one small API over SQLite (db_sqlite.c, the embedded
 * default) and PostgreSQL through libpq (db_pg.c), so that the store's SQL is written
 * once. Used by the store and the tables beside it (store.c, bills.c, roster.c,
 * tariff.c, store_schema.c); nothing else in the centre talks to a database library.
 *
 * SQL is written with `?` placeholders (or `?N` to use parameter N again); the libpq
 * back end rewrites them to `$N`. Text parameters are copied when bound; integers are
 * 64-bit. Keep the SQL portable: standard types (BIGINT, INTEGER, SMALLINT, VARCHAR,
 * TEXT), no upserts, no date functions; where the dialects differ the store asks this
 * interface (centre_db_for_update, centre_db_lock, centre_db_has_column).
 *
 * Ownership and threads: a connection (struct centre_db) belongs to one thread at a time
 * (the server opens one per event loop); its statements die with it. A statement's
 * column text is valid until its next step, reset or finalize.
 */
#ifndef CENTRE_DB_H
#define CENTRE_DB_H

#include <stddef.h>
#include <stdint.h>

enum centre_db_backend { CENTRE_DB_SQLITE = 0, CENTRE_DB_POSTGRES = 1 };

/* centre_db_step's answers besides the errors (enum centre_err, all negative). */
enum { CENTRE_DB_ROW = 1, CENTRE_DB_DONE = 2 };

#define CENTRE_DB_PARAMS_MAX 32 /* parameters per statement */

struct centre_db;
struct centre_db_stmt;

/*
 * Open a connection. SQLite: target is the file (created if missing; WAL, busy
 * timeout 10 s, synchronous FULL or NORMAL by sync_full). PostgreSQL: target is a libpq
 * connection string; sync_full 0 turns synchronous_commit off for this connection.
 * Errors: INVALID_ARG, NO_MEMORY, DB (logged, without the connection string's password).
 */
int centre_db_open(enum centre_db_backend backend, const char *target, int sync_full,
                   struct centre_db **out);
void centre_db_close(struct centre_db *db);
enum centre_db_backend centre_db_backend_of(const struct centre_db *db);
/* "sqlite" or "postgresql" (for messages). */
const char *centre_db_backend_name(enum centre_db_backend b);

/* One statement without parameters or rows (schema, pragmas). OK or DB (logged as what). */
int centre_db_exec(struct centre_db *db, const char *sql, const char *what);
/* Several in order, stopping at the first failure. */
int centre_db_exec_all(struct centre_db *db, const char *const *sql, unsigned n, const char *what);

int centre_db_prepare(struct centre_db *db, const char *sql, struct centre_db_stmt **out);
/* Bind parameter i (1-based). Out of range or NULL text binds NULL. */
void centre_db_bind_text(struct centre_db_stmt *s, int i, const char *v);
void centre_db_bind_int64(struct centre_db_stmt *s, int i, int64_t v);
void centre_db_bind_null(struct centre_db_stmt *s, int i);
/* CENTRE_DB_ROW (a row to read), CENTRE_DB_DONE, CENTRE_E_EXISTS (a constraint refused
 * the row) or CENTRE_E_DB (logged). */
int centre_db_step(struct centre_db_stmt *s);
/* The current row's columns (0-based). NULL reads as 0 and as NULL text. */
int64_t centre_db_column_int64(struct centre_db_stmt *s, int col);
const char *centre_db_column_text(struct centre_db_stmt *s, int col);
int centre_db_column_is_null(struct centre_db_stmt *s, int col);
/* Ready to step again; the bindings stay. */
void centre_db_reset(struct centre_db_stmt *s);
void centre_db_finalize(struct centre_db_stmt *s);
/* Rows changed by the connection's last INSERT, UPDATE or DELETE. */
int64_t centre_db_changes(struct centre_db *db);

/* Prepare, bind by a format ('t' text, 'i' int64, 'n' NULL), step to the end. OK, EXISTS
 * (a constraint), DB. *changes (may be NULL): the rows changed. */
int centre_db_run(struct centre_db *db, const char *sql, const char *fmt,
                  const void *const *args, int64_t *changes);

/* A transaction. write 1: SQLite takes the write lock at once (BEGIN IMMEDIATE), so that
 * a read-then-write never fails halfway; PostgreSQL's BEGIN (rows are locked where read,
 * centre_db_for_update). */
int centre_db_begin(struct centre_db *db, int write);
int centre_db_commit(struct centre_db *db);
/* Never fails visibly; safe when no transaction is open. */
void centre_db_rollback(struct centre_db *db);
/* Inside a write transaction: serialise every process that takes the same name until
 * the transaction ends (for "the next version number" and the schema). PostgreSQL: a
 * transaction-level advisory lock; SQLite: nothing more (BEGIN IMMEDIATE holds the file). */
int centre_db_lock(struct centre_db *db, const char *name);
/* " FOR UPDATE" on PostgreSQL, "" on SQLite (which locks the whole file instead). */
const char *centre_db_for_update(const struct centre_db *db);
/* Does table have column col? (for migrations of stores made before the column). */
int centre_db_has_column(struct centre_db *db, const char *table, const char *col, int *have);

/* One failure line for the tables beside the store ("postgresql WHAT: failed: TEXT"; the
 * back end has logged the database's own message already); returns CENTRE_E_DB. */
int centre_db_fail(struct centre_db *db, const char *what, int rc);
/* centre_db_exec_all for a table's schema (CREATE ... IF NOT EXISTS statements). */
int centre_db_schema(struct centre_db *db, const char *const *stmts, size_t n, const char *what);

/* The SQLite handle for code that still speaks SQLite directly; NULL on PostgreSQL (such
 * code must refuse there, naming itself: "not yet on PostgreSQL: ..."). */
struct sqlite3 *centre_db_sqlite(struct centre_db *db);

/* ---------------------------------------------------------- back ends -- */
/* What db.c dispatches to (db_sqlite.c, db_pg.c); not for callers. */
struct centre_db_ops {
  enum centre_db_backend backend;
  int (*open)(const char *target, int sync_full, struct centre_db **out);
  void (*close)(struct centre_db *db);
  int (*exec)(struct centre_db *db, const char *sql, const char *what);
  int (*prepare)(struct centre_db *db, const char *sql, struct centre_db_stmt **out);
  void (*bind_text)(struct centre_db_stmt *s, int i, const char *v);
  void (*bind_int64)(struct centre_db_stmt *s, int i, int64_t v);
  void (*bind_null)(struct centre_db_stmt *s, int i);
  int (*step)(struct centre_db_stmt *s);
  int64_t (*column_int64)(struct centre_db_stmt *s, int col);
  const char *(*column_text)(struct centre_db_stmt *s, int col);
  int (*column_is_null)(struct centre_db_stmt *s, int col);
  void (*reset)(struct centre_db_stmt *s);
  void (*finalize)(struct centre_db_stmt *s);
  int64_t (*changes)(struct centre_db *db);
  int (*begin)(struct centre_db *db, int write);
  void (*rollback)(struct centre_db *db); /* quiet */
  int (*lock)(struct centre_db *db, const char *name);
  int (*has_column)(struct centre_db *db, const char *table, const char *col, int *have);
  struct sqlite3 *(*sqlite)(struct centre_db *db);
};
/* Every back end's connection and statement start with these. */
struct centre_db {
  const struct centre_db_ops *ops;
};
struct centre_db_stmt {
  struct centre_db *db;
};
extern const struct centre_db_ops centre_db_sqlite_ops;
extern const struct centre_db_ops centre_db_pg_ops;

#endif
