/*
 * The sink tests' servers and loop helpers: see sinks-server.h.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/timeutil.h"
#include "tests/sinks-server.h"
#include "tests/tap.h"

/* Children to kill at exit: a test starts a handful. */
#define SERVER_MAX 16
/* How long a child may take to write its port file. */
#define SERVER_START_MS 10000

static pid_t children[SERVER_MAX];
static size_t nchildren;

/* Kill what is still running (atexit: also after a bail-out). */
static void
server_kill_all(void)
{
	for (size_t i = 0; i < nchildren; i++)
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
}

int
server_spawn(const char *name, const char *const *args, pid_t *pid)
{
	static int registered;
	char prog[4096], portfile[4096];
	const char *argv[32];
	size_t n = 0;
	FILE *fp;
	int port = 0;

	if (!registered && atexit(server_kill_all) == 0)
		registered = 1;
	if (nchildren == SERVER_MAX)
		bail_out("too many servers");
	snprintf(prog, sizeof(prog), "%s/tests/%s", tap_builddir(), name);
	snprintf(portfile, sizeof(portfile), "/tmp/fw%s.%ld.%zu.port", name,
	    (long)getpid(), nchildren);
	unlink(portfile);
	argv[n++] = prog;
	for (; args != NULL && *args != NULL && n < 30; args++)
		argv[n++] = *args;
	argv[n++] = portfile;
	argv[n] = NULL;
	if ((*pid = fork()) == -1)
		bail_out("fork");
	if (*pid == 0) {
		/* Die with the test, even when it crashes: a server left
		 * running would hold the TAP driver's pipe open. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	children[nchildren++] = *pid;
	for (int waited = 0; waited < SERVER_START_MS; waited += 10) {
		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = 0;
			fclose(fp);
			if (port > 0)
				break;
		}
		if (waitpid(*pid, NULL, WNOHANG) == *pid)
			bail_out("%s exited at start", name);
		usleep(10000);
	}
	unlink(portfile);
	if (port <= 0)
		bail_out("%s did not start", name);
	return port;
}

void
server_stop(pid_t pid)
{
	for (size_t i = 0; i < nchildren; i++)
		if (children[i] == pid) {
			kill(pid, SIGTERM);
			waitpid(pid, NULL, 0);
			children[i] = 0;
		}
}

char *
server_slurp(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "r");

	buf_appends(&b, "");
	if (fp != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_append(&b, chunk, n);
		fclose(fp);
	}
	return buf_steal(&b);
}

/* Stop the loop now and then to look at *done. */
static void
server_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int
server_run_until(struct event_base *base, const int *done, int ms)
{
	struct timeval tick = {0, 10000};
	struct event *ev = event_new(base, -1, EV_PERSIST, server_tick, base);
	uint64_t end = time_mono_ms() + (uint64_t)ms;

	event_add(ev, &tick);
	while (!*done && time_mono_ms() < end)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(ev);
	return *done ? 0 : -1;
}
