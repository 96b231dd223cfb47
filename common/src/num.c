/* Strict decimal numbers (ini.h). */
#include "common/ini.h"

int common_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  if (!s || !*s || !out)
    return COMMON_E_SYNTAX;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return COMMON_E_SYNTAX;
    uint64_t d = (uint64_t)(*p - '0');
    if (d > max || v > (max - d) / 10u)
      return COMMON_E_RANGE;
    v = v * 10u + d;
  }
  *out = v;
  return COMMON_OK;
}

int common_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
  if (!s || !out)
    return COMMON_E_SYNTAX;
  int neg = s[0] == '-';
  if (neg && min >= 0)
    return COMMON_E_RANGE;
  /* The magnitude's limit: |min| for a negative number (INT64_MIN's magnitude does not
   * fit an int64_t, so it is computed as -(min + 1) + 1). */
  uint64_t lim = neg ? (uint64_t)(-(min + 1)) + 1u : (uint64_t)(max < 0 ? 0 : max);
  uint64_t mag;
  int rc = common_parse_u64(s + neg, lim, &mag);
  if (rc != COMMON_OK)
    return rc;
  int64_t v = neg ? (mag == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
  if (v < min || v > max)
    return COMMON_E_RANGE;
  *out = v;
  return COMMON_OK;
}
