/*
 * centre-admin's registry commands (admin_registry.c; docs/sync-protocol.md, "Registry
 * document"): the sites and vehicles every terminal checks against, imported from a file
 * in the sites.ini format (docs/kiosk.md, "Site registry"), checked (centre/src/registry.c)
 * and stored as the next version of the document "registry", served signed to every
 * terminal (GET /v1/registry).
 *
 *   registry import FILE   check FILE and publish it as the next version
 *   registry list          CSV of the version in force: site, kind, routes, vehicles
 *
 * Returns a CENTRE_E_* code (INVALID_ARG: a usage error, exit 2), or said when the failure
 * was explained on stderr already (one line naming the file and line).
 */
#ifndef CENTRE_ADMIN_REGISTRY_H
#define CENTRE_ADMIN_REGISTRY_H

#include <stdint.h>

struct centre_store;
int centre_admin_registry(struct centre_store *st, int argc, char **argv, int64_t now, int said);
#define CENTRE_ADMIN_REGISTRY_USAGE                                                      \
  "  registry import FILE   (the sites and vehicles, sites.ini format: the next version of\n" \
  "       the registry document every terminal applies) | registry list   (CSV)\n"

#endif
