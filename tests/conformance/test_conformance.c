/* The conformance tool against the simulator: every valid profile passes, every
 * profile with a deliberate deviation (tools/cardsim/profiles/honour.c, enum hc_quirk,
 * and the faulty cards) gets exactly the FAIL lines its deviation calls for, and the
 * exit status says so. Through the real pcscd and vpcd, the tool as a program. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cardsim.h"
#include "hc_testlib.h"
#include "yh_fixture.h"

static struct hct_pki pki;
static FILE *report;
/* A failed case (no fork) leaves its card in: the next one takes it out first. */
static struct cardsim *left_in;

static void setup(void)
{
  hct_pki_setup(&pki);
  report = fopen(REPORT, "w");
}

static void teardown(void)
{
  if (report)
    fclose(report);
  hct_pki_teardown(&pki);
}

struct conf_case {
  const char *profile;
  int blank; /* 0 operational, 1 blank stock, 2 blank stock and --personalize */
  /* Each FAIL line must contain one of these, and each must match a FAIL line;
   * NULL-terminated, empty for a conforming card. */
  const char *fails[5];
};

static const struct conf_case cases[] = {
  {"honour-star3", 0, {NULL}},
  {"honour-star4", 0, {NULL}},
  {"honour-star5", 0, {NULL}},
  {"honour-volunteer5", 0, {NULL}},
  {"honour-volunteer-lifetime", 0, {NULL}},
  {"honour-lifetime-achievement", 0, {NULL}},
  {"honour-blank", 1, {NULL}},
  {"honour-blank", 2, {NULL}},
  {"honour-blank-quirk-write-max", 2, {"past EF.REC's maximum", NULL}},
  {"honour-blank-quirk-gap", 2, {"the gap reads 00", NULL}},
  {"honour-blank-quirk-generate", 2, {"gets past 6982 to 6A80", NULL}},
  {"honour-quirk-read-6282", 0, {"crossing the end", NULL}},
  {"honour-quirk-fci-order", 0, {"first in 6F", "second: 8A", NULL}},
  {"honour-quirk-get-response-6c", 0, {"Le 00 > what is left", NULL}},
    /* Nothing pending after the empty answer, so the GET RESPONSE after it fails too. */
  {"honour-quirk-select-no-le", 0, {"without Le: the FCI", "Le 00 > what is left", NULL}},
  {"honour-quirk-get-response-idle", 0, {"nothing pending", NULL}},
  {"honour-quirk-serial", 0, {"no C1 serial", NULL}},
  {"honour-blank-quirk-no-forget", 1, {"forgot the authentication", NULL}},
  {"honour-blank-quirk-challenge-reuse", 1,
   {"without a challenge", "after that: 6985", "wrong MAC: 63C4", "single-use", NULL}},
  {"honour-blank-quirk-counter", 1, {"went back to 5", NULL}},
  {"honour-star2", 0, {"record decodes", "trust store accepts", NULL}},
  {"honour-cloned", 0, {"card signature verifies", "trust store accepts", NULL}},
  {"honour-no-photo", 0, {"SELECT EF.PHOTO", NULL}},
};

START_TEST(test_profile)
{
  const struct conf_case *k = &cases[_i];
  uint16_t port = yh_vpcd_port();
  char reader[YH_READER_NAME_MAX], cmd[2048], line[1024], master[33];
  struct cardsim *sim = NULL;
  int matched[5] = {0}, status, fails = 0, summary = 0;
  FILE *p;

  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  if (left_in) {
    cardsim_destroy(left_in);
    left_in = NULL;
    yh_wait_reader_state(reader, 0, 10000);
  }
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  left_in = sim;
  ck_assert_msg(cardsim_insert(sim, k->profile, pki.dir) == 0, "insert %s", k->profile);
  ck_assert_int_eq(yh_wait_reader_state(reader, 1, 10000), 0);
  hct_tohex(pki.transport, 16, master);
  if (k->blank == 2)
    snprintf(cmd, sizeof cmd, "'%s' --reader '%s' --blank --personalize --pki '%s' 2>&1",
             YHCONFORM, reader, pki.dir);
  else
    snprintf(cmd, sizeof cmd, "'%s' --reader '%s' --trust '%s'%s%s 2>&1", YHCONFORM, reader,
             pki.trust_dir, k->blank ? " --blank --transport-master " : "",
             k->blank ? master : "");
  fprintf(stderr, "-- %s\n", k->profile);
  p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  if (report)
    fprintf(report, "\n$ yhconform --reader '%s'%s%s   # simulator profile %s\n", reader,
            k->blank == 2   ? " --blank --personalize --pki DIR"
            : k->blank == 1 ? " --blank --transport-master <the test stock's key>"
                            : "",
            k->blank ? "" : " --trust DIR", k->profile);
  while (fgets(line, sizeof line, p)) {
    fputs(line, stderr);
    if (report) {
      fputs(line, report);
      fflush(report);
    }
    if (strncmp(line, "summary:", 8) == 0)
      summary = 1;
    if (strncmp(line, "FAIL", 4) != 0)
      continue;
    fails++;
    int any = 0;
    for (int i = 0; k->fails[i]; i++)
      if (strstr(line, k->fails[i])) {
        matched[i] = any = 1;
      }
    ck_assert_msg(any, "%s: unexpected %s", k->profile, line);
  }
  status = pclose(p);
  for (int i = 0; k->fails[i]; i++)
    ck_assert_msg(matched[i], "%s: no FAIL for \"%s\"", k->profile, k->fails[i]);
  ck_assert_msg(summary, "%s: no summary line", k->profile);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), fails ? 1 : 0);
  ck_assert_int_eq(fails > 0, k->fails[0] != NULL);
  cardsim_remove(sim);
  yh_wait_reader_state(reader, 0, 10000);
  cardsim_destroy(sim);
  left_in = NULL;
}
END_TEST

/* Usage errors and a reader without a card exit 2, never 0. */
START_TEST(test_usage)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s' >/dev/null 2>&1", YHCONFORM);
  int st = system(cmd);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
  snprintf(cmd, sizeof cmd, "'%s' --reader 'no such reader' >/dev/null 2>&1", YHCONFORM);
  st = system(cmd);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2);
  snprintf(cmd, sizeof cmd, "'%s' --reader x --transport-master 00 >/dev/null 2>&1", YHCONFORM);
  st = system(cmd);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2); /* the key only with --blank */
  snprintf(cmd, sizeof cmd, "'%s' --reader x --personalize --pki /nonexistent >/dev/null 2>&1",
           YHCONFORM);
  st = system(cmd);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2); /* --personalize only with --blank */
  snprintf(cmd, sizeof cmd, "'%s' --reader x --blank --personalize >/dev/null 2>&1", YHCONFORM);
  st = system(cmd);
  ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2); /* ... and with --pki */
}
END_TEST

int main(void)
{
  Suite *s = suite_create("conformance.tool");
  TCase *t = tcase_create("profiles");
  tcase_add_unchecked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 120);
  tcase_add_loop_test(t, test_profile, 0, sizeof cases / sizeof cases[0]);
  tcase_add_test(t, test_usage);
  suite_add_tcase(s, t);
  SRunner *r = srunner_create(s);
  srunner_set_fork_status(r, CK_NOFORK);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
