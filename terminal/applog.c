/* Log lines for `kiosk run` (applog.h). */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "applog.h"

uint64_t app_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void app_log(const char *fmt, ...)
{
  static uint64_t t0;
  uint64_t now = app_now_ms();
  if (!t0)
    t0 = now; /* the first line is logged at start-up, before any thread */
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  uint64_t ms = now - t0;
  /* one fprintf per line: stdio locks the stream, so threads do not interleave */
  fprintf(stderr, "kiosk[%4llu.%03llu]: %s\n", (unsigned long long)(ms / 1000),
          (unsigned long long)(ms % 1000), line);
}
