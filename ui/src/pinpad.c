/* The staff PIN entry and its lockout (pinpad.h). */
#include <string.h>

#include "pinpad.h"
#include "ui/pin.h"

void ui_pinpad_clear(struct ui_pinpad *pad)
{
  memset(pad->pin, 0, sizeof pad->pin);
  pad->len = 0;
}

void ui_pinpad_reset(struct ui_pinpad *pad)
{
  ui_pinpad_clear(pad);
  memset(pad->id, 0, sizeof pad->id);
  pad->id_len = 0;
  pad->id_step = 0;
  pad->msg = NULL;
}

void ui_pinpad_open(struct ui_pinpad *pad, const struct ui_config *cfg)
{
  ui_pinpad_reset(pad);
  pad->by_id = cfg->sign_in && cfg->sign_in_by_id && cfg->sign_in_by_id(cfg->user) == 1;
  pad->id_step = pad->by_id;
  pad->msg = pad->by_id || cfg->pin_check || cfg->pin_hash ? NULL : "pin.closed";
}

void ui_pinpad_id_char(struct ui_pinpad *pad, int ch)
{
  int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '_' || ch == '-';
  if (ok && pad->id_len < UI_STAFF_ID_LEN_MAX) {
    pad->id[pad->id_len++] = (char)ch;
    pad->id[pad->id_len] = '\0';
  }
  pad->msg = NULL;
}

void ui_pinpad_id_delete(struct ui_pinpad *pad)
{
  if (pad->id_len)
    pad->id[--pad->id_len] = '\0';
}

void ui_pinpad_digit(struct ui_pinpad *pad, int digit)
{
  if (pad->len < UI_PIN_LEN_MAX) {
    pad->pin[pad->len++] = (char)('0' + digit);
    pad->pin[pad->len] = '\0';
  }
  pad->msg = NULL;
}

void ui_pinpad_delete(struct ui_pinpad *pad)
{
  if (pad->len)
    pad->pin[--pad->len] = '\0';
}

enum ui_pin_result ui_pinpad_submit(struct ui_pinpad *pad, const struct ui_config *cfg,
                                    uint64_t now_ms, unsigned *attempt)
{
  if (pad->by_id) {
    /* Step one: the id (Enter moves on). Step two: the program checks id and PIN and
     * keeps the lock-out per id (it journals it); the pad only shows the answer. */
    if (pad->id_step) {
      if (pad->id_len)
        pad->id_step = 0;
      return UI_PIN_NEXT;
    }
    int r = cfg->sign_in(cfg->user, pad->id, pad->pin);
    ui_pinpad_clear(pad);
    if (r == UI_SIGN_IN_OK) {
      pad->msg = NULL;
      return UI_PIN_ACCEPTED;
    }
    pad->msg = r == UI_SIGN_IN_LOCKED ? "pin.locked" : r == UI_SIGN_IN_SHORT ? "pin.short"
                                                                             : "pin.wrong";
    /* a wrong answer starts again from the id: the next person may be someone else */
    memset(pad->id, 0, sizeof pad->id);
    pad->id_len = 0;
    pad->id_step = 1;
    return r == UI_SIGN_IN_LOCKED ? UI_PIN_LOCKED : UI_PIN_WRONG;
  }
  if (pad->locked_until > now_ms) {
    pad->msg = "pin.locked";
    return UI_PIN_LOCKED;
  }
  int ok = 0;
  if (cfg->pin_check)
    ok = cfg->pin_check(cfg->user, pad->pin) == 1;
  else if (cfg->pin_hash)
    ok = ui_pin_verify(cfg->pin_hash, pad->pin) == 1;
  else
    pad->msg = "pin.closed";
  ui_pinpad_clear(pad);
  if (ok) {
    pad->failures = 0;
    pad->msg = NULL;
    return UI_PIN_ACCEPTED;
  }
  if (!cfg->pin_check && !cfg->pin_hash)
    return UI_PIN_CLOSED;
  pad->failures++;
  if (attempt)
    *attempt = pad->failures;
  if (pad->failures >= UI_PIN_FAILURES_MAX) {
    pad->locked_until = now_ms + UI_PIN_LOCK_MS;
    pad->failures = 0;
    pad->msg = "pin.locked";
  } else {
    pad->msg = "pin.wrong";
  }
  return UI_PIN_WRONG;
}
