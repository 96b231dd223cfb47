/*
 * Log lines of `kiosk run` on stderr (journald under systemd): "kiosk[ 12.345]: text",
 * the time in seconds since start. Any thread. Lines never carry a name, an ID number
 * or a card number.
 */
#ifndef TERM_APPLOG_H
#define TERM_APPLOG_H

#include <stdint.h>

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void app_log(const char *fmt, ...);

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t app_now_ms(void);

#endif
