/* cardio error strings and logging. */
#include <stdarg.h>
#include <stdio.h>

#include "common/errtab.h"
#include "cardio/cardio.h"
#include "cardio_int.h"

#define COMMON_ERRTAB_PREFIX "CARDIO_E_"
COMMON_ERRTAB_DEFINE(CARDIO_ERRNO_MAP, cardio_strerror, cardio_errname, "unknown cardio error",
                     "CARDIO_E_UNKNOWN")

static void cardio_log_stderr(enum cardio_log_level level, const char *line, void *user)
{
  static const char *const names[] = {"error", "warn", "info", "debug"};
  (void)user;
  fprintf(stderr, "cardio %s: %s\n", names[level], line);
}

static cardio_log_fn log_fn = cardio_log_stderr;
static void *log_user;
static enum cardio_log_level log_max = CARDIO_LOG_WARN;

void cardio_set_log(cardio_log_fn fn, void *user, enum cardio_log_level max_level)
{
  log_fn = fn;
  log_user = user;
  log_max = max_level;
}

void cardio_log(enum cardio_log_level level, const char *fmt, ...)
{
  char line[512];
  va_list ap;
  if (!log_fn || level > log_max)
    return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  log_fn(level, line, log_user);
}
