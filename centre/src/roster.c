/*
 * Staff rosters at the centre (issue 13; docs/staff.md): who may sign in at a site's
 * terminals, kept in the store and published as the site's signed roster document
 * (proto/roster.h) by centre-admin after every change.
 *
 * A table of its own, and the schema created here on demand rather than by store.c, so
 * that this file only uses the store's connection and never calls store.c (nor store.c
 * this file). Disabled staff stay in the table (who was who, for the journal's staff
 * ids) and drop out of the document. Same SQL rules as store.c: bound parameters only,
 * standard types, no upserts.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "common/date.h"
#include "common/idno.h"
#include "common/token.h"
#include "common/utf8.h"

static const char *const roster_schema[] = {
    "CREATE TABLE IF NOT EXISTS staff ("
    " site_id VARCHAR(64) NOT NULL,"
    " staff_id VARCHAR(32) NOT NULL,"
    " role VARCHAR(16) NOT NULL,"
    " valid_from INTEGER NOT NULL,"
    " valid_to INTEGER NOT NULL,"
    " name VARCHAR(256) NOT NULL,"
    " pin_hash VARCHAR(128) NOT NULL,"
    " disabled SMALLINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " PRIMARY KEY (site_id, staff_id))",
    "CREATE TABLE IF NOT EXISTS roster_policy ("
    " site_id VARCHAR(64) NOT NULL PRIMARY KEY,"
    " pin_min INTEGER NOT NULL,"
    " failures INTEGER NOT NULL,"
    " lock_minutes INTEGER NOT NULL,"
    " idle_minutes INTEGER NOT NULL)",
};

int centre_roster_schema(sqlite3 *db)
{
  return centre_db_schema(db, roster_schema, sizeof roster_schema / sizeof roster_schema[0], "roster schema");
}

static int site_ok(const char *site)
{
  return site && common_token_valid(site, PROTO_ROSTER_SITE_MAX) && !common_id_shaped(site);
}

int centre_roster_policy(sqlite3 *db, const char *site, struct proto_roster_policy *out)
{
  struct proto_roster_policy dflt = PROTO_ROSTER_POLICY_DEFAULT;
  sqlite3_stmt *s;
  *out = dflt;
  if (!site_ok(site))
    return CENTRE_E_INVALID_ARG;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT pin_min, failures, lock_minutes, idle_minutes FROM"
                              " roster_policy WHERE site_id = ?",
                              -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    out->pin_min = (unsigned)sqlite3_column_int(s, 0);
    out->failures = (unsigned)sqlite3_column_int(s, 1);
    out->lock_minutes = (unsigned)sqlite3_column_int(s, 2);
    out->idle_minutes = (unsigned)sqlite3_column_int(s, 3);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? CENTRE_OK : centre_db_fail(db, "roster policy", rc);
}

int centre_roster_set_policy(sqlite3 *db, const char *site, const struct proto_roster_policy *p)
{
  sqlite3_stmt *s;
  if (!site_ok(site) || !p)
    return CENTRE_E_INVALID_ARG;
  /* checked the way the document's parser checks it */
  char *doc = NULL;
  size_t len = 0;
  if (proto_roster_encode(site, p, NULL, 0, &doc, &len) != PROTO_OK)
    return CENTRE_E_INVALID_ARG;
  free(doc);
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "begin", rc);
  rc = sqlite3_prepare_v2(db, "DELETE FROM roster_policy WHERE site_id = ?", -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_finalize(s);
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(db,
                            "INSERT INTO roster_policy (site_id, pin_min, failures, lock_minutes,"
                            " idle_minutes) VALUES (?, ?, ?, ?, ?)",
                            -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, (int)p->pin_min);
    sqlite3_bind_int(s, 3, (int)p->failures);
    sqlite3_bind_int(s, 4, (int)p->lock_minutes);
    sqlite3_bind_int(s, 5, (int)p->idle_minutes);
    rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_finalize(s);
  }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return centre_db_fail(db, "roster policy", rc);
  }
  return CENTRE_OK;
}

/* 1 when the entry would pass the document's parser (encode checks the same rules). */
static int entry_ok(const char *site, const struct proto_roster_entry *e)
{
  struct proto_roster_policy p = PROTO_ROSTER_POLICY_DEFAULT;
  char *doc = NULL;
  size_t len = 0;
  int ok = proto_roster_encode(site, &p, e, 1, &doc, &len) == PROTO_OK;
  free(doc);
  return ok;
}

int centre_roster_add(sqlite3 *db, const char *site, const struct proto_roster_entry *e,
                      int64_t now)
{
  sqlite3_stmt *s;
  if (!site_ok(site) || !e || !entry_ok(site, e))
    return CENTRE_E_INVALID_ARG;
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "begin", rc);
  int ret = CENTRE_OK, disabled = -1;
  rc = sqlite3_prepare_v2(db, "SELECT disabled FROM staff WHERE site_id = ? AND staff_id = ?",
                          -1, &s, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, e->id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
      disabled = sqlite3_column_int(s, 0);
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
    sqlite3_finalize(s);
  }
  if (rc == SQLITE_OK && disabled == 0) {
    ret = CENTRE_E_EXISTS; /* an active member is changed by disable + add, on purpose */
  } else if (rc == SQLITE_OK) {
    /* a new member, or a disabled one enabled again with new data */
    rc = sqlite3_prepare_v2(db,
                            disabled < 0
                                ? "INSERT INTO staff (role, valid_from, valid_to, name, pin_hash,"
                                  " disabled, updated_at, site_id, staff_id)"
                                  " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)"
                                : "UPDATE staff SET role = ?, valid_from = ?, valid_to = ?,"
                                  " name = ?, pin_hash = ?, disabled = 0, updated_at = ?"
                                  " WHERE site_id = ? AND staff_id = ?",
                            -1, &s, NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(s, 1, proto_roster_role_name(e->role), -1, SQLITE_STATIC);
      sqlite3_bind_int(s, 2, e->from_day);
      sqlite3_bind_int(s, 3, e->to_day);
      sqlite3_bind_text(s, 4, e->name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 5, e->pin_hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s, 6, now);
      sqlite3_bind_text(s, 7, site, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 8, e->id, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
      sqlite3_finalize(s);
    }
  }
  if (rc == SQLITE_OK && ret == CENTRE_OK)
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK || ret != CENTRE_OK) {
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc != SQLITE_OK ? centre_db_fail(db, "staff add", rc) : ret;
  }
  return CENTRE_OK;
}

int centre_roster_disable(sqlite3 *db, const char *site, const char *id, int64_t now)
{
  sqlite3_stmt *s;
  if (!site_ok(site) || !id || !common_token_valid(id, PROTO_ROSTER_ID_MAX))
    return CENTRE_E_INVALID_ARG;
  int rc = sqlite3_prepare_v2(db,
                              "UPDATE staff SET disabled = 1, updated_at = ? WHERE site_id = ?"
                              " AND staff_id = ? AND disabled = 0",
                              -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  sqlite3_bind_int64(s, 1, now);
  sqlite3_bind_text(s, 2, site, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE)
    return centre_db_fail(db, "staff disable", rc);
  return sqlite3_changes(db) == 1 ? CENTRE_OK : CENTRE_E_NOT_FOUND;
}

int centre_roster_list_csv(sqlite3 *db, const char *site, FILE *out)
{
  sqlite3_stmt *s;
  if (site && !site_ok(site))
    return CENTRE_E_INVALID_ARG;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT site_id, staff_id, role, valid_from, valid_to, disabled,"
                              " name FROM staff WHERE ?1 IS NULL OR site_id = ?1"
                              " ORDER BY site_id, staff_id",
                              -1, &s, NULL);
  if (rc != SQLITE_OK)
    return centre_db_fail(db, "prepare", rc);
  if (site)
    sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(s, 1);
  /* The name masked (a name is personal data): the office knows its staff by id. */
  fprintf(out, "site,staff,role,valid_from,valid_to,state,name_masked\n");
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1], masked[3 * PROTO_ROSTER_NAME_MAX];
    common_date_format(sqlite3_column_int(s, 3), from);
    common_date_format(sqlite3_column_int(s, 4), to);
    if (common_name_mask((const char *)sqlite3_column_text(s, 6), masked, sizeof masked) != 0)
      snprintf(masked, sizeof masked, "*");
    fprintf(out, "%s,%s,%s,%s,%s,%s,\"%s\"\n", (const char *)sqlite3_column_text(s, 0),
            (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
            from, to, sqlite3_column_int(s, 5) ? "disabled" : "active", masked);
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? CENTRE_OK : centre_db_fail(db, "staff list", rc);
}

int centre_roster_document(sqlite3 *db, const char *site, char **out, size_t *len)
{
  sqlite3_stmt *s;
  *out = NULL;
  *len = 0;
  struct proto_roster_policy policy;
  int ret = centre_roster_policy(db, site, &policy);
  if (ret != CENTRE_OK)
    return ret;
  struct proto_roster_entry *e = calloc(PROTO_ROSTER_MAX, sizeof *e);
  if (!e)
    return CENTRE_E_NO_MEMORY;
  size_t n = 0;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT staff_id, role, valid_from, valid_to, pin_hash, name FROM"
                              " staff WHERE site_id = ? AND disabled = 0 ORDER BY staff_id",
                              -1, &s, NULL);
  if (rc != SQLITE_OK) {
    free(e);
    return centre_db_fail(db, "prepare", rc);
  }
  sqlite3_bind_text(s, 1, site, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step(s)) == SQLITE_ROW && ret == CENTRE_OK) {
    if (n == PROTO_ROSTER_MAX) {
      ret = CENTRE_E_TOO_LARGE;
      break;
    }
    struct proto_roster_entry *x = &e[n++];
    const char *role = (const char *)sqlite3_column_text(s, 1);
    snprintf(x->id, sizeof x->id, "%s", (const char *)sqlite3_column_text(s, 0));
    x->role = role && strcmp(role, "supervisor") == 0 ? PROTO_ROLE_SUPERVISOR : PROTO_ROLE_STAFF;
    x->from_day = sqlite3_column_int(s, 2);
    x->to_day = sqlite3_column_int(s, 3);
    snprintf(x->pin_hash, sizeof x->pin_hash, "%s", (const char *)sqlite3_column_text(s, 4));
    snprintf(x->name, sizeof x->name, "%s", (const char *)sqlite3_column_text(s, 5));
  }
  sqlite3_finalize(s);
  if (ret == CENTRE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    ret = centre_db_fail(db, "roster", rc);
  if (ret == CENTRE_OK) {
    int prc = proto_roster_encode(site, &policy, e, n, out, len);
    ret = prc == PROTO_OK ? CENTRE_OK : prc == PROTO_E_NO_MEMORY ? CENTRE_E_NO_MEMORY
                                                                   : CENTRE_E_MALFORMED;
  }
  free(e);
  return ret;
}
