/*
 * The site and vehicle registry as a centre-signed document (issue 13; docs/sync-protocol.md,
 * "Registry document"): the office imports a sites.ini (`centre-admin registry import`),
 * this file checks it and the store keeps it as the next version of the document kind
 * "registry", served to every terminal (GET /v1/registry). What each key means is the
 * terminal's (kiosk's registry loader checks it again, whole, before anything is in
 * force); the centre checks what it needs and what would make every terminal refuse the
 * document: the INI syntax (common's reader), site ids that are tokens and not shaped like
 * an ID number, known keys, name, kind and modes in each site, and a bus operator with at
 * least one vehicle. No SQL here: the document goes through the store's documents table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "common/idno.h"
#include "common/ini.h"
#include "common/token.h"

#define SITE_ID_MAX 63u

static const char *const known_keys[] = {"name",     "name_en",  "county", "level",
                                         "kind",     "modes",    "operator", "routes",
                                         "vehicles", "vehicle_routes"};

struct reg_walk {
  char why[200];
  unsigned sites;
  unsigned line;              /* of the open section */
  char site[SITE_ID_MAX + 1]; /* the open section */
  int has_name, has_kind, has_modes, is_bus, vehicles;
  const char *want;           /* centre_registry_has_site: the id looked for */
  int found;
  FILE *list;                 /* centre_registry_list_csv */
  char kind[16], routes[COMMON_INI_VALUE_MAX + 1], vehicles_text[COMMON_INI_VALUE_MAX + 1];
};

static size_t count_items(const char *v)
{
  size_t n = 0;
  int in = 0;
  for (; *v; v++) {
    int sep = *v == ' ' || *v == '\t' || *v == ',';
    if (!sep && !in)
      n++;
    in = !sep;
  }
  return n;
}

/* The open section is complete: check it, list it. */
static int close_site(struct reg_walk *w)
{
  if (!w->site[0])
    return 0;
  if (!w->has_name || !w->has_kind || !w->has_modes) {
    snprintf(w->why, sizeof w->why, "line %u: site without %s", w->line,
             !w->has_name ? "name" : !w->has_kind ? "kind" : "modes");
    return -1;
  }
  if (w->is_bus && !w->vehicles) {
    snprintf(w->why, sizeof w->why, "line %u: a bus operator without vehicles", w->line);
    return -1;
  }
  if (w->list) {
    /* one CSV field: the ids blank-separated, quoted, no quote inside */
    for (char *p = w->vehicles_text; *p; p++)
      if (*p == ',' || *p == '"' || *p == '\t')
        *p = ' ';
    fprintf(w->list, "%s,%s,%zu,%zu,\"%s\"\n", w->site, w->kind, count_items(w->routes),
            count_items(w->vehicles_text), w->vehicles_text);
  }
  w->sites++;
  return 0;
}

static int on_section(void *user, const char *name, unsigned line)
{
  struct reg_walk *w = user;
  if (close_site(w) != 0)
    return -1;
  if (!common_token_valid(name, SITE_ID_MAX) || common_id_shaped(name)) {
    snprintf(w->why, sizeof w->why, "line %u: a site id is 1-%u of a-z 0-9 . _ -, not shaped "
             "like an ID number", line, SITE_ID_MAX);
    return -1;
  }
  snprintf(w->site, sizeof w->site, "%s", name);
  w->line = line;
  w->has_name = w->has_kind = w->has_modes = w->is_bus = w->vehicles = 0;
  w->kind[0] = w->routes[0] = w->vehicles_text[0] = '\0';
  if (w->want && strcmp(w->want, name) == 0)
    w->found = 1;
  return 0;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct reg_walk *w = user;
  size_t i;
  (void)section;
  for (i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++)
    if (strcmp(known_keys[i], key) == 0)
      break;
  if (i == sizeof known_keys / sizeof known_keys[0]) {
    snprintf(w->why, sizeof w->why, "line %u: unknown key (expected name, name_en, county, "
             "level, kind, modes, operator, routes, vehicles, vehicle_routes)", line);
    return -1;
  }
  if (strcmp(key, "name") == 0) {
    w->has_name = 1;
  } else if (strcmp(key, "kind") == 0) {
    if (strcmp(value, "park") && strcmp(value, "hospital") && strcmp(value, "bus") &&
        strcmp(value, "station")) {
      snprintf(w->why, sizeof w->why, "line %u: kind: expected park, hospital, bus or station",
               line);
      return -1;
    }
    w->has_kind = 1;
    w->is_bus = strcmp(value, "bus") == 0;
    snprintf(w->kind, sizeof w->kind, "%s", value);
  } else if (strcmp(key, "modes") == 0) {
    w->has_modes = 1;
  } else if (strcmp(key, "routes") == 0) {
    snprintf(w->routes, sizeof w->routes, "%s", value);
  } else if (strcmp(key, "vehicles") == 0) {
    /* vehicle ids are journaled: never an ID number */
    char item[64];
    size_t n = 0;
    for (const char *p = value;; p++) {
      int sep = !*p || *p == ' ' || *p == '\t' || *p == ',';
      if (!sep && n + 1 < sizeof item) {
        item[n++] = *p;
        continue;
      }
      if (!sep) {
        snprintf(w->why, sizeof w->why, "line %u: a vehicle id longer than %zu bytes", line,
                 sizeof item - 1);
        return -1;
      }
      item[n] = '\0';
      if (n && common_id_shaped(item)) {
        snprintf(w->why, sizeof w->why, "line %u: a vehicle id shaped like an ID number", line);
        return -1;
      }
      n = 0;
      if (!*p)
        break;
    }
    w->vehicles = count_items(value) > 0;
    snprintf(w->vehicles_text, sizeof w->vehicles_text, "%s", value);
  }
  return 0;
}

static int walk(const char *buf, size_t len, struct reg_walk *w, char *why, size_t cap)
{
  static const struct common_ini_handler h = {on_section, on_pair};
  static const struct common_ini_dialect dialect = {COMMON_INI_NEED_SECTION, 0, 0, 0, 0};
  struct common_diag d;
  memset(&d, 0, sizeof d);
  int rc = common_ini_parse(buf, len, "registry", &dialect, &h, w, &d);
  if (rc == COMMON_OK && close_site(w) != 0)
    rc = COMMON_E_STOPPED;
  if (rc == COMMON_OK && w->sites == 0) {
    snprintf(w->why, sizeof w->why, "no site");
    rc = COMMON_E_STOPPED;
  }
  if (rc == COMMON_OK)
    return CENTRE_OK;
  if (rc == COMMON_E_STOPPED)
    snprintf(why, cap, "%s", w->why);
  else if (d.line)
    snprintf(why, cap, "line %u: %s", d.line, d.text);
  else
    snprintf(why, cap, "%s", d.text);
  return rc == COMMON_E_NO_MEMORY ? CENTRE_E_NO_MEMORY
         : rc == COMMON_E_TOO_LARGE ? CENTRE_E_TOO_LARGE
                                    : CENTRE_E_MALFORMED;
}

int centre_registry_check(const char *buf, size_t len, unsigned *sites, char *why, size_t cap)
{
  struct reg_walk *w = calloc(1, sizeof *w);
  if (!w)
    return CENTRE_E_NO_MEMORY;
  int rc = walk(buf, len, w, why, cap);
  if (sites)
    *sites = w->sites;
  free(w);
  return rc;
}

int centre_registry_has_site(const char *buf, size_t len, const char *site)
{
  struct reg_walk *w = calloc(1, sizeof *w);
  char why[200];
  if (!w)
    return 0;
  w->want = site;
  int found = walk(buf, len, w, why, sizeof why) == CENTRE_OK && w->found;
  free(w);
  return found;
}

int centre_registry_list_csv(const char *buf, size_t len, FILE *out)
{
  struct reg_walk *w = calloc(1, sizeof *w);
  char why[200];
  if (!w)
    return CENTRE_E_NO_MEMORY;
  fprintf(out, "site,kind,routes,vehicles,vehicle_ids\n");
  w->list = out;
  int rc = walk(buf, len, w, why, sizeof why);
  free(w);
  return rc;
}
