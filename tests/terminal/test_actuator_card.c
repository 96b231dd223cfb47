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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk/journal.h"
#include "kt_pty.h"
#include "kt_rig.h"

#define PULSE_MS 300
#define SETTLE_MS 1500

static struct kt_rig rig;

/* The simulator's 4-star card is revoked (every generation below 100). */
static void setup(void)
{
  static const struct proto_rev_entry revoked[] = {{"YL20240000040291", 100, KIOSK_REV_BELOW}};
  kt_rig_setup(&rig, "kiosk-gate", 1, revoked, 1);
}

static void teardown(void)
{
  kt_rig_teardown(&rig);
}

/* A park gate with the [gate] section gate (no repeat window: the same card twice is two
 * GRANTs). */
static void write_config(const char *gate)
{
  char tail[700];
  snprintf(tail, sizeof tail, "[gate]\n%s", gate);
  kt_rig_write_config(&rig, "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\n"
                            "terminal_id = g1\n",
                      "gate_repeat_minutes = 0\n", tail);
}

/* A holder confirmed by staff: the journal seq of the GRANT. */
static uint64_t grant(const char *profile)
{
  char line[2048], v[32];
  kt_tap(&rig, 0, profile, line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_key(&rig.k, "enter", line, sizeof line);
  kt_expect(line, "verdict", "GRANT");
  kt_expect(line, "journaled", "1");
  return strtoull(kt_field(line, "journal_seq", v, sizeof v), NULL, 10);
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

/* How many gate_fault events in the journal name the GRANT ref (waits up to KT_WAIT_MS for
 * the first when want > 0). */
static int faults_for(uint64_t ref, int want)
{
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db", rig.dir);
  uint64_t end = yh_now_ms() + KT_WAIT_MS;
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
  kt_kiosk_start(&rig.k, NULL);
  char line[2048];
  uint64_t ms[16];

  /* the holder check on screen: nothing opens */
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 0);
  /* staff refuse: a DENY, journaled; nothing opens */
  kt_key(&rig.k, "esc", line, sizeof line);
  kt_expect(line, "verdict", "DENY");
  kt_expect(line, "journaled", "1");
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 0);

  /* staff confirm: a GRANT, exactly one pulse. Its length as the listener reads it is
   * printed, not checked from below: with both CPUs busy the listener may read the open
   * bytes late (36 ms of a 300 ms pulse was seen); the actuator's sleep holds the relay. */
  grant("honour-star3");
  ck_assert_uint_eq(kt_pty_wait_pulses(&pty, 1, ms, 16), 1);
  printf("gate pulse: %llu ms (pulse_ms %d)\n", (unsigned long long)ms[0], PULSE_MS);
  ck_assert_uint_lt(ms[0], 60000);

  /* a revoked card: DENY at once, nothing opens */
  kt_tap(&rig, 0, "honour-star4", line, sizeof line);
  kt_expect(line, "verdict", "DENY");
  ck_assert_ptr_nonnull(strstr(line, "REVOKED"));
  yh_sleep_ms(SETTLE_MS);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 1);

  /* N GRANTs, N pulses */
  static const char *const cards[] = {"honour-star5", "honour-volunteer5", "honour-star3"};
  for (size_t i = 0; i < 3; i++)
    grant(cards[i]);
  ck_assert_uint_eq(kt_pty_wait_pulses(&pty, 4, ms, 16), 4);
  kt_status_wait(&rig.k, "gate_pulses", "4");
  ck_assert_int_eq(kt_ctl(&rig.k, "status", line, sizeof line), 0);
  kt_expect(line, "gate", "ok");
  kt_expect(line, "gate_faults", "0");

  /* the board unplugged: the GRANT stands, the alarm goes up, the fault is journaled */
  kt_pty_stop(&pty);
  uint64_t seq = grant("honour-star5");
  kt_status_wait(&rig.k, "gate", "fault");
  ck_assert_int_eq(kt_ctl(&rig.k, "last", line, sizeof line), 0);
  kt_expect(line, "verdict", "GRANT");
  ck_assert_int_eq(faults_for(seq, 1), 1);
  ck_assert_uint_eq(kt_pty_pulses(&pty, ms, 16), 4); /* and none too many before */
  kt_kiosk_sigterm(&rig.k);
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
  snprintf(hook, sizeof hook, "%s/open-gate", rig.dir);
  snprintf(out, sizeof out, "%s/opened.txt", rig.dir);
  write_hook(hook, out, 1);
  snprintf(gate, sizeof gate, "actuator = hook\nhook = %s\nhook_timeout_ms = 30000\n", hook);
  write_config(gate);
  kt_kiosk_start(&rig.k, NULL);
  uint64_t seq = grant("honour-star3");
  kt_status_wait(&rig.k, "gate", "fault");
  ck_assert_int_eq(kt_ctl(&rig.k, "last", line, sizeof line), 0);
  kt_expect(line, "verdict", "GRANT"); /* still the verdict on screen */
  ck_assert_int_eq(faults_for(seq, 1), 1);
  /* fixed: the next GRANT runs it, the alarm goes */
  write_hook(hook, out, 0);
  uint64_t seq2 = grant("honour-star5");
  kt_status_wait(&rig.k, "gate", "ok");
  ck_assert_int_eq(faults_for(seq2, 0), 0);
  kt_kiosk_sigterm(&rig.k);
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
