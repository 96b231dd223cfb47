/* The centre's signing key: ECDSA P-256 over SHA-256, through EVP. */
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "centre/centre.h"
#include "centre_int.h"

struct centre_signer {
  EVP_PKEY *key;
};

int centre_signer_create(const char *key_path, struct centre_signer **out)
{
  struct centre_signer *s;
  FILE *f;
  EVP_PKEY *key;
  char group[32];
  size_t glen = 0;
  if (!key_path || !out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  f = fopen(key_path, "r");
  if (!f)
    return CENTRE_E_IO;
  key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (!key)
    return CENTRE_E_CRYPTO;
  if (!EVP_PKEY_is_a(key, "EC") ||
      !EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &glen) ||
      strcmp(group, "prime256v1") != 0) {
    EVP_PKEY_free(key);
    return CENTRE_E_CONFIG;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    EVP_PKEY_free(key);
    return CENTRE_E_NO_MEMORY;
  }
  s->key = key;
  *out = s;
  return CENTRE_OK;
}

void centre_signer_destroy(struct centre_signer *s)
{
  if (!s)
    return;
  EVP_PKEY_free(s->key);
  free(s);
}

int centre_sign_raw(struct centre_signer *s, const void *data, size_t len, uint8_t *sig,
                    size_t cap, size_t *sig_len)
{
  EVP_MD_CTX *md;
  size_t n = cap;
  int rc = CENTRE_E_CRYPTO;
  if (!s || (!data && len) || !sig || !sig_len)
    return CENTRE_E_INVALID_ARG;
  md = EVP_MD_CTX_new();
  if (!md)
    return CENTRE_E_NO_MEMORY;
  if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, s->key) == 1 &&
      EVP_DigestSign(md, sig, &n, data, len) == 1) {
    *sig_len = n;
    rc = CENTRE_OK;
  }
  EVP_MD_CTX_free(md);
  return rc;
}

int centre_sign_b64(struct centre_signer *s, const void *data, size_t len, char *out,
                    size_t out_cap)
{
  uint8_t sig[80];
  size_t sig_len = 0;
  int rc = centre_sign_raw(s, data, len, sig, sizeof sig, &sig_len);
  if (rc != CENTRE_OK)
    return rc;
  if (out_cap < 4 * ((sig_len + 2) / 3) + 1)
    return CENTRE_E_TOO_LARGE;
  EVP_EncodeBlock((unsigned char *)out, sig, (int)sig_len);
  return CENTRE_OK;
}

int centre_signer_key_id(struct centre_signer *s, char out[CENTRE_HASH_HEX + 1])
{
  unsigned char *der = NULL;
  int n;
  int rc;
  if (!s || !out)
    return CENTRE_E_INVALID_ARG;
  n = i2d_PUBKEY(s->key, &der);
  if (n <= 0)
    return CENTRE_E_CRYPTO;
  rc = centre_sha256_hex(der, (size_t)n, out);
  OPENSSL_free(der);
  return rc;
}
