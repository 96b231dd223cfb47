/*
 * The terminal's health headers (docs/sync-protocol.md, "Terminal health"): what a
 * terminal says about itself on every request, for the operations page. A value that
 * is not exactly what the grammar allows is ignored, never an error: the request is
 * about something else, and a terminal with a broken clock must still be able to sync.
 */
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"

int centre_health_value(const char *v, uint64_t max, uint64_t *out)
{
  uint64_t n = 0;
  size_t i;
  if (!v || !out || !v[0] || (v[0] == '0' && v[1]))
    return -1;
  for (i = 0; v[i]; i++) {
    unsigned d;
    if (i >= CENTRE_HEALTH_DIGITS_MAX || v[i] < '0' || v[i] > '9')
      return -1;
    d = (unsigned)(v[i] - '0');
    if (n > (max - d) / 10)
      return -1;
    n = n * 10 + d;
  }
  *out = n;
  return 0;
}

int centre_health_parse(const char *revlist, const char *terminal_time, int64_t now,
                        struct centre_health *h)
{
  uint64_t v;
  int bad = 0;
  memset(h, 0, sizeof *h);
  if (revlist) {
    if (centre_health_value(revlist, CENTRE_HEALTH_VERSION_MAX, &v) == 0) {
      h->has_revlist = 1;
      h->revlist_version = v;
    } else {
      bad |= CENTRE_HEALTH_BAD_REVLIST;
    }
  }
  if (terminal_time) {
    if (centre_health_value(terminal_time, CENTRE_HEALTH_TIME_MAX, &v) == 0) {
      h->has_clock = 1;
      /* Both sides are below 2^38: no overflow either way. */
      h->clock_offset_s = now - (int64_t)v;
    } else {
      bad |= CENTRE_HEALTH_BAD_TIME;
    }
  }
  return bad;
}
