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
                               "modes = bus\noperator = op\nroutes = 1 2\nvehicles = V1 V2\n";

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
  } else if (d.text[0] == '\0') {
    abort(); /* every failure says why */
  }
  struct kiosk_sites *parsed = NULL;
  if (kiosk_sites_parse((const char *)data, size, "fuzz-sites.ini", &parsed, &d) == KIOSK_OK) {
    for (size_t i = 0; i < kiosk_sites_count(parsed); i++)
      if (!kiosk_sites_at(parsed, i)->name || !kiosk_sites_at(parsed, i)->modes)
        abort();
  }
  kiosk_sites_destroy(parsed);
  return 0;
}
