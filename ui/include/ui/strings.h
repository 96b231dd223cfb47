/*
 * ui strings: every text the screens show, one file per language
 * (assets/strings/zh-CN.ini, assets/strings/en.ini).
 *
 * Format, one construct per line (LF, CRLF accepted; a UTF-8 BOM at the start skipped):
 *   blank line | "# comment" | "key = value"
 * Keys are [a-z][a-z0-9._-]{0,62} (upper case too after "reason." and "award.", whose
 * ids come from kiosk: reason.CARD_REVOKED). The value is the rest of the line, blanks trimmed,
 * 1..UI_STRINGS_VALUE_MAX bytes of valid UTF-8 without control characters; "\n" is a
 * line break and "\\" a backslash (any other backslash is an error). Placeholders are
 * {name} with name [a-z_]+; an unbalanced brace is an error. Duplicate keys are errors.
 * Whole input at most UI_STRINGS_INPUT_MAX bytes, at most UI_STRINGS_KEYS_MAX keys.
 *
 * Keys are either the fixed set the screens use (ui_strings_check listed them) or in
 * an open family: reason.*, award.*, station.*, error.*, which data can refer to.
 * Errors carry the line number (struct ui_diag).
 */
#ifndef UI_STRINGS_H
#define UI_STRINGS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UI_STRINGS_INPUT_MAX (256u * 1024u)
#define UI_STRINGS_VALUE_MAX 512u
#define UI_STRINGS_KEY_MAX 63u
#define UI_STRINGS_KEYS_MAX 1024u

/* Where a problem was found (line 0: not tied to a line) and what it is. */
#define UI_DIAG_TEXT_MAX 200u
struct ui_diag {
  unsigned line;
  char text[UI_DIAG_TEXT_MAX];
};

struct ui_strings;

/*
 * Parse a strings file from memory (len bytes, need not be NUL-terminated).
 * *out is NULL on failure. Errors: UI_E_SYNTAX (diag: line and problem),
 * UI_E_TOO_LARGE, UI_E_NO_MEMORY, UI_E_INVALID_ARG. diag may be NULL.
 */
int ui_strings_parse(const char *buf, size_t len, struct ui_strings **out,
                     struct ui_diag *diag);
/* Read and parse a file. Adds UI_E_IO (diag: the errno text). */
int ui_strings_load(const char *path, struct ui_strings **out, struct ui_diag *diag);
void ui_strings_destroy(struct ui_strings *s);

/* The value of a key, NULL when absent. Valid until ui_strings_destroy. */
const char *ui_strings_get(const struct ui_strings *s, const char *key);
size_t ui_strings_count(const struct ui_strings *s);
/* The i-th key in sorted order, NULL past the end. */
const char *ui_strings_key_at(const struct ui_strings *s, size_t i);
/* 1 when the key belongs to the screens' fixed set or an open family. */
int ui_strings_key_known(const char *key);

/*
 * Completeness: every key the screens use is present, and no key outside the fixed
 * set and the open families. UI_E_MISSING_KEY / UI_E_UNKNOWN_KEY with diag naming
 * the key (and its line for an unknown one).
 */
int ui_strings_check(const struct ui_strings *s, struct ui_diag *diag);
/* The fixed set, NULL-terminated. */
const char *const *ui_strings_required_keys(void);

/*
 * Fill {name} placeholders of tmpl from pairs (name, value, name, value, ..., NULL).
 * An unknown placeholder is kept as written. Always NUL-terminates out (cap > 0),
 * truncating at a UTF-8 boundary; returns the length written.
 */
size_t ui_format(char *out, size_t cap, const char *tmpl, const char *const *pairs);

#ifdef __cplusplus
}
#endif
#endif /* UI_STRINGS_H */
