/* The station's command line (station/cli.h): the command table and the dispatch.
 * The commands live in cli.c (records, rounds, notice, people) and cli_issue.c (cards);
 * both share the helpers of cli.c. The table sits here, above both, so that no two of
 * these files call each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "station/cli.h"
#include "station_cli_int.h"
#include "station_int.h"
#include "yh_version.h"

/* ------------------------------------------------------------ dispatch -- */

static const struct {
  const char *name;
  int (*fn)(struct cli *c, int argc, char **argv);
  const char *summary;
} cli_commands[] = {
  {"import", cli_cmd_import, "import donation and volunteer records (CSV)"},
  {"evaluate", cli_cmd_evaluate, "evaluate an award round"},
  {"round", cli_cmd_round, "the round's steps: decide, review, publish, object, award..."},
  {"notice", cli_cmd_notice, "write a round's public notice (csv|html), masked"},
  {"apply", cli_cmd_apply, "record a card application (ID number, name, photo)"},
  {"issue", cli_cmd_issue, "number, personalize, verify and register a card"},
  {"reissue", cli_cmd_reissue, "replace a lost or damaged card (fee; old card revoked)"},
  {"revoke", cli_cmd_revoke, "revoke a card (lost, damaged, altered, lent)"},
  {"collect", cli_cmd_collect, "record that the holder collected a card"},
  {"ready-list", cli_cmd_ready_list, "list cards ready for collection"},
  {"outbox", cli_cmd_outbox, "show or send what is queued for the centre"},
  {"card-status", cli_cmd_card_status, "is a card revoked here? (the local view)"},
  {"show", cli_cmd_show, "show a person, masked"},
};

static void cli_help(const char *prog, FILE *out)
{
  fprintf(out, "usage: %s COMMAND [OPTIONS]   (%s COMMAND --help for each)\n", prog, prog);
  fprintf(out, "The Yulin Central Blood Station desk: records, award rounds, honour cards.\n");
  for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++)
    fprintf(out, "  %-11s %s\n", cli_commands[i].name, cli_commands[i].summary);
  fprintf(out, "Common options, before or after the command: --db FILE (default $STATION_DB "
               "or station.db), --today YYYY-MM-DD (default: today in Yulin).\n");
  fprintf(out, "  -h, --help   this text;  --version   the version\n"
               "Exit status: 0 done, 1 failed, 2 usage error (docs/cli.md).\n");
}

/* Common options given before the command (`station --db FILE import ...`, as the help
 * says): taken off argv, the rest shifted down. Returns 0, or 2 for a usage error. */
static int cli_leading_options(const char *prog, int *argc, char **argv, const char **db_path,
                               int32_t *today, int *today_set)
{
  while (*argc >= 2 && strncmp(argv[1], "--", 2) == 0 && strcmp(argv[1], "--help") != 0 &&
         strcmp(argv[1], "--version") != 0) {
    const char *opt = argv[1], *val = NULL;
    int used = 1;
    const char *eq = strchr(opt, '=');
    size_t name_len = eq ? (size_t)(eq - opt) : strlen(opt);
    int is_db = name_len == 4 && strncmp(opt, "--db", 4) == 0;
    int is_today = name_len == 7 && strncmp(opt, "--today", 7) == 0;
    if (!is_db && !is_today) {
      fprintf(stderr, "%s: unknown option '%.*s' before the command (common options: --db, "
                      "--today)\nsee %s --help\n", prog, (int)name_len, opt, prog);
      return 2;
    }
    if (eq) {
      val = eq + 1;
    } else if (*argc >= 3) {
      val = argv[2];
      used = 2;
    } else {
      common_cli_usage(prog, "%s needs a value", opt);
      return 2;
    }
    if (is_db) {
      *db_path = val;
    } else if (station_date_parse(val, strlen(val), today) != STATION_OK) {
      common_cli_usage(prog, "--today: expected a date as YYYY-MM-DD");
      return 2;
    } else {
      *today_set = 1;
    }
    for (int i = 1; i + used < *argc; i++)
      argv[i] = argv[i + used];
    *argc -= used;
  }
  return 0;
}

int station_cli_main(int argc, char **argv)
{
  const char *prog = argc > 0 && argv[0] ? argv[0] : "station";
  if (strchr(prog, '/') && !strchr(prog, ' '))
    prog = strrchr(prog, '/') + 1; /* "station", not the path it was run by */
  const char *db_path = getenv("STATION_DB") ? getenv("STATION_DB") : "station.db";
  int32_t today = station_date_today();
  int today_set = 0;
  if (cli_leading_options(prog, &argc, argv, &db_path, &today, &today_set) != 0)
    return 2;
  if (argc < 2)
    return common_cli_usage(prog, "a command is expected (import, evaluate, round, notice, "
                                  "apply, issue, reissue, revoke, collect, ready-list, outbox, "
                                  "card-status, show)");
  if (common_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
    cli_help(prog, stdout);
    return 0;
  }
  /* --version anywhere: no command has an option of that name. */
  for (int i = 1; i < argc; i++)
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, prog, YH_VERSION, YH_VERSION_GIT);
  for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++) {
    if (strcmp(argv[1], cli_commands[i].name) != 0)
      continue;
    struct cli c;
    memset(&c, 0, sizeof c);
    c.prog = prog;
    c.cmd = cli_commands[i].name;
    c.db_path = db_path;
    c.today = today;
    c.today_set = today_set;
    /* getopt_long sees the subcommand as its argv[0] and names it in its messages
     * ("station import: unrecognized option '--frob'"); cli_getopt adds the "see
     * ... --help" line. */
    char name[64];
    snprintf(name, sizeof name, "%s %s", prog, c.cmd);
    argv[1] = name;
    optind = 0;
    opterr = 1;
    int rc = cli_commands[i].fn(&c, argc - 1, argv + 1);
    station_db_close(c.db);
    return rc;
  }
  return common_cli_usage(prog, "unknown command '%s' (expected import, evaluate, round, "
                                "notice, apply, issue, reissue, revoke, collect, ready-list, "
                                "outbox, card-status or show)", argv[1]);
}
