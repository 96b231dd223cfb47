/*
 * station unified card number (统一编号, Rules 三(三)): the number the station gives an
 * awardee, printed on the card and carried in its record (card-spec: 1..20 of [0-9A-Z-]).
 *
 *   YL 2019 02 000123 45   written without spaces: YL20190200012345 (16 characters)
 *   |  |    |  |      `- check digits, ISO 7064 MOD 97-10 over the 14 characters before
 *   |  |    |  `-------- serial within (year, county), 000001..999999
 *   |  |    `----------- county code: the last two digits of the GB/T 2260 code of the
 *   |  |                 issuing desk's district (02 玉州区, 03 福绵区, 21 容县, 22 陆川县,
 *   |  |                 23 博白县, 24 兴业县, 81 北流市; 00 the city station itself)
 *   |  `---------------- year the number was assigned
 *   `------------------- "YL", Yulin
 *
 * The number belongs to the person (the text numbers the awardees): a reissued card keeps
 * it and carries generation + 1. MOD 97-10 (as in IBAN, ISO 13616: letters count as
 * 10..35) catches every single wrong character and every swap of two neighbours, and it
 * has no letter check character; the letters "YL" keep the number from ever having the
 * shape of a citizen ID number (kiosk_card_no_valid refuses those).
 */
#ifndef STATION_CARDNO_H
#define STATION_CARDNO_H

#include <stdint.h>

#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATION_CARDNO_LEN 16u
#define STATION_CARDNO_SERIAL_MAX 999999u

/* The two check digits of the 14 characters s[0..14): 02..98. */
unsigned station_cardno_check(const char *s14);
/* Format YL + year + county + serial + check into out[17]. INVALID_ARG for a year
 * outside 2000..9999, county > 99 or serial outside 1..999999. */
int station_cardno_format(unsigned year, unsigned county, unsigned long serial,
                          char out[STATION_CARDNO_LEN + 1]);
/* 1 when s is a well-formed number with correct check digits. */
int station_cardno_valid(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* STATION_CARDNO_H */
