/*
 * station unified card number (统一编号, Rules 三(三)): the rule is common/cardno.h's
 * (YL + year + county + serial + ISO 7064 MOD 97-10 check digits, e.g. YL20190200012341);
 * docs/station.md says how the station assigns it. The number belongs to the person (the
 * text numbers the awardees): a reissued card keeps it and carries generation + 1.
 * TODO(issue 10): the forwarders below go when their callers use common_cardno_*.
 */
#ifndef STATION_CARDNO_H
#define STATION_CARDNO_H

#include <stdint.h>

#include "common/cardno.h"
#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATION_CARDNO_LEN COMMON_CARDNO_LEN
#define STATION_CARDNO_SERIAL_MAX COMMON_CARDNO_SERIAL_MAX

/* common_cardno_check: the two check digits of s[0..14). */
unsigned station_cardno_check(const char *s14);
/* common_cardno_format; STATION_E_INVALID_ARG for a year outside 2000..9999, county > 99
 * or serial outside 1..999999. */
int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[STATION_CARDNO_LEN + 1]);
/* common_cardno_valid. */
int station_cardno_valid(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* STATION_CARDNO_H */
