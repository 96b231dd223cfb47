/*
 * Staff who act as themselves, through `kiosk run` as a process (headless), pcscd, vpcd
 * and the card simulator, driven by its control socket (the rig is test_run_card.c's):
 *
 *   - sign-in by staff id and PIN against the site's roster (the file a synced roster is
 *     kept in): a wrong PIN signs nobody in; nobody signed in confirms nothing (the
 *     configured staff_id no longer stands in); the signed-in id is journaled with the
 *     sign-in and with the refusal; a roster of another site stops the program;
 *   - a staff refusal at the gate is a decision: DENY with STAFF_REFUSED, journaled with
 *     the staff id of who is acting (term_staff_current: the configured staff_id until a
 *     roster is in force), and the journal's chain still verifies.
 */
#include <check.h>
#include <errno.h>
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

#include "cardsim.h"
#include "proto/roster.h"
#include "kt_rig.h"
#include "yh_fixture.h"

#define HOLDER_ID "450902198506121232"

static char dir[256], pki[300], reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static char sock[320], logpath[320];
static struct cardsim *sim, *sim2;
static pid_t kid = -1;

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-staff-XXXXXX");
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
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 5000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 5000), 0);
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
  yh_wait_reader_state(reader, 0, 5000);
  yh_wait_reader_state(reader2, 0, 5000);
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
  ck_assert_msg(status_is("reader", "ready", 15000) == 0, "kiosk run did not come up (log %s)",
                logpath);
}

/* SIGTERM: a clean stop, exit 0 (under ASan: no leak either). */
static void sigterm_kiosk(void)
{
  ck_assert_int_eq(kill(kid, SIGTERM), 0);
  int st = 0;
  uint64_t end = yh_now_ms() + 15000;
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
    ck_assert_int_eq(yh_wait_reader_state(rdr, 0, 5000), 0);
  }
  ck_assert_msg(cardsim_insert(s, profile, pki) == 0, "insert %s", profile);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "wait %u 15000", seq);
  ck_assert_msg(ctl(cmd, out, cap) == 0, "%s: no outcome: %s", profile, out);
}

static void card_out(struct cardsim *s, const char *rdr)
{
  cardsim_remove(s);
  ck_assert_int_eq(yh_wait_reader_state(rdr, 0, 5000), 0);
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

/* Run `kiosk ARGS` with the test's configuration; its stdout into out. Exit status. */
static int kiosk_out(const char *args, char *out, size_t cap)
{
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' %s --config '%s/kiosk.ini' 2>&1", yh_binary_dir(),
           args, dir);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(gate_refusal_journaled_with_staff_id)
{
  write_config("[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n");
  start_kiosk(NULL, NULL);
  char line[2048], cmd[64];
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  uint32_t seq = last_seq();
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0); /* staff: not the holder */
  snprintf(cmd, sizeof cmd, "wait %u 10000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "verdict", "DENY");
  expect(line, "journaled", "1");
  ck_assert_msg(strstr(line, "STAFF_REFUSED") != NULL, "reasons: %s", line);
  card_out(sim, reader);
  sigterm_kiosk();

  static char out[1 << 16];
  ck_assert_int_eq(kiosk_out("journal export", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "\"verdict\":\"DENY\"") && strstr(out, "STAFF_REFUSED") &&
                    strstr(out, "\"staff_id\":\"S01\""),
                "journal: %s", out);
  ck_assert_int_eq(kiosk_out("journal verify", out, sizeof out), 0);
  ck_assert(!file_has(logpath, HOLDER_ID));
}
END_TEST

/* dir/journal.db.roster as docs_apply.c keeps a synced roster: S07 (PIN 246810). */
static void write_roster(const char *site, uint64_t version)
{
  static const uint8_t salt[16] = {7};
  struct proto_roster_entry e;
  memset(&e, 0, sizeof e);
  snprintf(e.id, sizeof e.id, "S07");
  e.role = PROTO_ROLE_STAFF;
  e.to_day = 60000;
  snprintf(e.name, sizeof e.name, "王小明");
  ck_assert_int_eq(proto_pin_hash_with("246810", 10, 8, 1, salt, e.pin_hash, sizeof e.pin_hash),
                   PROTO_OK);
  struct proto_roster_policy pol = PROTO_ROSTER_POLICY_DEFAULT;
  char *doc, path[400];
  size_t len;
  ck_assert_int_eq(proto_roster_encode(site, &pol, &e, 1, &doc, &len), PROTO_OK);
  snprintf(path, sizeof path, "%s/journal.db.roster", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "yh-doc roster %llu\n%s", (unsigned long long)version, doc);
  fclose(f);
  free(doc);
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

START_TEST(gate_sign_in_by_id_and_pin)
{
  write_config("[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n");
  write_roster("park.rongzhou-gucheng", 3);
  start_kiosk(NULL, NULL);
  char line[2048], cmd[64];
  ck_assert_int_eq(status_is("roster", "3", 5000), 0);
  ck_assert_int_eq(status_is("staff", "-", 5000), 0);

  /* nobody signed in: a confirmation names nobody and grants nothing */
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  uint32_t seq = last_seq();
  ck_assert_int_eq(ctl("key enter", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 10000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "verdict", "STAFF_CHECK");
  ck_assert_msg(strstr(line, "STAFF_ID_MISSING") != NULL, "%s", line);
  card_out(sim, reader);
  ck_assert_int_eq(ctl("reset", line, sizeof line), 0);

  /* a wrong PIN signs nobody in; the right one signs S07 in */
  sign_in("S07", "111111");
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);
  ck_assert_int_eq(status_is("staff", "-", 3000), 0);
  ck_assert_int_eq(ctl("reset", line, sizeof line), 0);
  sign_in("S07", "246810");
  ck_assert_msg(status_is("staff", "S07", 10000) == 0, "not signed in (log %s)", logpath);
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);

  /* S07 refuses a holder: journaled with S07 */
  tap(sim, reader, "honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  seq = last_seq();
  ck_assert_int_eq(ctl("key esc", line, sizeof line), 0);
  snprintf(cmd, sizeof cmd, "wait %u 10000", seq);
  ck_assert_int_eq(ctl(cmd, line, sizeof line), 0);
  expect(line, "verdict", "DENY");
  expect(line, "journaled", "1");
  card_out(sim, reader);
  /* F10 (the status line's sign-out): S07 is signed out, and it is journaled */
  ck_assert_int_eq(ctl("key f10", line, sizeof line), 0);
  ck_assert_msg(status_is("staff", "-", 60000) == 0, "F10 did not sign out (log %s)", logpath);
  sigterm_kiosk();

  static char out[1 << 16];
  ck_assert_int_eq(kiosk_out("journal export", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "\"kind\":\"sign_in\"") && strstr(out, "STAFF_REFUSED"), "%s", out);
  ck_assert_msg(strstr(out, "\"kind\":\"sign_out\""), "no sign_out journaled: %s", out);
  ck_assert_msg(strstr(out, "\"staff_id\":\"S07\""), "%s", out);
  ck_assert_msg(!strstr(out, "\"staff_id\":\"S01\""), "the configured id stood in: %s", out);
  ck_assert_int_eq(kiosk_out("journal verify", out, sizeof out), 0);
  ck_assert(!file_has(logpath, "246810"));
  ck_assert(!file_has(logpath, "王小明"));

  /* a roster file of another site: the program refuses to start on it */
  write_roster("park.guishan", 4);
  ck_assert_int_ne(kiosk_out("run", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "another site"), "%s", out);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_staff_card");
  TCase *tc = tcase_create("staff");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, gate_refusal_journaled_with_staff_id);
  tcase_add_test(tc, gate_sign_in_by_id_and_pin);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
