/*
 * Staff who act as themselves, below the program: the engine's staff refusal, the staff
 * events in the journal (sign-in, sign-out, lock-out: no card, the id only, the chain
 * verifies) and the one "who is acting" answer of the terminal (terminal/staff.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/terminal.h"
#include "proto/event.h"
#include "staff.h"

static char dir[256];

#define T0 1590976800 /* 2020-06-01 10:00 +08:00 */
#define CARD "YL20190000066629"

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-staff-unit-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char p[300];
  snprintf(p, sizeof p, "%s/trust", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static struct kiosk_terminal *open_gate(void)
{
  char path[300];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "[terminal]\nsite = park.guishan\nmode = gate\nterminal_id = gate-1\n"
             "staff_id = S01\n[paths]\ntrust_store = trust\n"
             "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n"
             "clock_not_before = 2019-01-01\n");
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

static struct kiosk_outcome decide(struct kiosk_terminal *t, unsigned staff, const char *id)
{
  struct kiosk_card_facts c;
  memset(&c, 0, sizeof c);
  snprintf(c.card_no, sizeof c.card_no, "%s", CARD);
  c.award = KIOSK_AWARD_DONOR_STAR;
  c.award_level = 4;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c.check[i] = KIOSK_CHECK_OK;
  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &c;
  in.staff = staff;
  in.staff_id = id;
  struct kiosk_outcome o;
  ck_assert_int_eq(kiosk_terminal_decide(t, &in, T0, &o), KIOSK_OK);
  return o;
}

START_TEST(refusal_is_a_journaled_deny_with_the_staff_id)
{
  struct kiosk_terminal *t = open_gate();
  struct kiosk_outcome o = decide(t, 0, NULL);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert_int_eq(o.journaled, 0); /* a question is not journaled */
  o = decide(t, KIOSK_STAFF_REFUSED, "S07");
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.deny & KIOSK_RBIT(STAFF_REFUSED));
  ck_assert_int_eq(o.journaled, 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), o.seq, &e), KIOSK_OK);
  ck_assert_str_eq(e.staff_id, "S07");
  ck_assert_str_eq(e.card_no, CARD);
  ck_assert_int_eq(e.kind, KIOSK_EVENT_DECISION);
  /* a refusal even with a confirmation set still denies */
  o = decide(t, KIOSK_STAFF_REFUSED | KIOSK_STAFF_HOLDER_CONFIRMED, "S07");
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  /* nobody signed in: still a DENY, journaled without an id, and says so */
  o = decide(t, KIOSK_STAFF_REFUSED, "");
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(STAFF_ID_MISSING));
  ck_assert_str_eq(kiosk_reason_name(KIOSK_R_STAFF_REFUSED), "STAFF_REFUSED");
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(staff_events_journaled_without_a_card)
{
  struct kiosk_terminal *t = open_gate();
  uint64_t s1 = 0, s2 = 0, s3 = 0;
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_SIGN_IN, "S07", T0, &s1), KIOSK_OK);
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_LOCKOUT, "S08", T0 + 1, &s2),
                   KIOSK_OK);
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_SIGN_OUT, "S07", T0 + 2, &s3),
                   KIOSK_OK);
  ck_assert_uint_eq(s2, s1 + 1);
  ck_assert_uint_eq(s3, s2 + 1);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(kiosk_terminal_journal(t), s2, &e), KIOSK_OK);
  ck_assert_int_eq(e.kind, KIOSK_EVENT_LOCKOUT);
  ck_assert_int_eq(e.verdict, KIOSK_VERDICT_DENY);
  ck_assert_str_eq(e.staff_id, "S08");
  ck_assert_str_eq(e.card_no, "");
  ck_assert_str_eq(proto_event_kind_name(e.kind), "lockout");
  /* refused: not a staff kind, no id, an ID-shaped id */
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_DECISION, "S07", T0, NULL),
                   KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(kiosk_terminal_record_staff(t, KIOSK_EVENT_SIGN_IN, "", T0, NULL),
                   KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(
      kiosk_terminal_record_staff(t, KIOSK_EVENT_SIGN_IN, "450902198506121232", T0, NULL),
      KIOSK_E_INVALID_ARG);
  /* a sign-in is not a grant: today's decisions and the repeat rule ignore it */
  struct kiosk_outcome o = decide(t, KIOSK_STAFF_HOLDER_CONFIRMED, "S07");
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert(!(o.verdict.reasons & KIOSK_RBIT(REPEAT_AT_GATE)));
  struct kiosk_journal_check chk;
  ck_assert_int_eq(kiosk_journal_verify(kiosk_terminal_journal(t), &chk), KIOSK_OK);
  kiosk_terminal_close(t);
}
END_TEST

START_TEST(staff_event_check_in_proto)
{
  struct proto_event e;
  memset(&e, 0, sizeof e);
  e.seq = 1;
  e.time = T0;
  snprintf(e.terminal, sizeof e.terminal, "g1");
  snprintf(e.site, sizeof e.site, "park.guishan");
  e.mode = PROTO_MODE_GATE;
  e.kind = PROTO_EVENT_SIGN_IN;
  e.verdict = PROTO_VERDICT_GRANT;
  snprintf(e.staff_id, sizeof e.staff_id, "S07");
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_OK);
  snprintf(e.card_no, sizeof e.card_no, "%s", CARD); /* a card on a sign-in */
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  e.card_no[0] = '\0';
  e.staff_id[0] = '\0'; /* nobody */
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  snprintf(e.staff_id, sizeof e.staff_id, "S07");
  e.amount_fen = 1;
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  e.amount_fen = 0;
  e.verdict = PROTO_VERDICT_STAFF_CHECK;
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  /* a decision's canonical line is unchanged: the kinds are only appended */
  ck_assert_int_eq(proto_event_kind_parse("decision", 8), PROTO_EVENT_DECISION);
  ck_assert_int_eq(proto_event_kind_parse("sign_in", 7), PROTO_EVENT_SIGN_IN);
  ck_assert_int_eq(proto_event_kind_parse("lockout", 7), PROTO_EVENT_LOCKOUT);
}
END_TEST

START_TEST(current_staff_is_the_configured_id_without_a_roster)
{
  char id[TERM_STAFF_ID_MAX + 1];
  term_staff_init("S01");
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1);
  ck_assert_str_eq(id, "S01");
  term_staff_init(NULL);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_str_eq(id, "");
  term_staff_init("S01");
  char small[2];
  ck_assert_int_eq(term_staff_current(small, sizeof small), 0); /* never cut an id */
  ck_assert_str_eq(small, "");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_staff");
  TCase *tc = tcase_create("staff");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, refusal_is_a_journaled_deny_with_the_staff_id);
  tcase_add_test(tc, staff_events_journaled_without_a_card);
  tcase_add_test(tc, staff_event_check_in_proto);
  tcase_add_test(tc, current_staff_is_the_configured_id_without_a_roster);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
