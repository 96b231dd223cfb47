/* station: the blood station desk program (docs/station.md). Everything is in the
 * library; the kiosk program offers the same commands as `kiosk station ...`. */
#include "station/cli.h"

int main(int argc, char **argv)
{
  return station_cli_main(argc, argv);
}
