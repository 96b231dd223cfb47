/* Honour card holder record: codec, signing, the ID binding, names of things. */
#include <stdio.h>
#include <string.h>

#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardio/ssc.h"
#include "common/award.h"
#include "common/idno.h"
#include "common/utf8.h"
#include "hc_int.h"
#include "hc_tlv.h"

/* ------------------------------------------------------------------ names -- */

static const char *const check_names[CARDIO_HC_CHECK_COUNT] = {
  "format", "chain", "signature", "card-key", "validity",
};

const char *cardio_hc_check_name(enum cardio_hc_check c)
{
  return (unsigned)c < CARDIO_HC_CHECK_COUNT ? check_names[c] : "unknown";
}

const char *cardio_hc_status_name(enum cardio_hc_status s)
{
  switch (s) {
  case CARDIO_HC_PASSED:
    return "passed";
  case CARDIO_HC_FAILED:
    return "failed";
  case CARDIO_HC_NOT_CHECKED:
    return "not-checked";
  }
  return "unknown";
}

const char *cardio_hc_reason_text(enum cardio_hc_reason r)
{
  switch (r) {
#define CARDIO_HC_X_TEXT(name, text) \
  case CARDIO_HC_REASON_##name:      \
    return text;
    CARDIO_HC_REASON_MAP(CARDIO_HC_X_TEXT)
#undef CARDIO_HC_X_TEXT
  default:
    return "unknown reason";
  }
}

const char *cardio_hc_reason_name(enum cardio_hc_reason r)
{
  switch (r) {
#define CARDIO_HC_X_NAME(name, text) \
  case CARDIO_HC_REASON_##name:      \
    return #name;
    CARDIO_HC_REASON_MAP(CARDIO_HC_X_NAME)
#undef CARDIO_HC_X_NAME
  default:
    return "UNKNOWN";
  }
}

const char *cardio_hc_match_name(enum cardio_hc_match m)
{
  switch (m) {
  case CARDIO_HC_MATCH:
    return "match";
  case CARDIO_HC_NO_MATCH:
    return "no-match";
  case CARDIO_HC_BAD_ID:
    return "bad-id";
  case CARDIO_HC_MATCH_ERROR:
    return "error";
  }
  return "unknown";
}

/* ------------------------------------------------------------------ dates -- */

void hc_date_to_bcd(uint32_t date, uint8_t out[4])
{
  for (int i = 3; i >= 0; i--) {
    unsigned two = date % 100;
    out[i] = (uint8_t)((two / 10) << 4 | (two % 10));
    date /= 100;
  }
}

uint32_t hc_date_from_bcd(const uint8_t in[4])
{
  uint32_t d = 0;
  for (int i = 0; i < 4; i++) {
    unsigned hi = in[i] >> 4, lo = in[i] & 0x0F;
    if (hi > 9 || lo > 9)
      return 0;
    d = d * 100 + hi * 10 + lo;
  }
  return d;
}

/* ------------------------------------------------------------ field rules -- */

/* The card-spec's field grammar (1..20 of [0-9A-Z-]), not the number's rule: the codec
 * carries what the card holds, and the terminal's decision refuses a number whose check
 * digits are wrong (common_cardno_valid) as CARD_NO_INVALID, a journaled DENY. */
static int cardno_field_ok(const char *s, size_t len)
{
  if (len == 0 || len > CARDIO_HC_CARDNO_MAX)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '-'))
      return 0;
  return 1;
}

static int suite_ok(unsigned s)
{
  return s == CARDIO_SUITE_P256 || s == CARDIO_SUITE_SM2;
}

/* The rules the decoder applies, for the encoder to refuse what would not decode. */
static int record_fields_ok(const struct cardio_hc_record *r)
{
  size_t nlen = strnlen(r->name_masked, sizeof r->name_masked);
  return r->version == CARDIO_HC_VERSION &&
         cardno_field_ok(r->card_number, strnlen(r->card_number, sizeof r->card_number)) &&
         r->generation <= 255 && nlen > 0 && nlen <= CARDIO_HC_NAME_MAX &&
         common_utf8_printable(r->name_masked, nlen) && suite_ok(r->id_suite) &&
         r->id_iterations >= 1 && r->id_iterations <= CARDIO_PBKDF2_MAX_ITER &&
         common_award_carries_card((int)r->award, r->award_level) && r->award_round >= 2018 &&
         r->award_round <= 9999 && cardio_date_valid(r->issue_date) &&
         cardio_date_valid(r->not_after) && r->issue_date <= r->not_after &&
         suite_ok(r->card_suite) && r->card_point[0] == 0x04 &&
         r->photo_len <= CARDIO_HC_PHOTO_MAX;
}

/* ------------------------------------------------------------------ codec -- */

int cardio_hc_record_encode(const struct cardio_hc_record *rec, uint8_t *buf, size_t cap,
                            size_t *len)
{
  struct hc_tlv_writer w;
  uint8_t b[5];
  size_t mark;
  if (!rec || !buf || !len)
    return CARDIO_E_INVALID_ARG;
  if (!record_fields_ok(rec))
    return CARDIO_E_INVALID_ARG;
  hc_tlv_writer_init(&w, buf, cap);
  mark = hc_tlv_open(&w, HC_TAG_RECORD);
  hc_tlv_put_u8(&w, HC_TAG_VERSION, (uint8_t)rec->version);
  hc_tlv_put(&w, HC_TAG_CARDNO, rec->card_number, strlen(rec->card_number));
  hc_tlv_put_u8(&w, HC_TAG_GENERATION, (uint8_t)rec->generation);
  hc_tlv_put(&w, HC_TAG_NAME, rec->name_masked, strlen(rec->name_masked));
  b[0] = (uint8_t)rec->id_suite;
  b[1] = (uint8_t)(rec->id_iterations >> 24);
  b[2] = (uint8_t)(rec->id_iterations >> 16);
  b[3] = (uint8_t)(rec->id_iterations >> 8);
  b[4] = (uint8_t)rec->id_iterations;
  hc_tlv_put(&w, HC_TAG_ID_PARAMS, b, 5);
  hc_tlv_put(&w, HC_TAG_ID_SALT, rec->id_salt, CARDIO_HC_SALT_LEN);
  hc_tlv_put(&w, HC_TAG_ID_DIGEST, rec->id_digest, CARDIO_DIGEST_LEN);
  b[0] = (uint8_t)rec->award;
  b[1] = (uint8_t)rec->award_level;
  hc_tlv_put(&w, HC_TAG_AWARD, b, 2);
  b[0] = (uint8_t)(rec->award_round >> 8);
  b[1] = (uint8_t)rec->award_round;
  hc_tlv_put(&w, HC_TAG_ROUND, b, 2);
  hc_date_to_bcd(rec->issue_date, b);
  hc_tlv_put(&w, HC_TAG_ISSUED, b, 4);
  hc_date_to_bcd(rec->not_after, b);
  hc_tlv_put(&w, HC_TAG_NOT_AFTER, b, 4);
  hc_tlv_put(&w, HC_TAG_ISSUER_KEYID, rec->issuer_key_id, CARDIO_KEYID_LEN);
  hc_tlv_put_u8(&w, HC_TAG_CARD_SUITE, (uint8_t)rec->card_suite);
  hc_tlv_put(&w, HC_TAG_CARD_POINT, rec->card_point, CARDIO_POINT_LEN);
  hc_tlv_put(&w, HC_TAG_PHOTO_DIGEST, rec->photo_digest, CARDIO_DIGEST_LEN);
  b[0] = (uint8_t)(rec->photo_len >> 8);
  b[1] = (uint8_t)rec->photo_len;
  hc_tlv_put(&w, HC_TAG_PHOTO_LEN, b, 2);
  hc_tlv_close(&w, mark);
  if (w.err)
    return w.err;
  *len = w.len;
  return CARDIO_OK;
}

/* Fixed sizes of the fields; 0 = variable (checked by its own rule). */
static size_t field_size(uint32_t tag)
{
  switch (tag) {
  case HC_TAG_VERSION:
  case HC_TAG_GENERATION:
  case HC_TAG_CARD_SUITE:
    return 1;
  case HC_TAG_ID_PARAMS:
    return 5;
  case HC_TAG_ID_SALT:
    return CARDIO_HC_SALT_LEN;
  case HC_TAG_ID_DIGEST:
  case HC_TAG_PHOTO_DIGEST:
    return CARDIO_DIGEST_LEN;
  case HC_TAG_AWARD:
  case HC_TAG_ROUND:
  case HC_TAG_PHOTO_LEN:
    return 2;
  case HC_TAG_ISSUED:
  case HC_TAG_NOT_AFTER:
    return 4;
  case HC_TAG_ISSUER_KEYID:
    return CARDIO_KEYID_LEN;
  case HC_TAG_CARD_POINT:
    return CARDIO_POINT_LEN;
  default:
    return 0;
  }
}

static enum cardio_hc_reason tlv_reason(int rc)
{
  return rc == HC_TLV_TRUNCATED ? CARDIO_HC_REASON_TRUNCATED : CARDIO_HC_REASON_MALFORMED;
}

static int fail(enum cardio_hc_reason *why, enum cardio_hc_reason r)
{
  if (why)
    *why = r;
  return CARDIO_E_MALFORMED;
}

static int decode_field(struct cardio_hc_record *r, const struct hc_tlv *t)
{
  const uint8_t *v = t->value;
  size_t fixed = field_size(t->tag);
  if (fixed && t->len != fixed)
    return 0;
  switch (t->tag) {
  case HC_TAG_VERSION:
    r->version = v[0];
    return 1;
  case HC_TAG_CARDNO:
    if (!cardno_field_ok((const char *)v, t->len))
      return 0;
    memcpy(r->card_number, v, t->len);
    return 1;
  case HC_TAG_GENERATION:
    r->generation = v[0];
    return 1;
  case HC_TAG_NAME:
    if (t->len == 0 || t->len > CARDIO_HC_NAME_MAX || !common_utf8_printable(v, t->len))
      return 0;
    memcpy(r->name_masked, v, t->len);
    return 1;
  case HC_TAG_ID_PARAMS:
    r->id_suite = (enum cardio_suite)v[0];
    r->id_iterations = (uint32_t)v[1] << 24 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 8 | v[4];
    return suite_ok(v[0]) && r->id_iterations >= 1 &&
           r->id_iterations <= CARDIO_PBKDF2_MAX_ITER;
  case HC_TAG_ID_SALT:
    memcpy(r->id_salt, v, CARDIO_HC_SALT_LEN);
    return 1;
  case HC_TAG_ID_DIGEST:
    memcpy(r->id_digest, v, CARDIO_DIGEST_LEN);
    return 1;
  case HC_TAG_AWARD:
    r->award = (enum cardio_hc_award)v[0];
    r->award_level = v[1];
    return common_award_carries_card((int)r->award, r->award_level);
  case HC_TAG_ROUND:
    r->award_round = (unsigned)v[0] << 8 | v[1];
    return r->award_round >= 2018 && r->award_round <= 9999;
  case HC_TAG_ISSUED:
    r->issue_date = hc_date_from_bcd(v);
    return cardio_date_valid(r->issue_date);
  case HC_TAG_NOT_AFTER:
    r->not_after = hc_date_from_bcd(v);
    return cardio_date_valid(r->not_after);
  case HC_TAG_ISSUER_KEYID:
    memcpy(r->issuer_key_id, v, CARDIO_KEYID_LEN);
    return 1;
  case HC_TAG_CARD_SUITE:
    r->card_suite = (enum cardio_suite)v[0];
    return suite_ok(v[0]);
  case HC_TAG_CARD_POINT:
    memcpy(r->card_point, v, CARDIO_POINT_LEN);
    return v[0] == 0x04;
  case HC_TAG_PHOTO_DIGEST:
    memcpy(r->photo_digest, v, CARDIO_DIGEST_LEN);
    return 1;
  case HC_TAG_PHOTO_LEN:
    r->photo_len = (uint32_t)v[0] << 8 | v[1];
    return 1;
  default:
    return 0;
  }
}

int cardio_hc_record_decode(const uint8_t *buf, size_t len, struct cardio_hc_record *rec,
                            enum cardio_hc_reason *why)
{
  struct hc_tlv_cursor c;
  struct hc_tlv outer, t;
  uint32_t want = HC_TAG_VERSION;
  int rc;

  if (!rec)
    return CARDIO_E_INVALID_ARG;
  memset(rec, 0, sizeof *rec);
  if (!buf || len == 0)
    return fail(why, CARDIO_HC_REASON_NO_RECORD);
  if (len > CARDIO_HC_SIGNED_MAX)
    return fail(why, CARDIO_HC_REASON_TOO_LARGE);
  hc_tlv_cursor_init(&c, buf, len);
  rc = hc_tlv_next(&c, &outer);
  if (rc != CARDIO_OK)
    return fail(why, tlv_reason(rc));
  if (outer.tag != HC_TAG_RECORD || c.left != 0)
    return fail(why, CARDIO_HC_REASON_MALFORMED);

  /* Every field exactly once, in tag order 80..8F: a canonical encoding, so that one
   * record has one byte string and nothing unknown rides along under the signature. */
  hc_tlv_cursor_init(&c, outer.value, outer.len);
  while ((rc = hc_tlv_next(&c, &t)) == CARDIO_OK) {
    if (want == HC_TAG_VERSION && t.tag == HC_TAG_VERSION && t.len == 1 &&
        t.value[0] != CARDIO_HC_VERSION) {
      memset(rec, 0, sizeof *rec);
      return fail(why, CARDIO_HC_REASON_UNSUPPORTED_VERSION);
    }
    if (t.tag != want || t.constructed || !decode_field(rec, &t)) {
      memset(rec, 0, sizeof *rec);
      return fail(why, CARDIO_HC_REASON_BAD_FIELD);
    }
    want++;
  }
  if (rc != CARDIO_E_NOT_FOUND) {
    memset(rec, 0, sizeof *rec);
    return fail(why, tlv_reason(rc));
  }
  if (want != HC_TAG_PHOTO_LEN + 1 || rec->issue_date > rec->not_after) {
    memset(rec, 0, sizeof *rec);
    return fail(why, CARDIO_HC_REASON_BAD_FIELD);
  }
  if (why)
    *why = CARDIO_HC_REASON_NONE;
  return CARDIO_OK;
}

int hc_signed_decode(const uint8_t *buf, size_t len, struct cardio_hc_record *rec,
                     struct hc_signed *s, enum cardio_hc_reason *why)
{
  struct hc_tlv_cursor c;
  struct hc_tlv outer, trec, tsig;
  int rc;

  memset(rec, 0, sizeof *rec);
  memset(s, 0, sizeof *s);
  if (!buf || len == 0)
    return fail(why, CARDIO_HC_REASON_NO_RECORD);
  if (len > CARDIO_HC_SIGNED_MAX)
    return fail(why, CARDIO_HC_REASON_TOO_LARGE);
  hc_tlv_cursor_init(&c, buf, len);
  rc = hc_tlv_next(&c, &outer);
  if (rc != CARDIO_OK)
    return fail(why, tlv_reason(rc));
  if (outer.tag != HC_TAG_SIGNED || c.left != 0)
    return fail(why, CARDIO_HC_REASON_MALFORMED);
  hc_tlv_cursor_init(&c, outer.value, outer.len);
  if ((rc = hc_tlv_next(&c, &trec)) != CARDIO_OK)
    return fail(why, rc == CARDIO_E_NOT_FOUND ? CARDIO_HC_REASON_TRUNCATED : tlv_reason(rc));
  if (trec.tag != HC_TAG_RECORD)
    return fail(why, CARDIO_HC_REASON_MALFORMED);
  if ((rc = hc_tlv_next(&c, &tsig)) != CARDIO_OK)
    return fail(why, rc == CARDIO_E_NOT_FOUND ? CARDIO_HC_REASON_TRUNCATED : tlv_reason(rc));
  if (tsig.tag != HC_TAG_ISSUER_SIG || c.left != 0)
    return fail(why, CARDIO_HC_REASON_MALFORMED);
  if (tsig.len != CARDIO_SIG_LEN)
    return fail(why, CARDIO_HC_REASON_BAD_FIELD);
  rc = cardio_hc_record_decode(trec.raw, trec.raw_len, rec, why);
  if (rc != CARDIO_OK)
    return rc;
  s->tbs = trec.raw;
  s->tbs_len = trec.raw_len;
  s->sig = tsig.value;
  return CARDIO_OK;
}

int cardio_hc_sign_record(struct cardio_hc_record *rec, const struct cardio_key *issuer_key,
                          uint8_t *buf, size_t cap, size_t *len)
{
  uint8_t tbs[CARDIO_HC_SIGNED_MAX], sig[CARDIO_SIG_LEN];
  size_t tbs_len = 0, mark;
  struct hc_tlv_writer w;
  int rc;

  if (!rec || !issuer_key || !buf || !len || !cardio_key_has_private(issuer_key))
    return CARDIO_E_INVALID_ARG;
  rc = cardio_key_id(issuer_key, rec->issuer_key_id);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_hc_record_encode(rec, tbs, sizeof tbs, &tbs_len);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_sign(issuer_key, tbs, tbs_len, sig);
  if (rc != CARDIO_OK)
    return rc;
  hc_tlv_writer_init(&w, buf, cap < CARDIO_HC_SIGNED_MAX ? cap : CARDIO_HC_SIGNED_MAX);
  mark = hc_tlv_open(&w, HC_TAG_SIGNED);
  if (!w.err && tbs_len <= w.cap - w.len) {
    memcpy(w.buf + w.len, tbs, tbs_len);
    w.len += tbs_len;
  } else if (!w.err) {
    w.err = CARDIO_E_BUFFER_TOO_SMALL;
  }
  hc_tlv_put(&w, HC_TAG_ISSUER_SIG, sig, CARDIO_SIG_LEN);
  hc_tlv_close(&w, mark);
  if (w.err)
    return w.err;
  *len = w.len;
  return CARDIO_OK;
}

/* ------------------------------------------------------------- ID binding -- */

/* The ID number as bound: 18 characters, 'x' as 'X'. 0 when it is not a valid ID. */
static int id_normalise(const char *id, char out[CARDIO_ID_LEN + 1])
{
  return id && common_id_check(id, strnlen(id, CARDIO_ID_LEN + 1), out, NULL) == COMMON_ID_OK;
}

int cardio_hc_record_bind_id(struct cardio_hc_record *rec, enum cardio_suite suite,
                             const char *id_number, uint32_t iterations)
{
  char id[CARDIO_ID_LEN + 1];
  int rc;
  if (!rec || !suite_ok(suite) || iterations > CARDIO_PBKDF2_MAX_ITER)
    return CARDIO_E_INVALID_ARG;
  if (!id_normalise(id_number, id))
    return CARDIO_E_INVALID_ARG;
  rec->id_suite = suite;
  rec->id_iterations = iterations ? iterations : CARDIO_HC_ID_ITER_DEFAULT;
  rc = cardio_random(rec->id_salt, CARDIO_HC_SALT_LEN);
  if (rc == CARDIO_OK)
    rc = cardio_pbkdf2(suite, (const uint8_t *)id, CARDIO_ID_LEN, rec->id_salt,
                       CARDIO_HC_SALT_LEN, rec->id_iterations, rec->id_digest);
  cardio_cleanse(id, sizeof id);
  return rc;
}

enum cardio_hc_match cardio_hc_holder_match(const struct cardio_hc_record *rec,
                                            const char *id_number)
{
  char id[CARDIO_ID_LEN + 1];
  uint8_t d[CARDIO_DIGEST_LEN];
  unsigned diff = 0;
  int rc;
  if (!rec || !suite_ok(rec->id_suite) || rec->id_iterations == 0 ||
      rec->id_iterations > CARDIO_PBKDF2_MAX_ITER)
    return CARDIO_HC_MATCH_ERROR;
  if (!id_normalise(id_number, id))
    return CARDIO_HC_BAD_ID;
  rc = cardio_pbkdf2(rec->id_suite, (const uint8_t *)id, CARDIO_ID_LEN, rec->id_salt,
                     CARDIO_HC_SALT_LEN, rec->id_iterations, d);
  cardio_cleanse(id, sizeof id);
  if (rc != CARDIO_OK)
    return CARDIO_HC_MATCH_ERROR;
  for (size_t i = 0; i < CARDIO_DIGEST_LEN; i++)
    diff |= (unsigned)(d[i] ^ rec->id_digest[i]);
  cardio_cleanse(d, sizeof d);
  return diff == 0 ? CARDIO_HC_MATCH : CARDIO_HC_NO_MATCH;
}

/* ------------------------------------------------------- card-side signing -- */

int cardio_hc_card_sign(const struct cardio_key *card_key, const uint8_t *challenge,
                        size_t challenge_len, uint8_t sig[CARDIO_SIG_LEN])
{
  uint8_t msg[CARDIO_HC_IA_PREFIX_LEN + 64];
  if (!card_key || !challenge || !sig || challenge_len == 0 || challenge_len > 64)
    return CARDIO_E_INVALID_ARG;
  memcpy(msg, CARDIO_HC_IA_PREFIX, CARDIO_HC_IA_PREFIX_LEN);
  memcpy(msg + CARDIO_HC_IA_PREFIX_LEN, challenge, challenge_len);
  return cardio_sign(card_key, msg, CARDIO_HC_IA_PREFIX_LEN + challenge_len, sig);
}

int cardio_hc_transport_key(const uint8_t master[16], const uint8_t serial[CARDIO_HC_SERIAL_LEN],
                            uint8_t key[16])
{
  uint8_t msg[4 + CARDIO_HC_SERIAL_LEN];
  if (!master || !serial || !key)
    return CARDIO_E_INVALID_ARG;
  memcpy(msg, "YHTK", 4);
  memcpy(msg + 4, serial, CARDIO_HC_SERIAL_LEN);
  return cardio_cmac_aes128(master, msg, sizeof msg, key);
}
