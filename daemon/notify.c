/*
 * sd_notify as a datagram: see notify.h.  The socket is opened once at
 * start-up (before any sandboxing could hide the path) and kept; sends are
 * non-blocking so a stuck service manager never stalls the loop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/str.h"
#include "daemon/notify.h"

/* The longest message we send: a STATUS line and a few keys. */
#define NOTIFY_MSG_MAX 1024

static int notify_fd = -1;
static struct sockaddr_un notify_addr;
static socklen_t notify_addrlen;
static uint64_t notify_watchdog;

/* Read the watchdog settings and open the socket, once at start-up. */
int
notify_init(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	const char *usec = getenv("WATCHDOG_USEC");
	const char *wpid = getenv("WATCHDOG_PID");
	size_t len;

	notify_close();
	notify_watchdog = 0;
	if (usec != NULL && (wpid == NULL || atol(wpid) == (long)getpid()))
		notify_watchdog = strtoull(usec, NULL, 10);
	if (path == NULL || *path == '\0')
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    len >= sizeof(notify_addr.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&notify_addr, 0, sizeof(notify_addr));
	notify_addr.sun_family = AF_UNIX;
	memcpy(notify_addr.sun_path, path, len);
	if (path[0] == '@')
		notify_addr.sun_path[0] = '\0'; /* abstract namespace */
	notify_addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + (path[0] == '@' ? 0 : 1));
	notify_fd =
	    socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	return notify_fd == -1 ? -1 : 0;
}

/* One datagram, never blocking; a no-op outside systemd. */
int
notify_send(const char *msg)
{
	if (notify_fd == -1)
		return 0;
	if (sendto(notify_fd, msg, strlen(msg), MSG_NOSIGNAL,
	        (struct sockaddr *)&notify_addr, notify_addrlen) == -1)
		return -1;
	return 0;
}

/* notify_send with printf formatting, cut at NOTIFY_MSG_MAX. */
int
notify_sendf(const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX];
	va_list ap;

	if (notify_fd == -1)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return notify_send(msg);
}

/* "RELOADING=1" with the MONOTONIC_USEC systemd wants beside it. */
int
notify_reloading(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return notify_sendf("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	        (unsigned long long)ts.tv_nsec / 1000ULL);
}

/* The watchdog interval read by notify_init, 0 when off. */
uint64_t
notify_watchdog_usec(void)
{
	return notify_watchdog;
}

/* Close the socket; later sends are no-ops. */
void
notify_close(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = -1;
}
