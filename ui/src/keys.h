/*
 * The strings keys the screens use (private). Each key is an enum value so that the
 * painter cannot ask for a key that is not in the list; ui_strings_check() verifies
 * that a strings file has every one of them.
 */
#ifndef UI_KEYS_H
#define UI_KEYS_H

#include "ui/view.h"

#define UI_KEY_MAP(X) \
  X(APP_TITLE, "app.title") \
  X(APP_WINDOW, "app.window") \
  X(LANG_SWITCH, "lang.switch") \
  X(KEY_ENTER, "key.enter") \
  X(KEY_ESC, "key.esc") \
  X(MODE_GATE, "mode.gate") \
  X(MODE_CASHIER, "mode.cashier") \
  X(MODE_BUS, "mode.bus") \
  X(MODE_STATION, "mode.station") \
  X(IDLE_PROMPT, "idle.prompt") \
  X(IDLE_BUS_PROMPT, "idle.bus.prompt") \
  X(IDLE_GATE_STEP1, "idle.gate.step1") \
  X(IDLE_GATE_STEP2, "idle.gate.step2") \
  X(IDLE_GATE_STEP3, "idle.gate.step3") \
  X(IDLE_CASHIER_STEP1, "idle.cashier.step1") \
  X(IDLE_CASHIER_STEP2, "idle.cashier.step2") \
  X(IDLE_CASHIER_STEP3, "idle.cashier.step3") \
  X(IDLE_BUS_STEP1, "idle.bus.step1") \
  X(IDLE_STATION_STEP1, "idle.station.step1") \
  X(IDLE_STATION_STEP2, "idle.station.step2") \
  X(IDLE_FOOTER, "idle.footer") \
  X(READING_TITLE, "reading.title") \
  X(READING_HINT, "reading.hint") \
  X(AGAIN_TITLE, "again.title") \
  X(AGAIN_HINT, "again.hint") \
  X(ERROR_READ, "error.read") \
  X(VERDICT_GATE_GRANT, "verdict.gate.grant") \
  X(VERDICT_GATE_DENY, "verdict.gate.deny") \
  X(VERDICT_CASHIER_GRANT, "verdict.cashier.grant") \
  X(VERDICT_CASHIER_DENY, "verdict.cashier.deny") \
  X(VERDICT_BUS_GRANT, "verdict.bus.grant") \
  X(VERDICT_BUS_DENY, "verdict.bus.deny") \
  X(VERDICT_STATION_GRANT, "verdict.station.grant") \
  X(VERDICT_STATION_DENY, "verdict.station.deny") \
  X(VERDICT_STAFF, "verdict.staff") \
  X(VERDICT_ERROR, "verdict.error") \
  X(VERDICT_GRANT_SUB, "verdict.grant.sub") \
  X(VERDICT_DENY_SUB, "verdict.deny.sub") \
  X(VERDICT_STAFF_SUB, "verdict.staff.sub") \
  X(VERDICT_ERROR_SUB, "verdict.error.sub") \
  X(VERDICT_OVERRIDE, "verdict.override") \
  X(VERDICT_MORE, "verdict.more") \
  X(VERDICT_COUNTDOWN, "verdict.countdown") \
  X(HOLDER_TITLE, "holder.title") \
  X(HOLDER_HINT, "holder.hint") \
  X(HOLDER_NAME, "holder.name") \
  X(HOLDER_ID, "holder.id") \
  X(HOLDER_AWARD, "holder.award") \
  X(HOLDER_CARD_NO, "holder.card_no") \
  X(HOLDER_NO_PHOTO, "holder.no_photo") \
  X(HOLDER_CONFIRM, "holder.confirm") \
  X(HOLDER_REFUSE, "holder.refuse") \
  X(HOLDER_REPEAT_ACCEPT, "holder.repeat_accept") \
  X(HOLDER_OVERRIDE, "holder.override") \
  X(CASHIER_TITLE, "cashier.title") \
  X(CASHIER_SSC_PROMPT, "cashier.ssc_prompt") \
  X(CASHIER_VISIT, "cashier.visit") \
  X(CASHIER_OUTPATIENT, "cashier.outpatient") \
  X(CASHIER_INPATIENT, "cashier.inpatient") \
  X(CASHIER_VISIT_HINT, "cashier.visit_hint") \
  X(CASHIER_BILL, "cashier.bill") \
  X(CASHIER_BILL_HINT, "cashier.bill_hint") \
  X(CASHIER_BILL_NONE, "cashier.bill_none") \
  X(CASHIER_FEE, "cashier.fee") \
  X(CASHIER_FEE_UNKNOWN, "cashier.fee_unknown") \
  X(CASHIER_AMOUNT, "cashier.amount") \
  X(CASHIER_CREDENTIAL, "cashier.credential") \
  X(CASHIER_CRED_WAITING, "cashier.cred.waiting") \
  X(CASHIER_CRED_SSC_MATCHED, "cashier.cred.ssc_matched") \
  X(CASHIER_CRED_SSC_MISMATCHED, "cashier.cred.ssc_mismatched") \
  X(CASHIER_CRED_ID_MATCHED, "cashier.cred.id_matched") \
  X(CASHIER_CRED_ID_MISMATCHED, "cashier.cred.id_mismatched") \
  X(CASHIER_ID_LABEL, "cashier.id_label") \
  X(CASHIER_ID_KEY_HINT, "cashier.id_key_hint") \
  X(CASHIER_ID_HINT, "cashier.id_hint") \
  X(CASHIER_ID_SHORT, "cashier.id_short") \
  X(CASHIER_ID_BAD, "cashier.id_bad") \
  X(CASHIER_BILL_IS_ID, "cashier.bill_is_id") \
  X(CASHIER_EMERGENCY, "cashier.emergency") \
  X(REQUEST_TITLE, "request.title") \
  X(REQUEST_NUMBER, "request.number") \
  X(REQUEST_ITEM, "request.item") \
  X(REQUEST_ITEM_CONSULTATION, "request.item.consultation") \
  X(REQUEST_AMOUNT, "request.amount") \
  X(REQUEST_NO_TARIFF, "request.no_tariff") \
  X(REQUEST_STEP, "request.step") \
  X(REQUEST_CANCEL_HINT, "request.cancel_hint") \
  X(REQUEST_WITHDRAWN, "request.withdrawn") \
  X(REQUEST_WITHDRAWN_HINT, "request.withdrawn_hint") \
  X(VERDICT_WAIVER_ID, "verdict.waiver_id") \
  X(PIN_TITLE, "pin.title") \
  X(PIN_PROMPT, "pin.prompt") \
  X(PIN_PROMPT_ID, "pin.prompt_id") \
  X(PIN_WRONG, "pin.wrong") \
  X(PIN_LOCKED, "pin.locked") \
  X(PIN_SHORT, "pin.short") \
  X(PIN_CLOSED, "pin.closed") \
  X(PIN_DELETE, "pin.delete") \
  X(PIN_OK, "pin.ok") \
  X(PIN_CANCEL, "pin.cancel") \
  X(STAFF_TITLE, "staff.title") \
  X(STAFF_SITE, "staff.site") \
  X(STAFF_TERMINAL, "staff.terminal") \
  X(STAFF_MODE, "staff.mode") \
  X(STAFF_READER, "staff.reader") \
  X(STAFF_READER_MISSING, "staff.reader.missing") \
  X(STAFF_READER_READY, "staff.reader.ready") \
  X(STAFF_READER_CARD, "staff.reader.card") \
  X(STAFF_READER_ERROR, "staff.reader.error") \
  X(STAFF_SYNC, "staff.sync") \
  X(STAFF_SYNC_NEVER, "staff.sync.never") \
  X(STAFF_SYNC_ONLINE, "staff.sync.online") \
  X(STAFF_SYNC_OFFLINE, "staff.sync.offline") \
  X(STAFF_SYNC_SYNCING, "staff.sync.syncing") \
  X(STAFF_LAST_SYNC, "staff.last_sync") \
  X(STAFF_NEVER, "staff.never") \
  X(STAFF_AGO, "staff.ago") \
  X(STAFF_QUEUE, "staff.queue") \
  X(STAFF_QUEUE_VALUE, "staff.queue.value") \
  X(STAFF_REVLIST, "staff.revlist") \
  X(STAFF_REVLIST_NONE, "staff.revlist.none") \
  X(STAFF_REVLIST_VALUE, "staff.revlist.value") \
  X(STAFF_JOURNAL, "staff.journal") \
  X(STAFF_JOURNAL_VALUE, "staff.journal.value") \
  X(STAFF_RECORDS, "staff.records") \
  X(STAFF_VERSION, "staff.version") \
  X(STAFF_BTN_TONE, "staff.btn.tone") \
  X(STAFF_BTN_LOGOUT, "staff.btn.logout") \
  X(AGE_SECONDS, "age.seconds") \
  X(AGE_MINUTES, "age.minutes") \
  X(AGE_HOURS, "age.hours") \
  X(AGE_DAYS, "age.days") \
  X(BANNER_OFFLINE, "banner.offline") \
  X(BANNER_REVLIST_STALE, "banner.revlist_stale") \
  X(BANNER_NO_READER, "banner.no_reader") \
  X(BANNER_CLOCK_SUSPECT, "banner.clock_suspect") \
  X(BANNER_GATE_FAULT, "banner.gate_fault") \
  X(BANNER_REGISTRY_WAIT, "banner.registry_wait") \
  X(WARN_RETURNING, "warn.returning") \
  X(STATUS_NOBODY, "status.nobody") \
  X(STATUS_SIGN_OUT, "status.sign_out") \
  X(STATUS_NEVER_SYNCED, "status.never_synced") \
  X(STATUS_OFFLINE_DAY, "status.offline_day") \
  X(STATUS_OFFLINE_DAYS, "status.offline_days") \
  X(STATUS_QUEUE, "status.queue") \
  X(STATUS_LIST, "status.list") \
  X(STATUS_LIST_NONE, "status.list_none") \
  X(STATUS_DOC_ROSTER, "status.doc.roster") \
  X(STATUS_DOC_TARIFF, "status.doc.tariff") \
  X(STATUS_DOC_CONFIG, "status.doc.config") \
  X(STATUS_DOC_TRUST, "status.doc.trust") \
  X(STATUS_DOC_REGISTRY, "status.doc.registry") \
  X(SPEECH_REPEAT, "speech.repeat") \
  X(SPEECH_QUIETER, "speech.quieter") \
  X(SPEECH_LOUDER, "speech.louder") \
  X(STATION_ACTION_ISSUE, "station.action.issue") \
  X(STATION_ACTION_REISSUE, "station.action.reissue") \
  X(STATION_ACTION_REVOKE, "station.action.revoke") \
  X(STATION_ACTION_REVOKE_NOTE, "station.action.revoke_note") \
  X(STATION_CONFIRM, "station.confirm") \
  X(STATION_CANCEL, "station.cancel") \
  X(STATION_PAGE, "station.page") \
  X(STATION_EMPTY, "station.empty") \
  X(STATION_HINT, "station.hint")

enum ui_key {
#define UI_X_KEY(name, text) UI_K_##name,
  UI_KEY_MAP(UI_X_KEY)
#undef UI_X_KEY
  UI_K_COUNT
};

/* The key's text ("idle.prompt"). */
const char *ui_key_text(enum ui_key k);

/* The headline and the line under it for a verdict (the screen and the speech say the
 * same words). */
static inline enum ui_key ui_key_headline(enum ui_mode m, enum ui_verdict v)
{
  if (v == UI_VERDICT_STAFF_CHECK)
    return UI_K_VERDICT_STAFF;
  if (v == UI_VERDICT_ERROR)
    return UI_K_VERDICT_ERROR;
  int g = v == UI_VERDICT_GRANT;
  switch (m) {
  case UI_MODE_CASHIER:
    return g ? UI_K_VERDICT_CASHIER_GRANT : UI_K_VERDICT_CASHIER_DENY;
  case UI_MODE_BUS:
    return g ? UI_K_VERDICT_BUS_GRANT : UI_K_VERDICT_BUS_DENY;
  case UI_MODE_STATION:
    return g ? UI_K_VERDICT_STATION_GRANT : UI_K_VERDICT_STATION_DENY;
  case UI_MODE_GATE:
  default:
    return g ? UI_K_VERDICT_GATE_GRANT : UI_K_VERDICT_GATE_DENY;
  }
}

static inline enum ui_key ui_key_verdict_sub(enum ui_verdict v)
{
  switch (v) {
  case UI_VERDICT_GRANT:
    return UI_K_VERDICT_GRANT_SUB;
  case UI_VERDICT_DENY:
    return UI_K_VERDICT_DENY_SUB;
  case UI_VERDICT_STAFF_CHECK:
    return UI_K_VERDICT_STAFF_SUB;
  case UI_VERDICT_ERROR:
  default:
    return UI_K_VERDICT_ERROR_SUB;
  }
}

#endif
