/* Unit tests for cardsim without a wire: the APDU decoder, the "test" profile's
 * process() called directly, the profile registry and the fault names. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardsim.h"
#include "yh_fixture.h"

#define BUF_MAX (CARDSIM_RESP_MAX + 16u)

static uint8_t cmd[BUF_MAX], resp[BUF_MAX], expect[BUF_MAX];

/* ------------------------------------------------------------- decoder -- */

struct parse_case {
  const char *what;
  const char *hex;
  int ok;
  size_t lc, le;
  int extended;
};

static const struct parse_case parse_cases[] = {
  {"case 1", "00 10 00 00", 1, 0, 0, 0},
  {"case 2S Le 01", "00 CA 00 01 01", 1, 0, 1, 0},
  {"case 2S Le 00 is 256", "00 CA 00 01 00", 1, 0, 256, 0},
  {"case 3S", "00 D6 00 00 02 AA BB", 1, 2, 0, 0},
  {"case 4S", "00 DA 00 00 02 AA BB 02", 1, 2, 2, 0},
  {"case 4S Le 00 is 256", "00 DA 00 00 01 AA 00", 1, 1, 256, 0},
  {"case 2E", "00 CA 01 00 00 01 00", 1, 0, 256, 1},
  {"case 2E Le 0000 is 65536", "00 CA 01 00 00 00 00", 1, 0, 65536, 1},
  {"case 3E", "00 D6 00 00 00 00 02 AA BB", 1, 2, 0, 1},
  {"case 4E", "00 DA 00 00 00 00 02 AA BB 00 02", 1, 2, 2, 1},
  {"case 4E Le 0000", "00 DA 00 00 00 00 01 AA 00 00", 1, 1, 65536, 1},
  {"too short", "00 10 00", 0, 0, 0, 0},
  {"short Lc, data missing", "00 D6 00 00 03 AA BB", 0, 0, 0, 0},
  {"short Lc, two bytes too many", "00 D6 00 00 01 AA BB CC", 0, 0, 0, 0},
  {"6 bytes with 00: neither short nor extended", "00 CA 00 00 00 01", 0, 0, 0, 0},
  {"extended Lc 0", "00 D6 00 00 00 00 00 AA", 0, 0, 0, 0},
  {"extended, data missing", "00 D6 00 00 00 00 03 AA BB", 0, 0, 0, 0},
  {"extended, one byte of Le", "00 DA 00 00 00 00 01 AA 00", 0, 0, 0, 0},
};

START_TEST(test_parse_table)
{
  const struct parse_case *c = &parse_cases[_i];
  size_t n = yh_hex(c->hex, cmd, sizeof cmd);
  ck_assert_uint_gt(n, 0);
  struct cardsim_apdu a;
  int rc = cardsim_apdu_parse(cmd, n, &a);
  ck_assert_msg((rc == 0) == c->ok, "%s: rc %d", c->what, rc);
  if (!c->ok)
    return;
  ck_assert_msg(a.lc == c->lc, "%s: lc %zu", c->what, a.lc);
  ck_assert_msg(a.le == c->le, "%s: le %zu", c->what, a.le);
  ck_assert_msg(a.extended == c->extended, "%s: extended %d", c->what, a.extended);
  ck_assert_uint_eq(a.cla, cmd[0]);
  ck_assert_uint_eq(a.ins, cmd[1]);
  if (c->lc)
    ck_assert_ptr_eq(a.data, cmd + (c->extended ? 7 : 5));
  else
    ck_assert_ptr_null(a.data);
}
END_TEST

START_TEST(test_parse_extended_max)
{
  /* Case 4E with Lc 65535: 4 + 3 + 65535 + 2 bytes. */
  static uint8_t big[4 + 3 + 65535 + 2];
  memset(big, 0x5A, sizeof big);
  big[0] = 0x00, big[1] = 0xDA, big[2] = 0, big[3] = 0;
  big[4] = 0, big[5] = 0xFF, big[6] = 0xFF;
  big[sizeof big - 2] = 0, big[sizeof big - 1] = 0;
  struct cardsim_apdu a;
  ck_assert_int_eq(cardsim_apdu_parse(big, sizeof big, &a), 0);
  ck_assert_uint_eq(a.lc, 65535);
  ck_assert_uint_eq(a.le, 65536);
  ck_assert_int_eq(cardsim_apdu_parse(big, sizeof big - 1, &a), -1);
  ck_assert_int_eq(cardsim_apdu_parse(NULL, 4, &a), -1);
}
END_TEST

START_TEST(test_put_sw)
{
  uint8_t b[4];
  ck_assert_uint_eq(cardsim_put_sw(b, 0, sizeof b, 0x9000), 2);
  ck_assert_uint_eq(b[0], 0x90);
  ck_assert_uint_eq(b[1], 0x00);
  ck_assert_uint_eq(cardsim_put_sw(b, 2, sizeof b, 0x6A82), 4);
  ck_assert_uint_eq(cardsim_put_sw(b, 3, sizeof b, 0x9000), 0);
  ck_assert_uint_eq(cardsim_put_sw(b, 5, sizeof b, 0x9000), 0);
}
END_TEST

/* -------------------------------------------------------- test profile -- */

static const struct cardsim_profile *test_profile(void)
{
  const struct cardsim_profile *p = cardsim_profile_find("test");
  ck_assert_ptr_nonnull(p);
  return p;
}

static size_t run(const struct cardsim_profile *p, void *st, const uint8_t *c, size_t n)
{
  size_t r = p->process(st, c, n, resp, CARDSIM_RESP_MAX);
  ck_assert_uint_ge(r, 2);
  ck_assert_uint_le(r, CARDSIM_RESP_MAX);
  return r;
}

struct profile_case {
  const char *what;
  const char *cmd;
  const char *resp;
};

static const struct profile_case profile_cases[] = {
  {"SELECT test AID", "00 A4 04 00 0B A0 00 00 06 47 59 4C 54 45 53 54", "90 00"},
  {"SELECT test AID with Le", "00 A4 04 00 0B A0 00 00 06 47 59 4C 54 45 53 54 00", "90 00"},
  {"SELECT other AID", "00 A4 04 00 05 A0 00 00 00 01", "6A 82"},
  {"SELECT AID prefix", "00 A4 04 00 0A A0 00 00 06 47 59 4C 54 45 53", "6A 82"},
  {"SELECT by file id", "00 A4 02 00 02 EF 05", "6A 86"},
  {"GET DATA 0 bytes", "00 CA 00 00 00", "90 00"},
  {"GET DATA 3 bytes", "00 CA 00 03 03", "03 0A 11 90 00"},
  {"GET DATA ignores Le", "00 CA 00 03 01", "03 0A 11 90 00"},
  {"GET DATA without Le", "00 CA 00 02", "03 0A 90 00"},
  {"GET DATA too much", "00 CA FF FE 00 00 00", "6A 86"},
  {"ECHO short", "00 DA 00 00 03 01 02 03 00", "01 02 03 90 00"},
  {"ECHO without Le", "00 DA 00 00 02 AB CD", "AB CD 90 00"},
  {"ECHO extended", "00 DA 00 00 00 00 02 AB CD 00 00", "AB CD 90 00"},
  {"ECHO bad P1", "00 DA 01 00 01 00", "6A 86"},
  {"NOP", "00 10 00 00", "90 00"},
  {"WRITE", "00 D6 00 00 02 01 02", "90 00"},
  {"WRITE extended", "00 D6 00 00 00 00 02 01 02", "90 00"},
  {"unknown INS", "00 B0 00 00 10", "6D 00"},
  {"GET RESPONSE is unknown without a fault", "00 C0 00 00 10", "6D 00"},
  {"unknown CLA", "80 10 00 00", "6E 00"},
  {"unknown CLA wins over unknown INS", "80 B0 00 00", "6E 00"},
  {"malformed lengths", "00 D6 00 00 05 01 02", "67 00"},
};

START_TEST(test_profile_table)
{
  const struct profile_case *c = &profile_cases[_i];
  const struct cardsim_profile *p = test_profile();
  void *st = p->create(NULL);
  ck_assert_ptr_nonnull(st);
  size_t n = yh_hex(c->cmd, cmd, sizeof cmd);
  size_t en = yh_hex(c->resp, expect, sizeof expect);
  size_t r = run(p, st, cmd, n);
  ck_assert_msg(r == en && memcmp(resp, expect, en) == 0, "%s: got %zu bytes, SW %02X%02X",
                c->what, r, resp[r - 2], resp[r - 1]);
  p->reset(st);
  p->destroy(st);
}
END_TEST

START_TEST(test_profile_get_data_max)
{
  const struct cardsim_profile *p = test_profile();
  void *st = p->create("ignored");
  /* 65533 = FFFD: the largest that fits the wire with its status word. */
  size_t n = yh_hex("00 CA FF FD 00 00 00", cmd, sizeof cmd);
  size_t r = run(p, st, cmd, n);
  ck_assert_uint_eq(r, 65535);
  for (size_t i = 0; i < 65533; i++)
    ck_assert_uint_eq(resp[i], (uint8_t)((i * 7 + 3) & 0xFF));
  ck_assert_uint_eq(resp[65533], 0x90);
  ck_assert_uint_eq(resp[65534], 0x00);
  p->destroy(st);
}
END_TEST

START_TEST(test_profile_echo_large)
{
  const struct cardsim_profile *p = test_profile();
  void *st = p->create(NULL);
  size_t lc = 65533;
  cmd[0] = 0x00, cmd[1] = 0xDA, cmd[2] = 0, cmd[3] = 0;
  cmd[4] = 0, cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
  for (size_t i = 0; i < lc; i++)
    cmd[7 + i] = (uint8_t)(i ^ 0x33);
  cmd[7 + lc] = 0, cmd[8 + lc] = 0;
  size_t r = run(p, st, cmd, 9 + lc);
  ck_assert_uint_eq(r, lc + 2);
  ck_assert_mem_eq(resp, cmd + 7, lc);
  /* Lc 65534: the echo would not fit the wire. */
  lc = 65534;
  cmd[5] = (uint8_t)(lc >> 8), cmd[6] = (uint8_t)lc;
  r = run(p, st, cmd, 7 + lc);
  ck_assert_uint_eq(r, 2);
  ck_assert_uint_eq(resp[0], 0x67);
  p->destroy(st);
}
END_TEST

START_TEST(test_profile_atr)
{
  const struct cardsim_profile *p = test_profile();
  ck_assert_uint_eq(p->atr_len, 13);
  ck_assert_uint_eq(p->atr[0], 0x3B); /* direct convention */
  ck_assert_uint_eq(p->atr[1] & 0x0F, 6); /* six historical bytes */
  ck_assert_uint_eq(p->atr[2] & 0x0F, 1); /* TD1: T=1 */
  ck_assert_mem_eq(p->atr + 6, "YHTEST", 6);
  uint8_t tck = 0;
  for (size_t i = 1; i < p->atr_len; i++)
    tck ^= p->atr[i];
  ck_assert_uint_eq(tck, 0); /* T0..TCK XOR to zero */
  ck_assert_str_eq(p->name, "test");
  ck_assert_ptr_nonnull(p->description);
}
END_TEST

/* ------------------------------------------------------------ registry -- */

static size_t stub_process(void *st, const uint8_t *c, size_t n, uint8_t *r, size_t cap)
{
  (void)st, (void)c, (void)n;
  return cardsim_put_sw(r, 0, cap, 0x9000);
}

static const uint8_t stub_atr[] = {0x3B, 0x00};

START_TEST(test_registry)
{
  ck_assert_ptr_null(cardsim_profile_find("no-such-profile"));
  ck_assert_ptr_null(cardsim_profile_find(NULL));

  static const struct cardsim_profile dup = {
    .name = "test", .atr = stub_atr, .atr_len = sizeof stub_atr, .process = stub_process};
  ck_assert_int_eq(cardsim_profile_register(&dup), -1);
  ck_assert_ptr_ne(cardsim_profile_find("test"), &dup);

  static const struct cardsim_profile spaced = {
    .name = "a b", .atr = stub_atr, .atr_len = sizeof stub_atr, .process = stub_process};
  static const struct cardsim_profile no_process = {
    .name = "np", .atr = stub_atr, .atr_len = sizeof stub_atr};
  static const struct cardsim_profile short_atr = {
    .name = "sa", .atr = stub_atr, .atr_len = 1, .process = stub_process};
  static const struct cardsim_profile empty_name = {
    .name = "", .atr = stub_atr, .atr_len = sizeof stub_atr, .process = stub_process};
  ck_assert_int_eq(cardsim_profile_register(&spaced), -1);
  ck_assert_int_eq(cardsim_profile_register(&no_process), -1);
  ck_assert_int_eq(cardsim_profile_register(&short_atr), -1);
  ck_assert_int_eq(cardsim_profile_register(&empty_name), -1);
  ck_assert_int_eq(cardsim_profile_register(NULL), -1);

  /* A stateless profile registered at run time sorts in by name. */
  static const struct cardsim_profile aaa = {
    .name = "aaa-stateless", .atr = stub_atr, .atr_len = sizeof stub_atr,
    .process = stub_process};
  ck_assert_int_eq(cardsim_profile_register(&aaa), 0);
  ck_assert_ptr_eq(cardsim_profile_find("aaa-stateless"), &aaa);

  const struct cardsim_profile *const *all = cardsim_profiles();
  size_t n = 0;
  int saw_test = 0;
  for (; all[n]; n++) {
    if (n > 0)
      ck_assert_int_lt(strcmp(all[n - 1]->name, all[n]->name), 0);
    saw_test |= strcmp(all[n]->name, "test") == 0;
  }
  ck_assert_int_ge(n, 2);
  ck_assert(saw_test);
  ck_assert_ptr_eq(all[0], &aaa);
}
END_TEST

START_TEST(test_registry_full)
{
  /* Fill the registry: the overflow is refused, never written past the table. */
  static struct cardsim_profile many[CARDSIM_PROFILES_MAX];
  static char names[CARDSIM_PROFILES_MAX][16];
  int refused = 0;
  for (int i = 0; i < CARDSIM_PROFILES_MAX; i++) {
    snprintf(names[i], sizeof names[i], "zz-%03d", i);
    many[i] = (struct cardsim_profile){
      .name = names[i], .atr = stub_atr, .atr_len = sizeof stub_atr, .process = stub_process};
    if (cardsim_profile_register(&many[i]) != 0)
      refused++;
  }
  ck_assert_int_gt(refused, 0);
  size_t n = 0;
  for (const struct cardsim_profile *const *all = cardsim_profiles(); all[n]; n++)
    ;
  ck_assert_uint_eq(n, CARDSIM_PROFILES_MAX);
}
END_TEST

/* --------------------------------------------------------- fault names -- */

START_TEST(test_fault_names)
{
  enum cardsim_fault f;
  static const enum cardsim_fault all[] = {
    CARDSIM_FAULT_NONE, CARDSIM_FAULT_GARBAGE, CARDSIM_FAULT_SLOW, CARDSIM_FAULT_DROP_AFTER,
    CARDSIM_FAULT_MUTE, CARDSIM_FAULT_CHAIN_61, CARDSIM_FAULT_WRONG_LE_6C,
    CARDSIM_FAULT_SHORT};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    const char *name = cardsim_fault_name(all[i]);
    ck_assert_str_ne(name, "?");
    ck_assert_int_eq(cardsim_fault_parse(name, &f), 0);
    ck_assert_int_eq(f, all[i]);
  }
  ck_assert_int_eq(cardsim_fault_parse("CHAIN-61", &f), 0);
  ck_assert_int_eq(f, CARDSIM_FAULT_CHAIN_61);
  ck_assert_int_eq(cardsim_fault_parse("Wrong_LE_6c", &f), 0);
  ck_assert_int_eq(f, CARDSIM_FAULT_WRONG_LE_6C);
  ck_assert_int_eq(cardsim_fault_parse("chain", &f), -1);
  ck_assert_int_eq(cardsim_fault_parse("", &f), -1);
  ck_assert_int_eq(cardsim_fault_parse("a-very-long-name-that-is-no-fault-at-all", &f), -1);
  ck_assert_int_eq(cardsim_fault_parse(NULL, &f), -1);
  ck_assert_str_eq(cardsim_fault_name((enum cardsim_fault)99), "?");
}
END_TEST

START_TEST(test_create_without_card)
{
  struct cardsim *s = NULL;
  ck_assert_int_eq(cardsim_create(NULL, 1, &s), 0);
  ck_assert_int_eq(cardsim_connected(s), 0);
  ck_assert_ptr_null(cardsim_profile_name(s));
  ck_assert_uint_eq(cardsim_apdu_count(s), 0);
  ck_assert_int_eq(cardsim_remove(s), 0);
  cardsim_set_fault(s, CARDSIM_FAULT_SLOW, 5);
  int param;
  ck_assert_int_eq(cardsim_fault(s, &param), CARDSIM_FAULT_SLOW);
  ck_assert_int_eq(param, 5);
  cardsim_destroy(s);
  cardsim_destroy(NULL);
  ck_assert_int_eq(cardsim_create(NULL, 0, &s), -1);
  ck_assert_ptr_null(s);
}
END_TEST

static Suite *unit_suite(void)
{
  Suite *s = suite_create("cardsim.unit");
  TCase *tc = tcase_create("decoder");
  tcase_add_loop_test(tc, test_parse_table, 0, (int)(sizeof parse_cases / sizeof parse_cases[0]));
  tcase_add_test(tc, test_parse_extended_max);
  tcase_add_test(tc, test_put_sw);
  suite_add_tcase(s, tc);
  tc = tcase_create("test profile");
  tcase_add_loop_test(tc, test_profile_table, 0,
                      (int)(sizeof profile_cases / sizeof profile_cases[0]));
  tcase_add_test(tc, test_profile_get_data_max);
  tcase_add_test(tc, test_profile_echo_large);
  tcase_add_test(tc, test_profile_atr);
  suite_add_tcase(s, tc);
  tc = tcase_create("registry");
  tcase_add_test(tc, test_registry);
  tcase_add_test(tc, test_registry_full);
  tcase_add_test(tc, test_fault_names);
  tcase_add_test(tc, test_create_without_card);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(unit_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
