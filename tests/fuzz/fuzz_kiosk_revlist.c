/*
 * Fuzz the revocation list codec (proto/revlist.h) and kiosk's index fed by it. The
 * first byte picks how the rest is used:
 *   even: as a whole signed blob (header, entries, signature): structure checks and
 *         signature verification against a fixed key;
 *   odd:  as header + entries, which the harness signs with that key, so that the
 *         input gets past the signature into entry parsing, ordering checks and the
 *         snapshot/delta merge against a small base list.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/revoke.h"
#include "proto/key.h"
#include "proto/revlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct proto_key *priv; /* the signer; proto's key serves as the public one too */
static struct proto_key *pub;
static uint8_t *base_blob;
static size_t base_len;

static void init(void)
{
  if (proto_key_generate(&priv) != PROTO_OK)
    abort();
  pub = priv;
  /* The base list for deltas: version 5. */
  struct proto_rev_entry e[] = {{"A", 0, PROTO_REV_EXACT}, {"B-1", 2, PROTO_REV_BELOW}};
  if (proto_revlist_encode_snapshot(e, 2, 5, 1000, priv, &base_blob, &base_len) != PROTO_OK)
    abort();
}

static void exercise(const uint8_t *blob, size_t len)
{
  struct kiosk_diag d;
  struct proto_revlist_header h;
  struct proto_rev_rec *recs = NULL;
  kiosk_revlist_peek(blob, len, &h);
  int ok = proto_revlist_decode(blob, len, pub, &h, &recs, NULL, 0) == PROTO_OK;
  free(recs);
  if (ok != (kiosk_revlist_verify(blob, len, pub, &h, &d) == KIOSK_OK))
    abort(); /* kiosk's verify is proto's decode */
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
    struct proto_rev_entry e;
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
  uint8_t *blob = malloc(blen + 2 + PROTO_SIG_MAX);
  if (!blob)
    return 0;
  memcpy(blob, body, blen);
  size_t siglen = 0;
  if (proto_key_sign(priv, blob, blen, blob + blen + 2, PROTO_SIG_MAX, &siglen) == PROTO_OK) {
    blob[blen] = (uint8_t)(siglen >> 8);
    blob[blen + 1] = (uint8_t)siglen;
    exercise(blob, blen + 2 + siglen);
  }
  free(blob);
  return 0;
}
