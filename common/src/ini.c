/* The strict INI-style reader: see ini.h for the grammar. Taken from the terminal's
 * fuzzed parser (kiosk/src/ini.c), with the dialect flags the other three formats need. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/ini.h"
#include "common/utf8.h"

struct ini_state {
  const char *file;
  unsigned flags;
  size_t line_max, key_max, value_max;
  char section[COMMON_INI_NAME_MAX + 1];
  char keys[COMMON_INI_KEYS_MAX][COMMON_INI_NAME_MAX + 1];
  size_t nkeys;
  char (*sections)[COMMON_INI_NAME_MAX + 1];
  size_t nsections;
  const struct common_ini_handler *h;
  void *user;
  struct common_diag *diag;
};

static int is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static int section_name_ok(const char *s, size_t n)
{
  if (n == 0 || n > COMMON_INI_NAME_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
      return 0;
  }
  return 1;
}

static int key_ok(const struct ini_state *st, const char *s, size_t n)
{
  if (n == 0 || n > st->key_max)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (st->flags & COMMON_INI_DOTTED_KEYS)
      ok = i == 0 ? (c >= 'a' && c <= 'z')
                  : ok || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
    if (!ok)
      return 0;
  }
  return 1;
}

static int fail(struct ini_state *st, int err, unsigned line, const char *text)
{
  return common_diag_set(st->diag, err, st->file, line, "%s", text);
}

static int parse_section(struct ini_state *st, const char *line, size_t b, size_t e,
                         unsigned lineno)
{
  if (st->flags & COMMON_INI_NO_SECTIONS)
    return fail(st, COMMON_E_SYNTAX, lineno, "no [section] lines in this file");
  if (line[e - 1] != ']')
    return fail(st, COMMON_E_SYNTAX, lineno, "section header must end with ']'");
  const char *name = line + b + 1;
  size_t nl = e - b >= 2 ? e - b - 2 : 0;
  if (!section_name_ok(name, nl))
    return fail(st, COMMON_E_SYNTAX, lineno, "bad section name (use 1-63 of a-z 0-9 . _ -)");
  char tmp[COMMON_INI_NAME_MAX + 1];
  memcpy(tmp, name, nl);
  tmp[nl] = '\0';
  for (size_t i = 0; i < st->nsections; i++)
    if (strcmp(st->sections[i], tmp) == 0)
      return common_diag_set(st->diag, COMMON_E_SYNTAX, st->file, lineno,
                             "duplicate section [%s]", tmp);
  if (st->nsections >= COMMON_INI_SECTIONS_MAX)
    return fail(st, COMMON_E_TOO_LARGE, lineno, "too many sections");
  memcpy(st->sections[st->nsections++], tmp, nl + 1);
  memcpy(st->section, tmp, nl + 1);
  st->nkeys = 0;
  if (st->h->section && st->h->section(st->user, st->section, lineno) != 0)
    return COMMON_E_STOPPED;
  return COMMON_OK;
}

static int parse_pair(struct ini_state *st, const char *line, size_t b, size_t e,
                      unsigned lineno)
{
  const char *eq = memchr(line + b, '=', e - b);
  if (!eq)
    return fail(st, COMMON_E_SYNTAX, lineno, "expected 'key = value'");
  size_t ke = (size_t)(eq - line);
  size_t vb = ke + 1;
  while (ke > b && is_blank(line[ke - 1]))
    ke--;
  while (vb < e && is_blank(line[vb]))
    vb++;
  if (!key_ok(st, line + b, ke - b))
    return common_diag_set(st->diag, COMMON_E_SYNTAX, st->file, lineno,
                           (st->flags & COMMON_INI_DOTTED_KEYS)
                               ? "bad key (a-z first, then 0-%zu of a-z A-Z 0-9 . _ -)"
                               : "bad key (use 1-%zu of a-z 0-9 _)",
                           (st->flags & COMMON_INI_DOTTED_KEYS) ? st->key_max - 1 : st->key_max);
  if ((st->flags & COMMON_INI_NEED_SECTION) && !st->section[0])
    return fail(st, COMMON_E_SYNTAX, lineno, "'key = value' before the first [section]");
  if (vb == e && !(st->flags & COMMON_INI_EMPTY_VALUES))
    return fail(st, COMMON_E_SYNTAX, lineno, "empty value");
  if (e - vb > st->value_max)
    return common_diag_set(st->diag, COMMON_E_TOO_LARGE, st->file, lineno,
                           "value longer than %zu bytes", st->value_max);
  char key[COMMON_INI_NAME_MAX + 1];
  memcpy(key, line + b, ke - b);
  key[ke - b] = '\0';
  if (!(st->flags & COMMON_INI_DUP_KEYS)) {
    for (size_t i = 0; i < st->nkeys; i++)
      if (strcmp(st->keys[i], key) == 0)
        return common_diag_set(st->diag, COMMON_E_SYNTAX, st->file, lineno,
                               "duplicate key '%s'", key);
    if (st->nkeys >= COMMON_INI_KEYS_MAX)
      return fail(st, COMMON_E_TOO_LARGE, lineno, "too many keys in section");
    memcpy(st->keys[st->nkeys++], key, strlen(key) + 1);
  }
  char value[COMMON_INI_LINE_MAX + 1];
  memcpy(value, line + vb, e - vb);
  value[e - vb] = '\0';
  if (st->h->pair && st->h->pair(st->user, st->section, key, value, lineno) != 0)
    return COMMON_E_STOPPED;
  return COMMON_OK;
}

static int parse_line(struct ini_state *st, const char *line, size_t n, unsigned lineno)
{
  /* Validate the bytes first: UTF-8, no control characters except tab. */
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)line[i];
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return common_diag_set(st->diag, COMMON_E_SYNTAX, st->file, lineno,
                             "control character 0x%02x in line", c);
    size_t k = common_utf8_seq((const uint8_t *)line + i, n - i);
    if (k == 0)
      return fail(st, COMMON_E_SYNTAX, lineno, "invalid UTF-8");
    i += k;
  }
  size_t b = 0, e = n;
  while (b < e && is_blank(line[b]))
    b++;
  while (e > b && is_blank(line[e - 1]))
    e--;
  if (b == e || line[b] == '#' || (line[b] == ';' && !(st->flags & COMMON_INI_HASH_COMMENTS)))
    return COMMON_OK;
  if (line[b] == '[')
    return parse_section(st, line, b, e, lineno);
  return parse_pair(st, line, b, e, lineno);
}

static size_t pick(size_t v, size_t dflt, size_t max)
{
  return v == 0 ? dflt : v > max ? max : v;
}

int common_ini_parse(const char *buf, size_t len, const char *file,
                     const struct common_ini_dialect *dialect,
                     const struct common_ini_handler *h, void *user, struct common_diag *diag)
{
  static const struct common_ini_dialect strict = {0, 0, 0, 0, 0};
  if (!dialect)
    dialect = &strict;
  if ((!buf && len) || !h)
    return common_diag_set(diag, COMMON_E_INVALID_ARG, file, 0, "no input");
  size_t input_max = dialect->input_max ? dialect->input_max : COMMON_INI_INPUT_MAX;
  if (len > input_max)
    return common_diag_set(diag, COMMON_E_TOO_LARGE, file, 0, "file larger than %zu bytes",
                           input_max);
  struct ini_state *st = calloc(1, sizeof *st);
  if (!st)
    return common_diag_set(diag, COMMON_E_NO_MEMORY, file, 0, "out of memory");
  st->file = file ? file : "";
  st->flags = dialect->flags;
  st->line_max = dialect->line_max ? dialect->line_max : COMMON_INI_LINE_MAX;
  st->key_max = pick(dialect->key_max, COMMON_INI_NAME_MAX, COMMON_INI_NAME_MAX);
  st->value_max = pick(dialect->value_max, COMMON_INI_VALUE_MAX, COMMON_INI_LINE_MAX);
  st->h = h;
  st->user = user;
  st->diag = diag;
  int rc = COMMON_OK;
  if (!(st->flags & COMMON_INI_NO_SECTIONS)) {
    st->sections = calloc(COMMON_INI_SECTIONS_MAX, sizeof *st->sections);
    if (!st->sections) {
      rc = common_diag_set(diag, COMMON_E_NO_MEMORY, file, 0, "out of memory");
      goto out_free_state;
    }
  }
  size_t pos = 0;
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  unsigned lineno = 0;
  while (pos < len) {
    lineno++;
    size_t left = len - pos;
    const char *nl = memchr(buf + pos, '\n', left);
    size_t n = nl ? (size_t)(nl - (buf + pos)) : left;
    size_t next = pos + n + (nl ? 1 : 0);
    if (n > 0 && buf[pos + n - 1] == '\r')
      n--;
    if (n > st->line_max) {
      rc = common_diag_set(diag, COMMON_E_TOO_LARGE, st->file, lineno,
                           "line longer than %zu bytes", st->line_max);
      break;
    }
    rc = parse_line(st, buf + pos, n, lineno);
    if (rc != COMMON_OK)
      break;
    pos = next;
  }
  free(st->sections);
out_free_state:
  free(st);
  return rc;
}

int common_read_file(const char *path, size_t max, char **out, size_t *len,
                     struct common_diag *diag)
{
  if (!out || !len)
    return common_diag_set(diag, COMMON_E_INVALID_ARG, path, 0, "no output");
  *out = NULL;
  *len = 0;
  if (!path)
    return common_diag_set(diag, COMMON_E_INVALID_ARG, "", 0, "no path");
  FILE *f = fopen(path, "rb");
  if (!f)
    return common_diag_set(diag, errno == ENOENT ? COMMON_E_NOT_FOUND : COMMON_E_IO, path, 0,
                           "cannot open: %s", strerror(errno));
  struct stat sb;
  int rc = COMMON_OK;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    rc = common_diag_set(diag, COMMON_E_IO, path, 0, "not a regular file");
    goto out_close;
  }
  if ((uint64_t)sb.st_size > max) {
    rc = common_diag_set(diag, COMMON_E_TOO_LARGE, path, 0, "file larger than %zu bytes", max);
    goto out_close;
  }
  size_t cap = (size_t)sb.st_size;
  char *buf = malloc(cap + 1);
  if (!buf) {
    rc = common_diag_set(diag, COMMON_E_NO_MEMORY, path, 0, "out of memory");
    goto out_close;
  }
  size_t n = fread(buf, 1, cap, f);
  if (ferror(f) || n != cap) {
    free(buf);
    rc = common_diag_set(diag, COMMON_E_IO, path, 0, "read error");
    goto out_close;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
out_close:
  fclose(f);
  return rc;
}
