/*
 * Fuzz the centre's registry check (centre/src/registry.c): the input is a file given to
 * `centre-admin registry import`. An accepted registry has at least one site and lists
 * without error; every refusal says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "centre/centre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char why[300] = "";
  unsigned sites = 0;
  if (centre_registry_check((const char *)data, size, &sites, why, sizeof why) == CENTRE_OK) {
    FILE *null = fopen("/dev/null", "w");
    if (sites == 0 || !null || centre_registry_list_csv((const char *)data, size, null) != CENTRE_OK)
      abort();
    fclose(null);
  } else if (why[0] == '\0') {
    abort();
  }
  return 0;
}
