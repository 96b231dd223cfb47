/*
 * The card session of `kiosk run`: the decision thread.
 *
 *   watcher thread (cardio/watch.h) --card in/out, reader, service--\
 *   main thread (ui on_action) ------staff actions-------------------+--> queue
 *                                                                         |
 *   decision thread: one tap of the honour card (tap.c: read, verify, photo, "not an
 *   honour card"), the social security card for the cashier, kiosk_terminal_decide
 *   (journal), term_view_from_kiosk -> ui_post_view; every second: terminal status ->
 *   ui_post_status; station mode: the hand-over desk (desk.c) -> ui_post_station.
 *
 * The thread owns the kiosk terminal (decisions and journal), the card path (PC/SC
 * context, trust store) and, in station mode, the desk and its station database:
 * nothing else touches them, except netsync's sink, which applies revocation lists to
 * the terminal's list (kiosk_revlist_commit: safe against the lookups of this thread).
 *
 * One state machine (enum ses_state, one transition function, one trace line per
 * transition): IDLE -> READING -> ASKING (a STAFF_CHECK on screen, waiting for staff or
 * the social security card) or DONE (GRANT/DENY on screen) -> IDLE on a timeout, a
 * refusal or the next card. Staff actions carry the seq of the view they answer; an
 * action for an older view is ignored.
 *
 * Personal data: the holder's name and ID number only ever exist masked here (the
 * honour card carries the masked name; the social security card's ID number is matched
 * and masked at once, then wiped). Log lines carry verdicts, reasons and error names,
 * never a name, an ID number or a card number.
 */
#ifndef TERM_SESSION_H
#define TERM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <cardio/watch.h>

#include "kiosk/config.h"
#include "kiosk/terminal.h"
#include "ui/ui.h"

struct netsync;
struct session;

#define TERM_SESSION_STAFF_MAX 32 /* a staff id and its NUL */

struct session_config {
  const struct kiosk_config *cfg; /* copied */
  struct ui *ui;                  /* views, status and station data are posted here */
  const char *version;            /* software version for the staff menu */
  const char *station_db;         /* station mode: the station's database, or NULL */
  const char *strings_dir;        /* the screens' strings files (the desk's templates) */
  enum ui_lang lang;              /* the configured language */
  /* The version in force of a centre-signed document ("roster", "tariff", "config",
   * "trust", "registry"; 0: none) for the staff status line, asked from the decision
   * thread at every status refresh, so it must be thread-safe. NULL: the roster's only. */
  int (*doc_version)(void *user, const char *kind, uint64_t *version);
  void *doc_user;
};

/* Open the terminal (journal, revocation list), the trust store and, in station mode,
 * the desk (station database, strings). On failure why says what. Returns 0 or -1. */
int session_create(const struct session_config *sc, struct session **out, char *why, size_t cap);
/* Sync status and kicks go to ns (may be NULL: offline terminal). Before session_start. */
void session_set_netsync(struct session *s, struct netsync *ns);
int session_start(struct session *s);
/* Stop the thread and join it. Idempotent. */
void session_stop(struct session *s);
void session_destroy(struct session *s);

/* The terminal, for netsync's sink (its revocation list and key). */
struct kiosk_terminal *session_terminal(struct session *s);

/* Inputs, from any thread; each is queued and returns at once. */
void session_card_event(struct session *s, const struct cardio_watch_event *ev);
void session_ui_action(struct session *s, const struct ui_action *a);

/* The reader for the centre's status report: "ok", "absent" or "error". Any thread. */
const char *session_reader_state(struct session *s);
/* The decision thread turns at least this often when nothing happens. */
#define SESSION_TICK_MS 1000
/* CLOCK_MONOTONIC ms of the decision thread's last loop (the watchdog's proof of life). */
uint64_t session_heartbeat_ms(struct session *s);

/* What the terminal showed last: a decision or a read error. For the control socket. */
struct session_outcome {
  uint32_t seq;            /* 0: nothing yet; increases with every outcome */
  char kind[16];           /* "view" or "read-error" */
  char mode[12];           /* gate, cashier, bus, station */
  char verdict[16];        /* GRANT, DENY, STAFF_CHECK; "" for a read error */
  char screen[24];         /* the screen the UI shows it on */
  char card_no[24];        /* the honour card's number ("" when unreadable) */
  char holder[64];         /* the masked name, as on screen */
  char id_masked[32];      /* the masked ID number (cashier), as on screen */
  char credential[24];     /* cashier: waiting, ssc_matched, ssc_mismatched */
  char reasons[720];       /* every reason name, comma separated; read errors: the key */
  char deny[400];          /* the reasons that deny */
  char staff[400];         /* the reasons that ask staff to act */
  int journaled;
  uint64_t journal_seq;
  int photo;               /* 1: the card's photo is on screen */
  char needs[96];          /* what staff still have to do: confirm, credential, ... */
};
void session_last_outcome(struct session *s, struct session_outcome *out);
/* Wait up to timeout_ms for an outcome with seq > after. 0, or -1 on timeout. */
int session_wait_outcome(struct session *s, uint32_t after, int timeout_ms,
                         struct session_outcome *out);

/* The figures of the staff menu, for the control socket's status line. */
struct session_info {
  char state[16];          /* the session state */
  char reader[16];         /* missing, ready, card, error */
  char ssc_reader[8];      /* cashier with a second reader: card, empty; else none */
  char sync[16];           /* off, never, online, offline, syncing */
  char sync_state[16];     /* netsync's state name */
  uint64_t queue;          /* journal events not yet acknowledged by the centre */
  uint64_t journal_last;   /* journal records */
  uint64_t revlist_version;
  size_t revlist_entries;
  int64_t revlist_age_s;   /* -1: no list */
  int64_t last_sync;
  uint32_t grants, denies, staff_checks; /* today */
  long station_ready;      /* station mode: cards ready for collection; -1 otherwise */
  char staff[32];          /* signed in by id (a roster), "" when nobody */
  char staff_name[200];    /* their display name, masked */
  uint64_t roster_version; /* the staff roster in force, 0: none */
  char gate[8];            /* the actuator: none, ok, fault (the last opening failed) */
  uint64_t gate_pulses, gate_faults; /* openings made and failed since start */
};
void session_get_info(struct session *s, struct session_info *out);

/*
 * The HIS API (his.c): a hospital billing system asks for a waiver of one bill. The
 * request waits in the session until a card comes: its bill, visit kind, fee item and
 * amount are the session's (the screen does not ask for them), the decision path is the
 * keyboard's (decide_show). The first GRANT or DENY of a card presented while it waits
 * answers it (a STAFF_CHECK does not: the holder's social security card, staff's
 * confirmation or a sign-in may still come); withdrawing it returns the screen to idle
 * and journals nothing. One request at a time; a keyboard session already on screen
 * (reading or asking) answers BUSY. While it waits the screen shows it (ui_post_request:
 * bill, visit kind, the tariff's fee today), the verdict shows its waiver id, and the
 * cashier may cancel it with Esc (UI_ACT_REQUEST_CANCEL: CANCELLED by the cashier).
 */
struct session_his_req {
  uint32_t id;                          /* his.c's request id, > 0 */
  enum kiosk_visit visit;
  char bill[KIOSK_BILL_REF_MAX + 1];
  char fee_item[32];
  int64_t amount_fen;                   /* 0: the configured consultation fee */
};
enum session_his_state {
  SESSION_HIS_NONE = 0,
  SESSION_HIS_PENDING,   /* waiting for the card, the holder, staff */
  SESSION_HIS_DONE,      /* a verdict: the fields below */
  SESSION_HIS_CANCELLED, /* withdrawn (or the program stopping): nothing journaled */
  SESSION_HIS_BUSY       /* refused: a keyboard session was on screen */
};
/* Who withdrew a CANCELLED request (docs/his-api.md: 410 "cancelled_by"). */
enum session_his_cause {
  SESSION_HIS_BY_HIS = 0, /* the billing system: DELETE, or it hung up while it waited */
  SESSION_HIS_BY_EXPIRY,  /* nobody polled it after a 202 (his_request_expiry_s) */
  SESSION_HIS_BY_CASHIER, /* the cashier pressed Esc on the request's screen */
  SESSION_HIS_BY_STOP     /* the program is stopping */
};
struct session_his_result {
  uint32_t id;
  enum session_his_state state;
  enum session_his_cause cancelled_by;  /* CANCELLED: who withdrew it */
  int verdict;                          /* KIOSK_VERDICT_* (DONE) */
  uint64_t reasons, deny, staff;        /* reason bits of the verdict (and of a pending
                                           STAFF_CHECK: what it waits for) */
  int64_t amount_fen;                   /* waived (GRANT) */
  uint64_t seq;                         /* journal seq, 0 when not journaled */
  int journaled, queued;
  char staff_id[TERM_SESSION_STAFF_MAX];
};
/* fn(user) is called on the decision thread whenever the HIS result changes (it must
 * only wake its own thread). Before session_start. */
void session_set_his_notify(struct session *s, void (*fn)(void *user), void *user);
/* Queue a request (copied); the result goes through states above. */
void session_his_begin(struct session *s, const struct session_his_req *r);
/* Withdraw request id (nothing when it is no longer pending); by: who (above). The
 * screen shows "withdrawn by the billing system" for a few seconds, then idle. */
void session_his_cancel(struct session *s, uint32_t id, enum session_his_cause by);
/* The result of the latest request. Any thread. */
void session_his_result(struct session *s, struct session_his_result *out);
/* Run fn(terminal, arg) on the decision thread (which owns the terminal and its journal)
 * and wait for it: 0, or -1 when the session is stopping (fn did not run). */
int session_call(struct session *s, void (*fn)(struct kiosk_terminal *t, void *arg), void *arg);

#endif
