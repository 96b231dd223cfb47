/*
 * cardio honour: the Yulin blood-donor honour card (玉林市无偿献血荣誉卡).
 *
 * The card is an ISO 7816-4 application (docs/card-spec.md): SELECT by AID returns the
 * issuer-signed holder record in its FCI, and INTERNAL AUTHENTICATE signs a fresh
 * terminal challenge with the card's own private key, whose public key is in the signed
 * record. A terminal reads and verifies a card in three command APDUs, offline, against a
 * trust store (cardio/crypto.h), and gets one result per check, not one boolean:
 *
 *   FORMAT     the application answers and the record parses within its limits;
 *   CHAIN      the record's issuer key is in the trust store, chains to a root, was
 *              valid on the record's issue date and is not retired;
 *   SIGNATURE  the issuer's signature over the record verifies;
 *   CARD_KEY   the card signed the challenge with the key in the record (a copy of the
 *              record on another card fails here);
 *   VALIDITY   issue date <= today <= not-after, today taken from the caller's `now`.
 *
 * Each check is PASSED, FAILED or NOT_CHECKED, with a reason. The core never reads
 * the clock: `now` (Unix seconds) is always an argument.
 *
 * Personal data: the record holds no name in clear (only the masked name, 张*明) and
 * no citizen ID number (only a salted, stretched digest of it, checked by
 * cardio_hc_holder_match). Nothing in this module logs record contents.
 *
 * Ownership: results and records are plain structs owned by the caller. The photo
 * buffer from cardio_hc_read_photo is the caller's, freed with free().
 */
#ifndef CARDIO_HONOUR_H
#define CARDIO_HONOUR_H

#include <stddef.h>
#include <stdint.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "common/award.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ application data -- */

/* AID: F1 (proprietary, not registered, ISO 7816-5) "YHHC" 01 (version 1). */
#define CARDIO_HC_AID "\xF1\x59\x48\x48\x43\x01"
#define CARDIO_HC_AID_LEN 6
#define CARDIO_HC_FID_RECORD 0xC001u /* EF.REC, SFI 1: the signed record (E0) */
#define CARDIO_HC_FID_PHOTO 0xC002u  /* EF.PHOTO, SFI 2: the holder's photo (JPEG) */

/* Life cycle status (ISO 7816-4 tag 8A): blank stock, and personalised. */
#define CARDIO_HC_LCS_INIT 0x03u
#define CARDIO_HC_LCS_ACTIVE 0x05u

#define CARDIO_HC_VERSION 1u
#define CARDIO_HC_CARDNO_MAX 20u   /* field: 1..20 of [0-9A-Z-]; the number: common/cardno.h */
#define CARDIO_HC_NAME_MAX 48u     /* masked name, bytes of UTF-8 */
#define CARDIO_HC_SALT_LEN 16u
#define CARDIO_HC_CHALLENGE_LEN 16u
#define CARDIO_HC_SIGNED_MAX 512u  /* the signed container (E0), whole TLV */
#define CARDIO_HC_PHOTO_MAX 65535u
#define CARDIO_HC_ID_ITER_DEFAULT 20000u
/* What the card signs for INTERNAL AUTHENTICATE: this prefix, then the challenge. */
#define CARDIO_HC_IA_PREFIX "YH-HC-IA1"
#define CARDIO_HC_IA_PREFIX_LEN 9u

/* Awards that carry the card (Measures Art. 18): the values, levels and which of them
 * a card may carry are common/award.h's (common_award_carries_card). Wire values are the
 * enum values. */
enum cardio_hc_award {
  CARDIO_HC_AWARD_NONE = COMMON_AWARD_NONE,
  CARDIO_HC_AWARD_DONOR_STAR = COMMON_AWARD_DONOR_STAR,         /* level 3..5 */
  CARDIO_HC_AWARD_VOLUNTEER_STAR = COMMON_AWARD_VOLUNTEER_STAR, /* level 5 */
  CARDIO_HC_AWARD_VOLUNTEER_LIFETIME = COMMON_AWARD_VOLUNTEER_LIFETIME,     /* level 0 */
  CARDIO_HC_AWARD_LIFETIME_ACHIEVEMENT = COMMON_AWARD_LIFETIME_ACHIEVEMENT, /* level 0 */
};

/* The holder record as decoded (or as built before signing). */
struct cardio_hc_record {
  unsigned version;                            /* CARDIO_HC_VERSION */
  char card_number[CARDIO_HC_CARDNO_MAX + 1];  /* 统一编号 */
  unsigned generation;                         /* 0 first card, +1 per reissue */
  char name_masked[CARDIO_HC_NAME_MAX + 1];    /* UTF-8, e.g. 张*明 */
  enum cardio_suite id_suite;                  /* PBKDF2-HMAC-SHA256 or -SM3; photo digest */
  uint32_t id_iterations;                      /* PBKDF2 iterations */
  uint8_t id_salt[CARDIO_HC_SALT_LEN];
  uint8_t id_digest[CARDIO_DIGEST_LEN];        /* PBKDF2(ID number, salt) */
  enum cardio_hc_award award;
  unsigned award_level;                        /* stars, or 0 */
  unsigned award_round;                        /* year of the award round */
  uint32_t issue_date;                         /* YYYYMMDD; also "not before" */
  uint32_t not_after;                          /* YYYYMMDD, inclusive */
  uint8_t issuer_key_id[CARDIO_KEYID_LEN];
  enum cardio_suite card_suite;                /* the card key's suite */
  uint8_t card_point[CARDIO_POINT_LEN];        /* the card's public key */
  uint8_t photo_digest[CARDIO_DIGEST_LEN];     /* hash of EF.PHOTO (id_suite's hash) */
  uint32_t photo_len;                          /* bytes in EF.PHOTO; 0 = no photo */
};

/* ---------------------------------------------------------------- checks -- */

enum cardio_hc_check {
  CARDIO_HC_CHECK_FORMAT = 0,
  CARDIO_HC_CHECK_CHAIN,
  CARDIO_HC_CHECK_SIGNATURE,
  CARDIO_HC_CHECK_CARD_KEY,
  CARDIO_HC_CHECK_VALIDITY,
  CARDIO_HC_CHECK_COUNT
};

enum cardio_hc_status {
  CARDIO_HC_NOT_CHECKED = 0,
  CARDIO_HC_PASSED,
  CARDIO_HC_FAILED,
};

/* Reasons: name, text. NONE goes with PASSED. */
#define CARDIO_HC_REASON_MAP(X)                                                          \
  X(NONE, "passed")                                                                      \
  X(PREREQUISITE, "not checked: a check it depends on failed")                           \
  X(NO_APPLICATION, "the card has no honour card application")                           \
  X(NOT_PERSONALISED, "the application is blank (not personalised)")                    \
  X(NO_RECORD, "the card returned no record")                                            \
  X(MALFORMED, "the record does not parse")                                              \
  X(TRUNCATED, "the record is cut short")                                                \
  X(TOO_LARGE, "the record exceeds its size limit")                                      \
  X(UNSUPPORTED_VERSION, "record version not supported")                                 \
  X(BAD_FIELD, "a record field is missing, repeated or out of range")                    \
  X(UNKNOWN_ISSUER, "the issuer key is not in the trust store")                          \
  X(ISSUER_RETIRED, "the issuer key is retired")                                         \
  X(ISSUER_NOT_VALID, "the issuer certificate was not valid on the issue date")          \
  X(ROOT_NOT_VALID, "the root certificate is not valid now")                             \
  X(BAD_SIGNATURE, "the issuer signature does not verify")                               \
  X(BAD_CARD_KEY, "the card key in the record is not a valid public key")                \
  X(CARD_REFUSED, "the card refused INTERNAL AUTHENTICATE")                              \
  X(CARD_BAD_RESPONSE, "the card's authentication response is malformed")               \
  X(CARD_KEY_MISMATCH, "the card does not hold the record's key (copied record?)")       \
  X(EXPIRED, "the card has expired")                                                     \
  X(NOT_YET_VALID, "the card is not valid yet")                                          \
  X(COMM, "communication with the card failed")                                          \
  X(CRYPTO, "cryptographic library error")

enum cardio_hc_reason {
#define CARDIO_HC_X_ENUM(name, text) CARDIO_HC_REASON_##name,
  CARDIO_HC_REASON_MAP(CARDIO_HC_X_ENUM)
#undef CARDIO_HC_X_ENUM
  CARDIO_HC_REASON_COUNT
};

struct cardio_hc_check_result {
  enum cardio_hc_status status;
  enum cardio_hc_reason reason;
  uint16_t sw; /* the card's status word when the card caused the verdict, else 0 */
};

struct cardio_hc_result {
  struct cardio_hc_check_result check[CARDIO_HC_CHECK_COUNT];
  int have_record;             /* rec is decoded (FORMAT passed) */
  struct cardio_hc_record rec;
  uint8_t lifecycle;           /* 8A from the FCI, 0 when absent */
};

const char *cardio_hc_check_name(enum cardio_hc_check c);   /* "format", "chain", ... */
const char *cardio_hc_status_name(enum cardio_hc_status s); /* "passed", ... */
const char *cardio_hc_reason_text(enum cardio_hc_reason r);
const char *cardio_hc_reason_name(enum cardio_hc_reason r); /* "EXPIRED" */
/* 1 when every check PASSED: the card is genuine, unaltered, not cloned, in date. */
int cardio_hc_result_genuine(const struct cardio_hc_result *res);
/* One line for logs, with no personal data:
 * "format=passed chain=failed(UNKNOWN_ISSUER) signature=not-checked(PREREQUISITE) ..." */
void cardio_hc_result_summary(const struct cardio_hc_result *res, char *buf, size_t cap);

/* ----------------------------------------------------------- record codec -- */

/*
 * Encode the record as its E1 TLV (the bytes the issuer signs). Checks the fields as
 * the decoder does. Errors: INVALID_ARG (a field out of range), BUFFER_TOO_SMALL.
 */
int cardio_hc_record_encode(const struct cardio_hc_record *rec, uint8_t *buf, size_t cap,
                            size_t *len);
/*
 * Decode an E1 TLV that spans exactly len bytes. On failure *why (may be NULL) says
 * what is wrong (MALFORMED, TRUNCATED, TOO_LARGE, UNSUPPORTED_VERSION, BAD_FIELD) and
 * the function returns CARDIO_E_MALFORMED. rec is zeroed first.
 */
int cardio_hc_record_decode(const uint8_t *buf, size_t len, struct cardio_hc_record *rec,
                            enum cardio_hc_reason *why);

/*
 * Sign and wrap: E0 { E1 record, 5F37 issuer signature (r||s) }. The record's
 * issuer_key_id is set from issuer_key first. The result is at most
 * CARDIO_HC_SIGNED_MAX bytes. Errors: INVALID_ARG, BUFFER_TOO_SMALL, CRYPTO.
 */
int cardio_hc_sign_record(struct cardio_hc_record *rec, const struct cardio_key *issuer_key,
                          uint8_t *buf, size_t cap, size_t *len);

/*
 * Bind a citizen ID number to the record: fresh random salt, id_iterations
 * (0 = CARDIO_HC_ID_ITER_DEFAULT), digest = PBKDF2-HMAC(suite's hash, ID, salt), ID in
 * upper case. Errors: INVALID_ARG (not a valid 18-character ID, check digit included),
 * CRYPTO.
 */
int cardio_hc_record_bind_id(struct cardio_hc_record *rec, enum cardio_suite suite,
                             const char *id_number, uint32_t iterations);

/* The card's side of INTERNAL AUTHENTICATE (for card simulators and tests): sign
 * CARDIO_HC_IA_PREFIX || challenge with the card key. */
int cardio_hc_card_sign(const struct cardio_key *card_key, const uint8_t *challenge,
                        size_t challenge_len, uint8_t sig[CARDIO_SIG_LEN]);

/* ------------------------------------------------------------ verification -- */

/*
 * Verify from bytes, without a card: signed is the E0 container, card_sig the card's
 * INTERNAL AUTHENTICATE answer to challenge. card_sig NULL leaves CARD_KEY NOT_CHECKED
 * (reason PREREQUISITE), for checking a record alone. Always fills res; returns
 * CARDIO_OK when the checks ran (whatever their verdicts), INVALID_ARG for bad
 * arguments.
 */
int cardio_hc_verify_signed(const struct cardio_trust *trust, int64_t now,
                            const uint8_t *signed_rec, size_t signed_len,
                            const uint8_t *challenge, size_t challenge_len,
                            const uint8_t *card_sig, size_t card_sig_len,
                            struct cardio_hc_result *res);
/* The same from the SELECT answer's data (the FCI, 6F ...). */
int cardio_hc_verify_fci(const struct cardio_trust *trust, int64_t now, const uint8_t *fci,
                         size_t fci_len, const uint8_t *challenge, size_t challenge_len,
                         const uint8_t *card_sig, size_t card_sig_len,
                         struct cardio_hc_result *res);

/*
 * The fast path: SELECT the application (the FCI carries the signed record), then
 * INTERNAL AUTHENTICATE over a fresh challenge (challenge NULL: 16 random bytes;
 * otherwise CARDIO_HC_CHALLENGE_LEN bytes the caller chose, for tests), then every
 * check. Three command APDUs (SELECT, its GET RESPONSE for the FCI past 256 bytes,
 * INTERNAL AUTHENTICATE), 430 bytes both ways for a typical card (docs/card-spec.md).
 * Returns CARDIO_OK when the card gave a verdict, good or bad: garbage, a missing
 * application and short answers are FORMAT failures, not errors. Returns the
 * transport's error when the exchange itself broke (NO_CARD, CARD_REMOVED,
 * CARD_RESET, SERVICE_GONE, TIMEOUT, ...); res then holds what was checked before and
 * NOT_CHECKED/COMM for the rest.
 */
int cardio_hc_read_verify(struct cardio_card *card, const struct cardio_trust *trust,
                          int64_t now, const uint8_t *challenge,
                          struct cardio_hc_result *res);

/*
 * Read EF.PHOTO (rec->photo_len bytes, READ BINARY in chunks of up to chunk bytes;
 * chunk 0 = 4096 with extended length, falling back to 256-byte short reads when the
 * card answers 6700) and check it against rec->photo_digest. Selects the application
 * first. *photo is malloc'd (free()). Errors: NOT_FOUND (no photo on the card, or
 * photo_len 0), VERIFY_FAILED (digest mismatch; *photo is still returned), MALFORMED
 * (the card returned more or fewer bytes), transport errors.
 */
int cardio_hc_read_photo(struct cardio_card *card, const struct cardio_hc_record *rec,
                         size_t chunk, uint8_t **photo, size_t *photo_len);

/* ------------------------------------------------------------ holder match -- */

enum cardio_hc_match {
  CARDIO_HC_MATCH = 0,     /* the ID number is the one bound in the record */
  CARDIO_HC_NO_MATCH,      /* a valid ID number, but another person's */
  CARDIO_HC_BAD_ID,        /* not an 18-character ID with a correct check digit */
  CARDIO_HC_MATCH_ERROR,   /* record without binding, or a crypto failure */
};
const char *cardio_hc_match_name(enum cardio_hc_match m);
/* Compare an ID number (read from a social security card, or typed by staff; 'x' is
 * taken as 'X') with the record's binding. Costs id_iterations HMACs (20000: ~13 ms
 * with SHA-256, ~22 ms with SM3). */
enum cardio_hc_match cardio_hc_holder_match(const struct cardio_hc_record *rec,
                                            const char *id_number);

/* -------------------------------------------------------- personalisation -- */

struct cardio_hc_perso {
  const struct cardio_key *issuer_key;   /* private issuer key (sets the signature suite) */
  const uint8_t *transport_master;       /* 16-byte master transport key of the stock */
  enum cardio_suite card_suite;          /* suite of the key pair the card generates */
  const char *card_number;
  unsigned generation;
  const char *holder_name;               /* full name, UTF-8; only its mask is written */
  const char *id_number;                 /* citizen ID; only its digest is written */
  uint32_t id_iterations;                /* 0 = CARDIO_HC_ID_ITER_DEFAULT */
  enum cardio_hc_award award;
  unsigned award_level;
  unsigned award_round;
  uint32_t issue_date, not_after;        /* YYYYMMDD */
  const uint8_t *photo;                  /* may be NULL (no photo) */
  size_t photo_len;
};

/*
 * Personalise a blank card: SELECT (life cycle 03), GET CHALLENGE + EXTERNAL
 * AUTHENTICATE with the card's transport key (derived from transport_master and the
 * card serial), GENERATE ASYMMETRIC KEY PAIR on the card, build and sign the record
 * with the card's public key in it, write EF.REC and EF.PHOTO, read both back and
 * verify everything (readback; trust and now as for cardio_hc_read_verify), and only
 * then ACTIVATE the application, which locks the transport key and every write for
 * good. Errors: UNSUPPORTED (not a blank honour card), SECURITY (transport key
 * refused; the card counts the failure), INVALID_ARG (a field out of range, a bad ID
 * number), VERIFY_FAILED (the read-back did not pass: the card stays blank, not
 * activated), transport errors.
 */
int cardio_hc_personalize(struct cardio_card *card, const struct cardio_hc_perso *p,
                          const struct cardio_trust *trust, int64_t now,
                          struct cardio_hc_result *readback);

/* The transport key of one card: AES-CMAC(master, "YHTK" || serial). For the
 * simulator and personalisation. */
#define CARDIO_HC_SERIAL_LEN 8u
int cardio_hc_transport_key(const uint8_t master[16], const uint8_t serial[CARDIO_HC_SERIAL_LEN],
                            uint8_t key[16]);

#ifdef __cplusplus
}
#endif
#endif /* CARDIO_HONOUR_H */
