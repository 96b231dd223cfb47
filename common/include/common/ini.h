/*
 * common INI-style reader: the one strict parser behind the terminal configuration, the
 * site registry, the centre configuration and the UI strings files. It knows the syntax;
 * what keys mean is the caller's (handlers). Bounded and fuzzed (tests/fuzz/fuzz_common_ini.c).
 *
 * Grammar, one construct per line (lines end in LF; CRLF accepted):
 *   blank line | "# comment" | "; comment" | "[section]" | "key = value"
 * Leading and trailing blanks (space, tab) are ignored, and blanks around '='. A UTF-8 BOM
 * at the very start is skipped. Every line must be well-formed UTF-8 with no control
 * character but tab (a lone CR or a NUL byte is an error).
 *   section  [a-z0-9._-]{1,63}
 *   key      [a-z0-9_]{1,key_max}, or with COMMON_INI_DOTTED_KEYS
 *            [a-z][A-Za-z0-9._-]{0,key_max-1} (the strings files' "idle.prompt")
 *   value    the rest of the line, trimmed: 1..value_max bytes (0.. with EMPTY_VALUES)
 * A section named twice, or a key named twice inside one section (or in the whole file
 * without sections), is an error, unless COMMON_INI_DUP_KEYS (the caller checks).
 * Errors come back as `file:line: problem` (struct common_diag) and never quote a value.
 */
#ifndef COMMON_INI_H
#define COMMON_INI_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_INI_INPUT_MAX (1024u * 1024u)
#define COMMON_INI_LINE_MAX 1024u
#define COMMON_INI_NAME_MAX 63u
#define COMMON_INI_VALUE_MAX 900u
#define COMMON_INI_KEYS_MAX 64u /* distinct keys per section (duplicate detection) */
#define COMMON_INI_SECTIONS_MAX 512u

/* Dialect flags. */
#define COMMON_INI_NO_SECTIONS 0x01u    /* "[...]" lines are errors (strings files) */
#define COMMON_INI_NEED_SECTION 0x02u   /* a key before the first section is an error */
#define COMMON_INI_DOTTED_KEYS 0x04u    /* keys [a-z][A-Za-z0-9._-]* */
#define COMMON_INI_HASH_COMMENTS 0x08u  /* only '#' starts a comment, not ';' */
#define COMMON_INI_EMPTY_VALUES 0x10u   /* "key =" gives "" */
#define COMMON_INI_DUP_KEYS 0x20u       /* no duplicate-key check (the caller does it) */

struct common_ini_dialect {
  unsigned flags;    /* COMMON_INI_* */
  size_t input_max;  /* 0: COMMON_INI_INPUT_MAX */
  size_t line_max;   /* without the line end; 0: COMMON_INI_LINE_MAX */
  size_t key_max;    /* 0: COMMON_INI_NAME_MAX; at most COMMON_INI_NAME_MAX */
  size_t value_max;  /* 0: COMMON_INI_VALUE_MAX; at most COMMON_INI_LINE_MAX */
};

/*
 * The caller's handlers. Return 0 to go on; anything else stops the reader, which then
 * returns COMMON_E_STOPPED (the handler keeps its own error and diagnostic in user).
 * section: a "[name]" line. pair: "key = value"; section is "" before the first header.
 * Strings are valid only during the call.
 */
struct common_ini_handler {
  int (*section)(void *user, const char *name, unsigned line);
  int (*pair)(void *user, const char *section, const char *key, const char *value,
              unsigned line);
};

/* Read buf[0..len) (need not be NUL-terminated; NUL bytes are errors). file names the
 * input in diagnostics; dialect NULL is the strict default (flags 0). Returns OK,
 * SYNTAX / TOO_LARGE / NO_MEMORY / INVALID_ARG with diag set, or E_STOPPED. */
int common_ini_parse(const char *buf, size_t len, const char *file,
                     const struct common_ini_dialect *dialect,
                     const struct common_ini_handler *h, void *user, struct common_diag *diag);

/* Read a whole regular file of at most max bytes into a malloc'd buffer, NUL-terminated
 * (the caller frees *out). NOT_FOUND / IO / TOO_LARGE / NO_MEMORY with diag set (line 0). */
int common_read_file(const char *path, size_t max, char **out, size_t *len,
                     struct common_diag *diag);

/* Strict numbers for values: decimal digits only (no blank, no '+'; '-' only for i64
 * when min < 0), at least one. SYNTAX for the shape, RANGE outside [0 or min, max]. */
int common_parse_u64(const char *s, uint64_t max, uint64_t *out);
int common_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_INI_H */
