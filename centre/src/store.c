/*
 * The centre's store: terminals, their events (the upload: chain, replay, quarantine),
 * revocations, registered cards and signed documents, on SQLite (one file, WAL) or
 * PostgreSQL through the database interface (db.h), with one schema and one migration
 * path (store_schema.c). The SQL is written once: bound parameters only, standard types,
 * no upserts, no date functions (the month is computed here and stored).
 *
 * Several centre processes may share one PostgreSQL: what one process's memory would
 * serialise is serialised in the database instead. An upload locks its terminal's head
 * row (SELECT ... FOR UPDATE) for its transaction, so a second centre uploading for the
 * same terminal waits and then sees the new head (its batch becomes a replay, checked
 * event by event). The next revocation-list and document version numbers are taken under
 * a named lock (centre_db_lock). On SQLite, BEGIN IMMEDIATE takes the file's write lock.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"
#include "common/award.h"
#include "common/cardno.h"
#include "common/date.h"
#include "common/hex.h"
#include "common/idno.h"
#include "common/token.h"
#include "proto/batch.h"
#include "proto/revlist.h"

struct centre_store {
  struct centre_db *db;
  struct centre_db_stmt *ins_event;
  struct centre_db_stmt *get_event_hash;
  struct centre_db_stmt *get_head;
  struct centre_db_stmt *set_head;
  struct centre_db_stmt *get_terminal;
  struct centre_db_stmt *get_cert;
};

static int db_err(struct centre_store *st, const char *what, int rc)
{
  (void)st;
  /* The back end logged its own failures; an answer out of place is ours to say. */
  if (rc == CENTRE_DB_ROW || rc == CENTRE_DB_DONE)
    centre_log(CENTRE_LOG_ERROR, "store %s: unexpected answer", what);
  return CENTRE_E_DB;
}

static int prep(struct centre_store *st, const char *sql, struct centre_db_stmt **out)
{
  return centre_db_prepare(st->db, sql, out) == CENTRE_OK ? CENTRE_OK : CENTRE_E_DB;
}

static void text(struct centre_db_stmt *s, int i, const char *v)
{
  centre_db_bind_text(s, i, v);
}

int centre_month_cst(int64_t ts)
{
  int32_t y;
  unsigned m, d;
  common_civil_from_days(common_local_day(ts, 8 * 3600), &y, &m, &d);
  return (int)y * 100 + (int)m;
}

int centre_store_create(const char *path, int sync_full, struct centre_store **out)
{
  return centre_store_open(CENTRE_DB_SQLITE, path, sync_full, out);
}

int centre_store_open_conf(const struct centre_conf *c, struct centre_store **out)
{
  return centre_store_open(c->db_backend, c->db_backend == CENTRE_DB_POSTGRES ? c->db_dsn : c->db,
                           c->db_sync_full, out);
}

int centre_store_open(int backend, const char *target, int sync_full, struct centre_store **out)
{
  struct centre_store *st;
  char sql[160];
  if (!target || !out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  st = calloc(1, sizeof *st);
  if (!st)
    return CENTRE_E_NO_MEMORY;
  if (centre_db_open((enum centre_db_backend)backend, target, sync_full, &st->db) != CENTRE_OK ||
      centre_store_migrate(st->db) != CENTRE_OK)
    goto out_close;
  /* The terminal's head row is where two centres on one PostgreSQL meet: locking it
   * serialises their uploads for that terminal (SQLite locks the whole file instead). */
  snprintf(sql, sizeof sql, "SELECT head_seq, head_hash FROM terminals WHERE terminal_id = ?%s",
           centre_db_for_update(st->db));
  if (prep(st,
           "INSERT INTO events (terminal_id, seq, time, month, site_id, mode, vehicle, card_no,"
           " generation, kind, verdict, reasons, amount_fen, bill_ref, staff_id, prev_hash, hash,"
           " received_at, route, trip, stop)"
           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           &st->ins_event) != CENTRE_OK ||
      prep(st,
           "SELECT hash FROM events WHERE terminal_id = ?1 AND seq = ?2"
           " UNION ALL SELECT hash FROM quarantine WHERE terminal_id = ?1 AND seq = ?2",
           &st->get_event_hash) != CENTRE_OK ||
      prep(st, sql, &st->get_head) != CENTRE_OK ||
      prep(st, "UPDATE terminals SET head_seq = ?, head_hash = ?, last_sync = ?"
               " WHERE terminal_id = ?",
           &st->set_head) != CENTRE_OK ||
      prep(st, "SELECT state, site_id FROM terminals WHERE terminal_id = ?",
           &st->get_terminal) != CENTRE_OK ||
      prep(st, "SELECT 1 FROM revoked_certs WHERE serial = ?", &st->get_cert) != CENTRE_OK)
    goto out_close;
  *out = st;
  return CENTRE_OK;

out_close:
  centre_store_destroy(st);
  return CENTRE_E_DB;
}

void centre_store_destroy(struct centre_store *st)
{
  if (!st)
    return;
  centre_db_finalize(st->ins_event);
  centre_db_finalize(st->get_event_hash);
  centre_db_finalize(st->get_head);
  centre_db_finalize(st->set_head);
  centre_db_finalize(st->get_terminal);
  centre_db_finalize(st->get_cert);
  centre_db_close(st->db);
  free(st);
}

struct centre_db *centre_store_db(struct centre_store *st)
{
  return st->db;
}

int centre_store_terminal_check(struct centre_store *st, const char *terminal,
                                const char *cert_serial, char site[CENTRE_TERMINAL_ID_MAX + 1])
{
  int rc, ret;
  struct centre_db_stmt *s = st->get_terminal;
  text(s, 1, terminal);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_DONE) {
    ret = CENTRE_E_UNKNOWN_TERMINAL;
  } else if (rc != CENTRE_DB_ROW) {
    ret = db_err(st, "terminal check", rc);
  } else if (strcmp(centre_db_column_text(s, 0), "active") != 0) {
    ret = CENTRE_E_RETIRED;
  } else {
    snprintf(site, CENTRE_TERMINAL_ID_MAX + 1, "%s", centre_db_column_text(s, 1));
    ret = CENTRE_OK;
  }
  centre_db_reset(s);
  if (ret != CENTRE_OK || !cert_serial)
    return ret;
  s = st->get_cert;
  text(s, 1, cert_serial);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW)
    ret = CENTRE_E_REVOKED;
  else if (rc != CENTRE_DB_DONE)
    ret = db_err(st, "cert check", rc);
  centre_db_reset(s);
  return ret;
}

static int stored_hash(struct centre_store *st, const char *terminal, uint64_t seq,
                       char out[CENTRE_HASH_HEX + 1])
{
  struct centre_db_stmt *s = st->get_event_hash;
  int rc, ret = CENTRE_OK;
  text(s, 1, terminal);
  centre_db_bind_int64(s, 2, seq);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW)
    snprintf(out, CENTRE_HASH_HEX + 1, "%s", centre_db_column_text(s, 0));
  else if (rc == CENTRE_DB_DONE)
    ret = CENTRE_E_NOT_FOUND;
  else
    ret = db_err(st, "event hash", rc);
  centre_db_reset(s);
  return ret;
}

static int insert_event(struct centre_store *st, const char *terminal,
                        const struct proto_event *e, const char *prev_hex, const char *hash_hex,
                        int64_t now)
{
  struct centre_db_stmt *s = st->ins_event;
  char reasons[17];
  int rc;
  snprintf(reasons, sizeof reasons, "%016" PRIx64, e->reasons);
  text(s, 1, terminal);
  centre_db_bind_int64(s, 2, e->seq);
  centre_db_bind_int64(s, 3, e->time);
  centre_db_bind_int64(s, 4, centre_month_cst(e->time));
  text(s, 5, e->site);
  text(s, 6, proto_mode_name(e->mode));
  text(s, 7, e->vehicle);
  text(s, 8, e->card_no);
  centre_db_bind_int64(s, 9, e->generation);
  text(s, 10, proto_event_kind_name(e->kind));
  text(s, 11, proto_verdict_name(e->verdict));
  text(s, 12, reasons);
  centre_db_bind_int64(s, 13, e->amount_fen);
  text(s, 14, e->bill_ref);
  text(s, 15, e->staff_id);
  text(s, 16, prev_hex);
  text(s, 17, hash_hex);
  centre_db_bind_int64(s, 18, now);
  text(s, 19, e->route);
  text(s, 20, e->trip);
  text(s, 21, e->stop);
  rc = centre_db_step(s);
  centre_db_reset(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : db_err(st, "insert event", rc);
}

static int run(struct centre_store *st, const char *sql, const char *fmt, const void *const *args,
               int *changes);

static int insert_quarantine(struct centre_store *st, const char *terminal,
                             const struct proto_event *e, int hold, const char *prev_hex,
                             const char *hash_hex, int64_t now)
{
  char reason[120], bad[96] = "";
  int64_t seq = (int64_t)e->seq, checked = hold != PROTO_HOLD_FIELD;
  const void *args[] = {terminal, &seq, &e->time, reason, prev_hex, hash_hex, &checked, &now};
  if (hold == PROTO_HOLD_FIELD)
    proto_event_check(e, bad, sizeof bad); /* names the field, never its value */
  snprintf(reason, sizeof reason, "%s%s%s", proto_batch_hold_text(hold), bad[0] ? ": " : "", bad);
  return run(st,
             "INSERT INTO quarantine (terminal_id, seq, time, reason, prev_hash, hash,"
             " hash_checked, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
             "tiitttii", args, NULL);
}

/* The upload's work inside a transaction the caller opened: read and lock the head,
 * check, insert, move the head. On failure the caller undoes it (a rollback, or a
 * rollback to the upload's savepoint in a group); res->acked_through is the head either
 * way, res->head_hash only on success. */
static int upload_in_tx(struct centre_store *st, const char *terminal, const char *site,
                        const struct centre_batch *b, int64_t now,
                        struct centre_upload_result *res)
{
  uint64_t head;
  char prev[CENTRE_HASH_HEX + 1];
  int rc, ret = CENTRE_OK;
  struct centre_db_stmt *s;

  s = st->get_head;
  text(s, 1, terminal);
  rc = centre_db_step(s);
  if (rc != CENTRE_DB_ROW) {
    centre_db_reset(s);
    return rc == CENTRE_DB_DONE ? CENTRE_E_UNKNOWN_TERMINAL : db_err(st, "head", rc);
  }
  head = (uint64_t)centre_db_column_int64(s, 0);
  snprintf(prev, sizeof prev, "%s", centre_db_column_text(s, 1));
  centre_db_reset(s);

  if (b->ev[0].seq > head + 1) {
    res->expected_seq = head + 1;
    ret = CENTRE_E_GAP;
    goto out;
  }
  for (size_t i = 0; i < b->n; i++) {
    const struct proto_event *e = &b->ev[i];
    char hash_hex[CENTRE_HASH_HEX + 1], prev_hex[CENTRE_HASH_HEX + 1], want[CENTRE_HASH_HEX + 1];
    uint8_t h[PROTO_HASH_LEN];
    int hold;
    common_hex_encode(e->hash, PROTO_HASH_LEN, hash_hex, sizeof hash_hex);
    common_hex_encode(e->prev_hash, PROTO_HASH_LEN, prev_hex, sizeof prev_hex);
    res->bad_seq = e->seq;
    /* The certificate says who is talking; the event must say the same. */
    if (strcmp(e->terminal, terminal) != 0 || strcmp(e->site, site) != 0) {
      ret = CENTRE_E_IDENTITY;
      goto out;
    }
    if (e->seq <= head) {
      /* A replay (the reply to an earlier upload was lost): it must be the same event. */
      ret = stored_hash(st, terminal, e->seq, want);
      if (ret == CENTRE_E_NOT_FOUND || (ret == CENTRE_OK && strcmp(want, hash_hex) != 0))
        ret = CENTRE_E_CONFLICT;
      if (ret != CENTRE_OK)
        goto out;
      continue;
    }
    if (strcmp(prev_hex, prev) != 0) {
      ret = CENTRE_E_CHAIN;
      goto out;
    }
    hold = b->hold ? b->hold[i] : PROTO_HOLD_NONE;
    /* An event the event check refuses cannot be hashed (proto hashes only valid
     * events); the next event's prev_hash still vouches for its hash. */
    if (hold != PROTO_HOLD_FIELD &&
        (centre_event_hash(e, h) != CENTRE_OK || memcmp(h, e->hash, PROTO_HASH_LEN) != 0)) {
      ret = CENTRE_E_HASH;
      goto out;
    }
    if (hold != PROTO_HOLD_NONE) {
      ret = insert_quarantine(st, terminal, e, hold, prev_hex, hash_hex, now);
      res->quarantined++;
    } else {
      ret = insert_event(st, terminal, e, prev_hex, hash_hex, now);
      if (ret == CENTRE_OK)
        ret = centre_bills_on_event(st->db, terminal, e);
    }
    if (ret != CENTRE_OK)
      goto out;
    memcpy(prev, hash_hex, sizeof prev);
    head = e->seq;
    res->inserted += hold == PROTO_HOLD_NONE;
  }
  res->bad_seq = 0;
  s = st->set_head;
  centre_db_bind_int64(s, 1, head);
  text(s, 2, prev);
  centre_db_bind_int64(s, 3, now);
  text(s, 4, terminal);
  rc = centre_db_step(s);
  centre_db_reset(s);
  if (rc != CENTRE_DB_DONE) {
    ret = db_err(st, "set head", rc);
    goto out;
  }
  memcpy(res->head_hash, prev, sizeof prev);
out:
  res->acked_through = head;
  return ret;
}

int centre_store_upload(struct centre_store *st, const char *terminal, const char *site,
                        const struct centre_batch *b, int64_t now,
                        struct centre_upload_result *res)
{
  int ret;
  memset(res, 0, sizeof *res);
  if (!b || b->n == 0)
    return CENTRE_E_INVALID_ARG;
  if (centre_db_begin(st->db, 1) != CENTRE_OK)
    return CENTRE_E_DB;
  ret = upload_in_tx(st, terminal, site, b, now, res);
  if (ret == CENTRE_OK && centre_db_commit(st->db) != CENTRE_OK)
    ret = CENTRE_E_DB;
  if (ret != CENTRE_OK) {
    centre_db_rollback(st->db);
    res->head_hash[0] = '\0';
  }
  return ret;
}

/* Uploads of one terminal keep their order; across terminals the order is the
 * terminal id's, the same in every centre process, so that two centres' groups on one
 * PostgreSQL lock the head rows in the same order and never deadlock. */
static int job_cmp(const void *a, const void *b)
{
  const struct centre_upload_job *x = *(const struct centre_upload_job *const *)a;
  const struct centre_upload_job *y = *(const struct centre_upload_job *const *)b;
  int c = strcmp(x->terminal, y->terminal);
  if (c)
    return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

int centre_store_upload_group(struct centre_store *st, struct centre_upload_job **jobs, size_t n)
{
  if (n == 0)
    return CENTRE_OK;
  if (n == 1) {
    jobs[0]->rc = centre_store_upload(st, jobs[0]->terminal, jobs[0]->site, jobs[0]->b,
                                      jobs[0]->now, &jobs[0]->res);
    return jobs[0]->rc;
  }
  for (size_t i = 0; i < n; i++) {
    memset(&jobs[i]->res, 0, sizeof jobs[i]->res);
    jobs[i]->order = i;
    jobs[i]->rc = !jobs[i]->b || jobs[i]->b->n == 0 ? CENTRE_E_INVALID_ARG : CENTRE_E_DB;
  }
  qsort(jobs, n, sizeof *jobs, job_cmp);
  if (centre_db_begin(st->db, 1) != CENTRE_OK)
    return CENTRE_E_DB;
  for (size_t i = 0; i < n; i++) {
    struct centre_upload_job *j = jobs[i];
    if (j->rc == CENTRE_E_INVALID_ARG)
      continue;
    /* Each upload behind its own savepoint: a refused one (a gap, a broken chain, a
     * conflict) is undone alone and the others still commit. */
    if (centre_db_exec(st->db, "SAVEPOINT yh_upload", "savepoint") != CENTRE_OK)
      goto out_rollback;
    j->rc = upload_in_tx(st, j->terminal, j->site, j->b, j->now, &j->res);
    if (j->rc != CENTRE_OK) {
      j->res.head_hash[0] = '\0';
      if (centre_db_exec(st->db, "ROLLBACK TO SAVEPOINT yh_upload", "rollback to savepoint") !=
          CENTRE_OK)
        goto out_rollback;
    }
    if (centre_db_exec(st->db, "RELEASE SAVEPOINT yh_upload", "release savepoint") != CENTRE_OK)
      goto out_rollback;
  }
  if (centre_db_commit(st->db) != CENTRE_OK)
    goto out_rollback;
  return CENTRE_OK;

out_rollback:
  /* Nothing of the group is durable: every upload that had gone in is answered 503
   * and retried by its terminal. */
  centre_db_rollback(st->db);
  for (size_t i = 0; i < n; i++) {
    if (jobs[i]->rc == CENTRE_OK || jobs[i]->rc == CENTRE_E_DB) {
      jobs[i]->rc = CENTRE_E_DB;
      jobs[i]->res.head_hash[0] = '\0';
    }
  }
  return CENTRE_E_DB;
}

/* Run one statement with text/int64 parameters given as a format: 't' text, 'i' int64,
 * 'n' NULL. Returns OK, EXISTS (a constraint) or DB; *changes gets the row count changed. */
static int run(struct centre_store *st, const char *sql, const char *fmt, const void *const *args,
               int *changes)
{
  int64_t n = 0;
  int rc = centre_db_run(st->db, sql, fmt, args, &n);
  if (rc == CENTRE_OK && changes)
    *changes = (int)n;
  return rc == CENTRE_OK || rc == CENTRE_E_EXISTS ? rc : CENTRE_E_DB;
}

int centre_store_status(struct centre_store *st, const char *terminal,
                        const struct centre_status_report *r, int64_t now)
{
  int64_t depth = (int64_t)r->queue_depth, last = r->last_sync;
  int64_t rev = (int64_t)r->health.revlist_version, off = r->health.clock_offset_s;
  const void *args[] = {r->software, &depth, &last, r->reader, &now, &rev, &off, terminal};
  /* A health value the report did not carry is stored as NULL ("not reported"), not
   * left at an older value that would look current. The CASTs: libpq types a NULL
   * parameter as text, and a statement is prepared once with the types of its first use. */
  char fmt[] = "tiitiiit";
  fmt[5] = r->health.has_revlist ? 'i' : 'n';
  fmt[6] = r->health.has_clock ? 'i' : 'n';
  return run(st,
             "UPDATE terminals SET sw_version = ?, queue_depth = ?, reported_last_sync = ?,"
             " reader_state = ?, reported_at = ?, revlist_version = CAST(? AS BIGINT),"
             " clock_offset_s = CAST(? AS BIGINT)"
             " WHERE terminal_id = ?",
             fmt, args, NULL);
}

int centre_store_terminal_register(struct centre_store *st, const char *terminal,
                                   const char *site, int64_t now)
{
  static const char genesis[] =
      "0000000000000000000000000000000000000000000000000000000000000000";
  const void *args[] = {terminal, site, &now, genesis};
  /* The same rules as the journal's fields, so that every event can match. */
  if (!common_token_valid(terminal, PROTO_TOKEN_MAX) ||
      !common_token_valid(site, PROTO_SITE_TOKEN_MAX) || common_id_shaped(terminal) ||
      common_id_shaped(site))
    return CENTRE_E_INVALID_ARG;
  return run(st,
             "INSERT INTO terminals (terminal_id, site_id, state, registered_at, head_seq,"
             " head_hash) VALUES (?, ?, 'active', ?, 0, ?)",
             "ttit", args, NULL);
}

int centre_store_terminal_retire(struct centre_store *st, const char *terminal, int64_t now)
{
  const void *args[] = {&now, terminal};
  int changes = 0;
  int rc = run(st, "UPDATE terminals SET state = 'retired', retired_at = ? WHERE terminal_id = ?",
               "it", args, &changes);
  if (rc == CENTRE_OK && changes == 0)
    return CENTRE_E_NOT_FOUND;
  return rc;
}

int centre_store_cert_revoke(struct centre_store *st, const char *serial_hex, int64_t now)
{
  const void *args[] = {serial_hex, &now};
  int rc = run(st, "INSERT INTO revoked_certs (serial, revoked_at) VALUES (?, ?)", "ti", args,
               NULL);
  return rc == CENTRE_E_EXISTS ? CENTRE_OK : rc;
}

/* A registered card's state follows the revocation list: revoked when an EXACT entry
 * names its generation or a BELOW entry a later one. Recomputed for every generation of
 * the number after each change (a restore may leave another entry covering it). */
static const char restate_sql[] =
    "UPDATE cards SET state = CASE WHEN EXISTS (SELECT 1 FROM revoked_cards r"
    " WHERE r.card_no = cards.card_no AND ((r.kind = 1 AND r.generation = cards.generation)"
    " OR (r.kind = 2 AND cards.generation < r.generation)))"
    " THEN 'revoked' ELSE 'active' END WHERE card_no = ?";

struct card_stmts {
  struct centre_db_stmt *exists, *change, *add, *del, *restate;
};

static void card_stmts_free(struct card_stmts *c)
{
  centre_db_finalize(c->exists);
  centre_db_finalize(c->change);
  centre_db_finalize(c->add);
  centre_db_finalize(c->del);
  centre_db_finalize(c->restate);
}

static int card_stmts_prep(struct centre_store *st, struct card_stmts *c)
{
  memset(c, 0, sizeof *c);
  if (prep(st,
           "SELECT 1 FROM revoked_cards WHERE card_no = ? AND generation = ? AND kind = ?",
           &c->exists) != CENTRE_OK ||
      prep(st,
           "INSERT INTO card_changes (version, card_no, generation, kind, op, reason, changed_at)"
           " VALUES (?, ?, ?, ?, ?, ?, ?)",
           &c->change) != CENTRE_OK ||
      prep(st, "INSERT INTO revoked_cards (card_no, generation, kind, version) VALUES (?, ?, ?, ?)",
           &c->add) != CENTRE_OK ||
      prep(st, "DELETE FROM revoked_cards WHERE card_no = ? AND generation = ? AND kind = ?",
           &c->del) != CENTRE_OK ||
      prep(st, restate_sql, &c->restate) != CENTRE_OK) {
    card_stmts_free(c);
    return CENTRE_E_DB;
  }
  return CENTRE_OK;
}

static int step_done(struct centre_store *st, struct centre_db_stmt *s, const char *what)
{
  int rc = centre_db_step(s);
  centre_db_reset(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : db_err(st, what, rc);
}

/* One change; a change that changes nothing (revoking a revoked entry) writes nothing
 * and leaves *version alone, so that deltas only carry real changes. */
static int card_set_one(struct centre_store *st, struct card_stmts *c,
                        const struct centre_rev_entry *e, int op, const char *reason, int64_t now,
                        int64_t *version, int *changed)
{
  int rc, present;
  *changed = 0;
  text(c->exists, 1, e->card_no);
  centre_db_bind_int64(c->exists, 2, e->generation);
  centre_db_bind_int64(c->exists, 3, e->kind);
  rc = centre_db_step(c->exists);
  centre_db_reset(c->exists);
  if (rc != CENTRE_DB_ROW && rc != CENTRE_DB_DONE)
    return db_err(st, "card exists", rc);
  present = rc == CENTRE_DB_ROW;
  if (present == (op != 0))
    return CENTRE_OK;
  ++*version;
  centre_db_bind_int64(c->change, 1, *version);
  text(c->change, 2, e->card_no);
  centre_db_bind_int64(c->change, 3, e->generation);
  centre_db_bind_int64(c->change, 4, e->kind);
  centre_db_bind_int64(c->change, 5, op ? 1 : 0);
  if (reason)
    text(c->change, 6, reason);
  else
    centre_db_bind_null(c->change, 6);
  centre_db_bind_int64(c->change, 7, now);
  rc = step_done(st, c->change, "card change");
  if (rc != CENTRE_OK)
    return rc;
  if (op) {
    text(c->add, 1, e->card_no);
    centre_db_bind_int64(c->add, 2, e->generation);
    centre_db_bind_int64(c->add, 3, e->kind);
    centre_db_bind_int64(c->add, 4, *version);
    rc = step_done(st, c->add, "card add");
  } else {
    text(c->del, 1, e->card_no);
    centre_db_bind_int64(c->del, 2, e->generation);
    centre_db_bind_int64(c->del, 3, e->kind);
    rc = step_done(st, c->del, "card delete");
  }
  if (rc != CENTRE_OK)
    return rc;
  text(c->restate, 1, e->card_no);
  rc = step_done(st, c->restate, "card state");
  *changed = 1;
  return rc;
}

/* The newest change number (0 when none). */
static int last_change(struct centre_store *st, int64_t *v)
{
  struct centre_db_stmt *s;
  int rc;
  if (prep(st, "SELECT MAX(version) FROM card_changes", &s) != CENTRE_OK)
    return CENTRE_E_DB;
  rc = centre_db_step(s);
  *v = rc == CENTRE_DB_ROW ? centre_db_column_int64(s, 0) : 0;
  centre_db_finalize(s);
  return rc == CENTRE_DB_ROW ? CENTRE_OK : db_err(st, "version", rc);
}

int centre_store_card_set_many(struct centre_store *st, const struct centre_rev_entry *e,
                               size_t n, int op, const char *reason, int64_t now,
                               uint64_t *version, size_t *changed)
{
  struct card_stmts c;
  int64_t v;
  size_t count = 0;
  int rc;
  for (size_t i = 0; i < n; i++)
    /* Where card numbers enter: a wrong check digit (a typo) must not revoke or restore
     * a card that does not exist. */
    if (!common_cardno_valid(e[i].card_no) ||
        (e[i].kind != PROTO_REV_EXACT && e[i].kind != PROTO_REV_BELOW) ||
        (e[i].kind == PROTO_REV_BELOW && e[i].generation == 0))
      return CENTRE_E_INVALID_ARG;
  if (reason && !common_token_valid(reason, 32))
    return CENTRE_E_INVALID_ARG;
  if (card_stmts_prep(st, &c) != CENTRE_OK)
    return CENTRE_E_DB;
  rc = centre_db_begin(st->db, 1);
  if (rc == CENTRE_OK)
    rc = centre_db_lock(st->db, "card_changes");
  if (rc == CENTRE_OK)
    rc = last_change(st, &v);
  for (size_t i = 0; rc == CENTRE_OK && i < n; i++) {
    int ch = 0;
    rc = card_set_one(st, &c, &e[i], op, reason, now, &v, &ch);
    count += (size_t)ch;
  }
  if (rc == CENTRE_OK)
    rc = centre_db_commit(st->db);
  if (rc != CENTRE_OK)
    centre_db_rollback(st->db);
  card_stmts_free(&c);
  if (rc != CENTRE_OK)
    return rc;
  if (version)
    *version = (uint64_t)v + 1;
  if (changed)
    *changed = count;
  return CENTRE_OK;
}

/* ---------------------------------------------------------------- cards -- */

/* YYYYMMDD: a day of the calendar (common's rule) between 2000 and 2100. */
static int ymd_ok(uint32_t d)
{
  unsigned y = d / 10000, m = d / 100 % 100, day = d % 100;
  return y >= 2000 && y <= 2100 && common_date_valid((int32_t)y, m, day);
}

int centre_card_reg_check(const struct centre_card_reg *r, char *why, size_t cap)
{
  const char *bad = NULL;
  size_t i;
  if (!r)
    bad = "registration missing";
  else if (!common_cardno_valid(r->card_no))
    bad = "card number: YL and 14 digits with valid MOD 97-10 check digits";
  else if (r->award > INT_MAX || !common_award_info((int)r->award) ||
           common_award_info((int)r->award)->card_min_level < 0)
    bad = "award: not an award that carries the card";
  else if (!common_award_carries_card((int)r->award, r->level))
    bad = "level: this award carries no card at this level (donor_star 3-5, "
          "volunteer_star 5, lifetime awards 0)";
  else if (!ymd_ok(r->issued))
    bad = "issue date: not a real date in 2000-2100";
  else if (!ymd_ok(r->not_after))
    bad = "not-after: not a real date in 2000-2100";
  else if (r->not_after < r->issued)
    bad = "not-after: before the issue date";
  else if (r->round_year < 2000 || r->round_year > r->issued / 10000)
    bad = "round: a year from 2000 to the issue year";
  if (!bad) {
    for (i = 0; r->issuer[i]; i++)
      if (!((r->issuer[i] >= '0' && r->issuer[i] <= '9') ||
            (r->issuer[i] >= 'a' && r->issuer[i] <= 'f')))
        break;
    if (i != CENTRE_ISSUER_ID_HEX || r->issuer[i])
      bad = "issuer: the key id is 16 lowercase hex digits";
  }
  if (!bad)
    return CENTRE_OK;
  if (why && cap)
    snprintf(why, cap, "%s", bad);
  return CENTRE_E_INVALID_ARG;
}

static void card_row(struct centre_db_stmt *s, int col, struct centre_card_reg *r)
{
  r->award = (unsigned)(int)centre_db_column_int64(s, col);
  r->level = (unsigned)(int)centre_db_column_int64(s, col + 1);
  r->round_year = (unsigned)(int)centre_db_column_int64(s, col + 2);
  r->issued = (uint32_t)centre_db_column_int64(s, col + 3);
  r->not_after = (uint32_t)centre_db_column_int64(s, col + 4);
  snprintf(r->issuer, sizeof r->issuer, "%s", centre_db_column_text(s, col + 5));
}

#define CARD_COLUMNS "award, award_level, award_round, issue_date, not_after, issuer_key_id"

/* The fields of a that differ from b, by name ("" when none). */
static void card_diff(const struct centre_card_reg *a, const struct centre_card_reg *b, char *out,
                      size_t cap)
{
  size_t len = 0;
  out[0] = '\0';
#define CARD_DIFF(cond, name)                                                              \
  if ((cond) && len < cap)                                                                 \
    len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? ", " : "", name);
  CARD_DIFF(a->award != b->award, "award")
  CARD_DIFF(a->level != b->level, "level")
  CARD_DIFF(a->round_year != b->round_year, "round")
  CARD_DIFF(a->issued != b->issued, "issued")
  CARD_DIFF(a->not_after != b->not_after, "not-after")
  CARD_DIFF(strcmp(a->issuer, b->issuer) != 0, "issuer")
#undef CARD_DIFF
}

int centre_store_card_register(struct centre_store *st, const struct centre_card_reg *r,
                               int64_t now, int *created, char *why, size_t cap)
{
  struct centre_db_stmt *s = NULL;
  struct centre_card_reg have;
  char diff[96];
  int rc, ret;
  if (created)
    *created = 0;
  if (why && cap)
    why[0] = '\0';
  ret = centre_card_reg_check(r, why, cap);
  if (ret != CENTRE_OK)
    return ret;
  if (centre_db_begin(st->db, 1) != CENTRE_OK)
    return CENTRE_E_DB;
  ret = prep(st, "SELECT " CARD_COLUMNS " FROM cards WHERE card_no = ? AND generation = ?", &s);
  if (ret != CENTRE_OK)
    goto out_rollback;
  text(s, 1, r->card_no);
  centre_db_bind_int64(s, 2, r->generation);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    memcpy(&have, r, sizeof have);
    card_row(s, 0, &have);
    centre_db_finalize(s);
    s = NULL;
    card_diff(r, &have, diff, sizeof diff);
    centre_db_rollback(st->db);
    if (!diff[0])
      return CENTRE_OK; /* the same registration again */
    if (why && cap)
      snprintf(why, cap, "generation %lu is registered with another %s",
               (unsigned long)r->generation, diff);
    return CENTRE_E_CARD_CONFLICT;
  }
  centre_db_finalize(s);
  s = NULL;
  if (rc != CENTRE_DB_DONE) {
    ret = db_err(st, "card lookup", rc);
    goto out_rollback;
  }
  {
    int64_t gen = r->generation, award = r->award, level = r->level, round = r->round_year,
            issued = r->issued, not_after = r->not_after;
    const void *args[] = {r->card_no, &gen, &award, &level, &round, &issued, &not_after,
                          r->issuer, &now};
    const void *rs[] = {r->card_no};
    ret = run(st,
              "INSERT INTO cards (card_no, generation, " CARD_COLUMNS ", registered_at, state)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')",
              "tiiiiiiti", args, NULL);
    /* A revocation that arrived before the registration already covers it. */
    if (ret == CENTRE_OK)
      ret = run(st, restate_sql, "t", rs, NULL);
  }
  if (ret == CENTRE_OK)
    ret = centre_db_commit(st->db);
  if (ret != CENTRE_OK)
    goto out_rollback;
  if (created)
    *created = 1;
  return CENTRE_OK;

out_rollback:
  centre_db_finalize(s);
  centre_db_rollback(st->db);
  return ret;
}

int centre_store_card_show(struct centre_store *st, const char *card_no,
                           struct centre_card_info **out, size_t *n)
{
  struct centre_db_stmt *s;
  struct centre_card_info *v = NULL, *nv;
  size_t len = 0, cap = 0;
  int rc, ret = CENTRE_OK;
  *out = NULL;
  *n = 0;
  if (!card_no || !common_cardno_valid(card_no))
    return CENTRE_E_INVALID_ARG;
  if (prep(st,
           "SELECT generation, " CARD_COLUMNS ", registered_at, state FROM cards"
           " WHERE card_no = ? ORDER BY generation",
           &s) != CENTRE_OK)
    return CENTRE_E_DB;
  text(s, 1, card_no);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    if (len == cap) {
      cap = cap ? cap * 2 : 4;
      nv = realloc(v, cap * sizeof *v);
      if (!nv) {
        ret = CENTRE_E_NO_MEMORY;
        break;
      }
      v = nv;
    }
    memset(&v[len], 0, sizeof v[len]);
    snprintf(v[len].reg.card_no, sizeof v[len].reg.card_no, "%s", card_no);
    v[len].reg.generation = (uint32_t)centre_db_column_int64(s, 0);
    card_row(s, 1, &v[len].reg);
    v[len].registered_at = centre_db_column_int64(s, 7);
    v[len].revoked = strcmp(centre_db_column_text(s, 8), "revoked") == 0;
    len++;
  }
  if (ret == CENTRE_OK && rc != CENTRE_DB_DONE)
    ret = db_err(st, "card show", rc);
  centre_db_finalize(s);
  if (ret == CENTRE_OK && len == 0)
    ret = CENTRE_E_NOT_FOUND;
  if (ret != CENTRE_OK) {
    free(v);
    return ret;
  }
  *out = v;
  *n = len;
  return CENTRE_OK;
}

int centre_store_revocation_version(struct centre_store *st, uint64_t *version)
{
  int64_t last = 0;
  int rc = last_change(st, &last);
  if (rc == CENTRE_OK)
    *version = (uint64_t)last + 1;
  return rc;
}

int centre_store_revocations_refresh(struct centre_store *st, int64_t now, int64_t max_age,
                                     uint64_t *version, int *refreshed)
{
  struct centre_db_stmt *s = NULL;
  int64_t last = 0, at = 0;
  int rc;
  *refreshed = 0;
  if (centre_db_begin(st->db, 1) != CENTRE_OK)
    return CENTRE_E_DB;
  rc = centre_db_lock(st->db, "card_changes");
  if (rc == CENTRE_OK)
    rc = prep(st, "SELECT MAX(version), MAX(changed_at) FROM card_changes", &s);
  if (rc == CENTRE_OK) {
    if (centre_db_step(s) == CENTRE_DB_ROW) {
      last = centre_db_column_int64(s, 0);
      at = centre_db_column_int64(s, 1);
    } else {
      rc = db_err(st, "refresh", CENTRE_E_DB);
    }
    centre_db_finalize(s);
  }
  if (rc == CENTRE_OK && now - at >= max_age) {
    int64_t v = last + 1;
    const void *args[] = {&v, &now};
    rc = run(st,
             "INSERT INTO card_changes (version, card_no, generation, kind, op, reason, changed_at)"
             " VALUES (?, '', 0, 0, 2, 'refresh', ?)",
             "ii", args, NULL);
    if (rc == CENTRE_OK) {
      last = v;
      *refreshed = 1;
    }
  }
  if (rc == CENTRE_OK)
    rc = centre_db_commit(st->db);
  if (rc != CENTRE_OK) {
    centre_db_rollback(st->db);
    return rc;
  }
  *version = (uint64_t)last + 1;
  return CENTRE_OK;
}

static int push_entry(struct centre_rev_entry **v, size_t *len, size_t *cap,
                      const struct centre_rev_entry *e)
{
  if (*len == *cap) {
    size_t ncap = *cap ? *cap * 2 : 256;
    struct centre_rev_entry *nv = realloc(*v, ncap * sizeof **v);
    if (!nv)
      return CENTRE_E_NO_MEMORY;
    *v = nv;
    *cap = ncap;
  }
  (*v)[(*len)++] = *e;
  return CENTRE_OK;
}

static void row_entry(struct centre_db_stmt *s, struct centre_rev_entry *e)
{
  memset(e, 0, sizeof *e);
  snprintf(e->card_no, sizeof e->card_no, "%s", centre_db_column_text(s, 0));
  e->generation = (uint32_t)centre_db_column_int64(s, 1);
  e->kind = (uint8_t)(int)centre_db_column_int64(s, 2);
}

int centre_store_revocations(struct centre_store *st, uint64_t since,
                             struct centre_rev_entry **out, size_t *n, uint64_t *version)
{
  struct centre_db_stmt *s = NULL;
  struct centre_rev_entry *v = NULL, cur, e;
  size_t len = 0, cap = 0;
  int64_t last;
  int rc, ret, first_op = 0, last_op = 0, have = 0;

  *out = NULL;
  *n = 0;
  /* One read transaction, so that the version and the entries agree. */
  if (centre_db_begin(st->db, 0) != CENTRE_OK)
    return CENTRE_E_DB;
  ret = last_change(st, &last);
  if (ret != CENTRE_OK)
    goto out_end;
  *version = (uint64_t)last + 1;
  if (since == 0 || since > (uint64_t)last + 1) {
    ret = prep(st, "SELECT card_no, generation, kind FROM revoked_cards", &s);
    if (ret != CENTRE_OK)
      goto out_end;
    while (ret == CENTRE_OK && (rc = centre_db_step(s)) == CENTRE_DB_ROW) {
      row_entry(s, &e);
      ret = push_entry(&v, &len, &cap, &e);
    }
  } else {
    /* Changes in [since, last]: per entry, the state before (the opposite of its first
     * change) and after (its last change); only entries whose state differs go out, so
     * the delta never adds what is there or removes what is not. */
    ret = prep(st,
               "SELECT card_no, generation, kind, op FROM card_changes"
               " WHERE version >= ? AND op IN (0, 1)"
               " ORDER BY card_no, generation, kind, version",
               &s);
    if (ret != CENTRE_OK)
      goto out_end;
    centre_db_bind_int64(s, 1, since);
    memset(&cur, 0, sizeof cur);
    while (ret == CENTRE_OK && (rc = centre_db_step(s)) == CENTRE_DB_ROW) {
      int op = (int)centre_db_column_int64(s, 3);
      row_entry(s, &e);
      if (have && (strcmp(e.card_no, cur.card_no) != 0 || e.generation != cur.generation ||
                   e.kind != cur.kind)) {
        if (first_op == last_op) { /* before: !first_op; after: last_op */
          cur.remove = !last_op;
          ret = push_entry(&v, &len, &cap, &cur);
        }
        have = 0;
      }
      if (!have) {
        cur = e;
        first_op = op;
        have = 1;
      }
      last_op = op;
    }
    if (ret == CENTRE_OK && have && first_op == last_op) {
      cur.remove = !last_op;
      ret = push_entry(&v, &len, &cap, &cur);
    }
  }
  if (ret == CENTRE_OK && rc != CENTRE_DB_DONE)
    ret = db_err(st, "revocations", rc);
out_end:
  centre_db_finalize(s);
  (void)centre_db_commit(st->db); /* a read transaction: nothing to lose */
  if (ret != CENTRE_OK) {
    free(v);
    return ret;
  }
  *out = v;
  *n = len;
  return CENTRE_OK;
}

int centre_store_doc_put(struct centre_store *st, const char *kind, const char *content,
                         int64_t now, uint64_t *version)
{
  struct centre_db_stmt *s = NULL;
  int64_t v = 0;
  int rc;
  if (centre_db_begin(st->db, 1) != CENTRE_OK)
    return CENTRE_E_DB;
  rc = centre_db_lock(st->db, "documents");
  if (rc == CENTRE_OK)
    rc = prep(st, "SELECT MAX(version) FROM documents WHERE kind = ?", &s);
  if (rc == CENTRE_OK) {
    text(s, 1, kind);
    if (centre_db_step(s) == CENTRE_DB_ROW)
      v = centre_db_column_int64(s, 0);
    centre_db_finalize(s);
    v++;
    {
      const void *args[] = {kind, &v, &now, content};
      rc = run(st, "INSERT INTO documents (kind, version, issued_at, content) VALUES (?, ?, ?, ?)",
               "tiit", args, NULL);
    }
  }
  if (rc == CENTRE_OK)
    rc = centre_db_commit(st->db);
  if (rc != CENTRE_OK) {
    centre_db_rollback(st->db);
    return rc;
  }
  *version = (uint64_t)v;
  return CENTRE_OK;
}

int centre_store_doc_get(struct centre_store *st, const char *kind, char **content,
                         uint64_t *version, int64_t *issued)
{
  struct centre_db_stmt *s;
  int rc, ret = CENTRE_OK;
  *content = NULL;
  if (prep(st,
           "SELECT version, issued_at, content FROM documents WHERE kind = ?"
           " ORDER BY version DESC LIMIT 1",
           &s) != CENTRE_OK)
    return CENTRE_E_DB;
  text(s, 1, kind);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    *version = (uint64_t)centre_db_column_int64(s, 0);
    *issued = centre_db_column_int64(s, 1);
    *content = strdup(centre_db_column_text(s, 2));
    if (!*content)
      ret = CENTRE_E_NO_MEMORY;
  } else {
    ret = rc == CENTRE_DB_DONE ? CENTRE_E_NOT_FOUND : db_err(st, "doc get", rc);
  }
  centre_db_finalize(s);
  return ret;
}

int centre_store_usage_csv(struct centre_store *st, int from, int to, FILE *out)
{
  struct centre_db_stmt *s;
  int rc;
  if (prep(st,
           "SELECT site_id, month, mode,"
           " SUM(CASE WHEN verdict = 'GRANT' THEN 1 ELSE 0 END),"
           /* a decision staff took part in: confirmed, accepted, overrode or refused
            * (a STAFF_CHECK is a question, never journaled; its answer is) */
           " SUM(CASE WHEN staff_id <> '' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN verdict = 'DENY' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN verdict = 'GRANT' THEN amount_fen ELSE 0 END),"
           /* reason bit 38 (kiosk's STAFF_REFUSED): reasons is 16 hex digits */
           " SUM(CASE WHEN verdict = 'DENY' AND substr(reasons, 7, 1) IN"
           "  ('4','5','6','7','c','d','e','f') THEN 1 ELSE 0 END)"
           " FROM events WHERE month >= ? AND month <= ? AND kind IN ('decision', 'override')"
           " GROUP BY site_id, month, mode ORDER BY site_id, month, mode",
           &s) != CENTRE_OK)
    return CENTRE_E_DB;
  centre_db_bind_int64(s, 1, from ? from : 0);
  centre_db_bind_int64(s, 2, to ? to : 999999);
  fprintf(out, "site,month,mode,granted,staff_check,denied,waived_yuan,staff_refused\n");
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    int month = (int)centre_db_column_int64(s, 1);
    int64_t fen = centre_db_column_int64(s, 6);
    fprintf(out,
            "%s,%04d-%02d,%s,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ".%02" PRId64
            ",%" PRId64 "\n",
            centre_db_column_text(s, 0), month / 100, month % 100,
            centre_db_column_text(s, 2), centre_db_column_int64(s, 3),
            centre_db_column_int64(s, 4), centre_db_column_int64(s, 5), fen / 100,
            fen % 100, centre_db_column_int64(s, 7));
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : db_err(st, "usage", rc);
}

int centre_store_terminals_csv(struct centre_store *st, FILE *out)
{
  struct centre_db_stmt *s;
  int rc;
  if (prep(st,
           "SELECT terminal_id, site_id, state, head_seq, last_sync, sw_version, queue_depth,"
           " reader_state, reported_at FROM terminals ORDER BY terminal_id",
           &s) != CENTRE_OK)
    return CENTRE_E_DB;
  fprintf(out, "terminal,site,state,acked_through,last_sync,software,queue_depth,reader,"
               "reported_at\n");
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    for (int i = 0; i < 9; i++) {
      const char *v = centre_db_column_text(s, i);
      fprintf(out, "%s%s", i ? "," : "", v ? (const char *)v : "");
    }
    fputc('\n', out);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : db_err(st, "terminals", rc);
}

int centre_store_quarantine_csv(struct centre_store *st, const char *terminal, FILE *out)
{
  struct centre_db_stmt *s;
  int rc;
  if (prep(st,
           "SELECT terminal_id, seq, time, reason, hash_checked, received_at FROM quarantine"
           " WHERE ?1 IS NULL OR terminal_id = ?1 ORDER BY terminal_id, seq",
           &s) != CENTRE_OK)
    return CENTRE_E_DB;
  if (terminal)
    text(s, 1, terminal);
  else
    centre_db_bind_null(s, 1);
  fprintf(out, "terminal,seq,time,reason,hash_checked,received_at\n");
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    /* The reason is our own text (proto's table), but it may hold a comma. */
    fprintf(out, "%s,%lld,%lld,\"%s\",%lld,%lld\n", centre_db_column_text(s, 0),
            (long long)centre_db_column_int64(s, 1), (long long)centre_db_column_int64(s, 2),
            centre_db_column_text(s, 3), (long long)centre_db_column_int64(s, 4),
            (long long)centre_db_column_int64(s, 5));
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : db_err(st, "quarantine", rc);
}

int centre_store_count_events(struct centre_store *st, const char *terminal, uint64_t *n)
{
  struct centre_db_stmt *s;
  int rc;
  if (prep(st, "SELECT COUNT(*) FROM events WHERE terminal_id = ?", &s) != CENTRE_OK)
    return CENTRE_E_DB;
  text(s, 1, terminal);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW)
    *n = (uint64_t)centre_db_column_int64(s, 0);
  centre_db_finalize(s);
  return rc == CENTRE_DB_ROW ? CENTRE_OK : db_err(st, "count", rc);
}
