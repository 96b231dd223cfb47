/*
 * Honour card profiles: the card side of docs/card-spec.md, written from the spec with
 * OpenSSL alone and no terminal code (cardio), so that a codec bug cannot cancel out
 * on both sides of the tests.
 *
 * Every profile needs the test PKI directory that `yhpki test-pki DIR` makes (the
 * profile argument; when it is NULL, env YH_PKI_DIR; otherwise create() fails with a
 * message saying so). From it a card takes an issuer private key
 * (private/issuer-{p256,sm2,retired}.key.pem) and the stock's transport master key
 * (private/transport.key). Each card is made fresh at create(): its own key pair, a
 * record issued 30 days before today (China Standard Time) and valid for 5 years, a
 * photo of a few kilobytes (a drawn portrait, holder_photo.h). The holder is the
 * fictitious 张晓明, ID 450902198506121232 (the ssc-valid card's number), iterations
 * 20000.
 *
 *   honour-star3 .. honour-lifetime-achievement   valid, one per award kind, both suites
 *   honour-altered       award level changed 3 -> 5 after signing
 *   honour-forged        claims the p256 issuer's key id, signed by another key
 *   honour-unknown-issuer signed by a key that is in no trust store
 *   honour-cloned        a valid record, but the chip holds another key
 *   honour-expired       not-after yesterday
 *   honour-not-yet-valid issued 30 days from now
 *   honour-retired       signed by the issuer "retired" (on the retired list)
 *   honour-no-photo      the record names a photo; EF.PHOTO is missing
 *   honour-star2         a validly signed record whose award carries no card (FORMAT)
 *   honour-truncated     the SELECT answer is cut off (9000 all the same)
 *   honour-garbage       the SELECT answer is random bytes with 9000
 *   honour-foreign       a card without the application (6A82)
 *   honour-blank         blank stock for personalisation (life cycle 03)
 *
 * State that a real chip keeps in EEPROM (key, files, life cycle, retry counter)
 * survives reset(); the selection, the authentication and a pending challenge do not.
 *
 * Test-vector mode (docs/card-test-vectors/README.md): when the PKI directory holds a
 * file named VECTORS, nothing a card says depends on chance or on today: the serial is
 * TV_SERIAL, the chip's key is private/card-{p256,sm2}.key.pem (the cloned card's
 * private/card-p256-other.key.pem; GENERATE loads the suite's file too), forged and
 * unknown-issuer records are signed by private/forger.key.pem, the ID salt is TV_SALT,
 * the dates are fixed (TV_ISSUED, TV_NOT_AFTER and the failure cards' own), GET
 * CHALLENGE answers SHA-256("YH-HC-TV challenge" || n)[0..Le) with n counting the
 * challenges since the last reset (0 first), and signatures use a deterministic nonce
 * (det_sign). The generator tools/conformance/yhvectors relies on this to write
 * transcripts byte for byte; a real card MUST use random nonces for SM2 (spec 4.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cardsim.h"
#include "holder_photo.h"

/* T=1, historical bytes "YHHC" 01 00; TCK 96. */
static const uint8_t hc_atr[] = {0x3B, 0x86, 0x81, 0x31, 0xFE, 0x45, 0x59,
                                 0x48, 0x48, 0x43, 0x01, 0x00, 0x96};
/* "BANK01": a card of somebody else's. */
static const uint8_t foreign_atr[] = {0x3B, 0x86, 0x81, 0x31, 0xFE, 0x45, 0x42,
                                      0x41, 0x4E, 0x4B, 0x30, 0x31, 0x8A};
static const uint8_t hc_aid[] = {0xF1, 0x59, 0x48, 0x48, 0x43, 0x01};

#define SUITE_P256 1
#define SUITE_SM2 2
#define SM2_ID "1234567812345678"
#define IA_PREFIX "YH-HC-IA1"
#define REC_MAX 512u
#define PHOTO_MAX 65535u
#define FID_REC 0xC001u
#define FID_PHOTO 0xC002u
#define LCS_INIT 0x03
#define LCS_ACTIVE 0x05
#define TK_TRIES 5
#define HOLDER_ID "450902198506121232"
#define HOLDER_MASKED "张*明"
#define ID_ITER 20000u
#define TV_MARKER "VECTORS"
#define TV_SERIAL "\x59\x48\x48\x43\x54\x56\x00\x01" /* "YHHCTV" 00 01 */
#define TV_SALT "YH-HC-TV-SALT-01"                         /* 16 bytes */
#define TV_ISSUED 20250301u
#define TV_NOT_AFTER 20300228u

enum hc_kind {
  HK_VALID,
  HK_ALTERED,
  HK_FORGED,
  HK_UNKNOWN_ISSUER,
  HK_CLONED,
  HK_EXPIRED,
  HK_NOT_YET_VALID,
  HK_NO_PHOTO,
  HK_TRUNCATED,
  HK_GARBAGE,
  HK_FOREIGN,
  HK_BLANK,
};

/* Deviations from the spec that a second vendor's card could make, one per point of
 * the spec's section 10, for the conformance tool's tests (tests/conformance): each
 * profile with one of these must make yhconform report FAIL, and only these. */
enum hc_quirk {
  HQ_NONE,
  HQ_READ_6282,        /* READ BINARY crossing the end: the rest with 6282 (5.3) */
  HQ_FCI_ORDER,        /* FCI with 8A before 84 (4.5) */
  HQ_GR_6C,            /* GET RESPONSE with Le past what is left: 6Cxx (5.1) */
  HQ_SELECT_NO_LE,     /* SELECT P2 00 without Le: 9000 and no FCI (5.1) */
  HQ_GR_IDLE_6F00,     /* GET RESPONSE with nothing pending: 6F00 (5.1) */
  HQ_NO_FORGET,        /* a reset keeps the authentication (6.2) */
  HQ_CHALLENGE_REUSE,  /* a challenge survives a wrong MAC and other commands (6.1) */
  HQ_COUNTER_KEEPS,    /* a success does not give the tries back (6.1) */
  HQ_EXTRA_SERIAL,     /* the operational FCI still carries C1 (4.5) */
  HQ_WRITE_MAX_6700,   /* UPDATE BINARY past the EF's maximum: 6700, not 6A84 (6.1) */
  HQ_GAP_FF,           /* a write beyond the end fills the gap with FF, not 00 (6.1) */
  HQ_GENERATE_6700,    /* a malformed GENERATE template: 6700, not 6A80 (6.1) */
};

struct hc_variant {
  enum hc_kind kind;
  const char *issuer; /* key file name part; NULL: none (blank, foreign) */
  int card_suite;
  int award, level;
  const char *card_number;
  enum hc_quirk quirk;
};

struct hc_card {
  const struct hc_variant *v;
  /* non-volatile */
  uint8_t lcs;
  uint8_t serial[8];
  uint8_t tk[16];
  int tk_tries;
  EVP_PKEY *key;      /* the chip's key pair, NULL on blank stock */
  int suite;
  uint8_t rec[REC_MAX];
  size_t rec_len;
  uint8_t *photo;
  size_t photo_len;
  int photo_exists;
  /* volatile */
  int app_selected;
  uint16_t cur_ef;
  int tk_ok;
  uint8_t chal[16];
  size_t chal_len;
  uint8_t pending[1024];
  size_t pending_len, pending_off;
  /* test-vector mode (see the top of this file) */
  int tv;
  unsigned tv_challenges;
  char dir[1024];
};

/* --------------------------------------------------------------- crypto -- */

static const EVP_MD *suite_md(int suite)
{
  return suite == SUITE_SM2 ? EVP_sm3() : EVP_sha256();
}

static EVP_PKEY *gen_key(int suite)
{
  return suite == SUITE_SM2 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
                            : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static int key_suite(EVP_PKEY *k)
{
  return EVP_PKEY_is_a(k, "SM2") ? SUITE_SM2 : SUITE_P256;
}

/* r || s over msg with the key's suite (SM2 with the default signer ID). */
static int sign_raw(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t out[64])
{
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_PKEY_CTX *pc = NULL;
  uint8_t der[80];
  size_t dlen = sizeof der;
  const unsigned char *p = der;
  ECDSA_SIG *sig = NULL;
  const BIGNUM *r, *s;
  int ok = 0, suite = key_suite(key);
  if (!m)
    return 0;
  if (suite == SUITE_SM2) {
    pc = EVP_PKEY_CTX_new(key, NULL);
    if (!pc || EVP_PKEY_CTX_set1_id(pc, SM2_ID, strlen(SM2_ID)) != 1)
      goto out;
    EVP_MD_CTX_set_pkey_ctx(m, pc);
  }
  if (EVP_DigestSignInit(m, NULL, suite_md(suite), NULL, key) != 1 ||
      EVP_DigestSign(m, der, &dlen, msg, len) != 1)
    goto out;
  sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
  if (!sig)
    goto out;
  ECDSA_SIG_get0(sig, &r, &s);
  ok = BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
out:
  ECDSA_SIG_free(sig);
  EVP_MD_CTX_free(m);
  EVP_PKEY_CTX_free(pc);
  return ok;
}

static int point_of(EVP_PKEY *k, uint8_t out[65]);

/* r || s with a nonce derived from the key and the message, k = HMAC-SHA256(d, e || i)
 * mod n for the first i that gives a usable signature: ECDSA with e = SHA-256(msg), or
 * SM2 with e = SM3(Z || msg), Z over the signer ID 1234567812345678 (GB/T 32918.2).
 * For the test vectors only, so that a transcript can be compared byte for byte. */
static int det_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t out[64])
{
  int sm2 = key_suite(key) == SUITE_SM2, ok = 0;
  EC_GROUP *g = EC_GROUP_new_by_curve_name(sm2 ? NID_sm2 : NID_X9_62_prime256v1);
  BN_CTX *bn = BN_CTX_new();
  EC_POINT *R = g ? EC_POINT_new(g) : NULL;
  BIGNUM *d = NULL, *e = BN_new(), *k = BN_new(), *r = BN_new(), *s = BN_new(),
         *x = BN_new(), *t = BN_new(), *pa = BN_new(), *pb = BN_new(), *pp = BN_new(),
         *gx = BN_new(), *gy = BN_new();
  uint8_t dbin[32], h[32], mac[32], z[32], buf[2 + 16 + 6 * 32], pt[65], in[33];
  size_t maclen = 0;
  const BIGNUM *n;
  if (!g || !bn || !R || !e || !k || !r || !s || !x || !t || !pa || !pb || !pp || !gx || !gy ||
      EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 ||
      BN_bn2binpad(d, dbin, 32) != 32 || !point_of(key, pt))
    goto out;
  n = EC_GROUP_get0_order(g);
  if (sm2) {
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    unsigned zl = 0, hl = 0;
    buf[0] = 0x00;
    buf[1] = 0x80; /* ENTL: 16 bytes of ID, in bits */
    memcpy(buf + 2, SM2_ID, 16);
    if (!m || EC_GROUP_get_curve(g, pp, pa, pb, bn) != 1 ||
        EC_POINT_get_affine_coordinates(g, EC_GROUP_get0_generator(g), gx, gy, bn) != 1 ||
        BN_bn2binpad(pa, buf + 18, 32) != 32 || BN_bn2binpad(pb, buf + 50, 32) != 32 ||
        BN_bn2binpad(gx, buf + 82, 32) != 32 || BN_bn2binpad(gy, buf + 114, 32) != 32) {
      EVP_MD_CTX_free(m);
      goto out;
    }
    memcpy(buf + 146, pt + 1, 64);
    ok = EVP_DigestInit_ex(m, EVP_sm3(), NULL) == 1 && EVP_DigestUpdate(m, buf, sizeof buf) == 1 &&
         EVP_DigestFinal_ex(m, z, &zl) == 1 && EVP_DigestInit_ex(m, EVP_sm3(), NULL) == 1 &&
         EVP_DigestUpdate(m, z, 32) == 1 && EVP_DigestUpdate(m, msg, len) == 1 &&
         EVP_DigestFinal_ex(m, h, &hl) == 1;
    EVP_MD_CTX_free(m);
    if (!ok)
      goto out;
    ok = 0;
  } else if (EVP_Digest(msg, len, h, NULL, EVP_sha256(), NULL) != 1) {
    goto out;
  }
  if (!BN_bin2bn(h, 32, e))
    goto out;
  memcpy(in, h, 32);
  for (unsigned i = 0; i < 256 && !ok; i++) {
    in[32] = (uint8_t)i;
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, dbin, 32, in, 33, mac, 32, &maclen) ||
        !BN_bin2bn(mac, 32, t) || BN_nnmod(k, t, n, bn) != 1)
      goto out;
    if (BN_is_zero(k) || EC_POINT_mul(g, R, k, NULL, NULL, bn) != 1 ||
        EC_POINT_get_affine_coordinates(g, R, x, NULL, bn) != 1)
      continue;
    if (sm2) {
      /* r = (e + x1) mod n; s = (1 + d)^-1 (k - r d) mod n */
      if (BN_mod_add(r, e, x, n, bn) != 1 || BN_is_zero(r) || BN_add(t, r, k) != 1 ||
          BN_cmp(t, n) == 0 || BN_mod_mul(t, r, d, n, bn) != 1 ||
          BN_mod_sub(s, k, t, n, bn) != 1 || BN_copy(t, d) == NULL || BN_add_word(t, 1) != 1 ||
          BN_mod_inverse(t, t, n, bn) == NULL || BN_mod_mul(s, s, t, n, bn) != 1)
        continue;
    } else {
      /* r = x1 mod n; s = k^-1 (e + r d) mod n */
      if (BN_nnmod(r, x, n, bn) != 1 || BN_is_zero(r) || BN_mod_mul(t, r, d, n, bn) != 1 ||
          BN_mod_add(s, e, t, n, bn) != 1 || BN_mod_inverse(t, k, n, bn) == NULL ||
          BN_mod_mul(s, s, t, n, bn) != 1)
        continue;
    }
    ok = !BN_is_zero(s) && BN_bn2binpad(r, out, 32) == 32 && BN_bn2binpad(s, out + 32, 32) == 32;
  }
out:
  OPENSSL_cleanse(dbin, sizeof dbin);
  BN_clear_free(d);
  BN_clear_free(k);
  BN_free(e);
  BN_free(r);
  BN_free(s);
  BN_free(x);
  BN_clear_free(t);
  BN_free(pa);
  BN_free(pb);
  BN_free(pp);
  BN_free(gx);
  BN_free(gy);
  EC_POINT_free(R);
  BN_CTX_free(bn);
  EC_GROUP_free(g);
  return ok;
}

static int point_of(EVP_PKEY *k, uint8_t out[65])
{
  size_t n = 0;
  return EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, out, 65, &n) == 1 &&
         n == 65;
}

static int key_id(EVP_PKEY *k, uint8_t out[8])
{
  unsigned char *der = NULL;
  uint8_t md[32];
  int n = i2d_PUBKEY(k, &der);
  int ok = n > 0 && EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL) == 1;
  OPENSSL_free(der);
  if (ok)
    memcpy(out, md, 8);
  return ok;
}

static int cmac(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16])
{
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
  EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
  char cipher[] = "AES-128-CBC";
  OSSL_PARAM prm[2] = {OSSL_PARAM_construct_utf8_string("cipher", cipher, 0),
                       OSSL_PARAM_construct_end()};
  size_t n = 0;
  int ok = c && EVP_MAC_init(c, key, 16, prm) == 1 && EVP_MAC_update(c, msg, len) == 1 &&
           EVP_MAC_final(c, out, &n, 16) == 1 && n == 16;
  EVP_MAC_CTX_free(c);
  EVP_MAC_free(mac);
  return ok;
}

/* ---------------------------------------------------------------- dates -- */

/* Today in China Standard Time, plus days, as YYYYMMDD. */
static uint32_t cst_date(long plus_days)
{
  time_t t = time(NULL) + 8 * 3600 + plus_days * 86400L;
  struct tm tm;
  gmtime_r(&t, &tm);
  return (uint32_t)(tm.tm_year + 1900) * 10000u + (uint32_t)(tm.tm_mon + 1) * 100u +
         (uint32_t)tm.tm_mday;
}

static void bcd_date(uint32_t d, uint8_t out[4])
{
  for (int i = 3; i >= 0; i--) {
    unsigned two = d % 100;
    out[i] = (uint8_t)((two / 10) << 4 | (two % 10));
    d /= 100;
  }
}

/* ------------------------------------------------------------------ TLV -- */

struct tlvbuf {
  uint8_t *p;
  size_t len, cap;
  int bad;
};

static void put(struct tlvbuf *b, const void *d, size_t n)
{
  if (b->bad || n > b->cap - b->len) {
    b->bad = 1;
    return;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}

static void put_len(struct tlvbuf *b, size_t n)
{
  uint8_t l[3];
  if (n < 0x80) {
    l[0] = (uint8_t)n;
    put(b, l, 1);
  } else if (n < 0x100) {
    l[0] = 0x81;
    l[1] = (uint8_t)n;
    put(b, l, 2);
  } else {
    l[0] = 0x82;
    l[1] = (uint8_t)(n >> 8);
    l[2] = (uint8_t)n;
    put(b, l, 3);
  }
}

static void put_tlv(struct tlvbuf *b, unsigned tag, const void *v, size_t n)
{
  uint8_t t[2] = {(uint8_t)(tag >> 8), (uint8_t)tag};
  if (tag > 0xFF)
    put(b, t, 2);
  else
    put(b, t + 1, 1);
  put_len(b, n);
  put(b, v, n);
}

/* ------------------------------------------------------------ the record -- */

static int holder_digest(int suite, const uint8_t salt[16], uint8_t out[32])
{
  return PKCS5_PBKDF2_HMAC(HOLDER_ID, 18, salt, 16, (int)ID_ITER, suite_md(suite), 32, out) == 1;
}

/* E1 { 80 .. 8F } into out; returns the length or 0. award_level_at gets the offset
 * of the award level byte (for the altered card). */
static size_t build_record(const struct hc_variant *v, EVP_PKEY *issuer, EVP_PKEY *card_key,
                           const uint8_t *photo, size_t photo_len, uint32_t issued,
                           uint32_t not_after, int tv, uint8_t *out, size_t cap,
                           size_t *award_level_at)
{
  uint8_t content[400], b[8], salt[16], dig[32], point[65], kid[8], pdig[32];
  struct tlvbuf c = {content, 0, sizeof content, 0}, o = {out, 0, cap, 0};
  int isuite = key_suite(issuer);
  unsigned round = (issued / 10000) - (issued / 10000) % 2; /* rounds every 2 years */
  size_t award_at;
  if (tv)
    memcpy(salt, TV_SALT, 16);
  if ((!tv && RAND_bytes(salt, 16) != 1) || !holder_digest(isuite, salt, dig) ||
      !point_of(card_key, point) || !key_id(issuer, kid) ||
      EVP_Digest(photo, photo_len, pdig, NULL, suite_md(isuite), NULL) != 1)
    return 0;
  put_tlv(&c, 0x80, "\x01", 1);
  put_tlv(&c, 0x81, v->card_number, strlen(v->card_number));
  put_tlv(&c, 0x82, "\x00", 1);
  put_tlv(&c, 0x83, HOLDER_MASKED, strlen(HOLDER_MASKED));
  b[0] = (uint8_t)isuite;
  b[1] = (uint8_t)(ID_ITER >> 24);
  b[2] = (uint8_t)(ID_ITER >> 16);
  b[3] = (uint8_t)(ID_ITER >> 8);
  b[4] = (uint8_t)ID_ITER;
  put_tlv(&c, 0x84, b, 5);
  put_tlv(&c, 0x85, salt, 16);
  put_tlv(&c, 0x86, dig, 32);
  b[0] = (uint8_t)v->award;
  b[1] = (uint8_t)v->level;
  award_at = c.len + 3;
  put_tlv(&c, 0x87, b, 2);
  b[0] = (uint8_t)(round >> 8);
  b[1] = (uint8_t)round;
  put_tlv(&c, 0x88, b, 2);
  bcd_date(issued, b);
  put_tlv(&c, 0x89, b, 4);
  bcd_date(not_after, b);
  put_tlv(&c, 0x8A, b, 4);
  put_tlv(&c, 0x8B, kid, 8);
  b[0] = (uint8_t)v->card_suite;
  put_tlv(&c, 0x8C, b, 1);
  put_tlv(&c, 0x8D, point, 65);
  put_tlv(&c, 0x8E, pdig, 32);
  b[0] = (uint8_t)(photo_len >> 8);
  b[1] = (uint8_t)photo_len;
  put_tlv(&c, 0x8F, b, 2);
  if (c.bad)
    return 0;
  put_tlv(&o, 0xE1, content, c.len);
  if (o.bad)
    return 0;
  *award_level_at = (o.len - c.len) + award_at;
  return o.len;
}

/* The card's signatures: random nonces, or deterministic ones in test-vector mode. */
static int card_sign(const struct hc_card *c, EVP_PKEY *key, const uint8_t *msg, size_t len,
                     uint8_t out[64])
{
  return c->tv ? det_sign(key, msg, len, out) : sign_raw(key, msg, len, out);
}

/* E0 { E1 record, 5F37 r||s by signer } into card->rec. */
static int sign_into(struct hc_card *card, const uint8_t *rec, size_t n, EVP_PKEY *signer)
{
  uint8_t sig[64], content[REC_MAX];
  struct tlvbuf c = {content, 0, sizeof content, 0}, o = {card->rec, 0, REC_MAX, 0};
  if (!card_sign(card, signer, rec, n, sig))
    return 0;
  put(&c, rec, n);
  put_tlv(&c, 0x5F37, sig, 64);
  if (c.bad)
    return 0;
  put_tlv(&o, 0xE0, content, c.len);
  if (o.bad)
    return 0;
  card->rec_len = o.len;
  return 1;
}

/* The holder's photo: a drawn portrait as a real JPEG (holder_photo.h), so that the
 * terminal's screen can decode and show it. */
static uint8_t *make_photo(size_t *len)
{
  uint8_t *p = malloc(sizeof holder_photo_jpeg);
  if (!p)
    return NULL;
  memcpy(p, holder_photo_jpeg, sizeof holder_photo_jpeg);
  *len = sizeof holder_photo_jpeg;
  return p;
}

/* ------------------------------------------------------------- create -- */

static EVP_PKEY *load_key(const char *dir, const char *name)
{
  char path[1024];
  FILE *f;
  EVP_PKEY *k;
  snprintf(path, sizeof path, "%s/private/issuer-%s.key.pem", dir, name);
  f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "honour profile: no issuer key %s (make the PKI with `yhpki test-pki DIR`)\n",
            path);
    return NULL;
  }
  k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (!k)
    fprintf(stderr, "honour profile: %s is not a PEM private key\n", path);
  return k;
}

/* Test-vector mode: a fixed key, private/<name>.key.pem. */
static EVP_PKEY *tv_key(const struct hc_card *c, const char *name)
{
  char path[1100];
  FILE *f;
  EVP_PKEY *k;
  snprintf(path, sizeof path, "%s/private/%s.key.pem", c->dir, name);
  f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "honour profile: test-vector key %s missing\n", path);
    return NULL;
  }
  k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  return k;
}

static EVP_PKEY *chip_key(const struct hc_card *c, int suite)
{
  return c->tv ? tv_key(c, suite == SUITE_SM2 ? "card-sm2" : "card-p256") : gen_key(suite);
}

static int load_transport(const char *dir, const uint8_t serial[8], uint8_t tk[16])
{
  char path[1024], hex[40];
  uint8_t master[16], msg[12];
  FILE *f;
  int ok = 1;
  snprintf(path, sizeof path, "%s/private/transport.key", dir);
  f = fopen(path, "r");
  if (!f || !fgets(hex, sizeof hex, f)) {
    if (f)
      fclose(f);
    fprintf(stderr, "honour profile: no transport key %s\n", path);
    return 0;
  }
  fclose(f);
  for (int i = 0; i < 16 && ok; i++) {
    unsigned b;
    ok = sscanf(hex + 2 * i, "%2x", &b) == 1;
    master[i] = (uint8_t)b;
  }
  memcpy(msg, "YHTK", 4);
  memcpy(msg + 4, serial, 8);
  ok = ok && cmac(master, msg, sizeof msg, tk);
  OPENSSL_cleanse(master, sizeof master);
  OPENSSL_cleanse(hex, sizeof hex);
  return ok;
}

static void hc_destroy(void *state)
{
  struct hc_card *c = state;
  if (!c)
    return;
  EVP_PKEY_free(c->key);
  free(c->photo);
  OPENSSL_cleanse(c, sizeof *c);
  free(c);
}

static void *hc_create_variant(const struct hc_variant *v, const char *arg)
{
  struct hc_card *c;
  EVP_PKEY *issuer = NULL, *signer = NULL, *real = NULL;
  uint8_t rec[REC_MAX];
  size_t n, award_at = 0;
  uint32_t issued = cst_date(-30), not_after = cst_date(5 * 365);
  const char *dir = arg ? arg : getenv("YH_PKI_DIR");

  c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->v = v;
  c->tk_tries = TK_TRIES;
  if (v->kind == HK_FOREIGN)
    return c;
  if (!dir || !*dir) {
    fprintf(stderr, "honour profile: needs the PKI directory as its argument (or YH_PKI_DIR);"
                    " make one with `yhpki test-pki DIR`\n");
    goto out_fail;
  }
  {
    char marker[1100];
    FILE *f;
    snprintf(marker, sizeof marker, "%s/%s", dir, TV_MARKER);
    f = fopen(marker, "r");
    c->tv = f != NULL && strlen(dir) < sizeof c->dir;
    if (f)
      fclose(f);
    if (c->tv) {
      strcpy(c->dir, dir);
      memcpy(c->serial, TV_SERIAL, 8);
      issued = TV_ISSUED;
      not_after = TV_NOT_AFTER;
    }
  }
  if ((!c->tv && RAND_bytes(c->serial, sizeof c->serial) != 1) ||
      !load_transport(dir, c->serial, c->tk))
    goto out_fail;
  if (v->kind == HK_BLANK) {
    c->lcs = LCS_INIT;
    c->photo_exists = 1; /* the EF exists, empty, until personalised */
    return c;
  }

  c->lcs = LCS_ACTIVE;
  c->suite = v->card_suite;
  c->key = chip_key(c, v->card_suite);
  c->photo = make_photo(&c->photo_len);
  c->photo_exists = v->kind != HK_NO_PHOTO;
  if (!c->key || !c->photo)
    goto out_fail;
  if (v->kind == HK_FORGED || v->kind == HK_UNKNOWN_ISSUER) {
    signer = c->tv ? tv_key(c, "forger") : gen_key(SUITE_P256);
    real = load_key(dir, "p256");
    if (!signer || !real)
      goto out_fail;
    /* The forger names the real issuer (its key id) or itself. */
    issuer = v->kind == HK_FORGED ? real : signer;
    real = v->kind == HK_FORGED ? NULL : real;
  } else {
    issuer = load_key(dir, v->issuer);
    if (!issuer)
      goto out_fail;
  }
  if (v->kind == HK_EXPIRED) {
    issued = c->tv ? 20200301u : cst_date(-400);
    not_after = c->tv ? 20250228u : cst_date(-1);
  } else if (v->kind == HK_NOT_YET_VALID) {
    issued = c->tv ? 20350301u : cst_date(30);
    not_after = c->tv ? 20400228u : not_after;
  }
  n = build_record(v, issuer, c->key, c->photo, c->photo_len, issued, not_after, c->tv, rec,
                   sizeof rec, &award_at);
  if (n == 0 || !sign_into(c, rec, n, signer ? signer : issuer))
    goto out_fail;
  if (v->kind == HK_ALTERED) {
    /* The record sits after E0 and its length bytes. */
    size_t off = c->rec_len - n - 67 + award_at;
    c->rec[off] = 5;
  }
  if (v->kind == HK_CLONED) {
    /* The record is a genuine card's; the chip holding it has another key. */
    EVP_PKEY_free(c->key);
    c->key = c->tv ? tv_key(c, "card-p256-other") : gen_key(v->card_suite);
    if (!c->key)
      goto out_fail;
  }
  if (issuer != signer)
    EVP_PKEY_free(issuer);
  EVP_PKEY_free(signer);
  EVP_PKEY_free(real);
  return c;
out_fail:
  if (issuer != signer)
    EVP_PKEY_free(issuer);
  EVP_PKEY_free(signer);
  EVP_PKEY_free(real);
  hc_destroy(c);
  return NULL;
}

static void hc_reset(void *state)
{
  struct hc_card *c = state;
  c->app_selected = 0;
  c->cur_ef = 0;
  if (c->v->quirk != HQ_NO_FORGET)
    c->tk_ok = 0;
  c->chal_len = 0;
  c->pending_len = c->pending_off = 0;
  c->tv_challenges = 0;
}

/* ------------------------------------------------------------- process -- */

static size_t sw(uint8_t *resp, size_t cap, uint16_t w)
{
  return cardsim_put_sw(resp, 0, cap, w);
}

/* Data with 9000, or the first part with 61xx and the rest kept for GET RESPONSE. */
static size_t answer(struct hc_card *c, const uint8_t *d, size_t n, size_t le, uint8_t *resp,
                     size_t cap)
{
  size_t first = n;
  if (le == 0)
    le = 256;
  if (first > le)
    first = le;
  if (first + 2 > cap)
    return sw(resp, cap, 0x6F00);
  memcpy(resp, d, first);
  if (first < n) {
    size_t left = n - first;
    if (left > sizeof c->pending)
      return sw(resp, cap, 0x6F00);
    memcpy(c->pending, d + first, left);
    c->pending_len = left;
    c->pending_off = 0;
    return cardsim_put_sw(resp, first, cap, (uint16_t)(0x6100 | (left >= 256 ? 0 : left)));
  }
  return cardsim_put_sw(resp, first, cap, 0x9000);
}

static size_t build_fci(struct hc_card *c, uint8_t *out, size_t cap)
{
  uint8_t prop[REC_MAX + 16], body[REC_MAX + 64];
  struct tlvbuf p = {prop, 0, sizeof prop, 0}, b = {body, 0, sizeof body, 0},
                o = {out, 0, cap, 0};
  uint8_t lcs = c->lcs;
  if (c->lcs == LCS_INIT || c->v->quirk == HQ_EXTRA_SERIAL)
    put_tlv(&p, 0xC1, c->serial, 8);
  if (c->rec_len)
    put(&p, c->rec, c->rec_len);
  if (c->v->quirk == HQ_FCI_ORDER) {
    put_tlv(&b, 0x8A, &lcs, 1);
    put_tlv(&b, 0x84, hc_aid, sizeof hc_aid);
  } else {
    put_tlv(&b, 0x84, hc_aid, sizeof hc_aid);
    put_tlv(&b, 0x8A, &lcs, 1);
  }
  if (p.len)
    put_tlv(&b, 0xA5, prop, p.len);
  put_tlv(&o, 0x6F, body, b.len);
  return o.bad || b.bad || p.bad ? 0 : o.len;
}

static size_t do_select(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                        size_t cap)
{
  if (a->p1 == 0x04) {
    uint8_t fci[REC_MAX + 128];
    size_t n;
    if (c->v->kind == HK_FOREIGN || a->lc != sizeof hc_aid ||
        memcmp(a->data, hc_aid, sizeof hc_aid) != 0) {
      c->app_selected = 0;
      return sw(resp, cap, 0x6A82);
    }
    c->app_selected = 1;
    c->cur_ef = 0;
    if (a->p2 == 0x0C)
      return sw(resp, cap, 0x9000);
    if (a->p2 != 0x00)
      return sw(resp, cap, 0x6A86);
    if (c->v->quirk == HQ_SELECT_NO_LE && a->le == 0)
      return sw(resp, cap, 0x9000);
    if (c->v->kind == HK_GARBAGE) {
      uint8_t junk[64];
      if (c->tv)
        memset(junk, 0xA5, sizeof junk);
      else
        RAND_bytes(junk, sizeof junk);
      return answer(c, junk, sizeof junk, a->le, resp, cap);
    }
    n = build_fci(c, fci, sizeof fci);
    if (n == 0)
      return sw(resp, cap, 0x6F00);
    if (c->v->kind == HK_TRUNCATED)
      n = n * 2 / 3;
    return answer(c, fci, n, a->le, resp, cap);
  }
  if (a->p1 == 0x02) {
    uint16_t fid;
    if (!c->app_selected)
      return sw(resp, cap, 0x6A82);
    if (a->lc != 2)
      return sw(resp, cap, 0x6700);
    fid = (uint16_t)(a->data[0] << 8 | a->data[1]);
    if ((fid == FID_REC && (c->rec_len || c->lcs == LCS_INIT)) ||
        (fid == FID_PHOTO && c->photo_exists)) {
      c->cur_ef = fid;
      return sw(resp, cap, 0x9000);
    }
    return sw(resp, cap, 0x6A82);
  }
  return sw(resp, cap, 0x6A86);
}

static size_t do_read_binary(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                             size_t cap)
{
  uint16_t ef = c->cur_ef;
  size_t off, size, n;
  const uint8_t *data;
  if (!c->app_selected)
    return sw(resp, cap, 0x6986);
  if (a->p1 & 0x80) {
    unsigned sfi = a->p1 & 0x1F;
    ef = sfi == 1 ? FID_REC : sfi == 2 && c->photo_exists ? FID_PHOTO : 0;
    if (!ef)
      return sw(resp, cap, 0x6A82);
    c->cur_ef = ef;
    off = a->p2;
  } else {
    off = (size_t)(a->p1 & 0x7F) << 8 | a->p2;
  }
  if (!ef)
    return sw(resp, cap, 0x6986);
  if (a->lc || a->le == 0)
    return sw(resp, cap, 0x6700);
  data = ef == FID_REC ? c->rec : c->photo;
  size = ef == FID_REC ? c->rec_len : c->photo_len;
  if (off >= size)
    return sw(resp, cap, 0x6B00);
  n = size - off < a->le ? size - off : a->le;
  if (n + 2 > cap)
    return sw(resp, cap, 0x6F00);
  memcpy(resp, data + off, n);
  return cardsim_put_sw(resp, n, cap,
                        c->v->quirk == HQ_READ_6282 && n < a->le ? 0x6282 : 0x9000);
}

static size_t do_internal_auth(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                               size_t cap)
{
  uint8_t msg[9 + 32], sig[64];
  if (!c->app_selected)
    return sw(resp, cap, 0x6986);
  if (a->p1 || a->p2)
    return sw(resp, cap, 0x6A86);
  if (a->lc < 8 || a->lc > 32)
    return sw(resp, cap, 0x6700);
  if (!c->key)
    return sw(resp, cap, 0x6985);
  memcpy(msg, IA_PREFIX, 9);
  memcpy(msg + 9, a->data, a->lc);
  if (!card_sign(c, c->key, msg, 9 + a->lc, sig))
    return sw(resp, cap, 0x6F00);
  memcpy(resp, sig, 64);
  return cardsim_put_sw(resp, 64, cap, 0x9000);
}

static size_t do_get_challenge(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                               size_t cap)
{
  if (a->p1 || a->p2)
    return sw(resp, cap, 0x6A86);
  if (a->lc || (a->le != 8 && a->le != 16))
    return sw(resp, cap, 0x6700);
  if (c->tv) {
    uint8_t in[22], md[32];
    memcpy(in, "YH-HC-TV challenge", 18);
    in[18] = (uint8_t)(c->tv_challenges >> 24);
    in[19] = (uint8_t)(c->tv_challenges >> 16);
    in[20] = (uint8_t)(c->tv_challenges >> 8);
    in[21] = (uint8_t)c->tv_challenges;
    c->tv_challenges++;
    if (EVP_Digest(in, sizeof in, md, NULL, EVP_sha256(), NULL) != 1)
      return sw(resp, cap, 0x6F00);
    memcpy(c->chal, md, a->le);
  } else if (RAND_bytes(c->chal, (int)a->le) != 1) {
    return sw(resp, cap, 0x6F00);
  }
  c->chal_len = a->le;
  memcpy(resp, c->chal, a->le);
  return cardsim_put_sw(resp, a->le, cap, 0x9000);
}

static size_t do_external_auth(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                               size_t cap)
{
  uint8_t mac[16];
  size_t chal_len = c->chal_len;
  int ok;
  if (c->v->quirk != HQ_CHALLENGE_REUSE)
    c->chal_len = 0; /* one try per challenge */
  if (c->lcs != LCS_INIT)
    return sw(resp, cap, 0x6985);
  if (c->tk_tries == 0)
    return sw(resp, cap, 0x6983);
  if (a->p1 != 0x00 || a->p2 != 0x01)
    return sw(resp, cap, 0x6A86);
  if (a->lc != 16)
    return sw(resp, cap, 0x6700);
  if (chal_len == 0)
    return sw(resp, cap, 0x6985);
  ok = cmac(c->tk, c->chal, chal_len, mac) && CRYPTO_memcmp(mac, a->data, 16) == 0;
  OPENSSL_cleanse(mac, sizeof mac);
  if (!ok) {
    c->tk_tries--;
    return sw(resp, cap, c->tk_tries ? (uint16_t)(0x63C0 | c->tk_tries) : 0x6983);
  }
  if (c->v->quirk != HQ_COUNTER_KEEPS)
    c->tk_tries = TK_TRIES;
  c->tk_ok = 1;
  return sw(resp, cap, 0x9000);
}

/* Personalisation commands share these conditions. */
static uint16_t perso_allowed(const struct hc_card *c)
{
  if (c->lcs != LCS_INIT)
    return 0x6985;
  if (!c->app_selected)
    return 0x6986;
  if (!c->tk_ok)
    return 0x6982;
  return 0x9000;
}

static size_t do_generate(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                          size_t cap)
{
  uint16_t w = perso_allowed(c);
  uint8_t point[65];
  int suite;
  if (w != 0x9000)
    return sw(resp, cap, w);
  if (a->p1 != 0x80 || a->p2 != 0x00)
    return sw(resp, cap, 0x6A86);
  if (a->lc != 5 || memcmp(a->data, "\xAC\x03\x80\x01", 4) != 0)
    return sw(resp, cap, c->v->quirk == HQ_GENERATE_6700 ? 0x6700 : 0x6A80);
  suite = a->data[4];
  if (suite != SUITE_P256 && suite != SUITE_SM2)
    return sw(resp, cap, 0x6A80);
  if (c->key)
    return sw(resp, cap, 0x6985);
  c->key = chip_key(c, suite);
  if (!c->key || !point_of(c->key, point))
    return sw(resp, cap, 0x6F00);
  c->suite = suite;
  memcpy(resp, "\x7F\x49\x43\x86\x41", 5);
  memcpy(resp + 5, point, 65);
  return cardsim_put_sw(resp, 70, cap, 0x9000);
}

static size_t do_update_binary(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                               size_t cap)
{
  uint16_t w = perso_allowed(c);
  size_t off, max;
  uint8_t *dst;
  if (w != 0x9000)
    return sw(resp, cap, w);
  if (a->p1 & 0x80)
    return sw(resp, cap, 0x6A86);
  if (!c->cur_ef)
    return sw(resp, cap, 0x6986);
  if (a->lc == 0)
    return sw(resp, cap, 0x6700);
  off = (size_t)a->p1 << 8 | a->p2;
  max = c->cur_ef == FID_REC ? REC_MAX : PHOTO_MAX;
  if (off + a->lc > max)
    return sw(resp, cap, c->v->quirk == HQ_WRITE_MAX_6700 ? 0x6700 : 0x6A84);
  if (c->cur_ef == FID_PHOTO) {
    if (off + a->lc > c->photo_len) {
      uint8_t *grown = realloc(c->photo, off + a->lc);
      if (!grown)
        return sw(resp, cap, 0x6A84);
      memset(grown + c->photo_len, c->v->quirk == HQ_GAP_FF ? 0xFF : 0,
             off + a->lc - c->photo_len);
      c->photo = grown;
      c->photo_len = off + a->lc;
    }
    dst = c->photo;
  } else {
    if (off + a->lc > c->rec_len) {
      memset(c->rec + c->rec_len, c->v->quirk == HQ_GAP_FF ? 0xFF : 0, off + a->lc - c->rec_len);
      c->rec_len = off + a->lc;
    }
    dst = c->rec;
  }
  memcpy(dst + off, a->data, a->lc);
  return sw(resp, cap, 0x9000);
}

static size_t do_activate(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                          size_t cap)
{
  uint16_t w = perso_allowed(c);
  if (w != 0x9000)
    return sw(resp, cap, w);
  if (a->p1 || a->p2 || a->lc)
    return sw(resp, cap, 0x6A86);
  if (!c->key || !c->rec_len)
    return sw(resp, cap, 0x6985); /* nothing to activate */
  c->lcs = LCS_ACTIVE;
  c->tk_ok = 0;
  OPENSSL_cleanse(c->tk, sizeof c->tk); /* the transport key is gone for good */
  return sw(resp, cap, 0x9000);
}

static size_t do_get_response(struct hc_card *c, const struct cardsim_apdu *a, uint8_t *resp,
                              size_t cap)
{
  size_t left = c->pending_len - c->pending_off, n, want = a->le ? a->le : 256;
  if (left == 0)
    return sw(resp, cap, c->v->quirk == HQ_GR_IDLE_6F00 ? 0x6F00 : 0x6985);
  if (c->v->quirk == HQ_GR_6C && want > left)
    return sw(resp, cap, (uint16_t)(0x6C00 | (left & 0xFF)));
  n = left < want ? left : want;
  memcpy(resp, c->pending + c->pending_off, n);
  c->pending_off += n;
  left -= n;
  if (left == 0)
    c->pending_len = c->pending_off = 0;
  return cardsim_put_sw(resp, n, cap,
                        left ? (uint16_t)(0x6100 | (left >= 256 ? 0 : left)) : 0x9000);
}

static size_t hc_process(void *state, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t cap)
{
  struct hc_card *c = state;
  struct cardsim_apdu a;
  if (cardsim_apdu_parse(cmd, cmd_len, &a) != 0)
    return sw(resp, cap, 0x6700);
  if (a.cla != 0x00)
    return sw(resp, cap, 0x6E00);
  if (a.ins != 0xC0)
    c->pending_len = c->pending_off = 0;
  if (a.ins != 0x82 && a.ins != 0x84 && c->v->quirk != HQ_CHALLENGE_REUSE)
    c->chal_len = 0; /* a challenge is good for the next command only */
  switch (a.ins) {
  case 0xA4:
    return do_select(c, &a, resp, cap);
  case 0xB0:
    return do_read_binary(c, &a, resp, cap);
  case 0x88:
    return do_internal_auth(c, &a, resp, cap);
  case 0x84:
    return do_get_challenge(c, &a, resp, cap);
  case 0x82:
    return do_external_auth(c, &a, resp, cap);
  case 0x47:
    return do_generate(c, &a, resp, cap);
  case 0xD6:
    return do_update_binary(c, &a, resp, cap);
  case 0x44:
    return do_activate(c, &a, resp, cap);
  case 0xC0:
    return do_get_response(c, &a, resp, cap);
  default:
    return sw(resp, cap, 0x6D00);
  }
}

/* ------------------------------------------------------------ profiles -- */

#define HC_PROFILE(ident, pname, desc, atr_, kind_, issuer_, suite_, award_, level_, no_)      \
  HC_PROFILE_Q(ident, pname, desc, atr_, kind_, issuer_, suite_, award_, level_, no_, HQ_NONE)
#define HC_PROFILE_Q(ident, pname, desc, atr_, kind_, issuer_, suite_, award_, level_, no_, q_) \
  static const struct hc_variant ident##_v = {kind_, issuer_, suite_, award_, level_, no_, q_}; \
  static void *ident##_create(const char *arg)                                               \
  {                                                                                          \
    return hc_create_variant(&ident##_v, arg);                                              \
  }                                                                                          \
  static const struct cardsim_profile ident = {                                             \
    .name = pname,                                                                           \
    .description = desc,                                                                     \
    .atr = atr_,                                                                             \
    .atr_len = sizeof atr_,                                                                  \
    .create = ident##_create,                                                                \
    .destroy = hc_destroy,                                                                   \
    .reset = hc_reset,                                                                       \
    .process = hc_process,                                                                   \
  };                                                                                         \
  CARDSIM_PROFILE_REGISTER(ident)

HC_PROFILE(hc_star3, "honour-star3", "honour card, 3-star donor, P-256 issuer and card key",
           hc_atr, HK_VALID, "p256", SUITE_P256, 1, 3, "YL20240000030106")
HC_PROFILE(hc_star4, "honour-star4", "honour card, 4-star donor, SM2 issuer and card key",
           hc_atr, HK_VALID, "sm2", SUITE_SM2, 1, 4, "YL20240000040291")
HC_PROFILE(hc_star5, "honour-star5", "honour card, 5-star donor, P-256 issuer and card key",
           hc_atr, HK_VALID, "p256", SUITE_P256, 1, 5, "YL20240000050379")
HC_PROFILE(hc_vol5, "honour-volunteer5", "honour card, 5-star volunteer, SM2 issuer and card key",
           hc_atr, HK_VALID, "sm2", SUITE_SM2, 2, 5, "YL20240000050476")
HC_PROFILE(hc_vol_life, "honour-volunteer-lifetime",
           "honour card, volunteer lifetime honour, P-256 issuer, SM2 card key", hc_atr, HK_VALID,
           "p256", SUITE_SM2, 3, 0, "YL20240000060564")
HC_PROFILE(hc_life, "honour-lifetime-achievement",
           "honour card, lifetime achievement, SM2 issuer, P-256 card key", hc_atr, HK_VALID, "sm2",
           SUITE_P256, 4, 0, "YL20240000070652")
HC_PROFILE(hc_altered, "honour-altered", "honour card altered after signing (3 stars -> 5)",
           hc_atr, HK_ALTERED, "p256", SUITE_P256, 1, 3, "YL20240000080740")
HC_PROFILE(hc_forged, "honour-forged",
           "forged honour card: names the real issuer, signed by another key", hc_atr, HK_FORGED,
           NULL, SUITE_P256, 1, 5, "YL20240000090828")
HC_PROFILE(hc_unknown, "honour-unknown-issuer", "honour card signed by a key in no trust store",
           hc_atr, HK_UNKNOWN_ISSUER, NULL, SUITE_P256, 1, 5, "YL20240000100916")
HC_PROFILE(hc_cloned, "honour-cloned", "cloned honour card: a genuine record on another chip",
           hc_atr, HK_CLONED, "p256", SUITE_P256, 1, 3, "YL20240000030106")
HC_PROFILE(hc_expired, "honour-expired", "honour card past its not-after date", hc_atr,
           HK_EXPIRED, "p256", SUITE_P256, 1, 4, "YL20220000111005")
HC_PROFILE(hc_nyv, "honour-not-yet-valid", "honour card issued 30 days from now", hc_atr,
           HK_NOT_YET_VALID, "sm2", SUITE_SM2, 1, 3, "YL20260000121188")
HC_PROFILE(hc_retired, "honour-retired", "honour card signed by a retired issuer key", hc_atr,
           HK_VALID, "retired", SUITE_P256, 1, 3, "YL20240000131277")
HC_PROFILE(hc_nophoto, "honour-no-photo", "valid honour card whose photo file is missing",
           hc_atr, HK_NO_PHOTO, "p256", SUITE_P256, 1, 3, "YL20240000141365")
HC_PROFILE(hc_star2, "honour-star2",
           "validly signed record for a 2-star donor, an award that carries no card (spec 4.2)",
           hc_atr, HK_VALID, "p256", SUITE_P256, 1, 2, "YL20240000171435")
HC_PROFILE(hc_trunc, "honour-truncated", "honour card whose SELECT answer is cut short", hc_atr,
           HK_TRUNCATED, "p256", SUITE_P256, 1, 3, "YL20240000151453")
HC_PROFILE(hc_garbage, "honour-garbage", "honour card answering SELECT with random bytes",
           hc_atr, HK_GARBAGE, "p256", SUITE_P256, 1, 3, "YL20240000161541")
HC_PROFILE(hc_foreign, "honour-foreign", "a card without the honour application", foreign_atr,
           HK_FOREIGN, NULL, SUITE_P256, 0, 0, "")
HC_PROFILE(hc_blank, "honour-blank", "blank honour card stock, ready for personalisation",
           hc_atr, HK_BLANK, NULL, SUITE_P256, 0, 0, "")

/* One deviation each (enum hc_quirk): valid cards otherwise, for the conformance tool. */
HC_PROFILE_Q(hq_read, "honour-quirk-read-6282", "READ BINARY past the end answers 6282 (5.3)",
             hc_atr, HK_VALID, "p256", SUITE_P256, 1, 3, "YL20240000030106", HQ_READ_6282)
HC_PROFILE_Q(hq_fci, "honour-quirk-fci-order", "FCI with 8A before 84 (4.5)", hc_atr, HK_VALID,
             "p256", SUITE_P256, 1, 3, "YL20240000030106", HQ_FCI_ORDER)
HC_PROFILE_Q(hq_gr6c, "honour-quirk-get-response-6c",
             "GET RESPONSE with Le past what is left answers 6Cxx (5.1)", hc_atr, HK_VALID, "sm2",
             SUITE_SM2, 1, 4, "YL20240000040291", HQ_GR_6C)
HC_PROFILE_Q(hq_nole, "honour-quirk-select-no-le",
             "SELECT P2 00 without Le answers 9000 with no FCI (5.1)", hc_atr, HK_VALID, "p256",
             SUITE_P256, 1, 3, "YL20240000030106", HQ_SELECT_NO_LE)
HC_PROFILE_Q(hq_gridle, "honour-quirk-get-response-idle",
             "GET RESPONSE with nothing pending answers 6F00 (5.1)", hc_atr, HK_VALID, "p256",
             SUITE_P256, 1, 3, "YL20240000030106", HQ_GR_IDLE_6F00)
HC_PROFILE_Q(hq_serial, "honour-quirk-serial",
             "operational card whose FCI still carries the C1 serial (4.5)", hc_atr, HK_VALID,
             "p256", SUITE_P256, 1, 3, "YL20240000030106", HQ_EXTRA_SERIAL)
HC_PROFILE_Q(hq_forget, "honour-blank-quirk-no-forget",
             "blank stock that keeps the authentication across a reset (6.2)", hc_atr, HK_BLANK,
             NULL, SUITE_P256, 0, 0, "", HQ_NO_FORGET)
HC_PROFILE_Q(hq_chal, "honour-blank-quirk-challenge-reuse",
             "blank stock whose challenge survives other commands and a wrong MAC (6.1)", hc_atr,
             HK_BLANK, NULL, SUITE_P256, 0, 0, "", HQ_CHALLENGE_REUSE)
HC_PROFILE_Q(hq_counter, "honour-blank-quirk-counter",
             "blank stock whose retry counter a success does not reset (6.1)", hc_atr, HK_BLANK,
             NULL, SUITE_P256, 0, 0, "", HQ_COUNTER_KEEPS)
HC_PROFILE_Q(hq_wmax, "honour-blank-quirk-write-max",
             "blank stock answering 6700 to a write past the EF's maximum (6.1)", hc_atr,
             HK_BLANK, NULL, SUITE_P256, 0, 0, "", HQ_WRITE_MAX_6700)
HC_PROFILE_Q(hq_gap, "honour-blank-quirk-gap",
             "blank stock filling a gap left by a write beyond the end with FF (6.1)", hc_atr,
             HK_BLANK, NULL, SUITE_P256, 0, 0, "", HQ_GAP_FF)
HC_PROFILE_Q(hq_gen, "honour-blank-quirk-generate",
             "blank stock answering 6700 to a malformed GENERATE (6.1)", hc_atr, HK_BLANK, NULL,
             SUITE_P256, 0, 0, "", HQ_GENERATE_6700)
