/*
 * The chain hash of a journal event, and small hex helpers. The hash is proto's
 * (proto_event_hash over the canonical line of docs/journal.md): the centre recomputes
 * exactly what the terminal's journal computed, with the same code.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "centre/centre.h"
#include "centre_int.h"

int centre_token_ok(const char *s, size_t max, int allow_empty)
{
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (n >= max)
      return 0;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return allow_empty || n > 0;
}

int centre_hex_ok(const char *s, size_t want)
{
  size_t n = 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (n >= want || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return 0;
  }
  return n == want;
}

void centre_hex(const uint8_t *in, size_t n, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = '\0';
}

int centre_sha256_hex(const void *data, size_t len, char out[CENTRE_HASH_HEX + 1])
{
  uint8_t md[32];
  unsigned int md_len = 0;
  if (!EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) || md_len != 32)
    return CENTRE_E_CRYPTO;
  centre_hex(md, 32, out);
  return CENTRE_OK;
}

int centre_event_hash(const struct proto_event *ev, uint8_t out[PROTO_HASH_LEN])
{
  int rc;
  if (!ev || !out)
    return CENTRE_E_INVALID_ARG;
  rc = proto_event_hash(ev, out);
  if (rc == PROTO_OK)
    return CENTRE_OK;
  return rc == PROTO_E_CRYPTO ? CENTRE_E_CRYPTO : CENTRE_E_INVALID_ARG;
}

int centre_unhex(const char *s, uint8_t *out, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    int v = 0;
    for (int k = 0; k < 2; k++) {
      char c = s[2 * i + (size_t)k];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else
        return -1;
    }
    out[i] = (uint8_t)v;
  }
  return s[2 * n] == '\0' ? 0 : -1;
}
