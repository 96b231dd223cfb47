/* Unit tests: the award rules at every boundary (Measures Art. 7-9, 18, 21), ID number
 * check digits, dates (Civil Code Art. 202 for 29 February), masking. Table-driven. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/award.h"
#include "station/cardno.h"
#include "station/station.h"

/* Dates in the table as YYYYMMDD (0: none), converted when the case runs. */
#define D(y, m, d) ((y) * 10000 + (m) * 100 + (d))
#define DAY(v) common_days_from_civil((v) / 10000, (unsigned)((v) / 100 % 100), (unsigned)((v) % 100))

struct award_case {
  const char *what;
  int64_t whole_ml, plt_centi, vol_centih;
  int32_t first, last; /* volunteer service dates, YYYYMMDD; 0/0: none */
  unsigned donor_star, vol_star, vol_life, life_ach;
  int card;
};

static const struct award_case award_cases[] = {
  /* 献血之星 (Art. 7): 达 … 及以上 is >= */
  {"nothing", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  {"3999 ml: no star", 3999, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  {"4000 ml: 1 star", 4000, 0, 0, 0, 0, 1, 0, 0, 0, 0},
  {"5999 ml: 1 star", 5999, 0, 0, 0, 0, 1, 0, 0, 0, 0},
  {"6000 ml: 2 stars", 6000, 0, 0, 0, 0, 2, 0, 0, 0, 0},
  {"7999 ml: 2 stars, no card", 7999, 0, 0, 0, 0, 2, 0, 0, 0, 0},
  {"8000 ml: 3 stars, card", 8000, 0, 0, 0, 0, 3, 0, 0, 0, 1},
  {"9999 ml: 3 stars", 9999, 0, 0, 0, 0, 3, 0, 0, 0, 1},
  {"10000 ml: 4 stars", 10000, 0, 0, 0, 0, 4, 0, 0, 0, 1},
  {"14999 ml: 4 stars", 14999, 0, 0, 0, 0, 4, 0, 0, 0, 1},
  {"15000 ml: 5 stars", 15000, 0, 0, 0, 0, 5, 0, 0, 0, 1},
  {"49999 ml: 5 stars, no lifetime", 49999, 0, 0, 0, 0, 5, 0, 0, 0, 1},
  {"50000 ml: lifetime achievement", 50000, 0, 0, 0, 0, 5, 0, 0, 1, 1},
  /* Art. 21: one therapeutic unit of platelets = 200 ml (1 centiunit = 2 ml) */
  {"20 units = 4000 ml: 1 star", 0, 2000, 0, 0, 0, 1, 0, 0, 0, 0},
  {"19.99 units = 3998 ml: none", 0, 1999, 0, 0, 0, 0, 0, 0, 0, 0},
  {"3800 ml + 1 unit = 4000: 1 star", 3800, 100, 0, 0, 0, 1, 0, 0, 0, 0},
  {"3799 ml + 1 unit = 3999: none", 3799, 100, 0, 0, 0, 0, 0, 0, 0, 0},
  {"7800 ml + 1 unit = 8000: 3 stars", 7800, 100, 0, 0, 0, 3, 0, 0, 0, 1},
  {"7600 ml + 1.99 units = 7998: 2 stars", 7600, 199, 0, 0, 0, 2, 0, 0, 0, 0},
  {"40 units = 8000 ml: 3 stars", 0, 4000, 0, 0, 0, 3, 0, 0, 0, 1},
  {"75 units = 15000 ml: 5 stars", 0, 7500, 0, 0, 0, 5, 0, 0, 0, 1},
  {"250 units = 50000 ml: lifetime", 0, 25000, 0, 0, 0, 5, 0, 0, 1, 1},
  {"249.99 units = 49998 ml: no lifetime", 0, 24999, 0, 0, 0, 5, 0, 0, 0, 1},
  {"49800 ml + 1 unit = 50000: lifetime", 49800, 100, 0, 0, 0, 5, 0, 0, 1, 1},
  /* 志愿者 stars (Art. 8 (1)-(5)): 达到 is >= */
  {"119.99 h: none", 0, 0, 11999, D(2020, 1, 1), D(2020, 1, 1), 0, 0, 0, 0, 0},
  {"120 h: 1 star", 0, 0, 12000, D(2020, 1, 1), D(2020, 1, 1), 0, 1, 0, 0, 0},
  {"240 h: 2 stars", 0, 0, 24000, D(2020, 1, 1), D(2020, 1, 1), 0, 2, 0, 0, 0},
  {"359.99 h: 2 stars", 0, 0, 35999, D(2020, 1, 1), D(2020, 1, 1), 0, 2, 0, 0, 0},
  {"360 h: 3 stars, no card", 0, 0, 36000, D(2020, 1, 1), D(2020, 1, 1), 0, 3, 0, 0, 0},
  {"480 h: 4 stars", 0, 0, 48000, D(2020, 1, 1), D(2020, 1, 1), 0, 4, 0, 0, 0},
  {"599.99 h: 4 stars, no card", 0, 0, 59999, D(2020, 1, 1), D(2020, 1, 1), 0, 4, 0, 0, 0},
  {"600 h: 5 stars, card", 0, 0, 60000, D(2020, 1, 1), D(2020, 1, 1), 0, 5, 0, 0, 1},
  /* 终身荣誉奖 (Art. 8 (6)): 超过 is >, for the span and the hours */
  {"1500 h, span 10 y + 1 d: no", 0, 0, 150000, D(2010, 3, 5), D(2020, 3, 6), 0, 5, 0, 0, 1},
  {"1500.01 h, span 10 y + 1 d: yes", 0, 0, 150001, D(2010, 3, 5), D(2020, 3, 6), 0, 5, 1, 0, 1},
  {"1501 h, span exactly 10 y: no", 0, 0, 150100, D(2010, 3, 5), D(2020, 3, 5), 0, 5, 0, 0, 1},
  {"1501 h, span 10 y + 1 d: yes", 0, 0, 150100, D(2010, 3, 5), D(2020, 3, 6), 0, 5, 1, 0, 1},
  {"1501 h, span 9 y 364 d: no", 0, 0, 150100, D(2010, 3, 5), D(2020, 3, 4), 0, 5, 0, 0, 1},
  {"from 29 Feb: 10 y ends 28 Feb: no", 0, 0, 150100, D(2008, 2, 29), D(2018, 2, 28), 0, 5, 0, 0, 1},
  {"from 29 Feb: 1 Mar is past 10 y: yes", 0, 0, 150100, D(2008, 2, 29), D(2018, 3, 1), 0, 5, 1, 0, 1},
  {"3000 h, short span: no", 0, 0, 300000, D(2019, 1, 1), D(2020, 1, 1), 0, 5, 0, 0, 1},
  {"3000.01 h, short span: yes", 0, 0, 300001, D(2019, 1, 1), D(2020, 1, 1), 0, 5, 1, 0, 1},
  {"3001 h, one day: yes", 0, 0, 300100, D(2020, 1, 1), D(2020, 1, 1), 0, 5, 1, 0, 1},
  {"3000 h, span > 10 y: yes (first branch)", 0, 0, 300000, D(2000, 1, 1), D(2020, 1, 1), 0, 5, 1, 0, 1},
  /* both kinds at once */
  {"8000 ml and 600 h", 8000, 0, 60000, D(2020, 1, 1), D(2020, 1, 2), 3, 5, 0, 0, 1},
  {"7999 ml and 599.99 h: no card", 7999, 0, 59999, D(2020, 1, 1), D(2020, 1, 2), 2, 4, 0, 0, 0},
};

START_TEST(test_award_table)
{
  const struct award_case *c = &award_cases[_i];
  struct station_totals t = {0};
  struct station_levels lv;
  t.whole_blood_ml = c->whole_ml;
  t.platelet_centiunits = c->plt_centi;
  t.volunteer_centih = c->vol_centih;
  t.has_service = c->first != 0 || c->last != 0;
  t.first_service_day = c->first ? DAY(c->first) : 0;
  t.last_service_day = c->last ? DAY(c->last) : 0;
  station_award_levels(&t, &lv);
  ck_assert_msg(lv.level[STATION_AWARD_DONOR_STAR] == c->donor_star, "%s: donor star %u",
                c->what, lv.level[STATION_AWARD_DONOR_STAR]);
  ck_assert_msg(lv.level[STATION_AWARD_VOLUNTEER_STAR] == c->vol_star, "%s: volunteer star %u",
                c->what, lv.level[STATION_AWARD_VOLUNTEER_STAR]);
  ck_assert_msg(lv.level[STATION_AWARD_VOLUNTEER_LIFETIME] == c->vol_life,
                "%s: volunteer lifetime %u", c->what, lv.level[STATION_AWARD_VOLUNTEER_LIFETIME]);
  ck_assert_msg(lv.level[STATION_AWARD_LIFETIME_ACHIEVEMENT] == c->life_ach,
                "%s: lifetime achievement %u", c->what,
                lv.level[STATION_AWARD_LIFETIME_ACHIEVEMENT]);
  ck_assert_msg(station_levels_card_eligible(&lv) == c->card, "%s: card %d", c->what,
                station_levels_card_eligible(&lv));
}
END_TEST

START_TEST(test_card_eligible_table)
{
  /* Art. 18: donor star >= 3, volunteer star 5, either lifetime award. */
  for (unsigned l = 0; l <= 5; l++) {
    ck_assert_int_eq(station_award_card_eligible(STATION_AWARD_DONOR_STAR, l), l >= 3);
    ck_assert_int_eq(station_award_card_eligible(STATION_AWARD_VOLUNTEER_STAR, l), l == 5);
  }
  ck_assert_int_eq(station_award_card_eligible(STATION_AWARD_VOLUNTEER_LIFETIME, 1), 1);
  ck_assert_int_eq(station_award_card_eligible(STATION_AWARD_LIFETIME_ACHIEVEMENT, 1), 1);
  ck_assert_int_eq(station_award_card_eligible(STATION_AWARD_LIFETIME_ACHIEVEMENT, 0), 0);
  ck_assert_int_eq(station_award_card_eligible(99, 5), 0);
}
END_TEST

START_TEST(test_titles)
{
  char t[96];
  ck_assert_str_eq(station_award_title_zh(STATION_AWARD_DONOR_STAR, 3, t, sizeof t),
                   "三星级“献血之星”");
  ck_assert_str_eq(station_award_title_zh(STATION_AWARD_VOLUNTEER_STAR, 5, t, sizeof t),
                   "五星级无偿献血志愿者");
  ck_assert_str_eq(station_award_title_zh(STATION_AWARD_LIFETIME_ACHIEVEMENT, 1, t, sizeof t),
                   "无偿献血终身成就奖");
}
END_TEST

/* ---- ID numbers ---- */

struct idno_case {
  const char *what, *id;
  int status;
};
static const struct idno_case idno_cases[] = {
  {"GB 11643 example", "11010519491231002X", COMMON_ID_OK},
  {"lower-case x accepted", "11010519491231002x", COMMON_ID_OK},
  {"Yulin, check 0", "450902198001011230", COMMON_ID_OK},
  {"wrong check digit", "450902198001011231", COMMON_ID_CHECK_DIGIT},
  {"X where a digit belongs", "45090219800101123X", COMMON_ID_CHECK_DIGIT},
  {"15 digits", "450902800101123", COMMON_ID_LENGTH},
  {"19 characters", "4509021980010112301", COMMON_ID_LENGTH},
  {"letter inside", "4509021980A1011230", COMMON_ID_CHARS},
  {"bad last char", "45090219800101123Y", COMMON_ID_CHARS},
  {"province 00", "000902198001011230", COMMON_ID_REGION},
  {"30 February", "450902198002301230", COMMON_ID_BIRTH_DATE},
  {"month 13", "450902198013011230", COMMON_ID_BIRTH_DATE},
};

START_TEST(test_idno_table)
{
  const struct idno_case *c = &idno_cases[_i];
  char out[19];
  int32_t birth = 0;
  int st = common_id_check(c->id, strlen(c->id), out, &birth);
  ck_assert_msg(st == c->status, "%s: status %d (%s)", c->what, st, common_id_status_text(st));
  if (st == COMMON_ID_OK) {
    ck_assert_int_eq(out[17], c->id[17] == 'x' ? 'X' : c->id[17]);
    ck_assert_int_gt(birth, common_days_from_civil(1900, 1, 1));
  }
}
END_TEST

START_TEST(test_idno_check_char_all)
{
  /* Every check value, X included, round-trips through the validator. */
  char id[19];
  int seen_x = 0;
  for (int i = 0; i < 200; i++) {
    snprintf(id, sizeof id, "45090219800101%03d", i);
    id[17] = common_id_check_char(id);
    id[18] = '\0';
    seen_x |= id[17] == 'X';
    ck_assert_int_eq(common_id_check(id, 18, NULL, NULL), COMMON_ID_OK);
    id[17] = id[17] == '0' ? '1' : '0';
    ck_assert_int_eq(common_id_check(id, 18, NULL, NULL), COMMON_ID_CHECK_DIGIT);
  }
  ck_assert(seen_x);
}
END_TEST

/* ---- dates ---- */

START_TEST(test_dates)
{
  int32_t d;
  char b[16];
  ck_assert_int_eq(common_days_from_civil(1970, 1, 1), 0);
  ck_assert_int_eq(station_date_parse("2020-02-29", 10, &d), STATION_OK);
  ck_assert_str_eq(station_date_format(d, b, sizeof b), "2020-02-29");
  ck_assert_int_eq(station_date_parse("2020/3/5", 8, &d), STATION_OK);
  ck_assert_str_eq(station_date_format(d, b, sizeof b), "2020-03-05");
  ck_assert_int_eq(station_date_parse("2019-02-29", 10, &d), STATION_E_SYNTAX);
  ck_assert_int_eq(station_date_parse("2019-2/28", 9, &d), STATION_E_SYNTAX);
  ck_assert_int_eq(station_date_parse("20190228", 8, &d), STATION_E_SYNTAX);
  ck_assert_int_eq(station_date_parse("1899-12-31", 10, &d), STATION_E_SYNTAX);
  ck_assert_int_eq(station_date_parse("2019-12-31 ", 11, &d), STATION_E_SYNTAX);
  ck_assert_int_eq(station_date_parse("2019-012-31", 11, &d), STATION_E_SYNTAX);
  /* Civil Code Art. 202: no corresponding day -> the month's last day */
  ck_assert_int_eq(common_date_add_years(DAY(D(2008, 2, 29)), 10), DAY(D(2018, 2, 28)));
  ck_assert_int_eq(common_date_add_years(DAY(D(2008, 2, 29)), 12), DAY(D(2020, 2, 29)));
  ck_assert_int_eq(common_date_add_years(DAY(D(2010, 3, 5)), 10), DAY(D(2020, 3, 5)));
  for (int32_t x = DAY(D(1900, 1, 1)); x < DAY(D(2101, 1, 1)); x += 17) {
    int y;
    unsigned m, dd;
    common_civil_from_days(x, &y, &m, &dd);
    ck_assert_int_eq(common_days_from_civil(y, m, dd), x);
  }
}
END_TEST

/* ---- masking ---- */

struct mask_case {
  const char *in, *out;
};
static const struct mask_case name_cases[] = {
  {"张三明", "张*明"}, {"李四", "李*"},     {"欧阳小明", "欧**明"},
  {"王", "*"},         {"", "*"},           {"Li Ming", "L*****g"},
  {"\xff\xfe", "*"},   {"阿卜杜·热合曼", "阿*****曼"},
};

START_TEST(test_mask_names)
{
  char out[STATION_NAME_MAX + 1];
  const struct mask_case *c = &name_cases[_i];
  ck_assert_str_eq(station_mask_name(c->in, out, sizeof out), c->out);
}
END_TEST

START_TEST(test_mask_idno)
{
  char out[19];
  ck_assert_str_eq(station_mask_idno("450902198001011230", out), "450902********1230");
  ck_assert_str_eq(station_mask_idno("4509021980", out), "******************");
  ck_assert_str_eq(station_mask_idno(NULL, out), "******************");
}
END_TEST

START_TEST(test_utf8)
{
  static const struct {
    const char *s;
    size_t ok;
  } c[] = {
    {"abc", 3}, {"中文", 6}, {"\xC0\x80", 0}, {"a\xED\xA0\x80", 1}, {"\xF4\x90\x80\x80", 0},
    {"\xE4\xB8", 0}, {"\xF0\x9F\x98\x80!", 5}, {"\xE0\x9F\x80", 0},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
    ck_assert_uint_eq(common_utf8_valid_prefix(c[i].s, strlen(c[i].s)), c[i].ok);
}
END_TEST

/* ---- unified card numbers ---- */

START_TEST(test_cardno)
{
  char no[COMMON_CARDNO_LEN + 1];
  ck_assert_int_eq(station_cardno_format(2019, 2, 123, no), STATION_OK);
  ck_assert_uint_eq(strlen(no), 16);
  ck_assert(strncmp(no, "YL201902000123", 14) == 0);
  ck_assert(common_cardno_valid(no));
  ck_assert_int_eq(station_cardno_format(2021, 0, 1, no), STATION_OK);
  ck_assert_str_eq(no, "YL20210000000183");
  ck_assert_int_eq(station_cardno_format(1999, 2, 1, no), STATION_E_INVALID_ARG);
  ck_assert_int_eq(station_cardno_format(2019, 100, 1, no), STATION_E_INVALID_ARG);
  ck_assert_int_eq(station_cardno_format(2019, 2, 0, no), STATION_E_INVALID_ARG);
  ck_assert_int_eq(station_cardno_format(2019, 2, 1000000, no), STATION_E_INVALID_ARG);
  ck_assert(!common_cardno_valid("YL2019020001234"));
  ck_assert(!common_cardno_valid("XL20190200012345"));
  ck_assert(!common_cardno_valid(NULL));
  /* Every single wrong digit and every swap of two neighbours is caught. */
  for (unsigned long serial = 1; serial < 400; serial += 7) {
    ck_assert_int_eq(station_cardno_format(2020 + (unsigned)(serial % 5), (unsigned)(serial % 100),
                                           serial, no), STATION_OK);
    ck_assert(common_cardno_valid(no));
    for (size_t i = 2; i < 16; i++) {
      char c = no[i];
      for (char d = '0'; d <= '9'; d++) {
        if (d == c)
          continue;
        no[i] = d;
        ck_assert_msg(!common_cardno_valid(no), "%s: digit %zu", no, i);
      }
      no[i] = c;
      if (i + 1 < 16 && no[i] != no[i + 1]) {
        no[i] = no[i + 1];
        no[i + 1] = c;
        ck_assert_msg(!common_cardno_valid(no), "%s: swap at %zu", no, i);
        no[i + 1] = no[i];
        no[i] = c;
      }
    }
  }
}
END_TEST

START_TEST(test_errors)
{
  ck_assert_str_eq(station_errname(STATION_E_ROWS), "STATION_E_ROWS");
  ck_assert_str_eq(station_errname(12345), "STATION_E_UNKNOWN");
  ck_assert_ptr_nonnull(station_strerror(STATION_E_TOO_LARGE));
}
END_TEST

static Suite *rules_suite(void)
{
  Suite *s = suite_create("station.rules");
  TCase *tc = tcase_create("rules");
  tcase_add_loop_test(tc, test_award_table, 0, (int)(sizeof award_cases / sizeof award_cases[0]));
  tcase_add_test(tc, test_card_eligible_table);
  tcase_add_test(tc, test_titles);
  tcase_add_loop_test(tc, test_idno_table, 0, (int)(sizeof idno_cases / sizeof idno_cases[0]));
  tcase_add_test(tc, test_idno_check_char_all);
  tcase_add_test(tc, test_dates);
  tcase_add_loop_test(tc, test_mask_names, 0, (int)(sizeof name_cases / sizeof name_cases[0]));
  tcase_add_test(tc, test_mask_idno);
  tcase_add_test(tc, test_utf8);
  tcase_add_test(tc, test_cardno);
  tcase_add_test(tc, test_errors);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(rules_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
