/*
 * The one option parser of the program `kiosk`: every command (cmd_*.c) walks its
 * arguments with it, so that "--name VALUE" and "--name=VALUE", --help, numbers and
 * usage errors read and fail the same way everywhere.
 *
 * A usage error prints "kiosk COMMAND: problem" and "see kiosk COMMAND --help" on stderr
 * (common/cli.h) and exits with TERM_EXIT_USAGE: a command line is the user's to fix,
 * nothing is left to clean up while arguments are parsed (no command opens anything
 * before its loop ends).
 */
#ifndef TERM_OPTS_H
#define TERM_OPTS_H

#include <stdint.h>

#include "kiosk/config.h"

/* Exit statuses of every command: the convention of every program (common/cli.h,
 * docs/cli.md). A check that says no and a failure to run are both 1; the message on
 * stderr (or the check's line on stdout) tells which. */
#define TERM_EXIT_CHECK 1   /* a check failed: a broken journal, a revoked card */
#define TERM_EXIT_RUNTIME 1 /* it could not run: configuration, no card, no journal */
#define TERM_EXIT_USAGE 2   /* the command line is wrong */

/* The arguments of one command: argv[i] is the next one to read. */
struct term_args {
  const char *cmd; /* "verify", for messages */
  int argc;
  char **argv;
  int i;
};

/* The current argument. */
const char *term_arg(const struct term_args *a);
/* 1 when the current argument is --help or -h. */
int term_arg_is_help(const struct term_args *a);
/* 1 when the current argument is exactly the flag name ("--window"). */
int term_arg_flag(const struct term_args *a, const char *name);
/* The value of "--name VALUE" (consumes VALUE) or "--name=VALUE" at the current
 * argument, or NULL when it is another argument. Exits when VALUE is missing. */
const char *term_arg_value(struct term_args *a, const char *name);

/* Exit with "unexpected argument" for the current argument. */
void term_usage_error(const struct term_args *a) __attribute__((noreturn));
/* Exit with a usage error: "kiosk COMMAND: MESSAGE", then "see kiosk COMMAND --help". */
void term_usage(const struct term_args *a, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/* A whole decimal number in [min, max] for option name, or exit. */
int64_t term_arg_number(const struct term_args *a, const char *name, const char *v, int64_t min,
                        int64_t max);
/* A whole non-negative decimal number (up to UINT64_MAX), or exit. */
uint64_t term_arg_u64(const struct term_args *a, const char *name, const char *v);

/* Load the terminal configuration (path NULL: the embedded defaults) with
 * kiosk_config_load's flags, or exit with the file:line problem. */
void term_load_config(const char *path, unsigned flags, struct kiosk_config *cfg);

#endif
