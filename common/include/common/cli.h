/*
 * common/cli.h: the one command-line convention every program of the honour card
 * software follows (docs/cli.md), so that kiosk, centre, centre-admin, station, yhpki,
 * cardsim, cardwatch, uishot and yhconform read and fail the same way:
 *
 *   --help, -h      usage on stdout, exit 0
 *   --version       "PROG (Yulin honour card) X.Y.Z (git DESCRIBE)" on stdout, exit 0
 *   a usage error   "PROG: what is wrong with which argument, what is expected"
 *                   "see PROG --help"                      on stderr, exit 2
 *   a failure       one line naming the file, key, card or site, exit 1
 *
 * Only the printing and the names live here; each program keeps its own option parsing
 * (its arguments differ too much for one parser to be less code). The version strings
 * come from the generated yh_version.h (target yh_version), which the programs include,
 * not common: a new commit then recompiles the programs' mains, not this library.
 * Stateless; writes only to the stream it is given.
 */
#ifndef COMMON_CLI_H
#define COMMON_CLI_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses, the same in every program. */
#define COMMON_CLI_EXIT_OK 0
#define COMMON_CLI_EXIT_FAIL 1  /* it ran and failed, or a check it ran said no */
#define COMMON_CLI_EXIT_USAGE 2 /* the command line is wrong: nothing was done */

/* The program's name for messages: argv0's last path component ("centre", not
 * "/home/x/build/centre/centre"); fallback when argv0 is NULL or empty. Points into argv0
 * or is fallback. */
const char *common_cli_name(const char *argv0, const char *fallback);

/* 1 when arg is "--help" or "-h"; 1 when arg is "--version"; else 0 (NULL: 0). */
int common_cli_is_help(const char *arg);
int common_cli_is_version(const char *arg);

/* Print "PROG (Yulin honour card) VERSION (git GIT)\n" on out ("(git ...)" only when git
 * is non-empty); prog may name a subcommand ("kiosk journal"). Returns COMMON_CLI_EXIT_OK.
 * Callers pass YH_VERSION, YH_VERSION_GIT from yh_version.h. */
int common_cli_version(FILE *out, const char *prog, const char *version, const char *git);

/* A usage error: "PROG: MESSAGE\nsee PROG --help\n" on stderr (prog may be "kiosk journal";
 * the message names the argument and what is expected, no trailing newline). Returns
 * COMMON_CLI_EXIT_USAGE, for `return common_cli_usage(...)`. */
int common_cli_usage(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif
#endif
