/*
 * Signed documents from the centre applied by `kiosk run` while it runs (docs_apply.c;
 * docs/staff.md, "Applying documents"). netsync has verified the centre's signature and
 * that the version is newer than the one held; this file checks the rest and puts the
 * document in force atomically:
 *
 *   roster  parsed whole (proto/roster.h) and refused unless it names this terminal's
 *           site; written to <journal>.roster (temporary file, fsync, rename, fsync of
 *           the directory) before it goes in force (term_staff_set_roster), so a power
 *           cut leaves the old or the new one, never half; a version not above the one
 *           held is refused. On any refusal the previous roster stays in force.
 *
 *   tariff  the hospital's fees (kiosk/tariff.h): this site's, the content's version equal
 *           to the envelope's and above the one held, written as served to
 *           <journal>.tariff (same atomic write) before kiosk_tariff_set puts it in force.
 *           kiosk_terminal_open reads that file at start.
 *
 * The roster file is read again at start (the last one in force). Log lines say which
 * version is in force, never a name or a PIN hash.
 *
 * Threads: term_docs_version and term_docs_apply run on netsync's worker; the state they
 * change is staff.c's, which is thread-safe. One struct per program, owned by cmd_run.
 */
#ifndef TERM_DOCS_APPLY_H
#define TERM_DOCS_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/config.h"

struct term_docs;

/* Remember where documents live for cfg, and put the roster file found there (if any)
 * in force. A roster file that cannot be read or parsed is an error (why says which):
 * a terminal must not quietly fall back to its configured staff_id. 0 or -1. */
int term_docs_open(const struct kiosk_config *cfg, struct term_docs **out, char *why, size_t cap);
void term_docs_close(struct term_docs *d);

/* netsync's sink (netsync/netsync.h): the version held of kind (0: none), and apply a
 * verified document. 0, or -1 when refused (the previous one stays in force). */
/* The terminal's tariff holder (kiosk_terminal_tariff), once the terminal is open: until
 * then a tariff document is refused (the next poll brings it again). */
struct kiosk_tariff;
void term_docs_set_tariff(struct term_docs *d, struct kiosk_tariff *tariff);

int term_docs_version(struct term_docs *d, const char *kind, uint64_t *version);
int term_docs_apply(struct term_docs *d, const char *kind, uint64_t version, const char *content,
                    size_t len, int64_t now);

#endif
