/*
 * station: the Yulin Central Blood Station's desk (市中心血站). It imports donation and
 * volunteer records exported by the blood service information system, evaluates award
 * rounds (Measures Art. 5-9, 21), publishes the public notice (公示, Art. 12) with names
 * and ID numbers masked, and issues, reissues and revokes honour cards (Rules §3).
 *
 * Headers:
 *   station/station.h  this one: errors, problem lists, dates, ID numbers, masking
 *   station/csv.h      the streaming RFC 4180 reader (UTF-8 / GB18030 detection)
 *   station/award.h    the award rules as a pure function of a person's totals
 *   station/cardno.h   the unified card number (统一编号) and its check digits
 *   station/db.h       the station's database: import, rounds, notice, cards
 *   station/round.h    the round's procedure: decision, review, notice, objections, award
 *   station/photo.h    the holder photo, scaled and compressed for the card
 *   station/cli.h      station_cli_main(), the `station` / `kiosk station` commands
 *
 * Data flow: CSV file -> csv reader -> import (validation, one transaction) -> records
 * table -> round evaluation (award.h rules) -> awards -> notice (CSV, HTML) / card
 * application -> unified number -> personalization (cardio) -> read-back -> centre
 * registration -> ready for collection.
 *
 * Functions return enum station_err: STATION_OK (0) or a negative code. Ownership: a
 * *_create/_open allocates, the matching *_destroy/_close frees and accepts NULL.
 *
 * Personal data (PIPL): citizen ID numbers and names are held only in the station's
 * database (file mode 0600, docs/station.md "Personal data"). Nothing in this module
 * puts them in an error text, a problem report or a log line; outputs meant for other
 * eyes (notice, `show`, ready list) carry only the masked forms below.
 */
#ifndef STATION_STATION_H
#define STATION_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "common/date.h"
#include "common/idno.h"
#include "common/utf8.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The error list: name, value, text. One list, so that no code lacks its string. */
#define STATION_ERRNO_MAP(X)                                                             \
  X(OK, 0, "success")                                                                    \
  X(INVALID_ARG, -1, "invalid argument")                                                 \
  X(NO_MEMORY, -2, "out of memory")                                                      \
  X(IO, -3, "file input/output error")                                                   \
  X(TOO_LARGE, -4, "input exceeds its limit")                                            \
  X(ENCODING, -5, "text is neither UTF-8 nor GBK/GB18030")                               \
  X(SYNTAX, -6, "malformed CSV")                                                         \
  X(HEADER, -7, "CSV header lacks required columns")                                     \
  X(ROWS, -8, "rows failed validation; nothing was imported")                            \
  X(DB, -9, "station database error")                                                    \
  X(NOT_FOUND, -10, "not found")                                                         \
  X(EXISTS, -11, "already exists")                                                       \
  X(CONFLICT, -12, "conflicts with data already recorded")                               \
  X(STATE, -13, "not allowed in the current state")                                      \
  X(NOT_ELIGIBLE, -14, "the person holds no card-eligible award")                        \
  X(OVERRIDE_REQUIRED, -15, "a recorded override is required (card revoked for misuse)") \
  X(PHOTO, -16, "photo cannot be loaded or does not fit the card")                       \
  X(CARD, -17, "card personalization or read-back failed")                               \
  X(CENTRE, -18, "the centre refused or could not be reached")                           \
  X(UNAVAILABLE, -19, "not available in this build")                                     \
  X(ABORTED, -20, "stopped by the caller")

enum station_err {
#define STATION_X_ENUM(name, value, text) STATION_E_##name = (value),
  STATION_ERRNO_MAP(STATION_X_ENUM)
#undef STATION_X_ENUM
};
#define STATION_OK STATION_E_OK

/* Human text for an error; never NULL. */
const char *station_strerror(int err);
/* Symbolic name ("STATION_E_ROWS"); never NULL. */
const char *station_errname(int err);

/* --------------------------------------------------------------- problems -- */

/*
 * Problems found in an input, each with its line (0: no line, e.g. the whole file) and
 * a text. Texts name columns and rules, never the values of personal fields. A list
 * keeps at most `cap` problems and counts the rest in `dropped`.
 */
#define STATION_PROBLEM_TEXT_MAX 200u
struct station_problem {
  unsigned long line;
  char text[STATION_PROBLEM_TEXT_MAX];
};
struct station_problems {
  struct station_problem *v;
  size_t n;              /* problems kept */
  size_t cap;            /* the most kept (0: STATION_PROBLEMS_DEFAULT_CAP) */
  size_t alloc;          /* entries allocated (private) */
  unsigned long dropped; /* problems beyond cap, counted only */
};
#define STATION_PROBLEMS_DEFAULT_CAP 1000u

/* Append a problem (printf-style). STATION_OK, or NO_MEMORY (the list stays valid). */
int station_problem_add(struct station_problems *p, unsigned long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Free the list's storage and zero it (keeps cap). Accepts NULL. */
void station_problems_clear(struct station_problems *p);

/* ------------------------------------------------------------------ dates -- */

/*
 * Civil dates are common/date.h's day numbers (days since 1970-01-01), int32_t.
 * station_date_parse is the import's own grammar: YYYY-MM-DD and YYYY/M/D (one or two
 * digits for month and day), years 1900..2999, a day of the calendar. Errors: SYNTAX.
 */
int station_date_parse(const char *s, size_t len, int32_t *day);
/* "YYYY-MM-DD" into buf (at least 11 bytes; common_date_format); returns buf. */
char *station_date_format(int32_t day, char *buf, size_t cap);
/* Today in Yulin (UTC+8) from the system clock. */
int32_t station_date_today(void);

/* ------------------------------------------------- ID numbers and masking -- */

/* ID numbers are checked with common/idno.h (province, birth date, MOD 11-2, 'x' -> 'X');
 * the two masks below are common's, in a form that returns the buffer. */

/* common_id_mask into out[19]: 450902********1234; a string that is not 18 characters
 * becomes stars (never echoed). Returns out. */
char *station_mask_idno(const char *idno, char out[COMMON_ID_LEN + 1]);
/* common_name_mask: 张* / 张*明 / 欧**明; "*" for a name that is not printable UTF-8 or
 * does not fit. Returns out. */
char *station_mask_name(const char *name, char *out, size_t cap);
#define STATION_NAME_MAX 64u /* bytes of UTF-8 */

#ifdef __cplusplus
}
#endif
#endif /* STATION_STATION_H */
