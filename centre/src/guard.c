/*
 * The connection guard: what a connection flood meets before evhttp sees a byte.
 *
 * Every TLS connection gets a record (hung on its SSL object as ex_data, so that it is
 * freed exactly when libevent frees the connection, whatever the path) and one timer:
 *
 *   ADMIT      a zero-delay timer, run just after evhttp has set the socket: count the
 *              connection in the total and against its source address; over a cap it is
 *              cut at once (shutdown: the next read sees EOF and evhttp frees it).
 *   HANDSHAKE  the whole TLS handshake must end within [limits] handshake_timeout,
 *              however the bytes trickle in (evhttp's timeout only measures silence).
 *   REQUEST    each complete request must arrive within [limits] request_timeout of the
 *              handshake or of the previous request (a keep-alive connection idles on
 *              the same clock).
 *
 * Cutting is a shutdown(2), never a free: the connection belongs to evhttp, and a
 * shutdown makes it notice and clean up on its own path.
 *
 * The per-address counts are shared by the workers (one mutex; taken once per
 * connection, never per byte).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "centre_int.h"

#define GUARD_BUCKETS 4096u

enum guard_phase { GUARD_ADMIT, GUARD_HANDSHAKE, GUARD_REQUEST };

struct guard_addr {
  struct guard_addr *next;
  uint8_t addr[16]; /* IPv6, or IPv4 mapped */
  unsigned count;
};

struct centre_guard {
  pthread_mutex_t mu;
  unsigned max_total, max_per_addr;
  unsigned handshake_s, request_s;
  unsigned total;
  struct guard_addr *bucket[GUARD_BUCKETS];
};

struct guard_conn {
  struct centre_guard *g;
  struct bufferevent *bev;
  struct event *timer;
  enum guard_phase phase;
  int counted;
  int hs_done; /* the handshake may end in the same loop turn as ADMIT */
  uint8_t addr[16];
};

static int ex_index = -1;
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;

static unsigned addr_hash(const uint8_t a[16])
{
  uint32_t h = 2166136261u; /* FNV-1a */
  for (int i = 0; i < 16; i++)
    h = (h ^ a[i]) * 16777619u;
  return h % GUARD_BUCKETS;
}

/* Under g->mu. */
static struct guard_addr **addr_find(struct centre_guard *g, const uint8_t a[16])
{
  struct guard_addr **p = &g->bucket[addr_hash(a)];
  while (*p && memcmp((*p)->addr, a, 16) != 0)
    p = &(*p)->next;
  return p;
}

static void uncount(struct guard_conn *c)
{
  struct centre_guard *g = c->g;
  struct guard_addr **p, *e;
  if (!c->counted)
    return;
  pthread_mutex_lock(&g->mu);
  g->total--;
  p = addr_find(g, c->addr);
  e = *p;
  if (e && --e->count == 0) {
    *p = e->next;
    free(e);
  }
  pthread_mutex_unlock(&g->mu);
  c->counted = 0;
}

static void conn_ex_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                         void *argp)
{
  struct guard_conn *c = ptr;
  (void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
  if (!c)
    return;
  uncount(c);
  if (c->timer)
    event_free(c->timer);
  free(c);
}

static void ex_init(void)
{
  ex_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, conn_ex_free);
}

static void cut(struct guard_conn *c)
{
  evutil_socket_t fd = bufferevent_getfd(c->bev);
  if (fd >= 0)
    shutdown(fd, SHUT_RDWR);
}

static void arm(struct guard_conn *c, enum guard_phase phase, unsigned seconds)
{
  struct timeval tv = {(time_t)seconds, 0};
  c->phase = phase;
  evtimer_add(c->timer, &tv);
}

static void peer_key(evutil_socket_t fd, uint8_t out[16], char *text, size_t cap)
{
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  memset(out, 0, 16);
  snprintf(text, cap, "?");
  if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
    return;
  if (ss.ss_family == AF_INET) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
    out[10] = out[11] = 0xff;
    memcpy(out + 12, &s4->sin_addr, 4);
    inet_ntop(AF_INET, &s4->sin_addr, text, (socklen_t)cap);
  } else if (ss.ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
    memcpy(out, &s6->sin6_addr, 16);
    inet_ntop(AF_INET6, &s6->sin6_addr, text, (socklen_t)cap);
  }
}

/* ADMIT: count or cut. */
static void admit(struct guard_conn *c)
{
  struct centre_guard *g = c->g;
  evutil_socket_t fd = bufferevent_getfd(c->bev);
  char who[INET6_ADDRSTRLEN + 1];
  struct guard_addr **p, *e;
  int over = 0; /* 1 total, 2 per address */
  if (fd < 0)
    return; /* evhttp gave up on it already */
  peer_key(fd, c->addr, who, sizeof who);
  pthread_mutex_lock(&g->mu);
  p = addr_find(g, c->addr);
  e = *p;
  if (g->total >= g->max_total)
    over = 1;
  else if (e && e->count >= g->max_per_addr)
    over = 2;
  else if (!e && !(e = calloc(1, sizeof *e)))
    over = 1; /* no memory: treat as full */
  if (!over) {
    if (!*p) {
      memcpy(e->addr, c->addr, 16);
      *p = e;
    }
    e->count++;
    g->total++;
    c->counted = 1;
  }
  pthread_mutex_unlock(&g->mu);
  if (over == 1) {
    centre_log_limited(CENTRE_CAUSE_CAP_TOTAL, "connection from %s closed: %u connections open",
                       who, g->max_total);
    cut(c);
  } else if (over == 2) {
    centre_log_limited(CENTRE_CAUSE_CAP_ADDRESS,
                       "connection from %s closed: %u connections open from that address", who,
                       g->max_per_addr);
    cut(c);
  } else if (c->hs_done) {
    arm(c, GUARD_REQUEST, g->request_s);
  } else {
    arm(c, GUARD_HANDSHAKE, g->handshake_s);
  }
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
  struct guard_conn *c = arg;
  char who[INET6_ADDRSTRLEN + 1];
  uint8_t key[16];
  (void)fd, (void)what;
  switch (c->phase) {
  case GUARD_ADMIT:
    admit(c);
    return;
  case GUARD_HANDSHAKE:
    peer_key(bufferevent_getfd(c->bev), key, who, sizeof who);
    centre_log_limited(CENTRE_CAUSE_HANDSHAKE_DEADLINE,
                       "connection from %s closed: TLS handshake not done within %u s", who,
                       c->g->handshake_s);
    cut(c);
    return;
  case GUARD_REQUEST:
    peer_key(bufferevent_getfd(c->bev), key, who, sizeof who);
    centre_log_limited(CENTRE_CAUSE_REQUEST_DEADLINE,
                       "connection from %s closed: no complete request within %u s", who,
                       c->g->request_s);
    cut(c);
    return;
  }
}

int centre_guard_create(const struct centre_conf *conf, unsigned max_total,
                        struct centre_guard **out)
{
  struct centre_guard *g;
  if (!conf || !out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  pthread_once(&ex_once, ex_init);
  if (ex_index < 0)
    return CENTRE_E_CRYPTO;
  g = calloc(1, sizeof *g);
  if (!g)
    return CENTRE_E_NO_MEMORY;
  pthread_mutex_init(&g->mu, NULL);
  g->max_total = max_total;
  g->max_per_addr = conf->max_per_address;
  g->handshake_s = conf->handshake_timeout_s;
  g->request_s = conf->request_timeout_s;
  *out = g;
  return CENTRE_OK;
}

void centre_guard_destroy(struct centre_guard *g)
{
  if (!g)
    return;
  for (unsigned i = 0; i < GUARD_BUCKETS; i++)
    while (g->bucket[i]) {
      struct guard_addr *e = g->bucket[i];
      g->bucket[i] = e->next;
      free(e);
    }
  pthread_mutex_destroy(&g->mu);
  free(g);
}

int centre_guard_attach(struct centre_guard *g, struct event_base *base, SSL *ssl,
                        struct bufferevent *bev)
{
  struct guard_conn *c = calloc(1, sizeof *c);
  struct timeval now = {0, 0};
  if (!c)
    return CENTRE_E_NO_MEMORY;
  c->g = g;
  c->bev = bev;
  c->timer = evtimer_new(base, on_timer, c);
  if (!c->timer || SSL_set_ex_data(ssl, ex_index, c) != 1) {
    if (c->timer)
      event_free(c->timer);
    free(c);
    return CENTRE_E_NO_MEMORY;
  }
  c->phase = GUARD_ADMIT;
  evtimer_add(c->timer, &now);
  return CENTRE_OK;
}

void centre_guard_handshake_done(const SSL *ssl)
{
  struct guard_conn *c = ex_index >= 0 ? SSL_get_ex_data(ssl, ex_index) : NULL;
  if (!c || c->hs_done)
    return; /* TLS 1.3 reports DONE again for post-handshake messages */
  c->hs_done = 1;
  if (c->phase == GUARD_HANDSHAKE)
    arm(c, GUARD_REQUEST, c->g->request_s);
}

void centre_guard_request_seen(const SSL *ssl)
{
  struct guard_conn *c = ex_index >= 0 ? SSL_get_ex_data(ssl, ex_index) : NULL;
  if (c && c->phase == GUARD_REQUEST)
    arm(c, GUARD_REQUEST, c->g->request_s);
}

unsigned centre_guard_open(struct centre_guard *g)
{
  unsigned n;
  pthread_mutex_lock(&g->mu);
  n = g->total;
  pthread_mutex_unlock(&g->mu);
  return n;
}
