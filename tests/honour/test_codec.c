/* Unit tests: the BER-TLV codec, the holder record codec (round trip, every field's
 * limits, truncated, oversized and malicious input), dates, and the crypto primitives
 * with known-answer vectors for both suites. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "hc_int.h"
#include "hc_testlib.h"
#include "hc_tlv.h"

/* ------------------------------------------------------------------- TLV -- */

struct tlv_case {
  const char *what;
  const char *hex;
  int rc;          /* CARDIO_OK, HC_TLV_TRUNCATED, CARDIO_E_MALFORMED, CARDIO_E_NOT_FOUND */
  uint32_t tag;
  size_t len;
};

static const struct tlv_case tlv_cases[] = {
  {"one-byte tag, short length", "80 01 AA", CARDIO_OK, 0x80, 1},
  {"empty value", "80 00", CARDIO_OK, 0x80, 0},
  {"two-byte tag 5F37", "5F 37 02 01 02", CARDIO_OK, 0x5F37, 2},
  {"three-byte tag", "DF 81 01 01 00", CARDIO_OK, 0xDF8101, 1},
  {"81 length", "80 81 80" "00000000000000000000000000000000000000000000000000000000000000000000"
                "00000000000000000000000000000000000000000000000000000000000000000000"
                "00000000000000000000000000000000000000000000000000000000000000000000"
                "000000000000000000000000000000000000000000000000000000",
   CARDIO_OK, 0x80, 128},
  {"nothing left", "", CARDIO_E_NOT_FOUND, 0, 0},
  {"padding 00", "00 80 01 AA", CARDIO_E_MALFORMED, 0, 0},
  {"padding FF", "FF", CARDIO_E_MALFORMED, 0, 0},
  {"four-byte tag", "DF 81 81 01 01 00", CARDIO_E_MALFORMED, 0, 0},
  {"two-byte tag that fits one", "5F 1E 01 00", CARDIO_E_MALFORMED, 0, 0},
  {"leading 80 in tag", "5F 80 01 01 00", CARDIO_E_MALFORMED, 0, 0},
  {"indefinite length", "E1 80 00 00", CARDIO_E_MALFORMED, 0, 0},
  {"length of 4 bytes", "80 84 00 00 00 01 AA", CARDIO_E_MALFORMED, 0, 0},
  {"non-minimal 81", "80 81 05 0102030405", CARDIO_E_MALFORMED, 0, 0},
  {"non-minimal 82", "80 82 00 05 0102030405", CARDIO_E_MALFORMED, 0, 0},
  {"tag cut", "5F", HC_TLV_TRUNCATED, 0, 0},
  {"length missing", "80", HC_TLV_TRUNCATED, 0, 0},
  {"long length cut", "80 82 01", HC_TLV_TRUNCATED, 0, 0},
  {"value cut", "80 05 01 02", HC_TLV_TRUNCATED, 0, 0},
  {"length far past the end", "80 83 FF FF FF 00", HC_TLV_TRUNCATED, 0, 0},
};

START_TEST(test_tlv_table)
{
  const struct tlv_case *c = &tlv_cases[_i];
  uint8_t buf[300];
  size_t n = hct_hex(c->hex, buf, sizeof buf);
  struct hc_tlv_cursor cur;
  struct hc_tlv t;
  int rc;
  hc_tlv_cursor_init(&cur, buf, n);
  rc = hc_tlv_next(&cur, &t);
  ck_assert_msg(rc == c->rc, "%s: rc %d, want %d", c->what, rc, c->rc);
  if (rc == CARDIO_OK) {
    ck_assert_msg(t.tag == c->tag, "%s: tag %x", c->what, t.tag);
    ck_assert_msg(t.len == c->len, "%s: len %zu", c->what, t.len);
    ck_assert(t.raw == buf);
    ck_assert(t.value + t.len == buf + t.raw_len);
  } else {
    ck_assert_msg(cur.p == buf && cur.left == n, "%s: the cursor moved on failure", c->what);
  }
}
END_TEST

START_TEST(test_tlv_writer_roundtrip)
{
  uint8_t buf[1200], big[700];
  struct hc_tlv_writer w;
  struct hc_tlv_cursor c;
  struct hc_tlv t, inner;
  size_t lens[] = {0, 1, 127, 128, 255, 256, 700};
  memset(big, 0x5A, sizeof big);
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    size_t mark;
    hc_tlv_writer_init(&w, buf, sizeof buf);
    mark = hc_tlv_open(&w, 0xE0);
    hc_tlv_put(&w, 0x5F37, big, lens[i]);
    hc_tlv_close(&w, mark);
    ck_assert_int_eq(w.err, 0);
    hc_tlv_cursor_init(&c, buf, w.len);
    ck_assert_int_eq(hc_tlv_next(&c, &t), CARDIO_OK);
    ck_assert_int_eq(c.left, 0);
    ck_assert_uint_eq(t.tag, 0xE0);
    ck_assert(t.constructed);
    hc_tlv_cursor_init(&c, t.value, t.len);
    ck_assert_int_eq(hc_tlv_next(&c, &inner), CARDIO_OK);
    ck_assert_uint_eq(inner.tag, 0x5F37);
    ck_assert_uint_eq(inner.len, lens[i]);
    ck_assert_int_eq(hc_tlv_next(&c, &inner), CARDIO_E_NOT_FOUND);
  }
}
END_TEST

START_TEST(test_tlv_writer_overflow)
{
  uint8_t buf[8];
  struct hc_tlv_writer w;
  hc_tlv_writer_init(&w, buf, sizeof buf);
  hc_tlv_put(&w, 0x80, "0123456789", 10);
  ck_assert_int_eq(w.err, CARDIO_E_BUFFER_TOO_SMALL);
  /* Sticky: later puts that would fit do nothing. */
  hc_tlv_put_u8(&w, 0x81, 1);
  ck_assert_int_eq(w.err, CARDIO_E_BUFFER_TOO_SMALL);
  ck_assert_uint_eq(w.len, 0);
}
END_TEST

/* ----------------------------------------------------------------- record -- */

static struct cardio_key *card_p256;

static void record_setup(void)
{
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_P256, &card_p256), CARDIO_OK);
}

static void record_teardown(void)
{
  cardio_key_destroy(card_p256);
  card_p256 = NULL;
}

static size_t encode_ok(struct cardio_hc_record *r, uint8_t *buf)
{
  size_t n = 0;
  ck_assert_int_eq(cardio_hc_record_encode(r, buf, CARDIO_HC_SIGNED_MAX, &n), CARDIO_OK);
  return n;
}

START_TEST(test_record_roundtrip)
{
  struct cardio_hc_record r, d;
  uint8_t buf[CARDIO_HC_SIGNED_MAX], again[CARDIO_HC_SIGNED_MAX];
  enum cardio_hc_reason why = CARDIO_HC_REASON_COUNT;
  size_t n, n2;
  hct_record(&r, card_p256, 20260101);
  n = encode_ok(&r, buf);
  ck_assert_int_eq(buf[0], 0xE1);
  ck_assert_int_eq(cardio_hc_record_decode(buf, n, &d, &why), CARDIO_OK);
  ck_assert_int_eq(why, CARDIO_HC_REASON_NONE);
  ck_assert_str_eq(d.card_number, r.card_number);
  ck_assert_str_eq(d.name_masked, "张*明");
  ck_assert_uint_eq(d.issue_date, r.issue_date);
  ck_assert_uint_eq(d.not_after, r.not_after);
  ck_assert_int_eq(d.award, CARDIO_HC_AWARD_DONOR_STAR);
  ck_assert_uint_eq(d.award_level, 3);
  ck_assert_uint_eq(d.id_iterations, 1000);
  ck_assert(memcmp(d.card_point, r.card_point, CARDIO_POINT_LEN) == 0);
  ck_assert(memcmp(d.id_digest, r.id_digest, CARDIO_DIGEST_LEN) == 0);
  /* Canonical: the decoded record encodes to the same bytes. */
  n2 = encode_ok(&d, again);
  ck_assert_uint_eq(n, n2);
  ck_assert(memcmp(buf, again, n) == 0);
}
END_TEST

/* Worst case sizes: the budget of docs/card-spec.md depends on them. */
START_TEST(test_record_max_size)
{
  struct cardio_hc_record r;
  uint8_t buf[CARDIO_HC_SIGNED_MAX];
  size_t n;
  struct cardio_key *issuer = NULL;
  hct_record(&r, card_p256, 20260101);
  memset(r.card_number, 'Z', CARDIO_HC_CARDNO_MAX);
  r.card_number[CARDIO_HC_CARDNO_MAX] = '\0';
  /* 16 three-byte characters: the most a masked name may take. */
  r.name_masked[0] = '\0';
  for (int i = 0; i < 16; i++)
    strcat(r.name_masked, "明");
  r.photo_len = CARDIO_HC_PHOTO_MAX;
  n = encode_ok(&r, buf);
  ck_assert_uint_eq(n, 279);
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_P256, &issuer), CARDIO_OK);
  n = hct_sign(&r, issuer, buf);
  ck_assert_uint_eq(n, 350);
  cardio_key_destroy(issuer);
}
END_TEST

/* Fields the encoder must refuse (and so the decoder never sees from us). */
struct bad_field {
  const char *what;
  void (*spoil)(struct cardio_hc_record *r);
};

static void spoil_version(struct cardio_hc_record *r) { r->version = 2; }
static void spoil_cardno_empty(struct cardio_hc_record *r) { r->card_number[0] = '\0'; }
static void spoil_cardno_lower(struct cardio_hc_record *r) { r->card_number[0] = 'y'; }
static void spoil_name_empty(struct cardio_hc_record *r) { r->name_masked[0] = '\0'; }
static void spoil_name_utf8(struct cardio_hc_record *r) { strcpy(r->name_masked, "\xE5\xBC"); }
static void spoil_name_ctrl(struct cardio_hc_record *r) { strcpy(r->name_masked, "A\nB"); }
static void spoil_star2(struct cardio_hc_record *r) { r->award_level = 2; }
static void spoil_star6(struct cardio_hc_record *r) { r->award_level = 6; }
static void spoil_vol4(struct cardio_hc_record *r)
{
  r->award = CARDIO_HC_AWARD_VOLUNTEER_STAR;
  r->award_level = 4;
}
static void spoil_lifetime1(struct cardio_hc_record *r)
{
  r->award = CARDIO_HC_AWARD_LIFETIME_ACHIEVEMENT;
  r->award_level = 1;
}
static void spoil_award0(struct cardio_hc_record *r) { r->award = CARDIO_HC_AWARD_NONE; }
static void spoil_award5(struct cardio_hc_record *r) { r->award = (enum cardio_hc_award)5; }
static void spoil_round(struct cardio_hc_record *r) { r->award_round = 2017; }
static void spoil_date(struct cardio_hc_record *r) { r->issue_date = 20250230; }
static void spoil_order(struct cardio_hc_record *r) { r->not_after = r->issue_date - 1; }
static void spoil_suite(struct cardio_hc_record *r) { r->card_suite = CARDIO_SUITE_NONE; }
static void spoil_idsuite(struct cardio_hc_record *r) { r->id_suite = (enum cardio_suite)3; }
static void spoil_iter0(struct cardio_hc_record *r) { r->id_iterations = 0; }
static void spoil_iterbig(struct cardio_hc_record *r) { r->id_iterations = CARDIO_PBKDF2_MAX_ITER + 1; }
static void spoil_point(struct cardio_hc_record *r) { r->card_point[0] = 0x02; }
static void spoil_photo(struct cardio_hc_record *r) { r->photo_len = CARDIO_HC_PHOTO_MAX + 1; }
static void spoil_generation(struct cardio_hc_record *r) { r->generation = 256; }

static const struct bad_field bad_fields[] = {
  {"version 2", spoil_version},
  {"empty card number", spoil_cardno_empty},
  {"lower-case card number", spoil_cardno_lower},
  {"empty name", spoil_name_empty},
  {"cut UTF-8 in the name", spoil_name_utf8},
  {"control character in the name", spoil_name_ctrl},
  {"2-star donor (no card)", spoil_star2},
  {"6-star donor", spoil_star6},
  {"4-star volunteer (no card)", spoil_vol4},
  {"lifetime award with a level", spoil_lifetime1},
  {"no award", spoil_award0},
  {"award kind 5", spoil_award5},
  {"award round 2017", spoil_round},
  {"30 February", spoil_date},
  {"not-after before issue", spoil_order},
  {"card suite none", spoil_suite},
  {"ID suite 3", spoil_idsuite},
  {"0 iterations", spoil_iter0},
  {"too many iterations", spoil_iterbig},
  {"compressed point", spoil_point},
  {"photo too large", spoil_photo},
  {"generation 256", spoil_generation},
};

START_TEST(test_record_encoder_refuses)
{
  struct cardio_hc_record r;
  uint8_t buf[CARDIO_HC_SIGNED_MAX];
  size_t n = 0;
  hct_record(&r, card_p256, 20260101);
  bad_fields[_i].spoil(&r);
  ck_assert_msg(cardio_hc_record_encode(&r, buf, sizeof buf, &n) == CARDIO_E_INVALID_ARG,
                "%s was encoded", bad_fields[_i].what);
}
END_TEST

/* The decoder on every prefix: never OK, never reads past the end (ASan). */
START_TEST(test_record_truncated_everywhere)
{
  struct cardio_hc_record r, d;
  uint8_t buf[CARDIO_HC_SIGNED_MAX];
  size_t n;
  hct_record(&r, card_p256, 20260101);
  n = encode_ok(&r, buf);
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *exact = malloc(cut ? cut : 1);
    enum cardio_hc_reason why = CARDIO_HC_REASON_NONE;
    memcpy(exact, buf, cut);
    ck_assert_int_eq(cardio_hc_record_decode(exact, cut, &d, &why), CARDIO_E_MALFORMED);
    ck_assert_msg(why == CARDIO_HC_REASON_TRUNCATED || (cut == 0 && why == CARDIO_HC_REASON_NO_RECORD),
                  "cut at %zu: %s", cut, cardio_hc_reason_name(why));
    ck_assert_str_eq(d.card_number, ""); /* zeroed on failure */
    free(exact);
  }
}
END_TEST

/* Patch the E1 content: rebuild with the fields in tlv form. */
static size_t rebuild(const uint8_t *fields, size_t n, uint8_t *out)
{
  struct hc_tlv_writer w;
  hc_tlv_writer_init(&w, out, 2048);
  size_t mark = hc_tlv_open(&w, 0xE1);
  memcpy(out + w.len, fields, n);
  w.len += n;
  hc_tlv_close(&w, mark);
  return w.len;
}

/* Split the record into its fields (raw TLVs). */
static size_t fields_of(const uint8_t *rec, size_t n, const uint8_t **raw, size_t *rawlen,
                        size_t max)
{
  struct hc_tlv outer, t;
  struct hc_tlv_cursor c;
  size_t k = 0;
  hc_tlv_cursor_init(&c, rec, n);
  ck_assert_int_eq(hc_tlv_next(&c, &outer), CARDIO_OK);
  hc_tlv_cursor_init(&c, outer.value, outer.len);
  while (k < max && hc_tlv_next(&c, &t) == CARDIO_OK) {
    raw[k] = t.raw;
    rawlen[k] = t.raw_len;
    k++;
  }
  return k;
}

START_TEST(test_record_malicious)
{
  struct cardio_hc_record r, d;
  uint8_t buf[CARDIO_HC_SIGNED_MAX], fields[2048], out[2100];
  const uint8_t *raw[32];
  size_t rawlen[32], k, n, fn;
  enum cardio_hc_reason why;

  hct_record(&r, card_p256, 20260101);
  n = encode_ok(&r, buf);
  k = fields_of(buf, n, raw, rawlen, 32);
  ck_assert_uint_eq(k, 16);

  /* Each field left out in turn. */
  for (size_t skip = 0; skip < k; skip++) {
    fn = 0;
    for (size_t i = 0; i < k; i++)
      if (i != skip) {
        memcpy(fields + fn, raw[i], rawlen[i]);
        fn += rawlen[i];
      }
    n = rebuild(fields, fn, out);
    ck_assert_int_eq(cardio_hc_record_decode(out, n, &d, &why), CARDIO_E_MALFORMED);
    ck_assert_int_eq(why, CARDIO_HC_REASON_BAD_FIELD);
  }
  /* Each field twice in turn. */
  for (size_t dup = 0; dup < k; dup++) {
    fn = 0;
    for (size_t i = 0; i < k; i++) {
      memcpy(fields + fn, raw[i], rawlen[i]);
      fn += rawlen[i];
      if (i == dup) {
        memcpy(fields + fn, raw[i], rawlen[i]);
        fn += rawlen[i];
      }
    }
    n = rebuild(fields, fn, out);
    ck_assert_int_eq(cardio_hc_record_decode(out, n, &d, &why), CARDIO_E_MALFORMED);
  }
  /* Two fields swapped. */
  fn = 0;
  for (size_t i = 0; i < k; i++) {
    size_t j = i == 3 ? 4 : i == 4 ? 3 : i;
    memcpy(fields + fn, raw[j], rawlen[j]);
    fn += rawlen[j];
  }
  n = rebuild(fields, fn, out);
  ck_assert_int_eq(cardio_hc_record_decode(out, n, &d, &why), CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_BAD_FIELD);
  /* An unknown field at the end (90), and a constructed one. */
  fn = 0;
  for (size_t i = 0; i < k; i++) {
    memcpy(fields + fn, raw[i], rawlen[i]);
    fn += rawlen[i];
  }
  memcpy(fields + fn, "\x90\x01\x00", 3);
  n = rebuild(fields, fn + 3, out);
  ck_assert_int_eq(cardio_hc_record_decode(out, n, &d, &why), CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_BAD_FIELD);
  /* Version 2 reports UNSUPPORTED_VERSION, whatever follows. */
  memcpy(fields, "\x80\x01\x02\x99\x01\x00", 6);
  n = rebuild(fields, 6, out);
  ck_assert_int_eq(cardio_hc_record_decode(out, n, &d, &why), CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_UNSUPPORTED_VERSION);
  /* Trailing bytes after E1. */
  n = encode_ok(&r, buf);
  buf[n] = 0x00;
  ck_assert_int_eq(cardio_hc_record_decode(buf, n + 1, &d, &why), CARDIO_E_MALFORMED);
  /* Another outer tag. */
  n = encode_ok(&r, buf);
  buf[0] = 0xE2;
  ck_assert_int_eq(cardio_hc_record_decode(buf, n, &d, &why), CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_MALFORMED);
  /* Oversized input is refused before parsing. */
  memset(out, 0, sizeof out);
  ck_assert_int_eq(cardio_hc_record_decode(out, CARDIO_HC_SIGNED_MAX + 1, &d, &why),
                   CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_TOO_LARGE);
  /* A length that claims more than is there. */
  n = encode_ok(&r, buf);
  buf[2] = 0xFF;
  ck_assert_int_eq(cardio_hc_record_decode(buf, n, &d, &why), CARDIO_E_MALFORMED);
  ck_assert_int_eq(why, CARDIO_HC_REASON_TRUNCATED);
}
END_TEST

START_TEST(test_signed_container)
{
  struct cardio_hc_record r, d;
  struct hc_signed s;
  struct cardio_key *issuer = NULL;
  uint8_t buf[CARDIO_HC_SIGNED_MAX];
  enum cardio_hc_reason why;
  size_t n;
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_SM2, &issuer), CARDIO_OK);
  hct_record(&r, card_p256, 20260101);
  n = hct_sign(&r, issuer, buf);
  ck_assert_int_eq(hc_signed_decode(buf, n, &d, &s, &why), CARDIO_OK);
  ck_assert(s.tbs == buf + 4);
  ck_assert_int_eq(cardio_verify(issuer, s.tbs, s.tbs_len, s.sig, CARDIO_SIG_LEN), CARDIO_OK);
  /* The key id was filled in by signing. */
  {
    uint8_t id[CARDIO_KEYID_LEN];
    cardio_key_id(issuer, id);
    ck_assert(memcmp(id, d.issuer_key_id, sizeof id) == 0);
  }
  for (size_t cut = 0; cut < n; cut++) {
    uint8_t *exact = malloc(cut ? cut : 1);
    memcpy(exact, buf, cut);
    ck_assert_int_eq(hc_signed_decode(exact, cut, &d, &s, &why), CARDIO_E_MALFORMED);
    free(exact);
  }
  /* A signature of 63 bytes. */
  buf[n - 65] = 0x3F;
  ck_assert_int_eq(hc_signed_decode(buf, n - 1, &d, &s, &why), CARDIO_E_MALFORMED);
  cardio_key_destroy(issuer);
}
END_TEST

/* ------------------------------------------------------------------ dates -- */

START_TEST(test_dates)
{
  /* 2024-01-01 00:00 UTC is 08:00 in China: same date; 16:00 UTC is the next day. */
  ck_assert_uint_eq(cardio_date_from_time(1704067200), 20240101);
  ck_assert_uint_eq(cardio_date_from_time(1704067200 + 16 * 3600), 20240102);
  ck_assert_uint_eq(cardio_date_from_time(1704067200 - 8 * 3600 - 1), 20231231);
  ck_assert_uint_eq(cardio_date_from_time(0), 19700101);
  ck_assert_uint_eq(cardio_date_add_days(20240228, 1), 20240229);
  ck_assert_uint_eq(cardio_date_add_days(20240229, 1), 20240301);
  ck_assert_uint_eq(cardio_date_add_days(20230228, 1), 20230301);
  ck_assert_uint_eq(cardio_date_add_days(20240101, -1), 20231231);
  ck_assert(cardio_date_valid(20240229));
  ck_assert(!cardio_date_valid(20230229));
  ck_assert(cardio_date_valid(20000229));
  ck_assert(!cardio_date_valid(21000229));
  ck_assert(!cardio_date_valid(20241301));
  ck_assert(!cardio_date_valid(20240100));
  ck_assert(!cardio_date_valid(18991231));
  {
    uint8_t b[4];
    hc_date_to_bcd(20250131, b);
    ck_assert(memcmp(b, "\x20\x25\x01\x31", 4) == 0);
    ck_assert_uint_eq(hc_date_from_bcd(b), 20250131);
    ck_assert_uint_eq(hc_date_from_bcd((const uint8_t *)"\x20\x2A\x01\x01"), 0);
  }
}
END_TEST

/* ----------------------------------------------------------------- crypto -- */

static void digest_is(enum cardio_suite s, const char *msg, const char *want_hex)
{
  uint8_t d[CARDIO_DIGEST_LEN], want[CARDIO_DIGEST_LEN];
  hct_hex(want_hex, want, sizeof want);
  ck_assert_int_eq(cardio_digest(s, (const uint8_t *)msg, strlen(msg), d), CARDIO_OK);
  ck_assert(memcmp(d, want, sizeof d) == 0);
}

START_TEST(test_hash_kat)
{
  /* FIPS 180-2 and GB/T 32905-2016 Appendix A example 1. */
  digest_is(CARDIO_SUITE_P256, "abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  digest_is(CARDIO_SUITE_SM2, "abc",
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}
END_TEST

START_TEST(test_pbkdf2_cmac_kat)
{
  uint8_t out[32], want[32], mac[16], key[16], msg[16];
  /* RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1), first 32 bytes. */
  hct_hex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc", want, 32);
  ck_assert_int_eq(cardio_pbkdf2(CARDIO_SUITE_P256, (const uint8_t *)"passwd", 6,
                                 (const uint8_t *)"salt", 4, 1, out),
                   CARDIO_OK);
  ck_assert(memcmp(out, want, 32) == 0);
  ck_assert_int_eq(cardio_pbkdf2(CARDIO_SUITE_P256, (const uint8_t *)"p", 1,
                                 (const uint8_t *)"s", 1, 0, out),
                   CARDIO_E_INVALID_ARG);
  /* RFC 4493 example 2. */
  hct_hex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
  hct_hex("6bc1bee22e409f96e93d7e117393172a", msg, 16);
  hct_hex("070a16b46b4d4144f79bdd9dd04a287c", want, 16);
  ck_assert_int_eq(cardio_cmac_aes128(key, msg, 16, mac), CARDIO_OK);
  ck_assert(memcmp(mac, want, 16) == 0);
}
END_TEST

/* SM2 known answer: GB/T 32918.5-2017 (GM/T 0003.5-2012) Appendix A, signature with
 * signer ID "1234567812345678" on the SM2 curve. It verifies only if our SM2 path
 * hashes Z with the default ID exactly as the standard does. */
START_TEST(test_sm2_kat)
{
  uint8_t point[CARDIO_POINT_LEN], sig[CARDIO_SIG_LEN];
  struct cardio_key *k = NULL;
  hct_hex("04"
          "09F9DF31 1E5421A1 50DD7D16 1E4BC5C6 72179FAD 1833FC07 6BB08FF3 56F35020"
          "CCEA490C E26775A5 2DC6EA71 8CC1AA60 0AED05FB F35E084A 6632F607 2DA9AD13",
          point, sizeof point);
  hct_hex("F5A03B06 48D2C463 0EEAC513 E1BB81A1 5944DA38 27D5B741 43AC7EAC EEE720B3"
          "B1B6AA29 DF212FD8 763182BC 0D421CA1 BB9038FD 1F7F42D4 840B69C4 85BBC1AA",
          sig, sizeof sig);
  ck_assert_int_eq(cardio_key_from_point(CARDIO_SUITE_SM2, point, sizeof point, &k), CARDIO_OK);
  ck_assert_int_eq(cardio_verify(k, (const uint8_t *)"message digest", 14, sig, sizeof sig),
                   CARDIO_OK);
  sig[63] ^= 1;
  ck_assert_int_eq(cardio_verify(k, (const uint8_t *)"message digest", 14, sig, sizeof sig),
                   CARDIO_E_VERIFY_FAILED);
  cardio_key_destroy(k);
}
END_TEST

/* And a signature made with another signer ID does not verify: the ID is really set. */
START_TEST(test_sm2_uses_default_id)
{
  struct cardio_key *k = NULL;
  uint8_t sig[CARDIO_SIG_LEN], der[80];
  size_t dlen = 0;
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pc;
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_SM2, &k), CARDIO_OK);
  /* Sign with the ID "ALICE123@YAHOO.COM" through raw EVP; our verify must refuse. */
  pc = EVP_PKEY_CTX_new(cardio_key_evp(k), NULL);
  ck_assert_int_eq(EVP_PKEY_CTX_set1_id(pc, "ALICE123@YAHOO.COM", 18), 1);
  EVP_MD_CTX_set_pkey_ctx(m, pc);
  ck_assert_int_eq(EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, cardio_key_evp(k)), 1);
  dlen = sizeof der;
  ck_assert_int_eq(EVP_DigestSign(m, der, &dlen, (const uint8_t *)"message digest", 14), 1);
  EVP_MD_CTX_free(m);
  EVP_PKEY_CTX_free(pc);
  ck_assert_int_eq(cardio_sig_der_to_raw(der, dlen, sig), CARDIO_OK);
  ck_assert_int_eq(cardio_verify(k, (const uint8_t *)"message digest", 14, sig, sizeof sig),
                   CARDIO_E_VERIFY_FAILED);
  /* And with the default ID through raw EVP: accepted. */
  m = EVP_MD_CTX_new();
  pc = EVP_PKEY_CTX_new(cardio_key_evp(k), NULL);
  ck_assert_int_eq(EVP_PKEY_CTX_set1_id(pc, CARDIO_SM2_DEFAULT_ID, 16), 1);
  EVP_MD_CTX_set_pkey_ctx(m, pc);
  ck_assert_int_eq(EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, cardio_key_evp(k)), 1);
  dlen = sizeof der;
  ck_assert_int_eq(EVP_DigestSign(m, der, &dlen, (const uint8_t *)"message digest", 14), 1);
  EVP_MD_CTX_free(m);
  EVP_PKEY_CTX_free(pc);
  ck_assert_int_eq(cardio_sig_der_to_raw(der, dlen, sig), CARDIO_OK);
  ck_assert_int_eq(cardio_verify(k, (const uint8_t *)"message digest", 14, sig, sizeof sig),
                   CARDIO_OK);
  cardio_key_destroy(k);
}
END_TEST

START_TEST(test_sign_verify_suites)
{
  enum cardio_suite suites[2] = {CARDIO_SUITE_P256, CARDIO_SUITE_SM2};
  for (int i = 0; i < 2; i++) {
    struct cardio_key *k = NULL, *pub = NULL, *other = NULL;
    uint8_t sig[CARDIO_SIG_LEN], point[CARDIO_POINT_LEN], bad[CARDIO_SIG_LEN];
    const uint8_t msg[] = "record bytes";
    ck_assert_int_eq(cardio_key_generate(suites[i], &k), CARDIO_OK);
    ck_assert_int_eq(cardio_key_generate(suites[i], &other), CARDIO_OK);
    ck_assert(cardio_key_has_private(k));
    ck_assert_int_eq(cardio_key_suite(k), suites[i]);
    ck_assert_int_eq(cardio_sign(k, msg, sizeof msg, sig), CARDIO_OK);
    ck_assert_int_eq(cardio_key_point(k, point), CARDIO_OK);
    ck_assert_int_eq(cardio_key_from_point(suites[i], point, sizeof point, &pub), CARDIO_OK);
    ck_assert(!cardio_key_has_private(pub));
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg, sig, sizeof sig), CARDIO_OK);
    /* Public keys cannot sign. */
    ck_assert_int_eq(cardio_sign(pub, msg, sizeof msg, bad), CARDIO_E_INVALID_ARG);
    /* One bit off in the message, the signature, or another key: refused. */
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg - 1, sig, sizeof sig),
                     CARDIO_E_VERIFY_FAILED);
    memcpy(bad, sig, sizeof bad);
    bad[10] ^= 1;
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg, bad, sizeof bad), CARDIO_E_VERIFY_FAILED);
    ck_assert_int_eq(cardio_verify(other, msg, sizeof msg, sig, sizeof sig),
                     CARDIO_E_VERIFY_FAILED);
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg, sig, 63), CARDIO_E_VERIFY_FAILED);
    /* r = 0, s = 0, and r = s = FF..FF (over the order) are refused, not crashes. */
    memset(bad, 0, sizeof bad);
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg, bad, sizeof bad), CARDIO_E_VERIFY_FAILED);
    memset(bad, 0xFF, sizeof bad);
    ck_assert_int_eq(cardio_verify(pub, msg, sizeof msg, bad, sizeof bad), CARDIO_E_VERIFY_FAILED);
    /* The same point under the other suite is another key: the signature fails. */
    {
      struct cardio_key *cross = NULL;
      if (cardio_key_from_point(suites[1 - i], point, sizeof point, &cross) == CARDIO_OK)
        ck_assert_int_eq(cardio_verify(cross, msg, sizeof msg, sig, sizeof sig),
                         CARDIO_E_VERIFY_FAILED);
      cardio_key_destroy(cross);
    }
    /* Points off the curve are refused at parse time. */
    point[64] ^= 1;
    {
      struct cardio_key *off = NULL;
      ck_assert_int_eq(cardio_key_from_point(suites[i], point, sizeof point, &off),
                       CARDIO_E_MALFORMED);
      ck_assert_ptr_null(off);
    }
    cardio_key_destroy(k);
    cardio_key_destroy(pub);
    cardio_key_destroy(other);
  }
}
END_TEST

START_TEST(test_sig_der)
{
  uint8_t raw[64], back[64], der[80];
  size_t n = 0;
  memset(raw, 0, sizeof raw);
  raw[31] = 1;    /* r = 1 */
  raw[32] = 0x80; /* s with the top bit set: DER adds a 00 */
  ck_assert_int_eq(cardio_sig_raw_to_der(raw, der, sizeof der, &n), CARDIO_OK);
  ck_assert_uint_eq(n, 2 + 3 + 2 + 33);
  ck_assert_int_eq(cardio_sig_der_to_raw(der, n, back), CARDIO_OK);
  ck_assert(memcmp(raw, back, 64) == 0);
  ck_assert_int_eq(cardio_sig_der_to_raw(der, n - 1, back), CARDIO_E_MALFORMED);
  ck_assert_int_eq(cardio_sig_raw_to_der(raw, der, 10, &n), CARDIO_E_BUFFER_TOO_SMALL);
}
END_TEST

START_TEST(test_key_files)
{
  char dir[] = "/tmp/yh-hc-keys-XXXXXX", path[128];
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR); /* the refused overwrite logs an error */
  struct cardio_key *k = NULL, *back = NULL;
  uint8_t id1[8], id2[8];
  struct stat st;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/k.pem", dir);
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_SM2, &k), CARDIO_OK);
  ck_assert_int_eq(cardio_key_save_private_pem(k, path), CARDIO_OK);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0600);
  /* Never overwritten. */
  ck_assert_int_eq(cardio_key_save_private_pem(k, path), CARDIO_E_IO);
  ck_assert_int_eq(cardio_key_load_pem(path, &back), CARDIO_OK);
  ck_assert_int_eq(cardio_key_suite(back), CARDIO_SUITE_SM2);
  ck_assert(cardio_key_has_private(back));
  cardio_key_id(k, id1);
  cardio_key_id(back, id2);
  ck_assert(memcmp(id1, id2, 8) == 0);
  cardio_key_destroy(k);
  cardio_key_destroy(back);
  hct_rmtree(dir);
}
END_TEST

static Suite *codec_suite(void)
{
  Suite *s = suite_create("honour.codec");
  TCase *t = tcase_create("tlv");
  tcase_add_loop_test(t, test_tlv_table, 0, sizeof tlv_cases / sizeof tlv_cases[0]);
  tcase_add_test(t, test_tlv_writer_roundtrip);
  tcase_add_test(t, test_tlv_writer_overflow);
  suite_add_tcase(s, t);

  t = tcase_create("record");
  tcase_add_checked_fixture(t, record_setup, record_teardown);
  tcase_add_test(t, test_record_roundtrip);
  tcase_add_test(t, test_record_max_size);
  tcase_add_loop_test(t, test_record_encoder_refuses, 0, sizeof bad_fields / sizeof bad_fields[0]);
  tcase_add_test(t, test_record_truncated_everywhere);
  tcase_add_test(t, test_record_malicious);
  tcase_add_test(t, test_signed_container);
  suite_add_tcase(s, t);

  t = tcase_create("crypto");
  tcase_add_test(t, test_dates);
  tcase_add_test(t, test_hash_kat);
  tcase_add_test(t, test_pbkdf2_cmac_kat);
  tcase_add_test(t, test_sm2_kat);
  tcase_add_test(t, test_sm2_uses_default_id);
  tcase_add_test(t, test_sign_verify_suites);
  tcase_add_test(t, test_sig_der);
  tcase_add_test(t, test_key_files);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(codec_suite());
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
