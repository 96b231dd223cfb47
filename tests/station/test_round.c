/* The award round's procedure through a real SQLite file (station/round.h): every state
 * in order, steps out of order refused with the missing step named, strikes, an
 * objection upheld and one rejected, the notice's period, applications refused before
 * "awarded", a withdrawal revoking the card issued on the award. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/award.h"
#include "station/honours.h"
#include "station/issue.h"
#include "station/round.h"
#include "station_test_util.h"

#define TODAY common_days_from_civil(2021, 6, 30)

static char id_a[19], id_b[19], id_c[19], id_d[19], id_e[19];
static const uint8_t photo[] = {0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9};

static struct station_db *setup(void)
{
  st_tmpdir();
  st_idno("45090219800101123", id_a);
  st_idno("45092119750512002", id_b);
  st_idno("45098119880808001", id_c);
  st_idno("45090319850707456", id_d);
  st_idno("45090219700303002", id_e);
  char csv[32768];
  size_t n = (size_t)snprintf(csv, sizeof csv,
                              "record_id,donor_id,id_number,name,date,kind,amount,site\n");
  const char *ids[5] = {id_a, id_b, id_c, id_d, id_e};
  const char *names[5] = {"张三明", "李四", "王小五", "赵六", "欧阳小明"};
  for (int p = 0; p < 5; p++) {
    /* D: 4000 ml, one star; E: 63 x 800 = 50400 ml, the lifetime achievement and five
     * stars; the others 8000 ml, three stars. */
    int count = p == 3 ? 10 : p == 4 ? 63 : 20;
    for (int i = 0; i < count; i++) {
      char d[16];
      station_date_format(TODAY - 100 - 30 * i, d, sizeof d);
      n += (size_t)snprintf(csv + n, sizeof csv - n, "R%d-%d,D%d,%s,%s,%s,whole_blood,%d,s\n",
                            p, i, p, ids[p], names[p], d, p == 4 ? 800 : 400);
    }
  }
  st_write(st_path("r.csv"), csv, (long)n);
  struct station_db *db;
  char why[256];
  ck_assert_int_eq(station_db_open(st_path("station.db"), &db, why, sizeof why), STATION_OK);
  struct station_import_opts o;
  struct station_import_result res;
  station_import_opts_default(&o);
  o.today = TODAY;
  ck_assert_int_eq(station_import_csv(db, st_path("r.csv"), &o, &res), STATION_OK);
  station_import_result_free(&res);
  ck_assert_int_eq(station_round_evaluate(db, "2021", TODAY - 60, TODAY, NULL), STATION_OK);
  return db;
}

static int64_t person_of(struct station_db *db, const char *idno)
{
  int64_t p = 0;
  ck_assert_int_eq(station_person_find(db, idno, &p), STATION_OK);
  return p;
}

static int apply(struct station_db *db, const char *idno, const char *name, char *why,
                 size_t cap)
{
  struct station_application a = {idno, name, photo, sizeof photo, TODAY, NULL};
  int64_t app = 0;
  return station_apply(db, &a, &app, why, cap);
}

static int state_of(struct station_db *db)
{
  int s = 0;
  ck_assert_int_eq(station_round_state(db, "2021", &s), STATION_OK);
  return s;
}

static char *file_text(struct station_db *db, int html)
{
  const char *path = st_path(html ? "notice.html" : "show.txt");
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  if (html)
    ck_assert_int_eq(station_notice_html(db, "2021", f), STATION_OK);
  else
    ck_assert_int_eq(station_round_show(db, "2021", f), STATION_OK);
  fclose(f);
  return st_read(path, NULL);
}

START_TEST(test_round_whole)
{
  struct station_db *db = setup();
  char why[300] = "";
  struct station_round_step s = {"clerk1", TODAY - 30, "LG-2021-07", 0, NULL};

  /* Out of order: the award before the decision names the decision. */
  s.ref = "玉政函〔2021〕9号";
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_AWARDED, &s, TODAY, why,
                                         sizeof why), STATION_E_STATE);
  ck_assert_msg(strstr(why, "missing step: the evaluation leading group's decision"), "%s", why);
  /* Applying before the award: refused, naming the round's state and the missing step. */
  ck_assert_int_eq(apply(db, id_a, "张三明", why, sizeof why), STATION_E_NOT_ELIGIBLE);
  ck_assert_msg(strstr(why, "round 2021 is evaluated") && strstr(why, "missing step"), "%s", why);

  /* The leading group strikes D (one star, no card) with a reason, then decides. */
  ck_assert_int_eq(station_round_strike(db, "2021", person_of(db, id_d), COMMON_AWARD_DONOR_STAR,
                                        "clerk1", "记录待核实", TODAY, NULL, why, sizeof why),
                   STATION_OK);
  s.ref = NULL;
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_DECIDED, &s, TODAY, why,
                                         sizeof why), STATION_E_INVALID_ARG); /* no minutes */
  s.ref = "LG-2021-07";
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_DECIDED, &s, TODAY, why,
                                         sizeof why), STATION_OK);
  ck_assert_int_eq(state_of(db), STATION_ROUND_DECIDED);
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_DECIDED, &s, TODAY, why,
                                         sizeof why), STATION_E_STATE);
  ck_assert_msg(strstr(why, "already decided"), "%s", why);
  /* Decided: no re-evaluation, no objection yet (the review is missing). */
  ck_assert_int_eq(station_round_evaluate(db, "2021", TODAY - 60, TODAY, NULL), STATION_E_STATE);
  int64_t obj_b = 0, obj_c = 0;
  ck_assert_int_eq(station_round_object(db, "2021", person_of(db, id_b), COMMON_AWARD_DONOR_STAR,
                                        TODAY - 20, "x", "clerk1", TODAY, &obj_b, why, sizeof why),
                   STATION_E_STATE);
  ck_assert_msg(strstr(why, "missing step: the blood donation committee's final review"), "%s",
                why);
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_NOTICE, &s, TODAY, why,
                                         sizeof why), STATION_E_STATE);
  ck_assert_msg(strstr(why, "final review"), "%s", why);

  s.ref = NULL;
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_REVIEWED, &s, TODAY, why,
                                         sizeof why), STATION_OK);
  /* The notice needs its period and where to object. */
  s.day = TODAY - 20;
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_NOTICE, &s, TODAY, why,
                                         sizeof why), STATION_E_INVALID_ARG);
  s.days = 7;
  s.contact = "玉林市无偿献血委员会办公室（电话 0775-2000000）";
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_NOTICE, &s, TODAY, why,
                                         sizeof why), STATION_OK);
  char *html = file_text(db, 1);
  ck_assert_msg(strstr(html, "公示期：2021-06-10 至 2021-06-16（7 天）"), "no period");
  ck_assert_ptr_nonnull(strstr(html, "0775-2000000"));
  ck_assert_ptr_null(strstr(html, "赵*")); /* struck by the leading group: not announced */
  ck_assert_ptr_nonnull(strstr(html, "李*"));
  free(html);
  /* During the notice nothing is struck except through an objection. */
  ck_assert_int_eq(station_round_strike(db, "2021", person_of(db, id_b), COMMON_AWARD_DONOR_STAR,
                                        "clerk1", "x", TODAY, NULL, why, sizeof why),
                   STATION_E_STATE);

  /* Objections: one outside the period, one against an award not held, two good ones. */
  ck_assert_int_eq(station_round_object(db, "2021", person_of(db, id_b), COMMON_AWARD_DONOR_STAR,
                                        TODAY - 13, "late", "clerk1", TODAY, &obj_b, why,
                                        sizeof why), STATION_E_STATE);
  ck_assert_int_eq(station_round_object(db, "2021", person_of(db, id_b),
                                        COMMON_AWARD_LIFETIME_ACHIEVEMENT, TODAY - 18, "x",
                                        "clerk1", TODAY, &obj_b, why, sizeof why),
                   STATION_E_NOT_FOUND);
  ck_assert_int_eq(station_round_object(db, "2021", person_of(db, id_b), COMMON_AWARD_DONOR_STAR,
                                        TODAY - 18, "献血记录重复计算", "clerk1", TODAY, &obj_b,
                                        why, sizeof why), STATION_OK);
  ck_assert_int_eq(station_round_object(db, "2021", person_of(db, id_c), COMMON_AWARD_DONOR_STAR,
                                        TODAY - 14, "匿名异议", "clerk2", TODAY, &obj_c, why,
                                        sizeof why), STATION_OK);
  /* The award: refused while the period runs, then while objections wait. */
  s.day = TODAY - 15;
  s.ref = "玉政函〔2021〕9号";
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_AWARDED, &s, TODAY, why,
                                         sizeof why), STATION_E_STATE);
  ck_assert_msg(strstr(why, "runs until 2021-06-16"), "%s", why);
  s.day = TODAY - 10;
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_AWARDED, &s, TODAY, why,
                                         sizeof why), STATION_E_STATE);
  ck_assert_msg(strstr(why, "2 objection(s) not ruled on"), "%s", why);
  ck_assert_int_eq(station_round_rule(db, obj_b, STATION_OBJECTION_UPHELD, "核实后重复", "lead1",
                                      TODAY, why, sizeof why), STATION_OK);
  ck_assert_int_eq(station_round_rule(db, obj_b, STATION_OBJECTION_REJECTED, "x", "lead1", TODAY,
                                      why, sizeof why), STATION_E_STATE);
  ck_assert_int_eq(station_round_rule(db, obj_c, STATION_OBJECTION_REJECTED, "无事实依据", "lead1",
                                      TODAY, why, sizeof why), STATION_OK);
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_AWARDED, &s, TODAY, why,
                                         sizeof why), STATION_OK);
  ck_assert_int_eq(state_of(db), STATION_ROUND_AWARDED);

  /* Awarded: A and C (objection rejected) can apply; B (upheld) cannot. */
  ck_assert_int_eq(apply(db, id_a, "张三明", why, sizeof why), STATION_OK);
  ck_assert_int_eq(apply(db, id_c, "王小五", why, sizeof why), STATION_OK);
  ck_assert_int_eq(apply(db, id_b, "李四", why, sizeof why), STATION_E_NOT_ELIGIBLE);

  s.day = TODAY;
  ck_assert_int_eq(station_round_advance(db, "2021", STATION_ROUND_CLOSED, &s, TODAY, why,
                                         sizeof why), STATION_OK);
  char *show = file_text(db, 0);
  static const char *const journal[] = {"strike", "decide", "review", "publish", "object",
                                        "uphold", "reject", "award", "close", "clerk2", "lead1",
                                        "LG-2021-07", "decided -> reviewed", "awarded -> closed"};
  for (size_t i = 0; i < sizeof journal / sizeof journal[0]; i++)
    ck_assert_msg(strstr(show, journal[i]), "journal lacks %s:\n%s", journal[i], show);
  ck_assert_ptr_null(strstr(show, id_b));
  ck_assert_ptr_null(strstr(show, "李四"));
  free(show);
  station_db_close(db);
}
END_TEST

/* A stand-in card writer: the card part is tested through pcscd in station.cards; here
 * only the round's effect on an issued card matters. */
static int stub_personalize(void *ctx, const struct station_card_request *req, char *why,
                            size_t cap)
{
  (void)ctx, (void)req, (void)why, (void)cap;
  return STATION_OK;
}

START_TEST(test_round_withdraw_revokes)
{
  struct station_db *db = setup();
  char why[300] = "";
  st_round_award(db, "2021", TODAY);
  struct station_application a = {id_a, "张三明", photo, sizeof photo, TODAY, NULL};
  int64_t app = 0;
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_OK);
  struct station_card_writer w = {stub_personalize, NULL, NULL};
  struct station_issue_opts o = {0, TODAY, 0, &w, NULL, "clerk1"};
  struct station_issued out;
  ck_assert_int_eq(station_issue(db, app, &o, &out, why, sizeof why), STATION_OK);
  int revoked = 1;
  ck_assert_int_eq(station_card_revoked(db, out.card_no, 0, &revoked, NULL), STATION_OK);
  ck_assert_int_eq(revoked, 0);
  /* Withdrawn after the award: the card issued on it is revoked, and the centre will
   * learn it from the outbox. */
  ck_assert_int_eq(station_round_strike(db, "2021", person_of(db, id_a), COMMON_AWARD_DONOR_STAR,
                                        "lead1", "骗取荣誉", TODAY, NULL, why, sizeof why),
                   STATION_OK);
  ck_assert_msg(strstr(why, "1 card(s)"), "%s", why);
  ck_assert_int_eq(station_card_revoked(db, out.card_no, 0, &revoked, NULL), STATION_OK);
  ck_assert_int_eq(revoked, 1);
  /* Withdrawing again: nothing in force. */
  ck_assert_int_eq(station_round_strike(db, "2021", person_of(db, id_a), COMMON_AWARD_DONOR_STAR,
                                        "lead1", "x", TODAY, NULL, why, sizeof why),
                   STATION_E_NOT_FOUND);
  station_db_close(db);
}
END_TEST

static int has(const char *path, const char *text)
{
  char *s = st_read(path, NULL);
  int r = strstr(s, text) != NULL;
  free(s);
  return r;
}

static unsigned mode_of(const char *path)
{
  struct stat sb;
  ck_assert_int_eq(stat(path, &sb), 0);
  return (unsigned)(sb.st_mode & 0777);
}

/* Certificates and plaques, the cash ledger (paid, then struck after payment), the
 * integrity export: only after the award, files 0600, names and ID numbers only where
 * they belong. */
START_TEST(test_honours)
{
  struct station_db *db = setup();
  char why[300] = "";
  struct station_cert_result cr;
  ck_assert_int_eq(station_certificates_write(db, "2021", st_path(""), &cr, why, sizeof why),
                   STATION_E_STATE);
  ck_assert_msg(strstr(why, "missing step: the evaluation leading group's decision"), "%s", why);
  unsigned long rows = 0;
  ck_assert_int_eq(station_integrity_export(db, "2021", st_path("ir.csv"), "clerk1", TODAY, &rows,
                                            why, sizeof why), STATION_E_STATE);
  st_round_award(db, "2021", TODAY);

  ck_assert_int_eq(station_certificates_write(db, "2021", st_path("."), &cr, why, sizeof why),
                   STATION_OK);
  /* A (3 stars), B, C (3 stars), D (1 star), E (5 stars + lifetime achievement): 6. */
  ck_assert_uint_eq(cr.certificates, 6);
  ck_assert_uint_eq(cr.plaques, 1);
  ck_assert_uint_eq(mode_of(cr.html_path), 0600);
  ck_assert_uint_eq(mode_of(cr.plaques_path), 0600);
  static const char *const want[] = {"荣誉证书", "张三明", "欧阳小明", "无偿献血终身成就奖",
                                     "玉林市无偿献血委员会", "玉林市人民政府",
                                     "玉政函〔2021〕1号", "2021年6月29日", "size:A4 landscape"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    ck_assert_msg(has(cr.html_path, want[i]), "certificates lack %s", want[i]);
  ck_assert(!has(cr.html_path, id_a)); /* no ID number on a certificate */
  ck_assert(has(cr.plaques_path, "lifetime_achievement"));
  ck_assert(has(cr.plaques_path, "欧**明"));
  ck_assert(!has(cr.plaques_path, "欧阳小明"));
  ck_assert_int_eq(station_certificates_write(db, "2021", st_path("."), &cr, why, sizeof why),
                   STATION_E_EXISTS);

  /* The ledger: E's 10,000 yuan due, paid, then withdrawn: flagged, not dropped. */
  FILE *f = fopen(st_path("ledger.csv"), "w");
  ck_assert_int_eq(station_ledger_csv(db, "2021", f, why, sizeof why), STATION_OK);
  fclose(f);
  ck_assert(has(st_path("ledger.csv"), "lifetime_achievement,无偿献血终身成就奖,10000,"));
  ck_assert(has(st_path("ledger.csv"), ",due,"));
  int64_t e = person_of(db, id_e);
  ck_assert_int_eq(station_ledger_pay(db, "2021", e, COMMON_AWARD_DONOR_STAR, TODAY, "V-1",
                                      "fin1", TODAY, why, sizeof why), STATION_E_NOT_FOUND);
  ck_assert_int_eq(station_ledger_pay(db, "2021", e, COMMON_AWARD_LIFETIME_ACHIEVEMENT, TODAY,
                                      "凭证 2021-0815", "fin1", TODAY, why, sizeof why),
                   STATION_OK);
  ck_assert_int_eq(station_ledger_pay(db, "2021", e, COMMON_AWARD_LIFETIME_ACHIEVEMENT, TODAY,
                                      "V-2", "fin1", TODAY, why, sizeof why), STATION_E_STATE);
  f = fopen(st_path("ledger2.csv"), "w");
  ck_assert_int_eq(station_ledger_csv(db, "2021", f, why, sizeof why), STATION_OK);
  fclose(f);
  ck_assert(has(st_path("ledger2.csv"), ",paid,2021-06-30,凭证 2021-0815"));
  ck_assert_int_eq(station_round_strike(db, "2021", e, COMMON_AWARD_LIFETIME_ACHIEVEMENT, "lead1",
                                        "记录造假", TODAY, NULL, why, sizeof why), STATION_OK);
  f = fopen(st_path("ledger3.csv"), "w");
  ck_assert_int_eq(station_ledger_csv(db, "2021", f, why, sizeof why), STATION_OK);
  fclose(f);
  ck_assert(has(st_path("ledger3.csv"), "RECOVER: struck after payment"));
  ck_assert(!has(st_path("ledger3.csv"), id_e));
  ck_assert(!has(st_path("ledger3.csv"), "欧阳小明"));

  /* The integrity record: ID numbers in clear, no names, 0600, logged, never overwritten. */
  ck_assert_int_eq(station_integrity_export(db, "2021", st_path("ir.csv"), "clerk1", TODAY, &rows,
                                            why, sizeof why), STATION_OK);
  ck_assert_uint_eq(rows, 5); /* E's lifetime achievement is withdrawn */
  ck_assert_uint_eq(mode_of(st_path("ir.csv")), 0600);
  ck_assert(has(st_path("ir.csv"), "record_type,round,id_number,award,level"));
  ck_assert(has(st_path("ir.csv"), id_a));
  ck_assert(has(st_path("ir.csv"), "blood_donation_award,2021,"));
  ck_assert(!has(st_path("ir.csv"), "张三明"));
  ck_assert(!has(st_path("ir.csv"), "lifetime_achievement"));
  ck_assert_int_eq(station_integrity_export(db, "2021", st_path("ir.csv"), "clerk1", TODAY, &rows,
                                            why, sizeof why), STATION_E_EXISTS);
  char *show = file_text(db, 0);
  ck_assert_ptr_nonnull(strstr(show, "export"));
  ck_assert_ptr_nonnull(strstr(show, "pay"));
  ck_assert_ptr_null(strstr(show, id_e));
  free(show);
  station_db_close(db);
}
END_TEST

START_TEST(test_notice_config)
{
  st_tmpdir();
  struct station_notice_config cfg;
  char why[300];
  st_write(st_path("ok.ini"), "[notice]\ndays = 7\ncontact = 市献血办 0775-1\n", -1);
  ck_assert_int_eq(station_notice_config_load(st_path("ok.ini"), &cfg, why, sizeof why),
                   STATION_OK);
  ck_assert_uint_eq(cfg.days, 7);
  ck_assert_str_eq(cfg.contact, "市献血办 0775-1");
  static const char *const bad[] = {
      "[notice]\ndays = 0\n", "[notice]\ndays = 61\n", "[notice]\ndays = 7x\n",
      "[notice]\nwho = x\n", "[other]\ndays = 7\n", "days = 7\n", "[notice]\ndays = 7\ndays = 8\n",
      "[notice]\ncontact = \x01\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    st_write(st_path("bad.ini"), bad[i], -1);
    ck_assert_msg(station_notice_config_load(st_path("bad.ini"), &cfg, why, sizeof why) != 0,
                  "accepted %zu", i);
  }
  ck_assert_int_eq(station_notice_config_load(st_path("missing.ini"), &cfg, why, sizeof why),
                   STATION_E_IO);
}
END_TEST

static Suite *round_suite(void)
{
  Suite *s = suite_create("station.round");
  TCase *tc = tcase_create("round");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_round_whole);
  tcase_add_test(tc, test_round_withdraw_revokes);
  tcase_add_test(tc, test_notice_config);
  tcase_add_test(tc, test_honours);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(round_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
