/*
 * bench_flood: what a connection flood costs a legitimate terminal (issue 11).
 *
 *   bench_flood [N...]      default: 0 1000 5000
 *
 * For each N the same centre holds N hostile connections, a third of each kind:
 * half-open TLS (6 bytes of a ClientHello, then nothing), trickling (one more byte of
 * the handshake before every measured upload), and idle after a full handshake with a
 * valid terminal certificate. Meanwhile terminal T01 uploads UPLOADS batches of
 * EVENTS events through netsync; p50 and p99 of those uploads are printed with their
 * ratio to N = 0 measured first in the same run. The centre's caps and deadlines are set
 * high here so that the hostile connections stay held for the measurement (the caps'
 * effect is tests/centre/test_flood.c's subject); RLIMIT_NOFILE is raised to the hard
 * limit for both processes. Never fails on a timing.
 */
#include <errno.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netsync/netsync.h"
#include "synctest.h"
#include "synctest_flood.h"

#define UPLOADS 40
#define EVENTS 50

struct hostile {
  int *fd;
  SSL **ssl;
  size_t n, cap;
};

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Hold kinds 0 half-open, 1 trickle, 2 idle TLS, round robin, until h->n == n. */
static int hold(struct hostile *h, size_t n, unsigned port, SSL_CTX *ctx)
{
  static const char *const src[3] = {"127.0.0.2", "127.0.0.3", "127.0.0.4"};
  if (n > h->cap) {
    int *fd = realloc(h->fd, n * sizeof *fd);
    SSL **ssl = fd ? realloc(h->ssl, n * sizeof *ssl) : NULL;
    if (fd)
      h->fd = fd;
    if (!ssl)
      return -1;
    h->ssl = ssl;
    h->cap = n;
  }
  while (h->n < n) {
    size_t kind = h->n % 3;
    int fd = -1;
    h->ssl[h->n] = NULL;
    if (kind == 2)
      h->ssl[h->n] = synctest_tls_dial_from(ctx, src[kind], port, &fd);
    else
      fd = synctest_dial_from(src[kind], port);
    if (fd < 0) {
      fprintf(stderr, "bench_flood: connection %zu failed: %s\n", h->n, strerror(errno));
      return -1;
    }
    /* Half-open: the ClientHello's first bytes; trickle: one byte, more in trickle(). */
    if (kind == 0 && send(fd, synctest_hello_head, sizeof synctest_hello_head, MSG_NOSIGNAL) !=
                         (ssize_t)sizeof synctest_hello_head)
      return -1;
    if (kind == 1 && send(fd, synctest_hello_head, 1, MSG_NOSIGNAL) != 1)
      return -1;
    h->fd[h->n++] = fd;
  }
  return 0;
}

static void trickle(struct hostile *h, unsigned step)
{
  const unsigned char *hello = synctest_hello_head;
  for (size_t i = 1; i < h->n; i += 3) {
    unsigned char b = hello[(step + 1) % 6];
    (void)!send(h->fd[i], &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  }
}

int main(int argc, char **argv)
{
  static const char *const terms[] = {"T01"};
  size_t levels[16] = {0, 1000, 5000}, nlevels = 3;
  double base50 = 0, base99 = 0;
  struct synctest_centre c;
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  struct hostile h = {NULL, NULL, 0, 0};
  struct rlimit rl;
  char dir[512], jpath[700];
  SSL_CTX *ctx;
  unsigned step = 0;

  if (argc > 1) {
    nlevels = 0;
    for (int i = 1; i < argc && nlevels < 16; i++)
      levels[nlevels++] = (size_t)strtoul(argv[i], NULL, 10);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  if (synctest_tmpdir("bench-flood", dir, sizeof dir) != 0 ||
      synctest_pki_make(dir, terms, 1) != 0) {
    fprintf(stderr, "bench_flood: cannot make the PKI\n");
    return 1;
  }
  synctest_centre_init(&c, dir, "centre.db");
  c.workers = 4;
  snprintf(c.limits_extra, sizeof c.limits_extra,
           "handshake_timeout = 600\nrequest_timeout = 600\nmax_connections = 1000000\n"
           "max_per_address = 1000000\n");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", dir);
  if (synctest_centre_start(&c, NULL) != 0 ||
      synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL) != 0) {
    fprintf(stderr, "bench_flood: the centre did not start\n");
    return 1;
  }
  snprintf(jpath, sizeof jpath, "%s/journal.db", dir);
  if (synctest_journal_open(jpath, "T01", "yl-museum", &j) != 0)
    return 1;
  synctest_netsync_config(&c, "T01", &p, &cfg);
  if (netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j), NULL, NULL,
                     &ns) != NETSYNC_OK)
    return 1;
  ctx = synctest_tls_client_ctx(dir, "T01");
  if (!ctx)
    return 1;

  printf("bench_flood: %d uploads of %d events per level; descriptor limit %llu\n", UPLOADS,
         EVENTS, (unsigned long long)rl.rlim_cur);
  printf("%8s %10s %10s %8s %8s\n", "hostile", "p50_ms", "p99_ms", "x_p50", "x_p99");
  for (size_t l = 0; l < nlevels; l++) {
    uint64_t ms[UPLOADS];
    double p50, p99;
    if (hold(&h, levels[l], c.port, ctx) != 0) {
      printf("%8zu  could not hold them (descriptor limit?): stopping\n", levels[l]);
      break;
    }
    for (int u = 0; u < UPLOADS; u++) {
      uint64_t t0;
      trickle(&h, step++);
      if (synctest_journal_append(j, EVENTS) != 0)
        return 1;
      t0 = synctest_now_ms();
      if (netsync_upload_all(ns) != NETSYNC_OK) {
        fprintf(stderr, "bench_flood: upload failed with %zu hostile connections\n", h.n);
        ms[u] = synctest_now_ms() - t0;
        continue;
      }
      ms[u] = synctest_now_ms() - t0;
    }
    qsort(ms, UPLOADS, sizeof ms[0], cmp_u64);
    p50 = (double)ms[UPLOADS / 2];
    p99 = (double)ms[(UPLOADS * 99) / 100 < UPLOADS ? (UPLOADS * 99) / 100 : UPLOADS - 1];
    if (levels[l] == 0 || l == 0) {
      base50 = p50 > 0 ? p50 : 1;
      base99 = p99 > 0 ? p99 : 1;
    }
    printf("%8zu %10.0f %10.0f %8.2f %8.2f\n", h.n, p50, p99, p50 / base50, p99 / base99);
    fflush(stdout);
  }
  for (size_t i = 0; i < h.n; i++) {
    SSL_free(h.ssl[i]);
    close(h.fd[i]);
  }
  free(h.fd);
  free(h.ssl);
  SSL_CTX_free(ctx);
  netsync_destroy(ns);
  synctest_journal_close(j);
  synctest_centre_stop(&c);
  printf("centre log: %s\n", c.log_path);
  return 0;
}
