/* proto's private helpers (proto_int.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto_int.h"

int proto_i_why(char *why, size_t cap, int err, const char *fmt, ...)
{
  va_list ap;
  if (why && cap) {
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return err;
}

int proto_i_card_no_ok(const char *s)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; s[n]; n++)
    if (n >= 20 || !((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-'))
      return 0;
  return n > 0 && !common_id_shaped(s);
}
