/*
 * tap: the terminal's one path from a card on the reader to kiosk's card facts, used by
 * `kiosk run` (session.c) and `kiosk verify` (cmd_verify.c) alike, so that what a test
 * drives through `verify` is what a holder meets at the gate.
 *
 *   term_tap_read   connect, read and verify the honour card (cardio) with retries when
 *                   pcscd goes away or the card resets; its photo, checked against the
 *                   signed digest, except on a bus (one verdict in a fraction of a second,
 *                   nobody looks at a photo); "not an honour card" (no application: a bank
 *                   card, an SSC, 6A82; or blank stock) told apart from a read error and
 *                   from an honour card that fails its checks; cardio's result -> kiosk's
 *                   facts (card_adapter.c)
 *   term_tap_ssc    the holder's social security card in a reader: its ID number matched
 *                   against the honour card, masked at once, then wiped
 *   term_tap_typed  an ID number typed by staff, matched the same way
 *
 * A card that gives no answer within the deadline (card_deadline_ms in the
 * configuration) ends as "not responding" (CARDIO_E_UNRESPONSIVE, error.not_responding)
 * within that deadline: every exchange runs on a worker thread, and the caller never
 * waits longer than the deadline for the card's next answer (nor, for a card that keeps
 * answering, more than 15 deadlines in all). A mute card's worker lets go of the reader
 * when the card is taken away; the next tap does not wait for it.
 *
 * Ownership: a struct term_tap owns the trust store (shared with workers that outlive
 * it) and the PC/SC context (created when needed, dropped when pcscd went away, left to
 * a mute card's worker); one thread uses it. A struct term_card is the
 * caller's; term_card_clear wipes the record and frees the photo. Nothing here logs a
 * name, an ID number or a card number (log lines: error names, check outcomes).
 */
#ifndef TERM_TAP_H
#define TERM_TAP_H

#include <stddef.h>
#include <stdint.h>

#include <cardio/honour.h>

#include "kiosk/decide.h"

struct term_tap;

/* What one tap gave. */
enum term_tap_kind {
  TERM_TAP_HONOUR,     /* an honour card: facts, whatever its checks say */
  TERM_TAP_NOT_HONOUR, /* no honour application, or blank stock: nothing to decide on */
  TERM_TAP_READ_ERROR  /* the exchange failed (removed, reader, pcscd, card) */
};

struct term_card {
  enum term_tap_kind kind;
  int err;                       /* READ_ERROR: the CARDIO_E_* code */
  const char *error_key;         /* NOT_HONOUR and READ_ERROR: the screen's strings key
                                    (error.unknown_card, error.removed, error.timeout,
                                    error.not_responding, error.reader, error.read);
                                    NULL for HONOUR */
  struct cardio_hc_result res;   /* HONOUR: the verification (every check, the record) */
  struct kiosk_card_facts facts; /* HONOUR: res as kiosk's facts */
  char name_masked[CARDIO_HC_NAME_MAX + 1]; /* the card's masked name; "" unless it
                                               looks masked */
  uint8_t *photo;                /* the verified photo (JPEG), or NULL */
  size_t photo_len;
};

/* The deadline when the configuration gives none. */
#define TERM_TAP_DEADLINE_MS 2000u

/* Load the trust store at trust_dir. with_photo: read the card's photo (0 on a bus).
 * deadline_ms: how long a card may take to answer (0: TERM_TAP_DEADLINE_MS).
 * Returns 0, or -1 with why. */
int term_tap_create(const char *trust_dir, int with_photo, unsigned deadline_ms,
                    struct term_tap **out, char *why, size_t cap);
/* Accepts NULL. */
void term_tap_destroy(struct term_tap *t);
/* Put trust in force for every tap of the process (the centre's trust document,
 * docs_apply.c): the next card read of each tap uses it, a read under way ends with the
 * one it began with. Takes ownership of trust. Any thread. */
struct cardio_trust;
void term_tap_publish_trust(struct cardio_trust *trust);
/* pcscd went away or came back: the context is no use, the next exchange makes one. */
void term_tap_drop_context(struct term_tap *t);

/* Wait up to timeout_ms for a card in reader. CARDIO_OK or the CARDIO_E_* code. */
int term_tap_wait(struct term_tap *t, const char *reader, int timeout_ms);

/* Read the card in reader as of now (Unix time, for the validity check) into out
 * (cleared first). Never fails as a call: out->kind says what happened. */
void term_tap_read(struct term_tap *t, const char *reader, int64_t now, struct term_card *out);
/* Wipe the record, free the photo, back to zero. Accepts a zeroed card. */
void term_card_clear(struct term_card *c);

/* Read the social security card in reader and match its ID number against card's
 * record. 1: it was one (*holder set; id_masked gets the masked ID number, "" when it
 * cannot be masked); 0: no card there, not a social security card, or card holds no
 * record to match; -1: the exchange failed or the card did not answer in time. */
int term_tap_ssc(struct term_tap *t, const char *reader, const struct term_card *card,
                 enum kiosk_holder *holder, char *id_masked, size_t cap);
/* An ID number typed by staff (wiped by the caller) matched against card's record;
 * NOT_PRESENTED when the card has no record. */
enum kiosk_holder term_tap_typed(const struct term_card *card, const char *idno);

#endif
