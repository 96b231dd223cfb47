/*
 * kiosk -> ui: the one place where kiosk's decision becomes the screen's view model.
 * The view model (ui/view.h) knows nothing of kiosk; this adapter knows both, and
 * decides nothing: it copies the verdict, turns every reason bit into a reason line
 * (deny reasons first, then staff, then information; kiosk's own zh-CN and English
 * texts, overridable by reason.<NAME> in the strings files; a DENY shows no staff
 * reasons: nothing is left for staff to do), and the staff reasons and
 * verdict flags into what the staff screens ask for (UI_NEED_*).
 *
 * The holder's name, ID and photo come from the card reader (cardio), already masked;
 * they are passed as plain strings. It lives in the program (terminal/) so that ui
 * depends on nobody and kiosk knows no screen.
 */
#ifndef TERM_UI_ADAPTER_H
#define TERM_UI_ADAPTER_H

#include "kiosk/decide.h"
#include "kiosk/terminal.h"
#include "ui/view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the card reader shows of the holder (any field may be NULL / 0). */
struct term_holder_view {
  const char *name_masked; /* 张*明, from the honour card */
  const char *id_masked;   /* 450902********1234 */
  const unsigned char *photo;
  size_t photo_len;
};

/*
 * Fill *out from one decision: mode of the terminal, the input it was decided on (card
 * facts, second credential, visit, bill, amount; may be NULL), the verdict, the holder
 * as read. seq is echoed in the staff's actions. decided_at_ns is stamped now.
 */
void term_view_from_kiosk(enum kiosk_mode mode, const struct kiosk_input *in,
                        const struct kiosk_verdict *verdict, const struct term_holder_view *holder,
                        uint32_t seq, struct ui_view *out);

/* The kiosk-side fields of the terminal status: journal records waiting for upload,
 * revocation list version and date. Banners, site and sync state are the caller's. */
void term_status_from_kiosk(const struct kiosk_terminal_status *ts, struct ui_status *st);

/* "award.DONOR_STAR" for an award value ("" when unknown). */
const char *term_award_key(int award);

#ifdef __cplusplus
}
#endif
#endif /* TERM_UI_ADAPTER_H */
