/*
 * The chain hash of a journal event. This file is the one place on the centre's side
 * that says which fields are hashed and how; docs/sync-protocol.md ("Chain") spells it
 * out, and it must stay identical to docs/journal.md (the kiosk's journal).
 *
 * Hash input: the ASCII line
 *     yhj1|<seq>|<ts>|<kind>|<verdict>|<reason>|<card>|<fee_cents>|<prev_hash>
 * with decimal integers (no leading zeros, '-' only for a negative ts) and lowercase hex
 * prev_hash; hash = lowercase hex SHA-256 of that line (no newline). Tokens cannot hold
 * '|', so the line parses back one way only.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "centre/centre.h"
#include "centre_int.h"

const char centre_genesis_hash[CENTRE_HASH_HEX + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

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

int centre_event_hash(const struct centre_event *ev, char out[CENTRE_HASH_HEX + 1])
{
  char line[256];
  int n;
  if (!ev || !out)
    return CENTRE_E_INVALID_ARG;
  if (!centre_token_ok(ev->kind, CENTRE_KIND_MAX, 0) ||
      !centre_token_ok(ev->verdict, CENTRE_VERDICT_MAX, 0) ||
      !centre_token_ok(ev->reason, CENTRE_REASON_MAX, 0) ||
      !centre_token_ok(ev->card, CENTRE_CARD_MAX, 1) ||
      !centre_hex_ok(ev->prev_hash, CENTRE_HASH_HEX))
    return CENTRE_E_INVALID_ARG;
  n = snprintf(line, sizeof line, "yhj1|%" PRIu64 "|%" PRId64 "|%s|%s|%s|%s|%" PRId64 "|%s",
               ev->seq, ev->ts, ev->kind, ev->verdict, ev->reason, ev->card, ev->fee_cents,
               ev->prev_hash);
  if (n < 0 || (size_t)n >= sizeof line)
    return CENTRE_E_INVALID_ARG;
  return centre_sha256_hex(line, (size_t)n, out);
}
