/*
 * kiosk bills: the bills this terminal has waived and not voided (issue 12, "no double
 * waiver"), so the same bill at the same hospital is refused at once
 * (BILL_ALREADY_WAIVED), without asking the centre.
 *
 * Built from the journal at open (one pass over its events: a cashier GRANT with a bill
 * adds it, a VOID removes the waiver it names) and kept up to date by the terminal at
 * each commit (kiosk_bills_note). Compact: an entry is a 64-bit hash of (site, bill) with
 * the waiver's seq and time, 24 bytes; a hit is confirmed against the journal row, so a
 * hash collision can never refuse a bill. Cost measured in docs/kiosk.md.
 *
 * Threads: none; owned by the terminal (kiosk/terminal.h), used on its thread.
 */
#ifndef KIOSK_BILLS_H
#define KIOSK_BILLS_H

#include "kiosk/journal.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kiosk_bills;

/* Read journal j from the first event and build the index. KIOSK_OK, NO_MEMORY, or the
 * journal's error. */
int kiosk_bills_build(struct kiosk_journal *j, struct kiosk_bills **out);
void kiosk_bills_destroy(struct kiosk_bills *b); /* NULL accepted */

/* 1 when ev is a waiver: a cashier decision or override, GRANT, with a bill. */
int kiosk_bills_is_waiver(const struct proto_event *ev);

/* An event just appended to j (seq set): a waiver is added, a VOID removes the waiver it
 * names (looked up in j). Anything else is ignored. KIOSK_OK or NO_MEMORY. */
int kiosk_bills_note(struct kiosk_bills *b, struct kiosk_journal *j, const struct proto_event *ev);

/* Is bill at site waived here and not voided? KIOSK_OK with *seq and *time of the waiver,
 * or NOT_FOUND. */
int kiosk_bills_find(struct kiosk_bills *b, struct kiosk_journal *j, const char *site,
                     const char *bill, uint64_t *seq, int64_t *time);

size_t kiosk_bills_count(const struct kiosk_bills *b);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_BILLS_H */
