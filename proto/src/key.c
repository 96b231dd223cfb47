/* ECDSA P-256 keys through OpenSSL's EVP interface (proto/key.h). OpenSSL's codes are
 * translated here, once. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/key.h"
#include "proto_int.h"

struct proto_key {
  EVP_PKEY *pkey;
  int has_private;
};

static int key_is_p256(EVP_PKEY *pk)
{
  char group[64];
  size_t glen = 0;
  if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
    return 0;
  if (!EVP_PKEY_get_utf8_string_param(pk, "group", group, sizeof group, &glen))
    return 0;
  return strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0;
}

static int wrap(EVP_PKEY *pk, int has_private, struct proto_key **out)
{
  struct proto_key *k = calloc(1, sizeof *k);
  if (!k) {
    EVP_PKEY_free(pk);
    return PROTO_E_NO_MEMORY;
  }
  k->pkey = pk;
  k->has_private = has_private;
  *out = k;
  return PROTO_OK;
}

static int load(const char *path, int private, struct proto_key **out, char *why, size_t cap)
{
  FILE *f;
  EVP_PKEY *pk;
  if (!out)
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  if (!path)
    return proto_i_why(why, cap, PROTO_E_INVALID_ARG, "no key path");
  f = fopen(path, "r");
  if (!f)
    return proto_i_why(why, cap, errno == ENOENT ? PROTO_E_NOT_FOUND : PROTO_E_IO,
                       "cannot open key: %s", strerror(errno));
  pk = private ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : PEM_read_PUBKEY(f, NULL, NULL, NULL);
  fclose(f);
  if (!pk)
    return proto_i_why(why, cap, PROTO_E_CRYPTO, "not a PEM %s key",
                       private ? "private" : "public");
  if (!key_is_p256(pk)) {
    EVP_PKEY_free(pk);
    return proto_i_why(why, cap, PROTO_E_KEY_TYPE, "key is not EC P-256");
  }
  return wrap(pk, private, out);
}

int proto_key_load_public(const char *path, struct proto_key **out, char *why, size_t cap)
{
  return load(path, 0, out, why, cap);
}

int proto_key_load_private(const char *path, struct proto_key **out, char *why, size_t cap)
{
  return load(path, 1, out, why, cap);
}

int proto_key_generate(struct proto_key **out)
{
  EVP_PKEY *pk;
  if (!out)
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  pk = EVP_EC_gen("P-256");
  if (!pk)
    return PROTO_E_CRYPTO;
  return wrap(pk, 1, out);
}

void proto_key_destroy(struct proto_key *key)
{
  if (!key)
    return;
  EVP_PKEY_free(key->pkey);
  free(key);
}

int proto_key_has_private(const struct proto_key *key)
{
  return key && key->has_private;
}

static int write_pem(const struct proto_key *key, const char *path, int private)
{
  int fd, ok, closed;
  FILE *f;
  if (!key || !path || (private && !key->has_private))
    return PROTO_E_INVALID_ARG;
  /* A private key is a new file, never a truncated or replaced one: O_EXCL refuses an
   * existing path (or a symlink planted there), and 0600 holds from the first byte. */
  fd = private ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
               : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return private && errno == EEXIST ? PROTO_E_EXISTS : PROTO_E_IO;
  f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    if (private)
      unlink(path); /* ours: O_EXCL made it */
    return PROTO_E_IO;
  }
  ok = private ? PEM_write_PrivateKey(f, key->pkey, NULL, NULL, 0, NULL, NULL)
               : PEM_write_PUBKEY(f, key->pkey);
  closed = fclose(f) == 0;
  if (ok && closed)
    return PROTO_OK;
  if (private)
    unlink(path); /* never leave half a key behind */
  return ok ? PROTO_E_IO : PROTO_E_CRYPTO;
}

int proto_key_write_public(const struct proto_key *key, const char *path)
{
  return write_pem(key, path, 0);
}

int proto_key_write_private(const struct proto_key *key, const char *path)
{
  return write_pem(key, path, 1);
}

int proto_key_sign(const struct proto_key *key, const void *data, size_t len, uint8_t *sig,
                   size_t cap, size_t *sig_len)
{
  EVP_MD_CTX *ctx;
  size_t n = 0;
  int rc = PROTO_E_CRYPTO;
  if (!key || !key->has_private || (!data && len) || !sig || !sig_len)
    return PROTO_E_INVALID_ARG;
  ctx = EVP_MD_CTX_new();
  if (!ctx)
    return PROTO_E_NO_MEMORY;
  if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) != 1 ||
      EVP_DigestSign(ctx, NULL, &n, data, len) != 1)
    goto out_free_ctx;
  /* n is the largest signature this key can make; the real one may be shorter. */
  if (n > cap) {
    rc = PROTO_E_TOO_LARGE;
    goto out_free_ctx;
  }
  n = cap;
  if (EVP_DigestSign(ctx, sig, &n, data, len) != 1)
    goto out_free_ctx;
  *sig_len = n;
  rc = PROTO_OK;
out_free_ctx:
  EVP_MD_CTX_free(ctx);
  return rc;
}

int proto_key_verify(const struct proto_key *key, const void *data, size_t len,
                     const uint8_t *sig, size_t sig_len)
{
  EVP_MD_CTX *ctx;
  int rc = PROTO_E_SIGNATURE;
  if (!key || (!data && len) || !sig)
    return PROTO_E_INVALID_ARG;
  ctx = EVP_MD_CTX_new();
  if (!ctx)
    return PROTO_E_NO_MEMORY;
  if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key->pkey) == 1 &&
      EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1)
    rc = PROTO_OK;
  EVP_MD_CTX_free(ctx);
  return rc;
}

int proto_key_id(const struct proto_key *key, char out[PROTO_KEY_ID_HEX + 1])
{
  unsigned char *der = NULL;
  uint8_t md[32];
  unsigned int md_len = 0;
  int n, rc = PROTO_E_CRYPTO;
  if (!key || !out)
    return PROTO_E_INVALID_ARG;
  n = i2d_PUBKEY(key->pkey, &der);
  if (n <= 0)
    return PROTO_E_CRYPTO;
  if (EVP_Digest(der, (size_t)n, md, &md_len, EVP_sha256(), NULL) && md_len == sizeof md) {
    common_hex_encode(md, sizeof md, out, PROTO_KEY_ID_HEX + 1);
    rc = PROTO_OK;
  }
  OPENSSL_free(der);
  return rc;
}
