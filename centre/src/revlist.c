/*
 * Adapter: the signed binary revocation list (snapshot or delta) that the terminals
 * load. The kiosk owns the format and its reader (kiosk/revoke.h); until its writer
 * functions exist, this file writes the provisional format of docs/sync-protocol.md
 * ("Revocation list"), and it is the only file to change when they do.
 *
 *   "YHRL" | u8 format (1) | u8 type (0 snapshot, 1 delta) | u64 base | u64 version
 *   | u32 count | count x entry | u16 sig_len | sig
 *   entry: u8 state (1 revoked, 0 restored) | u8 shared prefix with the previous card
 *          | u8 suffix length | suffix
 *   sig: ECDSA P-256 / SHA-256, DER, over every byte before sig_len.
 * Integers big-endian. Entries sorted by card, so the shared prefix keeps a delta of
 * 1,000 changes in a few kilobytes.
 */
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"

static uint8_t *put_be(uint8_t *p, uint64_t v, int bytes)
{
  for (int i = bytes - 1; i >= 0; i--)
    *p++ = (uint8_t)(v >> (8 * i));
  return p;
}

int centre_revlist_encode(struct centre_signer *signer, int delta, uint64_t base_version,
                          uint64_t version, const struct centre_rev_entry *e, size_t n,
                          uint8_t **out, size_t *out_len)
{
  size_t cap, sig_len = 0;
  uint8_t *buf, *p;
  const char *prev = "";
  int rc;
  if (!signer || (!e && n) || !out || !out_len || n > 0xffffffffu)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  *out_len = 0;
  cap = 4 + 1 + 1 + 8 + 8 + 4 + n * (3 + CENTRE_CARD_MAX) + 2 + 80;
  buf = malloc(cap);
  if (!buf)
    return CENTRE_E_NO_MEMORY;
  p = buf;
  memcpy(p, "YHRL", 4);
  p += 4;
  *p++ = 1;
  *p++ = delta ? 1 : 0;
  p = put_be(p, delta ? base_version : 0, 8);
  p = put_be(p, version, 8);
  p = put_be(p, n, 4);
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(e[i].card), shared = 0;
    if (len == 0 || len > CENTRE_CARD_MAX) {
      free(buf);
      return CENTRE_E_INVALID_ARG;
    }
    while (shared < len && prev[shared] == e[i].card[shared])
      shared++;
    *p++ = e[i].op ? 1 : 0;
    *p++ = (uint8_t)shared;
    *p++ = (uint8_t)(len - shared);
    memcpy(p, e[i].card + shared, len - shared);
    p += len - shared;
    prev = e[i].card;
  }
  rc = centre_sign_raw(signer, buf, (size_t)(p - buf), p + 2, 80, &sig_len);
  if (rc != CENTRE_OK) {
    free(buf);
    return rc;
  }
  p = put_be(p, sig_len, 2);
  p += sig_len;
  *out = buf;
  *out_len = (size_t)(p - buf);
  return CENTRE_OK;
}
