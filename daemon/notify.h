/*
 * The systemd notification protocol without libsystemd: one datagram of
 * "KEY=VALUE\n" lines on the AF_UNIX socket named by $NOTIFY_SOCKET (an
 * abstract socket when it starts with '@').  Outside systemd every call is a
 * cheap no-op, so the daemon calls them unconditionally.
 */
#ifndef FW_DAEMON_NOTIFY_H
#define FW_DAEMON_NOTIFY_H

#include <stdint.h>

/* Read $NOTIFY_SOCKET and $WATCHDOG_USEC/$WATCHDOG_PID; 0 or -1. */
int notify_init(void);
/* Send one message ("READY=1", "STATUS=..."); 0, or -1 with errno. */
int notify_send(const char *msg);
int notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "RELOADING=1" with the MONOTONIC_USEC systemd wants beside it. */
int notify_reloading(void);
/* The watchdog interval in microseconds for this process, 0 when off. */
uint64_t notify_watchdog_usec(void);
void notify_close(void);

#endif
