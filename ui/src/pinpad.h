/*
 * The staff PIN entry (private): the digits typed, the message under the dots, and
 * the lockout after repeated wrong PINs, which is the real protection (the stored hash
 * of a few digits is not: ui/pin.h). The window (ui.c) owns one pad, feeds it commands
 * and acts on what submit says (sign-in, tone, log line); the pad calls only the check
 * the configuration gives (cfg->pin_check, else ui_pin_verify on cfg->pin_hash).
 */
#ifndef UI_PINPAD_H
#define UI_PINPAD_H

#include <stddef.h>
#include <stdint.h>

#include "ui/core.h"

#define UI_PIN_LEN_MAX 16u       /* digits kept; more are ignored */
#define UI_PIN_FAILURES_MAX 5u   /* wrong PINs in a row before the lockout */
#define UI_PIN_LOCK_MS 60000u    /* lockout length */

#define UI_STAFF_ID_LEN_MAX 31u /* a staff id: a token (docs/staff.md) */

struct ui_pinpad {
  int by_id;             /* 1: staff id first (a roster), then the PIN */
  int id_step;           /* 1: the staff id is being typed */
  char id[UI_STAFF_ID_LEN_MAX + 1];
  size_t id_len;
  char pin[UI_PIN_LEN_MAX + 1];
  size_t len;
  unsigned failures;     /* wrong PINs since the last right one or lockout */
  uint64_t locked_until; /* clock_ms; 0: not locked */
  const char *msg;       /* strings key shown under the dots (pin.*), or NULL */
};

enum ui_pin_result {
  UI_PIN_ACCEPTED, /* the right PIN: sign the staff in */
  UI_PIN_WRONG,    /* a wrong PIN (*attempt says which; the last one starts the lockout) */
  UI_PIN_LOCKED,   /* still locked out: nothing was checked */
  UI_PIN_CLOSED,   /* no PIN configured: the staff menu is closed */
  UI_PIN_NEXT,     /* by id: the id is typed, now the PIN */
};

/* The staff id step: one character of [A-Za-z0-9._-] typed, or one deleted. */
void ui_pinpad_id_char(struct ui_pinpad *pad, int ch);
void ui_pinpad_id_delete(struct ui_pinpad *pad);

/* Forget the digits (zeroed), keep the message and the lockout. */
void ui_pinpad_clear(struct ui_pinpad *pad);
/* Back to idle: digits and message gone; the lockout stays. */
void ui_pinpad_reset(struct ui_pinpad *pad);
/* The PIN screen opens: no digits; "pin.closed" when no PIN is configured. */
void ui_pinpad_open(struct ui_pinpad *pad, const struct ui_config *cfg);
void ui_pinpad_digit(struct ui_pinpad *pad, int digit);
void ui_pinpad_delete(struct ui_pinpad *pad);
/* Check the digits typed (then zeroed) at now_ms; *attempt (may be NULL) gets the
 * wrong PIN's number, 1..UI_PIN_FAILURES_MAX, for UI_PIN_WRONG. */
enum ui_pin_result ui_pinpad_submit(struct ui_pinpad *pad, const struct ui_config *cfg,
                                    uint64_t now_ms, unsigned *attempt);

#endif
