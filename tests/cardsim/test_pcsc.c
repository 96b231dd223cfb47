/*
 * cardsim through the real pcscd and vpcd, with raw winscard calls: insertion and
 * removal as pcscd sees them, the "test" profile's commands (short and extended),
 * every fault mode as a PC/SC application observes it, two readers at once, and a
 * pcscd restart. Cards play on yh_vpcd_port() and yh_vpcd_port() + 1.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include "cardsim.h"
#include "yh_fixture.h"

#define SEEN_MS 1000 /* pcscd polls vpcd every 400 ms: insert and remove seen within 1 s */
#define CLEAN_MS 3000
#define RESP_MAX MAX_BUFFER_SIZE_EXTENDED

static char reader0[YH_READER_NAME_MAX], reader1[YH_READER_NAME_MAX];
static uint16_t port0;
static SCARDCONTEXT ctx;
static uint8_t cmd[RESP_MAX], resp[RESP_MAX], expect[RESP_MAX];

static void setup(void)
{
  port0 = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port0, reader0, sizeof reader0), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port0 + 1), reader1, sizeof reader1), 0);
  /* A card left by a test that failed (its process is gone, so is the card): wait
   * until pcscd has seen that. */
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, CLEAN_MS), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader1, 0, CLEAN_MS), 0);
  ck_assert_int_eq(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx), SCARD_S_SUCCESS);
}

static void teardown(void)
{
  SCardReleaseContext(ctx);
}

/* A simulator on port with the "test" card in, seen by pcscd within SEEN_MS. */
static struct cardsim *sim_insert(uint16_t port, const char *reader)
{
  struct cardsim *s;
  ck_assert_int_eq(cardsim_create(NULL, port, &s), 0);
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(cardsim_insert(s, "test", NULL), 0);
  ck_assert_msg(yh_wait_reader_state(reader, 1, SEEN_MS) == 0, "insert not seen in %d ms",
                SEEN_MS);
  fprintf(stderr, "insert seen after %llu ms\n", (unsigned long long)(yh_now_ms() - t0));
  return s;
}

static void sim_remove(struct cardsim *s, const char *reader)
{
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(cardsim_remove(s), 0);
  ck_assert_msg(yh_wait_reader_state(reader, 0, SEEN_MS) == 0, "removal not seen in %d ms",
                SEEN_MS);
  fprintf(stderr, "removal seen after %llu ms\n", (unsigned long long)(yh_now_ms() - t0));
}

static SCARDHANDLE card_connect(const char *reader)
{
  SCARDHANDLE h;
  DWORD proto;
  LONG rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                         &h, &proto);
  ck_assert_msg(rv == SCARD_S_SUCCESS, "SCardConnect: %s (0x%lx)", pcsc_stringify_error(rv),
                (unsigned long)rv);
  ck_assert_uint_eq(proto, SCARD_PROTOCOL_T1);
  return h;
}

static LONG xmit(SCARDHANDLE h, const uint8_t *c, size_t n, DWORD *rlen)
{
  *rlen = sizeof resp;
  return SCardTransmit(h, SCARD_PCI_T1, c, (DWORD)n, NULL, resp, rlen);
}

/* Send hex; the answer must succeed at the PC/SC level. Returns its length. */
static DWORD xmit_hex(SCARDHANDLE h, const char *hex)
{
  size_t n = yh_hex(hex, cmd, sizeof cmd);
  ck_assert_uint_gt(n, 0);
  DWORD rlen;
  LONG rv = xmit(h, cmd, n, &rlen);
  ck_assert_msg(rv == SCARD_S_SUCCESS, "%s: SCardTransmit: %s (0x%lx)", hex,
                pcsc_stringify_error(rv), (unsigned long)rv);
  return rlen;
}

static void expect_hex(SCARDHANDLE h, const char *hex, const char *answer)
{
  DWORD n = xmit_hex(h, hex);
  size_t en = yh_hex(answer, expect, sizeof expect);
  ck_assert_msg(n == en && memcmp(resp, expect, en) == 0,
                "%s: expected %s, got %lu bytes (last %02X %02X)", hex, answer,
                (unsigned long)n, n >= 2 ? resp[n - 2] : 0, n >= 2 ? resp[n - 1] : 0);
}

static void pattern(uint8_t *out, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)((i * 7 + 3) & 0xFF);
}

/* --------------------------------------------------------------- tests -- */

START_TEST(test_insert_and_remove_seen)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  uint8_t atr[MAX_ATR_SIZE];
  DWORD atr_len = sizeof atr, state, proto;
  char name[YH_READER_NAME_MAX];
  DWORD name_len = sizeof name;
  ck_assert_int_eq(SCardStatus(h, name, &name_len, &state, &proto, atr, &atr_len),
                   SCARD_S_SUCCESS);
  const struct cardsim_profile *p = cardsim_profile_find("test");
  ck_assert_uint_eq(atr_len, p->atr_len);
  ck_assert_mem_eq(atr, p->atr, atr_len);
  ck_assert_str_eq(name, reader0);
  expect_hex(h, "00 10 00 00", "90 00");
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  sim_remove(s, reader0);
  ck_assert_int_eq(cardsim_connected(s), 0);
  /* vpcd accepts again: the card goes back in. */
  ck_assert_int_eq(cardsim_insert(s, "test", NULL), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 1, SEEN_MS), 0);
  h = card_connect(reader0);
  expect_hex(h, "00 10 00 00", "90 00");
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  sim_remove(s, reader0);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_profile_commands)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  expect_hex(h, "00 A4 04 00 0B A0 00 00 06 47 59 4C 54 45 53 54", "90 00");
  expect_hex(h, "00 A4 04 00 05 A0 00 00 00 01", "6A 82");
  expect_hex(h, "00 10 00 00", "90 00");
  expect_hex(h, "00 D6 00 00 03 01 02 03", "90 00");
  expect_hex(h, "00 DA 00 00 03 01 02 03 00", "01 02 03 90 00");
  expect_hex(h, "00 B0 00 00 00", "6D 00");
  expect_hex(h, "80 10 00 00", "6E 00");
  ck_assert_uint_eq(xmit_hex(h, "00 CA 01 00 00"), 258);
  pattern(expect, 256);
  ck_assert_mem_eq(resp, expect, 256);
  ck_assert_uint_eq(cardsim_apdu_count(s), 8);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_extended_apdus)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  /* GET DATA 65533 bytes, extended Le 0000: the largest answer (65535 bytes). */
  ck_assert_uint_eq(xmit_hex(h, "00 CA FF FD 00 00 00"), 65535);
  pattern(expect, 65533);
  ck_assert_mem_eq(resp, expect, 65533);
  ck_assert_uint_eq(resp[65533], 0x90);
  /* ECHO case 4E with 1000 bytes. */
  size_t lc = 1000;
  cmd[0] = 0, cmd[1] = 0xDA, cmd[2] = 0, cmd[3] = 0, cmd[4] = 0;
  cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
  for (size_t i = 0; i < lc; i++)
    cmd[7 + i] = (uint8_t)(i * 31);
  cmd[7 + lc] = 0, cmd[8 + lc] = 0;
  DWORD rlen;
  ck_assert_int_eq(xmit(h, cmd, 9 + lc, &rlen), SCARD_S_SUCCESS);
  ck_assert_uint_eq(rlen, lc + 2);
  ck_assert_mem_eq(resp, cmd + 7, lc);
  /* WRITE case 3E with 300 bytes. */
  lc = 300;
  cmd[1] = 0xD6, cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
  ck_assert_int_eq(xmit(h, cmd, 7 + lc, &rlen), SCARD_S_SUCCESS);
  ck_assert_uint_eq(rlen, 2);
  ck_assert_uint_eq(resp[0], 0x90);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_fault_chain_61)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  cardsim_set_fault(s, CARDSIM_FAULT_CHAIN_61, 100);
  /* pcscd hands the 61xx up raw; the application fetches with GET RESPONSE. */
  expect_hex(h, "00 CA 00 FA 00", "61 64"); /* 250 bytes */
  uint8_t got[300];
  size_t have = 0;
  uint16_t sw = 0x6164;
  int rounds = 0;
  while ((sw >> 8) == 0x61 && rounds++ < 10) {
    uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)sw};
    DWORD rlen;
    ck_assert_int_eq(xmit(h, gr, sizeof gr, &rlen), SCARD_S_SUCCESS);
    ck_assert_uint_ge(rlen, 2);
    ck_assert_uint_le(have + rlen - 2, sizeof got);
    memcpy(got + have, resp, rlen - 2);
    have += rlen - 2;
    sw = (uint16_t)(resp[rlen - 2] << 8 | resp[rlen - 1]);
  }
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_int_eq(rounds, 3); /* 100 + 100 + 50 */
  ck_assert_uint_eq(have, 250);
  pattern(expect, 250);
  ck_assert_mem_eq(got, expect, 250);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_fault_wrong_le_6c)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  cardsim_set_fault(s, CARDSIM_FAULT_WRONG_LE_6C, 0);
  expect_hex(h, "00 CA 00 0A 20", "6C 0A");
  ck_assert_uint_eq(xmit_hex(h, "00 CA 00 0A 0A"), 12);
  pattern(expect, 10);
  ck_assert_mem_eq(resp, expect, 10);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_fault_garbage_short_slow)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);

  cardsim_set_fault(s, CARDSIM_FAULT_GARBAGE, 5);
  ck_assert_uint_eq(xmit_hex(h, "00 10 00 00"), 5);
  cardsim_set_fault(s, CARDSIM_FAULT_GARBAGE, 0);
  DWORD n = xmit_hex(h, "00 10 00 00");
  ck_assert_uint_ge(n, 1);
  ck_assert_uint_le(n, 40);

  /* One byte: pcscd passes it on as it is (an application must not read a SW). */
  cardsim_set_fault(s, CARDSIM_FAULT_SHORT, 0);
  DWORD rlen;
  size_t len = yh_hex("00 10 00 00", cmd, sizeof cmd);
  LONG rv = xmit(h, cmd, len, &rlen);
  ck_assert_msg(rv != SCARD_S_SUCCESS || rlen == 1, "SHORT: rv 0x%lx, %lu bytes",
                (unsigned long)rv, (unsigned long)rlen);

  cardsim_set_fault(s, CARDSIM_FAULT_SLOW, 200);
  uint64_t t0 = yh_now_ms();
  expect_hex(h, "00 10 00 00", "90 00");
  uint64_t took = yh_now_ms() - t0;
  ck_assert_uint_ge(took, 200);
  ck_assert_uint_lt(took, 2000);

  cardsim_set_fault(s, CARDSIM_FAULT_NONE, 0);
  t0 = yh_now_ms();
  for (int i = 0; i < 20; i++)
    expect_hex(h, "00 10 00 00", "90 00");
  fprintf(stderr, "20 round trips through pcscd: %llu ms\n",
          (unsigned long long)(yh_now_ms() - t0));
  /* Without TCP_NODELAY / TCP_QUICKACK a round trip took 48 ms (20: ~960 ms). */
  ck_assert_uint_lt(yh_now_ms() - t0, 600);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

struct blocked {
  SCARDHANDLE h;
  LONG rv;
  DWORD rlen;
  int done;
  pthread_mutex_t lock;
};

static void *transmit_blocked(void *arg)
{
  struct blocked *b = arg;
  static const uint8_t nop[] = {0x00, 0x10, 0x00, 0x00};
  uint8_t r[16];
  DWORD rlen = sizeof r;
  LONG rv = SCardTransmit(b->h, SCARD_PCI_T1, nop, sizeof nop, NULL, r, &rlen);
  pthread_mutex_lock(&b->lock);
  b->rv = rv;
  b->rlen = rlen;
  b->done = 1;
  pthread_mutex_unlock(&b->lock);
  return NULL;
}

static int blocked_done(struct blocked *b)
{
  pthread_mutex_lock(&b->lock);
  int d = b->done;
  pthread_mutex_unlock(&b->lock);
  return d;
}

START_TEST(test_fault_mute)
{
  struct cardsim *s = sim_insert(port0, reader0);
  struct blocked b = {.h = card_connect(reader0)};
  pthread_mutex_init(&b.lock, NULL);
  cardsim_set_fault(s, CARDSIM_FAULT_MUTE, 0);
  pthread_t t;
  pthread_create(&t, NULL, transmit_blocked, &b);
  yh_sleep_ms(400);
  ck_assert_int_eq(blocked_done(&b), 0); /* no answer: the exchange hangs */
  ck_assert_uint_eq(cardsim_apdu_received(s), 1);
  ck_assert_uint_eq(cardsim_apdu_count(s), 0);
  /* Pulling the card ends it with an error. */
  ck_assert_int_eq(cardsim_remove(s), 0);
  for (int i = 0; i < 200 && !blocked_done(&b); i++)
    yh_sleep_ms(10);
  ck_assert_int_eq(blocked_done(&b), 1);
  pthread_join(t, NULL);
  /* vpcd reports a connection closed mid-exchange as success with no bytes. */
  ck_assert_msg(b.rv != SCARD_S_SUCCESS || b.rlen < 2, "mute card pulled: %lu bytes",
                (unsigned long)b.rlen);
  fprintf(stderr, "mute card pulled: %s (0x%lx), %lu bytes\n", pcsc_stringify_error(b.rv),
          (unsigned long)b.rv, (unsigned long)b.rlen);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, SEEN_MS), 0);
  SCardDisconnect(b.h, SCARD_LEAVE_CARD);
  pthread_mutex_destroy(&b.lock);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_fault_drop_after)
{
  struct cardsim *s = sim_insert(port0, reader0);
  SCARDHANDLE h = card_connect(reader0);
  cardsim_set_fault(s, CARDSIM_FAULT_DROP_AFTER, 1);
  expect_hex(h, "00 10 00 00", "90 00");
  DWORD rlen;
  size_t n = yh_hex("00 10 00 00", cmd, sizeof cmd);
  LONG rv = xmit(h, cmd, n, &rlen);
  /* vpcd reports a connection closed mid-exchange as success with no bytes. */
  ck_assert_msg(rv != SCARD_S_SUCCESS || rlen < 2, "dropped card answered %lu bytes",
                (unsigned long)rlen);
  fprintf(stderr, "card dropped mid-exchange: %s (0x%lx), %lu bytes\n",
          pcsc_stringify_error(rv), (unsigned long)rv, (unsigned long)rlen);
  ck_assert_int_eq(cardsim_connected(s), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, SEEN_MS), 0);
  /* Once pcscd has seen the reader empty, the handle is dead. */
  rv = xmit(h, cmd, n, &rlen);
  fprintf(stderr, "after the drop: %s (0x%lx)\n", pcsc_stringify_error(rv), (unsigned long)rv);
  ck_assert_int_ne(rv, SCARD_S_SUCCESS);
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  cardsim_destroy(s);
}
END_TEST

START_TEST(test_two_readers)
{
  struct cardsim *a = sim_insert(port0, reader0);
  struct cardsim *b = sim_insert((uint16_t)(port0 + 1), reader1);
  SCARDHANDLE ha = card_connect(reader0);
  SCARDHANDLE hb = card_connect(reader1);
  for (int i = 0; i < 5; i++) {
    expect_hex(ha, "00 DA 00 00 01 AA 00", "AA 90 00");
    expect_hex(hb, "00 DA 00 00 01 BB 00", "BB 90 00");
  }
  ck_assert_uint_eq(cardsim_apdu_count(a), 5);
  ck_assert_uint_eq(cardsim_apdu_count(b), 5);
  /* Faults are per simulator. */
  cardsim_set_fault(a, CARDSIM_FAULT_CHAIN_61, 0);
  expect_hex(ha, "00 CA 00 02 00", "61 02");
  expect_hex(hb, "00 CA 00 02 00", "03 0A 90 00");
  /* One card out, the other stays and answers. */
  SCardDisconnect(ha, SCARD_LEAVE_CARD);
  sim_remove(a, reader0);
  ck_assert_int_eq(yh_wait_reader_state(reader1, 1, 0), 0);
  expect_hex(hb, "00 10 00 00", "90 00");
  SCardDisconnect(hb, SCARD_LEAVE_CARD);
  sim_remove(b, reader1);
  cardsim_destroy(a);
  cardsim_destroy(b);
}
END_TEST

START_TEST(test_pcscd_restart)
{
  struct cardsim *s = sim_insert(port0, reader0);
  int rc = yh_pcscd_restart();
  if (rc == YH_PCSCD_SKIPPED) {
    fprintf(stderr, "test_pcscd_restart skipped\n");
    cardsim_destroy(s);
    return;
  }
  ck_assert_int_eq(rc, 0);
  /* The card is still in: the simulator reconnects by itself when vpcd is back. */
  ck_assert_str_eq(cardsim_profile_name(s), "test");
  ck_assert_int_eq(yh_wait_reader_state(reader0, 1, 5000), 0);
  ck_assert_int_eq(cardsim_connected(s), 1);
  SCardReleaseContext(ctx);
  ck_assert_int_eq(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx), SCARD_S_SUCCESS);
  SCARDHANDLE h = card_connect(reader0);
  expect_hex(h, "00 10 00 00", "90 00");
  SCardDisconnect(h, SCARD_LEAVE_CARD);
  sim_remove(s, reader0);
  cardsim_destroy(s);
}
END_TEST

static Suite *pcsc_suite(void)
{
  Suite *s = suite_create("cardsim.pcsc");
  TCase *tc = tcase_create("pcscd");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_insert_and_remove_seen);
  tcase_add_test(tc, test_profile_commands);
  tcase_add_test(tc, test_extended_apdus);
  tcase_add_test(tc, test_fault_chain_61);
  tcase_add_test(tc, test_fault_wrong_le_6c);
  tcase_add_test(tc, test_fault_garbage_short_slow);
  tcase_add_test(tc, test_fault_mute);
  tcase_add_test(tc, test_fault_drop_after);
  tcase_add_test(tc, test_two_readers);
  tcase_add_test(tc, test_pcscd_restart);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(pcsc_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
