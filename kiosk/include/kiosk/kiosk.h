/*
 * kiosk: the terminal's decisions, revocation list and audit journal.
 *
 * This header holds what every kiosk header shares: the module's error list, the
 * diagnostic record that parsers fill in (file, line, problem), and the terminal modes.
 *
 * Data flow: card facts (kiosk/decide.h, filled from cardio by an adapter) + site and
 * policy (kiosk/config.h, kiosk/sites.h) + revocation lookup (kiosk/revoke.h) + recent
 * uses (kiosk/journal.h) -> kiosk_decide() -> verdict -> journal -> screen / sync.
 * kiosk/terminal.h wires these together for the program and the UI.
 *
 * Functions return enum kiosk_err: KIOSK_OK (0) on success, a negative code otherwise.
 * Nothing in kiosk ever logs, journals or exports a citizen ID number or a name.
 */
#ifndef KIOSK_KIOSK_H
#define KIOSK_KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The error list: name, value, text. One list, so that no code lacks its string. */
#define KIOSK_ERRNO_MAP(X)                                                               \
  X(OK, 0, "success")                                                                    \
  X(INVALID_ARG, -1, "invalid argument")                                                 \
  X(NO_MEMORY, -2, "out of memory")                                                      \
  X(IO, -3, "file input/output error")                                                   \
  X(NOT_FOUND, -4, "not found")                                                          \
  X(TOO_LARGE, -5, "input exceeds its limit")                                            \
  X(SYNTAX, -6, "syntax error")                                                          \
  X(CONFIG, -7, "invalid configuration")                                                 \
  X(FORMAT, -8, "malformed binary data")                                                 \
  X(SIGNATURE, -9, "signature verification failed")                                     \
  X(CRYPTO, -10, "cryptographic library error")                                          \
  X(WRONG_BASE, -11, "delta does not apply to the current list version")                 \
  X(NOT_NEWER, -12, "version is not newer than the current one")                         \
  X(DB, -13, "journal database error")                                                   \
  X(DB_FULL, -14, "journal disk full")                                                   \
  X(DB_READONLY, -15, "journal is read-only")                                            \
  X(CHAIN, -16, "journal hash chain broken")                                             \
  X(RANGE, -17, "value out of range")                                                    \
  X(QUEUE_FULL, -18, "override queue full")                                              \
  X(UNAVAILABLE, -19, "not available")                                                   \
  X(CONFLICT, -20, "entry conflicts with the current list")                              \
  X(EXISTS, -21, "file already exists; not overwritten")

enum kiosk_err {
#define KIOSK_X_ENUM(name, value, text) KIOSK_E_##name = (value),
  KIOSK_ERRNO_MAP(KIOSK_X_ENUM)
#undef KIOSK_X_ENUM
};
#define KIOSK_OK KIOSK_E_OK

/* Human text for an error; never NULL. */
const char *kiosk_strerror(int err);
/* Symbolic name ("KIOSK_E_WRONG_BASE"); never NULL. */
const char *kiosk_errname(int err);

/*
 * A diagnostic: where a problem was found and what it is. Parsers fill it in when they
 * fail; line is 0 when the problem has no line (a missing file, a binary format).
 * Texts never contain card holder data.
 *
 * It is common's record with common's functions (common/common.h): one diagnostic and
 * one formatter for every parser, whichever module's it is. The kiosk_ names stay so
 * that kiosk's callers read as before:
 *   kiosk_diag_set(d, err, file, line, fmt, ...)  fill d (NULL accepted), return err
 *   kiosk_diag_format(d, buf, cap)                "file:line: text" into buf, return buf
 */
#define KIOSK_DIAG_TEXT_MAX COMMON_DIAG_TEXT_MAX
#define kiosk_diag common_diag
#define kiosk_diag_set common_diag_set
#define kiosk_diag_format common_diag_format

/* ------------------------------------------------------------------- modes -- */

/* The terminal's mode. Values are stored in the journal: never renumber. */
#define KIOSK_MODE_MAP(X)                                                                \
  X(GATE, 1, "gate")       /* park / scenic spot first gate, staff present */            \
  X(CASHIER, 2, "cashier") /* hospital outpatient or inpatient cashier */                \
  X(BUS, 3, "bus")         /* bus reader, no staff */                                    \
  X(STATION, 4, "station") /* blood station counter: checks a card, waives nothing */

enum kiosk_mode {
#define KIOSK_X_MODE(name, value, text) KIOSK_MODE_##name = (value),
  KIOSK_MODE_MAP(KIOSK_X_MODE)
#undef KIOSK_X_MODE
};
#define KIOSK_MODE_BIT(m) (1u << (unsigned)(m))

/* "gate", ...; NULL for an unknown value. */
const char *kiosk_mode_name(int mode);
/* Parse "gate", ...; KIOSK_E_NOT_FOUND for anything else. */
int kiosk_mode_parse(const char *text, enum kiosk_mode *out);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_KIOSK_H */
