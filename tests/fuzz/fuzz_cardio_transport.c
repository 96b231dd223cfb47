/* Fuzz target: the response path of the transport (61xx chains, 6Cxx resends, short,
 * oversized and truncated responses) through the replay transport. The input's first
 * byte picks the caller's buffer size; the rest is a blob of responses (2-byte length,
 * bytes). */
#include <stdint.h>
#include <stdlib.h>

#include "cardio/cardio.h"
#include "cardio/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const uint8_t body[3] = {1, 2, 3};
  static const struct cardio_apdu apdus[] = {
    {0x00, 0xCA, 0x01, 0x00, NULL, 0, 16, 0},
    {0x00, 0xA4, 0x04, 0x00, body, 3, 256, 0},
    {0x80, 0xCA, 0x00, 0x00, NULL, 0, 4096, 0},
    {0x00, 0x10, 0x00, 0x00, NULL, 0, 0, 0},
  };
  static const size_t caps[] = {0, 1, 16, 255, 256, 4096, CARDIO_RESP_MAX};
  struct cardio_card *card;
  uint8_t *resp;
  size_t cap, len;
  uint16_t sw;

  if (size < 1)
    return 0;
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  cap = caps[data[0] % (sizeof caps / sizeof caps[0])];
  if (cardio_replay_from_blob(data + 1, size - 1, &card) != CARDIO_OK)
    return 0;
  resp = malloc(cap ? cap : 1);
  if (resp) {
    for (size_t i = 0; i < 8; i++) {
      int rc = cardio_transmit(card, &apdus[i % 4], cap ? resp : NULL, cap, &len, &sw);
      if (rc == CARDIO_E_REPLAY_END)
        break;
      if (len > cap)
        abort(); /* the contract: never more than the caller's buffer */
    }
  }
  free(resp);
  cardio_card_destroy(card);
  return 0;
}
