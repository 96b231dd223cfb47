/*
 * kiosk: the terminal program's command line. main() finds the command in one table and
 * hands it the rest of the arguments; each command is one cmd_*.c file and reads its
 * options with the one parser in opts.c.
 *
 *   kiosk config check|defaults   kiosk journal verify|export|status
 *   kiosk revoke show|lookup|make kiosk sites
 *   kiosk readers                 the PC/SC readers and the kind of card in each
 *   kiosk decide                  a headless decision (JSON and/or flags), for tests
 *   kiosk verify                  read the card on the configured reader (tap.c, the
 *                                 path `kiosk run` reads it by), decide, journal, print
 *                                 the verdict as JSON
 *   kiosk run                     the terminal program: screen, reader, journal, sync
 *   kiosk ctl                     talk to a running `kiosk run --control PATH`
 *   kiosk station ...             the blood station desk (station_cli_main)
 *
 * Every command takes --config FILE (default: the embedded defaults), --help and
 * --version. Exit codes (docs/cli.md, the same in every program): 0 done (for
 * decide/verify: whatever the verdict), 1 failed (a check said no: journal verify found
 * tampering, lookup found the card revoked; or it could not run: configuration, no
 * card, no journal), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "common/cli.h"
#include "yh_version.h"

static const struct {
  const char *name;
  int (*run)(struct term_args *a);
} commands[] = {
    {"config", term_cmd_config}, {"journal", term_cmd_journal}, {"revoke", term_cmd_revoke},
    {"sites", term_cmd_sites},   {"decide", term_cmd_decide},   {"verify", term_cmd_verify},
    {"run", term_cmd_run},       {"ctl", term_cmd_ctl},         {"station", term_cmd_station},
    {"his", term_cmd_his},
    {"readers", term_cmd_readers},
};

static const char help_main[] =
    "usage: kiosk COMMAND [options]   (kiosk COMMAND --help for each)\n"
    "\n"
    "  config check|defaults    validate the terminal configuration / print the defaults\n"
    "  sites                    list the site registry\n"
    "  readers                  the PC/SC readers and what is in them (installation)\n"
    "  journal verify|export|status   the audit journal\n"
    "  revoke show|lookup|make  the revocation list (make: sign one offline)\n"
    "  decide                   a headless decision from JSON and/or flags\n"
    "  verify                   read the card on the configured reader, decide, journal,\n"
    "                           print the verdict as JSON\n"
    "  run                      the terminal program: full-screen UI, card reader,\n"
    "                           decisions, journal, sync with the centre\n"
    "  ctl                      send a command to a running `kiosk run --control PATH`\n"
    "  his COMMAND              the HIS API's reference client: create, get, void, list\n"
    "                           waivers at a running cashier terminal (docs/his-api.md)\n"
    "  station COMMAND          the blood station desk: import, evaluate, notice, apply,\n"
    "                           issue, reissue, revoke, collect, ready-list, ... (station.md)\n"
    "\n"
    "Every command takes --config FILE; without it the embedded defaults are used\n"
    "(relative paths under $YH_STATE_DIR, else ./yh-state).\n"
    "  -h, --help     this text (kiosk COMMAND --help: the command's)\n"
    "  --version      the version\n"
    "Exit status: 0 done, 1 failed (or a check said no), 2 usage error (docs/cli.md).\n";

/* --version anywhere among a command's arguments (its own parsing would take it for a
 * subcommand or a stray argument); `revoke make --version N` is the list's version and
 * the station desk reads its own arguments. */
static int wants_version(int argc, char **argv)
{
  if (strcmp(argv[1], "station") == 0 ||
      (strcmp(argv[1], "revoke") == 0 && argc > 2 && strcmp(argv[2], "make") == 0))
    return 0;
  for (int i = 2; i < argc; i++)
    if (common_cli_is_version(argv[i]))
      return 1;
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return common_cli_usage("kiosk", "a command is expected (config, sites, readers, journal, "
                                     "revoke, decide, verify, run, ctl, station, his)");
  if (common_cli_is_help(argv[1])) {
    fputs(help_main, stdout);
    return 0;
  }
  if (common_cli_is_version(argv[1]) || wants_version(argc, argv))
    return common_cli_version(stdout, "kiosk", YH_VERSION, YH_VERSION_GIT);
  for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
    if (strcmp(argv[1], commands[c].name) == 0) {
      struct term_args a = {commands[c].name, argc, argv, 2};
      return commands[c].run(&a);
    }
  return common_cli_usage("kiosk", "unknown command '%s' (expected config, sites, readers, "
                                   "journal, revoke, decide, verify, run, ctl, station or his)",
                           argv[1]);
}
