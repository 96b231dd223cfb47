/*
 * The gate's actuator (terminal/actuator.c) without pcscd: the [gate] keys and their
 * errors, the byte-sequence parser (truncated, oversized, malicious), the serial relay
 * against a real pseudo-terminal (posix_openpt), the hook (a script that writes a file,
 * one that fails, one that hangs and is killed), the gate_fault journal event, and
 * `kiosk config check` on a missing or wrong device, a missing GPIO chip, a hook that
 * cannot run.
 *
 * GPIO: the gpio-sim kernel module cannot be loaded here (no modprobe, no configfs in the
 * build container), so the GPIO path is tested for its configuration errors only.
 */
#define _GNU_SOURCE /* posix_openpt, ptsname_r */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "actuator.h"
#include "kiosk/config.h"
#include "kiosk/journal.h"
#include "kiosk/terminal.h"
#include "kt_pty.h"
#include "kt_rig.h"
#include "yh_fixture.h"

static char dir[256];

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-act-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* --------------------------------------------------------------- parsing -- */

START_TEST(hex_bytes)
{
  static const struct {
    const char *in;
    int rc;
    size_t len;
    uint8_t b[4];
  } t[] = {
      {"A0 01 01 A2", 0, 4, {0xA0, 0x01, 0x01, 0xA2}},
      {"a0:01:00:a1", 0, 4, {0xA0, 0x01, 0x00, 0xA1}},
      {"A00101A2", 0, 4, {0xA0, 0x01, 0x01, 0xA2}},
      {"ff", 0, 1, {0xFF}},
      {"", -1, 0, {0}},          /* nothing to send */
      {"A", -1, 0, {0}},         /* truncated pair */
      {"A0 0", -1, 0, {0}},      /* truncated second pair */
      {"A0 ", -1, 0, {0}},       /* trailing separator */
      {"A0  01", -1, 0, {0}},    /* two separators */
      {" A0", -1, 0, {0}},       /* leading separator */
      {"0x01", -1, 0, {0}},      /* a C literal is not the form */
      {"G0", -1, 0, {0}},
      {"A0\n01", -1, 0, {0}},
      {"A0-01", -1, 0, {0}},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    uint8_t out[4];
    size_t len = 99;
    int rc = kiosk_hex_bytes_parse(t[i].in, out, sizeof out, &len);
    ck_assert_msg(rc == t[i].rc, "'%s': rc %d", t[i].in, rc);
    if (rc == 0) {
      ck_assert_uint_eq(len, t[i].len);
      ck_assert_mem_eq(out, t[i].b, len);
    } else {
      ck_assert_uint_eq(len, 0);
    }
  }
  /* oversized: 33 bytes into 32, and a long run never writes past cap */
  char big[3 * 40 + 1] = "";
  for (int i = 0; i < 40; i++)
    strcat(big, i ? " 5A" : "5A");
  uint8_t out[KIOSK_GATE_BYTES_MAX + 1];
  memset(out, 0xEE, sizeof out);
  size_t len = 0;
  ck_assert_int_eq(kiosk_hex_bytes_parse(big, out, KIOSK_GATE_BYTES_MAX, &len), -1);
  ck_assert_uint_eq(out[KIOSK_GATE_BYTES_MAX], 0xEE);
  big[3 * 32 - 1] = '\0'; /* exactly 32 */
  ck_assert_int_eq(kiosk_hex_bytes_parse(big, out, KIOSK_GATE_BYTES_MAX, &len), 0);
  ck_assert_uint_eq(len, 32);
}
END_TEST

static const char base_cfg[] = "[terminal]\nsite = park.rongzhou-gucheng\nmode = %s\n"
                               "terminal_id = g1\n%s"
                               "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
                               "[gate]\n%s";

static int parse(const char *mode, const char *gate, struct kiosk_config *c, char *msg,
                 size_t cap)
{
  char buf[2048];
  snprintf(buf, sizeof buf, base_cfg, mode, "", gate);
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  int rc = kiosk_config_parse(buf, strlen(buf), "gate.ini", NULL, KIOSK_CONFIG_NO_FS_CHECK, c,
                              &d);
  kiosk_diag_format(&d, msg, cap);
  return rc;
}

START_TEST(gate_keys)
{
  struct kiosk_config c;
  char msg[600];
  ck_assert_int_eq(parse("gate", "actuator = serial\nserial_device = /dev/ttyUSB0\n"
                                 "serial_open = A0 01 01 A2\nserial_close = A0 01 00 A1\n",
                         &c, msg, sizeof msg),
                   KIOSK_OK);
  ck_assert_int_eq(c.gate.actuator, KIOSK_ACTUATOR_SERIAL);
  ck_assert_uint_eq(c.gate.pulse_ms, 300);
  ck_assert_uint_eq(c.gate.serial_baud, 9600);
  ck_assert_uint_eq(c.gate.serial_open_len, 4);
  ck_assert_uint_eq(c.gate.serial_close[3], 0xA1);
  ck_assert_int_eq(parse("gate", "actuator = gpio\ngpio_chip = gpiochip0\ngpio_line = 17\n"
                                 "gpio_active_low = true\npulse_ms = 500\n",
                         &c, msg, sizeof msg),
                   KIOSK_OK);
  ck_assert_int_eq(c.gate.actuator, KIOSK_ACTUATOR_GPIO);
  ck_assert_uint_eq(c.gate.gpio_line, 17);
  ck_assert_int_eq(c.gate.gpio_active_low, 1);
  ck_assert_uint_eq(c.gate.pulse_ms, 500);
  ck_assert_int_eq(parse("gate", "actuator = hook\nhook = /usr/local/bin/open-gate\n", &c, msg,
                         sizeof msg),
                   KIOSK_OK);
  ck_assert_uint_eq(c.gate.hook_timeout_ms, 5000);
  ck_assert_int_eq(parse("gate", "", &c, msg, sizeof msg), KIOSK_OK);
  ck_assert_int_eq(c.gate.actuator, KIOSK_ACTUATOR_NONE);

  /* each error names the key */
  static const struct {
    const char *mode, *gate, *word;
  } bad[] = {
      {"gate", "actuator = relay\n", "actuator"},
      {"bus", "actuator = hook\nhook = /bin/true\n", "only a gate"},
      {"cashier", "actuator = hook\nhook = /bin/true\n", "only a gate"},
      {"gate", "actuator = serial\nserial_open = A0\n", "serial_device"},
      {"gate", "actuator = serial\nserial_device = /dev/ttyUSB0\n", "serial_open"},
      {"gate", "actuator = serial\nserial_device = ttyUSB0\nserial_open = A0\n", "absolute"},
      {"gate", "actuator = serial\nserial_device = /dev/ttyUSB0\nserial_open = A0 0\n",
       "serial_open"},
      {"gate", "actuator = serial\nserial_device = /dev/ttyUSB0\nserial_open = A0\n"
               "serial_baud = 9601\n", "serial_baud"},
      {"gate", "actuator = serial\nserial_device = /dev/ttyUSB0\nserial_open = A0\n"
               "gpio_line = 3\n", "gpio_line: only with actuator = gpio"},
      {"gate", "actuator = gpio\ngpio_chip = gpiochip0\n", "gpio_line"},
      {"gate", "actuator = gpio\ngpio_chip = gpiochip0\ngpio_line = -1\n", "gpio_line"},
      {"gate", "actuator = gpio\ngpio_chip = gpiochip0\ngpio_line = 1\ngpio_active_low = 2\n",
       "gpio_active_low"},
      {"gate", "actuator = hook\n", "hook"},
      {"gate", "actuator = hook\nhook = open-gate\n", "absolute"},
      {"gate", "actuator = hook\nhook = /bin/true\nhook_timeout_ms = 99\n", "hook_timeout_ms"},
      {"gate", "actuator = hook\nhook = /bin/true\npulse_ms = 10\n", "pulse_ms"},
      {"gate", "actuator = hook\nhook = /bin/true\npulse_ms = 30001\n", "pulse_ms"},
      {"gate", "hook = /bin/true\n", "only with actuator = hook"},
      {"gate", "serial_open = A0\n", "only with actuator = serial"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = parse(bad[i].mode, bad[i].gate, &c, msg, sizeof msg);
    ck_assert_msg(rc == KIOSK_E_CONFIG, "case %zu: rc %d", i, rc);
    ck_assert_msg(strstr(msg, bad[i].word) && strstr(msg, "gate.ini"), "case %zu: %s", i, msg);
  }
}
END_TEST

/* ------------------------------------------------------------- actuator -- */

static struct kiosk_gate_config serial_cfg(const char *dev, uint32_t pulse_ms)
{
  struct kiosk_gate_config g;
  memset(&g, 0, sizeof g);
  g.actuator = KIOSK_ACTUATOR_SERIAL;
  g.pulse_ms = pulse_ms;
  g.serial_baud = 9600;
  snprintf(g.serial_device, sizeof g.serial_device, "%s", dev);
  memcpy(g.serial_open, KT_PTY_OPEN, 4);
  g.serial_open_len = 4;
  memcpy(g.serial_close, KT_PTY_CLOSE, 4);
  g.serial_close_len = 4;
  return g;
}

static int wait_fault(struct term_actuator *a, struct term_actuator_fault *f)
{
  uint64_t end = yh_now_ms() + 60000;
  while (yh_now_ms() < end) {
    if (term_actuator_next_fault(a, f))
      return 1;
    yh_sleep_ms(20);
  }
  return 0;
}

START_TEST(serial_pulses_on_a_pty)
{
  struct kt_pty l;
  kt_pty_start(&l);
  struct kiosk_gate_config g = serial_cfg(l.slave, 200);
  struct term_actuator *a = NULL;
  char why[200];
  ck_assert_int_eq(term_actuator_create(&g, "park.x", "g1", &a, why, sizeof why), 0);
  ck_assert_ptr_nonnull(a);
  term_actuator_fire(a, 1);
  uint64_t ms[8];
  ck_assert_uint_eq(kt_pty_wait_pulses(&l, 1, ms, 8), 1);
  printf("serial pulse: %llu ms (configured 200)\n", (unsigned long long)ms[0]);
  /* No lower bound on ms[0]: a loaded listener may read the open bytes late (a 36 ms
   * "pulse" of 300 was seen with both CPUs busy). The actuator's own sleep holds the
   * relay; what the listener can tell is the order and the count of the sequences. */
  /* three GRANTs in a row: three pulses, each closed before the next opens */
  for (uint64_t s = 2; s <= 4; s++)
    term_actuator_fire(a, s);
  ck_assert_uint_eq(kt_pty_wait_pulses(&l, 4, ms, 8), 4);
  struct term_actuator_stats st;
  term_actuator_stats(a, &st);
  ck_assert_uint_eq(st.pulses, 4);
  ck_assert_uint_eq(st.faults, 0);
  struct term_actuator_fault f;
  ck_assert_int_eq(term_actuator_next_fault(a, &f), 0);

  /* the board unplugged: the pty goes; the next pulse is a fault naming the device */
  kt_pty_stop(&l);
  term_actuator_fire(a, 5);
  ck_assert(wait_fault(a, &f));
  ck_assert_uint_eq(f.seq, 5);
  ck_assert_ptr_nonnull(strstr(f.what, "serial"));
  term_actuator_stats(a, &st);
  ck_assert_int_eq(st.last_failed, 1);
  term_actuator_destroy(a);

  /* none: nothing created, every call a no-op */
  g.actuator = KIOSK_ACTUATOR_NONE;
  ck_assert_int_eq(term_actuator_create(&g, "park.x", "g1", &a, why, sizeof why), 0);
  ck_assert_ptr_null(a);
  term_actuator_fire(a, 1);
  term_actuator_destroy(a);
}
END_TEST

START_TEST(serial_device_not_a_tty)
{
  struct kiosk_gate_config g = serial_cfg("/dev/null", 50);
  struct term_actuator *a = NULL;
  char why[200];
  ck_assert_int_eq(term_actuator_create(&g, "park.x", "g1", &a, why, sizeof why), 0);
  term_actuator_fire(a, 9);
  struct term_actuator_fault f;
  ck_assert(wait_fault(a, &f));
  ck_assert_uint_eq(f.seq, 9);
  ck_assert_ptr_nonnull(strstr(f.what, "not a terminal"));
  term_actuator_destroy(a);
}
END_TEST

static void write_script(const char *path, const char *body)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "#!/bin/sh\n%s", body);
  fclose(f);
  ck_assert_int_eq(chmod(path, 0755), 0);
}

static int file_text(const char *path, char *buf, size_t cap)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  fclose(f);
  buf[n] = '\0';
  return 0;
}

/* Running (a zombie left to a PID 1 that does not reap is dead enough). */
static int alive(pid_t pid)
{
  char p[64], st[512];
  snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
  if (file_text(p, st, sizeof st) != 0)
    return 0;
  const char *close_paren = strrchr(st, ')');
  return close_paren && close_paren[1] == ' ' && close_paren[2] != 'Z' && close_paren[2] != 'X';
}

START_TEST(hook_runs_without_a_shell)
{
  char hook[400], out[400], body[1024], text[512];
  snprintf(hook, sizeof hook, "%s/open-gate", dir);
  snprintf(out, sizeof out, "%s/opened", dir);
  /* argv[1], the environment it is given, and that stdin is not ours */
  snprintf(body, sizeof body,
           "printf '%%s seq=%%s site=%%s term=%%s pulse=%%s\\n' \"$1\" \"$YH_GATE_SEQ\" "
           "\"$YH_GATE_SITE\" \"$YH_GATE_TERMINAL\" \"$YH_GATE_PULSE_MS\" >> '%s'\n",
           out);
  write_script(hook, body);
  struct kiosk_gate_config g;
  memset(&g, 0, sizeof g);
  g.actuator = KIOSK_ACTUATOR_HOOK;
  g.pulse_ms = 300;
  g.hook_timeout_ms = 30000;
  snprintf(g.hook, sizeof g.hook, "%s", hook);
  struct term_actuator *a = NULL;
  char why[200];
  ck_assert_int_eq(term_actuator_create(&g, "park.rongzhou-gucheng", "g1", &a, why, sizeof why),
                   0);
  term_actuator_fire(a, 41);
  term_actuator_fire(a, 42);
  uint64_t end = yh_now_ms() + 60000;
  struct term_actuator_stats st;
  do {
    term_actuator_stats(a, &st);
    if (st.pulses + st.faults >= 2)
      break;
    yh_sleep_ms(20);
  } while (yh_now_ms() < end);
  ck_assert_uint_eq(st.pulses, 2);
  ck_assert_int_eq(file_text(out, text, sizeof text), 0);
  ck_assert_str_eq(text, "open seq=41 site=park.rongzhou-gucheng term=g1 pulse=300\n"
                         "open seq=42 site=park.rongzhou-gucheng term=g1 pulse=300\n");

  /* exit 1: a fault with the status */
  write_script(hook, "exit 1\n");
  term_actuator_fire(a, 43);
  struct term_actuator_fault f;
  ck_assert(wait_fault(a, &f));
  ck_assert_uint_eq(f.seq, 43);
  ck_assert_ptr_nonnull(strstr(f.what, "exit status 1"));
  term_actuator_destroy(a);

  /* a hook that hangs is killed at its deadline, with what it started. A shell on a
   * loaded machine may not have written its child's pid within 300 ms (seen with both
   * CPUs busy): then it had started nothing to leak yet, and the same hook is fired again
   * with a longer deadline until it has. */
  char pidfile[400];
  snprintf(pidfile, sizeof pidfile, "%s/child.pid", dir);
  snprintf(body, sizeof body, "sleep 600 &\necho $! > '%s'\nwait\n", pidfile);
  write_script(hook, body);
  pid_t child = 0;
  for (uint32_t limit = 300; child <= 0 && limit <= 40000; limit *= 4) {
    g.hook_timeout_ms = limit;
    unlink(pidfile);
    ck_assert_int_eq(term_actuator_create(&g, "park.x", "g1", &a, why, sizeof why), 0);
    uint64_t t0 = yh_now_ms();
    term_actuator_fire(a, 44);
    ck_assert(wait_fault(a, &f));
    printf("hung hook killed after %llu ms (deadline %u)\n",
           (unsigned long long)(yh_now_ms() - t0), (unsigned)limit);
    ck_assert_ptr_nonnull(strstr(f.what, "killed"));
    if (file_text(pidfile, text, sizeof text) == 0)
      child = (pid_t)atoi(text);
    if (child <= 0)
      term_actuator_destroy(a);
  }
  ck_assert_int_gt(child, 0);
  end = yh_now_ms() + 60000;
  while (alive(child) && yh_now_ms() < end) /* the group went with it */
    yh_sleep_ms(20);
  ck_assert(!alive(child));
  term_actuator_destroy(a);

  /* not there at all */
  snprintf(g.hook, sizeof g.hook, "%s/nothing-here", dir);
  ck_assert_int_eq(term_actuator_create(&g, "park.x", "g1", &a, why, sizeof why), 0);
  term_actuator_fire(a, 45);
  ck_assert(wait_fault(a, &f));
  ck_assert_ptr_nonnull(strstr(f.what, "No such file"));
  term_actuator_destroy(a);
}
END_TEST

/* ------------------------------------------------------- journal event -- */

static int last_event_cb(const struct proto_event *ev, void *user)
{
  *(struct proto_event *)user = *ev;
  return 0;
}

START_TEST(gate_fault_journaled)
{
  char buf[2048], path[400];
  snprintf(path, sizeof path, "%s/journal.db", dir);
  snprintf(buf, sizeof buf,
           "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"
           "[paths]\njournal = %s\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n",
           path);
  struct kiosk_config c;
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  ck_assert_int_eq(kiosk_config_parse(buf, strlen(buf), "k.ini", NULL, KIOSK_CONFIG_NO_FS_CHECK,
                                      &c, &d),
                   KIOSK_OK);
  struct kiosk_terminal *t = NULL;
  ck_assert_int_eq(kiosk_terminal_open(&c, &t, &d), KIOSK_OK);
  uint64_t s1 = 0, s2 = 0;
  int64_t now = (int64_t)time(NULL);
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_SIGN_IN, "S07", now, &s1),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_terminal_record_gate_fault(t, s1, "S07", now, &s2), KIOSK_OK);
  ck_assert_uint_eq(s2, s1 + 1);
  ck_assert_int_eq(kiosk_terminal_record_gate_fault(t, 0, "S07", now, NULL), KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(kiosk_terminal_record_gate_fault(t, s1, "450902198506121232", now, NULL),
                   KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(kiosk_terminal_record_gate_fault(t, s2 + 5, "", now, NULL),
                   KIOSK_E_INVALID_ARG); /* names a later event */
  struct proto_event e;
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(kiosk_journal_read(kiosk_terminal_journal(t), s2, s2, last_event_cb, &e),
                   KIOSK_OK);
  ck_assert_int_eq(e.kind, KIOSK_EVENT_GATE_FAULT);
  ck_assert_int_eq(e.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_uint_eq(proto_event_ref_seq(&e), s1);
  ck_assert_str_eq(e.staff_id, "S07");
  ck_assert_str_eq(e.card_no, "");
  kiosk_terminal_close(t);
  /* the chain still verifies */
  struct kiosk_journal *j = NULL;
  struct kiosk_journal_check chk;
  ck_assert_int_eq(kiosk_journal_open(path, 0, &j, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_verify(j, &chk), KIOSK_OK);
  ck_assert_uint_eq(chk.checked, s2);
  kiosk_journal_close(j);
}
END_TEST

/* ------------------------------------------------------------ config check -- */

/* `kiosk config check` on a gate config with the [gate] section given; stdout and stderr
 * into out. Returns the exit status. */
static int config_check(const char *gate, char *out, size_t cap)
{
  char ini[400], pki[400], cmd[1400];
  snprintf(ini, sizeof ini, "%s/kiosk.ini", dir);
  snprintf(pki, sizeof pki, "%s/pki", dir);
  if (access(pki, F_OK) != 0) /* a trust store with an issuer, a revocation list */
    kt_make_pki_and_revlist(dir, pki);
  FILE *f = fopen(ini, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, base_cfg, "gate", "[paths]\ntrust_store = pki/trust\n", gate);
  fclose(f);
  /* the order of the sections does not matter; [paths] sits in [terminal]'s place */
  snprintf(cmd, sizeof cmd,
           "YH_CONFIG_CHECK_NO_READERS=1 '%s/terminal/kiosk' config check --config '%s' "
           "> '%s/out' 2>&1",
           yh_binary_dir(), ini, dir);
  int st = system(cmd);
  char p[400];
  snprintf(p, sizeof p, "%s/out", dir);
  file_text(p, out, cap);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(config_check_gate)
{
  static char out[8192];
  char gate[600], hook[400];
  /* a missing device */
  ck_assert_int_eq(config_check("actuator = serial\nserial_device = /dev/ttyNOPE9\n"
                                "serial_open = A0 01 01 A2\nserial_close = A0 01 00 A1\n",
                                out, sizeof out),
                   1);
  ck_assert_msg(strstr(out, "error: [gate] serial_device: '/dev/ttyNOPE9'"), "%s", out);
  /* a character device that is not a terminal */
  ck_assert_int_eq(config_check("actuator = serial\nserial_device = /dev/null\n"
                                "serial_open = A0 01 01 A2\nserial_close = A0 01 00 A1\n",
                                out, sizeof out),
                   1);
  ck_assert_msg(strstr(out, "[gate] serial_device: '/dev/null' is not a serial terminal"), "%s",
                out);
  /* a real terminal (a pty), no close bytes: ok with a warning */
  struct kt_pty l;
  kt_pty_start(&l);
  snprintf(gate, sizeof gate, "actuator = serial\nserial_device = %s\nserial_open = A0 01 01 A2\n",
           l.slave);
  ck_assert_int_eq(config_check(gate, out, sizeof out), 0);
  ck_assert_msg(strstr(out, "warning: [gate] serial_close") && strstr(out, "gate: serial relay"),
                "%s", out);
  kt_pty_stop(&l);
  ck_assert_uint_eq(l.n, 0); /* the check wrote nothing to the board */
  /* GPIO: no such chip here */
  ck_assert_int_eq(config_check("actuator = gpio\ngpio_chip = gpiochip-nope\ngpio_line = 4\n",
                                out, sizeof out),
                   1);
  ck_assert_msg(strstr(out, "error: [gate] gpio_chip: 'gpiochip-nope'"), "%s", out);
  /* hooks: missing, not executable, writable by anyone; then a good one */
  snprintf(hook, sizeof hook, "%s/hook.sh", dir);
  snprintf(gate, sizeof gate, "actuator = hook\nhook = %s\n", hook);
  ck_assert_int_eq(config_check(gate, out, sizeof out), 1);
  ck_assert_msg(strstr(out, "error: [gate] hook:") && strstr(out, "No such file"), "%s", out);
  write_script(hook, "exit 0\n");
  chmod(hook, 0644);
  ck_assert_int_eq(config_check(gate, out, sizeof out), 1);
  ck_assert_msg(strstr(out, "not an executable file"), "%s", out);
  chmod(hook, 0777);
  ck_assert_int_eq(config_check(gate, out, sizeof out), 1);
  ck_assert_msg(strstr(out, "writable by anyone"), "%s", out);
  chmod(hook, 0755);
  ck_assert_int_eq(config_check(gate, out, sizeof out), 0);
  ck_assert_msg(strstr(out, "gate: hook"), "%s", out);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_actuator");
  TCase *tc = tcase_create("actuator");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, hex_bytes);
  tcase_add_test(tc, gate_keys);
  tcase_add_test(tc, serial_pulses_on_a_pty);
  tcase_add_test(tc, serial_device_not_a_tty);
  tcase_add_test(tc, hook_runs_without_a_shell);
  tcase_add_test(tc, gate_fault_journaled);
  tcase_add_test(tc, config_check_gate);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
