/*
 * The staff member signed in at this terminal (staff.c): the one answer to "who is
 * acting?" for every staff decision the terminal journals (confirm, refuse, override,
 * void, the cashier's waiver) and for the status line.
 *
 * Process-wide, on purpose: a terminal has one desk and one person at it, and more than
 * one thread asks (the decision thread, the HIS API's server thread). Every function is
 * safe from any thread; term_staff_current copies the id out under the lock, so a
 * caller never holds a pointer into state another thread may change.
 *
 * Back-compatibility: until a roster is in force (staff sign in by id and PIN), the
 * configured [terminal] staff_id is "who is acting", as before.
 */
#ifndef TERM_STAFF_H
#define TERM_STAFF_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/decide.h"

#define TERM_STAFF_ID_MAX KIOSK_STAFF_ID_MAX

/* At start (kiosk run, kiosk verify): the configured staff_id ("" or NULL: none). */
void term_staff_init(const char *configured_id);

/*
 * The staff id a staff decision records now, copied into out[cap] (cap >=
 * TERM_STAFF_ID_MAX + 1 for any id): the signed-in member's when a roster is in force
 * (nobody signed in: ""), else the configured staff_id. Returns 1 when out names
 * someone, 0 when nobody (out is "").
 */
int term_staff_current(char *out, size_t cap);

#endif
