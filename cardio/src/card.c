/* A card over any transport, and the exchange logic that sits above every transport:
 * T=0-style 61xx (GET RESPONSE) and 6Cxx (resend with the right Le), bounded. */
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio_int.h"

#define CARDIO_ATR_MAX 33
/* A card that keeps answering 61xx after this many GET RESPONSEs is broken. */
#define CARDIO_GET_RESPONSE_MAX 300

struct cardio_card {
  const struct cardio_transport_ops *ops;
  void *ctx;
  uint8_t atr[CARDIO_ATR_MAX];
  size_t atr_len;
  struct cardio_stats stats;
  cardio_exchange_fn hook; /* after every exchange: a watchdog's sign of life */
  void *hook_user;
  uint8_t *rx;  /* CARDIO_RESP_MAX: one raw response */
  uint8_t *cmd; /* CARDIO_CMD_MAX: encoded commands */
};

int cardio_card_create(const struct cardio_transport_ops *ops, void *ctx, const uint8_t *atr,
                       size_t atr_len, struct cardio_card **out)
{
  struct cardio_card *card;

  if (!out) {
    if (ops && ops->close)
      ops->close(ctx);
    return CARDIO_E_INVALID_ARG;
  }
  *out = NULL;
  if (!ops || !ops->transmit) {
    if (ops && ops->close)
      ops->close(ctx);
    return CARDIO_E_INVALID_ARG;
  }
  card = calloc(1, sizeof *card);
  if (!card)
    goto out_close;
  card->rx = malloc(CARDIO_RESP_MAX);
  card->cmd = malloc(CARDIO_CMD_MAX);
  if (!card->rx || !card->cmd)
    goto out_free_card;
  card->ops = ops;
  card->ctx = ctx;
  if (atr && atr_len) {
    card->atr_len = atr_len > CARDIO_ATR_MAX ? CARDIO_ATR_MAX : atr_len;
    memcpy(card->atr, atr, card->atr_len);
  }
  *out = card;
  return CARDIO_OK;

out_free_card:
  free(card->rx);
  free(card->cmd);
  free(card);
out_close:
  if (ops->close)
    ops->close(ctx);
  return CARDIO_E_NO_MEMORY;
}

void cardio_card_destroy(struct cardio_card *card)
{
  if (!card)
    return;
  if (card->ops->close)
    card->ops->close(card->ctx);
  free(card->rx);
  free(card->cmd);
  free(card);
}

const uint8_t *cardio_card_atr(const struct cardio_card *card, size_t *len)
{
  if (len)
    *len = card ? card->atr_len : 0;
  return card ? card->atr : NULL;
}

const char *cardio_card_transport(const struct cardio_card *card)
{
  return card && card->ops->name ? card->ops->name : "?";
}

void *cardio_card_ctx(const struct cardio_card *card)
{
  return card ? card->ctx : NULL;
}

const struct cardio_transport_ops *cardio_card_ops(const struct cardio_card *card)
{
  return card ? card->ops : NULL;
}

void cardio_card_stats(const struct cardio_card *card, struct cardio_stats *out)
{
  if (card && out)
    *out = card->stats;
}

void cardio_card_set_exchange_hook(struct cardio_card *card, cardio_exchange_fn fn, void *user)
{
  if (!card)
    return;
  card->hook = fn;
  card->hook_user = user;
}

void cardio_card_stats_reset(struct cardio_card *card)
{
  if (card)
    memset(&card->stats, 0, sizeof card->stats);
}

/* One raw exchange through the transport into card->rx. */
static int cardio_exchange(struct cardio_card *card, const uint8_t *cmd, size_t cmd_len,
                           size_t *rx_len)
{
  int rc;

  *rx_len = 0;
  card->stats.commands++;
  card->stats.bytes_out += cmd_len;
  rc = card->ops->transmit(card->ctx, cmd, cmd_len, card->rx, CARDIO_RESP_MAX, rx_len);
  if (card->hook)
    card->hook(card->hook_user);
  if (rc != CARDIO_OK)
    return rc;
  card->stats.bytes_in += *rx_len;
  if (*rx_len < 2 || *rx_len > CARDIO_RESP_MAX) {
    cardio_log(CARDIO_LOG_WARN, "%s: response of %zu bytes: %s", card->ops->name, *rx_len,
               cardio_errname(CARDIO_E_MALFORMED));
    return CARDIO_E_MALFORMED;
  }
  return CARDIO_OK;
}

int cardio_transmit_raw(struct cardio_card *card, const uint8_t *cmd, size_t cmd_len,
                        uint8_t *resp, size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
  size_t have = 0, rx_len = 0;
  unsigned get_responses = 0;
  int resent = 0;
  int rc;
  uint8_t gr[5];

  if (resp_len)
    *resp_len = 0;
  if (sw)
    *sw = 0;
  if (!card || !cmd || cmd_len < 4 || cmd_len > CARDIO_CMD_MAX || !resp_len || !sw ||
      (!resp && resp_cap))
    return CARDIO_E_INVALID_ARG;

  rc = cardio_exchange(card, cmd, cmd_len, &rx_len);
  /* 6Cxx: the card wants the same command with Le = xx. Short APDUs only. */
  while (rc == CARDIO_OK && rx_len == 2 && card->rx[0] == 0x6C) {
    struct cardio_apdu a;
    size_t n;
    uint8_t wanted = card->rx[1];

    if (resent || cardio_apdu_decode(cmd, cmd_len, &a) != CARDIO_OK || a.force_extended) {
      cardio_log(CARDIO_LOG_WARN, "6C%02X after %s: %s", wanted,
                 resent ? "a resend" : "a command that cannot take a new Le",
                 cardio_errname(CARDIO_E_MALFORMED));
      return CARDIO_E_MALFORMED;
    }
    a.le = wanted ? wanted : 256;
    rc = cardio_apdu_encode(&a, card->cmd, CARDIO_CMD_MAX, &n);
    if (rc != CARDIO_OK)
      return rc;
    resent = 1;
    rc = cardio_exchange(card, card->cmd, n, &rx_len);
  }
  if (rc != CARDIO_OK)
    return rc;

  for (;;) {
    size_t data_len = rx_len - 2;
    uint8_t sw1 = card->rx[rx_len - 2], sw2 = card->rx[rx_len - 1];

    if (have + data_len > CARDIO_RESP_MAX) {
      cardio_log(CARDIO_LOG_WARN, "response chain over %u bytes: %s", CARDIO_RESP_MAX,
                 cardio_errname(CARDIO_E_MALFORMED));
      return CARDIO_E_MALFORMED;
    }
    if (data_len > resp_cap - have) {
      size_t fit = resp_cap - have;
      if (fit)
        memcpy(resp + have, card->rx, fit);
      *resp_len = have + fit;
      *sw = (uint16_t)(sw1 << 8 | sw2);
      return CARDIO_E_BUFFER_TOO_SMALL;
    }
    if (data_len)
      memcpy(resp + have, card->rx, data_len);
    have += data_len;
    *resp_len = have;
    *sw = (uint16_t)(sw1 << 8 | sw2);
    if (sw1 != 0x61)
      return CARDIO_OK;
    if (++get_responses > CARDIO_GET_RESPONSE_MAX) {
      cardio_log(CARDIO_LOG_WARN, "more than %d GET RESPONSE: %s", CARDIO_GET_RESPONSE_MAX,
                 cardio_errname(CARDIO_E_MALFORMED));
      return CARDIO_E_MALFORMED;
    }
    /* GET RESPONSE keeps the logical channel bits of the command's CLA. */
    gr[0] = (uint8_t)(cmd[0] & 0x03);
    gr[1] = 0xC0;
    gr[2] = 0x00;
    gr[3] = 0x00;
    gr[4] = sw2;
    rc = cardio_exchange(card, gr, sizeof gr, &rx_len);
    if (rc != CARDIO_OK)
      return rc;
  }
}

int cardio_transmit(struct cardio_card *card, const struct cardio_apdu *apdu, uint8_t *resp,
                    size_t resp_cap, size_t *resp_len, uint16_t *sw)
{
  size_t n;
  int rc;

  if (resp_len)
    *resp_len = 0;
  if (!card || !apdu)
    return CARDIO_E_INVALID_ARG;
  rc = cardio_apdu_encode(apdu, card->cmd, CARDIO_CMD_MAX, &n);
  if (rc != CARDIO_OK)
    return rc;
  /* card->cmd is reused for a 6Cxx resend; that path re-encodes from a decoded copy,
   * so hand it a stable copy of the command. */
  if (n <= 512) {
    uint8_t local[512];
    memcpy(local, card->cmd, n);
    return cardio_transmit_raw(card, local, n, resp, resp_cap, resp_len, sw);
  }
  uint8_t *copy = malloc(n);
  if (!copy)
    return CARDIO_E_NO_MEMORY;
  memcpy(copy, card->cmd, n);
  rc = cardio_transmit_raw(card, copy, n, resp, resp_cap, resp_len, sw);
  free(copy);
  return rc;
}
