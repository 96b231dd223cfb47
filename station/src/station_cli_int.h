/* The CLI's shared pieces: the helpers (cli.c) and the commands (cli.c, cli_issue.c) that
 * the table in cli_main.c dispatches to. */
#ifndef STATION_CLI_INT_H
#define STATION_CLI_INT_H

#include <getopt.h>
#include <stdint.h>

#include "station/db.h"
#include "station/issue.h"

struct cli {
  const char *prog;    /* "station" or "kiosk station" */
  const char *cmd;     /* the subcommand */
  const char *db_path;
  struct station_db *db;
  int32_t today;
  int today_set;
  int bad;             /* an option failed to parse */
  const char *centre_admin, *centre_config; /* --centre-admin, --centre-config */
};

#define CLI_COMMON_OPTIONS                                                               \
  {"db", required_argument, NULL, 'D'}, {"today", required_argument, NULL, 'T'},         \
  {"help", no_argument, NULL, 'h'}

/* Options shared by the commands that reach the centre or a card. */
#define CLI_CENTRE_OPTIONS                                                               \
  {"centre-admin", required_argument, NULL, 'A'},                                        \
  {"centre-config", required_argument, NULL, 'C'}

struct cli_centre {
  struct station_centre_admin admin;
  struct station_centre centre;
};

/* The centre from --centre-admin/--centre-config or $STATION_CENTRE_ADMIN and
 * $STATION_CENTRE_CONFIG; NULL when not configured (changes stay queued). */
const struct station_centre *cli_centre(struct cli_centre *cc, const struct cli *c);

void cli_usage_error(const struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cli_date(const struct cli *c, const char *text, int32_t *day);
int cli_open(struct cli *c);
int cli_idno(const struct cli *c, const char *arg, char out[COMMON_ID_LEN + 1]);
/*
 * Every command's option loop: getopt_long over opts (CLI_COMMON_OPTIONS first, then
 * CLI_CENTRE_OPTIONS for a command that reaches the centre, then its own), taking the
 * shared options itself: --db, --today, --centre-admin/--centre-config (into c) and
 * --help (help printed, %s = the program). Returns the next option that is the command's
 * own (> 0); CLI_OPTS_DONE when all are read and valid; CLI_OPTS_HELP after the help;
 * CLI_OPTS_BAD when one was unknown, lacked its argument or did not parse (the message
 * printed). cli_opts_status turns the last two into the command's exit status.
 */
#define CLI_OPTS_DONE (-1)
#define CLI_OPTS_HELP (-2)
#define CLI_OPTS_BAD (-3)
int cli_getopt(struct cli *c, int argc, char **argv, const struct option *opts,
               const char *help);
int cli_opts_status(int getopt_result);
/* 0 when card is a unified card number; else the usage error printed and -1. */
int cli_cardno(const struct cli *c, const char *card);
int cli_find_person(struct cli *c, const char *idno_arg, const char *card, int64_t *person);

/* The commands (cli_main.c has the table): cli.c ... */
int cli_cmd_import(struct cli *c, int argc, char **argv);
int cli_cmd_evaluate(struct cli *c, int argc, char **argv);
int cli_cmd_notice(struct cli *c, int argc, char **argv);
int cli_cmd_show(struct cli *c, int argc, char **argv);
/* ... and cli_issue.c. */
int cli_cmd_apply(struct cli *c, int argc, char **argv);
int cli_cmd_issue(struct cli *c, int argc, char **argv);
int cli_cmd_reissue(struct cli *c, int argc, char **argv);
int cli_cmd_revoke(struct cli *c, int argc, char **argv);
int cli_cmd_collect(struct cli *c, int argc, char **argv);
int cli_cmd_ready_list(struct cli *c, int argc, char **argv);
int cli_cmd_outbox(struct cli *c, int argc, char **argv);
int cli_cmd_card_status(struct cli *c, int argc, char **argv);
/* ... and cli_round.c (the round's procedure, certificates, ledger, export). */
int cli_cmd_round(struct cli *c, int argc, char **argv);

#endif
