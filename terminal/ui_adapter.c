/* kiosk decision -> ui view (ui_adapter.h). */
#include <stdio.h>
#include <string.h>

#include <common/award.h>

#include "ui_adapter.h"
#include "ui/ui.h"

const char *term_award_key(int award)
{
  switch (award) {
#define TERM_X_AWK(name, value, token, en, zh, lo, hi, card)                             \
  case (value):                                                                          \
    return (value) == COMMON_AWARD_NONE ? "" : "award." #name;
    COMMON_AWARD_MAP(TERM_X_AWK)
#undef TERM_X_AWK
  }
  return "";
}

/* Information for staff, not for the public: the list's age, checks not run, the
 * journal. The public screens and the speech leave these out (ui/view.h
 * reason_staff); the staff screens show them. */
#define TERM_STAFF_INFO                                                                  \
  (KIOSK_RBIT(REVLIST_STALE_WARN) | KIOSK_RBIT(FORMAT_NOT_CHECKED) |                    \
   KIOSK_RBIT(CHAIN_NOT_CHECKED) | KIOSK_RBIT(SIGNATURE_NOT_CHECKED) |                  \
   KIOSK_RBIT(CARD_KEY_NOT_CHECKED) | KIOSK_RBIT(VALIDITY_NOT_CHECKED) |                \
   KIOSK_RBIT(RECENT_UNKNOWN) | KIOSK_RBIT(OVERRIDE_QUEUE_FULL))

static void add_reasons(struct ui_view *v, uint64_t bits, int alert, uint64_t staff_only)
{
  for (int r = 0; r < KIOSK_R_COUNT; r++) {
    if (!(bits & (UINT64_C(1) << (unsigned)r)))
      continue;
    char key[UI_KEY_MAX];
    snprintf(key, sizeof key, "reason.%s", kiosk_reason_name(r));
    if (alert && v->nreasons < UI_REASONS_MAX)
      v->reason_alert |= 1u << v->nreasons;
    if ((staff_only & (UINT64_C(1) << (unsigned)r)) && v->nreasons < UI_REASONS_MAX)
      v->reason_staff |= 1u << v->nreasons;
    ui_view_add_reason(v, key, kiosk_reason_zh(r), kiosk_reason_en(r));
  }
}

static enum ui_credential credential(enum kiosk_holder h)
{
  switch (h) {
  case KIOSK_HOLDER_SSC_MATCHED:
    return UI_CREDENTIAL_SSC_MATCHED;
  case KIOSK_HOLDER_SSC_MISMATCHED:
    return UI_CREDENTIAL_SSC_MISMATCHED;
  case KIOSK_HOLDER_ID_TYPED_MATCHED:
    return UI_CREDENTIAL_ID_MATCHED;
  case KIOSK_HOLDER_ID_TYPED_MISMATCHED:
    return UI_CREDENTIAL_ID_MISMATCHED;
  case KIOSK_HOLDER_NOT_PRESENTED:
  default:
    return UI_CREDENTIAL_WAITING;
  }
}

void term_view_from_kiosk(enum kiosk_mode mode, const struct kiosk_input *in,
                        const struct kiosk_verdict *verdict, const struct term_holder_view *holder,
                        uint32_t seq, struct ui_view *out)
{
  if (!out)
    return;
  enum ui_verdict vk = UI_VERDICT_ERROR;
  if (verdict) {
    switch (verdict->verdict) {
    case KIOSK_VERDICT_GRANT:
      vk = UI_VERDICT_GRANT;
      break;
    case KIOSK_VERDICT_DENY:
      vk = UI_VERDICT_DENY;
      break;
    case KIOSK_VERDICT_STAFF_CHECK:
      vk = UI_VERDICT_STAFF_CHECK;
      break;
    }
  }
  ui_view_init(out, (enum ui_mode)mode, vk);
  out->seq = seq;
  if (verdict) {
    uint64_t info = verdict->reasons & ~(verdict->deny | verdict->staff);
    /* On a DENY the staff reasons ask for something that no longer matters (confirm
     * the holder of a revoked card, type a bill that will not be waived): the screen
     * shows why it is refused, not a task. They stay in the verdict (journal, log). */
    uint64_t st = verdict->verdict == KIOSK_VERDICT_DENY ? 0 : verdict->staff;
    add_reasons(out, verdict->deny, 1, 0);
    add_reasons(out, st & ~verdict->deny, 1, UINT64_MAX); /* tasks for staff */
    add_reasons(out, info, 0, TERM_STAFF_INFO);
    if (st & KIOSK_RBIT(HOLDER_CONFIRM_NEEDED))
      out->needs |= UI_NEED_HOLDER_CONFIRM;
    if (st & (KIOSK_RBIT(HOLDER_CREDENTIAL_NEEDED) | KIOSK_RBIT(HOLDER_MISMATCH)))
      out->needs |= UI_NEED_CREDENTIAL;
    if (st & KIOSK_RBIT(VISIT_KIND_MISSING))
      out->needs |= UI_NEED_VISIT;
    if (st & KIOSK_RBIT(BILL_REF_MISSING))
      out->needs |= UI_NEED_BILL;
    if (st & KIOSK_RBIT(REPEAT_AT_GATE))
      out->needs |= UI_NEED_REPEAT_ACCEPT;
    if (st & KIOSK_RBIT(STAFF_ID_MISSING))
      out->needs |= UI_NEED_STAFF_LOGIN;
    if (verdict->flags & KIOSK_VF_OVERRIDE_OFFERED)
      out->needs |= UI_OFFER_OVERRIDE;
    if (verdict->flags & KIOSK_VF_REVLIST_STALE)
      out->flags |= UI_VIEW_REVLIST_STALE;
    if (verdict->flags & KIOSK_VF_OVERRIDE_USED)
      out->flags |= UI_VIEW_OVERRIDE_USED;
  }
  if (in && in->card) {
    const struct kiosk_card_facts *c = in->card;
    out->has_holder = 1;
    /* the station's unified number, shown as it is printed (bounded copy: the field
     * need not be terminated when full) */
    size_t n = strnlen(c->card_no, sizeof c->card_no);
    if (n >= sizeof out->holder.card_no)
      n = sizeof out->holder.card_no - 1;
    memcpy(out->holder.card_no, c->card_no, n);
    out->holder.card_no[n] = '\0';
    const struct common_award_info *aw = common_award_info((int)c->award);
    ui_text_set(&out->holder.award, term_award_key((int)c->award), aw ? aw->zh : "",
                aw ? aw->en : "");
    if (common_award_has_stars((int)c->award))
      out->holder.award_stars = c->award_level <= 5 ? c->award_level : 5;
  }
  if (holder) {
    out->has_holder = 1;
    if (holder->name_masked)
      snprintf(out->holder.name_masked, sizeof out->holder.name_masked, "%s", holder->name_masked);
    if (holder->id_masked)
      snprintf(out->holder.id_masked, sizeof out->holder.id_masked, "%s", holder->id_masked);
    out->holder.photo = holder->photo;
    out->holder.photo_len = holder->photo ? holder->photo_len : 0;
  }
  if (in) {
    out->cashier.credential = credential(in->holder);
    out->cashier.visit = in->visit == KIOSK_VISIT_OUTPATIENT  ? UI_VISIT_OUTPATIENT
                         : in->visit == KIOSK_VISIT_INPATIENT ? UI_VISIT_INPATIENT
                                                              : UI_VISIT_NONE;
    if (in->bill_ref)
      snprintf(out->cashier.bill_ref, sizeof out->cashier.bill_ref, "%s", in->bill_ref);
    if (mode == KIOSK_MODE_CASHIER && in->amount_fen >= 0)
      out->cashier.fee_fen = in->amount_fen;
  }
  /* ui_post_view and the canvas check the masking (ui_view_sanitize) and log it */
  out->decided_at_ns = ui_monotonic_ns();
}

void term_status_from_kiosk(const struct kiosk_terminal_status *ts, struct ui_status *st)
{
  if (!ts || !st)
    return;
  st->queue_depth = (uint32_t)(ts->unsent > UINT32_MAX ? UINT32_MAX : ts->unsent);
  st->revlist_version = ts->revlist_version;
  st->revlist_issued_at = ts->revlist_issued_at;
  st->journal_records = (uint32_t)(ts->last_seq > UINT32_MAX ? UINT32_MAX : ts->last_seq);
  if (ts->clock_suspect)
    st->banners |= UI_BANNER_CLOCK_SUSPECT; /* until a decision finds the clock good */
}
