/*
 * Fuzz the bills index's sidecar parser (kiosk_bills_parse, kiosk/bills.h): whatever the
 * bytes, it answers OK, FORMAT, TOO_LARGE or NO_MEMORY, reads only len bytes, never
 * quotes them in its reason, and what it accepts has the exact length of its count, at
 * most KIOSK_BILLS_SIDECAR_MAX entries, covers its own seq and indexes every entry.
 * Each input is parsed twice: as it is, and with its last 32 bytes replaced by the right
 * digest, so that the checks behind the digest (count, order, range) are fuzzed too (a
 * fuzzer cannot forge SHA-256).
 */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/bills.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size, int redigest)
{
  /* A copy of exactly size bytes, so that ASan sees any read past the end. */
  uint8_t *buf = malloc(size ? size : 1);
  if (!buf)
    return;
  memcpy(buf, data, size);
  unsigned dlen = 0;
  if (redigest && (size < 32 || EVP_Digest(buf, size - 32, buf + size - 32, &dlen, EVP_sha256(),
                                           NULL) != 1)) {
    free(buf);
    return;
  }
  struct kiosk_bills *b = NULL;
  uint64_t seq = 0;
  uint8_t hash[KIOSK_HASH_LEN];
  char why[160];
  int rc = kiosk_bills_parse(buf, size, &b, &seq, hash, why, sizeof why);
  if (rc == KIOSK_OK) {
    size_t n = kiosk_bills_count(b);
    if (!b || n > KIOSK_BILLS_SIDECAR_MAX ||
        size != KIOSK_BILLS_SIDECAR_HEADER + n * KIOSK_BILLS_SIDECAR_ENTRY + 32 ||
        kiosk_bills_seq(b) != seq || kiosk_bills_saved_seq(b) != seq || (n && seq < n))
      abort();
  } else if ((rc != KIOSK_E_FORMAT && rc != KIOSK_E_TOO_LARGE && rc != KIOSK_E_NO_MEMORY) || b ||
             memchr(why, '\0', sizeof why) == NULL || (rc != KIOSK_E_NO_MEMORY && !why[0])) {
    abort();
  }
  kiosk_bills_destroy(b);
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  one(data, size, 0);
  one(data, size, 1);
  return 0;
}
