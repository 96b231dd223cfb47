/* The program's one option parser (opts.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

/* "kiosk COMMAND", the name a usage error and its "see ... --help" give. */
static const char *prog_of(const struct term_args *a, char *buf, size_t cap)
{
  snprintf(buf, cap, "kiosk %s", a->cmd);
  return buf;
}

void term_usage(const struct term_args *a, const char *fmt, ...)
{
  char prog[64];
  va_list ap;
  prog_of(a, prog, sizeof prog);
  fprintf(stderr, "%s: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nsee %s --help\n", prog);
  exit(TERM_EXIT_USAGE);
}

const char *term_arg(const struct term_args *a)
{
  return a->argv[a->i];
}

int term_arg_is_help(const struct term_args *a)
{
  return strcmp(a->argv[a->i], "--help") == 0 || strcmp(a->argv[a->i], "-h") == 0;
}

int term_arg_flag(const struct term_args *a, const char *name)
{
  return strcmp(a->argv[a->i], name) == 0;
}

const char *term_arg_value(struct term_args *a, const char *name)
{
  const char *arg = a->argv[a->i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0)
    return NULL;
  if (arg[n] == '=')
    return arg + n + 1;
  if (arg[n] != '\0')
    return NULL;
  if (a->i + 1 >= a->argc)
    term_usage(a, "%s needs a value", name);
  return a->argv[++a->i];
}

void term_usage_error(const struct term_args *a)
{
  term_usage(a, "unexpected argument '%s'", a->argv[a->i]);
}

int64_t term_arg_number(const struct term_args *a, const char *name, const char *v, int64_t min,
                        int64_t max)
{
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (!*v || *end || errno || n < min || n > max)
    term_usage(a, "%s: expected a number from %lld to %lld, got '%s'", name, (long long)min,
               (long long)max, v);
  return (int64_t)n;
}

uint64_t term_arg_u64(const struct term_args *a, const char *name, const char *v)
{
  char *end;
  errno = 0;
  /* strtoull takes "-1" as a huge number */
  unsigned long long n = strtoull(v, &end, 10);
  if (!*v || *end || errno || v[0] == '-')
    term_usage(a, "%s: expected a whole number from 0, got '%s'", name, v);
  return (uint64_t)n;
}

void term_load_config(const char *path, unsigned flags, struct kiosk_config *cfg)
{
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  if (kiosk_config_load(path, NULL, flags, cfg, &d) != KIOSK_OK) {
    char msg[2 * KIOSK_DIAG_TEXT_MAX + 16];
    fprintf(stderr, "kiosk: configuration error: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    /* A file to fix, not a command line: the failure status, with the file named. */
    exit(TERM_EXIT_RUNTIME);
  }
}
