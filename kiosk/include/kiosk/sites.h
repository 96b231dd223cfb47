/*
 * kiosk site registry: the places where the honour card is used (the 14 parks and
 * scenic spots, the 27 hospitals, the blood station and the bus operators), read from
 * a data file, assets/sites.ini by default (format: docs/kiosk.md, "Site registry").
 *
 * The registry owns every string it hands out; they live until kiosk_sites_destroy().
 */
#ifndef KIOSK_SITES_H
#define KIOSK_SITES_H

#include "kiosk/kiosk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KIOSK_SITE_KIND_MAP(X)                                                           \
  X(PARK, 1, "park")                                                                     \
  X(HOSPITAL, 2, "hospital")                                                             \
  X(BUS, 3, "bus")                                                                       \
  X(STATION, 4, "station")

enum kiosk_site_kind {
#define KIOSK_X_SK(name, value, text) KIOSK_SITE_##name = (value),
  KIOSK_SITE_KIND_MAP(KIOSK_X_SK)
#undef KIOSK_X_SK
};

#define KIOSK_SITE_ID_MAX 63u
#define KIOSK_VEHICLE_ID_MAX 31u

/* One site, read-only for callers. */
struct kiosk_site {
  const char *id;          /* stable ASCII id, "park.rongzhou-gucheng" */
  const char *name;        /* Chinese name, UTF-8 */
  const char *name_en;     /* English name for the screens' English mode; NULL: none */
  const char *county;      /* 玉州区, 福绵区, 容县, 陆川县, 博白县, 兴业县, 北流市,
                              玉东新区, or 玉林市 for city-wide operators */
  const char *level;       /* parks: "5A".."1A"; others: "city" or "county" */
  enum kiosk_site_kind kind;
  unsigned modes;          /* KIOSK_MODE_BIT(...) of the allowed terminal modes */
  const char *operator_id; /* bus only, else NULL */
  size_t nroutes;          /* bus only */
  const char *const *routes;
  size_t nvehicles;        /* bus only */
  const char *const *vehicles;
  /* bus only, optional (vehicle_routes): the route each listed vehicle runs, so that a
   * terminal installed with only its vehicle id journals its route; assigned_vehicles[i]
   * runs assigned_routes[i], each one of vehicles[] and routes[] */
  size_t nassigned;
  const char *const *assigned_vehicles;
  const char *const *assigned_routes;
  unsigned line;           /* line of the section header, for diagnostics */
};

struct kiosk_sites;

/* Parse a registry from memory; file names it in diagnostics. Errors: SYNTAX,
 * CONFIG (unknown key, missing key, bad value), TOO_LARGE, NO_MEMORY; diag says
 * file:line and the problem. */
int kiosk_sites_parse(const char *buf, size_t len, const char *file, struct kiosk_sites **out,
                      struct kiosk_diag *diag);
/* Read and parse a registry file. */
int kiosk_sites_load(const char *path, struct kiosk_sites **out, struct kiosk_diag *diag);
void kiosk_sites_destroy(struct kiosk_sites *sites);

size_t kiosk_sites_count(const struct kiosk_sites *sites);
const struct kiosk_site *kiosk_sites_at(const struct kiosk_sites *sites, size_t i);
/* NULL when there is no site with this id. */
const struct kiosk_site *kiosk_sites_find(const struct kiosk_sites *sites, const char *id);
/* 1 when the bus site declares this vehicle (route) id, else 0. */
int kiosk_site_has_vehicle(const struct kiosk_site *site, const char *vehicle);
int kiosk_site_has_route(const struct kiosk_site *site, const char *route);
/* The route the registry assigns to this vehicle (vehicle_routes), NULL: none. Owned by
 * the registry. */
const char *kiosk_site_vehicle_route(const struct kiosk_site *site, const char *vehicle);

const char *kiosk_site_kind_name(int kind);

/* The registry path used when the configuration names none: $YH_SITES if set, else
 * sites.ini in the data directory (common/datadir.h: /usr/share/yulin-honour installed,
 * the sources' assets/ from the build tree). Static storage; thread-safe. */
const char *kiosk_sites_default_path(void);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_SITES_H */
