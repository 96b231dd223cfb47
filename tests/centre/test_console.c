/*
 * The web console's pieces below the browser (docs/console.md): the Cookie header
 * reader (truncated, oversized, malicious headers), password hashes (scrypt, malformed
 * and oversized parameters refused before any work), tokens, throttling, and the
 * accounts, sessions and audit rows in a real SQLite store file.
 * The console in a real browser: tests/browser.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

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
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/centre.db", dir);
  ck_assert_int_eq(centre_store_create(path, 0, &st), CENTRE_OK);
  db = centre_store_db(st);
  ck_assert_int_eq(console_db_schema(db), CENTRE_OK);
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
  centre_store_destroy(st);
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(path), 0);
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
  suite_add_tcase(s, tc);
  sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
