/*
 * The gate's actuator (actuator.h): one thread, one pulse per journaled GRANT, faults
 * reported back to the decision thread.
 */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np (glibc 2.34) */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <gpiod.h>

#include "actuator.h"
#include "applog.h"

#define FAULTS_MAX 16u
#define HOOK_POLL_MS 10
#define GPIO_CONSUMER "yulin-kiosk-gate"

struct term_actuator {
  struct kiosk_gate_config g;
  char site[KIOSK_SITE_ID_MAX + 1];
  char terminal[KIOSK_TERMINAL_ID_MAX + 1];

  pthread_t thread;
  pthread_mutex_t mu; /* everything below */
  pthread_cond_t cond;
  int stopping;
  uint64_t q[TERM_ACTUATOR_QUEUE_MAX];
  size_t qhead, qn;
  struct term_actuator_fault faults[FAULTS_MAX];
  size_t fhead, fn;
  struct term_actuator_stats stats;

  /* the actuator thread's own */
  struct gpiod_chip *chip;
  struct gpiod_line *line;
};

/* ---------------------------------------------------------------- helpers -- */

static void sleep_ms(uint32_t ms)
{
  struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

static void add_fault(struct term_actuator *a, uint64_t seq, const char *what)
{
  /* the caller holds a->mu */
  if (a->fn == FAULTS_MAX) { /* the decision thread is behind: keep the newest */
    a->fhead = (a->fhead + 1) % FAULTS_MAX;
    a->fn--;
  }
  struct term_actuator_fault *f = &a->faults[(a->fhead + a->fn) % FAULTS_MAX];
  f->seq = seq;
  snprintf(f->what, sizeof f->what, "%s", what);
  a->fn++;
  a->stats.faults++;
  a->stats.last_failed = 1;
}

/* ----------------------------------------------------------------- serial -- */

static speed_t speed_of(uint32_t baud)
{
  switch (baud) {
  case 1200: return B1200;
  case 2400: return B2400;
  case 4800: return B4800;
  case 19200: return B19200;
  case 38400: return B38400;
  case 57600: return B57600;
  case 115200: return B115200;
  default: return B9600;
  }
}

static int write_all(int fd, const uint8_t *b, size_t n)
{
  while (n) {
    ssize_t w = write(fd, b, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    b += w;
    n -= (size_t)w;
  }
  return tcdrain(fd); /* out of the UART before the pulse's time starts */
}

/* Open the device for one pulse: a USB relay that was unplugged and plugged back works
 * at the next GRANT without a restart. Raw 8N1, no modem control. */
static int serial_open(const struct kiosk_gate_config *g, char *why, size_t cap)
{
  int fd = open(g->serial_device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, cap, "serial %.120s: %s", g->serial_device, strerror(errno));
    return -1;
  }
  struct termios t;
  if (!isatty(fd) || tcgetattr(fd, &t) != 0) {
    snprintf(why, cap, "serial %.120s: not a terminal device", g->serial_device);
    close(fd);
    return -1;
  }
  cfmakeraw(&t);
  t.c_cflag |= CLOCAL | CREAD;
  t.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  cfsetispeed(&t, speed_of(g->serial_baud));
  cfsetospeed(&t, speed_of(g->serial_baud));
  int fl = fcntl(fd, F_GETFL);
  if (tcsetattr(fd, TCSANOW, &t) != 0 || fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
    snprintf(why, cap, "serial %.120s: setting %" PRIu32 " baud raw: %s", g->serial_device,
             g->serial_baud, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static int pulse_serial(struct term_actuator *a, char *why, size_t cap)
{
  const struct kiosk_gate_config *g = &a->g;
  int fd = serial_open(g, why, cap);
  if (fd < 0)
    return -1;
  int rc = 0;
  if (write_all(fd, g->serial_open, g->serial_open_len) != 0) {
    snprintf(why, cap, "serial %.120s: writing the open bytes: %s", g->serial_device,
             strerror(errno));
    rc = -1;
  } else {
    sleep_ms(g->pulse_ms);
    if (g->serial_close_len && write_all(fd, g->serial_close, g->serial_close_len) != 0) {
      /* the relay may still be closed: the gate open. Say so loudly. */
      snprintf(why, cap, "serial %.120s: writing the close bytes: %s (the relay may be left "
                         "on)", g->serial_device, strerror(errno));
      rc = -1;
    }
  }
  close(fd);
  return rc;
}

/* ------------------------------------------------------------------- gpio -- */

static void gpio_release(struct term_actuator *a)
{
  if (a->line) {
    gpiod_line_set_value(a->line, 0);
    gpiod_line_release(a->line);
  }
  if (a->chip)
    gpiod_chip_close(a->chip);
  a->line = NULL;
  a->chip = NULL;
}

/* The line stays requested (driven inactive) between pulses, so that it never floats
 * into the relay's input; a failure releases it and the next pulse requests it again. */
static int gpio_request(struct term_actuator *a, char *why, size_t cap)
{
  if (a->line)
    return 0;
  const struct kiosk_gate_config *g = &a->g;
  a->chip = gpiod_chip_open_lookup(g->gpio_chip);
  if (!a->chip) {
    snprintf(why, cap, "gpio chip %.60s: %s", g->gpio_chip, strerror(errno));
    return -1;
  }
  a->line = gpiod_chip_get_line(a->chip, g->gpio_line);
  int flags = g->gpio_active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
  if (!a->line || gpiod_line_request_output_flags(a->line, GPIO_CONSUMER, flags, 0) != 0) {
    snprintf(why, cap, "gpio %.60s line %" PRIu32 ": %s", g->gpio_chip, g->gpio_line,
             strerror(errno));
    a->line = NULL;
    gpio_release(a);
    return -1;
  }
  return 0;
}

static int pulse_gpio(struct term_actuator *a, char *why, size_t cap)
{
  if (gpio_request(a, why, cap) != 0)
    return -1;
  if (gpiod_line_set_value(a->line, 1) != 0) {
    snprintf(why, cap, "gpio %.60s line %" PRIu32 ": setting it: %s", a->g.gpio_chip,
             a->g.gpio_line, strerror(errno));
    gpio_release(a);
    return -1;
  }
  sleep_ms(a->g.pulse_ms);
  if (gpiod_line_set_value(a->line, 0) != 0) {
    snprintf(why, cap, "gpio %.60s line %" PRIu32 ": clearing it: %s (the relay may be left on)",
             a->g.gpio_chip, a->g.gpio_line, strerror(errno));
    gpio_release(a);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------- hook -- */

extern char **environ;

/* execve of the hook (no shell, no $PATH lookup) in its own process group, stdin from
 * /dev/null, no descriptor of ours but stdout and stderr (the journal's log), the
 * signals we block unblocked; killed with its group at the deadline. */
static int pulse_hook(struct term_actuator *a, uint64_t seq, char *why, size_t cap)
{
  const struct kiosk_gate_config *g = &a->g;
  char e_seq[48], e_site[96], e_term[64], e_pulse[48];
  snprintf(e_seq, sizeof e_seq, "YH_GATE_SEQ=%" PRIu64, seq);
  snprintf(e_site, sizeof e_site, "YH_GATE_SITE=%s", a->site);
  snprintf(e_term, sizeof e_term, "YH_GATE_TERMINAL=%s", a->terminal);
  snprintf(e_pulse, sizeof e_pulse, "YH_GATE_PULSE_MS=%" PRIu32, g->pulse_ms);
  char e_path[] = "PATH=/usr/local/bin:/usr/bin:/bin", e_lang[] = "LANG=C.UTF-8";
  char prog[KIOSK_PATH_MAX], arg1[] = "open";
  snprintf(prog, sizeof prog, "%s", g->hook);
  char *envp[] = {e_seq, e_site, e_term, e_pulse, e_path, e_lang, NULL};
  char *argv[] = {prog, arg1, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&at);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  sigset_t none, dfl;
  sigemptyset(&none);
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGTERM);
  sigaddset(&dfl, SIGINT);
  sigaddset(&dfl, SIGPIPE);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &dfl);
  posix_spawnattr_setpgroup(&at, 0);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                    POSIX_SPAWN_SETPGROUP);
  pid_t pid;
  int err = posix_spawn(&pid, g->hook, &fa, &at, argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (err != 0) {
    snprintf(why, cap, "hook %.120s: %s", g->hook, strerror(err));
    return -1;
  }
  int status = 0;
  uint64_t start = app_now_ms();
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      break;
    if (r < 0 && errno != EINTR) {
      snprintf(why, cap, "hook %.120s: waiting for it: %s", g->hook, strerror(errno));
      return -1;
    }
    if (app_now_ms() - start >= g->hook_timeout_ms) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
      snprintf(why, cap, "hook %.120s: still running after %" PRIu32 " ms: killed", g->hook,
               g->hook_timeout_ms);
      return -1;
    }
    sleep_ms(HOOK_POLL_MS);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFEXITED(status))
    snprintf(why, cap, "hook %.120s: exit status %d", g->hook, WEXITSTATUS(status));
  else
    snprintf(why, cap, "hook %.120s: killed by signal %d", g->hook,
             WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return -1;
}

/* ----------------------------------------------------------------- thread -- */

static int pulse(struct term_actuator *a, uint64_t seq, char *why, size_t cap)
{
  switch (a->g.actuator) {
  case KIOSK_ACTUATOR_SERIAL:
    return pulse_serial(a, why, cap);
  case KIOSK_ACTUATOR_GPIO:
    return pulse_gpio(a, why, cap);
  case KIOSK_ACTUATOR_HOOK:
    return pulse_hook(a, seq, why, cap);
  case KIOSK_ACTUATOR_NONE:
    break;
  }
  return 0;
}

static void *actuator_main(void *arg)
{
  struct term_actuator *a = arg;
  pthread_mutex_lock(&a->mu);
  for (;;) {
    while (!a->stopping && a->qn == 0)
      pthread_cond_wait(&a->cond, &a->mu);
    if (a->stopping)
      break;
    uint64_t seq = a->q[a->qhead];
    a->qhead = (a->qhead + 1) % TERM_ACTUATOR_QUEUE_MAX;
    a->qn--;
    pthread_mutex_unlock(&a->mu);
    char why[200] = "";
    uint64_t t0 = app_now_ms();
    int rc = pulse(a, seq, why, sizeof why);
    if (rc == 0)
      app_log("gate: opened for decision seq %" PRIu64 " (%s, %" PRIu32 " ms, took %" PRIu64
              " ms)", seq, kiosk_actuator_name(a->g.actuator), a->g.pulse_ms,
              app_now_ms() - t0);
    else
      app_log("gate: FAILED to open for decision seq %" PRIu64 ": %s", seq, why);
    pthread_mutex_lock(&a->mu);
    if (rc == 0) {
      a->stats.pulses++;
      a->stats.last_failed = 0;
    } else {
      add_fault(a, seq, why);
    }
    if (a->qn && !a->stopping) { /* closed for a moment, so the next opening is seen */
      pthread_mutex_unlock(&a->mu);
      sleep_ms(TERM_ACTUATOR_GAP_MS);
      pthread_mutex_lock(&a->mu);
    }
  }
  if (a->qn)
    app_log("gate: stopping with %zu opening(s) not made", a->qn);
  pthread_mutex_unlock(&a->mu);
  gpio_release(a);
  return NULL;
}

/* ------------------------------------------------------------------- API -- */

int term_actuator_create(const struct kiosk_gate_config *g, const char *site,
                         const char *terminal, struct term_actuator **out, char *why,
                         size_t cap)
{
  *out = NULL;
  if (g->actuator == KIOSK_ACTUATOR_NONE)
    return 0;
  struct term_actuator *a = calloc(1, sizeof *a);
  if (!a) {
    snprintf(why, cap, "gate actuator: out of memory");
    return -1;
  }
  a->g = *g;
  snprintf(a->site, sizeof a->site, "%s", site);
  snprintf(a->terminal, sizeof a->terminal, "%s", terminal);
  pthread_mutex_init(&a->mu, NULL);
  pthread_cond_init(&a->cond, NULL);
  if (pthread_create(&a->thread, NULL, actuator_main, a) != 0) {
    snprintf(why, cap, "gate actuator: cannot start its thread");
    pthread_cond_destroy(&a->cond);
    pthread_mutex_destroy(&a->mu);
    free(a);
    return -1;
  }
  switch (g->actuator) {
  case KIOSK_ACTUATOR_SERIAL:
    app_log("gate: serial relay on %s at %" PRIu32 " baud, %zu open byte(s), %zu close "
            "byte(s), pulse %" PRIu32 " ms", g->serial_device, g->serial_baud,
            g->serial_open_len, g->serial_close_len, g->pulse_ms);
    break;
  case KIOSK_ACTUATOR_GPIO:
    app_log("gate: GPIO %s line %" PRIu32 "%s, pulse %" PRIu32 " ms", g->gpio_chip,
            g->gpio_line, g->gpio_active_low ? " (active low)" : "", g->pulse_ms);
    break;
  default:
    app_log("gate: hook %s (deadline %" PRIu32 " ms), pulse %" PRIu32 " ms", g->hook,
            g->hook_timeout_ms, g->pulse_ms);
    break;
  }
  *out = a;
  return 0;
}

void term_actuator_fire(struct term_actuator *a, uint64_t seq)
{
  if (!a)
    return;
  pthread_mutex_lock(&a->mu);
  if (a->qn == TERM_ACTUATOR_QUEUE_MAX) {
    add_fault(a, seq, "the gate is behind: too many openings waiting");
  } else {
    a->q[(a->qhead + a->qn) % TERM_ACTUATOR_QUEUE_MAX] = seq;
    a->qn++;
    pthread_cond_signal(&a->cond);
  }
  pthread_mutex_unlock(&a->mu);
}

int term_actuator_next_fault(struct term_actuator *a, struct term_actuator_fault *out)
{
  if (!a)
    return 0;
  pthread_mutex_lock(&a->mu);
  int have = a->fn > 0;
  if (have) {
    *out = a->faults[a->fhead];
    a->fhead = (a->fhead + 1) % FAULTS_MAX;
    a->fn--;
  }
  pthread_mutex_unlock(&a->mu);
  return have;
}

void term_actuator_stats(struct term_actuator *a, struct term_actuator_stats *out)
{
  memset(out, 0, sizeof *out);
  if (!a)
    return;
  pthread_mutex_lock(&a->mu);
  *out = a->stats;
  pthread_mutex_unlock(&a->mu);
}

void term_actuator_destroy(struct term_actuator *a)
{
  if (!a)
    return;
  pthread_mutex_lock(&a->mu);
  a->stopping = 1;
  pthread_cond_broadcast(&a->cond);
  pthread_mutex_unlock(&a->mu);
  pthread_join(a->thread, NULL);
  pthread_cond_destroy(&a->cond);
  pthread_mutex_destroy(&a->mu);
  free(a);
}

/* ------------------------------------------------------------------ check -- */

void term_actuator_check(const struct kiosk_gate_config *g, term_actuator_report_fn report,
                         void *user)
{
  char msg[KIOSK_PATH_MAX + 200];
  struct stat st;
  switch (g->actuator) {
  case KIOSK_ACTUATOR_NONE:
    return;
  case KIOSK_ACTUATOR_SERIAL: {
    if (stat(g->serial_device, &st) != 0) {
      snprintf(msg, sizeof msg, "'%s': %s (is the relay board plugged in? ls /dev/serial/by-id/)",
               g->serial_device, strerror(errno));
      report(user, 1, "[gate] serial_device", msg);
      return;
    }
    if (!S_ISCHR(st.st_mode)) {
      snprintf(msg, sizeof msg, "'%s' is not a character device", g->serial_device);
      report(user, 1, "[gate] serial_device", msg);
      return;
    }
    /* opened without a byte written: a relay board does not move on an open */
    int fd = open(g->serial_device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      snprintf(msg, sizeof msg, "'%s': %s (the kiosk user needs the dialout group)",
               g->serial_device, strerror(errno));
      report(user, 1, "[gate] serial_device", msg);
      return;
    }
    if (!isatty(fd)) {
      snprintf(msg, sizeof msg, "'%s' is not a serial terminal", g->serial_device);
      report(user, 1, "[gate] serial_device", msg);
    }
    close(fd);
    if (!g->serial_close_len)
      report(user, 0, "[gate] serial_close",
             "no close bytes: the board must end the pulse itself (LCUS-1: A0 01 00 A1)");
    return;
  }
  case KIOSK_ACTUATOR_GPIO: {
    struct gpiod_chip *chip = gpiod_chip_open_lookup(g->gpio_chip);
    if (!chip) {
      snprintf(msg, sizeof msg, "'%s': %s (gpiodetect lists the chips)", g->gpio_chip,
               strerror(errno));
      report(user, 1, "[gate] gpio_chip", msg);
      return;
    }
    unsigned n = gpiod_chip_num_lines(chip);
    if (g->gpio_line >= n) {
      snprintf(msg, sizeof msg, "%" PRIu32 ": chip '%s' has lines 0..%u (gpioinfo %s)",
               g->gpio_line, g->gpio_chip, n ? n - 1 : 0, g->gpio_chip);
      report(user, 1, "[gate] gpio_line", msg);
    } else {
      struct gpiod_line *line = gpiod_chip_get_line(chip, g->gpio_line);
      if (line && gpiod_line_is_used(line)) {
        const char *c = gpiod_line_consumer(line);
        snprintf(msg, sizeof msg, "%" PRIu32 " on '%s' is in use by '%s'", g->gpio_line,
                 g->gpio_chip, c ? c : "?");
        report(user, 0, "[gate] gpio_line", msg);
      }
    }
    gpiod_chip_close(chip);
    return;
  }
  case KIOSK_ACTUATOR_HOOK:
    if (stat(g->hook, &st) != 0) {
      snprintf(msg, sizeof msg, "'%s': %s", g->hook, strerror(errno));
      report(user, 1, "[gate] hook", msg);
    } else if (!S_ISREG(st.st_mode) || access(g->hook, X_OK) != 0) {
      snprintf(msg, sizeof msg, "'%s' is not an executable file (chmod 755)", g->hook);
      report(user, 1, "[gate] hook", msg);
    } else if (st.st_mode & 002) {
      snprintf(msg, sizeof msg, "'%s' is writable by anyone: anyone could open the gate",
               g->hook);
      report(user, 1, "[gate] hook", msg);
    }
    return;
  }
}
