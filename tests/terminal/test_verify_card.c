/*
 * `kiosk verify` end to end: the real program reads simulated honour cards (tools/cardsim)
 * through pcscd and vpcd, matches the holder against a simulated social security card in
 * the second reader, decides, journals, prints JSON. A card test (pcscd fixture, vpcd
 * lock). The PKI comes from `yhpki test-pki`; the revocation list is signed here.
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
#include "kiosk/journal.h"
#include "kiosk/revoke.h"
#include "kt_rig.h"
#include "yh_fixture.h"

static char dir[256], pki[300], reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static struct cardsim *sim, *sim2;

static void write_config(const char *name, const char *terminal_section)
{
  char path[400];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "%s"
          "reader = %s\n"
          "staff_id = S01\n"
          "[paths]\ntrust_store = pki/trust\njournal = %s.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_stale = deny\n",
          terminal_section, reader, name);
  fclose(f);
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-verify-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  kt_make_pki_and_revlist(dir, pki);

  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port + 1), reader2, sizeof reader2), 0);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + 1), &sim2), 0);
  /* pcscd may still show the previous test's cards: start from empty readers, or the
   * next "card present" could be the old card's, gone by the time kiosk connects. */
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
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

/* Run kiosk verify with extra arguments; return its JSON (caller decrefs), or NULL when
 * it could not read a card (exit 1) and may_fail is set. */
static json_t *verify_ex(const char *config, const char *extra, int may_fail)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' verify --config '%s/%s' --timeout 60000 %s",
           yh_binary_dir(), dir, config, extra);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  json_error_t err;
  json_t *o = json_loadf(p, 0, &err);
  int rc = pclose(p);
  if (may_fail && !o && WIFEXITED(rc) && WEXITSTATUS(rc) == 1)
    return NULL;
  ck_assert_msg(o != NULL, "%s: no JSON (%s), exit %d", cmd, err.text, rc);
  ck_assert_int_eq(rc, 0);
  return o;
}

static json_t *verify(const char *config, const char *extra)
{
  return verify_ex(config, extra, 0);
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

static const char *verdict(json_t *o)
{
  return json_string_value(json_object_get(o, "verdict"));
}

START_TEST(cashier_with_social_security_card)
{
  write_config("cashier.ini", "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\n"
                              "terminal_id = mz-01\n");
  char tpath[400];
  snprintf(tpath, sizeof tpath, "%s/cashier.ini.db.tariff", dir); /* the hospital's fees */
  kt_write_tariff(tpath, "hosp.yl-first-people", 1, 1500, 1200);
  insert(sim, reader, "honour-star3");
  insert(sim2, reader2, "ssc-valid");
  char extra[512];
  snprintf(extra, sizeof extra,
           "--ssc-reader '%s' --visit outpatient --bill MZ-20260101-1 --amount 1500", reader2);
  json_t *o = verify("cashier.ini", extra);
  ck_assert_str_eq(verdict(o), "GRANT");
  ck_assert_str_eq(json_string_value(json_object_get(o, "holder")), "ssc_matched");
  ck_assert(has_reason(o, "HOLDER_MATCHED"));
  ck_assert(json_is_true(json_object_get(json_object_get(o, "journal"), "journaled")));
  char *text = json_dumps(o, 0);
  ck_assert_ptr_null(strstr(text, "450902198506121232")); /* no ID number, ever */
  ck_assert_ptr_null(strstr(text, "张"));                 /* no name */
  free(text);
  json_decref(o);

  /* Somebody else's social security card: refused. */
  insert(sim2, reader2, "ssc-other-holder");
  o = verify("cashier.ini", extra);
  ck_assert_str_eq(verdict(o), "DENY");
  ck_assert(has_reason(o, "HOLDER_MISMATCH"));
  json_decref(o);

  /* The journal has both, chained, without the ID number. */
  char db[400];
  snprintf(db, sizeof db, "%s/cashier.ini.db", dir);
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(db, KIOSK_JOURNAL_READONLY, &j, &d), KIOSK_OK);
  struct kiosk_journal_check res;
  ck_assert_int_eq(kiosk_journal_verify(j, &res), KIOSK_OK);
  ck_assert_uint_eq(res.checked, 2);
  struct proto_event e;
  ck_assert_int_eq(kiosk_journal_get(j, 1, &e), KIOSK_OK);
  ck_assert_int_eq(e.amount_fen, 1500);
  ck_assert_str_eq(e.bill_ref, "MZ-20260101-1");
  kiosk_journal_close(j);
}
END_TEST

START_TEST(gate_cards)
{
  write_config("gate.ini", "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\n"
                           "terminal_id = gate-01\n");
  insert(sim, reader, "honour-volunteer5");
  json_t *o = verify("gate.ini", "");
  ck_assert_str_eq(verdict(o), "STAFF_CHECK");
  ck_assert(has_reason(o, "HOLDER_CONFIRM_NEEDED"));
  json_decref(o);
  o = verify("gate.ini", "--confirm-holder");
  ck_assert_str_eq(verdict(o), "GRANT");
  json_decref(o);
  o = verify("gate.ini", "--confirm-holder"); /* again at once: possible lending */
  ck_assert_str_eq(verdict(o), "STAFF_CHECK");
  ck_assert(has_reason(o, "REPEAT_AT_GATE"));
  json_decref(o);

  static const struct {
    const char *profile, *reason;
  } bad[] = {
      {"honour-cloned", "CARD_KEY_FAILED"},     {"honour-altered", "SIGNATURE_FAILED"},
      {"honour-expired", "VALIDITY_FAILED"},    {"honour-unknown-issuer", "CHAIN_FAILED"},
      {"honour-garbage", "FORMAT_FAILED"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    insert(sim, reader, bad[i].profile);
    /* A card answering random bytes may also break the exchange itself (a response
     * too short for a status word): then no verdict is printed and nothing granted. */
    int garbage = strcmp(bad[i].profile, "honour-garbage") == 0;
    o = verify_ex("gate.ini", "--confirm-holder", garbage);
    if (!o)
      continue;
    ck_assert_msg(strcmp(verdict(o), "DENY") == 0, "%s: %s", bad[i].profile, verdict(o));
    ck_assert_msg(has_reason(o, bad[i].reason), "%s lacks %s", bad[i].profile, bad[i].reason);
    json_decref(o);
  }
}
END_TEST

/* Run kiosk verify on a card that gives no verdict: its exit status; its standard error
 * in err; standard output must stay empty (no JSON, no verdict). */
static int verify_none(const char *config, char *err, size_t cap)
{
  char cmd[2048], out[400];
  snprintf(out, sizeof out, "%s/verify.stdout", dir);
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' verify --config '%s/%s' --timeout 60000 "
           "--confirm-holder 2>&1 >'%s'", yh_binary_dir(), dir, config, out);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(err, 1, cap - 1, p);
  err[n] = '\0';
  int rc = pclose(p);
  FILE *f = fopen(out, "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fgetc(f), EOF);
  fclose(f);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Cards that are not honour cards: a card without the application (6A82: a bank card,
 * a social security card in the honour reader) and blank stock. `kiosk run` shows
 * "place an honour card"; verify, on the same path (tap.c), decides nothing and
 * journals nothing. A genuine card after them is the journal's first record. */
START_TEST(not_honour_cards)
{
  write_config("gate.ini", "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\n"
                           "terminal_id = gate-01\n");
  static const char *const profiles[] = {"honour-foreign", "honour-blank", "ssc-valid"};
  char err[4096];
  for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
    insert(sim, reader, profiles[i]);
    ck_assert_int_eq(verify_none("gate.ini", err, sizeof err), 1);
    ck_assert_msg(strstr(err, "not an honour card (error.unknown_card)") != NULL, "%s: %s",
                  profiles[i], err);
  }
  insert(sim, reader, "honour-star3");
  json_t *o = verify("gate.ini", "--confirm-holder");
  ck_assert_str_eq(verdict(o), "GRANT");
  json_t *jr = json_object_get(o, "journal");
  ck_assert(json_is_true(json_object_get(jr, "journaled")));
  ck_assert_int_eq(json_integer_value(json_object_get(jr, "seq")), 1);
  /* the gate reads the photo, as `kiosk run` does, for staff to compare */
  ck_assert(json_is_true(json_object_get(json_object_get(o, "card"), "photo")));
  json_decref(o);

  char db[400];
  snprintf(db, sizeof db, "%s/gate.ini.db", dir);
  struct kiosk_journal *j;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(db, KIOSK_JOURNAL_READONLY, &j, &d), KIOSK_OK);
  uint64_t last = 0;
  ck_assert_int_eq(kiosk_journal_last_seq(j, &last), KIOSK_OK);
  ck_assert_uint_eq(last, 1);
  kiosk_journal_close(j);
}
END_TEST

/* A mute card: `kiosk verify` says "not responding" within card_deadline_ms (PC/SC
 * alone would wait until the card is pulled), decides and journals nothing; once it is
 * taken away, a good card in the same reader is read. */
START_TEST(mute_card)
{
  enum { DEADLINE_MS = 1000, SLACK_MS = 20000 };
  write_config("mute.ini", "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\n"
                           "terminal_id = gate-01\ncard_deadline_ms = 1000\n");
  cardsim_set_fault(sim, CARDSIM_FAULT_MUTE, 0);
  insert(sim, reader, "honour-star3");
  char err[4096];
  uint64_t t0 = yh_now_ms();
  ck_assert_int_eq(verify_none("mute.ini", err, sizeof err), 1);
  uint64_t took = yh_now_ms() - t0;
  ck_assert_msg(strstr(err, "(error.not_responding)") != NULL, "%s", err);
  ck_assert_msg(took < DEADLINE_MS + SLACK_MS, "verify took %llu ms", (unsigned long long)took);

  cardsim_set_fault(sim, CARDSIM_FAULT_NONE, 0);
  insert(sim, reader, "honour-star3");
  json_t *o = verify("mute.ini", "--confirm-holder");
  ck_assert_str_eq(verdict(o), "GRANT");
  json_t *jr = json_object_get(o, "journal");
  ck_assert_int_eq(json_integer_value(json_object_get(jr, "seq")), 1); /* nothing before */
  json_decref(o);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_verify_card");
  TCase *tc = tcase_create("verify");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, cashier_with_social_security_card);
  tcase_add_test(tc, gate_cards);
  tcase_add_test(tc, not_honour_cards);
  tcase_add_test(tc, mute_card);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
