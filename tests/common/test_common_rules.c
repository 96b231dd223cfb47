/* common: the domain rules, table-driven: dates, citizen ID numbers (check digit,
 * province, birth date, 15 digits, shape), masks, card numbers (ISO 7064 MOD 97-10), the
 * award table (Measures Art. 18), tokens, hex, UTF-8. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "common/award.h"
#include "common/cardno.h"
#include "common/date.h"
#include "common/hex.h"
#include "common/idno.h"
#include "common/bill.h"
#include "common/token.h"
#include "common/utf8.h"

/* ---- dates ---- */

START_TEST(test_days_round_trip)
{
  /* Every day from 1900 to 2100 converts back to itself, and the epoch is day 0. */
  ck_assert_int_eq(common_days_from_civil(1970, 1, 1), 0);
  ck_assert_int_eq(common_days_from_civil(2000, 3, 1), 11017);
  ck_assert_int_eq(common_days_from_civil(1969, 12, 31), -1);
  int32_t from = common_days_from_civil(1900, 1, 1), to = common_days_from_civil(2100, 12, 31);
  int32_t py = 1899;
  unsigned pm = 12, pd = 31;
  for (int32_t day = from; day <= to; day++) {
    int32_t y;
    unsigned m, d;
    common_civil_from_days(day, &y, &m, &d);
    ck_assert(common_date_valid(y, m, d));
    ck_assert_int_eq(common_days_from_civil(y, m, d), day);
    /* the next day of the calendar */
    ck_assert(d == pd + 1 ? m == pm && y == py : d == 1 && (m == pm + 1 || (m == 1 && y == py + 1)));
    py = y, pm = m, pd = d;
  }
}
END_TEST

struct parse_case {
  const char *text;
  int rc;
  int32_t y;
  unsigned m, d;
};
static const struct parse_case parse_cases[] = {
    {"2019-01-01", COMMON_OK, 2019, 1, 1},
    {"2020-02-29", COMMON_OK, 2020, 2, 29},
    {"2000-02-29", COMMON_OK, 2000, 2, 29},
    {"9999-12-31", COMMON_OK, 9999, 12, 31},
    {"1900-02-29", COMMON_E_RANGE, 0, 0, 0},
    {"2019-02-29", COMMON_E_RANGE, 0, 0, 0},
    {"2019-13-01", COMMON_E_RANGE, 0, 0, 0},
    {"2019-00-10", COMMON_E_RANGE, 0, 0, 0},
    {"2019-04-31", COMMON_E_RANGE, 0, 0, 0},
    {"0000-01-01", COMMON_E_RANGE, 0, 0, 0},
    {"2019-1-01", COMMON_E_SYNTAX, 0, 0, 0},
    {"2019/01/01", COMMON_E_SYNTAX, 0, 0, 0},
    {" 2019-01-01", COMMON_E_SYNTAX, 0, 0, 0},
    {"2019-01-01 ", COMMON_E_SYNTAX, 0, 0, 0},
    {"2019-01-0a", COMMON_E_SYNTAX, 0, 0, 0},
    {"", COMMON_E_SYNTAX, 0, 0, 0},
};

START_TEST(test_date_parse)
{
  const struct parse_case *c = &parse_cases[_i];
  int32_t day = 12345;
  int rc = common_date_parse(c->text, strlen(c->text), &day);
  ck_assert_msg(rc == c->rc, "%s: %s", c->text, common_errname(rc));
  if (rc == COMMON_OK) {
    char buf[COMMON_DATE_LEN + 1];
    ck_assert_int_eq(day, common_days_from_civil(c->y, c->m, c->d));
    common_date_format(day, buf);
    ck_assert_str_eq(buf, c->text);
  } else {
    ck_assert_int_eq(day, 12345);
  }
}
END_TEST

START_TEST(test_date_misc)
{
  char buf[COMMON_DATE_LEN + 1];
  common_date_format(common_days_from_civil(10000, 1, 1), buf);
  ck_assert_str_eq(buf, "0000-00-00");
  common_date_format(common_days_from_civil(-1, 12, 31), buf);
  ck_assert_str_eq(buf, "0000-00-00");
  /* China Standard Time: 16:00 UTC is already the next day; before the epoch rounds down. */
  ck_assert_int_eq(common_local_day(16 * 3600, 8 * 3600), 1);
  ck_assert_int_eq(common_local_day(16 * 3600 - 1, 8 * 3600), 0);
  ck_assert_int_eq(common_local_day(-1, 0), -1);
  ck_assert_int_eq(common_local_day(-86400, 0), -1);
  ck_assert_int_eq(common_local_day(-86401, 0), -2);
  /* Civil Code Art. 202: 29 February plus a year is 28 February. */
  ck_assert_int_eq(common_date_add_years(common_days_from_civil(2020, 2, 29), 1),
                   common_days_from_civil(2021, 2, 28));
  ck_assert_int_eq(common_date_add_years(common_days_from_civil(2020, 2, 29), 4),
                   common_days_from_civil(2024, 2, 29));
  ck_assert_int_eq(common_date_add_years(common_days_from_civil(2019, 3, 31), -10),
                   common_days_from_civil(2009, 3, 31));
  ck_assert_uint_eq(common_month_days(2100, 2), 28);
  ck_assert_uint_eq(common_month_days(2000, 2), 29);
  ck_assert_uint_eq(common_month_days(2000, 13), 0);
}
END_TEST

/* ---- citizen ID numbers ---- */

struct id_case {
  const char *what, *id;
  int status;
};
static const struct id_case id_cases[] = {
    {"GB 11643 example", "11010519491231002X", COMMON_ID_OK},
    {"lower-case x accepted", "11010519491231002x", COMMON_ID_OK},
    {"Yulin, check 0", "450902198001011230", COMMON_ID_OK},
    {"Hong Kong resident permit", "810000199001011235", COMMON_ID_OK},
    {"wrong check digit", "450902198001011231", COMMON_ID_CHECK_DIGIT},
    {"X where a digit belongs", "45090219800101123X", COMMON_ID_CHECK_DIGIT},
    {"15 digits", "450902800101123", COMMON_ID_LENGTH},
    {"19 characters", "4509021980010112301", COMMON_ID_LENGTH},
    {"empty", "", COMMON_ID_LENGTH},
    {"letter inside", "4509021980A1011230", COMMON_ID_CHARS},
    {"bad last char", "45090219800101123Y", COMMON_ID_CHARS},
    {"space last", "45098119660718321 ", COMMON_ID_CHARS},
    {"X in the middle", "4509021985061212X2", COMMON_ID_CHARS},
    {"letter first", "A50902198506121232", COMMON_ID_CHARS},
    {"province 00", "000902198001011230", COMMON_ID_REGION},
    {"province 16", "160902198001011230", COMMON_ID_REGION},
    {"province 99", "990902198001011230", COMMON_ID_REGION},
    {"30 February", "450902198002301230", COMMON_ID_BIRTH_DATE},
    {"month 13", "450902198013011230", COMMON_ID_BIRTH_DATE},
    {"born 1899", "450902189901011230", COMMON_ID_BIRTH_DATE},
};

START_TEST(test_id_table)
{
  const struct id_case *c = &id_cases[_i];
  char out[COMMON_ID_LEN + 1] = "unchanged";
  int32_t birth = -7;
  /* The right check character for the cases whose check digit must pass. */
  char id[32];
  snprintf(id, sizeof id, "%s", c->id);
  if (c->status == COMMON_ID_REGION || c->status == COMMON_ID_BIRTH_DATE ||
      strcmp(c->what, "Hong Kong resident permit") == 0)
    id[17] = common_id_check_char(id);
  int st = common_id_check(id, strlen(id), out, &birth);
  ck_assert_msg(st == c->status, "%s: status %d (%s)", c->what, st, common_id_status_text(st));
  if (st == COMMON_ID_OK) {
    ck_assert_int_eq(out[17], id[17] == 'x' ? 'X' : id[17]);
    ck_assert_int_eq(memcmp(out, id, 17), 0);
    ck_assert_int_ne(birth, -7);
  } else {
    ck_assert_str_eq(out, "unchanged");
    ck_assert_int_eq(birth, -7);
  }
}
END_TEST

START_TEST(test_id_check_char_all)
{
  /* Every check value 0..10 occurs, and each written number checks OK. */
  int seen[11] = {0};
  char id[19] = "45090219800101000";
  for (int i = 0; i < 1000; i++) {
    snprintf(id + 14, 5, "%03d", i);
    char c = common_id_check_char(id);
    ck_assert(c == 'X' || (c >= '0' && c <= '9'));
    seen[c == 'X' ? 10 : c - '0'] = 1;
    id[17] = c;
    id[18] = '\0';
    ck_assert_int_eq(common_id_check(id, 18, NULL, NULL), COMMON_ID_OK);
    ck_assert(common_id_shaped(id));
    /* a slip in the check character: still an ID number (real region and date) */
    id[17] = c == '0' ? '1' : '0';
    ck_assert(common_id_shaped(id));
  }
  for (int i = 0; i <= 10; i++)
    ck_assert_msg(seen[i], "check value %d never produced", i);
  ck_assert_int_eq(common_id_check_char("4509021985061212a"), 0);
  ck_assert_int_eq(common_id_check_char(NULL), 0);
  ck_assert_str_eq(common_id_status_text(99), "invalid");
}
END_TEST

START_TEST(test_id_from15)
{
  char out[COMMON_ID_LEN + 1];
  ck_assert_int_eq(common_id_from15("450902800101123", 15, out), COMMON_ID_OK);
  ck_assert_str_eq(out, "450902198001011230");
  ck_assert_int_eq(common_id_from15("450902800101123", 14, out), COMMON_ID_LENGTH);
  ck_assert_int_eq(common_id_from15("45090280010112X", 15, out), COMMON_ID_CHARS);
  ck_assert_int_eq(common_id_from15("000902800101123", 15, out), COMMON_ID_REGION);
  ck_assert_int_eq(common_id_from15("450902800230123", 15, out), COMMON_ID_BIRTH_DATE);
}
END_TEST

START_TEST(test_id_shaped)
{
  ck_assert(common_id_shaped("11010519491231002X"));
  ck_assert(common_id_shaped("11010519491231002x"));
  /* only the check character matters, not the region or the date */
  char id[19] = "00000000000000000";
  id[17] = common_id_check_char(id);
  id[18] = '\0';
  ck_assert(common_id_shaped(id));
  /* issue 12: a holder's number with the wrong check character is refused as a bill */
  ck_assert(common_id_shaped("110105194912310021"));
  ck_assert(common_id_shaped("450981199008151057"));
  /* 18 digits that are no ID number (no province, or no date) with a wrong check char */
  char inv[19] = "20261201123456789";
  inv[17] = common_id_check_char(inv) == '0' ? '1' : '0';
  inv[18] = '\0';
  ck_assert(!common_id_shaped(inv));
  char nodate[19] = "45090219801399123";
  nodate[17] = common_id_check_char(nodate) == '0' ? '1' : '0';
  nodate[18] = '\0';
  ck_assert(!common_id_shaped(nodate));
  ck_assert(!common_id_shaped("11010519491231002X1"));
  ck_assert(!common_id_shaped("1101051949123100"));
  ck_assert(!common_id_shaped("INV-0001"));
  ck_assert(!common_id_shaped(NULL));
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
  ck_assert_str_eq(out, "******************");
  ck_assert_int_eq(common_id_mask("", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "******************");
  ck_assert_int_eq(common_id_mask("450902198506121232999", out, sizeof out), COMMON_OK);
  ck_assert_str_eq(out, "******************");
  ck_assert_int_eq(common_id_mask("450902198506121232", out, 18), COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_int_eq(common_id_mask(NULL, out, sizeof out), COMMON_E_INVALID_ARG);

  static const struct {
    const char *name, *mask;
  } names[] = {
      {"张晓明", "张*明"},       {"张明", "张*"},     {"欧阳晓明", "欧**明"},
      {"明", "*"},               {"王𠇔𡒄", "王*𡒄"}, {"刘䶮", "刘*"},
      {"阿依古丽·买买提", "阿******提"}, {"Li", "L*"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    ck_assert_int_eq(common_name_mask(names[i].name, out, sizeof out), COMMON_OK);
    ck_assert_str_eq(out, names[i].mask);
  }
  ck_assert_int_eq(common_name_mask("\xE5\xBC", out, sizeof out), COMMON_E_INVALID_ARG);
  ck_assert_str_eq(out, "*");
  ck_assert_int_eq(common_name_mask("", out, sizeof out), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_name_mask("张\n明", out, sizeof out), COMMON_E_INVALID_ARG);
  ck_assert_str_eq(out, "*");
  ck_assert_int_eq(common_name_mask("张晓明", out, 7), COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_str_eq(out, "*");
  ck_assert_int_eq(common_name_mask("张晓明", out, 8), COMMON_OK);
  ck_assert_str_eq(out, "张*明");
}
END_TEST

/* ---- card numbers ---- */

START_TEST(test_cardno_format_and_check)
{
  char no[COMMON_CARDNO_LEN + 1];
  ck_assert_int_eq(common_cardno_format(2019, 2, 12345, no), COMMON_OK);
  ck_assert_int_eq(strncmp(no, "YL2019020123", 12), 0);
  ck_assert(common_cardno_valid(no));
  ck_assert_int_eq(common_cardno_format(2021, 0, 1, no), COMMON_OK);
  ck_assert(common_cardno_valid(no));
  ck_assert_int_eq(common_cardno_format(1999, 2, 1, no), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_cardno_format(2019, 100, 1, no), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_cardno_format(2019, 2, 0, no), COMMON_E_INVALID_ARG);
  ck_assert_int_eq(common_cardno_format(2019, 2, 1000000, no), COMMON_E_INVALID_ARG);
  /* Every single wrong character and every swap of neighbours is caught. */
  for (unsigned long serial = 1; serial < 400; serial += 37) {
    ck_assert_int_eq(common_cardno_format(2024, 81, serial, no), COMMON_OK);
    ck_assert(common_cardno_valid(no));
    for (size_t i = 2; i < COMMON_CARDNO_LEN; i++) {
      char bad[COMMON_CARDNO_LEN + 1];
      for (char c = '0'; c <= '9'; c++) {
        if (c == no[i])
          continue;
        memcpy(bad, no, sizeof bad);
        bad[i] = c;
        ck_assert_msg(!common_cardno_valid(bad), "%s", bad);
      }
      if (i + 1 < COMMON_CARDNO_LEN && no[i] != no[i + 1]) {
        memcpy(bad, no, sizeof bad);
        bad[i] = no[i + 1];
        bad[i + 1] = no[i];
        ck_assert_msg(!common_cardno_valid(bad), "%s", bad);
      }
    }
  }
}
END_TEST

START_TEST(test_cardno_refused)
{
  static const char *const bad[] = {
      "YL20190200012345", /* the old docs' example: wrong check digits */
      "YL-1",
      "YL-2024-000503",
      "450902198001011230", /* an ID number is never a card number */
      "yl2019020001234500",
      "XL2019020001234",
      "YL201902000123",
      "",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(!common_cardno_valid(bad[i]), "%s", bad[i]);
  ck_assert(!common_cardno_valid(NULL));
  ck_assert(common_cardno_valid("YL20190200012341")); /* docs/station.md's example */
  char no[COMMON_CARDNO_LEN + 1];
  ck_assert_int_eq(common_cardno_format(2019, 2, 12345, no), COMMON_OK);
  ck_assert(common_cardno_valid_n(no, COMMON_CARDNO_LEN));
  ck_assert(!common_cardno_valid_n(no, COMMON_CARDNO_LEN - 1));
  ck_assert_uint_eq(common_cardno_check(no), (unsigned)((no[14] - '0') * 10 + no[15] - '0'));
}
END_TEST

/* ---- awards ---- */

struct award_case {
  int award;
  unsigned level;
  int valid, card;
  const char *title;
};
static const struct award_case award_cases[] = {
    {COMMON_AWARD_NONE, 0, 0, 0, ""},
    {COMMON_AWARD_DONOR_STAR, 0, 0, 0, ""},
    {COMMON_AWARD_DONOR_STAR, 1, 1, 0, "一星级“献血之星”"},
    {COMMON_AWARD_DONOR_STAR, 2, 1, 0, "二星级“献血之星”"},
    {COMMON_AWARD_DONOR_STAR, 3, 1, 1, "三星级“献血之星”"}, /* Art. 18: 3 stars and up */
    {COMMON_AWARD_DONOR_STAR, 4, 1, 1, "四星级“献血之星”"},
    {COMMON_AWARD_DONOR_STAR, 5, 1, 1, "五星级“献血之星”"},
    {COMMON_AWARD_DONOR_STAR, 6, 0, 0, ""},
    {COMMON_AWARD_VOLUNTEER_STAR, 4, 1, 0, "四星级无偿献血志愿者"},
    {COMMON_AWARD_VOLUNTEER_STAR, 5, 1, 1, "五星级无偿献血志愿者"}, /* only 5 stars */
    {COMMON_AWARD_VOLUNTEER_LIFETIME, 0, 1, 1, "无偿献血志愿服务终身荣誉奖"},
    {COMMON_AWARD_VOLUNTEER_LIFETIME, 1, 0, 0, ""},
    {COMMON_AWARD_LIFETIME_ACHIEVEMENT, 0, 1, 1, "无偿献血终身成就奖"},
    {COMMON_AWARD_PROMOTION, 0, 1, 0, "无偿献血促进奖"}, /* no card (Art. 6, 18) */
    {6, 0, 0, 0, ""},
    {-1, 0, 0, 0, ""},
};

START_TEST(test_award_table)
{
  const struct award_case *c = &award_cases[_i];
  ck_assert_int_eq(common_award_valid(c->award, c->level), c->valid);
  ck_assert_int_eq(common_award_carries_card(c->award, c->level), c->card);
  ck_assert_uint_eq(common_award_exemptions(c->award, c->level), c->card ? COMMON_EXEMPT_ALL : 0);
  ck_assert_str_eq(common_award_title_zh(c->award, c->level), c->title);
}
END_TEST

START_TEST(test_award_tokens)
{
  for (int a = 0; a < COMMON_AWARD_COUNT; a++) {
    const struct common_award_info *i = common_award_info(a);
    ck_assert_ptr_nonnull(i);
    ck_assert_int_eq(i->award, a);
    ck_assert_int_eq(common_award_from_token(i->token), a);
    ck_assert(common_token_valid(i->token, 32));
  }
  ck_assert_int_eq(common_award_from_token("donor_star"), COMMON_AWARD_DONOR_STAR);
  ck_assert_int_eq(common_award_from_token("lifetime_achievement"),
                   COMMON_AWARD_LIFETIME_ACHIEVEMENT);
  ck_assert_int_eq(common_award_from_token("Donor_star"), -1);
  ck_assert_int_eq(common_award_from_token(NULL), -1);
  ck_assert_ptr_null(common_award_info(COMMON_AWARD_COUNT));
  ck_assert(common_award_has_stars(COMMON_AWARD_DONOR_STAR));
  ck_assert(common_award_has_stars(COMMON_AWARD_VOLUNTEER_STAR));
  ck_assert(!common_award_has_stars(COMMON_AWARD_LIFETIME_ACHIEVEMENT));
  ck_assert(!common_award_has_stars(COMMON_AWARD_NONE));
}
END_TEST

/* ---- tokens, hex, UTF-8 ---- */

START_TEST(test_tokens)
{
  ck_assert(common_token_valid("gate-01", 8));
  ck_assert(common_token_valid("a.b_C-9", 7));
  ck_assert(!common_token_valid("a.b_C-9", 6));
  ck_assert(!common_token_valid("", 8));
  ck_assert(!common_token_valid(NULL, 8));
  ck_assert(!common_token_valid("a b", 8));
  ck_assert(!common_token_valid("a/b", 8));
  ck_assert(!common_token_valid("张", 8));
  ck_assert(common_token_valid_n("D2019/001:7", 11, 32, COMMON_TOKEN_REF));
  ck_assert(!common_token_valid_n("D2019/001:7", 11, 32, COMMON_TOKEN_PLAIN));
  ck_assert(!common_token_valid_n("a;b", 3, 32, COMMON_TOKEN_REF));
  ck_assert(common_token_valid_n("abc", 2, 2, COMMON_TOKEN_PLAIN)); /* only len bytes */
  ck_assert(common_token_valid("x", (size_t)-1));
}
END_TEST

/* Bill numbers: what a HIS prints (issue 12), never an ID shape, never a separator. */
static const struct {
  const char *s;
  int ok;
} bills[] = {
    {"MZ1001", 1},
    {"MZ2026/12/01", 1},
    {"ZY-2026.0001_a", 1},
    {"门诊123", 1},
    {"住院/2026/丙", 1},
    {"㐀1", 1},                         /* CJK extension A */
    {"", 0},
    {"MZ 1", 0},                        /* space */
    {"MZ|1", 0},                        /* the canonical line's separator */
    {"MZ\"1", 0},
    {"MZ\t1", 0},
    {"ＭＺ1", 0},                       /* full-width letters */
    {"MZ1。", 0},                       /* CJK punctuation */
    {"😀", 0},                          /* four-byte sequence */
    {"\xe9\x97", 0},                    /* cut sequence */
    {"\xc0\xaf", 0},                    /* overlong '/' */
    {"450902199001011235", 0},          /* ID-shaped */
    {"45090219900101123x", 0},          /* an ID with a slip in its check character */
    {"202612011234567890", 1},          /* 18 digits, no province or date: an invoice */
    {"123456789012345678901234567890123456789012345678901234567890123", 1}, /* 63 */
    {"1234567890123456789012345678901234567890123456789012345678901234", 0}, /* 64 */
    {"门门门门门门门门门门门门门门门门门门门门门", 1},                       /* 63 bytes */
    {"门门门门门门门门门门门门门门门门门门门门门1", 0},                      /* 64 bytes */
};

START_TEST(test_bill_numbers)
{
  for (size_t i = 0; i < sizeof bills / sizeof bills[0]; i++)
    ck_assert_msg(common_bill_no_valid(bills[i].s) == bills[i].ok, "bill %zu", i);
  ck_assert(!common_bill_no_valid(NULL));
  ck_assert(common_bill_no_valid_n("MZ1|x", 3));
  ck_assert(!common_bill_no_valid_n("MZ\0", 3));
}
END_TEST

START_TEST(test_hex)
{
  uint8_t b[4] = {0x00, 0x9f, 0xA0, 0xff}, back[4];
  char s[9];
  ck_assert_int_eq(common_hex_encode(b, 4, s, sizeof s), COMMON_OK);
  ck_assert_str_eq(s, "009fa0ff");
  ck_assert_int_eq(common_hex_encode(b, 4, s, 8), COMMON_E_BUFFER_TOO_SMALL);
  ck_assert_str_eq(s, "");
  ck_assert_int_eq(common_hex_decode("009fa0ff", 8, back, 4, 0), COMMON_OK);
  ck_assert_int_eq(memcmp(back, b, 4), 0);
  ck_assert_int_eq(common_hex_decode("009FA0FF", 8, back, 4, 0), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_hex_decode("009FA0FF", 8, back, 4, 1), COMMON_OK);
  ck_assert_int_eq(memcmp(back, b, 4), 0);
  ck_assert_int_eq(common_hex_decode("009fa0f", 7, back, 4, 1), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_hex_decode("009fa0ff00", 10, back, 4, 1), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_hex_decode("009fa0fg", 8, back, 4, 1), COMMON_E_SYNTAX);
  ck_assert_int_eq(common_hex_decode("", 0, back, 0, 0), COMMON_OK);
  ck_assert_int_eq(common_hex_digit('F', 0), -1);
  ck_assert_int_eq(common_hex_digit('F', 1), 15);
}
END_TEST

struct utf8_case {
  const char *what, *s;
  size_t len, prefix;
  int printable;
};
static const struct utf8_case utf8_cases[] = {
    {"ascii", "hello, world 12345", 18, 18, 1},
    {"han", "张*明", 7, 7, 1},
    {"4-byte", "𠇔", 4, 4, 1},
    {"overlong slash", "a\xC0\xAF", 3, 1, 0},
    {"overlong 3-byte", "\xE0\x80\xAF", 3, 0, 0},
    {"surrogate", "ab\xED\xA0\x80", 5, 2, 0},
    {"above U+10FFFF", "\xF4\x90\x80\x80", 4, 0, 0},
    {"truncated", "张\xE6\x98", 5, 3, 0},
    {"lone continuation", "\x80", 1, 0, 0},
    {"tab is a control", "a\tb", 3, 3, 0},
    {"DEL", "a\x7f", 2, 2, 0},
    {"C0 control", "a\x01", 2, 2, 0},
    {"NUL inside", "a\0b", 3, 3, 0},
    {"C1 control", "a\xC2\x85", 3, 3, 0},
    {"NBSP is printable", "a\xC2\xA0", 3, 3, 1},
    {"long ascii then bad", "0123456789abcdef\xFF", 17, 16, 0},
};

START_TEST(test_utf8)
{
  const struct utf8_case *c = &utf8_cases[_i];
  ck_assert_msg(common_utf8_valid_prefix(c->s, c->len) == c->prefix, "%s", c->what);
  ck_assert_msg(common_utf8_valid(c->s, c->len) == (c->prefix == c->len), "%s", c->what);
  ck_assert_msg(common_utf8_printable(c->s, c->len) == c->printable, "%s", c->what);
}
END_TEST

static Suite *rules_suite(void)
{
  Suite *s = suite_create("common_rules");
  TCase *t = tcase_create("dates");
  tcase_add_test(t, test_days_round_trip);
  tcase_add_test(t, test_bill_numbers);
  tcase_add_loop_test(t, test_date_parse, 0, sizeof parse_cases / sizeof parse_cases[0]);
  tcase_add_test(t, test_date_misc);
  suite_add_tcase(s, t);
  t = tcase_create("idno");
  tcase_add_loop_test(t, test_id_table, 0, sizeof id_cases / sizeof id_cases[0]);
  tcase_add_test(t, test_id_check_char_all);
  tcase_add_test(t, test_id_from15);
  tcase_add_test(t, test_id_shaped);
  tcase_add_test(t, test_masks);
  suite_add_tcase(s, t);
  t = tcase_create("cardno");
  tcase_add_test(t, test_cardno_format_and_check);
  tcase_add_test(t, test_cardno_refused);
  suite_add_tcase(s, t);
  t = tcase_create("award");
  tcase_add_loop_test(t, test_award_table, 0, sizeof award_cases / sizeof award_cases[0]);
  tcase_add_test(t, test_award_tokens);
  suite_add_tcase(s, t);
  t = tcase_create("text");
  tcase_add_test(t, test_tokens);
  tcase_add_test(t, test_hex);
  tcase_add_loop_test(t, test_utf8, 0, sizeof utf8_cases / sizeof utf8_cases[0]);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(rules_suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
