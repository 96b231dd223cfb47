/*
 * The gate's actuator: what opens the turnstile when a GRANT has been journaled.
 *
 *   decision thread: kiosk_terminal_decide -> GRANT journaled as seq -> term_actuator_fire
 *   actuator thread: one pulse per GRANT, in order: a serial relay board (open bytes,
 *                    pulse_ms, close bytes), a GPIO line through libgpiod (on, pulse_ms,
 *                    off), or a hook program (execve, no shell, killed after its deadline)
 *   decision thread: term_actuator_next_fault -> kiosk_terminal_record_gate_fault
 *
 * Only a GRANT that is in the journal fires (session.c calls fire after the commit, never
 * for a DENY or a STAFF_CHECK), so a power cut cannot open a gate that the journal does
 * not know about. The pulse runs on the actuator's own thread: the next card never waits
 * for it. A failure (device gone, write refused, hook exit status or deadline) never
 * changes the decision: it is reported back as a fault, which the decision thread
 * journals as an event of its own and shows to staff.
 *
 * Ownership: the actuator copies the configuration; the decision thread alone calls
 * fire, next_fault and destroy. The check functions are for `kiosk config check` and
 * touch nothing but what they look at (a serial device is opened and closed without a
 * byte written).
 */
#ifndef TERM_ACTUATOR_H
#define TERM_ACTUATOR_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/config.h"

struct term_actuator;

#define TERM_ACTUATOR_QUEUE_MAX 16u /* GRANTs waiting for their pulse */
#define TERM_ACTUATOR_GAP_MS 100u   /* closed time between two pulses: the gate sees both */

/* Create and start the actuator of g, for the site and terminal (the hook's environment).
 * actuator = none: *out NULL and 0. Nothing is opened yet: a device that is missing now
 * is a fault at the first pulse (and `config check` says so). -1 with why on failure
 * (out of memory, no thread). */
int term_actuator_create(const struct kiosk_gate_config *g, const char *site,
                         const char *terminal, struct term_actuator **out, char *why,
                         size_t cap);

/* Queue one pulse for the GRANT journaled as seq; returns at once. A full queue is a
 * fault reported like a failed pulse. a NULL: nothing. */
void term_actuator_fire(struct term_actuator *a, uint64_t seq);

/* A failed pulse: the GRANT's seq and what went wrong (no personal data: device, errno
 * text, exit status). */
struct term_actuator_fault {
  uint64_t seq;
  char what[200];
};
/* Take the oldest unreported fault: 1 and *out filled, 0 none. */
int term_actuator_next_fault(struct term_actuator *a, struct term_actuator_fault *out);

/* Counters for the status line: pulses done, pulses failed, and whether the last one
 * failed (the alarm stays up until a pulse succeeds). */
struct term_actuator_stats {
  uint64_t pulses, faults;
  int last_failed;
};
void term_actuator_stats(struct term_actuator *a, struct term_actuator_stats *out);

/* Finish the pulse under way (a gate is never left open), drop the queued ones (logged),
 * release the device, free. Accepts NULL. */
void term_actuator_destroy(struct term_actuator *a);

/* `kiosk config check`: is what g names there now? Calls report(user, error, key, text)
 * for each problem: a serial device that is missing or not a terminal, a GPIO chip or
 * line that is not there, a hook that is not an executable file. */
typedef void (*term_actuator_report_fn)(void *user, int error, const char *key,
                                        const char *text);
void term_actuator_check(const struct kiosk_gate_config *g, term_actuator_report_fn report,
                         void *user);

#endif
