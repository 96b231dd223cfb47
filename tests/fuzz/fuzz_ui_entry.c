/* Fuzz target: the cashier's typed fields (ui/entry.h). The input is a stream of
 * typing: bytes go to the bill number in pieces of up to 31 bytes (as SDL_TEXTINPUT
 * delivers an input method's text), a piece starting with 0x08 is a backspace, and
 * every byte is also typed into the ID number field (0x08: backspace, 0x0A: check).
 * After each step: the bill stays within 63 bytes, valid by common/bill.h's rule (or
 * ID-shaped, which the window refuses to send), and the ID field's display never shows
 * more than the mask's ten characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <common/utf8.h>

#include "ui/entry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bill(const char *bill)
{
  size_t n = strlen(bill);
  if (n > COMMON_BILL_NO_MAX)
    abort();
  if (n && !common_bill_no_valid(bill) && !common_id_shaped(bill))
    abort();
}

static void check_id(const struct ui_idfield *f)
{
  char shown[64], out[COMMON_ID_LEN + 1];
  if (f->len > COMMON_ID_LEN || strlen(f->d) != f->len)
    abort();
  ui_idfield_shown(f, shown, sizeof shown);
  size_t clear = 0;
  for (const char *p = shown; *p; p++)
    if ((unsigned char)*p < 0x80)
      clear++;
  if (clear > 10 || strlen(shown) > 6 + 8 * 3 + 4)
    abort();
  if (ui_idfield_check(f, out) == COMMON_ID_OK && (strlen(out) != COMMON_ID_LEN || f->len != COMMON_ID_LEN))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char bill[64] = "";
  struct ui_idfield f;
  memset(&f, 0, sizeof f);
  size_t i = 0;
  while (i < size) {
    size_t n = size - i < 31 ? size - i : 31;
    char piece[32];
    memcpy(piece, data + i, n);
    piece[n] = '\0'; /* a NUL inside ends the piece early, as C text does */
    if (piece[0] == 0x08)
      ui_entry_bill_backspace(bill);
    else
      ui_entry_bill_append(bill, sizeof bill, piece);
    check_bill(bill);
    for (size_t k = 0; k < n; k++) {
      unsigned char c = data[i + k];
      if (c == 0x08)
        ui_idfield_backspace(&f);
      else if (c == 0x0A) {
        char out[COMMON_ID_LEN + 1];
        if (ui_idfield_check(&f, out) == COMMON_ID_OK)
          ui_idfield_wipe(&f);
      } else
        ui_idfield_char(&f, c);
      check_id(&f);
    }
    i += n;
  }
  ui_idfield_wipe(&f);
  if (f.len != 0)
    abort();
  return 0;
}
