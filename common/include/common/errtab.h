/*
 * common/errtab.h: one pattern for every module's error table.
 *
 * A module keeps its errors in one X-macro list, X(NAME, value, "text") (libuv's
 * UV_ERRNO_MAP), from which its header makes the enum; its errors.c makes the two
 * lookups from the same list with this generator, so that no error lacks a text or a
 * name and no module writes the switch again:
 *
 *   #define COMMON_ERRTAB_PREFIX "KIOSK_E_"
 *   COMMON_ERRTAB_DEFINE(KIOSK_ERRNO_MAP, kiosk_strerror, kiosk_errname,
 *                        "unknown error", "KIOSK_E_UNKNOWN")
 *
 * It defines `const char *strerror_fn(int err)` (the list's text, else unknown_text) and
 * `const char *errname_fn(int err)` (COMMON_ERRTAB_PREFIX followed by NAME, else
 * unknown_name): static strings, never NULL, safe from any thread. The prototypes are the
 * module's header's; no semicolon follows the generator. Header only, nothing to link.
 */
#ifndef COMMON_ERRTAB_H
#define COMMON_ERRTAB_H

#define COMMON_ERRTAB_X_TEXT(name, value, text)                                          \
  case (value):                                                                          \
    return (text);
/* COMMON_ERRTAB_PREFIX is the including file's: it expands where the table is made. */
#define COMMON_ERRTAB_X_NAME(name, value, text)                                          \
  case (value):                                                                          \
    return COMMON_ERRTAB_PREFIX #name;

#define COMMON_ERRTAB_DEFINE(MAP, strerror_fn, errname_fn, unknown_text, unknown_name)   \
  const char *strerror_fn(int err)                                                       \
  {                                                                                      \
    switch (err) {                                                                       \
      MAP(COMMON_ERRTAB_X_TEXT)                                                          \
    default:                                                                             \
      return (unknown_text);                                                             \
    }                                                                                    \
  }                                                                                      \
  const char *errname_fn(int err)                                                        \
  {                                                                                      \
    switch (err) {                                                                       \
      MAP(COMMON_ERRTAB_X_NAME)                                                          \
    default:                                                                             \
      return (unknown_name);                                                             \
    }                                                                                    \
  }

#endif
