/* sd_notify over a plain datagram socket (see sdnotify.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sdnotify.h"

int yh_sd_notify(const char *msg)
{
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path)
    return 0;
  size_t plen = strlen(path);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path) {
    errno = EINVAL;
    return -1;
  }
  memcpy(sa.sun_path, path, plen);
  if (path[0] == '@')
    sa.sun_path[0] = '\0'; /* abstract namespace: the length below says where it ends */
  socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
                                (path[0] == '/' ? 1 : 0));
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  ssize_t n = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (const struct sockaddr *)&sa, salen);
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)strlen(msg) ? 1 : -1;
}

uint64_t yh_sd_watchdog_usec(void)
{
  const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
  if (!us || !*us)
    return 0;
  if (pid && *pid) {
    /* The watchdog belongs to the service's main process: this one, or our parent when
     * the program runs inside a compositor or X session that the unit starts (cage,
     * xinit); NotifyAccess=all lets systemd take our pings then. */
    char *end;
    long p = strtol(pid, &end, 10);
    if (*end || (p != (long)getpid() && p != (long)getppid()))
      return 0;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(us, &end, 10);
  if (*end || errno || v == 0)
    return 0;
  return (uint64_t)v;
}
