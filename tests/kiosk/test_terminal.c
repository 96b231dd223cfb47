/* The terminal's decision path with real files: revocation list from the trust store,
 * journal on disk, repeat detection through the journal, and the fail-closed journal
 * with the staff override queue. */
#include <check.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/terminal.h"

static char dir[256];
static struct proto_key *signer;

#define T0 1590976800 /* 2020-06-01 10:00 +08:00 */

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-terminal-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char p[512];
  snprintf(p, sizeof p, "%s/trust", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  ck_assert_int_eq(kiosk_revkey_generate(&signer), KIOSK_OK);
  snprintf(p, sizeof p, "%s/trust/%s", dir, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(signer, p), KIOSK_OK);
  struct proto_rev_entry revoked[] = {{"YL20190000066629", 0, KIOSK_REV_EXACT}};
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(revoked, 1, 1, T0 - 3600, signer, &blob, &len),
                   KIOSK_OK);
  snprintf(p, sizeof p, "%s/revocation.yrl", dir);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(blob, 1, len, f), len);
  fclose(f);
  free(blob);
}

static void teardown(void)
{
  kiosk_revkey_destroy(signer);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static struct kiosk_terminal *open_terminal(const char *terminal_section, unsigned queue_max)
{
  char path[300], text[1024];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  snprintf(text, sizeof text,
           "%s"
           "[paths]\ntrust_store = trust\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2023-12-27\n"
           "gate_repeat_minutes = 120\nbus_repeat_minutes = 10\noverride_queue_max = %u\n"
           "clock_not_before = 2019-01-01\n",
           terminal_section, queue_max);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  struct kiosk_config cfg;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_config_load(path, NULL, 0, &cfg, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  struct kiosk_terminal *t;
  rc = kiosk_terminal_open(&cfg, &t, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  return t;
}

#define GATE "[terminal]\nsite = park.guishan\nmode = gate\nterminal_id = gate-1\n"
#define BUS                                                                              \
  "[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = bus-1\n"             \
  "vehicle = GK-D0002\n"

/* "Disk full": cap the database at its size, then append filler events until it is
 * full. Returns the last seq. */
static uint64_t fill_disk(struct kiosk_journal *j)
{
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, 1), KIOSK_OK); /* = its current size */
  int rc = KIOSK_OK;
  for (int i = 0; i < 100000 && rc == KIOSK_OK; i++) {
    struct proto_event e;
    memset(&e, 0, sizeof e);
    e.time = 1;
    snprintf(e.terminal, sizeof e.terminal, "filler");
    snprintf(e.site, sizeof e.site, "park.guishan");
    e.mode = KIOSK_MODE_GATE;
    e.kind = KIOSK_EVENT_DECISION;
    e.verdict = KIOSK_VERDICT_DENY;
    rc = kiosk_journal_append(j, &e);
  }
  ck_assert_int_eq(rc, KIOSK_E_DB_FULL);
  uint64_t last;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  return last;
}

static struct kiosk_card_facts card(const char *no)
{
  struct kiosk_card_facts c;
  memset(&c, 0, sizeof c);
  snprintf(c.card_no, sizeof c.card_no, "%s", no);
  c.award = KIOSK_AWARD_DONOR_STAR;
  c.award_level = 4;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c.check[i] = KIOSK_CHECK_OK;
  return c;
}

static struct kiosk_outcome decide(struct kiosk_terminal *t, const char *no, unsigned staff,
                                   int64_t now)
{
  struct kiosk_card_facts c = card(no);
  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &c;
  in.staff = staff;
  in.staff_id = staff ? "S07" : NULL;
  struct kiosk_outcome o;
  ck_assert_int_eq(kiosk_terminal_decide(t, &in, now, &o), KIOSK_OK);
  return o;
}

START_TEST(gate_flow)
{
  struct kiosk_terminal *t = open_terminal(GATE, 8);
  struct kiosk_outcome o = decide(t, "YL20190000000184", 0, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(HOLDER_CONFIRM_NEEDED));
  ck_assert_int_eq(o.journaled, 0); /* a question, not an outcome */
  o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 20);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(o.journaled, 1);
  ck_assert_uint_eq(o.seq, 1);
  ck_assert_int_eq(o.revocation.status, KIOSK_REV_NOT_LISTED);
  /* The same card again within 120 minutes: possible lending. */
  o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 20 + 119 * 60);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(REPEAT_AT_GATE));
  ck_assert_uint_eq(o.recent.count, 1);
  o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 20 + 120 * 60);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_uint_eq(o.seq, 2);
  /* A revoked card: denied and journaled. */
  o = decide(t, "YL20190000066629", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 9000);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(CARD_REVOKED));
  ck_assert_int_eq(o.journaled, 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), 3, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "YL20190000066629");
  ck_assert_str_eq(e.staff_id, "S07");
  ck_assert_int_eq(e.verdict, KIOSK_VERDICT_DENY);
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(journal_down_override)
{
  struct kiosk_terminal *t = open_terminal(GATE, 2);
  struct kiosk_outcome o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0);
  ck_assert_uint_eq(o.seq, 1);
  struct kiosk_journal *j = kiosk_terminal_journal(t);
  uint64_t last, full = fill_disk(j);
  o = decide(t, "YL20190000000281", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 10);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(JOURNAL_UNAVAILABLE));
  ck_assert(o.verdict.flags & KIOSK_VF_OVERRIDE_OFFERED);
  ck_assert_int_eq(o.journaled, 0);
  ck_assert_int_eq(o.queued, 0);
  /* Staff override: granted, queued. */
  o = decide(t, "YL20190000000281", KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, T0 + 20);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(STAFF_OVERRIDE));
  ck_assert(o.verdict.flags & KIOSK_VF_OVERRIDE_USED);
  ck_assert_int_eq(o.queued, 1);
  o = decide(t, "YL20190000000378", KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, T0 + 30);
  ck_assert_int_eq(o.queued, 1);
  /* Queue (2) full: the next override is refused. */
  o = decide(t, "YL20190000000475", KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, T0 + 40);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(OVERRIDE_QUEUE_FULL));
  struct kiosk_terminal_status st;
  kiosk_terminal_status(t, &st);
  ck_assert_int_eq(st.journal_ok, 0);
  ck_assert_uint_eq(st.overrides_queued, 2);
  /* Space again: the next decision appends the overrides first, in order. */
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, 1u << 30), KIOSK_OK);
  o = decide(t, "YL20190000000572", KIOSK_STAFF_HOLDER_CONFIRMED, T0 + 50);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_uint_eq(o.seq, full + 3);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(j, full + 1, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "YL20190000000281");
  ck_assert_int_eq(e.kind, KIOSK_EVENT_OVERRIDE);
  ck_assert_str_eq(e.staff_id, "S07");
  ck_assert_int_eq(e.time, T0 + 20);
  ck_assert_int_eq(kiosk_journal_get(j, full + 2, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "YL20190000000378");
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(last, full + 3);
  kiosk_terminal_status(t, &st);
  ck_assert_int_eq(st.journal_ok, 1);
  ck_assert_uint_eq(st.overrides_queued, 0);
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(bus_flow)
{
  struct kiosk_terminal *t = open_terminal(BUS, 8);
  struct kiosk_outcome o = decide(t, "YL20190000000184", 0, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  o = decide(t, "YL20190000000184", 0, T0 + 599);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(REPEAT_ON_VEHICLE));
  o = decide(t, "YL20190000000184", 0, T0 + 600);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), 1, &e), KIOSK_OK);
  ck_assert_str_eq(e.vehicle, "GK-D0002");
  /* No staff on a bus: a journal outage denies. */
  fill_disk(kiosk_terminal_journal(t));
  o = decide(t, "YL20190000000960", 0, T0 + 5000);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(JOURNAL_UNAVAILABLE));
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(never_synced)
{
  /* Issue 13: a terminal that never had a revocation list. A bus refuses (its own
   * reason, not a stale list); a gate asks staff even after the holder check, and staff
   * may take it on themselves (override, journaled with their id). */
  char p[512];
  snprintf(p, sizeof p, "%s/revocation.yrl", dir);
  ck_assert_int_eq(unlink(p), 0);
  struct kiosk_terminal *t = open_terminal(BUS, 8);
  struct kiosk_outcome o = decide(t, "YL20190000000184", 0, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.deny & KIOSK_RBIT(REVLIST_NEVER));
  ck_assert(!(o.verdict.reasons & KIOSK_RBIT(REVLIST_STALE)));
  ck_assert_int_eq(o.journaled, 1);
  kiosk_terminal_close(t);
  t = open_terminal(GATE, 8);
  o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert(o.verdict.staff & KIOSK_RBIT(REVLIST_NEVER));
  ck_assert(o.verdict.flags & KIOSK_VF_OVERRIDE_OFFERED);
  o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(o.journaled, 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_str_eq(e.staff_id, "S07");
  ck_assert(e.reasons & KIOSK_RBIT(REVLIST_NEVER));
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(bus_route_trip_stop)
{
  /* Issue 13: every bus event carries the configured route, trip and stop. */
  struct kiosk_terminal *t =
      open_terminal(BUS "route = 10\ntrip = T0815\nstop = S12\n", 8);
  struct kiosk_outcome o = decide(t, "YL20190000000184", 0, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_str_eq(e.route, "10");
  ck_assert_str_eq(e.trip, "T0815");
  ck_assert_str_eq(e.stop, "S12");
  o = decide(t, "YL20190000000184", 0, T0 + 1);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_str_eq(e.trip, "T0815");
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(kiosk_terminal_journal(t), &res), KIOSK_OK);
  kiosk_terminal_close(t);
}
END_TEST

/* Issue 11 (2): a clock reset to 1970 journaled time 0 and -1000 and wedged the sync. */
START_TEST(clock_suspect)
{
  const int64_t floor = INT64_C(1546272000); /* 2019-01-01 00:00 +08:00 */
  struct kiosk_terminal *t = open_terminal(GATE, 8);
  unsigned conf = KIOSK_STAFF_HOLDER_CONFIRMED;
  struct kiosk_outcome o = decide(t, "YL20190000000184", conf, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  struct kiosk_terminal_status st;
  kiosk_terminal_status(t, &st);
  ck_assert_int_eq(st.clock_suspect, 0);
  /* 1970 and before: staff decide, nothing journaled until they override. */
  static const int64_t bad[] = {0, -1000, T0 - 3600, floor - 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o = decide(t, "YL20190000000281", conf, bad[i]);
    ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
    ck_assert(o.verdict.reasons & KIOSK_RBIT(CLOCK_SUSPECT));
    ck_assert(o.verdict.flags & KIOSK_VF_OVERRIDE_OFFERED);
    ck_assert_int_eq(o.journaled, 0);
    kiosk_terminal_status(t, &st);
    ck_assert_int_eq(st.clock_suspect, 1);
  }
  /* The override is journaled with the last trusted time and the reason. */
  o = decide(t, "YL20190000000281", conf | KIOSK_STAFF_OVERRIDE, 0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert_int_eq(o.journaled, 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_int_eq(e.time, T0);
  ck_assert(e.reasons & KIOSK_RBIT(CLOCK_SUSPECT));
  /* Within the margin (10 minutes) the clock is believed; the alarm clears. */
  o = decide(t, "YL20190000000378", conf, T0 - 599);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert(!(o.verdict.reasons & KIOSK_RBIT(CLOCK_SUSPECT)));
  kiosk_terminal_status(t, &st);
  ck_assert_int_eq(st.clock_suspect, 0);
  kiosk_terminal_close(t);
  /* After a restart the newest journaled time is known before the first decision. */
  t = open_terminal(GATE, 8);
  o = decide(t, "YL20190000000475", conf, T0 - 7200);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(CLOCK_SUSPECT));
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(clock_suspect_bus_denies)
{
  const int64_t floor = INT64_C(1546272000);
  struct kiosk_terminal *t = open_terminal(BUS, 8);
  struct kiosk_outcome o = decide(t, "YL20190000000184", 0, -1000);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(CLOCK_SUSPECT));
  ck_assert_int_eq(o.journaled, 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_int_eq(e.time, floor); /* never 0 or -1000 */
  kiosk_terminal_close(t);
}
END_TEST

/* Issue 11 (7): overrides queued during a journal outage were in memory only. */
START_TEST(override_queue_survives_kill)
{
  int pfd[2];
  ck_assert_int_eq(pipe(pfd), 0);
  pid_t pid = fork();
  ck_assert_int_ne(pid, -1);
  if (pid == 0) {
    struct kiosk_terminal *t = open_terminal(GATE, 8);
    struct kiosk_outcome o = decide(t, "YL20190000000184", KIOSK_STAFF_HOLDER_CONFIRMED, T0);
    if (o.seq != 1)
      _exit(3);
    fill_disk(kiosk_terminal_journal(t));
    o = decide(t, "YL20190000000281", KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE,
               T0 + 20);
    if (o.verdict.verdict != KIOSK_VERDICT_GRANT || o.queued != 1)
      _exit(4);
    if (write(pfd[1], "q", 1) != 1)
      _exit(5);
    for (;;)
      pause();
  }
  close(pfd[1]);
  char c = 0;
  ck_assert_int_eq(read(pfd[0], &c, 1), 1); /* blocks until the grant was given */
  close(pfd[0]);
  ck_assert_int_eq(kill(pid, SIGKILL), 0);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFSIGNALED(status));
  /* Restarted: the override is still owed, and journaled at the first chance. */
  struct kiosk_terminal *t = open_terminal(GATE, 8);
  struct kiosk_terminal_status st;
  kiosk_terminal_status(t, &st);
  ck_assert_uint_eq(st.overrides_queued, 1);
  ck_assert_int_eq(kiosk_terminal_flush(t), KIOSK_OK);
  kiosk_terminal_status(t, &st);
  ck_assert_uint_eq(st.overrides_queued, 0);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), st.last_seq, &e), KIOSK_OK);
  ck_assert_str_eq(e.card_no, "YL20190000000281");
  ck_assert_int_eq(e.kind, KIOSK_EVENT_OVERRIDE);
  ck_assert_int_eq(e.time, T0 + 20);
  ck_assert_str_eq(e.staff_id, "S07");
  kiosk_terminal_close(t);
  /* Journaled once: a second restart owes nothing. */
  t = open_terminal(GATE, 8);
  kiosk_terminal_status(t, &st);
  ck_assert_uint_eq(st.overrides_queued, 0);
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(list_without_key_refused)
{
  char p[512];
  snprintf(p, sizeof p, "%s/trust/%s", dir, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(unlink(p), 0);
  char path[300];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  fputs(GATE "[paths]\ntrust_store = trust\n[policy]\npolicy_start = 2018-12-27\n"
             "policy_end = 2023-12-27\n",
        f);
  fclose(f);
  struct kiosk_config cfg;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_config_load(path, NULL, 0, &cfg, &d), KIOSK_OK);
  struct kiosk_terminal *t;
  ck_assert_int_eq(kiosk_terminal_open(&cfg, &t, &d), KIOSK_E_NOT_FOUND);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_terminal");
  TCase *tc = tcase_create("terminal");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, gate_flow);
  tcase_add_test(tc, journal_down_override);
  tcase_add_test(tc, bus_flow);
  tcase_add_test(tc, never_synced);
  tcase_add_test(tc, bus_route_trip_stop);
  tcase_add_test(tc, list_without_key_refused);
  tcase_add_test(tc, clock_suspect);
  tcase_add_test(tc, clock_suspect_bus_denies);
  tcase_add_test(tc, override_queue_survives_kill);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
