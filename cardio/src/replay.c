/* The replay transport: answers from a recording. */
#include <stdlib.h>
#include <string.h>

#include "cardio/replay.h"
#include "common/hex.h"
#include "cardio_int.h"

enum cardio_replay_special { REPLAY_PLAIN = 0, REPLAY_REMOVED, REPLAY_RESET, REPLAY_GONE };

struct cardio_replay_rec {
  uint8_t *expect; /* NULL: any command */
  size_t expect_len;
  uint8_t *resp;
  size_t resp_len;
  enum cardio_replay_special special;
};

struct cardio_replay {
  struct cardio_replay_rec *recs;
  size_t n, next;
  uint8_t *blob; /* fuzz mode: owned copy the records point into */
};

static const struct cardio_transport_ops cardio_replay_ops;

/* Parse hex with optional spaces into a new buffer. */
static int cardio_hex_parse(const char *hex, uint8_t **out, size_t *out_len)
{
  size_t cap = strlen(hex) / 2 + 1, n = 0;
  uint8_t *buf = malloc(cap);
  int hi = -1;

  *out = NULL;
  *out_len = 0;
  if (!buf)
    return CARDIO_E_NO_MEMORY;
  for (const char *p = hex; *p; p++) {
    if (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t')
      continue;
    int v = common_hex_digit((unsigned char)*p, 1);
    if (v < 0)
      goto out_bad;
    if (hi < 0) {
      hi = v;
    } else {
      buf[n++] = (uint8_t)(hi << 4 | v);
      hi = -1;
    }
  }
  if (hi >= 0)
    goto out_bad;
  *out = buf;
  *out_len = n;
  return CARDIO_OK;
out_bad:
  free(buf);
  return CARDIO_E_INVALID_ARG;
}

static void cardio_replay_free(struct cardio_replay *r)
{
  if (!r)
    return;
  if (!r->blob) {
    for (size_t i = 0; i < r->n; i++) {
      free(r->recs[i].expect);
      free(r->recs[i].resp);
    }
  }
  free(r->recs);
  free(r->blob);
  free(r);
}

int cardio_replay_create(const struct cardio_replay_step *steps, size_t n,
                         struct cardio_card **out)
{
  struct cardio_replay *r;
  int rc = CARDIO_E_NO_MEMORY;

  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!steps && n)
    return CARDIO_E_INVALID_ARG;
  r = calloc(1, sizeof *r);
  if (!r)
    return CARDIO_E_NO_MEMORY;
  r->recs = calloc(n ? n : 1, sizeof *r->recs);
  if (!r->recs)
    goto out_free;
  for (size_t i = 0; i < n; i++) {
    struct cardio_replay_rec *rec = &r->recs[i];
    r->n = i + 1;
    if (steps[i].expect_hex && strcmp(steps[i].expect_hex, "*") != 0) {
      rc = cardio_hex_parse(steps[i].expect_hex, &rec->expect, &rec->expect_len);
      if (rc != CARDIO_OK)
        goto out_free;
    }
    const char *resp = steps[i].resp_hex ? steps[i].resp_hex : "";
    if (strcmp(resp, "!removed") == 0)
      rec->special = REPLAY_REMOVED;
    else if (strcmp(resp, "!reset") == 0)
      rec->special = REPLAY_RESET;
    else if (strcmp(resp, "!gone") == 0)
      rec->special = REPLAY_GONE;
    else if ((rc = cardio_hex_parse(resp, &rec->resp, &rec->resp_len)) != CARDIO_OK)
      goto out_free;
  }
  return cardio_card_create(&cardio_replay_ops, r, NULL, 0, out);

out_free:
  cardio_replay_free(r);
  return rc;
}

int cardio_replay_from_blob(const uint8_t *blob, size_t len, struct cardio_card **out)
{
  struct cardio_replay *r;
  size_t n = 0, pos = 0;

  if (!out || (!blob && len))
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  r = calloc(1, sizeof *r);
  if (!r)
    return CARDIO_E_NO_MEMORY;
  r->blob = malloc(len ? len : 1);
  if (!r->blob)
    goto out_free;
  if (len)
    memcpy(r->blob, blob, len);
  /* Count records: 2-byte length, then that many bytes (the last may be cut short). */
  while (len - pos >= 2) {
    size_t rl = (size_t)r->blob[pos] << 8 | r->blob[pos + 1];
    pos += 2;
    pos += rl > len - pos ? len - pos : rl;
    n++;
  }
  r->recs = calloc(n ? n : 1, sizeof *r->recs);
  if (!r->recs)
    goto out_free;
  pos = 0;
  for (size_t i = 0; i < n; i++) {
    size_t rl = (size_t)r->blob[pos] << 8 | r->blob[pos + 1];
    pos += 2;
    if (rl > len - pos)
      rl = len - pos;
    r->recs[i].resp = r->blob + pos;
    r->recs[i].resp_len = rl;
    pos += rl;
  }
  r->n = n;
  return cardio_card_create(&cardio_replay_ops, r, NULL, 0, out);

out_free:
  cardio_replay_free(r);
  return CARDIO_E_NO_MEMORY;
}

size_t cardio_replay_consumed(const struct cardio_card *card)
{
  if (cardio_card_ops(card) != &cardio_replay_ops)
    return 0;
  const struct cardio_replay *r = cardio_card_ctx(card);
  return r->next;
}

static int cardio_replay_transmit(void *vctx, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                                  size_t resp_cap, size_t *resp_len)
{
  struct cardio_replay *r = vctx;
  const struct cardio_replay_rec *rec;

  *resp_len = 0;
  if (r->next >= r->n)
    return CARDIO_E_REPLAY_END;
  rec = &r->recs[r->next++];
  if (rec->expect && (rec->expect_len != cmd_len || memcmp(rec->expect, cmd, cmd_len) != 0)) {
    cardio_log(CARDIO_LOG_WARN, "replay step %zu: %s", r->next - 1,
               cardio_errname(CARDIO_E_REPLAY_MISMATCH));
    return CARDIO_E_REPLAY_MISMATCH;
  }
  switch (rec->special) {
  case REPLAY_REMOVED:
    return CARDIO_E_CARD_REMOVED;
  case REPLAY_RESET:
    return CARDIO_E_CARD_RESET;
  case REPLAY_GONE:
    return CARDIO_E_SERVICE_GONE;
  case REPLAY_PLAIN:
    break;
  }
  if (rec->resp_len > resp_cap)
    return CARDIO_E_BUFFER_TOO_SMALL;
  if (rec->resp_len)
    memcpy(resp, rec->resp, rec->resp_len);
  *resp_len = rec->resp_len;
  return CARDIO_OK;
}

static int cardio_replay_reconnect(void *vctx)
{
  (void)vctx;
  return CARDIO_OK;
}

static void cardio_replay_close(void *vctx)
{
  cardio_replay_free(vctx);
}

static const struct cardio_transport_ops cardio_replay_ops = {
  .name = "replay",
  .transmit = cardio_replay_transmit,
  .reconnect = cardio_replay_reconnect,
  .close = cardio_replay_close,
};
