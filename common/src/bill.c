/* Bill numbers (common/bill.h). */
#include <stdint.h>
#include <string.h>

#include "common/bill.h"
#include "common/idno.h"
#include "common/utf8.h"

static int ascii_ok(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '/' || c == '_' || c == '.';
}

int common_bill_no_valid_n(const char *s, size_t len)
{
  const uint8_t *p = (const uint8_t *)s;
  char tmp[COMMON_BILL_NO_MAX + 1];
  if (!s || len == 0 || len > COMMON_BILL_NO_MAX)
    return 0;
  for (size_t i = 0; i < len;) {
    size_t n = common_utf8_seq(p + i, len - i);
    uint32_t cp;
    if (n == 1) {
      if (!ascii_ok(p[i]))
        return 0;
      i++;
      continue;
    }
    /* Only three-byte sequences hold the ideographs allowed here. */
    if (n != 3)
      return 0;
    cp = (uint32_t)(p[i] & 0x0f) << 12 | (uint32_t)(p[i + 1] & 0x3f) << 6 | (p[i + 2] & 0x3f);
    if (!((cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff)))
      return 0;
    i += 3;
  }
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  return !common_id_shaped(tmp);
}

int common_bill_no_valid(const char *s)
{
  if (!s)
    return 0;
  return common_bill_no_valid_n(s, strnlen(s, COMMON_BILL_NO_MAX + 1));
}
