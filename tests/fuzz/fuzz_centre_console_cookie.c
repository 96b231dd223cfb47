/*
 * Fuzz target: console_cookie_get (centre/src/console.h), which reads the Cookie header
 * of every request to the web console: untrusted bytes from any browser or script.
 * Whatever it returns must fit the buffer and hold only cookie-value characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../centre/src/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const names[] = {"yhc_s", "yhc_l", "yhc_lang", "a"};
  char *header = malloc(size + 1), out[65];
  if (!header)
    return 0;
  memcpy(header, data, size);
  header[size] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    memset(out, 'X', sizeof out);
    if (console_cookie_get(header, names[i], out, sizeof out) != 0)
      continue;
    size_t n = strnlen(out, sizeof out);
    if (n == 0 || n >= sizeof out)
      abort();
    for (size_t k = 0; k < n; k++)
      if ((unsigned char)out[k] <= 0x20 || (unsigned char)out[k] >= 0x7f || out[k] == ';' ||
          out[k] == ',' || out[k] == '"' || out[k] == '\\')
        abort();
  }
  free(header);
  return 0;
}
