/*
 * centre: the sync server. `centre --config centre.conf` (docs/centre.md).
 * Runs in the foreground until SIGTERM or SIGINT; logs to stderr.
 * Exit status (docs/cli.md): 0 after a clean stop, 1 it could not start or run (the log
 * line names the file or key), 2 usage error.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "centre_int.h"
#include "console.h"
#include "common/cli.h"
#include "yh_version.h"

static const char help[] =
    "usage: centre --config FILE\n"
    "The Yulin honour card centre: the server the terminals sync with over mutual TLS\n"
    "(journal uploads, revocation lists, signed documents). Runs in the foreground until\n"
    "SIGTERM or SIGINT and logs to stderr (the journal under systemd).\n"
    "  --config FILE  the centre configuration (docs/centre.md)\n"
    "  -h, --help     this text\n"
    "  --version      the version\n"
    "Exit status: 0 after a clean stop, 1 it could not start or run, 2 usage error.\n";

int main(int argc, char **argv)
{
  struct centre_conf conf;
  struct centre_server *srv = NULL;
  struct centre_console *con = NULL;
  const char *path = NULL;
  char why[256] = "";
  int rc;
  for (int i = 1; i < argc; i++) {
    if (common_cli_is_help(argv[i])) {
      fputs(help, stdout);
      return 0;
    }
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, "centre", YH_VERSION, YH_VERSION_GIT);
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0) {
      if (i + 1 >= argc)
        return common_cli_usage("centre", "--config needs a value (the configuration file)");
      path = argv[++i];
    } else if (strncmp(argv[i], "--config=", 9) == 0) {
      path = argv[i] + 9;
    } else {
      return common_cli_usage("centre", "unexpected argument '%s' (expected --config FILE)",
                              argv[i]);
    }
  }
  if (!path)
    return common_cli_usage("centre", "--config FILE is required");
  rc = centre_conf_load(path, &conf, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre: %s: %s\n", path, why);
    return 1;
  }
  centre_log_set_level((enum centre_log_level)conf.log_level);
  /* Upload buffers (inflated bodies, parsed batches) are a few MB each and come and go
   * with every request: keep them in the heap instead of a fresh mmap each time. */
  mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  /* Every way centre_server_create fails has logged one line naming the file or key. */
  rc = centre_server_create(&conf, &srv);
  if (rc != CENTRE_OK)
    return 1;
  /* The web console (docs/console.md), when [console] listen is set: its own port and
   * thread, created after the server (which sets libevent's threading up). */
  rc = centre_console_create(&conf, &con);
  if (rc == CENTRE_OK)
    rc = centre_console_start(con);
  if (rc != CENTRE_OK) {
    centre_console_destroy(con);
    centre_server_destroy(srv);
    return 1;
  }
  rc = centre_server_run(srv);
  centre_console_destroy(con);
  centre_server_destroy(srv);
  return rc == CENTRE_OK ? 0 : 1;
}
