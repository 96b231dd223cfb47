/*
 * cardio crypto: the signature suites of the honour card and the terminal's trust store.
 *
 * Two suites, chosen per issuer key (and per card key):
 *   CARDIO_SUITE_P256  ECDSA over NIST P-256 with SHA-256 (FIPS 186-4);
 *   CARDIO_SUITE_SM2   SM2 signature with SM3 (GB/T 32918.2, GB/T 32905), signer ID
 *                      "1234567812345678" (GB/T 35276 default), set on every operation
 *                      with EVP_PKEY_CTX_set1_id.
 * Signatures travel as raw r || s, 32 bytes each (64 bytes), on the card and in this
 * API; the conversion to the DER that EVP wants happens here. Everything goes through
 * OpenSSL 3 EVP.
 *
 * The trust store (struct cardio_trust) is a directory that terminals carry:
 *   <dir>/roots/NAME.pem    root certificates (self-signed)
 *   <dir>/issuers/NAME.pem  issuer certificates, each signed by a root; several at once
 *   <dir>/retired.txt     retired issuer keys, one per line: "<key id hex> [YYYY-MM-DD]"
 * It is parsed once (cardio_trust_load): issuer signatures against the roots, the issuer
 * extended key usage, the key ids; the issuer public keys are kept parsed and looked up
 * by key id. A trust store is read-only after loading and may be shared by threads.
 *
 * An issuer key id is the first 8 bytes of SHA-256 over the DER SubjectPublicKeyInfo.
 *
 * Ownership: every *_create/_load has a *_destroy that accepts NULL. Private keys are
 * freed with their memory cleansed by OpenSSL. Errors are enum cardio_err (cardio.h).
 */
#ifndef CARDIO_CRYPTO_H
#define CARDIO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "cardio/cardio.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cardio_suite {
  CARDIO_SUITE_NONE = 0,
  CARDIO_SUITE_P256 = 1, /* ECDSA P-256 / SHA-256 */
  CARDIO_SUITE_SM2 = 2,  /* SM2 / SM3 */
};

#define CARDIO_KEYID_LEN 8
#define CARDIO_POINT_LEN 65 /* uncompressed: 04 || X || Y */
#define CARDIO_SIG_LEN 64   /* r || s */
#define CARDIO_DIGEST_LEN 32
#define CARDIO_SM2_DEFAULT_ID "1234567812345678"
/* Object identifier of the extended key usage an issuer certificate must carry
 * ("honour record signing"); a UUID-based OID (ITU-T X.667), no registration needed. */
#define CARDIO_OID_HONOUR_ISSUER "2.25.329800735698586629295641978511506172918"

/* "p256", "sm2", "none". */
const char *cardio_suite_name(enum cardio_suite suite);
/* Parse "p256" / "sm2" (also "P-256", "SM2"); CARDIO_SUITE_NONE when unknown. */
enum cardio_suite cardio_suite_parse(const char *name);

/* ------------------------------------------------------------------- keys -- */

/* An EC key of one suite: public, or public and private. Opaque. */
struct cardio_key;

/* Generate a key pair. Errors: INVALID_ARG, CRYPTO, NO_MEMORY. */
int cardio_key_generate(enum cardio_suite suite, struct cardio_key **out);
/* A public key from an uncompressed point. Errors: INVALID_ARG, MALFORMED (not a point
 * on the curve), CRYPTO. Cheap (a few microseconds): parameters are copied from a
 * template key, not decoded. */
int cardio_key_from_point(enum cardio_suite suite, const uint8_t *point, size_t len,
                          struct cardio_key **out);
/* Load a PEM file holding a private key (PKCS#8 or traditional) or a public key
 * (SubjectPublicKeyInfo). Errors: IO, MALFORMED, UNSUPPORTED (not P-256 or SM2). */
int cardio_key_load_pem(const char *path, struct cardio_key **out);
/* Write the private key as PKCS#8 PEM into a new file opened with
 * O_CREAT | O_EXCL | O_WRONLY and mode 0600 (never widened, never chmod'ed).
 * Errors: IO (the file exists, or cannot be written), INVALID_ARG (no private part). */
int cardio_key_save_private_pem(const struct cardio_key *key, const char *path);
/* Accepts NULL. */
void cardio_key_destroy(struct cardio_key *key);

enum cardio_suite cardio_key_suite(const struct cardio_key *key);
int cardio_key_has_private(const struct cardio_key *key);
/* The uncompressed point, CARDIO_POINT_LEN bytes. */
int cardio_key_point(const struct cardio_key *key, uint8_t point[CARDIO_POINT_LEN]);
/* SHA-256(SubjectPublicKeyInfo DER)[0..8). */
int cardio_key_id(const struct cardio_key *key, uint8_t id[CARDIO_KEYID_LEN]);
/* The EVP_PKEY inside (borrowed; for tools that build certificates). */
struct evp_pkey_st *cardio_key_evp(const struct cardio_key *key);
/* Wrap an EVP_PKEY (P-256 or SM2); takes a reference, the caller keeps its own. */
int cardio_key_from_evp(struct evp_pkey_st *pkey, struct cardio_key **out);

/* ------------------------------------------------------------- signatures -- */

/* Sign msg with the key's suite (the hash is part of the suite). sig: r || s.
 * Errors: INVALID_ARG (no private key), CRYPTO. */
int cardio_sign(const struct cardio_key *key, const uint8_t *msg, size_t len,
                uint8_t sig[CARDIO_SIG_LEN]);
/* CARDIO_OK when sig is a valid signature of msg; VERIFY_FAILED when not (including
 * r or s out of range); CRYPTO for library failures. */
int cardio_verify(const struct cardio_key *key, const uint8_t *msg, size_t len,
                  const uint8_t *sig, size_t sig_len);

/* Raw r || s (64 bytes) <-> DER ECDSA-Sig-Value. Errors: MALFORMED, BUFFER_TOO_SMALL. */
int cardio_sig_raw_to_der(const uint8_t raw[CARDIO_SIG_LEN], uint8_t *der, size_t cap,
                          size_t *len);
int cardio_sig_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[CARDIO_SIG_LEN]);

/* --------------------------------------------------------------- hashing -- */

/* SHA-256 (P256) or SM3 (SM2) of data. */
int cardio_digest(enum cardio_suite suite, const uint8_t *data, size_t len,
                  uint8_t out[CARDIO_DIGEST_LEN]);
/* PBKDF2 with HMAC-SHA-256 (P256) or HMAC-SM3 (SM2); out is CARDIO_DIGEST_LEN bytes.
 * iterations 1..CARDIO_PBKDF2_MAX_ITER. */
#define CARDIO_PBKDF2_MAX_ITER 1000000u
int cardio_pbkdf2(enum cardio_suite suite, const uint8_t *pass, size_t pass_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  uint8_t out[CARDIO_DIGEST_LEN]);
/* AES-128-CMAC (NIST SP 800-38B) through EVP_MAC. */
int cardio_cmac_aes128(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16]);
/* Cryptographically strong random bytes (RAND_bytes). Errors: CRYPTO. */
int cardio_random(uint8_t *buf, size_t len);
/* Zero memory that held secrets (OPENSSL_cleanse; not optimised away). */
void cardio_cleanse(void *p, size_t len);

/* ------------------------------------------------------------------ dates -- */

/* Dates are uint32_t YYYYMMDD (20250131). Times are int64_t Unix seconds, always
 * passed in by the caller. Card dates are China Standard Time (UTC+8, no DST). */
uint32_t cardio_date_from_time(int64_t t);
/* 1 when d is a real calendar date between 1900-01-01 and 9999-12-31. */
int cardio_date_valid(uint32_t d);
/* Add (or subtract) days; d must be valid. */
uint32_t cardio_date_add_days(uint32_t d, int32_t days);

/* ------------------------------------------------------------ trust store -- */

struct cardio_trust;

/*
 * Load a trust store directory (layout above). Issuer certificates that do not chain to
 * a root, lack the issuer extended key usage (CARDIO_OID_HONOUR_ISSUER) or the
 * digitalSignature key usage, or hold a key that is neither P-256 nor SM2 are skipped
 * with a warning naming the file. A retired.txt line that does not parse fails the
 * load (a retirement must never be lost silently).
 * Errors: IO (no such directory, or no roots/), MALFORMED (a root or retired.txt that
 * does not parse), NO_MEMORY, CRYPTO.
 */
int cardio_trust_load(const char *dir, struct cardio_trust **out);
void cardio_trust_destroy(struct cardio_trust *trust);

/* What the trust store says about an issuer key for a record issued on issue_date. */
enum cardio_trust_verdict {
  CARDIO_TRUST_OK = 0,
  CARDIO_TRUST_UNKNOWN_ISSUER,    /* no issuer certificate with this key id */
  CARDIO_TRUST_RETIRED,           /* the key is on the retired list for this date */
  CARDIO_TRUST_ISSUER_NOT_VALID,  /* issue_date outside the issuer certificate's validity */
  CARDIO_TRUST_ROOT_NOT_VALID,    /* the root certificate is not valid at `now` */
};
const char *cardio_trust_verdict_text(enum cardio_trust_verdict v);

/*
 * Find the issuer key by id and check it (chain model): the issuer certificate must
 * have been valid on issue_date (the signing date), its root must be valid at now, and
 * the key must not be retired for that date (a retirement with a date rejects records
 * issued on or after it; without a date, all records). *key (borrowed from the store,
 * valid until cardio_trust_destroy) is set whenever the key id is known, also when the
 * verdict is not OK, so that a signature can still be checked and reported.
 */
enum cardio_trust_verdict cardio_trust_check_issuer(const struct cardio_trust *trust,
                                                    const uint8_t key_id[CARDIO_KEYID_LEN],
                                                    uint32_t issue_date, int64_t now,
                                                    const struct cardio_key **key);

/* For listings: the issuers of a store, 0..count-1. */
struct cardio_trust_issuer_info {
  uint8_t key_id[CARDIO_KEYID_LEN];
  enum cardio_suite suite;
  int64_t not_before, not_after; /* Unix seconds */
  int retired;                   /* on the retired list */
  uint32_t retired_since;        /* YYYYMMDD, 0 = all records */
  char subject[160];             /* the certificate subject's CN (UTF-8) */
};
size_t cardio_trust_issuer_count(const struct cardio_trust *trust);
int cardio_trust_issuer_info(const struct cardio_trust *trust, size_t i,
                             struct cardio_trust_issuer_info *out);

#ifdef __cplusplus
}
#endif
#endif /* CARDIO_CRYPTO_H */
