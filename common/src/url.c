/* The centre URL list (common/url.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/url.h"

static int is_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_hex(char c)
{
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9');
}

int common_url_valid_n(const char *s, size_t len)
{
  size_t i = 8, start;
  if (!s || len < 9 || len > COMMON_URL_MAX || memcmp(s, "https://", 8) != 0)
    return 0;
  /* host */
  start = i;
  if (s[i] == '[') {
    i++;
    while (i < len && (is_hex(s[i]) || s[i] == ':' || s[i] == '.'))
      i++;
    if (i >= len || s[i] != ']' || i - start < 3) /* at least "[::" + "]" */
      return 0;
    i++;
  } else {
    while (i < len && (is_alnum(s[i]) || s[i] == '.' || s[i] == '-'))
      i++;
    if (i == start || i - start > 253 || s[start] == '.' || s[start] == '-' || s[i - 1] == '.' ||
        s[i - 1] == '-')
      return 0;
  }
  /* port */
  if (i < len && s[i] == ':') {
    unsigned long port = 0;
    size_t d = ++i;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - d < 5)
      port = port * 10 + (unsigned long)(s[i++] - '0');
    if (i == d || port == 0 || port > 65535 || (i < len && s[i] >= '0' && s[i] <= '9'))
      return 0;
  }
  /* path: /seg(/seg)*, never an empty segment, never a trailing slash */
  while (i < len) {
    size_t seg;
    if (s[i] != '/')
      return 0;
    seg = ++i;
    while (i < len && (is_alnum(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '~' || s[i] == '-'))
      i++;
    if (i == seg)
      return 0;
  }
  return 1;
}

static void say(char *why, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *why, size_t cap, const char *fmt, ...)
{
  va_list ap;
  if (!why || !cap)
    return;
  va_start(ap, fmt);
  vsnprintf(why, cap, fmt, ap);
  va_end(ap);
}

int common_url_list_parse(const char *s, struct common_url_list *out, char *why, size_t cap)
{
  const char *p;
  size_t total = 0;
  if (why && cap)
    why[0] = '\0';
  if (!s || !out)
    return COMMON_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  /* Count first, so that an error can say "address k of n". */
  for (p = s; *p;) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p)
      break;
    total++;
    while (*p && *p != ' ' && *p != '\t')
      p++;
  }
  if (total == 0) {
    say(why, cap, "no address");
    return COMMON_E_NOT_FOUND;
  }
  if (total > COMMON_URLS_MAX) {
    say(why, cap, "%zu addresses, at most %u", total, COMMON_URLS_MAX);
    return COMMON_E_TOO_LARGE;
  }
  for (p = s; *p;) {
    const char *b;
    size_t len;
    while (*p == ' ' || *p == '\t')
      p++;
    if (!*p)
      break;
    b = p;
    while (*p && *p != ' ' && *p != '\t')
      p++;
    len = (size_t)(p - b);
    if (len > COMMON_URL_MAX) {
      say(why, cap, "address %zu of %zu is longer than %u bytes", out->n + 1, total,
          COMMON_URL_MAX);
      return COMMON_E_TOO_LARGE;
    }
    if (!common_url_valid_n(b, len)) {
      say(why, cap,
          "address %zu of %zu: expected https://host[:port][/path] without a trailing slash, "
          "user, query or escapes",
          out->n + 1, total);
      return COMMON_E_SYNTAX;
    }
    for (size_t k = 0; k < out->n; k++)
      if (strlen(out->url[k]) == len && memcmp(out->url[k], b, len) == 0) {
        say(why, cap, "address %zu of %zu is listed twice", out->n + 1, total);
        return COMMON_E_SYNTAX;
      }
    memcpy(out->url[out->n], b, len);
    out->url[out->n][len] = '\0';
    out->n++;
  }
  return COMMON_OK;
}
