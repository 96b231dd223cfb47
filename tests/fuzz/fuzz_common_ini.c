/*
 * Fuzz the common INI reader (common/ini.h) in the four dialects it serves: the strict
 * default (terminal configuration, site registry), the centre configuration, the strings
 * files. Every accepted pair must obey the grammar; every refusal must say why and where.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/ini.h"
#include "common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
  unsigned flags;
  unsigned last_line;
};

static int on_section(void *user, const char *name, unsigned line)
{
  struct seen *s = user;
  size_t n = strlen(name);
  if ((s->flags & COMMON_INI_NO_SECTIONS) || n == 0 || n > COMMON_INI_NAME_MAX ||
      line <= s->last_line)
    abort();
  s->last_line = line;
  return 0;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct seen *s = user;
  size_t vn = strlen(value);
  if (!key[0] || strlen(key) > COMMON_INI_NAME_MAX || line <= s->last_line ||
      vn > COMMON_INI_VALUE_MAX || !common_utf8_valid(value, vn))
    abort();
  if (!vn && !(s->flags & COMMON_INI_EMPTY_VALUES))
    abort();
  if ((s->flags & COMMON_INI_NEED_SECTION) && !section[0])
    abort();
  if (vn && (value[0] == ' ' || value[0] == '\t' || value[vn - 1] == ' ' || value[vn - 1] == '\t'))
    abort(); /* values come trimmed */
  s->last_line = line;
  /* The handler stops on a key named "stop": the reader must report that, not go on. */
  return strcmp(key, "stop") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct common_ini_dialect dialects[] = {
      {0, 0, 0, 0, 0},
      {COMMON_INI_NEED_SECTION | COMMON_INI_EMPTY_VALUES, 0, 0, 0, 0},
      {COMMON_INI_NO_SECTIONS | COMMON_INI_DOTTED_KEYS | COMMON_INI_HASH_COMMENTS |
           COMMON_INI_DUP_KEYS,
       256u * 1024u, 0, 63, 512},
  };
  static const struct common_ini_handler h = {on_section, on_pair};
  for (size_t i = 0; i < sizeof dialects / sizeof dialects[0]; i++) {
    struct seen s = {dialects[i].flags, 0};
    struct common_diag d = {{0}, 0, {0}};
    int rc = common_ini_parse((const char *)data, size, "fuzz.ini", &dialects[i], &h, &s, &d);
    if (rc != COMMON_OK && rc != COMMON_E_STOPPED && (d.text[0] == '\0' || strcmp(d.file, "fuzz.ini") != 0))
      abort(); /* every refusal says why, naming the file */
  }
  return 0;
}
