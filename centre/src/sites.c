/*
 * The site registry (assets/sites.ini, docs/kiosk.md "Site registry") as the centre's
 * reports need it: a site id's names and kind. The terminal's kiosk module owns the full
 * registry; the centre does not link kiosk (docs/architecture.md), so this reads only the
 * three keys it prints, through common's strict INI reader, and ignores the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "common/ini.h"

struct lookup {
  const char *id;
  struct centre_site *out;
  int found;
};

static int on_section(void *user, const char *name, unsigned line)
{
  struct lookup *l = user;
  (void)line;
  if (strcmp(name, l->id) == 0)
    l->found = 1;
  return 0;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct lookup *l = user;
  (void)line;
  if (strcmp(section, l->id) != 0)
    return 0;
  if (strcmp(key, "name") == 0)
    snprintf(l->out->name, sizeof l->out->name, "%s", value);
  else if (strcmp(key, "name_en") == 0)
    snprintf(l->out->name_en, sizeof l->out->name_en, "%s", value);
  else if (strcmp(key, "kind") == 0)
    snprintf(l->out->kind, sizeof l->out->kind, "%s", value);
  return 0;
}

int centre_site_lookup(const char *registry, const char *id, struct centre_site *out, char *why,
                       size_t cap)
{
  static const struct common_ini_dialect dialect = {COMMON_INI_NEED_SECTION, 0, 0, 0, 0};
  static const struct common_ini_handler h = {on_section, on_pair};
  struct lookup l = {id, out, 0};
  struct common_diag d;
  char *buf = NULL;
  size_t len = 0;
  int rc;
  memset(out, 0, sizeof *out);
  memset(&d, 0, sizeof d);
  if (!registry || !registry[0]) {
    snprintf(why, cap, "no site registry: set [reports] sites in the centre's configuration");
    return CENTRE_E_CONFIG;
  }
  if (!id || strlen(id) > CENTRE_SITE_ID_MAX) {
    snprintf(why, cap, "unknown hospital (not a site id)");
    return CENTRE_E_NOT_FOUND;
  }
  snprintf(out->id, sizeof out->id, "%s", id);
  rc = common_read_file(registry, COMMON_INI_INPUT_MAX, &buf, &len, &d);
  if (rc == COMMON_OK)
    rc = common_ini_parse(buf, len, registry, &dialect, &h, &l, &d);
  free(buf);
  if (rc != COMMON_OK) {
    snprintf(why, cap, "site registry: %s", d.text);
    return CENTRE_E_CONFIG;
  }
  if (!l.found) {
    snprintf(why, cap, "unknown hospital: no such site in the registry");
    return CENTRE_E_NOT_FOUND;
  }
  if (strcmp(out->kind, "hospital") != 0) {
    snprintf(why, cap, "not a hospital: the registry lists this site as kind %s",
             out->kind[0] ? out->kind : "(none)");
    return CENTRE_E_NOT_FOUND;
  }
  if (!out->name[0])
    snprintf(out->name, sizeof out->name, "%s", id);
  return CENTRE_OK;
}
