/*
 * The revocation list the centre serves: proto's codec (proto/revlist.h), the same one
 * the terminals decode with. This file only maps the store's entries onto proto's and
 * holds the key.
 */
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "proto/revlist.h"

struct centre_revsigner {
  struct proto_key *key;
};

int centre_revsigner_create(const char *key_path, struct centre_revsigner **out)
{
  struct centre_revsigner *s;
  char why[256];
  int rc;
  *out = NULL;
  s = calloc(1, sizeof *s);
  if (!s)
    return CENTRE_E_NO_MEMORY;
  rc = proto_key_load_private(key_path, &s->key, why, sizeof why);
  if (rc != PROTO_OK) {
    centre_log(CENTRE_LOG_ERROR, "revocation signing key: %s: %s (%s)", key_path, why,
               proto_errname(rc));
    free(s);
    return CENTRE_E_CONFIG;
  }
  *out = s;
  return CENTRE_OK;
}

void centre_revsigner_destroy(struct centre_revsigner *s)
{
  if (!s)
    return;
  proto_key_destroy(s->key);
  free(s);
}

int centre_revlist_encode(const struct centre_revsigner *signer, int delta, uint64_t base_version,
                          uint64_t version, int64_t issued_at, const struct centre_rev_entry *e,
                          size_t n, uint8_t **out, size_t *out_len)
{
  int rc;
  if (!signer || (!e && n) || !out || !out_len)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  *out_len = 0;
  if (!delta) {
    struct proto_rev_entry *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
      return CENTRE_E_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
      memcpy(k[i].card_no, e[i].card_no, sizeof k[i].card_no);
      k[i].generation = e[i].generation;
      k[i].kind = e[i].kind;
    }
    rc = proto_revlist_encode_snapshot(k, n, version, issued_at, signer->key, out, out_len);
    free(k);
  } else {
    struct proto_rev_change *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
      return CENTRE_E_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
      k[i].remove = e[i].remove;
      memcpy(k[i].entry.card_no, e[i].card_no, sizeof k[i].entry.card_no);
      k[i].entry.generation = e[i].generation;
      k[i].entry.kind = e[i].kind;
    }
    rc = proto_revlist_encode_delta(k, n, base_version, version, issued_at, signer->key, out,
                                    out_len);
    free(k);
  }
  if (rc != PROTO_OK) {
    centre_log(CENTRE_LOG_ERROR, "revocation list writer: %s", proto_errname(rc));
    return rc == PROTO_E_NO_MEMORY ? CENTRE_E_NO_MEMORY : CENTRE_E_CRYPTO;
  }
  return CENTRE_OK;
}
