/*
 * Fuzz the centre's trust document's grammar (terminal/docs_trust.h): the input is the
 * bundle. An accepted bundle has 1..DOCS_TRUST_CERTS_MAX certificates and fits the bound;
 * every refusal says why.
 */
#include <stdint.h>
#include <stdlib.h>

#include "docs_trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char why[200] = "";
  size_t n = 0;
  if (docs_trust_check((const char *)data, size, &n, why, sizeof why) == 0) {
    if (n == 0 || n > DOCS_TRUST_CERTS_MAX || size > DOCS_TRUST_DOC_MAX)
      abort();
  } else if (why[0] == '\0' || n != 0) {
    abort();
  }
  return 0;
}
