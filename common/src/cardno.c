/* The unified card number and its ISO 7064 MOD 97-10 check digits (cardno.h). */
#include <stdio.h>
#include <string.h>

#include "common/cardno.h"

/* n mod 97 over the characters, letters as 10..35 (two digits), digits as themselves. */
static unsigned cardno_mod97(const char *s, size_t len)
{
  unsigned r = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c >= '0' && c <= '9')
      r = (r * 10 + (unsigned)(c - '0')) % 97;
    else
      r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
  }
  return r;
}

unsigned common_cardno_check(const char *s14)
{
  /* ISO 7064 MOD 97-10: append "00", check = 98 - (n mod 97). */
  unsigned r = cardno_mod97(s14, 14);
  r = (r * 100) % 97;
  return 98 - r;
}

int common_cardno_format(unsigned year, unsigned county, unsigned long serial,
                         char out[COMMON_CARDNO_LEN + 1])
{
  if (!out || year < 2000 || year > 9999 || county > 99 || serial < 1 ||
      serial > COMMON_CARDNO_SERIAL_MAX)
    return COMMON_E_INVALID_ARG;
  snprintf(out, COMMON_CARDNO_LEN + 1, "YL%04u%02u%06lu", year, county, serial);
  snprintf(out + 14, 3, "%02u", common_cardno_check(out));
  return COMMON_OK;
}

int common_cardno_valid_n(const char *s, size_t len)
{
  if (!s || len != COMMON_CARDNO_LEN || s[0] != 'Y' || s[1] != 'L')
    return 0;
  for (size_t i = 2; i < COMMON_CARDNO_LEN; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  /* The whole number, check digits included, is 1 mod 97. */
  return cardno_mod97(s, COMMON_CARDNO_LEN) == 1;
}

int common_cardno_valid(const char *s)
{
  return s && common_cardno_valid_n(s, strnlen(s, COMMON_CARDNO_LEN + 1));
}
