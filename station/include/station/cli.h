/*
 * station CLI: the desk's commands, for the program `station` and for `kiosk station`.
 *
 *   station_cli_main(argc, argv)
 *
 * argv[0] is the name to show in usage lines ("station", or "kiosk station" when the
 * kiosk program passes its own argv from "station" on); argv[1] is the subcommand:
 * import, evaluate, notice, apply, issue, reissue, revoke, collect, ready-list, show,
 * outbox, card-status, each with --help. Returns the process exit status: 0 done, 1 refused or failed
 * (the reason on stderr), 2 usage error. Uses getopt_long (resets optind). Output that
 * concerns people is masked; ID numbers are read from stdin when given as "-" (a command
 * line is visible to other users through ps).
 */
#ifndef STATION_CLI_H
#define STATION_CLI_H

#ifdef __cplusplus
extern "C" {
#endif

int station_cli_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif /* STATION_CLI_H */
