/*
 * The gate opens (issue 13): `kiosk run` as a process, headless, through pcscd, vpcd and
 * the card simulator, driven by its control socket, with a relay board played by a
 * pseudo-terminal (the board's side records every byte with its time):
 *
 *   - a valid card: a staff check first (no pulse), staff confirm: a GRANT, exactly one
 *     pulse (open bytes, then close bytes after pulse_ms, measured loosely); staff refuse:
 *     DENY, no pulse; a revoked card: DENY, no pulse; N GRANTs: N pulses;
 *   - the board unplugged (the pty closed): the next GRANT stays a GRANT on screen, the
 *     alarm is up (gate=fault), and a gate_fault event naming the GRANT's seq is in the
 *     journal;
 *   - a hook that exits 1: the same; fixed, the next GRANT runs it (it writes a file)
 *     and the alarm goes.
 *
 * A card test (pcscd fixture, vpcd lock). Every wait is a condition with a generous
 * deadline; "no pulse" is checked after the decision is journaled and a settle time far
 * longer than a pulse's start on an idle machine, then again at the end (the count of
 * pulses is exact, so a late stray pulse fails it there).
 */
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
#include "kiosk/journal.h"
#include "kiosk/revoke.h"
#include "kt_pty.h"
#include "yh_fixture.h"

#define PULSE_MS 300
#define SETTLE_MS 1500

static char dir[256], pki[300], reader[YH_READER_NAME_MAX];
static char sock[320], logpath[320];
static struct cardsim *sim;
static pid_t kid = -1;

static void run(const char *cmd)
{
  int rc = system(cmd);
  ck_assert_msg(rc == 0, "'%s' failed (%d)", cmd, rc);
}

/* A PKI from yhpki, the centre's revocation key in its trust store and a list revoking
 * every generation of the simulator's 4-star card. */
static void make_pki_and_revlist(void)
{
  char cmd[1024], path[512];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null", yh_binary_dir(),
           pki);
  run(cmd);
  struct proto_key *k;
  ck_assert_int_eq(kiosk_revkey_generate(&k), KIOSK_OK);
  snprintf(path, sizeof path, "%s/trust/%s", pki, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(k, path), KIOSK_OK);
  struct proto_rev_entry e[] = {{"YL20240000040291", 100, KIOSK_REV_BELOW}};
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(e, 1, 1, (int64_t)time(NULL), k, &blob, &len),
                   KIOSK_OK);
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(blob, 1, len, f), len);
  fclose(f);
  free(blob);
  kiosk_revkey_destroy(k);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-gate-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  snprintf(sock, sizeof sock, "%s/kiosk.sock", dir);
  snprintf(logpath, sizeof logpath, "%s/kiosk.log", dir);
  make_pki_and_revlist();
  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  setenv("YH_PKI_DIR", pki, 1);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
}

static void teardown(void)
{
  if (kid > 0) {
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    kid = -1;
  }
  cardsim_destroy(sim);
  yh_wait_reader_state(reader, 0, 60000);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void write_config(const char *gate)
{
  char path[400];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"
          "reader = %s\nstaff_id = S01\n"
          "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "gate_repeat_minutes = 0\n"
          "[ui]\nfullscreen = false\nsound = false\nspeech = false\n"
          "[gate]\n%s",
          reader, gate);
  fclose(f);
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

static void start_kiosk(void)
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
    execl(bin, bin, "run", "--config", cfg, "--control", sock, (char *)NULL);
    _exit(127);
  }
  ck_assert_msg(status_is("reader", "ready", 120000) == 0, "kiosk run did not come up (log %s)",
                logpath);
}

/* The terminal's log lines about the gate and the session, on stderr (a failure's
 * context: the log file goes with the test's directory). */
static void dump_log(void)
{
  FILE *f = fopen(logpath, "r");
  if (!f)
    return;
  char l[1024];
  while (fgets(l, sizeof l, f))
    if (strstr(l, "gate") || strstr(l, "decision"))
      fputs(l, stderr);
  fclose(f);
}

static void status_wait(const char *name, const char *value)
{
  if (status_is(name, value, 60000) != 0) {
    dump_log();
    ck_abort_msg("status never had %s=%s (log above)", name, value);
  }
}

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

static void expect(const char *line, const char *name, const char *value)
{
  char v[800];
  field(line, name, v, sizeof v);
  ck_assert_msg(strcmp(v, value) == 0, "%s=%s, want %s: %s", name, v, value, line);
}

/* A card in (the previous one out first), then the terminal's next outcome. */
static void tap(const char *profile, char *out, size_t cap)
{
  uint32_t seq = last_seq();
  if (cardsim_connected(sim)) {
    cardsim_remove(sim);
    ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  }
  ck_assert_msg(cardsim_insert(sim, profile, pki) == 0, "insert %s", profile);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_msg(ctl(cmd, out, cap) == 0, "%s: no outcome: %s", profile, out);
}

/* A key for the view on screen, then the outcome it leads to. */
static void key(const char *name, char *out, size_t cap)
{
  uint32_t seq = last_seq();
  char cmd[64];
  snprintf(cmd, sizeof cmd, "key %s", name);
  ck_assert_int_eq(ctl(cmd, out, cap), 0);
  snprintf(cmd, sizeof cmd, "wait %u 120000", seq);
  ck_assert_msg(ctl(cmd, out, cap) == 0, "key %s: no outcome: %s", name, out);
}

/* A holder confirmed by staff: the journal seq of the GRANT. */
static uint64_t grant(const char *profile)
{
  char line[2048], v[32];
  tap(profile, line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  key("enter", line, sizeof line);
  expect(line, "verdict", "GRANT");
  expect(line, "journaled", "1");
  return strtoull(field(line, "journal_seq", v, sizeof v), NULL, 10);
}

struct fault_find {
  uint64_t ref;
  int found;
};

static int fault_cb(const struct proto_event *ev, void *user)
{
  struct fault_find *f = user;
  if (ev->kind == KIOSK_EVENT_GATE_FAULT && proto_event_ref_seq(ev) == f->ref)
    f->found++;
  return 0;
}

/* How many gate_fault events in the journal name the GRANT ref (waits up to 60 s for the
 * first when want > 0). */
static int faults_for(uint64_t ref, int want)
{
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db", dir);
  uint64_t end = yh_now_ms() + 60000;
  struct fault_find f = {ref, 0};
  do {
    struct kiosk_journal *j = NULL;
    struct kiosk_diag d;
    f.found = 0;
    if (kiosk_journal_open(path, 0, &j, &d) == KIOSK_OK) {
      kiosk_journal_read(j, 1, 0, fault_cb, &f);
      kiosk_journal_close(j);
    }
    if (f.found >= want)
      break;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return f.found;
}

START_TEST(one_pulse_per_grant)
{
  struct kt_pty pty;
  kt_pty_start(&pty);
  char gate[512];
  snprintf(gate, sizeof gate,
           "actuator = serial\nserial_device = %s\nserial_open = A0 01 01 A2\n"
           "serial_close = A0 01 00 A1\npulse_ms = %d\n",
           pty.slave, PULSE_MS);
  write_config(gate);
  start_kiosk();
  char line[2048];
  uint64_t ms[16];

  /* the holder check on screen: nothing opens */
  tap("honour-star3", line, sizeof line);
  expect(line, "verdict", "STAFF_CHECK");
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 0);
  /* staff refuse: a DENY, journaled; nothing opens */
  key("esc", line, sizeof line);
  expect(line, "verdict", "DENY");
  expect(line, "journaled", "1");
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 0);

  /* staff confirm: a GRANT, exactly one pulse of about pulse_ms */
  grant("honour-star3");
  ck_assert_uint_eq(kt_pty_wait_pulses(&pty, 1, ms, 16), 1);
  printf("gate pulse: %llu ms (pulse_ms %d)\n", (unsigned long long)ms[0], PULSE_MS);
  ck_assert_uint_ge(ms[0], PULSE_MS / 2); /* loosely: the listener may read the open late */
  ck_assert_uint_lt(ms[0], 60000);

  /* a revoked card: DENY at once, nothing opens */
  tap("honour-star4", line, sizeof line);
  expect(line, "verdict", "DENY");
  ck_assert_ptr_nonnull(strstr(line, "REVOKED"));
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 1);

  /* N GRANTs, N pulses */
  static const char *const cards[] = {"honour-star5", "honour-volunteer5", "honour-star3"};
  for (size_t i = 0; i < 3; i++)
    grant(cards[i]);
  ck_assert_uint_eq(kt_pty_wait_pulses(&pty, 4, ms, 16), 4);
  for (size_t i = 0; i < 4; i++)
    ck_assert_uint_ge(ms[i], PULSE_MS / 2);
  status_wait("gate_pulses", "4");
  ck_assert_int_eq(ctl("status", line, sizeof line), 0);
  expect(line, "gate", "ok");
  expect(line, "gate_faults", "0");

  /* the board unplugged: the GRANT stands, the alarm goes up, the fault is journaled */
  kt_pty_stop(&pty);
  uint64_t seq = grant("honour-star5");
  status_wait("gate", "fault");
  ck_assert_int_eq(ctl("last", line, sizeof line), 0);
  expect(line, "verdict", "GRANT");
  ck_assert_int_eq(faults_for(seq, 1), 1);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 4); /* and none too many before */
  sigterm_kiosk();
}
END_TEST

static void write_hook(const char *path, const char *out, int status)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "#!/bin/sh\necho \"$1 $YH_GATE_SEQ $YH_GATE_TERMINAL\" >> '%s'\nexit %d\n", out,
          status);
  fclose(f);
  ck_assert_int_eq(chmod(path, 0755), 0);
}

START_TEST(failing_hook_is_journaled)
{
  char hook[400], out[400], gate[600], line[2048];
  snprintf(hook, sizeof hook, "%s/open-gate", dir);
  snprintf(out, sizeof out, "%s/opened.txt", dir);
  write_hook(hook, out, 1);
  snprintf(gate, sizeof gate, "actuator = hook\nhook = %s\nhook_timeout_ms = 30000\n", hook);
  write_config(gate);
  start_kiosk();
  uint64_t seq = grant("honour-star3");
  status_wait("gate", "fault");
  ck_assert_int_eq(ctl("last", line, sizeof line), 0);
  expect(line, "verdict", "GRANT"); /* still the verdict on screen */
  ck_assert_int_eq(faults_for(seq, 1), 1);
  /* fixed: the next GRANT runs it, the alarm goes */
  write_hook(hook, out, 0);
  uint64_t seq2 = grant("honour-star5");
  status_wait("gate", "ok");
  ck_assert_int_eq(faults_for(seq2, 0), 0);
  sigterm_kiosk();
  FILE *f = fopen(out, "r");
  ck_assert_ptr_nonnull(f);
  char got[256] = "";
  size_t n = fread(got, 1, sizeof got - 1, f);
  fclose(f);
  got[n] = '\0';
  char want[256];
  snprintf(want, sizeof want, "open %llu g1\nopen %llu g1\n", (unsigned long long)seq,
           (unsigned long long)seq2);
  ck_assert_str_eq(got, want);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_actuator_card");
  TCase *tc = tcase_create("gate");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 900); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, one_pulse_per_grant);
  tcase_add_test(tc, failing_hook_is_journaled);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
