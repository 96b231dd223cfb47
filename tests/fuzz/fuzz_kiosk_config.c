/*
 * Fuzz the kiosk INI parsers: the input is parsed as a terminal configuration (against
 * a small fixed site registry, without touching the filesystem) and as a site registry.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char registry[] = "[park.a]\nname = 甲\ncounty = 容县\nkind = park\nlevel = 4A\n"
                               "modes = gate\n"
                               "[hosp.b]\nname = 乙\ncounty = 玉州区\nkind = hospital\n"
                               "level = city\nmodes = cashier\n"
                               "[bus.c]\nname = 丙\ncounty = 玉林市\nkind = bus\nlevel = city\n"
                               "modes = bus\noperator = op\nroutes = 1 2\nvehicles = V1 V2\n"
                               "vehicle_routes = V1:2\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct kiosk_sites *sites;
  struct kiosk_diag d;
  if (!sites && kiosk_sites_parse(registry, sizeof registry - 1, "registry", &sites, &d) != KIOSK_OK)
    abort();
  struct kiosk_config c;
  if (kiosk_config_parse((const char *)data, size, "fuzz.ini", sites, KIOSK_CONFIG_NO_FS_CHECK,
                         &c, &d) == KIOSK_OK) {
    /* A configuration that parses is consistent. */
    const struct kiosk_site *s = kiosk_sites_find(sites, c.site_id);
    if (!s || !(s->modes & KIOSK_MODE_BIT(c.mode)) || c.policy.end_day <= c.policy.start_day)
      abort();
    /* a bus that does not wait runs a vehicle (and route) of the registry's; one whose
     * route came from the registry has the registry's (issue 13) */
    if (c.mode == KIOSK_MODE_BUS && !c.registry_wait &&
        (!kiosk_site_has_vehicle(s, c.vehicle) || (c.route[0] && !kiosk_site_has_route(s, c.route))))
      abort();
    if (c.route_from_registry && (c.registry_wait || !kiosk_site_vehicle_route(s, c.vehicle) ||
                                  strcmp(kiosk_site_vehicle_route(s, c.vehicle), c.route) != 0))
      abort();
  } else if (d.text[0] == '\0') {
    abort(); /* every failure says why */
  }
  struct kiosk_sites *parsed = NULL;
  if (kiosk_sites_parse((const char *)data, size, "fuzz-sites.ini", &parsed, &d) == KIOSK_OK) {
    for (size_t i = 0; i < kiosk_sites_count(parsed); i++) {
      const struct kiosk_site *s = kiosk_sites_at(parsed, i);
      if (!s->name || !s->modes)
        abort();
      for (size_t k = 0; k < s->nassigned; k++) /* vehicle_routes: the site's own ids */
        if (!kiosk_site_has_vehicle(s, s->assigned_vehicles[k]) ||
            !kiosk_site_has_route(s, s->assigned_routes[k]) ||
            strcmp(kiosk_site_vehicle_route(s, s->assigned_vehicles[k]), s->assigned_routes[k]))
          abort();
    }
  }
  kiosk_sites_destroy(parsed);
  return 0;
}
