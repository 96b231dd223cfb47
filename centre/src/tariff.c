/*
 * The hospitals' tariffs (issue 12; docs/sync-protocol.md, "Tariff document"): the fee a
 * hospital's cashier terminals waive per visit kind, set at the centre and served to
 * that hospital's terminals as a signed document. Items live in `tariff_items`; every
 * change writes the whole document again as the site's next version in `tariff_docs`, so
 * what a terminal was served can always be read back. Same SQL rules as store.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"
#include "common/date.h"
#include "proto/proto.h"

#define OPEN_END 99991231 /* valid_to of an item without an end */

static const char *const tariff_schema[] = {
    /* Days are YYYYMMDD (China time); the periods of one (site, visit) never overlap. */
    "CREATE TABLE IF NOT EXISTS tariff_items ("
    " site_id VARCHAR(64) NOT NULL,"
    " visit VARCHAR(16) NOT NULL,"
    " valid_from INTEGER NOT NULL,"
    " valid_to INTEGER NOT NULL,"
    " fee_fen BIGINT NOT NULL,"
    " set_at BIGINT NOT NULL,"
    " PRIMARY KEY (site_id, visit, valid_from))",
    "CREATE TABLE IF NOT EXISTS tariff_docs ("
    " site_id VARCHAR(64) NOT NULL,"
    " version BIGINT NOT NULL,"
    " issued_at BIGINT NOT NULL,"
    " content TEXT NOT NULL,"
    " PRIMARY KEY (site_id, version))",
};

int centre_tariff_schema(struct centre_db *db)
{
  return centre_db_schema(db, tariff_schema, sizeof tariff_schema / sizeof tariff_schema[0], "tariff schema");
}

/* The visit kinds are proto's (PROTO_VISIT_MAP): the journal, the terminal's tariff
 * parser and the centre read one list. */
int centre_tariff_visit_valid(const char *visit)
{
  return visit && proto_visit_parse(visit, strlen(visit)) > 0;
}

static int32_t ymd_to_day(int32_t ymd)
{
  return common_days_from_civil(ymd / 10000, (unsigned)(ymd / 100 % 100), (unsigned)(ymd % 100));
}

static int32_t day_to_ymd(int32_t day)
{
  int32_t y;
  unsigned m, d;
  common_civil_from_days(day, &y, &m, &d);
  return y * 10000 + (int32_t)m * 100 + (int32_t)d;
}

static void ymd_text(int32_t ymd, char out[COMMON_DATE_LEN + 1])
{
  /* Stored days are YYYYMMDD from 2000 to 9999 (OPEN_END); common's formatter. */
  common_date_format(ymd_to_day(ymd), out);
}

static int step_args(struct centre_db *db, const char *sql, const char *fmt, const void *const *args)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db, sql, &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] == 't')
      centre_db_bind_text(s, i + 1, (const char *)args[i]);
    else
      centre_db_bind_int64(s, i + 1, *(const int64_t *)args[i]);
  }
  rc = centre_db_step(s);
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "tariff", rc);
}

/* The site's document from its items, as docs/sync-protocol.md shows it. */
static int build_doc(struct centre_db *db, const char *site, uint64_t version, int64_t now, char **out)
{
  struct centre_db_stmt *s;
  size_t cap = CENTRE_TARIFF_DOC_MAX + 1, len = 0;
  char *buf = malloc(cap), today[COMMON_DATE_LEN + 1];
  unsigned n = 0;
  int rc;
  if (!buf)
    return CENTRE_E_NO_MEMORY;
  common_date_format(common_local_day(now, 8 * 3600), today);
  len += (size_t)snprintf(buf, cap,
                          "# yh-tariff/1: the fees this hospital's cashier terminals waive "
                          "(docs/sync-protocol.md)\n[tariff]\nformat = yh-tariff/1\nsite = %s\n"
                          "version = %" PRIu64 "\nissued = %s\n",
                          site, version, today);
  rc = centre_db_prepare(db,
                          "SELECT visit, valid_from, valid_to, fee_fen FROM tariff_items"
                          " WHERE site_id = ? ORDER BY visit, valid_from", &s);
  if (rc != CENTRE_OK) {
    free(buf);
    return centre_db_fail(db, "prepare", rc);
  }
  centre_db_bind_text(s, 1, site);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1];
    int32_t vt = (int32_t)centre_db_column_int64(s, 2);
    int k;
    ymd_text((int32_t)centre_db_column_int64(s, 1), from);
    ymd_text(vt, to);
    if (++n > CENTRE_TARIFF_ITEMS_MAX)
      break;
    k = snprintf(buf + len, cap - len, "\n[item.%u]\nvisit = %s\nfee_fen = %" PRId64 "\nfrom = %s\n%s%s%s",
                 n, centre_db_column_text(s, 0), centre_db_column_int64(s, 3),
                 from, vt == OPEN_END ? "" : "to = ", vt == OPEN_END ? "" : to,
                 vt == OPEN_END ? "" : "\n");
    if (k < 0 || (size_t)k >= cap - len) {
      n = CENTRE_TARIFF_ITEMS_MAX + 1;
      break;
    }
    len += (size_t)k;
  }
  centre_db_finalize(s);
  if (n > CENTRE_TARIFF_ITEMS_MAX) {
    free(buf);
    return CENTRE_E_TOO_LARGE;
  }
  if (rc != CENTRE_DB_DONE) {
    free(buf);
    return centre_db_fail(db, "tariff items", rc);
  }
  *out = buf;
  return CENTRE_OK;
}

int centre_tariff_set(struct centre_db *db, const char *site, const char *visit, int64_t fee_fen,
                      int32_t from, int32_t to, int64_t now, uint64_t *version)
{
  struct item {
    int64_t from, to, fee;
  } *old = NULL;
  size_t n = 0, cap = 0;
  struct centre_db_stmt *s = NULL;
  int64_t f = from, t = to ? to : OPEN_END, v = 0;
  char *content = NULL;
  int rc;
  if (!centre_tariff_visit_valid(visit) || fee_fen < 1 || fee_fen > CENTRE_TARIFF_FEE_MAX ||
      t < f)
    return CENTRE_E_INVALID_ARG;
  if (centre_db_begin(db, 1) != CENTRE_OK)
    return centre_db_fail(db, "begin", CENTRE_E_DB);
  /* Two centre-admin runs on one PostgreSQL take turns: the next version is MAX + 1. */
  rc = centre_db_lock(db, "tariff");
  if (rc != CENTRE_OK)
    goto out_rollback;
  /* The newer item wins where periods overlap: older items are cut around it. */
  rc = centre_db_prepare(db,
                          "SELECT valid_from, valid_to, fee_fen FROM tariff_items WHERE"
                          " site_id = ? AND visit = ? AND valid_from <= ? AND valid_to >= ?", &s);
  if (rc != CENTRE_OK) {
    rc = centre_db_fail(db, "prepare", rc);
    goto out_rollback;
  }
  centre_db_bind_text(s, 1, site);
  centre_db_bind_text(s, 2, visit);
  centre_db_bind_int64(s, 3, t);
  centre_db_bind_int64(s, 4, f);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    if (n == cap) {
      struct item *p = realloc(old, (cap = cap ? cap * 2 : 8) * sizeof *old);
      if (!p) {
        rc = CENTRE_E_NO_MEMORY;
        break;
      }
      old = p;
    }
    old[n].from = centre_db_column_int64(s, 0);
    old[n].to = centre_db_column_int64(s, 1);
    old[n].fee = centre_db_column_int64(s, 2);
    n++;
  }
  centre_db_finalize(s);
  if (rc != CENTRE_DB_DONE) {
    rc = rc == CENTRE_E_NO_MEMORY ? CENTRE_E_NO_MEMORY : centre_db_fail(db, "tariff overlap", rc);
    goto out_rollback;
  }
  rc = CENTRE_OK;
  for (size_t i = 0; i < n && rc == CENTRE_OK; i++) {
    const void *del[] = {site, visit, &old[i].from};
    rc = step_args(db, "DELETE FROM tariff_items WHERE site_id = ? AND visit = ? AND valid_from = ?",
                   "tti", del);
    if (rc == CENTRE_OK && old[i].from < f) {
      int64_t end = day_to_ymd(ymd_to_day((int32_t)f) - 1);
      const void *ins[] = {site, visit, &old[i].from, &end, &old[i].fee, &now};
      rc = step_args(db, "INSERT INTO tariff_items (site_id, visit, valid_from, valid_to, fee_fen,"
                         " set_at) VALUES (?, ?, ?, ?, ?, ?)",
                     "ttiiii", ins);
    }
    if (rc == CENTRE_OK && old[i].to > t) {
      int64_t start = day_to_ymd(ymd_to_day((int32_t)t) + 1);
      const void *ins[] = {site, visit, &start, &old[i].to, &old[i].fee, &now};
      rc = step_args(db, "INSERT INTO tariff_items (site_id, visit, valid_from, valid_to, fee_fen,"
                         " set_at) VALUES (?, ?, ?, ?, ?, ?)",
                     "ttiiii", ins);
    }
  }
  if (rc == CENTRE_OK) {
    const void *ins[] = {site, visit, &f, &t, &fee_fen, &now};
    rc = step_args(db, "INSERT INTO tariff_items (site_id, visit, valid_from, valid_to, fee_fen,"
                       " set_at) VALUES (?, ?, ?, ?, ?, ?)",
                   "ttiiii", ins);
  }
  if (rc == CENTRE_OK) {
    rc = centre_db_prepare(db, "SELECT MAX(version) FROM tariff_docs WHERE site_id = ?", &s);
    if (rc == CENTRE_OK) {
      centre_db_bind_text(s, 1, site);
      if (centre_db_step(s) == CENTRE_DB_ROW)
        v = centre_db_column_int64(s, 0);
      centre_db_finalize(s);
      v++;
      rc = build_doc(db, site, (uint64_t)v, now, &content);
    } else {
      rc = centre_db_fail(db, "prepare", rc);
    }
  }
  if (rc == CENTRE_OK) {
    const void *ins[] = {site, &v, &now, content};
    rc = step_args(db, "INSERT INTO tariff_docs (site_id, version, issued_at, content)"
                       " VALUES (?, ?, ?, ?)",
                   "tiit", ins);
  }
  free(content);
  free(old);
  old = NULL;
  if (rc == CENTRE_OK && centre_db_commit(db) != CENTRE_OK)
    rc = centre_db_fail(db, "commit", CENTRE_E_DB);
  if (rc != CENTRE_OK)
    goto out_rollback;
  *version = (uint64_t)v;
  return CENTRE_OK;

out_rollback:
  free(old);
  centre_db_rollback(db);
  return rc;
}

int centre_tariff_list_csv(struct centre_db *db, const char *site, FILE *out)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db,
                              "SELECT visit, fee_fen, valid_from, valid_to FROM tariff_items"
                              " WHERE site_id = ? ORDER BY visit, valid_from", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, site);
  fputs("visit,fee_fen,from,to\n", out);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1];
    int32_t vt = (int32_t)centre_db_column_int64(s, 3);
    ymd_text((int32_t)centre_db_column_int64(s, 2), from);
    ymd_text(vt, to);
    fprintf(out, "%s,%" PRId64 ",%s,%s\n", centre_db_column_text(s, 0),
            centre_db_column_int64(s, 1), from, vt == OPEN_END ? "" : to);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "tariff list", rc);
}

int centre_tariff_doc(struct centre_db *db, const char *site, char **content, uint64_t *version,
                      int64_t *issued)
{
  struct centre_db_stmt *s;
  int rc, ret = CENTRE_OK;
  *content = NULL;
  rc = centre_db_prepare(db,
                          "SELECT version, issued_at, content FROM tariff_docs WHERE site_id = ?"
                          " ORDER BY version DESC LIMIT 1", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, site);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    *version = (uint64_t)centre_db_column_int64(s, 0);
    *issued = centre_db_column_int64(s, 1);
    *content = strdup(centre_db_column_text(s, 2));
    if (!*content)
      ret = CENTRE_E_NO_MEMORY;
  } else {
    ret = rc == CENTRE_DB_DONE ? CENTRE_E_NOT_FOUND : centre_db_fail(db, "tariff doc", rc);
  }
  centre_db_finalize(s);
  return ret;
}
