/* UTF-8 helpers: see utf8.h. */
#include <string.h>

#include "utf8.h"

size_t ui_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
  const unsigned char *u = (const unsigned char *)s;
  if (len == 0)
    return 0;
  *cp = 0xFFFD;
  if (u[0] < 0x80) {
    *cp = u[0];
    return 1;
  }
  size_t n;
  uint32_t c, min;
  if ((u[0] & 0xE0) == 0xC0) {
    n = 2, c = u[0] & 0x1Fu, min = 0x80;
  } else if ((u[0] & 0xF0) == 0xE0) {
    n = 3, c = u[0] & 0x0Fu, min = 0x800;
  } else if ((u[0] & 0xF8) == 0xF0) {
    n = 4, c = u[0] & 0x07u, min = 0x10000;
  } else {
    return 1;
  }
  if (n > len)
    return 1;
  for (size_t i = 1; i < n; i++) {
    if ((u[i] & 0xC0) != 0x80)
      return 1;
    c = (c << 6) | (u[i] & 0x3Fu);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 1;
  *cp = c;
  return n;
}

size_t ui_utf8_clip(const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, ok = 0;
  while (i < n && u[i]) {
    uint32_t cp;
    size_t k = ui_utf8_decode(s + i, n - i, &cp);
    /* A character cut by n decodes as one invalid byte: stop before it. */
    if (k == 1 && u[i] >= 0x80)
      break;
    i += k;
    ok = i;
  }
  return ok;
}

void ui_utf8_copy(char *dst, size_t cap, const char *src)
{
  if (!dst || cap == 0)
    return;
  if (!src) {
    dst[0] = '\0';
    return;
  }
  size_t len = strlen(src);
  /* Clipping also stops at an invalid byte: a screen never gets malformed text. */
  size_t n = ui_utf8_clip(src, len < cap - 1 ? len : cap - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}
