/* common datadir: the candidate paths as a table (pure), the environment override,
 * the build tree's link found from a program two levels down, and the bounds. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/datadir.h"

static const struct {
  const char *exe, *rel;
  unsigned up;
  int rc;
  const char *want;
} cases[] = {
    {"/usr/bin/kiosk", "../share/yulin-honour", 0, COMMON_OK, "/usr/bin/../share/yulin-honour"},
    {"/usr/sbin/centre", "../share/yulin-honour", 0, COMMON_OK,
     "/usr/sbin/../share/yulin-honour"},
    {"/b/tools/cardsim/cardsim", "../share/yulin-honour", 1, COMMON_OK,
     "/b/tools/cardsim/../../share/yulin-honour"},
    {"/kiosk", "../share/x", 0, COMMON_OK, "/../share/x"},
    {"usr/bin/kiosk", "../share/x", 0, COMMON_E_INVALID_ARG, ""},
    {"/usr/bin/kiosk", "/etc", 0, COMMON_E_INVALID_ARG, ""},
    {"/usr/bin/kiosk", "../share/x", 65, COMMON_E_BUFFER_TOO_SMALL, ""},
};

START_TEST(candidates)
{
  char out[256];
  memset(out, 'x', sizeof out);
  int rc = common_datadir_candidate(cases[_i].exe, cases[_i].rel, cases[_i].up, out,
                                    sizeof out);
  ck_assert_int_eq(rc, cases[_i].rc);
  ck_assert_str_eq(out, cases[_i].want);
}
END_TEST

START_TEST(candidate_too_small)
{
  char out[16];
  ck_assert_int_eq(common_datadir_candidate("/usr/bin/kiosk", "../share/yulin-honour", 0, out,
                                            sizeof out),
                   COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_str_eq(out, "");
  ck_assert_int_eq(common_datadir_candidate("/usr/bin/kiosk", "x", 0, NULL, 10),
                   COMMON_E_INVALID_ARG);
}
END_TEST

START_TEST(environment_first)
{
  char out[COMMON_DATADIR_PATH_MAX];
  setenv("YH_DATADIR", "/opt/yh/data", 1);
  ck_assert_int_eq(common_datadir(out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "/opt/yh/data");
  ck_assert_int_eq(common_datadir_path("sites.ini", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "/opt/yh/data/sites.ini");
  ck_assert_int_eq(common_datadir_path("sites.ini", out, 10), COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_str_eq(out, "");
  /* longer than any caller's path buffer allows */
  char big[COMMON_DATADIR_PATH_MAX + 8];
  memset(big, 'a', sizeof big - 1);
  big[0] = '/';
  big[sizeof big - 1] = '\0';
  setenv("YH_DATADIR", big, 1);
  ck_assert_int_eq(common_datadir(out, sizeof out), COMMON_E_BUFFER_TOO_SMALL);
  unsetenv("YH_DATADIR");
}
END_TEST

START_TEST(build_tree_link)
{
  /* This test runs as build/tests/common/test_common_datadir: two levels below the build
   * tree's share/yulin-honour link, which leads to the sources' assets/. */
  unsetenv("YH_DATADIR");
  char out[COMMON_DATADIR_PATH_MAX];
  ck_assert_int_eq(common_datadir_path("sites.ini", out, sizeof out), COMMON_OK);
  ck_assert_msg(access(out, R_OK) == 0, "%s not readable", out);
  ck_assert_ptr_nonnull(strstr(out, "/../../share/yulin-honour/sites.ini"));
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("common_datadir");
  TCase *tc = tcase_create("datadir");
  tcase_add_loop_test(tc, candidates, 0, (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, candidate_too_small);
  tcase_add_test(tc, environment_first);
  tcase_add_test(tc, build_tree_link);
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
