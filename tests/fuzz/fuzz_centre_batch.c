/*
 * Fuzz target: the centre's upload body path. Input starting with the gzip magic goes
 * through the bounded inflate first (as a Content-Encoding: gzip body would), then the
 * JSON batch parser; anything else goes to the parser directly.
 */
#include <stdint.h>
#include <stdlib.h>

#include "centre/centre.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct centre_batch b;
  char why[256];
  char *text = NULL;
  size_t len = 0;
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    if (centre_inflate(data, size, 1, 1u << 20, &text, &len) != CENTRE_OK)
      return 0;
    if (centre_batch_parse(text, len, 100, &b, why, sizeof why) == CENTRE_OK)
      centre_batch_free(&b);
    free(text);
    return 0;
  }
  if (centre_batch_parse((const char *)data, size, 100, &b, why, sizeof why) == CENTRE_OK)
    centre_batch_free(&b);
  return 0;
}
