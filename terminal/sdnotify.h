/*
 * The systemd notification protocol without libsystemd: one datagram per message to the
 * Unix socket named in $NOTIFY_SOCKET ("/path" or "@abstract"). Only when the variable
 * is set (the service has Type=notify or a watchdog); otherwise every call is a no-op.
 *
 *   READY=1          start-up done (Type=notify)
 *   WATCHDOG=1       still alive (WatchdogSec=; the interval comes in $WATCHDOG_USEC)
 *   STOPPING=1       shutting down
 *   STATUS=text      one line for `systemctl status`
 *
 * Private to the kiosk program (terminal/). Thread-safe: each call opens, sends and
 * closes its own socket.
 */
#ifndef TERM_SDNOTIFY_H
#define TERM_SDNOTIFY_H

#include <stdint.h>

/* Send one message (several lines separated by '\n' are allowed). Returns 1 when sent,
 * 0 when $NOTIFY_SOCKET is not set, -1 on an error (errno set). */
int yh_sd_notify(const char *msg);

/* The watchdog interval in microseconds from $WATCHDOG_USEC (when $WATCHDOG_PID is
 * absent or names this process or its parent, the compositor the unit starts), else
 * 0: no watchdog to ping. */
uint64_t yh_sd_watchdog_usec(void);

#endif
