/*
 * kiosk decision engine: may this card have this exemption here, now?
 *
 * Pure C, no I/O, no clock, no allocation: everything the decision depends on comes in
 * through struct kiosk_request (the card's facts, the second credential, staff input,
 * the revocation lookup, the recent uses from the journal, whether the journal can be
 * written) and struct kiosk_policy (from the configuration). The result is one verdict
 * and EVERY reason behind it, as a bit set of stable reason codes with zh-CN and
 * English texts (kiosk_reason_*).
 *
 * The card's facts are kiosk's own struct: an adapter turns the honour card reader's
 * result (cardio) into it, so that this core stays free of cardio types.
 *
 * Verdicts:
 *   GRANT        the exemption is given; the terminal journals it.
 *   STAFF_CHECK  staff must act first (confirm the holder, accept a repeat, enter the
 *                bill, or override a journal outage); the reasons say what. The
 *                terminal asks, then decides again with the staff input filled in.
 *   DENY         no exemption; the reasons say why.
 * Rule of combination: any deny reason -> DENY; else any staff reason -> STAFF_CHECK;
 * else GRANT (info reasons never change the verdict).
 *
 * The regulation cases and their boundaries are in docs/kiosk.md, "Decision rules".
 */
#ifndef KIOSK_DECIDE_H
#define KIOSK_DECIDE_H

#include "common/award.h"
#include "kiosk/kiosk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------- card facts -- */

/* Award kinds: the vocabulary is common/award.h's one table (COMMON_AWARD_MAP: values,
 * tokens, names, levels, which carry the card). Values are stable (journal, card). */
enum kiosk_award {
#define KIOSK_X_AW(name, value, token, en, zh, lo, hi, card) KIOSK_AWARD_##name = (value),
  COMMON_AWARD_MAP(KIOSK_X_AW)
#undef KIOSK_X_AW
};

/* The outcome of one verification step done by the card reader. */
enum kiosk_check_state {
  KIOSK_CHECK_NOT_CHECKED = 0,
  KIOSK_CHECK_OK = 1,
  KIOSK_CHECK_FAILED = 2,
};

/* The verification steps, in the order they are reported. */
#define KIOSK_CHECK_MAP(X)                                                               \
  X(FORMAT, 0, "format")       /* card data well-formed, not altered (涂改) */           \
  X(CHAIN, 1, "chain")         /* issuer certificate chain to the trust anchor */        \
  X(SIGNATURE, 2, "signature") /* the station's signature over the card data */          \
  X(CARD_KEY, 3, "card_key")   /* the card proved its private key (not a copy) */       \
  X(VALIDITY, 4, "validity")   /* today within the card's own validity window */

enum kiosk_check {
#define KIOSK_X_CK(name, value, text) KIOSK_CHECK_##name = (value),
  KIOSK_CHECK_MAP(KIOSK_X_CK)
#undef KIOSK_X_CK
  KIOSK_CHECK_COUNT
};
const char *kiosk_check_name(int check);

/* Card numbers: the station's unified number (统一编号), 1..20 of [0-9A-Z-] (the honour
 * card's format, cardio/honour.h CARDIO_HC_CARDNO_MAX). */
#define KIOSK_CARD_NO_MAX 20u

struct kiosk_card_facts {
  char card_no[KIOSK_CARD_NO_MAX + 1];
  uint32_t generation; /* 0 for the first card; +1 for each reissue (补办) */
  enum kiosk_award award;
  unsigned award_level; /* stars 1..5 for DONOR_STAR and VOLUNTEER_STAR, else 0 */
  enum kiosk_check_state check[KIOSK_CHECK_COUNT];
};

/* ---------------------------------------------------------------- inputs -- */

/* The second credential: how the holder was matched to the card (computed by the
 * reader side; kiosk only sees the outcome). */
#define KIOSK_HOLDER_MAP(X)                                                              \
  X(NOT_PRESENTED, 0, "not_presented")                                                   \
  X(SSC_MATCHED, 1, "ssc_matched")           /* social security card read, matches */    \
  X(SSC_MISMATCHED, 2, "ssc_mismatched")                                                 \
  X(ID_TYPED_MATCHED, 3, "id_typed_matched") /* staff typed the ID number, matches */    \
  X(ID_TYPED_MISMATCHED, 4, "id_typed_mismatched")

enum kiosk_holder {
#define KIOSK_X_HO(name, value, text) KIOSK_HOLDER_##name = (value),
  KIOSK_HOLDER_MAP(KIOSK_X_HO)
#undef KIOSK_X_HO
};
const char *kiosk_holder_name(int holder);
int kiosk_holder_parse(const char *text, enum kiosk_holder *out);

/* What staff confirmed on the terminal (bits). Any of them needs a staff id. */
#define KIOSK_STAFF_HOLDER_CONFIRMED 0x1u /* compared ID card + photo with the holder */
#define KIOSK_STAFF_REPEAT_ACCEPTED 0x2u  /* accepted a repeat use at this gate */
#define KIOSK_STAFF_OVERRIDE 0x4u         /* grant although the journal is down */
#define KIOSK_STAFF_REFUSED 0x8u          /* staff refused: not the holder, or not let in */

/* Revocation lookup (kiosk/revoke.h fills it). */
enum kiosk_rev_status {
  KIOSK_REV_NO_LIST = 0, /* no list loaded: treated as infinitely stale */
  KIOSK_REV_NOT_LISTED = 1,
  KIOSK_REV_REVOKED = 2,
};
struct kiosk_rev_lookup {
  enum kiosk_rev_status status;
  int64_t issued_at; /* the list's issue time (Unix seconds) */
  uint64_t version;
};

/* Recent uses of this card here (kiosk/journal.h fills it): granted uses at this site
 * (and vehicle, for buses) inside the repeat window. */
struct kiosk_recent {
  int known;          /* 0: the journal could not be read */
  uint32_t count;     /* granted uses found */
  int64_t last_time;  /* time of the latest one (Unix seconds), when count > 0 */
};

enum kiosk_visit {
  KIOSK_VISIT_NONE = 0,
  KIOSK_VISIT_OUTPATIENT = 1, /* 门诊 */
  KIOSK_VISIT_INPATIENT = 2,  /* 住院 */
  KIOSK_VISIT_EMERGENCY = 3,  /* 急诊 (where the hospital's tariff has it) */
};

#define KIOSK_BILL_REF_MAX 63u
#define KIOSK_STAFF_ID_MAX 31u

/* An earlier waiver of the same bill at the same hospital that is not voided: found in
 * this terminal's journal (kiosk/bills.h) or by the centre's bill check across the
 * hospital's terminals. Its seq and time are the earlier waiver's, for the screen. */
enum kiosk_bill_where {
  KIOSK_BILL_NONE = 0,
  KIOSK_BILL_HERE = 1,   /* this terminal's journal */
  KIOSK_BILL_CENTRE = 2, /* the centre: another terminal of the hospital */
};
struct kiosk_bill_prior {
  enum kiosk_bill_where where;
  uint64_t seq;      /* the earlier waiver's journal seq (at its terminal) */
  int64_t time;      /* Unix seconds */
  char terminal[65]; /* the centre's answer: which terminal ("" when here) */
};

struct kiosk_request {
  const struct kiosk_card_facts *card;
  enum kiosk_mode mode;
  unsigned site_modes;  /* KIOSK_MODE_BIT()s the site allows (kiosk_site.modes) */
  int64_t now;          /* Unix seconds */
  enum kiosk_holder holder;
  unsigned staff;       /* KIOSK_STAFF_* */
  const char *staff_id; /* NULL or "" when nobody confirmed anything */
  struct kiosk_rev_lookup revocation;
  struct kiosk_recent recent;
  /* cashier */
  enum kiosk_visit visit;
  const char *bill_ref; /* the hospital's bill or visit number */
  int64_t amount_fen;   /* consultation fee waived, in fen: exactly the tariff's */
  int64_t tariff_fen;   /* the hospital's tariff for visit today (kiosk/tariff.h); 0: none */
  struct kiosk_bill_prior bill_prior; /* an earlier waiver of bill_ref, if any */
  /* journal state */
  int journal_writable;     /* 0: the last append failed or the db is read-only */
  int override_queue_room;  /* 1: a staff override can still be queued */
  /* 1: the terminal's clock is before its floor or behind its journal (kiosk/terminal.h);
   * now is then the last trusted time, not the clock's */
  int clock_suspect;
  /* 1: a bus whose vehicle (or configured route) the registry in force does not hold yet
   * (kiosk_config.registry_wait): nothing is decided until the centre's registry does */
  int registry_wait;
};

/* Policy from the configuration (kiosk/config.h). */
enum kiosk_stale_action {
  KIOSK_STALE_WARN = 1,  /* grant, with the REVLIST_STALE_WARN reason and the flag */
  KIOSK_STALE_DENY = 2,  /* deny */
  KIOSK_STALE_STAFF = 3, /* staff decide: a staff reason, lifted by KIOSK_STAFF_OVERRIDE */
};
struct kiosk_policy {
  int32_t start_day;     /* first local day of the scheme (days since 1970-01-01) */
  int32_t end_day;       /* first local day NO LONGER in the scheme (exclusive) */
  int32_t utc_offset_s;  /* local time = UTC + utc_offset_s (Yulin: 8 h) */
  uint32_t gate_repeat_s;     /* same card, same gate site within this: staff check */
  uint32_t bus_repeat_s;      /* same card, same vehicle within this: deny */
  uint32_t revlist_max_age_s; /* list older than this is stale */
  enum kiosk_stale_action stale;
  /* A terminal that has never had a list at all (REVLIST_NEVER): the configuration sets
   * it per mode (docs/kiosk.md: bus deny, gate and cashier staff, station warn); 0 keeps
   * the old rule, where no list is a stale list (REVLIST_MISSING + the stale action). */
  enum kiosk_stale_action never;
  /* A sanity bound on the tariff's fee: a tariff item above it is refused
   * (AMOUNT_INVALID), whatever the signed document says. */
  int64_t cashier_max_fen;
};

/* ---------------------------------------------------------------- output -- */

/*
 * Reasons: name, bit, English, Chinese. The bit numbers are stored in the journal and
 * the centre reads them: never renumber, only append.
 */
#define KIOSK_REASON_MAP(X)                                                                 \
  X(CARD_NO_INVALID, 0, "card number malformed", "卡号无效")        \
  X(AWARD_NOT_ELIGIBLE, 1, "this award does not carry the three exemptions",                \
    "该奖项不享受“三免”待遇")                                                              \
  X(AWARD_INVALID, 2, "unknown award or star level on the card", "卡内奖项或星级无效")      \
  X(FORMAT_FAILED, 3, "card data malformed or altered", "卡内数据格式错误或被涂改")          \
  X(CHAIN_FAILED, 4, "issuer certificate chain not trusted", "发卡证书链校验失败")          \
  X(SIGNATURE_FAILED, 5, "signature over the card data is wrong", "卡内数据签名校验失败")   \
  X(CARD_KEY_FAILED, 6, "card failed its key check (possible copy)",                        \
    "卡片密钥校验失败（疑似复制卡）")                                                      \
  X(VALIDITY_FAILED, 7, "card outside its validity period", "卡片不在有效期内")              \
  X(FORMAT_NOT_CHECKED, 8, "card format not checked", "卡内数据格式未校验")                 \
  X(CHAIN_NOT_CHECKED, 9, "certificate chain not checked", "发卡证书链未校验")              \
  X(SIGNATURE_NOT_CHECKED, 10, "card signature not checked", "卡内数据签名未校验")          \
  X(CARD_KEY_NOT_CHECKED, 11, "card key not checked", "卡片密钥未校验")                     \
  X(VALIDITY_NOT_CHECKED, 12, "card validity period not checked", "卡片有效期未校验")       \
  X(POLICY_NOT_STARTED, 13, "the award scheme is not yet in force", "奖励政策尚未施行")     \
  X(POLICY_ENDED, 14, "the award scheme has expired", "奖励政策已过有效期")                 \
  X(CARD_REVOKED, 15, "card revoked (lost, reissued, altered or lent)",                     \
    "卡片已注销（挂失、补办、涂改或转借）")                                                 \
  X(REVLIST_STALE, 16, "revocation list too old: cannot grant", "注销名单过期，不能免费")   \
  X(REVLIST_STALE_WARN, 17, "revocation list too old: update it soon",                      \
    "注销名单过期，请尽快更新")                                                             \
  X(REVLIST_MISSING, 18, "no revocation list loaded", "未加载注销名单")                     \
  X(MODE_NOT_ALLOWED, 19, "this exemption is not offered at this site",                     \
    "本场所不提供该项免费")                                                                 \
  X(HOLDER_CONFIRM_NEEDED, 20, "staff: compare the holder with the ID card and the photo",  \
    "工作人员：请核对身份证、照片与持卡人本人")                                             \
  X(HOLDER_CREDENTIAL_NEEDED, 21, "read the holder's social security card or type the ID number", \
    "请读取本人社保卡或录入身份证号码")                                                     \
  X(HOLDER_MISMATCH, 22, "the second credential does not match the card holder",            \
    "社保卡或身份证与持卡人不一致")                                                         \
  X(HOLDER_CONFIRMED, 23, "staff confirmed the holder", "工作人员已核对持卡人")             \
  X(HOLDER_MATCHED, 24, "holder matched by social security card or ID number",             \
    "社保卡或身份证与持卡人一致")                                                           \
  X(REPEAT_AT_GATE, 25, "card already used at this site recently: possible lending",        \
    "该卡近期已在本场所使用，疑似转借，请核实")                                             \
  X(REPEAT_ACCEPTED, 26, "staff accepted the repeat use", "工作人员已确认重复使用")          \
  X(REPEAT_ON_VEHICLE, 27, "card already used on this bus recently", "该卡近期已在本车使用") \
  X(RECENT_UNKNOWN, 28, "recent uses of this card cannot be read", "无法查询该卡近期使用记录") \
  X(VISIT_KIND_MISSING, 29, "choose outpatient or inpatient", "请选择门诊或住院")           \
  X(BILL_REF_MISSING, 30, "enter the bill or visit number", "请录入票据号或就诊号")         \
  X(AMOUNT_INVALID, 31, "consultation fee amount out of range", "诊查费金额无效")           \
  X(JOURNAL_UNAVAILABLE, 32, "the audit journal cannot be written",                         \
    "审计日志无法写入")                                                                     \
  X(STAFF_OVERRIDE, 33, "granted by staff override; recorded when the journal is back",     \
    "工作人员人工放行，日志恢复后补记")                                                     \
  X(OVERRIDE_QUEUE_FULL, 34, "too many overrides waiting for the journal",                  \
    "待补记的人工放行记录已满")                                                             \
  X(STAFF_ID_MISSING, 35, "staff must sign in to confirm", "工作人员须登录后确认")          \
  X(STATION_CHECK_ONLY, 36, "blood station check: nothing is waived here",                  \
    "血站查验：本处不免除费用")                                                             \
  X(CLOCK_SUSPECT, 37,                                                                      \
    "terminal clock cannot be trusted: staff decide; the last trusted time is recorded",    \
    "终端时钟不可信：由工作人员决定，记录最后可信时间")                                    \
  X(STAFF_REFUSED, 38, "refused by staff at the check", "工作人员核对后拒绝")               \
  X(REVLIST_NEVER, 39,                                                                      \
    "this terminal has never had a revocation list: revoked cards cannot be told apart",    \
    "本机从未取得注销名单，无法识别已注销的卡")                                            \
  X(TARIFF_MISSING, 40,                                                                     \
    "no tariff in force for this visit kind today: nothing can be waived",                  \
    "本院今日无该就诊类别的诊查费标准，不能免除")                                          \
  X(AMOUNT_NOT_TARIFF, 41, "the amount is not the tariff's consultation fee",               \
    "金额与本院诊查费标准不符")                                                            \
  X(BILL_ALREADY_WAIVED, 42, "this bill's consultation fee was already waived",             \
    "该票据的诊查费已免除过，不能重复免除")                                                \
  X(REGISTRY_WAIT, 43,                                                                      \
    "this bus is not in the registry in force yet: waiting for the centre's registry",      \
    "本车尚未列入现行登记信息：等待中心下发登记信息")

enum kiosk_reason {
#define KIOSK_X_RS(name, bit, en, zh) KIOSK_R_##name = (bit),
  KIOSK_REASON_MAP(KIOSK_X_RS)
#undef KIOSK_X_RS
  KIOSK_R_COUNT
};
#define KIOSK_RBIT(r) (UINT64_C(1) << (unsigned)(KIOSK_R_##r))

const char *kiosk_reason_name(int reason);  /* "REVLIST_STALE"; NULL when unknown */
const char *kiosk_reason_en(int reason);
const char *kiosk_reason_zh(int reason);
/* Parse a reason name ("CARD_REVOKED"); KIOSK_E_NOT_FOUND otherwise. */
int kiosk_reason_parse(const char *name, enum kiosk_reason *out);

#define KIOSK_VERDICT_MAP(X)                                                             \
  X(DENY, 0, "DENY")                                                                     \
  X(GRANT, 1, "GRANT")                                                                   \
  X(STAFF_CHECK, 2, "STAFF_CHECK")

enum kiosk_verdict_kind {
#define KIOSK_X_VK(name, value, text) KIOSK_VERDICT_##name = (value),
  KIOSK_VERDICT_MAP(KIOSK_X_VK)
#undef KIOSK_X_VK
};
const char *kiosk_verdict_name(int verdict);
int kiosk_verdict_parse(const char *text, enum kiosk_verdict_kind *out);

/* Flags for the screen. */
#define KIOSK_VF_REVLIST_STALE 0x1u    /* show "revocation list out of date" */
#define KIOSK_VF_OVERRIDE_OFFERED 0x2u /* the journal is down: offer the override button */
#define KIOSK_VF_OVERRIDE_USED 0x4u    /* granted by override: queued for the journal */

struct kiosk_verdict {
  enum kiosk_verdict_kind verdict;
  uint64_t reasons; /* KIOSK_RBIT()s: every reason, deny, staff and info alike */
  uint64_t deny;    /* the subset that forces DENY */
  uint64_t staff;   /* the subset that asks staff to act */
  unsigned flags;   /* KIOSK_VF_* */
};

/*
 * Decide. Never fails on a well-formed call: every problem with the request's content
 * becomes a reason. Returns KIOSK_E_INVALID_ARG only for NULL pointers or a card
 * pointer missing (then *out is a DENY with no reasons).
 */
int kiosk_decide(const struct kiosk_policy *policy, const struct kiosk_request *req,
                 struct kiosk_verdict *out);

/*
 * The rules themselves are common's: a card number is accepted only with the right
 * ISO 7064 MOD 97-10 check digits (common_cardno_valid, common/cardno.h); tokens are
 * common_token_valid (common/token.h); "shaped like a citizen ID" is common_id_shaped
 * (common/idno.h); whether an award carries the card is common_award_carries_card and
 * its names are common_award_info (common/award.h); dates are common/date.h's.
 */

/* Parse "YYYY-MM-DD" strictly (common_date_parse) within the terminal's range,
 * 1970-01-01..2999-12-31. KIOSK_E_SYNTAX for the shape, KIOSK_E_RANGE otherwise. */
int kiosk_parse_date(const char *s, int32_t *day);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_DECIDE_H */
