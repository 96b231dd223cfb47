/* Dates, citizen ID numbers, masking and UTF-8 validation: the small pure helpers. */
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "station/station.h"

/* ------------------------------------------------------------------ dates -- */

/* days_from_civil / civil_from_days: H. Hinnant's algorithms (public domain). */
int32_t station_date_from_ymd(int y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + (int)doe - 719468);
}

void station_date_to_ymd(int32_t day, int *y, unsigned *m, unsigned *d)
{
  int32_t z = day + 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)yoe + era * 400 + (*m <= 2);
}

static int date_leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned date_month_days(int y, unsigned m)
{
  static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && date_leap(y) ? 29 : days[m - 1];
}

/* Reads 1..max digits at s[*i] (bounded by len); -1 when there are none or too many. */
static int date_digits(const char *s, size_t len, size_t *i, unsigned min, unsigned max)
{
  int v = 0;
  unsigned n = 0;
  while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
    if (++n > max)
      return -1;
    v = v * 10 + (s[*i] - '0');
    (*i)++;
  }
  return n < min ? -1 : v;
}

int station_date_parse(const char *s, size_t len, int32_t *day)
{
  size_t i = 0;
  if (!s || !day)
    return STATION_E_INVALID_ARG;
  int y = date_digits(s, len, &i, 4, 4);
  if (y < 0 || i >= len || (s[i] != '-' && s[i] != '/'))
    return STATION_E_SYNTAX;
  char sep = s[i++];
  int m = date_digits(s, len, &i, 1, 2);
  if (m < 0 || i >= len || s[i] != sep)
    return STATION_E_SYNTAX;
  i++;
  int d = date_digits(s, len, &i, 1, 2);
  if (d < 0 || i != len)
    return STATION_E_SYNTAX;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 ||
      (unsigned)d > date_month_days(y, (unsigned)m))
    return STATION_E_SYNTAX;
  *day = station_date_from_ymd(y, (unsigned)m, (unsigned)d);
  return STATION_OK;
}

char *station_date_format(int32_t day, char *buf, size_t cap)
{
  int y;
  unsigned m, d;
  station_date_to_ymd(day, &y, &m, &d);
  if (buf && cap)
    snprintf(buf, cap, "%04d-%02u-%02u", y, m, d);
  return buf;
}

int32_t station_date_add_years(int32_t day, int n)
{
  int y;
  unsigned m, d;
  station_date_to_ymd(day, &y, &m, &d);
  y += n;
  unsigned last = date_month_days(y, m);
  return station_date_from_ymd(y, m, d > last ? last : d);
}

int32_t station_date_today(void)
{
  time_t now = time(NULL);
  return (int32_t)(((int64_t)now + 8 * 3600) / 86400);
}

/* ------------------------------------------------------------- ID numbers -- */

const char *station_idno_text(int status)
{
  switch (status) {
#define STATION_X_IDT(name, value, text)                                                 \
  case (value):                                                                          \
    return (text);
    STATION_IDNO_MAP(STATION_X_IDT)
#undef STATION_X_IDT
  default:
    return "invalid";
  }
}

char station_idno_check_char(const char digits17[17])
{
  /* ISO 7064 MOD 11-2: weights 2^(17-i) mod 11; check value (12 - sum mod 11) mod 11,
   * 10 written as X (GB 11643-1999). */
  static const unsigned weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  unsigned sum = 0;
  for (size_t i = 0; i < 17; i++)
    sum += (unsigned)(digits17[i] - '0') * weight[i];
  unsigned c = (12 - sum % 11) % 11;
  return c == 10 ? 'X' : (char)('0' + c);
}

/* Province-level codes of GB/T 2260 (and 81-83 for the residence permits of Hong Kong,
 * Macao and Taiwan residents). */
static int idno_province_ok(unsigned p)
{
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         (p >= 81 && p <= 83);
}

int station_idno_check(const char *s, size_t len, char out[STATION_IDNO_LEN + 1],
                       int32_t *birth_day)
{
  if (!s || len != STATION_IDNO_LEN)
    return STATION_IDNO_LENGTH;
  for (size_t i = 0; i < 17; i++)
    if (s[i] < '0' || s[i] > '9')
      return STATION_IDNO_CHARS;
  char last = s[17] == 'x' ? 'X' : s[17];
  if (!((last >= '0' && last <= '9') || last == 'X'))
    return STATION_IDNO_CHARS;
  if (!idno_province_ok((unsigned)((s[0] - '0') * 10 + (s[1] - '0'))))
    return STATION_IDNO_REGION;
  int y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
  unsigned m = (unsigned)((s[10] - '0') * 10 + (s[11] - '0'));
  unsigned d = (unsigned)((s[12] - '0') * 10 + (s[13] - '0'));
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > date_month_days(y, m))
    return STATION_IDNO_BIRTH_DATE;
  if (station_idno_check_char(s) != last)
    return STATION_IDNO_CHECK_DIGIT;
  if (out) {
    memcpy(out, s, 17);
    out[17] = last;
    out[18] = '\0';
  }
  if (birth_day)
    *birth_day = station_date_from_ymd(y, m, d);
  return STATION_IDNO_OK;
}

/* ---------------------------------------------------------------- masking -- */

char *station_mask_idno(const char *idno, char out[STATION_IDNO_LEN + 1])
{
  memset(out, '*', STATION_IDNO_LEN);
  out[STATION_IDNO_LEN] = '\0';
  if (idno && strlen(idno) == STATION_IDNO_LEN) {
    memcpy(out, idno, 6);
    memcpy(out + 14, idno + 14, 4);
  }
  return out;
}

char *station_mask_name(const char *name, char *out, size_t cap)
{
  if (!out || cap == 0)
    return out;
  out[0] = '\0';
  size_t len = name ? strlen(name) : 0;
  if (len == 0 || station_utf8_valid_prefix((const uint8_t *)name, len) != len) {
    if (cap >= 2)
      memcpy(out, "*", 2);
    return out;
  }
  /* Count characters and find the first and last one's bytes. */
  size_t chars = 0, first_end = 0, last_start = 0;
  for (size_t i = 0; i < len; i++) {
    if (((uint8_t)name[i] & 0xC0) != 0x80) {
      if (chars == 1)
        first_end = i;
      last_start = i;
      chars++;
    }
  }
  if (chars <= 1) {
    if (cap >= 2)
      memcpy(out, "*", 2);
    return out;
  }
  size_t stars = chars == 2 ? 1 : chars - 2;
  size_t need = first_end + stars + (chars == 2 ? 0 : len - last_start) + 1;
  if (need > cap) {
    if (cap >= 2)
      memcpy(out, "*", 2);
    return out;
  }
  size_t o = 0;
  memcpy(out, name, first_end);
  o = first_end;
  memset(out + o, '*', stars);
  o += stars;
  if (chars > 2) {
    memcpy(out + o, name + last_start, len - last_start);
    o += len - last_start;
  }
  out[o] = '\0';
  return out;
}

/* ------------------------------------------------------------------ UTF-8 -- */

size_t station_utf8_valid_prefix(const uint8_t *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    /* ASCII runs 8 bytes at a time (CSV exports are mostly ASCII). */
    while (len - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull)
        break;
      i += 8;
    }
    if (i >= len)
      break;
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    } else {
      return i;
    }
    if (n > len - i - 1)
      return i;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k <= n; k++)
      if ((s[i + k] & 0xC0) != 0x80)
        return i;
    i += n + 1;
  }
  return len;
}
