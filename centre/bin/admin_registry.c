/* centre-admin registry ... (admin_registry.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_registry.h"
#include "centre_int.h"
#include "common/cli.h"
#include "common/ini.h"

static int usage_err(const char *what)
{
  common_cli_usage("centre-admin", "registry: %s", what);
  return CENTRE_E_INVALID_ARG;
}

static int import(struct centre_store *st, const char *path, int64_t now, int said)
{
  struct common_diag d;
  memset(&d, 0, sizeof d);
  char *buf = NULL, why[300];
  size_t len = 0;
  unsigned sites = 0;
  uint64_t version = 0;
  if (common_read_file(path, COMMON_INI_INPUT_MAX, &buf, &len, &d) != COMMON_OK) {
    fprintf(stderr, "centre-admin: registry import: %s: %s\n", path, d.text);
    return said;
  }
  int rc = centre_registry_check(buf, len, &sites, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre-admin: registry import: %s: %s\n", path, why);
    free(buf);
    return said;
  }
  rc = centre_store_doc_put(st, CENTRE_REGISTRY_KIND, buf, now, &version);
  free(buf);
  if (rc == CENTRE_OK)
    printf("registry version %llu (%u sites)\n", (unsigned long long)version, sites);
  return rc;
}

static int list(struct centre_store *st, int said)
{
  char *buf = NULL;
  uint64_t version = 0;
  int64_t issued = 0;
  int rc = centre_store_doc_get(st, CENTRE_REGISTRY_KIND, &buf, &version, &issued);
  if (rc == CENTRE_E_NOT_FOUND) {
    fprintf(stderr, "centre-admin: registry list: no registry imported yet (centre-admin "
                    "registry import FILE)\n");
    return said;
  }
  if (rc != CENTRE_OK)
    return rc;
  rc = centre_registry_list_csv(buf, strlen(buf), stdout);
  free(buf);
  return rc;
}

int centre_admin_registry(struct centre_store *st, int argc, char **argv, int64_t now, int said)
{
  const char *sub = argc >= 2 ? argv[1] : "";
  if (strcmp(sub, "import") == 0) {
    if (argc != 3)
      return usage_err("import: expected FILE");
    return import(st, argv[2], now, said);
  }
  if (strcmp(sub, "list") == 0) {
    if (argc != 2)
      return usage_err("list: expected no argument");
    return list(st, said);
  }
  return usage_err("expected import FILE or list");
}
