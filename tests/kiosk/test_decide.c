/*
 * The decision engine against the regulation: a table of cases covering every award
 * kind and level, every mode, and each boundary (policy window start and end days,
 * repeat windows at the boundary second, revocation list age at the boundary).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "kiosk/decide.h"

#define H 3600
#define MIN 60

static int64_t local_time(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
  return (int64_t)common_days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - 8 * 3600;
}

static struct kiosk_policy policy(void)
{
  struct kiosk_policy p;
  memset(&p, 0, sizeof p);
  ck_assert_int_eq(kiosk_parse_date("2018-12-27", &p.start_day), KIOSK_OK);
  ck_assert_int_eq(kiosk_parse_date("2023-12-27", &p.end_day), KIOSK_OK);
  p.utc_offset_s = 8 * 3600;
  p.gate_repeat_s = 120 * MIN;
  p.bus_repeat_s = 10 * MIN;
  p.revlist_max_age_s = 72 * H;
  p.stale = KIOSK_STALE_WARN;
  p.cashier_max_fen = 10000;
  return p;
}

#define ALL_MODES                                                                        \
  (KIOSK_MODE_BIT(KIOSK_MODE_GATE) | KIOSK_MODE_BIT(KIOSK_MODE_CASHIER) |                \
   KIOSK_MODE_BIT(KIOSK_MODE_BUS) | KIOSK_MODE_BIT(KIOSK_MODE_STATION))

/* One case: start from a valid request in `mode` at NOW, then change what the row says. */
struct row {
  const char *what;
  enum kiosk_mode mode;
  enum kiosk_award award;
  unsigned level;
  const char *when;    /* local "YYYY-MM-DD hh:mm:ss"; NULL: NOW */
  int check;           /* 1 + enum kiosk_check of the step that is not OK; 0: all OK */
  enum kiosk_check_state check_state;
  enum kiosk_holder holder;
  unsigned staff;      /* staff bits; staff id "S001" given unless no_staff_id */
  int no_staff_id;
  int recent_unknown;
  int64_t last_use_ago; /* > 0: one granted use that long ago */
  enum kiosk_rev_status rev; /* 0 (NO_LIST) means NOT_LISTED here; see no_list */
  int no_list;
  int64_t rev_age;      /* seconds since the list was issued */
  enum kiosk_stale_action stale;
  enum kiosk_stale_action never; /* 0: the old rule (no list = stale) */
  int journal_down, queue_full;
  int registry_wait; /* a bus the registry in force does not list yet */
  int64_t amount;       /* cashier */
  int64_t tariff;       /* the tariff's fee for the visit today: 0 gives 1500, -1 none */
  enum kiosk_bill_where prior; /* an earlier waiver of the bill */
  const char *bill;
  enum kiosk_visit visit;
  unsigned site_modes;  /* 0: all */
  const char *card_no;  /* NULL: default */
  enum kiosk_verdict_kind want;
  uint64_t reasons;     /* exact reason set wanted */
};

#define NOW local_time(2020, 6, 1, 10, 0, 0)
#define R(x) KIOSK_RBIT(x)
#define GATE_OK (R(HOLDER_CONFIRMED))
#define CASH_OK (R(HOLDER_MATCHED))

static const struct row rows[] = {
    /* --- award kinds and levels (Measures Art. 7-9, 18) --- */
    {"donor star 1: not card-eligible", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 1,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"donor star 2: not card-eligible", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 2,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"donor star 3 (>= 8000 ml): bus", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .want = KIOSK_VERDICT_GRANT, .reasons = 0},
    {"donor star 4: bus", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 4, .want = KIOSK_VERDICT_GRANT},
    {"donor star 5: bus", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 5, .want = KIOSK_VERDICT_GRANT},
    {"donor star 6: no such level", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 6,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_INVALID)},
    {"donor star 0: no such level", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 0,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_INVALID)},
    {"volunteer star 1", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_STAR, 1,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"volunteer star 2", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_STAR, 2,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"volunteer star 3", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_STAR, 3,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"volunteer star 4 (480 h)", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_STAR, 4,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"volunteer star 5 (600 h)", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_STAR, 5,
     .want = KIOSK_VERDICT_GRANT},
    {"volunteer lifetime honour", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_LIFETIME, 0,
     .want = KIOSK_VERDICT_GRANT},
    {"volunteer lifetime honour with a level", KIOSK_MODE_BUS, KIOSK_AWARD_VOLUNTEER_LIFETIME, 2,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_INVALID)},
    {"lifetime achievement (>= 50000 ml)", KIOSK_MODE_BUS, KIOSK_AWARD_LIFETIME_ACHIEVEMENT, 0,
     .want = KIOSK_VERDICT_GRANT},
    {"promotion award: not card-eligible", KIOSK_MODE_BUS, KIOSK_AWARD_PROMOTION, 0,
     .want = KIOSK_VERDICT_DENY, .reasons = R(AWARD_NOT_ELIGIBLE)},
    {"no award", KIOSK_MODE_BUS, KIOSK_AWARD_NONE, 0, .want = KIOSK_VERDICT_DENY,
     .reasons = R(AWARD_INVALID)},
    {"unknown award value", KIOSK_MODE_BUS, (enum kiosk_award)99, 0, .want = KIOSK_VERDICT_DENY,
     .reasons = R(AWARD_INVALID)},
    {"donor star 2 at the gate: denied and still lists the staff step", KIOSK_MODE_GATE,
     KIOSK_AWARD_DONOR_STAR, 2, .want = KIOSK_VERDICT_DENY,
     .reasons = R(AWARD_NOT_ELIGIBLE) | R(HOLDER_CONFIRM_NEEDED)},

    /* --- every award kind in every mode --- */
    {"lifetime achievement at the gate, confirmed", KIOSK_MODE_GATE,
     KIOSK_AWARD_LIFETIME_ACHIEVEMENT, 0, .staff = KIOSK_STAFF_HOLDER_CONFIRMED,
     .want = KIOSK_VERDICT_GRANT, .reasons = GATE_OK},
    {"volunteer 5 at the cashier", KIOSK_MODE_CASHIER, KIOSK_AWARD_VOLUNTEER_STAR, 5,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"volunteer lifetime at the station", KIOSK_MODE_STATION, KIOSK_AWARD_VOLUNTEER_LIFETIME, 0,
     .want = KIOSK_VERDICT_GRANT, .reasons = R(STATION_CHECK_ONLY)},

    /* --- card verification outcomes --- */
    {"format failed (altered)", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_FORMAT, .check_state = KIOSK_CHECK_FAILED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(FORMAT_FAILED)},
    {"chain failed", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .check = 1 + KIOSK_CHECK_CHAIN,
     .check_state = KIOSK_CHECK_FAILED, .want = KIOSK_VERDICT_DENY, .reasons = R(CHAIN_FAILED)},
    {"signature failed", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_SIGNATURE, .check_state = KIOSK_CHECK_FAILED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(SIGNATURE_FAILED)},
    {"card key failed (copy)", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_CARD_KEY, .check_state = KIOSK_CHECK_FAILED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_KEY_FAILED)},
    {"card validity failed", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_VALIDITY, .check_state = KIOSK_CHECK_FAILED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(VALIDITY_FAILED)},
    {"format not checked", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_FORMAT, .check_state = KIOSK_CHECK_NOT_CHECKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(FORMAT_NOT_CHECKED)},
    {"chain not checked", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_CHAIN, .check_state = KIOSK_CHECK_NOT_CHECKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(CHAIN_NOT_CHECKED)},
    {"signature not checked", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_SIGNATURE, .check_state = KIOSK_CHECK_NOT_CHECKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(SIGNATURE_NOT_CHECKED)},
    {"card key not checked", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_CARD_KEY, .check_state = KIOSK_CHECK_NOT_CHECKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_KEY_NOT_CHECKED)},
    {"validity not checked", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_VALIDITY, .check_state = KIOSK_CHECK_NOT_CHECKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(VALIDITY_NOT_CHECKED)},
    {"garbage check value fails closed", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .check = 1 + KIOSK_CHECK_CHAIN, .check_state = (enum kiosk_check_state)7,
     .want = KIOSK_VERDICT_DENY, .reasons = R(CHAIN_FAILED)},
    {"card number empty", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .card_no = "",
     .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_NO_INVALID)},
    {"card number lower case", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .card_no = "yl20190200000119",
     .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_NO_INVALID)},
    {"card number 21 characters", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "123456789012345678901", .want = KIOSK_VERDICT_DENY,
     .reasons = R(CARD_NO_INVALID)},
    {"card number shaped like a citizen ID", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "11010519491231002X", .want = KIOSK_VERDICT_DENY,
     .reasons = R(CARD_NO_INVALID)},
    {"card number with its check digits", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "YL20190200000119", .want = KIOSK_VERDICT_GRANT},
    {"card number with wrong check digits", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "YL20190200000118", .want = KIOSK_VERDICT_DENY,
     .reasons = R(CARD_NO_INVALID)},
    {"card number with two neighbours swapped", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "YL20190200001019", .want = KIOSK_VERDICT_DENY,
     .reasons = R(CARD_NO_INVALID)},
    {"card number in the old free form", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .card_no = "YL-2019-000001", .want = KIOSK_VERDICT_DENY,
     .reasons = R(CARD_NO_INVALID)},
    {"cashier, bill reference shaped like an ID number", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED,
     .bill = "11010519491231002x", .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(BILL_REF_MISSING)},
    {"cashier, bill reference with a blank", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "MZ 1", .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(BILL_REF_MISSING)},

    /* --- policy window: start inclusive, end exclusive, local time (UTC+8) --- */
    {"policy: the day before start, 23:59:59", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .when = "2018-12-26 23:59:59", .want = KIOSK_VERDICT_DENY,
     .reasons = R(POLICY_NOT_STARTED)},
    {"policy: start day 00:00:00", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .when = "2018-12-27 00:00:00", .want = KIOSK_VERDICT_GRANT},
    {"policy: last day 23:59:59", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .when = "2023-12-26 23:59:59", .want = KIOSK_VERDICT_GRANT},
    {"policy: end day 00:00:00 (exclusive)", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .when = "2023-12-27 00:00:00", .want = KIOSK_VERDICT_DENY,
     .reasons = R(POLICY_ENDED)},
    {"policy: 2018-12-26 16:00 UTC is already the 27th in Yulin", KIOSK_MODE_BUS,
     KIOSK_AWARD_DONOR_STAR, 3, .when = "2018-12-27 00:00:00",
     .want = KIOSK_VERDICT_GRANT},

    /* --- revocation --- */
    {"revoked card", KIOSK_MODE_BUS, KIOSK_AWARD_LIFETIME_ACHIEVEMENT, 0,
     .rev = KIOSK_REV_REVOKED, .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_REVOKED)},
    {"revoked at the gate even when staff confirm", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 5,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .rev = KIOSK_REV_REVOKED,
     .want = KIOSK_VERDICT_DENY, .reasons = R(CARD_REVOKED) | GATE_OK},
    {"list age exactly max: fresh", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .rev_age = 72 * H, .want = KIOSK_VERDICT_GRANT},
    {"list age max + 1 s, warn: granted with the warning", KIOSK_MODE_BUS,
     KIOSK_AWARD_DONOR_STAR, 3, .rev_age = 72 * H + 1, .want = KIOSK_VERDICT_GRANT,
     .reasons = R(REVLIST_STALE_WARN)},
    {"list age max + 1 s, deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .rev_age = 72 * H + 1, .stale = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_DENY,
     .reasons = R(REVLIST_STALE)},
    {"list age exactly max, deny policy: fresh", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .rev_age = 72 * H, .stale = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_GRANT},
    {"list from the future (clock skew): fresh", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .rev_age = -600, .stale = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_GRANT},
    {"no list, warn", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .no_list = 1,
     .want = KIOSK_VERDICT_GRANT, .reasons = R(REVLIST_MISSING) | R(REVLIST_STALE_WARN)},
    /* issue 13: never synced is its own reason and policy, not a stale list */
    {"never synced, bus: deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .no_list = 1,
     .never = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_DENY,
     .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER)},
    {"never synced, staff policy on a bus: deny (nobody to ask)", KIOSK_MODE_BUS,
     KIOSK_AWARD_DONOR_STAR, 3, .no_list = 1, .never = KIOSK_STALE_STAFF,
     .want = KIOSK_VERDICT_DENY, .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER)},
    {"never synced, gate: staff check even with the holder confirmed", KIOSK_MODE_GATE,
     KIOSK_AWARD_DONOR_STAR, 3, .no_list = 1, .never = KIOSK_STALE_STAFF,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER) | GATE_OK},
    {"never synced, gate, staff override: grant", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .no_list = 1, .never = KIOSK_STALE_STAFF,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, .want = KIOSK_VERDICT_GRANT,
     .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER) | GATE_OK},
    {"never synced, cashier: staff check", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .no_list = 1, .never = KIOSK_STALE_STAFF, .holder = KIOSK_HOLDER_SSC_MATCHED,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER) | CASH_OK},
    {"never synced, warn (station): checked", KIOSK_MODE_STATION, KIOSK_AWARD_DONOR_STAR, 3,
     .no_list = 1, .never = KIOSK_STALE_WARN, .want = KIOSK_VERDICT_GRANT,
     .reasons = R(REVLIST_MISSING) | R(REVLIST_NEVER) | R(STATION_CHECK_ONLY)},
    {"a list, never policy deny: not applied", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .never = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_GRANT},
    {"stale list, staff policy, cashier: staff check", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR,
     3, .rev_age = 72 * H + 1, .stale = KIOSK_STALE_STAFF, .holder = KIOSK_HOLDER_SSC_MATCHED,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = R(REVLIST_STALE) | CASH_OK},
    {"stale list, staff policy, override: grant", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .rev_age = 72 * H + 1, .stale = KIOSK_STALE_STAFF, .holder = KIOSK_HOLDER_SSC_MATCHED,
     .staff = KIOSK_STAFF_OVERRIDE, .want = KIOSK_VERDICT_GRANT, .reasons = R(REVLIST_STALE) | CASH_OK},
    {"no list, deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3, .no_list = 1,
     .stale = KIOSK_STALE_DENY, .want = KIOSK_VERDICT_DENY,
     .reasons = R(REVLIST_MISSING) | R(REVLIST_STALE)},

    /* --- gate: staff confirm the holder; repeat at the same gate --- */
    {"gate, not yet confirmed: staff check", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = R(HOLDER_CONFIRM_NEEDED)},
    {"gate, confirmed", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .want = KIOSK_VERDICT_GRANT, .reasons = GATE_OK},
    {"gate, confirmed without a staff id", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .no_staff_id = 1,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = GATE_OK | R(STAFF_ID_MISSING)},
    {"gate, SSC mismatched", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MISMATCHED, .staff = KIOSK_STAFF_HOLDER_CONFIRMED,
     .want = KIOSK_VERDICT_DENY, .reasons = GATE_OK | R(HOLDER_MISMATCH)},
    {"gate, previous use window - 1 s ago: repeat", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .last_use_ago = 120 * MIN - 1,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = GATE_OK | R(REPEAT_AT_GATE)},
    {"gate, previous use exactly window ago: not a repeat", KIOSK_MODE_GATE,
     KIOSK_AWARD_DONOR_STAR, 3, .staff = KIOSK_STAFF_HOLDER_CONFIRMED,
     .last_use_ago = 120 * MIN, .want = KIOSK_VERDICT_GRANT, .reasons = GATE_OK},
    {"gate, repeat accepted by staff", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_REPEAT_ACCEPTED, .last_use_ago = 60,
     .want = KIOSK_VERDICT_GRANT,
     .reasons = GATE_OK | R(REPEAT_AT_GATE) | R(REPEAT_ACCEPTED)},
    {"gate, recent uses unknown", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .recent_unknown = 1,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = GATE_OK | R(RECENT_UNKNOWN)},
    {"gate mode at a hospital", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .site_modes = KIOSK_MODE_BIT(KIOSK_MODE_CASHIER),
     .want = KIOSK_VERDICT_DENY, .reasons = GATE_OK | R(MODE_NOT_ALLOWED)},

    /* --- cashier: holder match, bill, amount --- */
    {"cashier, no staff id: no waiver", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .no_staff_id = 1, .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(STAFF_ID_MISSING)},
    {"cashier, bill with slashes", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "MZ2026/12/01", .want = KIOSK_VERDICT_GRANT,
     .reasons = CASH_OK},
    {"cashier, bill in CJK", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "门诊123", .want = KIOSK_VERDICT_GRANT,
     .reasons = CASH_OK},
    {"cashier, ID-shaped bill with a valid check digit", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "450902199001011235",
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = R(HOLDER_MATCHED) | R(BILL_REF_MISSING)},
    /* issue 12's case: granted before, the wrong check digit let the ID pass as a bill */
    {"cashier, ID-shaped bill with a wrong check digit", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "450902199001011236",
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = R(HOLDER_MATCHED) | R(BILL_REF_MISSING)},
    {"cashier, 18-digit invoice number that is no ID", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "202612011234567890",
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, SSC matched", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, typed ID matched, inpatient", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_ID_TYPED_MATCHED, .visit = KIOSK_VISIT_INPATIENT,
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, nothing presented", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_NOT_PRESENTED, .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = R(HOLDER_CREDENTIAL_NEEDED)},
    {"cashier, typed ID mismatched", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_ID_TYPED_MISMATCHED, .want = KIOSK_VERDICT_DENY,
     .reasons = R(HOLDER_MISMATCH)},
    {"cashier, no bill", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .bill = "", .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(BILL_REF_MISSING)},
    {"cashier, amount 0", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = -1, .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(AMOUNT_INVALID)},
    {"cashier, tariff at the maximum", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = 10000, .tariff = 10000,
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, tariff above the maximum: refused", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR,
     3, .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = 10001, .tariff = 10001,
     .want = KIOSK_VERDICT_DENY, .reasons = CASH_OK | R(AMOUNT_INVALID)},
    /* --- cashier: the tariff, exactly (issue 12) --- */
    {"cashier, the tariff's amount", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = 1800, .tariff = 1800,
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, one fen more than the tariff", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = 1501, .want = KIOSK_VERDICT_DENY,
     .reasons = CASH_OK | R(AMOUNT_NOT_TARIFF)},
    {"cashier, less than the tariff", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .amount = 1000, .want = KIOSK_VERDICT_DENY,
     .reasons = CASH_OK | R(AMOUNT_NOT_TARIFF)},
    {"cashier, no tariff for the visit today", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .tariff = -1, .want = KIOSK_VERDICT_DENY,
     .reasons = CASH_OK | R(TARIFF_MISSING)},
    {"cashier, no tariff and no visit kind yet: ask the visit first", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .tariff = -1,
     .visit = (enum kiosk_visit)9, .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(VISIT_KIND_MISSING)},
    {"cashier, emergency with a tariff", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .visit = KIOSK_VISIT_EMERGENCY,
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},
    {"cashier, bill already waived here", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .prior = KIOSK_BILL_HERE, .want = KIOSK_VERDICT_DENY,
     .reasons = CASH_OK | R(BILL_ALREADY_WAIVED)},
    {"cashier, bill already waived at another terminal", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .prior = KIOSK_BILL_CENTRE,
     .want = KIOSK_VERDICT_DENY, .reasons = CASH_OK | R(BILL_ALREADY_WAIVED)},
    {"cashier, visit kind missing", KIOSK_MODE_CASHIER, KIOSK_AWARD_DONOR_STAR, 3,
     .holder = KIOSK_HOLDER_SSC_MATCHED, .visit = (enum kiosk_visit)9,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = CASH_OK | R(VISIT_KIND_MISSING)},
    {"cashier, a second visit the same day is fine", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED, .last_use_ago = 60,
     .want = KIOSK_VERDICT_GRANT, .reasons = CASH_OK},

    /* --- bus: no staff, repeat on the same vehicle --- */
    {"bus, previous use 10 min - 1 s ago: deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .last_use_ago = 10 * MIN - 1, .want = KIOSK_VERDICT_DENY, .reasons = R(REPEAT_ON_VEHICLE)},
    {"bus, previous use exactly 10 min ago: grant", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .last_use_ago = 10 * MIN, .want = KIOSK_VERDICT_GRANT},
    {"bus, recent uses unknown: deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .recent_unknown = 1, .want = KIOSK_VERDICT_DENY, .reasons = R(RECENT_UNKNOWN)},
    {"bus, journal down: deny, no override on a bus", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .journal_down = 1, .want = KIOSK_VERDICT_DENY, .reasons = R(JOURNAL_UNAVAILABLE)},
    /* issue 13: a bus installed before the centre's registry lists it */
    {"bus, vehicle not in the registry yet: deny", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .registry_wait = 1, .want = KIOSK_VERDICT_DENY, .reasons = R(REGISTRY_WAIT)},
    {"bus, waiting and a repeat: deny with both", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
     .registry_wait = 1, .last_use_ago = 60, .want = KIOSK_VERDICT_DENY,
     .reasons = R(REGISTRY_WAIT) | R(REPEAT_ON_VEHICLE)},

    /* --- journal down: fail closed, staff override --- */
    {"gate, journal down: staff check, override offered", KIOSK_MODE_GATE,
     KIOSK_AWARD_DONOR_STAR, 3, .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .journal_down = 1,
     .want = KIOSK_VERDICT_STAFF_CHECK, .reasons = GATE_OK | R(JOURNAL_UNAVAILABLE)},
    {"gate, journal down, override", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, .journal_down = 1,
     .want = KIOSK_VERDICT_GRANT,
     .reasons = GATE_OK | R(JOURNAL_UNAVAILABLE) | R(STAFF_OVERRIDE)},
    {"gate, journal down, override, queue full", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, .journal_down = 1,
     .queue_full = 1, .want = KIOSK_VERDICT_DENY,
     .reasons = GATE_OK | R(JOURNAL_UNAVAILABLE) | R(OVERRIDE_QUEUE_FULL)},
    {"cashier, journal down, override without staff id", KIOSK_MODE_CASHIER,
     KIOSK_AWARD_DONOR_STAR, 3, .holder = KIOSK_HOLDER_SSC_MATCHED,
     .staff = KIOSK_STAFF_OVERRIDE, .no_staff_id = 1, .journal_down = 1,
     .want = KIOSK_VERDICT_STAFF_CHECK,
     .reasons = CASH_OK | R(JOURNAL_UNAVAILABLE) | R(STAFF_OVERRIDE) | R(STAFF_ID_MISSING)},
    {"override cannot lift a revocation", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
     .staff = KIOSK_STAFF_HOLDER_CONFIRMED | KIOSK_STAFF_OVERRIDE, .journal_down = 1,
     .rev = KIOSK_REV_REVOKED, .want = KIOSK_VERDICT_DENY,
     .reasons = GATE_OK | R(CARD_REVOKED) | R(JOURNAL_UNAVAILABLE) | R(STAFF_OVERRIDE)},
};

static struct kiosk_verdict run_row(const struct row *w, struct kiosk_policy *pol)
{
  struct kiosk_card_facts card;
  memset(&card, 0, sizeof card);
  snprintf(card.card_no, sizeof card.card_no, "%s", w->card_no ? w->card_no : "YL20190200012341");
  if (w->card_no && strlen(w->card_no) > KIOSK_CARD_NO_MAX)
    memcpy(card.card_no, w->card_no, KIOSK_CARD_NO_MAX + 1); /* fills the array, no NUL */
  card.generation = 0;
  card.award = w->award;
  card.award_level = w->level;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    card.check[i] = KIOSK_CHECK_OK;
  if (w->check)
    card.check[w->check - 1] = w->check_state;

  struct kiosk_request r;
  memset(&r, 0, sizeof r);
  r.card = &card;
  r.mode = w->mode;
  r.site_modes = w->site_modes ? w->site_modes : ALL_MODES;
  r.now = NOW;
  if (w->when) {
    int y, mo, d, hh, mm, ss;
    ck_assert_int_eq(sscanf(w->when, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &hh, &mm, &ss), 6);
    r.now = local_time(y, (unsigned)mo, (unsigned)d, hh, mm, ss);
  }
  r.holder = w->holder;
  r.staff = w->staff;
  r.staff_id = w->no_staff_id ? "" : "S001";
  r.revocation.status = w->no_list ? KIOSK_REV_NO_LIST : w->rev ? w->rev : KIOSK_REV_NOT_LISTED;
  r.revocation.issued_at = r.now - (w->rev_age ? w->rev_age : 3600);
  r.revocation.version = 7;
  r.recent.known = !w->recent_unknown;
  if (w->last_use_ago > 0) {
    r.recent.count = 1;
    r.recent.last_time = r.now - w->last_use_ago;
  }
  r.visit = w->visit ? w->visit : KIOSK_VISIT_OUTPATIENT;
  r.bill_ref = w->bill ? w->bill : "MZ2020060100123";
  r.amount_fen = w->amount < 0 ? 0 : (w->amount ? w->amount : 1500);
  r.tariff_fen = w->tariff < 0 ? 0 : (w->tariff ? w->tariff : 1500);
  r.bill_prior.where = w->prior;
  r.bill_prior.seq = w->prior ? 7 : 0;
  r.journal_writable = !w->journal_down;
  r.registry_wait = w->registry_wait;
  r.override_queue_room = !w->queue_full;
  pol->stale = w->stale ? w->stale : KIOSK_STALE_WARN;
  pol->never = w->never;

  struct kiosk_verdict v;
  ck_assert_int_eq(kiosk_decide(pol, &r, &v), KIOSK_OK);
  return v;
}

START_TEST(regulation_table)
{
  const struct row *w = &rows[_i];
  struct kiosk_policy pol = policy();
  struct kiosk_verdict v = run_row(w, &pol);
  if (v.verdict != w->want || v.reasons != w->reasons) {
    char got[1024] = "", want[1024] = "";
    for (int i = 0; i < KIOSK_R_COUNT; i++) {
      if (v.reasons & (UINT64_C(1) << i)) {
        strcat(got, kiosk_reason_name(i));
        strcat(got, " ");
      }
      if (w->reasons & (UINT64_C(1) << i)) {
        strcat(want, kiosk_reason_name(i));
        strcat(want, " ");
      }
    }
    ck_abort_msg("%s: got %s {%s}, want %s {%s}", w->what, kiosk_verdict_name(v.verdict), got,
                 kiosk_verdict_name(w->want), want);
  }
  /* The verdict follows from the subsets. */
  ck_assert((v.deny != 0) == (v.verdict == KIOSK_VERDICT_DENY));
  ck_assert(v.verdict == KIOSK_VERDICT_DENY || (v.staff != 0) == (v.verdict == KIOSK_VERDICT_STAFF_CHECK));
}
END_TEST

START_TEST(flags)
{
  struct kiosk_policy pol = policy();
  struct row w = {"stale", KIOSK_MODE_BUS, KIOSK_AWARD_DONOR_STAR, 3,
                  .rev_age = 73 * H};
  struct kiosk_verdict v = run_row(&w, &pol);
  ck_assert_uint_eq(v.flags, KIOSK_VF_REVLIST_STALE);
  struct row g = {"down", KIOSK_MODE_GATE, KIOSK_AWARD_DONOR_STAR, 3,
                  .staff = KIOSK_STAFF_HOLDER_CONFIRMED, .journal_down = 1};
  v = run_row(&g, &pol);
  ck_assert_uint_eq(v.flags, KIOSK_VF_OVERRIDE_OFFERED);
  g.staff |= KIOSK_STAFF_OVERRIDE;
  v = run_row(&g, &pol);
  ck_assert_uint_eq(v.flags, KIOSK_VF_OVERRIDE_USED);
  /* A denial offers no override. */
  g.staff = KIOSK_STAFF_HOLDER_CONFIRMED;
  g.award = KIOSK_AWARD_PROMOTION;
  g.level = 0;
  v = run_row(&g, &pol);
  ck_assert_uint_eq(v.flags, 0);
}
END_TEST

START_TEST(reason_table_complete)
{
  for (int i = 0; i < KIOSK_R_COUNT; i++) {
    ck_assert_ptr_nonnull(kiosk_reason_name(i));
    ck_assert_ptr_nonnull(kiosk_reason_en(i));
    ck_assert_ptr_nonnull(kiosk_reason_zh(i));
    enum kiosk_reason r;
    ck_assert_int_eq(kiosk_reason_parse(kiosk_reason_name(i), &r), KIOSK_OK);
    ck_assert_int_eq((int)r, i);
  }
  ck_assert_int_le(KIOSK_R_COUNT, 64);
  ck_assert_ptr_null(kiosk_reason_name(KIOSK_R_COUNT));
}
END_TEST

START_TEST(dates)
{
  int32_t d;
  ck_assert_int_eq(kiosk_parse_date("1970-01-01", &d), KIOSK_OK);
  ck_assert_int_eq(d, 0);
  ck_assert_int_eq(kiosk_parse_date("2024-02-29", &d), KIOSK_OK);
  char buf[11];
  common_date_format(d, buf);
  ck_assert_str_eq(buf, "2024-02-29");
  ck_assert_int_ne(kiosk_parse_date("2023-02-29", &d), KIOSK_OK);
  ck_assert_int_ne(kiosk_parse_date("2100-02-29", &d), KIOSK_OK);
  ck_assert_int_ne(kiosk_parse_date("2023-13-01", &d), KIOSK_OK);
  ck_assert_int_ne(kiosk_parse_date("2023-1-01", &d), KIOSK_OK);
  ck_assert_int_ne(kiosk_parse_date("2023-01-01 ", &d), KIOSK_OK);
  ck_assert_int_eq(common_local_day(-1, 0), -1);
  ck_assert_int_eq(common_local_day(16 * 3600, 8 * 3600), 1);
}
END_TEST

START_TEST(invalid_args)
{
  struct kiosk_policy pol = policy();
  struct kiosk_request r;
  memset(&r, 0, sizeof r);
  struct kiosk_verdict v;
  ck_assert_int_eq(kiosk_decide(&pol, &r, &v), KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(v.verdict, KIOSK_VERDICT_DENY);
  ck_assert_int_eq(kiosk_decide(&pol, &r, NULL), KIOSK_E_INVALID_ARG);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_decide");
  TCase *tc = tcase_create("regulation");
  tcase_add_loop_test(tc, regulation_table, 0, (int)(sizeof rows / sizeof rows[0]));
  tcase_add_test(tc, flags);
  tcase_add_test(tc, reason_table_complete);
  tcase_add_test(tc, dates);
  tcase_add_test(tc, invalid_args);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
