/* Honour card verification: the five checks over what the card returned. No I/O. */
#include <stdio.h>
#include <string.h>

#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "hc_int.h"
#include "hc_tlv.h"

void hc_result_init(struct cardio_hc_result *res)
{
  memset(res, 0, sizeof *res);
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT; i++) {
    res->check[i].status = CARDIO_HC_NOT_CHECKED;
    res->check[i].reason = CARDIO_HC_REASON_PREREQUISITE;
  }
}

static void set_check(struct cardio_hc_result *res, enum cardio_hc_check c,
                      enum cardio_hc_status st, enum cardio_hc_reason why, uint16_t sw)
{
  res->check[c].status = st;
  res->check[c].reason = why;
  res->check[c].sw = sw;
}

int cardio_hc_result_genuine(const struct cardio_hc_result *res)
{
  if (!res)
    return 0;
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT; i++)
    if (res->check[i].status != CARDIO_HC_PASSED)
      return 0;
  return 1;
}

void cardio_hc_result_summary(const struct cardio_hc_result *res, char *buf, size_t cap)
{
  size_t used = 0;
  if (!buf || cap == 0)
    return;
  buf[0] = '\0';
  if (!res)
    return;
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT && used < cap; i++) {
    const struct cardio_hc_check_result *c = &res->check[i];
    int n;
    if (c->status == CARDIO_HC_PASSED)
      n = snprintf(buf + used, cap - used, "%s%s=passed", i ? " " : "",
                   cardio_hc_check_name((enum cardio_hc_check)i));
    else if (c->sw)
      n = snprintf(buf + used, cap - used, "%s%s=%s(%s,sw=%04X)", i ? " " : "",
                   cardio_hc_check_name((enum cardio_hc_check)i),
                   cardio_hc_status_name(c->status), cardio_hc_reason_name(c->reason), c->sw);
    else
      n = snprintf(buf + used, cap - used, "%s%s=%s(%s)", i ? " " : "",
                   cardio_hc_check_name((enum cardio_hc_check)i),
                   cardio_hc_status_name(c->status), cardio_hc_reason_name(c->reason));
    if (n < 0)
      return;
    used += (size_t)n;
  }
}

int hc_fci_decode(const uint8_t *buf, size_t len, struct hc_fci *f, enum cardio_hc_reason *why)
{
  struct hc_tlv_cursor c;
  struct hc_tlv fci, t;
  int rc;

  memset(f, 0, sizeof *f);
  *why = CARDIO_HC_REASON_MALFORMED;
  if (!buf || len == 0) {
    *why = CARDIO_HC_REASON_NO_RECORD;
    return CARDIO_E_MALFORMED;
  }
  hc_tlv_cursor_init(&c, buf, len);
  rc = hc_tlv_next(&c, &fci);
  if (rc != CARDIO_OK) {
    *why = rc == HC_TLV_TRUNCATED ? CARDIO_HC_REASON_TRUNCATED : CARDIO_HC_REASON_MALFORMED;
    return CARDIO_E_MALFORMED;
  }
  if (fci.tag != HC_TAG_FCI || c.left != 0)
    return CARDIO_E_MALFORMED;
  /* The DF name must be ours: a card that answers SELECT with someone else's FCI
   * has no honour application. */
  rc = hc_tlv_find(fci.value, fci.len, HC_TAG_DF_NAME, &t);
  if (rc == CARDIO_E_NOT_FOUND) {
    *why = CARDIO_HC_REASON_NO_APPLICATION;
    return CARDIO_E_MALFORMED;
  }
  if (rc != CARDIO_OK) {
    *why = rc == HC_TLV_TRUNCATED ? CARDIO_HC_REASON_TRUNCATED : CARDIO_HC_REASON_MALFORMED;
    return CARDIO_E_MALFORMED;
  }
  if (t.len != CARDIO_HC_AID_LEN || memcmp(t.value, CARDIO_HC_AID, CARDIO_HC_AID_LEN) != 0) {
    *why = CARDIO_HC_REASON_NO_APPLICATION;
    return CARDIO_E_MALFORMED;
  }
  if (hc_tlv_find(fci.value, fci.len, HC_TAG_LCS, &t) == CARDIO_OK && t.len == 1)
    f->lcs = t.value[0];
  rc = hc_tlv_find(fci.value, fci.len, HC_TAG_FCI_PROP, &t);
  if (rc == CARDIO_E_NOT_FOUND) {
    *why = CARDIO_HC_REASON_NO_RECORD;
    return CARDIO_OK; /* a blank card: no record yet */
  }
  if (rc != CARDIO_OK)
    return CARDIO_E_MALFORMED;
  {
    struct hc_tlv_cursor pc;
    struct hc_tlv p;
    hc_tlv_cursor_init(&pc, t.value, t.len);
    while ((rc = hc_tlv_next(&pc, &p)) == CARDIO_OK) {
      if (p.tag == HC_TAG_SERIAL && p.len == CARDIO_HC_SERIAL_LEN) {
        memcpy(f->serial, p.value, CARDIO_HC_SERIAL_LEN);
        f->have_serial = 1;
      } else if (p.tag == HC_TAG_SIGNED) {
        f->signed_rec = p.raw;
        f->signed_len = p.raw_len;
      }
    }
    if (rc != CARDIO_E_NOT_FOUND) {
      *why = rc == HC_TLV_TRUNCATED ? CARDIO_HC_REASON_TRUNCATED : CARDIO_HC_REASON_MALFORMED;
      return CARDIO_E_MALFORMED;
    }
  }
  *why = f->signed_rec ? CARDIO_HC_REASON_NONE : CARDIO_HC_REASON_NO_RECORD;
  return CARDIO_OK;
}

static enum cardio_hc_reason trust_reason(enum cardio_trust_verdict v)
{
  switch (v) {
  case CARDIO_TRUST_OK:
    return CARDIO_HC_REASON_NONE;
  case CARDIO_TRUST_UNKNOWN_ISSUER:
    return CARDIO_HC_REASON_UNKNOWN_ISSUER;
  case CARDIO_TRUST_RETIRED:
    return CARDIO_HC_REASON_ISSUER_RETIRED;
  case CARDIO_TRUST_ISSUER_NOT_VALID:
    return CARDIO_HC_REASON_ISSUER_NOT_VALID;
  case CARDIO_TRUST_ROOT_NOT_VALID:
    return CARDIO_HC_REASON_ROOT_NOT_VALID;
  }
  return CARDIO_HC_REASON_UNKNOWN_ISSUER;
}

/* Chain, signature, card key and validity over a decoded record. */
static void check_record(const struct cardio_trust *trust, int64_t now,
                         const struct hc_signed *s, const uint8_t *challenge,
                         size_t challenge_len, const uint8_t *card_sig, size_t card_sig_len,
                         uint16_t ia_sw, struct cardio_hc_result *res)
{
  const struct cardio_hc_record *rec = &res->rec;
  const struct cardio_key *ikey = NULL;
  struct cardio_key *ckey = NULL;
  enum cardio_trust_verdict v;
  uint32_t today;
  int rc;

  /* CHAIN. The issuer key, when known, is returned even if the verdict is bad, so that
   * the signature is still checked and reported on its own. */
  if (trust) {
    v = cardio_trust_check_issuer(trust, rec->issuer_key_id, rec->issue_date, now, &ikey);
    set_check(res, CARDIO_HC_CHECK_CHAIN, v == CARDIO_TRUST_OK ? CARDIO_HC_PASSED : CARDIO_HC_FAILED,
              trust_reason(v), 0);
  }

  /* SIGNATURE */
  if (ikey) {
    rc = cardio_verify(ikey, s->tbs, s->tbs_len, s->sig, CARDIO_SIG_LEN);
    if (rc == CARDIO_OK)
      set_check(res, CARDIO_HC_CHECK_SIGNATURE, CARDIO_HC_PASSED, CARDIO_HC_REASON_NONE, 0);
    else
      set_check(res, CARDIO_HC_CHECK_SIGNATURE, CARDIO_HC_FAILED,
                rc == CARDIO_E_VERIFY_FAILED ? CARDIO_HC_REASON_BAD_SIGNATURE
                                             : CARDIO_HC_REASON_CRYPTO, 0);
  }

  /* CARD_KEY */
  rc = cardio_key_from_point(rec->card_suite, rec->card_point, CARDIO_POINT_LEN, &ckey);
  if (rc == CARDIO_E_MALFORMED) {
    set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_FAILED, CARDIO_HC_REASON_BAD_CARD_KEY, 0);
  } else if (rc != CARDIO_OK) {
    set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_FAILED, CARDIO_HC_REASON_CRYPTO, 0);
  } else if (ia_sw && ia_sw != 0x9000) {
    set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_FAILED, CARDIO_HC_REASON_CARD_REFUSED,
              ia_sw);
  } else if (card_sig && challenge) {
    if (card_sig_len != CARDIO_SIG_LEN) {
      set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_FAILED,
                CARDIO_HC_REASON_CARD_BAD_RESPONSE, 0);
    } else {
      uint8_t msg[CARDIO_HC_IA_PREFIX_LEN + 64];
      size_t n = challenge_len > 64 ? 64 : challenge_len;
      memcpy(msg, CARDIO_HC_IA_PREFIX, CARDIO_HC_IA_PREFIX_LEN);
      memcpy(msg + CARDIO_HC_IA_PREFIX_LEN, challenge, n);
      rc = cardio_verify(ckey, msg, CARDIO_HC_IA_PREFIX_LEN + n, card_sig, card_sig_len);
      if (rc == CARDIO_OK)
        set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_PASSED, CARDIO_HC_REASON_NONE, 0);
      else
        set_check(res, CARDIO_HC_CHECK_CARD_KEY, CARDIO_HC_FAILED,
                  rc == CARDIO_E_VERIFY_FAILED ? CARDIO_HC_REASON_CARD_KEY_MISMATCH
                                               : CARDIO_HC_REASON_CRYPTO, 0);
    }
  }
  cardio_key_destroy(ckey);

  /* VALIDITY: dates are inclusive, in China Standard Time. */
  today = cardio_date_from_time(now);
  if (today < rec->issue_date)
    set_check(res, CARDIO_HC_CHECK_VALIDITY, CARDIO_HC_FAILED, CARDIO_HC_REASON_NOT_YET_VALID, 0);
  else if (today > rec->not_after)
    set_check(res, CARDIO_HC_CHECK_VALIDITY, CARDIO_HC_FAILED, CARDIO_HC_REASON_EXPIRED, 0);
  else
    set_check(res, CARDIO_HC_CHECK_VALIDITY, CARDIO_HC_PASSED, CARDIO_HC_REASON_NONE, 0);
}

static void verify_signed(const struct cardio_trust *trust, int64_t now,
                          const uint8_t *signed_rec, size_t signed_len,
                          const uint8_t *challenge, size_t challenge_len,
                          const uint8_t *card_sig, size_t card_sig_len, uint16_t ia_sw,
                          struct cardio_hc_result *res)
{
  struct hc_signed s;
  enum cardio_hc_reason why = CARDIO_HC_REASON_MALFORMED;
  if (hc_signed_decode(signed_rec, signed_len, &res->rec, &s, &why) != CARDIO_OK) {
    set_check(res, CARDIO_HC_CHECK_FORMAT, CARDIO_HC_FAILED, why, 0);
    return;
  }
  res->have_record = 1;
  set_check(res, CARDIO_HC_CHECK_FORMAT, CARDIO_HC_PASSED, CARDIO_HC_REASON_NONE, 0);
  check_record(trust, now, &s, challenge, challenge_len, card_sig, card_sig_len, ia_sw, res);
}

int cardio_hc_verify_signed(const struct cardio_trust *trust, int64_t now,
                            const uint8_t *signed_rec, size_t signed_len,
                            const uint8_t *challenge, size_t challenge_len,
                            const uint8_t *card_sig, size_t card_sig_len,
                            struct cardio_hc_result *res)
{
  if (!res)
    return CARDIO_E_INVALID_ARG;
  hc_result_init(res);
  if (!trust || (card_sig && !challenge))
    return CARDIO_E_INVALID_ARG;
  verify_signed(trust, now, signed_rec, signed_len, challenge, challenge_len, card_sig,
                card_sig_len, 0, res);
  return CARDIO_OK;
}

void hc_verify_fci_decoded(const struct cardio_trust *trust, int64_t now,
                           const struct hc_fci *f, int allow_init, const uint8_t *challenge,
                           size_t challenge_len, const uint8_t *card_sig,
                           size_t card_sig_len, uint16_t ia_sw, struct cardio_hc_result *res)
{
  res->lifecycle = f->lcs;
  if (f->lcs != CARDIO_HC_LCS_ACTIVE && !(allow_init && f->lcs == CARDIO_HC_LCS_INIT)) {
    set_check(res, CARDIO_HC_CHECK_FORMAT, CARDIO_HC_FAILED,
              f->lcs == CARDIO_HC_LCS_INIT ? CARDIO_HC_REASON_NOT_PERSONALISED
                                           : CARDIO_HC_REASON_MALFORMED, 0);
    return;
  }
  if (!f->signed_rec) {
    set_check(res, CARDIO_HC_CHECK_FORMAT, CARDIO_HC_FAILED, CARDIO_HC_REASON_NO_RECORD, 0);
    return;
  }
  verify_signed(trust, now, f->signed_rec, f->signed_len, challenge, challenge_len, card_sig,
                card_sig_len, ia_sw, res);
}

int cardio_hc_verify_fci(const struct cardio_trust *trust, int64_t now, const uint8_t *fci,
                         size_t fci_len, const uint8_t *challenge, size_t challenge_len,
                         const uint8_t *card_sig, size_t card_sig_len,
                         struct cardio_hc_result *res)
{
  struct hc_fci f;
  enum cardio_hc_reason why;
  if (!res)
    return CARDIO_E_INVALID_ARG;
  hc_result_init(res);
  if (!trust || (card_sig && !challenge))
    return CARDIO_E_INVALID_ARG;
  if (hc_fci_decode(fci, fci_len, &f, &why) != CARDIO_OK) {
    set_check(res, CARDIO_HC_CHECK_FORMAT, CARDIO_HC_FAILED, why, 0);
    return CARDIO_OK;
  }
  hc_verify_fci_decoded(trust, now, &f, 0, challenge, challenge_len, card_sig, card_sig_len, 0,
                        res);
  return CARDIO_OK;
}
