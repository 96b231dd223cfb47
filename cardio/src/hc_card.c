/* Honour card over a struct cardio_card: the fast path, the photo, personalisation. */
#include <stdlib.h>
#include <string.h>

#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardio/ssc.h"
#include "cardio_int.h"
#include "common/idno.h"
#include "hc_int.h"

#define HC_FCI_MAX 1024u

/* Transport errors that mean "the card said something we cannot use", which is a
 * verdict on the card, against those that mean "the exchange broke", which the caller
 * should retry. */
static int is_card_verdict(int rc)
{
  return rc == CARDIO_E_MALFORMED || rc == CARDIO_E_BUFFER_TOO_SMALL;
}

static int select_aid(struct cardio_card *card, int want_fci, uint8_t *fci, size_t cap,
                      size_t *len, uint16_t *sw)
{
  struct cardio_apdu a = {0x00, 0xA4, 0x04, want_fci ? 0x00 : 0x0C,
                          (const uint8_t *)CARDIO_HC_AID, CARDIO_HC_AID_LEN,
                          want_fci ? CARDIO_LE_MAX_SHORT : CARDIO_LE_NONE, 0};
  size_t dummy = 0;
  return cardio_transmit(card, &a, fci, want_fci ? cap : 0, len ? len : &dummy, sw);
}

static int internal_auth(struct cardio_card *card, const uint8_t *challenge, uint8_t *resp,
                         size_t cap, size_t *len, uint16_t *sw)
{
  struct cardio_apdu a = {0x00, 0x88, 0x00, 0x00, challenge, CARDIO_HC_CHALLENGE_LEN,
                          CARDIO_LE_MAX_SHORT, 0};
  return cardio_transmit(card, &a, resp, cap, len, sw);
}

static void fail_format(struct cardio_hc_result *res, enum cardio_hc_reason why, uint16_t sw)
{
  res->check[CARDIO_HC_CHECK_FORMAT].status = CARDIO_HC_FAILED;
  res->check[CARDIO_HC_CHECK_FORMAT].reason = why;
  res->check[CARDIO_HC_CHECK_FORMAT].sw = sw;
}

static void mark_comm(struct cardio_hc_result *res, int from)
{
  for (int i = from; i < CARDIO_HC_CHECK_COUNT; i++)
    if (res->check[i].status == CARDIO_HC_NOT_CHECKED)
      res->check[i].reason = CARDIO_HC_REASON_COMM;
}

/* SELECT + INTERNAL AUTHENTICATE + checks; allow_init for the personalisation
 * read-back. */
static int read_verify(struct cardio_card *card, const struct cardio_trust *trust, int64_t now,
                       const uint8_t *challenge_in, int allow_init, struct cardio_hc_result *res)
{
  uint8_t fci[HC_FCI_MAX], ia[258], challenge[CARDIO_HC_CHALLENGE_LEN];
  size_t fci_len = 0, ia_len = 0;
  uint16_t sw = 0, ia_sw = 0;
  struct hc_fci f;
  struct hc_signed sd;
  enum cardio_hc_reason why;
  int rc;

  hc_result_init(res);
  rc = select_aid(card, 1, fci, sizeof fci, &fci_len, &sw);
  if (rc != CARDIO_OK) {
    if (is_card_verdict(rc)) {
      fail_format(res, rc == CARDIO_E_BUFFER_TOO_SMALL ? CARDIO_HC_REASON_TOO_LARGE
                                                       : CARDIO_HC_REASON_MALFORMED, 0);
      return CARDIO_OK;
    }
    mark_comm(res, 0);
    return rc;
  }
  if (sw != 0x9000) {
    fail_format(res, CARDIO_HC_REASON_NO_APPLICATION, sw);
    return CARDIO_OK;
  }
  if (hc_fci_decode(fci, fci_len, &f, &why) != CARDIO_OK) {
    fail_format(res, why, 0);
    return CARDIO_OK;
  }
  res->lifecycle = f.lcs;
  if (!f.signed_rec ||
      (f.lcs != CARDIO_HC_LCS_ACTIVE && !(allow_init && f.lcs == CARDIO_HC_LCS_INIT)) ||
      hc_signed_decode(f.signed_rec, f.signed_len, &res->rec, &sd, &why) != CARDIO_OK) {
    /* No record, not activated, or a record that fails FORMAT: the card is judged on
     * what it sent and INTERNAL AUTHENTICATE is not sent (spec 5.4: a terminal stops
     * after SELECT). The checks below decode again and report the reason. */
    memset(&res->rec, 0, sizeof res->rec);
    hc_verify_fci_decoded(trust, now, &f, allow_init, NULL, 0, NULL, 0, 0, res);
    return CARDIO_OK;
  }

  if (challenge_in) {
    memcpy(challenge, challenge_in, sizeof challenge);
  } else if (cardio_random(challenge, sizeof challenge) != CARDIO_OK) {
    hc_verify_fci_decoded(trust, now, &f, allow_init, NULL, 0, NULL, 0, 0, res);
    res->check[CARDIO_HC_CHECK_CARD_KEY].status = CARDIO_HC_FAILED;
    res->check[CARDIO_HC_CHECK_CARD_KEY].reason = CARDIO_HC_REASON_CRYPTO;
    return CARDIO_OK;
  }
  rc = internal_auth(card, challenge, ia, sizeof ia, &ia_len, &ia_sw);
  if (rc != CARDIO_OK && !is_card_verdict(rc)) {
    /* Everything but the card key can still be judged from the FCI. */
    hc_verify_fci_decoded(trust, now, &f, allow_init, NULL, 0, NULL, 0, 0, res);
    if (res->check[CARDIO_HC_CHECK_CARD_KEY].status == CARDIO_HC_NOT_CHECKED)
      res->check[CARDIO_HC_CHECK_CARD_KEY].reason = CARDIO_HC_REASON_COMM;
    return rc;
  }
  if (rc != CARDIO_OK) {
    /* A malformed answer: a signature of the wrong size fails CARD_BAD_RESPONSE. */
    ia_len = 0;
    ia_sw = 0x9000;
  }
  hc_verify_fci_decoded(trust, now, &f, allow_init, challenge, sizeof challenge, ia, ia_len,
                        ia_sw, res);
  return CARDIO_OK;
}

int cardio_hc_read_verify(struct cardio_card *card, const struct cardio_trust *trust,
                          int64_t now, const uint8_t *challenge, struct cardio_hc_result *res)
{
  if (!res)
    return CARDIO_E_INVALID_ARG;
  if (!card || !trust) {
    hc_result_init(res);
    return CARDIO_E_INVALID_ARG;
  }
  return read_verify(card, trust, now, challenge, 0, res);
}

/* ------------------------------------------------------------------ files -- */

static int select_ef(struct cardio_card *card, uint16_t fid)
{
  uint8_t f[2] = {(uint8_t)(fid >> 8), (uint8_t)fid};
  struct cardio_apdu a = {0x00, 0xA4, 0x02, 0x0C, f, 2, CARDIO_LE_NONE, 0};
  uint16_t sw = 0;
  size_t n = 0;
  int rc = cardio_transmit(card, &a, NULL, 0, &n, &sw);
  if (rc != CARDIO_OK)
    return rc;
  return sw == 0x9000 ? CARDIO_OK : cardio_sw_to_err(sw);
}

static int app_and_ef(struct cardio_card *card, uint16_t fid)
{
  uint16_t sw = 0;
  int rc = select_aid(card, 0, NULL, 0, NULL, &sw);
  if (rc != CARDIO_OK)
    return rc;
  if (sw != 0x9000)
    return cardio_sw_to_err(sw);
  return select_ef(card, fid);
}

int cardio_hc_read_photo(struct cardio_card *card, const struct cardio_hc_record *rec,
                         size_t chunk, uint8_t **photo, size_t *photo_len)
{
  uint8_t *buf, digest[CARDIO_DIGEST_LEN];
  size_t off = 0, total;
  int extended, rc;

  if (!photo || !photo_len)
    return CARDIO_E_INVALID_ARG;
  *photo = NULL;
  *photo_len = 0;
  if (!card || !rec)
    return CARDIO_E_INVALID_ARG;
  if (rec->photo_len == 0)
    return CARDIO_E_NOT_FOUND;
  total = rec->photo_len;
  if (chunk == 0)
    chunk = 4096;
  if (chunk > CARDIO_LE_MAX_EXT)
    chunk = CARDIO_LE_MAX_EXT;
  extended = chunk > CARDIO_LE_MAX_SHORT;
  rc = app_and_ef(card, CARDIO_HC_FID_PHOTO);
  if (rc != CARDIO_OK)
    return rc;
  buf = malloc(total);
  if (!buf)
    return CARDIO_E_NO_MEMORY;
  while (off < total) {
    size_t want = total - off < chunk ? total - off : chunk, got = 0;
    struct cardio_apdu a = {0x00, 0xB0, (uint8_t)(off >> 8), (uint8_t)off, NULL, 0, want,
                            extended};
    uint16_t sw = 0;
    if (off > 0x7FFF) {
      rc = CARDIO_E_MALFORMED; /* READ BINARY offsets are 15 bits */
      goto out_free_buf;
    }
    rc = cardio_transmit(card, &a, buf + off, want, &got, &sw);
    if (rc != CARDIO_OK) {
      if (rc == CARDIO_E_BUFFER_TOO_SMALL)
        rc = CARDIO_E_MALFORMED;
      goto out_free_buf;
    }
    if (sw == 0x6700 && extended) {
      /* The reader or card takes no extended APDUs: continue with short reads. */
      extended = 0;
      chunk = CARDIO_LE_MAX_SHORT;
      continue;
    }
    if (sw != 0x9000) {
      rc = sw == 0x6B00 ? CARDIO_E_MALFORMED : cardio_sw_to_err(sw);
      goto out_free_buf;
    }
    if (got == 0 || got > want) {
      rc = CARDIO_E_MALFORMED;
      goto out_free_buf;
    }
    off += got;
  }
  rc = cardio_digest(rec->id_suite, buf, total, digest);
  if (rc != CARDIO_OK)
    goto out_free_buf;
  *photo = buf;
  *photo_len = total;
  return memcmp(digest, rec->photo_digest, CARDIO_DIGEST_LEN) == 0 ? CARDIO_OK
                                                                    : CARDIO_E_VERIFY_FAILED;
out_free_buf:
  free(buf);
  return rc;
}

/* -------------------------------------------------------- personalisation -- */

static int simple(struct cardio_card *card, const struct cardio_apdu *a, uint8_t *resp,
                  size_t cap, size_t *len)
{
  uint16_t sw = 0;
  size_t dummy = 0;
  int rc = cardio_transmit(card, a, resp, cap, len ? len : &dummy, &sw);
  if (rc != CARDIO_OK)
    return rc;
  return sw == 0x9000 ? CARDIO_OK : cardio_sw_to_err(sw);
}

/* UPDATE BINARY of the current EF in chunks of at most 255 bytes (short APDUs). */
static int write_ef(struct cardio_card *card, uint16_t fid, const uint8_t *data, size_t len)
{
  int rc = select_ef(card, fid);
  for (size_t off = 0; rc == CARDIO_OK && off < len;) {
    size_t n = len - off < 255 ? len - off : 255;
    struct cardio_apdu a = {0x00, 0xD6, (uint8_t)(off >> 8), (uint8_t)off, data + off, n,
                            CARDIO_LE_NONE, 0};
    if (off > 0x7FFF)
      return CARDIO_E_TOO_LARGE;
    rc = simple(card, &a, NULL, 0, NULL);
    off += n;
  }
  return rc;
}

static int perso_args_ok(const struct cardio_hc_perso *p)
{
  return p->issuer_key && cardio_key_has_private(p->issuer_key) && p->transport_master &&
         (p->card_suite == CARDIO_SUITE_P256 || p->card_suite == CARDIO_SUITE_SM2) &&
         p->card_number && p->holder_name && p->id_number &&
         common_id_check(p->id_number, strnlen(p->id_number, CARDIO_ID_LEN + 1), NULL, NULL) ==
             COMMON_ID_OK && p->generation <= 255 &&
         (p->photo || p->photo_len == 0) && p->photo_len <= CARDIO_HC_PHOTO_MAX;
}

/* Authenticate with the card's transport key: GET CHALLENGE, then EXTERNAL
 * AUTHENTICATE with AES-CMAC(K_card, challenge). */
static int transport_auth(struct cardio_card *card, const struct hc_fci *f,
                          const uint8_t master[16])
{
  struct cardio_apdu gc = {0x00, 0x84, 0x00, 0x00, NULL, 0, CARDIO_HC_CHALLENGE_LEN, 0};
  uint8_t rnd[CARDIO_HC_CHALLENGE_LEN], key[16], mac[16];
  size_t n = 0;
  int rc = simple(card, &gc, rnd, sizeof rnd, &n);
  if (rc != CARDIO_OK)
    return rc;
  if (n != sizeof rnd)
    return CARDIO_E_MALFORMED;
  rc = cardio_hc_transport_key(master, f->serial, key);
  if (rc == CARDIO_OK)
    rc = cardio_cmac_aes128(key, rnd, sizeof rnd, mac);
  cardio_cleanse(key, sizeof key);
  if (rc == CARDIO_OK) {
    struct cardio_apdu ea = {0x00, 0x82, 0x00, 0x01, mac, sizeof mac, CARDIO_LE_NONE, 0};
    uint16_t sw = 0;
    size_t dummy = 0;
    rc = cardio_transmit(card, &ea, NULL, 0, &dummy, &sw);
    if (rc == CARDIO_OK && sw != 0x9000) {
      cardio_log(CARDIO_LOG_WARN, "honour: transport key refused (sw %04X)", sw);
      rc = CARDIO_E_SECURITY;
    }
  }
  cardio_cleanse(mac, sizeof mac);
  return rc;
}

/* GENERATE ASYMMETRIC KEY PAIR (ISO 7816-8): data AC { 80 algorithm }, answer
 * 7F49 { 86 point }. */
static int generate_card_key(struct cardio_card *card, enum cardio_suite suite,
                             uint8_t point[CARDIO_POINT_LEN])
{
  uint8_t crt[5] = {0xAC, 0x03, 0x80, 0x01, (uint8_t)suite};
  uint8_t resp[256];
  size_t n = 0;
  struct cardio_apdu a = {0x00, 0x47, 0x80, 0x00, crt, sizeof crt, CARDIO_LE_MAX_SHORT, 0};
  int rc = simple(card, &a, resp, sizeof resp, &n);
  /* 7F49 44 86 41 <65 bytes> */
  if (rc != CARDIO_OK)
    return rc;
  if (n != 3 + 2 + CARDIO_POINT_LEN || resp[0] != 0x7F || resp[1] != 0x49 ||
      resp[2] != 2 + CARDIO_POINT_LEN || resp[3] != 0x86 || resp[4] != CARDIO_POINT_LEN ||
      resp[5] != 0x04)
    return CARDIO_E_MALFORMED;
  memcpy(point, resp + 5, CARDIO_POINT_LEN);
  return CARDIO_OK;
}

int cardio_hc_personalize(struct cardio_card *card, const struct cardio_hc_perso *p,
                          const struct cardio_trust *trust, int64_t now,
                          struct cardio_hc_result *readback)
{
  uint8_t fci[HC_FCI_MAX], signed_rec[CARDIO_HC_SIGNED_MAX];
  size_t fci_len = 0, signed_len = 0;
  struct cardio_hc_record rec;
  struct hc_fci f;
  enum cardio_hc_reason why;
  uint16_t sw = 0;
  int rc;

  if (readback)
    hc_result_init(readback);
  if (!card || !p || !trust || !readback || !perso_args_ok(p))
    return CARDIO_E_INVALID_ARG;

  /* Build the record first: every field error shows before the card is touched. */
  memset(&rec, 0, sizeof rec);
  rec.version = CARDIO_HC_VERSION;
  if (strlen(p->card_number) > CARDIO_HC_CARDNO_MAX)
    return CARDIO_E_INVALID_ARG;
  strcpy(rec.card_number, p->card_number);
  rec.generation = p->generation;
  if (common_name_mask(p->holder_name, rec.name_masked, sizeof rec.name_masked) != COMMON_OK)
    return CARDIO_E_INVALID_ARG;
  rec.award = p->award;
  rec.award_level = p->award_level;
  rec.award_round = p->award_round;
  rec.issue_date = p->issue_date;
  rec.not_after = p->not_after;
  rec.card_suite = p->card_suite;
  rec.card_point[0] = 0x04;
  rec.photo_len = (uint32_t)p->photo_len;
  rc = cardio_hc_record_bind_id(&rec, cardio_key_suite(p->issuer_key), p->id_number,
                                p->id_iterations);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_digest(rec.id_suite, p->photo, p->photo_len, rec.photo_digest);
  if (rc != CARDIO_OK)
    return rc;
  {
    /* Dry run of the encoder to validate the fields before the card is touched. */
    uint8_t tmp[CARDIO_HC_SIGNED_MAX];
    size_t tl = 0;
    if (cardio_hc_record_encode(&rec, tmp, sizeof tmp, &tl) != CARDIO_OK)
      return CARDIO_E_INVALID_ARG;
  }

  rc = select_aid(card, 1, fci, sizeof fci, &fci_len, &sw);
  if (rc != CARDIO_OK)
    return rc;
  memset(&f, 0, sizeof f);
  if (sw != 0x9000 || hc_fci_decode(fci, fci_len, &f, &why) != CARDIO_OK ||
      f.lcs != CARDIO_HC_LCS_INIT || !f.have_serial) {
    cardio_log(CARDIO_LOG_WARN, "honour: personalisation needs a blank card (sw %04X, lcs %02X)",
               sw, f.lcs);
    return CARDIO_E_UNSUPPORTED;
  }
  rc = transport_auth(card, &f, p->transport_master);
  if (rc != CARDIO_OK)
    return rc;
  rc = generate_card_key(card, p->card_suite, rec.card_point);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_hc_sign_record(&rec, p->issuer_key, signed_rec, sizeof signed_rec, &signed_len);
  if (rc != CARDIO_OK)
    return rc;
  rc = write_ef(card, CARDIO_HC_FID_RECORD, signed_rec, signed_len);
  if (rc == CARDIO_OK && p->photo_len)
    rc = write_ef(card, CARDIO_HC_FID_PHOTO, p->photo, p->photo_len);
  if (rc != CARDIO_OK)
    return rc;

  /* Read back through the same path a terminal uses, then the photo. */
  rc = read_verify(card, trust, now, NULL, 1, readback);
  if (rc != CARDIO_OK)
    return rc;
  if (!cardio_hc_result_genuine(readback) ||
      memcmp(readback->rec.card_point, rec.card_point, CARDIO_POINT_LEN) != 0)
    return CARDIO_E_VERIFY_FAILED;
  if (p->photo_len) {
    uint8_t *photo = NULL;
    size_t plen = 0;
    rc = cardio_hc_read_photo(card, &readback->rec, 0, &photo, &plen);
    if (rc == CARDIO_OK && (plen != p->photo_len || memcmp(photo, p->photo, plen) != 0))
      rc = CARDIO_E_VERIFY_FAILED;
    free(photo);
    if (rc != CARDIO_OK)
      return rc;
  }

  /* ACTIVATE FILE on the application: life cycle 03 -> 05, transport key locked. */
  {
    struct cardio_apdu act = {0x00, 0x44, 0x00, 0x00, NULL, 0, CARDIO_LE_NONE, 0};
    rc = select_aid(card, 0, NULL, 0, NULL, &sw);
    if (rc == CARDIO_OK && sw != 0x9000)
      rc = cardio_sw_to_err(sw);
    if (rc == CARDIO_OK)
      rc = simple(card, &act, NULL, 0, NULL);
    if (rc != CARDIO_OK)
      return rc;
  }
  return read_verify(card, trust, now, NULL, 0, readback) == CARDIO_OK &&
                 cardio_hc_result_genuine(readback)
             ? CARDIO_OK
             : CARDIO_E_VERIFY_FAILED;
}
