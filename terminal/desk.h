/*
 * desk: the blood station's hand-over desk in `kiosk run` (station mode). It shows the
 * station database's cards ready for collection as the station list screen, re-reads
 * the list when `kiosk station ...` at the desk changed the database, and on staff's
 * confirmation records the hand-over (station_collect).
 *
 * Every text comes from assets/strings (station.*): headings and fixed words as keys
 * the screen resolves in the language on display; the two texts that carry a number
 * (the reissue fee, the hand-over note with the card's generation) are formatted here
 * from the strings files' templates ({fee}, {generation}, {reissue}).
 *
 * Ownership: the desk owns its station database handle, the list (with copies of the
 * photos) and the strings it formats from. One thread uses it (session.c's decision
 * thread). Log lines carry outcomes and error names, never a name or a card number.
 */
#ifndef TERM_DESK_H
#define TERM_DESK_H

#include <stddef.h>

#include "ui/ui.h"

struct term_desk;

/* Open the station database at db_path and the strings files of strings_dir; screens go
 * to ui. lang: the terminal's configured language, for the cells that carry a number.
 * Returns 0, or -1 with why. */
int term_desk_create(const char *db_path, const char *strings_dir, enum ui_lang lang,
                     struct ui *ui, struct term_desk **out, char *why, size_t cap);
/* Accepts NULL. */
void term_desk_destroy(struct term_desk *d);

/* Re-read the ready list when the database changed (or force); show it when idle (no
 * card session on screen) and no hand-over is being confirmed. 1 when the list was
 * re-read (the status's count moved), else 0. */
int term_desk_refresh(struct term_desk *d, int force, int idle);
/* A staff action on the station screens (select a row, confirm, cancel); actions for
 * another screen than the one on display are ignored. */
void term_desk_action(struct term_desk *d, const struct ui_action *a);
/* Back to the list, the station's home screen (a timeout, a dismissed verdict). */
void term_desk_home(struct term_desk *d);
/* Cards ready for collection, for the status. */
long term_desk_ready_total(const struct term_desk *d);

#endif
