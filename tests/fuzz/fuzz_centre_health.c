/*
 * Fuzz the centre's terminal health headers (centre/src/health.c): the input split at
 * its first newline is the two header values. An accepted value is exactly its decimal
 * digits (printed back it is the same text) and within its bound; a malformed one only
 * sets its bit and never its field.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../centre/src/centre_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v, uint64_t max)
{
  uint64_t n = 0;
  char back[32];
  if (centre_health_value(v, max, &n) != 0)
    return;
  snprintf(back, sizeof back, "%" PRIu64, n);
  if (n > max || strcmp(back, v) != 0)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct centre_health h;
  char *s, *nl;
  int bad;
  if (size > 256)
    return 0;
  s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  nl = strchr(s, '\n');
  if (nl)
    *nl++ = '\0';
  check_value(s, CENTRE_HEALTH_VERSION_MAX);
  check_value(s, CENTRE_HEALTH_TIME_MAX);
  bad = centre_health_parse(s, nl, 1900000000, &h);
  if ((bad & CENTRE_HEALTH_BAD_REVLIST) ? h.has_revlist : !h.has_revlist)
    abort();
  if (nl && ((bad & CENTRE_HEALTH_BAD_TIME) ? h.has_clock : !h.has_clock))
    abort();
  if (!nl && (h.has_clock || (bad & CENTRE_HEALTH_BAD_TIME)))
    abort();
  if (h.has_clock && (h.clock_offset_s > 1900000000 ||
                      h.clock_offset_s < 1900000000 - (int64_t)CENTRE_HEALTH_TIME_MAX))
    abort();
  free(s);
  return 0;
}
