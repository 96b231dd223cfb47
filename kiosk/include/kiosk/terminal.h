/*
 * kiosk terminal: the decision path of one terminal, wired together.
 *
 * card facts (from the reader adapter) + staff input
 *   -> revocation lookup (kiosk/revoke.h) + recent uses (kiosk/journal.h)
 *   -> kiosk_decide() (kiosk/decide.h)
 *   -> journal append -> outcome for the screen.
 *
 * Fail closed, with a way through: when the journal cannot be written (disk full,
 * read-only, I/O error), a GRANT is never given silently. The outcome is STAFF_CHECK
 * with the reason JOURNAL_UNAVAILABLE and the flag KIOSK_VF_OVERRIDE_OFFERED (DENY on a
 * bus, where there is no staff). If staff then decide again with KIOSK_STAFF_OVERRIDE
 * and their staff id, the grant is given and the event is held in a bounded in-memory
 * queue (config override_queue_max); it is appended (kind "override") before anything
 * else as soon as the journal can be written again. A full queue refuses overrides.
 *
 * STAFF_CHECK is a question, not an outcome: it is not journaled. The decision taken
 * after staff act (GRANT or DENY) is.
 *
 * Threads: one terminal belongs to one thread (the card/decision thread).
 */
#ifndef KIOSK_TERMINAL_H
#define KIOSK_TERMINAL_H

#include "kiosk/config.h"
#include "kiosk/journal.h"
#include "kiosk/revoke.h"
#include "kiosk/tariff.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kiosk_terminal;

/* What the reader and the staff give for one presentation of a card. */
struct kiosk_input {
  const struct kiosk_card_facts *card;
  enum kiosk_holder holder;
  unsigned staff;       /* KIOSK_STAFF_* */
  const char *staff_id; /* NULL: the configuration's staff_id, if any */
  enum kiosk_visit visit;
  const char *bill_ref;
  int64_t amount_fen;   /* 0: the tariff's fee for visit today; else it must be that fee */
};

struct kiosk_outcome {
  struct kiosk_verdict verdict;
  uint64_t seq;     /* journal seq of this decision, 0 when not journaled */
  int journaled;    /* 1: appended to the journal */
  int queued;       /* 1: a staff override held in the queue for the journal */
  struct kiosk_rev_lookup revocation;
  struct kiosk_recent recent;
  int64_t tariff_fen;                 /* cashier: the tariff's fee used (0: none) */
  struct kiosk_bill_prior bill_prior; /* cashier: the earlier waiver that refused this bill */
};

struct kiosk_terminal_status {
  int journal_ok;          /* the journal is open and the last append worked */
  size_t overrides_queued; /* held for the journal */
  uint64_t last_seq, unsent;
  uint64_t revlist_version;
  int64_t revlist_issued_at;
  size_t revlist_entries;
  int clock_suspect;       /* the last decision found the clock untrustworthy (alarm) */
};

/*
 * Open a terminal for a loaded configuration: the site registry, the revocation key and
 * list from the trust store (a missing list is an empty one, answered NO_LIST; a list
 * file without the key to check it is an error), and the journal. A journal that cannot
 * be opened is not an error here: the terminal starts fail-closed and retries.
 * Errors: CONFIG, NOT_FOUND, SIGNATURE, FORMAT, ... with diag.
 */
int kiosk_terminal_open(const struct kiosk_config *cfg, struct kiosk_terminal **out,
                        struct kiosk_diag *diag);
void kiosk_terminal_close(struct kiosk_terminal *t);

/*
 * Decide for one card at time now and journal the outcome (see above). Always fills
 * *out; returns KIOSK_OK, or INVALID_ARG for a missing card.
 * A clock that cannot be trusted (now before cfg.clock_floor, or more than
 * cfg.clock_margin_s behind the newest event journaled or queued) is never journaled:
 * the decision uses the last trusted time (the newest event's, or the floor), carries the
 * CLOCK_SUSPECT reason, goes to staff (an override grants; a bus denies) and the
 * status's clock_suspect is set until a decision finds the clock good again.
 * Also: a journal failing its integrity check at open (kiosk/journal.h, "Integrity at
 * open") makes kiosk_terminal_open fail with CHAIN and the reason.
 */
int kiosk_terminal_decide(struct kiosk_terminal *t, const struct kiosk_input *in, int64_t now,
                          struct kiosk_outcome *out);

/*
 * Cashier (issue 12). The tariff in force (kiosk/tariff.h) is read at open from
 * <journal>.tariff (a damaged file is an error: a cashier must not run on a guess) and
 * may be replaced while running through kiosk_terminal_tariff(). The engine waives the
 * fee for the visit kind on the local day of the decision, exactly.
 *
 * No double waiver: bills waived here and not voided are indexed from the journal
 * (kiosk/bills.h) and refused at once (BILL_ALREADY_WAIVED, with the earlier waiver's seq
 * and time in the outcome). Across the hospital's terminals, a bill check hook is asked
 * before a cashier GRANT: it returns 1 with *out filled (where = KIOSK_BILL_CENTRE when
 * another terminal waived it and it is not voided, else KIOSK_BILL_NONE), or 0 when it
 * could not answer in time (the terminal then decides on its own index; the centre flags
 * a duplicate at upload). The hook runs on the decision thread and must bound its wait.
 */
typedef int (*kiosk_bill_check_fn)(void *ctx, const char *bill, struct kiosk_bill_prior *out);
void kiosk_terminal_set_bill_check(struct kiosk_terminal *t, kiosk_bill_check_fn fn, void *ctx);
struct kiosk_tariff *kiosk_terminal_tariff(struct kiosk_terminal *t);

/*
 * Void a waiver given here (the bill was cancelled): journal a VOID event naming it
 * (ref_seq), with the bill, visit kind and card of the waiver and staff_id (required: a
 * void is accountable like the waiver), at time now; the bill may then be waived again.
 * *seq (may be NULL) gets the VOID's seq. INVALID_ARG for a staff id that is not a token;
 * NOT_FOUND when waiver_seq is not a waiver of this journal; CONFLICT when it is already
 * voided; IO when the journal cannot be written (nothing is queued).
 */
int kiosk_terminal_void(struct kiosk_terminal *t, uint64_t waiver_seq, const char *staff_id,
                        int64_t now, uint64_t *seq);

/* Try to (re)open the journal and append the queued overrides. KIOSK_OK when the queue
 * is empty afterwards. Called by kiosk_terminal_decide too; the UI may call it when idle. */
int kiosk_terminal_flush(struct kiosk_terminal *t);

void kiosk_terminal_status(struct kiosk_terminal *t, struct kiosk_terminal_status *out);

/*
 * Journal a staff event (kind KIOSK_EVENT_SIGN_IN, SIGN_OUT or LOCKOUT) for staff_id at
 * time now: no card, no bill; verdict GRANT for a sign-in or sign-out, DENY for a
 * lock-out (proto/proto.h). Never a PIN or a name: the id only. *seq (may be NULL) gets
 * the journal seq. INVALID_ARG for another kind or a staff id that is not a token (or is
 * shaped like an ID number); IO when the journal cannot be written (not queued: a
 * sign-in is not a promise kept at the gate, the log line stands in for it).
 */
int kiosk_terminal_record_staff(struct kiosk_terminal *t, int kind, const char *staff_id,
                                int64_t now, uint64_t *seq);

/*
 * Journal that the gate's actuator failed to open for the GRANT journaled as ref_seq
 * (kind KIOSK_EVENT_GATE_FAULT: no card, no bill, verdict GRANT, ref_seq set; staff_id
 * who was acting, may be ""). The fault is known only after the GRANT's own commit (the
 * pulse runs off the decision thread), so it is an event of its own, never a change to
 * the GRANT. *seq as record_staff. INVALID_ARG (ref_seq 0, a staff id that is not a
 * token), IO when the journal cannot be written.
 */
int kiosk_terminal_record_gate_fault(struct kiosk_terminal *t, uint64_t ref_seq,
                                     const char *staff_id, int64_t now, uint64_t *seq);

/*
 * Put a configuration and, when sites is not NULL, a site registry in force while the
 * terminal runs (the centre's documents, applied by the program). Any thread: they wait
 * in the terminal and the decision thread takes them whole at the start of its next
 * decision or staff event, so a decision sees the old ones or the new ones, never half.
 * The terminal id, site, mode, paths and queue size must be the ones in force
 * (INVALID_ARG); the registry must hold the site, allow the mode and, on a bus, hold the
 * vehicle unless cfg->registry_wait says the bus waits for it (CONFIG; while it waits
 * every card is refused with REGISTRY_WAIT). On success the terminal owns sites; on failure nothing changed and the
 * caller still owns it. kiosk_terminal_config() shows the new one after that decision.
 */
int kiosk_terminal_update(struct kiosk_terminal *t, const struct kiosk_config *cfg,
                          struct kiosk_sites *sites);

/* The pieces, for the UI, the sync thread's setup and tests. Owned by the terminal.
 * The journal may be NULL while it cannot be opened. */
struct kiosk_journal *kiosk_terminal_journal(struct kiosk_terminal *t);
/* How the index of waived bills was made at open (kiosk/bills.h: from its sidecar
 * <journal>.bills and the events after it, or rebuilt from the journal and why), for
 * the program's log; NULL while there is no index (the journal down). The terminal
 * writes the sidecar every KIOSK_BILLS_SAVE_EVERY events and at close. */
struct kiosk_bills_origin;
const struct kiosk_bills_origin *kiosk_terminal_bills_origin(const struct kiosk_terminal *t);
struct kiosk_revlist *kiosk_terminal_revlist(struct kiosk_terminal *t);
const struct proto_key *kiosk_terminal_revkey(struct kiosk_terminal *t);
const struct kiosk_config *kiosk_terminal_config(const struct kiosk_terminal *t);
const struct kiosk_site *kiosk_terminal_site(const struct kiosk_terminal *t);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_TERMINAL_H */
