/*
 * The decision engine (kiosk/decide.h). No I/O, no clock, no allocation: a pure
 * function of the policy and the request, so that the regulation table in the tests
 * covers it completely.
 */
#include <string.h>

#include "kiosk/decide.h"

/* ------------------------------------------------------------ name tables -- */

const char *kiosk_award_name(int award)
{
  switch (award) {
#define KIOSK_X_AWN(name, value, en, zh)                                                 \
  case (value):                                                                          \
    return (en);
    KIOSK_AWARD_MAP(KIOSK_X_AWN)
#undef KIOSK_X_AWN
  default:
    return NULL;
  }
}

const char *kiosk_award_name_zh(int award)
{
  switch (award) {
#define KIOSK_X_AWZ(name, value, en, zh)                                                 \
  case (value):                                                                          \
    return (zh);
    KIOSK_AWARD_MAP(KIOSK_X_AWZ)
#undef KIOSK_X_AWZ
  default:
    return NULL;
  }
}

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

/* Howard Hinnant's days_from_civil. */
int32_t kiosk_days_from_civil(int y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153u * (m > 2 ? m - 3 : m + 9) + 2u) / 5u + d - 1u;
  const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
  const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
  const unsigned mp = (5u * doy + 2u) / 153u;
  *d = doy - (153u * mp + 2u) / 5u + 1u;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)yoe + era * 400 + (*m <= 2);
}

int32_t kiosk_local_day(int64_t t, int32_t utc_offset_s)
{
  int64_t l = t + utc_offset_s;
  int64_t q = l / 86400;
  if (l % 86400 < 0)
    q--;
  return (int32_t)q;
}

int kiosk_parse_date(const char *s, int32_t *day)
{
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return KIOSK_E_SYNTAX;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return KIOSK_E_SYNTAX;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
  if (y < 1970 || y > 2999 || m < 1 || m > 12 || d < 1)
    return KIOSK_E_RANGE;
  static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned dim = mdays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    dim = 29;
  if (d > dim)
    return KIOSK_E_RANGE;
  *day = kiosk_days_from_civil(y, m, d);
  return KIOSK_OK;
}

void kiosk_format_date(int32_t day, char buf[11])
{
  int y;
  unsigned m, d;
  civil_from_days(day, &y, &m, &d);
  if (y < 0 || y > 9999) {
    memcpy(buf, "0000-00-00", 11);
    return;
  }
  buf[0] = (char)('0' + y / 1000);
  buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10);
  buf[3] = (char)('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + d / 10);
  buf[9] = (char)('0' + d % 10);
  buf[10] = '\0';
}

/* ---------------------------------------------------------------- engine -- */

int kiosk_award_eligible(enum kiosk_award award, unsigned level)
{
  switch (award) {
  case KIOSK_AWARD_DONOR_STAR:
    return level >= 3 && level <= 5; /* Art. 18: 三星级献血之星及以上 (>= 8000 ml) */
  case KIOSK_AWARD_VOLUNTEER_STAR:
    return level == 5; /* 五星级无偿献血志愿者 */
  case KIOSK_AWARD_VOLUNTEER_LIFETIME:
  case KIOSK_AWARD_LIFETIME_ACHIEVEMENT:
    return level == 0;
  case KIOSK_AWARD_NONE:
  case KIOSK_AWARD_PROMOTION:
    return 0;
  }
  return 0;
}

/* Whether (award, level) is a combination that exists at all. */
static int award_valid(enum kiosk_award award, unsigned level)
{
  switch (award) {
  case KIOSK_AWARD_DONOR_STAR:
  case KIOSK_AWARD_VOLUNTEER_STAR:
    return level >= 1 && level <= 5;
  case KIOSK_AWARD_VOLUNTEER_LIFETIME:
  case KIOSK_AWARD_LIFETIME_ACHIEVEMENT:
  case KIOSK_AWARD_PROMOTION:
    return level == 0;
  case KIOSK_AWARD_NONE:
    return 0;
  }
  return 0;
}

struct acc {
  uint64_t deny, staff, info;
};
#define DENY(a, r) ((a)->deny |= KIOSK_RBIT(r))
#define STAFF(a, r) ((a)->staff |= KIOSK_RBIT(r))
#define INFO(a, r) ((a)->info |= KIOSK_RBIT(r))

int kiosk_token_valid(const char *s, size_t max)
{
  if (!s)
    return 0;
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (n >= max || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return n > 0;
}

int kiosk_looks_like_citizen_id(const char *s)
{
  if (!s)
    return 0;
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    sum += (s[i] - '0') * w[i];
  }
  int check = (12 - sum % 11) % 11; /* 10 is written X */
  char want = check == 10 ? 'X' : (char)('0' + check);
  char got = s[17] == 'x' ? 'X' : s[17];
  return got == want && s[18] == '\0';
}

int kiosk_card_no_valid(const char *s)
{
  if (!s)
    return 0;
  size_t n = 0;
  for (; s[n]; n++)
    if (n >= KIOSK_CARD_NO_MAX ||
        !((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-'))
      return 0;
  return n > 0 && !kiosk_looks_like_citizen_id(s);
}

static void check_card(const struct kiosk_card_facts *c, struct acc *a)
{
  if (!kiosk_card_no_valid(c->card_no))
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
  if (!award_valid(c->award, c->award_level))
    DENY(a, AWARD_INVALID);
  else if (!kiosk_award_eligible(c->award, c->award_level))
    DENY(a, AWARD_NOT_ELIGIBLE);
}

static void check_revocation(const struct kiosk_policy *p, const struct kiosk_request *r,
                             struct acc *a, unsigned *flags)
{
  int stale;
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
  if (r->visit != KIOSK_VISIT_OUTPATIENT && r->visit != KIOSK_VISIT_INPATIENT)
    STAFF(a, VISIT_KIND_MISSING);
  /* A bill reference is a token, and never something shaped like an ID number. */
  if (!kiosk_token_valid(r->bill_ref, KIOSK_BILL_REF_MAX) ||
      kiosk_looks_like_citizen_id(r->bill_ref))
    STAFF(a, BILL_REF_MISSING);
  if (r->amount_fen <= 0 || r->amount_fen > p->cashier_max_fen)
    STAFF(a, AMOUNT_INVALID);
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

  int32_t today = kiosk_local_day(r->now, p->utc_offset_s);
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

  /* Staff actions are accountable: whoever confirms must be signed in. */
  if (r->staff && (!kiosk_token_valid(r->staff_id, KIOSK_STAFF_ID_MAX) ||
                   kiosk_looks_like_citizen_id(r->staff_id)))
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
