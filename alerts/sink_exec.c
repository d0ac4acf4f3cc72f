/*
 * The exec sink: runs the configured command (argv as split by the
 * config, never a shell) once per alert or digest, the document on its
 * standard input, and FEEDWATCH_ID, FEEDWATCH_WATCHLIST, FEEDWATCH_SCORE,
 * FEEDWATCH_TITLE and FEEDWATCH_LINK in its environment (a digest sets
 * FEEDWATCH_DIGEST to its alert count, FEEDWATCH_ID to the digest's id,
 * FEEDWATCH_WATCHLIST to "digest" and FEEDWATCH_TITLE to "N alerts").
 * Feed text reaches the command only as data: stdin and environment
 * values, never its argv.  Nothing else of the daemon's does: the
 * environment is PATH, LANG, TZ, HOME (the daemon user's), the names the
 * sink's `env =` lists and the FEEDWATCH_* variables; descriptors above 2
 * are closed in the child.
 *
 * Nothing blocks the loop: posix_spawnp starts the child in its own
 * process group, the document is written through a non-blocking socket
 * (send with MSG_NOSIGNAL, so a command that does not read its input
 * cannot kill the daemon with SIGPIPE), and the child's end is seen on a
 * pidfd (pidfd_open) then reaped with waitpid(WNOHANG).  When `timeout`
 * passes, the whole group gets SIGKILL.  Exit 0 is delivered; any other
 * end (status, signal, timeout, a command that cannot be started) is
 * retried.
 */
#include "config.h"

#include <sys/pidfd.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Variables taken from the daemon's environment (the kept ones, then
 * those `env =` names) at most; the alert's own have 8 more places. */
#define EXEC_ENV_MAX 512

/* What the daemon's environment gives every command, beside `env =`. */
static const char *const env_kept[] = {"PATH", "LANG", "TZ"};

struct exec_run {
	struct sink *sink;
	pid_t pid;
	int pidfd;
	int in;         /* our end of the child's stdin; -1 once closed */
	struct buf doc; /* what is left to write is doc.data + off */
	size_t off;
	struct event *in_ev, *exit_ev, *timer_ev;
	int timed_out;
	sink_done_cb done;
	void *arg;
	LIST_ENTRY(exec_run) entry;
};

struct sink_exec {
	LIST_HEAD(, exec_run) runs; /* children running */
	char *home;                 /* HOME for the children, or NULL */
};

/* Children start per delivery; their HOME is looked up once here, since
 * getpwuid may ask a directory service and the loop must not wait. */
static int
exec_open(struct sink *s, char **err)
{
	struct sink_exec *x = xcalloc(1, sizeof(*x));
	struct passwd *pw = getpwuid(geteuid());
	const char *home = getenv("HOME");

	(void)err;
	LIST_INIT(&x->runs);
	if (pw != NULL && pw->pw_dir != NULL && pw->pw_dir[0] != '\0')
		home = pw->pw_dir;
	if (home != NULL)
		x->home = xstrdup(home);
	s->impl = x;
	return 0;
}

/* Add NAME=value to env, unless NAME is there already. */
static void
env_put(char **env, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < *n; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=')
			return;
	if (*n + 1 < EXEC_ENV_MAX + 8)
		xasprintf(&env[(*n)++], "%s=%s", name, value);
}

/* Add NAME=value from the daemon's environment, if it has NAME. */
static void
env_pass(char **env, size_t *n, const char *name)
{
	const char *value = getenv(name);

	if (value != NULL && strncmp(name, "FEEDWATCH_", 10) != 0 &&
	    *n < EXEC_ENV_MAX)
		env_put(env, n, name, value);
}

/* The child's environment: a few of ours, those `env =` names, then the
 * alert's. */
static char **
env_build(const struct sink *s, const char *alert_id, const char *doc)
{
	const struct sink_exec *x = s->impl;
	const struct conf_sink *cs = s->conf;
	char **env = xcalloc(EXEC_ENV_MAX + 8, sizeof(*env));
	json_t *root = sink_doc_parse(doc), *d;
	struct sink_alert a;
	size_t n = 0;
	char num[32];

	for (size_t i = 0; i < sizeof(env_kept) / sizeof(env_kept[0]); i++)
		env_pass(env, &n, env_kept[i]);
	if (x->home != NULL)
		env_put(env, &n, "HOME", x->home);
	for (size_t i = 0; i < cs->nenv; i++)
		env_pass(env, &n, cs->env[i]);
	env_put(env, &n, "FEEDWATCH_ID", alert_id);
	if (root != NULL && (d = sink_doc_digest(root)) != NULL) {
		long long count =
		    json_integer_value(json_object_get(d, "count"));

		snprintf(num, sizeof(num), "%lld", count);
		env_put(env, &n, "FEEDWATCH_DIGEST", num);
		env_put(env, &n, "FEEDWATCH_WATCHLIST", "digest");
		env_put(env, &n, "FEEDWATCH_SCORE", "0");
		snprintf(num, sizeof(num), "%lld alerts", count);
		env_put(env, &n, "FEEDWATCH_TITLE", num);
		env_put(env, &n, "FEEDWATCH_LINK", "");
	} else if (root != NULL) {
		sink_alert_view(root, &a);
		env_put(env, &n, "FEEDWATCH_WATCHLIST", a.watchlist);
		snprintf(num, sizeof(num), "%lld", a.score);
		env_put(env, &n, "FEEDWATCH_SCORE", num);
		env_put(env, &n, "FEEDWATCH_TITLE", a.title);
		env_put(env, &n, "FEEDWATCH_LINK", a.link);
	}
	json_decref(root);
	return env;
}

/* Free an environment from env_build. */
static void
env_free(char **env)
{
	for (char **e = env; *e != NULL; e++)
		free(*e);
	free(env);
}

/* Forget a run: events, descriptors, the list. */
static void
run_free(struct sink_exec *x, struct exec_run *r)
{
	LIST_REMOVE(r, entry);
	if (r->in_ev != NULL)
		event_free(r->in_ev);
	if (r->exit_ev != NULL)
		event_free(r->exit_ev);
	if (r->timer_ev != NULL)
		event_free(r->timer_ev);
	if (r->in != -1)
		close(r->in);
	if (r->pidfd != -1)
		close(r->pidfd);
	buf_free(&r->doc);
	free(r);
}

/* Done writing (or the child stopped reading): the child sees EOF. */
static void
run_close_input(struct exec_run *r)
{
	if (r->in_ev != NULL) {
		event_free(r->in_ev);
		r->in_ev = NULL;
	}
	if (r->in != -1) {
		close(r->in);
		r->in = -1;
	}
}

/* The child's stdin can take more. */
static void
run_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct exec_run *r = arg;
	ssize_t n;

	(void)what;
	while (r->off < r->doc.len) {
		n = send(fd, r->doc.data + r->off, r->doc.len - r->off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			r->off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return; /* wait for room */
		break;          /* EPIPE: the command did not want all of it */
	}
	run_close_input(r);
}

/* The child ended: reap it and report. */
static void
run_exit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct exec_run *r = arg;
	struct sink_exec *x = r->sink->impl;
	const struct conf_sink *cs = r->sink->conf;
	sink_done_cb done = r->done;
	void *darg = r->arg;
	char msg[256];
	int status;

	(void)fd;
	(void)what;
	/* The pidfd is readable once the child has exited; while it is
	 * not reaped its pid (the group's id) cannot be reused, so whatever
	 * it left behind in its group goes with it first. */
	kill(-r->pid, SIGKILL);
	if (waitpid(r->pid, &status, WNOHANG) != r->pid)
		return; /* not yet: the pidfd fires again */
	if (r->timed_out)
		snprintf(msg, sizeof(msg),
		    "%s: killed after the timeout of %llu ms", cs->argv[0],
		    (unsigned long long)cs->timeout_ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		msg[0] = '\0';
	else if (WIFEXITED(status))
		snprintf(msg, sizeof(msg), "%s exited with status %d",
		    cs->argv[0], WEXITSTATUS(status));
	else
		snprintf(msg, sizeof(msg), "%s killed by signal %d",
		    cs->argv[0], WTERMSIG(status));
	run_free(x, r);
	if (msg[0] == '\0')
		sink_report(done, darg, SINK_DELIVERED, NULL);
	else
		sink_report(done, darg, SINK_RETRY, msg);
}

/* The timeout passed: kill the command's whole process group. */
static void
run_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct exec_run *r = arg;

	(void)fd;
	(void)what;
	r->timed_out = 1;
	kill(-r->pid, SIGKILL);
}

/* Start the child with its stdin on child_in; 0 or an errno. */
static int
run_spawn(
    struct exec_run *r, const struct conf_sink *cs, int child_in, char **env)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, child_in, 0);
	/* Its output goes where ours does: the journal. */
	posix_spawn_file_actions_adddup2(&fa, 2, 1);
	/* Then nothing else of ours: libevent's, curl's and SQLite's
	 * descriptors are not all close-on-exec, and marking every one in
	 * the parent would race with the loop opening more.  glibc (2.34 on)
	 * runs this action as close_range(3, ~0U) in the child, after the
	 * dup2s, which keeps posix_spawn (vfork-fast, async-signal-safe
	 * by construction) instead of a hand-written fork/exec. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	/* The daemon ignores SIGPIPE; the command should not. */
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at,
	    POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	        POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&r->pid, cs->argv[0], &fa, &at, cs->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* Start the command for one alert; the outcome comes from the loop. */
static void
exec_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_exec *x = s->impl;
	const struct conf_sink *cs = s->conf;
	struct exec_run *r;
	struct timeval tv;
	char msg[256], **env;
	int sv[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		snprintf(msg, sizeof(msg), "socketpair: %s", strerror(errno));
		sink_report(done, arg, SINK_RETRY, msg);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->sink = s;
	r->in = sv[0];
	r->pidfd = -1;
	r->done = done;
	r->arg = arg;
	buf_appends(&r->doc, doc);
	buf_appendc(&r->doc, '\n');
	env = env_build(s, alert_id, doc);
	rc = run_spawn(r, cs, sv[1], env);
	env_free(env);
	close(sv[1]);
	if (rc == 0 && (r->pidfd = pidfd_open(r->pid, 0)) == -1) {
		rc = errno;
		kill(-r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	if (rc != 0) {
		snprintf(msg, sizeof(msg), "cannot run %s: %s", cs->argv[0],
		    strerror(rc));
		close(r->in);
		buf_free(&r->doc);
		free(r);
		sink_report(done, arg, SINK_RETRY, msg);
		return;
	}
	LIST_INSERT_HEAD(&x->runs, r, entry);
	r->exit_ev = event_new(
	    s->env.base, r->pidfd, EV_READ | EV_PERSIST, run_exit_cb, r);
	event_add(r->exit_ev, NULL);
	r->in_ev = event_new(
	    s->env.base, r->in, EV_WRITE | EV_PERSIST, run_write_cb, r);
	event_add(r->in_ev, NULL);
	r->timer_ev = evtimer_new(s->env.base, run_timeout_cb, r);
	tv.tv_sec = (time_t)(cs->timeout_ms / 1000);
	tv.tv_usec = (suseconds_t)(cs->timeout_ms % 1000) * 1000;
	evtimer_add(r->timer_ev, &tv);
}

/* Kill and reap what still runs. */
static void
exec_close(struct sink *s)
{
	struct sink_exec *x = s->impl;

	/* Unreported: the outbox keeps these pending for the next run.  A
	 * killed child is reaped at once. */
	while (!LIST_EMPTY(&x->runs)) {
		struct exec_run *r = LIST_FIRST(&x->runs);

		kill(-r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		run_free(x, r);
	}
	free(x->home);
	free(x);
}

const struct sink_ops sink_exec_ops = {
    .open = exec_open,
    .deliver = exec_deliver,
    .close = exec_close,
};
