/*
 * Issue 11, point 1: a connection flood against the real centre over TLS on loopback.
 *
 * 1,100 connections that send 6 bytes of a ClientHello and wait (from 127.0.0.2, so
 * that the per-address cap meets them and not the terminal on 127.0.0.1), connections
 * that trickle the handshake one byte a second (127.0.0.3), and connections that finish
 * the handshake and then trickle or say nothing (127.0.0.4). While they are held a
 * terminal's upload must go through; the excess over the cap is closed at once, the
 * trickle at the total deadlines; the centre's log stays small.
 *
 * Waits are conditions with generous deadlines; the only timing asserted is ordering
 * (the cap acts before the handshake deadline, which is set long for that reason).
 */
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netsync/netsync.h"
#include "synctest.h"
#include "synctest_flood.h"

#define HALF_OPEN 1100
#define PER_ADDRESS 500
#define HANDSHAKE_S 20
#define REQUEST_S 6
#define TRICKLE 20
#define AFTER_TLS 10

static char pki_dir[512];

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

/* 1 when the peer has closed fd (EOF or reset), 0 while it is open. */
static int closed_by_peer(int fd)
{
  struct pollfd p = {fd, POLLIN, 0};
  char buf[256];
  if (poll(&p, 1, 0) <= 0)
    return 0;
  if (p.revents & (POLLHUP | POLLERR))
    return 1;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0)
      return 1;
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
  }
}

static size_t count_closed(const int *fd, size_t n, int *gone)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!gone[i] && closed_by_peer(fd[i]))
      gone[i] = 1;
    k += (size_t)gone[i];
  }
  return k;
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static int upload(struct synctest_centre *c, const char *id, size_t events)
{
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  char path[700];
  int rc;
  snprintf(path, sizeof path, "%s/journal-%s.db", c->dir, id);
  if (synctest_journal_open(path, id, "yl-museum", &j) != 0)
    return -1;
  if (synctest_journal_append(j, events) != 0) {
    synctest_journal_close(j);
    return -1;
  }
  synctest_netsync_config(c, id, &p, &cfg);
  cfg.trace = quiet;
  if (netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j), NULL, NULL,
                     &ns) != NETSYNC_OK) {
    synctest_journal_close(j);
    return -1;
  }
  rc = netsync_upload_all(ns);
  netsync_destroy(ns);
  synctest_journal_close(j);
  return rc == NETSYNC_OK ? 0 : -1;
}

static long file_size(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static int file_has(const char *path, const char *needle)
{
  FILE *f = fopen(path, "r");
  char line[1024];
  int found = 0;
  if (!f)
    return 0;
  while (!found && fgets(line, sizeof line, f))
    found = strstr(line, needle) != NULL;
  fclose(f);
  return found;
}

/* The half-open connections closed so far, counted at most now: all over the cap and,
 * while none of the held ones can have reached its handshake deadline, none more. */
static void held_exact(size_t closed, uint64_t t0)
{
  ck_assert_msg(closed >= HALF_OPEN - PER_ADDRESS, "%zu closed, %d expected", closed,
                HALF_OPEN - PER_ADDRESS);
  if (synctest_now_ms() - t0 < HANDSHAKE_S * 1000u)
    ck_assert_msg(closed == HALF_OPEN - PER_ADDRESS, "%zu closed before the handshake "
                  "deadline, %d expected", closed, HALF_OPEN - PER_ADDRESS);
  else
    printf("flood: %zu closed, counted after the handshake deadline (a loaded run): "
           "exactness not checkable\n", closed);
}

START_TEST(flood_held_upload_goes_through)
{
  static int half[HALF_OPEN], half_gone[HALF_OPEN];
  int trick[TRICKLE], trick_gone[TRICKLE] = {0}, tls_fd[AFTER_TLS], tls_gone[AFTER_TLS] = {0};
  SSL *tls[AFTER_TLS];
  const unsigned char *hello = synctest_hello_head;
  struct synctest_centre c;
  SSL_CTX *ctx;
  uint64_t t0, deadline;
  size_t closed;
  int rc;

  ck_assert_int_eq(synctest_centre_fresh(&c, pki_dir, "flood"), 0);
  c.workers = 2;
  snprintf(c.limits_extra, sizeof c.limits_extra,
           "handshake_timeout = %d\nrequest_timeout = %d\nmax_connections = 4000\n"
           "max_per_address = %d\n",
           HANDSHAKE_S, REQUEST_S, PER_ADDRESS);
  /* evhttp's inactivity timeout stays 10 s: the trickle below is never silent that long,
   * so only the total deadlines can cut it. */
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", c.dir);
  ck_assert_msg(synctest_centre_start(&c, NULL) == 0, "centre did not start");
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T02", "yl-museum", NULL), 0);

  /* The half-open flood. */
  t0 = synctest_now_ms();
  for (int i = 0; i < HALF_OPEN; i++) {
    half[i] = synctest_dial_from("127.0.0.2", c.port);
    ck_assert_msg(half[i] >= 0, "connection %d: %s", i, strerror(errno));
    ck_assert_int_eq(send(half[i], hello, sizeof synctest_hello_head, MSG_NOSIGNAL),
                     (ssize_t)sizeof synctest_hello_head);
  }
  /* Handshake tricklers, and TLS connections that then trickle a request or idle. */
  for (int i = 0; i < TRICKLE; i++) {
    trick[i] = synctest_dial_from("127.0.0.3", c.port);
    ck_assert_int_ge(trick[i], 0);
  }
  ctx = synctest_tls_client_ctx(c.dir, "T01");
  ck_assert_ptr_nonnull(ctx);
  for (int i = 0; i < AFTER_TLS; i++) {
    tls[i] = synctest_tls_dial_from(ctx, "127.0.0.4", c.port, &tls_fd[i]);
    ck_assert_msg(tls[i] != NULL, "TLS connection %d", i);
  }

  /* The excess over the per-address cap goes at once, and exactly the connections over
   * the cap: "exactly" can be checked only while no held connection can have reached its
   * handshake deadline (each was dialled after t0). With both CPUs busy, dialling 1,130
   * connections took longer than that once (633 closed, 600 expected): then the count is
   * a lower bound, and the run says so instead of failing on timing. */
  deadline = synctest_now_ms() + 120000;
  do {
    closed = count_closed(half, HALF_OPEN, half_gone);
    if (closed >= HALF_OPEN - PER_ADDRESS)
      break;
    sleep_ms(50);
  } while (synctest_now_ms() < deadline);
  held_exact(closed, t0);

  /* With the rest still held, a terminal's upload goes through. */
  rc = upload(&c, "T02", 300);
  ck_assert_int_eq(rc, 0);
  ck_assert_int_eq(synctest_centre_count(&c, "T02"), 300);
  held_exact(count_closed(half, HALF_OPEN, half_gone), t0);

  /* Trickle one byte a second everywhere until every hostile connection is cut. */
  deadline = synctest_now_ms() + (HANDSHAKE_S + 40) * 1000u;
  for (unsigned tick = 0; synctest_now_ms() < deadline; tick++) {
    size_t left = 0;
    for (int i = 0; i < TRICKLE; i++) {
      if (!trick_gone[i] && closed_by_peer(trick[i]))
        trick_gone[i] = 1;
      if (!trick_gone[i]) {
        unsigned char b = tick < sizeof synctest_hello_head ? hello[tick] : 0;
        if (send(trick[i], &b, 1, MSG_NOSIGNAL) != 1)
          trick_gone[i] = 1;
        left++;
      }
    }
    for (int i = 0; i < AFTER_TLS; i++) {
      if (!tls_gone[i] && closed_by_peer(tls_fd[i]))
        tls_gone[i] = 1;
      /* Half of them trickle a request that never ends, half say nothing. */
      if (!tls_gone[i] && (i & 1) && SSL_write(tls[i], "P", 1) != 1)
        tls_gone[i] = 1;
      left += (size_t)!tls_gone[i];
    }
    left += HALF_OPEN - count_closed(half, HALF_OPEN, half_gone);
    if (left == 0)
      break;
    sleep_ms(1000);
  }
  ck_assert_uint_eq(count_closed(half, HALF_OPEN, half_gone), HALF_OPEN);
  for (int i = 0; i < TRICKLE; i++)
    ck_assert_msg(trick_gone[i], "handshake trickler %d survived", i);
  for (int i = 0; i < AFTER_TLS; i++)
    ck_assert_msg(tls_gone[i], "TLS connection %d survived", i);

  /* And afterwards too. */
  ck_assert_int_eq(upload(&c, "T01", 50), 0);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 50);
  ck_assert_int_eq(synctest_centre_stop(&c), 0);
  /* The log: a few lines per cause, not one per connection. */
  ck_assert_msg(file_size(c.log_path) < 16 * 1024, "log is %ld bytes", file_size(c.log_path));
  ck_assert(file_has(c.log_path, "connections open from that address"));
  ck_assert(file_has(c.log_path, "TLS handshake not done within"));
  ck_assert(file_has(c.log_path, "no complete request within"));

  for (int i = 0; i < HALF_OPEN; i++)
    close(half[i]);
  for (int i = 0; i < TRICKLE; i++)
    close(trick[i]);
  for (int i = 0; i < AFTER_TLS; i++) {
    SSL_free(tls[i]);
    close(tls_fd[i]);
  }
  SSL_CTX_free(ctx);
}
END_TEST

/* systemd's protocol: READY=1 once listening, WATCHDOG=1 at half the interval while
 * the loops turn, STOPPING=1 on SIGTERM; read from a datagram socket standing in for
 * systemd's $NOTIFY_SOCKET. */
START_TEST(sd_notify_ready_and_watchdog)
{
  struct synctest_centre c;
  struct sockaddr_un sa;
  char sock[700], env_sock[800], env_wd[64];
  const char *env[4];
  int fd, ready = 0, pings = 0, stopping = 0;
  uint64_t deadline;
  ck_assert_int_eq(synctest_centre_fresh(&c, pki_dir, "notify"), 0);
  snprintf(sock, sizeof sock, "%s/notify.sock", c.dir);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ck_assert_int_ge(fd, 0);
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  ck_assert_uint_lt(strlen(sock), sizeof sa.sun_path);
  memcpy(sa.sun_path, sock, strlen(sock));
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  snprintf(env_sock, sizeof env_sock, "NOTIFY_SOCKET=%s", sock);
  snprintf(env_wd, sizeof env_wd, "WATCHDOG_USEC=2000000");
  env[0] = env_sock;
  env[1] = env_wd;
  env[2] = NULL;
  ck_assert_msg(synctest_centre_start(&c, env) == 0, "centre did not start");
  deadline = synctest_now_ms() + 120000; /* generous: a loaded machine */
  while (synctest_now_ms() < deadline && (!ready || pings < 2)) {
    struct pollfd p = {fd, POLLIN, 0};
    char msg[256];
    ssize_t n;
    if (poll(&p, 1, 200) <= 0)
      continue;
    n = recv(fd, msg, sizeof msg - 1, 0);
    if (n <= 0)
      continue;
    msg[n] = '\0';
    ready |= strstr(msg, "READY=1") != NULL;
    pings += strstr(msg, "WATCHDOG=1") != NULL;
  }
  ck_assert(ready);
  ck_assert_int_ge(pings, 2);
  ck_assert_int_eq(synctest_centre_stop(&c), 0);
  for (int i = 0; i < 50 && !stopping; i++) {
    char msg[256];
    ssize_t n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
    if (n > 0) {
      msg[n] = '\0';
      stopping = strstr(msg, "STOPPING=1") != NULL;
    } else {
      break;
    }
  }
  ck_assert(stopping);
  close(fd);
}
END_TEST

int main(void)
{
  static const char *const terms[] = {"T01", "T02"};
  struct rlimit rl;
  /* 1,100 sockets here and as many in the centre (a child: it inherits the limit). */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 8192) {
    rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (synctest_process_init(pki_dir, sizeof pki_dir, terms, 2) != 0)
    return 1;
  Suite *s = suite_create("centre_flood");
  TCase *tc = tcase_create("loopback");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, flood_held_upload_goes_through);
  tcase_add_test(tc, sd_notify_ready_and_watchdog);
  suite_add_tcase(s, tc);
  return synctest_run_suite(s);
}
