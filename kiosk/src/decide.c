/*
 * The decision engine (kiosk/decide.h). No I/O, no clock, no allocation: a pure
 * function of the policy and the request, so that the regulation table in the tests
 * covers it completely.
 */
#include <string.h>

#include "common/cardno.h"
#include "common/date.h"
#include "common/bill.h"
#include "common/idno.h"
#include "common/token.h"
#include "kiosk/decide.h"

/* ------------------------------------------------------------ name tables -- */

const char *kiosk_check_name(int check)
{
  switch (check) {
#define KIOSK_X_CKN(name, value, text)                                                   \
  case (value):                                                                          \
    return (text);
    KIOSK_CHECK_MAP(KIOSK_X_CKN)
#undef KIOSK_X_CKN
  default:
    return NULL;
  }
}

const char *kiosk_holder_name(int holder)
{
  switch (holder) {
#define KIOSK_X_HON(name, value, text)                                                   \
  case (value):                                                                          \
    return (text);
    KIOSK_HOLDER_MAP(KIOSK_X_HON)
#undef KIOSK_X_HON
  default:
    return NULL;
  }
}

int kiosk_holder_parse(const char *text, enum kiosk_holder *out)
{
#define KIOSK_X_HOP(name, value, str)                                                    \
  if (text && strcmp(text, (str)) == 0) {                                                \
    *out = KIOSK_HOLDER_##name;                                                          \
    return KIOSK_OK;                                                                     \
  }
  KIOSK_HOLDER_MAP(KIOSK_X_HOP)
#undef KIOSK_X_HOP
  return KIOSK_E_NOT_FOUND;
}

struct reason_row {
  const char *name, *en, *zh;
};
static const struct reason_row reasons[KIOSK_R_COUNT] = {
#define KIOSK_X_RROW(name, bit, en, zh) [bit] = {#name, en, zh},
    KIOSK_REASON_MAP(KIOSK_X_RROW)
#undef KIOSK_X_RROW
};

const char *kiosk_reason_name(int r)
{
  return r >= 0 && r < KIOSK_R_COUNT ? reasons[r].name : NULL;
}
const char *kiosk_reason_en(int r)
{
  return r >= 0 && r < KIOSK_R_COUNT ? reasons[r].en : NULL;
}
const char *kiosk_reason_zh(int r)
{
  return r >= 0 && r < KIOSK_R_COUNT ? reasons[r].zh : NULL;
}

int kiosk_reason_parse(const char *name, enum kiosk_reason *out)
{
  for (int i = 0; name && i < KIOSK_R_COUNT; i++)
    if (reasons[i].name && strcmp(reasons[i].name, name) == 0) {
      *out = (enum kiosk_reason)i;
      return KIOSK_OK;
    }
  return KIOSK_E_NOT_FOUND;
}

const char *kiosk_verdict_name(int v)
{
  switch (v) {
#define KIOSK_X_VKN(name, value, text)                                                   \
  case (value):                                                                          \
    return (text);
    KIOSK_VERDICT_MAP(KIOSK_X_VKN)
#undef KIOSK_X_VKN
  default:
    return NULL;
  }
}

int kiosk_verdict_parse(const char *text, enum kiosk_verdict_kind *out)
{
#define KIOSK_X_VKP(name, value, str)                                                    \
  if (text && strcmp(text, (str)) == 0) {                                                \
    *out = KIOSK_VERDICT_##name;                                                         \
    return KIOSK_OK;                                                                     \
  }
  KIOSK_VERDICT_MAP(KIOSK_X_VKP)
#undef KIOSK_X_VKP
  return KIOSK_E_NOT_FOUND;
}

/* ------------------------------------------------------------------ dates -- */

int kiosk_parse_date(const char *s, int32_t *day)
{
  /* The terminal's policy dates: after the epoch, before 3000. */
  static const int32_t first = 0;     /* 1970-01-01 */
  static const int32_t last = 376199; /* 2999-12-31 */
  int32_t d;
  int rc = common_date_parse(s, s ? strlen(s) : 0, &d);
  if (rc == COMMON_E_SYNTAX || rc == COMMON_E_INVALID_ARG)
    return KIOSK_E_SYNTAX;
  if (rc != COMMON_OK || d < first || d > last)
    return KIOSK_E_RANGE;
  *day = d;
  return KIOSK_OK;
}

/* ---------------------------------------------------------------- engine -- */

struct acc {
  uint64_t deny, staff, info;
};
#define DENY(a, r) ((a)->deny |= KIOSK_RBIT(r))
#define STAFF(a, r) ((a)->staff |= KIOSK_RBIT(r))
#define INFO(a, r) ((a)->info |= KIOSK_RBIT(r))

static void check_card(const struct kiosk_card_facts *c, struct acc *a)
{
  /* The check digits too: a number the station never issued is not this card's. */
  if (!common_cardno_valid(c->card_no))
    DENY(a, CARD_NO_INVALID);
  static const enum kiosk_reason failed[KIOSK_CHECK_COUNT] = {
      KIOSK_R_FORMAT_FAILED, KIOSK_R_CHAIN_FAILED, KIOSK_R_SIGNATURE_FAILED,
      KIOSK_R_CARD_KEY_FAILED, KIOSK_R_VALIDITY_FAILED};
  static const enum kiosk_reason unchecked[KIOSK_CHECK_COUNT] = {
      KIOSK_R_FORMAT_NOT_CHECKED, KIOSK_R_CHAIN_NOT_CHECKED, KIOSK_R_SIGNATURE_NOT_CHECKED,
      KIOSK_R_CARD_KEY_NOT_CHECKED, KIOSK_R_VALIDITY_NOT_CHECKED};
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++) {
    /* Anything but an explicit OK is a failure: fail closed on garbage values too. */
    if (c->check[i] == KIOSK_CHECK_OK)
      continue;
    a->deny |= UINT64_C(1) << (c->check[i] == KIOSK_CHECK_NOT_CHECKED ? unchecked[i] : failed[i]);
  }
  if (!common_award_valid((int)c->award, c->award_level))
    DENY(a, AWARD_INVALID);
  else if (!common_award_carries_card((int)c->award, c->award_level))
    DENY(a, AWARD_NOT_ELIGIBLE);
}

static void check_revocation(const struct kiosk_policy *p, const struct kiosk_request *r,
                             struct acc *a, unsigned *flags)
{
  int stale;
  if (r->revocation.status == KIOSK_REV_NO_LIST && p->never) {
    /* Never synced: every revoked card would pass, which is not the same risk as a list
     * a few days old; its own reason, its own policy (issue 13). */
    INFO(a, REVLIST_MISSING);
    *flags |= KIOSK_VF_REVLIST_STALE;
    if (p->never == KIOSK_STALE_DENY || (p->never == KIOSK_STALE_STAFF && r->mode == KIOSK_MODE_BUS))
      DENY(a, REVLIST_NEVER); /* nobody on a bus to ask */
    else if (p->never == KIOSK_STALE_STAFF && !(r->staff & KIOSK_STAFF_OVERRIDE))
      STAFF(a, REVLIST_NEVER);
    else
      INFO(a, REVLIST_NEVER);
    return;
  }
  if (r->revocation.status == KIOSK_REV_NO_LIST) {
    INFO(a, REVLIST_MISSING);
    stale = 1;
  } else {
    if (r->revocation.status == KIOSK_REV_REVOKED)
      DENY(a, CARD_REVOKED);
    else if (r->revocation.status != KIOSK_REV_NOT_LISTED)
      DENY(a, CARD_REVOKED); /* unknown status value: fail closed */
    /* Age exactly max is still fresh; one second more is stale. A list from the
     * future (clock skew) counts as fresh. */
    stale = r->now > r->revocation.issued_at &&
            (uint64_t)(r->now - r->revocation.issued_at) > p->revlist_max_age_s;
  }
  if (stale) {
    *flags |= KIOSK_VF_REVLIST_STALE;
    if (p->stale == KIOSK_STALE_WARN)
      INFO(a, REVLIST_STALE_WARN);
    else if (p->stale == KIOSK_STALE_STAFF && r->mode != KIOSK_MODE_BUS &&
             (r->staff & KIOSK_STAFF_OVERRIDE))
      INFO(a, REVLIST_STALE);
    else if (p->stale == KIOSK_STALE_STAFF && r->mode != KIOSK_MODE_BUS)
      STAFF(a, REVLIST_STALE);
    else
      DENY(a, REVLIST_STALE);
  }
}

/* The previous use counts as a repeat when it happened less than window seconds ago:
 * at exactly window seconds it is a new use. */
static int is_repeat(const struct kiosk_recent *rec, int64_t now, uint32_t window)
{
  if (rec->count == 0 || window == 0)
    return 0;
  if (rec->last_time > now)
    return 1; /* a use "in the future" (clock stepped back): treat as recent */
  return (uint64_t)(now - rec->last_time) < window;
}

static void check_holder_match(const struct kiosk_request *r, struct acc *a)
{
  switch (r->holder) {
  case KIOSK_HOLDER_SSC_MATCHED:
  case KIOSK_HOLDER_ID_TYPED_MATCHED:
    INFO(a, HOLDER_MATCHED);
    break;
  case KIOSK_HOLDER_SSC_MISMATCHED:
  case KIOSK_HOLDER_ID_TYPED_MISMATCHED:
    DENY(a, HOLDER_MISMATCH);
    break;
  case KIOSK_HOLDER_NOT_PRESENTED:
    break;
  default:
    DENY(a, HOLDER_MISMATCH);
    break;
  }
}

static void check_gate(const struct kiosk_policy *p, const struct kiosk_request *r,
                       struct acc *a)
{
  /* Rules 二(一)2: the holder shows the ID card and the honour card; staff let them in
   * only after checking that the two match. So a gate never grants without staff. */
  check_holder_match(r, a);
  if (r->staff & KIOSK_STAFF_HOLDER_CONFIRMED)
    INFO(a, HOLDER_CONFIRMED);
  else
    STAFF(a, HOLDER_CONFIRM_NEEDED);
  if (!r->recent.known) {
    if (r->staff & KIOSK_STAFF_REPEAT_ACCEPTED)
      INFO(a, REPEAT_ACCEPTED);
    else
      STAFF(a, RECENT_UNKNOWN);
  } else if (is_repeat(&r->recent, r->now, p->gate_repeat_s)) {
    if (r->staff & KIOSK_STAFF_REPEAT_ACCEPTED) {
      INFO(a, REPEAT_AT_GATE);
      INFO(a, REPEAT_ACCEPTED);
    } else {
      STAFF(a, REPEAT_AT_GATE);
    }
  }
}

static void check_cashier(const struct kiosk_policy *p, const struct kiosk_request *r,
                          struct acc *a)
{
  /* Rules 二(二)2: the honour card and the holder's own social security card or ID
   * card, after the visit or at discharge. */
  check_holder_match(r, a);
  if (r->holder == KIOSK_HOLDER_NOT_PRESENTED)
    STAFF(a, HOLDER_CREDENTIAL_NEEDED);
  int visit_ok = r->visit == KIOSK_VISIT_OUTPATIENT || r->visit == KIOSK_VISIT_INPATIENT ||
                 r->visit == KIOSK_VISIT_EMERGENCY;
  if (!visit_ok)
    STAFF(a, VISIT_KIND_MISSING);
  /* A bill number as a HIS prints it (common/bill.h: letters, digits, -/_., CJK), never
   * something shaped like an ID number: the one rule the screen, the HIS API, the journal
   * and the centre use. */
  if (!common_bill_no_valid(r->bill_ref))
    STAFF(a, BILL_REF_MISSING);
  /* Every waiver is accountable (issue 12): no staff id, no waiver, whatever else the
   * staff confirmed or not. */
  if (!common_token_valid(r->staff_id, KIOSK_STAFF_ID_MAX) || common_id_shaped(r->staff_id))
    STAFF(a, STAFF_ID_MISSING);
  if (r->amount_fen <= 0 || r->amount_fen > p->cashier_max_fen)
    STAFF(a, AMOUNT_INVALID);
  /* Issue 12: the fee waived is the hospital's signed tariff for the visit kind today,
   * exactly; no tariff, no waiver (never a default amount). The configured maximum only
   * bounds what a tariff may say. */
  if (visit_ok) {
    if (r->tariff_fen <= 0)
      DENY(a, TARIFF_MISSING);
    else if (r->tariff_fen > p->cashier_max_fen)
      DENY(a, AMOUNT_INVALID);
    else if (r->amount_fen > 0 && r->amount_fen != r->tariff_fen)
      DENY(a, AMOUNT_NOT_TARIFF);
  }
  /* One waiver per bill per hospital, unless the earlier one was voided (issue 12). */
  if (r->bill_prior.where != KIOSK_BILL_NONE && common_bill_no_valid(r->bill_ref))
    DENY(a, BILL_ALREADY_WAIVED);
}

static void check_bus(const struct kiosk_policy *p, const struct kiosk_request *r,
                      struct acc *a)
{
  /* No staff on a bus: everything that would ask staff denies instead. */
  if (!r->recent.known)
    DENY(a, RECENT_UNKNOWN);
  else if (is_repeat(&r->recent, r->now, p->bus_repeat_s))
    DENY(a, REPEAT_ON_VEHICLE);
}

int kiosk_decide(const struct kiosk_policy *p, const struct kiosk_request *r,
                 struct kiosk_verdict *out)
{
  if (!out)
    return KIOSK_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  out->verdict = KIOSK_VERDICT_DENY;
  if (!p || !r || !r->card)
    return KIOSK_E_INVALID_ARG;

  struct acc a = {0, 0, 0};
  unsigned flags = 0;
  check_card(r->card, &a);

  int32_t today = common_local_day(r->now, p->utc_offset_s);
  if (today < p->start_day)
    DENY(&a, POLICY_NOT_STARTED);
  if (today >= p->end_day)
    DENY(&a, POLICY_ENDED);

  check_revocation(p, r, &a, &flags);

  if (!(r->site_modes & KIOSK_MODE_BIT(r->mode)))
    DENY(&a, MODE_NOT_ALLOWED);

  switch (r->mode) {
  case KIOSK_MODE_GATE:
    check_gate(p, r, &a);
    break;
  case KIOSK_MODE_CASHIER:
    check_cashier(p, r, &a);
    break;
  case KIOSK_MODE_BUS:
    check_bus(p, r, &a);
    break;
  case KIOSK_MODE_STATION:
    INFO(&a, STATION_CHECK_ONLY);
    break;
  default:
    DENY(&a, MODE_NOT_ALLOWED);
    break;
  }

  /* A staff refusal is a decision like any other: journaled, with who refused. */
  if (r->staff & KIOSK_STAFF_REFUSED)
    DENY(&a, STAFF_REFUSED);

  /* Staff actions are accountable: whoever confirms must be signed in. */
  if (r->staff && (!common_token_valid(r->staff_id, KIOSK_STAFF_ID_MAX) ||
                   common_id_shaped(r->staff_id)))
    STAFF(&a, STAFF_ID_MISSING);

  /* Fail closed on the journal: no grant that cannot be recorded, unless staff take
   * responsibility (the override itself is queued and journaled later). Only worth
   * asking when nothing else denies. */
  if (!r->journal_writable) {
    if (r->mode == KIOSK_MODE_BUS) {
      DENY(&a, JOURNAL_UNAVAILABLE);
    } else if (!(r->staff & KIOSK_STAFF_OVERRIDE)) {
      STAFF(&a, JOURNAL_UNAVAILABLE);
      if (!a.deny)
        flags |= KIOSK_VF_OVERRIDE_OFFERED;
    } else if (!r->override_queue_room) {
      DENY(&a, JOURNAL_UNAVAILABLE);
      DENY(&a, OVERRIDE_QUEUE_FULL);
    } else {
      INFO(&a, JOURNAL_UNAVAILABLE);
      INFO(&a, STAFF_OVERRIDE);
    }
  }

  /* A clock that cannot be trusted (issue 11): the time-based rules were answered with
   * the last trusted time, so staff decide (override) and the event carries the reason
   * to the centre; a bus has no staff and denies. */
  if (r->clock_suspect) {
    if (r->mode == KIOSK_MODE_BUS) {
      DENY(&a, CLOCK_SUSPECT);
    } else if (!(r->staff & KIOSK_STAFF_OVERRIDE)) {
      STAFF(&a, CLOCK_SUSPECT);
      if (!a.deny)
        flags |= KIOSK_VF_OVERRIDE_OFFERED;
    } else {
      INFO(&a, CLOCK_SUSPECT);
    }
  }

  /* A bus installed before the centre's registry lists it: which bus, which route is not
   * known for sure, so nothing is granted and no staff can lift it (issue 13). */
  if (r->registry_wait)
    DENY(&a, REGISTRY_WAIT);

  /* Staff may take responsibility for a list that is missing or old: the override. */
  if ((a.staff & (KIOSK_RBIT(REVLIST_NEVER) | KIOSK_RBIT(REVLIST_STALE))) && !a.deny)
    flags |= KIOSK_VF_OVERRIDE_OFFERED;

  out->deny = a.deny;
  out->staff = a.staff;
  out->reasons = a.deny | a.staff | a.info;
  if (a.deny)
    out->verdict = KIOSK_VERDICT_DENY;
  else if (a.staff)
    out->verdict = KIOSK_VERDICT_STAFF_CHECK;
  else
    out->verdict = KIOSK_VERDICT_GRANT;
  if (out->verdict == KIOSK_VERDICT_GRANT && (out->reasons & KIOSK_RBIT(STAFF_OVERRIDE)))
    flags |= KIOSK_VF_OVERRIDE_USED;
  out->flags = flags;
  return KIOSK_OK;
}
