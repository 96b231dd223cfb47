/*
 * The cashier's tariff and bills (issue 12) through the real program: `kiosk verify`
 * reads the simulated honour card and the holder's social security card through pcscd
 * and vpcd, decides on the hospital's tariff kept beside its journal, journals. Each run
 * is a new process, so the index of waived bills is the one built from the journal at
 * start. A void goes through the library call the HIS API uses (kiosk_terminal_void).
 *
 *   no tariff -> TARIFF_MISSING; the tariff's amount waived exactly (journaled with the
 *   visit kind and the staff id); another amount -> AMOUNT_NOT_TARIFF; the same bill again
 *   -> BILL_ALREADY_WAIVED; voided (with a staff id, once) -> the bill may be waived again;
 *   an expired item -> TARIFF_MISSING while another visit kind's item still applies;
 *   every cashier event, the VOID too, carries a staff id; the chain verifies.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardsim.h"
#include "common/date.h"
#include "kiosk/journal.h"
#include "kiosk/terminal.h"
#include "kt_rig.h"
#include "yh_fixture.h"

#define SITE "hosp.yl-first-people"

static char dir[256], pki[300], reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static char cfgpath[400], tpath[420], dbpath[400];
static struct cardsim *sim, *sim2;

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-cashier-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  kt_make_pki_and_revlist(dir, pki);
  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port + 1), reader2, sizeof reader2), 0);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + 1), &sim2), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
  snprintf(cfgpath, sizeof cfgpath, "%s/cashier.ini", dir);
  snprintf(dbpath, sizeof dbpath, "%s/cashier.ini.db", dir);
  snprintf(tpath, sizeof tpath, "%s.tariff", dbpath);
  FILE *f = fopen(cfgpath, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "[terminal]\nsite = " SITE "\nmode = cashier\nterminal_id = mz-01\nreader = %s\n"
          "staff_id = S01\n"
          "[paths]\ntrust_store = pki/trust\njournal = cashier.ini.db\n"
          "revocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_stale = deny\n",
          reader);
  fclose(f);
}

static void teardown(void)
{
  cardsim_destroy(sim);
  cardsim_destroy(sim2);
  yh_wait_reader_state(reader, 0, 60000);
  yh_wait_reader_state(reader2, 0, 60000);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void insert(struct cardsim *s, const char *rdr, const char *profile)
{
  if (cardsim_connected(s)) {
    cardsim_remove(s);
    ck_assert_int_eq(yh_wait_reader_state(rdr, 0, 60000), 0);
  }
  ck_assert_msg(cardsim_insert(s, profile, pki) == 0, "insert %s", profile);
  ck_assert_int_eq(yh_wait_reader_state(rdr, 1, 60000), 0);
}

/* kiosk verify at the cashier with the holder's SSC in the second reader. */
static json_t *verify(const char *visit, const char *bill, const char *amount)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "'%s/terminal/kiosk' verify --config '%s' --timeout 60000 --ssc-reader '%s'"
           " --visit %s --bill '%s'%s%s",
           yh_binary_dir(), cfgpath, reader2, visit, bill, amount ? " --amount " : "",
           amount ? amount : "");
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  json_error_t err;
  json_t *o = json_loadf(p, 0, &err);
  int rc = pclose(p);
  ck_assert_msg(o != NULL, "%s: no JSON (%s), exit %d", cmd, err.text, rc);
  return o;
}

static int has_reason(json_t *o, const char *code)
{
  size_t i;
  json_t *r;
  json_array_foreach(json_object_get(o, "reasons"), i, r)
  {
    if (strcmp(json_string_value(json_object_get(r, "code")), code) == 0)
      return 1;
  }
  return 0;
}

/* The verdict is want, with reason (NULL: none wanted); the journal seq, 0 when none. */
static long expect(json_t *o, const char *want, const char *reason)
{
  const char *v = json_string_value(json_object_get(o, "verdict"));
  char *text = json_dumps(o, 0);
  ck_assert_msg(v && strcmp(v, want) == 0, "want %s: %s", want, text);
  ck_assert_msg(!reason || has_reason(o, reason), "want %s: %s", reason, text);
  ck_assert_msg(!strstr(text, "450902198506121232"), "ID number in the output");
  free(text);
  long seq = (long)json_integer_value(json_object_get(json_object_get(o, "journal"), "seq"));
  json_decref(o);
  return seq;
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
}

static struct kiosk_terminal *open_terminal(void)
{
  struct kiosk_config cfg;
  struct kiosk_diag d;
  struct kiosk_terminal *t = NULL;
  ck_assert_int_eq(kiosk_config_load(cfgpath, NULL, 0, &cfg, &d), KIOSK_OK);
  ck_assert_msg(kiosk_terminal_open(&cfg, &t, &d) == KIOSK_OK, "%s", d.text);
  return t;
}

START_TEST(tariff_and_bills)
{
  insert(sim, reader, "honour-star3");
  insert(sim2, reader2, "ssc-valid");

  /* No tariff in force: a cashier cannot waive (never a default amount). */
  expect(verify("outpatient", "MZ-1", NULL), "DENY", "TARIFF_MISSING");

  /* The hospital's tariff: outpatient 15.00, inpatient 20.00 yuan. */
  kt_write_tariff(tpath, SITE, 1, 1500, 2000);
  long w1 = expect(verify("outpatient", "MZ-1", NULL), "GRANT", "HOLDER_MATCHED");
  ck_assert_int_gt(w1, 0);
  /* Asked for another amount: refused, whatever the cashier typed. */
  expect(verify("outpatient", "MZ-2", "1600"), "DENY", "AMOUNT_NOT_TARIFF");
  expect(verify("outpatient", "MZ-2", "1499"), "DENY", "AMOUNT_NOT_TARIFF");
  long w2 = expect(verify("outpatient", "MZ-2", "1500"), "GRANT", NULL);
  /* The same bill again, by a new process: the index comes from the journal. */
  expect(verify("outpatient", "MZ-1", NULL), "DENY", "BILL_ALREADY_WAIVED");
  expect(verify("inpatient", "MZ-1", NULL), "DENY", "BILL_ALREADY_WAIVED");

  /* The bill is cancelled at the HIS: a named staff member voids the waiver, once. */
  struct kiosk_terminal *t = open_terminal();
  uint64_t vseq = 0;
  ck_assert_int_eq(kiosk_terminal_void(t, (uint64_t)w1, "", 0, &vseq), KIOSK_E_INVALID_ARG);
  ck_assert_int_eq(kiosk_terminal_void(t, 999, "S02", time(NULL), &vseq), KIOSK_E_NOT_FOUND);
  ck_assert_int_eq(kiosk_terminal_void(t, (uint64_t)w1, "S02", time(NULL), &vseq), KIOSK_OK);
  ck_assert_uint_gt(vseq, (uint64_t)w2);
  ck_assert_int_eq(kiosk_terminal_void(t, (uint64_t)w1, "S02", time(NULL), NULL),
                   KIOSK_E_CONFLICT);
  kiosk_terminal_close(t);
  long w3 = expect(verify("outpatient", "MZ-1", NULL), "GRANT", NULL);
  expect(verify("outpatient", "MZ-2", NULL), "DENY", "BILL_ALREADY_WAIVED");

  /* The outpatient item expired yesterday (China time); inpatient still applies. */
  char yday[COMMON_DATE_LEN + 1], doc[1024];
  common_date_format(common_local_day((int64_t)time(NULL), 8 * 3600) - 1, yday);
  snprintf(doc, sizeof doc,
           "[tariff]\nformat = yh-tariff/1\nsite = " SITE "\nversion = 2\nissued = 2026-12-01\n"
           "[item.1]\nvisit = inpatient\nfee_fen = 2000\nfrom = 2020-01-01\n"
           "[item.2]\nvisit = outpatient\nfee_fen = 1500\nfrom = 2020-01-01\nto = %s\n",
           yday);
  write_file(tpath, doc);
  expect(verify("outpatient", "MZ-3", NULL), "DENY", "TARIFF_MISSING");
  long w4 = expect(verify("inpatient", "MZ-3", NULL), "GRANT", NULL);

  /* Another site's tariff, or a damaged one, stops the terminal (exit 1, no decision). */
  write_file(tpath, "[tariff]\nformat = yh-tariff/1\nsite = hosp.yl-red-cross\nversion = 3\n"
                    "issued = 2026-12-01\n");
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' verify --config '%s' --timeout 60000 "
                            "--visit inpatient --bill MZ-4 >/dev/null 2>&1",
           yh_binary_dir(), cfgpath);
  int rc = system(cmd);
  ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);

  /* The journal: the amounts, the visit kinds, and a staff id on every cashier event. */
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(dbpath, KIOSK_JOURNAL_READONLY, &j, &d), KIOSK_OK);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  uint64_t last = 0;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  for (uint64_t s = 1; s <= last; s++) {
    struct proto_event e;
    ck_assert_int_eq(kiosk_journal_get(j, s, &e), KIOSK_OK);
    ck_assert_msg(e.staff_id[0], "seq %llu has no staff id", (unsigned long long)s);
    if (s == (uint64_t)w1 || s == (uint64_t)w2 || s == (uint64_t)w3) {
      ck_assert_int_eq(e.amount_fen, 1500);
      ck_assert_str_eq(e.visit, "outpatient");
      ck_assert_str_eq(e.fee_item, "consultation");
    } else if (s == (uint64_t)w4) {
      ck_assert_int_eq(e.amount_fen, 2000);
      ck_assert_str_eq(e.visit, "inpatient");
    } else if (s == vseq) {
      ck_assert_int_eq(e.kind, KIOSK_EVENT_VOID);
      ck_assert_str_eq(e.staff_id, "S02");
      ck_assert_str_eq(e.bill_ref, "MZ-1");
      ck_assert_uint_eq(proto_event_ref_seq(&e), (uint64_t)w1);
      ck_assert_int_eq(e.amount_fen, 0);
    } else {
      ck_assert_int_eq(e.verdict, KIOSK_VERDICT_DENY);
      ck_assert_int_eq(e.amount_fen, 0);
      ck_assert_str_eq(e.bill_ref, "");
    }
  }
  kiosk_journal_close(j);
}
END_TEST

/* `kiosk decide --tariff FILE`: the engine alone with the fee a tariff file gives. */
static const char *decide_verdict(const char *args, char *out, size_t cap)
{
  char cmd[1600];
  snprintf(cmd, sizeof cmd,
           "cd '%s' && '%s/terminal/kiosk' decide --config k.ini --card YL20190200012341"
           " --award donor_star --level 3 --holder ssc_matched --staff-id S1 --bill MZ-1 %s"
           " 2>&1",
           dir, yh_binary_dir(), args);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  pclose(p);
  return out;
}

START_TEST(decide_with_tariff_file)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-decide-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[400], out[8192];
  snprintf(path, sizeof path, "%s/k.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "[terminal]\nsite = " SITE "\nmode = cashier\nterminal_id = c1\n[paths]\n"
             "sites = %s/assets/sites.ini\n[policy]\npolicy_start = 2018-12-27\n"
             "policy_end = 2099-01-01\n",
          getenv("YH_SOURCE_DIR"));
  fclose(f);
  snprintf(path, sizeof path, "%s/t.ini", dir);
  kt_write_tariff(path, SITE, 1, 1500, 0);
  ck_assert_ptr_nonnull(strstr(decide_verdict("--visit outpatient --tariff t.ini", out, sizeof out),
                               "\"GRANT\""));
  ck_assert_ptr_nonnull(
      strstr(decide_verdict("--visit outpatient --tariff t.ini --amount 1600", out, sizeof out),
             "AMOUNT_NOT_TARIFF"));
  ck_assert_ptr_nonnull(strstr(decide_verdict("--visit inpatient --tariff t.ini", out, sizeof out),
                               "TARIFF_MISSING"));
  ck_assert_ptr_nonnull(strstr(decide_verdict("--visit outpatient", out, sizeof out),
                               "TARIFF_MISSING"));
  ck_assert_ptr_nonnull(strstr(decide_verdict("--visit outpatient --tariff-fen 1500", out,
                                              sizeof out),
                               "\"GRANT\""));
  kt_write_tariff(path, "hosp.yl-red-cross", 1, 1500, 0);
  ck_assert_ptr_nonnull(strstr(decide_verdict("--visit outpatient --tariff t.ini", out, sizeof out),
                               "another site"));
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_cashier");
  TCase *tc = tcase_create("cashier");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, tariff_and_bills);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("decide");
  tcase_add_test(td, decide_with_tariff_file);
  suite_add_tcase(s, td);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
