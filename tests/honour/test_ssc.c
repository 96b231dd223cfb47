/* Unit tests: GB18030 names (plain GBK and rare characters), and reading a social
 * security card over the replay transport: exact APDUs, missing records, bad answers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/honour.h"
#include "cardio/replay.h"
#include "cardio/ssc.h"
#include "common/idno.h"
#include "hc_testlib.h"

/* The ID numbers, masks and UTF-8 rules this file tested once are common's and tested
 * there (tests/common/test_common_rules.c, with these cases); here: what cardio reads. */

/* ----------------------------------------------------------- GB18030 -- */

START_TEST(test_gb18030)
{
  char out[CARDIO_SSC_NAME_MAX + 1];
  uint8_t in[40];
  size_t n;
  /* 张晓明, plain GBK, padded with NULs to 30 bytes. */
  memset(in, 0, sizeof in);
  n = hct_hex("D5C5 CFFE C3F7", in, sizeof in);
  ck_assert_uint_eq(n, 6);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, 30, out, sizeof out), CARDIO_OK);
  ck_assert_str_eq(out, "张晓明");
  /* 刘䶮: 䶮 is outside GBK, two bytes in GB18030 (FE9F); padded with spaces. */
  memset(in, ' ', sizeof in);
  hct_hex("C1F5 FE9F", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, 30, out, sizeof out), CARDIO_OK);
  ck_assert_str_eq(out, "刘䶮");
  /* 王𠇔𡒄: four-byte GB18030 sequences (CJK Extension B). */
  n = hct_hex("CDF5 9532B134 95369738", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, n, out, sizeof out), CARDIO_OK);
  ck_assert_str_eq(out, "王𠇔𡒄");
  /* 15 two-byte characters, the most UTF-8 a 30-byte field can make (45 bytes). */
  for (int i = 0; i < 15; i++)
    memcpy(in + 2 * i, "\xD5\xC5", 2);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, 30, out, sizeof out), CARDIO_OK);
  ck_assert_uint_eq(strlen(out), 45);
  /* A lead byte with no trail, an invalid pair, a control character. */
  n = hct_hex("D5C5 D5", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, n, out, sizeof out), CARDIO_E_MALFORMED);
  n = hct_hex("FF FF", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, n, out, sizeof out), CARDIO_E_MALFORMED);
  n = hct_hex("D5C5 0A CFFE", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, n, out, sizeof out), CARDIO_E_MALFORMED);
  ck_assert_str_eq(out, ""); /* wiped on failure */
  /* Output too small. */
  n = hct_hex("D5C5 CFFE C3F7", in, sizeof in);
  ck_assert_int_eq(cardio_gb18030_to_utf8(in, n, out, 5), CARDIO_E_BUFFER_TOO_SMALL);
}
END_TEST

/* ----------------------------------------------------------- card reading -- */

#define SEL_SSSE "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"

struct ssc_script {
  const char *name_hex;  /* 30 bytes of GBK/GB18030, as hex */
  const char *id_ascii;  /* 18 characters */
};

/* The 13 exchanges of a full read; name and ID from the script. */
static int make_card(const char *name_hex, const char *id, struct cardio_card **out)
{
  char r08[80], r09[100];
  uint8_t name[30];
  size_t n;
  memset(name, 0, sizeof name);
  n = hct_hex(name_hex, name, sizeof name);
  ck_assert_uint_le(n, 30);
  strcpy(r08, "0812");
  hct_tohex((const uint8_t *)id, 18, r08 + 4);
  strcat(r08, "9000");
  strcpy(r09, "091E");
  hct_tohex(name, 30, r09 + 4);
  strcat(r09, "9000");
  {
    struct cardio_replay_step steps[] = {
      {SEL_SSSE, "9000"},
      {"00A4020002EF05", "9000"},
      {"00B2010012", "0110 45090000D15600000000000000000001 9000"},
      {"00B2050006", "0504 20200315 9000"},
      {"00B2060006", "0604 20300314 9000"},
      {"00B207000B", "0709 4831323334353637 38 9000"},
      {"00A4020002EF06", "9000"},
      {"00B2080014", r08},
      {"00B2090020", r09},
      {"00B20A0003", "0A01 31 9000"},
      {"00B20B0003", "0B01 01 9000"},
      {"00B20C0005", "0C03 450902 9000"},
      {"00B20D0006", "0D04 19850612 9000"},
    };
    return cardio_replay_create(steps, sizeof steps / sizeof steps[0], out);
  }
}

START_TEST(test_ssc_read_valid)
{
  struct cardio_card *card = NULL;
  struct cardio_ssc_data d;
  char masked[80];
  ck_assert_int_eq(make_card("D5C5 CFFE C3F7", HCT_HOLDER_ID, &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_OK);
  ck_assert_str_eq(d.id_number, HCT_HOLDER_ID);
  ck_assert(d.id_valid);
  ck_assert_str_eq(d.name, "张晓明");
  ck_assert_str_eq(d.card_number, "H12345678");
  ck_assert_uint_eq(d.issue_date, 20200315);
  ck_assert_uint_eq(d.expiry_date, 20300314);
  ck_assert_uint_eq(d.birth_date, 19850612);
  ck_assert_str_eq(d.birthplace, "450902");
  ck_assert_int_eq(d.sex, '1');
  ck_assert_int_eq(d.nation, 1);
  ck_assert_uint_eq(cardio_replay_consumed(card), 13);
  common_name_mask(d.name, masked, sizeof masked);
  ck_assert_str_eq(masked, "张*明");
  cardio_ssc_data_clear(&d);
  ck_assert_str_eq(d.id_number, "");
  ck_assert_str_eq(d.name, "");
  cardio_card_destroy(card);
}
END_TEST

START_TEST(test_ssc_read_rare_and_bad_digit)
{
  struct cardio_card *card = NULL;
  struct cardio_ssc_data d;
  ck_assert_int_eq(make_card("CDF5 9532B134 95369738", "45098119660718321X", &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_OK);
  ck_assert_str_eq(d.name, "王𠇔𡒄");
  ck_assert(d.id_valid);
  cardio_card_destroy(card);
  ck_assert_int_eq(make_card("C1F5 FE9F", "450902198506121233", &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_OK);
  ck_assert_str_eq(d.name, "刘䶮");
  ck_assert(!d.id_valid); /* returned, flagged */
  ck_assert_int_eq(common_id_check(d.id_number, strlen(d.id_number), NULL, NULL),
                   COMMON_ID_CHECK_DIGIT);
  cardio_card_destroy(card);
  /* An ID with letters in it is not an ID. */
  ck_assert_int_eq(make_card("D5C5", "45090219850612123A", &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_MALFORMED);
  ck_assert_str_eq(d.id_number, "");
  cardio_card_destroy(card);
  /* 17 digits and a padding byte: not an ID (found by fuzz_ssc). */
  ck_assert_int_eq(make_card("D5C5", "45090219850612123", &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_MALFORMED);
  cardio_card_destroy(card);
  /* A name that does not decode. */
  ck_assert_int_eq(make_card("D5C5 FF", HCT_HOLDER_ID, &card), CARDIO_OK);
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_MALFORMED);
  cardio_card_destroy(card);
}
END_TEST

START_TEST(test_ssc_read_failures)
{
  struct cardio_card *card = NULL;
  struct cardio_ssc_data d;
  /* No SSSE application. */
  {
    struct cardio_replay_step steps[] = {{SEL_SSSE, "6A82"}};
    ck_assert_int_eq(cardio_replay_create(steps, 1, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_NOT_FOUND);
  cardio_card_destroy(card);
  /* No EF05 (optional), EF06 without record 08. */
  {
    struct cardio_replay_step steps[] = {{SEL_SSSE, "9000"},
                                         {"00A4020002EF05", "6A82"},
                                         {"00A4020002EF06", "9000"},
                                         {"00B2080014", "6A83"}};
    ck_assert_int_eq(cardio_replay_create(steps, 4, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_NOT_FOUND);
  cardio_card_destroy(card);
  /* A record with the wrong tag, or a length that disagrees. */
  {
    struct cardio_replay_step steps[] = {{SEL_SSSE, "9000"},
                                         {"00A4020002EF05", "6A82"},
                                         {"00A4020002EF06", "9000"},
                                         {"00B2080014", "0912 343530393032313938353036313231323332 9000"}};
    ck_assert_int_eq(cardio_replay_create(steps, 4, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_MALFORMED);
  cardio_card_destroy(card);
  {
    struct cardio_replay_step steps[] = {{SEL_SSSE, "9000"},
                                         {"00A4020002EF05", "6A82"},
                                         {"00A4020002EF06", "9000"},
                                         {"00B2080014", "0813 343530393032313938353036313231323332 9000"}};
    ck_assert_int_eq(cardio_replay_create(steps, 4, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_MALFORMED);
  cardio_card_destroy(card);
  /* Pulled out mid-read: the transport's error, and nothing left in d. */
  {
    struct cardio_replay_step steps[] = {{SEL_SSSE, "9000"},
                                         {"00A4020002EF05", "6A82"},
                                         {"00A4020002EF06", "9000"},
                                         {"00B2080014", "!removed"}};
    ck_assert_int_eq(cardio_replay_create(steps, 4, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_ssc_read(card, &d), CARDIO_E_CARD_REMOVED);
  ck_assert_str_eq(d.id_number, "");
  cardio_card_destroy(card);
}
END_TEST

START_TEST(test_parse_record)
{
  const uint8_t *v;
  size_t l;
  ck_assert_int_eq(cardio_ssc_parse_record((const uint8_t *)"\x0A\x01\x31", 3, 0x0A, &v, &l),
                   CARDIO_OK);
  ck_assert_uint_eq(l, 1);
  ck_assert_int_eq(cardio_ssc_parse_record((const uint8_t *)"\x0A\x02\x31", 3, 0x0A, &v, &l),
                   CARDIO_E_MALFORMED);
  ck_assert_int_eq(cardio_ssc_parse_record((const uint8_t *)"\x0A\x00\x31", 3, 0x0A, &v, &l),
                   CARDIO_E_MALFORMED);
  ck_assert_int_eq(cardio_ssc_parse_record((const uint8_t *)"\x0B\x01\x31", 3, 0x0A, &v, &l),
                   CARDIO_E_MALFORMED);
  ck_assert_int_eq(cardio_ssc_parse_record((const uint8_t *)"\x0A", 1, 0x0A, &v, &l),
                   CARDIO_E_MALFORMED);
}
END_TEST

static Suite *ssc_suite(void)
{
  Suite *s = suite_create("honour.ssc");
  TCase *t = tcase_create("names");
  tcase_add_test(t, test_gb18030);
  suite_add_tcase(s, t);
  t = tcase_create("card");
  tcase_add_test(t, test_ssc_read_valid);
  tcase_add_test(t, test_ssc_read_rare_and_bad_digit);
  tcase_add_test(t, test_ssc_read_failures);
  tcase_add_test(t, test_parse_record);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(ssc_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
