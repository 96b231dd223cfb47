/*
 * Hospital bills at the centre (issue 12; docs/centre.md, "Bills"; docs/sync-protocol.md,
 * "Hospital bills at the centre"): one row per cashier waiver, written in the upload's
 * transaction, so that a bill can be found by (hospital, bill number), a second waiver
 * of the same bill is flagged instead of counted, and a void marks its waiver.
 *
 * Why a table of its own rather than columns on events: the events are the terminals'
 * chain and never change after they are stored; a waiver's state (voided, flagged)
 * changes when a later event arrives. Same SQL rules as store.c: bound parameters only,
 * standard types, no upserts, the month computed in C.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "db.h"
#include "common/date.h"
#include "common/hex.h"
#include "common/idno.h"
#include "common/utf8.h"

static const char *const bills_schema[] = {
    /* dup_seq 0: not a duplicate, else the first waiver of the bill (dup_terminal, dup_seq);
     * void_seq 0: not voided, else the VOID event that cancelled it. */
    "CREATE TABLE IF NOT EXISTS waivers ("
    " terminal_id VARCHAR(64) NOT NULL,"
    " seq BIGINT NOT NULL,"
    " site_id VARCHAR(64) NOT NULL,"
    " bill_ref VARCHAR(64) NOT NULL,"
    " time BIGINT NOT NULL,"
    " month INTEGER NOT NULL,"
    " visit VARCHAR(16) NOT NULL,"
    " amount_fen BIGINT NOT NULL,"
    " staff_id VARCHAR(32) NOT NULL,"
    " dup_terminal VARCHAR(64) NOT NULL,"
    " dup_seq BIGINT NOT NULL,"
    " void_terminal VARCHAR(64) NOT NULL,"
    " void_seq BIGINT NOT NULL,"
    " void_time BIGINT NOT NULL,"
    " void_staff VARCHAR(32) NOT NULL,"
    " PRIMARY KEY (terminal_id, seq))",
    "CREATE INDEX IF NOT EXISTS waivers_bill ON waivers (site_id, bill_ref)",
    "CREATE INDEX IF NOT EXISTS waivers_month ON waivers (site_id, month)",
    /* A VOID whose waiver the centre does not hold (applied 0) is kept and listed. */
    "CREATE TABLE IF NOT EXISTS bill_voids ("
    " terminal_id VARCHAR(64) NOT NULL,"
    " seq BIGINT NOT NULL,"
    " ref_seq BIGINT NOT NULL,"
    " time BIGINT NOT NULL,"
    " staff_id VARCHAR(32) NOT NULL,"
    " applied SMALLINT NOT NULL,"
    " PRIMARY KEY (terminal_id, seq))",
};

int centre_bills_schema(struct centre_db *db)
{
  return centre_db_schema(db, bills_schema, sizeof bills_schema / sizeof bills_schema[0], "bills schema");
}

/* Prepare, bind by a format ('t' text, 'i' int64), step to DONE, finalize. */
static int exec_args(struct centre_db *db, const char *sql, const char *fmt, const void *const *args,
                     int *changes)
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
  if (rc != CENTRE_DB_DONE)
    return centre_db_fail(db, "bills", rc);
  if (changes)
    *changes = centre_db_changes(db);
  return CENTRE_OK;
}

/*
 * The terminal side (issue 12) adds the cashier's fields to the journal event: the visit
 * kind and, on a VOID event, the seq of the waiver it cancels: proto carries them now
 * (optional fields visit and ref_seq, read with proto's accessors in event_visit() and
 * on_void()).
 */
#define CENTRE_BILLS_EVENT_FIELDS 1
/* The visit kind's name as the event carries it; "" when none (never NULL: the column
 * is NOT NULL, and a NULL would fail the upload). */
static const char *event_visit(const struct proto_event *e)
{
#ifdef CENTRE_BILLS_EVENT_FIELDS
  return e->visit; /* proto checked it: a visit name or "" */
#else
  (void)e;
  return "";
#endif
}

static int is_waiver(const struct proto_event *e)
{
  return e->mode == PROTO_MODE_CASHIER && e->verdict == PROTO_VERDICT_GRANT &&
         (e->kind == PROTO_EVENT_DECISION || e->kind == PROTO_EVENT_OVERRIDE) &&
         e->bill_ref[0] != '\0';
}

static int on_waiver(struct centre_db *db, const char *terminal, const struct proto_event *e)
{
  struct centre_db_stmt *s;
  char dup_term[CENTRE_TERMINAL_ID_MAX + 1] = "";
  int64_t dup_seq = 0, seq = (int64_t)e->seq, month = centre_month_cst(e->time), zero = 0;
  int rc = centre_db_prepare(db,
                              "SELECT terminal_id, seq FROM waivers WHERE site_id = ? AND"
                              " bill_ref = ? AND dup_seq = 0 AND void_seq = 0"
                              " ORDER BY time, terminal_id, seq LIMIT 1", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, e->site);
  centre_db_bind_text(s, 2, e->bill_ref);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    snprintf(dup_term, sizeof dup_term, "%s", centre_db_column_text(s, 0));
    dup_seq = centre_db_column_int64(s, 1);
  }
  centre_db_finalize(s);
  if (rc != CENTRE_DB_ROW && rc != CENTRE_DB_DONE)
    return centre_db_fail(db, "bill lookup", rc);
  if (dup_seq)
    /* Accepted into the chain, never counted twice: the finance office sees the flag.
     * Rate-limited: a terminal back from weeks offline may bring many. */
    centre_log_limited(CENTRE_CAUSE_DUPLICATE_BILL,
                       "terminal %s seq %" PRId64 ": bill already waived at %s (%s seq %" PRId64
                       "); flagged as a duplicate",
                       terminal, seq, e->site, dup_term, dup_seq);
  {
    const void *args[] = {terminal,    &seq,        e->site,  e->bill_ref, &e->time,
                          &month,      event_visit(e), &e->amount_fen, e->staff_id, dup_term,
                          &dup_seq,    "",          &zero,    &zero,       ""};
    return exec_args(db,
                     "INSERT INTO waivers (terminal_id, seq, site_id, bill_ref, time, month,"
                     " visit, amount_fen, staff_id, dup_terminal, dup_seq, void_terminal,"
                     " void_seq, void_time, void_staff)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     "tittiitittitiit", args, NULL);
  }
}

#ifdef CENTRE_BILLS_EVENT_FIELDS
static int on_void(struct centre_db *db, const char *terminal, const struct proto_event *e)
{
  int64_t seq = (int64_t)e->seq, ref = (int64_t)proto_event_ref_seq(e), applied;
  int changed = 0, rc;
  {
    /* Only a waiver of the same terminal that is not voided yet: a void names the
     * terminal's own waiver id (the journal seq, docs/his-api.md). */
    const void *args[] = {terminal, &seq, &e->time, e->staff_id, terminal, &ref};
    rc = exec_args(db,
                   "UPDATE waivers SET void_terminal = ?, void_seq = ?, void_time = ?,"
                   " void_staff = ? WHERE terminal_id = ? AND seq = ? AND void_seq = 0",
                   "tiitti", args, &changed);
  }
  if (rc != CENTRE_OK)
    return rc;
  applied = changed > 0;
  if (!applied)
    centre_log(CENTRE_LOG_WARN, "terminal %s seq %" PRId64 ": void of seq %" PRId64
               " names no open waiver; kept, not applied", terminal, seq, ref);
  {
    const void *args[] = {terminal, &seq, &ref, &e->time, e->staff_id, &applied};
    return exec_args(db,
                     "INSERT INTO bill_voids (terminal_id, seq, ref_seq, time, staff_id,"
                     " applied) VALUES (?, ?, ?, ?, ?, ?)",
                     "tiiiti", args, NULL);
  }
}
#endif

int centre_bills_on_event(struct centre_db *db, const char *terminal, const struct proto_event *e)
{
  if (is_waiver(e))
    return on_waiver(db, terminal, e);
#ifdef CENTRE_BILLS_EVENT_FIELDS
  if (e->kind == PROTO_EVENT_VOID)
    return on_void(db, terminal, e);
#endif
  return CENTRE_OK;
}

int centre_bill_valid(const char *bill)
{
  size_t n = bill ? strlen(bill) : 0;
  return n > 0 && n <= PROTO_BILL_REF_MAX && common_utf8_printable(bill, n) &&
         !common_id_shaped(bill);
}

int centre_bills_check(struct centre_db *db, const char *site, const char *bill,
                       struct centre_bill_state *out)
{
  struct centre_db_stmt *s;
  int rc;
  memset(out, 0, sizeof *out);
  if (!centre_bill_valid(bill))
    return CENTRE_E_INVALID_ARG;
  rc = centre_db_prepare(db,
                          "SELECT terminal_id, seq, time, amount_fen FROM waivers"
                          " WHERE site_id = ? AND bill_ref = ? AND dup_seq = 0 AND void_seq = 0"
                          " ORDER BY time, terminal_id, seq LIMIT 1", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, site);
  centre_db_bind_text(s, 2, bill);
  rc = centre_db_step(s);
  if (rc == CENTRE_DB_ROW) {
    out->waived = 1;
    snprintf(out->terminal, sizeof out->terminal, "%s", centre_db_column_text(s, 0));
    out->seq = (uint64_t)centre_db_column_int64(s, 1);
    out->time = centre_db_column_int64(s, 2);
    out->amount_fen = centre_db_column_int64(s, 3);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_ROW || rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "bill check", rc);
}

/* ------------------------------------------------------------- reports -- */

/* A CSV field: quoted when it holds a comma, a quote or starts with a character a
 * spreadsheet would run as a formula (bill numbers come from the HIS). */
static void csv_field(FILE *out, const char *v)
{
  int quote = strpbrk(v, ",\"\r\n") != NULL || (v[0] && strchr("=+-@", v[0]));
  if (!quote) {
    fputs(v, out);
    return;
  }
  fputc('"', out);
  if (v[0] && strchr("=+-@", v[0]))
    fputc('\'', out);
  for (; *v; v++) {
    if (*v == '"')
      fputc('"', out);
    fputc(*v, out);
  }
  fputc('"', out);
}

static void cst_date_time(int64_t t, char date[COMMON_DATE_LEN + 1], char hms[9])
{
  int64_t local = t + 8 * 3600, sec = ((local % 86400) + 86400) % 86400;
  common_date_format(common_local_day(t, 8 * 3600), date);
  snprintf(hms, 9, "%02d:%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
}

static void yuan(char *buf, size_t cap, int64_t fen)
{
  snprintf(buf, cap, "%" PRId64 ".%02" PRId64, fen / 100, fen % 100);
}

int centre_report_bills_csv(struct centre_db *db, const struct centre_site *h, int month, FILE *out)
{
  struct centre_db_stmt *s;
  int rc = centre_db_prepare(db,
                              "SELECT time, terminal_id, seq, visit, bill_ref, amount_fen,"
                              " staff_id, void_terminal, void_seq, void_staff, dup_terminal,"
                              " dup_seq FROM waivers WHERE site_id = ? AND month = ?"
                              " ORDER BY time, terminal_id, seq", &s);
  if (rc != CENTRE_OK)
    return centre_db_fail(db, "prepare", rc);
  centre_db_bind_text(s, 1, h->id);
  centre_db_bind_int64(s, 2, month);
  fputs("date,time,terminal,seq,hospital,visit,bill,amount_yuan,staff,void,void_staff,"
        "duplicate_of\n",
        out);
  while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
    char date[COMMON_DATE_LEN + 1], hms[9], amount[32], ref[96];
    const char *visit = centre_db_column_text(s, 3);
    cst_date_time(centre_db_column_int64(s, 0), date, hms);
    yuan(amount, sizeof amount, centre_db_column_int64(s, 5));
    fprintf(out, "%s,%s,%s,%" PRId64 ",", date, hms, centre_db_column_text(s, 1),
            centre_db_column_int64(s, 2));
    csv_field(out, h->name);
    fprintf(out, ",%s,", visit[0] ? visit : "-");
    csv_field(out, centre_db_column_text(s, 4));
    fprintf(out, ",%s,%s,", amount, centre_db_column_text(s, 6));
    ref[0] = '\0';
    if (centre_db_column_int64(s, 8))
      snprintf(ref, sizeof ref, "%s#%" PRId64, centre_db_column_text(s, 7),
               centre_db_column_int64(s, 8));
    fprintf(out, "%s,%s,", ref, centre_db_column_text(s, 9));
    ref[0] = '\0';
    if (centre_db_column_int64(s, 11))
      snprintf(ref, sizeof ref, "%s#%" PRId64, centre_db_column_text(s, 10),
               centre_db_column_int64(s, 11));
    fprintf(out, "%s\n", ref);
  }
  centre_db_finalize(s);
  return rc == CENTRE_DB_DONE ? CENTRE_OK : centre_db_fail(db, "report bills", rc);
}

/* --------------------------------------------------------- the statement -- */

/* A growable text with a hard cap (statements are a few hundred bytes). */
struct sbuf {
  char *p;
  size_t len, cap;
  int failed;
};
#define SBUF_MAX (1024u * 1024u)

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  if (b->failed)
    return;
  for (;;) {
    size_t room = b->cap - b->len;
    va_start(ap, fmt);
    n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->failed = 1;
      return;
    }
    if (b->p && (size_t)n < room) {
      b->len += (size_t)n;
      return;
    }
    {
      size_t ncap = b->cap ? b->cap * 2 : 1024;
      char *np;
      while (ncap < b->len + (size_t)n + 1)
        ncap *= 2;
      if (ncap > SBUF_MAX || !(np = realloc(b->p, ncap))) {
        b->failed = 1;
        return;
      }
      b->p = np;
      b->cap = ncap;
    }
  }
}

static void sb_html(struct sbuf *b, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '&': sb_add(b, "&amp;"); break;
    case '<': sb_add(b, "&lt;"); break;
    case '>': sb_add(b, "&gt;"); break;
    case '"': sb_add(b, "&quot;"); break;
    default: sb_add(b, "%c", *s);
    }
  }
}

struct stmt_row {
  const char *label;   /* canonical name */
  const char *zh, *en; /* the printed names */
  int64_t count, fen;
};

static const char *const visit_names[][3] = {
    {"outpatient", "门诊", "Outpatient"},
    {"inpatient", "住院", "Inpatient"},
    {"emergency", "急诊", "Emergency"},
    {"-", "未注明", "Not stated"},
};
enum { NVISIT = sizeof visit_names / sizeof visit_names[0] };

/* Counted (neither voided nor a duplicate) per visit kind, then voided, duplicates. */
static int statement_rows(struct centre_db *db, const char *site, int month, struct stmt_row rows[NVISIT],
                          struct stmt_row *voided, struct stmt_row *dups)
{
  static const char *const sql[] = {
      "SELECT visit, COUNT(*), SUM(amount_fen) FROM waivers WHERE site_id = ? AND month = ?"
      " AND dup_seq = 0 AND void_seq = 0 GROUP BY visit ORDER BY visit",
      "SELECT '', COUNT(*), SUM(amount_fen) FROM waivers WHERE site_id = ? AND month = ?"
      " AND dup_seq = 0 AND void_seq <> 0",
      "SELECT '', COUNT(*), SUM(amount_fen) FROM waivers WHERE site_id = ? AND month = ?"
      " AND dup_seq <> 0",
  };
  for (int i = 0; i < NVISIT; i++) {
    memset(&rows[i], 0, sizeof rows[i]);
    rows[i].label = visit_names[i][0];
    rows[i].zh = visit_names[i][1];
    rows[i].en = visit_names[i][2];
  }
  memset(voided, 0, sizeof *voided);
  memset(dups, 0, sizeof *dups);
  for (int q = 0; q < 3; q++) {
    struct centre_db_stmt *s;
    int rc = centre_db_prepare(db, sql[q], &s);
    if (rc != CENTRE_OK)
      return centre_db_fail(db, "prepare", rc);
    centre_db_bind_text(s, 1, site);
    centre_db_bind_int64(s, 2, month);
    while ((rc = centre_db_step(s)) == CENTRE_DB_ROW) {
      const char *v = centre_db_column_text(s, 0);
      struct stmt_row *r = q == 1 ? voided : q == 2 ? dups : &rows[NVISIT - 1];
      if (q == 0)
        for (int i = 0; i < NVISIT - 1; i++)
          if (strcmp(v, visit_names[i][0]) == 0)
            r = &rows[i];
      r->count += centre_db_column_int64(s, 1);
      r->fen += centre_db_column_int64(s, 2);
    }
    centre_db_finalize(s);
    if (rc != CENTRE_DB_DONE)
      return centre_db_fail(db, "statement", rc);
  }
  return CENTRE_OK;
}

static void sha256_hex(const void *p, size_t n, char out[CENTRE_HASH_HEX + 1])
{
  uint8_t h[32];
  unsigned len = 0;
  if (!EVP_Digest(p, n, h, &len, EVP_sha256(), NULL) || len != 32)
    memset(h, 0, sizeof h);
  common_hex_encode(h, 32, out, CENTRE_HASH_HEX + 1);
}

int centre_statement_make(struct centre_db *db, const struct centre_site *h, int month, int format,
                          char **out, size_t *out_len, char digest[CENTRE_HASH_HEX + 1])
{
  struct stmt_row rows[NVISIT], voided, dups, total;
  struct sbuf canon = {0}, doc = {0};
  char m[16], a[32];
  int rc;
  *out = NULL;
  *out_len = 0;
  rc = statement_rows(db, h->id, month, rows, &voided, &dups);
  if (rc != CENTRE_OK)
    return rc;
  snprintf(m, sizeof m, "%04d-%02d", month / 100, month % 100);
  memset(&total, 0, sizeof total);
  /* The canonical lines: what the digest covers and what `report verify` recomputes. */
  sb_add(&canon, "%s\nhospital,%s,%s\nmonth,%s\nvisit,count,amount_yuan\n", CENTRE_STATEMENT_TAG,
         h->id, h->name, m);
  for (int i = 0; i < NVISIT; i++) {
    if (i == NVISIT - 1 && rows[i].count == 0)
      continue; /* "not stated" only when some waiver lacks a visit kind */
    yuan(a, sizeof a, rows[i].fen);
    sb_add(&canon, "%s,%" PRId64 ",%s\n", rows[i].label, rows[i].count, a);
    total.count += rows[i].count;
    total.fen += rows[i].fen;
  }
  yuan(a, sizeof a, total.fen);
  sb_add(&canon, "total,%" PRId64 ",%s\n", total.count, a);
  yuan(a, sizeof a, voided.fen);
  sb_add(&canon, "voided,%" PRId64 ",%s\n", voided.count, a);
  yuan(a, sizeof a, dups.fen);
  sb_add(&canon, "duplicates,%" PRId64 ",%s\n", dups.count, a);
  if (canon.failed) {
    free(canon.p);
    return CENTRE_E_NO_MEMORY;
  }
  sha256_hex(canon.p, canon.len, digest);
  if (format == CENTRE_STATEMENT_CSV) {
    sb_add(&canon, "digest,sha256,%s\n", digest);
    if (canon.failed) {
      free(canon.p);
      return CENTRE_E_NO_MEMORY;
    }
    *out = canon.p;
    *out_len = canon.len;
    return CENTRE_OK;
  }
  free(canon.p);
  /* A printable A4 page, everything inline: no script, font, image or style sheet from
   * anywhere else (it is printed and filed; a viewer must show the same thing offline). */
  sb_add(&doc,
         "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"yh-statement\" content=\"%s %s %s\">\n<title>",
         h->id, m, digest);
  sb_html(&doc, h->name);
  sb_add(&doc,
         " %s 诊查费减免月结单</title>\n<style>\n"
         "@page { size: A4 portrait; margin: 18mm; }\n"
         "body { font-family: \"Noto Sans CJK SC\", \"Noto Sans SC\", sans-serif; "
         "font-size: 11pt; color: #000; }\n"
         "h1 { font-size: 16pt; margin: 0 0 4mm 0; }\n"
         "table { border-collapse: collapse; width: 100%%; margin: 6mm 0; }\n"
         "th, td { border: 1px solid #000; padding: 2mm 3mm; text-align: left; }\n"
         "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
         ".digest { font-family: monospace; word-break: break-all; }\n"
         "</style>\n</head>\n<body>\n"
         "<h1>玉林市无偿献血荣誉卡 诊查费减免月结单</h1>\n"
         "<p>Honour card consultation fees waived: monthly statement</p>\n<p>医院 Hospital: ",
         m);
  sb_html(&doc, h->name);
  if (h->name_en[0]) {
    sb_add(&doc, " (");
    sb_html(&doc, h->name_en);
    sb_add(&doc, ")");
  }
  sb_add(&doc, " &mdash; ");
  sb_html(&doc, h->id);
  sb_add(&doc,
         "</p>\n<p>月份 Month: %s (China time)</p>\n<table>\n<tr><th>就诊类型 Visit kind</th>"
         "<th>笔数 Count</th><th>减免金额（元） Waived (yuan)</th></tr>\n",
         m);
  for (int i = 0; i < NVISIT; i++) {
    if (i == NVISIT - 1 && rows[i].count == 0)
      continue;
    yuan(a, sizeof a, rows[i].fen);
    sb_add(&doc, "<tr><td>%s %s</td><td class=\"n\">%" PRId64 "</td><td class=\"n\">%s</td></tr>\n",
           rows[i].zh, rows[i].en, rows[i].count, a);
  }
  yuan(a, sizeof a, total.fen);
  sb_add(&doc, "<tr><th>合计 Total</th><th class=\"n\">%" PRId64 "</th><th class=\"n\">%s</th></tr>\n",
         total.count, a);
  yuan(a, sizeof a, voided.fen);
  sb_add(&doc, "<tr><td>已撤销（未计入） Voided (not counted)</td><td class=\"n\">%" PRId64
               "</td><td class=\"n\">%s</td></tr>\n", voided.count, a);
  yuan(a, sizeof a, dups.fen);
  sb_add(&doc, "<tr><td>重复减免（已标记，未计入） Flagged duplicates (not counted)</td>"
               "<td class=\"n\">%" PRId64 "</td><td class=\"n\">%s</td></tr>\n</table>\n",
         dups.count, a);
  sb_add(&doc,
         "<p>校验码 Digest (SHA-256 of the statement's lines):<br><span class=\"digest\">%s</span></p>\n"
         "<p>核对 To check a copy: <code>centre-admin report verify FILE</code></p>\n"
         "</body>\n</html>\n",
         digest);
  if (doc.failed) {
    free(doc.p);
    return CENTRE_E_NO_MEMORY;
  }
  *out = doc.p;
  *out_len = doc.len;
  return CENTRE_OK;
}

/* The file's own claim: format, hospital, month and the digest printed on it. Bounded:
 * only the first lines (CSV) or the one meta element (HTML) are read. */
int centre_statement_identify(const char *text, size_t len, int *format,
                              char site[CENTRE_SITE_ID_MAX + 1], int *month,
                              char digest[CENTRE_HASH_HEX + 1])
{
  static const char tag[] = CENTRE_STATEMENT_TAG "\nhospital,";
  static const char meta[] = "<meta name=\"yh-statement\" content=\"";
  const char *p, *end = text + len, *q;
  size_t n;
  int y, mo;
  if (len >= sizeof tag - 1 && memcmp(text, tag, sizeof tag - 1) == 0) {
    const char *dl;
    *format = CENTRE_STATEMENT_CSV;
    p = text + sizeof tag - 1;
    q = memchr(p, ',', (size_t)(end - p));
    if (!q || (n = (size_t)(q - p)) == 0 || n > CENTRE_SITE_ID_MAX)
      return CENTRE_E_MALFORMED;
    memcpy(site, p, n);
    site[n] = '\0';
    p = memchr(q, '\n', (size_t)(end - q));
    if (!p || end - p < 16 || memcmp(p, "\nmonth,", 7) != 0)
      return CENTRE_E_MALFORMED;
    p += 7;
    /* The digest line is the last one. */
    if (len < 16 + CENTRE_HASH_HEX + 1 || end[-1] != '\n')
      return CENTRE_E_MALFORMED;
    dl = end - 1 - CENTRE_HASH_HEX - 15;
    if (memcmp(dl, "\ndigest,sha256,", 15) != 0)
      return CENTRE_E_MALFORMED;
    memcpy(digest, dl + 15, CENTRE_HASH_HEX);
  } else {
    *format = CENTRE_STATEMENT_HTML;
    p = NULL;
    for (const char *c = text; (size_t)(end - c) >= sizeof meta - 1 && c < text + 4096; c++)
      if (memcmp(c, meta, sizeof meta - 1) == 0) {
        p = c + sizeof meta - 1;
        break;
      }
    if (!p)
      return CENTRE_E_MALFORMED;
    q = memchr(p, ' ', (size_t)(end - p));
    if (!q || (n = (size_t)(q - p)) == 0 || n > CENTRE_SITE_ID_MAX)
      return CENTRE_E_MALFORMED;
    memcpy(site, p, n);
    site[n] = '\0';
    p = q + 1;
    if (end - p < 8 + CENTRE_HASH_HEX || p[7] != ' ')
      return CENTRE_E_MALFORMED;
    memcpy(digest, p + 8, CENTRE_HASH_HEX);
  }
  digest[CENTRE_HASH_HEX] = '\0';
  for (int i = 0; i < CENTRE_HASH_HEX; i++)
    if (common_hex_digit(digest[i], 0) < 0)
      return CENTRE_E_MALFORMED;
  if (end - p < 7 || p[4] != '-' || sscanf(p, "%4d", &y) != 1 || y < 2000 || y > 2100)
    return CENTRE_E_MALFORMED;
  for (int i = 0; i < 7; i++)
    if (i != 4 && (p[i] < '0' || p[i] > '9'))
      return CENTRE_E_MALFORMED;
  mo = (p[5] - '0') * 10 + (p[6] - '0');
  if (mo < 1 || mo > 12)
    return CENTRE_E_MALFORMED;
  *month = y * 100 + mo;
  return CENTRE_OK;
}

int centre_statement_lines_digest(const char *text, size_t len, char digest[CENTRE_HASH_HEX + 1])
{
  /* A CSV statement's own lines without its digest line. */
  if (len < CENTRE_HASH_HEX + 16)
    return CENTRE_E_MALFORMED;
  sha256_hex(text, len - (CENTRE_HASH_HEX + 15), digest);
  return CENTRE_OK;
}
