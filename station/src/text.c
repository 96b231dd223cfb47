/* The import's date grammar, and the station's buffer-returning forms of common's date
 * format and masks (station.h), which its printf-style callers use inline; the HTML text
 * writer of the certificate and notice pages. */
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "common/date.h"
#include "common/idno.h"
#include "common/utf8.h"
#include "station/station.h"
#include "station_int.h"

/* ------------------------------------------------------------------ dates -- */

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
      !common_date_valid(y, (unsigned)m, (unsigned)d))
    return STATION_E_SYNTAX;
  *day = common_days_from_civil(y, (unsigned)m, (unsigned)d);
  return STATION_OK;
}

char *station_date_format(int32_t day, char *buf, size_t cap)
{
  char tmp[COMMON_DATE_LEN + 1];
  common_date_format(day, tmp);
  if (buf && cap)
    snprintf(buf, cap, "%s", tmp);
  return buf;
}

int32_t station_date_today(void)
{
  return common_local_day((int64_t)time(NULL), 8 * 3600);
}

/* ---------------------------------------------------------------- masking -- */

char *station_mask_idno(const char *idno, char out[COMMON_ID_LEN + 1])
{
  if (common_id_mask(idno ? idno : "", out, COMMON_ID_LEN + 1) != COMMON_OK)
    memset(out, 0, COMMON_ID_LEN + 1);
  return out;
}

char *station_mask_name(const char *name, char *out, size_t cap)
{
  /* On any error common_name_mask leaves "*" (or "" when even that does not fit). */
  common_name_mask(name, out, cap);
  return out;
}

void station_html_put(FILE *out, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(*s, out);
    }
  }
}
