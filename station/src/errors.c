/* station error strings and problem lists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/errtab.h"
#include "station_int.h"

#define COMMON_ERRTAB_PREFIX "STATION_E_"
COMMON_ERRTAB_DEFINE(STATION_ERRNO_MAP, station_strerror, station_errname, "unknown station error",
                     "STATION_E_UNKNOWN")

int station_why(char *why, size_t cap, int err, const char *fmt, ...)
{
  if (why && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return err;
}

int station_problem_add(struct station_problems *p, unsigned long line, const char *fmt, ...)
{
  size_t cap = p->cap ? p->cap : STATION_PROBLEMS_DEFAULT_CAP;
  if (p->n >= cap) {
    p->dropped++;
    return STATION_OK;
  }
  if (!p->v) {
    /* The list is allocated whole on first use: at most cap entries, never more. */
    size_t first = cap < 64 ? cap : 64;
    p->v = calloc(first, sizeof *p->v);
    if (!p->v) {
      p->dropped++;
      return STATION_E_NO_MEMORY;
    }
    p->cap = p->cap ? p->cap : STATION_PROBLEMS_DEFAULT_CAP;
    p->alloc = first;
  } else if (p->n == p->alloc) {
    size_t want = p->alloc * 2 < cap ? p->alloc * 2 : cap;
    struct station_problem *nv = realloc(p->v, want * sizeof *nv);
    if (!nv) {
      p->dropped++;
      return STATION_E_NO_MEMORY;
    }
    p->v = nv;
    p->alloc = want;
  }
  struct station_problem *e = &p->v[p->n++];
  e->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->text, sizeof e->text, fmt, ap);
  va_end(ap);
  return STATION_OK;
}

void station_problems_clear(struct station_problems *p)
{
  if (!p)
    return;
  free(p->v);
  p->v = NULL;
  p->n = 0;
  p->alloc = 0;
  p->dropped = 0;
}
