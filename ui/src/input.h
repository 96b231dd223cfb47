/*
 * Input mapping (private): a key or a touch becomes one command, whatever screen is
 * up; what a command does on each screen is the window's (ui.c). Pure functions, so
 * the mapping is tested without a window.
 *
 * Keys: Enter/keypad Enter confirm, Esc goes back, F2 switches the language, F12 opens
 * the staff PIN, F9 is the override, F5 says the screen again, F6 / F7 turn the
 * volume down / up (also on the on-screen buttons), F4 opens the cashier's ID number
 * field, F10 signs the staff member out, arrows move, Backspace deletes; digits, letters
 * (shift for capitals) and - / _ . are typed. Other text (CJK from an input method)
 * arrives as SDL_TEXTINPUT, which the window takes directly. Touches hit the targets the painter recorded
 * for the frame on screen (paint.h struct ui_hit); a touch elsewhere, like any other
 * key, still counts as activity (UI_CMD_NONE).
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include <SDL.h>
#include <stddef.h>

#include "paint.h"

enum ui_cmd_kind {
  UI_CMD_NONE = 0, /* activity only */
  UI_CMD_ENTER,
  UI_CMD_ESC,
  UI_CMD_LANG,
  UI_CMD_STAFF,
  UI_CMD_OVERRIDE,
  UI_CMD_LEFT,
  UI_CMD_RIGHT,
  UI_CMD_UP,
  UI_CMD_DOWN,
  UI_CMD_BACKSPACE,
  UI_CMD_CHAR, /* ch: the character typed */
  UI_CMD_TONE,
  UI_CMD_REPEAT,   /* say the screen again */
  UI_CMD_VOL_DOWN,
  UI_CMD_VOL_UP,
  UI_CMD_ID,       /* cashier: the ID number field */
  UI_CMD_SIGN_OUT, /* the signed-in staff member signs out */
};

struct ui_cmd {
  enum ui_cmd_kind kind;
  int ch;  /* UI_CMD_CHAR: '0'-'9', 'a'-'z', 'A'-'Z', '-', '/', '_', '.' */
  int row; /* a touched table row to select before the command; -1: none */
};

/* The command of a key press (sym and modifiers of SDL_KEYDOWN). */
struct ui_cmd ui_input_key(SDL_Keycode sym, Uint16 mod);
/* The command of a touch or click at (x, y) in logical pixels, over the hits of the
 * frame on screen. */
struct ui_cmd ui_input_touch(const struct ui_hit *hits, size_t nhits, int x, int y);

#endif
