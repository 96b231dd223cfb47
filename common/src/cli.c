/* The command-line convention's printing (common/cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/cli.h"

const char *common_cli_name(const char *argv0, const char *fallback)
{
  const char *slash;
  if (!argv0 || !*argv0)
    return fallback;
  slash = strrchr(argv0, '/');
  /* "dir/" has no name after the slash: keep the fallback rather than print "". */
  if (slash)
    return slash[1] ? slash + 1 : fallback;
  return argv0;
}

int common_cli_is_help(const char *arg)
{
  return arg && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0);
}

int common_cli_is_version(const char *arg)
{
  return arg && strcmp(arg, "--version") == 0;
}

int common_cli_version(FILE *out, const char *prog, const char *version, const char *git)
{
  if (git && *git)
    fprintf(out, "%s (Yulin honour card) %s (git %s)\n", prog, version, git);
  else
    fprintf(out, "%s (Yulin honour card) %s\n", prog, version);
  return COMMON_CLI_EXIT_OK;
}

int common_cli_usage(const char *prog, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "%s: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nsee %s --help\n", prog);
  return COMMON_CLI_EXIT_USAGE;
}
