/*
 * The centre's documents reach a running terminal (issue 13), through the real programs:
 * the centre over mutual TLS on loopback with its SQLite store, centre-admin, and
 * `kiosk run` headless with netsync, driven by its control socket (kt_rig.h, no cards).
 *
 *   - a staff member added at the centre can sign in; disabled at the centre, the next
 *     roster signs them out and they can no longer sign in;
 *   - a trust document whose certificates give no issuer of the terminal's roots is
 *     refused and the one in force stays, and it holds back neither the roster nor the
 *     configuration;
 *   - a configuration document changes the revocation policy while the terminal runs;
 *   - a registry imported at the centre is in force at the terminal (doc_registry) and
 *     checked by `centre-admin terminal register`.
 * Every wait is a condition with a generous deadline (the suite runs beside stress-ng).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/revoke.h"
#include "kt_rig.h"
#include "synctest.h"

#define WAIT_MS 90000

static char dir[256], cardpki[300];
static struct synctest_centre c;
static struct kt_kiosk k;
static const char *const terms[] = {"T-GATE"};

static int admin(const char *a, const char *b, const char *c3, const char *d4, const char *e5,
                 const char *f6, const char *g7)
{
  return synctest_admin(&c, NULL, a, b, c3, d4, e5, f6, g7, (char *)NULL);
}

static void setup(void)
{
  ck_assert_int_eq(synctest_tmpdir("docs-chain", dir, sizeof dir), 0);
  ck_assert_int_eq(synctest_pki_make(dir, terms, 1), 0);
  kt_kiosk_init(&k, dir);
  snprintf(cardpki, sizeof cardpki, "%s/cardpki", dir);
  char cmd[2000];
  /* the card trust store (roots and issuers), and the centre's key for its signed lists */
  snprintf(cmd, sizeof cmd, "'%s' test-pki '%s' >/dev/null && cp '%s/sign.pub' '%s/trust/%s'",
           YHPKI_BIN, cardpki, dir, cardpki, KIOSK_TRUST_REVOCATION_KEY);
  kt_run(cmd);
  synctest_centre_init(&c, dir, "centre.db");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
}

static void teardown(void)
{
  kt_kiosk_kill(&k);
  synctest_centre_stop(&c);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void start_kiosk(void)
{
  char url[128], cfg[2400];
  synctest_centre_url(&c, url, sizeof url);
  /* No card is read here, and none must be: the default reader is the fixture's first vpcd
   * reader, where the card tests (which hold the vpcd lock, this test does not) put their
   * cards; a terminal watching it would take their cards and they its keys. */
  snprintf(cfg, sizeof cfg,
           "[terminal]\nsite = park.guishan\nmode = gate\nterminal_id = T-GATE\n"
           "reader = terminal_docs_chain: no reader\n"
           "[paths]\nsites = sites.ini\ntrust_store = cardpki/trust\njournal = journal.db\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n"
           "[sync]\nurl = %s\nca = ca.pem\ncert = T-GATE.pem\nkey = T-GATE.key\n"
           "signer = sign.pub\npoll_seconds = 1\n",
           url);
  kt_write_file(dir, "kiosk.ini", cfg);
  kt_kiosk_spawn(&k, NULL);
  ck_assert_msg(kt_status_is(&k, "doc_registry", "0", 30000) == 0 ||
                    kt_status_is(&k, "doc_registry", "1", 1000) == 0,
                "kiosk run did not come up: %s", kt_log_tail(&k));
}

static const char sites[] =
    "[park.guishan]\nname = 龟山公园\ncounty = 玉州区\nkind = park\nlevel = 3A\nmodes = gate\n"
    "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
    "operator = t\nroutes = 1 2\nvehicles = GK-D0001\n";

START_TEST(documents_reach_a_running_terminal)
{
  char line[2048], path[700], bundle[2000];
  kt_write_file(dir, "sites.ini", sites);
  /* the registry at the centre: a new bus, and terminal register checks against it */
  char reg[1024];
  snprintf(reg, sizeof reg, "%s[bus.new]\nname = 新线路\ncounty = 玉林市\nkind = bus\n"
                            "level = city\nmodes = bus\noperator = n\nroutes = 9\n"
                            "vehicles = GK-D0099\n", sites);
  kt_write_file(dir, "registry.ini", reg);
  snprintf(path, sizeof path, "%s/registry.ini", dir);
  ck_assert_int_eq(admin("registry", "import", path, NULL, NULL, NULL, NULL), 0);
  ck_assert_int_eq(admin("terminal", "register", "T-GATE", "park.guishan", NULL, NULL, NULL), 0);
  ck_assert_int_eq(admin("terminal", "register", "T-GHOST", "park.nowhere", NULL, NULL, NULL), 1);
  /* a member with a PIN, before the terminal starts */
  kt_write_file(dir, "pin", "246810\n");
  snprintf(path, sizeof path, "%s/pin", dir);
  ck_assert_int_eq(synctest_admin(&c, NULL, "staff", "add", "park.guishan", "S07", "--name",
                                  "王小明", "--pin-file", path, (char *)NULL),
                   0);
  /* a trust store with the issuers of the terminal's roots */
  snprintf(bundle, sizeof bundle, "cat '%s/trust/issuers/p256.pem' '%s/trust/issuers/sm2.pem' > "
                                  "'%s/trust-good.pem' && cp '%s/trust/roots/root.pem' "
                                  "'%s/trust-bad.pem'",
           cardpki, cardpki, dir, cardpki, dir);
  kt_run(bundle);
  snprintf(path, sizeof path, "%s/trust-good.pem", dir);
  ck_assert_int_eq(admin("doc", "set", "trust", path, NULL, NULL, NULL), 0);

  start_kiosk();
  ck_assert_msg(kt_status_is(&k, "doc_registry", "1", WAIT_MS) == 0, "registry: %s",
                kt_log_tail(&k));
  ck_assert_msg(kt_status_is(&k, "doc_trust", "1", WAIT_MS) == 0, "trust: %s", kt_log_tail(&k));
  ck_assert_msg(kt_status_is(&k, "doc_roster", "1", WAIT_MS) == 0, "roster: %s", kt_log_tail(&k));
  ck_assert_int_eq(kt_log_wait(&k, "document registry: version 1 in force (3 sites", 1000), 0);

  kt_sign_in(&k, "S07", "246810");
  ck_assert_msg(kt_status_is(&k, "staff", "S07", WAIT_MS) == 0, "not signed in (log %s)", k.log);
  ck_assert_int_eq(kt_ctl(&k, "key esc", line, sizeof line), 0);

  /* a trust store of a root alone: no issuer, refused at every poll, version 1 stays */
  snprintf(path, sizeof path, "%s/trust-bad.pem", dir);
  ck_assert_int_eq(admin("doc", "set", "trust", path, NULL, NULL, NULL), 0);
  ck_assert_msg(kt_log_wait(&k, "document trust: version 2 refused (no issuer", WAIT_MS) == 0,
                "bad trust not refused (log %s)", k.log);
  ck_assert_msg(kt_status_is(&k, "doc_trust", "1", 1000) == 0, "trust changed (log %s)", k.log);

  /* disabled at the centre: the next roster signs S07 out, and S07 cannot sign in */
  ck_assert_int_eq(admin("staff", "disable", "park.guishan", "S07", NULL, NULL, NULL), 0);
  ck_assert_msg(kt_status_is(&k, "doc_roster", "2", WAIT_MS) == 0, "roster 2 (log %s)", k.log);
  ck_assert_msg(kt_status_is(&k, "staff", "-", WAIT_MS) == 0, "still signed in (log %s)", k.log);
  ck_assert_int_eq(kt_ctl(&k, "reset", line, sizeof line), 0);
  kt_sign_in(&k, "S07", "246810");
  ck_assert_int_eq(kt_ctl(&k, "key esc", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&k, "status", line, sizeof line), 0);
  char v[64];
  ck_assert_str_eq(kt_field(line, "staff", v, sizeof v), "-");

  /* the configuration: no list, no entry, while it runs */
  kt_write_file(dir, "policy.ini", "# the centre's policy\n[policy]\nrevocation_never = deny\n"
                           "revocation_stale = deny\n");
  snprintf(path, sizeof path, "%s/policy.ini", dir);
  ck_assert_int_eq(admin("doc", "set", "config", path, NULL, NULL, NULL), 0);
  ck_assert_msg(kt_status_is(&k, "doc_config", "1", WAIT_MS) == 0, "config (log %s)", k.log);
  ck_assert_int_eq(kt_log_wait(&k, "document config: version 1 in force (revocation_stale deny, "
                           "revocation_never deny)", 1000),
                   0);
  /* one that would change who the terminal is: refused, version 1 stays */
  kt_write_file(dir, "evil.ini", "[terminal]\nterminal_id = T-OTHER\n");
  snprintf(path, sizeof path, "%s/evil.ini", dir);
  ck_assert_int_eq(admin("doc", "set", "config", path, NULL, NULL, NULL), 0);
  ck_assert_msg(kt_log_wait(&k, "document config: version 2 refused", WAIT_MS) == 0, "(log %s)",
                k.log);
  ck_assert_msg(kt_status_is(&k, "doc_config", "1", 1000) == 0, "config changed (log %s)", k.log);

  /* the terminal is still well: a clean stop */
  kt_kiosk_sigterm(&k);

  /* started again: the documents in force are read from the disk, before any sync */
  synctest_centre_stop(&c);
  start_kiosk();
  ck_assert_msg(kt_status_is(&k, "doc_config", "1", WAIT_MS) == 0, "(log %s)", k.log);
  ck_assert_msg(kt_status_is(&k, "doc_trust", "1", 1000) == 0, "(log %s)", k.log);
  ck_assert_msg(kt_status_is(&k, "doc_registry", "1", 1000) == 0, "(log %s)", k.log);
  ck_assert_msg(kt_status_is(&k, "doc_roster", "2", 1000) == 0, "(log %s)", k.log);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("terminal_docs_chain");
  TCase *tc = tcase_create("chain");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, documents_reach_a_running_terminal);
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
