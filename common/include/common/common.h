/*
 * common: the rules of the domain and the small strict parsers that every module of the
 * honour card software shares, written once (docs/common.md).
 *
 * It sits at the bottom of the module graph: it includes libc only and knows no other
 * module. Every function is pure or reads only what it is given; nothing here logs,
 * allocates behind the caller's back (the INI reader frees what it allocates before it
 * returns) or keeps state, so everything is safe to call from any thread.
 *
 * The headers:
 *   common/date.h    civil day numbers, local day at a UTC offset, YYYY-MM-DD
 *   common/hex.h     bounded hex encode / decode
 *   common/utf8.h    UTF-8 validation (whole string, valid prefix, printable text)
 *   common/token.h   identifier tokens (terminal, site, staff ids ...)
 *   common/bill.h    bill numbers (a hospital's bill or visit number: ASCII, CJK, never ID-shaped)
 *   common/idno.h    citizen ID numbers (check digit, province, 15 digits, mask), name mask
 *   common/cardno.h  the unified card number (format, ISO 7064 MOD 97-10)
 *   common/award.h   the award vocabulary: one table
 *   common/ini.h     the strict INI-style reader, strict numbers
 *   common/cli.h     the command-line convention: --help/--version, usage errors, exit codes
 *   common/datadir.h where the installed data is (from the program's own path)
 *   common/errtab.h  the generator of every module's strerror/errname from its X-macro list
 *   common/url.h     the list of centre addresses a terminal syncs with
 *
 * Errors: one enum, 0 is success. Modules translate them at their edge.
 */
#ifndef COMMON_COMMON_H
#define COMMON_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_ERR_MAP(X)                                                                \
  X(OK, 0, "success")                                                                    \
  X(E_INVALID_ARG, -1, "invalid argument")                                               \
  X(E_SYNTAX, -2, "syntax error")                                                        \
  X(E_RANGE, -3, "value out of range")                                                   \
  X(E_TOO_LARGE, -4, "input too large")                                                  \
  X(E_NO_MEMORY, -5, "out of memory")                                                    \
  X(E_IO, -6, "input/output error")                                                      \
  X(E_NOT_FOUND, -7, "not found")                                                        \
  X(E_BUFFER_TOO_SMALL, -8, "output buffer too small")                                   \
  X(E_STOPPED, -9, "stopped by the caller's handler")

enum common_err {
#define COMMON_X_ERR(name, value, text) COMMON_##name = (value),
  COMMON_ERR_MAP(COMMON_X_ERR)
#undef COMMON_X_ERR
};

/* Static English text for a common_err; "unknown error" for anything else. */
const char *common_strerror(int err);
/* "COMMON_E_SYNTAX" etc.; "COMMON_E_UNKNOWN" for anything else. */
const char *common_errname(int err);

/*
 * Where a parser found a problem and what it is: "file:line: problem". line is 0 when
 * the problem has no line (a missing file). Texts never quote holder data.
 */
#define COMMON_DIAG_TEXT_MAX 256u
struct common_diag {
  char file[COMMON_DIAG_TEXT_MAX];
  unsigned line;
  char text[COMMON_DIAG_TEXT_MAX];
};

/* Fill d (NULL is accepted) and return err, for `return common_diag_set(d, ...)`. */
int common_diag_set(struct common_diag *d, int err, const char *file, unsigned line,
                    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* "file:line: text" ("file: text" when line is 0, "text" without a file) into buf;
 * returns buf ("" when cap is 0). */
const char *common_diag_format(const struct common_diag *d, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_COMMON_H */
