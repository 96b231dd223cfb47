/*
 * The console's browser test, the real parts around the browser (docs/console.md,
 * "Tests"): a PKI, the real `centre` with its console on loopback, a hospital terminal
 * (kiosk's journal + netsync) uploading events and fetching revocation lists, a park
 * terminal that never syncs (a silent one), accounts made by `centre-admin account`;
 * then the Node script (puppeteer-core driving Debian's Chromium) does what people do
 * in the browser, and after it this program checks that the card the station revoked in
 * the console reached the terminal's revocation list through netsync.
 *
 *   browser_harness SCRIPT.js SHOT_DIR
 * Exit 0 pass, 1 fail, 77 skipped (no node, Chromium or node_modules: ctest SKIP).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/revoke.h"
#include "netsync/netsync.h"
#include "synctest.h"

#define CARD "YL20190200004290"
#define HOSPITAL "hosp.yl-first-people"
#define PARK "park.yl-museum"

struct term_revs {
  struct kiosk_revlist *rl;
  struct proto_key *key;
  char bundle[700];
  pthread_mutex_t mu;
};

static int tr_version(void *ctx, uint64_t *v)
{
  struct term_revs *t = ctx;
  pthread_mutex_lock(&t->mu);
  *v = kiosk_revlist_version(t->rl);
  pthread_mutex_unlock(&t->mu);
  return 0;
}

static int tr_apply(void *ctx, const uint8_t *list, size_t len, int is_delta)
{
  struct term_revs *t = ctx;
  struct kiosk_diag d;
  int rc;
  (void)is_delta;
  pthread_mutex_lock(&t->mu);
  rc = kiosk_revlist_commit(t->rl, t->bundle, list, len, t->key, &d);
  pthread_mutex_unlock(&t->mu);
  return rc == KIOSK_OK ? 0 : -1;
}

static const struct netsync_sink_ops tr_ops = {tr_version, tr_apply, NULL, NULL, NULL};

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

#define FAIL(...)                                                                        \
  do {                                                                                   \
    fprintf(stderr, "browser_harness: " __VA_ARGS__);                                    \
    fputc('\n', stderr);                                                                 \
    goto out;                                                                            \
  } while (0)

static int write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fputs(text, f);
  return fclose(f);
}

/* Read a small file's first line (the console's port). */
static unsigned read_port(const char *path, unsigned timeout_ms)
{
  uint64_t deadline = synctest_now_ms() + timeout_ms;
  do {
    FILE *f = fopen(path, "r");
    unsigned port = 0;
    if (f) {
      int ok = fscanf(f, "%u", &port) == 1;
      fclose(f);
      if (ok && port)
        return port;
    }
    sleep_ms(50);
  } while (synctest_now_ms() < deadline);
  return 0;
}

static int account(const struct synctest_centre *c, const char *login, const char *role,
                   const char *pwfile)
{
  return synctest_admin(c, NULL, "account", "add", login, "--role", role, "--password-file", pwfile,
                        NULL);
}

int main(int argc, char **argv)
{
  const char *src = getenv("YH_SOURCE_DIR");
  struct synctest_centre c;
  struct synctest_journal *j = NULL;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns = NULL;
  static struct term_revs t;
  struct kiosk_diag d;
  static const char *const terms[] = {"T01", "T02"};
  char dir[512], path[1200], url[128], jpath[700], pub[700], modules[1200];
  unsigned port;
  int rc = 1, status;
  uint64_t deadline;
  pid_t pid;

  if (argc != 3 || !src)
    return 2;
  snprintf(modules, sizeof modules, "%s/tests/browser/node_modules/puppeteer-core", src);
  if (access("/usr/bin/chromium", X_OK) != 0 || access(modules, R_OK) != 0 ||
      system("node --version >/dev/null 2>&1") != 0) {
    fprintf(stderr, "browser_harness: SKIP: needs /usr/bin/chromium, node and "
                    "tests/browser/node_modules (tools/setup.sh runs npm ci)\n");
    return 77;
  }
  pthread_mutex_init(&t.mu, NULL);
  if (synctest_tmpdir("console", dir, sizeof dir) != 0 || synctest_pki_make(dir, terms, 2) != 0)
    FAIL("cannot make the PKI");
  synctest_centre_init(&c, dir, "centre.db");
  if ((size_t)snprintf(c.conf_extra, sizeof c.conf_extra,
           "[reports]\nsites = %s/assets/sites.ini\n"
           "[console]\nlisten = 127.0.0.1:0\ncert = %s/server.pem\nkey = %s/server.key\n"
           "port_file = %s/console.port\nassets = %s/assets/console\n",
           src, dir, dir, dir, src) >= sizeof c.conf_extra)
    FAIL("the paths are too long for the centre's configuration");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  if (synctest_centre_start(&c, NULL) != 0)
    FAIL("the centre did not start (log %s)", c.log_path);
  snprintf(path, sizeof path, "%s/console.port", dir);
  port = read_port(path, 60000);
  if (!port)
    FAIL("the console did not listen (log %s)", c.log_path);
  if (synctest_admin(&c, NULL, "terminal", "register", "T01", HOSPITAL, NULL) != 0 ||
      synctest_admin(&c, NULL, "terminal", "register", "T02", PARK, NULL) != 0 ||
      synctest_admin(&c, NULL, "card", "register", CARD, "--generation", "0", "--award",
                     "donor_star", "--level", "3", "--round", "2018", "--issued", "2019-02-01",
                     "--not-after", "2029-02-01", "--issuer", "0123456789abcdef", NULL) != 0)
    FAIL("centre-admin terminal/card register failed");
  /* the accounts, passwords from files as an operator would */
  snprintf(path, sizeof path, "%s/pw", dir);
  if (write_file(path, "correct horse battery\n") != 0 ||
      account(&c, "fin", "finance", path) != 0 || account(&c, "sta", "station", path) != 0 ||
      account(&c, "ops", "operations", path) != 0 || account(&c, "adm", "admin", path) != 0 ||
      account(&c, "victim", "finance", path) != 0)
    FAIL("centre-admin account add failed");
  if (synctest_admin(&c, NULL, "account", "add", "bad", "--role", "root", "--password-file", path,
                     NULL) != 2)
    FAIL("an unknown role was not a usage error");

  /* the hospital terminal: events up, revocation lists down */
  snprintf(pub, sizeof pub, "%s/sign.pub", dir);
  if (kiosk_revkey_load_public(pub, &t.key, &d) != KIOSK_OK ||
      kiosk_revlist_create(&t.rl) != KIOSK_OK)
    FAIL("kiosk revocation list set-up failed");
  snprintf(t.bundle, sizeof t.bundle, "%s/revocations.bundle", dir);
  snprintf(jpath, sizeof jpath, "%s/journal.db", dir);
  if (synctest_journal_open(jpath, "T01", HOSPITAL, &j) != 0 ||
      synctest_journal_append(j, 90) != 0)
    FAIL("journal set-up failed");
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.trace = quiet;
  cfg.poll_ms = 100;
  if (netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j), &tr_ops, &t,
                     &ns) != NETSYNC_OK ||
      netsync_start(ns) != NETSYNC_OK)
    FAIL("netsync did not start");
  deadline = synctest_now_ms() + 120000; /* generous: a loaded machine */
  while (synctest_centre_count(&c, "T01") < 90 && synctest_now_ms() < deadline)
    sleep_ms(50);
  if (synctest_centre_count(&c, "T01") < 90)
    FAIL("the events did not arrive at the centre");

  /* the browser part */
  snprintf(url, sizeof url, "https://127.0.0.1:%u", port);
  setenv("CONSOLE_URL", url, 1);
  setenv("CONSOLE_PASSWORD", "correct horse battery", 1);
  setenv("CONSOLE_CARD", CARD, 1);
  setenv("CONSOLE_HOSPITAL", HOSPITAL, 1);
  setenv("SHOT_DIR", argv[2], 1);
  mkdir(argv[2], 0755);
  fflush(NULL);
  pid = fork();
  if (pid == 0) {
    execlp("node", "node", argv[1], (char *)NULL);
    _exit(127);
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    FAIL("the browser script failed (centre log %s)", c.log_path);

  /* the revoke the station made in the browser reaches the terminal */
  deadline = synctest_now_ms() + 120000;
  for (;;) {
    struct kiosk_rev_lookup l;
    pthread_mutex_lock(&t.mu);
    kiosk_revlist_lookup(t.rl, CARD, 0, &l);
    pthread_mutex_unlock(&t.mu);
    if (l.status == KIOSK_REV_REVOKED)
      break;
    if (synctest_now_ms() >= deadline)
      FAIL("the console's revoke did not reach the terminal's revocation list");
    sleep_ms(50);
  }
  printf("browser_harness: the console's revoke reached T01's revocation list\n");
  rc = 0;
out:
  netsync_destroy(ns);
  synctest_journal_close(j);
  if (c.pid > 0 && synctest_centre_stop(&c) != 0 && rc == 0) {
    fprintf(stderr, "browser_harness: the centre did not stop cleanly\n");
    rc = 1;
  }
  kiosk_revlist_destroy(t.rl);
  kiosk_revkey_destroy(t.key);
  if (rc == 0 && !getenv("YH_TEST_KEEP")) {
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    if (system(path) != 0)
      fprintf(stderr, "browser_harness: could not remove %s\n", dir);
  }
  return rc;
}
