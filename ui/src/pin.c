/*
 * Staff PIN check. The configuration holds "sha256$<salt>$<hex>", the SHA-256 of
 * salt || PIN: no PIN in clear on the terminal's disk. A PIN of a few digits can be
 * brute-forced from its hash by anyone who has the file, so the hash only keeps the
 * PIN off casual view; the protection on the screen is the lockout in ui.c.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "common/hex.h"
#include "ui/pin.h"

#define PIN_SALT_MAX 32u
#define PIN_MAX 16u

static int salt_ok(const char *s, size_t n)
{
  if (n == 0 || n > PIN_SALT_MAX)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '/'))
      return 0;
  }
  return 1;
}

static int digest(const char *salt, size_t slen, const char *pin, unsigned char out[32])
{
  unsigned int len = 0;
  int ok = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
      EVP_DigestUpdate(ctx, salt, slen) == 1 && EVP_DigestUpdate(ctx, pin, strlen(pin)) == 1 &&
      EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 32)
    ok = 1;
  EVP_MD_CTX_free(ctx);
  return ok ? UI_OK : UI_E_CRYPTO;
}

int ui_pin_verify(const char *hash, const char *pin)
{
  if (!hash || !pin)
    return UI_E_INVALID_ARG;
  if (strncmp(hash, "sha256$", 7) != 0)
    return UI_E_PIN_FORMAT;
  const char *salt = hash + 7;
  const char *dollar = strchr(salt, '$');
  if (!dollar || !salt_ok(salt, (size_t)(dollar - salt)))
    return UI_E_PIN_FORMAT;
  const char *hex = dollar + 1;
  unsigned char want[32], got[32];
  if (strlen(hex) != 64 || common_hex_decode(hex, 64, want, sizeof want, 1) != COMMON_OK)
    return UI_E_PIN_FORMAT;
  if (strlen(pin) > PIN_MAX)
    return 0;
  int rc = digest(salt, (size_t)(dollar - salt), pin, got);
  if (rc != UI_OK)
    return rc;
  int same = CRYPTO_memcmp(want, got, sizeof want) == 0;
  OPENSSL_cleanse(got, sizeof got);
  return same;
}

int ui_pin_hash(const char *salt, const char *pin, char *out, size_t cap)
{
  if (!salt || !pin || !out || !salt_ok(salt, strlen(salt)) || strlen(pin) > PIN_MAX)
    return UI_E_INVALID_ARG;
  unsigned char d[32];
  int rc = digest(salt, strlen(salt), pin, d);
  if (rc != UI_OK)
    return rc;
  size_t need = 7 + strlen(salt) + 1 + 64 + 1;
  if (cap < need) {
    OPENSSL_cleanse(d, sizeof d);
    return UI_E_TOO_LARGE;
  }
  int o = snprintf(out, cap, "sha256$%s$", salt);
  common_hex_encode(d, sizeof d, out + o, cap - (size_t)o);
  OPENSSL_cleanse(d, sizeof d);
  return UI_OK;
}
