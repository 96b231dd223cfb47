/* `kiosk config check` as an installer runs it (issue 13): one good installation, then
 * one broken item at a time; each must fail (exit 1) with a message naming the file and
 * the key to fix, and a warning alone must not fail. Real files: a PKI from yhpki, the
 * terminal's TLS certificate and key, a self-signed stranger made with openssl. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[256], out[65536];

static const char *bin_dir(void)
{
  const char *b = getenv("YH_BINARY_DIR");
  return b ? b : ".";
}

static void run(const char *cmd)
{
  int rc = system(cmd);
  ck_assert_msg(rc == 0, "'%s' failed (%d)", cmd, rc);
}

/* Run a shell command in dir with stderr folded into out; the exit status. */
static int sh(const char *cmd)
{
  char full[4096];
  snprintf(full, sizeof full, "cd '%s' && %s 2>&1", dir, cmd);
  FILE *p = popen(full, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-cfgcheck-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s/pki' >/dev/null", bin_dir(), dir);
  run(cmd);
  /* a certificate for this terminal's CN that the project CA never signed */
  snprintf(cmd, sizeof cmd,
           "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
           "-keyout stranger.key.pem -out stranger.pem -subj /CN=T-TEST-01 -days 30 "
           ">/dev/null 2>&1 && chmod 600 stranger.key.pem && mkdir -p empty/roots empty/issuers "
           "journal && cp pki/trust/roots/root.pem empty/roots/ && cp pki/tls/terminal-T-TEST-01.key.pem "
           "open.key.pem && chmod 644 open.key.pem",
           dir);
  run(cmd);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* One installation: the good one, with at most a few values changed. */
struct inst {
  const char *what;
  const char *reader;  /* NULL: a plain name */
  const char *fee;     /* the old consultation_fee_fen line; NULL: none */
  const char *trust;   /* NULL: pki/trust */
  const char *journal; /* NULL: journal/journal.db */
  const char *cert;    /* NULL: the terminal's */
  const char *key;     /* NULL: the terminal's */
  const char *end;     /* NULL: 2099-12-27 */
  const char *now;     /* YH_CONFIG_CHECK_NOW; NULL: the clock */
  int rc;              /* wanted exit status */
  const char *word1, *word2; /* the message must name these (file/key and problem) */
};

static const struct inst cases[] = {
    {"good", .rc = 0, .word1 = "configuration ok", .word2 = "kiosk.ini"},
    {"certificate missing", .cert = "pki/tls/nothing.pem", .rc = 1, .word1 = "[sync] cert",
     .word2 = "nothing.pem"},
    {"CN is not the terminal id", .cert = "pki/tls/server-centre.pem",
     .key = "pki/tls/server-centre.key.pem", .rc = 1, .word1 = "[sync] cert",
     .word2 = "not the terminal id"},
    {"key readable by others", .key = "open.key.pem", .rc = 1, .word1 = "[sync] key",
     .word2 = "0600"},
    {"key of another certificate", .key = "pki/tls/server-centre.key.pem", .rc = 1,
     .word1 = "[sync] key", .word2 = "does not belong"},
    {"certificate not under the CA", .cert = "stranger.pem", .key = "stranger.key.pem", .rc = 1,
     .word1 = "[sync] cert", .word2 = "does not chain"},
    {"trust store without issuers", .trust = "empty", .rc = 1, .word1 = "[paths] trust_store",
     .word2 = "no issuer"},
    {"journal in a missing directory", .journal = "nowhere/journal.db", .rc = 1,
     .word1 = "[paths] journal", .word2 = "does not exist"},
    {"quoted reader name", .reader = "\"Virtual PCD 00 00\"", .rc = 1,
     .word1 = "[terminal] reader", .word2 = "quotes"},
    {"cashier without a tariff yet: a warning", .rc = 0, .word1 = "warning",
     .word2 = "TARIFF_MISSING"},
    {"the old fee key: a warning", .fee = "1500", .rc = 0, .word1 = "consultation_fee_fen",
     .word2 = "no longer used"},
    {"policy window ended", .end = "2023-12-27", .rc = 1, .word1 = "[policy] policy_end",
     .word2 = "ended"},
    {"policy window ends in 10 days: a warning", .end = "2030-01-11",
     .now = "1893427200" /* 2030-01-01 00:00 +08:00 */, .rc = 0, .word1 = "warning",
     .word2 = "ends in 10 day"},
};

START_TEST(config_check_table)
{
  const struct inst *c = &cases[_i];
  char fee[64] = "";
  if (c->fee && c->fee[0])
    snprintf(fee, sizeof fee, "consultation_fee_fen = %s\n", c->fee);
  char text[4096], path[400];
  snprintf(text, sizeof text,
           "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = T-TEST-01\n"
           "reader = %s\n%s"
           "[paths]\ntrust_store = %s\njournal = %s\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = %s\n"
           "[sync]\nurl = https://127.0.0.1:8443\nca = pki/tls/ca.pem\ncert = %s\nkey = %s\n",
           c->reader ? c->reader : "Virtual PCD 00 00", fee, c->trust ? c->trust : "pki/trust",
           c->journal ? c->journal : "journal/journal.db", c->end ? c->end : "2099-12-27",
           c->cert ? c->cert : "pki/tls/terminal-T-TEST-01.pem",
           c->key ? c->key : "pki/tls/terminal-T-TEST-01.key.pem");
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s%s '%s/terminal/kiosk' config check --config kiosk.ini",
           c->now ? "YH_CONFIG_CHECK_NOW=" : "", c->now ? c->now : "", bin_dir());
  int rc = sh(cmd);
  ck_assert_msg(rc == c->rc, "%s: exit %d, want %d:\n%s", c->what, rc, c->rc, out);
  ck_assert_msg(strstr(out, c->word1) && strstr(out, c->word2), "%s: '%s'/'%s' not in:\n%s",
                c->what, c->word1, c->word2, out);
  if (c->rc)
    ck_assert_msg(strstr(out, "kiosk.ini: error: "), "%s: no file named:\n%s", c->what, out);
  /* nothing secret printed: no PEM block of the key */
  ck_assert_ptr_null(strstr(out, "PRIVATE KEY"));
}
END_TEST

/* Issue 13: a bus installed with a vehicle the registry does not list yet. With [sync] the
 * centre's registry will bring it: a warning; without, nothing can: an error naming the
 * key. A vehicle the registry lists, without a route: the registry's route is printed. */
static int check_bus(const char *vehicle, int sync)
{
  char text[2048], path[400], cmd[1024];
  snprintf(text, sizeof text,
           "[terminal]\nsite = bus.x\nmode = bus\nterminal_id = T-TEST-01\nvehicle = %s\n"
           "[paths]\nsites = sites.ini\ntrust_store = pki/trust\njournal = journal/journal.db\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n%s",
           vehicle,
           sync ? "[sync]\nurl = https://127.0.0.1:8443\nca = pki/tls/ca.pem\n"
                  "cert = pki/tls/terminal-T-TEST-01.pem\n"
                  "key = pki/tls/terminal-T-TEST-01.key.pem\n"
                : "");
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  snprintf(path, sizeof path, "%s/sites.ini", dir);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\n"
        "operator = o\nroutes = 1 2\nvehicles = GK-1\nvehicle_routes = GK-1:2\n",
        f);
  fclose(f);
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' config check --config kiosk.ini", bin_dir());
  return sh(cmd);
}

START_TEST(bus_vehicle_not_in_the_registry)
{
  /* (no revocation list in this installation: an error of its own on a bus, left in) */
  check_bus("GK-9", 1);
  ck_assert_msg(strstr(out, "kiosk.ini: warning: [terminal] vehicle: vehicle GK-9 not in the "
                            "registry in force (version 0): waiting for the centre's registry") &&
                    strstr(out, "REGISTRY_WAIT"),
                "%s", out);
  ck_assert_msg(!strstr(out, "error: [terminal] vehicle"), "%s", out);
  int rc = check_bus("GK-9", 0);
  ck_assert_msg(rc == 1, "exit %d:\n%s", rc, out);
  ck_assert_msg(strstr(out, "kiosk.ini: error: [terminal] vehicle: vehicle GK-9") &&
                    strstr(out, "without [sync] it never comes"),
                "%s", out);
  check_bus("GK-1", 0);
  ck_assert_msg(strstr(out, "route 2: the registry's for vehicle GK-1"), "%s", out);
  ck_assert_msg(!strstr(out, "[terminal] vehicle"), "%s", out);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("config_check");
  TCase *tc = tcase_create("install");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, config_check_table, 0, (int)(sizeof cases / sizeof cases[0]));
  tcase_add_test(tc, bus_vehicle_not_in_the_registry);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
