/*
 * A HIS-made waiver followed to the centre (issue 12, items 3, 6 and 7), through the real
 * programs only: the centre over mutual TLS on loopback with its SQLite store and
 * centre-admin; `kiosk run` headless in cashier mode with its HIS listener and netsync
 * syncing to that centre; pcscd, vpcd and the card simulator with the honour card and the
 * holder's social security card; the reference client `kiosk his` as the hospital's
 * billing system.
 *
 *   - the tariff comes from the centre (centre-admin tariff set, fetched by netsync);
 *   - create -> cards -> GRANT with the journal seq, by the signed-in staff member;
 *   - the same bill again while the waiver stands: DENY, BILL_ALREADY_WAIVED;
 *   - void by the staff member; the same bill again after the void: GRANT (a voided
 *     waiver waived nothing: docs/his-api.md, "A bill waived again after a void");
 *   - once the terminal has uploaded (waited on: the centre holds the events),
 *     `centre-admin report bills` lists both waivers with the staff id and the first one's
 *     void, `report statement` counts one waiver and one void, no duplicate;
 *   - the holder's ID number and name are in neither the kiosk log, the journal file, nor
 *     the centre's store (what was uploaded).
 * Every wait is a condition with a generous deadline (the suite runs beside stress-ng).
 */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardsim.h"
#include "kiosk/revoke.h"
#include "synctest.h"
#include "yh_fixture.h"

#define H1 "hosp.yl-first-people"
#define HOLDER_ID "450902198506121232"
#define HOLDER_NAME "\xe5\xbc\xa0\xe6\x99\x93\xe6\x98\x8e" /* 张晓明, UTF-8 */
#define HOLDER_NAME_GBK "\xd5\xc5\xcf\xfe\xc3\xf7"       /* as the SSC carries it */
#define TOKEN "his-sync-token-0123456789abcdef"
#define BILL "MZ2026/12/02-42"
#define WAIT_MS 90000

static char dir[256], cardpki[320], sock[320], hsock[320], logpath[320], tokpath[320];
static char reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static struct cardsim *sim, *sim2;
static struct synctest_centre c;
static pid_t kid = -1;
static const char *const terms[] = {"c1"};

static void run(const char *cmd)
{
  ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

static void setup(void)
{
  ck_assert_int_eq(synctest_tmpdir("his-sync", dir, sizeof dir), 0);
  ck_assert_int_eq(synctest_pki_make(dir, terms, 1), 0);
  snprintf(cardpki, sizeof cardpki, "%s/cardpki", dir);
  snprintf(sock, sizeof sock, "%s/kiosk.sock", dir);
  snprintf(hsock, sizeof hsock, "%s/his.sock", dir);
  snprintf(logpath, sizeof logpath, "%s/kiosk.log", dir);
  snprintf(tokpath, sizeof tokpath, "%s/his.token", dir);
  /* the card trust store, with the centre's key for its signed revocation lists */
  char cmd[1400];
  snprintf(cmd, sizeof cmd,
           "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null && cp '%s/sign.pub' '%s/trust/%s'",
           yh_binary_dir(), cardpki, dir, cardpki, KIOSK_TRUST_REVOCATION_KEY);
  run(cmd);
  int fd = open(tokpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, TOKEN "\n", sizeof TOKEN), (ssize_t)sizeof TOKEN);
  close(fd);

  synctest_centre_init(&c, dir, "centre.db");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  snprintf(c.conf_extra, sizeof c.conf_extra, "[reports]\nsites = %s/assets/sites.ini\n",
           getenv("YH_SOURCE_DIR") ? getenv("YH_SOURCE_DIR") : ".");
  ck_assert_msg(synctest_centre_start(&c, NULL) == 0, "centre did not start");

  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port + 1), reader2, sizeof reader2), 0);
  setenv("YH_PKI_DIR", cardpki, 1);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + 1), &sim2), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
}

static void teardown(void)
{
  if (kid > 0) {
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    kid = -1;
  }
  cardsim_destroy(sim);
  cardsim_destroy(sim2);
  yh_wait_reader_state(reader, 0, 5000);
  yh_wait_reader_state(reader2, 0, 5000);
  synctest_centre_stop(&c);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* One control command; the reply line into out. 0 for "ok". */
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
  uint64_t end = yh_now_ms() + (uint64_t)timeout_ms;
  char line[2048], v[128];
  do {
    if (ctl("status", line, sizeof line) == 0 && strcmp(field(line, name, v, sizeof v), value) == 0)
      return 0;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return -1;
}

/* The whole file as a string (binary files: searched with memmem), NULL when absent. */
static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(p);
  size_t got = fread(p, 1, (size_t)n, f);
  fclose(f);
  p[got] = '\0';
  *len = got;
  return p;
}

static int file_has(const char *path, const char *needle)
{
  size_t len;
  char *p = slurp(path, &len);
  if (!p)
    return 0;
  int found = memmem(p, len, needle, strlen(needle)) != NULL;
  free(p);
  return found;
}

/* The kiosk log's last lines, for a failure's message. */
static const char *log_tail(void)
{
  static char buf[3000];
  size_t len;
  char *p = slurp(logpath, &len);
  if (!p)
    return "(no log)";
  snprintf(buf, sizeof buf, "%s", len > 2900 ? p + len - 2900 : p);
  free(p);
  return buf;
}

static void wait_log(const char *needle)
{
  uint64_t end = yh_now_ms() + WAIT_MS;
  while (!file_has(logpath, needle) && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(file_has(logpath, needle), "no '%s' in the log: %s", needle, log_tail());
}

static void start_kiosk(void)
{
  char url[128], path[400], bin[400];
  synctest_centre_url(&c, url, sizeof url);
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "[terminal]\nsite = " H1 "\nmode = cashier\nterminal_id = c1\nstaff_id = S01\n"
          "reader = %s\nssc_reader = %s\nhis_listen = unix:%s\nhis_token_file = his.token\n"
          "[paths]\ntrust_store = cardpki/trust\njournal = journal.db\n"
          "revocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_never = warn\n"
          "[sync]\nurl = %s\nca = ca.pem\ncert = c1.pem\nkey = c1.key\nsigner = sign.pub\n"
          "poll_seconds = 1\n"
          "[ui]\nfullscreen = false\nsound = false\n",
          reader, reader2, hsock, url);
  fclose(f);
  snprintf(bin, sizeof bin, "%s/terminal/kiosk", yh_binary_dir());
  kid = fork();
  ck_assert_int_ge(kid, 0);
  if (kid == 0) {
    int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
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
  ck_assert_msg(status_is("reader", "ready", 120000) == 0, "kiosk run did not come up: %s",
                log_tail());
}

static void stop_kiosk(void)
{
  ck_assert_int_eq(kill(kid, SIGTERM), 0);
  int st = 0;
  uint64_t end = yh_now_ms() + 60000;
  pid_t w;
  while ((w = waitpid(kid, &st, WNOHANG)) == 0 && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(w == kid, "kiosk run did not stop on SIGTERM");
  kid = -1;
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kiosk run: status 0x%x: %s", st,
                log_tail());
}

/* `kiosk his ARGS` in the background (it waits for the cards), then its answer. */
static FILE *his_bg(const char *args)
{
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' his %s --url 'unix:%s' --token-file '%s' 2>&1",
           yh_binary_dir(), args, hsock, tokpath);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  return p;
}

static int his_end(FILE *p, char *out, size_t cap)
{
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int his(const char *args, char *out, size_t cap)
{
  return his_end(his_bg(args), out, cap);
}

static long long json_num(const char *text, const char *key)
{
  char k[64];
  snprintf(k, sizeof k, "\"%s\": ", key);
  const char *p = strstr(text, k);
  return p ? strtoll(p + strlen(k), NULL, 10) : 0;
}

/* One waiver asked by the HIS for BILL, the cards presented: the client's answer. */
static void waiver_with_cards(int nreq, char *out, size_t cap)
{
  FILE *p = his_bg("create --bill '" BILL "' --visit outpatient --fee-item consultation "
                   "--wait 300");
  char want[128];
  snprintf(want, sizeof want, "HIS request %d: outpatient visit, waiting for the card", nreq);
  wait_log(want);
  ck_assert_int_eq(cardsim_insert(sim2, "ssc-valid", cardpki), 0);
  ck_assert_int_eq(status_is("ssc_reader", "card", 60000), 0);
  ck_assert_int_eq(cardsim_insert(sim, "honour-star3", cardpki), 0);
  ck_assert_msg(his_end(p, out, cap) == 0, "create: %s (log %s)", out, log_tail());
  ck_assert_msg(strstr(out, "\"state\": \"done\""), "%s", out);
  cardsim_remove(sim);
  cardsim_remove(sim2);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
  /* the verdict stays on screen until its timeout: the next HIS request ends it */
}

/* centre-admin ARGS (a shell word list) with its stdout in out. */
static int admin_out(const char *args, char *out, size_t cap)
{
  char path[400];
  snprintf(path, sizeof path, "%s/admin.out", dir);
  /* synctest_admin takes the words one by one: the reports need at most 6 */
  char w[8][128];
  const char *v[8] = {NULL};
  int n = 0;
  for (const char *s = args; *s && n < 7;) {
    size_t l = strcspn(s, " ");
    snprintf(w[n], sizeof w[n], "%.*s", (int)l, s);
    v[n] = w[n];
    n++;
    s += l;
    while (*s == ' ')
      s++;
  }
  int rc = synctest_admin(&c, path, v[0], v[1], v[2], v[3], v[4], v[5], v[6], (char *)NULL);
  size_t len;
  char *p = slurp(path, &len);
  snprintf(out, cap, "%s", p ? p : "");
  free(p);
  return rc;
}

/* The CSV line of `report bills` for this terminal's waiver seq (the test fails without). */
static void row_of(const char *csv, long long seq, char *line, size_t cap)
{
  char key[64];
  snprintf(key, sizeof key, ",c1,%lld,", seq);
  const char *p = strstr(csv, key);
  ck_assert_msg(p, "no row for waiver %lld: %s", seq, csv);
  while (p > csv && p[-1] != '\n')
    p--;
  size_t n = strcspn(p, "\n");
  snprintf(line, cap, "%.*s", (int)n, p);
}

static uint64_t t_start;
static void stage(const char *what)
{
  printf("[%6.1f s] %s\n", (double)(yh_now_ms() - t_start) / 1000.0, what);
  fflush(stdout);
}

START_TEST(his_waiver_and_void_reach_the_centre)
{
  t_start = yh_now_ms();
  static char out[1 << 16], o2[1 << 16];
  char args[256];
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "c1", H1, (char *)NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "tariff", "set", "--hospital", H1, "--visit",
                                  "outpatient", "--fen", "1200", "--from", "2020-01-01",
                                  (char *)NULL),
                   0);
  stage("centre ready, terminal registered, tariff set");
  start_kiosk();
  stage("kiosk run up");
  /* the hospital's tariff reaches the terminal through netsync before any waiver */
  ck_assert_msg(status_is("doc_tariff", "1", WAIT_MS) == 0, "no tariff: %s", log_tail());

  stage("tariff in force");
  /* 1. the HIS asks, the holder presents the cards: GRANT, the journal seq, S01 */
  waiver_with_cards(1, out, sizeof out);
  printf("create:\n%s", out);
  ck_assert_msg(strstr(out, "\"verdict\": \"GRANT\"") && strstr(out, "\"amount_fen\": 1200") &&
                    strstr(out, "\"staff_id\": \"S01\""),
                "%s", out);
  long long w1 = json_num(out, "waiver_id");
  ck_assert_int_gt(w1, 0);

  stage("waiver granted");
  /* 2. the same bill while that waiver stands: refused, naming it (never the holder) */
  waiver_with_cards(2, out, sizeof out);
  ck_assert_msg(strstr(out, "\"verdict\": \"DENY\"") && strstr(out, "BILL_ALREADY_WAIVED") &&
                    strstr(out, "\"amount_fen\": 0"),
                "%s", out);
  long long d2 = json_num(out, "waiver_id");
  ck_assert_int_gt(d2, w1);

  stage("same bill refused");
  /* 3. the bill cancelled in the HIS: void by the signed-in staff member */
  snprintf(args, sizeof args, "void --id %lld --reason bill_cancelled", w1);
  ck_assert_msg(his(args, o2, sizeof o2) == 0, "%s", o2);
  long long v1 = json_num(o2, "void_id");
  ck_assert_int_gt(v1, d2);
  ck_assert_msg(strstr(o2, "\"staff_id\": \"S01\""), "%s", o2);

  /* 4. the bill issued again after the void: it may be waived again */
  waiver_with_cards(3, out, sizeof out);
  ck_assert_msg(strstr(out, "\"verdict\": \"GRANT\"") && strstr(out, "\"amount_fen\": 1200"),
                "%s", out);
  long long w2 = json_num(out, "waiver_id");
  ck_assert_int_gt(w2, v1);

  stage("voided and waived again");
  /* 5. the terminal uploads on its own: wait until the centre holds every event */
  uint64_t end = yh_now_ms() + WAIT_MS;
  while (synctest_centre_count(&c, "c1") < w2 && yh_now_ms() < end)
    yh_sleep_ms(100);
  ck_assert_msg(synctest_centre_count(&c, "c1") >= w2, "centre has %ld of %lld events: %s",
                synctest_centre_count(&c, "c1"), w2, log_tail());

  stage("uploaded");
  /* 6. the finance office's reports: both waivers with the staff id, the void on the
   * first; the statement counts one waiver and one void, no duplicate */
  time_t now = time(NULL) + 8 * 3600; /* the month in China time, as the centre files it */
  struct tm tm;
  gmtime_r(&now, &tm);
  char month[32];
  snprintf(month, sizeof month, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  snprintf(args, sizeof args, "report bills --hospital " H1 " --month %s", month);
  ck_assert_msg(admin_out(args, out, sizeof out) == 0, "%s", out);
  printf("report bills:\n%s", out);
  char want[256];
  char line[512];
  row_of(out, w1, line, sizeof line);
  snprintf(want, sizeof want, ",outpatient," BILL ",12.00,S01,c1#%lld,S01,", v1);
  ck_assert_msg(strstr(line, want), "waiver %lld: '%s' lacks '%s'", w1, line, want);
  row_of(out, w2, line, sizeof line);
  ck_assert_msg(strstr(line, ",outpatient," BILL ",12.00,S01,,,"), "waiver %lld: '%s'", w2,
                line);
  snprintf(want, sizeof want, ",c1,%lld,", d2);
  ck_assert_msg(!strstr(out, want), "a refusal is listed as a waiver: %s", out);
  snprintf(args, sizeof args, "report statement --hospital " H1 " --month %s", month);
  ck_assert_msg(admin_out(args, out, sizeof out) == 0, "%s", out);
  printf("report statement:\n%s", out);
  ck_assert_msg(strstr(out, "\noutpatient,1,12.00\n") && strstr(out, "\ntotal,1,12.00\n") &&
                    strstr(out, "\nvoided,1,12.00\n") && strstr(out, "\nduplicates,0,0.00\n"),
                "%s", out);

  stage("reports checked");
  wait_log("bills index: rebuilt from 0 journal events\n"); /* a new journal, no sidecar */
  stop_kiosk();
  stage("kiosk run stopped");

  /* 7. the index of waived bills at the next start: from the sidecar written at the stop
   * (kiosk/bills.h), then, the sidecar damaged, rebuilt from the journal, saying why */
  char want_log[128], spath[400];
  snprintf(want_log, sizeof want_log, "bills index: from its sidecar (to seq %lld) and 0 later "
           "events", w2);
  start_kiosk();
  wait_log(want_log);
  stop_kiosk();
  snprintf(spath, sizeof spath, "%s/journal.db.bills", dir);
  FILE *f = fopen(spath, "r+b");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fseek(f, 70, SEEK_SET), 0);
  ck_assert_int_eq(fputc(0xA5, f), 0xA5);
  ck_assert_int_eq(fclose(f), 0);
  start_kiosk();
  wait_log("bills index: rebuilt from ");
  wait_log(" journal events (sidecar not used: digest does not match its content (damaged))");
  stop_kiosk();
  stage("restarted twice: index from the sidecar, then rebuilt from a damaged one");

  /* 8. the holder's ID number and name went nowhere in clear: the kiosk log, the journal
   * (and its write-ahead log), the centre's store (every uploaded event) */
  const char *where[] = {"kiosk.log", "journal.db", "journal.db-wal", "centre.db",
                         "centre.db-wal", "centre.log"};
  for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, where[i]);
    ck_assert_msg(!file_has(path, HOLDER_ID), "the ID number is in %s", where[i]);
    ck_assert_msg(!file_has(path, HOLDER_NAME), "the name is in %s", where[i]);
    ck_assert_msg(!file_has(path, HOLDER_NAME_GBK), "the name (GBK) is in %s", where[i]);
    ck_assert_msg(!file_has(path, TOKEN), "the HIS token is in %s", where[i]);
  }
  /* the bill number stays out of the terminal's log (the journal and the centre hold it) */
  ck_assert(!file_has(logpath, "MZ2026"));
  char wal[700];
  snprintf(wal, sizeof wal, "%s-wal", c.db);
  ck_assert(file_has(c.db, BILL) || file_has(wal, BILL) || synctest_pg());
}
END_TEST

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  Suite *s = suite_create("terminal_his_sync");
  TCase *tc = tcase_create("his_sync");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: the waits inside have their own deadlines */
  tcase_add_test(tc, his_waiver_and_void_reach_the_centre);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
