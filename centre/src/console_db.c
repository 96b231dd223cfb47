/*
 * Every SQL statement of the web console (console.h), in one file, through the centre's
 * database interface (db.h): portable SQL (standard types, no upserts, no date or string
 * functions: months are formatted here, in C), so it runs on SQLite and PostgreSQL alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "db.h"

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS console_accounts ("
    " login VARCHAR(32) PRIMARY KEY,"
    " roles INTEGER NOT NULL,"
    " disabled SMALLINT NOT NULL,"
    " pw_hash VARCHAR(160) NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " changed_at BIGINT NOT NULL)",
    /* id_hash: SHA-256 of the cookie's id; a copy of the table opens no session. */
    "CREATE TABLE IF NOT EXISTS console_sessions ("
    " id_hash VARCHAR(64) PRIMARY KEY,"
    " login VARCHAR(32) NOT NULL,"
    " csrf VARCHAR(64) NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " last_seen BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS console_audit ("
    " at BIGINT NOT NULL,"
    " login VARCHAR(32) NOT NULL,"
    " addr VARCHAR(64) NOT NULL,"
    " action VARCHAR(32) NOT NULL,"
    " object VARCHAR(80) NOT NULL,"
    " result VARCHAR(32) NOT NULL)",
};

int console_db_schema(struct centre_db *db)
{
  return centre_db_schema(db, schema, sizeof schema / sizeof schema[0], "console schema");
}

static int exec(struct centre_db *db, const char *sql, const char *fmt, const void *const *args,
                int *changes)
{
  int64_t n = 0;
  int rc = centre_db_run(db, sql, fmt, args, &n);
  if (changes)
    *changes = (int)n;
  return rc;
}

/* Run a query of ncols columns into a table of text cells (at most max_rows rows). */
static int query(struct centre_db *db, const char *sql, size_t ncols, const char *fmt,
                 const void *const *args, size_t max_rows, struct console_rows **out)
{
  struct centre_db_stmt *s;
  struct console_rows *t;
  size_t cap = 0;
  int rc = centre_db_prepare(db, sql, &s), st = CENTRE_DB_DONE;
  *out = NULL;
  if (rc != CENTRE_OK)
    return rc;
  t = calloc(1, sizeof *t);
  if (!t) {
    centre_db_finalize(s);
    return CENTRE_E_NO_MEMORY;
  }
  t->cols = ncols;
  for (int i = 0; fmt && fmt[i]; i++) {
    if (fmt[i] == 't')
      centre_db_bind_text(s, i + 1, args[i]);
    else
      centre_db_bind_int64(s, i + 1, *(const int64_t *)args[i]);
  }
  while (t->rows < max_rows && (st = centre_db_step(s)) == CENTRE_DB_ROW) {
    if ((t->rows + 1) * t->cols > cap) {
      size_t ncap = cap ? cap * 2 : 64 * t->cols;
      char **n = realloc(t->cell, ncap * sizeof *n);
      if (!n) {
        rc = CENTRE_E_NO_MEMORY;
        break;
      }
      t->cell = n;
      cap = ncap;
    }
    for (size_t c = 0; c < t->cols; c++) {
      const char *v = centre_db_column_text(s, (int)c);
      char *copy = strdup(v ? v : "");
      t->cell[t->rows * t->cols + c] = copy;
      if (!copy) {
        for (size_t k = 0; k < c; k++)
          free(t->cell[t->rows * t->cols + k]);
        rc = CENTRE_E_NO_MEMORY;
        break;
      }
    }
    if (rc != CENTRE_OK)
      break;
    t->rows++;
  }
  if (rc == CENTRE_OK && st != CENTRE_DB_ROW && st != CENTRE_DB_DONE)
    rc = st;
  centre_db_finalize(s);
  if (rc != CENTRE_OK) {
    console_rows_free(t);
    return rc;
  }
  *out = t;
  return CENTRE_OK;
}

/* A column of yyyymm numbers as "yyyy-mm" (the pages' and links' form). */
static int months(struct console_rows *t, size_t col)
{
  for (size_t r = 0; t && r < t->rows; r++) {
    char buf[48], **cell = &t->cell[r * t->cols + col], *copy;
    long m = strtol(*cell, NULL, 10);
    snprintf(buf, sizeof buf, "%04ld-%02ld", m / 100, m % 100);
    copy = strdup(buf);
    if (!copy)
      return CENTRE_E_NO_MEMORY;
    free(*cell);
    *cell = copy;
  }
  return CENTRE_OK;
}

const char *console_cell(const struct console_rows *t, size_t r, size_t c)
{
  if (!t || r >= t->rows || c >= t->cols)
    return "";
  return t->cell[r * t->cols + c];
}

void console_rows_free(struct console_rows *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->rows * t->cols; i++)
    free(t->cell[i]);
  free(t->cell);
  free(t);
}

/* ------------------------------------------------------------- accounts -- */

int console_db_account_add(struct centre_db *db, const char *login, unsigned roles, const char *hash,
                           int64_t now)
{
  struct console_account a;
  int64_t r = roles;
  const void *args[] = {login, &r, hash, &now, &now};
  if (console_db_account_get(db, login, &a) == CENTRE_OK)
    return CENTRE_E_EXISTS;
  return exec(db,
              "INSERT INTO console_accounts (login, roles, disabled, pw_hash, created_at,"
              " changed_at) VALUES (?, ?, 0, ?, ?, ?)",
              "titii", args, NULL);
}

int console_db_account_get(struct centre_db *db, const char *login, struct console_account *out)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db,
                             "SELECT roles, disabled, pw_hash, created_at, changed_at FROM"
                             " console_accounts WHERE login = ?",
                             &s);
  memset(out, 0, sizeof *out);
  if (rc != CENTRE_OK)
    return rc;
  centre_db_bind_text(s, 1, login);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    const char *h = centre_db_column_text(s, 2);
    snprintf(out->login, sizeof out->login, "%s", login);
    out->roles = (unsigned)centre_db_column_int64(s, 0);
    out->disabled = centre_db_column_int64(s, 1) != 0;
    snprintf(out->hash, sizeof out->hash, "%s", h ? h : "");
    out->created = centre_db_column_int64(s, 3);
    out->changed = centre_db_column_int64(s, 4);
    rc = CENTRE_OK;
  } else if (rc == CENTRE_DB_DONE) {
    rc = CENTRE_E_NOT_FOUND;
  }
  centre_db_finalize(s);
  return rc;
}

int console_db_account_set_hash(struct centre_db *db, const char *login, const char *hash, int64_t now)
{
  const void *args[] = {hash, &now, login};
  int changes = 0;
  int rc = exec(db, "UPDATE console_accounts SET pw_hash = ?, changed_at = ? WHERE login = ?",
                "tit", args, &changes);
  if (rc == CENTRE_OK && changes == 0)
    return CENTRE_E_NOT_FOUND;
  if (rc == CENTRE_OK) { /* a new password ends the sessions opened with the old one */
    const void *a2[] = {login};
    rc = exec(db, "DELETE FROM console_sessions WHERE login = ?", "t", a2, NULL);
  }
  return rc;
}

int console_db_account_set_disabled(struct centre_db *db, const char *login, int disabled, int64_t now)
{
  int64_t d = disabled ? 1 : 0;
  const void *args[] = {&d, &now, login};
  int changes = 0;
  int rc = exec(db, "UPDATE console_accounts SET disabled = ?, changed_at = ? WHERE login = ?",
                "iit", args, &changes);
  if (rc == CENTRE_OK && changes == 0)
    return CENTRE_E_NOT_FOUND;
  if (rc == CENTRE_OK && disabled) {
    const void *a2[] = {login};
    rc = exec(db, "DELETE FROM console_sessions WHERE login = ?", "t", a2, NULL);
  }
  return rc;
}

int console_db_accounts(struct centre_db *db, struct console_rows **out)
{
  int rc = query(db,
                 "SELECT login, roles, CASE WHEN disabled = 0 THEN 'active' ELSE 'disabled' END,"
                 " created_at, changed_at FROM console_accounts ORDER BY login",
                 5, NULL, NULL, 10000, out);
  /* roles as names: the bits are the store's business, not the reader's */
  for (size_t r = 0; rc == CENTRE_OK && r < (*out)->rows; r++) {
    char names[64] = "", *cell = (*out)->cell[r * (*out)->cols + 1];
    unsigned bits = (unsigned)strtoul(cell, NULL, 10);
    for (unsigned b = 1; b <= CONSOLE_ROLE_ADMIN; b <<= 1)
      if (bits & b) {
        size_t n = strlen(names);
        snprintf(names + n, sizeof names - n, "%s%s", n ? "|" : "", console_role_name(b));
      }
    char *copy = strdup(names);
    if (!copy) {
      console_rows_free(*out);
      *out = NULL;
      return CENTRE_E_NO_MEMORY;
    }
    free(cell);
    (*out)->cell[r * (*out)->cols + 1] = copy;
  }
  return rc;
}

/* ------------------------------------------------------------- sessions -- */

int console_db_session_add(struct centre_db *db, const char *id_hash, const char *login, const char *csrf,
                           int64_t now)
{
  const void *args[] = {id_hash, login, csrf, &now, &now};
  return exec(db,
              "INSERT INTO console_sessions (id_hash, login, csrf, created_at, last_seen)"
              " VALUES (?, ?, ?, ?, ?)",
              "tttii", args, NULL);
}

int console_db_session_get(struct centre_db *db, const char *id_hash, int64_t now, int64_t idle_s,
                           int64_t max_s, struct console_session *out)
{
  struct centre_db_stmt *s;
  int rc, expired = 0;
  memset(out, 0, sizeof *out);
  rc = centre_db_prepare(db,
                         "SELECT s.login, a.roles, a.disabled, s.csrf, s.created_at, s.last_seen"
                         " FROM console_sessions s JOIN console_accounts a ON a.login = s.login"
                         " WHERE s.id_hash = ?",
                         &s);
  if (rc != CENTRE_OK)
    return rc;
  centre_db_bind_text(s, 1, id_hash);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    const char *l = centre_db_column_text(s, 0);
    snprintf(out->login, sizeof out->login, "%s", l ? l : "");
    out->roles = (unsigned)centre_db_column_int64(s, 1);
    expired = centre_db_column_int64(s, 2) != 0;
    l = centre_db_column_text(s, 3);
    snprintf(out->csrf, sizeof out->csrf, "%s", l ? l : "");
    out->created = centre_db_column_int64(s, 4);
    out->last_seen = centre_db_column_int64(s, 5);
    expired = expired || now - out->last_seen > idle_s || now - out->created > max_s ||
              now < out->created;
    rc = CENTRE_OK;
  } else if (rc == CENTRE_DB_DONE) {
    rc = CENTRE_E_NOT_FOUND;
  }
  centre_db_finalize(s);
  if (rc != CENTRE_OK)
    return rc;
  if (expired) {
    console_db_session_end(db, id_hash);
    memset(out, 0, sizeof *out);
    return CENTRE_E_NOT_FOUND;
  }
  {
    const void *args[] = {&now, id_hash};
    out->last_seen = now;
    return exec(db, "UPDATE console_sessions SET last_seen = ? WHERE id_hash = ?", "it", args,
                NULL);
  }
}

int console_db_session_end(struct centre_db *db, const char *id_hash)
{
  const void *args[] = {id_hash};
  return exec(db, "DELETE FROM console_sessions WHERE id_hash = ?", "t", args, NULL);
}

/* ---------------------------------------------------------------- audit -- */

/* The audit's text columns and their widths (the schema above). PostgreSQL refuses a
 * value longer than its column or not valid UTF-8, and the object of a refused POST is
 * whatever path the client sent: a row that does not fit must still be written, so each
 * field is cut to its column and anything but printable ASCII becomes '?'. */
enum { AUDIT_LOGIN = 32, AUDIT_ADDR = 64, AUDIT_ACTION = 32, AUDIT_OBJECT = 80, AUDIT_RESULT = 32 };

void console_db_audit_field(const char *in, size_t width, char *out)
{
  size_t n = 0;
  for (; in && in[n] && n < width; n++)
    out[n] = in[n] >= 0x20 && in[n] < 0x7f ? in[n] : '?';
  out[n] = '\0';
}

int console_db_audit(struct centre_db *db, int64_t now, const char *login, const char *addr,
                     const char *action, const char *object, int object_private,
                     const char *result)
{
  char l[AUDIT_LOGIN + 1], a[AUDIT_ADDR + 1], act[AUDIT_ACTION + 1], o[AUDIT_OBJECT + 1],
      r[AUDIT_RESULT + 1];
  const void *args[] = {&now, l, a, act, o, r};
  (void)object_private; /* the table is in the store, which holds card numbers anyway */
  console_db_audit_field(login ? login : "-", AUDIT_LOGIN, l);
  console_db_audit_field(addr ? addr : "-", AUDIT_ADDR, a);
  console_db_audit_field(action, AUDIT_ACTION, act);
  console_db_audit_field(object, AUDIT_OBJECT, o);
  console_db_audit_field(result, AUDIT_RESULT, r);
  return exec(db,
              "INSERT INTO console_audit (at, login, addr, action, object, result)"
              " VALUES (?, ?, ?, ?, ?, ?)",
              "itttt" "t", args, NULL);
}

/* ---------------------------------------------------------------- pages -- */

/* Every table the pages read, in one list run by page(): the SQL, its columns, the
 * column of yyyymm numbers shown as "yyyy-mm" (-1: none) and the most rows taken when
 * the caller sets no limit. */
enum page_query { Q_AUDIT, Q_WAIVED, Q_BILLS, Q_USAGE, Q_CARD_CHANGES, Q_TERMINALS, Q_UPLOADS };
static const struct {
  const char *sql;
  size_t cols;
  int month_col;
  size_t max_rows;
} page_queries[] = {
    [Q_AUDIT] = {"SELECT at, login, addr, action, object, result FROM console_audit"
                 " ORDER BY at DESC LIMIT ?",
                 6, -1, 0},
    /* what the statement counts as waived (bills.c): not voided, not a flagged duplicate */
    [Q_WAIVED] = {"SELECT site_id, month,"
                  " COUNT(*), SUM(CASE WHEN void_seq > 0 THEN 1 ELSE 0 END),"
                  " SUM(CASE WHEN dup_seq > 0 THEN 1 ELSE 0 END),"
                  " SUM(CASE WHEN void_seq = 0 AND dup_seq = 0 THEN amount_fen ELSE 0 END)"
                  " FROM waivers GROUP BY site_id, month ORDER BY month DESC, site_id",
                  6, 1, 5000},
    [Q_BILLS] = {"SELECT time, terminal_id, seq, visit, bill_ref, amount_fen, staff_id,"
                 " CASE WHEN void_seq > 0 THEN void_terminal || '#' || void_seq ELSE '' END,"
                 " CASE WHEN dup_seq > 0 THEN dup_terminal || '#' || dup_seq ELSE '' END"
                 " FROM waivers WHERE site_id = ? AND month = ? ORDER BY time, terminal_id, seq",
                 9, -1, 0},
    /* a bus event without a route (older terminals) counts under its vehicle */
    [Q_USAGE] = {"SELECT site_id, CASE WHEN mode = 'bus' THEN COALESCE(NULLIF(route, ''),"
                 " vehicle) ELSE '' END, month, mode,"
                 " SUM(CASE WHEN verdict = 'GRANT' THEN 1 ELSE 0 END),"
                 " SUM(CASE WHEN verdict = 'DENY' THEN 1 ELSE 0 END)"
                 " FROM events WHERE kind IN ('decision', 'override') AND mode IN ('gate', 'bus')"
                 " GROUP BY 1, 2, 3, 4 ORDER BY 3 DESC, 4, 1, 2",
                 6, 2, 5000},
    [Q_CARD_CHANGES] = {"SELECT version, card_no, generation, kind, op, COALESCE(reason, ''),"
                        " changed_at FROM card_changes WHERE op IN (0, 1)"
                        " ORDER BY version DESC LIMIT ?",
                        7, -1, 0},
    [Q_TERMINALS] = {"SELECT terminal_id, site_id, state, COALESCE(last_sync, 0),"
                     " COALESCE(queue_depth, -1), COALESCE(sw_version, ''),"
                     " COALESCE(reader_state, ''), COALESCE(reported_at, 0),"
                     " COALESCE(reported_last_sync, 0), revlist_version, clock_offset_s"
                     " FROM terminals ORDER BY terminal_id",
                     11, -1, 100000},
    [Q_UPLOADS] = {"SELECT terminal_id, received_at / 86400, COUNT(*) FROM events"
                   " WHERE received_at >= ? GROUP BY 1, 2 ORDER BY 1, 2",
                   3, -1, 1000000},
};

static int page(struct centre_db *db, enum page_query q, const char *fmt,
                const void *const *args, size_t limit, struct console_rows **out)
{
  int rc = query(db, page_queries[q].sql, page_queries[q].cols, fmt, args,
                 limit ? limit : page_queries[q].max_rows, out);
  if (rc == CENTRE_OK && page_queries[q].month_col >= 0)
    rc = months(*out, (size_t)page_queries[q].month_col);
  if (rc != CENTRE_OK) {
    console_rows_free(*out);
    *out = NULL;
  }
  return rc;
}

int console_db_audit_recent(struct centre_db *db, unsigned limit, struct console_rows **out)
{
  int64_t l = limit;
  const void *args[] = {&l};
  return page(db, Q_AUDIT, "i", args, limit, out);
}

int console_db_waived(struct centre_db *db, struct console_rows **out)
{
  return page(db, Q_WAIVED, NULL, NULL, 0, out);
}

int console_db_bills(struct centre_db *db, const char *site, int month, unsigned limit,
                     struct console_rows **out)
{
  int64_t m = month;
  const void *args[] = {site, &m};
  return page(db, Q_BILLS, "ti", args, limit, out);
}

int console_db_usage(struct centre_db *db, struct console_rows **out)
{
  return page(db, Q_USAGE, NULL, NULL, 0, out);
}

int console_db_card_changes(struct centre_db *db, unsigned limit, struct console_rows **out)
{
  int64_t l = limit;
  const void *args[] = {&l};
  return page(db, Q_CARD_CHANGES, "i", args, limit, out);
}

int console_db_terminals(struct centre_db *db, struct console_rows **out)
{
  return page(db, Q_TERMINALS, NULL, NULL, 0, out);
}

int console_db_uploads_by_day(struct centre_db *db, int64_t from_day, struct console_rows **out)
{
  int64_t from = from_day * 86400;
  const void *args[] = {&from};
  return page(db, Q_UPLOADS, "i", args, 0, out);
}

/* One row of n integers (0 when there is no row). */
static int ints(struct centre_db *db, const char *sql, int n, int64_t *const *out)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db, sql, &s);
  for (int i = 0; i < n; i++)
    *out[i] = 0;
  if (rc != CENTRE_OK)
    return rc;
  rc = centre_db_step(s);
  for (int i = 0; rc == CENTRE_DB_ROW && i < n; i++)
    *out[i] = centre_db_column_int64(s, i);
  rc = rc == CENTRE_DB_ROW || rc == CENTRE_DB_DONE ? CENTRE_OK : rc;
  centre_db_finalize(s);
  return rc;
}

int console_db_card_counts(struct centre_db *db, int64_t *issued, int64_t *reissued,
                           int64_t *revoked)
{
  int64_t *const out[] = {issued, reissued, revoked};
  return ints(db,
              "SELECT (SELECT COUNT(*) FROM cards WHERE generation = 0),"
              " (SELECT COUNT(*) FROM cards WHERE generation > 0),"
              " (SELECT COUNT(*) FROM revoked_cards)",
              3, out);
}

int console_db_revlist_state(struct centre_db *db, int64_t *version, int64_t *changed_at)
{
  int64_t *const out[] = {version, changed_at};
  return ints(db,
              "SELECT COALESCE(MAX(version), 0) + 1, COALESCE(MAX(changed_at), 0)"
              " FROM card_changes",
              2, out);
}
