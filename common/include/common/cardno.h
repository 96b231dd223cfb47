/*
 * common unified card number (统一编号, Rules 三(三)): the number the blood station gives
 * an awardee, printed on the card, carried in its record, in the journal, the revocation
 * list and the centre. One rule for everyone: a number is accepted only when its check
 * digits are right.
 *
 *   YL 2019 02 000123 41   written without spaces: YL20190200012341 (16 characters)
 *   |  |    |  |      `- check digits, ISO 7064 MOD 97-10 over the 14 characters before
 *   |  |    |  `-------- serial within (year, county), 000001..999999
 *   |  |    `----------- county code: the last two digits of the GB/T 2260 code of the
 *   |  |                 issuing desk's district (02 玉州区, 03 福绵区, 21 容县, 22 陆川县,
 *   |  |                 23 博白县, 24 兴业县, 81 北流市; 00 the city station itself)
 *   |  `---------------- year the number was assigned
 *   `------------------- "YL", Yulin
 *
 * MOD 97-10 (as in IBAN, ISO 13616: letters count as 10..35) catches every single wrong
 * character and every swap of two neighbours. The letters "YL" keep a number from ever
 * having the shape of a citizen ID number.
 */
#ifndef COMMON_CARDNO_H
#define COMMON_CARDNO_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_CARDNO_LEN 16u
#define COMMON_CARDNO_SERIAL_MAX 999999ul

/* The two check digits (02..98) of the 14 characters s14[0..14) ('A'..'Z', '0'..'9'). */
unsigned common_cardno_check(const char *s14);
/* Format YL + year + county + serial + check digits into out[17]. INVALID_ARG for a year
 * outside 2000..9999, county > 99 or serial outside 1..999999. */
int common_cardno_format(unsigned year, unsigned county, unsigned long serial,
                         char out[COMMON_CARDNO_LEN + 1]);
/* 1 when s (NUL-terminated) is a well-formed number whose check digits are right. */
int common_cardno_valid(const char *s);
/* The same for s[0..len), not NUL-terminated. */
int common_cardno_valid_n(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_CARDNO_H */
