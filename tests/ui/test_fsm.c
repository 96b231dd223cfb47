/* The screen state machine, driven by events and an injected clock (no real time):
 * idle -> reading -> verdict -> warning -> idle; read error -> place again; staff PIN;
 * screens chosen for views; activity restarts a timeout; one trace line per
 * transition. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/fsm.h"
#include "ui/ui.h"

static char trace[64][128];
static int ntrace;

static void on_trace(void *user, const char *line)
{
  (void)user;
  if (ntrace < 64)
    snprintf(trace[ntrace++], sizeof trace[0], "%s", line);
}

/* The mechanics with a 3 s warning, so that it fits the short screens; the defaults
 * (a 20 s warning on the screens that hold progress) have their own tests below. */
static struct ui_fsm *make(uint64_t t0)
{
  struct ui_fsm_config cfg = {0};
  cfg.trace = on_trace;
  cfg.warn_ms = 3000;
  ntrace = 0;
  struct ui_fsm *f = NULL;
  ck_assert_int_eq(ui_fsm_create(&cfg, t0, &f), UI_OK);
  return f;
}

static int step(struct ui_fsm *f, enum ui_input in, uint64_t t)
{
  struct ui_fsm_event ev = {0};
  ev.kind = in;
  return ui_fsm_step(f, &ev, t);
}

static int view(struct ui_fsm *f, enum ui_mode m, enum ui_verdict v, unsigned needs, uint64_t t)
{
  struct ui_fsm_event ev = {0};
  ev.kind = UI_IN_VIEW;
  ev.mode = m;
  ev.verdict = v;
  ev.needs = needs;
  return ui_fsm_step(f, &ev, t);
}

#define AT(f, scr, ph)                                                                    \
  do {                                                                                    \
    ck_assert_str_eq(ui_screen_name(ui_fsm_screen(f)), ui_screen_name(scr));              \
    ck_assert_int_eq(ui_fsm_phase(f), ph);                                                \
  } while (0)

START_TEST(test_card_to_verdict_to_warning_to_idle)
{
  struct ui_fsm *f = make(1000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 1000), UINT32_MAX); /* idle stays */
  ck_assert_int_eq(step(f, UI_IN_TICK, 500000), 0);
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 1000), 1);
  AT(f, UI_SCREEN_READING, UI_PHASE_SHOW);
  ck_assert_int_eq(view(f, UI_MODE_GATE, UI_VERDICT_GRANT, 0, 1300), 1);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  /* verdict: 10 s with a 3 s warning */
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 1300), 10000);
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 1300), 7000);
  ck_assert_int_eq(step(f, UI_IN_TICK, 1300 + 6999), 0);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_TICK, 1300 + 7000), 1);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_WARN);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 1300 + 7000), 3000);
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 1300 + 8000), 2000);
  ck_assert_int_eq(step(f, UI_IN_TICK, 1300 + 9999), 0);
  ck_assert_int_eq(step(f, UI_IN_TICK, 1300 + 10000), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ck_assert_int_eq(ntrace, 4);
  ck_assert_str_eq(trace[0], "ui: idle/show -> reading/show on card-present");
  ck_assert_str_eq(trace[1], "ui: reading/show -> verdict/show on view");
  ck_assert_str_eq(trace[2], "ui: verdict/show -> verdict/warn on tick");
  ck_assert_str_eq(trace[3], "ui: verdict/warn -> idle/show on tick");
  ck_assert_uint_eq(ui_fsm_transitions(f), 4);
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_activity_during_warning_restarts)
{
  struct ui_fsm *f = make(0);
  view(f, UI_MODE_GATE, UI_VERDICT_DENY, 0, 0);
  step(f, UI_IN_TICK, 7500);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_WARN);
  ck_assert_int_eq(step(f, UI_IN_ACTIVITY, 8000), 1);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 8000), 10000);
  step(f, UI_IN_TICK, 8000 + 9000);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_WARN);
  /* activity while showing restarts the timeout without a transition */
  struct ui_fsm *g = make(0);
  view(g, UI_MODE_GATE, UI_VERDICT_DENY, 0, 0);
  ck_assert_int_eq(step(g, UI_IN_ACTIVITY, 5000), 0);
  ck_assert_uint_eq(ui_fsm_remaining_ms(g, 5000), 10000);
  ui_fsm_destroy(f);
  ui_fsm_destroy(g);
}
END_TEST

START_TEST(test_read_error_place_again)
{
  struct ui_fsm *f = make(0);
  step(f, UI_IN_CARD_PRESENT, 0);
  ck_assert_int_eq(step(f, UI_IN_READ_ERROR, 400), 1);
  AT(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_SHOW);
  /* the card comes back: reading again */
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 2000), 1);
  AT(f, UI_SCREEN_READING, UI_PHASE_SHOW);
  /* pulled too soon: place again too */
  ck_assert_int_eq(step(f, UI_IN_CARD_REMOVED, 2100), 1);
  AT(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_SHOW);
  /* removing a card elsewhere changes nothing */
  view(f, UI_MODE_GATE, UI_VERDICT_GRANT, 0, 3000);
  ck_assert_int_eq(step(f, UI_IN_CARD_REMOVED, 3100), 0);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  /* place again times out (8 s, warning at 5 s) */
  step(f, UI_IN_READ_ERROR, 4000);
  step(f, UI_IN_TICK, 4000 + 5000);
  AT(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_WARN);
  step(f, UI_IN_TICK, 4000 + 8000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_reading_stuck_goes_idle)
{
  struct ui_fsm *f = make(0);
  step(f, UI_IN_CARD_PRESENT, 0);
  step(f, UI_IN_TICK, 7000);
  AT(f, UI_SCREEN_READING, UI_PHASE_WARN);
  step(f, UI_IN_TICK, 10000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_staff_pin)
{
  struct ui_fsm *f = make(0);
  /* PIN_OK without the PIN screen does nothing */
  ck_assert_int_eq(step(f, UI_IN_PIN_OK, 0), 0);
  ck_assert_int_eq(step(f, UI_IN_STAFF, 10), 1);
  AT(f, UI_SCREEN_PIN, UI_PHASE_SHOW);
  /* a card tapped during PIN entry does not take the screen */
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 20), 0);
  AT(f, UI_SCREEN_PIN, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_PIN_OK, 30), 1);
  AT(f, UI_SCREEN_STAFF_MENU, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_BACK, 40), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  /* the staff key does nothing on a verdict */
  view(f, UI_MODE_GATE, UI_VERDICT_GRANT, 0, 50);
  ck_assert_int_eq(step(f, UI_IN_STAFF, 60), 0);
  /* an abandoned PIN screen goes back to idle after 60 s */
  step(f, UI_IN_BACK, 70);
  step(f, UI_IN_STAFF, 100);
  step(f, UI_IN_TICK, 100 + 60000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
}
END_TEST

struct route {
  enum ui_mode mode;
  enum ui_verdict verdict;
  unsigned needs;
  enum ui_screen screen;
};

static const struct route routes[] = {
    {UI_MODE_BUS, UI_VERDICT_GRANT, 0, UI_SCREEN_BUS},
    {UI_MODE_BUS, UI_VERDICT_DENY, 0, UI_SCREEN_BUS},
    {UI_MODE_GATE, UI_VERDICT_STAFF_CHECK, UI_NEED_HOLDER_CONFIRM, UI_SCREEN_HOLDER_CHECK},
    {UI_MODE_GATE, UI_VERDICT_GRANT, 0, UI_SCREEN_VERDICT},
    {UI_MODE_GATE, UI_VERDICT_DENY, 0, UI_SCREEN_VERDICT},
    {UI_MODE_GATE, UI_VERDICT_ERROR, 0, UI_SCREEN_VERDICT},
    {UI_MODE_CASHIER, UI_VERDICT_STAFF_CHECK, UI_NEED_CREDENTIAL, UI_SCREEN_CASHIER},
    {UI_MODE_CASHIER, UI_VERDICT_STAFF_CHECK, 0, UI_SCREEN_CASHIER},
    {UI_MODE_CASHIER, UI_VERDICT_GRANT, 0, UI_SCREEN_VERDICT},
    {UI_MODE_CASHIER, UI_VERDICT_DENY, UI_NEED_BILL, UI_SCREEN_VERDICT},
    {UI_MODE_STATION, UI_VERDICT_GRANT, 0, UI_SCREEN_VERDICT},
    {UI_MODE_STATION, UI_VERDICT_STAFF_CHECK, 0, UI_SCREEN_VERDICT},
};

START_TEST(test_view_routes)
{
  const struct route *r = &routes[_i];
  ck_assert_int_eq(ui_fsm_screen_for_view(r->mode, r->verdict, r->needs), r->screen);
  struct ui_fsm *f = make(0);
  ck_assert_int_eq(view(f, r->mode, r->verdict, r->needs, 0), 1);
  AT(f, r->screen, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_bus_verdict_has_no_warning)
{
  struct ui_fsm *f = make(0);
  f = (ui_fsm_destroy(f), NULL);
  ck_assert_int_eq(ui_fsm_create(NULL, 0, &f), UI_OK); /* the defaults */
  view(f, UI_MODE_BUS, UI_VERDICT_GRANT, 0, 0);
  /* 8 s: the verdict, its reason and the speech fit, and nothing is lost at the end */
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 0), 8000);
  step(f, UI_IN_TICK, 7999);
  AT(f, UI_SCREEN_BUS, UI_PHASE_SHOW);
  step(f, UI_IN_TICK, 8000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
  f = make(0);
  /* the next card replaces a bus verdict at once */
  view(f, UI_MODE_BUS, UI_VERDICT_GRANT, 0, 3000);
  ck_assert_int_eq(view(f, UI_MODE_BUS, UI_VERDICT_DENY, 0, 3400), 1);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 3400), 8000);
  ck_assert_str_eq(trace[ntrace - 1], "ui: bus/show -> bus/show on view");
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_configured_timeouts_and_station)
{
  struct ui_fsm_config cfg = {0};
  cfg.timeout_ms[UI_SCREEN_VERDICT] = 4000;
  cfg.timeout_ms[UI_SCREEN_IDLE] = 5; /* idle never times out, whatever the config */
  cfg.warn_ms = 1000;
  struct ui_fsm *f = NULL;
  ck_assert_int_eq(ui_fsm_create(&cfg, 0, &f), UI_OK);
  step(f, UI_IN_TICK, 100);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  view(f, UI_MODE_GATE, UI_VERDICT_GRANT, 0, 0);
  step(f, UI_IN_TICK, 3000);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_WARN);
  step(f, UI_IN_TICK, 4000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  struct ui_fsm_event ev = {0};
  ev.kind = UI_IN_STATION;
  ev.station = UI_STATION_SUMMARY;
  ck_assert_int_eq(ui_fsm_step(f, &ev, 5000), 1);
  AT(f, UI_SCREEN_STATION_SUMMARY, UI_PHASE_SHOW);
  ev.station = UI_STATION_CONFIRM;
  ui_fsm_step(f, &ev, 5001);
  AT(f, UI_SCREEN_STATION_CONFIRM, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_RESET, 5002), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ev.kind = (enum ui_input)999;
  ck_assert_int_eq(ui_fsm_step(f, &ev, 0), UI_E_INVALID_ARG);
  ui_fsm_destroy(f);
}
END_TEST

/* WCAG 2.2.1: every screen that holds someone's progress warns at least 20 s before
 * it resets, and any touch or key gives the full time again. Injected clock. */
START_TEST(test_default_warning_20s_before_losing_progress)
{
  static const struct {
    enum ui_screen screen;
    uint32_t timeout;
  } held[] = {
      {UI_SCREEN_HOLDER_CHECK, 90000}, {UI_SCREEN_CASHIER, 180000}, {UI_SCREEN_PIN, 60000},
      {UI_SCREEN_STAFF_MENU, 120000},  {UI_SCREEN_STATION_LIST, 300000},
  };
  for (size_t i = 0; i < sizeof held / sizeof held[0]; i++) {
    struct ui_fsm *f = NULL;
    ck_assert_int_eq(ui_fsm_create(NULL, 0, &f), UI_OK);
    struct ui_fsm_event ev = {0};
    switch (held[i].screen) {
    case UI_SCREEN_HOLDER_CHECK:
      view(f, UI_MODE_GATE, UI_VERDICT_STAFF_CHECK, UI_NEED_HOLDER_CONFIRM, 0);
      break;
    case UI_SCREEN_CASHIER:
      view(f, UI_MODE_CASHIER, UI_VERDICT_STAFF_CHECK, UI_NEED_CREDENTIAL, 0);
      break;
    case UI_SCREEN_PIN:
      step(f, UI_IN_STAFF, 0);
      break;
    case UI_SCREEN_STAFF_MENU:
      step(f, UI_IN_STAFF, 0);
      step(f, UI_IN_PIN_OK, 0);
      break;
    default:
      ev.kind = UI_IN_STATION;
      ev.station = UI_STATION_LIST;
      ui_fsm_step(f, &ev, 0);
      break;
    }
    AT(f, held[i].screen, UI_PHASE_SHOW);
    uint32_t t = held[i].timeout;
    ck_assert_uint_eq(ui_fsm_remaining_ms(f, 0), t);
    ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 0), t - 20000);
    step(f, UI_IN_TICK, t - 20001);
    AT(f, held[i].screen, UI_PHASE_SHOW);
    step(f, UI_IN_TICK, t - 20000);
    AT(f, held[i].screen, UI_PHASE_WARN);
    ck_assert_uint_ge(ui_fsm_remaining_ms(f, t - 20000), 20000);
    /* the holder touches the screen 19 s into the warning: the full time again */
    ck_assert_int_eq(step(f, UI_IN_ACTIVITY, t - 1000), 1);
    AT(f, held[i].screen, UI_PHASE_SHOW);
    ck_assert_uint_eq(ui_fsm_remaining_ms(f, t - 1000), t);
    step(f, UI_IN_TICK, t - 1000 + t - 20000);
    AT(f, held[i].screen, UI_PHASE_WARN);
    step(f, UI_IN_TICK, t - 1000 + t);
    AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
    ui_fsm_destroy(f);
  }
  /* a verdict loses nothing when it ends: it counts down without a warning */
  struct ui_fsm *f = NULL;
  ck_assert_int_eq(ui_fsm_create(NULL, 0, &f), UI_OK);
  view(f, UI_MODE_GATE, UI_VERDICT_DENY, 0, 0);
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 0), 10000);
  step(f, UI_IN_TICK, 9999);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  step(f, UI_IN_TICK, 10000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_verdict_hold_per_mode)
{
  struct ui_fsm_config cfg = {0};
  cfg.verdict_ms[UI_MODE_BUS] = 12000;
  cfg.verdict_ms[UI_MODE_GATE] = 15000;
  struct ui_fsm *f = NULL;
  ck_assert_int_eq(ui_fsm_create(&cfg, 0, &f), UI_OK);
  view(f, UI_MODE_BUS, UI_VERDICT_DENY, 0, 0);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 0), 12000);
  view(f, UI_MODE_GATE, UI_VERDICT_GRANT, 0, 100);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 100), 15000);
  step(f, UI_IN_TICK, 100 + 14999);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  step(f, UI_IN_TICK, 100 + 15000);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  /* a mode without its own: the screen's timeout; other screens keep theirs */
  view(f, UI_MODE_CASHIER, UI_VERDICT_DENY, 0, 20000);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 20000), 10000);
  view(f, UI_MODE_GATE, UI_VERDICT_STAFF_CHECK, UI_NEED_HOLDER_CONFIRM, 20000);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 20000), 90000);
  ui_fsm_destroy(f);
}
END_TEST

/* A HIS request waiting for the card is home: a card, a read error, a cashier screen
 * dismissed, the staff menu all come back to it; request-end makes idle home again; a
 * withdrawal's notice ends in idle. */
START_TEST(test_request_is_home)
{
  struct ui_fsm *f = make(1000);
  ck_assert_int_eq(ui_fsm_home(f), UI_SCREEN_IDLE);
  ck_assert_int_eq(step(f, UI_IN_REQUEST, 1000), 1);
  AT(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW);
  ck_assert_int_eq(ui_fsm_home(f), UI_SCREEN_REQUEST);
  ck_assert_uint_eq(ui_fsm_next_deadline_ms(f, 1000), UINT32_MAX); /* it waits */
  ck_assert_int_eq(step(f, UI_IN_TICK, 900000), 0);
  ck_assert_int_eq(step(f, UI_IN_REQUEST, 2000), 1); /* updated: new content */
  /* a read error: place again, then back to the request */
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 3000), 1);
  ck_assert_int_eq(step(f, UI_IN_READ_ERROR, 3100), 1);
  AT(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_TICK, 3100 + 8000), 1);
  AT(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW);
  /* the cashier screen asks for the social security card; Esc there: the request */
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 20000), 1);
  ck_assert_int_eq(view(f, UI_MODE_CASHIER, UI_VERDICT_STAFF_CHECK, UI_NEED_CREDENTIAL, 20100), 1);
  AT(f, UI_SCREEN_CASHIER, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_BACK, 21000), 1);
  AT(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW);
  /* staff sign in from it and come back to it */
  ck_assert_int_eq(step(f, UI_IN_STAFF, 22000), 1);
  AT(f, UI_SCREEN_PIN, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_PIN_OK, 23000), 1);
  ck_assert_int_eq(step(f, UI_IN_BACK, 24000), 1);
  AT(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW);
  /* answered: the verdict stays, home is idle again, the verdict ends in idle */
  ck_assert_int_eq(step(f, UI_IN_CARD_PRESENT, 30000), 1);
  ck_assert_int_eq(view(f, UI_MODE_CASHIER, UI_VERDICT_GRANT, 0, 30100), 1);
  ck_assert_int_eq(step(f, UI_IN_REQUEST_END, 30200), 0);
  AT(f, UI_SCREEN_VERDICT, UI_PHASE_SHOW);
  ck_assert_int_eq(ui_fsm_home(f), UI_SCREEN_IDLE);
  ck_assert_int_eq(step(f, UI_IN_TICK, 30100 + 10000), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  /* withdrawn: request-end leaves its screen, the notice shows for 6 s, then idle */
  ck_assert_int_eq(step(f, UI_IN_REQUEST, 50000), 1);
  ck_assert_int_eq(step(f, UI_IN_REQUEST_END, 51000), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_NOTICE, 51000), 1);
  AT(f, UI_SCREEN_NOTICE, UI_PHASE_SHOW);
  ck_assert_uint_eq(ui_fsm_remaining_ms(f, 51000), 6000);
  ck_assert_int_eq(step(f, UI_IN_TICK, 51000 + 6000), 1);
  AT(f, UI_SCREEN_IDLE, UI_PHASE_SHOW);
  /* a request posted while staff are in their menu waits there; the notice too */
  ck_assert_int_eq(step(f, UI_IN_STAFF, 60000), 1);
  ck_assert_int_eq(step(f, UI_IN_PIN_OK, 60100), 1);
  ck_assert_int_eq(step(f, UI_IN_REQUEST, 60200), 0);
  AT(f, UI_SCREEN_STAFF_MENU, UI_PHASE_SHOW);
  ck_assert_int_eq(step(f, UI_IN_NOTICE, 60300), 0);
  ck_assert_int_eq(step(f, UI_IN_BACK, 60400), 1);
  AT(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW);
  ck_assert_str_eq(trace[ntrace - 1], "ui: staff_menu/show -> request/show on back");
  ui_fsm_destroy(f);
}
END_TEST

START_TEST(test_names)
{
  ck_assert_str_eq(ui_screen_name(UI_SCREEN_PLACE_AGAIN), "place_again");
  ck_assert_ptr_null(ui_screen_name(UI_SCREEN_COUNT));
  enum ui_screen s;
  ck_assert_int_eq(ui_screen_parse("holder_check", &s), 0);
  ck_assert_int_eq(s, UI_SCREEN_HOLDER_CHECK);
  ck_assert_int_eq(ui_screen_parse("nope", &s), -1);
  ck_assert_str_eq(ui_input_name(UI_IN_PIN_OK), "pin-ok");
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.fsm");
  TCase *tc = tcase_create("fsm");
  tcase_add_test(tc, test_card_to_verdict_to_warning_to_idle);
  tcase_add_test(tc, test_activity_during_warning_restarts);
  tcase_add_test(tc, test_read_error_place_again);
  tcase_add_test(tc, test_reading_stuck_goes_idle);
  tcase_add_test(tc, test_staff_pin);
  tcase_add_loop_test(tc, test_view_routes, 0, (int)(sizeof routes / sizeof routes[0]));
  tcase_add_test(tc, test_bus_verdict_has_no_warning);
  tcase_add_test(tc, test_configured_timeouts_and_station);
  tcase_add_test(tc, test_default_warning_20s_before_losing_progress);
  tcase_add_test(tc, test_verdict_hold_per_mode);
  tcase_add_test(tc, test_request_is_home);
  tcase_add_test(tc, test_names);
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
