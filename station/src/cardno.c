/* A new card number in the station's error space (station/cardno.h). */
#include "station/cardno.h"

int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[COMMON_CARDNO_LEN + 1])
{
  return common_cardno_format(year, county, serial, out) == COMMON_OK ? STATION_OK
                                                                      : STATION_E_INVALID_ARG;
}
