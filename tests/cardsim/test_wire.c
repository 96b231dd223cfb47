/*
 * cardsim at the wire, without pcscd: the test plays vpcd (a TCP listener on
 * 127.0.0.1, an ephemeral port) and checks the simulator's exact bytes: framing,
 * control codes, insert/remove/reconnect, and every fault mode.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cardsim.h"
#include "yh_fixture.h"

#define WIRE_TIMEOUT_MS 2000
#define RECV_EOF (-2)
#define RECV_TIMEOUT (-1)

/* A fake vpcd: one listening socket, one accepted client. */
struct fake {
  int lfd;
  int cfd;
  uint16_t port;
};

static struct fake fk;
static struct cardsim *sim;
static uint8_t buf[2 + CARDSIM_MSG_MAX], cmd[CARDSIM_MSG_MAX], expect[CARDSIM_MSG_MAX];

static int listen_on(uint16_t port, uint16_t *bound)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  if (bound)
    *bound = ntohs(a.sin_port);
  return fd;
}

static int fake_accept(int timeout_ms)
{
  struct pollfd p = {.fd = fk.lfd, .events = POLLIN};
  if (poll(&p, 1, timeout_ms) != 1)
    return -1;
  fk.cfd = accept(fk.lfd, NULL, NULL);
  if (fk.cfd >= 0) {
    int one = 1;
    setsockopt(fk.cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fk.cfd;
}

static void fake_send(const uint8_t *p, size_t n)
{
  uint8_t frame[2 + CARDSIM_MSG_MAX];
  ck_assert_uint_le(n, CARDSIM_MSG_MAX);
  frame[0] = (uint8_t)(n >> 8);
  frame[1] = (uint8_t)n;
  memcpy(frame + 2, p, n);
  size_t off = 0;
  while (off < n + 2) {
    ssize_t w = send(fk.cfd, frame + off, n + 2 - off, MSG_NOSIGNAL);
    ck_assert_int_gt(w, 0);
    off += (size_t)w;
  }
}

static int recv_exact(uint8_t *p, size_t n, uint64_t deadline)
{
  size_t off = 0;
  while (off < n) {
    uint64_t now = yh_now_ms();
    if (now >= deadline)
      return RECV_TIMEOUT;
    struct pollfd pfd = {.fd = fk.cfd, .events = POLLIN};
    if (poll(&pfd, 1, (int)(deadline - now)) != 1)
      return RECV_TIMEOUT;
    ssize_t r = recv(fk.cfd, p + off, n - off, 0);
    if (r <= 0)
      return RECV_EOF;
    off += (size_t)r;
  }
  return 0;
}

/* One framed message from the simulator into buf: its length, RECV_TIMEOUT or
 * RECV_EOF. */
static long fake_recv(int timeout_ms)
{
  uint64_t deadline = yh_now_ms() + (uint64_t)timeout_ms;
  uint8_t len[2];
  int rc = recv_exact(len, 2, deadline);
  if (rc)
    return rc;
  size_t n = (size_t)len[0] << 8 | len[1];
  rc = recv_exact(buf, n, deadline);
  return rc ? rc : (long)n;
}

/* Send a hex APDU; expect an answer equal to the hex (or just return its length). */
static long xfer(const char *hex)
{
  size_t n = yh_hex(hex, cmd, sizeof cmd);
  ck_assert_uint_gt(n, 0);
  fake_send(cmd, n);
  return fake_recv(WIRE_TIMEOUT_MS);
}

static void xfer_expect(const char *hex, const char *answer_hex)
{
  long n = xfer(hex);
  size_t en = yh_hex(answer_hex, expect, sizeof expect);
  ck_assert_msg(n == (long)en && memcmp(buf, expect, en) == 0,
                "%s: expected %s, got %ld bytes (last %02X %02X)", hex, answer_hex, n,
                n >= 2 ? buf[n - 2] : 0, n >= 2 ? buf[n - 1] : 0);
}

static void pattern(uint8_t *out, size_t n, size_t from)
{
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)(((from + i) * 7 + 3) & 0xFF);
}

/* --------------------------------------------------- a counting profile -- */

/* Profiles register from any linked object, tests included: INS 01 returns how often
 * process() ran (4 bytes) + 9000; power on / reset set it to zero. */
struct counter {
  uint32_t calls;
};

static void *counter_create(const char *arg)
{
  (void)arg;
  return calloc(1, sizeof(struct counter));
}

static void counter_destroy(void *st)
{
  free(st);
}

static void counter_reset(void *st)
{
  ((struct counter *)st)->calls = 0;
}

static size_t counter_process(void *st, const uint8_t *c, size_t n, uint8_t *r, size_t cap)
{
  struct counter *k = st;
  (void)n;
  k->calls++;
  if (c[1] != 0x01)
    return cardsim_put_sw(r, 0, cap, 0x6D00);
  r[0] = (uint8_t)(k->calls >> 24), r[1] = (uint8_t)(k->calls >> 16);
  r[2] = (uint8_t)(k->calls >> 8), r[3] = (uint8_t)k->calls;
  return cardsim_put_sw(r, 4, cap, 0x9000);
}

static const uint8_t counter_atr[] = {0x3B, 0x02, 0x43, 0x4E};
static const struct cardsim_profile counter_profile = {
  .name = "wire-counter",
  .description = "test-only: counts process() calls",
  .atr = counter_atr,
  .atr_len = sizeof counter_atr,
  .create = counter_create,
  .destroy = counter_destroy,
  .reset = counter_reset,
  .process = counter_process,
};
CARDSIM_PROFILE_REGISTER(counter_profile)

/* ------------------------------------------------------------- fixture -- */

static void setup(void)
{
  fk.cfd = -1;
  fk.lfd = listen_on(0, &fk.port);
  ck_assert_int_ge(fk.lfd, 0);
  ck_assert_int_eq(cardsim_create("127.0.0.1", fk.port, &sim), 0);
}

static void teardown(void)
{
  cardsim_destroy(sim);
  sim = NULL;
  if (fk.cfd >= 0)
    close(fk.cfd);
  close(fk.lfd);
}

static void insert(const char *profile)
{
  ck_assert_int_eq(cardsim_insert(sim, profile, NULL), 0);
  ck_assert_int_ge(fake_accept(WIRE_TIMEOUT_MS), 0);
  ck_assert_int_eq(cardsim_connected(sim), 1);
}

/* --------------------------------------------------------------- tests -- */

START_TEST(test_control_codes)
{
  insert("test");
  ck_assert_str_eq(cardsim_profile_name(sim), "test");
  uint8_t code = 4;
  fake_send(&code, 1);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), 13);
  ck_assert_mem_eq(buf, cardsim_profile_find("test")->atr, 13);
  /* Power on, off and reset get no answer; an unknown code neither. */
  for (uint8_t c = 0; c < 4; c++) {
    fake_send(&c, 1);
    ck_assert_int_eq(fake_recv(100), RECV_TIMEOUT);
  }
  ck_assert_uint_eq(cardsim_apdu_count(sim), 0);
  /* An empty message is ignored; 2 and 3 byte messages are no APDU. */
  fake_send(cmd, 0);
  xfer_expect("00 10", "67 00");
  xfer_expect("00 10 00", "67 00");
  xfer_expect("00 10 00 00", "90 00");
  ck_assert_uint_eq(cardsim_apdu_count(sim), 3);
  ck_assert_uint_eq(cardsim_apdu_received(sim), 3);
}
END_TEST

START_TEST(test_reset_reaches_profile)
{
  insert("wire-counter");
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
  xfer_expect("00 01 00 00", "00 00 00 02 90 00");
  uint8_t code = 2;
  fake_send(&code, 1);
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
  code = 1;
  fake_send(&code, 1);
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
}
END_TEST

START_TEST(test_remove_closes)
{
  insert("test");
  xfer_expect("00 A4 04 00 0B A0 00 00 06 47 59 4C 54 45 53 54", "90 00");
  ck_assert_int_eq(cardsim_remove(sim), 0);
  ck_assert_int_eq(cardsim_connected(sim), 0);
  ck_assert_ptr_null(cardsim_profile_name(sim));
  /* remove returned: the connection is already closed. */
  ck_assert_int_eq(fake_recv(0 + 10), RECV_EOF);
  /* Nothing reconnects after a remove. */
  struct pollfd p = {.fd = fk.lfd, .events = POLLIN};
  ck_assert_int_eq(poll(&p, 1, 200), 0);
  ck_assert_int_eq(cardsim_remove(sim), 0);
}
END_TEST

START_TEST(test_insert_replaces)
{
  insert("test");
  int first = fk.cfd;
  ck_assert_int_eq(cardsim_insert(sim, "wire-counter", NULL), 0);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), RECV_EOF);
  close(first);
  ck_assert_int_ge(fake_accept(WIRE_TIMEOUT_MS), 0);
  ck_assert_str_eq(cardsim_profile_name(sim), "wire-counter");
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
}
END_TEST

START_TEST(test_reconnects_when_vpcd_closes)
{
  insert("wire-counter");
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
  close(fk.cfd); /* pcscd went away */
  fk.cfd = -1;
  uint64_t t0 = yh_now_ms();
  ck_assert_int_ge(fake_accept(WIRE_TIMEOUT_MS), 0);
  ck_assert_uint_lt(yh_now_ms() - t0, 1000);
  for (int i = 0; i < 100 && !cardsim_connected(sim); i++)
    yh_sleep_ms(10);
  ck_assert_int_eq(cardsim_connected(sim), 1);
  /* The same card: its state survived (vpcd would power it on first). */
  xfer_expect("00 01 00 00", "00 00 00 02 90 00");
}
END_TEST

START_TEST(test_reconnects_after_restart)
{
  /* vpcd gone entirely (listener closed), back on the same port 300 ms later. */
  insert("test");
  close(fk.cfd);
  close(fk.lfd);
  fk.cfd = -1;
  yh_sleep_ms(300);
  ck_assert_int_eq(cardsim_connected(sim), 0);
  ck_assert_str_eq(cardsim_profile_name(sim), "test");
  fk.lfd = listen_on(fk.port, NULL);
  ck_assert_int_ge(fk.lfd, 0);
  ck_assert_int_ge(fake_accept(WIRE_TIMEOUT_MS), 0);
  xfer_expect("00 10 00 00", "90 00");
}
END_TEST

static void *relisten_later(void *arg)
{
  (void)arg;
  yh_sleep_ms(300);
  fk.lfd = listen_on(fk.port, NULL);
  return NULL;
}

START_TEST(test_insert_waits_for_vpcd)
{
  close(fk.lfd); /* nobody listens: pcscd is restarting */
  pthread_t t;
  pthread_create(&t, NULL, relisten_later, NULL);
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(cardsim_insert(sim, "test", NULL), 0);
  uint64_t took = yh_now_ms() - t0;
  pthread_join(t, NULL);
  ck_assert_int_ge(fk.lfd, 0);
  ck_assert_uint_ge(took, 250);
  ck_assert_uint_lt(took, CARDSIM_CONNECT_TIMEOUT_MS);
  ck_assert_int_ge(fake_accept(WIRE_TIMEOUT_MS), 0);
  xfer_expect("00 10 00 00", "90 00");
}
END_TEST

START_TEST(test_insert_gives_up)
{
  close(fk.lfd);
  fk.lfd = listen_on(0, NULL); /* keep teardown's close valid */
  cardsim_set_connect_timeout(sim, 200);
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(cardsim_insert(sim, "test", NULL), -1);
  ck_assert_int_eq(errno, ECONNREFUSED);
  ck_assert_uint_lt(yh_now_ms() - t0, 1000);
  ck_assert_int_eq(cardsim_connected(sim), 0);
  ck_assert_ptr_null(cardsim_profile_name(sim));

  ck_assert_int_eq(cardsim_insert(sim, "no-such-profile", NULL), -1);
  ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_fault_chain_61)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_CHAIN_61, 16);
  xfer_expect("00 CA 00 28 00", "61 10"); /* 40 bytes: 16 + 16 + 8 */
  pattern(expect, 40, 0);
  ck_assert_int_eq(xfer("00 C0 00 00 10"), 18);
  ck_assert_mem_eq(buf, expect, 16);
  ck_assert_uint_eq(buf[16], 0x61);
  ck_assert_uint_eq(buf[17], 0x10);
  /* Le below the chunk: Le bytes, the rest stays. */
  ck_assert_int_eq(xfer("00 C0 00 00 05"), 7);
  ck_assert_mem_eq(buf, expect + 16, 5);
  ck_assert_uint_eq(buf[5], 0x61);
  ck_assert_uint_eq(buf[6], 0x10);
  ck_assert_int_eq(xfer("00 C0 00 00 10"), 18);
  ck_assert_mem_eq(buf, expect + 21, 16);
  ck_assert_uint_eq(buf[17], 0x03);
  ck_assert_int_eq(xfer("00 C0 00 00 03"), 5);
  ck_assert_mem_eq(buf, expect + 37, 3);
  ck_assert_uint_eq(buf[3], 0x90);
  ck_assert_uint_eq(buf[4], 0x00);

  /* Nothing pending: the GET RESPONSE is the profile's (the test profile knows no C0). */
  xfer_expect("00 C0 00 00 10", "6D 00");
  /* Answers without data pass through; errors too. */
  xfer_expect("00 10 00 00", "90 00");
  xfer_expect("00 A4 04 00 02 3F 00", "6A 82");
  /* Another command discards what is pending. */
  xfer_expect("00 CA 00 28 00", "61 10");
  xfer_expect("00 10 00 00", "90 00");
  xfer_expect("00 C0 00 00 10", "6D 00");
  /* Changing the fault discards it too. */
  xfer_expect("00 CA 00 28 00", "61 10");
  cardsim_set_fault(sim, CARDSIM_FAULT_CHAIN_61, 16);
  xfer_expect("00 C0 00 00 10", "6D 00");
}
END_TEST

START_TEST(test_fault_chain_61_default_chunk)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_CHAIN_61, 0);
  xfer_expect("00 CA 01 2C 00", "61 00"); /* 300 bytes: 256 + 44 */
  pattern(expect, 300, 0);
  ck_assert_int_eq(xfer("00 C0 00 00 00"), 258);
  ck_assert_mem_eq(buf, expect, 256);
  ck_assert_uint_eq(buf[256], 0x61);
  ck_assert_uint_eq(buf[257], 0x2C);
  ck_assert_int_eq(xfer("00 C0 00 00 2C"), 46);
  ck_assert_mem_eq(buf, expect + 256, 44);
  ck_assert_uint_eq(buf[44], 0x90);
  /* Exactly 256 bytes: 6100 then all of it. */
  xfer_expect("00 CA 01 00 00", "61 00");
  ck_assert_int_eq(xfer("00 C0 00 00 00"), 258);
  ck_assert_uint_eq(buf[256], 0x90);
  ck_assert_uint_eq(cardsim_apdu_count(sim), 5);
}
END_TEST

START_TEST(test_fault_wrong_le_6c)
{
  insert("wire-counter");
  cardsim_set_fault(sim, CARDSIM_FAULT_WRONG_LE_6C, 0);
  /* The counter answers 4 bytes. Le 10 -> 6C04; the resend gets the answer that was
   * computed once (calls = 1, not 2). */
  xfer_expect("00 01 00 00 10", "6C 04");
  xfer_expect("00 01 00 00 04", "00 00 00 01 90 00");
  /* The right Le at once: no 6C. */
  xfer_expect("00 01 00 00 04", "00 00 00 02 90 00");
  /* No Le (case 1): no 6C. */
  xfer_expect("00 01 00 00", "00 00 00 03 90 00");
  /* Extended Le 0000 (65536) differs too; a short resend serves it. */
  xfer_expect("00 01 00 00 00 00 00", "6C 04");
  xfer_expect("00 01 00 00 04", "00 00 00 04 90 00");
  /* Another command in between discards the held answer. */
  xfer_expect("00 01 00 00 01", "6C 04");
  xfer_expect("00 02 00 00", "6D 00");
  xfer_expect("00 01 00 00 04", "00 00 00 07 90 00");
}
END_TEST

START_TEST(test_fault_wrong_le_6c_lengths)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_WRONG_LE_6C, 0);
  xfer_expect("00 CA 00 0A 20", "6C 0A");
  pattern(expect, 10, 0);
  ck_assert_int_eq(xfer("00 CA 00 0A 0A"), 12);
  ck_assert_mem_eq(buf, expect, 10);
  /* 256 bytes with Le 10: 6C00 (00 = 256); resend with Le 00. */
  xfer_expect("00 CA 01 00 10", "6C 00");
  ck_assert_int_eq(xfer("00 CA 01 00 00"), 258);
  /* Over 256 bytes: no 6C, the data as it is. */
  ck_assert_int_eq(xfer("00 CA 01 2C 10"), 302);
  /* No data: no 6C. */
  xfer_expect("00 A4 04 00 02 3F 00 00", "6A 82");
}
END_TEST

START_TEST(test_fault_garbage)
{
  insert("wire-counter");
  cardsim_set_fault(sim, CARDSIM_FAULT_GARBAGE, 7);
  ck_assert_int_eq(xfer("00 01 00 00"), 7);
  cardsim_set_fault(sim, CARDSIM_FAULT_GARBAGE, 0);
  long min = 1000, max = 0;
  uint8_t first[40];
  int differs = 0;
  for (int i = 0; i < 30; i++) {
    long n = xfer("00 01 00 00");
    ck_assert_int_ge(n, 1);
    ck_assert_int_le(n, 40);
    min = n < min ? n : min;
    max = n > max ? n : max;
    if (i == 0)
      memcpy(first, buf, (size_t)n);
    else if (memcmp(first, buf, (size_t)(n < 2 ? n : 2)) != 0)
      differs = 1;
  }
  ck_assert_int_lt(min, max);
  ck_assert(differs);
  /* The profile never saw those commands. */
  cardsim_set_fault(sim, CARDSIM_FAULT_NONE, 0);
  xfer_expect("00 01 00 00", "00 00 00 01 90 00");
}
END_TEST

START_TEST(test_fault_short)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_SHORT, 0);
  xfer_expect("00 10 00 00", "90");
  xfer_expect("00 CA 00 10 00", "90");
  ck_assert_uint_eq(cardsim_apdu_count(sim), 2);
}
END_TEST

START_TEST(test_fault_slow)
{
  insert("test");
  /* Bounds are loose against a loaded machine, yet far from the 600 ms delay. */
  cardsim_set_fault(sim, CARDSIM_FAULT_SLOW, 600);
  uint64_t t0 = yh_now_ms();
  xfer_expect("00 10 00 00", "90 00");
  uint64_t took = yh_now_ms() - t0;
  ck_assert_uint_ge(took, 600);
  ck_assert_uint_lt(took, 1800);
  /* Control codes are not slowed. */
  uint8_t code = 4;
  t0 = yh_now_ms();
  fake_send(&code, 1);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), 13);
  ck_assert_uint_lt(yh_now_ms() - t0, 400);
  /* A remove during the wait closes at once; nothing is sent. */
  fake_send(cmd, 4);
  yh_sleep_ms(20);
  t0 = yh_now_ms();
  ck_assert_int_eq(cardsim_remove(sim), 0);
  ck_assert_uint_lt(yh_now_ms() - t0, 400);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), RECV_EOF);
}
END_TEST

START_TEST(test_fault_mute)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_MUTE, 0);
  size_t n = yh_hex("00 10 00 00", cmd, sizeof cmd);
  fake_send(cmd, n);
  ck_assert_int_eq(fake_recv(300), RECV_TIMEOUT);
  ck_assert_uint_eq(cardsim_apdu_received(sim), 1);
  ck_assert_uint_eq(cardsim_apdu_count(sim), 0);
  /* The connection stays; the ATR is still served. */
  ck_assert_int_eq(cardsim_connected(sim), 1);
  uint8_t code = 4;
  fake_send(&code, 1);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), 13);
  ck_assert_int_eq(cardsim_remove(sim), 0);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), RECV_EOF);
}
END_TEST

START_TEST(test_fault_drop_after)
{
  insert("test");
  cardsim_set_fault(sim, CARDSIM_FAULT_DROP_AFTER, 2);
  xfer_expect("00 10 00 00", "90 00");
  xfer_expect("00 10 00 00", "90 00");
  ck_assert_int_eq(xfer("00 10 00 00"), RECV_EOF);
  ck_assert_int_eq(cardsim_connected(sim), 0);
  ck_assert_ptr_null(cardsim_profile_name(sim));
  ck_assert_int_eq(cardsim_fault(sim, NULL), CARDSIM_FAULT_NONE);
  ck_assert_uint_eq(cardsim_apdu_count(sim), 2);
  ck_assert_uint_eq(cardsim_apdu_received(sim), 3);
  /* The card is out: no reconnect. */
  struct pollfd p = {.fd = fk.lfd, .events = POLLIN};
  ck_assert_int_eq(poll(&p, 1, 200), 0);
  /* Put it back: it works. */
  close(fk.cfd);
  insert("test");
  xfer_expect("00 10 00 00", "90 00");
  /* DROP_AFTER 0: the very next command. */
  cardsim_set_fault(sim, CARDSIM_FAULT_DROP_AFTER, 0);
  ck_assert_int_eq(xfer("00 10 00 00"), RECV_EOF);
}
END_TEST

START_TEST(test_fault_any_profile)
{
  /* Faults are applied at the wire: the counter profile gets them too. */
  insert("wire-counter");
  cardsim_set_fault(sim, CARDSIM_FAULT_CHAIN_61, 3);
  xfer_expect("00 01 00 00 00", "61 03");
  xfer_expect("00 C0 00 00 03", "00 00 00 61 01");
  xfer_expect("00 C0 00 00 01", "01 90 00");
}
END_TEST

START_TEST(test_extended_exchange)
{
  insert("test");
  /* The largest answer the wire carries: 65533 bytes + SW. */
  ck_assert_int_eq(xfer("00 CA FF FD 00 00 00"), 65535);
  pattern(expect, 65533, 0);
  ck_assert_mem_eq(buf, expect, 65533);
  /* The largest command: ECHO with Lc 65528 (4 + 3 + 65528 = 65535 bytes). */
  size_t lc = 65528;
  cmd[0] = 0, cmd[1] = 0xDA, cmd[2] = 0, cmd[3] = 0, cmd[4] = 0;
  cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
  for (size_t i = 0; i < lc; i++)
    cmd[7 + i] = (uint8_t)(i * 13);
  fake_send(cmd, 7 + lc);
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), (long)lc + 2);
  ck_assert_mem_eq(buf, cmd + 7, lc);
}
END_TEST

START_TEST(test_destroy_while_inserted)
{
  insert("test");
  cardsim_destroy(sim);
  sim = NULL;
  ck_assert_int_eq(fake_recv(WIRE_TIMEOUT_MS), RECV_EOF);
}
END_TEST

static void *hammer(void *arg)
{
  (void)arg;
  for (int i = 0; i < 200; i++) {
    cardsim_set_fault(sim, (enum cardsim_fault)(i % 2 ? CARDSIM_FAULT_NONE : CARDSIM_FAULT_SLOW), 0);
    (void)cardsim_apdu_count(sim);
    (void)cardsim_profile_name(sim);
  }
  return NULL;
}

START_TEST(test_api_from_threads)
{
  insert("test");
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, hammer, NULL);
  for (int i = 0; i < 50; i++)
    xfer_expect("00 10 00 00", "90 00");
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
  ck_assert_uint_eq(cardsim_apdu_count(sim), 50);
}
END_TEST

static Suite *wire_suite(void)
{
  Suite *s = suite_create("cardsim.wire");
  TCase *tc = tcase_create("connection");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_control_codes);
  tcase_add_test(tc, test_reset_reaches_profile);
  tcase_add_test(tc, test_remove_closes);
  tcase_add_test(tc, test_insert_replaces);
  tcase_add_test(tc, test_reconnects_when_vpcd_closes);
  tcase_add_test(tc, test_reconnects_after_restart);
  tcase_add_test(tc, test_insert_waits_for_vpcd);
  tcase_add_test(tc, test_insert_gives_up);
  tcase_add_test(tc, test_extended_exchange);
  tcase_add_test(tc, test_destroy_while_inserted);
  tcase_add_test(tc, test_api_from_threads);
  suite_add_tcase(s, tc);
  tc = tcase_create("faults");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_fault_chain_61);
  tcase_add_test(tc, test_fault_chain_61_default_chunk);
  tcase_add_test(tc, test_fault_wrong_le_6c);
  tcase_add_test(tc, test_fault_wrong_le_6c_lengths);
  tcase_add_test(tc, test_fault_garbage);
  tcase_add_test(tc, test_fault_short);
  tcase_add_test(tc, test_fault_slow);
  tcase_add_test(tc, test_fault_mute);
  tcase_add_test(tc, test_fault_drop_after);
  tcase_add_test(tc, test_fault_any_profile);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(wire_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
