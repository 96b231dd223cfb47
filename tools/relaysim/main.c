/*
 * relaysim: a relay board for the demo's park gate (issue 13). It plays an LCUS-1 USB
 * relay on a pseudo-terminal (relay_pty.h, the board the gate tests use) and prints each
 * pulse as the terminal makes it:
 *
 *   gate relay: open pulse 300 ms after GRANT seq 7
 *
 * With --ctl, the GRANT is the one `kiosk run`'s control socket reports as its last
 * outcome when the pulse ends (the gate opens only for a journaled GRANT, and the
 * outcome is published a few ms after the opening starts, well inside any pulse).
 * Runs until SIGTERM or SIGINT; exit 0 then, 1 when the pty cannot be made, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "relay_pty.h"
#include "yh_version.h"

#define STREAM_MAX 4096u /* bytes held until they make whole pulses */

static const char usage[] =
    "usage: relaysim [--path-file FILE] [--ctl SOCKET]\n"
    "\n"
    "A USB relay board (LCUS-1: A0 01 01 A2 on, A0 01 00 A1 off) on a pseudo-terminal,\n"
    "for kiosk run's [gate] actuator = serial. Prints the device path, then one line per\n"
    "pulse (\"gate relay: open pulse 300 ms after GRANT seq N\").\n"
    "\n"
    "  --path-file FILE  write the device path to FILE (for serial_device) once ready\n"
    "  --ctl SOCKET      kiosk run's control socket: name the GRANT each pulse opened for\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
  (void)sig;
  stop = 1;
}

static uint64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* tmp + rename: a reader never sees half a path */
static int write_path(const char *file, const char *path)
{
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", file) >= (int)sizeof tmp)
    return -1;
  FILE *f = fopen(tmp, "w");
  if (!f)
    return -1;
  int bad = fprintf(f, "%s\n", path) < 0;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, file) != 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* kiosk run's last outcome: its journal seq when it is a journaled GRANT, else 0. Bounded:
 * one reply line of at most 4 KiB, fields read by name. */
static uint64_t last_grant(const char *sock)
{
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (fd < 0 || strlen(sock) >= sizeof sa.sun_path) {
    if (fd >= 0)
      close(fd);
    return 0;
  }
  memcpy(sa.sun_path, sock, strlen(sock));
  char line[4096];
  size_t got = 0;
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, "last\n", 5) == 5) {
    for (;;) {
      ssize_t r = read(fd, line + got, sizeof line - 1 - got);
      if (r <= 0)
        break;
      got += (size_t)r;
      if (memchr(line, '\n', got) || got == sizeof line - 1)
        break;
    }
  }
  close(fd);
  line[got] = '\0';
  line[strcspn(line, "\n")] = '\0';
  const char *v = strstr(line, " verdict=GRANT "), *s = strstr(line, " journal_seq=");
  if (!v || !s || !strstr(line, " journaled=1 "))
    return 0;
  return strtoull(s + strlen(" journal_seq="), NULL, 10);
}

int main(int argc, char **argv)
{
  const char *path_file = NULL, *ctl = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage, stdout);
      return 0;
    } else if (strcmp(argv[i], "--version") == 0) {
      printf("relaysim %s\n", YH_VERSION);
      return 0;
    } else if (strcmp(argv[i], "--path-file") == 0 && i + 1 < argc) {
      path_file = argv[++i];
    } else if (strcmp(argv[i], "--ctl") == 0 && i + 1 < argc) {
      ctl = argv[++i];
    } else {
      fprintf(stderr, "relaysim: unknown argument %s\n%s", argv[i], usage);
      return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* each pulse reaches the demo's output at once */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  struct relay_pty pty;
  if (relay_pty_open(&pty) != 0) {
    fprintf(stderr, "relaysim: cannot make a pseudo-terminal: %s\n", strerror(errno));
    return 1;
  }
  if (path_file && write_path(path_file, pty.slave) != 0) {
    fprintf(stderr, "relaysim: cannot write %s: %s\n", path_file, strerror(errno));
    relay_pty_close(&pty);
    return 1;
  }
  printf("relaysim: LCUS-1 relay board on %s\n", pty.slave);

  static uint8_t bytes[STREAM_MAX];
  static uint64_t at[STREAM_MAX];
  size_t n = 0;
  uint64_t last_seq = 0;
  while (!stop) {
    uint8_t buf[256];
    ssize_t r = relay_pty_read(&pty, buf, sizeof buf, 200);
    if (r <= 0)
      continue;
    uint64_t t = now_ms();
    for (ssize_t i = 0; i < r; i++) {
      if (n == STREAM_MAX) /* a terminal writing garbage: start again */
        n = 0;
      bytes[n] = buf[i];
      at[n++] = t;
    }
    uint64_t ms[STREAM_MAX / 8];
    struct relay_scan s;
    relay_pulses(bytes, at, n, ms, STREAM_MAX / 8, &s);
    for (size_t k = 0; k < s.pulses; k++) {
      uint64_t seq = ctl ? last_grant(ctl) : 0;
      if (seq > last_seq) {
        printf("gate relay: open pulse %" PRIu64 " ms after GRANT seq %" PRIu64 "\n", ms[k], seq);
        last_seq = seq;
      } else {
        printf("gate relay: open pulse %" PRIu64 " ms%s\n", ms[k],
               ctl ? " (no new journaled GRANT in kiosk's last outcome)" : "");
      }
    }
    if (s.bad) {
      printf("gate relay: bytes that are no LCUS-1 sequence: ignored\n");
      n = 0;
      continue;
    }
    /* whole pulses are 8 bytes each from the start: keep what follows them */
    size_t done = s.pulses * 8u;
    memmove(bytes, bytes + done, n - done);
    memmove(at, at + done, (n - done) * sizeof at[0]);
    n -= done;
  }
  relay_pty_close(&pty);
  return 0;
}
