/* honour card internals shared by hc_*.c (and the unit tests). */
#ifndef CARDIO_HC_INT_H
#define CARDIO_HC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cardio/honour.h"

/* Record tags inside E1 (context-specific, primitive), in the order they must appear. */
enum {
  HC_TAG_SIGNED = 0xE0,   /* container: E1 record, 5F37 signature */
  HC_TAG_RECORD = 0xE1,
  HC_TAG_ISSUER_SIG = 0x5F37,
  HC_TAG_VERSION = 0x80,
  HC_TAG_CARDNO = 0x81,
  HC_TAG_GENERATION = 0x82,
  HC_TAG_NAME = 0x83,
  HC_TAG_ID_PARAMS = 0x84, /* suite (1) || iterations (4, big-endian) */
  HC_TAG_ID_SALT = 0x85,
  HC_TAG_ID_DIGEST = 0x86,
  HC_TAG_AWARD = 0x87,     /* kind (1) || level (1) */
  HC_TAG_ROUND = 0x88,     /* year (2, big-endian) */
  HC_TAG_ISSUED = 0x89,    /* YYYYMMDD packed BCD */
  HC_TAG_NOT_AFTER = 0x8A,
  HC_TAG_ISSUER_KEYID = 0x8B,
  HC_TAG_CARD_SUITE = 0x8C,
  HC_TAG_CARD_POINT = 0x8D,
  HC_TAG_PHOTO_DIGEST = 0x8E,
  HC_TAG_PHOTO_LEN = 0x8F, /* 2 bytes, big-endian */
  /* FCI */
  HC_TAG_FCI = 0x6F,
  HC_TAG_DF_NAME = 0x84,
  HC_TAG_LCS = 0x8A,
  HC_TAG_FCI_PROP = 0xA5,
  HC_TAG_SERIAL = 0xC1,
};

/* The signed container, decoded: the signed bytes (the whole E1 TLV) and the issuer
 * signature, both pointing into the caller's buffer. */
struct hc_signed {
  const uint8_t *tbs;
  size_t tbs_len;
  const uint8_t *sig; /* CARDIO_SIG_LEN bytes */
};

/* Decode E0 { E1, 5F37 } spanning exactly len bytes, and the record in it. On failure
 * *why is set and CARDIO_E_MALFORMED returned. */
int hc_signed_decode(const uint8_t *buf, size_t len, struct cardio_hc_record *rec,
                     struct hc_signed *s, enum cardio_hc_reason *why);

/* The SELECT answer, decoded. */
struct hc_fci {
  uint8_t lcs;                    /* 0 when absent */
  int have_serial;
  uint8_t serial[CARDIO_HC_SERIAL_LEN];
  const uint8_t *signed_rec;      /* the E0 TLV, NULL when absent */
  size_t signed_len;
};
int hc_fci_decode(const uint8_t *buf, size_t len, struct hc_fci *f, enum cardio_hc_reason *why);

/* The checks on a decoded FCI. allow_init lets a personalisation read-back pass on a
 * card that is not activated yet. */
void hc_verify_fci_decoded(const struct cardio_trust *trust, int64_t now,
                           const struct hc_fci *f, int allow_init, const uint8_t *challenge,
                           size_t challenge_len, const uint8_t *card_sig,
                           size_t card_sig_len, uint16_t ia_sw, struct cardio_hc_result *res);
void hc_result_init(struct cardio_hc_result *res);

/* Packed BCD YYYYMMDD (4 bytes). */
void hc_date_to_bcd(uint32_t date, uint8_t out[4]);
/* 0 when not 8 BCD digits. */
uint32_t hc_date_from_bcd(const uint8_t in[4]);

#endif
