/*
 * The revocation list the centre serves: kiosk's own writer (kiosk/revoke.h), so that
 * the terminal's reader and the centre's writer share one codec. This file only maps the
 * store's entries onto kiosk's and holds the key.
 */
#include <stdlib.h>
#include <string.h>

#include "centre_int.h"
#include "kiosk/revoke.h"

struct centre_revsigner {
  struct kiosk_revkey *key;
};

int centre_revsigner_create(const char *key_path, struct centre_revsigner **out)
{
  struct centre_revsigner *s;
  struct kiosk_diag d;
  int rc;
  *out = NULL;
  s = calloc(1, sizeof *s);
  if (!s)
    return CENTRE_E_NO_MEMORY;
  rc = kiosk_revkey_load_private(key_path, &s->key, &d);
  if (rc != KIOSK_OK) {
    char buf[600];
    centre_log(CENTRE_LOG_ERROR, "revocation signing key: %s (%s)",
               kiosk_diag_format(&d, buf, sizeof buf), kiosk_errname(rc));
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
  kiosk_revkey_destroy(s->key);
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
    struct kiosk_rev_entry *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
      return CENTRE_E_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
      memcpy(k[i].card_no, e[i].card_no, sizeof k[i].card_no);
      k[i].generation = e[i].generation;
      k[i].kind = e[i].kind;
    }
    rc = kiosk_revlist_write_snapshot(k, n, version, issued_at, signer->key, out, out_len);
    free(k);
  } else {
    struct kiosk_rev_change *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
      return CENTRE_E_NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
      k[i].remove = e[i].remove;
      memcpy(k[i].entry.card_no, e[i].card_no, sizeof k[i].entry.card_no);
      k[i].entry.generation = e[i].generation;
      k[i].entry.kind = e[i].kind;
    }
    rc = kiosk_revlist_write_delta(k, n, base_version, version, issued_at, signer->key, out,
                                   out_len);
    free(k);
  }
  if (rc != KIOSK_OK) {
    centre_log(CENTRE_LOG_ERROR, "revocation list writer: %s", kiosk_errname(rc));
    return rc == KIOSK_E_NO_MEMORY ? CENTRE_E_NO_MEMORY : CENTRE_E_CRYPTO;
  }
  return CENTRE_OK;
}
