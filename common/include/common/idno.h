/*
 * common citizen ID numbers (居民身份证号码, GB 11643-1999) and the masks that are the
 * only form in which an ID number or a name may be shown, logged or journaled (PIPL).
 *
 *   4509021980 0101 123 0    6 digits region (the first two: the province, GB/T 2260),
 *   |     |        |   `-    8 digits birth date YYYYMMDD, 3 digits sequence, 1 check
 *   region birth   seq check character: ISO 7064 MOD 11-2 over the 17 digits, 10 is 'X'
 *
 * A lower-case 'x' is accepted on input and always written back as 'X'. The old 15-digit
 * numbers (6 region, YYMMDD of a 19xx birth, 3 sequence, no check) are not ID numbers
 * here until converted with common_id_from15().
 * Nothing here keeps, logs or returns an ID number except into the caller's buffer.
 */
#ifndef COMMON_IDNO_H
#define COMMON_IDNO_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_ID_LEN 18u
#define COMMON_ID15_LEN 15u

/* Why an ID number is refused (0: valid), in the order they are checked. Stable values;
 * the texts name no digits. */
#define COMMON_ID_STATUS_MAP(X)                                                          \
  X(OK, 0, "valid")                                                                      \
  X(LENGTH, 1, "must be 18 characters (15-digit numbers must be converted first)")       \
  X(CHARS, 2, "must be 17 digits followed by a digit or X")                              \
  X(REGION, 3, "region code is not a plausible administrative division")                 \
  X(BIRTH_DATE, 4, "birth date is not a real date")                                      \
  X(CHECK_DIGIT, 5, "check digit is wrong (ISO 7064 MOD 11-2)")

enum common_id_status {
#define COMMON_X_IDS(name, value, text) COMMON_ID_##name = (value),
  COMMON_ID_STATUS_MAP(COMMON_X_IDS)
#undef COMMON_X_IDS
};
/* Static text for a status; "invalid" for an unknown value. */
const char *common_id_status_text(int status);

/* The check character ('0'..'9' or 'X') of 17 digits; 0 when first17 is NULL or holds a
 * non-digit. */
char common_id_check_char(const char *first17);
/* 1 when p (the first two digits, 11..99) is a province-level code of GB/T 2260, or
 * 81..83 (residence permits of Hong Kong, Macao and Taiwan residents). */
int common_id_province_ok(unsigned p);

/* Check s[0..len): 18 characters, 17 digits and a digit or X/x, a province code, a birth
 * date from 1900-01-01 to 2999-12-31 that is in the calendar, the check character. Returns
 * a common_id_status. On OK, out (if not NULL) gets the normalised number ('X' upper
 * case) and birth_day (if not NULL) the day number of the birth date. */
int common_id_check(const char *s, size_t len, char out[COMMON_ID_LEN + 1],
                    int32_t *birth_day);
/* Convert a 15-digit number (s[0..len)) to its 18-character form: birth year 19YY, check
 * character appended, then common_id_check(). Returns a common_id_status (LENGTH when
 * len is not 15, CHARS for a non-digit). */
int common_id_from15(const char *s, size_t len, char out[COMMON_ID_LEN + 1]);

/* "Shaped like an ID number": exactly 18 characters, 17 digits and either the right check
 * character (x or X; region and date not looked at), or a real province and birth date
 * with a wrong one (a mistyped ID number is still one). Used to keep ID numbers out of
 * free tokens (bill references, card numbers): a random 18-digit string is taken for one
 * with chance about 1/11, which is the point; an 18-digit invoice number whose digits 7-14
 * are not a date is not. s is NUL-terminated; reads at most 19 bytes. */
int common_id_shaped(const char *s);

/* The mask of an ID number: the first 6 and the last 4 kept, 8 stars between
 * (450902********1234), the last character upper-cased. A string of another length
 * becomes 18 stars (neither its digits nor its length are shown). Needs cap >= 19:
 * BUFFER_TOO_SMALL otherwise; INVALID_ARG for NULL. */
int common_id_mask(const char *id, char *out, size_t cap);

/* The mask of a name (UTF-8): 张* (2 characters), 张*明 (3), 欧**明 (4): the first and
 * the last character kept, one '*' for each other character; one character becomes '*'.
 * INVALID_ARG for NULL, "" or text that is not printable UTF-8 (common_utf8_printable),
 * BUFFER_TOO_SMALL when cap is short; out is set to "*" (when cap >= 2) on every error
 * so that a caller that only shows the result shows nothing of the name. */
int common_name_mask(const char *name, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_IDNO_H */
