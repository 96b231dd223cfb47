/* common INI reader: good inputs in each dialect (terminal configuration / site
 * registry, centre configuration, strings files), a table of bad inputs with the line
 * the error must name, limits, handler stops, strict numbers, reading files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ini.h"

struct rec {
  char out[4096];
  size_t o;
  int stop_at; /* stop on this line (0: never) */
};

static int on_section(void *user, const char *name, unsigned line)
{
  struct rec *r = user;
  r->o += (size_t)snprintf(r->out + r->o, sizeof r->out - r->o, "[%s]@%u ", name, line);
  return r->stop_at && (unsigned)r->stop_at == line;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct rec *r = user;
  r->o += (size_t)snprintf(r->out + r->o, sizeof r->out - r->o, "%s.%s=%s@%u ", section, key,
                           value, line);
  return r->stop_at && (unsigned)r->stop_at == line;
}

static const struct common_ini_handler handler = {on_section, on_pair};

START_TEST(test_strict_good)
{
  static const char in[] = "\xEF\xBB\xBF# comment\r\n"
                           "; another\n"
                           "top = 1\n"
                           "\n"
                           "  [site.gate-1]  \r\n"
                           "\tname   =  龟山公园 南门 \n"
                           "mode=gate\n"
                           "[b]\n"
                           "mode = bus";
  struct rec r = {0};
  struct common_diag d = {0};
  ck_assert_int_eq(common_ini_parse(in, sizeof in - 1, "x.ini", NULL, &handler, &r, &d),
                   COMMON_OK);
  ck_assert_str_eq(r.out, ".top=1@3 [site.gate-1]@5 site.gate-1.name=龟山公园 南门@6 "
                          "site.gate-1.mode=gate@7 [b]@8 b.mode=bus@9 ");
}
END_TEST

START_TEST(test_dialects)
{
  struct rec r = {0};
  struct common_diag d = {0};
  /* strings files: no sections, dotted keys with upper case after the first letter,
   * only '#' comments, duplicates left to the caller */
  const struct common_ini_dialect strings = {
      COMMON_INI_NO_SECTIONS | COMMON_INI_DOTTED_KEYS | COMMON_INI_HASH_COMMENTS |
          COMMON_INI_DUP_KEYS,
      256 * 1024, 0, 63, 512};
  static const char s_in[] = "# c\nidle.prompt = 请出示荣誉卡\nreason.CARD_REVOKED = x\n"
                             "a.b_c-d = {n} \\n\na.b_c-d = again\n";
  ck_assert_int_eq(common_ini_parse(s_in, sizeof s_in - 1, "zh.ini", &strings, &handler, &r, &d),
                   COMMON_OK);
  ck_assert_str_eq(r.out, ".idle.prompt=请出示荣誉卡@2 .reason.CARD_REVOKED=x@3 "
                          ".a.b_c-d={n} \\n@4 .a.b_c-d=again@5 ");
  ck_assert_int_eq(common_ini_parse("; no\n", 5, "zh.ini", &strings, &handler, &r, &d),
                   COMMON_E_SYNTAX);
  ck_assert_int_eq(common_ini_parse("[a]\n", 4, "zh.ini", &strings, &handler, &r, &d),
                   COMMON_E_SYNTAX);
  ck_assert_int_eq(common_ini_parse("Idle = x\n", 9, "zh.ini", &strings, &handler, &r, &d),
                   COMMON_E_SYNTAX);
  /* centre configuration: keys inside sections only, empty values allowed */
  const struct common_ini_dialect centre = {COMMON_INI_NEED_SECTION | COMMON_INI_EMPTY_VALUES,
                                            0, 0, 0, 0};
  memset(&r, 0, sizeof r);
  static const char c_in[] = "[tls]\ncrl =\ncert = a.pem\n";
  ck_assert_int_eq(common_ini_parse(c_in, sizeof c_in - 1, "centre.conf", &centre, &handler, &r,
                                    &d),
                   COMMON_OK);
  ck_assert_str_eq(r.out, "[tls]@1 tls.crl=@2 tls.cert=a.pem@3 ");
  ck_assert_int_eq(common_ini_parse("port = 1\n", 9, "centre.conf", &centre, &handler, &r, &d),
                   COMMON_E_SYNTAX);
  ck_assert_uint_eq(d.line, 1);
}
END_TEST

struct bad_case {
  const char *what, *input;
  size_t len; /* 0: strlen */
  int err;
  unsigned line;
};
static const struct bad_case bad[] = {
    {"no equals", "a = 1\nb 2\n", 0, COMMON_E_SYNTAX, 2},
    {"empty value", "a = 1\n\nb =   \n", 0, COMMON_E_SYNTAX, 3},
    {"empty key", " = 1\n", 0, COMMON_E_SYNTAX, 1},
    {"upper-case key", "Key = 1\n", 0, COMMON_E_SYNTAX, 1},
    {"dotted key (strict)", "a.b = 1\n", 0, COMMON_E_SYNTAX, 1},
    {"key too long", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd = 1\n", 0,
     COMMON_E_SYNTAX, 1},
    {"section not closed", "[a\n", 0, COMMON_E_SYNTAX, 1},
    {"empty section", "[]\n", 0, COMMON_E_SYNTAX, 1},
    {"lone bracket", "[\n", 0, COMMON_E_SYNTAX, 1},
    {"section with space", "[a b]\n", 0, COMMON_E_SYNTAX, 1},
    {"duplicate section", "[a]\n[b]\n[a]\n", 0, COMMON_E_SYNTAX, 3},
    {"duplicate key", "[a]\nk = 1\n[b]\nk = 1\nk = 2\n", 0, COMMON_E_SYNTAX, 5},
    {"invalid utf-8", "a = \xC3\x28\n", 0, COMMON_E_SYNTAX, 1},
    {"overlong utf-8", "a = \xC0\xAF\n", 0, COMMON_E_SYNTAX, 1},
    {"surrogate", "a = \xED\xA0\x80\n", 0, COMMON_E_SYNTAX, 1},
    {"control char", "a = x\x01y\n", 0, COMMON_E_SYNTAX, 1},
    {"DEL", "a = x\x7fy\n", 0, COMMON_E_SYNTAX, 1},
    {"lone CR", "a = 1\rb = 2\n", 0, COMMON_E_SYNTAX, 1},
    {"NUL byte", "a = 1\nb = 2\0\n", 13, COMMON_E_SYNTAX, 2},
};

START_TEST(test_bad_inputs)
{
  const struct bad_case *c = &bad[_i];
  struct rec r = {0};
  struct common_diag d = {0};
  size_t len = c->len ? c->len : strlen(c->input);
  int rc = common_ini_parse(c->input, len, "t.ini", NULL, &handler, &r, &d);
  ck_assert_msg(rc == c->err, "%s: rc %s", c->what, common_errname(rc));
  ck_assert_msg(d.line == c->line, "%s: line %u, want %u (%s)", c->what, d.line, c->line, d.text);
  ck_assert_msg(d.text[0] != '\0', "%s: no text", c->what);
  ck_assert_str_eq(d.file, "t.ini");
  /* the problem text never quotes the value */
  ck_assert_msg(!strstr(d.text, "\xC3") && !strstr(d.text, "x\x01"), "%s", c->what);
  char buf[600];
  common_diag_format(&d, buf, sizeof buf);
  char want[32];
  snprintf(want, sizeof want, "t.ini:%u: ", c->line);
  ck_assert_msg(strncmp(buf, want, strlen(want)) == 0, "%s: %s", c->what, buf);
}
END_TEST

START_TEST(test_limits)
{
  struct rec r = {0};
  struct common_diag d;
  char *buf = malloc(COMMON_INI_LINE_MAX + 64);
  /* value exactly at the maximum passes, one more byte fails */
  strcpy(buf, "a = ");
  memset(buf + 4, 'x', COMMON_INI_VALUE_MAX);
  buf[4 + COMMON_INI_VALUE_MAX] = '\0';
  ck_assert_int_eq(common_ini_parse(buf, strlen(buf), "t", NULL, &handler, &r, &d), COMMON_OK);
  strcat(buf, "x");
  r.o = 0;
  ck_assert_int_eq(common_ini_parse(buf, strlen(buf), "t", NULL, &handler, &r, &d),
                   COMMON_E_TOO_LARGE);
  /* a line longer than the maximum */
  memset(buf, '#', COMMON_INI_LINE_MAX + 1);
  ck_assert_int_eq(common_ini_parse(buf, COMMON_INI_LINE_MAX, "t", NULL, &handler, &r, &d),
                   COMMON_OK);
  ck_assert_int_eq(common_ini_parse(buf, COMMON_INI_LINE_MAX + 1, "t", NULL, &handler, &r, &d),
                   COMMON_E_TOO_LARGE);
  ck_assert_uint_eq(d.line, 1);
  free(buf);
  /* too many keys in one section */
  size_t cap = (COMMON_INI_KEYS_MAX + 2) * 16;
  char *many = malloc(cap);
  size_t o = 0;
  for (unsigned i = 0; i < COMMON_INI_KEYS_MAX + 1; i++)
    o += (size_t)snprintf(many + o, cap - o, "k%u = v\n", i);
  struct rec big = {0};
  big.o = 0;
  struct common_diag d2;
  /* the recorder's buffer fills up; only the count matters here */
  const struct common_ini_handler quiet = {NULL, NULL};
  ck_assert_int_eq(common_ini_parse(many, o, "t", NULL, &quiet, &big, &d2), COMMON_E_TOO_LARGE);
  ck_assert_uint_eq(d2.line, COMMON_INI_KEYS_MAX + 1);
  free(many);
  /* whole input too large, and a dialect's own bound */
  ck_assert_int_eq(common_ini_parse("", COMMON_INI_INPUT_MAX + 1, "t", NULL, &quiet, NULL, &d),
                   COMMON_E_TOO_LARGE);
  const struct common_ini_dialect small = {0, 8, 0, 0, 0};
  ck_assert_int_eq(common_ini_parse("a = 12345\n", 10, "t", &small, &quiet, NULL, &d),
                   COMMON_E_TOO_LARGE);
  /* empty input is fine; no handler table is not */
  ck_assert_int_eq(common_ini_parse("", 0, "t", NULL, &quiet, NULL, &d), COMMON_OK);
  ck_assert_int_eq(common_ini_parse(NULL, 0, "t", NULL, &quiet, NULL, &d), COMMON_OK);
  ck_assert_int_eq(common_ini_parse("a = 1", 5, "t", NULL, NULL, NULL, &d), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_ini_parse("a = 1", 5, "t", NULL, &quiet, NULL, NULL), COMMON_OK);
}
END_TEST

START_TEST(test_handler_stops)
{
  struct rec r = {0};
  struct common_diag d = {0};
  r.stop_at = 2;
  ck_assert_int_eq(common_ini_parse("a = 1\nb = 2\nc = 3\n", 18, "t", NULL, &handler, &r, &d),
                   COMMON_E_STOPPED);
  ck_assert_str_eq(r.out, ".a=1@1 .b=2@2 ");
  memset(&r, 0, sizeof r);
  r.stop_at = 1;
  ck_assert_int_eq(common_ini_parse("[s]\nb = 2\n", 10, "t", NULL, &handler, &r, &d),
                   COMMON_E_STOPPED);
  ck_assert_str_eq(r.out, "[s]@1 ");
}
END_TEST

START_TEST(test_numbers)
{
  uint64_t u;
  int64_t i;
  ck_assert_int_eq(common_parse_u64("0", 10, &u), COMMON_OK);
  ck_assert_uint_eq(u, 0);
  ck_assert_int_eq(common_parse_u64("18446744073709551615", UINT64_MAX, &u), COMMON_OK);
  ck_assert_uint_eq(u, UINT64_MAX);
  ck_assert_int_eq(common_parse_u64("18446744073709551616", UINT64_MAX, &u), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_u64("11", 10, &u), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_u64("9", 5, &u), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_u64("", 10, &u), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_parse_u64("+1", 10, &u), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_parse_u64(" 1", 10, &u), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_parse_u64("1x", 10, &u), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_parse_i64("-43200", -43200, 50400, &i), COMMON_OK);
  ck_assert_int_eq(i, -43200);
  ck_assert_int_eq(common_parse_i64("-43201", -43200, 50400, &i), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_i64("50401", -43200, 50400, &i), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &i), COMMON_OK);
  ck_assert(i == INT64_MIN);
  ck_assert_int_eq(common_parse_i64("-1", 0, 10, &i), COMMON_E_RANGE);
  ck_assert_int_eq(common_parse_i64("--1", -10, 10, &i), COMMON_E_SYNTAX);
}
END_TEST

START_TEST(test_read_file)
{
  char path[] = "/tmp/common_ini_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, "a = 1\n", 6), 6);
  close(fd);
  char *buf;
  size_t len;
  struct common_diag d;
  ck_assert_int_eq(common_read_file(path, 100, &buf, &len, &d), COMMON_OK);
  ck_assert_uint_eq(len, 6);
  ck_assert_str_eq(buf, "a = 1\n");
  free(buf);
  ck_assert_int_eq(common_read_file(path, 5, &buf, &len, &d), COMMON_E_TOO_LARGE);
  ck_assert_ptr_null(buf);
  unlink(path);
  ck_assert_int_eq(common_read_file(path, 100, &buf, &len, &d), COMMON_E_NOT_FOUND);
  ck_assert_str_eq(d.file, path);
  ck_assert_uint_eq(d.line, 0);
  ck_assert_int_eq(common_read_file("/tmp", 100, &buf, &len, &d), COMMON_E_IO);
  char out[600];
  ck_assert_str_eq(common_diag_format(&d, out, sizeof out), "/tmp: not a regular file");
}
END_TEST

static Suite *ini_suite(void)
{
  Suite *s = suite_create("common_ini");
  TCase *t = tcase_create("ini");
  tcase_add_test(t, test_strict_good);
  tcase_add_test(t, test_dialects);
  tcase_add_loop_test(t, test_bad_inputs, 0, sizeof bad / sizeof bad[0]);
  tcase_add_test(t, test_limits);
  tcase_add_test(t, test_handler_stops);
  tcase_add_test(t, test_numbers);
  tcase_add_test(t, test_read_file);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(ini_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
