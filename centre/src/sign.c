/* The centre's signing key for receipts and signed documents: proto's ECDSA P-256 /
 * SHA-256 helper (proto/key.h), with base64 for HTTP headers. */
#include <openssl/evp.h>
#include <stdlib.h>

#include "centre/centre.h"
#include "centre_int.h"
#include "proto/key.h"

struct centre_signer {
  struct proto_key *key;
};

int centre_signer_create(const char *key_path, struct centre_signer **out)
{
  struct centre_signer *s;
  struct proto_key *key = NULL;
  int rc;
  if (!key_path || !out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  rc = proto_key_load_private(key_path, &key, NULL, 0);
  switch (rc) {
  case PROTO_OK:
    break;
  case PROTO_E_NOT_FOUND:
  case PROTO_E_IO:
    return CENTRE_E_IO;
  case PROTO_E_KEY_TYPE:
    return CENTRE_E_CONFIG;
  case PROTO_E_NO_MEMORY:
    return CENTRE_E_NO_MEMORY;
  default:
    return CENTRE_E_CRYPTO;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    proto_key_destroy(key);
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
  proto_key_destroy(s->key);
  free(s);
}

int centre_sign_raw(struct centre_signer *s, const void *data, size_t len, uint8_t *sig,
                    size_t cap, size_t *sig_len)
{
  int rc;
  if (!s || (!data && len) || !sig || !sig_len)
    return CENTRE_E_INVALID_ARG;
  rc = proto_key_sign(s->key, data, len, sig, cap, sig_len);
  if (rc == PROTO_OK)
    return CENTRE_OK;
  return rc == PROTO_E_NO_MEMORY ? CENTRE_E_NO_MEMORY : CENTRE_E_CRYPTO;
}

int centre_sign_b64(struct centre_signer *s, const void *data, size_t len, char *out,
                    size_t out_cap)
{
  uint8_t sig[PROTO_SIG_MAX];
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
  if (!s || !out)
    return CENTRE_E_INVALID_ARG;
  return proto_key_id(s->key, out) == PROTO_OK ? CENTRE_OK : CENTRE_E_CRYPTO;
}
