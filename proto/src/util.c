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

void proto_i_hex(const uint8_t *in, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15u];
  }
  out[2 * n] = '\0';
}

static int nibble(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

int proto_i_unhex(const char *s, size_t slen, uint8_t *out, size_t n)
{
  if (slen != 2 * n)
    return -1;
  for (size_t i = 0; i < n; i++) {
    int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return 0;
}

int proto_i_token_ok(const char *s, size_t max)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (n >= max || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return n > 0;
}

int proto_i_id_shaped(const char *s)
{
  static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0, check;
  char want, got;
  if (!s)
    return 0;
  for (int i = 0; i < 17; i++) {
    if (s[i] < '0' || s[i] > '9')
      return 0;
    sum += (s[i] - '0') * w[i];
  }
  check = (12 - sum % 11) % 11; /* 10 is written X */
  want = check == 10 ? 'X' : (char)('0' + check);
  got = s[17] == 'x' ? 'X' : s[17];
  return got == want && s[18] == '\0';
}

int proto_i_card_no_ok(const char *s)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; s[n]; n++)
    if (n >= 20 || !((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-'))
      return 0;
  return n > 0 && !proto_i_id_shaped(s);
}
