/* centre error strings and the log line writer. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "centre/centre.h"
#include "centre_int.h"

const char *centre_strerror(int err)
{
  switch (err) {
#define CENTRE_X_TEXT(name, value, text) \
  case (value):                          \
    return text;
    CENTRE_ERRNO_MAP(CENTRE_X_TEXT)
#undef CENTRE_X_TEXT
  default:
    return "unknown centre error";
  }
}

const char *centre_errname(int err)
{
  switch (err) {
#define CENTRE_X_NAME(name, value, text) \
  case (value):                          \
    return "CENTRE_E_" #name;
    CENTRE_ERRNO_MAP(CENTRE_X_NAME)
#undef CENTRE_X_NAME
  default:
    return "CENTRE_E_UNKNOWN";
  }
}

static enum centre_log_level log_max = CENTRE_LOG_INFO;

void centre_log_set_level(enum centre_log_level max)
{
  log_max = max;
}

/* One line per call on stderr, UTC time first. Callers never pass card numbers. */
void centre_log(enum centre_log_level level, const char *fmt, ...)
{
  static const char *const names[] = {"error", "warn", "info", "debug"};
  char line[768];
  char when[32];
  struct tm tm;
  time_t now = time(NULL);
  va_list ap;
  if (level > log_max)
    return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fprintf(stderr, "%s centre %s: %s\n", when, names[level], line);
}
