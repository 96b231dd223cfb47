/*
 * Fuzz yhconform's walker of card answers (tools/conformance/fci.h): the input is what
 * a card sends as its FCI (the SELECT answer and its GET RESPONSE parts, joined). The
 * walk must never read outside the input; every pointer it returns must lie inside it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const uint8_t *data, size_t size, const uint8_t *p, size_t n)
{
  if (p && (p < data || n > size || (size_t)(p - data) > size - n))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct conform_fci f;
  struct conform_tlv e1, sig, t;
  const uint8_t *p = data;
  size_t left = size;
  conform_fci_walk(data, size, &f);
  inside(data, size, f.e0, f.e0_len);
  if (f.a5_last)
    inside(data, size, f.a5.raw, f.a5.raw_len);
  if (f.e0 && conform_e0_split(f.e0, f.e0_len, &e1, &sig) == 0) {
    inside(data, size, e1.raw, e1.raw_len);
    inside(data, size, sig.v, sig.len);
  }
  /* The input as a flat TLV sequence and as a bare container too. */
  while (left && conform_tlv_next(&p, &left, &t) == 0)
    inside(data, size, t.raw, t.raw_len);
  if (conform_e0_split(data, size, &e1, &sig) == 0)
    inside(data, size, e1.raw, e1.raw_len);
  return 0;
}
