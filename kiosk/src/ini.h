/*
 * A strict INI-like line parser shared by the site registry and the terminal
 * configuration (private to kiosk).
 *
 * Grammar, one construct per line (lines end in LF; CRLF accepted):
 *   blank line | "# comment" | "; comment" | "[section]" | "key = value"
 * Leading and trailing blanks (space, tab) are ignored. Section names are
 * [a-z0-9._-]{1,63}; keys are [a-z0-9_]{1,63}; a value is the rest of the line after
 * '=', trimmed, 1..KIOSK_INI_VALUE_MAX bytes of valid UTF-8 with no control characters.
 * A UTF-8 BOM at the very start is skipped. Whole input at most KIOSK_INI_INPUT_MAX.
 * Duplicate sections and duplicate keys inside a section are errors here; what keys
 * mean is the caller's business.
 */
#ifndef KIOSK_INI_H
#define KIOSK_INI_H

#include <stddef.h>

#include "kiosk/kiosk.h"

#define KIOSK_INI_INPUT_MAX (1024u * 1024u)
#define KIOSK_INI_LINE_MAX 1024u
#define KIOSK_INI_NAME_MAX 63u
#define KIOSK_INI_VALUE_MAX 900u
#define KIOSK_INI_KEYS_MAX 64u   /* distinct keys per section */
#define KIOSK_INI_SECTIONS_MAX 512u

struct kiosk_ini_handler {
  /* A new section starts. Return KIOSK_OK or an error after filling diag. */
  int (*section)(void *user, const char *name, unsigned line, struct kiosk_diag *diag);
  /* key = value; section is "" before the first section header. */
  int (*pair)(void *user, const char *section, const char *key, const char *value,
              unsigned line, struct kiosk_diag *diag);
};

/* Parse buf (len bytes; need not be NUL-terminated). file names the input in
 * diagnostics. Returns KIOSK_OK, KIOSK_E_SYNTAX / TOO_LARGE (diag set), or what a
 * handler returned. */
int kiosk_ini_parse(const char *buf, size_t len, const char *file,
                    const struct kiosk_ini_handler *h, void *user, struct kiosk_diag *diag);

/* Read a whole file (at most max bytes) into a malloc'd buffer, NUL-terminated.
 * KIOSK_E_IO / NOT_FOUND / TOO_LARGE with diag set. */
int kiosk_read_file(const char *path, size_t max, char **out, size_t *len,
                    struct kiosk_diag *diag);

/* Strict number parsing: decimal digits only, no sign unless allowed, no blanks. */
int kiosk_parse_u64(const char *s, uint64_t max, uint64_t *out);
int kiosk_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
