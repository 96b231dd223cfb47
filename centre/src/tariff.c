/*
 * The hospitals' tariffs (issue 12; docs/sync-protocol.md, "Tariff document"): the fee a
 * hospital's cashier terminals waive per visit kind, set at the centre and served to
 * that hospital's terminals as a signed document. Items live in `tariff_items`; every
 * change writes the whole document again as the site's next version in `tariff_docs`, so
 * what a terminal was served can always be read back. Same SQL rules as store.c.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "common/date.h"

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

static const char *const visits[] = {"outpatient", "inpatient", "emergency"};

int centre_tariff_schema(sqlite3 *db)
{
  return centre_db_schema(db, tariff_schema, sizeof tariff_schema / sizeof tariff_schema[0], "tariff schema");
}

int centre_tariff_visit_valid(const char *visit)
{
  for (size_t i = 0; i < sizeof visits / sizeof visits[0]; i++)
    if (strcmp(visit, visits[i]) == 0)
      return 1;
  return 0;
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

static int step_args(sqlite3 *db, const char *sql, const char *fmt, const void *const *args)
{
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  for (int i = 0; fmt[i]; i++) {
    if (fmt[i] == 't')
      sqlite3_bind_text(s, i + 1, (const char *)args[i], -1, SQLITE_TRANSIENT);
    else
      sqlite3_bind_int64(s, i + 1, *(const int64_t *)args[i]);
  }
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? CENTRE_OK : centre_db_fail(db, "tariff", rc);
}

/* The site's document from its items, as docs/sync-protocol.md shows it. */
static int build_doc(sqlite3 *db, const char *site, uint64_t version, int64_t now, char **out)
{
  sqlite3_stmt *s;
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
  rc = sqlite3_prepare_v2(db,
                          "SELECT visit, valid_from, valid_to, fee_fen FROM tariff_items"
                          " WHERE site_id = ? ORDER BY visit, valid_from",
                          -1, &s, NULL);
  if (rc != SQLITE_OK) {
    free(buf);
    return centre_db_fail(db, "prepare", rc);
  }
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1];
    int32_t vt = (int32_t)sqlite3_column_int64(s, 2);
    int k;
    ymd_text((int32_t)sqlite3_column_int64(s, 1), from);
    ymd_text(vt, to);
    if (++n > CENTRE_TARIFF_ITEMS_MAX)
      break;
    k = snprintf(buf + len, cap - len, "\n[item.%u]\nvisit = %s\nfee_fen = %" PRId64 "\nfrom = %s\n%s%s%s",
                 n, (const char *)sqlite3_column_text(s, 0), (int64_t)sqlite3_column_int64(s, 3),
                 from, vt == OPEN_END ? "" : "to = ", vt == OPEN_END ? "" : to,
                 vt == OPEN_END ? "" : "\n");
    if (k < 0 || (size_t)k >= cap - len) {
      n = CENTRE_TARIFF_ITEMS_MAX + 1;
      break;
    }
    len += (size_t)k;
  }
  sqlite3_finalize(s);
  if (n > CENTRE_TARIFF_ITEMS_MAX) {
    free(buf);
    return CENTRE_E_TOO_LARGE;
  }
  if (rc != SQLITE_DONE) {
    free(buf);
    return centre_db_fail(db, "tariff items", rc);
  }
  *out = buf;
  return CENTRE_OK;
}

int centre_tariff_set(sqlite3 *db, const char *site, const char *visit, int64_t fee_fen,
                      int32_t from, int32_t to, int64_t now, uint64_t *version)
{
  struct item {
    int64_t from, to, fee;
  } *old = NULL;
  size_t n = 0, cap = 0;
  sqlite3_stmt *s = NULL;
  int64_t f = from, t = to ? to : OPEN_END, v = 0;
  char *content = NULL;
  int rc;
  if (!centre_tariff_visit_valid(visit) || fee_fen < 1 || fee_fen > CENTRE_TARIFF_FEE_MAX ||
      t < f)
    return CENTRE_E_INVALID_ARG;
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return centre_db_fail(db, "begin", SQLITE_BUSY);
  /* The newer item wins where periods overlap: older items are cut around it. */
  rc = sqlite3_prepare_v2(db,
                          "SELECT valid_from, valid_to, fee_fen FROM tariff_items WHERE"
                          " site_id = ? AND visit = ? AND valid_from <= ? AND valid_to >= ?",
                          -1, &s, NULL);
  if (rc != SQLITE_OK) {
    rc = centre_db_fail(db, "prepare", rc);
    goto out_rollback;
  }
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, visit, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(s, 3, t);
  sqlite3_bind_int64(s, 4, f);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (n == cap) {
      struct item *p = realloc(old, (cap = cap ? cap * 2 : 8) * sizeof *old);
      if (!p) {
        rc = SQLITE_NOMEM;
        break;
      }
      old = p;
    }
    old[n].from = sqlite3_column_int64(s, 0);
    old[n].to = sqlite3_column_int64(s, 1);
    old[n].fee = sqlite3_column_int64(s, 2);
    n++;
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) {
    rc = rc == SQLITE_NOMEM ? CENTRE_E_NO_MEMORY : centre_db_fail(db, "tariff overlap", rc);
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
    rc = sqlite3_prepare_v2(db, "SELECT MAX(version) FROM tariff_docs WHERE site_id = ?", -1, &s,
                            NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
      sqlite3_finalize(s);
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
  if (rc == CENTRE_OK && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    rc = centre_db_fail(db, "commit", SQLITE_ERROR);
  if (rc != CENTRE_OK)
    goto out_rollback;
  *version = (uint64_t)v;
  return CENTRE_OK;

out_rollback:
  free(old);
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int centre_tariff_list_csv(sqlite3 *db, const char *site, FILE *out)
{
  sqlite3_stmt *s;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT visit, fee_fen, valid_from, valid_to FROM tariff_items"
                              " WHERE site_id = ? ORDER BY visit, valid_from",
                              -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  fputs("visit,fee_fen,from,to\n", out);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1];
    int32_t vt = (int32_t)sqlite3_column_int64(s, 3);
    ymd_text((int32_t)sqlite3_column_int64(s, 2), from);
    ymd_text(vt, to);
    fprintf(out, "%s,%" PRId64 ",%s,%s\n", (const char *)sqlite3_column_text(s, 0),
            (int64_t)sqlite3_column_int64(s, 1), from, vt == OPEN_END ? "" : to);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? CENTRE_OK : centre_db_fail(db, "tariff list", rc);
}

int centre_tariff_doc(sqlite3 *db, const char *site, char **content, uint64_t *version,
                      int64_t *issued)
{
  sqlite3_stmt *s;
  int rc, ret = CENTRE_OK;
  *content = NULL;
  rc = sqlite3_prepare_v2(db,
                          "SELECT version, issued_at, content FROM tariff_docs WHERE site_id = ?"
                          " ORDER BY version DESC LIMIT 1",
                          -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *version = (uint64_t)sqlite3_column_int64(s, 0);
    *issued = sqlite3_column_int64(s, 1);
    *content = strdup((const char *)sqlite3_column_text(s, 2));
    if (!*content)
      ret = CENTRE_E_NO_MEMORY;
  } else {
    ret = rc == SQLITE_DONE ? CENTRE_E_NOT_FOUND : centre_db_fail(db, "tariff doc", rc);
  }
  sqlite3_finalize(s);
  return ret;
}
