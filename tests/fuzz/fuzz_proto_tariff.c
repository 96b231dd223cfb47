/*
 * Fuzz the hospital tariff document (proto/tariff.h): the input is the content as a
 * terminal receives it from the centre. Whatever is accepted is within the bounds, its
 * periods of one visit kind never overlap, and each item is the one found for its first
 * and last day; a refusal leaves the output zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tariff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct proto_tariff t, zero;
  char why[160];
  int rc = proto_tariff_parse((const char *)data, size, &t, why, sizeof why);
  if (rc != PROTO_OK) {
    if (memcmp(&t, &zero, sizeof t) != 0 || !why[0])
      abort(); /* nothing half-parsed is handed out, and the refusal says why */
    return 0;
  }
  if (t.count > PROTO_TARIFF_ITEMS_MAX || !t.site[0] || t.version == 0)
    abort();
  for (size_t i = 0; i < t.count; i++) {
    const struct proto_tariff_item *it = &t.item[i];
    if (it->visit < PROTO_VISIT_OUTPATIENT || it->visit > PROTO_VISIT_EMERGENCY ||
        it->fee_fen < 1 || it->fee_fen > PROTO_TARIFF_FEE_MAX || it->from_day > it->to_day ||
        proto_tariff_find(&t, it->visit, it->from_day) != it ||
        proto_tariff_find(&t, it->visit, it->to_day) != it)
      abort();
  }
  return 0;
}
