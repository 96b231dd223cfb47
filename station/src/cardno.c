/* The unified card number and its ISO 7064 MOD 97-10 check digits (station/cardno.h). */
#include <stdio.h>
#include <string.h>

#include "station/cardno.h"

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

unsigned station_cardno_check(const char *s14)
{
  /* ISO 7064 MOD 97-10: append "00", check = 98 - (n mod 97). */
  unsigned r = cardno_mod97(s14, 14);
  r = (r * 100) % 97;
  return 98 - r;
}

int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[STATION_CARDNO_LEN + 1])
{
  if (year < 2000 || year > 9999 || county > 99 || serial < 1 ||
      serial > STATION_CARDNO_SERIAL_MAX)
    return STATION_E_INVALID_ARG;
  snprintf(out, STATION_CARDNO_LEN + 1, "YL%04u%02u%06lu", year, county, serial);
  snprintf(out + 14, 3, "%02u", station_cardno_check(out));
  return STATION_OK;
}

int station_cardno_valid(const char *s)
{
  if (!s || strlen(s) != STATION_CARDNO_LEN || s[0] != 'Y' || s[1] != 'L')
    return 0;
  for (size_t i = 2; i < STATION_CARDNO_LEN; i++)
    if (s[i] < '0' || s[i] > '9')
      return 0;
  /* The whole number, check digits included, is 1 mod 97. */
  return cardno_mod97(s, STATION_CARDNO_LEN) == 1;
}
