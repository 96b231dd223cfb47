/*
 * Fuzz the entries file of `kiosk revoke make` (terminal/revoke_entries.h): the input
 * is the file. Every entry accepted must be a valid unified card number with a sane
 * generation; the count never passes the bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cardno.h"
#include "revoke_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_ENTRIES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct proto_rev_entry e[FUZZ_MAX_ENTRIES];
  size_t n = 0;
  unsigned lineno = 0;
  enum term_revoke_entries_rc rc;
  char *copy;
  FILE *f;
  if (size == 0)
    return 0;
  /* fmemopen wants a writable buffer even to read. */
  copy = malloc(size);
  if (!copy)
    return 0;
  memcpy(copy, data, size);
  f = fmemopen(copy, size, "r");
  if (!f) {
    free(copy);
    return 0;
  }
  rc = term_revoke_entries_read(f, e, FUZZ_MAX_ENTRIES, &n, &lineno);
  fclose(f);
  free(copy);
  if (n > FUZZ_MAX_ENTRIES || (rc != TERM_REVOKE_ENTRIES_OK && lineno == 0))
    abort();
  for (size_t i = 0; i < n; i++) {
    if (memchr(e[i].card_no, '\0', sizeof e[i].card_no) == NULL ||
        !common_cardno_valid(e[i].card_no) ||
        (e[i].kind == PROTO_REV_BELOW && e[i].generation < 1) ||
        (e[i].kind != PROTO_REV_BELOW && e[i].kind != PROTO_REV_EXACT) ||
        e[i].generation > 999999999u)
      abort();
  }
  return 0;
}
