/* UTF-8 validation (utf8.h). */
#include <string.h>

#include "common/utf8.h"

size_t common_utf8_seq(const uint8_t *s, size_t left)
{
  if (!s || left == 0)
    return 0;
  uint8_t c = s[0];
  if (c < 0x80)
    return 1;
  size_t n;
  /* The second byte's range rules out overlong forms, surrogates and > U+10FFFF. */
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (n > left || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t k = 2; k < n; k++)
    if ((s[k] & 0xC0) != 0x80)
      return 0;
  return n;
}

size_t common_utf8_valid_prefix(const void *p, size_t len)
{
  const uint8_t *s = p;
  size_t i = 0;
  if (!s)
    return 0;
  while (i < len) {
    /* ASCII runs 8 bytes at a time (CSV exports and configuration are mostly ASCII). */
    while (len - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ull)
        break;
      i += 8;
    }
    if (i >= len)
      break;
    size_t k = common_utf8_seq(s + i, len - i);
    if (k == 0)
      return i;
    i += k;
  }
  return len;
}

int common_utf8_valid(const void *s, size_t len)
{
  if (!s)
    return len == 0;
  return common_utf8_valid_prefix(s, len) == len;
}

int common_utf8_printable(const void *p, size_t len)
{
  const uint8_t *s = p;
  size_t i = 0;
  if (!s)
    return len == 0;
  while (i < len) {
    size_t k = common_utf8_seq(s + i, len - i);
    if (k == 0 || (k == 1 && (s[i] < 0x20 || s[i] == 0x7F)))
      return 0;
    if (k == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) /* C1 controls U+0080..U+009F */
      return 0;
    i += k;
  }
  return 1;
}
