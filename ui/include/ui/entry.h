/*
 * ui entry: the cashier's two typed fields, as pure functions so that they are tested
 * without a window (tests/ui/test_input.c) and fuzzed (tests/fuzz/fuzz_ui_entry.c). Any
 * thread; no state of their own: the caller owns the buffers.
 *
 *   bill number  UTF-8 text by common/bill.h's rule (letters, digits, - / _ . and CJK
 *                ideographs, at most COMMON_BILL_NO_MAX bytes). Text arrives from key
 *                presses and from SDL_TEXTINPUT (an input method commits several
 *                characters at once); a character the rule does not take is dropped, one
 *                that would pass the length is dropped whole (never half a character).
 *   ID number    up to 18 characters, digits and a final X, shown only through its mask
 *                (the house rule, common_id_mask: the first 6 and the last 4, dots
 *                between, applied as the characters come) and checked by common_id_check
 *                before it leaves the field. ui_idfield_wipe clears it with
 *                OPENSSL_cleanse: the clear number lives here only between its keys and
 *                the action that carries it to the program.
 */
#ifndef UI_ENTRY_H
#define UI_ENTRY_H

#include <stddef.h>

#include <common/bill.h>
#include <common/idno.h>

/* Append what text (NUL-terminated UTF-8) holds that the bill rule takes, to bill (NUL-
 * terminated, cap bytes). Returns the number of characters appended. */
size_t ui_entry_bill_append(char *bill, size_t cap, const char *text);
/* Remove the last character (a whole UTF-8 sequence). */
void ui_entry_bill_backspace(char *bill);

struct ui_idfield {
  char d[COMMON_ID_LEN + 1]; /* the characters typed; never drawn, logged or kept */
  size_t len;
};

/* One typed character: digits anywhere, X (either case) only as the 18th. 1 when
 * taken, 0 when refused (full, or not a character of an ID number). */
int ui_idfield_char(struct ui_idfield *f, int ch);
void ui_idfield_backspace(struct ui_idfield *f);
/* What the screen shows of the field: typed positions 1-6 and 15-18 as typed, 7-14 as
 * dots (U+2022), so that at no point more shows than the mask of the whole number.
 * out: cap >= 18 * 3 + 1. */
void ui_idfield_shown(const struct ui_idfield *f, char *out, size_t cap);
/* common_id_check of the field (a common_id_status; LENGTH until 18 are typed); on OK,
 * out gets the normalised number (upper-case X) for the action. */
int ui_idfield_check(const struct ui_idfield *f, char out[COMMON_ID_LEN + 1]);
void ui_idfield_wipe(struct ui_idfield *f);

#endif
