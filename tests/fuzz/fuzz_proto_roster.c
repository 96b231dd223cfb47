/*
 * Fuzz the staff roster document (proto/roster.h): the input is the document as a
 * terminal receives it. Whatever is accepted holds only well-formed entries within the
 * bounds, and encodes back to the same text (one spelling per roster). No PIN is
 * checked here: scrypt would make every run slow and is not the parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/roster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct proto_roster *r = NULL;
  char why[160];
  int rc = proto_roster_parse((const char *)data, size, &r, why, sizeof why);
  if (rc != PROTO_OK) {
    if (r)
      abort(); /* nothing is handed out on failure */
    return 0;
  }
  if (r->count > PROTO_ROSTER_MAX)
    abort();
  for (size_t i = 0; i < r->count; i++) {
    const struct proto_roster_entry *e = &r->entry[i];
    if (!e->id[0] || strlen(e->name) > PROTO_ROSTER_NAME_MAX || e->from_day > e->to_day ||
        proto_pin_hash_check(e->pin_hash) != PROTO_OK || proto_roster_find(r, e->id) != e)
      abort();
  }
  char *text = NULL;
  size_t len = 0;
  if (proto_roster_encode(r->site, &r->policy, r->entry, r->count, &text, &len) != PROTO_OK)
    abort();
  /* the policy line is optional on input, always written: compare after a re-parse */
  struct proto_roster *again = NULL;
  if (proto_roster_parse(text, len, &again, NULL, 0) != PROTO_OK || again->count != r->count ||
      memcmp(&again->policy, &r->policy, sizeof r->policy) != 0 ||
      (r->count && memcmp(again->entry, r->entry, r->count * sizeof r->entry[0]) != 0))
    abort();
  proto_roster_free(again);
  free(text);
  proto_roster_free(r);
  return 0;
}
