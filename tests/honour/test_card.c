/* Integration tests: every honour and social security card profile of the simulator,
 * read through the real pcscd and vpcd with cardio, each with its per-check verdicts;
 * the fast-path budget counted on the wire; wire faults; personalisation of blank
 * stock; the holder match between an honour card and a social security card. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardio/cardio.h"
#include "cardio/honour.h"
#include "cardio/ssc.h"
#include "common/idno.h"
#include "cardsim.h"
#include "hc_testlib.h"
#include "pki.h"
#include "yh_fixture.h"

#define R(x) CARDIO_HC_REASON_##x

static struct hct_pki pki;

static void pki_setup(void)
{
  hct_pki_setup(&pki);
}

static void pki_teardown(void)
{
  hct_pki_teardown(&pki);
}

struct rig {
  struct cardsim *sim;
  struct cardio_ctx *ctx;
  struct cardio_card *card;
  char reader[YH_READER_NAME_MAX];
};

static void rig_up(struct rig *r)
{
  uint16_t port = yh_vpcd_port();
  memset(r, 0, sizeof *r);
  ck_assert_int_eq(yh_reader_name(port, r->reader, sizeof r->reader), 0);
  ck_assert_int_eq(cardsim_create(NULL, port, &r->sim), 0);
  ck_assert_int_eq(cardio_ctx_create(&r->ctx), CARDIO_OK);
}

static void rig_insert(struct rig *r, const char *profile)
{
  cardio_card_destroy(r->card);
  r->card = NULL;
  /* Swap cards the way a person does: out, seen out, then in. Otherwise pcscd may
   * still hold the previous card when we connect. */
  if (cardsim_profile_name(r->sim)) {
    cardsim_remove(r->sim);
    ck_assert_int_eq(yh_wait_reader_state(r->reader, 0, 60000), 0);
  }
  ck_assert_msg(cardsim_insert(r->sim, profile, pki.dir) == 0, "insert %s", profile);
  ck_assert_int_eq(yh_wait_reader_state(r->reader, 1, 60000), 0);
  ck_assert_int_eq(cardio_connect(r->ctx, r->reader, &r->card), CARDIO_OK);
}

static void rig_remove(struct rig *r)
{
  cardio_card_destroy(r->card);
  r->card = NULL;
  cardsim_remove(r->sim);
  ck_assert_int_eq(yh_wait_reader_state(r->reader, 0, 60000), 0);
}

static void rig_down(struct rig *r)
{
  cardio_card_destroy(r->card);
  cardio_ctx_destroy(r->ctx);
  cardsim_destroy(r->sim);
  /* The next test must not find this card still in the reader. */
  yh_wait_reader_state(r->reader, 0, 60000);
}

static int64_t now(void)
{
  return (int64_t)time(NULL);
}

static void expect(const struct cardio_hc_result *res, const char *st,
                   const enum cardio_hc_reason *reasons, const char *what)
{
  char summary[512];
  cardio_hc_result_summary(res, summary, sizeof summary);
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT; i++) {
    enum cardio_hc_status want = st[i] == 'P'   ? CARDIO_HC_PASSED
                                 : st[i] == 'F' ? CARDIO_HC_FAILED
                                                : CARDIO_HC_NOT_CHECKED;
    ck_assert_msg(res->check[i].status == want &&
                      (want == CARDIO_HC_PASSED || !reasons || reasons[0] == R(COUNT) ||
                       res->check[i].reason == reasons[i]),
                  "%s: got %s", what, summary);
  }
}

/* ------------------------------------------------------- every profile -- */

struct profile_case {
  const char *profile;
  const char *st;
  enum cardio_hc_reason r[CARDIO_HC_CHECK_COUNT];
  enum cardio_hc_award award;
  unsigned level;
  enum cardio_suite card_suite;
  int photo_rc; /* cardio_hc_read_photo, or 1 = not tried */
};

#define OK5 {R(NONE), R(NONE), R(NONE), R(NONE), R(NONE)}
#define FMT(x) {R(x), R(PREREQUISITE), R(PREREQUISITE), R(PREREQUISITE), R(PREREQUISITE)}

static const struct profile_case profile_cases[] = {
  {"honour-star3", "PPPPP", OK5, CARDIO_HC_AWARD_DONOR_STAR, 3, CARDIO_SUITE_P256, CARDIO_OK},
  {"honour-star4", "PPPPP", OK5, CARDIO_HC_AWARD_DONOR_STAR, 4, CARDIO_SUITE_SM2, CARDIO_OK},
  {"honour-star5", "PPPPP", OK5, CARDIO_HC_AWARD_DONOR_STAR, 5, CARDIO_SUITE_P256, CARDIO_OK},
  {"honour-volunteer5", "PPPPP", OK5, CARDIO_HC_AWARD_VOLUNTEER_STAR, 5, CARDIO_SUITE_SM2,
   CARDIO_OK},
  {"honour-volunteer-lifetime", "PPPPP", OK5, CARDIO_HC_AWARD_VOLUNTEER_LIFETIME, 0,
   CARDIO_SUITE_SM2, CARDIO_OK},
  {"honour-lifetime-achievement", "PPPPP", OK5, CARDIO_HC_AWARD_LIFETIME_ACHIEVEMENT, 0,
   CARDIO_SUITE_P256, CARDIO_OK},
  {"honour-altered", "PPFPP", {R(NONE), R(NONE), R(BAD_SIGNATURE), R(NONE), R(NONE)},
   CARDIO_HC_AWARD_DONOR_STAR, 5, CARDIO_SUITE_P256, 1},
  {"honour-forged", "PPFPP", {R(NONE), R(NONE), R(BAD_SIGNATURE), R(NONE), R(NONE)},
   CARDIO_HC_AWARD_DONOR_STAR, 5, CARDIO_SUITE_P256, 1},
  {"honour-unknown-issuer", "PFNPP",
   {R(NONE), R(UNKNOWN_ISSUER), R(PREREQUISITE), R(NONE), R(NONE)}, CARDIO_HC_AWARD_DONOR_STAR,
   5, CARDIO_SUITE_P256, 1},
  {"honour-cloned", "PPPFP", {R(NONE), R(NONE), R(NONE), R(CARD_KEY_MISMATCH), R(NONE)},
   CARDIO_HC_AWARD_DONOR_STAR, 3, CARDIO_SUITE_P256, 1},
  {"honour-expired", "PPPPF", {R(NONE), R(NONE), R(NONE), R(NONE), R(EXPIRED)},
   CARDIO_HC_AWARD_DONOR_STAR, 4, CARDIO_SUITE_P256, 1},
  {"honour-not-yet-valid", "PPPPF", {R(NONE), R(NONE), R(NONE), R(NONE), R(NOT_YET_VALID)},
   CARDIO_HC_AWARD_DONOR_STAR, 3, CARDIO_SUITE_SM2, 1},
  {"honour-retired", "PFPPP", {R(NONE), R(ISSUER_RETIRED), R(NONE), R(NONE), R(NONE)},
   CARDIO_HC_AWARD_DONOR_STAR, 3, CARDIO_SUITE_P256, 1},
  {"honour-no-photo", "PPPPP", OK5, CARDIO_HC_AWARD_DONOR_STAR, 3, CARDIO_SUITE_P256,
   CARDIO_E_NOT_FOUND},
  /* A good FCI (SELECT + GET RESPONSE) with a record that fails FORMAT. */
  {"honour-star2", "FNNNN", FMT(BAD_FIELD), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  {"honour-truncated", "FNNNN", FMT(TRUNCATED), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  /* Random bytes: some parse as a TLV cut short, others as junk; FORMAT fails either way. */
  {"honour-garbage", "FNNNN", {R(COUNT)}, CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  {"honour-foreign", "FNNNN", FMT(NO_APPLICATION), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  {"honour-blank", "FNNNN", FMT(NOT_PERSONALISED), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  {"ssc-valid", "FNNNN", FMT(NO_APPLICATION), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
  {"test", "FNNNN", FMT(NO_APPLICATION), CARDIO_HC_AWARD_NONE, 0, CARDIO_SUITE_NONE, 1},
};

START_TEST(test_profile)
{
  const struct profile_case *k = &profile_cases[_i];
  struct rig r;
  struct cardio_hc_result res;
  struct cardio_stats st;
  char summary[512];
  rig_up(&r);
  rig_insert(&r, k->profile);
  cardio_card_stats_reset(r.card);
  ck_assert_int_eq(cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res), CARDIO_OK);
  cardio_card_stats(r.card, &st);
  cardio_hc_result_summary(&res, summary, sizeof summary);
  fprintf(stderr, "%-28s %s  [%llu APDUs, %llu bytes]\n", k->profile, summary,
          (unsigned long long)st.commands, (unsigned long long)(st.bytes_in + st.bytes_out));
  expect(&res, k->st, k->r, k->profile);
  /* A card that fails FORMAT is judged on its SELECT answer: no INTERNAL AUTHENTICATE
   * (spec 5.4), so only SELECT and, for an FCI past 256 bytes, one GET RESPONSE. */
  if (res.check[CARDIO_HC_CHECK_FORMAT].status == CARDIO_HC_FAILED)
    ck_assert_msg(st.commands <= 1 + (st.bytes_in > 258), "%s: %llu APDUs after FORMAT",
                  k->profile, (unsigned long long)st.commands);
  /* The budget holds for every card, good or bad. */
  ck_assert_uint_le(st.commands, 3);
  ck_assert_uint_le(st.bytes_in + st.bytes_out, 600);
  if (res.have_record) {
    ck_assert_int_eq(res.rec.award, k->award);
    ck_assert_uint_eq(res.rec.award_level, k->level);
    ck_assert_int_eq(res.rec.card_suite, k->card_suite);
    ck_assert_str_eq(res.rec.name_masked, "张*明");
    ck_assert_int_eq(cardio_hc_holder_match(&res.rec, HCT_HOLDER_ID), CARDIO_HC_MATCH);
    ck_assert_int_eq(cardio_hc_holder_match(&res.rec, HCT_OTHER_ID), CARDIO_HC_NO_MATCH);
  }
  if (k->photo_rc != 1) {
    uint8_t *photo = NULL;
    size_t len = 0;
    int rc = cardio_hc_read_photo(r.card, &res.rec, 0, &photo, &len);
    ck_assert_msg(rc == k->photo_rc, "%s: photo %s", k->profile, cardio_errname(rc));
    if (rc == CARDIO_OK) {
      ck_assert_uint_eq(len, res.rec.photo_len);
      ck_assert_int_eq(photo[0], 0xFF); /* JPEG SOI */
      ck_assert_int_eq(photo[1], 0xD8);
      /* Short reads only: the same photo in 256-byte pieces. */
      free(photo);
      ck_assert_int_eq(cardio_hc_read_photo(r.card, &res.rec, 256, &photo, &len), CARDIO_OK);
    }
    free(photo);
  }
  rig_down(&r);
}
END_TEST

/* -------------------------------------------------------------- faults -- */

/* T=0 style chaining and wrong Le at the wire: more APDUs, the same verdict. */
START_TEST(test_wire_faults_same_verdict)
{
  /* Not CHAIN_61: the simulator's fault layer answers every GET RESPONSE itself, also
   * the one for the profile's own 61xx (the FCI past 256 bytes), with 6985. */
  static const enum cardsim_fault faults[] = {CARDSIM_FAULT_WRONG_LE_6C, CARDSIM_FAULT_SLOW};
  static const int params[] = {0, 20};
  struct rig r;
  struct cardio_hc_result res;
  rig_up(&r);
  rig_insert(&r, "honour-star4");
  for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
    cardsim_set_fault(r.sim, faults[i], params[i]);
    ck_assert_int_eq(cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res), CARDIO_OK);
    expect(&res, "PPPPP", NULL, cardsim_fault_name(faults[i]));
  }
  cardsim_set_fault(r.sim, CARDSIM_FAULT_NONE, 0);
  rig_down(&r);
}
END_TEST

START_TEST(test_wire_faults_bad_card)
{
  struct rig r;
  struct cardio_hc_result res;
  int rc;
  rig_up(&r);
  rig_insert(&r, "honour-star3");
  /* Random bytes at the wire: a FORMAT failure (or, for answers vpcd cannot pass on,
   * a communication error), never a genuine card and never a crash. */
  cardsim_set_fault(r.sim, CARDSIM_FAULT_GARBAGE, 0);
  for (int i = 0; i < 20; i++) {
    rc = cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res);
    ck_assert_msg(rc == CARDIO_OK || rc == CARDIO_E_COMM, "rc %s", cardio_errname(rc));
    ck_assert(!cardio_hc_result_genuine(&res));
  }
  cardsim_set_fault(r.sim, CARDSIM_FAULT_SHORT, 0);
  rc = cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res);
  ck_assert_msg(rc == CARDIO_OK || rc == CARDIO_E_COMM, "rc %s", cardio_errname(rc));
  ck_assert_int_ne(res.check[0].status, CARDIO_HC_PASSED);
  /* Pulled out after SELECT: an error for the caller to retry, with what was known. */
  cardsim_set_fault(r.sim, CARDSIM_FAULT_DROP_AFTER, 1);
  rc = cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res);
  ck_assert_msg(rc != CARDIO_OK || !cardio_hc_result_genuine(&res), "rc %s",
                cardio_errname(rc));
  rig_down(&r);
}
END_TEST

/* ---------------------------------------------------- personalisation -- */

static void perso_fill(struct cardio_hc_perso *p, uint8_t *photo, size_t photo_len)
{
  memset(p, 0, sizeof *p);
  for (size_t i = 0; i < photo_len; i++)
    photo[i] = (uint8_t)(i * 7 + 1);
  p->issuer_key = pki.sm2;
  p->transport_master = pki.transport;
  p->card_suite = CARDIO_SUITE_SM2;
  p->card_number = "YL20250000077781";
  p->generation = 1;
  p->holder_name = "欧阳晓明";
  p->id_number = HCT_HOLDER_ID;
  p->id_iterations = 2000;
  p->award = CARDIO_HC_AWARD_LIFETIME_ACHIEVEMENT;
  p->award_level = 0;
  p->award_round = 2024;
  p->issue_date = pki.today;
  p->not_after = cardio_date_add_days(pki.today, 3650);
  p->photo = photo;
  p->photo_len = photo_len;
}

START_TEST(test_personalise)
{
  struct rig r;
  struct cardio_hc_perso p;
  struct cardio_hc_result res;
  uint8_t photo[3000];
  rig_up(&r);
  rig_insert(&r, "honour-blank");
  perso_fill(&p, photo, sizeof photo);
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res), CARDIO_OK);
  expect(&res, "PPPPP", NULL, "read-back");
  ck_assert_int_eq(res.lifecycle, CARDIO_HC_LCS_ACTIVE);
  ck_assert_str_eq(res.rec.name_masked, "欧**明");
  ck_assert_uint_eq(res.rec.generation, 1);
  ck_assert_int_eq(res.rec.card_suite, CARDIO_SUITE_SM2);
  /* A terminal reads it like any other card. */
  ck_assert_int_eq(cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res), CARDIO_OK);
  expect(&res, "PPPPP", NULL, "personalised card");
  ck_assert_int_eq(cardio_hc_holder_match(&res.rec, HCT_HOLDER_ID), CARDIO_HC_MATCH);
  {
    uint8_t *got = NULL;
    size_t n = 0;
    ck_assert_int_eq(cardio_hc_read_photo(r.card, &res.rec, 0, &got, &n), CARDIO_OK);
    ck_assert_uint_eq(n, sizeof photo);
    ck_assert(memcmp(got, photo, n) == 0);
    free(got);
  }
  /* Locked: no second personalisation, and no write of any kind. */
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res),
                   CARDIO_E_UNSUPPORTED);
  {
    static const uint8_t sel_ef[] = {0xC0, 0x01};
    struct cardio_apdu a1 = {0x00, 0xA4, 0x02, 0x0C, sel_ef, 2, 0, 0};
    struct cardio_apdu upd = {0x00, 0xD6, 0x00, 0x00, (const uint8_t *)"x", 1, 0, 0};
    struct cardio_apdu gen = {0x00, 0x47, 0x80, 0x00, (const uint8_t *)"\xAC\x03\x80\x01\x01", 5,
                              256, 0};
    size_t n;
    uint16_t sw;
    ck_assert_int_eq(cardio_transmit(r.card, &a1, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_int_eq(cardio_transmit(r.card, &upd, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_uint_eq(sw, 0x6985);
    ck_assert_int_eq(cardio_transmit(r.card, &gen, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_uint_eq(sw, 0x6985);
  }
  rig_down(&r);
}
END_TEST

START_TEST(test_personalise_refused)
{
  struct rig r;
  struct cardio_hc_perso p;
  struct cardio_hc_result res;
  uint8_t photo[100], wrong[16];
  rig_up(&r);
  rig_insert(&r, "honour-blank");
  perso_fill(&p, photo, sizeof photo);
  /* A wrong transport key: refused, and the card counts it (63C4 .. 63C1, then 6983). */
  memcpy(wrong, pki.transport, 16);
  wrong[0] ^= 1;
  p.transport_master = wrong;
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res),
                     CARDIO_E_SECURITY);
  /* Blocked: even the right key no longer opens it. */
  p.transport_master = pki.transport;
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res), CARDIO_E_SECURITY);
  /* Writes without authentication are refused (6982). */
  {
    static const uint8_t aid[] = {0xF1, 0x59, 0x48, 0x48, 0x43, 0x01};
    static const uint8_t ef[] = {0xC0, 0x01};
    struct cardio_apdu sel = {0x00, 0xA4, 0x04, 0x0C, aid, 6, 0, 0};
    struct cardio_apdu sef = {0x00, 0xA4, 0x02, 0x0C, ef, 2, 0, 0};
    struct cardio_apdu upd = {0x00, 0xD6, 0x00, 0x00, (const uint8_t *)"x", 1, 0, 0};
    size_t n;
    uint16_t sw;
    ck_assert_int_eq(cardio_transmit(r.card, &sel, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_int_eq(cardio_transmit(r.card, &sef, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_int_eq(cardio_transmit(r.card, &upd, NULL, 0, &n, &sw), CARDIO_OK);
    ck_assert_uint_eq(sw, 0x6982);
  }
  /* A valid card is not blank stock. */
  rig_insert(&r, "honour-star3");
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res),
                   CARDIO_E_UNSUPPORTED);
  /* Bad fields are refused before the card is touched. */
  rig_insert(&r, "honour-blank");
  p.id_number = "450902198506121233";
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res),
                   CARDIO_E_INVALID_ARG);
  p.id_number = HCT_HOLDER_ID;
  p.award_level = 2;
  ck_assert_int_eq(cardio_hc_personalize(r.card, &p, pki.trust, now(), &res),
                   CARDIO_E_INVALID_ARG);
  rig_down(&r);
}
END_TEST

/* ------------------------------------------------ social security card -- */

struct ssc_case {
  const char *profile;
  const char *name;
  const char *masked_id;
  int id_valid;
  enum cardio_hc_match match;
};

static const struct ssc_case ssc_cases[] = {
  {"ssc-valid", "张晓明", "450902********1232", 1, CARDIO_HC_MATCH},
  {"ssc-other-holder", "李明", "450902********0013", 1, CARDIO_HC_NO_MATCH},
  {"ssc-bad-check-digit", "张晓明", "450902********1233", 0, CARDIO_HC_BAD_ID},
  {"ssc-rare-name", "刘䶮", "450981********321X", 1, CARDIO_HC_NO_MATCH},
  {"ssc-rare-name-4byte", "王𠇔", "450981********321X", 1, CARDIO_HC_NO_MATCH},
};

/* The hospital flow: the honour card, then the holder's social security card. */
START_TEST(test_ssc_holder_match)
{
  const struct ssc_case *k = &ssc_cases[_i];
  struct rig r;
  struct cardio_hc_result res;
  struct cardio_ssc_data d;
  char masked[32];
  rig_up(&r);
  rig_insert(&r, "honour-star3");
  ck_assert_int_eq(cardio_hc_read_verify(r.card, pki.trust, now(), NULL, &res), CARDIO_OK);
  expect(&res, "PPPPP", NULL, "honour-star3");
  rig_remove(&r);
  rig_insert(&r, k->profile);
  ck_assert_int_eq(cardio_ssc_read(r.card, &d), CARDIO_OK);
  ck_assert_str_eq(d.name, k->name);
  ck_assert_int_eq(d.id_valid, k->id_valid);
  ck_assert_int_eq(common_id_mask(d.id_number, masked, sizeof masked), COMMON_OK);
  ck_assert_str_eq(masked, k->masked_id);
  ck_assert_int_eq(cardio_hc_holder_match(&res.rec, d.id_number), k->match);
  ck_assert_uint_eq(d.issue_date, 20200315);
  ck_assert_str_eq(d.card_number, "H12345678");
  cardio_ssc_data_clear(&d);
  /* An honour card is no social security card. */
  rig_insert(&r, "honour-star5");
  ck_assert_int_eq(cardio_ssc_read(r.card, &d), CARDIO_E_NOT_FOUND);
  rig_down(&r);
}
END_TEST

static Suite *card_suite(void)
{
  Suite *s = suite_create("honour.card");
  TCase *t = tcase_create("profiles");
  tcase_add_unchecked_fixture(t, pki_setup, pki_teardown);
  tcase_set_timeout(t, 120);
  tcase_add_loop_test(t, test_profile, 0, sizeof profile_cases / sizeof profile_cases[0]);
  tcase_add_test(t, test_wire_faults_same_verdict);
  tcase_add_test(t, test_wire_faults_bad_card);
  tcase_add_test(t, test_personalise);
  tcase_add_test(t, test_personalise_refused);
  tcase_add_loop_test(t, test_ssc_holder_match, 0, sizeof ssc_cases / sizeof ssc_cases[0]);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(card_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
