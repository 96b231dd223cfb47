/*
 * `kiosk run` as a process, headless (SDL offscreen), through pcscd, vpcd and the card
 * simulator, driven through its control socket: what the demo does not show.
 *
 *   - pcscd restarted under a running terminal: the reader banner, then cards are read
 *     again by the same process (no restart); a card pulled in the middle of the
 *     exchange and a card that is no honour card are read errors, not decisions;
 *   - the cashier with one reader: the holder swaps the honour card for the social
 *     security card when the screen asks; staff choose the visit and type the bill;
 *   - station mode shows the station database's ready-for-collection list;
 *   - SIGTERM stops it cleanly (exit 0); neither its log nor its journal holds the
 *     holder's ID number or name;
 *   - systemd: READY=1, WATCHDOG=1 every half interval, STOPPING=1 on $NOTIFY_SOCKET;
 *   - a mute card (issue 11, item 6): "card not responding" within card_deadline_ms, the
 *     decision thread free meanwhile, nothing journaled; the next card on the same
 *     reader is decided by the same process.
 *
 * A card test (pcscd fixture, vpcd lock). The PKI comes from `yhpki test-pki`; the
 * revocation list is signed here (the terminal runs offline: no [sync]).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardsim.h"
#include "kiosk/revoke.h"
#include "station/db.h"
#include "kt_rig.h"
#include "yh_fixture.h"

#define HOLDER_ID "450902198506121232" /* the simulated holder's ID number */

/* Every wait below is a condition with a generous deadline: a loaded machine (tests/stress)
 * takes longer, never fails. Timings are measured by the benchmarks, not asserted here. */

static char dir[256], pki[300], reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static char sock[320], logpath[320];
static struct cardsim *sim, *sim2;
static pid_t kid = -1;

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-run-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  snprintf(sock, sizeof sock, "%s/kiosk.sock", dir);
  snprintf(logpath, sizeof logpath, "%s/kiosk.log", dir);
  kt_make_pki_and_revlist(dir, pki);

  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port + 1), reader2, sizeof reader2), 0);
  setenv("YH_PKI_DIR", pki, 1);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + 1), &sim2), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
}

static void stop_kiosk(void)
{
  if (kid <= 0)
    return;
  kill(kid, SIGKILL);
  waitpid(kid, NULL, 0);
  kid = -1;
}

static void teardown(void)
{
  stop_kiosk();
  cardsim_destroy(sim);
  cardsim_destroy(sim2);
  yh_wait_reader_state(reader, 0, 60000);
  yh_wait_reader_state(reader2, 0, 60000);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void write_config(const char *terminal_section)
{
  char path[400];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "%s"
          "reader = %s\n"
          "staff_id = S01\n"
          "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_stale = deny\n"
          "[ui]\nfullscreen = false\nsound = false\n",
          terminal_section, reader);
  fclose(f);
}

/* One control command; the reply line into out (without the newline). 0 for "ok". */
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

/* The value of " name=" in a reply line ("" when absent). */
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

/* Wait until the status line has name=value. */
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

/* Environment for the next start_kiosk (NULL-terminated "K=V" list), or NULL. */
static const char *const *kiosk_env;

static void start_kiosk(const char *extra_arg, const char *extra_val)
{
  char bin[400], cfg[400];
  snprintf(bin, sizeof bin, "%s/terminal/kiosk", yh_binary_dir());
  snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
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
    for (size_t i = 0; kiosk_env && kiosk_env[i]; i++)
      putenv((char *)(uintptr_t)kiosk_env[i]);
    if (extra_arg)
      execl(bin, bin, "run", "--config", cfg, "--control", sock, extra_arg, extra_val,
            (char *)NULL);
    else
      execl(bin, bin, "run", "--config", cfg, "--control", sock, (char *)NULL);
    _exit(127);
  }
  ck_assert_msg(status_is("reader", "ready", 120000) == 0, "kiosk run did not come up (log %s)",
                logpath);
}

/* SIGTERM: a clean stop, exit 0 (under ASan: no leak either). */
static void sigterm_kiosk(void)
{
  ck_assert_int_eq(kill(kid, SIGTERM), 0);
  int st = 0;
  uint64_t end = yh_now_ms() + 120000;
  pid_t w;
  while ((w = waitpid(kid, &st, WNOHANG)) == 0 && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(w == kid, "kiosk run did not stop on SIGTERM");
  kid = -1;
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kiosk run: status 0x%x (log %s)", st,
                logpath);
}

static uint32_t last_seq(void)
{
  char line[2048], v[32];
  ck_assert_int_eq(ctl("last", line, sizeof line), 0);
  return (uint32_t)strtoul(field(line, "seq", v, sizeof v), NULL, 10);
}

/* Put a card in (replacing one), then the terminal's next outcome into out. */
static void tap(struct cardsim *s, const char *rdr, const char *profile, char *out, size_t cap)
{
  uint32_t seq = last_seq();
  if (cardsim_connected(s)) {
    cardsim_remove(s);
    ck_assert_int_eq(yh_wait_reader_state(rdr, 0, 60000), 0);
  }
  ck_assert_msg(cardsim_insert(s, profile, pki) == 0, "insert %s", profile);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_msg(ctl(cmd, out, cap) == 0, "%s: no outcome: %s", profile, out);
}

static void card_out(struct cardsim *s, const char *rdr)
{
  cardsim_remove(s);
  ck_assert_int_eq(yh_wait_reader_state(rdr, 0, 60000), 0);
}

static void expect(const char *line, const char *name, const char *value)
{
  char v[800];
  field(line, name, v, sizeof v);
  ck_assert_msg(strcmp(v, value) == 0, "%s=%s, want %s: %s", name, v, value, line);
}

/* A file's bytes hold needle? */
static int file_has(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  static char buf[4 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(buf + i, needle, m) == 0)
      return 1;
  return 0;
}

START_TEST(gate_rides_out_pcscd_restart)
{
  write_config("[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n");
  start_kiosk(NULL, NULL);
  char line[2048];
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  expect(line, "screen", "holder_check");
  expect(line, "photo", "1");
  card_out(sim, reader);

  /* not an honour card: a read error, no decision */
  tap(sim, reader, "honour-foreign", line, sizeof line);
  expect(line, "kind", "read-error");
  expect(line, "reasons", "error.unknown_card");
  card_out(sim, reader);

  /* pulled after the first command of the exchange */
  cardsim_set_fault(sim, CARDSIM_FAULT_DROP_AFTER, 1);
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "kind", "read-error");
  cardsim_set_fault(sim, CARDSIM_FAULT_NONE, 0);
  cardsim_remove(sim);
  yh_wait_reader_state(reader, 0, 60000);

  int rc = yh_pcscd_restart();
  ck_assert_int_ne(rc, -1);
  if (rc == 0) {
    /* the watcher saw pcscd go and come back; the same process reads the next card */
    ck_assert_int_eq(status_is("reader", "ready", 120000), 0);
    tap(sim, reader, "honour-volunteer5", line, sizeof line);
    expect(line, "verdict", "STAFF_CHECK");
    uint32_t seq = last_seq();
    char cmd[64];
    ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
    snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
    ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
    expect(line, "verdict", "GRANT");
    expect(line, "journaled", "1");
  }
  ck_assert_int_eq(waitpid(kid, NULL, WNOHANG), 0); /* never restarted */
  sigterm_kiosk();
  if (rc == 0) {
    ck_assert(file_has(logpath, "pcscd gone"));
    ck_assert(file_has(logpath, "pcscd back"));
  }
  ck_assert(!file_has(logpath, HOLDER_ID));
  ck_assert(!file_has(logpath, "张晓明"));
  ck_assert(!file_has(logpath, "YL2024")); /* card numbers stay out of the log too */
}
END_TEST

START_TEST(cashier_with_one_reader)
{
  write_config("[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n");
  char tpath[400];
  snprintf(tpath, sizeof tpath, "%s/journal.db.tariff", dir); /* the hospital's fees */
  kt_write_tariff(tpath, "hosp.yl-first-people", 1, 1500, 1200);
  start_kiosk(NULL, NULL);
  char line[2048], cmd[64];
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  expect(line, "screen", "cashier");
  expect(line, "needs", "credential,visit,bill");
  /* the screen asks for the social security card: the holder swaps cards */
  card_out(sim, reader);
  tap(sim, reader, "ssc-valid", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  expect(line, "credential", "ssc_matched");
  expect(line, "id", "450902********1232");
  expect(line, "needs", "visit,bill");
  uint32_t seq = last_seq();
  ck_assert_int_eq(ctl("key right", line, sizeof line), 0); /* inpatient */
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "needs", "bill");
  seq = last_seq();
  ck_assert_int_eq(ctl("type ZY-0042", line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "verdict", "GRANT");
  expect(line, "journaled", "1");
  /* the view reached the screen (the screen's own measure of decision to frame; how fast
   * is bench_ui's business: a loaded machine must not fail a test on a timing) */
  char v[32];
  ck_assert_int_eq(ctl("status", line, sizeof line), 0);
  double lat = strtod(field(line, "latency_ms", v, sizeof v), NULL);
  ck_assert_msg(lat > 0, "no frame measured for the decision (%s)", line);
  printf("cashier: decision to frame %.1f ms\n", lat);
  /* a late key for a view that is gone changes nothing */
  seq = last_seq();
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 700", seq);
  ck_assert_int_ne(ctl(cmd, line, sizeof line), 0);
  char shot[400], reply[512];
  snprintf(shot, sizeof shot, "shot %s/granted.png", dir);
  ck_assert_int_eq(ctl(shot, reply, sizeof reply), 0);
  card_out(sim, reader);
  sigterm_kiosk();
  char db[400];
  snprintf(db, sizeof db, "%s/journal.db", dir);
  ck_assert(file_has(db, "ZY-0042"));
  ck_assert(!file_has(db, HOLDER_ID));
  ck_assert(!file_has(db, "张"));
  ck_assert(!file_has(logpath, HOLDER_ID));
  ck_assert(!file_has(logpath, "张晓明"));
}
END_TEST

/* The holder has no social security card: staff type the ID number (F4) on the cashier
 * screen. Only its match result is journaled; the number is in no log line, journal row
 * or screenshot (the screen shows its mask as typed). */
START_TEST(cashier_typed_id_number)
{
  write_config("[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n");
  char tpath[400];
  snprintf(tpath, sizeof tpath, "%s/journal.db.tariff", dir); /* the hospital's fees */
  kt_write_tariff(tpath, "hosp.yl-first-people", 1, 1500, 1200);
  start_kiosk(NULL, NULL);
  char line[2048], cmd[64], shot[400], reply[512];
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "needs", "credential,visit,bill");
  uint32_t seq = last_seq();
  /* a wrong check digit is refused by the screen: no decision */
  ck_assert_int_eq(ctl("key f4", line, sizeof line), 0);
  ck_assert_int_eq(ctl("type 450902198506121233", line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 700", seq);
  ck_assert_int_ne(ctl(cmd, line, sizeof line), 0);
  snprintf(shot, sizeof shot, "shot %s/id-entry.png", dir);
  ck_assert_int_eq(ctl(shot, reply, sizeof reply), 0);
  ck_assert_int_eq(ctl("key backspace", line, sizeof line), 0);
  ck_assert_int_eq(ctl("type 2", line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "credential", "id_typed_matched");
  expect(line, "id", "450902********1232");
  expect(line, "needs", "visit,bill");
  seq = last_seq();
  ck_assert_int_eq(ctl("key left", line, sizeof line), 0); /* outpatient */
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  seq = last_seq();
  ck_assert_int_eq(ctl("type MZ2026/12.01_7", line, sizeof line), 0);
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "verdict", "GRANT");
  expect(line, "credential", "id_typed_matched");
  expect(line, "journaled", "1");
  card_out(sim, reader);
  sigterm_kiosk();
  char db[400];
  snprintf(db, sizeof db, "%s/journal.db", dir);
  ck_assert(file_has(db, "MZ2026/12.01_7"));
  ck_assert(!file_has(db, HOLDER_ID));
  ck_assert(!file_has(db, "19850612"));
  ck_assert(!file_has(logpath, HOLDER_ID));
  ck_assert(!file_has(logpath, "450902198506121233"));
  ck_assert(!file_has(logpath, "19850612"));
}
END_TEST

START_TEST(station_shows_ready_list)
{
  char db[400], why[256];
  snprintf(db, sizeof db, "%s/station.db", dir);
  struct station_db *sdb;
  ck_assert_int_eq(station_db_open(db, &sdb, why, sizeof why), STATION_OK);
  station_db_close(sdb);
  write_config("[terminal]\nsite = station.yl-central-blood\nmode = station\nterminal_id = s1\n");
  start_kiosk("--station-db", db);
  ck_assert_int_eq(status_is("screen", "station_list", 120000), 0);
  char line[2048];
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "GRANT");
  expect(line, "reasons", "STATION_CHECK_ONLY");
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);
  card_out(sim, reader);
  sigterm_kiosk();
}
END_TEST

/* The systemd side: a datagram socket standing in for $NOTIFY_SOCKET. */
START_TEST(systemd_ready_watchdog_stopping)
{
  char path[400], env_sock[460], line[2048];
  snprintf(path, sizeof path, "%s/notify.sock", dir);
  snprintf(env_sock, sizeof env_sock, "NOTIFY_SOCKET=%s", path);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
  memcpy(sa.sun_path, path, strlen(path));
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  struct timeval tv = {0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const char *const env[] = {env_sock, "WATCHDOG_USEC=400000", NULL};
  kiosk_env = env;
  write_config("[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n");
  start_kiosk(NULL, NULL);
  kiosk_env = NULL;
  /* READY=1, then the pings keep coming (about every 200 ms on a quiet machine): wait
   * for 8 of them with a generous deadline rather than count them in a fixed window */
  int ready = 0, pings = 0, stopping = 0;
  uint64_t t0 = yh_now_ms(), end = t0 + 120000;
  while (yh_now_ms() < end && !(ready && pings >= 8)) {
    char msg[256];
    ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
    if (n <= 0)
      continue;
    msg[n] = '\0';
    ready |= strstr(msg, "READY=1") != NULL;
    pings += strstr(msg, "WATCHDOG=1") != NULL;
  }
  ck_assert_msg(ready, "no READY=1");
  ck_assert_msg(pings >= 8, "%d watchdog pings in 120 s (every 200 ms expected)", pings);
  printf("systemd: 8 watchdog pings in %llu ms\n", (unsigned long long)(yh_now_ms() - t0));
  ck_assert_int_eq(ctl("status", line, sizeof line), 0);
  sigterm_kiosk();
  for (int i = 0; i < 600 && !stopping; i++) { /* 200 ms each: up to 120 s */
    char msg[256];
    ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
    if (n > 0) {
      msg[n] = '\0';
      stopping |= strstr(msg, "STOPPING=1") != NULL;
    }
  }
  ck_assert_msg(stopping, "no STOPPING=1");
  close(fd);
}
END_TEST

/* A card that never answers: the decision thread gives up after card_deadline_ms (PC/SC
 * itself would wait until the card is pulled), shows "not responding", journals
 * nothing, and the next card on the same reader is decided without a restart. */
START_TEST(mute_card_then_good_card)
{
  enum { DEADLINE_MS = 1500, SLACK_MS = 20000 };
  char section[256];
  snprintf(section, sizeof section,
           "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"
           "card_deadline_ms = %d\n", DEADLINE_MS);
  write_config(section);
  start_kiosk(NULL, NULL);
  char line[2048], cmd[64], v[32];

  uint32_t seq = last_seq();
  uint64_t rx0 = cardsim_apdu_received(sim);
  cardsim_set_fault(sim, CARDSIM_FAULT_MUTE, 0);
  ck_assert(cardsim_insert(sim, "honour-star3", pki) == 0);
  /* the clock starts when the reader shows the card: before that nothing can be read */
  ck_assert_int_eq(yh_wait_reader_state(reader, 1, 60000), 0);
  uint64_t t0 = yh_now_ms();
  snprintf(cmd, sizeof cmd, "wait %u 60000", seq);
  ck_assert_msg(ctl(cmd, line, sizeof line) == 0, "mute card: no outcome: %s (log %s)", line,
                logpath);
  uint64_t took = yh_now_ms() - t0;
  expect(line, "kind", "read-error");
  expect(line, "reasons", "error.not_responding");
  expect(line, "journaled", "0");
  /* the card got the first command and never answered it */
  ck_assert_uint_gt(cardsim_apdu_received(sim), rx0);
  ck_assert_msg(took < DEADLINE_MS + SLACK_MS, "not responding after %llu ms",
                (unsigned long long)took);
  /* the decision thread is free while the card still sits mute in the reader */
  ck_assert_int_eq(ctl("status", line, sizeof line), 0);
  ck_assert_str_eq(field(line, "session", v, sizeof v), "idle");
  ck_assert_str_eq(field(line, "journal", v, sizeof v), "0");

  /* taken away: the stuck exchange ends; a good card on the same reader is decided */
  cardsim_set_fault(sim, CARDSIM_FAULT_NONE, 0);
  card_out(sim, reader);
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "kind", "view");
  expect(line, "verdict", "STAFF_CHECK");
  expect(line, "photo", "1");
  ck_assert_int_eq(waitpid(kid, NULL, WNOHANG), 0); /* never restarted */
  sigterm_kiosk();
  ck_assert(file_has(logpath, "not responding"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_run_card");
  TCase *tc = tcase_create("run");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, gate_rides_out_pcscd_restart);
  tcase_add_test(tc, cashier_with_one_reader);
  tcase_add_test(tc, cashier_typed_id_number);
  tcase_add_test(tc, station_shows_ready_list);
  tcase_add_test(tc, systemd_ready_watchdog_stopping);
  tcase_add_test(tc, mute_card_then_good_card);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
