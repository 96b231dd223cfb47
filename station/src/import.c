/* Import of the blood service information system's CSV export: header mapping, row
 * validation, duplicate detection and the all-or-nothing transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "station_int.h"

/* ------------------------------------------------------------------ kinds -- */

int station_kind_parse(const char *s, size_t len, enum station_kind *out)
{
  static const struct {
    const char *text;
    enum station_kind kind;
  } names[] = {
    {"whole_blood", STATION_KIND_WHOLE_BLOOD}, {"全血", STATION_KIND_WHOLE_BLOOD},
    {"platelets", STATION_KIND_PLATELETS},     {"机采血小板", STATION_KIND_PLATELETS},
    {"单采血小板", STATION_KIND_PLATELETS},    {"血小板", STATION_KIND_PLATELETS},
    {"volunteer", STATION_KIND_VOLUNTEER},     {"志愿服务", STATION_KIND_VOLUNTEER},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strlen(names[i].text) == len && memcmp(names[i].text, s, len) == 0) {
      *out = names[i].kind;
      return STATION_OK;
    }
  }
  return STATION_E_NOT_FOUND;
}

const char *station_kind_token(int kind)
{
  switch (kind) {
#define STATION_X_KT(name, value, token, zh, unit)                                       \
  case (value):                                                                          \
    return (token);
    STATION_KIND_MAP(STATION_X_KT)
#undef STATION_X_KT
  default:
    return NULL;
  }
}

/* ---------------------------------------------------------------- columns -- */

enum imp_col { COL_RECORD_ID, COL_DONOR_ID, COL_ID_NUMBER, COL_NAME, COL_DATE, COL_KIND,
               COL_AMOUNT, COL_SITE, COL_COUNT };

static const struct {
  const char *name;       /* the documented English name */
  const char *aliases[4]; /* Chinese headers accepted too */
} imp_columns[COL_COUNT] = {
  [COL_RECORD_ID] = {"record_id", {"记录编号", "记录号", NULL}},
  [COL_DONOR_ID] = {"donor_id", {"献血者编号", "献血者ID", NULL}},
  [COL_ID_NUMBER] = {"id_number", {"身份证号", "身份证号码", "证件号码", NULL}},
  [COL_NAME] = {"name", {"姓名", NULL}},
  [COL_DATE] = {"date", {"日期", "献血日期", "服务日期", NULL}},
  [COL_KIND] = {"kind", {"类型", "献血类型", NULL}},
  [COL_AMOUNT] = {"amount", {"数量", "献血量", NULL}},
  [COL_SITE] = {"site", {"采血地点", "地点", "服务地点", NULL}},
};

#define IMP_RECORD_ID_MAX 64u
#define STATION_IMPORT_CACHE_KIB "262144" /* 256 MiB at most, only while importing */
#define IMP_DONOR_ID_MAX 32u
#define IMP_SITE_MAX 128u
#define IMP_SITE_CACHE 64u

struct imp {
  struct station_db *db;
  const struct station_import_opts *o;
  struct station_import_result *res;
  int header_done;
  int col[COL_COUNT]; /* field index of each column */
  size_t nheader;
  int64_t import_id;
  sqlite3_stmt *site_get, *site_ins;
  /* Sites seen in this import (a handful in practice; a miss goes to the table). */
  struct {
    char name[IMP_SITE_MAX + 1];
    int64_t id;
  } sites[IMP_SITE_CACHE];
  size_t nsites;
  sqlite3_stmt *imp_find, *imp_ins, *person_get, *person_by_idno, *person_ins, *person_name,
      *rec_ins, *rec_get, *rec_dup;
  /* The last person seen: exports are mostly grouped by donor. */
  int have_last;
  char last_donor[IMP_DONOR_ID_MAX + 1];
  char last_idno[COMMON_ID_LEN + 1];
  char last_name[STATION_NAME_MAX + 1];
  int64_t last_person, last_import;
  unsigned long last_line;
  int db_failed;
  const char *file; /* the file's base name, for the imports table */
};

static void imp_trim(const char **s, size_t *len)
{
  while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
    (*s)++;
    (*len)--;
  }
  while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
    (*len)--;
}

static int imp_header(struct imp *m, const struct station_csv_rec *rec)
{
  struct station_import_result *res = m->res;
  for (int c = 0; c < COL_COUNT; c++)
    m->col[c] = -1;
  if (rec->flaw != STATION_CSV_FLAW_NONE) {
    station_problem_add(&res->problems, rec->line, "header: %s", station_csv_flaw_text(rec->flaw));
    return STATION_E_HEADER;
  }
  for (size_t i = 0; i < rec->n; i++) {
    const char *s = rec->fields[i].data;
    size_t len = rec->fields[i].len;
    imp_trim(&s, &len);
    for (int c = 0; c < COL_COUNT; c++) {
      int hit = strlen(imp_columns[c].name) == len &&
                strncasecmp(imp_columns[c].name, s, len) == 0;
      for (int a = 0; !hit && imp_columns[c].aliases[a]; a++)
        hit = strlen(imp_columns[c].aliases[a]) == len &&
              memcmp(imp_columns[c].aliases[a], s, len) == 0;
      if (!hit)
        continue;
      if (m->col[c] >= 0) {
        station_problem_add(&res->problems, rec->line, "header: column %s appears twice",
                            imp_columns[c].name);
        return STATION_E_HEADER;
      }
      m->col[c] = (int)i;
    }
  }
  char missing[256] = "";
  for (int c = 0; c < COL_COUNT; c++) {
    if (m->col[c] < 0) {
      size_t l = strlen(missing);
      snprintf(missing + l, sizeof missing - l, "%s%s", l ? ", " : "", imp_columns[c].name);
    }
  }
  if (missing[0]) {
    station_problem_add(&res->problems, rec->line, "header: missing column(s): %s", missing);
    return STATION_E_HEADER;
  }
  m->nheader = rec->n;
  m->header_done = 1;
  return STATION_OK;
}

/*
 * A positive decimal with at most 2 fractional digits, in hundredths. Returns 0 (ok),
 * 1 (not a number), 2 (zero or negative), 3 (too many decimals), 4 (too large).
 */
static int imp_amount(const char *s, size_t len, int64_t *centi)
{
  size_t i = 0;
  int neg = 0;
  int64_t v = 0;
  if (len && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i++;
  }
  size_t int_digits = 0, frac = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    if (++int_digits > 12)
      return 4;
    v = v * 10 + (s[i] - '0');
  }
  v *= 100;
  if (i < len && s[i] == '.') {
    i++;
    int64_t scale = 10;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, frac++) {
      if (frac >= 2) {
        if (s[i] != '0')
          return 3;
        continue;
      }
      v += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (frac == 0)
      return 1;
  }
  if (i != len || int_digits == 0)
    return 1;
  if (neg || v == 0)
    return 2;
  *centi = v;
  return 0;
}

static int imp_text_ok(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
      return 0;
  return 1;
}

struct imp_row {
  const char *f[COL_COUNT];
  size_t len[COL_COUNT];
  char idno[COMMON_ID_LEN + 1];
  int32_t birth, day;
  enum station_kind kind;
  int64_t amount; /* ml, centiunits or centihours */
};

/* Validate the fields; report every problem of the row. Returns 1 when valid. */
static int imp_validate(struct imp *m, const struct station_csv_rec *rec, struct imp_row *r)
{
  struct station_problems *pr = &m->res->problems;
  const struct station_import_opts *o = m->o;
  unsigned long ln = rec->line;
  int ok = 1;

  int empty[COL_COUNT];
  for (int c = 0; c < COL_COUNT; c++) {
    r->f[c] = rec->fields[m->col[c]].data;
    r->len[c] = rec->fields[m->col[c]].len;
    imp_trim(&r->f[c], &r->len[c]);
    empty[c] = r->len[c] == 0;
    if (empty[c]) {
      station_problem_add(pr, ln, "%s: empty", imp_columns[c].name);
      ok = 0;
    }
  }
  /* Each non-empty field is checked too, so that a row's problems come all at once. */
  if (!empty[COL_RECORD_ID] && !station_token_ok(r->f[COL_RECORD_ID], r->len[COL_RECORD_ID], IMP_RECORD_ID_MAX)) {
    station_problem_add(pr, ln, "record_id: must be 1-%u characters of A-Z a-z 0-9 . _ : / -",
                        IMP_RECORD_ID_MAX);
    ok = 0;
  }
  if (!empty[COL_DONOR_ID] && !station_token_ok(r->f[COL_DONOR_ID], r->len[COL_DONOR_ID], IMP_DONOR_ID_MAX)) {
    station_problem_add(pr, ln, "donor_id: must be 1-%u characters of A-Z a-z 0-9 . _ : / -",
                        IMP_DONOR_ID_MAX);
    ok = 0;
  }
  int st = common_id_check(r->f[COL_ID_NUMBER], r->len[COL_ID_NUMBER], r->idno, &r->birth);
  if (st != COMMON_ID_OK && !empty[COL_ID_NUMBER]) {
    station_problem_add(pr, ln, "id_number: %s", common_id_status_text(st));
    ok = 0;
  }
  if (!empty[COL_NAME] &&
      (r->len[COL_NAME] > STATION_NAME_MAX || !imp_text_ok(r->f[COL_NAME], r->len[COL_NAME]))) {
    station_problem_add(pr, ln, "name: must be 1-%u bytes without control characters",
                        STATION_NAME_MAX);
    ok = 0;
  }
  if (!empty[COL_SITE] &&
      (r->len[COL_SITE] > IMP_SITE_MAX || !imp_text_ok(r->f[COL_SITE], r->len[COL_SITE]))) {
    station_problem_add(pr, ln, "site: must be 1-%u bytes without control characters",
                        IMP_SITE_MAX);
    ok = 0;
  }
  if (empty[COL_DATE]) {
    /* reported above */
  } else if (station_date_parse(r->f[COL_DATE], r->len[COL_DATE], &r->day) != STATION_OK) {
    station_problem_add(pr, ln, "date: not a date (YYYY-MM-DD or YYYY/M/D, 1900-2999)");
    ok = 0;
  } else {
    char t[16];
    if (r->day > o->today) {
      station_problem_add(pr, ln, "date: in the future (today is %s)",
                          station_date_format(o->today, t, sizeof t));
      ok = 0;
    } else if (st == COMMON_ID_OK && r->day < r->birth) {
      station_problem_add(pr, ln, "date: before the birth date in the ID number");
      ok = 0;
    }
  }
  int kind_ok = station_kind_parse(r->f[COL_KIND], r->len[COL_KIND], &r->kind) == STATION_OK;
  if (!kind_ok && !empty[COL_KIND]) {
    station_problem_add(pr, ln, "kind: must be whole_blood (全血), platelets (机采血小板) or "
                                "volunteer (志愿服务)");
    ok = 0;
  }
  int64_t centi = 0;
  int a = imp_amount(r->f[COL_AMOUNT], r->len[COL_AMOUNT], &centi);
  static const char *const amount_err[] = {"", "not a number", "must be more than zero",
                                           "at most 2 decimals", "too large"};
  if (a != 0) {
    if (!empty[COL_AMOUNT])
      station_problem_add(pr, ln, "amount: %s", amount_err[a]);
    ok = 0;
  } else if (kind_ok) {
    switch (r->kind) {
    case STATION_KIND_WHOLE_BLOOD:
      if (centi % 100 != 0) {
        station_problem_add(pr, ln, "amount: whole blood is counted in whole ml");
        ok = 0;
      } else if (centi / 100 > o->max_whole_blood_ml) {
        station_problem_add(pr, ln,
                            "amount: whole blood over %lld ml in one donation is not plausible",
                            (long long)o->max_whole_blood_ml);
        ok = 0;
      }
      r->amount = centi / 100;
      break;
    case STATION_KIND_PLATELETS:
      if (centi > o->max_platelet_centiunits) {
        station_problem_add(pr, ln,
                            "amount: over %lld.%02lld therapeutic units of platelets in one "
                            "donation is not plausible",
                            (long long)(o->max_platelet_centiunits / 100),
                            (long long)(o->max_platelet_centiunits % 100));
        ok = 0;
      }
      r->amount = centi;
      break;
    case STATION_KIND_VOLUNTEER:
      if (centi > o->max_volunteer_centih) {
        station_problem_add(pr, ln,
                            "amount: over %lld.%02lld hours of volunteer service in one "
                            "record is not plausible",
                            (long long)(o->max_volunteer_centih / 100),
                            (long long)(o->max_volunteer_centih % 100));
        ok = 0;
      }
      r->amount = centi;
      break;
    }
  }
  return ok;
}

static void imp_where(const struct imp *m, int64_t import_id, unsigned long line, char *out,
                      size_t cap)
{
  if (import_id == m->import_id)
    snprintf(out, cap, "line %lu", line);
  else
    snprintf(out, cap, "line %lu of import #%lld", line, (long long)import_id);
}

/* The person row for the record: found (and checked) or inserted. Returns 1 and
 * *person, 0 with a problem reported, -1 on a database error. */
static int imp_person(struct imp *m, unsigned long ln, const struct imp_row *r, int64_t *person)
{
  struct station_problems *pr = &m->res->problems;
  char where[64];
  int64_t pid, pimp;
  unsigned long pline;
  char idno[COMMON_ID_LEN + 1], name[STATION_NAME_MAX + 1];

  if (m->have_last && strlen(m->last_donor) == r->len[COL_DONOR_ID] &&
      memcmp(m->last_donor, r->f[COL_DONOR_ID], r->len[COL_DONOR_ID]) == 0) {
    pid = m->last_person;
    pimp = m->last_import;
    pline = m->last_line;
    memcpy(idno, m->last_idno, sizeof idno);
    memcpy(name, m->last_name, sizeof name);
  } else {
    sqlite3_stmt *g = m->person_get;
    sqlite3_reset(g);
    sqlite3_bind_text(g, 1, r->f[COL_DONOR_ID], (int)r->len[COL_DONOR_ID], SQLITE_STATIC);
    int src = sqlite3_step(g);
    if (src == SQLITE_ROW) {
      pid = sqlite3_column_int64(g, 0);
      snprintf(idno, sizeof idno, "%s", (const char *)sqlite3_column_text(g, 1));
      snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(g, 2));
      pimp = sqlite3_column_int64(g, 3);
      pline = (unsigned long)sqlite3_column_int64(g, 4);
      sqlite3_reset(g);
    } else if (src == SQLITE_DONE) {
      sqlite3_reset(g);
      sqlite3_stmt *ins = m->person_ins;
      sqlite3_reset(ins);
      sqlite3_bind_text(ins, 1, r->f[COL_DONOR_ID], (int)r->len[COL_DONOR_ID], SQLITE_STATIC);
      sqlite3_bind_text(ins, 2, r->idno, COMMON_ID_LEN, SQLITE_STATIC);
      sqlite3_bind_text(ins, 3, r->f[COL_NAME], (int)r->len[COL_NAME], SQLITE_STATIC);
      sqlite3_bind_int64(ins, 4, r->birth);
      sqlite3_bind_int64(ins, 5, m->import_id);
      sqlite3_bind_int64(ins, 6, (sqlite3_int64)ln);
      src = sqlite3_step(ins);
      sqlite3_reset(ins);
      if (src == SQLITE_CONSTRAINT) {
        /* The ID number belongs to another donor id. */
        sqlite3_stmt *b = m->person_by_idno;
        sqlite3_reset(b);
        sqlite3_bind_text(b, 1, r->idno, COMMON_ID_LEN, SQLITE_STATIC);
        if (sqlite3_step(b) == SQLITE_ROW) {
          imp_where(m, sqlite3_column_int64(b, 0), (unsigned long)sqlite3_column_int64(b, 1),
                    where, sizeof where);
          station_problem_add(pr, ln, "id_number: already recorded for another donor_id (%s)",
                              where);
        } else {
          station_problem_add(pr, ln, "id_number: conflicts with a recorded person");
        }
        sqlite3_reset(b);
        return 0;
      }
      if (src != SQLITE_DONE) {
        station_db_fail(m->db, src, "insert person");
        return -1;
      }
      pid = sqlite3_last_insert_rowid(m->db->h);
      pimp = m->import_id;
      pline = ln;
      memcpy(idno, r->idno, sizeof idno);
      memcpy(name, r->f[COL_NAME], r->len[COL_NAME]);
      name[r->len[COL_NAME]] = '\0';
    } else {
      sqlite3_reset(g);
      station_db_fail(m->db, src, "find person");
      return -1;
    }
  }

  if (strcmp(idno, r->idno) != 0) {
    imp_where(m, pimp, pline, where, sizeof where);
    station_problem_add(pr, ln, "id_number: differs from the one recorded for this donor_id (%s)",
                        where);
    return 0;
  }
  if (strlen(name) != r->len[COL_NAME] || memcmp(name, r->f[COL_NAME], r->len[COL_NAME]) != 0) {
    if (pimp == m->import_id) {
      imp_where(m, pimp, pline, where, sizeof where);
      station_problem_add(pr, ln, "name: differs from %s for the same donor_id", where);
      return 0;
    }
    /* A later export corrects the name; the newest import wins. */
    sqlite3_stmt *u = m->person_name;
    sqlite3_reset(u);
    sqlite3_bind_text(u, 1, r->f[COL_NAME], (int)r->len[COL_NAME], SQLITE_STATIC);
    sqlite3_bind_int64(u, 2, m->import_id);
    sqlite3_bind_int64(u, 3, (sqlite3_int64)ln);
    sqlite3_bind_int64(u, 4, pid);
    int src = sqlite3_step(u);
    sqlite3_reset(u);
    if (src != SQLITE_DONE) {
      station_db_fail(m->db, src, "update name");
      return -1;
    }
    memcpy(name, r->f[COL_NAME], r->len[COL_NAME]);
    name[r->len[COL_NAME]] = '\0';
    pimp = m->import_id;
    pline = ln;
  }
  m->have_last = 1;
  memcpy(m->last_donor, r->f[COL_DONOR_ID], r->len[COL_DONOR_ID]);
  m->last_donor[r->len[COL_DONOR_ID]] = '\0';
  memcpy(m->last_idno, idno, sizeof idno);
  memcpy(m->last_name, name, sizeof name);
  m->last_person = pid;
  m->last_import = pimp;
  m->last_line = pline;
  *person = pid;
  return 1;
}

/* The id of a site name, found or inserted. Returns 1, or -1 on a database error. */
static int imp_site(struct imp *m, const char *name, size_t len, int64_t *id)
{
  for (size_t i = 0; i < m->nsites; i++) {
    if (strlen(m->sites[i].name) == len && memcmp(m->sites[i].name, name, len) == 0) {
      *id = m->sites[i].id;
      return 1;
    }
  }
  sqlite3_stmt *g = m->site_get;
  sqlite3_reset(g);
  sqlite3_bind_text(g, 1, name, (int)len, SQLITE_STATIC);
  int src = sqlite3_step(g);
  if (src == SQLITE_ROW) {
    *id = sqlite3_column_int64(g, 0);
  } else if (src == SQLITE_DONE) {
    sqlite3_stmt *ins = m->site_ins;
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, name, (int)len, SQLITE_STATIC);
    src = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (src != SQLITE_DONE) {
      sqlite3_reset(g);
      station_db_fail(m->db, src, "insert site");
      return -1;
    }
    *id = sqlite3_last_insert_rowid(m->db->h);
  } else {
    sqlite3_reset(g);
    station_db_fail(m->db, src, "find site");
    return -1;
  }
  sqlite3_reset(g);
  if (m->nsites < IMP_SITE_CACHE) {
    memcpy(m->sites[m->nsites].name, name, len);
    m->sites[m->nsites].name[len] = '\0';
    m->sites[m->nsites].id = *id;
    m->nsites++;
  }
  return 1;
}

/* Insert the record; on a clash, tell an identical record imported before (unchanged)
 * from a duplicate row or a conflicting record. Returns 1 added, 2 unchanged, 0 problem
 * reported, -1 database error. */
static int imp_record(struct imp *m, unsigned long ln, const struct imp_row *r, int64_t person)
{
  struct station_problems *pr = &m->res->problems;
  char where[64];
  int64_t site;
  if (imp_site(m, r->f[COL_SITE], r->len[COL_SITE], &site) < 0)
    return -1;
  sqlite3_stmt *s = m->rec_ins;
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, r->f[COL_RECORD_ID], (int)r->len[COL_RECORD_ID], SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, person);
  sqlite3_bind_int64(s, 3, r->day);
  sqlite3_bind_int64(s, 4, r->kind);
  sqlite3_bind_int64(s, 5, r->amount);
  sqlite3_bind_int64(s, 6, site);
  sqlite3_bind_int64(s, 7, m->import_id);
  sqlite3_bind_int64(s, 8, (sqlite3_int64)ln);
  int src = sqlite3_step(s);
  sqlite3_reset(s);
  if (src == SQLITE_DONE)
    return 1;
  if (src != SQLITE_CONSTRAINT) {
    station_db_fail(m->db, src, "insert record");
    return -1;
  }
  sqlite3_stmt *g = m->rec_get;
  sqlite3_reset(g);
  sqlite3_bind_text(g, 1, r->f[COL_RECORD_ID], (int)r->len[COL_RECORD_ID], SQLITE_STATIC);
  if (sqlite3_step(g) == SQLITE_ROW) {
    int same = sqlite3_column_int64(g, 0) == person && sqlite3_column_int64(g, 1) == r->day &&
               sqlite3_column_int64(g, 2) == r->kind && sqlite3_column_int64(g, 3) == r->amount &&
               sqlite3_column_int64(g, 4) == site;
    int64_t gimp = sqlite3_column_int64(g, 5);
    unsigned long gline = (unsigned long)sqlite3_column_int64(g, 6);
    sqlite3_reset(g);
    imp_where(m, gimp, gline, where, sizeof where);
    if (same && gimp != m->import_id)
      return 2;
    if (same)
      station_problem_add(pr, ln, "duplicate row: same record as %s", where);
    else
      station_problem_add(pr, ln, "record_id: already used by a different record (%s)", where);
    return 0;
  }
  sqlite3_reset(g);
  sqlite3_stmt *d = m->rec_dup;
  sqlite3_reset(d);
  sqlite3_bind_int64(d, 1, person);
  sqlite3_bind_int64(d, 2, r->day);
  sqlite3_bind_int64(d, 3, r->kind);
  sqlite3_bind_int64(d, 4, r->amount);
  sqlite3_bind_int64(d, 5, site);
  if (sqlite3_step(d) == SQLITE_ROW) {
    imp_where(m, sqlite3_column_int64(d, 0), (unsigned long)sqlite3_column_int64(d, 1), where,
              sizeof where);
    station_problem_add(pr, ln,
                        "duplicate row: same donor, date, kind, amount and site as %s "
                        "under another record_id",
                        where);
  } else {
    station_problem_add(pr, ln, "record conflicts with a recorded one");
  }
  sqlite3_reset(d);
  return 0;
}

static const char *imp_basename(const char *path)
{
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

static int imp_on_record(void *user, const struct station_csv_rec *rec)
{
  struct imp *m = user;
  struct station_import_result *res = m->res;

  if (!m->header_done)
    return imp_header(m, rec);
  /* A row of empty fields (spreadsheet padding) is skipped like a blank line. */
  int empty = rec->flaw == STATION_CSV_FLAW_NONE;
  for (size_t i = 0; empty && i < rec->n; i++) {
    const char *s = rec->fields[i].data;
    size_t len = rec->fields[i].len;
    imp_trim(&s, &len);
    empty = len == 0;
  }
  if (empty)
    return STATION_OK;
  res->rows++;
  if (rec->flaw != STATION_CSV_FLAW_NONE) {
    station_problem_add(&res->problems, rec->line, "%s", station_csv_flaw_text(rec->flaw));
    res->bad_rows++;
    return STATION_OK;
  }
  if (rec->n != m->nheader) {
    station_problem_add(&res->problems, rec->line, "%zu fields where the header has %zu",
                        rec->n, m->nheader);
    res->bad_rows++;
    return STATION_OK;
  }
  struct imp_row r;
  if (!imp_validate(m, rec, &r)) {
    res->bad_rows++;
    return STATION_OK;
  }
  int64_t person;
  int k = imp_person(m, rec->line, &r, &person);
  if (k > 0)
    k = imp_record(m, rec->line, &r, person);
  if (k < 0) {
    m->db_failed = 1;
    return STATION_E_DB;
  }
  if (k == 0)
    res->bad_rows++;
  else if (k == 1)
    res->added++;
  else
    res->unchanged++;
  return STATION_OK;
}

/* After the first pass: a file imported before changes nothing; otherwise open the
 * transaction and the import's row. */
static int imp_on_info(void *user, const struct station_csv_file_info *fi)
{
  struct imp *m = user;
  sqlite3_stmt *f = m->imp_find;
  sqlite3_bind_text(f, 1, fi->sha256, -1, SQLITE_STATIC);
  if (sqlite3_step(f) == SQLITE_ROW) {
    m->res->import_id = sqlite3_column_int64(f, 0);
    m->res->already_imported = 1;
    sqlite3_reset(f);
    return STATION_E_EXISTS;
  }
  sqlite3_reset(f);
  /* One transaction for the whole file: a page cache large enough that SQLite does not
   * spill it to the WAL and read it back (bounded: STATION_IMPORT_CACHE_KIB). */
  if (station_db_exec(m->db, "PRAGMA cache_size = -" STATION_IMPORT_CACHE_KIB) != STATION_OK ||
      station_db_exec(m->db, "BEGIN IMMEDIATE") != STATION_OK) {
    m->db_failed = 1;
    return STATION_E_DB;
  }
  /* The import's own row comes first: its id marks this file's records. */
  sqlite3_stmt *ins = m->imp_ins;
  sqlite3_bind_text(ins, 1, fi->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 2, m->file, -1, SQLITE_STATIC);
  sqlite3_bind_text(ins, 3, station_csv_encoding_name(fi->encoding), -1, SQLITE_STATIC);
  sqlite3_bind_int64(ins, 4, (sqlite3_int64)time(NULL));
  sqlite3_bind_int64(ins, 5, m->o->today);
  int src = sqlite3_step(ins);
  sqlite3_reset(ins);
  if (src != SQLITE_DONE) {
    station_db_fail(m->db, src, "insert import");
    m->db_failed = 1;
    return STATION_E_DB;
  }
  m->import_id = sqlite3_last_insert_rowid(m->db->h);
  return STATION_OK;
}

void station_import_opts_default(struct station_import_opts *o)
{
  memset(o, 0, sizeof *o);
  o->today = station_date_today();
  station_csv_limits_default(&o->limits);
  o->max_whole_blood_ml = 800;
  o->max_platelet_centiunits = 200;
  o->max_volunteer_centih = 2400;
  o->max_problems = STATION_PROBLEMS_DEFAULT_CAP;
}

void station_import_result_free(struct station_import_result *res)
{
  if (res)
    station_problems_clear(&res->problems);
}

int station_import_csv(struct station_db *db, const char *path,
                       const struct station_import_opts *o, struct station_import_result *res)
{
  struct station_import_opts dflt;
  struct imp m;
  struct station_problem why;
  int rc;

  if (!db || !path || !res)
    return STATION_E_INVALID_ARG;
  if (!o) {
    station_import_opts_default(&dflt);
    o = &dflt;
  }
  memset(res, 0, sizeof *res);
  res->problems.cap = o->max_problems ? o->max_problems : STATION_PROBLEMS_DEFAULT_CAP;
  memset(&m, 0, sizeof m);
  m.db = db;
  m.o = o;
  m.res = res;
  m.import_id = -1;

  if ((rc = station_db_prepare(db, "SELECT id FROM imports WHERE sha256 = ?", &m.imp_find)) ||
      (rc = station_db_prepare(db, "SELECT id FROM sites WHERE name = ?", &m.site_get)) ||
      (rc = station_db_prepare(db, "INSERT INTO sites(name) VALUES(?)", &m.site_ins)) ||
      (rc = station_db_prepare(db, "INSERT INTO imports(sha256, file, encoding, at, today) "
                                   "VALUES(?, ?, ?, ?, ?)", &m.imp_ins)) ||
      (rc = station_db_prepare(db, "SELECT id, id_number, name, import_id, line FROM persons "
                                   "WHERE donor_id = ?", &m.person_get)) ||
      (rc = station_db_prepare(db, "SELECT import_id, line FROM persons WHERE id_number = ?",
                               &m.person_by_idno)) ||
      (rc = station_db_prepare(db, "INSERT INTO persons(donor_id, id_number, name, birth_day, "
                                   "import_id, line) VALUES(?, ?, ?, ?, ?, ?)", &m.person_ins)) ||
      (rc = station_db_prepare(db, "UPDATE persons SET name = ?, import_id = ?, line = ? "
                                   "WHERE id = ?", &m.person_name)) ||
      (rc = station_db_prepare(db, "INSERT INTO records(record_id, person, day, kind, amount, "
                                   "site, import_id, line) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                               &m.rec_ins)) ||
      (rc = station_db_prepare(db, "SELECT person, day, kind, amount, site, import_id, line "
                                   "FROM records WHERE record_id = ?", &m.rec_get)) ||
      (rc = station_db_prepare(db, "SELECT import_id, line FROM records WHERE person = ? AND "
                                   "day = ? AND kind = ? AND amount = ? AND site = ?",
                               &m.rec_dup)))
    goto out_finalize;

  m.file = imp_basename(path);
  rc = station_csv_read_file(path, &o->limits, imp_on_info, imp_on_record, &m, &res->file, &why);
  if (rc == STATION_E_EXISTS && res->already_imported) {
    rc = STATION_OK;
    goto out_finalize;
  }
  if (rc == STATION_OK && m.import_id < 0)
    rc = STATION_E_INVALID_ARG;
  if (rc != STATION_OK) {
    if (rc != STATION_E_HEADER && rc != STATION_E_DB && why.text[0])
      station_problem_add(&res->problems, why.line, "%s", why.text);
    else if (rc == STATION_E_DB)
      station_problem_add(&res->problems, 0, "database: %s", station_db_errmsg(db));
  } else if (!m.header_done) {
    station_problem_add(&res->problems, 0, "the file has no header line");
    rc = STATION_E_HEADER;
  } else if (res->bad_rows > 0) {
    rc = STATION_E_ROWS;
  }
  if (rc != STATION_OK) {
    if (!sqlite3_get_autocommit(db->h))
      sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    goto out_finalize;
  }
  {
    sqlite3_stmt *u;
    if ((rc = station_db_prepare(db, "UPDATE imports SET rows = ?, added = ?, unchanged = ? "
                                     "WHERE id = ?", &u)) != STATION_OK) {
      sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
      goto out_finalize;
    }
    sqlite3_bind_int64(u, 1, (sqlite3_int64)res->rows);
    sqlite3_bind_int64(u, 2, (sqlite3_int64)res->added);
    sqlite3_bind_int64(u, 3, (sqlite3_int64)res->unchanged);
    sqlite3_bind_int64(u, 4, m.import_id);
    int src = sqlite3_step(u);
    sqlite3_finalize(u);
    if (src != SQLITE_DONE) {
      rc = station_db_fail(db, src, "update import");
      sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
      goto out_finalize;
    }
  }
  if ((rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
  res->import_id = m.import_id;
out_finalize:
  sqlite3_exec(db->h, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
  sqlite3_finalize(m.imp_find);
  sqlite3_finalize(m.site_get);
  sqlite3_finalize(m.site_ins);
  sqlite3_finalize(m.imp_ins);
  sqlite3_finalize(m.person_get);
  sqlite3_finalize(m.person_by_idno);
  sqlite3_finalize(m.person_ins);
  sqlite3_finalize(m.person_name);
  sqlite3_finalize(m.rec_ins);
  sqlite3_finalize(m.rec_get);
  sqlite3_finalize(m.rec_dup);
  return rc;
}
