/*
 * centre-admin's console account commands (admin_account.c; docs/console.md): the people
 * who sign in to the web console, their roles and password hashes, in the store's
 * console tables (console_db.c).
 *
 *   account add LOGIN --role ROLE[,ROLE...] [--password-file FILE]  (else stdin's first line)
 *   account passwd LOGIN [--password-file FILE]
 *   account disable LOGIN | account enable LOGIN
 *   account list                                   (CSV: login, roles, state, created, changed)
 *
 * Roles: finance, station, operations, admin. The password is never an argument (argv
 * is visible to every user of the machine); it is kept only as its scrypt hash. Every
 * change is written to the console's audit trail as done by "centre-admin".
 * Returns a CENTRE_E_* code (INVALID_ARG: a usage error, exit 2).
 */
#ifndef CENTRE_ADMIN_ACCOUNT_H
#define CENTRE_ADMIN_ACCOUNT_H

#include <stdint.h>

struct centre_store;
int centre_admin_account(struct centre_store *st, int argc, char **argv, int64_t now);
#define CENTRE_ADMIN_ACCOUNT_USAGE                                                       \
  "  account add LOGIN --role finance|station|operations|admin[,...] [--password-file F]\n" \
  "  account passwd LOGIN [--password-file F]   (password: F's or stdin's first line,\n"  \
  "       10-128 characters; never an argument)\n"                                       \
  "  account disable LOGIN | account enable LOGIN | account list\n"

#endif
