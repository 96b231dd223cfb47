/*
 * A relay board played by a pseudo-terminal (issue 13): the board's side of the serial
 * line that `kiosk run`'s gate actuator drives ([gate] actuator = serial). Shared by the
 * gate tests (tests/terminal/kt_pty.c records what the terminal writes) and the demo's
 * listener (relaysim, main.c, prints each pulse), so that both read the same board.
 *
 * The board is an LCUS-1 (docs/install.md): A0 01 01 A2 switches the relay on, A0 01 00
 * A1 off; a pulse is an "on" followed by an "off". Anything else on the line is an error
 * of the terminal's (the board would ignore it; the tests must not).
 *
 * Ownership: the caller owns struct relay_pty and the recorded bytes it passes to
 * relay_pulses; nothing here allocates. Not thread-safe: one reader per board.
 */
#ifndef RELAY_PTY_H
#define RELAY_PTY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

extern const uint8_t RELAY_LCUS1_OPEN[4], RELAY_LCUS1_CLOSE[4]; /* A0 01 01 A2 / A0 01 00 A1 */

struct relay_pty {
  int master;      /* the board's side: read what the terminal writes */
  int slave_keep;  /* the terminal's side, held open so the master sees no EIO between
                      the terminal's opens and closes */
  char slave[128]; /* the device path to configure as serial_device */
};

/* Open a pty in raw mode, both fds close-on-exec (a child such as kiosk run must not hold
 * the board). 0, or -1 with errno set and p->master -1. */
int relay_pty_open(struct relay_pty *p);
/* Close both sides: the device node goes away, like an unplugged board. Idempotent. */
void relay_pty_close(struct relay_pty *p);
/* Wait up to timeout_ms for bytes and read at most cap of them: the count, 0 when none
 * came (or the terminal has the line closed), -1 with errno on a real error. */
ssize_t relay_pty_read(struct relay_pty *p, uint8_t *buf, size_t cap, int timeout_ms);

/* What a recorded stream holds. */
struct relay_scan {
  size_t pulses;      /* complete pulses (open then close) */
  int open;           /* 1: an open without its close yet */
  size_t partial;     /* bytes at the end that are not a whole sequence yet */
  int bad;            /* 1: bytes that are no LCUS-1 sequence in place at offset bad_at */
  size_t bad_at;
};

/*
 * Scan n recorded bytes (at[i]: when byte i arrived, in ms, any clock) from the start:
 * whole 4-byte sequences, an open then a close per pulse. Each complete pulse's length
 * (close's arrival - open's arrival) goes into ms[k] for k < cap. Stops at the first bad
 * sequence (a close without an open, an open twice, other bytes). Bounded by n; never
 * writes past cap. Returns s->pulses.
 */
size_t relay_pulses(const uint8_t *bytes, const uint64_t *at, size_t n, uint64_t *ms, size_t cap,
                    struct relay_scan *s);

#ifdef __cplusplus
}
#endif
#endif /* RELAY_PTY_H */
