/* The cashier's typed fields (entry.h). */
#include <openssl/crypto.h>
#include <string.h>

#include "ui/entry.h"
#include "utf8.h"

size_t ui_entry_bill_append(char *bill, size_t cap, const char *text)
{
  if (!bill || !text || cap == 0)
    return 0;
  size_t len = strnlen(bill, cap - 1), added = 0;
  size_t max = cap - 1 < COMMON_BILL_NO_MAX ? cap - 1 : COMMON_BILL_NO_MAX;
  size_t left = strlen(text);
  while (left) {
    uint32_t cp;
    size_t n = ui_utf8_decode(text, left, &cp);
    /* one character at a time through the one rule: a single character is never
     * ID-shaped, so this asks only whether the character itself is allowed */
    if (cp != 0xFFFDu && len + n <= max && common_bill_no_valid_n(text, n)) {
      memcpy(bill + len, text, n);
      len += n;
      bill[len] = '\0';
      added++;
    }
    text += n;
    left -= n;
  }
  return added;
}

void ui_entry_bill_backspace(char *bill)
{
  if (!bill)
    return;
  size_t len = strlen(bill);
  while (len && ((unsigned char)bill[len - 1] & 0xC0u) == 0x80u)
    len--; /* continuation bytes of the last character */
  if (len)
    len--;
  bill[len] = '\0';
}

int ui_idfield_char(struct ui_idfield *f, int ch)
{
  if (!f || f->len >= COMMON_ID_LEN)
    return 0;
  int x = (ch == 'x' || ch == 'X') && f->len == COMMON_ID_LEN - 1;
  if (!(ch >= '0' && ch <= '9') && !x)
    return 0;
  f->d[f->len++] = x ? 'X' : (char)ch;
  f->d[f->len] = '\0';
  return 1;
}

void ui_idfield_backspace(struct ui_idfield *f)
{
  if (f && f->len)
    f->d[--f->len] = '\0';
}

void ui_idfield_shown(const struct ui_idfield *f, char *out, size_t cap)
{
  static const char dot[] = "\xE2\x80\xA2"; /* U+2022 */
  if (!out || cap == 0)
    return;
  out[0] = '\0';
  size_t o = 0;
  for (size_t i = 0; f && i < f->len && i < COMMON_ID_LEN; i++) {
    int clear = i < 6 || i >= 14; /* what common_id_mask keeps */
    size_t n = clear ? 1 : sizeof dot - 1;
    if (o + n + 1 > cap)
      break;
    memcpy(out + o, clear ? &f->d[i] : dot, n);
    o += n;
  }
  out[o] = '\0';
}

int ui_idfield_check(const struct ui_idfield *f, char out[COMMON_ID_LEN + 1])
{
  if (!f || f->len != COMMON_ID_LEN)
    return COMMON_ID_LENGTH;
  return common_id_check(f->d, f->len, out, NULL);
}

void ui_idfield_wipe(struct ui_idfield *f)
{
  if (f)
    OPENSSL_cleanse(f, sizeof *f);
}
