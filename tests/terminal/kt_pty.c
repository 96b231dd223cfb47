/* The relay board's side of a pseudo-terminal (kt_pty.h), on tools/relaysim's board. */
#include "kt_pty.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "yh_fixture.h"

static void *listen_main(void *arg)
{
  struct kt_pty *l = arg;
  while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
    uint8_t buf[256];
    ssize_t r = relay_pty_read(&l->board, buf, sizeof buf, 50);
    if (r <= 0)
      continue;
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
  ck_assert_msg(relay_pty_open(&l->board) == 0, "pty: %s", strerror(errno));
  snprintf(l->slave, sizeof l->slave, "%s", l->board.slave);
  ck_assert_int_eq(pthread_create(&l->th, NULL, listen_main, l), 0);
  l->running = 1;
}

void kt_pty_stop(struct kt_pty *l)
{
  if (!l->running)
    return;
  __atomic_store_n(&l->stop, 1, __ATOMIC_RELEASE);
  pthread_join(l->th, NULL);
  relay_pty_close(&l->board);
  l->running = 0;
}

/* The pulses seen: open then close sequences, in order; each pulse's length into ms[].
 * Any other byte, or a close without an open, fails the test. */
size_t kt_pty_pulses(struct kt_pty *l, uint64_t *ms, size_t cap)
{
  pthread_mutex_lock(&l->mu);
  struct relay_scan s;
  relay_pulses(l->bytes, l->at, l->n, ms, cap, &s);
  pthread_mutex_unlock(&l->mu);
  if (s.bad)
    ck_abort_msg("unexpected bytes at %zu", s.bad_at);
  return s.open || s.partial ? s.pulses + 1000 : s.pulses; /* an open pulse fails on its own */
}

size_t kt_pty_wait_pulses(struct kt_pty *l, size_t want, uint64_t *ms, size_t cap)
{
  uint64_t end = yh_now_ms() + 60000;
  size_t n;
  while ((n = kt_pty_pulses(l, ms, cap)) != want && yh_now_ms() < end)
    yh_sleep_ms(20);
  return n;
}
