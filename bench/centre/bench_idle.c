/*
 * bench_idle: the centre's memory per idle terminal connection (issue 15, item 6).
 *
 *   bench_idle [N...]      default: 1000 4000
 *
 * The real centre (4 event loops, SQLite) is started with its caps and deadlines raised
 * for the run (max_connections, max_per_address, the handshake, request and inactivity
 * deadlines: each a [limits] key of centre.conf) so that every connection stays open.
 * Its resident set (VmRSS in /proc/PID/status) is read once it idles, then N mutual-TLS
 * connections with a valid terminal certificate are opened and left idle after the
 * handshake, and the resident set is read again once it stops growing. Prints the
 * growth per 1,000 connections for each N (the baseline is the same centre with none,
 * in the same run). RLIMIT_NOFILE is raised to the hard limit for both processes.
 * Never fails on a timing.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "synctest.h"

static long rss_kib(pid_t pid)
{
  char path[64], line[256];
  long kib = -1;
  FILE *f;
  snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
  f = fopen(path, "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
      break;
  fclose(f);
  return kib;
}

/* The resident set once it has not changed for a second (at most 20 s). */
static long settled_rss(pid_t pid)
{
  long last = rss_kib(pid), now;
  uint64_t same_since = synctest_now_ms(), deadline = same_since + 20000;
  while (synctest_now_ms() < deadline) {
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    now = rss_kib(pid);
    if (now != last) {
      last = now;
      same_since = synctest_now_ms();
    } else if (synctest_now_ms() - same_since >= 1000) {
      break;
    }
  }
  return last;
}

static int dial(unsigned port)
{
  struct sockaddr_in b;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  memset(&b, 0, sizeof b);
  b.sin_family = AF_INET;
  b.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
  if (connect(fd, (struct sockaddr *)&b, sizeof b) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void loadavg(char *out, size_t cap)
{
  FILE *f = fopen("/proc/loadavg", "r");
  double a = 0, b = 0, c = 0;
  if (f) {
    if (fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
      a = b = c = 0;
    fclose(f);
  }
  snprintf(out, cap, "%.1f %.1f %.1f", a, b, c);
}

int main(int argc, char **argv)
{
  static const char *const terms[] = {"T01"};
  size_t levels[8] = {1000, 4000}, nlevels = 2, held = 0, cap = 0;
  struct synctest_centre c;
  struct rlimit rl;
  char dir[512], cert[700], key[700], load[64];
  SSL_CTX *ctx;
  SSL **ssl = NULL;
  int *fds = NULL;
  long base;

  if (argc > 1) {
    nlevels = 0;
    for (int i = 1; i < argc && nlevels < 8; i++)
      levels[nlevels++] = (size_t)strtoul(argv[i], NULL, 10);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (synctest_tmpdir("bench-idle", dir, sizeof dir) != 0 ||
      synctest_pki_make(dir, terms, 1) != 0)
    return 1;
  synctest_centre_init(&c, dir, "centre.db");
  c.workers = 4;
  c.timeout_s = 3600;
  snprintf(c.limits_extra, sizeof c.limits_extra,
           "handshake_timeout = 600\nrequest_timeout = 3600\nmax_connections = 1000000\n"
           "max_per_address = 1000000\n");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  if (synctest_centre_start(&c, NULL) != 0) {
    fprintf(stderr, "bench_idle: the centre did not start\n");
    return 1;
  }
  ctx = SSL_CTX_new(TLS_client_method());
  snprintf(cert, sizeof cert, "%s/T01.pem", dir);
  snprintf(key, sizeof key, "%s/T01.key", dir);
  if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
    return 1;
  base = settled_rss(c.pid);
  loadavg(load, sizeof load);
  printf("bench_idle: centre RSS with no connection %ld KiB (descriptor limit %llu, load %s)\n",
         base, (unsigned long long)rl.rlim_cur, load);
  printf("%8s %12s %16s\n", "idle", "rss_kib", "kib_per_1000");
  for (size_t l = 0; l < nlevels; l++) {
    long rss;
    if (levels[l] > cap) {
      int *f2 = realloc(fds, levels[l] * sizeof *f2);
      SSL **s2 = f2 ? realloc(ssl, levels[l] * sizeof *s2) : NULL;
      if (f2)
        fds = f2;
      if (!s2)
        return 1;
      ssl = s2;
      cap = levels[l];
    }
    while (held < levels[l]) {
      int fd = dial(c.port);
      SSL *s = fd >= 0 ? SSL_new(ctx) : NULL;
      if (!s || (SSL_set_fd(s, fd), SSL_connect(s)) != 1) {
        fprintf(stderr, "bench_idle: connection %zu failed\n", held);
        SSL_free(s);
        if (fd >= 0)
          close(fd);
        goto out;
      }
      fds[held] = fd;
      ssl[held++] = s;
    }
    rss = settled_rss(c.pid);
    loadavg(load, sizeof load);
    printf("%8zu %12ld %16.0f  (load %s)\n", held, rss,
           (double)(rss - base) * 1000.0 / (double)held, load);
    fflush(stdout);
  }
out:
  for (size_t i = 0; i < held; i++) {
    SSL_free(ssl[i]);
    close(fds[i]);
  }
  free(ssl);
  free(fds);
  SSL_CTX_free(ctx);
  synctest_centre_stop(&c);
  printf("centre log: %s\n", c.log_path);
  return 0;
}
