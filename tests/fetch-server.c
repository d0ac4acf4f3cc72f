/* The fetcher tests' helpers: see fetch-server.h. */
#include "config.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "tests/fetch-server.h"
#include "tests/tap.h"

/* Servers and URLs a test may start and make. */
#define SERVER_MAX 4
#define SERVER_MAX_URLS 4096
/* How long tests/httpd may take to write its port file: 100 x 100 ms. */
#define SERVER_START_TRIES 100

static pid_t pids[SERVER_MAX];
static int npids;
static char *urls[SERVER_MAX_URLS];
static int nurls;
static char tmpdir[] = "/tmp/fwfetch.XXXXXX";

/* atexit: kill every server we started, remove the port files. */
static void
server_cleanup(void)
{
	char path[sizeof(tmpdir) + 32];

	for (int i = 0; i < npids; i++) {
		kill(pids[i], SIGTERM);
		waitpid(pids[i], NULL, 0);
		snprintf(path, sizeof(path), "%s/port%d", tmpdir, i);
		unlink(path);
	}
	if (npids > 0)
		rmdir(tmpdir);
	for (int i = 0; i < nurls; i++)
		free(urls[i]);
}

/* Fork and exec tests/httpd, then wait (bounded) for its port file. */
int
server_start(void)
{
	char prog[4096], path[sizeof(tmpdir) + 32];
	FILE *fp;
	int port = 0;
	pid_t pid;

	if (npids == SERVER_MAX)
		bail_out("too many test servers");
	if (npids == 0) {
		if (mkdtemp(tmpdir) == NULL)
			bail_out("mkdtemp failed");
		atexit(server_cleanup);
	}
	snprintf(prog, sizeof(prog), "%s/tests/httpd", tap_builddir());
	snprintf(path, sizeof(path), "%s/port%d", tmpdir, npids);
	if ((pid = fork()) == -1)
		bail_out("fork failed");
	if (pid == 0) {
		/* Should this test die by a signal (no atexit), so does the
		 * server. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execl(prog, prog, path, (char *)NULL);
		_exit(127);
	}
	pids[npids++] = pid;
	for (int i = 0; i < SERVER_START_TRIES && port == 0; i++) {
		if ((fp = fopen(path, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = 0;
			fclose(fp);
		} else
			usleep(100 * 1000);
	}
	if (port == 0)
		bail_out("%s did not start", prog);
	return port;
}

/* Build a URL that lives until exit. */
const char *
server_url(int port, const char *path)
{
	char *u;

	xasprintf(&u, "http://127.0.0.1:%d%s", port, path);
	if (nurls == SERVER_MAX_URLS)
		bail_out("too many URLs");
	urls[nurls++] = u;
	return u;
}

/* A socket bound to 127.0.0.1 and a kernel-picked port; its port. */
static int
server_bind(int *fdp)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1)
		bail_out("cannot bind 127.0.0.1");
	*fdp = fd;
	return ntohs(sin.sin_port);
}

/* Bound, never listening: the kernel refuses connections. */
int
server_refusing_port(void)
{
	int fd;

	/* Held open till exit so no one else takes the port. */
	return server_bind(&fd);
}

/* Listening, never accepting: the kernel completes handshakes. */
int
server_silent_port(void)
{
	int fd, port = server_bind(&fd);

	if (listen(fd, 64) == -1)
		bail_out("listen failed");
	return port;
}

/* The watchdog fired. */
static void
server_watchdog(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Run the loop until *done or the watchdog fires. */
int
server_run_until(struct event_base *base, const int *done, int seconds)
{
	int expired = 0;
	struct event *dog = evtimer_new(base, server_watchdog, &expired);
	struct timeval tv = {seconds, 0};

	evtimer_add(dog, &tv);
	while (!*done && !expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dog);
	if (!*done)
		diag("gave up waiting after %d s", seconds);
	return *done ? 0 : -1;
}
