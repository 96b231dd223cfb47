/*
 * sd_notify without libsystemd: one datagram to $NOTIFY_SOCKET. The same protocol as the
 * terminal's terminal/sdnotify.c; the centre may not include the terminal (the module
 * graph), so until it moves to common it is written here too.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "centre_int.h"

int centre_sd_notify(const char *msg)
{
  const char *path = getenv("NOTIFY_SOCKET");
  struct sockaddr_un sa;
  size_t plen;
  socklen_t salen;
  ssize_t n;
  int fd, saved;
  if (!path || !*path)
    return 0;
  plen = strlen(path);
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path) {
    errno = EINVAL;
    return -1;
  }
  memcpy(sa.sun_path, path, plen);
  if (path[0] == '@')
    sa.sun_path[0] = '\0'; /* abstract namespace: the length says where it ends */
  salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + (path[0] == '/' ? 1 : 0));
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (const struct sockaddr *)&sa, salen);
  saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)strlen(msg) ? 1 : -1;
}

uint64_t centre_sd_watchdog_usec(void)
{
  const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
  char *end;
  unsigned long long v;
  if (!us || !*us)
    return 0;
  if (pid && *pid) {
    long p = strtol(pid, &end, 10);
    if (*end || p != (long)getpid())
      return 0;
  }
  errno = 0;
  v = strtoull(us, &end, 10);
  if (*end || errno || v == 0)
    return 0;
  return (uint64_t)v;
}
