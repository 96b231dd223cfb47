/*
 * The entries file of `kiosk revoke make --entries FILE` (docs/kiosk.md, "The
 * revocation list, offline"): an operator's text, one card a line, parsed apart from
 * the command so that a fuzz target (tests/fuzz/fuzz_terminal_revoke_entries.c) can
 * reach it.
 *
 * Grammar, per line (at most TERM_REVOKE_LINE_MAX bytes with its newline):
 *     line    = blank / comment / entry
 *     comment = *WSP "#" *any
 *     entry   = *WSP CARD_NO [WSP GENERATION] *WSP        ; that generation (default 0)
 *             / *WSP CARD_NO WSP "below" WSP N *WSP        ; every generation < N, N >= 1
 * CARD_NO must pass the unified card number's check digits (common/cardno.h), so that
 * a typo cannot revoke nobody; GENERATION and N are 1..9 decimal digits.
 *
 * The caller owns every buffer; nothing is allocated. Errors name the line by number
 * only: a rejected line may hold a mistyped ID number and is never quoted.
 */
#ifndef TERMINAL_REVOKE_ENTRIES_H
#define TERMINAL_REVOKE_ENTRIES_H

#include <stddef.h>
#include <stdio.h>

#include "proto/revlist.h"

#define TERM_REVOKE_LINE_MAX 256

enum term_revoke_entries_rc {
  TERM_REVOKE_ENTRIES_OK = 0,
  TERM_REVOKE_ENTRIES_TOO_LONG, /* a line longer than TERM_REVOKE_LINE_MAX - 1 */
  TERM_REVOKE_ENTRIES_BAD_LINE, /* not the grammar, or a wrong card number */
  TERM_REVOKE_ENTRIES_TOO_MANY, /* more than max entries */
};

/* Parse one line (modified in place: split on white space) into *e. Returns 1 for an
 * entry, 0 when the line is not one (comments and blank lines are not entries). */
int term_revoke_entry_parse(char *line, struct proto_rev_entry *e);

/* Read f to its end into out[0..max). On success *n is the number of entries. On an
 * error *lineno is the 1-based line at fault and *n the entries before it. */
enum term_revoke_entries_rc term_revoke_entries_read(FILE *f, struct proto_rev_entry *out,
                                                     size_t max, size_t *n, unsigned *lineno);

#endif
