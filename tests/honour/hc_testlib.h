/*
 * Helpers for the honour card tests: a throw-away PKI (made with yhpki_core in a temp
 * directory, removed at the end), records built and signed with the library, hex.
 * Test holders are fictitious; their ID numbers have valid check digits.
 */
#ifndef HC_TESTLIB_H
#define HC_TESTLIB_H

#include <stddef.h>
#include <stdint.h>

#include "cardio/crypto.h"
#include "cardio/honour.h"

#define HCT_HOLDER_ID "450902198506121232"      /* 张晓明 */
#define HCT_OTHER_ID "450902199001010013"       /* someone else */
#define HCT_HOLDER_NAME "张晓明"
#define HCT_CHALLENGE "00112233445566778899AABBCCDDEEFF"

struct hct_pki {
  char dir[256];        /* the PKI (yhpki layout) */
  char trust_dir[300];  /* dir/trust */
  struct cardio_trust *trust;
  struct cardio_key *p256, *sm2, *retired; /* issuer private keys */
  uint8_t transport[16];
  int64_t now;          /* the tests' "now": a fixed time well inside every validity */
  uint32_t today;       /* cardio_date_from_time(now) */
};

/* Make the PKI (yhpki_test_pki) in a fresh temp dir and load it. Aborts on failure. */
void hct_pki_setup(struct hct_pki *p);
/* Free it and remove the directory. */
void hct_pki_teardown(struct hct_pki *p);
/* rm -rf */
void hct_rmtree(const char *dir);

/* A valid record for card_key (public part used) issued today-30 for 5 years. */
void hct_record(struct cardio_hc_record *rec, const struct cardio_key *card_key,
                uint32_t today);
/* Sign rec with issuer into buf (CARDIO_HC_SIGNED_MAX); returns the length. */
size_t hct_sign(struct cardio_hc_record *rec, const struct cardio_key *issuer, uint8_t *buf);
/* Wrap a signed record into the FCI a card returns; returns the length. */
size_t hct_fci(const uint8_t *signed_rec, size_t signed_len, uint8_t lcs, uint8_t *out,
               size_t cap);

/* Bytes to upper-case hex (out must hold 2n+1). */
void hct_tohex(const uint8_t *in, size_t n, char *out);
size_t hct_hex(const char *hex, uint8_t *out, size_t cap);

#endif
