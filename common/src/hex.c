/* Hex encode / decode (hex.h). */
#include "common/hex.h"

int common_hex_digit(int c, int upper)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (upper && c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int common_hex_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
  static const char digits[] = "0123456789abcdef";
  if (!out || (!in && n))
    return COMMON_E_INVALID_ARG;
  /* n > (cap - 1) / 2 rather than 2 * n + 1 > cap: no overflow for huge n. */
  if (cap == 0 || n > (cap - 1) / 2) {
    if (cap)
      out[0] = '\0';
    return COMMON_E_BUFFER_TOO_SMALL;
  }
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 0x0F];
  }
  out[2 * n] = '\0';
  return COMMON_OK;
}

int common_hex_decode(const char *s, size_t len, uint8_t *out, size_t n, int upper)
{
  if ((!s && len) || (!out && n))
    return COMMON_E_INVALID_ARG;
  if (len / 2 != n || len % 2 != 0)
    return COMMON_E_SYNTAX;
  for (size_t i = 0; i < n; i++) {
    int hi = common_hex_digit((unsigned char)s[2 * i], upper);
    int lo = common_hex_digit((unsigned char)s[2 * i + 1], upper);
    if (hi < 0 || lo < 0)
      return COMMON_E_SYNTAX;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return COMMON_OK;
}
