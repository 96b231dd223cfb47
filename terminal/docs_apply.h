/*
 * Signed documents from the centre applied by `kiosk run` while it runs (docs_apply.c;
 * docs/staff.md, "Applying documents"). netsync has verified the centre's signature and
 * that the version is newer than the one held; this file does the rest, the same way for
 * every kind (one table in docs_apply.c):
 *
 *   1. the version must be above the one in force, the content bounded and free of NUL;
 *   2. the kind's check parses the whole document and stages what it would put in force:
 *        config    the centre's keys (kiosk_config_centre_key) laid over the terminal's
 *                  file and checked by the same parser (kiosk_config_parse_overlay)
 *        trust     a PEM bundle of issuer certificates (docs_trust.h) that must give at
 *                  least one issuer chaining to the terminal's own roots
 *        registry  the site registry (sites.ini format, docs/kiosk.md) that must hold
 *                  this terminal's site, its mode and, on a bus, its vehicle; the
 *                  configuration is checked again against it
 *        tariff    the hospital's fees (kiosk/tariff.h, issue 12): this site's, the
 *                  content's version equal to the envelope's; stored as served in
 *                  <journal>.tariff (no header: kiosk_terminal_open reads it at start)
 *        roster    proto's roster, of this terminal's site (proto/roster.h)
 *   3. the document is written to <journal>.<kind> (temporary file, fsync, rename, fsync
 *      of the directory) with a header line "# yh-doc <kind> <version>";
 *   4. only then is it put in force: the configuration and registry through
 *      kiosk_terminal_update (the decision thread takes them whole between decisions), the
 *      trust store through the hook given to term_docs_attach (tap.c: the next card
 *      read), the tariff through kiosk_tariff_set, the roster through
 *      term_staff_set_roster.
 * Any refusal leaves the previous document in force and says why in the log. At start,
 * term_docs_open reads every stored document again (registry, then configuration, trust
 * and roster) and a stored one that cannot be used stops the program with the reason.
 * Log lines say which version of each is in force, never a name, a PIN hash or a number.
 *
 * Threads: term_docs_version and term_docs_apply run on netsync's worker, term_docs_open
 * and term_docs_attach on the main thread before it starts; term_docs_in_force_text from
 * any thread. One struct per program, owned by cmd_run.
 */
#ifndef TERM_DOCS_APPLY_H
#define TERM_DOCS_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/config.h"

struct term_docs;
struct kiosk_terminal;

/* Remember where documents live for cfg (as loaded from its file, cfg->source), and put
 * the stored documents (if any) in force. A stored document that cannot be read or used is
 * an error (why says which): a terminal must not quietly fall back to older rules.
 * 0 or -1. */
int term_docs_open(const struct kiosk_config *cfg, struct term_docs **out, char *why, size_t cap);
void term_docs_close(struct term_docs *d);

/* The configuration in force: the file with the centre's configuration and registry
 * documents applied (its sites_path names the stored registry when there is one). What
 * the session and the terminal are made from. Valid until the next apply or close. */
const struct kiosk_config *term_docs_config(const struct term_docs *d);

/* From now on, configuration and registry documents also go to t (kiosk_terminal_update)
 * and trust stores to publish_trust (tap.c's term_tap_publish_trust: it takes ownership);
 * a trust store read at open is published now. Before netsync starts. t and publish_trust
 * may be NULL (tests). */
struct cardio_trust;
void term_docs_attach(struct term_docs *d, struct kiosk_terminal *t,
                      void (*publish_trust)(struct cardio_trust *trust));

/* The terminal's tariff holder (kiosk_terminal_tariff), once the terminal is open: until
 * then a tariff document is refused (the next poll brings it again). */
struct kiosk_tariff;
void term_docs_set_tariff(struct term_docs *d, struct kiosk_tariff *tariff);

/* netsync's sink (netsync/netsync.h): the version held of kind (0: none), and apply a
 * verified document. 0, or -1 when refused (the previous one stays in force). A kind this
 * terminal does not know is refused. */
int term_docs_version(struct term_docs *d, const char *kind, uint64_t *version);
int term_docs_apply(struct term_docs *d, const char *kind, uint64_t version, const char *content,
                    size_t len, int64_t now);

/* "doc_registry=2 doc_config=3 doc_trust=0 doc_tariff=0 doc_roster=5": the version of each
 * kind in force (0: none) in the program's struct (the one opened last and not closed),
 * for the control socket's status. Any thread. */
void term_docs_in_force_text(char *buf, size_t cap);
/* The version of kind in force, 0 when none or unknown. Any thread. */
uint64_t term_docs_in_force(const char *kind);

/* A bus waiting for the centre's registry (kiosk_config.registry_wait, issue 13): the
 * line that says so, for the log and the screen ("vehicle V not in the registry in force
 * (version N): waiting for the centre's registry"; N 0: the installed file's), and 1;
 * 0 and "" when cfg does not wait. */
int term_docs_wait_text(const struct kiosk_config *cfg, uint64_t registry_version, char *buf,
                        size_t cap);

#endif
