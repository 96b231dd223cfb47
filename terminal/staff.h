/*
 * The staff member signed in at this terminal (staff.c): the one answer to "who is
 * acting?" for every staff decision the terminal journals (confirm, refuse, override,
 * void, the cashier's waiver) and for the status line; and sign-in by staff id and PIN
 * against the site's roster (proto/roster.h, docs/staff.md) with its lock-out and idle
 * sign-out.
 *
 * Process-wide, on purpose: a terminal has one desk and one person at it, and more than
 * one thread asks (the decision thread, the UI thread checking a PIN, the HIS API's server
 * thread, netsync putting a new roster in force). Every function is safe from any thread;
 * term_staff_current copies the id out under the lock, so a caller never holds a pointer
 * into state another thread may change. The roster in force is owned here.
 *
 * Back-compatibility: until a roster is in force, the configured [terminal] staff_id is
 * "who is acting", as before, and sign-in is the old PIN (ui's pin_hash).
 *
 * Journal: what happened (sign-in, sign-out, lock-out) is queued here as events with the
 * staff id only, never the PIN; the decision thread, which owns the journal, takes them
 * with term_staff_next_event and journals them (kiosk_terminal_record_staff).
 */
#ifndef TERM_STAFF_H
#define TERM_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/decide.h"
#include "proto/roster.h"

#define TERM_STAFF_ID_MAX KIOSK_STAFF_ID_MAX

/* At start (kiosk run, kiosk verify): the configured staff_id ("" or NULL: none) and the
 * terminal's UTC offset (for the roster's valid dates). Forgets any roster. */
void term_staff_init(const char *configured_id, int32_t utc_offset_s);

/*
 * The staff id a staff decision records now, copied into out[cap] (cap >=
 * TERM_STAFF_ID_MAX + 1 for any id): the signed-in member's when a roster is in force
 * (nobody signed in: ""), else the configured staff_id. Returns 1 when out names
 * someone, 0 when nobody (out is "").
 */
int term_staff_current(char *out, size_t cap);

/* Put roster r (ownership passes; NULL: none) in force as version. A signed-in member
 * no longer in it, or no longer valid, is signed out (a sign_out event). */
void term_staff_set_roster(struct proto_roster *r, uint64_t version, int64_t now);
/* The version in force (0: none) and whether a roster is in force at all. */
uint64_t term_staff_roster_version(void);
int term_staff_roster_in_force(void);

enum term_signin {
  TERM_SIGNIN_OK = 0,
  TERM_SIGNIN_WRONG = 1,    /* unknown id, wrong PIN, outside the valid dates: one answer */
  TERM_SIGNIN_LOCKED = 2,   /* this id is locked out (the attempt was not checked) */
  TERM_SIGNIN_SHORT = 3,    /* shorter than the roster's minimum: not checked, not counted */
  TERM_SIGNIN_NO_ROSTER = 4 /* no roster in force */
};
/* Check staff id + PIN at now (Unix seconds). The policy is the roster's. The N-th
 * wrong PIN in a row for an id locks it out for the policy's minutes (a lockout event).
 * The PIN is never stored or logged. Slow on purpose (scrypt). */
enum term_signin term_staff_sign_in(const char *id, const char *pin, int64_t now);
/* Sign out whoever is signed in (a sign_out event); nothing when nobody is. */
void term_staff_sign_out(int64_t now);
/* Activity by the signed-in member (a key on a staff screen, a staff decision). */
void term_staff_touch(int64_t now);
/* Idle sign-out and valid-dates check; call every second or so. */
void term_staff_tick(int64_t now);

/* For the status line: the signed-in id and the masked display name ("" when nobody). */
void term_staff_display(char *id, size_t id_cap, char *name_masked, size_t name_cap);

struct term_staff_event {
  int kind;                          /* KIOSK_EVENT_SIGN_IN, SIGN_OUT, LOCKOUT */
  char id[TERM_STAFF_ID_MAX + 1];
  int64_t time;
};
/* Take the oldest event to journal: 1 when one was taken. The queue holds the last
 * TERM_STAFF_EVENTS_MAX; older ones are dropped (and counted in the log). */
#define TERM_STAFF_EVENTS_MAX 32u
int term_staff_next_event(struct term_staff_event *out);

#endif
