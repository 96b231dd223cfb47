/* Unit tests: citizen ID check digits (ISO 7064 MOD 11-2), masks, UTF-8 validation,
 * GB18030 names (plain GBK and rare characters), and reading a social security card
 * over the replay transport: exact APDUs, missing records, bad answers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/honour.h"
#include "cardio/replay.h"
#include "cardio/ssc.h"
#include "common/idno.h"
#include "common/utf8.h"
#include "hc_testlib.h"

/* The ID rules are common/idno.h's (moved from cardio with these cases). */
static int id_check(const char *id)
{
  return common_id_check(id, id ? strlen(id) : 0, NULL, NULL);
}

/* ------------------------------------------------------------ ID numbers -- */

struct id_case {
  const char *id;
  int want;
};

static const struct id_case id_cases[] = {
  {"450902198506121232", COMMON_ID_OK},
  {"450902199001010013", COMMON_ID_OK},
  {"45098119660718321X", COMMON_ID_OK},
  {"45098119660718321x", COMMON_ID_OK},
  {"11010519491231002X", COMMON_ID_OK},
  /* GB 11643-1999's own example. */
  {"11010519491231002X", COMMON_ID_OK},
  {"450902198506121233", COMMON_ID_CHECK_DIGIT},
  {"450902198506121230", COMMON_ID_CHECK_DIGIT},
  {"45098119660718321 ", COMMON_ID_CHARS},
  {"45098119660718321Y", COMMON_ID_CHARS},
  {"4509021985061212X2", COMMON_ID_CHARS},
  {"A50902198506121232", COMMON_ID_CHARS},
  {"45090219850612123", COMMON_ID_LENGTH},
  {"4509021985061212321", COMMON_ID_LENGTH},
  {"", COMMON_ID_LENGTH},
  {"450902850612123", COMMON_ID_LENGTH}, /* old 15-digit numbers are not accepted */
};

START_TEST(test_id_table)
{
  const struct id_case *c = &id_cases[_i];
  ck_assert_msg(id_check(c->id) == c->want, "%s: %s", c->id,
                common_id_status_text(id_check(c->id)));
}
END_TEST

START_TEST(test_id_check_char)
{
  /* Every check value 0..10 comes out for some number: vary the last digit. */
  int seen[11] = {0};
  char id[18] = "45090219850612120";
  for (char d = '0'; d <= '9'; d++)
    for (char e = '0'; e <= '9'; e++) {
      char c;
      id[15] = e;
      id[16] = d;
      c = common_id_check_char(id);
      ck_assert(c == 'X' || (c >= '0' && c <= '9'));
      seen[c == 'X' ? 10 : c - '0'] = 1;
    }
  for (int i = 0; i <= 10; i++)
    ck_assert_msg(seen[i], "check value %d never produced", i);
  ck_assert_int_eq(common_id_check_char("4509021985061212a"), 0);
  ck_assert_int_eq(common_id_check_char(NULL), 0);
}
END_TEST

START_TEST(test_masks)
{
  char out[80];
  ck_assert_int_eq(common_id_mask("450902198506121232", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "450902********1232");
  ck_assert_int_eq(common_id_mask("45098119660718321x", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "450981********321X");
  ck_assert_int_eq(common_id_mask("4509021985", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "******************"); /* one mask everywhere: length hidden too */
  ck_assert_int_eq(common_id_mask("450902198506121232999", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "******************");
  ck_assert_int_eq(common_id_mask("450902198506121232", out, 18), COMMON_E_BUFFER_TOO_SMALL);

  ck_assert_int_eq(common_name_mask("张晓明", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "张*明");
  ck_assert_int_eq(common_name_mask("张明", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "张*");
  ck_assert_int_eq(common_name_mask("欧阳晓明", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "欧**明");
  ck_assert_int_eq(common_name_mask("明", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "*");
  /* Four-byte characters (CJK Extension B) are one character each. */
  ck_assert_int_eq(common_name_mask("王𠇔𡒄", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "王*𡒄");
  ck_assert_int_eq(common_name_mask("刘䶮", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "刘*");
  ck_assert_int_eq(common_name_mask("阿依古丽·买买提", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "阿******提");
  ck_assert_int_eq(common_name_mask("\xE5\xBC", out, sizeof out), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_name_mask("", out, sizeof out), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_name_mask("张晓明", out, 7), COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_int_eq(common_name_mask("张晓明", out, 8), COMMON_OK);
}
END_TEST

START_TEST(test_utf8)
{
  ck_assert(common_utf8_printable("张*明", strlen("张*明")));
  ck_assert(common_utf8_printable("𠇔", 4));
  ck_assert(!common_utf8_printable("\xC0\xAF", 2));         /* overlong '/' */
  ck_assert(!common_utf8_printable("\xE0\x80\xAF", 3));     /* overlong */
  ck_assert(!common_utf8_printable("\xED\xA0\x80", 3));     /* surrogate */
  ck_assert(!common_utf8_printable("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
  ck_assert(!common_utf8_printable("\xF0\x9F\x98", 3));     /* cut */
  ck_assert(!common_utf8_printable("a\x01", 2));
  ck_assert(!common_utf8_printable("a\x7F", 2));
  ck_assert(!common_utf8_printable("\xC2\x85", 2)); /* C1 control NEL */
  ck_assert(!common_utf8_printable("a\0b", 3));
}
END_TEST

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
  ck_assert_int_eq(id_check(d.id_number), COMMON_ID_CHECK_DIGIT);
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
  TCase *t = tcase_create("id");
  tcase_add_loop_test(t, test_id_table, 0, sizeof id_cases / sizeof id_cases[0]);
  tcase_add_test(t, test_id_check_char);
  tcase_add_test(t, test_masks);
  tcase_add_test(t, test_utf8);
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
