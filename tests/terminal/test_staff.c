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
#include "docs_apply.h"
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
             "revocation_never = warn\n" /* no list here: the staff rules alone */
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
  term_staff_init("S01", 8 * 3600);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1);
  ck_assert_str_eq(id, "S01");
  term_staff_init(NULL, 8 * 3600);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_str_eq(id, "");
  term_staff_init("S01", 8 * 3600);
  char small[2];
  ck_assert_int_eq(term_staff_current(small, sizeof small), 0); /* never cut an id */
  ck_assert_str_eq(small, "");
}
END_TEST

/* A roster of two with PINs (scrypt at its smallest N, so the test is quick). */
static struct proto_roster *roster(const char *site, unsigned failures)
{
  static const uint8_t salt[16] = {1, 2, 3};
  struct proto_roster_entry e[2];
  memset(e, 0, sizeof e);
  snprintf(e[0].id, sizeof e[0].id, "S07");
  e[0].role = PROTO_ROLE_STAFF;
  e[0].from_day = 0;
  e[0].to_day = 40000;
  snprintf(e[0].name, sizeof e[0].name, "王小明");
  ck_assert_int_eq(proto_pin_hash_with("246810", 10, 8, 1, salt, e[0].pin_hash,
                                       sizeof e[0].pin_hash), PROTO_OK);
  e[1] = e[0];
  snprintf(e[1].id, sizeof e[1].id, "S08");
  e[1].to_day = 18000; /* 2019-04-14: expired */
  struct proto_roster_policy pol = {6, failures, 15, 30};
  char *doc;
  size_t len;
  ck_assert_int_eq(proto_roster_encode(site, &pol, e, 2, &doc, &len), PROTO_OK);
  struct proto_roster *r;
  ck_assert_int_eq(proto_roster_parse(doc, len, &r, NULL, 0), PROTO_OK);
  free(doc);
  return r;
}

START_TEST(sign_in_by_id_and_pin_with_lockout_and_idle)
{
  char id[TERM_STAFF_ID_MAX + 1], name[64];
  struct term_staff_event ev;
  int64_t now = T0;
  term_staff_init("S01", 8 * 3600);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now), TERM_SIGNIN_NO_ROSTER);
  term_staff_set_roster(roster("park.guishan", 3), 5, now);
  ck_assert_uint_eq(term_staff_roster_version(), 5);
  /* a roster in force: nobody acts until someone signs in (not the configured id) */
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_int_eq(term_staff_sign_in("S07", "24681", now), TERM_SIGNIN_SHORT);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now), TERM_SIGNIN_OK);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1);
  ck_assert_str_eq(id, "S07");
  term_staff_display(id, sizeof id, name, sizeof name);
  ck_assert_str_eq(name, "王*明");
  ck_assert_int_eq(term_staff_next_event(&ev), 1);
  ck_assert_int_eq(ev.kind, KIOSK_EVENT_SIGN_IN);
  ck_assert_str_eq(ev.id, "S07");
  ck_assert_int_eq(term_staff_next_event(&ev), 0);
  /* expired member, unknown id: wrong, like a wrong PIN */
  ck_assert_int_eq(term_staff_sign_in("S08", "246810", now), TERM_SIGNIN_WRONG);
  ck_assert_int_eq(term_staff_sign_in("S99", "246810", now), TERM_SIGNIN_WRONG);
  /* three wrong PINs for S07 lock S07 out (journaled), even the right one then */
  ck_assert_int_eq(term_staff_sign_in("S07", "111111", now), TERM_SIGNIN_WRONG);
  ck_assert_int_eq(term_staff_sign_in("S07", "111111", now), TERM_SIGNIN_WRONG);
  ck_assert_int_eq(term_staff_sign_in("S07", "111111", now), TERM_SIGNIN_LOCKED);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now + 60), TERM_SIGNIN_LOCKED);
  ck_assert_int_eq(term_staff_next_event(&ev), 1);
  ck_assert_int_eq(ev.kind, KIOSK_EVENT_LOCKOUT);
  ck_assert_str_eq(ev.id, "S07");
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now + 15 * 60), TERM_SIGNIN_OK);
  /* idle for the policy's 30 minutes: signed out */
  term_staff_touch(now + 15 * 60);
  term_staff_tick(now + 44 * 60);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1);
  term_staff_tick(now + 45 * 60);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_int_eq(term_staff_next_event(&ev), 1);
  ck_assert_int_eq(ev.kind, KIOSK_EVENT_SIGN_OUT);
  /* a new roster without the member signs them out at once */
  now += 3600;
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now), TERM_SIGNIN_OK);
  struct proto_roster *r = roster("park.guishan", 3);
  r->count = 0; /* S07 disabled at the centre */
  term_staff_set_roster(r, 6, now);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", now), TERM_SIGNIN_WRONG);
  while (term_staff_next_event(&ev))
    ;
  ck_assert_int_eq(ev.kind, KIOSK_EVENT_SIGN_OUT);
  term_staff_set_roster(NULL, 0, now);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1); /* back to the configured id */
  ck_assert_str_eq(id, "S01");
}
END_TEST

static char *roster_doc(const char *site, int with_s07, size_t *len)
{
  struct proto_roster *r = roster(site, 5);
  char *doc;
  ck_assert_int_eq(proto_roster_encode(site, &r->policy, r->entry + (with_s07 ? 0 : 1),
                                       with_s07 ? 2 : 1, &doc, len),
                   PROTO_OK);
  proto_roster_free(r);
  return doc;
}

/* The roster as netsync hands it over (signature already checked): in force atomically,
 * version only up, this site's only, the previous kept on any refusal, the file read
 * again at the next start. */
START_TEST(roster_document_applied_atomically)
{
  struct kiosk_config cfg;
  memset(&cfg, 0, sizeof cfg);
  snprintf(cfg.site_id, sizeof cfg.site_id, "park.guishan");
  snprintf(cfg.journal_path, sizeof cfg.journal_path, "%s/journal.db", dir);
  term_staff_init("S01", 8 * 3600);
  struct term_docs *d;
  char why[300], id[TERM_STAFF_ID_MAX + 1];
  ck_assert_int_eq(term_docs_open(&cfg, &d, why, sizeof why), 0);
  uint64_t v = 9;
  ck_assert_int_eq(term_docs_version(d, "roster", &v), 0);
  ck_assert_uint_eq(v, 0);
  size_t len;
  char *doc = roster_doc("park.guishan", 1, &len);
  ck_assert_int_eq(term_docs_apply(d, "roster", 2, doc, len, T0), 0);
  free(doc);
  ck_assert_int_eq(term_docs_version(d, "roster", &v), 0);
  ck_assert_uint_eq(v, 2);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", T0), TERM_SIGNIN_OK);
  /* an older or equal version, another site's roster, garbage: refused, 2 stays */
  doc = roster_doc("park.guishan", 0, &len);
  ck_assert_int_eq(term_docs_apply(d, "roster", 2, doc, len, T0), -1);
  ck_assert_int_eq(term_docs_apply(d, "roster", 1, doc, len, T0), -1);
  free(doc);
  doc = roster_doc("park.longzhuhu", 0, &len);
  ck_assert_int_eq(term_docs_apply(d, "roster", 3, doc, len, T0), -1);
  free(doc);
  const char *junk = "yh-roster 1\nsite park.guishan\nstaff x\n";
  ck_assert_int_eq(term_docs_apply(d, "roster", 3, junk, strlen(junk), T0), -1);
  ck_assert_uint_eq(term_staff_roster_version(), 2);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 1);
  ck_assert_str_eq(id, "S07");
  /* version 3 without S07 (disabled at the centre): S07 is out and cannot sign in */
  doc = roster_doc("park.guishan", 0, &len);
  ck_assert_int_eq(term_docs_apply(d, "roster", 3, doc, len, T0 + 5), 0);
  free(doc);
  ck_assert_int_eq(term_staff_current(id, sizeof id), 0);
  ck_assert_int_eq(term_staff_sign_in("S07", "246810", T0 + 6), TERM_SIGNIN_WRONG);
  term_docs_close(d);
  /* the next start: version 3 from the file */
  term_staff_init("S01", 8 * 3600);
  ck_assert_int_eq(term_docs_open(&cfg, &d, why, sizeof why), 0);
  ck_assert_uint_eq(term_staff_roster_version(), 3);
  term_docs_close(d);
  /* a damaged file stops the start with the reason */
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db.roster", dir);
  FILE *f = fopen(path, "w");
  fputs("yh-doc roster 4\nyh-roster 1\nsite park.guishan\nstaff\n", f);
  fclose(f);
  term_staff_init("S01", 8 * 3600);
  ck_assert_int_eq(term_docs_open(&cfg, &d, why, sizeof why), -1);
  ck_assert_msg(strstr(why, "roster"), "%s", why);
  term_staff_set_roster(NULL, 0, T0);
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
  tcase_add_test(tc, sign_in_by_id_and_pin_with_lockout_and_idle);
  tcase_add_test(tc, roster_document_applied_atomically);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
