/*
 * cardio: card I/O for the Yulin honour card terminals.
 *
 * This header is the transport layer: the PC/SC context, readers, a reader watcher,
 * and the exchange of APDUs with a card. Everything that talks to a card goes through
 * a struct cardio_card, which sits on a small operations table (struct
 * cardio_transport_ops): one implementation speaks PC/SC through pcsc-lite, another
 * replays recorded responses for unit tests and fuzzing (cardio/replay.h).
 *
 * cardio knows nothing of the other modules. It owns what it allocates; every
 * *_create() has a *_destroy() that accepts NULL. Functions return enum cardio_err:
 * CARDIO_OK (0) on success, a negative code otherwise.
 *
 * Threads: a cardio_ctx and the cards connected through it belong to one thread at a
 * time. The watcher (cardio/watch.h) has its own PC/SC context and may run on a worker
 * thread.
 */
#ifndef CARDIO_CARDIO_H
#define CARDIO_CARDIO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The error list: name, value, text. One list, so that no code lacks its string. */
#define CARDIO_ERRNO_MAP(X)                                                              \
  X(OK, 0, "success")                                                                    \
  X(INVALID_ARG, -1, "invalid argument")                                                 \
  X(NO_MEMORY, -2, "out of memory")                                                      \
  X(NO_SERVICE, -3, "the PC/SC service (pcscd) is not running")                          \
  X(SERVICE_GONE, -4, "the PC/SC service (pcscd) stopped; reconnect when it is back")    \
  X(NO_READER, -5, "no such card reader")                                                \
  X(NO_CARD, -6, "no card in the reader")                                                \
  X(CARD_REMOVED, -7, "the card was removed during the exchange")                        \
  X(CARD_RESET, -8, "the card was reset by another application")                         \
  X(TIMEOUT, -9, "timed out")                                                            \
  X(MALFORMED, -10, "malformed response from the card")                                  \
  X(BUFFER_TOO_SMALL, -11, "response larger than the caller's buffer")                   \
  X(SHARING, -12, "the card is in exclusive use by another application")                 \
  X(CANCELLED, -13, "cancelled")                                                         \
  X(UNRESPONSIVE, -14, "the card does not respond")                                      \
  X(COMM, -15, "communication error with the reader")                                    \
  X(REPLAY_MISMATCH, -16, "replay: command differs from the recording")                  \
  X(REPLAY_END, -17, "replay: no more recorded responses")                               \
  X(INTERNAL, -18, "internal error in the PC/SC service")                                \
  X(SW, -19, "the card answered with an error status word")                              \
  X(NOT_FOUND, -20, "file or application not found on the card")                         \
  X(SECURITY, -21, "security status not satisfied on the card")                          \
  X(VERIFY_FAILED, -22, "cryptographic verification failed")                             \
  X(CRYPTO, -23, "cryptographic library error")                                          \
  X(IO, -24, "file input/output error")                                                  \
  X(TOO_LARGE, -25, "input exceeds its limit")                                           \
  X(UNSUPPORTED, -26, "not supported")

enum cardio_err {
#define CARDIO_X_ENUM(name, value, text) CARDIO_E_##name = (value),
  CARDIO_ERRNO_MAP(CARDIO_X_ENUM)
#undef CARDIO_X_ENUM
};
#define CARDIO_OK CARDIO_E_OK

/* Human text for an error; never NULL. */
const char *cardio_strerror(int err);
/* Symbolic name ("CARDIO_E_NO_CARD"); never NULL. */
const char *cardio_errname(int err);

/* ---------------------------------------------------------------- logging -- */

enum cardio_log_level { CARDIO_LOG_ERROR = 0, CARDIO_LOG_WARN, CARDIO_LOG_INFO, CARDIO_LOG_DEBUG };

/* Where cardio's log lines go. The default writes ERROR and WARN to stderr. Lines
 * never contain card data (which may be personal data); they carry error names and the
 * raw PC/SC code, e.g. "SCardTransmit: CARDIO_E_CARD_REMOVED (pcsc 0x80100069)". The
 * callback may be called from the watcher's thread. */
typedef void (*cardio_log_fn)(enum cardio_log_level level, const char *line, void *user);
void cardio_set_log(cardio_log_fn fn, void *user, enum cardio_log_level max_level);

/* ------------------------------------------------------------------- APDUs -- */

/* Le as "absent" is 0; otherwise 1..65536 (256 is short Le 00, 65536 extended 0000). */
#define CARDIO_LE_NONE 0u
#define CARDIO_LE_MAX_SHORT 256u
#define CARDIO_LE_MAX_EXT 65536u
#define CARDIO_LC_MAX_EXT 65535u
/* Largest encoded command: 4 + 3 + 65535 + 2. */
#define CARDIO_CMD_MAX (4u + 3u + 65535u + 2u)
/* Largest response the transport accepts from one exchange: 65536 + SW. */
#define CARDIO_RESP_MAX (65536u + 2u)

struct cardio_apdu {
  uint8_t cla, ins, p1, p2;
  const uint8_t *data; /* command data, may be NULL when lc == 0 */
  size_t lc;           /* 0..65535 */
  size_t le;           /* CARDIO_LE_NONE, or 1..65536 */
  int force_extended;  /* encode extended even when short would fit */
};

/*
 * Encode an APDU into buf (ISO 7816-3 cases 1, 2, 3, 4; short when Lc <= 255 and
 * Le <= 256 unless force_extended, else extended). *len is the encoded length.
 * Errors: INVALID_ARG (lc or le out of range, data NULL with lc > 0), BUFFER_TOO_SMALL.
 */
int cardio_apdu_encode(const struct cardio_apdu *apdu, uint8_t *buf, size_t cap, size_t *len);

/*
 * Decode a command APDU (used by the card simulator and tests). data points into buf.
 * Errors: MALFORMED for anything that is not exactly one of the cases.
 */
int cardio_apdu_decode(const uint8_t *buf, size_t len, struct cardio_apdu *apdu);

/* Status word table (ISO 7816-4 section 5.1.3): text and the matching error. */
const char *cardio_sw_text(uint16_t sw);
/* CARDIO_OK for 9000 (and 61xx, which the transport never returns); otherwise the
 * error that fits best: NOT_FOUND (6A82, 6A88), SECURITY (6982, 6983), SW for others. */
int cardio_sw_to_err(uint16_t sw);

/* ---------------------------------------------------------------- transport -- */

/*
 * The operations table under a card. transmit() sends one encoded command APDU and
 * returns the raw response (data + SW1 SW2) in resp, at most resp_cap bytes; a
 * response that does not fit is BUFFER_TOO_SMALL, never an overflow. It must return
 * MALFORMED for a response shorter than 2 bytes. reconnect() (optional, may be NULL)
 * resets the card after CARD_RESET. close() frees ctx.
 */
struct cardio_transport_ops {
  const char *name;
  int (*transmit)(void *ctx, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                  size_t resp_cap, size_t *resp_len);
  int (*reconnect)(void *ctx);
  void (*close)(void *ctx);
};

struct cardio_card;

/*
 * Make a card over any transport. The card takes ownership of ctx (closed by
 * cardio_card_destroy, also when this function fails). atr may be NULL.
 */
int cardio_card_create(const struct cardio_transport_ops *ops, void *ctx, const uint8_t *atr,
                       size_t atr_len, struct cardio_card **out);
/* Disconnect (leaving the card powered) and free. Accepts NULL. */
void cardio_card_destroy(struct cardio_card *card);

/* The card's ATR (may be empty) and the name of its transport. */
const uint8_t *cardio_card_atr(const struct cardio_card *card, size_t *len);
const char *cardio_card_transport(const struct cardio_card *card);

/*
 * Exchange one APDU. Handles inside the transport:
 *  - 61xx: GET RESPONSE (CLA of the command, INS C0, Le = xx) until the card stops
 *    answering 61xx, concatenating the data;
 *  - 6Cxx: the same command sent once more with Le = xx (xx = 0 means 256).
 * On return resp holds the response data (without SW) and *sw the final status word.
 * A status word other than 9000 is not an error here: the caller reads *sw (use
 * cardio_sw_to_err). Errors: the transport's (NO_CARD, CARD_REMOVED, CARD_RESET,
 * SERVICE_GONE, ...), BUFFER_TOO_SMALL when the data exceeds resp_cap (resp keeps only
 * what fit, *resp_len says how much), MALFORMED for a response under 2 bytes, a
 * GET RESPONSE chain longer than CARDIO_RESP_MAX, or a second 6Cxx.
 * resp may be NULL when resp_cap is 0.
 */
int cardio_transmit(struct cardio_card *card, const struct cardio_apdu *apdu, uint8_t *resp,
                    size_t resp_cap, size_t *resp_len, uint16_t *sw);

/* Exchange an already encoded command, with the same 61xx/6Cxx handling. */
int cardio_transmit_raw(struct cardio_card *card, const uint8_t *cmd, size_t cmd_len,
                        uint8_t *resp, size_t resp_cap, size_t *resp_len, uint16_t *sw);

/* Counters, for benchmarks and the fast-path budget: command APDUs sent to the
 * transport (GET RESPONSE and 6Cxx resends included) and bytes in both directions. */
struct cardio_stats {
  uint64_t commands;
  uint64_t bytes_out;
  uint64_t bytes_in;
};
void cardio_card_stats(const struct cardio_card *card, struct cardio_stats *out);
void cardio_card_stats_reset(struct cardio_card *card);

/*
 * fn(user) is called on the exchanging thread each time the transport returns from one
 * exchange (answered or failed; GET RESPONSE and 6Cxx resends count). PC/SC has no
 * transmit timeout, so a caller that must not wait on a mute card runs the exchange on a
 * worker thread and watches for this sign of life (terminal/tap.c). fn NULL removes it.
 */
typedef void (*cardio_exchange_fn)(void *user);
void cardio_card_set_exchange_hook(struct cardio_card *card, cardio_exchange_fn fn, void *user);

/* ---------------------------------------------------------------- PC/SC -- */

struct cardio_ctx;

/* Establish a PC/SC context. Errors: NO_SERVICE when pcscd is not running. */
int cardio_ctx_create(struct cardio_ctx **out);
void cardio_ctx_destroy(struct cardio_ctx *ctx);

/*
 * List readers. *names is a NULL-terminated array of strings, freed with
 * cardio_reader_list_free. No readers is CARDIO_OK with an empty list (*count 0).
 * Errors: SERVICE_GONE, NO_SERVICE, NO_MEMORY.
 */
int cardio_list_readers(struct cardio_ctx *ctx, char ***names, size_t *count);
void cardio_reader_list_free(char **names);

/*
 * Wait up to timeout_ms (-1: forever) for a card in the reader. Errors: TIMEOUT,
 * NO_READER, SERVICE_GONE, CANCELLED (cardio_ctx_cancel from another thread).
 */
int cardio_wait_card(struct cardio_ctx *ctx, const char *reader, int timeout_ms);
/* Cancel a blocking cardio_wait_card; safe from any thread. */
void cardio_ctx_cancel(struct cardio_ctx *ctx);

/*
 * Connect to the card in a reader (shared mode, T=0 or T=1). Errors: NO_READER,
 * NO_CARD, UNRESPONSIVE, SHARING, SERVICE_GONE. The card keeps a reference to ctx:
 * destroy cards before their context.
 */
int cardio_connect(struct cardio_ctx *ctx, const char *reader, struct cardio_card **out);

/* After CARDIO_E_CARD_RESET (another application reset the card): reconnect, leaving
 * the card as it is; the caller then selects its application again. Errors as connect;
 * UNSUPPORTED for a transport without reconnect. */
int cardio_reconnect(struct cardio_card *card);

/* Translate a PC/SC return code (LONG) into enum cardio_err; exposed for tests and
 * for the benchmark's bare loop. */
int cardio_pcsc_to_err(long rv);

#ifdef __cplusplus
}
#endif
#endif /* CARDIO_CARDIO_H */
