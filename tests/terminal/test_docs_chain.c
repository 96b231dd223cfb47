/*
 * The centre's documents reach a running terminal (issue 13), through the real programs:
 * the centre over mutual TLS on loopback with its SQLite store, centre-admin, and
 * `kiosk run` headless with netsync, driven by its control socket.
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
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/revoke.h"
#include "synctest.h"

#define WAIT_MS 90000

static char dir[256], sock[300], logpath[300], cardpki[300];
static struct synctest_centre c;
static pid_t kid = -1;
static const char *const terms[] = {"T-GATE"};

static void run(const char *cmd)
{
  ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

static void write_text(const char *name, const char *text)
{
  char p[700];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static int ctl(const char *cmd, char *out, size_t cap)
{
  out[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  ck_assert_uint_lt(strlen(sock), sizeof sa.sun_path);
  memcpy(sa.sun_path, sock, strlen(sock));
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  char line[512];
  int n = snprintf(line, sizeof line, "%s\n", cmd);
  ck_assert_int_eq(write(fd, line, (size_t)n), n);
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, out + got, cap - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    if (memchr(out, '\n', got) || got == cap - 1)
      break;
  }
  close(fd);
  out[got] = '\0';
  out[strcspn(out, "\n")] = '\0';
  return strncmp(out, "ok", 2) == 0 ? 0 : 1;
}

static const char *field(const char *line, const char *name, char *buf, size_t cap)
{
  char key[64];
  snprintf(key, sizeof key, " %s=", name);
  const char *p = strstr(line, key);
  buf[0] = '\0';
  if (!p)
    return buf;
  p += strlen(key);
  size_t n = strcspn(p, " ");
  if (n >= cap)
    n = cap - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

static int status_is(const char *name, const char *value, int timeout_ms)
{
  uint64_t end = synctest_now_ms() + (uint64_t)timeout_ms;
  char line[2048], v[128];
  do {
    if (ctl("status", line, sizeof line) == 0 && strcmp(field(line, name, v, sizeof v), value) == 0)
      return 0;
    usleep(100 * 1000);
  } while (synctest_now_ms() < end);
  return -1;
}

static int log_has(const char *needle, int timeout_ms)
{
  uint64_t end = synctest_now_ms() + (uint64_t)timeout_ms;
  do {
    FILE *f = fopen(logpath, "r");
    char line[2048];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
      found = strstr(line, needle) != NULL;
    if (f)
      fclose(f);
    if (found)
      return 0;
    usleep(100 * 1000);
  } while (synctest_now_ms() < end);
  return -1;
}

/* The log's last lines, for a failure's message. */
static const char *log_tail(void)
{
  static char buf[3000];
  buf[0] = '\0';
  FILE *f = fopen(logpath, "r");
  if (!f)
    return "(no log)";
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, n > 2900 ? n - 2900 : 0, SEEK_SET);
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  buf[got] = '\0';
  fclose(f);
  return buf;
}

static void sign_in(const char *id, const char *pin)
{
  char line[2048], cmd[64];
  ck_assert_int_eq(ctl("key f12", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "type %s", id);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "type %s", pin);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
}

static int admin(const char *a, const char *b, const char *c3, const char *d4, const char *e5,
                 const char *f6, const char *g7)
{
  return synctest_admin(&c, NULL, a, b, c3, d4, e5, f6, g7, (char *)NULL);
}

static void setup(void)
{
  ck_assert_int_eq(synctest_tmpdir("docs-chain", dir, sizeof dir), 0);
  ck_assert_int_eq(synctest_pki_make(dir, terms, 1), 0);
  snprintf(sock, sizeof sock, "%s/kiosk.sock", dir);
  snprintf(logpath, sizeof logpath, "%s/kiosk.log", dir);
  snprintf(cardpki, sizeof cardpki, "%s/cardpki", dir);
  char cmd[2000];
  /* the card trust store (roots and issuers), and the centre's key for its signed lists */
  snprintf(cmd, sizeof cmd, "'%s' test-pki '%s' >/dev/null && cp '%s/sign.pub' '%s/trust/%s'",
           YHPKI_BIN, cardpki, dir, cardpki, KIOSK_TRUST_REVOCATION_KEY);
  run(cmd);
  synctest_centre_init(&c, dir, "centre.db");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
}

static void teardown(void)
{
  if (kid > 0) {
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    kid = -1;
  }
  synctest_centre_stop(&c);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void start_kiosk(void)
{
  char url[128], cfg[2400], bin[400], path[700];
  synctest_centre_url(&c, url, sizeof url);
  snprintf(cfg, sizeof cfg,
           "[terminal]\nsite = park.guishan\nmode = gate\nterminal_id = T-GATE\n"
           "[paths]\nsites = sites.ini\ntrust_store = cardpki/trust\njournal = journal.db\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n"
           "[sync]\nurl = %s\nca = ca.pem\ncert = T-GATE.pem\nkey = T-GATE.key\n"
           "signer = sign.pub\npoll_seconds = 1\n",
           url);
  write_text("kiosk.ini", cfg);
  snprintf(bin, sizeof bin, "%s", KIOSK_BIN);
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  kid = fork();
  ck_assert_int_ge(kid, 0);
  if (kid == 0) {
    int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    execl(bin, bin, "run", "--config", path, "--control", sock, (char *)NULL);
    _exit(127);
  }
  ck_assert_msg(status_is("doc_registry", "0", 30000) == 0 ||
                    status_is("doc_registry", "1", 1000) == 0,
                "kiosk run did not come up: %s", log_tail());
}

static const char sites[] =
    "[park.guishan]\nname = 龟山公园\ncounty = 玉州区\nkind = park\nlevel = 3A\nmodes = gate\n"
    "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
    "operator = t\nroutes = 1 2\nvehicles = GK-D0001\n";

START_TEST(documents_reach_a_running_terminal)
{
  char line[2048], path[700], bundle[2000];
  write_text("sites.ini", sites);
  /* the registry at the centre: a new bus, and terminal register checks against it */
  char reg[1024];
  snprintf(reg, sizeof reg, "%s[bus.new]\nname = 新线路\ncounty = 玉林市\nkind = bus\n"
                            "level = city\nmodes = bus\noperator = n\nroutes = 9\n"
                            "vehicles = GK-D0099\n", sites);
  write_text("registry.ini", reg);
  snprintf(path, sizeof path, "%s/registry.ini", dir);
  ck_assert_int_eq(admin("registry", "import", path, NULL, NULL, NULL, NULL), 0);
  ck_assert_int_eq(admin("terminal", "register", "T-GATE", "park.guishan", NULL, NULL, NULL), 0);
  ck_assert_int_eq(admin("terminal", "register", "T-GHOST", "park.nowhere", NULL, NULL, NULL), 1);
  /* a member with a PIN, before the terminal starts */
  write_text("pin", "246810\n");
  snprintf(path, sizeof path, "%s/pin", dir);
  ck_assert_int_eq(synctest_admin(&c, NULL, "staff", "add", "park.guishan", "S07", "--name",
                                  "王小明", "--pin-file", path, (char *)NULL),
                   0);
  /* a trust store with the issuers of the terminal's roots */
  snprintf(bundle, sizeof bundle, "cat '%s/trust/issuers/p256.pem' '%s/trust/issuers/sm2.pem' > "
                                  "'%s/trust-good.pem' && cp '%s/trust/roots/root.pem' "
                                  "'%s/trust-bad.pem'",
           cardpki, cardpki, dir, cardpki, dir);
  run(bundle);
  snprintf(path, sizeof path, "%s/trust-good.pem", dir);
  ck_assert_int_eq(admin("doc", "set", "trust", path, NULL, NULL, NULL), 0);

  start_kiosk();
  ck_assert_msg(status_is("doc_registry", "1", WAIT_MS) == 0, "registry: %s", log_tail());
  ck_assert_msg(status_is("doc_trust", "1", WAIT_MS) == 0, "trust: %s", log_tail());
  ck_assert_msg(status_is("doc_roster", "1", WAIT_MS) == 0, "roster: %s", log_tail());
  ck_assert_int_eq(log_has("document registry: version 1 in force (3 sites", 1000), 0);

  sign_in("S07", "246810");
  ck_assert_msg(status_is("staff", "S07", WAIT_MS) == 0, "not signed in (log %s)", logpath);
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);

  /* a trust store of a root alone: no issuer, refused at every poll, version 1 stays */
  snprintf(path, sizeof path, "%s/trust-bad.pem", dir);
  ck_assert_int_eq(admin("doc", "set", "trust", path, NULL, NULL, NULL), 0);
  ck_assert_msg(log_has("document trust: version 2 refused (no issuer", WAIT_MS) == 0,
                "bad trust not refused (log %s)", logpath);
  ck_assert_msg(status_is("doc_trust", "1", 1000) == 0, "trust changed (log %s)", logpath);

  /* disabled at the centre: the next roster signs S07 out, and S07 cannot sign in */
  ck_assert_int_eq(admin("staff", "disable", "park.guishan", "S07", NULL, NULL, NULL), 0);
  ck_assert_msg(status_is("doc_roster", "2", WAIT_MS) == 0, "roster 2 (log %s)", logpath);
  ck_assert_msg(status_is("staff", "-", WAIT_MS) == 0, "still signed in (log %s)", logpath);
  ck_assert_int_eq(ctl("reset", line, sizeof line), 0);
  sign_in("S07", "246810");
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);
  ck_assert_int_eq(ctl("status", line, sizeof line), 0);
  char v[64];
  ck_assert_str_eq(field(line, "staff", v, sizeof v), "-");

  /* the configuration: no list, no entry, while it runs */
  write_text("policy.ini", "# the centre's policy\n[policy]\nrevocation_never = deny\n"
                           "revocation_stale = deny\n");
  snprintf(path, sizeof path, "%s/policy.ini", dir);
  ck_assert_int_eq(admin("doc", "set", "config", path, NULL, NULL, NULL), 0);
  ck_assert_msg(status_is("doc_config", "1", WAIT_MS) == 0, "config (log %s)", logpath);
  ck_assert_int_eq(log_has("document config: version 1 in force (revocation_stale deny, "
                           "revocation_never deny)", 1000),
                   0);
  /* one that would change who the terminal is: refused, version 1 stays */
  write_text("evil.ini", "[terminal]\nterminal_id = T-OTHER\n");
  snprintf(path, sizeof path, "%s/evil.ini", dir);
  ck_assert_int_eq(admin("doc", "set", "config", path, NULL, NULL, NULL), 0);
  ck_assert_msg(log_has("document config: version 2 refused", WAIT_MS) == 0, "(log %s)", logpath);
  ck_assert_msg(status_is("doc_config", "1", 1000) == 0, "config changed (log %s)", logpath);

  /* the terminal is still well: a clean stop */
  ck_assert_int_eq(kill(kid, SIGTERM), 0);
  int st = 0;
  uint64_t end = synctest_now_ms() + 30000;
  pid_t w;
  while ((w = waitpid(kid, &st, WNOHANG)) == 0 && synctest_now_ms() < end)
    usleep(50 * 1000);
  ck_assert_int_eq(w, kid);
  kid = -1;
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d (log %s)", st, logpath);

  /* started again: the documents in force are read from the disk, before any sync */
  synctest_centre_stop(&c);
  start_kiosk();
  ck_assert_msg(status_is("doc_config", "1", WAIT_MS) == 0, "(log %s)", logpath);
  ck_assert_msg(status_is("doc_trust", "1", 1000) == 0, "(log %s)", logpath);
  ck_assert_msg(status_is("doc_registry", "1", 1000) == 0, "(log %s)", logpath);
  ck_assert_msg(status_is("doc_roster", "2", 1000) == 0, "(log %s)", logpath);
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
