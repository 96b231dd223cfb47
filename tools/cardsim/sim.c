/*
 * The simulator: one thread per struct cardsim owns the TCP connection to vpcd, the
 * profile's state and the fault engine. The API functions post a request (insert,
 * remove, quit) under the lock, poke the thread through a pipe and wait for it to be
 * done, so that the socket is only ever touched by one thread and a caller knows
 * that, say, the card is out when cardsim_remove() returns.
 *
 * Wire latency: vpcd sends a request and blocks until the answer. With Nagle and
 * delayed ACKs on, one APDU round trip took about 48 ms on loopback; with TCP_NODELAY
 * set once and TCP_QUICKACK re-armed before every read (Linux clears it again on its
 * own) it takes about 0.1 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cardsim.h"

#define SIM_FRAME_MAX (2u + CARDSIM_MSG_MAX)
#define SIM_SEND_TIMEOUT_MS 2000
#define SIM_CONNECT_ATTEMPT_MS 500 /* vpcd is on loopback; a full backlog drops SYNs */
#define SIM_GARBAGE_DEFAULT_MAX 40u
#define SIM_SHORT_BYTE 0x90
#define SIM_HOST_MAX 256

/* vpcd control codes. */
#define VPCD_CTRL_OFF 0
#define VPCD_CTRL_ON 1
#define VPCD_CTRL_RESET 2
#define VPCD_CTRL_ATR 4

enum sim_req { SIM_REQ_NONE, SIM_REQ_INSERT, SIM_REQ_REMOVE, SIM_REQ_QUIT };

struct cardsim {
  char host[SIM_HOST_MAX];
  char port[8];
  pthread_t thread;
  int wake[2]; /* requests poke the thread through this pipe */
  int trace;   /* CARDSIM_TRACE set: a line on stderr per event */

  /* Read by the const getters from any thread. */
  _Atomic uint64_t answered;
  _Atomic uint64_t received;
  atomic_int connected;
  _Atomic(const struct cardsim_profile *) profile; /* inserted card, NULL when none */
  atomic_int fault_pub;
  atomic_int fault_param_pub;

  pthread_mutex_t lock; /* guards the request slot and the fault below */
  pthread_cond_t cond;
  enum sim_req req;
  const struct cardsim_profile *req_profile;
  const char *req_arg; /* the caller's string: it waits until the request is done */
  unsigned req_seq, done_seq;
  int req_rc, req_errno;
  enum cardsim_fault fault;
  int fault_param;
  int drop_left;
  unsigned fault_gen;
  int connect_timeout_ms;

  /* Owned by the thread. */
  int fd;
  int inserted; /* the card is in, connected or reconnecting */
  void *state;
  const struct cardsim_profile *prof;
  unsigned seen_fault_gen;
  uint64_t next_retry_ms;
  uint64_t rng;
  size_t rx_len;
  size_t tx_len;
  int tx_pending; /* an answer waits for tx_due_ms (SLOW) */
  int tx_is_apdu;
  uint64_t tx_due_ms;
  /* CHAIN_61: the data still to hand out by GET RESPONSE. */
  int chain_active;
  size_t chain_len, chain_off;
  uint16_t chain_sw;
  /* WRONG_LE_6C: the command answered 6Cxx and its real answer. */
  int held_active;
  size_t held_cmd_len, held_resp_len, held_n;

  uint8_t rx[SIM_FRAME_MAX];
  uint8_t tx[SIM_FRAME_MAX];
  uint8_t resp[CARDSIM_RESP_MAX];
  uint8_t chain[CARDSIM_RESP_MAX];
  uint8_t held_cmd[CARDSIM_MSG_MAX];
  uint8_t held_resp[CARDSIM_RESP_MAX];
};

static const char *const fault_names[] = {
  [CARDSIM_FAULT_NONE] = "none",
  [CARDSIM_FAULT_GARBAGE] = "garbage",
  [CARDSIM_FAULT_SLOW] = "slow",
  [CARDSIM_FAULT_DROP_AFTER] = "drop_after",
  [CARDSIM_FAULT_MUTE] = "mute",
  [CARDSIM_FAULT_CHAIN_61] = "chain_61",
  [CARDSIM_FAULT_WRONG_LE_6C] = "wrong_le_6c",
  [CARDSIM_FAULT_SHORT] = "short",
};
#define FAULT_COUNT (sizeof fault_names / sizeof fault_names[0])

const char *cardsim_fault_name(enum cardsim_fault fault)
{
  if ((unsigned)fault >= FAULT_COUNT)
    return "?";
  return fault_names[fault];
}

int cardsim_fault_parse(const char *name, enum cardsim_fault *out)
{
  char norm[32];
  size_t i;
  if (!name || !out)
    return -1;
  for (i = 0; name[i] && i + 1 < sizeof norm; i++)
    norm[i] = name[i] == '-' ? '_' : name[i];
  if (name[i])
    return -1;
  norm[i] = '\0';
  for (size_t f = 0; f < FAULT_COUNT; f++) {
    if (strcasecmp(norm, fault_names[f]) == 0) {
      *out = (enum cardsim_fault)f;
      return 0;
    }
  }
  return -1;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int ms_until(uint64_t due, uint64_t now)
{
  if (due <= now)
    return 0;
  return due - now > 60000u ? 60000 : (int)(due - now);
}

static void sleep_ms(int ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

static void trace(const struct cardsim *s, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

static void trace(const struct cardsim *s, const char *fmt, ...)
{
  if (!s->trace)
    return;
  char line[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  fprintf(stderr, "cardsim[%s:%s] %s\n", s->host, s->port, line);
}

static uint64_t rng_next(struct cardsim *s)
{
  /* xorshift64: garbage needs to be unpredictable to the terminal, not secure. */
  uint64_t x = s->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  s->rng = x;
  return x;
}

/* ------------------------------------------------------------ connection -- */

static void set_quickack(int fd)
{
  int one = 1;
  /* Linux turns quick ACKs off again after a while: re-armed before every read. */
  (void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* One connection attempt. Returns the socket or -1 with *err set. */
static int connect_once(struct cardsim *s, int *err)
{
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  int rc = getaddrinfo(s->host, s->port, &hints, &res);
  if (rc != 0) {
    trace(s, "getaddrinfo: %s", gai_strerror(rc));
    *err = EHOSTUNREACH;
    return -1;
  }
  int fd = -1;
  *err = ECONNREFUSED;
  for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      *err = errno;
      continue;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      int e = errno;
      if (e == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        socklen_t elen = sizeof e;
        if (poll(&pfd, 1, SIM_CONNECT_ATTEMPT_MS) != 1)
          e = ETIMEDOUT;
        else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
          e = errno;
      }
      if (e != 0) {
        *err = e;
        close(fd);
        fd = -1;
        continue;
      }
    }
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_quickack(fd);
  }
  return fd;
}

/* Connect, retrying while vpcd refuses, for at most timeout_ms. */
static int connect_retry(struct cardsim *s, int timeout_ms, int *err)
{
  uint64_t deadline = now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    int fd = connect_once(s, err);
    if (fd >= 0 || *err == EHOSTUNREACH)
      return fd;
    uint64_t now = now_ms();
    if (now >= deadline)
      return -1;
    sleep_ms(ms_until(deadline, now) < CARDSIM_RETRY_MS ? ms_until(deadline, now)
                                                        : CARDSIM_RETRY_MS);
  }
}

/* Forget what the fault engine holds for the exchange in progress. */
static void engine_reset(struct cardsim *s)
{
  s->chain_active = 0;
  s->held_active = 0;
}

/* The observable state changes before the socket closes: whoever sees the close
 * (vpcd, a test) then also sees connected() == 0. */
static void close_fd(struct cardsim *s)
{
  atomic_store(&s->connected, 0);
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
    trace(s, "closed");
  }
  s->rx_len = 0;
  s->tx_pending = 0;
  engine_reset(s);
}

/* The card leaves the reader: connection closed, state freed. */
static void card_out(struct cardsim *s)
{
  atomic_store(&s->profile, NULL);
  close_fd(s);
  if (s->prof && s->prof->destroy)
    s->prof->destroy(s->state);
  s->state = NULL;
  s->prof = NULL;
  s->inserted = 0;
}

/* vpcd went away (pcscd stopped or restarted): the card stays in, reconnecting. */
static void peer_gone(struct cardsim *s)
{
  close_fd(s);
  s->next_retry_ms = now_ms() + CARDSIM_RETRY_MS;
}

static void reconnect_once(struct cardsim *s)
{
  int err;
  s->fd = connect_once(s, &err);
  if (s->fd < 0) {
    s->next_retry_ms = now_ms() + CARDSIM_RETRY_MS;
    return;
  }
  trace(s, "reconnected");
  atomic_store(&s->connected, 1);
}

/* ------------------------------------------------------------- answering -- */

/* Send the framed message in tx. A failure means vpcd is gone. */
static void flush_tx(struct cardsim *s)
{
  size_t off = 0;
  uint64_t deadline = now_ms() + SIM_SEND_TIMEOUT_MS;
  s->tx_pending = 0;
  /* Counted before it leaves: whoever has read the answer sees it counted. */
  if (s->tx_is_apdu)
    atomic_fetch_add(&s->answered, 1);
  while (off < s->tx_len) {
    ssize_t n = send(s->fd, s->tx + off, s->tx_len - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += (size_t)n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      uint64_t now = now_ms();
      struct pollfd pfd = {.fd = s->fd, .events = POLLOUT};
      if (now < deadline && poll(&pfd, 1, ms_until(deadline, now)) >= 0)
        continue;
    }
    trace(s, "send failed: %s", n < 0 ? strerror(errno) : "timeout");
    peer_gone(s);
    return;
  }
}

static void answer(struct cardsim *s, const uint8_t *data, size_t n, int is_apdu, int delay_ms)
{
  s->tx[0] = (uint8_t)(n >> 8);
  s->tx[1] = (uint8_t)n;
  memcpy(s->tx + 2, data, n);
  s->tx_len = n + 2;
  s->tx_is_apdu = is_apdu;
  if (delay_ms > 0) {
    s->tx_pending = 1;
    s->tx_due_ms = now_ms() + (uint64_t)delay_ms;
    return;
  }
  flush_tx(s);
}

/* The profile's answer in s->resp; a broken one becomes 6F00. */
static size_t profile_answer(struct cardsim *s, const uint8_t *cmd, size_t len)
{
  if (len < 4)
    return cardsim_put_sw(s->resp, 0, sizeof s->resp, 0x6700);
  size_t n = s->prof->process(s->state, cmd, len, s->resp, sizeof s->resp);
  if (n < 2 || n > sizeof s->resp) {
    fprintf(stderr, "cardsim: profile '%s' returned %zu bytes for INS %02X; answering 6F00\n",
            s->prof->name, n, cmd[1]);
    return cardsim_put_sw(s->resp, 0, sizeof s->resp, 0x6F00);
  }
  return n;
}

static uint8_t chunk_len_byte(size_t left, size_t chunk)
{
  return (uint8_t)((left < chunk ? left : chunk) & 0xFF); /* 256 -> 00 */
}

static size_t chain_61(struct cardsim *s, const uint8_t *cmd, size_t len, int param)
{
  size_t chunk = param <= 0 || param > 256 ? 256 : (size_t)param;
  struct cardsim_apdu a;
  /* A GET RESPONSE with nothing of ours pending belongs to the profile (a card that
   * chains by itself, like the honour card's SELECT): it falls through below. */
  if (s->chain_active && cardsim_apdu_parse(cmd, len, &a) == 0 && a.ins == 0xC0 &&
      a.p1 == 0 && a.p2 == 0 && a.lc == 0) {
    size_t le = a.le ? a.le : 256;
    size_t left = s->chain_len - s->chain_off;
    size_t give = left < chunk ? left : chunk;
    if (give > le)
      give = le;
    memcpy(s->resp, s->chain + s->chain_off, give);
    s->chain_off += give;
    left -= give;
    if (left == 0) {
      s->chain_active = 0;
      return cardsim_put_sw(s->resp, give, sizeof s->resp, s->chain_sw);
    }
    return cardsim_put_sw(s->resp, give, sizeof s->resp,
                          (uint16_t)(0x6100 | chunk_len_byte(left, chunk)));
  }
  s->chain_active = 0;
  size_t n = profile_answer(s, cmd, len);
  if (n <= 2)
    return n;
  s->chain_len = n - 2;
  s->chain_off = 0;
  s->chain_sw = (uint16_t)(s->resp[n - 2] << 8 | s->resp[n - 1]);
  memcpy(s->chain, s->resp, s->chain_len);
  s->chain_active = 1;
  return cardsim_put_sw(s->resp, 0, sizeof s->resp,
                        (uint16_t)(0x6100 | chunk_len_byte(s->chain_len, chunk)));
}

static int same_command(const struct cardsim_apdu *a, const struct cardsim_apdu *b)
{
  return a->cla == b->cla && a->ins == b->ins && a->p1 == b->p1 && a->p2 == b->p2 &&
         a->lc == b->lc && (a->lc == 0 || memcmp(a->data, b->data, a->lc) == 0);
}

static size_t wrong_le_6c(struct cardsim *s, const uint8_t *cmd, size_t len)
{
  struct cardsim_apdu a, held;
  int parsed = cardsim_apdu_parse(cmd, len, &a) == 0;
  if (s->held_active && parsed &&
      cardsim_apdu_parse(s->held_cmd, s->held_cmd_len, &held) == 0 &&
      same_command(&a, &held) && a.le == s->held_n) {
    s->held_active = 0;
    memcpy(s->resp, s->held_resp, s->held_resp_len);
    return s->held_resp_len;
  }
  s->held_active = 0;
  size_t n = profile_answer(s, cmd, len);
  size_t data = n - 2;
  if (!parsed || a.le == 0 || data == 0 || data > 256 || a.le == data)
    return n;
  memcpy(s->held_cmd, cmd, len);
  s->held_cmd_len = len;
  memcpy(s->held_resp, s->resp, n);
  s->held_resp_len = n;
  s->held_n = data;
  s->held_active = 1;
  return cardsim_put_sw(s->resp, 0, sizeof s->resp, (uint16_t)(0x6C00 | (data & 0xFF)));
}

static void on_apdu(struct cardsim *s, const uint8_t *cmd, size_t len)
{
  atomic_fetch_add(&s->received, 1);

  pthread_mutex_lock(&s->lock);
  enum cardsim_fault fault = s->fault;
  int param = s->fault_param;
  int drop = 0;
  if (s->seen_fault_gen != s->fault_gen) {
    s->seen_fault_gen = s->fault_gen;
    engine_reset(s);
  }
  if (fault == CARDSIM_FAULT_DROP_AFTER) {
    if (s->drop_left <= 0) {
      drop = 1;
      s->fault = CARDSIM_FAULT_NONE;
      s->fault_param = 0;
      s->seen_fault_gen = ++s->fault_gen;
      atomic_store(&s->fault_pub, CARDSIM_FAULT_NONE);
      atomic_store(&s->fault_param_pub, 0);
    } else {
      s->drop_left--;
    }
  }
  pthread_mutex_unlock(&s->lock);

  trace(s, "APDU %02X %02X %02X %02X, %zu bytes, fault %s", cmd[0], len > 1 ? cmd[1] : 0,
        len > 2 ? cmd[2] : 0, len > 3 ? cmd[3] : 0, len, cardsim_fault_name(fault));
  if (drop) {
    trace(s, "dropping the connection (DROP_AFTER)");
    card_out(s);
    return;
  }

  size_t n;
  switch (fault) {
  case CARDSIM_FAULT_MUTE:
    return;
  case CARDSIM_FAULT_GARBAGE:
    n = param > 0 ? (size_t)param : 1 + (size_t)(rng_next(s) % SIM_GARBAGE_DEFAULT_MAX);
    if (n > sizeof s->resp)
      n = sizeof s->resp;
    for (size_t i = 0; i < n; i++)
      s->resp[i] = (uint8_t)rng_next(s);
    break;
  case CARDSIM_FAULT_SHORT:
    s->resp[0] = SIM_SHORT_BYTE;
    n = 1;
    break;
  case CARDSIM_FAULT_CHAIN_61:
    n = chain_61(s, cmd, len, param);
    break;
  case CARDSIM_FAULT_WRONG_LE_6C:
    n = wrong_le_6c(s, cmd, len);
    break;
  default:
    n = profile_answer(s, cmd, len);
    break;
  }
  if (n >= 2)
    trace(s, "answer %zu bytes, SW %02X%02X", n, s->resp[n - 2], s->resp[n - 1]);
  answer(s, s->resp, n, 1, fault == CARDSIM_FAULT_SLOW ? param : 0);
}

static void on_control(struct cardsim *s, uint8_t code)
{
  switch (code) {
  case VPCD_CTRL_OFF:
    trace(s, "power off");
    break;
  case VPCD_CTRL_ON:
  case VPCD_CTRL_RESET:
    trace(s, code == VPCD_CTRL_ON ? "power on" : "reset");
    engine_reset(s);
    if (s->prof->reset)
      s->prof->reset(s->state);
    break;
  case VPCD_CTRL_ATR:
    trace(s, "ATR");
    answer(s, s->prof->atr, s->prof->atr_len, 0, 0);
    break;
  default:
    trace(s, "unknown control code %u", code);
    break;
  }
}

/* Read what vpcd sent; handle each complete message. */
static void on_readable(struct cardsim *s)
{
  while (s->fd >= 0 && !s->tx_pending) {
    size_t want = s->rx_len < 2 ? 2 - s->rx_len
                                : 2u + ((size_t)s->rx[0] << 8 | s->rx[1]) - s->rx_len;
    set_quickack(s->fd);
    ssize_t n = recv(s->fd, s->rx + s->rx_len, want, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      trace(s, "vpcd closed the connection");
      peer_gone(s);
      return;
    }
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return;
    }
    s->rx_len += (size_t)n;
    if (s->rx_len < 2)
      continue;
    size_t msg_len = (size_t)s->rx[0] << 8 | s->rx[1];
    if (s->rx_len < 2 + msg_len)
      continue;
    s->rx_len = 0;
    if (msg_len == 1)
      on_control(s, s->rx[2]);
    else if (msg_len > 1)
      on_apdu(s, s->rx + 2, msg_len);
  }
}

/* -------------------------------------------------------------- requests -- */

static int do_insert(struct cardsim *s, const struct cardsim_profile *p, const char *arg,
                     int timeout_ms, int *err)
{
  card_out(s);
  void *state = NULL;
  if (p->create) {
    state = p->create(arg);
    if (!state) {
      *err = EINVAL;
      return -1;
    }
  }
  int fd = connect_retry(s, timeout_ms, err);
  if (fd < 0) {
    if (p->destroy)
      p->destroy(state);
    trace(s, "cannot connect: %s", strerror(*err));
    return -1;
  }
  s->fd = fd;
  s->state = state;
  s->prof = p;
  s->inserted = 1;
  s->rx_len = 0;
  s->tx_pending = 0;
  engine_reset(s);
  atomic_store(&s->profile, p);
  atomic_store(&s->connected, 1);
  trace(s, "inserted '%s'", p->name);
  return 0;
}

/* Serve the posted request; returns 1 when the thread must end. */
static int serve_request(struct cardsim *s)
{
  pthread_mutex_lock(&s->lock);
  enum sim_req req = s->req;
  const struct cardsim_profile *p = s->req_profile;
  const char *arg = s->req_arg;
  int timeout_ms = s->connect_timeout_ms;
  pthread_mutex_unlock(&s->lock);
  if (req == SIM_REQ_NONE)
    return 0;

  int rc = 0, err = 0;
  switch (req) {
  case SIM_REQ_INSERT:
    rc = do_insert(s, p, arg, timeout_ms, &err);
    break;
  case SIM_REQ_REMOVE:
  case SIM_REQ_QUIT:
  default:
    card_out(s);
    break;
  }

  pthread_mutex_lock(&s->lock);
  s->req_rc = rc;
  s->req_errno = err;
  s->req = SIM_REQ_NONE;
  s->done_seq = s->req_seq;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->lock);
  return req == SIM_REQ_QUIT;
}

static void *sim_thread(void *arg)
{
  struct cardsim *s = arg;
  for (;;) {
    struct pollfd pfd[2] = {{.fd = s->wake[0], .events = POLLIN}, {.fd = -1}};
    nfds_t nfds = 1;
    int timeout = -1;
    uint64_t now = now_ms();
    if (s->fd >= 0 && s->tx_pending) {
      timeout = ms_until(s->tx_due_ms, now);
    } else if (s->fd >= 0) {
      pfd[1].fd = s->fd;
      pfd[1].events = POLLIN;
      nfds = 2;
    } else if (s->inserted) {
      timeout = ms_until(s->next_retry_ms, now);
    }

    int r = poll(pfd, nfds, timeout);
    if (r < 0 && errno != EINTR) {
      perror("cardsim: poll");
      sleep_ms(CARDSIM_RETRY_MS);
      continue;
    }
    if (r > 0 && (pfd[0].revents & POLLIN)) {
      uint8_t drain[64];
      while (read(s->wake[0], drain, sizeof drain) > 0)
        ;
      if (serve_request(s))
        break;
      continue;
    }
    now = now_ms();
    if (s->fd >= 0 && s->tx_pending) {
      if (now >= s->tx_due_ms)
        flush_tx(s);
    } else if (nfds == 2 && r > 0 && pfd[1].revents) {
      on_readable(s);
    } else if (s->fd < 0 && s->inserted && now >= s->next_retry_ms) {
      reconnect_once(s);
    }
  }
  return NULL;
}

/* Post a request and wait until the thread has served it. */
static int call(struct cardsim *s, enum sim_req req, const struct cardsim_profile *p,
                const char *arg)
{
  pthread_mutex_lock(&s->lock);
  while (s->req != SIM_REQ_NONE)
    pthread_cond_wait(&s->cond, &s->lock);
  s->req = req;
  s->req_profile = p;
  s->req_arg = arg;
  unsigned seq = ++s->req_seq;
  pthread_mutex_unlock(&s->lock);

  uint8_t one = 1;
  while (write(s->wake[1], &one, 1) < 0 && errno == EINTR)
    ; /* EAGAIN: the pipe is full, so the thread is awake anyway */

  pthread_mutex_lock(&s->lock);
  while (s->done_seq != seq)
    pthread_cond_wait(&s->cond, &s->lock);
  int rc = s->req_rc, err = s->req_errno;
  pthread_mutex_unlock(&s->lock);
  if (rc != 0)
    errno = err;
  return rc;
}

/* ------------------------------------------------------------------- API -- */

int cardsim_create(const char *host, uint16_t port, struct cardsim **out)
{
  if (!out) {
    errno = EINVAL;
    return -1;
  }
  *out = NULL;
  if (!host)
    host = "127.0.0.1";
  if (strlen(host) >= SIM_HOST_MAX || port == 0) {
    errno = EINVAL;
    return -1;
  }
  struct cardsim *s = calloc(1, sizeof *s);
  if (!s)
    return -1;
  int err;
  memcpy(s->host, host, strlen(host) + 1);
  snprintf(s->port, sizeof s->port, "%u", (unsigned)port);
  s->fd = -1;
  s->connect_timeout_ms = CARDSIM_CONNECT_TIMEOUT_MS;
  s->trace = getenv("CARDSIM_TRACE") != NULL;
  s->rng = ((uint64_t)now_ms() << 16) ^ (uint64_t)(uintptr_t)s ^ port ^ 0x9E3779B97F4A7C15u;
  if (s->rng == 0)
    s->rng = 1;
  atomic_init(&s->answered, 0);
  atomic_init(&s->received, 0);
  atomic_init(&s->connected, 0);
  atomic_init(&s->profile, NULL);
  atomic_init(&s->fault_pub, CARDSIM_FAULT_NONE);
  atomic_init(&s->fault_param_pub, 0);

  if (pipe(s->wake) != 0) {
    err = errno;
    goto out_free;
  }
  for (int i = 0; i < 2; i++) {
    (void)fcntl(s->wake[i], F_SETFD, FD_CLOEXEC);
    (void)fcntl(s->wake[i], F_SETFL, O_NONBLOCK);
  }
  if ((err = pthread_mutex_init(&s->lock, NULL)) != 0)
    goto out_close_pipe;
  if ((err = pthread_cond_init(&s->cond, NULL)) != 0)
    goto out_destroy_mutex;

  /* The thread takes no signals: a program's handlers run on its own threads. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  err = pthread_create(&s->thread, NULL, sim_thread, s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0)
    goto out_destroy_cond;
  *out = s;
  return 0;

out_destroy_cond:
  pthread_cond_destroy(&s->cond);
out_destroy_mutex:
  pthread_mutex_destroy(&s->lock);
out_close_pipe:
  close(s->wake[0]);
  close(s->wake[1]);
out_free:
  free(s);
  errno = err;
  return -1;
}

int cardsim_insert(struct cardsim *s, const char *profile, const char *arg)
{
  if (!s || !profile) {
    errno = EINVAL;
    return -1;
  }
  const struct cardsim_profile *p = cardsim_profile_find(profile);
  if (!p) {
    errno = ENOENT;
    return -1;
  }
  return call(s, SIM_REQ_INSERT, p, arg);
}

int cardsim_remove(struct cardsim *s)
{
  if (!s) {
    errno = EINVAL;
    return -1;
  }
  return call(s, SIM_REQ_REMOVE, NULL, NULL);
}

void cardsim_set_fault(struct cardsim *s, enum cardsim_fault fault, int param)
{
  if (!s)
    return;
  if ((unsigned)fault >= FAULT_COUNT)
    fault = CARDSIM_FAULT_NONE;
  if (param < 0)
    param = 0;
  pthread_mutex_lock(&s->lock);
  s->fault = fault;
  s->fault_param = param;
  s->drop_left = param;
  s->fault_gen++;
  atomic_store(&s->fault_pub, (int)fault);
  atomic_store(&s->fault_param_pub, param);
  pthread_mutex_unlock(&s->lock);
}

void cardsim_set_connect_timeout(struct cardsim *s, int ms)
{
  if (!s)
    return;
  pthread_mutex_lock(&s->lock);
  s->connect_timeout_ms = ms < 0 ? 0 : ms;
  pthread_mutex_unlock(&s->lock);
}

uint64_t cardsim_apdu_count(const struct cardsim *s)
{
  return s ? atomic_load(&s->answered) : 0;
}

uint64_t cardsim_apdu_received(const struct cardsim *s)
{
  return s ? atomic_load(&s->received) : 0;
}

int cardsim_connected(const struct cardsim *s)
{
  return s ? atomic_load(&s->connected) : 0;
}

const char *cardsim_profile_name(const struct cardsim *s)
{
  const struct cardsim_profile *p = s ? atomic_load(&s->profile) : NULL;
  return p ? p->name : NULL;
}

enum cardsim_fault cardsim_fault(const struct cardsim *s, int *param)
{
  if (param)
    *param = s ? atomic_load(&s->fault_param_pub) : 0;
  return s ? (enum cardsim_fault)atomic_load(&s->fault_pub) : CARDSIM_FAULT_NONE;
}

void cardsim_destroy(struct cardsim *s)
{
  if (!s)
    return;
  call(s, SIM_REQ_QUIT, NULL, NULL);
  pthread_join(s->thread, NULL);
  pthread_cond_destroy(&s->cond);
  pthread_mutex_destroy(&s->lock);
  close(s->wake[0]);
  close(s->wake[1]);
  free(s);
}
