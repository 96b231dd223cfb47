/* Bounded text copies (text.h). */
#include <string.h>

#include "text.h"

void term_copy_str(char *dst, size_t cap, const char *src)
{
  size_t n = src ? strlen(src) : 0;
  if (n >= cap) {
    n = cap - 1;
    /* back off continuation bytes (10xxxxxx) to the start of the cut character */
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
      n--;
  }
  if (n)
    memcpy(dst, src, n);
  dst[n] = '\0';
}
