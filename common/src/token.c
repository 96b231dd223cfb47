/* Identifier tokens (token.h). */
#include <string.h>

#include "common/token.h"

static int token_char(char c, enum common_token_kind kind)
{
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
      c == '_' || c == '-')
    return 1;
  return kind == COMMON_TOKEN_REF && (c == ':' || c == '/');
}

int common_token_valid_n(const char *s, size_t len, size_t max, enum common_token_kind kind)
{
  if (!s || len == 0 || len > max)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (!token_char(s[i], kind))
      return 0;
  return 1;
}

int common_token_valid(const char *s, size_t max)
{
  if (!s)
    return 0;
  /* strnlen with max + 1: a longer string is refused without reading all of it. */
  size_t n = max == (size_t)-1 ? strlen(s) : strnlen(s, max + 1);
  return common_token_valid_n(s, n, max, COMMON_TOKEN_PLAIN);
}
