/* Unit tests: APDU encoding/decoding (every case, short and extended), the status word
 * table, and the transport's 61xx / 6Cxx handling over the replay transport. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/replay.h"

static size_t hex(const char *h, uint8_t *out)
{
  size_t n = 0;
  int hi = -1;
  for (; *h; h++) {
    int v;
    if (*h >= '0' && *h <= '9')
      v = *h - '0';
    else if (*h >= 'A' && *h <= 'F')
      v = *h - 'A' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
    } else {
      out[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  return n;
}

/* ---- encoding table ---- */
struct enc_case {
  const char *what;
  size_t lc, le;
  int ext;
  const char *expect; /* hex, "ERR" for INVALID_ARG */
};

static const uint8_t data300[300] = {1, 2, 3};

static const struct enc_case enc_cases[] = {
  {"case 1", 0, 0, 0, "00A40400"},
  {"case 1 with force_extended stays case 1", 0, 0, 1, "00A40400"},
  {"case 2 short Le=1", 0, 1, 0, "00A4040001"},
  {"case 2 short Le=256 -> 00", 0, 256, 0, "00A4040000"},
  {"case 2 extended Le=257", 0, 257, 0, "00A4040000 0101"},
  {"case 2 extended Le=65536 -> 0000", 0, 65536, 0, "00A4040000 0000"},
  {"case 2 forced extended Le=16", 0, 16, 1, "00A4040000 0010"},
  {"case 3 short Lc=2", 2, 0, 0, "00A4040002 0102"},
  {"case 4 short Lc=2 Le=256", 2, 256, 0, "00A4040002 0102 00"},
  {"case 4 extended by Le", 2, 300, 0, "00A4040000 0002 0102 012C"},
  {"case 4 forced extended", 2, 16, 1, "00A4040000 0002 0102 0010"},
  {"Le too large", 0, 65537, 0, "ERR"},
  {"Lc too large", 65536, 0, 0, "ERR"},
};

START_TEST(test_encode_table)
{
  const struct enc_case *c = &enc_cases[_i];
  static const uint8_t d2[2] = {1, 2};
  struct cardio_apdu a = {0x00, 0xA4, 0x04, 0x00, c->lc ? d2 : NULL, c->lc, c->le, c->ext};
  uint8_t buf[16], want[32];
  size_t n = 0;
  int rc;

  if (c->lc > 2)
    a.data = data300; /* only length matters for the error cases */
  rc = cardio_apdu_encode(&a, buf, sizeof buf, &n);
  if (strcmp(c->expect, "ERR") == 0) {
    ck_assert_msg(rc == CARDIO_E_INVALID_ARG, "%s: rc %d", c->what, rc);
    return;
  }
  ck_assert_msg(rc == CARDIO_OK, "%s: rc %s", c->what, cardio_errname(rc));
  size_t wn = hex(c->expect, want);
  ck_assert_msg(n == wn && memcmp(buf, want, n) == 0, "%s: wrong bytes (len %zu vs %zu)",
                c->what, n, wn);
  /* Decoding gives back what was encoded. */
  struct cardio_apdu d;
  ck_assert_int_eq(cardio_apdu_decode(buf, n, &d), CARDIO_OK);
  ck_assert_uint_eq(d.lc, c->lc);
  ck_assert_uint_eq(d.le, c->le);
}
END_TEST

START_TEST(test_encode_long_and_small_buffer)
{
  uint8_t *data = calloc(1, 65535), *buf = malloc(CARDIO_CMD_MAX);
  struct cardio_apdu a = {0x80, 0xD6, 0, 0, data, 65535, 65536, 0};
  size_t n;
  ck_assert_int_eq(cardio_apdu_encode(&a, buf, CARDIO_CMD_MAX, &n), CARDIO_OK);
  ck_assert_uint_eq(n, CARDIO_CMD_MAX);
  struct cardio_apdu d;
  ck_assert_int_eq(cardio_apdu_decode(buf, n, &d), CARDIO_OK);
  ck_assert_uint_eq(d.lc, 65535);
  ck_assert_uint_eq(d.le, 65536);
  ck_assert_int_eq(cardio_apdu_encode(&a, buf, CARDIO_CMD_MAX - 1, &n),
                   CARDIO_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(n, 0);
  a.data = NULL;
  ck_assert_int_eq(cardio_apdu_encode(&a, buf, CARDIO_CMD_MAX, &n), CARDIO_E_INVALID_ARG);
  free(data);
  free(buf);
}
END_TEST

static const char *const bad_commands[] = {
  "00A404",           /* 3 bytes */
  "00A4040002 01",    /* Lc says 2, one byte */
  "00A4040002 010203 04", /* too long for Lc */
  "00A4040000 01",    /* extended, too short */
  "00A4040000 0000 01", /* extended Lc 0 */
  "00A4040000 0003 0102", /* extended Lc 3, 2 bytes */
};

START_TEST(test_decode_malformed)
{
  uint8_t buf[32];
  struct cardio_apdu d;
  size_t n = hex(bad_commands[_i], buf);
  ck_assert_int_eq(cardio_apdu_decode(buf, n, &d), CARDIO_E_MALFORMED);
}
END_TEST

/* ---- status words ---- */
struct sw_case {
  uint16_t sw;
  int err;
};
static const struct sw_case sw_cases[] = {
  {0x9000, CARDIO_OK},         {0x6A82, CARDIO_E_NOT_FOUND}, {0x6A88, CARDIO_E_NOT_FOUND},
  {0x6982, CARDIO_E_SECURITY}, {0x63C2, CARDIO_E_SECURITY},  {0x6D00, CARDIO_E_SW},
  {0x6E00, CARDIO_E_SW},       {0x6700, CARDIO_E_SW},        {0x1234, CARDIO_E_SW},
  {0x6110, CARDIO_OK},
};

START_TEST(test_sw_table)
{
  ck_assert_int_eq(cardio_sw_to_err(sw_cases[_i].sw), sw_cases[_i].err);
  ck_assert_ptr_nonnull(cardio_sw_text(sw_cases[_i].sw));
}
END_TEST

START_TEST(test_error_strings)
{
  for (int e = 0; e >= -26; e--) {
    ck_assert_str_ne(cardio_strerror(e), "unknown cardio error");
    ck_assert_str_ne(cardio_errname(e), "CARDIO_E_UNKNOWN");
  }
  ck_assert_str_eq(cardio_errname(CARDIO_E_CARD_REMOVED), "CARDIO_E_CARD_REMOVED");
  ck_assert_str_eq(cardio_strerror(-999), "unknown cardio error");
}
END_TEST

/* ---- exchange over replay ---- */
static int run(const struct cardio_replay_step *steps, size_t n, const struct cardio_apdu *a,
               uint8_t *resp, size_t cap, size_t *len, uint16_t *sw, size_t *consumed)
{
  struct cardio_card *card;
  ck_assert_int_eq(cardio_replay_create(steps, n, &card), CARDIO_OK);
  int rc = cardio_transmit(card, a, resp, cap, len, sw);
  *consumed = cardio_replay_consumed(card);
  cardio_card_destroy(card);
  return rc;
}

static const struct cardio_apdu get4 = {0x00, 0xCA, 0x01, 0x00, NULL, 0, 4, 0};

START_TEST(test_plain_case2)
{
  static const struct cardio_replay_step s[] = {{"00CA010004", "01020304 9000"}};
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 1, &get4, r, sizeof r, &len, &sw, &used), CARDIO_OK);
  ck_assert_uint_eq(len, 4);
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_int_eq(r[3], 4);
}
END_TEST

START_TEST(test_61xx_chain)
{
  static const struct cardio_replay_step s[] = {
    {"00CA010004", "6102"},
    {"00C0000002", "0102 6102"},
    {"00C0000002", "0304 9000"},
  };
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 3, &get4, r, sizeof r, &len, &sw, &used), CARDIO_OK);
  ck_assert_uint_eq(used, 3);
  ck_assert_uint_eq(len, 4);
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_mem_eq(r, "\x01\x02\x03\x04", 4);
}
END_TEST

/* The exchange hook (a watchdog's sign of life, terminal/tap.c): once per transport
 * exchange, GET RESPONSE included, and also when the exchange fails. */
static void count_beat(void *user)
{
  (*(int *)user)++;
}

START_TEST(test_exchange_hook)
{
  static const struct cardio_replay_step s[] = {
    {"00CA010004", "6102"},
    {"00C0000002", "0102 6102"},
    {"00C0000002", "0304 9000"},
  };
  struct cardio_card *card;
  ck_assert_int_eq(cardio_replay_create(s, 3, &card), CARDIO_OK);
  int beats = 0;
  cardio_card_set_exchange_hook(card, count_beat, &beats);
  uint8_t r[8];
  size_t len;
  uint16_t sw;
  ck_assert_int_eq(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_OK);
  ck_assert_int_eq(beats, 3);
  /* the recording is over: the failed exchange still counts */
  ck_assert_int_ne(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_OK);
  ck_assert_int_eq(beats, 4);
  cardio_card_set_exchange_hook(card, NULL, NULL);
  cardio_transmit(card, &get4, r, sizeof r, &len, &sw);
  ck_assert_int_eq(beats, 4);
  cardio_card_destroy(card);
}
END_TEST

START_TEST(test_61xx_keeps_channel_bits)
{
  static const struct cardio_replay_step s[] = {
    {"81CA010004", "6104"},
    {"01C0000004", "01020304 9000"},
  };
  struct cardio_apdu a = get4;
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  a.cla = 0x81;
  ck_assert_int_eq(run(s, 2, &a, r, sizeof r, &len, &sw, &used), CARDIO_OK);
  ck_assert_uint_eq(len, 4);
}
END_TEST

START_TEST(test_6cxx_resend)
{
  static const struct cardio_replay_step s[] = {
    {"00CA010004", "6C03"},
    {"00CA010003", "010203 9000"},
  };
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 2, &get4, r, sizeof r, &len, &sw, &used), CARDIO_OK);
  ck_assert_uint_eq(len, 3);
  ck_assert_uint_eq(sw, 0x9000);
}
END_TEST

START_TEST(test_6cxx_then_61xx)
{
  static const struct cardio_replay_step s[] = {
    {"00CA010004", "6C00"},
    {"00CA010000", "6101"},
    {"00C0000001", "AA 9000"},
  };
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 3, &get4, r, sizeof r, &len, &sw, &used), CARDIO_OK);
  ck_assert_uint_eq(len, 1);
}
END_TEST

START_TEST(test_6cxx_twice_is_malformed)
{
  static const struct cardio_replay_step s[] = {
    {"00CA010004", "6C03"},
    {"00CA010003", "6C02"},
  };
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 2, &get4, r, sizeof r, &len, &sw, &used), CARDIO_E_MALFORMED);
}
END_TEST

START_TEST(test_endless_61xx_is_malformed)
{
  struct cardio_replay_step s[400];
  for (size_t i = 0; i < 400; i++) {
    s[i].expect_hex = "*";
    s[i].resp_hex = "00 6101";
  }
  uint8_t *r = malloc(CARDIO_RESP_MAX);
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 400, &get4, r, CARDIO_RESP_MAX, &len, &sw, &used), CARDIO_E_MALFORMED);
  ck_assert_uint_le(used, 302);
  free(r);
}
END_TEST

START_TEST(test_response_larger_than_buffer)
{
  static const struct cardio_replay_step s[] = {{"*", "0102030405060708 9000"}};
  uint8_t r[8] = {0};
  uint8_t guard[4] = {0xEE, 0xEE, 0xEE, 0xEE};
  size_t len, used;
  uint16_t sw;
  struct {
    uint8_t buf[4];
    uint8_t after[4];
  } b;
  memcpy(b.after, guard, 4);
  ck_assert_int_eq(run(s, 1, &get4, b.buf, sizeof b.buf, &len, &sw, &used),
                   CARDIO_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, 4);
  ck_assert_mem_eq(b.after, guard, 4);
  (void)r;
}
END_TEST

START_TEST(test_chain_larger_than_buffer)
{
  static const struct cardio_replay_step s[] = {
    {"*", "6104"}, {"*", "01020304 6104"}, {"*", "05060708 9000"}};
  uint8_t r[6];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 3, &get4, r, sizeof r, &len, &sw, &used), CARDIO_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(len, 6);
}
END_TEST

START_TEST(test_short_responses_malformed)
{
  static const char *const resp[] = {"", "90"};
  struct cardio_replay_step s[1] = {{"*", resp[_i]}};
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 1, &get4, r, sizeof r, &len, &sw, &used), CARDIO_E_MALFORMED);
}
END_TEST

START_TEST(test_transport_errors_pass_through)
{
  static const char *const resp[] = {"!removed", "!reset", "!gone"};
  static const int want[] = {CARDIO_E_CARD_REMOVED, CARDIO_E_CARD_RESET, CARDIO_E_SERVICE_GONE};
  struct cardio_replay_step s[2] = {{"*", "6104"}, {"*", resp[_i]}};
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 2, &get4, r, sizeof r, &len, &sw, &used), want[_i]);
}
END_TEST

START_TEST(test_replay_mismatch_and_end)
{
  static const struct cardio_replay_step s[] = {{"00A4040000", "9000"}};
  uint8_t r[8];
  size_t len, used;
  uint16_t sw;
  ck_assert_int_eq(run(s, 1, &get4, r, sizeof r, &len, &sw, &used), CARDIO_E_REPLAY_MISMATCH);
  ck_assert_int_eq(run(s, 0, &get4, r, sizeof r, &len, &sw, &used), CARDIO_E_REPLAY_END);
  struct cardio_card *card;
  static const struct cardio_replay_step bad[] = {{"0G", "9000"}};
  ck_assert_int_eq(cardio_replay_create(bad, 1, &card), CARDIO_E_INVALID_ARG);
  ck_assert_ptr_null(card);
}
END_TEST

START_TEST(test_stats_count_every_command)
{
  static const struct cardio_replay_step s[] = {
    {"*", "6C04"}, {"*", "6102"}, {"*", "0102 6102"}, {"*", "0304 9000"}};
  struct cardio_card *card;
  struct cardio_stats st;
  uint8_t r[8];
  size_t len;
  uint16_t sw;
  ck_assert_int_eq(cardio_replay_create(s, 4, &card), CARDIO_OK);
  ck_assert_int_eq(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_OK);
  cardio_card_stats(card, &st);
  ck_assert_uint_eq(st.commands, 4);
  ck_assert_uint_eq(st.bytes_out, 20);
  ck_assert_uint_eq(st.bytes_in, 2 + 2 + 4 + 4);
  cardio_card_stats_reset(card);
  cardio_card_stats(card, &st);
  ck_assert_uint_eq(st.commands, 0);
  cardio_card_destroy(card);
}
END_TEST

START_TEST(test_blob_replay)
{
  static const uint8_t blob[] = {0, 2, 0x90, 0x00, 0, 9, 0x61}; /* second truncated */
  struct cardio_card *card;
  uint8_t r[8];
  size_t len;
  uint16_t sw;
  ck_assert_int_eq(cardio_replay_from_blob(blob, sizeof blob, &card), CARDIO_OK);
  ck_assert_int_eq(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_OK);
  ck_assert_uint_eq(sw, 0x9000);
  ck_assert_int_eq(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_E_MALFORMED);
  ck_assert_int_eq(cardio_transmit(card, &get4, r, sizeof r, &len, &sw), CARDIO_E_REPLAY_END);
  cardio_card_destroy(card);
}
END_TEST

static Suite *apdu_suite(void)
{
  Suite *s = suite_create("cardio-apdu");
  TCase *tc = tcase_create("codec");
  tcase_add_loop_test(tc, test_encode_table, 0, sizeof enc_cases / sizeof enc_cases[0]);
  tcase_add_test(tc, test_encode_long_and_small_buffer);
  tcase_add_loop_test(tc, test_decode_malformed, 0, sizeof bad_commands / sizeof bad_commands[0]);
  tcase_add_loop_test(tc, test_sw_table, 0, sizeof sw_cases / sizeof sw_cases[0]);
  tcase_add_test(tc, test_error_strings);
  suite_add_tcase(s, tc);
  tc = tcase_create("exchange");
  tcase_add_test(tc, test_plain_case2);
  tcase_add_test(tc, test_61xx_chain);
  tcase_add_test(tc, test_61xx_keeps_channel_bits);
  tcase_add_test(tc, test_6cxx_resend);
  tcase_add_test(tc, test_6cxx_then_61xx);
  tcase_add_test(tc, test_6cxx_twice_is_malformed);
  tcase_add_test(tc, test_endless_61xx_is_malformed);
  tcase_add_test(tc, test_response_larger_than_buffer);
  tcase_add_test(tc, test_chain_larger_than_buffer);
  tcase_add_loop_test(tc, test_short_responses_malformed, 0, 2);
  tcase_add_loop_test(tc, test_transport_errors_pass_through, 0, 3);
  tcase_add_test(tc, test_replay_mismatch_and_end);
  tcase_add_test(tc, test_stats_count_every_command);
  tcase_add_test(tc, test_exchange_hook);
  tcase_add_test(tc, test_blob_replay);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(apdu_suite());
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
