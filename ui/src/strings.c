/*
 * The strings file parser (format: ui/strings.h). Strict on purpose: the files are
 * small and written by people, and a typo should stop the terminal at start-up with
 * the line number rather than show a key on a public screen.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "ui/strings.h"
#include "ui/core.h"
#include "common/ini.h"
#include "utf8.h"

struct ui_strings_entry {
  char *key;
  char *value;
  unsigned line;
};

struct ui_strings {
  struct ui_strings_entry *e;
  size_t n;
};

static const char *const key_texts[] = {
#define UI_X_KEY(name, text) text,
    UI_KEY_MAP(UI_X_KEY)
#undef UI_X_KEY
        NULL,
};

const char *ui_key_text(enum ui_key k)
{
  if ((unsigned)k >= UI_K_COUNT)
    return "";
  return key_texts[k];
}

const char *const *ui_strings_required_keys(void)
{
  return key_texts;
}

/* Families whose members data may name (reason ids, awards, station headings). */
static const char *const open_families[] = {"reason.", "award.", "station.", "error."};

int ui_strings_key_known(const char *key)
{
  if (!key)
    return 0;
  for (size_t i = 0; i < sizeof open_families / sizeof open_families[0]; i++)
    if (strncmp(key, open_families[i], strlen(open_families[i])) == 0)
      return 1;
  for (size_t i = 0; key_texts[i]; i++)
    if (strcmp(key, key_texts[i]) == 0)
      return 1;
  return 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int diag_set(struct ui_diag *d, int err, unsigned line, const char *fmt, ...)
{
  if (d) {
    va_list ap;
    d->line = line;
    va_start(ap, fmt);
    vsnprintf(d->text, sizeof d->text, fmt, ap);
    va_end(ap);
  }
  return err;
}

void ui_strings_destroy(struct ui_strings *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++) {
    free(s->e[i].key);
    free(s->e[i].value);
  }
  free(s->e);
  free(s);
}

/* Check placeholders: every '{' opens [a-z_]+ '}', no stray '}'. */
static int check_braces(const char *v, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    if (v[i] == '}')
      return -1;
    if (v[i] != '{')
      continue;
    size_t j = i + 1;
    while (j < len && ((v[j] >= 'a' && v[j] <= 'z') || v[j] == '_'))
      j++;
    if (j == i + 1 || j >= len || v[j] != '}')
      return -1;
    i = j;
  }
  return 0;
}

/* Unescape value (len bytes) into a new string; -1 on a bad escape. */
static int unescape(const char *v, size_t len, char **out)
{
  char *s = malloc(len + 1);
  size_t o = 0;
  if (!s)
    return -2;
  for (size_t i = 0; i < len; i++) {
    if (v[i] != '\\') {
      s[o++] = v[i];
      continue;
    }
    if (i + 1 >= len || (v[i + 1] != 'n' && v[i + 1] != '\\')) {
      free(s);
      return -1;
    }
    s[o++] = v[i + 1] == 'n' ? '\n' : '\\';
    i++;
  }
  s[o] = '\0';
  *out = s;
  return 0;
}

static int entry_cmp(const void *a, const void *b)
{
  const struct ui_strings_entry *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c)
    return c;
  return x->line < y->line ? -1 : x->line > y->line;
}

/* The reader (common/ini.h) has checked the syntax: key [a-z][A-Za-z0-9._-]{0,62}, a
 * trimmed value of 1..UI_STRINGS_VALUE_MAX bytes of UTF-8 without control characters.
 * What is left is the strings files' own: upper case only in reason.* and award.* ids,
 * placeholders, escapes, the number of keys. Duplicates are found after sorting. */
struct parse {
  struct ui_strings *s;
  size_t cap;
  struct ui_diag *diag;
  int rc;
};

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct parse *ps = user;
  struct ui_strings *s = ps->s;
  struct ui_diag *diag = ps->diag;
  size_t klen = strlen(key), vlen = strlen(value);
  (void)section;
  int upper_ok = (klen > 7 && memcmp(key, "reason.", 7) == 0) ||
                 (klen > 6 && memcmp(key, "award.", 6) == 0);
  for (size_t j = 0; j < klen && !upper_ok; j++)
    if (key[j] >= 'A' && key[j] <= 'Z') {
      ps->rc = diag_set(diag, UI_E_SYNTAX, line, "upper case in key (only in reason.* and award.* ids)");
      return 1;
    }
  if (check_braces(value, vlen) != 0) {
    ps->rc = diag_set(diag, UI_E_SYNTAX, line, "unbalanced placeholder: use {name} with a-z and _");
    return 1;
  }
  if (s->n >= UI_STRINGS_KEYS_MAX) {
    ps->rc = diag_set(diag, UI_E_TOO_LARGE, line, "more than %u keys", UI_STRINGS_KEYS_MAX);
    return 1;
  }
  if (s->n == ps->cap) {
    size_t ncap = ps->cap ? ps->cap * 2 : 64;
    struct ui_strings_entry *ne = realloc(s->e, ncap * sizeof *ne);
    if (!ne) {
      ps->rc = diag_set(diag, UI_E_NO_MEMORY, line, "out of memory");
      return 1;
    }
    s->e = ne;
    ps->cap = ncap;
  }
  struct ui_strings_entry *e = &s->e[s->n];
  e->key = strdup(key);
  if (!e->key) {
    ps->rc = diag_set(diag, UI_E_NO_MEMORY, line, "out of memory");
    return 1;
  }
  int rc = unescape(value, vlen, &e->value);
  if (rc != 0) {
    free(e->key);
    ps->rc = rc == -2 ? diag_set(diag, UI_E_NO_MEMORY, line, "out of memory")
                      : diag_set(diag, UI_E_SYNTAX, line, "bad escape: only \\n and \\\\");
    return 1;
  }
  e->line = line;
  s->n++;
  return 0;
}

int ui_strings_parse(const char *buf, size_t len, struct ui_strings **out,
                     struct ui_diag *diag)
{
  if (!out)
    return diag_set(diag, UI_E_INVALID_ARG, 0, "no output");
  *out = NULL;
  if (!buf && len)
    return diag_set(diag, UI_E_INVALID_ARG, 0, "no input");
  if (len > UI_STRINGS_INPUT_MAX)
    return diag_set(diag, UI_E_TOO_LARGE, 0, "input larger than %u bytes", UI_STRINGS_INPUT_MAX);
  struct ui_strings *s = calloc(1, sizeof *s);
  if (!s)
    return diag_set(diag, UI_E_NO_MEMORY, 0, "out of memory");
  /* The strings dialect: no sections, dotted keys, '#' comments only, duplicates
   * reported here with both lines. */
  static const struct common_ini_dialect dialect = {
      COMMON_INI_NO_SECTIONS | COMMON_INI_DOTTED_KEYS | COMMON_INI_HASH_COMMENTS |
          COMMON_INI_DUP_KEYS,
      UI_STRINGS_INPUT_MAX, 0, UI_STRINGS_KEY_MAX, UI_STRINGS_VALUE_MAX};
  static const struct common_ini_handler h = {NULL, on_pair};
  struct parse ps = {s, 0, diag, UI_OK};
  struct common_diag cd = {{0}, 0, {0}};
  int rc = common_ini_parse(buf, len, "strings", &dialect, &h, &ps, &cd);
  if (rc == COMMON_E_STOPPED) {
    rc = ps.rc;
    goto out_free;
  }
  if (rc != COMMON_OK) {
    /* Every problem the reader finds in a strings file is a syntax error of its line. */
    rc = diag_set(diag, rc == COMMON_E_NO_MEMORY ? UI_E_NO_MEMORY : UI_E_SYNTAX, cd.line, "%s",
                  cd.text);
    goto out_free;
  }
  if (s->n)
    qsort(s->e, s->n, sizeof s->e[0], entry_cmp);
  for (size_t i = 1; i < s->n; i++)
    if (strcmp(s->e[i - 1].key, s->e[i].key) == 0) {
      rc = diag_set(diag, UI_E_SYNTAX, s->e[i].line, "duplicate key '%s' (first on line %u)",
                    s->e[i].key, s->e[i - 1].line);
      goto out_free;
    }
  *out = s;
  return UI_OK;

out_free:
  ui_strings_destroy(s);
  return rc;
}

int ui_strings_load(const char *path, struct ui_strings **out, struct ui_diag *diag)
{
  if (!out || !path)
    return diag_set(diag, UI_E_INVALID_ARG, 0, "no path");
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f)
    return diag_set(diag, UI_E_IO, 0, "%s", strerror(errno));
  char *buf = malloc(UI_STRINGS_INPUT_MAX + 1);
  if (!buf) {
    fclose(f);
    return diag_set(diag, UI_E_NO_MEMORY, 0, "out of memory");
  }
  size_t n = fread(buf, 1, UI_STRINGS_INPUT_MAX + 1, f);
  int err = ferror(f);
  fclose(f);
  int rc;
  if (err)
    rc = diag_set(diag, UI_E_IO, 0, "read error");
  else if (n > UI_STRINGS_INPUT_MAX)
    rc = diag_set(diag, UI_E_TOO_LARGE, 0, "file larger than %u bytes", UI_STRINGS_INPUT_MAX);
  else
    rc = ui_strings_parse(buf, n, out, diag);
  free(buf);
  return rc;
}

const char *ui_strings_get(const struct ui_strings *s, const char *key)
{
  if (!s || !key)
    return NULL;
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(key, s->e[mid].key);
    if (c == 0)
      return s->e[mid].value;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

size_t ui_strings_count(const struct ui_strings *s)
{
  return s ? s->n : 0;
}

const char *ui_strings_key_at(const struct ui_strings *s, size_t i)
{
  return s && i < s->n ? s->e[i].key : NULL;
}

int ui_strings_check(const struct ui_strings *s, struct ui_diag *diag)
{
  if (!s)
    return diag_set(diag, UI_E_INVALID_ARG, 0, "no strings");
  for (size_t i = 0; key_texts[i]; i++)
    if (!ui_strings_get(s, key_texts[i]))
      return diag_set(diag, UI_E_MISSING_KEY, 0, "missing key '%s'", key_texts[i]);
  for (size_t i = 0; i < s->n; i++)
    if (!ui_strings_key_known(s->e[i].key))
      return diag_set(diag, UI_E_UNKNOWN_KEY, s->e[i].line, "unknown key '%s'", s->e[i].key);
  return UI_OK;
}

/* Append n bytes to out, stopping at a UTF-8 boundary when full. */
static void put(char *out, size_t cap, size_t *o, const char *src, size_t n)
{
  size_t room = cap - 1 - *o;
  if (n > room)
    n = ui_utf8_clip(src, room);
  memcpy(out + *o, src, n);
  *o += n;
}

size_t ui_format(char *out, size_t cap, const char *tmpl, const char *const *pairs)
{
  size_t o = 0;
  if (!out || cap == 0)
    return 0;
  out[0] = '\0';
  if (!tmpl)
    return 0;
  const char *p = tmpl;
  while (*p && o < cap - 1) {
    const char *brace = strchr(p, '{');
    if (!brace) {
      put(out, cap, &o, p, strlen(p));
      break;
    }
    put(out, cap, &o, p, (size_t)(brace - p));
    const char *end = strchr(brace, '}');
    if (!end) {
      put(out, cap, &o, brace, strlen(brace));
      break;
    }
    size_t nlen = (size_t)(end - brace - 1);
    const char *val = NULL;
    for (size_t i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2)
      if (strlen(pairs[i]) == nlen && memcmp(pairs[i], brace + 1, nlen) == 0) {
        val = pairs[i + 1];
        break;
      }
    if (val)
      put(out, cap, &o, val, strlen(val));
    else
      put(out, cap, &o, brace, nlen + 2);
    p = end + 1;
  }
  out[o] = '\0';
  return o;
}
