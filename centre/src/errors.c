/* centre error strings and the log line writer. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "common/errtab.h"
#include "centre/centre.h"
#include "centre_int.h"

#define COMMON_ERRTAB_PREFIX "CENTRE_E_"
COMMON_ERRTAB_DEFINE(CENTRE_ERRNO_MAP, centre_strerror, centre_errname, "unknown centre error",
                     "CENTRE_E_UNKNOWN")

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

/* ----------------------------------------------------- rate-limited lines -- */

static const char *const cause_text[CENTRE_CAUSE_COUNT] = {
#define CENTRE_X_CAUSE_TEXT(id, text) [CENTRE_CAUSE_##id] = text,
    CENTRE_LOG_CAUSE_MAP(CENTRE_X_CAUSE_TEXT)
#undef CENTRE_X_CAUSE_TEXT
};

static struct {
  pthread_mutex_t mu;
  struct {
    int64_t last;         /* monotonic seconds of the last line written, 0 none */
    unsigned long held;   /* events since that line, not written */
    unsigned long total;  /* events since start */
  } c[CENTRE_CAUSE_COUNT];
} limited = {PTHREAD_MUTEX_INITIALIZER, {{0, 0, 0}}};

static int64_t mono_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec + 1; /* never 0: 0 means "no line yet" */
}

void centre_log_limited(enum centre_log_cause cause, const char *fmt, ...)
{
  char line[512];
  unsigned long held = 0;
  int write = 0;
  int64_t now = mono_s();
  va_list ap;
  if ((unsigned)cause >= CENTRE_CAUSE_COUNT)
    return;
  pthread_mutex_lock(&limited.mu);
  limited.c[cause].total++;
  if (limited.c[cause].last == 0 || now - limited.c[cause].last >= CENTRE_LOG_INTERVAL_S) {
    write = 1;
    held = limited.c[cause].held;
    limited.c[cause].held = 0;
    limited.c[cause].last = now;
  } else {
    limited.c[cause].held++;
  }
  pthread_mutex_unlock(&limited.mu);
  if (!write)
    return;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (held)
    centre_log(CENTRE_LOG_WARN, "%s (and %lu more: %s, in the last %d s or more)", line, held,
               cause_text[cause], CENTRE_LOG_INTERVAL_S);
  else
    centre_log(CENTRE_LOG_WARN, "%s", line);
}

void centre_log_flush(void)
{
  int64_t now = mono_s();
  for (int i = 0; i < CENTRE_CAUSE_COUNT; i++) {
    unsigned long held = 0;
    pthread_mutex_lock(&limited.mu);
    if (limited.c[i].held && now - limited.c[i].last >= CENTRE_LOG_INTERVAL_S) {
      held = limited.c[i].held;
      limited.c[i].held = 0;
      limited.c[i].last = now;
    }
    pthread_mutex_unlock(&limited.mu);
    if (held)
      centre_log(CENTRE_LOG_WARN, "%lu x %s in the last %d s or more", held, cause_text[i],
                 CENTRE_LOG_INTERVAL_S);
  }
}

unsigned long centre_log_count(enum centre_log_cause cause)
{
  unsigned long n;
  if ((unsigned)cause >= CENTRE_CAUSE_COUNT)
    return 0;
  pthread_mutex_lock(&limited.mu);
  n = limited.c[cause].total;
  pthread_mutex_unlock(&limited.mu);
  return n;
}
