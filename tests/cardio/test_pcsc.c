/* Integration tests of the cardio transport through the real pcscd, vpcd's virtual
 * readers and the card simulator (tools/cardsim) in this process. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/watch.h"
#include "cardsim.h"
#include "yh_fixture.h"

static const uint8_t test_aid[] = {0xA0, 0x00, 0x00, 0x06, 0x47, 0x59,
                                   0x4C, 0x54, 0x45, 0x53, 0x54};

struct rig {
  struct cardsim *sim;
  struct cardio_ctx *ctx;
  char reader[YH_READER_NAME_MAX];
  uint16_t port;
};

static void rig_up(struct rig *r, int slot, const char *profile)
{
  memset(r, 0, sizeof *r);
  r->port = (uint16_t)(yh_vpcd_port() + slot);
  ck_assert_int_eq(yh_reader_name(r->port, r->reader, sizeof r->reader), 0);
  /* pcscd polls presence every 400 ms: let it see the previous test's card go before a
   * new one comes, or it would take the new card for the old one. */
  ck_assert_int_eq(yh_wait_reader_state(r->reader, 0, 60000), 0);
  ck_assert_int_eq(cardsim_create(NULL, r->port, &r->sim), 0);
  ck_assert_int_eq(cardio_ctx_create(&r->ctx), CARDIO_OK);
  if (profile) {
    ck_assert_int_eq(cardsim_insert(r->sim, profile, NULL), 0);
    ck_assert_int_eq(cardio_wait_card(r->ctx, r->reader, 60000), CARDIO_OK);
  }
}

static void rig_down(struct rig *r)
{
  cardio_ctx_destroy(r->ctx);
  cardsim_destroy(r->sim);
}

static struct cardio_card *connect_and_select(struct rig *r)
{
  struct cardio_card *card = NULL;
  struct cardio_apdu sel = {0x00, 0xA4, 0x04, 0x00, test_aid, sizeof test_aid, 0, 0};
  size_t len;
  uint16_t sw;
  ck_assert_int_eq(cardio_connect(r->ctx, r->reader, &card), CARDIO_OK);
  ck_assert_int_eq(cardio_transmit(card, &sel, NULL, 0, &len, &sw), CARDIO_OK);
  ck_assert_uint_eq(sw, 0x9000);
  return card;
}

/* The "test" profile's GET DATA pattern. */
static int pattern_ok(const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != (uint8_t)((i * 7 + 3) & 0xFF))
      return 0;
  return 1;
}

START_TEST(test_readers_listed)
{
  struct cardio_ctx *ctx;
  char **names;
  size_t n;
  char want[YH_READER_NAME_MAX];
  ck_assert_int_eq(yh_reader_name(yh_vpcd_port(), want, sizeof want), 0);
  ck_assert_int_eq(cardio_ctx_create(&ctx), CARDIO_OK);
  ck_assert_int_eq(cardio_list_readers(ctx, &names, &n), CARDIO_OK);
  ck_assert_uint_ge(n, 2);
  int found = 0;
  for (size_t i = 0; i < n; i++)
    found |= strcmp(names[i], want) == 0;
  ck_assert_msg(found, "reader %s not listed", want);
  ck_assert_ptr_null(names[n]);
  cardio_reader_list_free(names);
  cardio_ctx_destroy(ctx);
}
END_TEST

START_TEST(test_no_card_and_no_reader)
{
  struct rig r;
  struct cardio_card *card;
  rig_up(&r, 0, NULL);
  ck_assert_int_eq(cardio_connect(r.ctx, r.reader, &card), CARDIO_E_NO_CARD);
  ck_assert_ptr_null(card);
  ck_assert_int_eq(cardio_connect(r.ctx, "No Such Reader 00 00", &card), CARDIO_E_NO_READER);
  ck_assert_int_eq(cardio_wait_card(r.ctx, r.reader, 200), CARDIO_E_TIMEOUT);
  rig_down(&r);
}
END_TEST

/* ---- watcher events ---- */
struct seen {
  pthread_mutex_t lock;
  char reader[YH_READER_NAME_MAX];
  uint64_t inserted_ms, removed_ms, lost_ms, back_ms, readd_ms;
  int readers_added;
};

static void on_watch(const struct cardio_watch_event *ev, void *user)
{
  struct seen *s = user;
  pthread_mutex_lock(&s->lock);
  int mine = ev->reader && strcmp(ev->reader, s->reader) == 0;
  switch (ev->kind) {
  case CARDIO_WATCH_CARD_INSERTED:
    if (mine)
      s->inserted_ms = yh_now_ms();
    break;
  case CARDIO_WATCH_CARD_REMOVED:
    if (mine)
      s->removed_ms = yh_now_ms();
    break;
  case CARDIO_WATCH_SERVICE_LOST:
    s->lost_ms = yh_now_ms();
    break;
  case CARDIO_WATCH_SERVICE_BACK:
    s->back_ms = yh_now_ms();
    break;
  case CARDIO_WATCH_READER_ADDED:
    s->readers_added++;
    if (mine && s->lost_ms)
      s->readd_ms = yh_now_ms();
    break;
  case CARDIO_WATCH_READER_REMOVED:
    break;
  }
  pthread_mutex_unlock(&s->lock);
}

static uint64_t seen_get(struct seen *s, uint64_t *field)
{
  pthread_mutex_lock(&s->lock);
  uint64_t v = *field;
  pthread_mutex_unlock(&s->lock);
  return v;
}

static uint64_t wait_field(struct seen *s, uint64_t *field, int timeout_ms)
{
  uint64_t end = yh_now_ms() + (uint64_t)timeout_ms;
  while (yh_now_ms() < end) {
    uint64_t v = seen_get(s, field);
    if (v)
      return v;
    yh_sleep_ms(5);
  }
  return 0;
}

START_TEST(test_watch_insert_remove_within_1s)
{
  struct rig r;
  struct seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct cardio_watch *w;
  rig_up(&r, 0, NULL);
  snprintf(s.reader, sizeof s.reader, "%s", r.reader);
  ck_assert_int_eq(cardio_watch_create(on_watch, &s, &w), CARDIO_OK);
  ck_assert_int_eq(cardio_watch_start(w), CARDIO_OK);
  yh_sleep_ms(300); /* let it list the readers */
  ck_assert_int_ge((int)seen_get(&s, (uint64_t *)&s.inserted_ms), 0);

  for (int round = 0; round < 3; round++) {
    pthread_mutex_lock(&s.lock);
    s.inserted_ms = s.removed_ms = 0;
    pthread_mutex_unlock(&s.lock);
    uint64_t t0 = yh_now_ms();
    ck_assert_int_eq(cardsim_insert(r.sim, "test", NULL), 0);
    /* seen, with a generous deadline; the latency (under 1 s on a quiet machine) is
     * printed, not asserted: a loaded machine must not fail the suite (tests/stress) */
    uint64_t t1 = wait_field(&s, &s.inserted_ms, 60000);
    ck_assert_msg(t1, "insert not seen");
    printf("watch: insert seen after %llu ms\n", (unsigned long long)(t1 - t0));
    t0 = yh_now_ms();
    ck_assert_int_eq(cardsim_remove(r.sim), 0);
    t1 = wait_field(&s, &s.removed_ms, 60000);
    ck_assert_msg(t1, "removal not seen");
    printf("watch: removal seen after %llu ms\n", (unsigned long long)(t1 - t0));
  }
  cardio_watch_destroy(w);
  rig_down(&r);
}
END_TEST

START_TEST(test_watch_stop_is_prompt)
{
  struct seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct cardio_watch *w;
  ck_assert_int_eq(cardio_watch_create(on_watch, &s, &w), CARDIO_OK);
  for (int i = 0; i < 5; i++) {
    ck_assert_int_eq(cardio_watch_start(w), CARDIO_OK);
    yh_sleep_ms(20 * i);
    uint64_t t0 = yh_now_ms();
    cardio_watch_stop(w);
    /* about a second at most on a quiet machine; the bound only catches a hang */
    ck_assert_uint_lt(yh_now_ms() - t0, 60000);
  }
  cardio_watch_destroy(w);
  cardio_watch_destroy(NULL);
}
END_TEST

/* ---- exchanges ---- */
START_TEST(test_1000_apdus)
{
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  uint8_t resp[512], data[200];
  for (int i = 0; i < 1000; i++) {
    size_t len;
    uint16_t sw;
    if (i % 2 == 0) {
      size_t n = (size_t)(i % 250) + 1;
      struct cardio_apdu get = {0x00, 0xCA, 0x00, (uint8_t)n, NULL, 0, n, 0};
      ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
      ck_assert_uint_eq(sw, 0x9000);
      ck_assert_uint_eq(len, n);
      ck_assert(pattern_ok(resp, len));
    } else {
      size_t n = (size_t)(i % 200) + 1;
      for (size_t k = 0; k < n; k++)
        data[k] = (uint8_t)(i + k);
      struct cardio_apdu echo = {0x00, 0xDA, 0x00, 0x00, data, n, 256, 0};
      ck_assert_int_eq(cardio_transmit(card, &echo, resp, sizeof resp, &len, &sw), CARDIO_OK);
      ck_assert_uint_eq(sw, 0x9000);
      ck_assert_uint_eq(len, n);
      ck_assert_mem_eq(resp, data, n);
    }
  }
  struct cardio_stats st;
  cardio_card_stats(card, &st);
  ck_assert_uint_eq(st.commands, 1001);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

START_TEST(test_extended_apdus)
{
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  static uint8_t resp[8192], data[3000];
  size_t len;
  uint16_t sw;
  struct cardio_apdu get = {0x00, 0xCA, 0x10, 0x00, NULL, 0, 4096, 0};
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_uint_eq(len, 4096);
  ck_assert(pattern_ok(resp, len));
  for (size_t k = 0; k < sizeof data; k++)
    data[k] = (uint8_t)(k * 13);
  struct cardio_apdu echo = {0x00, 0xDA, 0x00, 0x00, data, sizeof data, 65536, 0};
  ck_assert_int_eq(cardio_transmit(card, &echo, resp, sizeof resp, &len, &sw), CARDIO_OK);
  ck_assert_uint_eq(len, sizeof data);
  ck_assert_mem_eq(resp, data, sizeof data);
  /* A response larger than the caller's buffer is an error, never an overflow. */
  uint8_t small[64 + 8];
  memset(small, 0xEE, sizeof small);
  ck_assert_int_eq(cardio_transmit(card, &get, small, 64, &len, &sw), CARDIO_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, 64);
  for (size_t k = 64; k < sizeof small; k++)
    ck_assert_uint_eq(small[k], 0xEE);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

START_TEST(test_61xx_through_pcscd)
{
  static const int chunks[] = {1, 16, 100, 0};
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  uint8_t resp[1024];
  for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
    cardsim_set_fault(r.sim, CARDSIM_FAULT_CHAIN_61, chunks[c]);
    size_t len;
    uint16_t sw;
    struct cardio_apdu get = {0x00, 0xCA, 0x01, 0x2C, NULL, 0, 256, 0}; /* 300 bytes */
    ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
    ck_assert_uint_eq(sw, 0x9000);
    ck_assert_uint_eq(len, 300);
    ck_assert(pattern_ok(resp, len));
  }
  cardsim_set_fault(r.sim, CARDSIM_FAULT_NONE, 0);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

START_TEST(test_6cxx_through_pcscd)
{
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  cardsim_set_fault(r.sim, CARDSIM_FAULT_WRONG_LE_6C, 0);
  uint8_t resp[512];
  size_t len;
  uint16_t sw;
  struct cardio_apdu get = {0x00, 0xCA, 0x00, 0x21, NULL, 0, 256, 0}; /* 33 bytes, Le 256 */
  uint64_t before = cardsim_apdu_count(r.sim);
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_uint_eq(len, 33);
  ck_assert(pattern_ok(resp, len));
  ck_assert_uint_eq(cardsim_apdu_count(r.sim) - before, 2);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

START_TEST(test_card_pulled_mid_exchange)
{
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  uint8_t resp[512];
  size_t len;
  uint16_t sw;
  struct cardio_apdu get = {0x00, 0xCA, 0x00, 0x10, NULL, 0, 16, 0};
  cardsim_set_fault(r.sim, CARDSIM_FAULT_DROP_AFTER, 2);
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
  int rc = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw);
  ck_assert_msg(rc == CARDIO_E_CARD_REMOVED, "got %s", cardio_errname(rc));
  ck_assert_uint_eq(len, 0);
  /* The handle is dead; further use fails cleanly, and a new card works again. */
  rc = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw);
  ck_assert_int_ne(rc, CARDIO_OK);
  cardio_card_destroy(card);
  cardsim_set_fault(r.sim, CARDSIM_FAULT_NONE, 0);
  ck_assert_int_eq(cardsim_insert(r.sim, "test", NULL), 0);
  ck_assert_int_eq(cardio_wait_card(r.ctx, r.reader, 60000), CARDIO_OK);
  card = connect_and_select(&r);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

START_TEST(test_short_and_garbage_answers)
{
  struct rig r;
  rig_up(&r, 0, "test");
  struct cardio_card *card = connect_and_select(&r);
  uint8_t resp[512];
  size_t len;
  uint16_t sw;
  struct cardio_apdu get = {0x00, 0xCA, 0x00, 0x10, NULL, 0, 16, 0};
  cardsim_set_fault(r.sim, CARDSIM_FAULT_SHORT, 0);
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_E_MALFORMED);
  cardsim_set_fault(r.sim, CARDSIM_FAULT_GARBAGE, 0);
  for (int i = 0; i < 50; i++) {
    int rc = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw);
    /* Garbage is either a strange status word or a malformed answer: never a crash,
     * never more than the buffer. */
    ck_assert(rc == CARDIO_OK || rc == CARDIO_E_MALFORMED || rc == CARDIO_E_BUFFER_TOO_SMALL);
    ck_assert_uint_le(len, sizeof resp);
  }
  cardsim_set_fault(r.sim, CARDSIM_FAULT_SLOW, 50);
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(cardio_transmit(card, &get, resp, sizeof resp, &len, &sw), CARDIO_OK);
  ck_assert_uint_ge(yh_now_ms() - t0, 45);
  cardsim_set_fault(r.sim, CARDSIM_FAULT_NONE, 0);
  cardio_card_destroy(card);
  rig_down(&r);
}
END_TEST

struct worker {
  struct rig *rig;
  int ok;
};

static void *two_readers_worker(void *arg)
{
  struct worker *wk = arg;
  struct cardio_card *card;
  struct cardio_apdu sel = {0x00, 0xA4, 0x04, 0x00, test_aid, sizeof test_aid, 0, 0};
  uint8_t resp[300];
  size_t len;
  uint16_t sw;
  /* A context per thread: PC/SC contexts are not shared between threads here. */
  struct cardio_ctx *ctx;
  if (cardio_ctx_create(&ctx) != CARDIO_OK)
    return NULL;
  if (cardio_connect(ctx, wk->rig->reader, &card) != CARDIO_OK) {
    cardio_ctx_destroy(ctx);
    return NULL;
  }
  int ok = cardio_transmit(card, &sel, NULL, 0, &len, &sw) == CARDIO_OK && sw == 0x9000;
  for (int i = 0; ok && i < 300; i++) {
    struct cardio_apdu get = {0x00, 0xCA, 0x00, (uint8_t)(i % 200 + 1), NULL, 0, 256, 0};
    ok = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw) == CARDIO_OK &&
         sw == 0x9000 && len == (size_t)(i % 200 + 1) && pattern_ok(resp, len);
  }
  wk->ok = ok;
  cardio_card_destroy(card);
  cardio_ctx_destroy(ctx);
  return NULL;
}

START_TEST(test_two_readers_at_once)
{
  struct rig a, b;
  rig_up(&a, 0, "test");
  rig_up(&b, 1, "test");
  struct worker wa = {&a, 0}, wb = {&b, 0};
  pthread_t ta, tb;
  pthread_create(&ta, NULL, two_readers_worker, &wa);
  pthread_create(&tb, NULL, two_readers_worker, &wb);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  ck_assert(wa.ok);
  ck_assert(wb.ok);
  ck_assert_uint_ge(cardsim_apdu_count(a.sim), 301);
  ck_assert_uint_ge(cardsim_apdu_count(b.sim), 301);
  rig_down(&b);
  rig_down(&a);
}
END_TEST

/* pcscd killed and restarted while the watcher runs: it reports the readers again
 * within 3 s of the daemon's return, and a context made before works again. */
START_TEST(test_pcscd_restart)
{
  struct rig r;
  struct seen s = {.lock = PTHREAD_MUTEX_INITIALIZER};
  struct cardio_watch *w;
  rig_up(&r, 0, "test");
  snprintf(s.reader, sizeof s.reader, "%s", r.reader);
  ck_assert_int_eq(cardio_watch_create(on_watch, &s, &w), CARDIO_OK);
  ck_assert_int_eq(cardio_watch_start(w), CARDIO_OK);
  ck_assert_uint_ne(wait_field(&s, &s.inserted_ms, 60000), 0);

  struct cardio_card *card = connect_and_select(&r);
  int rc = yh_pcscd_restart();
  if (rc == YH_PCSCD_SKIPPED) {
    cardio_card_destroy(card);
    cardio_watch_destroy(w);
    rig_down(&r);
    return;
  }
  ck_assert_int_eq(rc, 0);
  uint64_t back_at = yh_now_ms(); /* the script returns once the daemon answers */
  ck_assert_uint_ne(wait_field(&s, &s.lost_ms, 60000), 0);

  /* The old handle reports the service gone, not a crash. */
  uint8_t resp[64];
  size_t len;
  uint16_t sw;
  struct cardio_apdu get = {0x00, 0xCA, 0x00, 0x10, NULL, 0, 16, 0};
  rc = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw);
  ck_assert_msg(rc == CARDIO_E_SERVICE_GONE || rc == CARDIO_E_CARD_REMOVED ||
                    rc == CARDIO_E_COMM || rc == CARDIO_E_INTERNAL,
                "got %s", cardio_errname(rc));
  cardio_card_destroy(card);

  uint64_t readd = wait_field(&s, &s.readd_ms, 60000);
  ck_assert_msg(readd != 0, "readers not reported again");
  printf("watch: readers reported %llu ms after pcscd was back\n",
         (unsigned long long)(readd > back_at ? readd - back_at : 0));
  ck_assert_uint_ne(wait_field(&s, &s.back_ms, 60000), 0);

  /* The simulator reconnects to the new vpcd; the same cardio_ctx works again. */
  ck_assert_int_eq(cardio_wait_card(r.ctx, r.reader, 60000), CARDIO_OK);
  card = connect_and_select(&r);
  cardio_card_destroy(card);
  cardio_watch_destroy(w);
  rig_down(&r);
}
END_TEST

static Suite *pcsc_suite(void)
{
  Suite *s = suite_create("cardio-pcsc");
  TCase *tc = tcase_create("pcscd");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_readers_listed);
  tcase_add_test(tc, test_no_card_and_no_reader);
  tcase_add_test(tc, test_watch_insert_remove_within_1s);
  tcase_add_test(tc, test_watch_stop_is_prompt);
  tcase_add_test(tc, test_1000_apdus);
  tcase_add_test(tc, test_extended_apdus);
  tcase_add_test(tc, test_61xx_through_pcscd);
  tcase_add_test(tc, test_6cxx_through_pcscd);
  tcase_add_test(tc, test_card_pulled_mid_exchange);
  tcase_add_test(tc, test_short_and_garbage_answers);
  tcase_add_test(tc, test_two_readers_at_once);
  tcase_add_test(tc, test_pcscd_restart);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(pcsc_suite());
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
