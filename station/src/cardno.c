/* station's names for common's card number rule (station/cardno.h). */
#include "station/cardno.h"

unsigned station_cardno_check(const char *s14)
{
  return common_cardno_check(s14);
}

int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[STATION_CARDNO_LEN + 1])
{
  return common_cardno_format(year, county, serial, out) == COMMON_OK ? STATION_OK
                                                                      : STATION_E_INVALID_ARG;
}

int station_cardno_valid(const char *s)
{
  return common_cardno_valid(s);
}
