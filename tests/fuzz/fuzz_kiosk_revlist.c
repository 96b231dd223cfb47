/*
 * Fuzz the revocation list codec. The first byte picks how the rest is used:
 *   even: as a whole signed blob (header, entries, signature): structure checks and
 *         signature verification against a fixed key;
 *   odd:  as header + entries, which the harness signs with that key, so that the
 *         input gets past the signature into entry parsing, ordering checks and the
 *         snapshot/delta merge against a small base list.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/revoke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *priv;
static struct kiosk_revkey *pub;
static uint8_t *base_blob;
static size_t base_len;

static void init(void)
{
  priv = EVP_EC_gen("P-256");
  if (!priv)
    abort();
  char path[] = "/tmp/fuzz-revlist-XXXXXX";
  int fd = mkstemp(path);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f || !PEM_write_PUBKEY(f, priv))
    abort();
  fclose(f);
  struct kiosk_diag d;
  if (kiosk_revkey_load_public(path, &pub, &d) != KIOSK_OK)
    abort();
  unlink(path);
  /* The base list for deltas: version 5, signed through the same private key. */
  struct kiosk_revkey *k = NULL;
  char ppath[] = "/tmp/fuzz-revlist-priv-XXXXXX";
  fd = mkstemp(ppath);
  f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f || !PEM_write_PrivateKey(f, priv, NULL, NULL, 0, NULL, NULL))
    abort();
  fclose(f);
  if (kiosk_revkey_load_private(ppath, &k, &d) != KIOSK_OK)
    abort();
  unlink(ppath);
  struct kiosk_rev_entry e[] = {{"A", 0, KIOSK_REV_EXACT}, {"B-1", 2, KIOSK_REV_BELOW}};
  if (kiosk_revlist_write_snapshot(e, 2, 5, 1000, k, &base_blob, &base_len) != KIOSK_OK)
    abort();
  kiosk_revkey_destroy(k);
}

static void exercise(const uint8_t *blob, size_t len)
{
  struct kiosk_diag d;
  struct kiosk_revlist_header h;
  kiosk_revlist_peek(blob, len, &h);
  int ok = kiosk_revlist_verify(blob, len, pub, &h, &d) == KIOSK_OK;
  struct kiosk_revlist *rl = NULL;
  if (kiosk_revlist_create(&rl) != KIOSK_OK)
    abort();
  if (kiosk_revlist_apply(rl, base_blob, base_len, pub, &d) != KIOSK_OK)
    abort();
  int applied = kiosk_revlist_apply(rl, blob, len, pub, &d) == KIOSK_OK;
  if (applied && !ok)
    abort(); /* nothing unverified may be applied */
  struct kiosk_rev_lookup r;
  for (size_t i = 0; i < kiosk_revlist_count(rl) && i < 64; i++) {
    struct kiosk_rev_entry e;
    if (kiosk_revlist_entry(rl, i, &e) != KIOSK_OK)
      abort();
    kiosk_revlist_lookup(rl, e.card_no, e.generation, &r);
    if (e.kind == KIOSK_REV_EXACT && r.status != KIOSK_REV_REVOKED)
      abort(); /* every listed exact entry is found */
  }
  kiosk_revlist_lookup(rl, "A", 0, &r);
  kiosk_revlist_destroy(rl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!priv)
    init();
  if (size < 1)
    return 0;
  const uint8_t *body = data + 1;
  size_t blen = size - 1;
  if ((data[0] & 1) == 0) {
    exercise(body, blen);
    return 0;
  }
  if (blen > 4u * 1024u * 1024u)
    return 0;
  uint8_t *blob = malloc(blen + 2 + KIOSK_REVLIST_SIG_MAX);
  if (!blob)
    return 0;
  memcpy(blob, body, blen);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  size_t siglen = KIOSK_REVLIST_SIG_MAX;
  if (ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, priv) == 1 &&
      EVP_DigestSign(ctx, blob + blen + 2, &siglen, blob, blen) == 1) {
    blob[blen] = (uint8_t)(siglen >> 8);
    blob[blen + 1] = (uint8_t)siglen;
    exercise(blob, blen + 2 + siglen);
  }
  EVP_MD_CTX_free(ctx);
  free(blob);
  return 0;
}
