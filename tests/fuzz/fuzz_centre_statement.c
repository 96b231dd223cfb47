/*
 * Fuzz target: centre_statement_identify (centre/centre.h), which reads a statement file
 * handed back for `centre-admin report verify`: untrusted bytes, CSV or HTML. Whatever
 * it accepts must name a month in range and a 64-hex-digit digest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "centre/centre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char site[CENTRE_SITE_ID_MAX + 1], digest[CENTRE_HASH_HEX + 1];
  int format = -1, month = 0;
  if (centre_statement_identify((const char *)data, size, &format, site, &month, digest) !=
      CENTRE_OK)
    return 0;
  if (month < 200001 || month > 210012 || month % 100 < 1 || month % 100 > 12 ||
      strlen(digest) != CENTRE_HASH_HEX || strlen(site) == 0 ||
      (format != CENTRE_STATEMENT_CSV && format != CENTRE_STATEMENT_HTML))
    abort();
  return 0;
}
