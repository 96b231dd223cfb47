/* cardio crypto: keys, the two signature suites, hashes, CMAC, dates. See crypto.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cardio/crypto.h"
#include "common/date.h"
#include "cardio_int.h"
#include "crypto_int.h"

struct cardio_key {
  EVP_PKEY *pkey;
  enum cardio_suite suite;
  int has_private;
};

/* Fetched once: EVP_sha256() and friends would fetch the implementation again on
 * every init, which is a measurable share of a 50 us verification. The template keys
 * carry only the curve, for cardio_key_from_point. */
static struct {
  EVP_MD *sha256, *sm3;
  EVP_PKEY *tmpl_p256, *tmpl_sm2;
  int ok;
} g;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void crypto_init_once(void)
{
  g.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  g.sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
  g.tmpl_p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  g.tmpl_sm2 = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
  g.ok = g.sha256 && g.sm3 && g.tmpl_p256 && g.tmpl_sm2;
  if (!g.ok)
    cardio_log(CARDIO_LOG_ERROR, "crypto: OpenSSL lacks SHA256, SM3, P-256 or SM2 (0x%lx)",
               ERR_peek_last_error());
}

static int crypto_ready(void)
{
  pthread_once(&g_once, crypto_init_once);
  return g.ok;
}

const EVP_MD *cardio_suite_md(enum cardio_suite suite)
{
  if (!crypto_ready())
    return NULL;
  switch (suite) {
  case CARDIO_SUITE_P256:
    return g.sha256;
  case CARDIO_SUITE_SM2:
    return g.sm3;
  default:
    return NULL;
  }
}

const char *cardio_suite_name(enum cardio_suite suite)
{
  switch (suite) {
  case CARDIO_SUITE_P256:
    return "p256";
  case CARDIO_SUITE_SM2:
    return "sm2";
  default:
    return "none";
  }
}

enum cardio_suite cardio_suite_parse(const char *name)
{
  if (!name)
    return CARDIO_SUITE_NONE;
  if (strcasecmp(name, "p256") == 0 || strcasecmp(name, "P-256") == 0 ||
      strcasecmp(name, "prime256v1") == 0)
    return CARDIO_SUITE_P256;
  if (strcasecmp(name, "sm2") == 0)
    return CARDIO_SUITE_SM2;
  return CARDIO_SUITE_NONE;
}

/* ------------------------------------------------------------------- keys -- */

static enum cardio_suite suite_of(const EVP_PKEY *pkey)
{
  char group[64];
  size_t glen = 0;
  if (EVP_PKEY_is_a(pkey, "SM2"))
    return CARDIO_SUITE_SM2;
  if (!EVP_PKEY_is_a(pkey, "EC"))
    return CARDIO_SUITE_NONE;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                     &glen) != 1)
    return CARDIO_SUITE_NONE;
  if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
    return CARDIO_SUITE_P256;
  /* An SM2-curve key that came through a path that typed it "EC". */
  if (strcmp(group, "SM2") == 0)
    return CARDIO_SUITE_SM2;
  return CARDIO_SUITE_NONE;
}

static int has_private_part(const EVP_PKEY *pkey)
{
  BIGNUM *priv = NULL;
  int yes = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1;
  BN_clear_free(priv);
  return yes;
}

static int key_wrap(EVP_PKEY *pkey, enum cardio_suite suite, struct cardio_key **out)
{
  struct cardio_key *k = calloc(1, sizeof *k);
  if (!k) {
    EVP_PKEY_free(pkey);
    return CARDIO_E_NO_MEMORY;
  }
  k->pkey = pkey;
  k->suite = suite;
  k->has_private = has_private_part(pkey);
  *out = k;
  return CARDIO_OK;
}

int cardio_key_generate(enum cardio_suite suite, struct cardio_key **out)
{
  EVP_PKEY *pkey = NULL;
  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!crypto_ready())
    return CARDIO_E_CRYPTO;
  if (suite == CARDIO_SUITE_P256)
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  else if (suite == CARDIO_SUITE_SM2)
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
  else
    return CARDIO_E_INVALID_ARG;
  if (!pkey) {
    cardio_log(CARDIO_LOG_ERROR, "crypto: key generation failed (0x%lx)", ERR_get_error());
    return CARDIO_E_CRYPTO;
  }
  return key_wrap(pkey, suite, out);
}

int cardio_key_from_point(enum cardio_suite suite, const uint8_t *point, size_t len,
                          struct cardio_key **out)
{
  EVP_PKEY *tmpl, *pkey;
  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!point || len != CARDIO_POINT_LEN || point[0] != 0x04)
    return point ? CARDIO_E_MALFORMED : CARDIO_E_INVALID_ARG;
  if (!crypto_ready())
    return CARDIO_E_CRYPTO;
  if (suite == CARDIO_SUITE_P256)
    tmpl = g.tmpl_p256;
  else if (suite == CARDIO_SUITE_SM2)
    tmpl = g.tmpl_sm2;
  else
    return CARDIO_E_INVALID_ARG;
  /* EVP_PKEY_new() + copy_parameters keeps the template's type (EC or SM2); decoding
   * a SubjectPublicKeyInfo instead costs twenty times as much in OpenSSL 3.0. */
  pkey = EVP_PKEY_new();
  if (!pkey)
    return CARDIO_E_NO_MEMORY;
  if (EVP_PKEY_copy_parameters(pkey, tmpl) != 1) {
    EVP_PKEY_free(pkey);
    return CARDIO_E_CRYPTO;
  }
  /* oct2point underneath rejects points that are not on the curve. */
  if (EVP_PKEY_set1_encoded_public_key(pkey, point, len) != 1) {
    ERR_clear_error();
    EVP_PKEY_free(pkey);
    return CARDIO_E_MALFORMED;
  }
  return key_wrap(pkey, suite, out);
}

int cardio_key_from_evp(EVP_PKEY *pkey, struct cardio_key **out)
{
  enum cardio_suite suite;
  if (!out || !pkey)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  suite = suite_of(pkey);
  if (suite == CARDIO_SUITE_NONE)
    return CARDIO_E_UNSUPPORTED;
  if (EVP_PKEY_up_ref(pkey) != 1)
    return CARDIO_E_CRYPTO;
  return key_wrap(pkey, suite, out);
}

int cardio_key_load_pem(const char *path, struct cardio_key **out)
{
  FILE *f;
  EVP_PKEY *pkey;
  enum cardio_suite suite;
  if (!out || !path)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!crypto_ready())
    return CARDIO_E_CRYPTO;
  f = fopen(path, "rb");
  if (!f) {
    cardio_log(CARDIO_LOG_WARN, "crypto: cannot open key file %s (errno %d)", path, errno);
    return CARDIO_E_IO;
  }
  pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  if (!pkey) {
    ERR_clear_error();
    rewind(f);
    pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
  }
  fclose(f);
  if (!pkey) {
    cardio_log(CARDIO_LOG_WARN, "crypto: %s holds no PEM key (0x%lx)", path, ERR_get_error());
    ERR_clear_error();
    return CARDIO_E_MALFORMED;
  }
  suite = suite_of(pkey);
  if (suite == CARDIO_SUITE_NONE) {
    EVP_PKEY_free(pkey);
    return CARDIO_E_UNSUPPORTED;
  }
  return key_wrap(pkey, suite, out);
}

int cardio_key_save_private_pem(const struct cardio_key *key, const char *path)
{
  int fd, ok;
  FILE *f;
  if (!key || !path || !key->has_private)
    return CARDIO_E_INVALID_ARG;
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    cardio_log(CARDIO_LOG_ERROR, "crypto: cannot create %s (errno %d)", path, errno);
    return CARDIO_E_IO;
  }
  f = fdopen(fd, "wb");
  if (!f) {
    close(fd);
    unlink(path);
    return CARDIO_E_IO;
  }
  ok = PEM_write_PKCS8PrivateKey(f, key->pkey, NULL, NULL, 0, NULL, NULL) == 1;
  if (fclose(f) != 0)
    ok = 0;
  if (!ok) {
    unlink(path);
    ERR_clear_error();
    return CARDIO_E_IO;
  }
  return CARDIO_OK;
}

void cardio_key_destroy(struct cardio_key *key)
{
  if (!key)
    return;
  EVP_PKEY_free(key->pkey);
  free(key);
}

enum cardio_suite cardio_key_suite(const struct cardio_key *key)
{
  return key ? key->suite : CARDIO_SUITE_NONE;
}

int cardio_key_has_private(const struct cardio_key *key)
{
  return key ? key->has_private : 0;
}

struct evp_pkey_st *cardio_key_evp(const struct cardio_key *key)
{
  return key ? key->pkey : NULL;
}

int cardio_key_point(const struct cardio_key *key, uint8_t point[CARDIO_POINT_LEN])
{
  size_t len = 0;
  if (!key || !point)
    return CARDIO_E_INVALID_ARG;
  if (EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_PUB_KEY, point,
                                      CARDIO_POINT_LEN, &len) != 1 ||
      len != CARDIO_POINT_LEN || point[0] != 0x04) {
    ERR_clear_error();
    return CARDIO_E_CRYPTO;
  }
  return CARDIO_OK;
}

int cardio_key_id(const struct cardio_key *key, uint8_t id[CARDIO_KEYID_LEN])
{
  unsigned char *der = NULL;
  uint8_t md[CARDIO_DIGEST_LEN];
  int n;
  if (!key || !id)
    return CARDIO_E_INVALID_ARG;
  if (!crypto_ready())
    return CARDIO_E_CRYPTO;
  n = i2d_PUBKEY(key->pkey, &der);
  if (n <= 0)
    return CARDIO_E_CRYPTO;
  if (EVP_Digest(der, (size_t)n, md, NULL, g.sha256, NULL) != 1) {
    OPENSSL_free(der);
    return CARDIO_E_CRYPTO;
  }
  OPENSSL_free(der);
  memcpy(id, md, CARDIO_KEYID_LEN);
  return CARDIO_OK;
}

/* ------------------------------------------------------------- signatures -- */

int cardio_sig_raw_to_der(const uint8_t raw[CARDIO_SIG_LEN], uint8_t *der, size_t cap,
                          size_t *len)
{
  ECDSA_SIG *s;
  BIGNUM *r, *sv;
  unsigned char *p = NULL;
  int n;
  if (!raw || !der || !len)
    return CARDIO_E_INVALID_ARG;
  s = ECDSA_SIG_new();
  r = BN_bin2bn(raw, 32, NULL);
  sv = BN_bin2bn(raw + 32, 32, NULL);
  if (!s || !r || !sv || ECDSA_SIG_set0(s, r, sv) != 1) {
    ECDSA_SIG_free(s);
    BN_free(r);
    BN_free(sv);
    return CARDIO_E_NO_MEMORY;
  }
  n = i2d_ECDSA_SIG(s, &p);
  ECDSA_SIG_free(s);
  if (n <= 0)
    return CARDIO_E_CRYPTO;
  if ((size_t)n > cap) {
    OPENSSL_free(p);
    return CARDIO_E_BUFFER_TOO_SMALL;
  }
  memcpy(der, p, (size_t)n);
  OPENSSL_free(p);
  *len = (size_t)n;
  return CARDIO_OK;
}

int cardio_sig_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[CARDIO_SIG_LEN])
{
  const unsigned char *p = der;
  const BIGNUM *r, *s;
  ECDSA_SIG *sig;
  int rc = CARDIO_OK;
  if (!der || !raw)
    return CARDIO_E_INVALID_ARG;
  sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
  if (!sig || p != der + len) {
    ECDSA_SIG_free(sig);
    ERR_clear_error();
    return CARDIO_E_MALFORMED;
  }
  ECDSA_SIG_get0(sig, &r, &s);
  if (BN_num_bytes(r) > 32 || BN_num_bytes(s) > 32 || BN_bn2binpad(r, raw, 32) != 32 ||
      BN_bn2binpad(s, raw + 32, 32) != 32)
    rc = CARDIO_E_MALFORMED;
  ECDSA_SIG_free(sig);
  return rc;
}

/* A digest-sign/verify context for the key's suite; SM2 gets its signer ID. With
 * EVP_MD_CTX_set_pkey_ctx the MD context does not own the PKEY context (OpenSSL sets
 * EVP_MD_CTX_FLAG_KEEP_PKEY_CTX), so both come back and suite_ctx_free frees both. */
struct suite_ctx {
  EVP_MD_CTX *mctx;
  EVP_PKEY_CTX *pctx;
};

static void suite_ctx_free(struct suite_ctx *c)
{
  EVP_MD_CTX_free(c->mctx);
  EVP_PKEY_CTX_free(c->pctx);
  c->mctx = NULL;
  c->pctx = NULL;
}

static int suite_ctx_init(const struct cardio_key *key, int sign, struct suite_ctx *c)
{
  const EVP_MD *md = cardio_suite_md(key->suite);
  int ok;
  c->mctx = NULL;
  c->pctx = NULL;
  if (!md)
    return 0;
  c->mctx = EVP_MD_CTX_new();
  if (!c->mctx)
    return 0;
  if (key->suite == CARDIO_SUITE_SM2) {
    c->pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (!c->pctx || EVP_PKEY_CTX_set1_id(c->pctx, CARDIO_SM2_DEFAULT_ID,
                                         sizeof CARDIO_SM2_DEFAULT_ID - 1) != 1) {
      suite_ctx_free(c);
      return 0;
    }
    EVP_MD_CTX_set_pkey_ctx(c->mctx, c->pctx);
  }
  ok = sign ? EVP_DigestSignInit(c->mctx, NULL, md, NULL, key->pkey)
            : EVP_DigestVerifyInit(c->mctx, NULL, md, NULL, key->pkey);
  if (ok != 1) {
    suite_ctx_free(c);
    return 0;
  }
  return 1;
}

int cardio_sign(const struct cardio_key *key, const uint8_t *msg, size_t len,
                uint8_t sig[CARDIO_SIG_LEN])
{
  uint8_t der[80];
  size_t dlen = sizeof der;
  struct suite_ctx c;
  int rc;
  if (!key || !sig || (!msg && len) || !key->has_private)
    return CARDIO_E_INVALID_ARG;
  if (!suite_ctx_init(key, 1, &c)) {
    ERR_clear_error();
    return CARDIO_E_CRYPTO;
  }
  if (EVP_DigestSign(c.mctx, der, &dlen, msg ? msg : (const uint8_t *)"", len) != 1) {
    cardio_log(CARDIO_LOG_ERROR, "crypto: signing failed (0x%lx)", ERR_get_error());
    suite_ctx_free(&c);
    return CARDIO_E_CRYPTO;
  }
  suite_ctx_free(&c);
  rc = cardio_sig_der_to_raw(der, dlen, sig);
  return rc == CARDIO_OK ? CARDIO_OK : CARDIO_E_CRYPTO;
}

int cardio_verify(const struct cardio_key *key, const uint8_t *msg, size_t len,
                  const uint8_t *sig, size_t sig_len)
{
  uint8_t der[80];
  size_t dlen = 0;
  struct suite_ctx c;
  int ok;
  if (!key || !sig || (!msg && len))
    return CARDIO_E_INVALID_ARG;
  if (sig_len != CARDIO_SIG_LEN)
    return CARDIO_E_VERIFY_FAILED;
  if (cardio_sig_raw_to_der(sig, der, sizeof der, &dlen) != CARDIO_OK)
    return CARDIO_E_VERIFY_FAILED;
  if (!suite_ctx_init(key, 0, &c)) {
    ERR_clear_error();
    return CARDIO_E_CRYPTO;
  }
  ok = EVP_DigestVerify(c.mctx, der, dlen, msg ? msg : (const uint8_t *)"", len);
  suite_ctx_free(&c);
  if (ok != 1) {
    /* 0 is a bad signature; a negative value is a malformed one (r or s out of
     * range): both mean "not signed by this key". */
    ERR_clear_error();
    return CARDIO_E_VERIFY_FAILED;
  }
  return CARDIO_OK;
}

/* --------------------------------------------------------------- hashing -- */

int cardio_digest(enum cardio_suite suite, const uint8_t *data, size_t len,
                  uint8_t out[CARDIO_DIGEST_LEN])
{
  const EVP_MD *md = cardio_suite_md(suite);
  unsigned int n = 0;
  if (!md || !out || (!data && len))
    return md ? CARDIO_E_INVALID_ARG : CARDIO_E_CRYPTO;
  if (EVP_Digest(data ? (const void *)data : "", len, out, &n, md, NULL) != 1 ||
      n != CARDIO_DIGEST_LEN)
    return CARDIO_E_CRYPTO;
  return CARDIO_OK;
}

int cardio_pbkdf2(enum cardio_suite suite, const uint8_t *pass, size_t pass_len,
                  const uint8_t *salt, size_t salt_len, uint32_t iterations,
                  uint8_t out[CARDIO_DIGEST_LEN])
{
  const EVP_MD *md = cardio_suite_md(suite);
  if (!md || !pass || !salt || !out || iterations == 0 ||
      iterations > CARDIO_PBKDF2_MAX_ITER || pass_len > 1024 || salt_len > 1024)
    return md ? CARDIO_E_INVALID_ARG : CARDIO_E_CRYPTO;
  if (PKCS5_PBKDF2_HMAC((const char *)pass, (int)pass_len, salt, (int)salt_len,
                        (int)iterations, md, CARDIO_DIGEST_LEN, out) != 1) {
    ERR_clear_error();
    return CARDIO_E_CRYPTO;
  }
  return CARDIO_OK;
}

int cardio_cmac_aes128(const uint8_t key[16], const uint8_t *msg, size_t len, uint8_t out[16])
{
  EVP_MAC *mac;
  EVP_MAC_CTX *ctx = NULL;
  OSSL_PARAM params[2];
  char cipher[] = "AES-128-CBC";
  size_t outl = 0;
  int rc = CARDIO_E_CRYPTO;
  if (!key || !out || (!msg && len))
    return CARDIO_E_INVALID_ARG;
  mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
  if (!mac)
    goto out;
  ctx = EVP_MAC_CTX_new(mac);
  params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0);
  params[1] = OSSL_PARAM_construct_end();
  if (!ctx || EVP_MAC_init(ctx, key, 16, params) != 1 ||
      EVP_MAC_update(ctx, msg ? msg : (const uint8_t *)"", len) != 1 ||
      EVP_MAC_final(ctx, out, &outl, 16) != 1 || outl != 16)
    goto out;
  rc = CARDIO_OK;
out:
  if (rc != CARDIO_OK)
    ERR_clear_error();
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return rc;
}

int cardio_random(uint8_t *buf, size_t len)
{
  if (!buf && len)
    return CARDIO_E_INVALID_ARG;
  if (len > 0x7fffffff || RAND_bytes(buf, (int)len) != 1)
    return CARDIO_E_CRYPTO;
  return CARDIO_OK;
}

void cardio_cleanse(void *p, size_t len)
{
  if (p && len)
    OPENSSL_cleanse(p, len);
}

/* ------------------------------------------------------------------ dates -- */

/* cardio's dates are YYYYMMDD numbers (the card's BCD fields); the calendar is
 * common/date.h's. */
static uint32_t civil_from_days(int64_t z)
{
  int32_t y;
  unsigned m, d;
  if (z < INT32_MIN || z > INT32_MAX)
    return 0;
  common_civil_from_days((int32_t)z, &y, &m, &d);
  if (y < 0 || y > 9999)
    return 0;
  return (uint32_t)y * 10000u + m * 100u + d;
}

uint32_t cardio_date_from_time(int64_t t)
{
  return civil_from_days(common_local_day(t, 8 * 3600)); /* China Standard Time */
}

int cardio_date_valid(uint32_t d)
{
  unsigned y = d / 10000, m = d / 100 % 100, day = d % 100;
  return y >= 1900 && y <= 9999 && common_date_valid((int32_t)y, m, day);
}

uint32_t cardio_date_add_days(uint32_t d, int32_t days)
{
  int64_t z = common_days_from_civil((int32_t)(d / 10000), d / 100 % 100, d % 100);
  return civil_from_days(z + days);
}
