/*
 * Fuzz target: netsync's parsers for the centre's replies (receipt, error body, signed
 * document, bill check). Every input goes through all four.
 */
#include <stdint.h>
#include <stdlib.h>

#include "netsync/netsync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct netsync_receipt r;
  struct netsync_error_reply e;
  struct netsync_doc d;
  struct netsync_bill_state b;
  const char *text = (const char *)data;
  (void)netsync_parse_receipt(text, size, &r);
  (void)netsync_parse_error(text, size, &e);
  if (netsync_parse_doc(text, size, &d) == NETSYNC_OK)
    netsync_doc_free(&d);
  if (netsync_parse_bill(text, size, &b) == NETSYNC_OK && b.waived && (b.seq == 0 || !b.terminal[0]))
    abort(); /* a waived answer always names the waiver */
  return 0;
}
