/* Unit tests: the trust store, yhpki, the five checks for every kind of bad card,
 * both signature suites, and the fast path over the replay transport (exact APDUs,
 * the APDU and byte budget, card errors, transport errors). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardio/replay.h"
#include "hc_int.h"
#include "hc_testlib.h"
#include "hc_tlv.h"
#include "pki.h"

static struct hct_pki pki;

static void pki_setup(void)
{
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  hct_pki_setup(&pki);
}

static void pki_teardown(void)
{
  hct_pki_teardown(&pki);
}

/* Expected verdicts: P passed, F failed, N not checked; reasons by name. */
struct want {
  char st[CARDIO_HC_CHECK_COUNT + 1];
  enum cardio_hc_reason reason[CARDIO_HC_CHECK_COUNT];
};

static void expect(const struct cardio_hc_result *res, const char *st,
                   const enum cardio_hc_reason *reasons, const char *what)
{
  char summary[512];
  cardio_hc_result_summary(res, summary, sizeof summary);
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT; i++) {
    enum cardio_hc_status want = st[i] == 'P'   ? CARDIO_HC_PASSED
                                 : st[i] == 'F' ? CARDIO_HC_FAILED
                                                : CARDIO_HC_NOT_CHECKED;
    ck_assert_msg(res->check[i].status == want, "%s: %s is %s; all: %s", what,
                  cardio_hc_check_name((enum cardio_hc_check)i),
                  cardio_hc_status_name(res->check[i].status), summary);
    if (reasons && want != CARDIO_HC_PASSED)
      ck_assert_msg(res->check[i].reason == reasons[i], "%s: %s reason %s, want %s; all: %s",
                    what, cardio_hc_check_name((enum cardio_hc_check)i),
                    cardio_hc_reason_name(res->check[i].reason),
                    cardio_hc_reason_name(reasons[i]), summary);
  }
  ck_assert_int_eq(cardio_hc_result_genuine(res), strcmp(st, "PPPPP") == 0);
}

#define R(x) CARDIO_HC_REASON_##x

/* A card: its key and its signed record. */
struct card {
  struct cardio_key *key;
  struct cardio_hc_record rec;
  uint8_t signed_rec[CARDIO_HC_SIGNED_MAX];
  size_t signed_len;
  uint8_t challenge[CARDIO_HC_CHALLENGE_LEN];
  uint8_t sig[CARDIO_SIG_LEN];
};

static void card_make(struct card *c, enum cardio_suite suite, const struct cardio_key *issuer)
{
  memset(c, 0, sizeof *c);
  ck_assert_int_eq(cardio_key_generate(suite, &c->key), CARDIO_OK);
  hct_record(&c->rec, c->key, pki.today);
  if (issuer)
    c->signed_len = hct_sign(&c->rec, issuer, c->signed_rec);
  hct_hex(HCT_CHALLENGE, c->challenge, sizeof c->challenge);
}

static void card_sign_ia(struct card *c, const struct cardio_key *with)
{
  ck_assert_int_eq(cardio_hc_card_sign(with, c->challenge, sizeof c->challenge, c->sig),
                   CARDIO_OK);
}

static void card_free(struct card *c)
{
  cardio_key_destroy(c->key);
}

static void verify(struct card *c, struct cardio_hc_result *res)
{
  ck_assert_int_eq(cardio_hc_verify_signed(pki.trust, pki.now, c->signed_rec, c->signed_len,
                                           c->challenge, sizeof c->challenge, c->sig,
                                           sizeof c->sig, res),
                   CARDIO_OK);
}

/* Sign the record's bytes with `signer` while the record names `claimed` as issuer. */
static void sign_claiming(struct card *c, const struct cardio_key *claimed,
                          const struct cardio_key *signer)
{
  uint8_t tbs[CARDIO_HC_SIGNED_MAX], sig[CARDIO_SIG_LEN];
  size_t n = 0, mark;
  struct hc_tlv_writer w;
  cardio_key_id(claimed, c->rec.issuer_key_id);
  ck_assert_int_eq(cardio_hc_record_encode(&c->rec, tbs, sizeof tbs, &n), CARDIO_OK);
  ck_assert_int_eq(cardio_sign(signer, tbs, n, sig), CARDIO_OK);
  hc_tlv_writer_init(&w, c->signed_rec, sizeof c->signed_rec);
  mark = hc_tlv_open(&w, 0xE0);
  memcpy(w.buf + w.len, tbs, n);
  w.len += n;
  hc_tlv_put(&w, 0x5F37, sig, sizeof sig);
  hc_tlv_close(&w, mark);
  ck_assert_int_eq(w.err, 0);
  c->signed_len = w.len;
}

/* --------------------------------------------------------------- verdicts -- */

START_TEST(test_valid_both_suites)
{
  struct {
    enum cardio_suite card;
    struct cardio_key *const *issuer;
  } cases[] = {
    {CARDIO_SUITE_P256, &pki.p256},
    {CARDIO_SUITE_SM2, &pki.sm2},
    {CARDIO_SUITE_SM2, &pki.p256},
    {CARDIO_SUITE_P256, &pki.sm2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct card c;
    struct cardio_hc_result res;
    card_make(&c, cases[i].card, *cases[i].issuer);
    card_sign_ia(&c, c.key);
    verify(&c, &res);
    expect(&res, "PPPPP", NULL, "valid");
    ck_assert(res.have_record);
    ck_assert_str_eq(res.rec.name_masked, "张*明");
    card_free(&c);
  }
}
END_TEST

START_TEST(test_altered)
{
  static const enum cardio_hc_reason r[] = {R(NONE), R(NONE), R(BAD_SIGNATURE), R(NONE), R(NONE)};
  struct card c;
  struct cardio_hc_result res;
  struct hc_tlv t;
  uint8_t *p = NULL;
  card_make(&c, CARDIO_SUITE_P256, pki.p256);
  card_sign_ia(&c, c.key);
  /* 3 stars -> 5 stars: the byte after 87 02 01. */
  for (size_t i = 0; i + 4 <= c.signed_len && !p; i++)
    if (memcmp(c.signed_rec + i, "\x87\x02\x01\x03", 4) == 0)
      p = c.signed_rec + i;
  ck_assert_ptr_nonnull(p);
  p[3] = 5;
  verify(&c, &res);
  expect(&res, "PPFPP", r, "altered");
  ck_assert_uint_eq(res.rec.award_level, 5); /* decoded, but not to be trusted */
  /* Every single-byte change of the signed bytes is caught by some check. */
  ck_assert_int_eq(hc_tlv_find(c.signed_rec, c.signed_len, 0xE0, &t), CARDIO_OK);
  p[3] = 3;
  for (size_t i = 0; i < c.signed_len; i++) {
    c.signed_rec[i] ^= 0x01;
    verify(&c, &res);
    ck_assert_msg(!cardio_hc_result_genuine(&res), "byte %zu changed, still genuine", i);
    c.signed_rec[i] ^= 0x01;
  }
  card_free(&c);
}
END_TEST

START_TEST(test_forged_and_unknown_issuer)
{
  static const enum cardio_hc_reason forged[] = {R(NONE), R(NONE), R(BAD_SIGNATURE), R(NONE), R(NONE)};
  static const enum cardio_hc_reason unknown[] = {R(NONE), R(UNKNOWN_ISSUER), R(PREREQUISITE),
                                                  R(NONE), R(NONE)};
  struct cardio_key *forger = NULL;
  struct card c;
  struct cardio_hc_result res;
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_P256, &forger), CARDIO_OK);
  card_make(&c, CARDIO_SUITE_P256, NULL);
  card_sign_ia(&c, c.key);
  sign_claiming(&c, pki.p256, forger);
  verify(&c, &res);
  expect(&res, "PPFPP", forged, "forged, claiming the real issuer");
  sign_claiming(&c, forger, forger);
  verify(&c, &res);
  expect(&res, "PFNPP", unknown, "signed by an unknown key");
  cardio_key_destroy(forger);
  card_free(&c);
}
END_TEST

START_TEST(test_cloned)
{
  static const enum cardio_hc_reason r[] = {R(NONE), R(NONE), R(NONE), R(CARD_KEY_MISMATCH), R(NONE)};
  struct cardio_key *other = NULL;
  struct card c;
  struct cardio_hc_result res;
  card_make(&c, CARDIO_SUITE_SM2, pki.sm2);
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_SM2, &other), CARDIO_OK);
  card_sign_ia(&c, other);
  verify(&c, &res);
  expect(&res, "PPPFP", r, "cloned");
  /* A replayed answer to another challenge fails the same way. */
  card_sign_ia(&c, c.key);
  c.challenge[0] ^= 0xFF;
  verify(&c, &res);
  expect(&res, "PPPFP", r, "replayed answer");
  cardio_key_destroy(other);
  card_free(&c);
}
END_TEST

START_TEST(test_dates_window)
{
  static const enum cardio_hc_reason exp[] = {R(NONE), R(NONE), R(NONE), R(NONE), R(EXPIRED)};
  static const enum cardio_hc_reason nyv[] = {R(NONE), R(NONE), R(NONE), R(NONE), R(NOT_YET_VALID)};
  static const enum cardio_hc_reason iss[] = {R(NONE), R(ISSUER_NOT_VALID), R(NONE), R(NONE), R(NONE)};
  struct card c;
  struct cardio_hc_result res;
  card_make(&c, CARDIO_SUITE_P256, NULL);
  card_sign_ia(&c, c.key);
  /* Last valid day and first invalid one, in China Standard Time. */
  c.rec.not_after = pki.today;
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  expect(&res, "PPPPP", NULL, "last day");
  c.rec.not_after = cardio_date_add_days(pki.today, -1);
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  expect(&res, "PPPPF", exp, "expired");
  c.rec.issue_date = cardio_date_add_days(pki.today, 1);
  c.rec.not_after = cardio_date_add_days(pki.today, 400);
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  expect(&res, "PPPPF", nyv, "not yet valid");
  c.rec.issue_date = pki.today;
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  expect(&res, "PPPPP", NULL, "first day");
  /* Issued 11 years ago: before the issuer certificate (valid from 10 years ago). */
  c.rec.issue_date = cardio_date_add_days(pki.today, -11 * 365);
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  expect(&res, "PFPPP", iss, "issued before the issuer certificate");
  card_free(&c);
}
END_TEST

START_TEST(test_retired)
{
  static const enum cardio_hc_reason r[] = {R(NONE), R(ISSUER_RETIRED), R(NONE), R(NONE), R(NONE)};
  struct card c;
  struct cardio_hc_result res;
  card_make(&c, CARDIO_SUITE_P256, pki.retired);
  card_sign_ia(&c, c.key);
  verify(&c, &res);
  expect(&res, "PFPPP", r, "retired issuer");
  card_free(&c);
}
END_TEST

START_TEST(test_format_failures)
{
  struct card c;
  struct cardio_hc_result res;
  card_make(&c, CARDIO_SUITE_P256, pki.p256);
  card_sign_ia(&c, c.key);
  ck_assert_int_eq(cardio_hc_verify_signed(pki.trust, pki.now, c.signed_rec, c.signed_len - 1,
                                           c.challenge, 16, c.sig, 64, &res),
                   CARDIO_OK);
  ck_assert_int_eq(res.check[0].status, CARDIO_HC_FAILED);
  ck_assert_int_eq(res.check[0].reason, R(TRUNCATED));
  for (int i = 1; i < CARDIO_HC_CHECK_COUNT; i++) {
    ck_assert_int_eq(res.check[i].status, CARDIO_HC_NOT_CHECKED);
    ck_assert_int_eq(res.check[i].reason, R(PREREQUISITE));
  }
  ck_assert(!res.have_record);
  /* Without the card's answer the record alone can still be checked. */
  ck_assert_int_eq(cardio_hc_verify_signed(pki.trust, pki.now, c.signed_rec, c.signed_len,
                                           NULL, 0, NULL, 0, &res),
                   CARDIO_OK);
  expect(&res, "PPPNP", NULL, "record alone");
  /* A card answer of the wrong size. */
  ck_assert_int_eq(cardio_hc_verify_signed(pki.trust, pki.now, c.signed_rec, c.signed_len,
                                           c.challenge, 16, c.sig, 63, &res),
                   CARDIO_OK);
  ck_assert_int_eq(res.check[CARDIO_HC_CHECK_CARD_KEY].reason, R(CARD_BAD_RESPONSE));
  /* A record whose card key is not on the curve. */
  c.rec.card_point[64] ^= 1;
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  verify(&c, &res);
  ck_assert_int_eq(res.check[CARDIO_HC_CHECK_CARD_KEY].status, CARDIO_HC_FAILED);
  ck_assert_int_eq(res.check[CARDIO_HC_CHECK_CARD_KEY].reason, R(BAD_CARD_KEY));
  card_free(&c);
}
END_TEST

START_TEST(test_holder_match)
{
  struct card c;
  card_make(&c, CARDIO_SUITE_P256, pki.p256);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, HCT_HOLDER_ID), CARDIO_HC_MATCH);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, HCT_OTHER_ID), CARDIO_HC_NO_MATCH);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, "450902198506121233"), CARDIO_HC_BAD_ID);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, "45090219850612123"), CARDIO_HC_BAD_ID);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, NULL), CARDIO_HC_BAD_ID);
  /* 'x' and 'X' are the same ID; SM3 binding works the same way. */
  ck_assert_int_eq(cardio_hc_record_bind_id(&c.rec, CARDIO_SUITE_SM2, "45098119660718321x", 500),
                   CARDIO_OK);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, "45098119660718321X"), CARDIO_HC_MATCH);
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, HCT_HOLDER_ID), CARDIO_HC_NO_MATCH);
  /* The digest is not the hash of the ID alone: salted, so equal IDs differ on cards. */
  {
    struct cardio_hc_record a = c.rec, b = c.rec;
    cardio_hc_record_bind_id(&a, CARDIO_SUITE_P256, HCT_HOLDER_ID, 10);
    cardio_hc_record_bind_id(&b, CARDIO_SUITE_P256, HCT_HOLDER_ID, 10);
    ck_assert(memcmp(a.id_digest, b.id_digest, CARDIO_DIGEST_LEN) != 0);
  }
  c.rec.id_iterations = 0;
  ck_assert_int_eq(cardio_hc_holder_match(&c.rec, HCT_HOLDER_ID), CARDIO_HC_MATCH_ERROR);
  ck_assert_int_eq(cardio_hc_record_bind_id(&c.rec, CARDIO_SUITE_P256, "450902198506121233", 0),
                   CARDIO_E_INVALID_ARG);
  card_free(&c);
}
END_TEST

/* ------------------------------------------------------------ trust store -- */

static void copy_file(const char *from, const char *to)
{
  char buf[8192];
  size_t n;
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  ck_assert_ptr_nonnull(in);
  ck_assert_ptr_nonnull(out);
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    fwrite(buf, 1, n, out);
  fclose(in);
  fclose(out);
}

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

/* A trust dir with the root and the p256 issuer only, and the given retired.txt. */
static void small_store(char *dir, const char *retired)
{
  char p[512], q[512];
  strcpy(dir, "/tmp/yh-hc-store-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(p, sizeof p, "%s/roots", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/issuers", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/roots/root.pem", pki.trust_dir);
  snprintf(q, sizeof q, "%s/roots/root.pem", dir);
  copy_file(p, q);
  snprintf(p, sizeof p, "%s/issuers/p256.pem", pki.trust_dir);
  snprintf(q, sizeof q, "%s/issuers/p256.pem", dir);
  copy_file(p, q);
  if (retired) {
    snprintf(p, sizeof p, "%s/retired.txt", dir);
    write_file(p, retired);
  }
}

START_TEST(test_trust_retired_since)
{
  char dir[64], line[128], hex[17];
  uint8_t id[8];
  struct cardio_trust *t = NULL;
  const struct cardio_key *k;
  uint32_t cut = cardio_date_add_days(pki.today, -100);
  cardio_key_id(pki.p256, id);
  hct_tohex(id, 8, hex);
  snprintf(line, sizeof line, "# rollover\n\n%s %04u-%02u-%02u  # orderly\n", hex, cut / 10000,
           cut / 100 % 100, cut % 100);
  small_store(dir, line);
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_OK);
  ck_assert_uint_eq(cardio_trust_issuer_count(t), 1);
  ck_assert_int_eq(cardio_trust_check_issuer(t, id, cardio_date_add_days(cut, -1), pki.now, &k),
                   CARDIO_TRUST_OK);
  ck_assert_ptr_nonnull(k);
  ck_assert_int_eq(cardio_trust_check_issuer(t, id, cut, pki.now, &k), CARDIO_TRUST_RETIRED);
  ck_assert_ptr_nonnull(k); /* the key is still handed out, to check the signature */
  {
    struct cardio_trust_issuer_info info;
    ck_assert_int_eq(cardio_trust_issuer_info(t, 0, &info), CARDIO_OK);
    ck_assert(info.retired);
    ck_assert_uint_eq(info.retired_since, cut);
    ck_assert_int_eq(info.suite, CARDIO_SUITE_P256);
  }
  /* Root not valid at "now": 40 years on. */
  ck_assert_int_eq(cardio_trust_check_issuer(t, id, cardio_date_add_days(cut, -1),
                                             pki.now + 40LL * 365 * 86400, &k),
                   CARDIO_TRUST_ROOT_NOT_VALID);
  id[0] ^= 1;
  ck_assert_int_eq(cardio_trust_check_issuer(t, id, pki.today, pki.now, &k),
                   CARDIO_TRUST_UNKNOWN_ISSUER);
  ck_assert_ptr_null(k);
  cardio_trust_destroy(t);
  hct_rmtree(dir);
}
END_TEST

START_TEST(test_trust_bad_inputs)
{
  static const char *const bad_lines[] = {
    "c3fdb6a6be8f2cb\n",               /* 15 digits */
    "c3fdb6a6be8f2cb5x\n",             /* junk after the id */
    "c3fdb6a6be8f2cb5 2024-13-01\n",   /* no such month */
    "c3fdb6a6be8f2cb5 2024-1-01\n",    /* not YYYY-MM-DD */
    "c3fdb6a6be8f2cb5 2024-01-01 x\n", /* junk after the date */
    "zz\n",
  };
  char dir[64], p[512], q[512];
  struct cardio_trust *t = NULL;
  for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++) {
    small_store(dir, bad_lines[i]);
    ck_assert_msg(cardio_trust_load(dir, &t) == CARDIO_E_MALFORMED, "accepted: %s", bad_lines[i]);
    ck_assert_ptr_null(t);
    hct_rmtree(dir);
  }
  /* A terminal's TLS certificate put among the issuers is skipped (no issuer EKU);
   * so is a file that is no certificate. */
  small_store(dir, NULL);
  snprintf(p, sizeof p, "%s/tls/terminal-T-TEST-01.pem", pki.dir);
  snprintf(q, sizeof q, "%s/issuers/terminal.pem", dir);
  copy_file(p, q);
  snprintf(q, sizeof q, "%s/issuers/junk.pem", dir);
  write_file(q, "not a certificate\n");
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_OK);
  ck_assert_uint_eq(cardio_trust_issuer_count(t), 1);
  cardio_trust_destroy(t);
  /* No roots: refused. A junk root: refused. */
  snprintf(q, sizeof q, "%s/roots/root.pem", dir);
  remove(q);
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_E_IO);
  write_file(q, "junk\n");
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_E_MALFORMED);
  /* An issuer certificate used as a root: not self-signed, refused. */
  snprintf(p, sizeof p, "%s/issuers/p256.pem", pki.trust_dir);
  copy_file(p, q);
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_E_MALFORMED);
  hct_rmtree(dir);
  ck_assert_int_eq(cardio_trust_load("/nonexistent/yh", &t), CARDIO_E_IO);
}
END_TEST

/* An issuer certificate signed by another PKI's root is not trusted. */
START_TEST(test_trust_foreign_issuer)
{
  char other[] = "/tmp/yh-hc-other-XXXXXX", dir[64], p[512], q[512];
  struct cardio_trust *t = NULL;
  struct yhpki_validity v = {pki.now - 86400, 365};
  ck_assert_ptr_nonnull(mkdtemp(other));
  ck_assert_int_eq(yhpki_init_root(other, "Other", CARDIO_SUITE_P256, &v), CARDIO_OK);
  ck_assert_int_eq(yhpki_new_issuer(other, "evil", CARDIO_SUITE_P256, &v), CARDIO_OK);
  small_store(dir, NULL);
  snprintf(p, sizeof p, "%s/trust/issuers/evil.pem", other);
  snprintf(q, sizeof q, "%s/issuers/evil.pem", dir);
  copy_file(p, q);
  ck_assert_int_eq(cardio_trust_load(dir, &t), CARDIO_OK);
  ck_assert_uint_eq(cardio_trust_issuer_count(t), 1);
  cardio_trust_destroy(t);
  hct_rmtree(dir);
  hct_rmtree(other);
}
END_TEST

/* An SM2 root signing an SM2 and a P-256 issuer; records of both verify. */
START_TEST(test_trust_sm2_root)
{
  char dir[] = "/tmp/yh-hc-sm2root-XXXXXX", path[512];
  struct yhpki_validity v = {pki.now - 30 * 86400, 3650};
  struct cardio_trust *t = NULL;
  struct cardio_key *iss = NULL;
  const char *names[2] = {"gm", "nist"};
  enum cardio_suite suites[2] = {CARDIO_SUITE_SM2, CARDIO_SUITE_P256};
  ck_assert_ptr_nonnull(mkdtemp(dir));
  ck_assert_int_eq(yhpki_init_root(dir, "SM2 root", CARDIO_SUITE_SM2, &v), CARDIO_OK);
  for (int i = 0; i < 2; i++)
    ck_assert_int_eq(yhpki_new_issuer(dir, names[i], suites[i], &v), CARDIO_OK);
  /* TLS certificates need a P-256 root. */
  ck_assert_int_eq(yhpki_new_terminal(dir, "T1", &v), CARDIO_E_UNSUPPORTED);
  snprintf(path, sizeof path, "%s/trust", dir);
  ck_assert_int_eq(cardio_trust_load(path, &t), CARDIO_OK);
  ck_assert_uint_eq(cardio_trust_issuer_count(t), 2);
  for (int i = 0; i < 2; i++) {
    struct card c;
    struct cardio_hc_result res;
    snprintf(path, sizeof path, "%s/private/issuer-%s.key.pem", dir, names[i]);
    ck_assert_int_eq(cardio_key_load_pem(path, &iss), CARDIO_OK);
    card_make(&c, suites[i], iss);
    card_sign_ia(&c, c.key);
    ck_assert_int_eq(cardio_hc_verify_signed(t, pki.now, c.signed_rec, c.signed_len, c.challenge,
                                             16, c.sig, 64, &res),
                     CARDIO_OK);
    expect(&res, "PPPPP", NULL, "SM2 root");
    card_free(&c);
    cardio_key_destroy(iss);
    iss = NULL;
  }
  cardio_trust_destroy(t);
  hct_rmtree(dir);
}
END_TEST

START_TEST(test_yhpki_files)
{
  char path[512];
  struct stat st;
  struct yhpki_validity v = {0, 10};
  static const char *const secret[] = {"private/root.key.pem", "private/issuer-p256.key.pem",
                                       "private/issuer-sm2.key.pem", "private/transport.key",
                                       "tls/terminal-T-TEST-01.key.pem", "tls/server-centre.key.pem"};
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", pki.dir, secret[i]);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg((st.st_mode & 0777) == 0600, "%s has mode %o", secret[i], st.st_mode & 0777);
  }
  snprintf(path, sizeof path, "%s/private", pki.dir);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0700);
  /* Nothing is overwritten. */
  ck_assert_int_ne(yhpki_init_root(pki.dir, NULL, CARDIO_SUITE_P256, &v), CARDIO_OK);
  ck_assert_int_ne(yhpki_new_issuer(pki.dir, "p256", CARDIO_SUITE_P256, &v), CARDIO_OK);
  ck_assert_int_ne(yhpki_new_terminal(pki.dir, "T-TEST-01", &v), CARDIO_OK);
  /* Names are checked. */
  ck_assert_int_eq(yhpki_new_issuer(pki.dir, "../x", CARDIO_SUITE_P256, &v), CARDIO_E_INVALID_ARG);
  ck_assert_int_eq(yhpki_new_terminal(pki.dir, "a b", &v), CARDIO_E_INVALID_ARG);
  ck_assert_int_eq(yhpki_new_server(pki.dir, "x/y", &v), CARDIO_E_INVALID_ARG);
}
END_TEST

/* ---------------------------------------------------- fast path over replay -- */

static void hexcat(char *dst, const uint8_t *b, size_t n)
{
  hct_tohex(b, n, dst + strlen(dst));
}

/* The two exchanges of the fast path for card c, with the card's answers. */
static void fast_path_steps(struct card *c, uint8_t lcs, char *sel_resp, char *ia_cmd,
                            char *ia_resp)
{
  uint8_t fci[1200];
  size_t n = hct_fci(c->signed_rec, c->signed_len, lcs, fci, sizeof fci);
  sel_resp[0] = ia_cmd[0] = ia_resp[0] = '\0';
  hexcat(sel_resp, fci, n);
  strcat(sel_resp, "9000");
  strcpy(ia_cmd, "0088000010");
  hexcat(ia_cmd, c->challenge, 16);
  strcat(ia_cmd, "00");
  hexcat(ia_resp, c->sig, 64);
  strcat(ia_resp, "9000");
}

#define SELECT_CMD "00A4040006F15948484301 00"

/* The SELECT answer of a short-Le card: the first 256 bytes with 61xx, the rest by
 * GET RESPONSE (ISO 7816-4 5.3.4), as the spec requires when the FCI exceeds 256. */
static void split_steps(const char *sel, char *first, char *gr, char *rest)
{
  size_t len = strlen(sel) / 2 - 2; /* data bytes */
  if (len <= 256) {
    strcpy(first, sel);
    gr[0] = rest[0] = '\0';
    return;
  }
  memcpy(first, sel, 512);
  snprintf(first + 512, 8, "61%02X", (unsigned)(len - 256) & 0xFFu);
  snprintf(gr, 32, "00C00000%02X", (unsigned)(len - 256) & 0xFFu);
  strcpy(rest, sel + 512);
}

START_TEST(test_fast_path_budget)
{
  enum cardio_suite suites[2] = {CARDIO_SUITE_P256, CARDIO_SUITE_SM2};
  for (int i = 0; i < 2; i++) {
    char sel[3000], iac[100], iar[200], first[600], gr[32], rest[3000];
    struct card c;
    struct cardio_card *card = NULL;
    struct cardio_hc_result res;
    struct cardio_stats st;
    card_make(&c, suites[i], suites[i] == CARDIO_SUITE_SM2 ? pki.sm2 : pki.p256);
    card_sign_ia(&c, c.key);
    fast_path_steps(&c, CARDIO_HC_LCS_ACTIVE, sel, iac, iar);
    split_steps(sel, first, gr, rest);
    ck_assert(gr[0]); /* a real record does not fit 256 bytes */
    {
      struct cardio_replay_step steps[] = {{SELECT_CMD, first}, {gr, rest}, {iac, iar}};
      ck_assert_int_eq(cardio_replay_create(steps, 3, &card), CARDIO_OK);
    }
    ck_assert_int_eq(cardio_hc_read_verify(card, pki.trust, pki.now, c.challenge, &res),
                     CARDIO_OK);
    expect(&res, "PPPPP", NULL, "fast path");
    ck_assert_int_eq(res.lifecycle, CARDIO_HC_LCS_ACTIVE);
    cardio_card_stats(card, &st);
    ck_assert_uint_le(st.commands, 3);
    ck_assert_uint_le(st.bytes_out + st.bytes_in, 600);
    fprintf(stderr, "fast path (replay, %s): %llu commands, %llu bytes out, %llu bytes in\n",
            cardio_suite_name(suites[i]), (unsigned long long)st.commands,
            (unsigned long long)st.bytes_out, (unsigned long long)st.bytes_in);
    cardio_card_destroy(card);
    card_free(&c);
  }
}
END_TEST

/* The largest record the format allows still fits the budget. */
START_TEST(test_fast_path_worst_case)
{
  char sel[3000], iac[100], iar[200], first[600], gr[32], rest[3000];
  struct card c;
  struct cardio_card *card = NULL;
  struct cardio_hc_result res;
  struct cardio_stats st;
  card_make(&c, CARDIO_SUITE_P256, NULL);
  memset(c.rec.card_number, 'Z', CARDIO_HC_CARDNO_MAX);
  c.rec.card_number[CARDIO_HC_CARDNO_MAX] = '\0';
  c.rec.name_masked[0] = '\0';
  for (int i = 0; i < 16; i++)
    strcat(c.rec.name_masked, "明");
  c.signed_len = hct_sign(&c.rec, pki.p256, c.signed_rec);
  ck_assert_uint_eq(c.signed_len, 350);
  card_sign_ia(&c, c.key);
  fast_path_steps(&c, CARDIO_HC_LCS_ACTIVE, sel, iac, iar);
  split_steps(sel, first, gr, rest);
  {
    struct cardio_replay_step steps[] = {{SELECT_CMD, first}, {gr, rest}, {iac, iar}};
    ck_assert_int_eq(cardio_replay_create(steps, 3, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_verify(card, pki.trust, pki.now, c.challenge, &res), CARDIO_OK);
  expect(&res, "PPPPP", NULL, "worst case");
  cardio_card_stats(card, &st);
  ck_assert_uint_eq(st.commands, 3);
  ck_assert_uint_le(st.bytes_out + st.bytes_in, 600);
  fprintf(stderr, "fast path (replay, largest record): %llu bytes in all\n",
          (unsigned long long)(st.bytes_out + st.bytes_in));
  cardio_card_destroy(card);
  card_free(&c);
}
END_TEST

struct card_case {
  const char *what;
  const char *sel_resp; /* NULL: the card's real FCI */
  const char *ia_resp;  /* NULL: the card's real answer; "" no IA expected */
  int rc;
  const char *st;
  enum cardio_hc_reason r0, r3;
  uint16_t sw;
};

static const struct card_case card_cases[] = {
  {"no application", "6A82", "", CARDIO_OK, "FNNNN", R(NO_APPLICATION), R(PREREQUISITE), 0x6A82},
  {"instruction unknown", "6D00", "", CARDIO_OK, "FNNNN", R(NO_APPLICATION), R(PREREQUISITE), 0x6D00},
  {"garbage FCI", "DEADBEEF9000", "", CARDIO_OK, "FNNNN", R(MALFORMED), R(PREREQUISITE), 0},
  {"empty FCI", "9000", "", CARDIO_OK, "FNNNN", R(NO_RECORD), R(PREREQUISITE), 0},
  {"one-byte answer", "90", "", CARDIO_OK, "FNNNN", R(MALFORMED), R(PREREQUISITE), 0},
  {"truncated FCI", "6F 20 84 06 F1 59 48 48 43 01 9000", "", CARDIO_OK, "FNNNN", R(TRUNCATED),
   R(PREREQUISITE), 0},
  {"other DF name", "6F 08 84 06 A0 00 00 00 03 10 9000", "", CARDIO_OK, "FNNNN",
   R(NO_APPLICATION), R(PREREQUISITE), 0},
  {"blank card", "6F 0B 84 06 F1 59 48 48 43 01 8A 01 03 9000", "", CARDIO_OK, "FNNNN",
   R(NOT_PERSONALISED), R(PREREQUISITE), 0},
  {"IA refused", NULL, "6982", CARDIO_OK, "PPPFP", R(NONE), R(CARD_REFUSED), 0x6982},
  {"IA unknown", NULL, "6D00", CARDIO_OK, "PPPFP", R(NONE), R(CARD_REFUSED), 0x6D00},
  {"IA short", NULL, "0102039000", CARDIO_OK, "PPPFP", R(NONE), R(CARD_BAD_RESPONSE), 0},
  {"IA one byte", NULL, "90", CARDIO_OK, "PPPFP", R(NONE), R(CARD_BAD_RESPONSE), 0},
  {"removed during IA", NULL, "!removed", CARDIO_E_CARD_REMOVED, "PPPNP", R(NONE), R(COMM), 0},
  {"removed at SELECT", "!removed", "", CARDIO_E_CARD_REMOVED, "NNNNN", R(COMM), R(COMM), 0},
  {"pcscd gone", "!gone", "", CARDIO_E_SERVICE_GONE, "NNNNN", R(COMM), R(COMM), 0},
};

START_TEST(test_card_cases)
{
  const struct card_case *k = &card_cases[_i];
  char sel[3000], iac[100], iar[200], first[600], gr[32], rest[3000];
  struct card c;
  struct cardio_card *card = NULL;
  struct cardio_hc_result res;
  size_t nsteps;
  card_make(&c, CARDIO_SUITE_P256, pki.p256);
  card_sign_ia(&c, c.key);
  fast_path_steps(&c, CARDIO_HC_LCS_ACTIVE, sel, iac, iar);
  split_steps(sel, first, gr, rest);
  if (k->sel_resp) {
    struct cardio_replay_step steps[] = {{SELECT_CMD, k->sel_resp}, {iac, k->ia_resp ? k->ia_resp : iar}};
    nsteps = k->ia_resp && !*k->ia_resp ? 1 : 2;
    ck_assert_int_eq(cardio_replay_create(steps, nsteps, &card), CARDIO_OK);
  } else {
    struct cardio_replay_step steps[] = {{SELECT_CMD, first}, {gr, rest},
                                         {iac, k->ia_resp ? k->ia_resp : iar}};
    nsteps = 3;
    ck_assert_int_eq(cardio_replay_create(steps, nsteps, &card), CARDIO_OK);
  }
  ck_assert_msg(cardio_hc_read_verify(card, pki.trust, pki.now, c.challenge, &res) == k->rc,
                "%s: rc", k->what);
  expect(&res, k->st, NULL, k->what);
  ck_assert_msg(res.check[0].status == CARDIO_HC_PASSED || res.check[0].reason == k->r0,
                "%s: format reason %s", k->what, cardio_hc_reason_name(res.check[0].reason));
  ck_assert_msg(res.check[3].reason == k->r3, "%s: card-key reason %s", k->what,
                cardio_hc_reason_name(res.check[3].reason));
  ck_assert_uint_eq(res.check[k->r0 == R(NONE) ? 3 : 0].sw, k->sw);
  /* No exchange beyond the script (an IA after a failed FORMAT, for one). */
  ck_assert_uint_eq(cardio_replay_consumed(card), nsteps);
  cardio_card_destroy(card);
  card_free(&c);
}
END_TEST

/* The photo: extended reads, the fall back to short ones on 6700, digest checks. */
START_TEST(test_photo)
{
  uint8_t photo[600], *got = NULL;
  size_t got_len = 0;
  struct cardio_hc_record rec;
  struct cardio_card *card = NULL;
  char r1[1300], r2[1300], r3[1300];
  for (size_t i = 0; i < sizeof photo; i++)
    photo[i] = (uint8_t)(i * 31);
  memset(&rec, 0, sizeof rec);
  rec.id_suite = CARDIO_SUITE_SM2;
  rec.photo_len = sizeof photo;
  cardio_digest(CARDIO_SUITE_SM2, photo, sizeof photo, rec.photo_digest);
  /* Extended: one READ BINARY of 600 bytes. */
  r1[0] = '\0';
  hexcat(r1, photo, sizeof photo);
  strcat(r1, "9000");
  {
    struct cardio_replay_step steps[] = {{"00A4040C06F15948484301", "9000"},
                                         {"00A4020C02C002", "9000"},
                                         {"00B00000 000258", r1}};
    ck_assert_int_eq(cardio_replay_create(steps, 3, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_photo(card, &rec, 0, &got, &got_len), CARDIO_OK);
  ck_assert_uint_eq(got_len, sizeof photo);
  ck_assert(memcmp(got, photo, sizeof photo) == 0);
  free(got);
  cardio_card_destroy(card);
  /* No extended APDUs: 6700, then 256 + 256 + 88. */
  r1[0] = r2[0] = r3[0] = '\0';
  hexcat(r1, photo, 256);
  strcat(r1, "9000");
  hexcat(r2, photo + 256, 256);
  strcat(r2, "9000");
  hexcat(r3, photo + 512, 88);
  strcat(r3, "9000");
  {
    struct cardio_replay_step steps[] = {{"00A4040C06F15948484301", "9000"},
                                         {"00A4020C02C002", "9000"},
                                         {"00B00000 000258", "6700"},
                                         {"00B0000000", r1},
                                         {"00B0010000", r2},
                                         {"00B0020058", r3}};
    ck_assert_int_eq(cardio_replay_create(steps, 6, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_photo(card, &rec, 0, &got, &got_len), CARDIO_OK);
  free(got);
  cardio_card_destroy(card);
  /* A photo that is not the one in the record: VERIFY_FAILED, bytes still handed out. */
  rec.photo_digest[0] ^= 1;
  r1[0] = '\0';
  hexcat(r1, photo, sizeof photo);
  strcat(r1, "9000");
  {
    struct cardio_replay_step steps[] = {{"00A4040C06F15948484301", "9000"},
                                         {"00A4020C02C002", "9000"},
                                         {"00B00000 000258", r1}};
    ck_assert_int_eq(cardio_replay_create(steps, 3, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_photo(card, &rec, 0, &got, &got_len), CARDIO_E_VERIFY_FAILED);
  ck_assert_ptr_nonnull(got);
  free(got);
  cardio_card_destroy(card);
  /* No photo file: NOT_FOUND. */
  {
    struct cardio_replay_step steps[] = {{"00A4040C06F15948484301", "9000"},
                                         {"00A4020C02C002", "6A82"}};
    ck_assert_int_eq(cardio_replay_create(steps, 2, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_photo(card, &rec, 0, &got, &got_len), CARDIO_E_NOT_FOUND);
  ck_assert_ptr_null(got);
  cardio_card_destroy(card);
  /* A card that hands out more than asked for. */
  r1[0] = '\0';
  hexcat(r1, photo, 300);
  strcat(r1, "9000");
  {
    struct cardio_replay_step steps[] = {{"00A4040C06F15948484301", "9000"},
                                         {"00A4020C02C002", "9000"},
                                         {"00B0000000", r1}};
    ck_assert_int_eq(cardio_replay_create(steps, 3, &card), CARDIO_OK);
  }
  ck_assert_int_eq(cardio_hc_read_photo(card, &rec, 256, &got, &got_len), CARDIO_E_MALFORMED);
  cardio_card_destroy(card);
  ck_assert_int_eq(cardio_hc_read_photo(NULL, &rec, 0, &got, &got_len), CARDIO_E_INVALID_ARG);
}
END_TEST

static Suite *verify_suite(void)
{
  Suite *s = suite_create("honour.verify");
  TCase *t = tcase_create("checks");
  tcase_add_unchecked_fixture(t, pki_setup, pki_teardown);
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_valid_both_suites);
  tcase_add_test(t, test_altered);
  tcase_add_test(t, test_forged_and_unknown_issuer);
  tcase_add_test(t, test_cloned);
  tcase_add_test(t, test_dates_window);
  tcase_add_test(t, test_retired);
  tcase_add_test(t, test_format_failures);
  tcase_add_test(t, test_holder_match);
  tcase_add_test(t, test_trust_retired_since);
  tcase_add_test(t, test_trust_bad_inputs);
  tcase_add_test(t, test_trust_foreign_issuer);
  tcase_add_test(t, test_trust_sm2_root);
  tcase_add_test(t, test_yhpki_files);
  tcase_add_test(t, test_fast_path_budget);
  tcase_add_test(t, test_fast_path_worst_case);
  tcase_add_loop_test(t, test_card_cases, 0, sizeof card_cases / sizeof card_cases[0]);
  tcase_add_test(t, test_photo);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(verify_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
