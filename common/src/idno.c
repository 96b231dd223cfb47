/* Citizen ID numbers and the masks (idno.h). */
#include <string.h>

#include "common/date.h"
#include "common/idno.h"
#include "common/utf8.h"

const char *common_id_status_text(int status)
{
  switch (status) {
#define COMMON_X_IDT(name, value, text)                                                  \
  case (value):                                                                          \
    return (text);
    COMMON_ID_STATUS_MAP(COMMON_X_IDT)
#undef COMMON_X_IDT
  default:
    return "invalid";
  }
}

char common_id_check_char(const char *first17)
{
  /* ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; check value (12 - sum mod 11) mod 11,
   * 10 written as X (GB 11643-1999). */
  static const unsigned weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  unsigned sum = 0;
  if (!first17)
    return 0;
  for (size_t i = 0; i < 17; i++) {
    if (first17[i] < '0' || first17[i] > '9')
      return 0;
    sum += (unsigned)(first17[i] - '0') * weight[i];
  }
  unsigned c = (12 - sum % 11) % 11;
  return c == 10 ? 'X' : (char)('0' + c);
}

int common_id_province_ok(unsigned p)
{
  /* Province-level codes of GB/T 2260, and 81-83 for the residence permits of Hong Kong,
   * Macao and Taiwan residents. */
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         (p >= 81 && p <= 83);
}

int common_id_check(const char *s, size_t len, char out[COMMON_ID_LEN + 1], int32_t *birth_day)
{
  if (!s || len != COMMON_ID_LEN)
    return COMMON_ID_LENGTH;
  for (size_t i = 0; i < 17; i++)
    if (s[i] < '0' || s[i] > '9')
      return COMMON_ID_CHARS;
  char last = s[17] == 'x' ? 'X' : s[17];
  if (!((last >= '0' && last <= '9') || last == 'X'))
    return COMMON_ID_CHARS;
  if (!common_id_province_ok((unsigned)((s[0] - '0') * 10 + (s[1] - '0'))))
    return COMMON_ID_REGION;
  int32_t y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
  unsigned m = (unsigned)((s[10] - '0') * 10 + (s[11] - '0'));
  unsigned d = (unsigned)((s[12] - '0') * 10 + (s[13] - '0'));
  if (y < 1900 || y > 2999 || !common_date_valid(y, m, d))
    return COMMON_ID_BIRTH_DATE;
  if (common_id_check_char(s) != last)
    return COMMON_ID_CHECK_DIGIT;
  if (out) {
    memcpy(out, s, 17);
    out[17] = last;
    out[18] = '\0';
  }
  if (birth_day)
    *birth_day = common_days_from_civil(y, m, d);
  return COMMON_ID_OK;
}

int common_id_from15(const char *s, size_t len, char out[COMMON_ID_LEN + 1])
{
  char id[COMMON_ID_LEN + 1];
  if (!s || len != COMMON_ID15_LEN)
    return COMMON_ID_LENGTH;
  for (size_t i = 0; i < COMMON_ID15_LEN; i++)
    if (s[i] < '0' || s[i] > '9')
      return COMMON_ID_CHARS;
  /* GB 11643-1999 Appendix: the 15-digit numbers were issued to people born in 19xx. */
  memcpy(id, s, 6);
  id[6] = '1';
  id[7] = '9';
  memcpy(id + 8, s + 6, 9);
  id[17] = common_id_check_char(id);
  id[18] = '\0';
  return common_id_check(id, COMMON_ID_LEN, out, NULL);
}

int common_id_shaped(const char *s)
{
  if (!s || strnlen(s, COMMON_ID_LEN + 1) != COMMON_ID_LEN)
    return 0;
  char want = common_id_check_char(s);
  char got = s[17] == 'x' ? 'X' : s[17];
  if (want != 0 && got == want)
    return 1;
  /* A real region and birth date with a wrong check character is an ID number with a
   * typing slip, and as personal as the right one (issue 12: such a "bill number" was
   * waived and journaled in clear). */
  return common_id_check(s, COMMON_ID_LEN, NULL, NULL) == COMMON_ID_CHECK_DIGIT;
}

int common_id_mask(const char *id, char *out, size_t cap)
{
  if (!id || !out)
    return COMMON_E_INVALID_ARG;
  int full = strnlen(id, COMMON_ID_LEN + 1) == COMMON_ID_LEN;
  size_t n = COMMON_ID_LEN;
  if (cap < n + 1) {
    if (cap)
      out[0] = '\0';
    return COMMON_E_BUFFER_TOO_SMALL;
  }
  if (full) {
    memcpy(out, id, 6);
    memset(out + 6, '*', 8);
    memcpy(out + 14, id + 14, 4);
    if (out[17] == 'x')
      out[17] = 'X';
  } else {
    /* Not an ID number: show none of it, not even its length. */
    memset(out, '*', n);
  }
  out[n] = '\0';
  return COMMON_OK;
}

static int name_mask_fail(char *out, size_t cap, int err)
{
  if (out && cap >= 2)
    memcpy(out, "*", 2);
  else if (out && cap)
    out[0] = '\0';
  return err;
}

int common_name_mask(const char *name, char *out, size_t cap)
{
  if (!name || !out)
    return name_mask_fail(out, cap, COMMON_E_INVALID_ARG);
  const uint8_t *p = (const uint8_t *)name;
  size_t len = strlen(name);
  if (len == 0 || !common_utf8_printable(name, len))
    return name_mask_fail(out, cap, COMMON_E_INVALID_ARG);
  size_t first = common_utf8_seq(p, len), last = 0, chars = 0;
  for (size_t i = 0; i < len;) {
    last = i;
    i += common_utf8_seq(p + i, len - i);
    chars++;
  }
  size_t stars = chars <= 2 ? 1 : chars - 2;
  size_t need = chars == 1 ? 1 : chars == 2 ? first + 1 : first + stars + (len - last);
  if (cap < need + 1)
    return name_mask_fail(out, cap, COMMON_E_BUFFER_TOO_SMALL);
  size_t o = 0;
  if (chars > 1) {
    memcpy(out, name, first);
    o = first;
  }
  memset(out + o, '*', stars);
  o += stars;
  if (chars > 2) {
    memcpy(out + o, name + last, len - last);
    o += len - last;
  }
  out[o] = '\0';
  return COMMON_OK;
}
