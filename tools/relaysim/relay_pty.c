/* The relay board's side of a pseudo-terminal (relay_pty.h). */
#define _GNU_SOURCE /* posix_openpt, ptsname_r */
#include "relay_pty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

const uint8_t RELAY_LCUS1_OPEN[4] = {0xA0, 0x01, 0x01, 0xA2};
const uint8_t RELAY_LCUS1_CLOSE[4] = {0xA0, 0x01, 0x00, 0xA1};

int relay_pty_open(struct relay_pty *p)
{
  memset(p, 0, sizeof *p);
  p->slave_keep = -1;
  p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p->master < 0)
    return -1;
  struct termios t;
  if (grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
      ptsname_r(p->master, p->slave, sizeof p->slave) != 0)
    goto out_close;
  p->slave_keep = open(p->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (p->slave_keep < 0)
    goto out_close;
  /* raw: the terminal's bytes arrive as written (no line discipline, no echo) */
  if (tcgetattr(p->slave_keep, &t) != 0)
    goto out_close;
  cfmakeraw(&t);
  if (tcsetattr(p->slave_keep, TCSANOW, &t) != 0)
    goto out_close;
  return 0;
out_close: {
  int e = errno;
  relay_pty_close(p);
  errno = e;
  return -1;
}
}

void relay_pty_close(struct relay_pty *p)
{
  if (p->master < 0)
    return;
  if (p->slave_keep >= 0)
    close(p->slave_keep);
  close(p->master);
  p->master = p->slave_keep = -1;
}

ssize_t relay_pty_read(struct relay_pty *p, uint8_t *buf, size_t cap, int timeout_ms)
{
  struct pollfd pf = {p->master, POLLIN, 0};
  int r = poll(&pf, 1, timeout_ms);
  if (r < 0)
    return errno == EINTR ? 0 : -1;
  if (r == 0)
    return 0;
  ssize_t n = read(p->master, buf, cap);
  if (n == 0 || (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EIO))) {
    usleep(10 * 1000); /* EIO: no side holds the line open; do not spin on the hang-up */
    return 0;
  }
  return n;
}

size_t relay_pulses(const uint8_t *bytes, const uint64_t *at, size_t n, uint64_t *ms, size_t cap,
                    struct relay_scan *s)
{
  memset(s, 0, sizeof *s);
  uint64_t opened = 0;
  size_t i = 0;
  while (n - i >= 4) {
    if (!s->open && memcmp(bytes + i, RELAY_LCUS1_OPEN, 4) == 0) {
      s->open = 1;
      opened = at[i + 3];
    } else if (s->open && memcmp(bytes + i, RELAY_LCUS1_CLOSE, 4) == 0) {
      s->open = 0;
      if (s->pulses < cap)
        ms[s->pulses] = at[i + 3] - opened;
      s->pulses++;
    } else {
      s->bad = 1;
      s->bad_at = i;
      return s->pulses;
    }
    i += 4;
  }
  s->partial = n - i;
  return s->pulses;
}
