/*
 * common dates: day numbers (days since 1970-01-01, proleptic Gregorian calendar), the
 * local day of a time at a UTC offset, and the strict YYYY-MM-DD form.
 *
 * Day numbers are int32_t: they cover years far beyond 0000..9999. The conversions are
 * H. Hinnant's days_from_civil / civil_from_days (public domain), exact for every day.
 */
#ifndef COMMON_DATE_H
#define COMMON_DATE_H

#include <stdint.h>
#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_DATE_LEN 10u /* "YYYY-MM-DD" */

/* Day number of y-m-d. m 1..12, d 1..31 (not checked: use common_date_valid). */
int32_t common_days_from_civil(int32_t y, unsigned m, unsigned d);
/* y-m-d of a day number. */
void common_civil_from_days(int32_t day, int32_t *y, unsigned *m, unsigned *d);
/* 1 for a leap year of the Gregorian calendar. */
int common_is_leap(int32_t y);
/* Days in month m (1..12) of year y; 0 for a month outside 1..12. */
unsigned common_month_days(int32_t y, unsigned m);
/* 1 when y-m-d is a day of the calendar (any year, m 1..12, d 1..days in month). */
int common_date_valid(int32_t y, unsigned m, unsigned d);

/* The day number of t (seconds since the epoch) at utc_offset_s east of UTC (China:
 * 8 * 3600). Rounds towards the past for times before the epoch. */
int32_t common_local_day(int64_t t, int32_t utc_offset_s);

/* The same day n years later (n may be negative); 29 February becomes 28 February in a
 * year without it (Civil Code Art. 201-202: a period ending on a day the month lacks
 * ends on its last day). */
int32_t common_date_add_years(int32_t day, int n);

/* Parse exactly "YYYY-MM-DD" (len bytes, need not be NUL-terminated; four, two and two
 * digits, no blanks). SYNTAX for anything else, RANGE for year 0000 or a day that is not
 * in the calendar (2019-02-29). *day is written only on success. */
int common_date_parse(const char *s, size_t len, int32_t *day);
/* Write "YYYY-MM-DD" and a NUL into buf; "0000-00-00" for a day outside 0000..9999. */
void common_date_format(int32_t day, char buf[COMMON_DATE_LEN + 1]);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_DATE_H */
