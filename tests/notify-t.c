/* Tests of daemon/notify.c against a real datagram socket, as systemd
 * would have it: path sockets and abstract ones, the watchdog variables. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/notify.h"
#include "tests/tap.h"

/* Bind a datagram socket at path (or abstract when it starts with '@'). */
static int
listen_at(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	if (fd == -1 ||
	    bind(fd, (struct sockaddr *)&sa,
	        (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	            (path[0] == '@' ? 0 : 1))) == -1)
		bail_out("cannot bind %s", path);
	return fd;
}

/* One datagram as a string; "" when none comes within 5 seconds. */
static const char *
receive(int fd)
{
	static char msg[2048];
	ssize_t n;
	struct timeval tv = {5, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, msg, sizeof(msg) - 1, 0);
	msg[n < 0 ? 0 : n] = '\0';
	return msg;
}

/* Outside systemd, then a path socket, an abstract one, a relative path. */
int
main(void)
{
	char path[64], abs[64], pid[32];
	int fd;

	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	ok(notify_init() == 0, "no NOTIFY_SOCKET: init succeeds");
	ok(notify_send("READY=1") == 0, "and sending is a no-op");
	is_int(notify_watchdog_usec(), 0, "no watchdog outside systemd");

	snprintf(path, sizeof(path), "/tmp/fwnotify.%ld", (long)getpid());
	unlink(path);
	fd = listen_at(path);
	setenv("NOTIFY_SOCKET", path, 1);
	setenv("WATCHDOG_USEC", "4000000", 1);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	ok(notify_init() == 0, "path socket: init");
	is_int(notify_watchdog_usec(), 4000000, "WATCHDOG_USEC for this pid");
	notify_send("READY=1");
	is_str(receive(fd), "READY=1", "READY=1 arrives as one datagram");
	notify_sendf("STATUS=%d feeds, %d alerts today", 12, 3);
	is_str(receive(fd), "STATUS=12 feeds, 3 alerts today", "STATUS line");
	notify_reloading();
	like(receive(fd), "^RELOADING=1\nMONOTONIC_USEC=[0-9]+$",
	    "RELOADING with MONOTONIC_USEC");
	close(fd);
	unlink(path);

	setenv("WATCHDOG_PID", "1", 1);
	snprintf(abs, sizeof(abs), "@fwnotify-abstract-%ld", (long)getpid());
	fd = listen_at(abs);
	setenv("NOTIFY_SOCKET", abs, 1);
	ok(notify_init() == 0, "abstract socket: init");
	is_int(notify_watchdog_usec(), 0, "a watchdog meant for another pid");
	notify_send("STOPPING=1");
	is_str(receive(fd), "STOPPING=1", "abstract socket receives");
	close(fd);

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ok(notify_init() == -1, "a relative socket path is refused");
	notify_close();
	return done_testing();
}
