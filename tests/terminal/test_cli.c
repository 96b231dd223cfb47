/* The kiosk program's commands: exit codes, errors naming file:line, JSON output. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "kiosk/journal.h"
#include "kiosk/revoke.h"

static char dir[256], out[65536];

static const char *bin_dir(void)
{
  const char *b = getenv("YH_BINARY_DIR");
  return b ? b : ".";
}

/* Run "kiosk ARGS" with stderr folded into out; return the exit status. */
static int kiosk(const char *args)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s/terminal/kiosk' %s 2>&1", dir, bin_dir(), args);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_file(const char *name, const char *text)
{
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-cli-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char p[300];
  snprintf(p, sizeof p, "%s/trust", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  write_file("bus.ini", "[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = b1\n"
                        "vehicle = GK-D0001\n[paths]\ntrust_store = trust\n"
                        "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2023-12-27\n");
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

START_TEST(help_everywhere)
{
  static const char *const cmds[] = {"--help",         "config --help", "sites --help",
                                     "journal --help", "revoke --help", "decide --help",
                                     "verify --help"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    ck_assert_msg(kiosk(cmds[i]) == 0, "kiosk %s: %s", cmds[i], out);
    ck_assert_msg(strstr(out, "usage") != NULL, "kiosk %s: %s", cmds[i], out);
  }
  ck_assert_int_eq(kiosk("frobnicate"), 2);
}
END_TEST

START_TEST(config_check)
{
  /* parsed, but not installable (issue 13): the 2018 window has ended, the trust store
   * is empty, a bus without a revocation list denies every card; each named */
  ck_assert_int_eq(kiosk("config check --config bus.ini"), 1);
  ck_assert_ptr_nonnull(strstr(out, "bus.ini: error: [policy] policy_end"));
  ck_assert_ptr_nonnull(strstr(out, "bus.ini: error: [paths] trust_store"));
  ck_assert_ptr_nonnull(strstr(out, "bus.ini: error: [paths] revocation"));
  write_file("bad.ini", "[terminal]\nsite = bus.yl-city-transit\nmode = gate\nterminal_id = b1\n"
                        "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2023-12-27\n");
  ck_assert_int_eq(kiosk("config check --config bad.ini"), 1);
  ck_assert_msg(strstr(out, "bad.ini:3: mode") != NULL, "%s", out);
  ck_assert_int_eq(kiosk("config defaults"), 0);
  ck_assert_ptr_nonnull(strstr(out, "policy_end = 2023-12-27"));
}
END_TEST

START_TEST(decide_flags_and_json)
{
  ck_assert_int_eq(kiosk("decide --config bus.ini --card YL20190000000184 --award donor_star --level 3 "
                         "--time '2020-06-01 10:00:00'"),
                   0);
  ck_assert_msg(strstr(out, "\"verdict\": \"GRANT\"") != NULL, "%s", out);
  ck_assert_int_eq(kiosk("decide --config bus.ini --card YL20190000000184 --award donor_star --level 3 "
                         "--time '2020-06-01 10:00:00' --last-use-ago 30"),
                   0);
  ck_assert_ptr_nonnull(strstr(out, "REPEAT_ON_VEHICLE"));
  ck_assert_ptr_nonnull(strstr(out, "该卡近期已在本车使用"));
  write_file("req.json", "{\"card_no\": \"YL20190000000281\", \"award\": \"volunteer_star\", \"level\": 5,"
                         " \"time\": \"2024-01-01 00:00:00\"}");
  ck_assert_int_eq(kiosk("decide --config bus.ini --json req.json"), 0);
  ck_assert_ptr_nonnull(strstr(out, "POLICY_ENDED"));
  write_file("bad.json", "{\"card_no\": \"YL20190000000281\", \"colour\": 1}");
  ck_assert_int_eq(kiosk("decide --config bus.ini --json bad.json"), 2);
  ck_assert_ptr_nonnull(strstr(out, "unknown member 'colour'"));
}
END_TEST

START_TEST(journal_commands)
{
  char db[300];
  snprintf(db, sizeof db, "%s/journal.db", dir);
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(db, 0, &j, &d), KIOSK_OK);
  for (int i = 0; i < 5; i++) {
    struct proto_event e;
    memset(&e, 0, sizeof e);
    e.time = 1600000000 + i;
    snprintf(e.terminal, sizeof e.terminal, "b1");
    snprintf(e.site, sizeof e.site, "bus.yl-city-transit");
    e.mode = KIOSK_MODE_BUS;
    snprintf(e.card_no, sizeof e.card_no, "YL-%d", i);
    e.kind = KIOSK_EVENT_DECISION;
    e.verdict = KIOSK_VERDICT_GRANT;
    ck_assert_int_eq(kiosk_journal_append(j, &e), KIOSK_OK);
  }
  ck_assert_int_eq(kiosk_journal_set_acked(j, 2), KIOSK_OK);
  kiosk_journal_close(j);
  ck_assert_int_eq(kiosk("journal verify --config bus.ini"), 0);
  ck_assert_ptr_nonnull(strstr(out, "5 events"));
  ck_assert_int_eq(kiosk("journal status --config bus.ini"), 0);
  ck_assert_ptr_nonnull(strstr(out, "unsent 3"));
  ck_assert_int_eq(kiosk("journal export --config bus.ini --from 2 --to 3"), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"seq\":2"));
  ck_assert_ptr_nonnull(strstr(out, "\"seq\":3"));
  ck_assert_ptr_null(strstr(out, "\"seq\":4"));
  char cmd[600];
  snprintf(cmd, sizeof cmd, "sqlite3 '%s' \"UPDATE events SET card_no = 'YL-X' WHERE seq = 4\"",
           db);
  ck_assert_int_eq(system(cmd), 0);
  ck_assert_int_eq(kiosk("journal verify --config bus.ini"), 1);
  ck_assert_msg(strstr(out, "BROKEN at seq 4") != NULL, "%s", out);
}
END_TEST

START_TEST(revoke_commands)
{
  struct proto_key *k;
  ck_assert_int_eq(kiosk_revkey_generate(&k), KIOSK_OK);
  char path[400];
  snprintf(path, sizeof path, "%s/trust/%s", dir, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(k, path), KIOSK_OK);
  struct proto_rev_entry e[] = {{"YL20190000000766", 2, KIOSK_REV_BELOW}};
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(e, 1, 3, (int64_t)time(NULL), k, &blob, &len),
                   KIOSK_OK);
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_uint_eq(fwrite(blob, 1, len, f), len);
  fclose(f);
  free(blob);
  kiosk_revkey_destroy(k);
  ck_assert_int_eq(kiosk("revoke show --list --config bus.ini"), 0);
  ck_assert_ptr_nonnull(strstr(out, "version 3"));
  ck_assert_ptr_nonnull(strstr(out, "YL20190000000766 below 2"));
  ck_assert_int_eq(kiosk("revoke lookup YL20190000000766 1 --config bus.ini"), 1);
  ck_assert_ptr_nonnull(strstr(out, "revoked"));
  ck_assert_int_eq(kiosk("revoke lookup YL20190000000766 2 --config bus.ini"), 0);
  ck_assert_ptr_nonnull(strstr(out, "not listed"));
}
END_TEST

/* The one option parser (terminal/opts.c), the same for every command of the table:
 * "--name VALUE" and "--name=VALUE", a missing value and a stray argument are usage
 * errors (exit 2) naming the command, --help and -h print the command's usage. */
START_TEST(one_option_parser)
{
  static const char *const cmds[] = {"config", "sites",  "journal", "revoke", "decide",
                                     "verify", "run",    "ctl"};
  char args[128];
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    snprintf(args, sizeof args, "%s -h", cmds[i]);
    ck_assert_msg(kiosk(args) == 0 && strstr(out, "usage: kiosk ") != NULL, "%s: %s", args, out);
    if (strcmp(cmds[i], "ctl") == 0)
      snprintf(args, sizeof args, "ctl --socket");
    else
      snprintf(args, sizeof args, "%s --config", cmds[i]);
    ck_assert_msg(kiosk(args) == 2, "%s: %s", args, out);
    char want[64];
    snprintf(want, sizeof want, "kiosk %s: --", cmds[i]);
    ck_assert_msg(strstr(out, want) && strstr(out, "needs a value"), "%s: %s", args, out);
  }
  static const char *const stray[] = {"sites --frob", "run --frob", "verify --frob",
                                      "decide --frob"};
  for (size_t i = 0; i < sizeof stray / sizeof stray[0]; i++) {
    ck_assert_msg(kiosk(stray[i]) == 2, "%s: %s", stray[i], out);
    ck_assert_msg(strstr(out, "unexpected argument '--frob'") != NULL, "%s: %s", stray[i], out);
  }
  /* both spellings of a value, in every command */
  ck_assert_int_eq(kiosk("config check --config=bus.ini"), 1);
  ck_assert_ptr_nonnull(strstr(out, "configuration has"));
  ck_assert_int_eq(kiosk("decide --config=bus.ini --award=donor_star --level 3"), 0);
  ck_assert_ptr_nonnull(strstr(out, "\"verdict\""));
  ck_assert_int_eq(kiosk("decide --config bus.ini --award=gold"), 2);
  ck_assert_ptr_nonnull(strstr(out, "unknown award 'gold'"));
  ck_assert_int_eq(kiosk("journal export --from -1 --config bus.ini"), 2);
  ck_assert_int_eq(kiosk("verify --timeout=abc --config bus.ini"), 2);
  ck_assert_ptr_nonnull(strstr(out, "kiosk verify: --timeout: expected a number"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_cli");
  TCase *tc = tcase_create("cli");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, help_everywhere);
  tcase_add_test(tc, config_check);
  tcase_add_test(tc, decide_flags_and_json);
  tcase_add_test(tc, journal_commands);
  tcase_add_test(tc, revoke_commands);
  tcase_add_test(tc, one_option_parser);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
