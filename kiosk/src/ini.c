/* Strict INI-like parser: see ini.h for the grammar. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ini.h"

/* Length of the valid UTF-8 sequence at s (at most left bytes), 0 when invalid.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t n;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (n > left)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0u) != 0x80u)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if ((n == 3 && cp < 0x800u) || (n == 4 && (cp < 0x10000u || cp > 0x10FFFFu)) ||
      (cp >= 0xD800u && cp <= 0xDFFFu))
    return 0;
  return n;
}

static int is_blank(char c)
{
  return c == ' ' || c == '\t';
}

static int name_ok(const char *s, size_t n, int section)
{
  if (n == 0 || n > KIOSK_INI_NAME_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
             (section && (c == '.' || c == '-'));
    if (!ok)
      return 0;
  }
  return 1;
}

struct ini_state {
  char section[KIOSK_INI_NAME_MAX + 1];
  char keys[KIOSK_INI_KEYS_MAX][KIOSK_INI_NAME_MAX + 1];
  size_t nkeys;
  char (*sections)[KIOSK_INI_NAME_MAX + 1];
  size_t nsections;
};

static int parse_line(struct ini_state *st, const char *line, size_t n, const char *file,
                      unsigned lineno, const struct kiosk_ini_handler *h, void *user,
                      struct kiosk_diag *diag)
{
  /* Validate bytes first: UTF-8, no control characters except tab. */
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)line[i];
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno,
                            "control character 0x%02x in line", c);
    size_t k = utf8_seq((const unsigned char *)line + i, n - i);
    if (k == 0)
      return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno, "invalid UTF-8");
    i += k;
  }
  size_t b = 0, e = n;
  while (b < e && is_blank(line[b]))
    b++;
  while (e > b && is_blank(line[e - 1]))
    e--;
  if (b == e || line[b] == '#' || line[b] == ';')
    return KIOSK_OK;

  if (line[b] == '[') {
    if (line[e - 1] != ']')
      return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno,
                            "section header must end with ']'");
    const char *name = line + b + 1;
    size_t nl = e - b - 2;
    if (!name_ok(name, nl, 1))
      return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno,
                            "bad section name (use 1-63 of a-z 0-9 . _ -)");
    char tmp[KIOSK_INI_NAME_MAX + 1];
    memcpy(tmp, name, nl);
    tmp[nl] = '\0';
    for (size_t i = 0; i < st->nsections; i++)
      if (strcmp(st->sections[i], tmp) == 0)
        return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno, "duplicate section [%s]",
                              tmp);
    if (st->nsections >= KIOSK_INI_SECTIONS_MAX)
      return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, lineno, "too many sections");
    memcpy(st->sections[st->nsections++], tmp, nl + 1);
    memcpy(st->section, tmp, nl + 1);
    st->nkeys = 0;
    return h->section ? h->section(user, st->section, lineno, diag) : KIOSK_OK;
  }

  const char *eq = memchr(line + b, '=', e - b);
  if (!eq)
    return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno, "expected 'key = value'");
  size_t ke = (size_t)(eq - line);
  size_t vb = ke + 1;
  while (ke > b && is_blank(line[ke - 1]))
    ke--;
  while (vb < e && is_blank(line[vb]))
    vb++;
  if (!name_ok(line + b, ke - b, 0))
    return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno,
                          "bad key (use 1-63 of a-z 0-9 _)");
  if (vb == e)
    return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno, "empty value");
  if (e - vb > KIOSK_INI_VALUE_MAX)
    return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, lineno, "value too long");
  char key[KIOSK_INI_NAME_MAX + 1];
  memcpy(key, line + b, ke - b);
  key[ke - b] = '\0';
  for (size_t i = 0; i < st->nkeys; i++)
    if (strcmp(st->keys[i], key) == 0)
      return kiosk_diag_set(diag, KIOSK_E_SYNTAX, file, lineno, "duplicate key '%s'", key);
  if (st->nkeys >= KIOSK_INI_KEYS_MAX)
    return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, lineno, "too many keys in section");
  memcpy(st->keys[st->nkeys++], key, strlen(key) + 1);
  char value[KIOSK_INI_VALUE_MAX + 1];
  memcpy(value, line + vb, e - vb);
  value[e - vb] = '\0';
  return h->pair ? h->pair(user, st->section, key, value, lineno, diag) : KIOSK_OK;
}

int kiosk_ini_parse(const char *buf, size_t len, const char *file,
                    const struct kiosk_ini_handler *h, void *user, struct kiosk_diag *diag)
{
  if (!buf || !h)
    return kiosk_diag_set(diag, KIOSK_E_INVALID_ARG, file, 0, "no input");
  if (len > KIOSK_INI_INPUT_MAX)
    return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, 0, "file larger than %u bytes",
                          KIOSK_INI_INPUT_MAX);
  struct ini_state *st = calloc(1, sizeof *st);
  if (!st)
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, 0, "out of memory");
  st->sections = calloc(KIOSK_INI_SECTIONS_MAX, sizeof *st->sections);
  if (!st->sections) {
    free(st);
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, 0, "out of memory");
  }
  size_t pos = 0;
  if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
      (unsigned char)buf[2] == 0xBF)
    pos = 3;
  unsigned lineno = 0;
  int rc = KIOSK_OK;
  while (pos < len) {
    lineno++;
    size_t left = len - pos;
    const char *nl = memchr(buf + pos, '\n', left);
    size_t n = nl ? (size_t)(nl - (buf + pos)) : left;
    size_t next = pos + n + (nl ? 1 : 0);
    if (n > 0 && buf[pos + n - 1] == '\r')
      n--;
    if (n > KIOSK_INI_LINE_MAX) {
      rc = kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, lineno, "line longer than %u bytes",
                          KIOSK_INI_LINE_MAX);
      break;
    }
    rc = parse_line(st, buf + pos, n, file, lineno, h, user, diag);
    if (rc != KIOSK_OK)
      break;
    pos = next;
  }
  free(st->sections);
  free(st);
  return rc;
}

int kiosk_read_file(const char *path, size_t max, char **out, size_t *len,
                    struct kiosk_diag *diag)
{
  *out = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return kiosk_diag_set(diag, errno == ENOENT ? KIOSK_E_NOT_FOUND : KIOSK_E_IO, path, 0,
                          "cannot open: %s", strerror(errno));
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
    fclose(f);
    return kiosk_diag_set(diag, KIOSK_E_IO, path, 0, "not a regular file");
  }
  if ((uint64_t)sb.st_size > max) {
    fclose(f);
    return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, path, 0, "file larger than %zu bytes",
                          max);
  }
  size_t cap = (size_t)sb.st_size;
  char *buf = malloc(cap + 1);
  if (!buf) {
    fclose(f);
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, path, 0, "out of memory");
  }
  size_t n = fread(buf, 1, cap, f);
  int bad = ferror(f);
  fclose(f);
  if (bad || n != cap) {
    free(buf);
    return kiosk_diag_set(diag, KIOSK_E_IO, path, 0, "read error");
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return KIOSK_OK;
}

int kiosk_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  if (!s || !*s)
    return KIOSK_E_SYNTAX;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return KIOSK_E_SYNTAX;
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (max - d) / 10u)
      return KIOSK_E_RANGE;
    v = v * 10u + d;
  }
  *out = v;
  return KIOSK_OK;
}

int kiosk_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
  if (!s)
    return KIOSK_E_SYNTAX;
  int neg = s[0] == '-';
  uint64_t mag;
  uint64_t lim = neg ? (uint64_t)(-(min + 1)) + 1u : (uint64_t)(max < 0 ? 0 : max);
  if (neg && min >= 0)
    return KIOSK_E_RANGE;
  int rc = kiosk_parse_u64(s + neg, lim, &mag);
  if (rc != KIOSK_OK)
    return rc;
  int64_t v = neg ? (mag == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)mag) : (int64_t)mag;
  if (v < min || v > max)
    return KIOSK_E_RANGE;
  *out = v;
  return KIOSK_OK;
}
