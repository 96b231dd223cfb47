/*
 * Fuzz the centre URL list (common/url.h): every accepted list has 1..8 addresses, each
 * valid on its own, https://, at most 255 bytes, no space, no '@', '?', '#', '%', no
 * trailing slash, no two the same; a refusal always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct common_url_list l;
  char why[200];
  char *s;
  int rc;
  if (size > 4096)
    return 0;
  s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  rc = common_url_list_parse(s, &l, why, sizeof why);
  if (rc == COMMON_OK) {
    if (l.n < 1 || l.n > COMMON_URLS_MAX)
      abort();
    for (size_t i = 0; i < l.n; i++) {
      size_t n = strlen(l.url[i]);
      if (n > COMMON_URL_MAX || strncmp(l.url[i], "https://", 8) != 0 ||
          strpbrk(l.url[i], " \t@?#%") || l.url[i][n - 1] == '/' ||
          !common_url_valid_n(l.url[i], n) || !strstr(s, l.url[i]))
        abort();
      for (size_t k = 0; k < i; k++)
        if (strcmp(l.url[i], l.url[k]) == 0)
          abort();
    }
  } else if (!why[0] || strlen(why) >= sizeof why) {
    abort();
  }
  /* Any single address: the same verdict through the list when it has no blanks. */
  if (size <= COMMON_URL_MAX && !memchr(data, ' ', size) && !memchr(data, '\t', size) &&
      !memchr(data, '\0', size) && size > 0 && common_url_valid_n(s, size) != (rc == COMMON_OK))
    abort();
  free(s);
  return 0;
}
