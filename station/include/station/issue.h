/*
 * station issuance: applications, unified numbers, personalization, registration with
 * the centre, collection, reissue and revocation (Rules 三(一)-(六)).
 *
 * A card's life, one transition function (cards.c, card_transition) with a trace line:
 *
 *   apply --> [application PENDING] --issue--> NUMBERED --personalize+read back-->
 *   PERSONALIZED --registration queued--> READY --collect--> COLLECTED
 *   NUMBERED, PERSONALIZED, READY, COLLECTED --revoke--> REVOKED
 *
 * A failed personalization leaves the card NUMBERED (the blank stays blank: cardio
 * activates a card only after its read-back passed); `issue` again with another blank.
 *
 * The centre: every change the centre must learn (a card registered, a card revoked) is
 * written to the outbox in the same transaction as the local change, then sent when a
 * centre is configured (struct station_centre). Nothing is lost when the centre is
 * down; `station outbox send` retries. The centre's office tool (centre-admin)
 * registers cards (no personal data: number, generation, award, round, dates, issuer
 * key id) and revokes them (docs/station.md "The centre").
 *
 * Revocation is also local at once: station_card_revoked() answers from the station's
 * own table, so a lost, reissued, altered or lent card is refused at the station's
 * counter before any list reaches the terminals.
 *
 * Misuse (涂改 altered, 转借 lent: Rules 三(六)): the card is revoked with the reason, and a
 * later application or reissue for that holder needs a recorded override (who, why,
 * when), or it is OVERRIDE_REQUIRED.
 */
#ifndef STATION_ISSUE_H
#define STATION_ISSUE_H

#include <stdint.h>
#include <stdio.h>

#include "station/cardno.h"
#include "station/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Card states. Values are stored: never renumber. */
#define STATION_CARD_STATE_MAP(X)                                                        \
  X(NUMBERED, 1, "numbered")         /* number and generation given, card not written */ \
  X(PERSONALIZED, 2, "personalized") /* written, read back, activated */                 \
  X(READY, 3, "ready")               /* ready for collection; holder notified */         \
  X(COLLECTED, 4, "collected")       /* handed to the holder */                          \
  X(REVOKED, 5, "revoked")

enum station_card_state {
#define STATION_X_CS(name, value, text) STATION_CARD_##name = (value),
  STATION_CARD_STATE_MAP(STATION_X_CS)
#undef STATION_X_CS
};
const char *station_card_state_name(int state);

/* Revocation reasons; the token goes to the centre. Values are stored. */
#define STATION_REVOKE_MAP(X)                                                            \
  X(LOST, 1, "lost", "遗失", 0)                                                           \
  X(DAMAGED, 2, "damaged", "损坏", 0)                                                     \
  X(ALTERED, 3, "altered", "涂改", 1)                                                     \
  X(LENT, 4, "lent", "转借", 1)                                                           \
  X(OTHER, 5, "other", "其他", 0)

enum station_revoke_reason {
#define STATION_X_RR(name, value, token, zh, misuse) STATION_REVOKE_##name = (value),
  STATION_REVOKE_MAP(STATION_X_RR)
#undef STATION_X_RR
};
const char *station_revoke_token(int reason);
int station_revoke_parse(const char *token, enum station_revoke_reason *out);
/* 1 for misuse (altered, lent): a later card needs an override. */
int station_revoke_is_misuse(int reason);

/* A recorded override for a holder whose card was revoked for misuse. */
#define STATION_STAFF_MAX 32u
#define STATION_OVERRIDE_WHY_MAX 200u
struct station_override {
  const char *who; /* staff id: 1..32 of [A-Za-z0-9._-] */
  const char *why; /* 1..200 bytes of text */
};

/* ------------------------------------------------------------ the centre -- */

enum station_outbox_op { STATION_OUTBOX_REGISTER = 1, STATION_OUTBOX_REVOKE = 2 };
#define STATION_ISSUER_KEYID_HEX 16 /* cardio's 8-byte issuer key id, as hex */
enum station_rev_kind { STATION_REV_EXACT = 1, STATION_REV_BELOW = 2 }; /* as kiosk/revoke.h */

struct station_outbox_item {
  int64_t id;
  enum station_outbox_op op;
  char card_no[COMMON_CARDNO_LEN + 1];
  uint32_t generation;         /* REVOKE BELOW: every generation < this one */
  enum station_rev_kind kind;  /* REVOKE only */
  char reason[16];             /* REVOKE only: the reason token */
  int award;                   /* REGISTER only: the award on the card */
  unsigned level;
  int32_t issue_day;
  /* REGISTER only, from the card's row (cards): the award round's year, the last valid
   * day, and the issuer key id the card was signed with (16 lowercase hex digits; ""
   * for a card issued before the station recorded it: such a registration cannot be
   * sent and stays queued). */
  unsigned round_year;
  int32_t not_after_day;
  char issuer_key_id[STATION_ISSUER_KEYID_HEX + 1];
  long attempts;
  char last_error[160];
  int sent;
};

/*
 * The narrow interface to the centre. send() delivers one item: STATION_OK, or an
 * error with why[] (the item stays queued and is retried). UNAVAILABLE means the item
 * cannot be sent as it is (a registration without its issuer key id).
 */
struct station_centre {
  int (*send)(void *ctx, const struct station_outbox_item *item, char *why, size_t cap);
  void *ctx;
};

/* The centre through its office tool, run directly (posix_spawn, no shell):
 * `centre-admin --config CONFIG card register CARD --generation G --award KIND --level N
 * --round YYYY --issued YYYY-MM-DD --not-after YYYY-MM-DD --issuer KEYID` and
 * `... card revoke CARD --generation G | --below G --reason TOKEN`. admin and config are
 * kept as pointers. */
struct station_centre_admin {
  const char *admin;  /* path of centre-admin */
  const char *config; /* the centre's configuration file */
};
void station_centre_admin_init(struct station_centre_admin *ctx, struct station_centre *out);

/* Send what is queued (oldest first). *sent, *pending (may be NULL) count the outcome. */
int station_outbox_flush(struct station_db *db, const struct station_centre *centre,
                         unsigned long *sent, unsigned long *pending);
typedef int (*station_outbox_fn)(void *user, const struct station_outbox_item *item);
/* Every item, pending first (all_items: sent ones too). */
int station_outbox_list(struct station_db *db, int all_items, station_outbox_fn fn, void *user);

/* ---------------------------------------------------------------- the card -- */

/* What goes on a card (cardio/honour.h writes it). */
struct station_card_request {
  const char *card_no;
  unsigned generation;  /* 0 for the first card */
  const char *name;     /* full name: only its mask is written */
  const char *idno;     /* only a salted digest is written */
  int award;            /* enum station_award */
  unsigned level;
  unsigned round_year;
  int32_t issue_day, not_after_day;
  const uint8_t *photo;
  size_t photo_len;
};

/* Writes a card and reads it back: STATION_OK only when the read-back shows the card
 * genuine and carrying the request; CARD (why[] says what) otherwise. */
struct station_card_writer {
  int (*personalize)(void *ctx, const struct station_card_request *req, char *why, size_t cap);
  void *ctx;
  /* Optional (NULL: unknown): the id of the issuer key the writer signs with, as 16
   * lowercase hex digits; recorded with the card and registered with the centre. */
  int (*issuer_key_id)(void *ctx, char out[STATION_ISSUER_KEYID_HEX + 1]);
};

/* The writer through PC/SC and cardio_hc_personalize(): reader name (NULL: the first
 * reader with a card), the station's PKI directory (tools/pki layout: the issuer key
 * private/issuer-NAME.key.pem, the stock's private/transport.key, the trust store
 * trust/), the issuer's NAME. After personalizing, the card is read once more through a
 * new connection as a terminal reads it (every check, the holder's ID number binding,
 * the photo digest, the issuer key id). */
struct station_pcsc_writer;
int station_pcsc_writer_create(const char *reader, const char *pki_dir, const char *issuer,
                               struct station_pcsc_writer **out, char *why, size_t cap);
void station_pcsc_writer_destroy(struct station_pcsc_writer *w);
void station_pcsc_writer_ops(struct station_pcsc_writer *w, struct station_card_writer *out);

/* ------------------------------------------------------------- the flows -- */

struct station_application {
  const char *idno;
  const char *name;          /* as on the applicant's ID card: must match the records */
  const uint8_t *photo;      /* JPEG prepared by station_photo_prepare() */
  size_t photo_len;
  int32_t today;
  const struct station_override *override; /* NULL unless a misuse revocation needs one */
};

/*
 * Record a first-card application after review (Rules 三(二)). Errors: NOT_FOUND (no
 * records for this ID number), CONFLICT (the name differs from the records),
 * NOT_ELIGIBLE (no card-eligible award in any evaluated round), EXISTS (an open
 * application, or the holder has or had a card: a new card is a reissue, with its fee),
 * OVERRIDE_REQUIRED, INVALID_ARG.
 */
int station_apply(struct station_db *db, const struct station_application *a, int64_t *app_id,
                  char *why, size_t why_cap);

struct station_reissue {
  const char *idno;
  enum station_revoke_reason reason; /* LOST or DAMAGED */
  int64_t fee_cents;                 /* paid by the holder (Rules 三(五)); >= 0 */
  const uint8_t *photo;              /* NULL: the photo of the last card */
  size_t photo_len;
  const char *staff;                 /* who took the request */
  int32_t today;
  const struct station_override *override;
};

/*
 * A reissue for a lost or damaged card: records the application with its fee and
 * revokes the holder's cards at once (every generation below the new one: local view
 * and outbox; sent now when centre is not NULL). A card revoked before (reported lost
 * with `revoke`) is replaced the same way. Errors: NOT_FOUND (the holder never had a
 * card), OVERRIDE_REQUIRED, INVALID_ARG, EXISTS (an open application).
 */
int station_reissue_apply(struct station_db *db, const struct station_reissue *r,
                          const struct station_centre *centre, int64_t *app_id, char *why,
                          size_t why_cap);

struct station_issue_opts {
  unsigned county;         /* the desk's county code (cardno.h); 0: the city station */
  int32_t today;
  int32_t not_after_day;   /* 0: today + 10 years - 1 day */
  const struct station_card_writer *writer;
  const struct station_centre *centre; /* NULL: registration stays queued */
  const char *staff;
};

struct station_issued {
  char card_no[COMMON_CARDNO_LEN + 1];
  unsigned generation;
  int registered; /* 1: the centre took the registration; 0: queued */
  char centre_why[160];
};

/*
 * Issue the card of a pending application: number (the person's, or a new one),
 * generation, personalization and read-back through the writer, registration (queued,
 * sent when a centre is given), READY. Errors: NOT_FOUND (no pending application),
 * CARD (personalization or read-back failed: the card stays NUMBERED; retry), DB.
 */
int station_issue(struct station_db *db, int64_t app_id, const struct station_issue_opts *o,
                  struct station_issued *out, char *why, size_t why_cap);

/*
 * Revoke the holder's current card (the latest generation that is not revoked). Misuse
 * reasons (altered, lent) revoke every generation of the number and mark the holder:
 * a later card needs an override. Local at once, outbox, sent when centre is given.
 * Errors: NOT_FOUND (no live card with this number), INVALID_ARG.
 */
int station_revoke(struct station_db *db, const char *card_no, enum station_revoke_reason reason,
                   const char *staff, int32_t today, const struct station_centre *centre,
                   char *why, size_t why_cap);

/* The holder collected the card: READY -> COLLECTED. Errors: NOT_FOUND, STATE. */
int station_collect(struct station_db *db, const char *card_no, int32_t today);

/* The local revocation view: *revoked = 1 when (card_no, generation) is revoked here;
 * reason (may be NULL) gets the reason. */
int station_card_revoked(struct station_db *db, const char *card_no, uint32_t generation,
                         int *revoked, enum station_revoke_reason *reason);

struct station_ready_card {
  char card_no[COMMON_CARDNO_LEN + 1];
  unsigned generation;
  int reissue;
  int64_t fee_cents;
  int32_t ready_day;
  int registered;
  char masked_name[STATION_NAME_MAX + 1];
  char masked_idno[COMMON_ID_LEN + 1];
  int award;                /* enum station_award on the card (the values of KIOSK_AWARD_*) */
  unsigned level;           /* its stars, or 0 */
  const uint8_t *photo;     /* the card's photo (JPEG), valid during the callback only */
  size_t photo_len;
};
typedef int (*station_ready_fn)(void *user, const struct station_ready_card *c);
/* The cards ready for collection, oldest first (Rules 三(四): notify and hand over). */
int station_ready_list(struct station_db *db, station_ready_fn fn, void *user);

/* The person holding a card number. */
int station_card_person(struct station_db *db, const char *card_no, int64_t *person);

#ifdef __cplusplus
}
#endif
#endif /* STATION_ISSUE_H */
