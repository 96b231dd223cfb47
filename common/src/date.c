/* Day numbers and YYYY-MM-DD (date.h). */
#include <string.h>

#include "common/date.h"

/* H. Hinnant's days_from_civil (public domain): the year starts in March so that the
 * leap day is the last day of the "year", and eras of 400 years repeat exactly. */
int32_t common_days_from_civil(int32_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153u * (m > 2 ? m - 3 : m + 9) + 2u) / 5u + d - 1u;
  const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  return era * 146097 + (int32_t)doe - 719468;
}

void common_civil_from_days(int32_t day, int32_t *y, unsigned *m, unsigned *d)
{
  const int64_t z = (int64_t)day + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
  const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
  const unsigned mp = (5u * doy + 2u) / 153u;
  *d = doy - (153u * mp + 2u) / 5u + 1u;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int32_t)((int64_t)yoe + era * 400 + (*m <= 2));
}

int common_is_leap(int32_t y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned common_month_days(int32_t y, unsigned m)
{
  static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  return m == 2 && common_is_leap(y) ? 29 : days[m - 1];
}

int common_date_valid(int32_t y, unsigned m, unsigned d)
{
  return d >= 1 && d <= common_month_days(y, m);
}

int32_t common_local_day(int64_t t, int32_t utc_offset_s)
{
  int64_t l = t + utc_offset_s;
  int64_t q = l / 86400;
  if (l % 86400 < 0)
    q--;
  return (int32_t)q;
}

int32_t common_date_add_years(int32_t day, int n)
{
  int32_t y;
  unsigned m, d;
  common_civil_from_days(day, &y, &m, &d);
  y += n;
  unsigned last = common_month_days(y, m);
  return common_days_from_civil(y, m, d > last ? last : d);
}

int common_date_parse(const char *s, size_t len, int32_t *day)
{
  if (!s || !day)
    return COMMON_E_INVALID_ARG;
  if (len != COMMON_DATE_LEN || s[4] != '-' || s[7] != '-')
    return COMMON_E_SYNTAX;
  for (size_t i = 0; i < COMMON_DATE_LEN; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return COMMON_E_SYNTAX;
  int32_t y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
  unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
  if (y < 1 || !common_date_valid(y, m, d))
    return COMMON_E_RANGE;
  *day = common_days_from_civil(y, m, d);
  return COMMON_OK;
}

void common_date_format(int32_t day, char buf[COMMON_DATE_LEN + 1])
{
  int32_t y;
  unsigned m, d;
  common_civil_from_days(day, &y, &m, &d);
  if (y < 0 || y > 9999) {
    memcpy(buf, "0000-00-00", COMMON_DATE_LEN + 1);
    return;
  }
  buf[0] = (char)('0' + y / 1000);
  buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10);
  buf[3] = (char)('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + d / 10);
  buf[9] = (char)('0' + d % 10);
  buf[10] = '\0';
}
