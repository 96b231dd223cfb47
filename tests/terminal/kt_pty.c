/* The relay board's side of a pseudo-terminal (kt_pty.h). */
#define _GNU_SOURCE /* posix_openpt, ptsname_r */
#include "kt_pty.h"

#include <check.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "yh_fixture.h"

static void *listen_main(void *arg)
{
  struct kt_pty *l = arg;
  while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
    struct pollfd p = {l->master, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0)
      continue;
    uint8_t buf[256];
    ssize_t r = read(l->master, buf, sizeof buf);
    if (r <= 0) {
      yh_sleep_ms(10);
      continue;
    }
    uint64_t now = yh_now_ms();
    pthread_mutex_lock(&l->mu);
    for (ssize_t i = 0; i < r && l->n < sizeof l->bytes; i++) {
      l->bytes[l->n] = buf[i];
      l->at[l->n++] = now;
    }
    pthread_mutex_unlock(&l->mu);
  }
  return NULL;
}

void kt_pty_start(struct kt_pty *l)
{
  memset(l, 0, sizeof *l);
  pthread_mutex_init(&l->mu, NULL);
  l->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  ck_assert_int_ge(l->master, 0);
  ck_assert_int_eq(grantpt(l->master), 0);
  ck_assert_int_eq(unlockpt(l->master), 0);
  ck_assert_int_eq(ptsname_r(l->master, l->slave, sizeof l->slave), 0);
  /* held open so that the master reads no EIO between the terminal's pulses */
  l->slave_keep = open(l->slave, O_RDWR | O_NOCTTY | O_CLOEXEC); /* not into kiosk run */
  ck_assert_int_ge(l->slave_keep, 0);
  struct termios t;
  ck_assert_int_eq(tcgetattr(l->slave_keep, &t), 0);
  cfmakeraw(&t);
  ck_assert_int_eq(tcsetattr(l->slave_keep, TCSANOW, &t), 0);
  ck_assert_int_eq(pthread_create(&l->th, NULL, listen_main, l), 0);
}

void kt_pty_stop(struct kt_pty *l)
{
  if (l->master < 0)
    return;
  __atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
  pthread_join(l->th, NULL);
  close(l->slave_keep);
  close(l->master);
  l->master = -1;
}

const uint8_t KT_PTY_OPEN[4] = {0xA0, 0x01, 0x01, 0xA2}, KT_PTY_CLOSE[4] = {0xA0, 0x01, 0x00, 0xA1};

/* The pulses seen: open then close sequences, in order; each pulse's length into ms[].
 * Any other byte, or a close without an open, fails the test. */
size_t kt_pty_pulses(struct kt_pty *l, uint64_t *ms, size_t cap)
{
  pthread_mutex_lock(&l->mu);
  size_t n = 0, i = 0;
  uint64_t opened = 0;
  int open = 0;
  while (i + 4 <= l->n) {
    if (!open && memcmp(l->bytes + i, KT_PTY_OPEN, 4) == 0) {
      open = 1;
      opened = l->at[i + 3];
    } else if (open && memcmp(l->bytes + i, KT_PTY_CLOSE, 4) == 0) {
      open = 0;
      if (n < cap)
        ms[n] = l->at[i + 3] - opened;
      n++;
    } else {
      pthread_mutex_unlock(&l->mu);
      ck_abort_msg("unexpected bytes at %zu", i);
    }
    i += 4;
  }
  size_t partial = l->n - i;
  pthread_mutex_unlock(&l->mu);
  return open || partial ? n + 1000 : n; /* an open pulse is a failure of its own */
}

size_t kt_pty_wait_pulses(struct kt_pty *l, size_t want, uint64_t *ms, size_t cap)
{
  uint64_t end = yh_now_ms() + 60000;
  size_t n;
  while ((n = kt_pty_pulses(l, ms, cap)) != want && yh_now_ms() < end)
    yh_sleep_ms(20);
  return n;
}
