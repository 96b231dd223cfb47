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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"
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

int centre_roster_schema(struct centre_db *db)
{
  return centre_db_schema(db, roster_schema, sizeof roster_schema / sizeof roster_schema[0], "roster schema");
}

static int site_ok(const char *site)
{
  return site && common_token_valid(site, PROTO_ROSTER_SITE_MAX) && !common_id_shaped(site);
}

int centre_roster_policy(struct centre_db *db, const char *site, struct proto_roster_policy *out)
{
  struct proto_roster_policy dflt = PROTO_ROSTER_POLICY_DEFAULT;
  struct centre_db_stmt *s;
  *out = dflt;
  if (!site_ok(site))
    return CENTRE_E_INVALID_ARG;
  int rc = centre_db_prepare(db,
                              "SELECT pin_min, failures, lock_minutes, idle_minutes FROM"
                              " roster_policy WHERE site_id = ?", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, site);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    out->pin_min = (unsigned)(int)centre_db_column_int64(s, 0);
    out->failures = (unsigned)(int)centre_db_column_int64(s, 1);
    out->lock_minutes = (unsigned)(int)centre_db_column_int64(s, 2);
    out->idle_minutes = (unsigned)(int)centre_db_column_int64(s, 3);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_ROW || rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "roster policy", rc);
}

int centre_roster_set_policy(struct centre_db *db, const char *site, const struct proto_roster_policy *p)
{
  struct centre_db_stmt *s;
  if (!site_ok(site) || !p)
    return CENTRE_E_INVALID_ARG;
  /* checked the way the document's parser checks it */
  char *doc = NULL;
  size_t len = 0;
  if (proto_roster_encode(site, p, NULL, 0, &doc, &len) != PROTO_OK)
    return CENTRE_E_INVALID_ARG;
  free(doc);
  int rc = centre_db_begin(db, 1);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "begin", rc);
  rc = centre_db_prepare(db, "DELETE FROM roster_policy WHERE site_id = ?", &s);
  if (rc == CENTRE_OK) {
    centre_db_bind_text(s, 1, site);
    rc = centre_db_step(s) == CENTRE_DB_DONE ? CENTRE_OK : CENTRE_E_DB;
    centre_db_finalize(s);
  }
  if (rc == CENTRE_OK)
    rc = centre_db_prepare(db,
                            "INSERT INTO roster_policy (site_id, pin_min, failures, lock_minutes,"
                            " idle_minutes) VALUES (?, ?, ?, ?, ?)", &s);
  if (rc == CENTRE_OK) {
    centre_db_bind_text(s, 1, site);
    centre_db_bind_int64(s, 2, (int)p->pin_min);
    centre_db_bind_int64(s, 3, (int)p->failures);
    centre_db_bind_int64(s, 4, (int)p->lock_minutes);
    centre_db_bind_int64(s, 5, (int)p->idle_minutes);
    rc = centre_db_step(s) == CENTRE_DB_DONE ? CENTRE_OK : CENTRE_E_DB;
    centre_db_finalize(s);
  }
  if (rc == CENTRE_OK)
    rc = centre_db_commit(db);
  if (rc != CENTRE_OK) {
    centre_db_rollback(db);
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

int centre_roster_add(struct centre_db *db, const char *site, const struct proto_roster_entry *e,
                      int64_t now)
{
  struct centre_db_stmt *s;
  if (!site_ok(site) || !e || !entry_ok(site, e))
    return CENTRE_E_INVALID_ARG;
  int rc = centre_db_begin(db, 1);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "begin", rc);
  int ret = CENTRE_OK, disabled = -1;
  rc = centre_db_prepare(db, "SELECT disabled FROM staff WHERE site_id = ? AND staff_id = ?", &s);
  if (rc == CENTRE_OK) {
    centre_db_bind_text(s, 1, site);
    centre_db_bind_text(s, 2, e->id);
    rc = centre_db_step(s);
    if (rc == CENTRE_DB_ROW)
      disabled = (int)centre_db_column_int64(s, 0);
    rc = rc == CENTRE_DB_ROW || rc == CENTRE_DB_DONE ? CENTRE_OK : rc;
    centre_db_finalize(s);
  }
  if (rc == CENTRE_OK && disabled == 0) {
    ret = CENTRE_E_EXISTS; /* an active member is changed by disable + add, on purpose */
  } else if (rc == CENTRE_OK) {
    /* a new member, or a disabled one enabled again with new data */
    rc = centre_db_prepare(db,
                            disabled < 0
                                ? "INSERT INTO staff (role, valid_from, valid_to, name, pin_hash,"
                                  " disabled, updated_at, site_id, staff_id)"
                                  " VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)"
                                : "UPDATE staff SET role = ?, valid_from = ?, valid_to = ?,"
                                  " name = ?, pin_hash = ?, disabled = 0, updated_at = ?"
                                  " WHERE site_id = ? AND staff_id = ?", &s);
    if (rc == CENTRE_OK) {
      centre_db_bind_text(s, 1, proto_roster_role_name(e->role));
      centre_db_bind_int64(s, 2, e->from_day);
      centre_db_bind_int64(s, 3, e->to_day);
      centre_db_bind_text(s, 4, e->name);
      centre_db_bind_text(s, 5, e->pin_hash);
      centre_db_bind_int64(s, 6, now);
      centre_db_bind_text(s, 7, site);
      centre_db_bind_text(s, 8, e->id);
      rc = centre_db_step(s) == CENTRE_DB_DONE ? CENTRE_OK : CENTRE_E_DB;
      centre_db_finalize(s);
    }
  }
  if (rc == CENTRE_OK && ret == CENTRE_OK)
    rc = centre_db_commit(db);
  if (rc != CENTRE_OK || ret != CENTRE_OK) {
    centre_db_rollback(db);
    return rc != CENTRE_OK ? centre_db_fail(db, "staff add", rc) : ret;
  }
  return CENTRE_OK;
}

int centre_roster_disable(struct centre_db *db, const char *site, const char *id, int64_t now)
{
  struct centre_db_stmt *s;
  if (!site_ok(site) || !id || !common_token_valid(id, PROTO_ROSTER_ID_MAX))
    return CENTRE_E_INVALID_ARG;
  int rc = centre_db_prepare(db,
                              "UPDATE staff SET disabled = 1, updated_at = ? WHERE site_id = ?"
                              " AND staff_id = ? AND disabled = 0", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_int64(s, 1, now);
  centre_db_bind_text(s, 2, site);
  centre_db_bind_text(s, 3, id);
  rc = centre_db_step(s);
  centre_db_finalize(s);
  if (rc != CENTRE_DB_DONE)
    return centre_db_fail(db, "staff disable", rc);
  return centre_db_changes(db) == 1 ? CENTRE_OK : CENTRE_E_NOT_FOUND;
}

int centre_roster_list_csv(struct centre_db *db, const char *site, FILE *out)
{
  struct centre_db_stmt *s;
  if (site && !site_ok(site))
    return CENTRE_E_INVALID_ARG;
  int rc = centre_db_prepare(db,
                              "SELECT site_id, staff_id, role, valid_from, valid_to, disabled,"
                              " name FROM staff WHERE ?1 IS NULL OR site_id = ?1"
                              " ORDER BY site_id, staff_id", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  if (site)
    centre_db_bind_text(s, 1, site);
  else
    centre_db_bind_null(s, 1);
  /* The name masked (a name is personal data): the office knows its staff by id. */
  fprintf(out, "site,staff,role,valid_from,valid_to,state,name_masked\n");
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1], masked[3 * PROTO_ROSTER_NAME_MAX];
    common_date_format((int)centre_db_column_int64(s, 3), from);
    common_date_format((int)centre_db_column_int64(s, 4), to);
    if (common_name_mask(centre_db_column_text(s, 6), masked, sizeof masked) != 0)
      snprintf(masked, sizeof masked, "*");
    fprintf(out, "%s,%s,%s,%s,%s,%s,\"%s\"\n", centre_db_column_text(s, 0),
            centre_db_column_text(s, 1), centre_db_column_text(s, 2),
            from, to, (int)centre_db_column_int64(s, 5) ? "disabled" : "active", masked);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "staff list", rc);
}

int centre_roster_document(struct centre_db *db, const char *site, char **out, size_t *len)
{
  struct centre_db_stmt *s;
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
  int rc = centre_db_prepare(db,
                              "SELECT staff_id, role, valid_from, valid_to, pin_hash, name FROM"
                              " staff WHERE site_id = ? AND disabled = 0 ORDER BY staff_id", &s);
  if (rc != CENTRE_OK) {
    free(e);
    return centre_db_fail(db, "prepare", rc);
  }
  centre_db_bind_text(s, 1, site);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW && ret == CENTRE_OK) {
    if (n == PROTO_ROSTER_MAX) {
      ret = CENTRE_E_TOO_LARGE;
      break;
    }
    struct proto_roster_entry *x = &e[n++];
    const char *role = centre_db_column_text(s, 1);
    snprintf(x->id, sizeof x->id, "%s", centre_db_column_text(s, 0));
    x->role = role && strcmp(role, "supervisor") == 0 ? PROTO_ROLE_SUPERVISOR : PROTO_ROLE_STAFF;
    x->from_day = (int)centre_db_column_int64(s, 2);
    x->to_day = (int)centre_db_column_int64(s, 3);
    snprintf(x->pin_hash, sizeof x->pin_hash, "%s", centre_db_column_text(s, 4));
    snprintf(x->name, sizeof x->name, "%s", centre_db_column_text(s, 5));
  }
  centre_db_finalize(s);
  if (ret == CENTRE_OK && rc != CENTRE_DB_DONE && rc != CENTRE_DB_ROW)
    ret = centre_db_fail(db, "roster", rc);
  if (ret == CENTRE_OK) {
    int prc = proto_roster_encode(site, &policy, e, n, out, len);
    ret = prc == PROTO_OK ? CENTRE_OK : prc == PROTO_E_NO_MEMORY ? CENTRE_E_NO_MEMORY
                                                                   : CENTRE_E_MALFORMED;
  }
  free(e);
  return ret;
}
