/* The relay board's side of a pseudo-terminal for the gate tests: a thread records every
 * byte the terminal writes with its arrival time; pulses are the LCUS-1 sequences. The
 * board itself (the pty, the pulse scan) is tools/relaysim's relay_pty.h, the one the
 * demo's listener plays too; this adds the recording thread and the test's checks. */
#ifndef KT_PTY_H
#define KT_PTY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "relay_pty.h"

#define KT_PTY_OPEN RELAY_LCUS1_OPEN   /* A0 01 01 A2 */
#define KT_PTY_CLOSE RELAY_LCUS1_CLOSE /* A0 01 00 A1 */

struct kt_pty {
  struct relay_pty board;
  char slave[128]; /* the device path to configure as serial_device */
  pthread_t th;
  int stop, running;
  pthread_mutex_t mu;
  uint8_t bytes[4096];
  uint64_t at[4096];
  size_t n;
};

/* Open a pty (raw), hold its slave open (no EIO between pulses), start recording. */
void kt_pty_start(struct kt_pty *l);
/* Stop recording and close both sides: the device node goes away, like an unplugged
 * board. Idempotent. */
void kt_pty_stop(struct kt_pty *l);
/* Complete pulses (open then close) seen so far, each one's length into ms[] (cap);
 * anything else written fails the test; a pulse still open adds 1000. */
size_t kt_pty_pulses(struct kt_pty *l, uint64_t *ms, size_t cap);
/* Wait (up to 60 s) until kt_pty_pulses is want; returns the last count. */
size_t kt_pty_wait_pulses(struct kt_pty *l, size_t want, uint64_t *ms, size_t cap);

#endif
