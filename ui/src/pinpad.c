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
  pad->msg = NULL;
}

void ui_pinpad_open(struct ui_pinpad *pad, const struct ui_config *cfg)
{
  ui_pinpad_clear(pad);
  pad->msg = cfg->pin_check || cfg->pin_hash ? NULL : "pin.closed";
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
