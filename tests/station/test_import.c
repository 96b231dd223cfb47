/* Import, rounds and notice through a real SQLite file: valid files, every kind of bad
 * row (all reported, nothing imported), idempotent re-import, overlapping exports,
 * encodings, caps; award rounds (each level once, highest level, order); the notice
 * masked. */
#include <check.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "station/db.h"
#include "station_test_util.h"

#define TODAY common_days_from_civil(2021, 6, 30)

static char id_a[19], id_b[19], id_c[19], id_d[19];
static const char header[] = "record_id,donor_id,id_number,name,date,kind,amount,site\n";

static void ids(void)
{
  st_idno("45090219800101123", id_a);
  st_idno("45092119750512002", id_b);
  st_idno("45098119880808001", id_c);
  st_idno("45090319850707456", id_d);
}

/* A growing CSV text. */
struct text {
  char *s;
  size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (t->s && (size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    t->cap = (t->cap + (size_t)n + 1) * 2;
    t->s = realloc(t->s, t->cap);
    ck_assert_ptr_nonnull(t->s);
  }
}

static struct station_db *open_db(void)
{
  struct station_db *db;
  char why[256];
  ck_assert_int_eq(station_db_open(st_path("station.db"), &db, why, sizeof why), STATION_OK);
  return db;
}

static int import_text(struct station_db *db, const char *name, const struct text *t,
                       struct station_import_result *res)
{
  struct station_import_opts o;
  station_import_opts_default(&o);
  o.today = TODAY;
  st_write(st_path(name), t->s, (long)t->len);
  return station_import_csv(db, st_path(name), &o, res);
}

static long long count(const char *sql)
{
  sqlite3 *h;
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_open(st_path("station.db"), &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  long long n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

/* 1 when some problem is on line `line` and contains `text`. */
static int has_problem(const struct station_import_result *res, unsigned long line,
                       const char *text)
{
  for (size_t i = 0; i < res->problems.n; i++)
    if (res->problems.v[i].line == line && strstr(res->problems.v[i].text, text))
      return 1;
  return 0;
}

static void dump(const struct station_import_result *res)
{
  for (size_t i = 0; i < res->problems.n; i++)
    fprintf(stderr, "  line %lu: %s\n", res->problems.v[i].line, res->problems.v[i].text);
}

START_TEST(test_import_valid_then_idempotent)
{
  struct text t = {0};
  struct station_import_result res;
  st_tmpdir();
  ids();
  /* An extra column (note) is ignored; quoted fields per RFC 4180. */
  add(&t, "record_id,donor_id,id_number,name,date,kind,amount,site,note\n");
  add(&t, "R1,D1,%s,张三明,2019-01-05,whole_blood,400,玉林市中心血站,\n", id_a);
  add(&t, "R2,D1,%s,张三明,2019/7/5,全血,300,\"容县献血屋, 东门\",\n", id_a);
  add(&t, "R3,D2,%s,李四,2019-02-01,platelets,1.5,\"a \"\"quoted\"\" site\",\n", id_b);
  add(&t, "R4,D2,%s,李四,2019-03-01,志愿服务,4.25,s,\"two\nlines\"\n", id_b);
  add(&t, ",,,,,,,,\n");                                      /* spreadsheet padding */
  add(&t, "R5,D3,%s,欧阳小明,2021-06-30,volunteer,24,site,\n", id_c); /* today is fine */
  struct station_db *db = open_db();
  int rc = import_text(db, "a.csv", &t, &res);
  if (rc != STATION_OK)
    dump(&res);
  ck_assert_int_eq(rc, STATION_OK);
  ck_assert_int_eq(res.already_imported, 0);
  ck_assert_uint_eq(res.rows, 5);
  ck_assert_uint_eq(res.added, 5);
  ck_assert_int_eq(res.file.encoding, STATION_CSV_UTF8);
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records"), 5);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM persons"), 3);
  ck_assert_int_eq(count("SELECT amount FROM records WHERE record_id = 'R3'"), 150);
  ck_assert_int_eq(count("SELECT amount FROM records WHERE record_id = 'R4'"), 425);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records r JOIN sites s ON s.id = r.site WHERE s.name = 'a \"quoted\" site'"), 1);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records r JOIN sites s ON s.id = r.site WHERE s.name = '容县献血屋, 东门'"), 1);
  ck_assert_int_eq(count("SELECT line FROM records WHERE record_id = 'R5'"), 8);

  /* The same file again: nothing changes, not even the imports table. */
  rc = import_text(db, "a.csv", &t, &res);
  ck_assert_int_eq(rc, STATION_OK);
  ck_assert_int_eq(res.already_imported, 1);
  ck_assert_uint_eq(res.added, 0);
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records"), 5);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM imports"), 1);

  /* An overlapping export (other bytes: CRLF, one more record): only the new one added. */
  struct text u = {0};
  add(&u, "record_id,donor_id,id_number,name,date,kind,amount,site\r\n");
  add(&u, "R1,D1,%s,张三明,2019-01-05,whole_blood,400,玉林市中心血站\r\n", id_a);
  add(&u, "R6,D1,%s,张三明,2020-01-05,whole_blood,400,玉林市中心血站\r\n", id_a);
  rc = import_text(db, "b.csv", &u, &res);
  ck_assert_int_eq(rc, STATION_OK);
  ck_assert_uint_eq(res.added, 1);
  ck_assert_uint_eq(res.unchanged, 1);
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records"), 6);

  /* A later export correcting a name: the newest import wins. */
  struct text v = {0};
  add(&v, "%sR7,D2,%s,李思,2020-02-01,platelets,1,x\n", header, id_b);
  ck_assert_int_eq(import_text(db, "c.csv", &v, &res), STATION_OK);
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM persons WHERE name = '李思'"), 1);

  struct stat st;
  ck_assert_int_eq(stat(st_path("station.db"), &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  station_db_close(db);
  free(t.s);
  free(u.s);
  free(v.s);
}
END_TEST

START_TEST(test_import_bad_rows_all_reported)
{
  struct text t = {0};
  struct station_import_result res;
  char bad_check[19];
  st_tmpdir();
  ids();
  memcpy(bad_check, id_a, sizeof bad_check);
  bad_check[17] = bad_check[17] == '0' ? '1' : '0';
  add(&t, "%s", header);                                                        /* 1 */
  add(&t, "R1,D1,%s,张三明,2019-01-05,whole_blood,400,s\n", id_a);               /* 2 ok */
  add(&t, "R2,D9,%s,王五,2019-01-05,whole_blood,400,s\n", bad_check);            /* 3 */
  add(&t, "R3,D1,%s,张三明,2019-02-05,whole_blood,-200,s\n", id_a);              /* 4 */
  add(&t, "R4,D1,%s,张三明,2019-03-05,whole_blood,0,s\n", id_a);                 /* 5 */
  add(&t, "R5,D1,%s,张三明,2021-07-01,whole_blood,400,s\n", id_a);               /* 6 */
  add(&t, "R6,D1,%s,张三明,2019-04-05,whole_blood,900,s\n", id_a);               /* 7 */
  add(&t, "R7,D1,%s,张三明,2019-05-05,whole_blood\n", id_a);                     /* 8 */
  add(&t, "R1,D1,%s,张三明,2019-01-05,whole_blood,400,s\n", id_a);               /* 9 */
  add(&t, "R8,D1,%s,张三明,2019-01-05,whole_blood,400,s\n", id_a);               /* 10 */
  add(&t, "R9,D1,%s,张三明,2019-06-05,plasma,400,s\n", id_a);                    /* 11 */
  add(&t, "R10,D1,%s,张三明,2019-13-05,whole_blood,400,s\n", id_a);              /* 12 */
  add(&t, "R11,D1,%s,张三明,2019-06-05,whole_blood,400,s\"x\n", id_a);           /* 13 */
  add(&t, "R12,D1,%s,张三明,2019-06-05,platelets,2.5,s\n", id_a);                /* 14 */
  add(&t, "R13,D1,%s,张三明,2019-06-05,volunteer,25,s\n", id_a);                 /* 15 */
  add(&t, "R14,D1,%s,张三明,2019-06-05,whole_blood,400.5,s\n", id_a);            /* 16 */
  add(&t, "R15,D1,%s,张三明,1979-06-05,whole_blood,400,s\n", id_a);              /* 17 */
  add(&t, "R16,D1,%s,张三明,2019-06-05,volunteer,1.234,s\n", id_a);              /* 18 */
  add(&t, "R17,D1,%s,别人,2019-06-06,whole_blood,400,s\n", id_a);                /* 19 */
  add(&t, "R18,D1,%s,张三明,2019-06-07,whole_blood,400,s\n", id_b);              /* 20 */
  add(&t, "R19,D2,%s,张三明,2019-06-08,whole_blood,400,s\n", id_a);              /* 21 */
  add(&t, "R 20,D1,%s,张三明,2019-06-09,whole_blood,400,\n", id_a);              /* 22 */
  add(&t, "R21,D1,%s,张三明,2019-06-10,whole_blood,400,s\n", id_a);              /* 23 ok */
  struct station_db *db = open_db();
  int rc = import_text(db, "bad.csv", &t, &res);
  ck_assert_int_eq(rc, STATION_E_ROWS);
  ck_assert_uint_eq(res.rows, 22);
  ck_assert_uint_eq(res.bad_rows, 20);
  ck_assert(has_problem(&res, 3, "check digit"));
  ck_assert(has_problem(&res, 4, "more than zero"));
  ck_assert(has_problem(&res, 5, "more than zero"));
  ck_assert(has_problem(&res, 6, "in the future"));
  ck_assert(has_problem(&res, 7, "800 ml"));
  ck_assert(has_problem(&res, 8, "6 fields where the header has 8"));
  ck_assert(has_problem(&res, 9, "duplicate row: same record as line 2"));
  ck_assert(has_problem(&res, 10, "duplicate row: same donor, date, kind, amount and site as line 2"));
  ck_assert(has_problem(&res, 11, "kind:"));
  ck_assert(has_problem(&res, 12, "date: not a date"));
  ck_assert(has_problem(&res, 13, "double quote"));
  ck_assert(has_problem(&res, 14, "2.00 therapeutic units"));
  ck_assert(has_problem(&res, 15, "24.00 hours"));
  ck_assert(has_problem(&res, 16, "whole ml"));
  ck_assert(has_problem(&res, 17, "before the birth date"));
  ck_assert(has_problem(&res, 18, "at most 2 decimals"));
  ck_assert(has_problem(&res, 19, "name: differs from line 2"));
  ck_assert(has_problem(&res, 20, "differs from the one recorded for this donor_id"));
  ck_assert(has_problem(&res, 21, "already recorded for another donor_id"));
  ck_assert(has_problem(&res, 22, "record_id:"));
  ck_assert(has_problem(&res, 22, "site: empty"));
  /* No problem text carries an ID number or a name. */
  for (size_t i = 0; i < res.problems.n; i++) {
    ck_assert_ptr_null(strstr(res.problems.v[i].text, id_a));
    ck_assert_ptr_null(strstr(res.problems.v[i].text, "4509"));
    ck_assert_ptr_null(strstr(res.problems.v[i].text, "张三明"));
  }
  station_import_result_free(&res);
  /* All or nothing: not even the good rows, not the import's row. */
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records"), 0);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM persons"), 0);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM imports"), 0);

  /* A record id imported before, now with other content: refused. */
  struct text u = {0}, w = {0};
  add(&u, "%sR1,D1,%s,张三明,2019-01-05,whole_blood,400,s\n", header, id_a);
  ck_assert_int_eq(import_text(db, "u.csv", &u, &res), STATION_OK);
  station_import_result_free(&res);
  add(&w, "%sR1,D1,%s,张三明,2019-01-05,whole_blood,300,s\n", header, id_a);
  ck_assert_int_eq(import_text(db, "w.csv", &w, &res), STATION_E_ROWS);
  ck_assert(has_problem(&res, 2, "record_id: already used by a different record (line 2 of import #"));
  station_import_result_free(&res);
  station_db_close(db);
  free(t.s);
  free(u.s);
  free(w.s);
}
END_TEST

START_TEST(test_import_header_encoding_caps)
{
  struct text t = {0};
  struct station_import_result res;
  struct station_import_opts o;
  st_tmpdir();
  ids();
  struct station_db *db = open_db();
  /* Missing columns: named, line 1, nothing imported. */
  add(&t, "record_id,donor_id,name,date,kind\nR1,D1,x,2019-01-01,whole_blood\n");
  ck_assert_int_eq(import_text(db, "h.csv", &t, &res), STATION_E_HEADER);
  ck_assert(has_problem(&res, 1, "missing column(s): id_number, amount, site"));
  station_import_result_free(&res);
  t.len = 0;
  add(&t, "record_id,record_id,donor_id,id_number,name,date,kind,amount,site\n");
  ck_assert_int_eq(import_text(db, "h2.csv", &t, &res), STATION_E_HEADER);
  ck_assert(has_problem(&res, 1, "appears twice"));
  station_import_result_free(&res);
  t.len = 0;
  ck_assert_int_eq(import_text(db, "empty.csv", &t, &res), STATION_E_HEADER);
  station_import_result_free(&res);

  /* GBK with Chinese headers, columns in another order, an extra column. */
  t.len = 0;
  add(&t, "\xBC\xC7\xC2\xBC\xB1\xE0\xBA\xC5,\xD0\xD5\xC3\xFB,\xC9\xED\xB7\xDD\xD6\xA4\xBA\xC5,"
          "\xCF\xD7\xD1\xAA\xD5\xDF\xB1\xE0\xBA\xC5,\xC8\xD5\xC6\xDA,\xC0\xE0\xD0\xCD,"
          "\xCA\xFD\xC1\xBF,\xB2\xC9\xD1\xAA\xB5\xD8\xB5\xE3,note\n");
  add(&t, "G1,\xD5\xC5\xC8\xFD,%s,D1,2019-01-05,\xC8\xAB\xD1\xAA,400,x,extra\n", id_a);
  int rc = import_text(db, "gbk.csv", &t, &res);
  if (rc != STATION_OK)
    dump(&res);
  ck_assert_int_eq(rc, STATION_OK);
  ck_assert_int_eq(res.file.encoding, STATION_CSV_GB18030);
  ck_assert_uint_eq(res.added, 1);
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM persons WHERE name = '张三'"), 1);

  /* Neither UTF-8 nor GB18030: refused with the line. */
  t.len = 0;
  add(&t, "%sR9,D1,%s,\xFF\xFE,2019-01-05,whole_blood,400,x\n", header, id_a);
  ck_assert_int_eq(import_text(db, "bin.csv", &t, &res), STATION_E_ENCODING);
  ck_assert(has_problem(&res, 2, "neither UTF-8 nor GBK"));
  station_import_result_free(&res);

  /* The problem cap: 3000 bad rows, 100 kept, the rest counted. */
  t.len = 0;
  add(&t, "%s", header);
  for (int i = 0; i < 3000; i++)
    add(&t, "B%d,D1,%s,张三,2019-01-05,whole_blood,-1,x\n", i, id_a);
  station_import_opts_default(&o);
  o.today = TODAY;
  o.max_problems = 100;
  st_write(st_path("many.csv"), t.s, (long)t.len);
  ck_assert_int_eq(station_import_csv(db, st_path("many.csv"), &o, &res), STATION_E_ROWS);
  ck_assert_uint_eq(res.bad_rows, 3000);
  ck_assert_uint_eq(res.problems.n, 100);
  ck_assert_uint_eq(res.problems.dropped, 2900);
  station_import_result_free(&res);

  /* A file over the configured cap: refused, nothing imported. */
  o.limits.max_file = 64 * 1024;
  ck_assert_int_eq(station_import_csv(db, st_path("many.csv"), &o, &res), STATION_E_TOO_LARGE);
  ck_assert(has_problem(&res, 0, "larger than the limit of 65536 bytes"));
  station_import_result_free(&res);
  /* A record over the line cap: refused with its line. */
  station_import_opts_default(&o);
  o.today = TODAY;
  o.limits.max_record = 100;
  t.len = 0;
  add(&t, "%sR1,D1,%s,张三,2019-01-05,whole_blood,400,x\nR2,D1,%s,张三,2019-01-06,whole_blood,400,"
          "%0100d\n", header, id_a, id_a, 0);
  st_write(st_path("long.csv"), t.s, (long)t.len);
  ck_assert_int_eq(station_import_csv(db, st_path("long.csv"), &o, &res), STATION_E_TOO_LARGE);
  ck_assert(has_problem(&res, 3, "record longer than the limit of 100 bytes"));
  station_import_result_free(&res);
  ck_assert_int_eq(count("SELECT COUNT(*) FROM records"), 1);
  station_db_close(db);
  free(t.s);
}
END_TEST

/* ---- rounds ---- */

struct collect {
  char text[4096];
  size_t len;
};

static int collect_awardee(void *user, const struct station_awardee *a)
{
  struct collect *c = user;
  c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%s:%d:%u:%d\n",
                             a->masked_name, a->award, a->level, a->card_eligible);
  return 0;
}

START_TEST(test_rounds_each_level_once)
{
  struct text t = {0};
  struct station_import_result res;
  struct station_round_summary sum;
  struct collect c;
  st_tmpdir();
  ids();
  add(&t, "%s", header);
  /* A: 22 x 400 = 8800 ml by 2019 (3 stars), 25 x 400 = 10000 by 2021 (4 stars). */
  for (int i = 0; i < 25; i++)
    add(&t, "A%d,DA,%s,张三明,%d-%02d-01,whole_blood,400,s\n", i, id_a, 2009 + i / 2,
        i % 2 ? 7 : 1);
  /* B: 4000 ml by 2019 (1 star), nothing more: not awarded again in 2021. */
  for (int i = 0; i < 10; i++)
    add(&t, "B%d,DB,%s,李四,%d-03-01,whole_blood,400,s\n", i, id_b, 2009 + i);
  /* C: 600 h of service from 2008 to 2019 and 1501 h by 2021: 5 stars, then lifetime. */
  for (int i = 0; i < 150; i++)
    add(&t, "C%d,DC,%s,欧阳小明,%d-%02d-%02d,volunteer,4,s\n", i, id_c, 2008 + i / 14,
        1 + i % 14 % 12, 1 + i % 14);
  for (int i = 0; i < 113; i++)
    add(&t, "C2_%d,DC,%s,欧阳小明,2020-%02d-%02d,volunteer,8,s\n", i, id_c, 1 + i / 10,
        1 + i % 10);
  add(&t, "C3x,DC,%s,欧阳小明,2021-01-20,volunteer,5.01,s\n", id_c);
  /* D: 3999 ml: never anything. */
  add(&t, "D1,DD,%s,王五,2015-01-01,whole_blood,399,s\n", id_d);
  for (int i = 0; i < 9; i++)
    add(&t, "D%d,DD,%s,王五,%d-05-01,whole_blood,400,s\n", i + 2, id_d, 2010 + i);
  struct station_db *db = open_db();
  int rc = import_text(db, "r.csv", &t, &res);
  if (rc != STATION_OK)
    dump(&res);
  ck_assert_int_eq(rc, STATION_OK);
  station_import_result_free(&res);

  int32_t cut19 = common_days_from_civil(2019, 12, 31), cut21 = TODAY;
  ck_assert_int_eq(station_round_evaluate(db, "2019", cut19, TODAY, &sum), STATION_OK);
  ck_assert_uint_eq(sum.persons, 4);
  ck_assert_uint_eq(sum.awardees, 3);
  ck_assert_uint_eq(sum.by_level[STATION_AWARD_DONOR_STAR][3], 1);
  ck_assert_uint_eq(sum.by_level[STATION_AWARD_DONOR_STAR][1], 1);
  ck_assert_uint_eq(sum.by_level[STATION_AWARD_VOLUNTEER_STAR][5], 1);
  ck_assert_uint_eq(sum.card_eligible, 2);
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(station_round_awardees(db, "2019", collect_awardee, &c), STATION_OK);
  ck_assert_str_eq(c.text, "张*明:1:3:1\n李*:1:1:0\n欧**明:2:5:1\n");

  /* Re-running the latest round gives the same. */
  ck_assert_int_eq(station_round_evaluate(db, "2019", cut19, TODAY, &sum), STATION_OK);
  ck_assert_uint_eq(sum.awardees, 3);

  ck_assert_int_eq(station_round_evaluate(db, "2021", cut21, TODAY, &sum), STATION_OK);
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(station_round_awardees(db, "2021", collect_awardee, &c), STATION_OK);
  /* A rises to 4 stars; B is not awarded 1 star again; C gets the lifetime honour and
   * not the 5 stars again. */
  ck_assert_str_eq(c.text, "张*明:1:4:1\n欧**明:3:1:1\n");

  /* Order and dates. */
  ck_assert_int_eq(station_round_evaluate(db, "2019", cut19, TODAY, &sum), STATION_E_STATE);
  ck_assert_int_eq(station_round_evaluate(db, "2020", cut19, TODAY, &sum), STATION_E_STATE);
  ck_assert_int_eq(station_round_evaluate(db, "2023", TODAY + 1, TODAY, &sum),
                   STATION_E_INVALID_ARG);
  ck_assert_int_eq(station_round_evaluate(db, "bad id!", TODAY, TODAY, &sum),
                   STATION_E_INVALID_ARG);
  ck_assert_int_eq(station_round_awardees(db, "1999", collect_awardee, &c), STATION_E_NOT_FOUND);

  /* The notice: masked only. */
  FILE *f = fopen(st_path("notice.csv"), "w");
  ck_assert_int_eq(station_notice_csv(db, "2019", f), STATION_OK);
  fclose(f);
  f = fopen(st_path("notice.html"), "w");
  ck_assert_int_eq(station_notice_html(db, "2019", f), STATION_OK);
  fclose(f);
  char *csv = st_read(st_path("notice.csv"), NULL);
  char *html = st_read(st_path("notice.html"), NULL);
  ck_assert_ptr_nonnull(strstr(csv, "2019,donor_star,3,三星级“献血之星”,张*明,450902********1230,是\r\n"));
  ck_assert_ptr_nonnull(strstr(html, "<td>张*明</td><td class=\"id\">450902********1230</td>"));
  ck_assert_ptr_nonnull(strstr(html, "@media print"));
  const char *secret[] = {id_a, id_b, id_c, id_d, "张三明", "李四", "欧阳小明", "王五"};
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
    ck_assert_ptr_null(strstr(csv, secret[i]));
    ck_assert_ptr_null(strstr(html, secret[i]));
  }
  free(csv);
  free(html);
  station_db_close(db);
  free(t.s);
}
END_TEST

/* A version-1 database (before the issuer key id and the round's procedure) opens as
 * version 3 with the columns and tables added and its rows kept; a newer version than
 * the program is refused. */
START_TEST(test_schema_v1_to_v2)
{
  st_tmpdir();
  station_db_close(open_db());
  sqlite3 *h;
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_open(st_path("station.db"), &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(h, "ALTER TABLE cards DROP COLUMN issuer_key_id;"
                                   " DROP TABLE round_events; DROP TABLE objections;"
                                   " DROP TABLE cash_awards; DROP TABLE exports;"
                                   " ALTER TABLE rounds DROP COLUMN state;"
                                   " ALTER TABLE rounds DROP COLUMN decided_day;"
                                   " ALTER TABLE rounds DROP COLUMN minutes_ref;"
                                   " ALTER TABLE rounds DROP COLUMN reviewed_day;"
                                   " ALTER TABLE rounds DROP COLUMN review_ref;"
                                   " ALTER TABLE rounds DROP COLUMN notice_start;"
                                   " ALTER TABLE rounds DROP COLUMN notice_days;"
                                   " ALTER TABLE rounds DROP COLUMN notice_contact;"
                                   " ALTER TABLE rounds DROP COLUMN awarded_day;"
                                   " ALTER TABLE rounds DROP COLUMN award_doc;"
                                   " ALTER TABLE rounds DROP COLUMN closed_day;"
                                   " ALTER TABLE awards DROP COLUMN struck;"
                                   " ALTER TABLE awards DROP COLUMN struck_reason;"
                                   " ALTER TABLE awards DROP COLUMN struck_day;"
                                   " PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  station_db_close(open_db());
  ck_assert_int_eq(sqlite3_open(st_path("station.db"), &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT issuer_key_id FROM cards", -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_int_eq(sqlite3_column_int(st, 0), 3);
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT state FROM rounds", -1, &st, NULL), SQLITE_OK);
  sqlite3_finalize(st);
  ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 4", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  struct station_db *db = NULL;
  char why[256];
  ck_assert_int_eq(station_db_open(st_path("station.db"), &db, why, sizeof why), STATION_E_DB);
  ck_assert_ptr_nonnull(strstr(why, "newer than this program"));
}
END_TEST

static Suite *import_suite(void)
{
  Suite *s = suite_create("station.import");
  TCase *tc = tcase_create("import");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_import_valid_then_idempotent);
  tcase_add_test(tc, test_import_bad_rows_all_reported);
  tcase_add_test(tc, test_import_header_encoding_caps);
  tcase_add_test(tc, test_rounds_each_level_once);
  tcase_add_test(tc, test_schema_v1_to_v2);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(import_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
