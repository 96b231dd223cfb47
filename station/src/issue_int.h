/*
 * Issuance internals (not installed), shared by its three rooms:
 *   apply.c   applications: first card, reissue, overrides for misuse;
 *   cards.c   the card: numbers, the state machine, issue, revoke, collect, listings;
 *   outbox.c  what the centre must learn, queued in the change's own transaction.
 * Calls go one way only: apply.c -> cards.c -> outbox.c (apply.c also queues through
 * outbox.c). The tables are created in db.c with the rest of the schema.
 */
#ifndef STATION_ISSUE_INT_H
#define STATION_ISSUE_INT_H

#include "station/issue.h"
#include "station_int.h"

/* EF.PHOTO holds at most this (docs/card-spec.md). */
#define STATION_CARD_PHOTO_MAX 65535u

/* applications.kind. Values are stored: never renumber. */
enum station_app_kind {
  STATION_APP_FIRST_CARD = 1,
  STATION_APP_REISSUE = 2,
};

/* applications.state. Values are stored: never renumber. */
enum station_app_state {
  STATION_APP_PENDING = 1,
  STATION_APP_ISSUED = 2,
};

/* ----------------------------------------------------------------- cards.c -- */

/* The card-eligible award to put on a card (the best of the person's rounds), its
 * level as the card carries it and the year of the round's cut-off. NOT_ELIGIBLE when
 * there is none. */
int station_cards_best_award(struct station_db *db, int64_t person, int *award,
                             unsigned *level, unsigned *round_year);

/* Inside a transaction: revoke the cards of card_no (EXACT: generation; BELOW: every
 * generation below it), locally and into the outbox; *outbox_id gets the queued item. */
int station_cards_revoke_tx(struct station_db *db, const char *card_no, uint32_t generation,
                            enum station_rev_kind kind, enum station_revoke_reason reason,
                            const char *staff, int32_t today, int64_t *outbox_id);

/* ---------------------------------------------------------------- outbox.c -- */

/* Inside the caller's transaction: queue one item; *id (may be NULL) gets its id. */
int station_outbox_add(struct station_db *db, enum station_outbox_op op, const char *card_no,
                       uint32_t generation, enum station_rev_kind kind, const char *reason,
                       int award, unsigned level, int32_t issue_day, int64_t *id);

/* Send one queued item now (after its transaction committed); a failure stays queued
 * and why[] says what. Returns the centre's answer. */
int station_outbox_send_one(struct station_db *db, const struct station_centre *centre,
                            int64_t id, char *why, size_t cap);

#endif
