/* The program's one option parser (opts.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

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
  if (a->i + 1 >= a->argc) {
    fprintf(stderr, "kiosk %s: %s needs a value\n", a->cmd, name);
    exit(TERM_EXIT_USAGE);
  }
  return a->argv[++a->i];
}

void term_usage_error(const struct term_args *a)
{
  fprintf(stderr, "kiosk %s: unexpected argument '%s' (see kiosk %s --help)\n", a->cmd,
          a->argv[a->i], a->cmd);
  exit(TERM_EXIT_USAGE);
}

int64_t term_arg_number(const struct term_args *a, const char *name, const char *v, int64_t min,
                        int64_t max)
{
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (!*v || *end || errno || n < min || n > max) {
    fprintf(stderr, "kiosk %s: %s: expected a number, got '%s'\n", a->cmd, name, v);
    exit(TERM_EXIT_USAGE);
  }
  return (int64_t)n;
}

uint64_t term_arg_u64(const struct term_args *a, const char *name, const char *v)
{
  char *end;
  errno = 0;
  /* strtoull takes "-1" as a huge number */
  unsigned long long n = strtoull(v, &end, 10);
  if (!*v || *end || errno || v[0] == '-') {
    fprintf(stderr, "kiosk %s: %s: not a number: %s\n", a->cmd, name, v);
    exit(TERM_EXIT_USAGE);
  }
  return (uint64_t)n;
}

void term_load_config(const char *path, unsigned flags, struct kiosk_config *cfg)
{
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  if (kiosk_config_load(path, NULL, flags, cfg, &d) != KIOSK_OK) {
    char msg[2 * KIOSK_DIAG_TEXT_MAX + 16];
    fprintf(stderr, "kiosk: configuration error: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    exit(TERM_EXIT_USAGE);
  }
}
