/*
 * centre-admin's staff commands (admin_staff.c; docs/staff.md): a site's roster edited
 * in the store, and after every change its document rebuilt and published as the next
 * version of "roster:<site>" (signed when served, like every document).
 *
 *   staff add SITE ID --name NAME [--role staff|supervisor] [--from YYYY-MM-DD]
 *             [--to YYYY-MM-DD] [--pin-file FILE]     (else the PIN is stdin's first line)
 *   staff disable SITE ID
 *   staff list [SITE]
 *   staff policy SITE [--pin-min N] [--failures N] [--lock-minutes N] [--idle-minutes N]
 *
 * Returns a CENTRE_E_* code (INVALID_ARG: a usage error, said with "see centre-admin
 * --help", exit 2), or ADMIN_E_SAID for a failure already said in one line (exit 1);
 * messages on stderr never quote a PIN.
 */
#ifndef CENTRE_ADMIN_STAFF_H
#define CENTRE_ADMIN_STAFF_H

#include <stdint.h>

/* A failure already explained on stderr in one line: centre-admin's main adds nothing and
 * exits 1 (docs/cli.md). Shared by every command of centre-admin. */
#define ADMIN_E_SAID (-1000)

struct centre_store;
int centre_admin_staff(struct centre_store *st, int argc, char **argv, int64_t now);
#define CENTRE_ADMIN_STAFF_USAGE                                                         \
  "  staff add SITE ID --name NAME [--role staff|supervisor] [--from YYYY-MM-DD]\n"       \
  "       [--to YYYY-MM-DD] [--pin-file FILE]   (PIN: FILE's or stdin's first line,\n"    \
  "       digits, at least the site's minimum; never an argument)\n"                     \
  "  staff disable SITE ID | staff list [SITE]\n"                                        \
  "  staff policy SITE [--pin-min N] [--failures N] [--lock-minutes N] [--idle-minutes N]\n"

#endif
