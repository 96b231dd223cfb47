/* Site registry: parse assets/sites.ini strictly (see docs/kiosk.md). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/datadir.h"
#include "common/idno.h"
#include "common/token.h"
#include "ini.h"
#include "kiosk/sites.h"


#define SITES_MAX 256u
#define SITE_LIST_MAX 512u /* routes or vehicles per bus site */

static const char *const known_counties[] = {"玉州区", "福绵区", "容县",     "陆川县", "博白县",
                                             "兴业县", "北流市", "玉东新区", "玉林市"};

struct site_rec {
  struct kiosk_site pub;
  unsigned seen; /* bit per key_* below */
  char *own[6];  /* owned strings behind pub: id, name, county, level, operator, name_en */
  char **routes;
  char **vehicles;
  char **assign_v, **assign_r; /* vehicle_routes, nassigned pairs */
};

struct kiosk_sites {
  struct site_rec *v;
  size_t n;
  const char *file;
};

enum { KEY_NAME, KEY_COUNTY, KEY_KIND, KEY_LEVEL, KEY_MODES, KEY_OPERATOR, KEY_ROUTES,
       KEY_VEHICLES, KEY_NAME_EN, KEY_VEHICLE_ROUTES, KEY_COUNT };
static const char *const key_names[KEY_COUNT] = {"name",  "county",   "kind",     "level",
                                                 "modes", "operator", "routes",   "vehicles",
                                                 "name_en", "vehicle_routes"};

const char *kiosk_site_kind_name(int kind)
{
  switch (kind) {
#define KIOSK_X_SKN(name, value, text)                                                   \
  case (value):                                                                          \
    return (text);
    KIOSK_SITE_KIND_MAP(KIOSK_X_SKN)
#undef KIOSK_X_SKN
  default:
    return NULL;
  }
}

static int kind_parse(const char *s, enum kiosk_site_kind *out)
{
#define KIOSK_X_SKP(name, value, text)                                                   \
  if (strcmp(s, (text)) == 0) {                                                          \
    *out = KIOSK_SITE_##name;                                                            \
    return KIOSK_OK;                                                                     \
  }
  KIOSK_SITE_KIND_MAP(KIOSK_X_SKP)
#undef KIOSK_X_SKP
  return KIOSK_E_NOT_FOUND;
}

/* Modes each kind of site may allow. */
static unsigned kind_modes(enum kiosk_site_kind k)
{
  switch (k) {
  case KIOSK_SITE_PARK:
    return KIOSK_MODE_BIT(KIOSK_MODE_GATE);
  case KIOSK_SITE_HOSPITAL:
    return KIOSK_MODE_BIT(KIOSK_MODE_CASHIER);
  case KIOSK_SITE_BUS:
    return KIOSK_MODE_BIT(KIOSK_MODE_BUS);
  case KIOSK_SITE_STATION:
    return KIOSK_MODE_BIT(KIOSK_MODE_STATION);
  }
  return 0;
}

static void rec_free(struct site_rec *r)
{
  for (size_t i = 0; i < sizeof r->own / sizeof r->own[0]; i++)
    free(r->own[i]);
  for (size_t i = 0; i < r->pub.nroutes; i++)
    free(r->routes[i]);
  free(r->routes);
  for (size_t i = 0; i < r->pub.nvehicles; i++)
    free(r->vehicles[i]);
  free(r->vehicles);
  for (size_t i = 0; i < r->pub.nassigned; i++) {
    free(r->assign_v[i]);
    free(r->assign_r[i]);
  }
  free(r->assign_v);
  free(r->assign_r);
}

void kiosk_sites_destroy(struct kiosk_sites *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n; i++)
    rec_free(&s->v[i]);
  free(s->v);
  free(s);
}

/* Vehicles and routes end up in journaled events: an ID number is not an id. */
static int id_shaped_n(const char *s, size_t n)
{
  char tok[20];
  if (n != sizeof tok - 2)
    return 0;
  memcpy(tok, s, n);
  tok[n] = '\0';
  return common_id_shaped(tok);
}

/* Split a list of tokens separated by blanks or commas into a malloc'd array. */
static int split_list(const char *value, char ***out, size_t *count, const char *file,
                      unsigned line, const char *key, struct kiosk_diag *diag)
{
  char **v = NULL;
  size_t n = 0;
  const char *p = value;
  int rc = KIOSK_OK;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (!*p)
      break;
    const char *b = p;
    while (*p && *p != ' ' && *p != '\t' && *p != ',')
      p++;
    size_t len = (size_t)(p - b);
    if (!common_token_valid_n(b, len, KIOSK_VEHICLE_ID_MAX, COMMON_TOKEN_PLAIN) ||
        id_shaped_n(b, len)) {
      rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line,
                          "%s: ids are 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                          key, KIOSK_VEHICLE_ID_MAX);
      goto out_free;
    }
    for (size_t i = 0; i < n; i++)
      if (strlen(v[i]) == len && memcmp(v[i], b, len) == 0) {
        rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line, "%s: duplicate id '%.*s'", key,
                            (int)len, b);
        goto out_free;
      }
    if (n >= SITE_LIST_MAX) {
      rc = kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, line, "%s: more than %u ids", key,
                          SITE_LIST_MAX);
      goto out_free;
    }
    char **nv = realloc(v, (n + 1) * sizeof *v);
    if (!nv) {
      rc = kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
      goto out_free;
    }
    v = nv;
    v[n] = strndup(b, len);
    if (!v[n]) {
      rc = kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
      goto out_free;
    }
    n++;
  }
  if (n == 0) {
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line, "%s: empty list", key);
    goto out_free;
  }
  *out = v;
  *count = n;
  return KIOSK_OK;
out_free:
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
  return rc;
}

static int id_ok(const char *b, size_t len)
{
  return common_token_valid_n(b, len, KIOSK_VEHICLE_ID_MAX, COMMON_TOKEN_PLAIN) &&
         !id_shaped_n(b, len);
}

/* vehicle_routes: "VEHICLE:ROUTE" pairs separated by blanks or commas, each half an id as
 * in split_list; a vehicle at most once (a bus runs one route at a time), a route as often
 * as it has buses. Bounded like split_list. */
static int split_pairs(const char *value, struct site_rec *r, const char *file, unsigned line,
                       struct kiosk_diag *diag)
{
  size_t n = 0;
  const char *p = value;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (!*p)
      break;
    const char *b = p;
    while (*p && *p != ' ' && *p != '\t' && *p != ',')
      p++;
    const char *colon = memchr(b, ':', (size_t)(p - b));
    size_t vlen = colon ? (size_t)(colon - b) : 0, rlen = colon ? (size_t)(p - colon - 1) : 0;
    if (!colon || !id_ok(b, vlen) || !id_ok(colon + 1, rlen))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line,
                            "vehicle_routes: pairs VEHICLE:ROUTE separated by blanks or commas, "
                            "ids of 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                            KIOSK_VEHICLE_ID_MAX);
    for (size_t i = 0; i < n; i++)
      if (strlen(r->assign_v[i]) == vlen && memcmp(r->assign_v[i], b, vlen) == 0)
        return kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line,
                              "vehicle_routes: vehicle '%.*s' twice", (int)vlen, b);
    if (n >= SITE_LIST_MAX)
      return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, file, line,
                            "vehicle_routes: more than %u pairs", SITE_LIST_MAX);
    char **nv = realloc(r->assign_v, (n + 1) * sizeof *nv);
    if (nv)
      r->assign_v = nv;
    char **nr = nv ? realloc(r->assign_r, (n + 1) * sizeof *nr) : NULL;
    if (nr)
      r->assign_r = nr;
    if (!nv || !nr)
      return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
    r->assign_v[n] = strndup(b, vlen);
    r->assign_r[n] = strndup(colon + 1, rlen);
    /* counted at once, so that rec_free frees a half that was made */
    r->pub.nassigned = ++n;
    if (!r->assign_v[n - 1] || !r->assign_r[n - 1])
      return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
  }
  if (n == 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line, "vehicle_routes: empty list");
  return KIOSK_OK;
}

static int level_ok(enum kiosk_site_kind k, const char *lv)
{
  if (k == KIOSK_SITE_PARK)
    return strlen(lv) == 2 && lv[0] >= '1' && lv[0] <= '5' && lv[1] == 'A';
  return strcmp(lv, "city") == 0 || strcmp(lv, "county") == 0;
}

/* Check the section just finished. */
static int finish_site(struct kiosk_sites *s, struct kiosk_diag *diag)
{
  if (s->n == 0)
    return KIOSK_OK;
  struct site_rec *r = &s->v[s->n - 1];
  unsigned line = r->pub.line;
  static const int required[] = {KEY_NAME, KEY_COUNTY, KEY_KIND, KEY_LEVEL, KEY_MODES};
  for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    if (!(r->seen & (1u << required[i])))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line, "[%s]: missing key '%s'",
                            r->pub.id, key_names[required[i]]);
  const char *prefix = NULL;
  switch (r->pub.kind) {
  case KIOSK_SITE_PARK:
    prefix = "park.";
    break;
  case KIOSK_SITE_HOSPITAL:
    prefix = "hosp.";
    break;
  case KIOSK_SITE_BUS:
    prefix = "bus.";
    break;
  case KIOSK_SITE_STATION:
    prefix = "station.";
    break;
  }
  if (strncmp(r->pub.id, prefix, strlen(prefix)) != 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "[%s]: a %s site's id must start with '%s'", r->pub.id,
                          kiosk_site_kind_name(r->pub.kind), prefix);
  if (!level_ok(r->pub.kind, r->pub.level))
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "[%s]: level '%s' is not valid for a %s (%s)", r->pub.id,
                          r->pub.level, kiosk_site_kind_name(r->pub.kind),
                          r->pub.kind == KIOSK_SITE_PARK ? "1A..5A" : "city or county");
  unsigned allowed = kind_modes(r->pub.kind);
  if (r->pub.modes & ~allowed)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "[%s]: a %s site cannot allow those modes", r->pub.id,
                          kiosk_site_kind_name(r->pub.kind));
  unsigned busonly = (1u << KEY_OPERATOR) | (1u << KEY_ROUTES) | (1u << KEY_VEHICLES) |
                     (1u << KEY_VEHICLE_ROUTES);
  if (r->pub.kind == KIOSK_SITE_BUS) {
    for (int k = KEY_OPERATOR; k <= KEY_VEHICLES; k++)
      if (!(r->seen & (1u << k)))
        return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                              "[%s]: a bus site needs '%s'", r->pub.id, key_names[k]);
  } else if (r->seen & busonly) {
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "[%s]: operator/routes/vehicles are for bus sites only", r->pub.id);
  }
  r->pub.routes = (const char *const *)r->routes;
  r->pub.vehicles = (const char *const *)r->vehicles;
  for (size_t i = 0; i < r->pub.nassigned; i++)
    if (!kiosk_site_has_vehicle(&r->pub, r->assign_v[i]) ||
        !kiosk_site_has_route(&r->pub, r->assign_r[i]))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                            "[%s]: vehicle_routes: '%s:%s' is not one of its vehicles and one "
                            "of its routes",
                            r->pub.id, r->assign_v[i], r->assign_r[i]);
  r->pub.assigned_vehicles = (const char *const *)r->assign_v;
  r->pub.assigned_routes = (const char *const *)r->assign_r;
  return KIOSK_OK;
}

static int set_str(char **own, const char **dst, const char *value, const char *file,
                   unsigned line, struct kiosk_diag *diag)
{
  *own = strdup(value);
  *dst = *own;
  return *own ? KIOSK_OK : kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
}

static int on_section(void *user, const char *name, unsigned line, struct kiosk_diag *diag)
{
  struct kiosk_sites *s = user;
  int rc = finish_site(s, diag);
  if (rc != KIOSK_OK)
    return rc;
  if (s->n >= SITES_MAX)
    return kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, s->file, line, "more than %u sites",
                          SITES_MAX);
  struct site_rec *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
  if (!nv)
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, s->file, line, "out of memory");
  s->v = nv;
  struct site_rec *r = &s->v[s->n];
  memset(r, 0, sizeof *r);
  r->pub.line = line;
  s->n++;
  if (common_id_shaped(name))
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "site id is shaped like an ID number (refused: it would be journaled)");
  return set_str(&r->own[0], &r->pub.id, name, s->file, line, diag);
}


static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line, struct kiosk_diag *diag)
{
  struct kiosk_sites *s = user;
  if (!section[0] || s->n == 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "key '%s' outside a [site] section", key);
  struct site_rec *r = &s->v[s->n - 1];
  int k;
  for (k = 0; k < KEY_COUNT; k++)
    if (strcmp(key, key_names[k]) == 0)
      break;
  if (k == KEY_COUNT)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line, "[%s]: unknown key '%s'",
                          section, key);
  r->seen |= 1u << k;
  switch (k) {
  case KEY_NAME:
    return set_str(&r->own[1], &r->pub.name, value, s->file, line, diag);
  case KEY_NAME_EN: /* optional: the screens' English mode shows it */
    return set_str(&r->own[5], &r->pub.name_en, value, s->file, line, diag);
  case KEY_COUNTY:
    for (size_t i = 0; i < sizeof known_counties / sizeof known_counties[0]; i++)
      if (strcmp(value, known_counties[i]) == 0)
        return set_str(&r->own[2], &r->pub.county, value, s->file, line, diag);
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                          "[%s]: county '%s' is not a Yulin county or district", section,
                          value);
  case KEY_KIND:
    if (kind_parse(value, &r->pub.kind) != KIOSK_OK)
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                            "[%s]: kind must be park, hospital, bus or station", section);
    return KIOSK_OK;
  case KEY_LEVEL:
    return set_str(&r->own[3], &r->pub.level, value, s->file, line, diag);
  case KEY_MODES: {
    char **list = NULL;
    size_t n = 0;
    int rc = split_list(value, &list, &n, s->file, line, key, diag);
    if (rc != KIOSK_OK)
      return rc;
    for (size_t i = 0; i < n && rc == KIOSK_OK; i++) {
      enum kiosk_mode m;
      if (kiosk_mode_parse(list[i], &m) != KIOSK_OK)
        rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                            "[%s]: unknown mode '%s' (gate, cashier, bus, station)", section,
                            list[i]);
      else
        r->pub.modes |= KIOSK_MODE_BIT(m);
    }
    for (size_t i = 0; i < n; i++)
      free(list[i]);
    free(list);
    return rc;
  }
  case KEY_OPERATOR:
    if (!common_token_valid(value, KIOSK_VEHICLE_ID_MAX) || common_id_shaped(value))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, line,
                            "[%s]: operator id is 1-%u of A-Z a-z 0-9 - _ ., not shaped like an "
                            "ID number",
                            section, KIOSK_VEHICLE_ID_MAX);
    return set_str(&r->own[4], &r->pub.operator_id, value, s->file, line, diag);
  case KEY_ROUTES:
    return split_list(value, &r->routes, &r->pub.nroutes, s->file, line, key, diag);
  case KEY_VEHICLES:
    return split_list(value, &r->vehicles, &r->pub.nvehicles, s->file, line, key, diag);
  case KEY_VEHICLE_ROUTES:
    return split_pairs(value, r, s->file, line, diag);
  }
  return KIOSK_E_INVALID_ARG;
}

int kiosk_sites_parse(const char *buf, size_t len, const char *file, struct kiosk_sites **out,
                      struct kiosk_diag *diag)
{
  *out = NULL;
  struct kiosk_sites *s = calloc(1, sizeof *s);
  if (!s)
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, 0, "out of memory");
  s->file = file ? file : "(sites)";
  static const struct kiosk_ini_handler h = {on_section, on_pair};
  int rc = kiosk_ini_parse(buf, len, s->file, &h, s, diag);
  if (rc == KIOSK_OK)
    rc = finish_site(s, diag);
  if (rc == KIOSK_OK && s->n == 0)
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, s->file, 0, "no sites");
  if (rc != KIOSK_OK) {
    kiosk_sites_destroy(s);
    return rc;
  }
  s->file = NULL; /* the caller's string need not outlive the parse */
  *out = s;
  return KIOSK_OK;
}

int kiosk_sites_load(const char *path, struct kiosk_sites **out, struct kiosk_diag *diag)
{
  *out = NULL;
  char *buf;
  size_t len;
  int rc = kiosk_read_file(path, KIOSK_INI_INPUT_MAX, &buf, &len, diag);
  if (rc != KIOSK_OK)
    return rc;
  rc = kiosk_sites_parse(buf, len, path, out, diag);
  free(buf);
  return rc;
}

size_t kiosk_sites_count(const struct kiosk_sites *s)
{
  return s ? s->n : 0;
}

const struct kiosk_site *kiosk_sites_at(const struct kiosk_sites *s, size_t i)
{
  return s && i < s->n ? &s->v[i].pub : NULL;
}

const struct kiosk_site *kiosk_sites_find(const struct kiosk_sites *s, const char *id)
{
  if (!s || !id)
    return NULL;
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i].pub.id, id) == 0)
      return &s->v[i].pub;
  return NULL;
}

static int in_list(const char *const *v, size_t n, const char *x)
{
  if (!x)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], x) == 0)
      return 1;
  return 0;
}

int kiosk_site_has_vehicle(const struct kiosk_site *site, const char *vehicle)
{
  return site ? in_list(site->vehicles, site->nvehicles, vehicle) : 0;
}

int kiosk_site_has_route(const struct kiosk_site *site, const char *route)
{
  return site ? in_list(site->routes, site->nroutes, route) : 0;
}

const char *kiosk_site_vehicle_route(const struct kiosk_site *site, const char *vehicle)
{
  for (size_t i = 0; site && vehicle && i < site->nassigned; i++)
    if (strcmp(site->assigned_vehicles[i], vehicle) == 0)
      return site->assigned_routes[i];
  return NULL;
}

/* The data directory does not move while the program runs: found once. */
static char default_path[COMMON_DATADIR_PATH_MAX];
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void find_default_path(void)
{
  if (common_datadir_path("sites.ini", default_path, sizeof default_path) != COMMON_OK)
    snprintf(default_path, sizeof default_path, "sites.ini");
}

const char *kiosk_sites_default_path(void)
{
  const char *env = getenv("YH_SITES");
  if (env && *env)
    return env;
  pthread_once(&default_once, find_default_path);
  return default_path;
}
