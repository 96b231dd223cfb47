/*
 * station unified card number (统一编号, Rules 三(三)): the rule is common/cardno.h's
 * (YL + year + county + serial + ISO 7064 MOD 97-10 check digits, e.g. YL20190200012341);
 * docs/station.md says how the station assigns it. The number belongs to the person (the
 * text numbers the awardees): a reissued card keeps it and carries generation + 1.
 * The rule itself (check, validity, length) is common_cardno_*; station_cardno_format
 * gives a new number with the station's error codes.
 */
#ifndef STATION_CARDNO_H
#define STATION_CARDNO_H

#include <stdint.h>

#include "common/cardno.h"
#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

/* common_cardno_format; STATION_E_INVALID_ARG for a year outside 2000..9999, county > 99
 * or serial outside 1..999999. */
int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[COMMON_CARDNO_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif /* STATION_CARDNO_H */
