/* The station's command line (station/cli.h): the command table and the dispatch.
 * The commands live in cli.c (records, rounds, notice, people) and cli_issue.c (cards);
 * both share the helpers of cli.c. The table sits here, above both, so that no two of
 * these files call each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/cli.h"
#include "station_cli_int.h"
#include "station_int.h"

/* ------------------------------------------------------------ dispatch -- */

static const struct {
  const char *name;
  int (*fn)(struct cli *c, int argc, char **argv);
  const char *summary;
} cli_commands[] = {
  {"import", cli_cmd_import, "import donation and volunteer records (CSV)"},
  {"evaluate", cli_cmd_evaluate, "evaluate an award round"},
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
  fprintf(out, "Common options: --db FILE (default $STATION_DB or station.db), "
               "--today YYYY-MM-DD (default: today in Yulin).\n");
}

int station_cli_main(int argc, char **argv)
{
  const char *prog = argc > 0 && argv[0] ? argv[0] : "station";
  if (strchr(prog, '/') && !strchr(prog, ' '))
    prog = strrchr(prog, '/') + 1; /* "station", not the path it was run by */
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    cli_help(prog, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (size_t i = 0; i < sizeof cli_commands / sizeof cli_commands[0]; i++) {
    if (strcmp(argv[1], cli_commands[i].name) != 0)
      continue;
    struct cli c;
    memset(&c, 0, sizeof c);
    c.prog = prog;
    c.cmd = cli_commands[i].name;
    c.db_path = getenv("STATION_DB") ? getenv("STATION_DB") : "station.db";
    c.today = station_date_today();
    /* getopt_long sees the subcommand as its argv[0]. */
    optind = 0;
    opterr = 1;
    int rc = cli_commands[i].fn(&c, argc - 1, argv + 1);
    station_db_close(c.db);
    return rc;
  }
  fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
  cli_help(prog, stderr);
  return 2;
}
