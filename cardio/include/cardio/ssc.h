/*
 * cardio ssc: the social security card (社会保障卡) as a second credential, and the
 * citizen ID number (公民身份号码).
 *
 * The terminal reads, with no PSAM, the SSSE application (selected by DF name
 * "sx1.sh.社会保障" in GBK): EF05 (card identification) and EF06 (personal data)
 * records, each READ RECORD answer being tag, length, value. The name is GBK on the
 * card; it is decoded as GB18030 (a superset: rare characters such as 䶮 or 𠇔 that GBK
 * cannot hold still decode) to UTF-8 with glibc's iconv. The terminal does not prove
 * the card genuine (that needs a PSAM): the SSC only supplies the ID number for the
 * holder match with the honour card (cardio_hc_holder_match in cardio/honour.h).
 *
 * Personal data: struct cardio_ssc_data holds the ID number and name in clear, in the
 * caller's memory; wipe it with cardio_ssc_data_clear as soon as the match is done.
 * Show and log only the masks (common_id_mask, common_name_mask). Nothing here logs
 * card contents.
 */
#ifndef CARDIO_SSC_H
#define CARDIO_SSC_H

#include <stddef.h>
#include <stdint.h>

#include "cardio/cardio.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "sx1.sh.社会保障" in GBK. */
#define CARDIO_SSC_DF_NAME "sx1.sh.\xC9\xE7\xBB\xE1\xB1\xA3\xD5\xCF"
#define CARDIO_SSC_DF_NAME_LEN 15u

#define CARDIO_ID_LEN 18u
#define CARDIO_ID_MASKED_LEN 18u
/* A 30-byte GB18030 name becomes at most 45 bytes of UTF-8 (2-byte sequences map to
 * at most 3 bytes, 4-byte ones to 4); the buffer leaves room. */
#define CARDIO_SSC_NAME_MAX 64u

struct cardio_ssc_data {
  uint8_t card_id[16];             /* EF05 01 卡识别码 */
  uint32_t issue_date;             /* EF05 05 发卡日期, YYYYMMDD (0 if unreadable) */
  uint32_t expiry_date;            /* EF05 06 有效期, YYYYMMDD */
  char card_number[10];            /* EF05 07 卡号, 9 characters */
  char id_number[CARDIO_ID_LEN + 1]; /* EF06 08 社会保障号码 = citizen ID (sensitive) */
  char name[CARDIO_SSC_NAME_MAX + 1]; /* EF06 09 姓名, UTF-8 (sensitive) */
  uint8_t sex;                     /* EF06 0A 性别, as on the card ('1' male, '2' female) */
  uint8_t nation;                  /* EF06 0B 民族 code */
  char birthplace[7];              /* EF06 0C 出生地, 6 BCD digits */
  uint32_t birth_date;             /* EF06 0D 出生日期, YYYYMMDD */
  int id_valid;                    /* common_id_check(id_number) == COMMON_ID_OK */
};

/*
 * Select SSSE, read EF05 records 01 05 06 07 and EF06 records 08 09 0A 0B 0C 0D, decode.
 * out is cleared first. The ID number is returned even with a wrong check digit
 * (id_valid 0) so that staff can be told what is wrong.
 * Errors: NOT_FOUND (no SSSE application or a mandatory record missing: 08, 09),
 * MALFORMED (a record that is not tag-length-value with the expected tag, a name that
 * does not decode, an ID with characters other than digits and a final X), transport
 * errors.
 */
int cardio_ssc_read(struct cardio_card *card, struct cardio_ssc_data *out);
/* Decode one record answer (tag, length, value) of the expected tag; for fuzzing and
 * tests. value/value_len point into buf. Errors: MALFORMED. */
int cardio_ssc_parse_record(const uint8_t *buf, size_t len, uint8_t tag,
                            const uint8_t **value, size_t *value_len);
/* Wipe (OPENSSL_cleanse) the whole struct. Accepts NULL. */
void cardio_ssc_data_clear(struct cardio_ssc_data *d);

/* GB18030 (GBK) to UTF-8 through iconv. Trailing NUL and space padding is dropped.
 * out is NUL-terminated. Errors: MALFORMED (invalid sequence), BUFFER_TOO_SMALL. */
int cardio_gb18030_to_utf8(const uint8_t *in, size_t len, char *out, size_t cap);

/* Citizen ID numbers (check, mask) and the name mask are common/idno.h's:
 * common_id_check(), common_id_mask(), common_name_mask(). */

#ifdef __cplusplus
}
#endif
#endif /* CARDIO_SSC_H */
