/*
 * centre: the sync server. `centre --config centre.conf` (docs/centre.md).
 * Runs in the foreground until SIGTERM or SIGINT; logs to stderr.
 */
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include "centre_int.h"

static void usage(const char *argv0)
{
  fprintf(stderr, "usage: %s --config FILE\n", argv0);
}

int main(int argc, char **argv)
{
  struct centre_conf conf;
  struct centre_server *srv = NULL;
  const char *path = NULL;
  char why[256] = "";
  int rc;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
      path = argv[++i];
    else if (strcmp(argv[i], "--help") == 0) {
      usage(argv[0]);
      return 0;
    } else {
      usage(argv[0]);
      return 2;
    }
  }
  if (!path) {
    usage(argv[0]);
    return 2;
  }
  rc = centre_conf_load(path, &conf, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre: %s: %s\n", path, why);
    return 2;
  }
  centre_log_set_level((enum centre_log_level)conf.log_level);
  /* Upload buffers (inflated bodies, parsed batches) are a few MB each and come and go
   * with every request: keep them in the heap instead of a fresh mmap each time. */
  mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  rc = centre_server_create(&conf, &srv);
  if (rc != CENTRE_OK) {
    centre_log(CENTRE_LOG_ERROR, "cannot start: %s", centre_errname(rc));
    return 1;
  }
  rc = centre_server_run(srv);
  centre_server_destroy(srv);
  return rc == CENTRE_OK ? 0 : 1;
}
