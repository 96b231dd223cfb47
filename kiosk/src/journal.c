/*
 * The audit journal (kiosk/journal.h): SQLite, WAL, synchronous=FULL, SHA-256 chain.
 * Schema: docs/journal.md; the event, its canonical line and hash are proto's
 * (proto/event.h). SQLite result codes are translated here,
 * once; the raw code and text stay available through kiosk_journal_errmsg().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/hex.h"
#include "kiosk/journal.h"
#include "proto/batch.h"

/* The journal stores kiosk's enums in proto's event: the numbers must be the same. */
_Static_assert((int)KIOSK_MODE_GATE == PROTO_MODE_GATE && (int)KIOSK_MODE_CASHIER == PROTO_MODE_CASHIER &&
                   (int)KIOSK_MODE_BUS == PROTO_MODE_BUS && (int)KIOSK_MODE_STATION == PROTO_MODE_STATION,
               "kiosk modes are proto's");
_Static_assert((int)KIOSK_VERDICT_DENY == PROTO_VERDICT_DENY &&
                   (int)KIOSK_VERDICT_GRANT == PROTO_VERDICT_GRANT &&
                   (int)KIOSK_VERDICT_STAFF_CHECK == PROTO_VERDICT_STAFF_CHECK,
               "kiosk verdicts are proto's");
_Static_assert((int)KIOSK_VISIT_OUTPATIENT == PROTO_VISIT_OUTPATIENT &&
                   (int)KIOSK_VISIT_INPATIENT == PROTO_VISIT_INPATIENT &&
                   (int)KIOSK_VISIT_EMERGENCY == PROTO_VISIT_EMERGENCY,
               "kiosk visit kinds are proto's");

struct kiosk_journal {
  sqlite3 *db;
  sqlite3_stmt *st_head, *st_insert, *st_set_head, *st_recent, *st_get_meta,
      *st_set_meta, *st_last;
  int head_fd; /* the sidecar <path>.head, -1 read-only or when it cannot be opened */
  int has_opt; /* the events table has the optional fields' columns (older files may not) */
  char errmsg[256];
};

/* The optional fields (OTEXT rows of proto's field table: route, trip, stop, ...) are
 * columns of their own, named as on the wire, added to an older journal when it is
 * opened for writing. Walking the table keeps a new optional field one row in proto. */
static int is_opt(int f)
{
  return proto_batch_fields[f].type == PROTO_BT_OTEXT;
}

/* ", route, trip, stop" (or "'' AS route, ..." for a read-only file without them) */
static void opt_cols(char *buf, size_t cap, int present)
{
  size_t n = 0;
  buf[0] = '\0';
  for (int f = 0; f < PROTO_BF_COUNT; f++)
    if (is_opt(f) && n < cap)
      n += (size_t)snprintf(buf + n, cap - n, present ? ", %s" : ", '' AS %s",
                            proto_batch_fields[f].name);
}

const char *kiosk_event_kind_name(int kind)
{
  return proto_event_kind_name(kind);
}

/* ----------------------------------------------------------- event codec -- */

int kiosk_event_check(const struct proto_event *ev, char *why, size_t why_cap)
{
  return proto_event_check(ev, why, why_cap) == PROTO_OK ? KIOSK_OK : KIOSK_E_INVALID_ARG;
}

size_t kiosk_event_canonical(const struct proto_event *ev, char *buf, size_t cap)
{
  return proto_event_canonical(ev, buf, cap);
}

int kiosk_event_hash(const struct proto_event *ev, uint8_t out[KIOSK_HASH_LEN])
{
  int rc = proto_event_hash(ev, out);
  if (rc == PROTO_OK)
    return KIOSK_OK;
  return rc == PROTO_E_CRYPTO ? KIOSK_E_CRYPTO : KIOSK_E_INVALID_ARG;
}

char *kiosk_event_to_json(const struct proto_event *ev)
{
  json_t *o = json_object();
  json_t *rs = json_array();
  if (!o || !rs) {
    json_decref(o);
    json_decref(rs);
    return NULL;
  }
  for (int i = 0; i < KIOSK_R_COUNT; i++)
    if (ev->reasons & (UINT64_C(1) << i))
      json_array_append_new(rs, json_string(kiosk_reason_name(i)));
  char prev[2 * KIOSK_HASH_LEN + 1], cur[2 * KIOSK_HASH_LEN + 1], rhex[17], when[32];
  common_hex_encode(ev->prev_hash, KIOSK_HASH_LEN, prev, sizeof prev);
  common_hex_encode(ev->hash, KIOSK_HASH_LEN, cur, sizeof cur);
  snprintf(rhex, sizeof rhex, "%016" PRIx64, ev->reasons);
  time_t t = (time_t)ev->time;
  struct tm tm;
  if (gmtime_r(&t, &tm))
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  else
    snprintf(when, sizeof when, "?");
  json_object_set_new(o, "seq", json_integer((json_int_t)ev->seq));
  json_object_set_new(o, "time", json_integer((json_int_t)ev->time));
  json_object_set_new(o, "time_utc", json_string(when));
  json_object_set_new(o, "terminal", json_string(ev->terminal));
  json_object_set_new(o, "site", json_string(ev->site));
  json_object_set_new(o, "mode", json_string(kiosk_mode_name(ev->mode)));
  json_object_set_new(o, "vehicle", json_string(ev->vehicle));
  json_object_set_new(o, "card_no", json_string(ev->card_no));
  json_object_set_new(o, "generation", json_integer(ev->generation));
  json_object_set_new(o, "kind", json_string(kiosk_event_kind_name(ev->kind)));
  json_object_set_new(o, "verdict", json_string(kiosk_verdict_name(ev->verdict)));
  json_object_set_new(o, "reasons", rs);
  json_object_set_new(o, "reasons_hex", json_string(rhex));
  json_object_set_new(o, "amount_fen", json_integer((json_int_t)ev->amount_fen));
  json_object_set_new(o, "bill_ref", json_string(ev->bill_ref));
  json_object_set_new(o, "staff_id", json_string(ev->staff_id));
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    const char *v = is_opt(f) ? proto_event_opt_value(ev, f) : NULL;
    if (v && v[0]) /* only when set, as in the canonical line */
      json_object_set_new(o, proto_batch_fields[f].name, json_string(v));
  }
  json_object_set_new(o, "prev_hash", json_string(prev));
  json_object_set_new(o, "hash", json_string(cur));
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  return s;
}

static int name_index(const char *s, const char *(*name)(int), int max)
{
  for (int i = 0; s && i <= max; i++)
    if (name(i) && strcmp(name(i), s) == 0)
      return i;
  return -1;
}

static const char *mode_name_i(int m)
{
  return kiosk_mode_name(m);
}

static const char *verdict_name_i(int v)
{
  return kiosk_verdict_name(v);
}

static int str_field(json_t *o, const char *key, char *dst, size_t cap)
{
  json_t *v = json_object_get(o, key);
  if (!json_is_string(v) || json_string_length(v) >= cap ||
      strlen(json_string_value(v)) != json_string_length(v))
    return -1;
  memcpy(dst, json_string_value(v), json_string_length(v) + 1);
  return 0;
}

static int int_field(json_t *o, const char *key, json_int_t *out)
{
  json_t *v = json_object_get(o, key);
  if (!json_is_integer(v))
    return -1;
  *out = json_integer_value(v);
  return 0;
}

int kiosk_event_from_json(const char *buf, size_t len, struct proto_event *ev)
{
  if (!buf || !ev)
    return KIOSK_E_INVALID_ARG;
  memset(ev, 0, sizeof *ev);
  if (len > KIOSK_EVENT_JSON_MAX)
    return KIOSK_E_TOO_LARGE;
  json_error_t jerr;
  json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
  int rc = KIOSK_E_FORMAT;
  json_int_t seq, t, gen, amount;
  char mode[16], kind[16], verdict[16], rhex[17];
  uint64_t reasons = 0;
  if (!json_is_object(o) || int_field(o, "seq", &seq) || int_field(o, "time", &t) ||
      int_field(o, "generation", &gen) || int_field(o, "amount_fen", &amount) ||
      str_field(o, "terminal", ev->terminal, sizeof ev->terminal) ||
      str_field(o, "site", ev->site, sizeof ev->site) ||
      str_field(o, "vehicle", ev->vehicle, sizeof ev->vehicle) ||
      str_field(o, "card_no", ev->card_no, sizeof ev->card_no) ||
      str_field(o, "bill_ref", ev->bill_ref, sizeof ev->bill_ref) ||
      str_field(o, "staff_id", ev->staff_id, sizeof ev->staff_id) ||
      str_field(o, "mode", mode, sizeof mode) || str_field(o, "kind", kind, sizeof kind) ||
      str_field(o, "verdict", verdict, sizeof verdict) ||
      str_field(o, "reasons_hex", rhex, sizeof rhex) || strlen(rhex) != 16 || seq < 0 ||
      gen < 0 || gen > (json_int_t)UINT32_MAX)
    goto out_free;
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    size_t cap = 0;
    char *m = is_opt(f) ? proto_event_opt_field(ev, f, &cap) : NULL;
    if (m && json_object_get(o, proto_batch_fields[f].name) &&
        str_field(o, proto_batch_fields[f].name, m, cap))
      goto out_free;
  }
  for (int i = 0; i < 16; i++) {
    int d = common_hex_digit((unsigned char)rhex[i], 0);
    if (d < 0)
      goto out_free;
    reasons = reasons << 4 | (uint64_t)d;
  }
  ev->seq = (uint64_t)seq;
  ev->time = (int64_t)t;
  ev->generation = (uint32_t)gen;
  ev->amount_fen = (int64_t)amount;
  ev->reasons = reasons;
  ev->mode = name_index(mode, mode_name_i, 16);
  ev->kind = name_index(kind, proto_event_kind_name, 16);
  ev->verdict = name_index(verdict, verdict_name_i, 16);
  rc = kiosk_event_check(ev, NULL, 0) == KIOSK_OK ? KIOSK_OK : KIOSK_E_FORMAT;
out_free:
  json_decref(o);
  if (rc != KIOSK_OK)
    memset(ev, 0, sizeof *ev);
  return rc;
}

/* ---------------------------------------------------------------- sqlite -- */

static int map_rc(struct kiosk_journal *j, int rc)
{
  if (j) {
    const char *m = j->db ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc);
    snprintf(j->errmsg, sizeof j->errmsg, "sqlite %d: %s", rc, m);
  }
  switch (rc & 0xFF) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW:
    return KIOSK_OK;
  case SQLITE_FULL:
    return KIOSK_E_DB_FULL;
  case SQLITE_READONLY:
    return KIOSK_E_DB_READONLY;
  case SQLITE_NOMEM:
    return KIOSK_E_NO_MEMORY;
  case SQLITE_IOERR:
    /* ENOSPC during write or fsync arrives as an I/O error on some paths. */
    return KIOSK_E_DB;
  default:
    return KIOSK_E_DB;
  }
}

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', 1), ('acked_through', 0);"
    "CREATE TABLE IF NOT EXISTS head("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " seq INTEGER NOT NULL,"
    " hash BLOB NOT NULL);"
    "INSERT OR IGNORE INTO head(id, seq, hash) VALUES (1, 0, zeroblob(32));"
    "CREATE TABLE IF NOT EXISTS events("
    " seq INTEGER PRIMARY KEY,"
    " time INTEGER NOT NULL,"
    " terminal TEXT NOT NULL,"
    " site TEXT NOT NULL,"
    " mode INTEGER NOT NULL,"
    " vehicle TEXT NOT NULL,"
    " card_no TEXT NOT NULL,"
    " generation INTEGER NOT NULL,"
    " kind INTEGER NOT NULL,"
    " verdict INTEGER NOT NULL,"
    " reasons INTEGER NOT NULL,"
    " amount_fen INTEGER NOT NULL,"
    " bill_ref TEXT NOT NULL,"
    " staff_id TEXT NOT NULL,"
    " prev_hash BLOB NOT NULL,"
    " hash BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_card_time ON events(card_no, time);";

#define EVENT_COLS                                                                       \
  "seq, time, terminal, site, mode, vehicle, card_no, generation, kind, verdict, "       \
  "reasons, amount_fen, bill_ref, staff_id, prev_hash, hash"

static int prep(struct kiosk_journal *j, const char *sql, sqlite3_stmt **st)
{
  int rc = sqlite3_prepare_v3(j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
  return rc == SQLITE_OK ? KIOSK_OK : map_rc(j, rc);
}

static int exec(struct kiosk_journal *j, const char *sql)
{
  int rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
  return rc == SQLITE_OK ? KIOSK_OK : map_rc(j, rc);
}

/* 1 when the events table has every optional field's column. */
static int has_opt_cols(struct kiosk_journal *j)
{
  char ocols[256], sql[384];
  opt_cols(ocols, sizeof ocols, 1);
  snprintf(sql, sizeof sql, "SELECT seq%s FROM events LIMIT 0", ocols);
  sqlite3_stmt *st = NULL;
  int ok = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) == SQLITE_OK;
  sqlite3_finalize(st);
  return ok;
}

/* A journal written before an optional field existed gets its column, empty for the
 * old rows: their canonical lines, and so their hashes, do not change. */
static int add_opt_cols(struct kiosk_journal *j)
{
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    if (!is_opt(f))
      continue;
    char sql[160];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT %s FROM events LIMIT 0", proto_batch_fields[f].name);
    int have = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    if (have)
      continue;
    snprintf(sql, sizeof sql, "ALTER TABLE events ADD COLUMN %s TEXT NOT NULL DEFAULT ''",
             proto_batch_fields[f].name);
    int err = exec(j, sql);
    if (err != KIOSK_OK)
      return err;
  }
  return KIOSK_OK;
}

void kiosk_journal_close(struct kiosk_journal *j)
{
  if (!j)
    return;
  sqlite3_stmt *all[] = {j->st_head,     j->st_insert,   j->st_set_head, j->st_recent,
                         j->st_get_meta, j->st_set_meta, j->st_last};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    sqlite3_finalize(all[i]);
  sqlite3_close(j->db);
  if (j->head_fd >= 0)
    close(j->head_fd);
  free(j);
}

const char *kiosk_journal_errmsg(const struct kiosk_journal *j)
{
  return j && j->errmsg[0] ? j->errmsg : "";
}

static int get_meta(struct kiosk_journal *j, const char *key, int64_t *value)
{
  sqlite3_stmt *st = j->st_get_meta;
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *value = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return KIOSK_OK;
  }
  int err = rc == SQLITE_DONE ? KIOSK_E_NOT_FOUND : map_rc(j, rc);
  sqlite3_reset(st);
  return err;
}

/* ---------------------------------------------------------------- sidecar -- */

#define HEAD_TAG "yh-journal-head-v1"

static int parse_digits20(const char *p, uint64_t *out)
{
  uint64_t v = 0;
  for (int i = 0; i < 20; i++) {
    if (p[i] < '0' || p[i] > '9')
      return 0;
    unsigned d = (unsigned)(p[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return 0;
    v = v * 10 + d;
  }
  *out = v;
  return 1;
}

int kiosk_journal_head_parse(const char *buf, size_t len, struct kiosk_journal_head *out)
{
  /* Fixed offsets: tag(18) ' ' seq(20) ' ' hash(64) ' ' ckpt(20) ' ' hash(64) '\n'. */
  static const size_t tag = sizeof HEAD_TAG - 1;
  if (!buf || !out || len != KIOSK_JOURNAL_HEAD_LINE_LEN)
    return KIOSK_E_FORMAT;
  const char *p = buf;
  if (memcmp(p, HEAD_TAG, tag) != 0 || p[tag] != ' ')
    return KIOSK_E_FORMAT;
  p += tag + 1;
  struct kiosk_journal_head h;
  if (!parse_digits20(p, &h.seq) || p[20] != ' ')
    return KIOSK_E_FORMAT;
  p += 21;
  if (common_hex_decode(p, 64, h.hash, sizeof h.hash, 0) != COMMON_OK || p[64] != ' ')
    return KIOSK_E_FORMAT;
  p += 65;
  if (!parse_digits20(p, &h.ckpt_seq) || p[20] != ' ')
    return KIOSK_E_FORMAT;
  p += 21;
  if (common_hex_decode(p, 64, h.ckpt_hash, sizeof h.ckpt_hash, 0) != COMMON_OK ||
      p[64] != '\n' || (size_t)(p + 65 - buf) != len || h.ckpt_seq > h.seq ||
      h.seq > (uint64_t)INT64_MAX)
    return KIOSK_E_FORMAT;
  *out = h;
  return KIOSK_OK;
}

/* One pwrite of the whole fixed-length line, after the commit: a torn record would need
 * a torn 191-byte write; a lagging one is allowed (see the header). Errors are not the
 * append's: the event is already durable, and the next append writes again. */
static int head_format(const struct kiosk_journal_head *h,
                       char line[KIOSK_JOURNAL_HEAD_LINE_LEN + 1]);
static void head_write(struct kiosk_journal *j, const struct kiosk_journal_head *h)
{
  if (j->head_fd < 0)
    return;
  char line[KIOSK_JOURNAL_HEAD_LINE_LEN + 1];
  if (head_format(h, line) &&
      pwrite(j->head_fd, line, KIOSK_JOURNAL_HEAD_LINE_LEN, 0) !=
          (ssize_t)KIOSK_JOURNAL_HEAD_LINE_LEN)
    snprintf(j->errmsg, sizeof j->errmsg, "head record not written: %s", strerror(errno));
}

/* The hash of event seq (zeros for 0), recomputed from its fields and required to equal
 * the stored one: an altered row yields all-0xFF, which matches no record. NOT_FOUND
 * when absent. */
static int hash_of(struct kiosk_journal *j, uint64_t seq, uint8_t out[KIOSK_HASH_LEN])
{
  if (seq == 0) {
    memset(out, 0, KIOSK_HASH_LEN);
    return KIOSK_OK;
  }
  struct proto_event e;
  int err = kiosk_journal_get(j, seq, &e);
  if (err != KIOSK_OK)
    return err;
  if (kiosk_event_hash(&e, out) != KIOSK_OK || memcmp(out, e.hash, KIOSK_HASH_LEN) != 0)
    memset(out, 0xFF, KIOSK_HASH_LEN);
  return KIOSK_OK;
}

/* The record to write now: head from the head table, checkpoint at the acked mark. */
static int head_current(struct kiosk_journal *j, struct kiosk_journal_head *h)
{
  memset(h, 0, sizeof *h);
  sqlite3_stmt *st = j->st_head;
  sqlite3_reset(st);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW || sqlite3_column_bytes(st, 1) != (int)KIOSK_HASH_LEN) {
    int err = rc == SQLITE_ROW ? KIOSK_E_CHAIN : map_rc(j, rc);
    sqlite3_reset(st);
    return err;
  }
  h->seq = (uint64_t)sqlite3_column_int64(st, 0);
  memcpy(h->hash, sqlite3_column_blob(st, 1), KIOSK_HASH_LEN);
  sqlite3_reset(st);
  int64_t acked = 0;
  int err = get_meta(j, "acked_through", &acked);
  if (err != KIOSK_OK)
    return err;
  h->ckpt_seq = acked > 0 && (uint64_t)acked <= h->seq ? (uint64_t)acked : 0;
  return hash_of(j, h->ckpt_seq, h->ckpt_hash);
}

static int head_format(const struct kiosk_journal_head *h,
                       char line[KIOSK_JOURNAL_HEAD_LINE_LEN + 1])
{
  char a[2 * KIOSK_HASH_LEN + 1], b[2 * KIOSK_HASH_LEN + 1];
  common_hex_encode(h->hash, KIOSK_HASH_LEN, a, sizeof a);
  common_hex_encode(h->ckpt_hash, KIOSK_HASH_LEN, b, sizeof b);
  int n = snprintf(line, KIOSK_JOURNAL_HEAD_LINE_LEN + 1,
                   HEAD_TAG " %020" PRIu64 " %s %020" PRIu64 " %s\n", h->seq, a, h->ckpt_seq, b);
  return n == (int)KIOSK_JOURNAL_HEAD_LINE_LEN;
}

/* Write the current record to hp.tmp, fsync, rename over hp. */
static int head_install(struct kiosk_journal *j, const char *hp)
{
  struct kiosk_journal_head now;
  char line[KIOSK_JOURNAL_HEAD_LINE_LEN + 1], tmp[4200];
  int err = head_current(j, &now);
  if (err != KIOSK_OK)
    return err;
  if (!head_format(&now, line))
    return KIOSK_E_INVALID_ARG;
  snprintf(tmp, sizeof tmp, "%s.tmp", hp);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(j->errmsg, sizeof j->errmsg, "cannot create %.180s: %s", tmp, strerror(errno));
    return KIOSK_E_IO;
  }
  int ok = write(fd, line, KIOSK_JOURNAL_HEAD_LINE_LEN) == (ssize_t)KIOSK_JOURNAL_HEAD_LINE_LEN &&
           fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(tmp, hp) != 0) {
    snprintf(j->errmsg, sizeof j->errmsg, "cannot write %.180s: %s", hp, strerror(errno));
    unlink(tmp);
    return KIOSK_E_IO;
  }
  return KIOSK_OK;
}

static int fail_chain(struct kiosk_journal *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail_chain(struct kiosk_journal *j, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(j->errmsg, sizeof j->errmsg, fmt, ap);
  va_end(ap);
  return KIOSK_E_CHAIN;
}

struct verify_ctx {
  struct kiosk_journal_check *res;
  uint64_t expect;
  uint8_t prev[KIOSK_HASH_LEN];
};
static int verify_cb(const struct proto_event *ev, void *user);

/* The check at open (header: "Integrity at open"). */
static int check_at_open(struct kiosk_journal *j, const char *path)
{
  char hp[4096];
  if ((size_t)snprintf(hp, sizeof hp, "%s.head", path) >= sizeof hp)
    return fail_chain(j, "path too long");
  struct kiosk_journal_head rec;
  memset(&rec, 0, sizeof rec);
  int have = 0;
  int fd = open(hp, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[KIOSK_JOURNAL_HEAD_LINE_LEN + 1];
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    close(fd);
    if (n < 0 || kiosk_journal_head_parse(buf, (size_t)n, &rec) != KIOSK_OK)
      return fail_chain(j, "journal head record %.180s is malformed", hp);
    have = 1;
  } else if (errno != ENOENT) {
    return fail_chain(j, "journal head record %.180s: %s", hp, strerror(errno));
  }
  int err = exec(j, "BEGIN");
  if (err != KIOSK_OK)
    return err;
  uint64_t tail = 0;
  struct kiosk_journal_check res;
  struct verify_ctx c;
  memset(&res, 0, sizeof res);
  memset(&c, 0, sizeof c);
  c.res = &res;
  c.expect = 1;
  if ((err = kiosk_journal_last_seq(j, &tail)) != KIOSK_OK)
    goto out_end;
  if (have) {
    uint8_t h[KIOSK_HASH_LEN];
    if (tail < rec.seq) {
      err = tail == 0 ? fail_chain(j,
                                   "journal is empty but its head record says %" PRIu64
                                   " events were written (file replaced or emptied)",
                                   rec.seq)
                      : fail_chain(j,
                                   "journal ends at event %" PRIu64 " but its head record says %" PRIu64
                                   " (tail cut)",
                                   tail, rec.seq);
      goto out_end;
    }
    if ((err = hash_of(j, rec.seq, h)) != KIOSK_OK || memcmp(h, rec.hash, KIOSK_HASH_LEN) != 0) {
      err = fail_chain(j,
                       "event %" PRIu64 " is not the one its head record names (altered or "
                       "replaced)",
                       rec.seq);
      goto out_end;
    }
    if ((err = hash_of(j, rec.ckpt_seq, h)) != KIOSK_OK ||
        memcmp(h, rec.ckpt_hash, KIOSK_HASH_LEN) != 0) {
      err = fail_chain(j,
                       "checkpoint event %" PRIu64 " is not the one its head record names "
                       "(altered or replaced)",
                       rec.ckpt_seq);
      goto out_end;
    }
    c.expect = rec.ckpt_seq + 1;
    memcpy(c.prev, rec.ckpt_hash, KIOSK_HASH_LEN);
  }
  err = kiosk_journal_read(j, c.expect, 0, verify_cb, &c);
  if (err == KIOSK_E_CHAIN) {
    err = fail_chain(j, "journal chain broken at event %" PRIu64 ": %s", res.bad_seq,
                     res.problem);
    goto out_end;
  }
  if (err != KIOSK_OK)
    goto out_end;
  if (c.expect - 1 != tail) {
    err = fail_chain(j, "journal chain broken after event %" PRIu64, c.expect - 1);
    goto out_end;
  }
  struct kiosk_journal_head now;
  if ((err = head_current(j, &now)) != KIOSK_OK)
    goto out_end;
  if (now.seq != tail || memcmp(now.hash, c.prev, KIOSK_HASH_LEN) != 0)
    err = fail_chain(j,
                     "journal head table says event %" PRIu64 ", the events end at %" PRIu64
                     " (altered)",
                     now.seq, tail);
out_end:
  exec(j, "COMMIT");
  return err;
}

int kiosk_journal_open(const char *path, unsigned flags, struct kiosk_journal **out,
                       struct kiosk_diag *diag)
{
  *out = NULL;
  int ro = (flags & KIOSK_JOURNAL_READONLY) != 0;
  if (ro) {
    struct stat st;
    if (stat(path, &st) != 0)
      return kiosk_diag_set(diag, KIOSK_E_NOT_FOUND, path, 0, "no journal here");
  }
  struct kiosk_journal *j = calloc(1, sizeof *j);
  if (!j)
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, path, 0, "out of memory");
  j->head_fd = -1;
  int oflags = ro ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path, &j->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
  int err;
  if (rc != SQLITE_OK) {
    err = map_rc(j, rc);
    goto out_fail;
  }
  sqlite3_busy_timeout(j->db, 5000);
  sqlite3_extended_result_codes(j->db, 0);
  if (!ro) {
    /* WAL: one fsync per commit. synchronous=FULL: the WAL is synced at every commit,
     * so a committed transaction survives power loss, not just a process crash. */
    sqlite3_stmt *st = NULL;
    err = prep(j, "PRAGMA journal_mode=WAL", &st);
    if (err == KIOSK_OK) {
      rc = sqlite3_step(st);
      const unsigned char *mode = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
      if (!mode || strcmp((const char *)mode, "wal") != 0)
        err = rc == SQLITE_ROW ? KIOSK_E_DB : map_rc(j, rc);
      if (err != KIOSK_OK && rc == SQLITE_ROW)
        snprintf(j->errmsg, sizeof j->errmsg, "cannot switch to WAL mode");
    }
    sqlite3_finalize(st);
    if (err != KIOSK_OK)
      goto out_fail;
    if ((err = exec(j, "PRAGMA synchronous=FULL")) != KIOSK_OK ||
        (err = exec(j, "BEGIN IMMEDIATE")) != KIOSK_OK)
      goto out_fail;
    if ((err = exec(j, schema_sql)) != KIOSK_OK || (err = add_opt_cols(j)) != KIOSK_OK) {
      exec(j, "ROLLBACK");
      goto out_fail;
    }
    if ((err = exec(j, "COMMIT")) != KIOSK_OK) {
      exec(j, "ROLLBACK");
      goto out_fail;
    }
  }
  j->has_opt = has_opt_cols(j);
  char ocols[256], oparams[128];
  opt_cols(ocols, sizeof ocols, 1);
  oparams[0] = '\0';
  for (int f = 0, k = 17; f < PROTO_BF_COUNT; f++)
    if (is_opt(f) && strlen(oparams) + 8 < sizeof oparams)
      snprintf(oparams + strlen(oparams), sizeof oparams - strlen(oparams), ", ?%d", k++);
  char insert_sql[768];
  snprintf(insert_sql, sizeof insert_sql,
           "INSERT INTO events(" EVENT_COLS "%s) VALUES "
           "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16%s)",
           ocols, oparams);
  if ((err = prep(j, "SELECT value FROM meta WHERE key = ?1", &j->st_get_meta)) ||
      (err = prep(j, "SELECT seq, hash FROM head WHERE id = 1", &j->st_head)) ||
      (err = prep(j,
                  "SELECT COUNT(*), MAX(time) FROM events WHERE card_no = ?1 AND time > ?2"
                  " AND site = ?3 AND vehicle = ?4 AND verdict = 1 AND kind <= 2",
                  &j->st_recent)) ||
      (err = prep(j, "SELECT MAX(seq) FROM events", &j->st_last)))
    goto out_fail;
  if (!ro &&
      ((err = prep(j, insert_sql, &j->st_insert)) ||
       (err = prep(j, "UPDATE head SET seq = ?1, hash = ?2 WHERE id = 1", &j->st_set_head)) ||
       (err = prep(j, "UPDATE meta SET value = ?2 WHERE key = ?1", &j->st_set_meta))))
    goto out_fail;
  int64_t schema = 0;
  if ((err = get_meta(j, "schema", &schema)) != KIOSK_OK)
    goto out_fail;
  if (schema != KIOSK_JOURNAL_SCHEMA) {
    err = KIOSK_E_CHAIN;
    snprintf(j->errmsg, sizeof j->errmsg, "journal schema %lld, this program knows %d",
             (long long)schema, KIOSK_JOURNAL_SCHEMA);
    goto out_fail;
  }
  if (!ro) {
    /* Only a checking open creates the sidecar (whole, through a rename: a crash never
     * leaves an empty one); other handles update it when it is there. */
    char hp[4096];
    if ((size_t)snprintf(hp, sizeof hp, "%s.head", path) >= sizeof hp) {
      err = fail_chain(j, "path too long");
      goto out_fail;
    }
    if ((flags & KIOSK_JOURNAL_CHECK) && ((err = check_at_open(j, path)) != KIOSK_OK ||
                                          (err = head_install(j, hp)) != KIOSK_OK))
      goto out_fail;
    j->head_fd = open(hp, O_WRONLY | O_CLOEXEC);
  }
  *out = j;
  return KIOSK_OK;
out_fail:
  kiosk_diag_set(diag, err, path, 0, "%s", j->errmsg[0] ? j->errmsg : kiosk_strerror(err));
  kiosk_journal_close(j);
  return err;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
  sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int kiosk_journal_append(struct kiosk_journal *j, struct proto_event *ev)
{
  if (!j || !ev || !j->st_insert)
    return KIOSK_E_INVALID_ARG;
  char why[96];
  if (kiosk_event_check(ev, why, sizeof why) != KIOSK_OK) {
    snprintf(j->errmsg, sizeof j->errmsg, "event refused: %s", why);
    return KIOSK_E_INVALID_ARG;
  }
  int err = exec(j, "BEGIN IMMEDIATE");
  if (err != KIOSK_OK)
    return err;
  sqlite3_stmt *st = j->st_head;
  sqlite3_reset(st);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW || sqlite3_column_bytes(st, 1) != (int)KIOSK_HASH_LEN) {
    err = rc == SQLITE_ROW ? KIOSK_E_CHAIN : map_rc(j, rc);
    sqlite3_reset(st);
    goto out_rollback;
  }
  struct proto_event e = *ev;
  e.seq = (uint64_t)sqlite3_column_int64(st, 0) + 1u;
  memcpy(e.prev_hash, sqlite3_column_blob(st, 1), KIOSK_HASH_LEN);
  sqlite3_reset(st);
  if ((err = kiosk_event_hash(&e, e.hash)) != KIOSK_OK)
    goto out_rollback;

  st = j->st_insert;
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, (sqlite3_int64)e.seq);
  sqlite3_bind_int64(st, 2, e.time);
  bind_text(st, 3, e.terminal);
  bind_text(st, 4, e.site);
  sqlite3_bind_int(st, 5, (int)e.mode);
  bind_text(st, 6, e.vehicle);
  bind_text(st, 7, e.card_no);
  sqlite3_bind_int64(st, 8, e.generation);
  sqlite3_bind_int(st, 9, (int)e.kind);
  sqlite3_bind_int(st, 10, (int)e.verdict);
  sqlite3_bind_int64(st, 11, (sqlite3_int64)e.reasons);
  sqlite3_bind_int64(st, 12, e.amount_fen);
  bind_text(st, 13, e.bill_ref);
  bind_text(st, 14, e.staff_id);
  sqlite3_bind_blob(st, 15, e.prev_hash, KIOSK_HASH_LEN, SQLITE_STATIC);
  sqlite3_bind_blob(st, 16, e.hash, KIOSK_HASH_LEN, SQLITE_STATIC);
  for (int f = 0, k = 17; f < PROTO_BF_COUNT; f++)
    if (is_opt(f))
      bind_text(st, k++, proto_event_opt_value(&e, f));
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    err = map_rc(j, rc);
    goto out_rollback;
  }
  st = j->st_set_head;
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, (sqlite3_int64)e.seq);
  sqlite3_bind_blob(st, 2, e.hash, KIOSK_HASH_LEN, SQLITE_STATIC);
  rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    err = map_rc(j, rc);
    goto out_rollback;
  }
  struct kiosk_journal_head rec;
  int have_rec = head_current(j, &rec) == KIOSK_OK;
  if ((err = exec(j, "COMMIT")) != KIOSK_OK)
    goto out_rollback;
  if (have_rec)
    head_write(j, &rec);
  *ev = e;
  return KIOSK_OK;
out_rollback:
  if (!sqlite3_get_autocommit(j->db))
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
  return err;
}

int kiosk_journal_last_seq(struct kiosk_journal *j, uint64_t *seq)
{
  if (!j || !seq)
    return KIOSK_E_INVALID_ARG;
  sqlite3_stmt *st = j->st_last;
  sqlite3_reset(st);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    int err = map_rc(j, rc);
    sqlite3_reset(st);
    return err;
  }
  *seq = (uint64_t)sqlite3_column_int64(st, 0); /* NULL reads as 0 */
  sqlite3_reset(st);
  return KIOSK_OK;
}

static void copy_col(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
  const unsigned char *s = sqlite3_column_text(st, col);
  snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

static void row_to_event(sqlite3_stmt *st, struct proto_event *e)
{
  memset(e, 0, sizeof *e);
  e->seq = (uint64_t)sqlite3_column_int64(st, 0);
  e->time = sqlite3_column_int64(st, 1);
  copy_col(st, 2, e->terminal, sizeof e->terminal);
  copy_col(st, 3, e->site, sizeof e->site);
  e->mode = (enum kiosk_mode)sqlite3_column_int(st, 4);
  copy_col(st, 5, e->vehicle, sizeof e->vehicle);
  copy_col(st, 6, e->card_no, sizeof e->card_no);
  e->generation = (uint32_t)sqlite3_column_int64(st, 7);
  e->kind = (enum kiosk_event_kind)sqlite3_column_int(st, 8);
  e->verdict = (enum kiosk_verdict_kind)sqlite3_column_int(st, 9);
  e->reasons = (uint64_t)sqlite3_column_int64(st, 10);
  e->amount_fen = sqlite3_column_int64(st, 11);
  copy_col(st, 12, e->bill_ref, sizeof e->bill_ref);
  copy_col(st, 13, e->staff_id, sizeof e->staff_id);
  /* A blob of the wrong size (tampering) leaves zeros, which verify reports. */
  if (sqlite3_column_bytes(st, 14) == (int)KIOSK_HASH_LEN)
    memcpy(e->prev_hash, sqlite3_column_blob(st, 14), KIOSK_HASH_LEN);
  if (sqlite3_column_bytes(st, 15) == (int)KIOSK_HASH_LEN)
    memcpy(e->hash, sqlite3_column_blob(st, 15), KIOSK_HASH_LEN);
  for (int f = 0, col = 16; f < PROTO_BF_COUNT; f++) {
    size_t cap = 0;
    char *m = is_opt(f) ? proto_event_opt_field(e, f, &cap) : NULL;
    if (m)
      copy_col(st, col++, m, cap);
  }
}

int kiosk_journal_read(struct kiosk_journal *j, uint64_t from, uint64_t to,
                       kiosk_journal_event_fn fn, void *user)
{
  if (!j || !fn)
    return KIOSK_E_INVALID_ARG;
  if (to == 0)
    to = (uint64_t)INT64_MAX;
  if (from > (uint64_t)INT64_MAX || to > (uint64_t)INT64_MAX)
    return KIOSK_E_RANGE;
  /* A statement of its own, so that fn may call other journal functions. */
  sqlite3_stmt *st = NULL;
  char ocols[256], sql[768];
  opt_cols(ocols, sizeof ocols, j->has_opt);
  snprintf(sql, sizeof sql,
           "SELECT " EVENT_COLS "%s FROM events WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq", ocols);
  int err = prep(j, sql, &st);
  if (err != KIOSK_OK)
    return err;
  sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct proto_event e;
    row_to_event(st, &e);
    int r = fn(&e, user);
    if (r != 0) {
      sqlite3_finalize(st);
      return r;
    }
  }
  err = rc == SQLITE_DONE ? KIOSK_OK : map_rc(j, rc);
  sqlite3_finalize(st);
  return err;
}

struct get_ctx {
  struct proto_event *ev;
  int found;
};

static int get_cb(const struct proto_event *ev, void *user)
{
  struct get_ctx *c = user;
  *c->ev = *ev;
  c->found = 1;
  return 0;
}

int kiosk_journal_get(struct kiosk_journal *j, uint64_t seq, struct proto_event *ev)
{
  if (!ev || seq == 0)
    return KIOSK_E_INVALID_ARG;
  struct get_ctx c = {ev, 0};
  int err = kiosk_journal_read(j, seq, seq, get_cb, &c);
  if (err != KIOSK_OK)
    return err;
  return c.found ? KIOSK_OK : KIOSK_E_NOT_FOUND;
}

int kiosk_journal_acked(struct kiosk_journal *j, uint64_t *seq)
{
  if (!j || !seq)
    return KIOSK_E_INVALID_ARG;
  int64_t v = 0;
  int err = get_meta(j, "acked_through", &v);
  if (err == KIOSK_OK)
    *seq = (uint64_t)v;
  return err;
}

int kiosk_journal_set_acked(struct kiosk_journal *j, uint64_t seq)
{
  if (!j || !j->st_set_meta)
    return KIOSK_E_INVALID_ARG;
  int err = exec(j, "BEGIN IMMEDIATE");
  if (err != KIOSK_OK)
    return err;
  uint64_t cur = 0, last = 0;
  if ((err = kiosk_journal_acked(j, &cur)) != KIOSK_OK ||
      (err = kiosk_journal_last_seq(j, &last)) != KIOSK_OK)
    goto out_rollback;
  if (seq < cur || seq > last) {
    snprintf(j->errmsg, sizeof j->errmsg,
             "acknowledged-through %" PRIu64 " outside %" PRIu64 "..%" PRIu64, seq, cur, last);
    err = KIOSK_E_RANGE;
    goto out_rollback;
  }
  if (seq == cur) {
    exec(j, "ROLLBACK");
    return KIOSK_OK;
  }
  sqlite3_stmt *st = j->st_set_meta;
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, "acked_through", -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)seq);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    err = map_rc(j, rc);
    goto out_rollback;
  }
  if ((err = exec(j, "COMMIT")) != KIOSK_OK)
    goto out_rollback;
  return KIOSK_OK;
out_rollback:
  if (!sqlite3_get_autocommit(j->db))
    sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
  return err;
}

int kiosk_journal_count_unsent(struct kiosk_journal *j, uint64_t *count)
{
  uint64_t acked = 0, last = 0;
  int err;
  if (!count)
    return KIOSK_E_INVALID_ARG;
  if ((err = kiosk_journal_acked(j, &acked)) != KIOSK_OK ||
      (err = kiosk_journal_last_seq(j, &last)) != KIOSK_OK)
    return err;
  *count = last > acked ? last - acked : 0;
  return KIOSK_OK;
}

int kiosk_journal_recent(struct kiosk_journal *j, const char *card_no, const char *site,
                         const char *vehicle, int64_t since, struct kiosk_recent *out)
{
  if (!out)
    return KIOSK_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  if (!j || !card_no || !site)
    return KIOSK_E_INVALID_ARG;
  sqlite3_stmt *st = j->st_recent;
  sqlite3_reset(st);
  bind_text(st, 1, card_no);
  sqlite3_bind_int64(st, 2, since);
  bind_text(st, 3, site);
  bind_text(st, 4, vehicle ? vehicle : "");
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    int err = map_rc(j, rc);
    sqlite3_reset(st);
    return err;
  }
  out->known = 1;
  out->count = (uint32_t)sqlite3_column_int64(st, 0);
  out->last_time = sqlite3_column_int64(st, 1);
  sqlite3_reset(st);
  return KIOSK_OK;
}

static int verify_cb(const struct proto_event *ev, void *user)
{
  struct verify_ctx *c = user;
  struct kiosk_journal_check *r = c->res;
  if (ev->seq != c->expect) {
    r->bad_seq = c->expect;
    snprintf(r->problem, sizeof r->problem, "event %" PRIu64 " missing (next is %" PRIu64 ")",
             c->expect, ev->seq);
    return KIOSK_E_CHAIN;
  }
  if (memcmp(ev->prev_hash, c->prev, KIOSK_HASH_LEN) != 0) {
    r->bad_seq = ev->seq;
    snprintf(r->problem, sizeof r->problem,
             "prev_hash does not match the hash of event %" PRIu64, ev->seq - 1);
    return KIOSK_E_CHAIN;
  }
  uint8_t h[KIOSK_HASH_LEN];
  if (kiosk_event_hash(ev, h) != KIOSK_OK) {
    r->bad_seq = ev->seq;
    snprintf(r->problem, sizeof r->problem, "fields invalid (altered)");
    return KIOSK_E_CHAIN;
  }
  if (memcmp(h, ev->hash, KIOSK_HASH_LEN) != 0) {
    r->bad_seq = ev->seq;
    snprintf(r->problem, sizeof r->problem, "hash does not match the fields (altered)");
    return KIOSK_E_CHAIN;
  }
  memcpy(c->prev, ev->hash, KIOSK_HASH_LEN);
  c->expect++;
  r->checked++;
  return 0;
}

int kiosk_journal_verify(struct kiosk_journal *j, struct kiosk_journal_check *res)
{
  if (!j || !res)
    return KIOSK_E_INVALID_ARG;
  memset(res, 0, sizeof *res);
  /* One read transaction, so that the rows and the head are one snapshot. */
  int err = exec(j, "BEGIN");
  if (err != KIOSK_OK)
    return err;
  struct verify_ctx c;
  memset(&c, 0, sizeof c);
  c.res = res;
  c.expect = 1;
  err = kiosk_journal_read(j, 1, 0, verify_cb, &c);
  if (err == KIOSK_OK) {
    /* The head must name the last event: a deleted tail shows here. */
    sqlite3_stmt *st = j->st_head;
    sqlite3_reset(st);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
      err = map_rc(j, rc);
    } else {
      uint64_t head_seq = (uint64_t)sqlite3_column_int64(st, 0);
      int hash_ok = sqlite3_column_bytes(st, 1) == (int)KIOSK_HASH_LEN &&
                    memcmp(sqlite3_column_blob(st, 1), c.prev, KIOSK_HASH_LEN) == 0;
      if (head_seq != c.expect - 1 || !hash_ok) {
        err = KIOSK_E_CHAIN;
        res->bad_seq = c.expect;
        snprintf(res->problem, sizeof res->problem,
                 "head says event %" PRIu64 " is the last, the table ends at %" PRIu64
                 "%s",
                 head_seq, c.expect - 1, hash_ok ? "" : " (hash differs)");
      }
    }
    sqlite3_reset(st);
  }
  exec(j, "COMMIT");
  return err;
}

struct export_ctx {
  FILE *out;
  int err;
};

static int export_cb(const struct proto_event *ev, void *user)
{
  struct export_ctx *c = user;
  char *s = kiosk_event_to_json(ev);
  if (!s)
    return KIOSK_E_NO_MEMORY;
  int bad = fputs(s, c->out) < 0 || fputc('\n', c->out) == EOF;
  free(s);
  return bad ? KIOSK_E_IO : 0;
}

int kiosk_journal_export(struct kiosk_journal *j, uint64_t from, uint64_t to, FILE *out)
{
  if (!out)
    return KIOSK_E_INVALID_ARG;
  struct export_ctx c = {out, 0};
  int err = kiosk_journal_read(j, from ? from : 1, to, export_cb, &c);
  if (err == KIOSK_OK && fflush(out) != 0)
    err = KIOSK_E_IO;
  return err;
}

int kiosk_journal_set_max_pages(struct kiosk_journal *j, uint64_t pages)
{
  if (!j)
    return KIOSK_E_INVALID_ARG;
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count=%" PRIu64, pages);
  return exec(j, sql);
}
