/*
 * The HIS API's request parsers (terminal/his_req.h), table-driven: what a billing system
 * may send and what it may not (truncated, oversized, malicious), each refusal naming the
 * field and never quoting the input.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "his_req.h"

#define ID_NO "450902198506121232"

static const struct {
  const char *body;
  int ok;
  const char *says; /* in why, when refused */
} creates[] = {
    {"{\"bill\":\"MZ2026/12/01-7\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 1, NULL},
    {"{\"visit\":\"emergency\",\"fee_item\":\"consultation\",\"bill\":\"门诊123\",\"amount_fen\":1200}",
     1, NULL},
    {" {\"bill\":\"ZY.1_2\",\"visit\":\"inpatient\",\"fee_item\":\"consultation\"}\n", 1, NULL},
    {"", 0, "empty body"},
    {"{", 0, "not valid JSON"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"", 0, "not valid JSON"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}x", 0, "not valid JSON"},
    {"{\"bill\":\"MZ1\",\"bill\":\"MZ2\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0,
     "not valid JSON"},
    {"null", 0, "not valid JSON"},
    {"\"MZ1\"", 0, "not valid JSON"},
    {"[]", 0, "not a JSON object"},
    {"{}", 0, "bill: missing"},
    {"{\"bill\":\"MZ1\",\"fee_item\":\"consultation\"}", 0, "visit: missing"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\"}", 0, "fee_item: missing"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"Bill\":\"x\"}", 0,
     "unknown key"},
    {"{\"bill\":null,\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0, "bill: must be a string"},
    {"{\"bill\":[\"MZ1\"],\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0, "bill: must be"},
    {"{\"bill\":\"MZ1\",\"visit\":1,\"fee_item\":\"consultation\"}", 0, "visit: must be a string"},
    {"{\"bill\":\"MZ1\",\"visit\":\"Outpatient\",\"fee_item\":\"consultation\"}", 0, "visit: must be"},
    {"{\"bill\":\"" ID_NO "\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0,
     "not shaped like an ID number"},
    {"{\"bill\":\"MZ 1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0, "bill:"},
    {"{\"bill\":\"MZ|1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0, "bill:"},
    {"{\"bill\":\"\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0, "bill:"},
    {"{\"bill\":\"MZ1\\u0000" ID_NO "\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 0,
     "not valid JSON"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"" ID_NO "\"}", 0, "fee_item:"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"a/b\"}", 0, "fee_item:"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"registration\"}", 0,
     "fee_item: only consultation"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":0}", 0,
     "amount_fen: must be 1.."},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":10000001}", 0,
     "amount_fen: must be 1.."},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":\"1200\"}", 0,
     "amount_fen: must be an integer"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":12.0}", 0,
     "amount_fen: must be an integer"},
    {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":-5}", 0,
     "amount_fen"},
};

START_TEST(create_table)
{
  const char *b = creates[_i].body;
  struct term_his_create c;
  char why[200] = "";
  int rc = term_his_parse_create(b, strlen(b), &c, why, sizeof why);
  ck_assert_msg((rc == 0) == creates[_i].ok, "case %d: rc %d (%s)", _i, rc, why);
  if (!creates[_i].ok) {
    ck_assert_msg(strstr(why, creates[_i].says), "case %d: '%s' lacks '%s'", _i, why,
                  creates[_i].says);
    ck_assert_msg(!strstr(why, "4509021985"), "case %d quotes the input: %s", _i, why);
    ck_assert_msg(!strstr(why, "MZ"), "case %d quotes the input: %s", _i, why);
    ck_assert_str_eq(c.bill, "");
  }
}
END_TEST

START_TEST(create_values)
{
  const char *b =
      "{\"visit\":\"emergency\",\"fee_item\":\"consultation\",\"bill\":\"门诊123\",\"amount_fen\":1200}";
  struct term_his_create c;
  char why[200];
  ck_assert_int_eq(term_his_parse_create(b, strlen(b), &c, why, sizeof why), 0);
  ck_assert_str_eq(c.bill, "门诊123");
  ck_assert_int_eq(c.visit, 3);
  ck_assert_str_eq(c.fee_item, "consultation");
  ck_assert_int_eq(c.amount_fen, 1200);
  /* a body is read by its length, not up to a NUL: the rest of a buffer is not read */
  ck_assert_int_ne(term_his_parse_create(b, 10, &c, why, sizeof why), 0);
}
END_TEST

START_TEST(oversized_and_deep)
{
  static char big[TERM_HIS_BODY_MAX + 64];
  char why[200];
  struct term_his_create c;
  /* one byte over: refused before parsing */
  int n = snprintf(big, sizeof big, "{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}");
  memset(big + n, ' ', sizeof big - (size_t)n);
  ck_assert_int_eq(term_his_parse_create(big, TERM_HIS_BODY_MAX, &c, why, sizeof why), 0);
  ck_assert_int_ne(term_his_parse_create(big, TERM_HIS_BODY_MAX + 1, &c, why, sizeof why), 0);
  ck_assert_msg(strstr(why, "larger than 4096"), "%s", why);
  /* nesting within the limit, under an unknown key: refused, no crash */
  size_t k = 0;
  k += (size_t)snprintf(big, sizeof big, "{\"bill\":\"MZ1\",\"x\":");
  for (int i = 0; i < 1500; i++)
    big[k++] = '[';
  for (int i = 0; i < 1500; i++)
    big[k++] = ']';
  big[k++] = '}';
  ck_assert_int_ne(term_his_parse_create(big, k, &c, why, sizeof why), 0);
  /* a long bill: over 63 bytes */
  n = snprintf(big, sizeof big, "{\"bill\":\"%064d\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", 7);
  ck_assert_int_ne(term_his_parse_create(big, (size_t)n, &c, why, sizeof why), 0);
  ck_assert_msg(strstr(why, "bill:"), "%s", why);
}
END_TEST

START_TEST(void_body)
{
  struct term_his_void v;
  char why[200];
  const char *ok = "{\"reason\":\"bill_cancelled\"}";
  ck_assert_int_eq(term_his_parse_void(ok, strlen(ok), &v, why, sizeof why), 0);
  ck_assert_str_eq(v.reason, "bill_cancelled");
  static const char *const bad[] = {"{}", "{\"reason\":\"\"}", "{\"reason\":\"bill cancelled\"}",
                                    "{\"reason\":\"" ID_NO "\"}", "{\"reason\":1}",
                                    "{\"reason\":\"x\",\"staff\":\"S01\"}", "{\"reason\":\"x\""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(term_his_parse_void(bad[i], strlen(bad[i]), &v, why, sizeof why) != 0, "%s",
                  bad[i]);
    ck_assert(!strstr(why, "4509021985"));
  }
}
END_TEST

START_TEST(query)
{
  struct term_his_query q;
  char why[200];
  const unsigned W = TERM_HIS_Q_WAIT, D = TERM_HIS_Q_DAY;
  ck_assert_int_eq(term_his_parse_query(NULL, W, &q, why, sizeof why), 0);
  ck_assert_int_eq(q.wait_s, TERM_HIS_WAIT_DEFAULT_S);
  ck_assert_int_eq(term_his_parse_query("wait=0", W, &q, why, sizeof why), 0);
  ck_assert_int_eq(q.wait_s, 0);
  ck_assert_int_eq(term_his_parse_query("wait=120", W, &q, why, sizeof why), 0);
  ck_assert_int_eq(term_his_parse_query("day=2026-12-02", D, &q, why, sizeof why), 0);
  ck_assert_uint_eq(q.given, D);
  static const struct {
    const char *q;
    unsigned allowed;
  } bad[] = {{"wait=121", 1}, {"wait=-1", 1}, {"wait=", 1},         {"wait=01", 1},
             {"wait", 1},     {"wait=1&", 1}, {"wait=1&wait=2", 1}, {"day=2026-12-02", 1},
             {"wait=5", 2},   {"day=2026-02-30", 2}, {"day=20261202", 2}, {"x=1", 3},
             {"wait=99999999999999999999", 1}, {"&", 1}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(term_his_parse_query(bad[i].q, bad[i].allowed, &q, why, sizeof why) != 0, "%s",
                  bad[i].q);
  static char longq[400];
  memset(longq, 'a', sizeof longq - 1);
  ck_assert_int_ne(term_his_parse_query(longq, W, &q, why, sizeof why), 0);
}
END_TEST

START_TEST(paths)
{
  uint64_t id;
  ck_assert_int_eq(term_his_parse_path("/v1/waivers", &id), TERM_HIS_ROUTE_WAIVERS);
  ck_assert_int_eq(term_his_parse_path("/v1/waivers/42", &id), TERM_HIS_ROUTE_WAIVER);
  ck_assert_uint_eq(id, 42);
  ck_assert_int_eq(term_his_parse_path("/v1/waivers/42/void", &id), TERM_HIS_ROUTE_WAIVER_VOID);
  ck_assert_int_eq(term_his_parse_path("/v1/requests/7", &id), TERM_HIS_ROUTE_REQUEST);
  ck_assert_uint_eq(id, 7);
  static const char *const none[] = {"/", "/v1/waivers/", "/v1/waivers/0", "/v1/waivers/042",
                                     "/v1/waivers/-1", "/v1/waivers/1/", "/v1/waivers/1/voids",
                                     "/v1/waivers/1%2Fvoid", "/v1/waivers/9007199254740993",
                                     "/v1/requests/", "/v1/requests/0", "/v1/Waivers",
                                     "/v1/waivers/1/void/x", "/v1/waiversx", NULL};
  for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
    ck_assert_msg(term_his_parse_path(none[i], &id) == TERM_HIS_ROUTE_NONE, "%s", none[i]);
    ck_assert_uint_eq(id, 0);
  }
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_his_parse");
  TCase *tc = tcase_create("parse");
  tcase_add_loop_test(tc, create_table, 0, (int)(sizeof creates / sizeof creates[0]));
  tcase_add_test(tc, create_values);
  tcase_add_test(tc, oversized_and_deep);
  tcase_add_test(tc, void_body);
  tcase_add_test(tc, query);
  tcase_add_test(tc, paths);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
