/*
 * Hospital bills at the real centre over TLS on loopback (issue 12): waivers from two
 * terminals of one hospital with the same bill (one offline, then syncing) give one
 * flagged duplicate and one counted waiver; a void; `centre-admin report bills` and
 * `report statement` exact output for a fixture month; the statement's digest verified
 * and a tampered copy refused; bad months, inverted ranges and unknown hospitals refused
 * with a message and exit 2; the bill check endpoint; the tariff document signed,
 * fetched by netsync and verified.
 */
#include <check.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "centre/centre.h"
#include "common/hex.h"
#include "netsync/netsync.h"
#include "pki.h"
#include "synctest.h"

static char pki_dir[512];
static const char *const terms[] = {"T01", "T02", "T03", "T04"};

#define H1 "hosp.yl-first-people"
#define H1_NAME "玉林市第一人民医院"
#define H2 "hosp.yl-red-cross"
/* 2026-01-05 10:00:00 China time (02:00 UTC). */
#define T0 INT64_C(1767578400)

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

static void fresh(struct synctest_centre *c, const char *tag)
{
  ck_assert_int_eq(synctest_centre_fresh(c, pki_dir, tag), 0);
  snprintf(c->conf_extra, sizeof c->conf_extra, "[reports]\nsites = %s/assets/sites.ini\n",
           YH_SOURCE_DIR);
  ck_assert_msg(synctest_centre_start(c, NULL) == 0, "centre did not start");
}

struct term {
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
};

static void term_open(struct term *t, struct synctest_centre *c, const char *id, const char *site,
                      const struct netsync_sink_ops *sops, void *sctx)
{
  char path[700];
  memset(t, 0, sizeof *t);
  ck_assert_int_eq(synctest_admin(c, NULL, "terminal", "register", id, site, NULL), 0);
  snprintf(path, sizeof path, "%s/journal-%s.db", c->dir, id);
  ck_assert_int_eq(synctest_journal_open(path, id, site, &t->j), 0);
  synctest_netsync_config(c, id, &t->p, &t->cfg);
  t->cfg.trace = quiet;
  ck_assert_int_eq(netsync_create(&t->cfg, &netsync_kiosk_journal_ops,
                                  synctest_journal_kiosk(t->j), sops, sctx, &t->ns),
                   NETSYNC_OK);
}

static void term_close(struct term *t)
{
  netsync_destroy(t->ns);
  synctest_journal_close(t->j);
}

/* One cashier event: a waiver (GRANT with a bill) or a refusal. */
static uint64_t cashier(struct term *t, int64_t time, int verdict, const char *bill, int64_t fen,
                        const char *staff, int visit)
{
  struct proto_event e;
  memset(&e, 0, sizeof e);
  e.time = time;
  e.mode = PROTO_MODE_CASHIER;
  snprintf(e.card_no, sizeof e.card_no, "YL0100000001");
  e.kind = PROTO_EVENT_DECISION;
  e.verdict = verdict;
  e.reasons = verdict == PROTO_VERDICT_GRANT ? 0 : UINT64_C(1) << 3;
  e.amount_fen = verdict == PROTO_VERDICT_GRANT ? fen : 0;
  snprintf(e.bill_ref, sizeof e.bill_ref, "%s", bill);
  snprintf(e.staff_id, sizeof e.staff_id, "%s", staff);
  proto_event_set_visit(&e, visit);
  ck_assert_int_eq(synctest_journal_append_event(t->j, &e), 0);
  return e.seq;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = malloc(1 << 20);
  size_t n;
  ck_assert_ptr_nonnull(f);
  n = fread(buf, 1, (1 << 20) - 1, f);
  fclose(f);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

static void spit(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

/* centre-admin with stdout and stderr captured into files; exit code. */
static int admin(const struct synctest_centre *c, const char *out, const char *err,
                 const char *args)
{
  char cmd[4000];
  int st;
  synctest_admin(c, NULL, "terminal", "list", NULL); /* writes the conf */
  snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s > '%s' 2> '%s'", CENTRE_ADMIN_PATH, c->conf,
           args, out, err);
  st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void assert_file_is(const char *path, const char *want)
{
  char *got = slurp(path, NULL);
  ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- got\n%s--- want\n%s", path, got, want);
  free(got);
}

static void assert_file_has(const char *path, const char *needle)
{
  char *got = slurp(path, NULL);
  ck_assert_msg(strstr(got, needle) != NULL, "%s lacks \"%s\":\n%s", path, needle, got);
  free(got);
}

static void sha256_hex(const char *s, size_t n, char out[65])
{
  uint8_t h[32];
  unsigned len = 0;
  ck_assert(EVP_Digest(s, n, h, &len, EVP_sha256(), NULL));
  common_hex_encode(h, 32, out, 65);
}

/* The fixture month: T01 online, T02 offline with the same bill, T03 at another
 * hospital with the same bill number, one refusal, one waiver in February. */
static void fixture(struct synctest_centre *c, struct term *t1, struct term *t2, struct term *t3)
{
  term_open(t1, c, "T01", H1, NULL, NULL);
  term_open(t2, c, "T02", H1, NULL, NULL);
  term_open(t3, c, "T03", H2, NULL, NULL);
  cashier(t1, T0, PROTO_VERDICT_GRANT, "MZ-0001", 1500, "S01", 1);
  cashier(t1, T0 + 600, PROTO_VERDICT_GRANT, "ZY-0002", 2000, "S01", 2);
  cashier(t1, T0 + 900, PROTO_VERDICT_DENY, "MZ-0009", 0, "S01", 1);
  cashier(t1, T0 + 1800, PROTO_VERDICT_GRANT, "MZ-0003", 1500, "S02", 1);
  cashier(t1, T0 + 27 * 86400, PROTO_VERDICT_GRANT, "MZ-0100", 1500, "S02", 1);
  ck_assert_int_eq(netsync_upload_all(t1->ns), NETSYNC_OK);
  /* T02 was offline: it granted the same bill five minutes after T01 and syncs now. */
  cashier(t2, T0 + 300, PROTO_VERDICT_GRANT, "MZ-0001", 1500, "S07", 1);
  ck_assert_int_eq(netsync_upload_all(t2->ns), NETSYNC_OK);
  cashier(t3, T0 + 60, PROTO_VERDICT_GRANT, "MZ-0001", 1500, "S09", 1);
  ck_assert_int_eq(netsync_upload_all(t3->ns), NETSYNC_OK);
}

START_TEST(duplicate_flagged_and_reports)
{
  struct synctest_centre c;
  struct term t1, t2, t3;
  char out[700], err[700], args[1600], digest[65], copy[700];
  char *text;
  size_t len;
  fresh(&c, "bills");
  fixture(&c, &t1, &t2, &t3);
  /* Nothing was refused: every event is in the chain. */
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 5);
  ck_assert_int_eq(synctest_centre_count(&c, "T02"), 1);
  snprintf(out, sizeof out, "%s/out.txt", c.dir);
  snprintf(err, sizeof err, "%s/err.txt", c.dir);

  ck_assert_int_eq(admin(&c, out, err, "report bills --hospital " H1 " --month 2026-01"), 0);
  assert_file_is(out,
                 "date,time,terminal,seq,hospital,visit,bill,amount_yuan,staff,void,void_staff,"
                 "duplicate_of\n"
                 "2026-01-05,10:00:00,T01,1," H1_NAME ",outpatient,MZ-0001,15.00,S01,,,\n"
                 "2026-01-05,10:05:00,T02,1," H1_NAME ",outpatient,MZ-0001,15.00,S07,,,T01#1\n"
                 "2026-01-05,10:10:00,T01,2," H1_NAME ",inpatient,ZY-0002,20.00,S01,,,\n"
                 "2026-01-05,10:30:00,T01,4," H1_NAME ",outpatient,MZ-0003,15.00,S02,,,\n");
  ck_assert_int_eq(admin(&c, out, err, "report bills --hospital " H2 " --month 2026-01"), 0);
  assert_file_has(out, ",T03,1,玉林市红十字会医院,outpatient,MZ-0001,15.00,S09,,,\n");

  /* The statement: counted waivers, voids and the flagged duplicate apart. */
  ck_assert_int_eq(admin(&c, out, err, "report statement --hospital " H1 " --month 2026-01"), 0);
  {
    static const char lines[] = "yh-statement/1\n"
                                "hospital," H1 "," H1_NAME "\n"
                                "month,2026-01\n"
                                "visit,count,amount_yuan\n"
                                "outpatient,2,30.00\n"
                                "inpatient,1,20.00\n"
                                "emergency,0,0.00\n"
                                "total,3,50.00\n"
                                "voided,0,0.00\n"
                                "duplicates,1,15.00\n";
    char want[1200];
    sha256_hex(lines, strlen(lines), digest);
    snprintf(want, sizeof want, "%sdigest,sha256,%s\n", lines, digest);
    assert_file_is(out, want);
  }
  /* --out, verify, a tampered copy. */
  snprintf(copy, sizeof copy, "%s/statement.csv", c.dir);
  snprintf(args, sizeof args, "report statement --hospital " H1 " --month 2026-01 --out '%s'",
           copy);
  ck_assert_int_eq(admin(&c, out, err, args), 0);
  assert_file_has(out, digest);
  snprintf(args, sizeof args, "report verify '%s'", copy);
  ck_assert_int_eq(admin(&c, out, err, args), 0);
  assert_file_has(out, "verified: " H1 " 2026-01");
  text = slurp(copy, &len);
  {
    char *p = strstr(text, "total,3,50.00");
    ck_assert_ptr_nonnull(p);
    p[8] = '6'; /* 60.00 */
  }
  spit(copy, text);
  free(text);
  ck_assert_int_eq(admin(&c, out, err, args), 1);
  assert_file_has(err, "REFUSED: the file was altered");

  /* HTML: a printable A4 page, the hospital's names, the digest, nothing external. */
  snprintf(copy, sizeof copy, "%s/statement.html", c.dir);
  snprintf(args, sizeof args,
           "report statement --hospital " H1 " --month 2026-01 --format html --out '%s'", copy);
  ck_assert_int_eq(admin(&c, out, err, args), 0);
  assert_file_has(copy, "size: A4");
  assert_file_has(copy, H1_NAME " (Yulin First People's Hospital)");
  assert_file_has(copy, digest);
  assert_file_has(copy, "<td class=\"n\">2</td><td class=\"n\">30.00</td>");
  text = slurp(copy, &len);
  ck_assert_ptr_null(strstr(text, "http"));
  ck_assert_ptr_null(strstr(text, "<script"));
  ck_assert_ptr_null(strstr(text, "url("));
  ck_assert_ptr_null(strstr(text, "src="));
  free(text);
  snprintf(args, sizeof args, "report verify '%s'", copy);
  ck_assert_int_eq(admin(&c, out, err, args), 0);
  /* A late upload for that month: the old statement no longer matches the centre. */
  cashier(&t2, T0 + 3600, PROTO_VERDICT_GRANT, "MZ-0004", 1500, "S07", 1);
  ck_assert_int_eq(netsync_upload_all(t2.ns), NETSYNC_OK);
  ck_assert_int_eq(admin(&c, out, err, args), 1);
  assert_file_has(err, "events for that month arrived after it was made");

  term_close(&t1);
  term_close(&t2);
  term_close(&t3);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(bad_arguments)
{
  static const struct {
    const char *args;
    int code;
    const char *msg;
  } cases[] = {
      {"report bills --hospital " H1 " --month 2026-13", 2, "--month: YYYY-MM"},
      {"report bills --hospital " H1 " --month 2026-1", 2, "--month: YYYY-MM"},
      {"report bills --hospital " H1 " --month 26-01x", 2, "--month: YYYY-MM"},
      {"report bills --hospital hosp.nowhere --month 2026-01", 2, "unknown hospital"},
      {"report bills --hospital park.rongzhou-gucheng --month 2026-01", 2, "not a hospital"},
      {"report bills --month 2026-01", 2, "--hospital and --month are required"},
      {"report bills --hospital " H1 " --month 2026-01 --month 2026-02", 2, "given twice"},
      {"report bills --hospital " H1 " --month 2026-01 --format csv", 2, "unknown argument"},
      {"report statement --hospital " H1 " --month 2026-01 --format pdf", 2, "csv or html"},
      {"report statement --hospital " H1 " --month", 2, "needs a value"},
      {"report usage 2026-03 2026-01", 2, "FROM is after TO"},
      {"report usage 2026-13", 2, "months are YYYY-MM"},
      {"report verify /nonexistent/statement.csv", 1, "unreadable"},
  };
  struct synctest_centre c;
  char out[700], err[700], notstmt[700], args[900];
  fresh(&c, "billargs");
  snprintf(out, sizeof out, "%s/out.txt", c.dir);
  snprintf(err, sizeof err, "%s/err.txt", c.dir);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int code = admin(&c, out, err, cases[i].args);
    ck_assert_msg(code == cases[i].code, "%s: exit %d, want %d", cases[i].args, code,
                  cases[i].code);
    assert_file_has(err, cases[i].msg);
  }
  snprintf(notstmt, sizeof notstmt, "%s/not.csv", c.dir);
  spit(notstmt, "yh-statement/1\nhospital,x\n");
  snprintf(args, sizeof args, "report verify '%s'", notstmt);
  ck_assert_int_eq(admin(&c, out, err, args), 2);
  assert_file_has(err, "is not a statement");
  /* No registry configured: a runtime error (exit 1) that says what to set. */
  c.conf_extra[0] = '\0';
  ck_assert_int_eq(admin(&c, out, err, "report bills --hospital " H1 " --month 2026-01"), 1);
  assert_file_has(err, "[reports] sites");
  synctest_centre_stop(&c);
}
END_TEST


/* What netsync hands the terminal: the documents it fetched. */
struct sink {
  char kind[16];
  uint64_t version, applied;
  char content[4096];
};

static int s_doc_version(void *ctx, const char *kind, uint64_t *v)
{
  struct sink *s = ctx;
  *v = strcmp(kind, "tariff") == 0 ? s->version : 0;
  return 0;
}

static int s_apply_doc(void *ctx, const char *kind, uint64_t version, const char *content,
                       size_t len)
{
  struct sink *s = ctx;
  snprintf(s->kind, sizeof s->kind, "%s", kind);
  s->version = version;
  s->applied++;
  ck_assert_uint_lt(len, sizeof s->content);
  memcpy(s->content, content, len);
  s->content[len] = '\0';
  return 0;
}

static const struct netsync_sink_ops sink_ops = {NULL, NULL, s_doc_version, s_apply_doc, NULL};

START_TEST(bill_check_online_and_offline)
{
  struct synctest_centre c;
  struct term t1, t2, t3;
  struct netsync_bill_state b;
  uint64_t t_start;
  fresh(&c, "billcheck");
  term_open(&t1, &c, "T01", H1, NULL, NULL);
  term_open(&t2, &c, "T02", H1, NULL, NULL);
  term_open(&t3, &c, "T03", H2, NULL, NULL);
  cashier(&t1, T0, PROTO_VERDICT_GRANT, "MZ-0001", 1500, "S01", 1);
  ck_assert_int_eq(netsync_upload_all(t1.ns), NETSYNC_OK);
  /* Another terminal of the same hospital asks before granting: already waived. */
  ck_assert_int_eq(netsync_bill_check(t2.ns, "MZ-0001", 5000, &b), NETSYNC_OK);
  ck_assert_int_eq(b.waived, 1);
  ck_assert_str_eq(b.terminal, "T01");
  ck_assert_uint_eq(b.seq, 1);
  ck_assert_int_eq(b.time, T0);
  ck_assert_int_eq(b.amount_fen, 1500);
  /* Another hospital's bill of the same number is its own. */
  ck_assert_int_eq(netsync_bill_check(t3.ns, "MZ-0001", 5000, &b), NETSYNC_OK);
  ck_assert_int_eq(b.waived, 0);
  ck_assert_int_eq(netsync_bill_check(t2.ns, "MZ-0002", 5000, &b), NETSYNC_OK);
  ck_assert_int_eq(b.waived, 0);
  /* Bill numbers a HIS uses travel percent-encoded. */
  ck_assert_int_eq(netsync_bill_check(t2.ns, "门诊/2026.01_7", 5000, &b), NETSYNC_OK);
  ck_assert_int_eq(b.waived, 0);
  /* An ID number typed into the bill field is refused by the centre too. */
  ck_assert_int_eq(netsync_bill_check(t2.ns, "11010519491231002X", 5000, &b),
                   NETSYNC_E_REJECTED);
  ck_assert_int_eq(netsync_bill_check(t2.ns, "", 5000, &b), NETSYNC_E_INVALID_ARG);
  /* The duplicate that slips through anyway (say T02 decided offline) is flagged. */
  cashier(&t2, T0 + 300, PROTO_VERDICT_GRANT, "MZ-0001", 1500, "S07", 1);
  ck_assert_int_eq(netsync_upload_all(t2.ns), NETSYNC_OK);
  ck_assert_int_eq(netsync_bill_check(t2.ns, "MZ-0001", 5000, &b), NETSYNC_OK);
  ck_assert_str_eq(b.terminal, "T01"); /* still the first, the duplicate never counts */
  /* Offline: a short deadline, NET, and the terminal decides on its local check. */
  synctest_centre_stop(&c);
  t_start = synctest_now_ms();
  ck_assert_int_eq(netsync_bill_check(t2.ns, "MZ-0001", 1500, &b), NETSYNC_E_NET);
  ck_assert_uint_lt(synctest_now_ms() - t_start, 10000);
  ck_assert_int_eq(b.waived, 0);
  term_close(&t1);
  term_close(&t2);
  term_close(&t3);
}
END_TEST

START_TEST(tariff_document)
{
  struct synctest_centre c;
  struct term t1, t3, bad;
  struct sink s1, s3, sb;
  char out[700], err[700];
  fresh(&c, "tariff");
  memset(&s1, 0, sizeof s1);
  memset(&s3, 0, sizeof s3);
  memset(&sb, 0, sizeof sb);
  snprintf(out, sizeof out, "%s/out.txt", c.dir);
  snprintf(err, sizeof err, "%s/err.txt", c.dir);
  term_open(&t1, &c, "T01", H1, &sink_ops, &s1);
  term_open(&t3, &c, "T03", H2, &sink_ops, &s3);
  /* No tariff yet: 204, nothing applied. */
  ck_assert_int_eq(netsync_fetch_doc(t1.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(s1.applied, 0);
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 1500"
                                       " --from 2026-01-01"), 0);
  assert_file_has(out, "version 1");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit inpatient --fen 2000"
                                       " --from 2026-01-01"), 0);
  /* A new fee from next year cuts the open-ended one. */
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 1800"
                                       " --from 2027-01-01"), 0);
  assert_file_has(out, "version 3");
  ck_assert_int_eq(admin(&c, out, err, "tariff list --hospital " H1), 0);
  assert_file_is(out, "visit,fee_fen,from,to\n"
                      "inpatient,2000,2026-01-01,\n"
                      "outpatient,1500,2026-01-01,2026-12-31\n"
                      "outpatient,1800,2027-01-01,\n");
  ck_assert_int_eq(netsync_fetch_doc(t1.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(s1.applied, 1);
  ck_assert_str_eq(s1.kind, "tariff");
  ck_assert_uint_eq(s1.version, 3);
  ck_assert_msg(strstr(s1.content, "[tariff]\nformat = yh-tariff/1\nsite = " H1 "\nversion = 3\n"
                                   "issued = ") != NULL, "%s", s1.content);
  ck_assert_msg(strstr(s1.content, "\n\n[item.1]\nvisit = inpatient\nfee_fen = 2000\n"
                                   "from = 2026-01-01\n\n[item.2]\nvisit = outpatient\n"
                                   "fee_fen = 1500\nfrom = 2026-01-01\nto = 2026-12-31\n\n"
                                   "[item.3]\nvisit = outpatient\nfee_fen = 1800\n"
                                   "from = 2027-01-01\n") != NULL, "%s", s1.content);
  /* Current: nothing new. Another hospital has none. */
  ck_assert_int_eq(netsync_fetch_doc(t1.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(s1.applied, 1);
  ck_assert_int_eq(netsync_fetch_doc(t3.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(s3.applied, 0);
  /* Signed by the centre: a terminal holding another signing key refuses it. */
  term_open(&bad, &c, "T02", H1, &sink_ops, &sb);
  netsync_destroy(bad.ns);
  snprintf(bad.p.sign, sizeof bad.p.sign, "%s/other-sign.pub", c.dir);
  ck_assert_int_eq(netsync_create(&bad.cfg, &netsync_kiosk_journal_ops,
                                  synctest_journal_kiosk(bad.j), &sink_ops, &sb, &bad.ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_fetch_doc(bad.ns, "tariff"), NETSYNC_E_SIGNATURE);
  ck_assert_uint_eq(sb.applied, 0);
  /* Bad arguments: a message and exit 2; nothing changes. */
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit dental --fen 1500"
                                       " --from 2026-01-01"), 2);
  assert_file_has(err, "outpatient, inpatient or emergency");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 0"
                                       " --from 2026-01-01"), 2);
  assert_file_has(err, "--fen");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 100001"
                                       " --from 2026-01-01"), 2);
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 1500"
                                       " --from 2026-02-30"), 2);
  assert_file_has(err, "YYYY-MM-DD");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient --fen 1500"
                                       " --from 2026-03-01 --to 2026-02-01"), 2);
  assert_file_has(err, "--to is before --from");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital park.rongzhou-gucheng --visit"
                                       " outpatient --fen 1500 --from 2026-01-01"), 2);
  assert_file_has(err, "not a hospital");
  ck_assert_int_eq(admin(&c, out, err, "tariff set --hospital " H1 " --visit outpatient"), 2);
  assert_file_has(err, "are required");
  ck_assert_int_eq(admin(&c, out, err, "tariff list --hospital " H1), 0);
  assert_file_has(out, "outpatient,1800,2027-01-01,\n");
  ck_assert_int_eq(netsync_fetch_doc(t1.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(s1.applied, 1);
  term_close(&t1);
  term_close(&t3);
  term_close(&bad);
  synctest_centre_stop(&c);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("centre.bills");
  TCase *tc = tcase_create("loopback");
  tcase_set_timeout(tc, 240); /* generous: CI runs it under ASan beside other suites */
  tcase_add_test(tc, duplicate_flagged_and_reports);
  tcase_add_test(tc, bad_arguments);
  tcase_add_test(tc, bill_check_online_and_offline);
  tcase_add_test(tc, tariff_document);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  if (synctest_process_init(pki_dir, sizeof pki_dir, terms, sizeof terms / sizeof terms[0]) != 0)
    return 1;
  return synctest_run_suite(suite());
}
