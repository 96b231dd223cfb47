/*
 * Parsers for the centre's replies: receipts, error bodies, signed documents. The bytes
 * come from the network, so every field is checked for type, range and length; nothing
 * longer than its buffer is copied. (Signatures are checked before these run, but the
 * parsers do not rely on that.)
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "netsync/netsync.h"
#include "netsync_int.h"

#define REPLY_MAX (64u * 1024u * 1024u)

static int copy_str(json_t *v, char *dst, size_t cap, int hex_len)
{
  const char *s;
  size_t n;
  if (!json_is_string(v))
    return -1;
  s = json_string_value(v);
  n = json_string_length(v);
  if (n >= cap || strlen(s) != n)
    return -1;
  if (hex_len) {
    if (n != (size_t)hex_len)
      return -1;
    for (size_t i = 0; i < n; i++)
      if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
        return -1;
  }
  memcpy(dst, s, n + 1);
  return 0;
}

static int get_u64(json_t *v, uint64_t *out)
{
  if (!json_is_integer(v) || json_integer_value(v) < 0)
    return -1;
  *out = (uint64_t)json_integer_value(v);
  return 0;
}

static json_t *load(const char *body, size_t len)
{
  json_error_t err;
  if (!body || len > REPLY_MAX)
    return NULL;
  return json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
}

int netsync_parse_receipt(const char *body, size_t len, struct netsync_receipt *out)
{
  json_t *o = load(body, len);
  uint64_t received = 0;
  int rc = NETSYNC_E_BAD_REPLY;
  if (!out) {
    json_decref(o);
    return NETSYNC_E_INVALID_ARG;
  }
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    goto out_free;
  if (!json_is_string(json_object_get(o, "receipt")) ||
      strcmp(json_string_value(json_object_get(o, "receipt")), "yh-receipt/1") != 0)
    goto out_free;
  if (copy_str(json_object_get(o, "terminal"), out->terminal, sizeof out->terminal, 0) != 0 ||
      get_u64(json_object_get(o, "acked_through"), &out->acked_through) != 0 ||
      copy_str(json_object_get(o, "head_hash"), out->head_hash, sizeof out->head_hash,
               NETSYNC_HASH_HEX) != 0 ||
      get_u64(json_object_get(o, "received"), &received) != 0 ||
      copy_str(json_object_get(o, "key_id"), out->key_id, sizeof out->key_id,
               NETSYNC_HASH_HEX) != 0)
    goto out_free;
  out->received = (int64_t)received;
  rc = NETSYNC_OK;
out_free:
  json_decref(o);
  return rc;
}

int netsync_parse_error(const char *body, size_t len, struct netsync_error_reply *out)
{
  json_t *o = load(body, len), *v;
  int rc = NETSYNC_E_BAD_REPLY;
  if (!out) {
    json_decref(o);
    return NETSYNC_E_INVALID_ARG;
  }
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    goto out_free;
  if (copy_str(json_object_get(o, "error"), out->error, sizeof out->error, 0) != 0)
    goto out_free;
  v = json_object_get(o, "reason");
  if (v && copy_str(v, out->reason, sizeof out->reason, 0) != 0) {
    /* A reason too long for our buffer is cut, not fatal. */
    if (!json_is_string(v))
      goto out_free;
    snprintf(out->reason, sizeof out->reason, "%s", json_string_value(v));
  }
  v = json_object_get(o, "expected_seq");
  if (v && get_u64(v, &out->expected_seq) != 0)
    goto out_free;
  v = json_object_get(o, "seq");
  if (v && get_u64(v, &out->seq) != 0)
    goto out_free;
  rc = NETSYNC_OK;
out_free:
  json_decref(o);
  return rc;
}

int netsync_parse_doc(const char *body, size_t len, struct netsync_doc *out)
{
  json_t *o = load(body, len), *c;
  uint64_t issued = 0;
  int rc = NETSYNC_E_BAD_REPLY;
  if (!out) {
    json_decref(o);
    return NETSYNC_E_INVALID_ARG;
  }
  memset(out, 0, sizeof *out);
  if (!json_is_object(o) || json_object_size(o) != 4)
    goto out_free;
  if (copy_str(json_object_get(o, "doc"), out->kind, sizeof out->kind, 0) != 0 ||
      (strcmp(out->kind, "config") != 0 && strcmp(out->kind, "trust") != 0 &&
       strcmp(out->kind, "roster") != 0 && strcmp(out->kind, "tariff") != 0 &&
       strcmp(out->kind, "registry") != 0) ||
      get_u64(json_object_get(o, "version"), &out->version) != 0 || out->version == 0 ||
      get_u64(json_object_get(o, "issued"), &issued) != 0)
    goto out_free;
  c = json_object_get(o, "content");
  if (!json_is_string(c))
    goto out_free;
  out->content_len = json_string_length(c);
  out->content = malloc(out->content_len + 1);
  if (!out->content) {
    rc = NETSYNC_E_NO_MEMORY;
    goto out_free;
  }
  memcpy(out->content, json_string_value(c), out->content_len + 1);
  out->issued = (int64_t)issued;
  rc = NETSYNC_OK;
out_free:
  json_decref(o);
  if (rc != NETSYNC_OK)
    netsync_doc_free(out);
  return rc;
}

void netsync_doc_free(struct netsync_doc *d)
{
  if (!d)
    return;
  free(d->content);
  d->content = NULL;
  d->content_len = 0;
}

int netsync_parse_bill(const char *body, size_t len, struct netsync_bill_state *out)
{
  json_t *o, *w;
  char tag[16], site[65];
  uint64_t t = 0, fen = 0;
  int rc = NETSYNC_E_BAD_REPLY;
  if (!out)
    return NETSYNC_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  o = len <= NETSYNC_BILL_REPLY_MAX ? load(body, len) : NULL;
  if (!json_is_object(o) ||
      copy_str(json_object_get(o, "bill_check"), tag, sizeof tag, 0) != 0 ||
      strcmp(tag, "yh-bill/1") != 0 ||
      copy_str(json_object_get(o, "site"), site, sizeof site, 0) != 0)
    goto out_free;
  w = json_object_get(o, "waived");
  if (json_is_false(w) && json_object_size(o) == 3) {
    rc = NETSYNC_OK;
  } else if (json_is_true(w) && json_object_size(o) == 7 &&
             copy_str(json_object_get(o, "terminal"), out->terminal, sizeof out->terminal, 0) == 0 &&
             out->terminal[0] && get_u64(json_object_get(o, "seq"), &out->seq) == 0 &&
             out->seq > 0 && get_u64(json_object_get(o, "time"), &t) == 0 &&
             t <= INT64_MAX && get_u64(json_object_get(o, "amount_fen"), &fen) == 0 &&
             fen <= INT64_MAX) {
    out->waived = 1;
    out->time = (int64_t)t;
    out->amount_fen = (int64_t)fen;
    rc = NETSYNC_OK;
  }
out_free:
  json_decref(o);
  if (rc != NETSYNC_OK)
    memset(out, 0, sizeof *out);
  return rc;
}
