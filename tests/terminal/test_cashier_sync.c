/*
 * The cashier against the real centre over mutual TLS on loopback (issue 12): two
 * terminals of one hospital, each the kiosk library's decision path on its own SQLite
 * journal, with netsync as in `kiosk run` (its document sink is terminal/docs_apply.c,
 * its bill check the hook session.c sets).
 *
 *   tariff_from_the_centre   no tariff: refused; `centre-admin tariff set` -> fetched,
 *                            written beside the journal and in force at runtime; the
 *                            amount waived exactly; a newer version replaces it; older,
 *                            same, another site's or garbage refused with the one in force
 *                            kept; read again at start.
 *   double_bill_across       T01 waives a bill and uploads; T02 is refused
 *                            (BILL_ALREADY_WAIVED, naming T01's waiver); T01 voids it
 *                            and may waive it again before the void reaches the centre;
 *                            with the centre down T02 decides on its own journal (within
 *                            the check's deadline) and the centre flags the duplicate when
 *                            T02 uploads.
 *
 * Cards are the library's card facts here: the card path itself is test_cashier.c's.
 */
#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "applog.h"
#include "docs_apply.h"
#include "kiosk/terminal.h"
#include "netsync/netsync.h"
#include "synctest.h"

#define H1 "hosp.yl-first-people"
static char pki_dir[512];
static const char *const terms[] = {"T01", "T02"};

struct term {
  char id[16], cfgpath[700], journal[700];
  struct kiosk_config cfg;
  struct kiosk_terminal *t;
  struct term_docs *docs;
  struct kiosk_journal *nsj; /* netsync's own handle */
  struct synctest_paths p;
  struct netsync_config ncfg;
  struct netsync *ns;
  long check_ms;
};

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

static int s_doc_version(void *ctx, const char *kind, uint64_t *v)
{
  return term_docs_version(((struct term *)ctx)->docs, kind, v);
}

static int s_apply_doc(void *ctx, const char *kind, uint64_t version, const char *content,
                       size_t len)
{
  return term_docs_apply(((struct term *)ctx)->docs, kind, version, content, len, time(NULL));
}

static const struct netsync_sink_ops sink_ops = {NULL, NULL, s_doc_version, s_apply_doc, NULL};

/* session.c's hook, on the test's netsync handle. */
static int bill_check(void *ctx, const char *bill, struct kiosk_bill_prior *out)
{
  struct term *t = ctx;
  struct netsync_bill_state st;
  if (netsync_bill_check(t->ns, bill, t->check_ms, &st) != NETSYNC_OK)
    return 0;
  if (st.waived) {
    out->where = KIOSK_BILL_CENTRE;
    out->seq = st.seq;
    out->time = st.time;
    snprintf(out->terminal, sizeof out->terminal, "%s", st.terminal);
  }
  return 1;
}

static void term_open(struct term *t, struct synctest_centre *c, const char *id, int reg)
{
  char trust[700], cmd[1600];
  if (reg)
    ck_assert_int_eq(synctest_admin(c, NULL, "terminal", "register", id, H1, NULL), 0);
  snprintf(t->id, sizeof t->id, "%s", id);
  snprintf(trust, sizeof trust, "%s/trust-%s", c->dir, id);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", trust);
  ck_assert_int_eq(system(cmd), 0);
  snprintf(t->cfgpath, sizeof t->cfgpath, "%s/%s.ini", c->dir, id);
  snprintf(t->journal, sizeof t->journal, "%s/journal-%s.db", c->dir, id);
  FILE *f = fopen(t->cfgpath, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "[terminal]\nsite = " H1 "\nmode = cashier\nterminal_id = %s\nstaff_id = S01\n"
          "[paths]\nsites = %s/assets/sites.ini\ntrust_store = %s\njournal = %s\n"
          "revocation = %s/rev-%s.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_never = warn\n",
          id, YH_SOURCE_DIR, trust, t->journal, c->dir, id);
  fclose(f);
  struct kiosk_diag d;
  ck_assert_msg(kiosk_config_load(t->cfgpath, NULL, 0, &t->cfg, &d) == KIOSK_OK, "%s", d.text);
  ck_assert_msg(kiosk_terminal_open(&t->cfg, &t->t, &d) == KIOSK_OK, "%s", d.text);
  char why[300];
  ck_assert_msg(term_docs_open(&t->cfg, &t->docs, why, sizeof why) == 0, "%s", why);
  term_docs_set_tariff(t->docs, kiosk_terminal_tariff(t->t));
  ck_assert_int_eq(kiosk_journal_open(t->journal, 0, &t->nsj, &d), KIOSK_OK);
  synctest_netsync_config(c, id, &t->p, &t->ncfg);
  t->ncfg.trace = quiet;
  ck_assert_int_eq(netsync_create(&t->ncfg, &netsync_kiosk_journal_ops, t->nsj, &sink_ops, t,
                                  &t->ns),
                   NETSYNC_OK);
  t->check_ms = 5000; /* generous: a loaded machine; the offline case measures its own */
  kiosk_terminal_set_bill_check(t->t, bill_check, t);
}

static void term_close(struct term *t)
{
  netsync_destroy(t->ns);
  kiosk_journal_close(t->nsj);
  term_docs_close(t->docs);
  kiosk_terminal_close(t->t);
}

static void fresh(struct synctest_centre *c, const char *tag)
{
  ck_assert_int_eq(synctest_centre_fresh(c, pki_dir, tag), 0);
  snprintf(c->conf_extra, sizeof c->conf_extra, "[reports]\nsites = %s/assets/sites.ini\n",
           YH_SOURCE_DIR);
  ck_assert_msg(synctest_centre_start(c, NULL) == 0, "centre did not start");
}

static int tariff(struct synctest_centre *c, const char *visit, const char *fen)
{
  return synctest_admin(c, NULL, "tariff", "set", "--hospital", H1, "--visit", visit, "--fen",
                        fen, "--from", "2020-01-01", NULL);
}

/* A cashier decision for a valid card whose holder matched (staff: KIOSK_STAFF_*). */
static struct kiosk_outcome decide_staff(struct term *t, enum kiosk_visit visit,
                                         const char *bill, int64_t amount, unsigned staff)
{
  struct kiosk_card_facts card;
  memset(&card, 0, sizeof card);
  snprintf(card.card_no, sizeof card.card_no, "YL20190200012341");
  card.award = KIOSK_AWARD_DONOR_STAR;
  card.award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    card.check[i] = KIOSK_CHECK_OK;
  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &card;
  in.holder = KIOSK_HOLDER_SSC_MATCHED;
  in.visit = visit;
  in.bill_ref = bill;
  in.amount_fen = amount;
  in.staff = staff;
  struct kiosk_outcome o;
  ck_assert_int_eq(kiosk_terminal_decide(t->t, &in, time(NULL), &o), KIOSK_OK);
  return o;
}

static struct kiosk_outcome decide(struct term *t, enum kiosk_visit visit, const char *bill,
                                   int64_t amount)
{
  return decide_staff(t, visit, bill, amount, 0);
}

#define GRANTED(o) ((o).verdict.verdict == KIOSK_VERDICT_GRANT && (o).journaled)
#define REFUSED(o, r)                                                                    \
  ((o).verdict.verdict == KIOSK_VERDICT_DENY && ((o).verdict.deny & KIOSK_RBIT(r)))

START_TEST(tariff_from_the_centre)
{
  struct synctest_centre c;
  struct term a;
  fresh(&c, "cashier-tariff");
  term_open(&a, &c, "T01", 1);
  struct kiosk_outcome o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-1", 0);
  ck_assert(REFUSED(o, TARIFF_MISSING));
  ck_assert_int_eq(netsync_fetch_doc(a.ns, "tariff"), NETSYNC_OK); /* 204: none yet */
  ck_assert_uint_eq(kiosk_tariff_version(kiosk_terminal_tariff(a.t)), 0);

  ck_assert_int_eq(tariff(&c, "outpatient", "1500"), 0);
  ck_assert_int_eq(tariff(&c, "inpatient", "2000"), 0);
  ck_assert_int_eq(netsync_fetch_doc(a.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(kiosk_tariff_version(kiosk_terminal_tariff(a.t)), 2);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-1", 0);
  ck_assert(GRANTED(o));
  ck_assert_int_eq(o.tariff_fen, 1500);
  o = decide(&a, KIOSK_VISIT_INPATIENT, "ZY-1", 2500);
  ck_assert(REFUSED(o, AMOUNT_NOT_TARIFF));
  o = decide(&a, KIOSK_VISIT_INPATIENT, "ZY-1", 2000);
  ck_assert(GRANTED(o));
  o = decide(&a, KIOSK_VISIT_EMERGENCY, "JZ-1", 0);
  ck_assert(REFUSED(o, TARIFF_MISSING)); /* this hospital has no emergency item */

  /* A newer tariff while running: in force for the next decision. */
  ck_assert_int_eq(tariff(&c, "outpatient", "1800"), 0);
  ck_assert_int_eq(netsync_fetch_doc(a.ns, "tariff"), NETSYNC_OK);
  ck_assert_uint_eq(kiosk_tariff_version(kiosk_terminal_tariff(a.t)), 3);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-2", 1500);
  ck_assert(REFUSED(o, AMOUNT_NOT_TARIFF));
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-2", 0);
  ck_assert(GRANTED(o));
  ck_assert_int_eq(o.tariff_fen, 1800);

  /* What docs_apply refuses keeps the one in force (netsync checked the signature). */
  static const char v4_other[] = "[tariff]\nformat = yh-tariff/1\nsite = hosp.yl-red-cross\n"
                                 "version = 4\nissued = 2026-12-01\n";
  static const char v3_same[] = "[tariff]\nformat = yh-tariff/1\nsite = " H1 "\n"
                                "version = 3\nissued = 2026-12-01\n";
  static const char v5[] = "[tariff]\nformat = yh-tariff/1\nsite = " H1 "\nversion = 5\n"
                           "issued = 2026-12-01\n";
  ck_assert_int_ne(term_docs_apply(a.docs, "tariff", 4, v4_other, strlen(v4_other), 0), 0);
  ck_assert_int_ne(term_docs_apply(a.docs, "tariff", 3, v3_same, strlen(v3_same), 0), 0);
  ck_assert_int_ne(term_docs_apply(a.docs, "tariff", 6, v5, strlen(v5), 0), 0); /* envelope */
  ck_assert_int_ne(term_docs_apply(a.docs, "tariff", 7, "garbage\n", 8, 0), 0);
  ck_assert_uint_eq(kiosk_tariff_version(kiosk_terminal_tariff(a.t)), 3);

  /* Read again at start: version 3 from <journal>.tariff. */
  term_close(&a);
  term_open(&a, &c, "T01", 0);
  ck_assert_uint_eq(kiosk_tariff_version(kiosk_terminal_tariff(a.t)), 3);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-3", 0);
  ck_assert(GRANTED(o));
  ck_assert_int_eq(o.tariff_fen, 1800);
  /* A tariff with no item for any visit kind today refuses everything. */
  ck_assert_int_eq(term_docs_apply(a.docs, "tariff", 5, v5, strlen(v5), 0), 0);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-4", 0);
  ck_assert(REFUSED(o, TARIFF_MISSING));
  term_close(&a);
  synctest_centre_stop(&c);
}
END_TEST

static long flagged(const struct synctest_centre *c)
{
  sqlite3 *db;
  sqlite3_stmt *s;
  long n = -1;
  ck_assert_int_eq(sqlite3_open_v2(c->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM waivers WHERE dup_seq != 0", -1, &s, NULL) ==
      SQLITE_OK) {
    if (sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return n;
}

START_TEST(double_bill_across)
{
  struct synctest_centre c;
  struct term a, b;
  fresh(&c, "cashier-bills");
  ck_assert_int_eq(tariff(&c, "outpatient", "1500"), 0);
  term_open(&a, &c, "T01", 1);
  term_open(&b, &c, "T02", 1);
  ck_assert_int_eq(netsync_fetch_doc(a.ns, "tariff"), NETSYNC_OK);
  ck_assert_int_eq(netsync_fetch_doc(b.ns, "tariff"), NETSYNC_OK);

  struct kiosk_outcome o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-7", 0);
  ck_assert(GRANTED(o));
  uint64_t w7 = o.seq;
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "门诊/2026.01_9", 0);
  ck_assert(GRANTED(o));
  ck_assert_int_eq(netsync_upload_all(a.ns), NETSYNC_OK);

  /* The same bill at the other cashier: refused, naming T01's waiver. */
  o = decide(&b, KIOSK_VISIT_OUTPATIENT, "MZ-7", 0);
  ck_assert(REFUSED(o, BILL_ALREADY_WAIVED));
  ck_assert_int_eq(o.bill_prior.where, KIOSK_BILL_CENTRE);
  ck_assert_str_eq(o.bill_prior.terminal, "T01");
  ck_assert_uint_eq(o.bill_prior.seq, w7);
  ck_assert(o.journaled); /* the refusal is journaled like any decision */
  /* and at T01 itself, from its own journal */
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-7", 0);
  ck_assert(REFUSED(o, BILL_ALREADY_WAIVED));
  ck_assert_int_eq(o.bill_prior.where, KIOSK_BILL_HERE);
  ck_assert_uint_eq(o.bill_prior.seq, w7);

  /* T01 voids it; before the void reaches the centre, T01 may waive it again (the
   * centre's answer about T01's own waiver is T01's journal's business). */
  uint64_t vs = 0;
  ck_assert_int_eq(kiosk_terminal_void(a.t, w7, "S02", time(NULL), &vs), KIOSK_OK);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-7", 0);
  ck_assert(GRANTED(o));

  /* The centre down: T02 cannot ask, decides on its own journal, within the deadline. */
  ck_assert_int_eq(synctest_centre_stop(&c), 0);
  b.check_ms = 800;
  uint64_t t0 = synctest_now_ms();
  o = decide(&b, KIOSK_VISIT_OUTPATIENT, "门诊/2026.01_9", 0);
  uint64_t took = synctest_now_ms() - t0;
  ck_assert(GRANTED(o));
  printf("offline bill check: decided locally after %llu ms\n", (unsigned long long)took);
  ck_assert_msg(took < 60000, "the check did not bound its wait (%llu ms)",
                (unsigned long long)took); /* a hang guard only */

  /* Back online: the duplicate is accepted and flagged at the centre, never counted. */
  ck_assert_msg(synctest_centre_start(&c, NULL) == 0, "centre did not restart");
  ck_assert_int_eq(flagged(&c), 0);
  ck_assert_int_eq(netsync_upload_all(b.ns), NETSYNC_OK);
  ck_assert_int_eq(netsync_upload_all(a.ns), NETSYNC_OK);
  ck_assert_int_eq(flagged(&c), 1);
  term_close(&a);
  term_close(&b);
  synctest_centre_stop(&c);
}
END_TEST

/* A waiver granted by staff override while the journal cannot be written waits in the
 * override queue: the same bill is refused meanwhile, and after the queue is flushed. */
START_TEST(override_then_same_bill)
{
  struct synctest_centre c;
  struct term a;
  fresh(&c, "cashier-override");
  ck_assert_int_eq(tariff(&c, "outpatient", "1500"), 0);
  term_open(&a, &c, "T01", 1);
  ck_assert_int_eq(netsync_fetch_doc(a.ns, "tariff"), NETSYNC_OK);
  struct kiosk_journal *j = kiosk_terminal_journal(a.t);
  /* The disk full: the database capped at its size, waivers until one cannot be written. */
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, 1), KIOSK_OK);
  struct kiosk_outcome o;
  char fill[32];
  int i = 0;
  do {
    snprintf(fill, sizeof fill, "F-%d", i);
    o = decide(&a, KIOSK_VISIT_OUTPATIENT, fill, 0);
  } while (o.journaled && ++i < 100000);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-Q1", 0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);
  ck_assert(o.verdict.flags & KIOSK_VF_OVERRIDE_OFFERED);
  o = decide_staff(&a, KIOSK_VISIT_OUTPATIENT, "MZ-Q1", 0, KIOSK_STAFF_OVERRIDE);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_GRANT);
  ck_assert(o.queued);
  o = decide_staff(&a, KIOSK_VISIT_OUTPATIENT, "MZ-Q1", 0, KIOSK_STAFF_OVERRIDE);
  ck_assert(REFUSED(o, BILL_ALREADY_WAIVED));
  ck_assert_int_eq(kiosk_journal_set_max_pages(j, 1u << 30), KIOSK_OK);
  ck_assert_int_eq(kiosk_terminal_flush(a.t), KIOSK_OK);
  o = decide(&a, KIOSK_VISIT_OUTPATIENT, "MZ-Q1", 0);
  ck_assert(REFUSED(o, BILL_ALREADY_WAIVED));
  ck_assert_int_eq(o.bill_prior.where, KIOSK_BILL_HERE);
  ck_assert_uint_gt(o.bill_prior.seq, 0);
  term_close(&a);
  synctest_centre_stop(&c);
}
END_TEST

int main(void)
{
  if (synctest_process_init(pki_dir, sizeof pki_dir, terms, sizeof terms / sizeof terms[0]) != 0)
    return 1;
  Suite *s = suite_create("terminal_cashier_sync");
  TCase *tc = tcase_create("centre");
  tcase_set_timeout(tc, 300); /* a hang guard: the waits inside have their own deadlines */
  tcase_add_test(tc, tariff_from_the_centre);
  tcase_add_test(tc, double_bill_across);
  tcase_add_test(tc, override_then_same_bill);
  suite_add_tcase(s, tc);
  return synctest_run_suite(s);
}
