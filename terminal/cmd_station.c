/* `kiosk station ...`: the blood station desk, which the station library's CLI runs. */
#include "cmd.h"
#include "station/cli.h"

int term_cmd_station(struct term_args *a)
{
  /* the station's CLI with argv[0] = the name its usage lines show (docs/station.md) */
  static char prog[] = "kiosk station";
  a->argv[a->i - 1] = prog;
  return station_cli_main(a->argc - (a->i - 1), a->argv + (a->i - 1));
}
