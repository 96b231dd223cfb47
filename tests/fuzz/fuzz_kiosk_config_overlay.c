/*
 * Fuzz the centre's configuration document (kiosk_config_parse_overlay): the input is the
 * document laid over a fixed bus terminal's file, against a small fixed registry. A
 * document that is accepted never changes who or where the terminal is, nor its files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char registry[] = "[park.a]\nname = 甲\ncounty = 容县\nkind = park\nlevel = 4A\n"
                               "modes = gate\n"
                               "[bus.c]\nname = 丙\ncounty = 玉林市\nkind = bus\nlevel = city\n"
                               "modes = bus\noperator = op\nroutes = 1 2\nvehicles = V1 V2\n";
static const char base[] = "[terminal]\nsite = bus.c\nmode = bus\nterminal_id = B1\n"
                           "vehicle = V1\n[paths]\njournal = /var/lib/x/journal.db\n"
                           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct kiosk_sites *sites;
  struct kiosk_diag d;
  if (!sites && kiosk_sites_parse(registry, sizeof registry - 1, "registry", &sites, &d) != KIOSK_OK)
    abort();
  struct kiosk_config c;
  memset(&d, 0, sizeof d);
  if (kiosk_config_parse_overlay(base, sizeof base - 1, "/etc/k/kiosk.ini", (const char *)data,
                                 size, "centre configuration", sites, KIOSK_CONFIG_NO_FS_CHECK,
                                 &c, &d) == KIOSK_OK) {
    const struct kiosk_site *s = kiosk_sites_find(sites, c.site_id);
    if (strcmp(c.site_id, "bus.c") != 0 || strcmp(c.terminal_id, "B1") != 0 ||
        c.mode != KIOSK_MODE_BUS || strcmp(c.journal_path, "/var/lib/x/journal.db") != 0 ||
        !s || !kiosk_site_has_vehicle(s, c.vehicle) || c.policy.end_day <= c.policy.start_day)
      abort();
  } else if (d.text[0] == '\0') {
    abort(); /* every refusal says why */
  }
  return 0;
}
