/*
 * The web console's pieces below the browser (docs/console.md): the Cookie header
 * reader (truncated, oversized, malicious headers), password hashes (scrypt, malformed
 * and oversized parameters refused before any work), tokens, throttling, and the
 * accounts, sessions and audit rows in a real store, the console's tables taken into the
 * versioned migrations from a store the console made before them, and every page's
 * question and the console itself over HTTPS on a real centre that a terminal synced to.
 * The store is a SQLite file, or with YH_CENTRE_BACKEND=postgresql (test_centre_console.pg)
 * a database of its own on the fixture's PostgreSQL: every statement runs on both.
 * The console in a real browser: tests/browser.
 */
#include <check.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "db.h"
#include "synctest.h"

#define CARD "YL20190200004290"
#define HOSPITAL "hosp.yl-first-people"
#define PARK "park.yl-museum"
#define PASSWORD "correct horse battery"

/* This run's store: a new SQLite file in dir, or a new database on the fixture's
 * PostgreSQL; *target is the file or the connection string. */
static int store_target(const char *dir, char *target, size_t cap)
{
  if (synctest_pg()) {
    ck_assert_int_eq(synctest_pg_fresh_dsn(target, cap), 0);
    return CENTRE_DB_POSTGRES;
  }
  snprintf(target, cap, "%s/centre.db", dir);
  return CENTRE_DB_SQLITE;
}

static int64_t count(struct centre_db *db, const char *sql)
{
  struct centre_db_stmt *s;
  int64_t n = -1;
  ck_assert_int_eq(centre_db_prepare(db, sql, &s), CENTRE_OK);
  if (centre_db_step(s) == CENTRE_DB_ROW)
    n = centre_db_column_int64(s, 0);
  centre_db_finalize(s);
  return n;
}

static void rm_rf(const char *dir)
{
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

START_TEST(cookie_header_table)
{
  static const struct {
    const char *header, *name, *want; /* want NULL: not found */
  } t[] = {
      {"yhc_s=abc", "yhc_s", "abc"},
      {"yhc_lang=en; yhc_s=abc; yhc_l=def", "yhc_l", "def"},
      {"yhc_lang=en; yhc_s=abc; yhc_l=def", "yhc_lang", "en"},
      {"xyhc_s=1; yhc_s_=2; yhc_s=3", "yhc_s", "3"},
      {";;;; ; ;yhc_s=ok ;", "yhc_s", "ok"},
      {"yhc_s=", "yhc_s", NULL},
      {"yhc_s", "yhc_s", NULL},
      {"", "yhc_s", NULL},
      {"yhc_s=\"quoted\"", "yhc_s", NULL},
      {"yhc_s=a\x01b", "yhc_s", NULL},
      {"yhc_s=a b", "yhc_s", NULL},
      {"yhc_s=a\\b", "yhc_s", NULL},
      {"other=1", "yhc_s", NULL},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    char out[65];
    int rc = console_cookie_get(t[i].header, t[i].name, out, sizeof out);
    if (t[i].want) {
      ck_assert_msg(rc == 0, "case %zu", i);
      ck_assert_str_eq(out, t[i].want);
    } else {
      ck_assert_msg(rc == -1, "case %zu", i);
    }
  }
}
END_TEST

START_TEST(cookie_header_bounds)
{
  char out[65], big[9000], val[200];
  /* a value longer than the buffer is refused, not cut */
  memset(val, 'A', 100);
  val[100] = '\0';
  snprintf(big, sizeof big, "yhc_s=%s", val);
  ck_assert_int_eq(console_cookie_get(big, "yhc_s", out, sizeof out), -1);
  /* exactly cap - 1 fits */
  memset(val, 'B', 64);
  val[64] = '\0';
  snprintf(big, sizeof big, "yhc_s=%s", val);
  ck_assert_int_eq(console_cookie_get(big, "yhc_s", out, sizeof out), 0);
  ck_assert_uint_eq(strlen(out), 64);
  /* nothing past CONSOLE_COOKIE_HEADER_MAX bytes is read */
  memset(big, 0, sizeof big);
  for (size_t i = 0; i + 5 < CONSOLE_COOKIE_HEADER_MAX; i += 5)
    memcpy(big + i, "a=b; ", 5);
  strcat(big, "yhc_s=late");
  ck_assert_int_eq(console_cookie_get(big, "yhc_s", out, sizeof out), -1);
  ck_assert_int_eq(console_cookie_get(NULL, "yhc_s", out, sizeof out), -1);
  ck_assert_int_eq(console_cookie_get("yhc_s=1", "", out, sizeof out), -1);
  ck_assert_int_eq(console_cookie_get("yhc_s=1", "yhc_s", out, 1), -1);
}
END_TEST

START_TEST(password_hash_and_verify)
{
  char h[CONSOLE_HASH_MAX + 1], h2[CONSOLE_HASH_MAX + 1];
  ck_assert_int_eq(console_password_hash("correct horse battery", 10, h), CENTRE_OK);
  ck_assert(strncmp(h, "scrypt$10$8$1$", 14) == 0);
  ck_assert_int_eq(console_password_verify(h, "correct horse battery"), CENTRE_OK);
  ck_assert_int_eq(console_password_verify(h, "correct horse batterx"), CENTRE_E_VERIFY_FAILED);
  ck_assert_int_eq(console_password_verify(h, ""), CENTRE_E_VERIFY_FAILED);
  /* a random salt: the same password hashes differently */
  ck_assert_int_eq(console_password_hash("correct horse battery", 10, h2), CENTRE_OK);
  ck_assert_str_ne(h, h2);
  ck_assert_int_eq(console_password_hash("x", 30, h2), CENTRE_E_INVALID_ARG);
}
END_TEST

START_TEST(password_hash_malformed)
{
  static const char *const bad[] = {
      "",
      "scrypt$",
      "bcrypt$10$8$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      /* N = 2^30 would take gigabytes: refused before any work */
      "scrypt$30$8$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$15$64$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$15$8$9$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$15$0$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$9$8$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
      /* truncated key, bad hex, upper-case hex, missing separator, trailing bytes */
      "scrypt$10$8$1$00000000000000000000000000000000$00000000000000000000000000000000000000000000000000000000000000",
      "scrypt$10$8$1$0000000000000000000000000000000g$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$10$8$1$0000000000000000000000000000000A$0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$10$8$1$00000000000000000000000000000000x0000000000000000000000000000000000000000000000000000000000000000",
      "scrypt$10$8$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000$",
      "scrypt$0010$8$1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(console_password_verify(bad[i], "whatever it is") == CENTRE_E_MALFORMED,
                  "case %zu", i);
  ck_assert_int_eq(console_password_verify(NULL, "x"), CENTRE_E_MALFORMED);
}
END_TEST

START_TEST(login_and_password_rules)
{
  ck_assert(console_login_valid("fin"));
  ck_assert(console_login_valid("li.wei_2-x"));
  ck_assert(!console_login_valid("ab"));
  ck_assert(!console_login_valid("Fin"));
  ck_assert(!console_login_valid("1fin"));
  ck_assert(!console_login_valid("fin wei"));
  ck_assert(!console_login_valid("abcdefghijabcdefghijabcdefghijabc")); /* 33 */
  ck_assert(!console_login_valid("<script>"));
  ck_assert(console_password_valid("0123456789", 10));
  ck_assert(!console_password_valid("012345678", 9));
  ck_assert(!console_password_valid("0123456789\n", 11));
  {
    char big[200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert(!console_password_valid(big, strlen(big)));
  }
  ck_assert_uint_eq(console_role_parse("finance"), CONSOLE_ROLE_FINANCE);
  ck_assert_uint_eq(console_role_parse("admin"), CONSOLE_ROLE_ADMIN);
  ck_assert_uint_eq(console_role_parse("root"), 0);
  ck_assert_str_eq(console_role_name(CONSOLE_ROLE_STATION), "station");
}
END_TEST

START_TEST(tokens)
{
  char a[65], b[65], h[65];
  ck_assert_int_eq(console_token_new(a), CENTRE_OK);
  ck_assert_int_eq(console_token_new(b), CENTRE_OK);
  ck_assert_uint_eq(strlen(a), 64);
  ck_assert_str_ne(a, b);
  ck_assert(console_token_equal(a, a));
  ck_assert(!console_token_equal(a, b));
  ck_assert(!console_token_equal(a, ""));
  ck_assert(!console_token_equal("", ""));
  console_token_hash(a, h);
  ck_assert_uint_eq(strlen(h), 64);
  ck_assert_str_ne(h, a);
}
END_TEST

START_TEST(throttle_window)
{
  struct console_throttle *t;
  ck_assert_int_eq(console_throttle_create(3, 600, &t), CENTRE_OK);
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(console_throttle_wait(t, "a:fin", 1000 + i), 0);
    console_throttle_fail(t, "a:fin", 1000 + i);
  }
  ck_assert_int_eq(console_throttle_wait(t, "a:fin", 1010), 590);
  ck_assert_int_eq(console_throttle_wait(t, "a:ops", 1010), 0);
  ck_assert_int_eq(console_throttle_wait(t, "a:fin", 1600), 0); /* the window passed */
  console_throttle_fail(t, "a:sta", 2000);
  console_throttle_fail(t, "a:sta", 2000);
  console_throttle_clear(t, "a:sta"); /* a good sign-in */
  console_throttle_fail(t, "a:sta", 2001);
  ck_assert_int_eq(console_throttle_wait(t, "a:sta", 2001), 0);
  /* a flood of addresses cannot grow memory: the table recycles, the latest still counts */
  for (int i = 0; i < 10000; i++) {
    char key[32];
    snprintf(key, sizeof key, "i:10.0.%d.%d", i / 256, i % 256);
    console_throttle_fail(t, key, 3000 + i);
  }
  for (int i = 0; i < 3; i++)
    console_throttle_fail(t, "i:192.0.2.1", 20000);
  ck_assert_int_gt(console_throttle_wait(t, "i:192.0.2.1", 20000), 0);
  console_throttle_destroy(t);
}
END_TEST

START_TEST(accounts_sessions_audit)
{
  char dir[] = "/tmp/yh-console-db-XXXXXX", path[600], h[CONSOLE_HASH_MAX + 1];
  struct centre_store *st;
  struct centre_db *db;
  struct console_account a;
  struct console_session s;
  struct console_rows *rows;
  int backend;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  backend = store_target(dir, path, sizeof path);
  ck_assert_int_eq(centre_store_open(backend, path, 0, &st), CENTRE_OK);
  db = centre_store_db(st);
  ck_assert_int_eq(console_password_hash("correct horse battery", 10, h), CENTRE_OK);
  ck_assert_int_eq(console_db_account_add(db, "fin", CONSOLE_ROLE_FINANCE, h, 100), CENTRE_OK);
  ck_assert_int_eq(console_db_account_add(db, "fin", CONSOLE_ROLE_ADMIN, h, 100), CENTRE_E_EXISTS);
  ck_assert_int_eq(console_db_account_get(db, "fin", &a), CENTRE_OK);
  ck_assert_uint_eq(a.roles, CONSOLE_ROLE_FINANCE);
  ck_assert_int_eq(console_password_verify(a.hash, "correct horse battery"), CENTRE_OK);
  ck_assert_int_eq(console_db_account_get(db, "nobody", &a), CENTRE_E_NOT_FOUND);

  /* idle and absolute expiry */
  ck_assert_int_eq(console_db_session_add(db, "h1", "fin", "c1", 1000), CENTRE_OK);
  ck_assert_int_eq(console_db_session_get(db, "h1", 1100, 600, 3600, &s), CENTRE_OK);
  ck_assert_str_eq(s.login, "fin");
  ck_assert_str_eq(s.csrf, "c1");
  ck_assert_uint_eq(s.roles, CONSOLE_ROLE_FINANCE);
  ck_assert_int_eq(console_db_session_get(db, "h1", 1650, 600, 3600, &s), CENTRE_OK); /* touched */
  ck_assert_int_eq(console_db_session_get(db, "h1", 2300, 600, 3600, &s), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_session_get(db, "h1", 2301, 600, 3600, &s), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_session_add(db, "h2", "fin", "c2", 1000), CENTRE_OK);
  for (int64_t now = 1500; now < 4600; now += 500)
    ck_assert_int_eq(console_db_session_get(db, "h2", now, 600, 3600, &s), CENTRE_OK);
  ck_assert_int_eq(console_db_session_get(db, "h2", 4700, 600, 3600, &s), CENTRE_E_NOT_FOUND);
  /* a disabled account's sessions end; a new password ends them too */
  ck_assert_int_eq(console_db_session_add(db, "h3", "fin", "c3", 5000), CENTRE_OK);
  ck_assert_int_eq(console_db_account_set_disabled(db, "fin", 1, 5001), CENTRE_OK);
  ck_assert_int_eq(console_db_session_get(db, "h3", 5002, 600, 3600, &s), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_account_set_disabled(db, "fin", 0, 5003), CENTRE_OK);
  ck_assert_int_eq(console_db_session_add(db, "h4", "fin", "c4", 5004), CENTRE_OK);
  ck_assert_int_eq(console_db_account_set_hash(db, "fin", h, 5005), CENTRE_OK);
  ck_assert_int_eq(console_db_session_get(db, "h4", 5006, 600, 3600, &s), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_account_set_hash(db, "nobody", h, 5005), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_account_set_disabled(db, "nobody", 1, 5005), CENTRE_E_NOT_FOUND);

  ck_assert_int_eq(console_db_audit(db, 6000, "fin", "127.0.0.1", "card-revoke",
                                    "YL20190200004290", 1, "ok"),
                   CENTRE_OK);
  ck_assert_int_eq(console_db_audit_recent(db, 10, &rows), CENTRE_OK);
  ck_assert_uint_eq(rows->rows, 1);
  ck_assert_str_eq(console_cell(rows, 0, 3), "card-revoke");
  ck_assert_str_eq(console_cell(rows, 5, 5), ""); /* out of range: "" */
  console_rows_free(rows);
  ck_assert_int_eq(console_db_accounts(db, &rows), CENTRE_OK);
  ck_assert_uint_eq(rows->rows, 1);
  ck_assert_str_eq(console_cell(rows, 0, 1), "finance");
  console_rows_free(rows);

  /* a row that does not fit its columns is still written, cut and in printable ASCII
   * (PostgreSQL refuses a longer value or bytes that are not UTF-8; the object of a
   * refused POST is whatever path the client sent) */
  {
    static char path_sent[9000];
    memset(path_sent, 'a', sizeof path_sent - 1);
    path_sent[0] = '/';
    path_sent[3] = '\x01';
    path_sent[5] = (char)0xff;
    path_sent[6] = (char)0xc3; /* half of a UTF-8 sequence */
    ck_assert_int_eq(console_db_audit(db, 7000, "fin\n", "2001:db8::1", "post", path_sent, 0,
                                      "refused: CSRF token missing or wrong"),
                     CENTRE_OK);
    ck_assert_int_eq(console_db_audit(db, 7001, NULL, NULL, "sign-in", NULL, 0, ""), CENTRE_OK);
    ck_assert_int_eq(console_db_audit_recent(db, 2, &rows), CENTRE_OK);
    ck_assert_uint_eq(rows->rows, 2);
    ck_assert_str_eq(console_cell(rows, 0, 1), "-");
    ck_assert_str_eq(console_cell(rows, 0, 4), "");
    ck_assert_str_eq(console_cell(rows, 1, 1), "fin?");
    ck_assert_uint_eq(strlen(console_cell(rows, 1, 4)), 80);
    ck_assert(strncmp(console_cell(rows, 1, 4), "/aa?a??aaaa", 11) == 0);
    ck_assert_str_eq(console_cell(rows, 1, 5), "refused: CSRF token missing or w");
    console_rows_free(rows);
  }
  centre_store_destroy(st);
  rm_rf(dir);
}
END_TEST

/* Before migration 3 the console made its three tables itself (IF NOT EXISTS) when it or
 * centre-admin account opened the store, outside schema_migrations. Such a store, with
 * rows in them, and a store from before the console, without them, both migrate. */
START_TEST(console_tables_join_the_migrations)
{
  char dir[] = "/tmp/yh-console-mig-XXXXXX", target[700], h[CONSOLE_HASH_MAX + 1];
  struct centre_store *st;
  struct centre_db *raw;
  struct console_account a;
  struct console_rows *rows;
  int backend;
  static const char *const before_console[] = {
      "DROP TABLE console_sessions", "DROP TABLE console_audit", "DROP TABLE console_accounts",
      /* the store as before the console: the migrations after it did not exist either */
      "DELETE FROM schema_migrations WHERE version >= 3"};
  ck_assert_ptr_nonnull(mkdtemp(dir));
  backend = store_target(dir, target, sizeof target);
  ck_assert_int_eq(console_password_hash(PASSWORD, 10, h), CENTRE_OK);
  ck_assert_int_eq(centre_store_open(backend, target, 0, &st), CENTRE_OK);
  ck_assert_int_eq(console_db_account_add(centre_store_db(st), "fin", CONSOLE_ROLE_FINANCE, h, 100),
                   CENTRE_OK);
  ck_assert_int_eq(console_db_audit(centre_store_db(st), 100, "centre-admin", "-", "account-add",
                                    "fin", 0, "ok"),
                   CENTRE_OK);
  centre_store_destroy(st);

  /* the store as the console left it before: its tables and rows, no migration row */
  ck_assert_int_eq(centre_db_open(backend, target, 0, &raw), CENTRE_OK);
  ck_assert_int_eq(centre_db_exec(raw, before_console[3], "test"), CENTRE_OK);
  ck_assert_int_eq(count(raw, "SELECT COUNT(*) FROM schema_migrations"), 2);
  centre_db_close(raw);
  ck_assert_int_eq(centre_store_open(backend, target, 0, &st), CENTRE_OK);
  ck_assert_int_eq(console_db_account_get(centre_store_db(st), "fin", &a), CENTRE_OK);
  ck_assert_uint_eq(a.roles, CONSOLE_ROLE_FINANCE);
  ck_assert_int_eq(console_db_audit_recent(centre_store_db(st), 10, &rows), CENTRE_OK);
  ck_assert_uint_eq(rows->rows, 1);
  console_rows_free(rows);
  ck_assert_int_eq(count(centre_store_db(st), "SELECT COUNT(*) FROM schema_migrations WHERE"
                                              " name = 'console tables'"),
                   1);
  ck_assert_int_eq(count(centre_store_db(st), "SELECT MAX(version) FROM schema_migrations"),
                   centre_store_schema_version());
  centre_store_destroy(st);

  /* a store from before the console: the migration makes the tables */
  ck_assert_int_eq(centre_db_open(backend, target, 0, &raw), CENTRE_OK);
  ck_assert_int_eq(centre_db_exec_all(raw, before_console, 4, "test"), CENTRE_OK);
  centre_db_close(raw);
  ck_assert_int_eq(centre_store_open(backend, target, 0, &st), CENTRE_OK);
  ck_assert_int_eq(console_db_account_get(centre_store_db(st), "fin", &a), CENTRE_E_NOT_FOUND);
  ck_assert_int_eq(console_db_account_add(centre_store_db(st), "fin", CONSOLE_ROLE_ADMIN, h, 200),
                   CENTRE_OK);
  centre_store_destroy(st);

  /* a schema newer than this program's (a later centre migrated it) is refused */
  ck_assert_int_eq(centre_db_open(backend, target, 0, &raw), CENTRE_OK);
  {
    int64_t v = centre_store_schema_version() + 1, at = 300;
    const void *args[] = {&v, "from a later centre", &at};
    ck_assert_int_eq(centre_db_run(raw, "INSERT INTO schema_migrations (version, name, applied_at)"
                                        " VALUES (?, ?, ?)",
                                   "iti", args, NULL),
                     CENTRE_OK);
  }
  centre_db_close(raw);
  ck_assert_int_eq(centre_store_open(backend, target, 0, &st), CENTRE_E_DB);
  rm_rf(dir);
}
END_TEST

/* ------------------------------------------------ the console on a real centre -- */

struct body {
  char data[262144];
  size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
  struct body *b = ctx;
  size_t len = size * n;
  if (len > sizeof b->data - 1 - b->len)
    return 0; /* larger than any page of this test: fail the transfer */
  memcpy(b->data + b->len, p, len);
  b->len += len;
  b->data[b->len] = '\0';
  return len;
}

/* GET (form NULL) or POST a form; the status, or -1 when the transfer failed. */
static long http(CURL *h, const char *base, const char *path, const char *form, struct body *b)
{
  char url[600];
  long code = -1;
  snprintf(url, sizeof url, "%s%s", base, path);
  b->len = 0;
  b->data[0] = '\0';
  curl_easy_setopt(h, CURLOPT_URL, url);
  if (form) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  if (curl_easy_perform(h) != CURLE_OK)
    return -1;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  return code;
}

/* The page's CSRF token (its hidden field "csrf"). */
static void csrf_of(const struct body *b, char *out, size_t cap)
{
  static const char key[] = "name=\"csrf\" value=\"";
  const char *p = strstr(b->data, key), *e;
  ck_assert_ptr_nonnull(p);
  p += sizeof key - 1;
  e = strchr(p, '"');
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_lt((size_t)(e - p), cap);
  memcpy(out, p, (size_t)(e - p));
  out[e - p] = '\0';
}

static unsigned read_port(const char *path, unsigned timeout_ms)
{
  uint64_t deadline = synctest_now_ms() + timeout_ms;
  do {
    FILE *f = fopen(path, "r");
    unsigned port = 0;
    if (f) {
      int ok = fscanf(f, "%u", &port) == 1;
      fclose(f);
      if (ok && port)
        return port;
    }
    usleep(20000);
  } while (synctest_now_ms() < deadline);
  return 0;
}

/* A hospital terminal uploads 90 events through netsync to the real centre, a park
 * terminal never syncs; every question the pages ask is then put to the store, and the
 * console is used over HTTPS as an account with every role would: its sign-in, every
 * page, the CSV, a revoke with and without its CSRF token. On PostgreSQL this is the
 * console's own connection, its SQL and its writes on that back end. */
START_TEST(pages_on_a_synced_centre)
{
  static const char *const terms[] = {"T01", "T02"};
  static struct body b;
  const char *src = getenv("YH_SOURCE_DIR");
  struct synctest_centre c;
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  struct centre_store *st;
  struct centre_db *db;
  struct console_rows *t;
  char dir[512], path[1200], base[64], form[400], csrf[80];
  int64_t issued, reissued, revoked, version, changed;
  unsigned port;
  CURL *h;

  ck_assert_ptr_nonnull(src);
  ck_assert_int_eq(synctest_tmpdir("console-pages", dir, sizeof dir), 0);
  ck_assert_int_eq(synctest_pki_make(dir, terms, 2), 0);
  synctest_centre_init(&c, dir, "centre.db");
  ck_assert_uint_lt((size_t)snprintf(c.conf_extra, sizeof c.conf_extra,
                                     "[reports]\nsites = %s/assets/sites.ini\n"
                                     "[console]\nlisten = 127.0.0.1:0\ncert = %s/server.pem\n"
                                     "key = %s/server.key\nport_file = %s/console.port\n"
                                     "assets = %s/assets/console\n",
                                     src, dir, dir, dir, src),
                    sizeof c.conf_extra);
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  snprintf(path, sizeof path, "%s/console.port", dir);
  port = read_port(path, 60000);
  ck_assert_uint_ne(port, 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", HOSPITAL, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T02", PARK, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "register", CARD, "--generation", "0",
                                  "--award", "donor_star", "--level", "3", "--round", "2018",
                                  "--issued", "2019-02-01", "--not-after", "2029-02-01",
                                  "--issuer", "0123456789abcdef", NULL),
                   0);
  snprintf(path, sizeof path, "%s/pw", dir);
  {
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(PASSWORD "\n", f);
    fclose(f);
    chmod(path, 0600);
  }
  ck_assert_int_eq(synctest_admin(&c, NULL, "account", "add", "all", "--role",
                                  "finance,station,operations,admin", "--password-file", path,
                                  NULL),
                   0);

  snprintf(path, sizeof path, "%s/journal.db", dir);
  ck_assert_int_eq(synctest_journal_open(path, "T01", HOSPITAL, &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, 90), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_OK);
  netsync_destroy(ns);
  synctest_journal_close(j);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 90);

  /* the pages' questions, on a connection of the test's own */
  ck_assert_int_eq(centre_store_open(synctest_pg() ? CENTRE_DB_POSTGRES : CENTRE_DB_SQLITE,
                                     synctest_pg() ? c.dsn : c.db, 0, &st),
                   CENTRE_OK);
  db = centre_store_db(st);
  /* seq 1..90: every third a cashier event (30), of which seq 34 and 85 are DENY: 28
   * waivers of 60 yuan, all in January 2026 (China time) */
  ck_assert_int_eq(console_db_waived(db, &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 1);
  ck_assert_str_eq(console_cell(t, 0, 0), HOSPITAL);
  ck_assert_str_eq(console_cell(t, 0, 1), "2026-01");
  ck_assert_str_eq(console_cell(t, 0, 2), "28");
  ck_assert_str_eq(console_cell(t, 0, 3), "0");
  ck_assert_str_eq(console_cell(t, 0, 4), "0");
  ck_assert_str_eq(console_cell(t, 0, 5), "168000");
  console_rows_free(t);
  ck_assert_int_eq(console_db_bills(db, HOSPITAL, 202601, 1000, &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 28);
  ck_assert_str_eq(console_cell(t, 0, 1), "T01");
  ck_assert_str_eq(console_cell(t, 0, 2), "1");
  ck_assert_str_eq(console_cell(t, 0, 4), "MZ-1");
  ck_assert_str_eq(console_cell(t, 0, 7), "");
  console_rows_free(t);
  ck_assert_int_eq(console_db_bills(db, HOSPITAL, 202601, 5, &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 5);
  console_rows_free(t);
  ck_assert_int_eq(console_db_usage(db, &t), CENTRE_OK);
  ck_assert_uint_gt(t->rows, 0);
  ck_assert_str_eq(console_cell(t, 0, 2), "2026-01");
  console_rows_free(t);
  ck_assert_int_eq(console_db_terminals(db, &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 2);
  ck_assert_str_eq(console_cell(t, 0, 0), "T01");
  ck_assert_str_eq(console_cell(t, 1, 0), "T02");
  ck_assert_str_eq(console_cell(t, 1, 3), "0"); /* never synced */
  console_rows_free(t);
  ck_assert_int_eq(console_db_uploads_by_day(db, (int64_t)time(NULL) / 86400 - 1, &t), CENTRE_OK);
  ck_assert(t->rows == 1 || t->rows == 2); /* 90 events today (or across midnight) */
  ck_assert_str_eq(console_cell(t, 0, 0), "T01");
  ck_assert_int_eq(atoi(console_cell(t, 0, 2)) + atoi(console_cell(t, 1, 2)), 90);
  console_rows_free(t);
  ck_assert_int_eq(console_db_card_counts(db, &issued, &reissued, &revoked), CENTRE_OK);
  ck_assert_int_eq(issued, 1);
  ck_assert_int_eq(reissued, 0);
  ck_assert_int_eq(revoked, 0);
  ck_assert_int_eq(console_db_revlist_state(db, &version, &changed), CENTRE_OK);
  ck_assert_int_eq(version, 1);
  ck_assert_int_eq(changed, 0);

  /* the console over HTTPS */
  ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0);
  h = curl_easy_init();
  ck_assert_ptr_nonnull(h);
  snprintf(path, sizeof path, "%s/ca.pem", dir);
  curl_easy_setopt(h, CURLOPT_CAINFO, path);
  curl_easy_setopt(h, CURLOPT_COOKIEFILE, ""); /* the cookie engine, in memory */
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
  snprintf(base, sizeof base, "https://127.0.0.1:%u", port);
  ck_assert_int_eq(http(h, base, "/login", NULL, &b), 200);
  csrf_of(&b, csrf, sizeof csrf);
  snprintf(form, sizeof form, "csrf=%s&login=all&password=correct+horse+battery", csrf);
  ck_assert_int_eq(http(h, base, "/login", form, &b), 303);
  ck_assert_int_eq(http(h, base, "/", NULL, &b), 200);
  ck_assert_int_eq(http(h, base, "/finance", NULL, &b), 200);
  ck_assert_ptr_nonnull(strstr(b.data, "2026-01"));
  ck_assert_int_eq(http(h, base, "/finance/bills?site=" HOSPITAL "&month=2026-01", NULL, &b), 200);
  ck_assert_ptr_nonnull(strstr(b.data, "MZ-88"));
  ck_assert_int_eq(http(h, base, "/finance/bills.csv?site=" HOSPITAL "&month=2026-01", NULL, &b),
                   200);
  ck_assert_ptr_nonnull(strstr(b.data, "MZ-88"));
  ck_assert_int_eq(http(h, base, "/finance/usage", NULL, &b), 200);
  ck_assert_ptr_nonnull(strstr(b.data, "<svg"));
  ck_assert_int_eq(http(h, base, "/ops", NULL, &b), 200);
  ck_assert_ptr_nonnull(strstr(b.data, "T02"));
  ck_assert_int_eq(http(h, base, "/admin", NULL, &b), 200);
  ck_assert_ptr_nonnull(strstr(b.data, "sign-in"));
  ck_assert_int_eq(http(h, base, "/station", NULL, &b), 200);
  csrf_of(&b, csrf, sizeof csrf);
  ck_assert_int_eq(http(h, base, "/station/revoke",
                        "card=" CARD "&generation=0&kind=exact&reason=lost", &b),
                   403);
  snprintf(form, sizeof form, "csrf=%s&card=" CARD "&generation=0&kind=exact&reason=lost", csrf);
  ck_assert_int_eq(http(h, base, "/station/revoke", form, &b), 200);
  ck_assert_int_eq(console_db_card_counts(db, &issued, &reissued, &revoked), CENTRE_OK);
  ck_assert_int_eq(revoked, 1);
  ck_assert_int_eq(console_db_card_changes(db, 10, &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 1);
  ck_assert_str_eq(console_cell(t, 0, 1), CARD);
  ck_assert_str_eq(console_cell(t, 0, 5), "lost");
  console_rows_free(t);
  ck_assert_int_eq(console_db_revlist_state(db, &version, &changed), CENTRE_OK);
  ck_assert_int_eq(version, 2);
  ck_assert_int_gt(changed, 0);
  /* the console's writes: the refused and the done revoke audited, the sign-in too */
  ck_assert_int_eq(count(db, "SELECT COUNT(*) FROM console_audit WHERE action = 'card-revoke'"
                             " AND result = 'ok'"),
                   1);
  ck_assert_int_eq(count(db, "SELECT COUNT(*) FROM console_audit"
                             " WHERE result LIKE 'refused: CSRF%'"),
                   1);
  ck_assert_int_eq(count(db, "SELECT COUNT(*) FROM console_audit WHERE action = 'sign-in'"), 1);
  snprintf(form, sizeof form, "csrf=%s", csrf);
  ck_assert_int_eq(http(h, base, "/logout", form, &b), 303);
  ck_assert_int_eq(count(db, "SELECT COUNT(*) FROM console_sessions"), 0);
  /* a POST without a session to a path longer than the audit's column: refused, audited */
  {
    char longpath[300];
    memset(longpath, 'x', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    ck_assert_int_eq(http(h, base, longpath, "a=b", &b), 303);
    ck_assert_int_eq(count(db, "SELECT COUNT(*) FROM console_audit WHERE action = 'post'"
                               " AND result = 'refused: no session' AND object LIKE '/xxx%'"
                               " AND LENGTH(object) = 80"),
                     1);
  }
  curl_easy_cleanup(h);
  curl_global_cleanup();
  centre_store_destroy(st);
  ck_assert_int_eq(synctest_centre_stop(&c), 0);
  rm_rf(dir);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("centre_console");
  TCase *tc = tcase_create("console");
  SRunner *sr;
  int failed;
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, cookie_header_table);
  tcase_add_test(tc, cookie_header_bounds);
  tcase_add_test(tc, password_hash_and_verify);
  tcase_add_test(tc, password_hash_malformed);
  tcase_add_test(tc, login_and_password_rules);
  tcase_add_test(tc, tokens);
  tcase_add_test(tc, throttle_window);
  tcase_add_test(tc, accounts_sessions_audit);
  tcase_add_test(tc, console_tables_join_the_migrations);
  tcase_add_test(tc, pages_on_a_synced_centre);
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
