/* kiosk decision -> ui view: real decisions from kiosk_decide (the regulation engine)
 * turned into views, and the screen each goes to. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "kiosk/decide.h"
#include "ui/fsm.h"
#include "ui_adapter.h"
#include "ui/ui.h"

#define MODES                                                                            \
  (KIOSK_MODE_BIT(KIOSK_MODE_GATE) | KIOSK_MODE_BIT(KIOSK_MODE_CASHIER) |                \
   KIOSK_MODE_BIT(KIOSK_MODE_BUS) | KIOSK_MODE_BIT(KIOSK_MODE_STATION))

static struct kiosk_policy pol;
static struct kiosk_card_facts card;
static struct kiosk_request req;
static struct kiosk_input in;

static void setup(void)
{
  memset(&pol, 0, sizeof pol);
  ck_assert_int_eq(kiosk_parse_date("2018-12-27", &pol.start_day), KIOSK_OK);
  ck_assert_int_eq(kiosk_parse_date("2099-12-27", &pol.end_day), KIOSK_OK);
  pol.utc_offset_s = 8 * 3600;
  pol.gate_repeat_s = 7200;
  pol.bus_repeat_s = 600;
  pol.revlist_max_age_s = 72 * 3600;
  pol.stale = KIOSK_STALE_WARN;
  pol.cashier_max_fen = 10000;
  memset(&card, 0, sizeof card);
  strcpy(card.card_no, "YL20190200012341");
  card.award = KIOSK_AWARD_DONOR_STAR;
  card.award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    card.check[i] = KIOSK_CHECK_OK;
  memset(&req, 0, sizeof req);
  req.card = &card;
  req.mode = KIOSK_MODE_GATE;
  req.site_modes = MODES;
  req.now = (int64_t)common_days_from_civil(2025, 1, 2) * 86400;
  req.revocation.status = KIOSK_REV_NOT_LISTED;
  req.revocation.issued_at = req.now - 3600;
  req.recent.known = 1;
  req.journal_writable = 1;
  req.override_queue_room = 1;
  req.amount_fen = 1500;
  req.tariff_fen = 1500; /* the hospital's tariff for the visit (issue 12) */
  memset(&in, 0, sizeof in);
  in.card = &card;
}

static struct ui_view decide_view(const struct term_holder_view *h)
{
  struct kiosk_verdict v;
  ck_assert_int_eq(kiosk_decide(&pol, &req, &v), KIOSK_OK);
  in.holder = req.holder;
  in.staff = req.staff;
  in.visit = req.visit;
  in.bill_ref = req.bill_ref;
  in.amount_fen = req.amount_fen;
  struct ui_view view;
  term_view_from_kiosk(req.mode, &in, &v, h, 99, &view);
  return view;
}

static int has_reason(const struct ui_view *v, const char *key)
{
  for (size_t i = 0; i < v->nreasons; i++)
    if (strcmp(v->reasons[i].key, key) == 0)
      return 1;
  return 0;
}

START_TEST(test_gate_asks_staff_then_grants)
{
  static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0};
  struct term_holder_view h = {"张*明", "450902********1234", jpeg, sizeof jpeg};
  struct ui_view v = decide_view(&h);
  ck_assert_int_eq(v.verdict, UI_VERDICT_STAFF_CHECK);
  ck_assert_uint_eq(v.seq, 99);
  ck_assert(v.needs & UI_NEED_HOLDER_CONFIRM);
  ck_assert_int_eq(ui_fsm_screen_for_view(v.mode, v.verdict, v.needs), UI_SCREEN_HOLDER_CHECK);
  ck_assert(has_reason(&v, "reason.HOLDER_CONFIRM_NEEDED"));
  ck_assert_str_eq(v.reasons[0].text[UI_LANG_ZH], "工作人员：请核对身份证、照片与持卡人本人");
  ck_assert_uint_eq(v.reason_alert & 1u, 1u);
  ck_assert_int_eq(v.has_holder, 1);
  ck_assert_str_eq(v.holder.name_masked, "张*明");
  ck_assert_str_eq(v.holder.id_masked, "450902********1234");
  ck_assert_str_eq(v.holder.card_no, "YL20190200012341");
  ck_assert_str_eq(v.holder.award.key, "award.DONOR_STAR");
  ck_assert_str_eq(v.holder.award.text[UI_LANG_ZH], "献血之星");
  ck_assert_uint_eq(v.holder.award_stars, 3);
  ck_assert_ptr_eq(v.holder.photo, jpeg);
  ck_assert_uint_ne(v.decided_at_ns, 0);
  /* staff confirmed: granted, shown on the verdict screen */
  req.staff = KIOSK_STAFF_HOLDER_CONFIRMED;
  req.staff_id = "S001";
  v = decide_view(&h);
  ck_assert_int_eq(v.verdict, UI_VERDICT_GRANT);
  ck_assert_uint_eq(v.needs, 0);
  ck_assert_int_eq(ui_fsm_screen_for_view(v.mode, v.verdict, v.needs), UI_SCREEN_VERDICT);
  ck_assert(has_reason(&v, "reason.HOLDER_CONFIRMED"));
  ck_assert_uint_eq(v.reason_alert, 0);
}
END_TEST

START_TEST(test_revoked_denies_first)
{
  req.revocation.status = KIOSK_REV_REVOKED;
  req.staff = KIOSK_STAFF_HOLDER_CONFIRMED;
  req.staff_id = "S001";
  struct ui_view v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_DENY);
  ck_assert_str_eq(v.reasons[0].key, "reason.CARD_REVOKED");
  ck_assert_str_eq(v.reasons[0].text[UI_LANG_EN], "card revoked (lost, reissued, altered or lent)");
  ck_assert_uint_eq(v.reason_alert & 1u, 1u);
  /* not confirmed yet: the refusal does not ask staff to check the holder */
  req.staff = 0;
  req.staff_id = NULL;
  v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_DENY);
  ck_assert(has_reason(&v, "reason.CARD_REVOKED"));
  ck_assert(!has_reason(&v, "reason.HOLDER_CONFIRM_NEEDED"));
  ck_assert_uint_eq(v.needs, 0);
}
END_TEST

START_TEST(test_cashier_needs)
{
  req.mode = KIOSK_MODE_CASHIER;
  req.holder = KIOSK_HOLDER_NOT_PRESENTED;
  req.visit = KIOSK_VISIT_NONE;
  req.bill_ref = NULL;
  struct ui_view v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_STAFF_CHECK);
  ck_assert(v.needs & UI_NEED_CREDENTIAL);
  ck_assert(v.needs & UI_NEED_VISIT);
  ck_assert(v.needs & UI_NEED_BILL);
  ck_assert_int_eq(v.cashier.credential, UI_CREDENTIAL_WAITING);
  ck_assert_int_eq(v.cashier.fee_fen, 1500);
  ck_assert_int_eq(ui_fsm_screen_for_view(v.mode, v.verdict, v.needs), UI_SCREEN_CASHIER);
  /* everything given: the fee is waived */
  req.holder = KIOSK_HOLDER_SSC_MATCHED;
  req.visit = KIOSK_VISIT_INPATIENT;
  req.bill_ref = "ZY2025-0042";
  req.staff_id = "S01"; /* a waiver names the staff member at the till */
  v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_GRANT);
  ck_assert_int_eq(v.cashier.credential, UI_CREDENTIAL_SSC_MATCHED);
  ck_assert_int_eq(v.cashier.visit, UI_VISIT_INPATIENT);
  ck_assert_str_eq(v.cashier.bill_ref, "ZY2025-0042");
  ck_assert_int_eq(ui_fsm_screen_for_view(v.mode, v.verdict, v.needs), UI_SCREEN_VERDICT);
}
END_TEST

START_TEST(test_journal_down_offers_override)
{
  req.staff = KIOSK_STAFF_HOLDER_CONFIRMED;
  req.staff_id = "S001";
  req.journal_writable = 0;
  struct ui_view v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_STAFF_CHECK);
  ck_assert(v.needs & UI_OFFER_OVERRIDE);
  req.staff |= KIOSK_STAFF_OVERRIDE;
  v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_GRANT);
  ck_assert(v.flags & UI_VIEW_OVERRIDE_USED);
}
END_TEST

START_TEST(test_bus_and_stale_list)
{
  req.mode = KIOSK_MODE_BUS;
  req.revocation.issued_at = req.now - 100 * 3600;
  struct ui_view v = decide_view(NULL);
  ck_assert_int_eq(v.verdict, UI_VERDICT_GRANT);
  ck_assert(v.flags & UI_VIEW_REVLIST_STALE);
  ck_assert(has_reason(&v, "reason.REVLIST_STALE_WARN"));
  ck_assert_int_eq(v.cashier.fee_fen, -1);
  ck_assert_int_eq(ui_fsm_screen_for_view(v.mode, v.verdict, v.needs), UI_SCREEN_BUS);
}
END_TEST

START_TEST(test_unmasked_holder_blanked_when_posted)
{
  struct term_holder_view h = {"张三明", "450902198001011234", NULL, 0};
  struct ui_view v = decide_view(&h);
  /* the adapter copies; the UI's own check blanks both before anything is drawn */
  ck_assert_uint_eq(ui_view_sanitize(&v), 2);
  ck_assert_str_eq(v.holder.name_masked, "");
  ck_assert_str_eq(v.holder.id_masked, "");
}
END_TEST

START_TEST(test_award_keys_and_status)
{
  ck_assert_str_eq(term_award_key(KIOSK_AWARD_LIFETIME_ACHIEVEMENT), "award.LIFETIME_ACHIEVEMENT");
  ck_assert_str_eq(term_award_key(KIOSK_AWARD_NONE), "");
  ck_assert_str_eq(term_award_key(77), "");
  struct kiosk_terminal_status ts;
  memset(&ts, 0, sizeof ts);
  ts.unsent = 37;
  ts.revlist_version = 418;
  ts.revlist_issued_at = 1700000000;
  ts.last_seq = 90211;
  struct ui_status st;
  memset(&st, 0, sizeof st);
  term_status_from_kiosk(&ts, &st);
  ck_assert_uint_eq(st.queue_depth, 37);
  ck_assert_uint_eq(st.revlist_version, 418);
  ck_assert_int_eq(st.revlist_issued_at, 1700000000);
  ck_assert_uint_eq(st.journal_records, 90211);
  ck_assert_uint_eq(st.banners & UI_BANNER_CLOCK_SUSPECT, 0);
  /* issue 11: a clock the terminal does not trust is an alarm on the status line */
  ts.clock_suspect = 1;
  memset(&st, 0, sizeof st);
  term_status_from_kiosk(&ts, &st);
  ck_assert_uint_eq(st.banners & UI_BANNER_CLOCK_SUSPECT, UI_BANNER_CLOCK_SUSPECT);
  /* a NULL verdict is an error screen */
  struct ui_view v;
  term_view_from_kiosk(KIOSK_MODE_GATE, NULL, NULL, NULL, 1, &v);
  ck_assert_int_eq(v.verdict, UI_VERDICT_ERROR);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("terminal.ui_adapter");
  TCase *tc = tcase_create("adapter");
  tcase_add_checked_fixture(tc, setup, NULL);
  tcase_add_test(tc, test_gate_asks_staff_then_grants);
  tcase_add_test(tc, test_revoked_denies_first);
  tcase_add_test(tc, test_cashier_needs);
  tcase_add_test(tc, test_journal_down_offers_override);
  tcase_add_test(tc, test_bus_and_stale_list);
  tcase_add_test(tc, test_unmasked_holder_blanked_when_posted);
  tcase_add_test(tc, test_award_keys_and_status);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
