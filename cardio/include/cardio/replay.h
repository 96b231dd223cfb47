/*
 * cardio replay transport: a card that answers from a recording instead of a reader.
 * For unit tests (exact command/response scripts) and fuzzing (a blob of responses
 * that accepts any command). The card it makes is an ordinary struct cardio_card, so
 * everything above the transport (61xx/6Cxx, the honour card, the social security
 * card) runs unchanged on it.
 */
#ifndef CARDIO_REPLAY_H
#define CARDIO_REPLAY_H

#include "cardio/cardio.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One recorded exchange, in hex (spaces allowed). expect_hex NULL or "*" accepts any
 * command; otherwise the command must match exactly or the exchange fails with
 * CARDIO_E_REPLAY_MISMATCH. resp_hex is the whole response, SW included; "" or a single
 * byte makes a malformed response on purpose. The pseudo-response "!removed",
 * "!reset" or "!gone" makes the exchange fail with CARD_REMOVED, CARD_RESET or
 * SERVICE_GONE. */
struct cardio_replay_step {
  const char *expect_hex;
  const char *resp_hex;
};

/* Copies the steps. Errors: INVALID_ARG for bad hex, NO_MEMORY. After the last step,
 * transmit fails with CARDIO_E_REPLAY_END. */
int cardio_replay_create(const struct cardio_replay_step *steps, size_t n,
                         struct cardio_card **out);

/* Fuzzing: blob is a sequence of responses, each a 2-byte big-endian length and that
 * many bytes; a trailing partial record is used as it is (truncated). Any command is
 * accepted. Errors: NO_MEMORY. */
int cardio_replay_from_blob(const uint8_t *blob, size_t len, struct cardio_card **out);

/* How many recorded steps the card has consumed so far (0 for a non-replay card). */
size_t cardio_replay_consumed(const struct cardio_card *card);

#ifdef __cplusplus
}
#endif
#endif
