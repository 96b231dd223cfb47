/* Fuzz target: the ui strings file parser (ui/strings.h), then every lookup, the
 * completeness check and placeholder formatting of every value the parser accepted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/strings.h"
#include "ui/ui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct ui_strings *s = NULL;
  struct ui_diag d;
  if (ui_strings_parse((const char *)data, size, &s, &d) != UI_OK) {
    /* a failure always says where and what */
    if (d.text[0] == '\0' || strlen(d.text) >= sizeof d.text)
      abort();
    return 0;
  }
  static const char *const pairs[] = {"n", "12", "age", "3 分钟", "total", "37", NULL};
  char out[256], tiny[5];
  for (size_t i = 0; i < ui_strings_count(s); i++) {
    const char *k = ui_strings_key_at(s, i);
    const char *v = ui_strings_get(s, k);
    if (!k || !v)
      abort();
    ui_format(out, sizeof out, v, pairs);
    ui_format(tiny, sizeof tiny, v, pairs);
    if (strlen(tiny) >= sizeof tiny)
      abort();
  }
  ui_strings_check(s, &d);
  ui_strings_destroy(s);
  return 0;
}
