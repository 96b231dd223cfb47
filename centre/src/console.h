/*
 * The centre's web console (docs/console.md): an HTTPS listener of its own, apart from
 * the terminals' mutual-TLS port, for the people who use the centre's data (finance,
 * the blood station, operations) and the admin who keeps their accounts.
 *
 * Files: console.c (listener, thread, routing, cookies, security headers), console_auth.c
 * (password hashes, session and CSRF tokens, sign-in throttling), console_pages.c (the
 * server-rendered pages and SVG charts), console_db.c (every SQL statement of the
 * console, through the store's database interface db.h: SQLite or PostgreSQL). centre-admin's `account` commands (bin/admin_account.c) use console_db.c.
 *
 * Threads: one thread with its own event loop and its own store connection; nothing
 * here is shared with the terminals' workers but the SQLite file.
 * Ownership: *_create / *_destroy pairs; destroy accepts NULL. Errors: enum centre_err.
 * Personal data: the centre holds none; account names are staff logins, never ID numbers,
 * and no log line or audit row carries a password, a session id or a card holder's data.
 */
#ifndef CENTRE_CONSOLE_H
#define CENTRE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "centre_int.h"

/* ------------------------------------------------------------- listener -- */
struct centre_console;
/* NULL *out and OK when conf has no [console] listen (the console is off). Errors:
 * CONFIG (a line names the key), NET, CRYPTO, DB. */
int centre_console_create(const struct centre_conf *conf, struct centre_console **out);
/* Start its thread (stop signals blocked there: the main thread takes them). */
int centre_console_start(struct centre_console *con);
/* Stop the thread and free everything. NULL is fine. */
void centre_console_destroy(struct centre_console *con);
/* The bound port (tests, the demo). */
unsigned centre_console_port(const struct centre_console *con);

/* ----------------------------------------------------------------- roles -- */
#define CONSOLE_ROLE_MAP(X)                                                              \
  X(FINANCE, "finance", 1u)                                                              \
  X(STATION, "station", 2u)                                                              \
  X(OPERATIONS, "operations", 4u)                                                        \
  X(ADMIN, "admin", 8u)
enum console_role {
#define CONSOLE_X_ROLE(id, name, bit) CONSOLE_ROLE_##id = (bit),
  CONSOLE_ROLE_MAP(CONSOLE_X_ROLE)
#undef CONSOLE_X_ROLE
};
/* The role's bit for its name, 0 for anything else. */
unsigned console_role_parse(const char *name);
/* The name of one role bit; "?" for anything else. */
const char *console_role_name(unsigned role);

/* ------------------------------------------------------------- accounts -- */
#define CONSOLE_LOGIN_MAX 32     /* a-z 0-9 . _ -, 3..32, never ID-shaped */
#define CONSOLE_PASSWORD_MIN 10
#define CONSOLE_PASSWORD_MAX 128
#define CONSOLE_HASH_MAX 160
/* A login as accepted: 3..32 of a-z 0-9 . _ - starting with a letter. */
int console_login_valid(const char *login);
/* A password as accepted: 10..128 bytes, no control character. */
int console_password_valid(const char *pw, size_t len);

/* scrypt (OpenSSL's EVP_PBE_scrypt, the KDF the staff PINs use) with a random salt:
 * "scrypt$<log2 N>$<r>$<p>$<salt hex>$<key hex>". log2n 0: the default (15). */
int console_password_hash(const char *pw, unsigned log2n, char out[CONSOLE_HASH_MAX + 1]);
/* OK when pw matches; VERIFY_FAILED when not; MALFORMED for a hash out of its bounds. */
int console_password_verify(const char *hash, const char *pw);

/* 32 random bytes as 64 lowercase hex (session ids, CSRF tokens). */
int console_token_new(char out[65]);
/* SHA-256 hex of a token: sessions are stored by this, never by the token itself. */
void console_token_hash(const char *token, char out[65]);
/* Constant-time equality of two NUL-terminated tokens. */
int console_token_equal(const char *a, const char *b);

/* Sign-in throttling (memory of the console's thread): an account or an address with
 * `failures` bad passwords within `window_s` waits until the window has passed. */
struct console_throttle;
int console_throttle_create(unsigned failures, unsigned window_s, struct console_throttle **out);
void console_throttle_destroy(struct console_throttle *t);
/* Seconds to wait before key may try again (0: now). */
int64_t console_throttle_wait(struct console_throttle *t, const char *key, int64_t now);
void console_throttle_fail(struct console_throttle *t, const char *key, int64_t now);
void console_throttle_clear(struct console_throttle *t, const char *key);

/* ------------------------------------------------------------------- db -- */
struct centre_db;
/* The console's tables (CREATE TABLE IF NOT EXISTS): the store's migration 3
 * (store_schema.c) runs it; nothing else does, so the tables are versioned with the rest. */
int console_db_schema(struct centre_db *db);

struct console_account {
  char login[CONSOLE_LOGIN_MAX + 1];
  unsigned roles;              /* bits of enum console_role */
  int disabled;
  char hash[CONSOLE_HASH_MAX + 1];
  int64_t created, changed;
};
/* EXISTS when the login is taken (disabled or not). */
int console_db_account_add(struct centre_db *db, const char *login, unsigned roles,
                           const char *hash, int64_t now);
/* NOT_FOUND. */
int console_db_account_get(struct centre_db *db, const char *login, struct console_account *out);
int console_db_account_set_hash(struct centre_db *db, const char *login, const char *hash,
                                int64_t now);
/* disabled 1: the account can no longer sign in and its sessions end; 0: enabled again. */
int console_db_account_set_disabled(struct centre_db *db, const char *login, int disabled,
                                    int64_t now);
/* One row per account: login, roles (a|b), state, created, changed (UTC). */
struct console_rows;
int console_db_accounts(struct centre_db *db, struct console_rows **out);

/* Sessions: stored by the hash of their id. */
struct console_session {
  char login[CONSOLE_LOGIN_MAX + 1];
  unsigned roles;
  char csrf[65];
  int64_t created, last_seen;
};
int console_db_session_add(struct centre_db *db, const char *id_hash, const char *login,
                           const char *csrf, int64_t now);
/* NOT_FOUND when there is none, it expired (idle_s, max_s: then it is deleted) or its
 * account is disabled; else *out and last_seen set to now. */
int console_db_session_get(struct centre_db *db, const char *id_hash, int64_t now, int64_t idle_s,
                           int64_t max_s, struct console_session *out);
int console_db_session_end(struct centre_db *db, const char *id_hash);

/* The audit trail: who (login, or "-"), from where, what, about what (an account, a
 * card number, a site): never a password or a token. object_private marks a card number
 * (the caller's log line leaves it out: the centre's log never holds one). */
int console_db_audit(struct centre_db *db, int64_t now, const char *login, const char *addr,
                     const char *action, const char *object, int object_private,
                     const char *result);
/* The audit's bounded copy of one text field: at most width bytes of in (NULL: ""),
 * every byte that is not printable ASCII as '?'; out holds width + 1. */
void console_db_audit_field(const char *in, size_t width, char *out);
int console_db_audit_recent(struct centre_db *db, unsigned limit, struct console_rows **out);

/* A small table of text cells for the pages: rows x cols, all strings owned by it. */
struct console_rows {
  size_t rows, cols;
  char **cell; /* cell[r * cols + c], never NULL ("" for SQL NULL) */
};
const char *console_cell(const struct console_rows *t, size_t r, size_t c);
void console_rows_free(struct console_rows *t);

/* The pages' questions; each returns a table (free with console_rows_free). */
/* Waived fees per hospital and month: site, month (YYYY-MM), waivers, voided,
 * duplicates, waived_fen (neither voided nor duplicate). Newest month first. */
int console_db_waived(struct centre_db *db, struct console_rows **out);
/* One hospital's waivers of a month (yyyymm): time, terminal, seq, visit, bill,
 * amount_fen, staff, void (T#S), duplicate_of (T#S). Oldest first, at most limit. */
int console_db_bills(struct centre_db *db, const char *site, int month, unsigned limit,
                     struct console_rows **out);
/* Card decisions per site (mode gate) or per bus line (mode bus: site and route) and
 * month: site, line, month, granted, denied. */
int console_db_usage(struct centre_db *db, struct console_rows **out);
/* Cards: registered first generations, reissues (generation > 0), revoked now. */
int console_db_card_counts(struct centre_db *db, int64_t *issued, int64_t *reissued,
                           int64_t *revoked);
/* The newest revocation list changes: version, card, generation, kind, op, reason, when. */
int console_db_card_changes(struct centre_db *db, unsigned limit, struct console_rows **out);
/* Every terminal: id, site, state, last_sync, queue_depth, sw_version, reader_state,
 * reported_at, reported_last_sync. */
int console_db_terminals(struct centre_db *db, struct console_rows **out);
/* Events received per terminal and day (UTC days since 1970) from `from_day` on:
 * terminal, day, count. */
int console_db_uploads_by_day(struct centre_db *db, int64_t from_day, struct console_rows **out);
/* The revocation list: current version and the time of its newest change (0: none). */
int console_db_revlist_state(struct centre_db *db, int64_t *version, int64_t *changed_at);

/* ------------------------------------------------------- HTTP helpers -- */
/* The value of cookie `name` in a Cookie header (RFC 6265 "a=b; c=d"), copied into out
 * when it is 1..cap-1 bytes of token characters; 0 found, -1 not (or malformed). The
 * header is read at most CONSOLE_COOKIE_HEADER_MAX bytes. */
#define CONSOLE_COOKIE_HEADER_MAX 4096
int console_cookie_get(const char *header, const char *name, char *out, size_t cap);

/* ---------------------------------------------------------------- pages -- */
/* What a page needs to know of its request (console.c fills it). */
struct evbuffer;
struct centre_store;
struct console_page {
  struct centre_store *st;
  const struct centre_conf *conf;
  int en;                        /* English, else zh-CN */
  const char *path;
  const struct console_session *who; /* NULL before sign-in */
  const char *addr;
  const char *login_csrf;        /* the sign-in form's token */
  const char *msg;               /* a line to show on top (a result), or NULL */
  int msg_error;
};
/* The text of a message id in the page's language (console_pages.c). */
const char *console_text(const struct console_page *p, const char *id);
/* HTML-escape s into out. */
void console_html(struct evbuffer *out, const char *s);
void console_page_head(struct evbuffer *out, const struct console_page *p, const char *title);
void console_page_tail(struct evbuffer *out, const struct console_page *p);
void console_page_login(struct evbuffer *out, const struct console_page *p);
void console_page_home(struct evbuffer *out, const struct console_page *p);
void console_page_error(struct evbuffer *out, const struct console_page *p, int code);
/* The role pages; a query string's fields already checked by the caller. */
int console_page_finance(struct evbuffer *out, const struct console_page *p);
int console_page_bills(struct evbuffer *out, const struct console_page *p, const char *site,
                       int month);
int console_page_usage(struct evbuffer *out, const struct console_page *p);
int console_page_station(struct evbuffer *out, const struct console_page *p);
int console_page_ops(struct evbuffer *out, const struct console_page *p, int64_t now);
int console_page_admin(struct evbuffer *out, const struct console_page *p);
/* The usage bar chart and a sparkline, as inline SVG (no script, no external font). */
void console_svg_bars(struct evbuffer *out, const char *const *labels, const int64_t *values,
                      size_t n, const char *title);
void console_svg_sparkline(struct evbuffer *out, const int64_t *values, size_t n);

#endif
