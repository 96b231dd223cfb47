/*
 * common bill numbers: the hospital's bill or visit number (票据号 / 就诊号) that a cashier
 * waiver refers to. One rule for every place that takes one: the cashier screen, `kiosk
 * decide`, the HIS API, the journal event (proto) and the centre's batch parser.
 *
 * A bill number is 1..COMMON_BILL_NO_MAX bytes of UTF-8, each character one of
 *   A-Z a-z 0-9 - / _ .           (what a HIS prints: MZ2026/12/01, ZY-2026.0001)
 *   a CJK ideograph               (U+3400..U+4DBF, U+4E00..U+9FFF: 门诊123)
 * and never shaped like a citizen ID (common_id_shaped): an ID number typed into the bill
 * box must not reach the journal. No space, no '|' (the journal's canonical line uses it
 * as a separator), no quote, no control character. Pure function, any thread.
 */
#ifndef COMMON_BILL_H
#define COMMON_BILL_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest bill number in bytes: 63 ASCII characters, or 21 CJK ideographs. */
#define COMMON_BILL_NO_MAX 63u

/* 1 when s[0..len) is a valid bill number (rule above), 0 otherwise (NULL too). */
int common_bill_no_valid_n(const char *s, size_t len);
/* The same for a NUL-terminated string (reads at most COMMON_BILL_NO_MAX + 1 bytes). */
int common_bill_no_valid(const char *s);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_BILL_H */
