/*
 * The console's credentials (console.h): password hashes, random tokens, sign-in
 * throttling.
 *
 * KDF: scrypt through OpenSSL 3 (EVP_PBE_scrypt), the one the staff PINs already use
 * (proto/roster.h), rather than libargon2: it is memory-hard too (32 MiB and tens of
 * milliseconds per guess at N = 2^15, r = 8, p = 1), and it needs no new library on the
 * centre, whose attack surface is what the console adds. The parameters travel in the
 * hash and are bounded on reading (N <= 2^17, r <= 8, p <= 2: at most 128 MiB) so that
 * a damaged row cannot make a sign-in take gigabytes.
 */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "console.h"

#define SALT_LEN 16
#define KEY_LEN 32
#define LOG2N_DEFAULT 15

static const struct {
  unsigned bit;
  const char *name;
} roles[] = {
#define CONSOLE_X_ROLE(id, name, bit) {bit, name},
    CONSOLE_ROLE_MAP(CONSOLE_X_ROLE)
#undef CONSOLE_X_ROLE
};

unsigned console_role_parse(const char *name)
{
  for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
    if (strcmp(roles[i].name, name) == 0)
      return roles[i].bit;
  return 0;
}

const char *console_role_name(unsigned role)
{
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
    if (roles[i].bit == role)
      return roles[i].name;
  return "?";
}

int console_login_valid(const char *login)
{
  size_t n = login ? strlen(login) : 0;
  if (n < 3 || n > CONSOLE_LOGIN_MAX || login[0] < 'a' || login[0] > 'z')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = login[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

int console_password_valid(const char *pw, size_t len)
{
  if (!pw || len < CONSOLE_PASSWORD_MIN || len > CONSOLE_PASSWORD_MAX || strlen(pw) != len)
    return 0;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f)
      return 0;
  return 1;
}

static int scrypt(const char *pw, unsigned log2n, unsigned r, unsigned p, const uint8_t *salt,
                  uint8_t key[KEY_LEN])
{
  uint64_t n = 1ull << log2n;
  uint64_t mem = 128ull * r * (n + p + 2) + (1u << 20);
  return EVP_PBE_scrypt(pw, strlen(pw), salt, SALT_LEN, n, r, p, mem, key, KEY_LEN) == 1
             ? CENTRE_OK
             : CENTRE_E_CRYPTO;
}

int console_password_hash(const char *pw, unsigned log2n, char out[CONSOLE_HASH_MAX + 1])
{
  uint8_t salt[SALT_LEN], key[KEY_LEN];
  char sh[2 * SALT_LEN + 1], kh[2 * KEY_LEN + 1];
  int rc;
  out[0] = '\0';
  if (!log2n)
    log2n = LOG2N_DEFAULT;
  if (!pw || log2n < 10 || log2n > 17)
    return CENTRE_E_INVALID_ARG;
  if (RAND_bytes(salt, sizeof salt) != 1)
    return CENTRE_E_CRYPTO;
  rc = scrypt(pw, log2n, 8, 1, salt, key);
  if (rc == CENTRE_OK) {
    common_hex_encode(salt, sizeof salt, sh, sizeof sh);
    common_hex_encode(key, sizeof key, kh, sizeof kh);
    snprintf(out, CONSOLE_HASH_MAX + 1, "scrypt$%u$8$1$%s$%s", log2n, sh, kh);
  }
  OPENSSL_cleanse(key, sizeof key);
  return rc;
}

/* A decimal field of the hash, then '$'; bounded. */
static const char *field_uint(const char *s, unsigned max, unsigned *out)
{
  unsigned v = 0;
  int digits = 0;
  while (*s >= '0' && *s <= '9' && digits < 3) {
    v = v * 10 + (unsigned)(*s++ - '0');
    digits++;
  }
  if (!digits || *s != '$' || v > max)
    return NULL;
  *out = v;
  return s + 1;
}

int console_password_verify(const char *hash, const char *pw)
{
  unsigned log2n, r, p;
  uint8_t salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
  const char *s;
  int rc;
  if (!hash || !pw || strlen(hash) > CONSOLE_HASH_MAX || strncmp(hash, "scrypt$", 7) != 0)
    return CENTRE_E_MALFORMED;
  s = field_uint(hash + 7, 17, &log2n);
  s = s ? field_uint(s, 8, &r) : NULL;
  s = s ? field_uint(s, 2, &p) : NULL;
  if (!s || log2n < 10 || !r || !p || strlen(s) != 2 * SALT_LEN + 1 + 2 * KEY_LEN ||
      s[2 * SALT_LEN] != '$' || common_hex_decode(s, 2 * SALT_LEN, salt, SALT_LEN, 0) != 0 ||
      common_hex_decode(s + 2 * SALT_LEN + 1, 2 * KEY_LEN, want, KEY_LEN, 0) != 0)
    return CENTRE_E_MALFORMED;
  rc = scrypt(pw, log2n, r, p, salt, got);
  if (rc == CENTRE_OK && CRYPTO_memcmp(got, want, KEY_LEN) != 0)
    rc = CENTRE_E_VERIFY_FAILED;
  OPENSSL_cleanse(got, sizeof got);
  return rc;
}

int console_token_new(char out[65])
{
  uint8_t b[32];
  out[0] = '\0';
  if (RAND_bytes(b, sizeof b) != 1)
    return CENTRE_E_CRYPTO;
  common_hex_encode(b, sizeof b, out, 65);
  OPENSSL_cleanse(b, sizeof b);
  return CENTRE_OK;
}

void console_token_hash(const char *token, char out[65])
{
  uint8_t md[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)token, strlen(token), md);
  common_hex_encode(md, sizeof md, out, 65);
}

int console_token_equal(const char *a, const char *b)
{
  size_t n = a ? strlen(a) : 0;
  if (!a || !b || n == 0 || n != strlen(b))
    return 0;
  return CRYPTO_memcmp(a, b, n) == 0;
}

/* ----------------------------------------------------------- throttling -- */

/* A fixed table: when it is full the oldest window is reused, so a flood of addresses
 * cannot grow memory; it can only make the console forget an old failure early. */
#define THROTTLE_SLOTS 4096
#define THROTTLE_KEY_MAX 80

struct throttle_slot {
  char key[THROTTLE_KEY_MAX];
  unsigned failures;
  int64_t since;
};

struct console_throttle {
  unsigned failures;
  int64_t window_s;
  struct throttle_slot slot[THROTTLE_SLOTS];
};

int console_throttle_create(unsigned failures, unsigned window_s, struct console_throttle **out)
{
  *out = calloc(1, sizeof **out);
  if (!*out)
    return CENTRE_E_NO_MEMORY;
  (*out)->failures = failures ? failures : 5;
  (*out)->window_s = window_s ? window_s : 900;
  return CENTRE_OK;
}

void console_throttle_destroy(struct console_throttle *t)
{
  free(t);
}

static struct throttle_slot *find(struct console_throttle *t, const char *key, int64_t now,
                                  int create)
{
  struct throttle_slot *reuse = NULL;
  for (size_t i = 0; i < THROTTLE_SLOTS; i++) {
    struct throttle_slot *s = &t->slot[i];
    if (s->key[0] && strncmp(s->key, key, THROTTLE_KEY_MAX - 1) == 0) {
      if (now - s->since >= t->window_s) { /* the window passed: start again */
        s->failures = 0;
        s->since = now;
      }
      return s;
    }
    /* an empty slot first, else the oldest window */
    if (!reuse || (reuse->key[0] && (!s->key[0] || s->since < reuse->since)))
      reuse = s;
  }
  if (!create)
    return NULL;
  snprintf(reuse->key, sizeof reuse->key, "%s", key);
  reuse->failures = 0;
  reuse->since = now;
  return reuse;
}

int64_t console_throttle_wait(struct console_throttle *t, const char *key, int64_t now)
{
  struct throttle_slot *s = find(t, key, now, 0);
  if (!s || s->failures < t->failures)
    return 0;
  return s->since + t->window_s - now;
}

void console_throttle_fail(struct console_throttle *t, const char *key, int64_t now)
{
  struct throttle_slot *s = find(t, key, now, 1);
  s->failures++;
}

void console_throttle_clear(struct console_throttle *t, const char *key)
{
  struct throttle_slot *s = find(t, key, 0, 0);
  if (s)
    memset(s, 0, sizeof *s);
}
