/*
 * Fuzz target: netsync's parsers for the centre's replies (receipt, error body, signed
 * document). Every input goes through all three.
 */
#include <stdint.h>

#include "netsync/netsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct netsync_receipt r;
  struct netsync_error_reply e;
  struct netsync_doc d;
  const char *text = (const char *)data;
  (void)netsync_parse_receipt(text, size, &r);
  (void)netsync_parse_error(text, size, &e);
  if (netsync_parse_doc(text, size, &d) == NETSYNC_OK)
    netsync_doc_free(&d);
  return 0;
}
