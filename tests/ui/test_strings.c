/* ui strings files: the strict parser (table of good and bad inputs with the line the
 * error must name), the shipped zh-CN and en files (complete, same keys), formatting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/strings.h"
#include "ui/ui.h"

static const char *src_dir(void)
{
  const char *d = getenv("YH_SOURCE_DIR");
  return d ? d : ".";
}

struct bad_case {
  const char *what;
  const char *input;
  int err;
  unsigned line;
};

static const struct bad_case bad[] = {
    {"no equals", "a = 1\nb 2\n", UI_E_SYNTAX, 2},
    {"empty value", "a = 1\n\nb =   \n", UI_E_SYNTAX, 3},
    {"key starts with digit", "1a = x\n", UI_E_SYNTAX, 1},
    {"key with space", "a b = x\n", UI_E_SYNTAX, 1},
    {"upper case key", "Idle.prompt = x\n", UI_E_SYNTAX, 1},
    {"upper case outside reason/award", "idle.Prompt = x\n", UI_E_SYNTAX, 1},
    {"duplicate", "# c\na = 1\nb = 2\na = 3\n", UI_E_SYNTAX, 4},
    {"bad escape", "a = x\\ty\n", UI_E_SYNTAX, 1},
    {"trailing backslash", "a = x\\\n", UI_E_SYNTAX, 1},
    {"open brace", "a = {n\n", UI_E_SYNTAX, 1},
    {"stray close brace", "a = n}\n", UI_E_SYNTAX, 1},
    {"empty placeholder", "a = {}\n", UI_E_SYNTAX, 1},
    {"bad placeholder name", "a = {N}\n", UI_E_SYNTAX, 1},
    {"invalid utf-8", "a = \xC3\x28\n", UI_E_SYNTAX, 1},
    {"overlong utf-8", "a = \xC0\xAF\n", UI_E_SYNTAX, 1},
    {"surrogate", "a = \xED\xA0\x80\n", UI_E_SYNTAX, 1},
    {"control char", "a = x\x01y\n", UI_E_SYNTAX, 1},
    {"lone CR", "a = 1\rb = 2\n", UI_E_SYNTAX, 1},
    {"NUL byte", "a = 1\nb = 2\0\n", UI_E_SYNTAX, 2},
    {"key too long",
     "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd = x\n", UI_E_SYNTAX, 1},
};

START_TEST(test_bad_inputs)
{
  const struct bad_case *c = &bad[_i];
  size_t len = strlen(c->input);
  if (strcmp(c->what, "NUL byte") == 0)
    len = 13;
  struct ui_strings *s = (struct ui_strings *)1;
  struct ui_diag d = {0};
  int rc = ui_strings_parse(c->input, len, &s, &d);
  ck_assert_msg(rc == c->err, "%s: rc %s", c->what, ui_errname(rc));
  ck_assert_msg(s == NULL, "%s: out not NULL", c->what);
  ck_assert_msg(d.line == c->line, "%s: line %u, want %u (%s)", c->what, d.line, c->line, d.text);
  ck_assert_msg(d.text[0] != '\0', "%s: no text", c->what);
}
END_TEST

START_TEST(test_good_input)
{
  static const char in[] = "\xEF\xBB\xBF# comment\r\n"
                           "\n"
                           "  idle.prompt   =   请出示荣誉卡  \r\n"
                           "a.b_c-d = line one\\nline two \\\\ end\n"
                           "reason.CARD_REVOKED = 卡片已注销\n"
                           "warn = {n} 秒后返回\n"
                           "last = no newline at end";
  struct ui_strings *s = NULL;
  struct ui_diag d = {0};
  ck_assert_int_eq(ui_strings_parse(in, sizeof in - 1, &s, &d), UI_OK);
  ck_assert_uint_eq(ui_strings_count(s), 5);
  ck_assert_str_eq(ui_strings_get(s, "idle.prompt"), "请出示荣誉卡");
  ck_assert_str_eq(ui_strings_get(s, "a.b_c-d"), "line one\nline two \\ end");
  ck_assert_str_eq(ui_strings_get(s, "reason.CARD_REVOKED"), "卡片已注销");
  ck_assert_str_eq(ui_strings_get(s, "last"), "no newline at end");
  ck_assert_ptr_null(ui_strings_get(s, "missing"));
  /* keys come back sorted */
  ck_assert_str_eq(ui_strings_key_at(s, 0), "a.b_c-d");
  ck_assert_ptr_null(ui_strings_key_at(s, 5));
  ui_strings_destroy(s);
}
END_TEST

START_TEST(test_limits)
{
  /* a value of exactly the maximum passes, one more byte fails */
  char *buf = malloc(UI_STRINGS_VALUE_MAX + 16);
  strcpy(buf, "a = ");
  memset(buf + 4, 'x', UI_STRINGS_VALUE_MAX);
  buf[4 + UI_STRINGS_VALUE_MAX] = '\0';
  struct ui_strings *s = NULL;
  struct ui_diag d;
  ck_assert_int_eq(ui_strings_parse(buf, strlen(buf), &s, &d), UI_OK);
  ui_strings_destroy(s);
  strcat(buf, "x");
  ck_assert_int_eq(ui_strings_parse(buf, strlen(buf), &s, &d), UI_E_SYNTAX);
  free(buf);
  /* too many keys */
  size_t cap = (UI_STRINGS_KEYS_MAX + 2) * 16;
  char *many = malloc(cap);
  size_t o = 0;
  for (unsigned i = 0; i < UI_STRINGS_KEYS_MAX + 1; i++)
    o += (size_t)snprintf(many + o, cap - o, "k%u = v\n", i);
  ck_assert_int_eq(ui_strings_parse(many, o, &s, &d), UI_E_TOO_LARGE);
  ck_assert_uint_eq(d.line, UI_STRINGS_KEYS_MAX + 1);
  free(many);
  /* whole input too large */
  ck_assert_int_eq(ui_strings_parse("", UI_STRINGS_INPUT_MAX + 1, &s, &d), UI_E_TOO_LARGE);
  /* empty input is an empty table */
  ck_assert_int_eq(ui_strings_parse("", 0, &s, &d), UI_OK);
  ck_assert_uint_eq(ui_strings_count(s), 0);
  ui_strings_destroy(s);
}
END_TEST

static struct ui_strings *load(const char *tag)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/assets/strings/%s.ini", src_dir(), tag);
  struct ui_strings *s = NULL;
  struct ui_diag d = {0};
  int rc = ui_strings_load(path, &s, &d);
  ck_assert_msg(rc == UI_OK, "%s:%u: %s", path, d.line, d.text);
  return s;
}

START_TEST(test_shipped_files_complete)
{
  static const char *const tags[] = {"zh-CN", "en"};
  for (size_t t = 0; t < 2; t++) {
    struct ui_strings *s = load(tags[t]);
    struct ui_diag d = {0};
    int rc = ui_strings_check(s, &d);
    ck_assert_msg(rc == UI_OK, "%s: %s (line %u)", tags[t], d.text, d.line);
    ui_strings_destroy(s);
  }
}
END_TEST

START_TEST(test_shipped_files_same_keys)
{
  struct ui_strings *zh = load("zh-CN"), *en = load("en");
  ck_assert_uint_eq(ui_strings_count(zh), ui_strings_count(en));
  for (size_t i = 0; i < ui_strings_count(zh); i++) {
    const char *k = ui_strings_key_at(zh, i);
    ck_assert_msg(ui_strings_get(en, k) != NULL, "en.ini lacks '%s'", k);
    ck_assert_str_eq(k, ui_strings_key_at(en, i));
  }
  /* the Chinese file really is Chinese and the English one is not */
  ck_assert_str_eq(ui_strings_get(zh, "idle.prompt"), "请出示荣誉卡");
  ck_assert_str_eq(ui_strings_get(zh, "again.title"), "请重新放卡");
  ck_assert_str_eq(ui_strings_get(en, "lang.switch"), "中文");
  ui_strings_destroy(zh);
  ui_strings_destroy(en);
}
END_TEST

START_TEST(test_check_names_missing_and_unknown)
{
  struct ui_strings *s = NULL;
  struct ui_diag d = {0};
  ck_assert_int_eq(ui_strings_parse("app.title = x\n", 14, &s, &d), UI_OK);
  ck_assert_int_eq(ui_strings_check(s, &d), UI_E_MISSING_KEY);
  ck_assert_ptr_nonnull(strstr(d.text, "'"));
  ui_strings_destroy(s);

  /* a complete file plus one unknown key: the check names its line */
  struct ui_strings *zh = load("zh-CN");
  size_t cap = 64 * 1024, o = 0;
  char *buf = malloc(cap);
  for (size_t i = 0; i < ui_strings_count(zh); i++)
    o += (size_t)snprintf(buf + o, cap - o, "%s = v\n", ui_strings_key_at(zh, i));
  o += (size_t)snprintf(buf + o, cap - o, "idle.promt = typo\n");
  ck_assert_int_eq(ui_strings_parse(buf, o, &s, &d), UI_OK);
  ck_assert_int_eq(ui_strings_check(s, &d), UI_E_UNKNOWN_KEY);
  ck_assert_uint_eq(d.line, ui_strings_count(zh) + 1);
  ck_assert_ptr_nonnull(strstr(d.text, "idle.promt"));
  ui_strings_destroy(s);
  ui_strings_destroy(zh);
  free(buf);
  /* open families are known */
  ck_assert_int_eq(ui_strings_key_known("reason.ANYTHING"), 1);
  ck_assert_int_eq(ui_strings_key_known("award.DONOR_STAR"), 1);
  ck_assert_int_eq(ui_strings_key_known("station.col.x"), 1);
  ck_assert_int_eq(ui_strings_key_known("idle.prompt"), 1);
  ck_assert_int_eq(ui_strings_key_known("idle.nope"), 0);
}
END_TEST

START_TEST(test_load_errors)
{
  struct ui_strings *s = NULL;
  struct ui_diag d = {0};
  ck_assert_int_eq(ui_strings_load("/nonexistent/zh-CN.ini", &s, &d), UI_E_IO);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(ui_strings_parse(NULL, 1, &s, &d), UI_E_INVALID_ARG);
}
END_TEST

START_TEST(test_format)
{
  char out[64];
  const char *pairs[] = {"n", "5", "total", "37", NULL};
  ui_format(out, sizeof out, "{n} 秒后返回", pairs);
  ck_assert_str_eq(out, "5 秒后返回");
  ui_format(out, sizeof out, "{n} of {total}, {unknown}", pairs);
  ck_assert_str_eq(out, "5 of 37, {unknown}");
  ui_format(out, sizeof out, "no placeholders", NULL);
  ck_assert_str_eq(out, "no placeholders");
  /* truncation stays on a UTF-8 boundary: 3-byte characters into 8 bytes */
  char small[8];
  size_t n = ui_format(small, sizeof small, "请出示荣誉卡", NULL);
  ck_assert_uint_eq(n, 6);
  ck_assert_str_eq(small, "请出");
  ui_format(small, sizeof small, "{n}{n}{n}{n}{n}{n}{n}{n}", pairs);
  ck_assert_str_eq(small, "5555555");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.strings");
  TCase *tc = tcase_create("parser");
  tcase_add_loop_test(tc, test_bad_inputs, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, test_good_input);
  tcase_add_test(tc, test_limits);
  tcase_add_test(tc, test_load_errors);
  tcase_add_test(tc, test_format);
  suite_add_tcase(s, tc);
  tc = tcase_create("shipped");
  tcase_add_test(tc, test_shipped_files_complete);
  tcase_add_test(tc, test_shipped_files_same_keys);
  tcase_add_test(tc, test_check_names_missing_and_unknown);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
