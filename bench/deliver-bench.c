/*
 * The delivery benchmark: N alerts (default 10,000) through one
 * webhook sink (format json) to tests/hookd on 127.0.0.1, or with
 * `telegram` through one telegram sink to tests/apid's Bot API (an HTML
 * message built per alert, the fake checking it), driven by the
 * real outbox over a real state.db, on an event loop set up as
 * feedwatchd's (two priorities).  Prints alerts per second from the first
 * delivery to the last, and the loop's longest stall: a 1 ms repeating
 * timer at the daemon's network priority records the largest gap between
 * its runs beyond its period, as seen on the clock and less the time the
 * loop's thread sat runnable while other processes held the CPUs (from
 * /proc/thread-self/schedstat): on a loaded machine the first measures
 * the machine, the second what the loop itself did (its callbacks and
 * the syscalls they blocked in).  The goal is judged on the second.
 *
 *	bench/deliver-bench HOOKD [N]
 *	bench/deliver-bench APID N telegram
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/outbox.h"
#include "alerts/sink.h"
#include "common/prio.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "store/store.h"

/* Alerts per benchmark run unless told, and at most. */
#define DELIVER_DEFAULT_N 10000
#define DELIVER_MAX_N 1000000
/* The stall probe's period. */
#define DELIVER_TICK_US 1000
/* The checkpoint thread's period, feedwatchd's. */
#define DELIVER_CHECKPOINT_MS 500
/* A stall worth counting (a WAL checkpoint's fsync is about this). */
#define DELIVER_SLOW_US 5000
/* How long the probe runs on the idle loop first. */
#define DELIVER_IDLE_S 2
/* The delivery goals (bench/RESULTS.md). */
#define DELIVER_GOAL_RATE 2000.0
#define DELIVER_GOAL_STALL_MS 10.0

static uint64_t last_tick_us, max_gap_us, nslow;
static uint64_t last_wait_us, max_own_us, nslow_own;
static uint64_t idle_gap_us, idle_own_us;
static int schedstat_fd = -1;
static int finished;

/* How long this thread has waited for a CPU so far, in microseconds: the
 * second field of /proc/thread-self/schedstat (Linux, with schedstats),
 * or 0 where it cannot be read. */
static uint64_t
runqueue_wait_us(void)
{
	char buf[128];
	unsigned long long oncpu, wait;
	ssize_t n;

	if (schedstat_fd == -1)
		return 0;
	if ((n = pread(schedstat_fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &oncpu, &wait) != 2)
		return 0;
	return (uint64_t)(wait / 1000);
}

/* The stall probe: how late is this tick?  Two answers: the wall-clock
 * gap, and the gap less the time the thread sat runnable waiting for a
 * CPU that other processes held (the loop's own stall: its callbacks and
 * any syscall they blocked in). */
static void
tick(evutil_socket_t fd, short what, void *arg)
{
	uint64_t now = time_mono_us(), wait = runqueue_wait_us(), gap, own;

	(void)fd;
	(void)what;
	(void)arg;
	if (last_tick_us != 0) {
		gap = now - last_tick_us;
		own = gap -
		    (wait - last_wait_us < gap ? wait - last_wait_us : gap);
		if (gap > max_gap_us)
			max_gap_us = gap;
		if (own > max_own_us)
			max_own_us = own;
		if (gap > DELIVER_TICK_US + DELIVER_SLOW_US)
			nslow++;
		if (own > DELIVER_TICK_US + DELIVER_SLOW_US)
			nslow_own++;
	}
	last_tick_us = now;
	last_wait_us = wait;
}

/* The outbox has nothing left: stop the loop. */
static void
on_idle(void *arg)
{
	finished = 1;
	event_base_loopbreak(arg);
}

/* Start hookd with no request log; its port, or -1. */
static int
start_hookd(const char *prog, const char *dir, pid_t *pid)
{
	char portfile[300];
	int port = -1;
	FILE *fp;

	snprintf(portfile, sizeof(portfile), "%s/port", dir);
	if ((*pid = fork()) == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execl(prog, prog, portfile, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500 && port == -1; i++) {
		usleep(10000);
		if ((fp = fopen(portfile, "r")) != NULL) {
			if (fscanf(fp, "%d", &port) != 1)
				port = -1;
			fclose(fp);
		}
	}
	return port;
}

/* Queue n alerts for sink "hook" in one transaction. */
static int
queue_alerts(struct store *st, int n)
{
	const char *sink = "hook";
	char id[32], doc[1024];
	int64_t now = time(NULL);

	if (store_begin(st) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		struct store_alert a = {.id = id,
		    .watchlist = "nk-russia",
		    .feed = "bench",
		    .fired_at = now,
		    .score = 9,
		    .doc = doc};

		snprintf(id, sizeof(id), "bench%07d", i);
		snprintf(doc, sizeof(doc),
		    "{\"id\":\"%s\",\"watchlist\":\"nk-russia\",\"score\":9,"
		    "\"threshold\":6,\"fired_at\":\"2024-10-29T01:02:03Z\","
		    "\"item\":{\"feed\":\"bench\",\"id\":\"%s\",\"title\":"
		    "\"Choe Son Hui leaves for Moscow as troops deploy\","
		    "\"link\":\"https://news.example/"
		    "%s\",\"summary\":\"Foreign "
		    "Minister Choe Son Hui left for Russia on Monday.\"},"
		    "\"matches\":[{\"kind\":\"actor\",\"name\":\"choe-son-"
		    "hui\","
		    "\"label\":\"Choe Son Hui\",\"hits\":2,\"contribution\":6,"
		    "\"fields\":[\"title\",\"body\"],\"snippets\":[\"Foreign "
		    "Minister Choe Son Hui left for "
		    "Russia\"]}],\"also_in\":[]}",
		    id, id, id);
		if (store_alert_add(st, &a, &sink, 1) == -1)
			return -1;
	}
	return store_commit(st);
}

/* Queue, start the receiver, deliver, report. */
int
main(int argc, char **argv)
{
	char dir[] = "/tmp/fwdeliver-bench.XXXXXX", url[64], cmd[300];
	struct conf_sink cs = {.name = "hook",
	    .type = SINK_WEBHOOK,
	    .url = url,
	    .format = "json",
	    .timeout_ms = 30000,
	    .give_up_after_ms = 86400000,
	    .where = {"bench", 0}};
	struct timeval period = {0, DELIVER_TICK_US};
	struct event_base *base;
	struct sink_env env;
	struct event *probe;
	struct outbox *ob;
	struct store *st;
	struct sink *sink;
	char *err = NULL;
	uint64_t t0, t1;
	double secs, rate, stall_ms, own_ms, load1 = -1;
	FILE *lf;
	pid_t pid;
	int n = argc > 2 ? atoi(argv[2]) : DELIVER_DEFAULT_N, port, rc;
	int telegram = argc > 3 && strcmp(argv[3], "telegram") == 0;

	if (argc < 2 || n < 1 || n > DELIVER_MAX_N) {
		fprintf(stderr,
		    "usage: deliver-bench HOOKD [N] | APID N "
		    "telegram\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (mkdtemp(dir) == NULL ||
	    (port = start_hookd(argv[1], dir, &pid)) < 0) {
		fprintf(stderr, "deliver-bench: cannot start %s\n", argv[1]);
		return 1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", port);
	if (telegram) {
		cs.type = SINK_TELEGRAM;
		cs.url = NULL;
		cs.api = url;
		cs.token = "123456:bench";
		cs.chat = "@bench";
	}
	if ((st = store_open(dir, &err)) == NULL || queue_alerts(st, n) == -1) {
		fprintf(stderr, "deliver-bench: %s\n",
		    st != NULL ? store_error(st) : err);
		return 1;
	}
	/* As feedwatchd runs: checkpoints on their own thread, unless
	 * DELIVER_CHECKPOINT=loop asks for SQLite's own, inside commits on
	 * the loop, for comparison. */
	{
		const char *mode = getenv("DELIVER_CHECKPOINT");
		if ((mode == NULL || strcmp(mode, "loop") != 0) &&
		    store_checkpoint_start(st, DELIVER_CHECKPOINT_MS) == -1) {
			fprintf(stderr, "deliver-bench: %s\n", store_error(st));
			return 1;
		}
	}
	base = event_base_new();
	event_base_priority_init(base, PRIO_COUNT);
	env = (struct sink_env){.base = base};
	if ((sink = sink_new(&cs, &env, &err)) == NULL) {
		fprintf(stderr, "deliver-bench: %s\n", err);
		return 1;
	}
	ob = outbox_new(base, st, &sink, 1);
	outbox_on_idle(ob, on_idle, base);
	probe = event_new(base, -1, EV_PERSIST, tick, NULL);
	event_priority_set(probe, PRIO_INPUT);
	event_add(probe, &period);
	schedstat_fd =
	    open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	/* The floor: the same probe on the idle loop for a while, so the
	 * machine's own lateness (scheduler ticks, the hypervisor) is seen
	 * beside the figures under work. */
	{
		struct timeval idle = {DELIVER_IDLE_S, 0};

		event_base_loopexit(base, &idle);
		event_base_dispatch(base);
		idle_own_us = max_own_us;
		idle_gap_us = max_gap_us;
		last_tick_us = max_gap_us = max_own_us = nslow = nslow_own = 0;
	}
	t0 = time_mono_us();
	outbox_kick(ob);
	event_base_dispatch(base);
	t1 = time_mono_us();
	secs = (double)(t1 - t0) / 1e6;
	rate = (double)outbox_sink_stats(ob, 0)->delivered / secs;
	stall_ms = max_gap_us > DELIVER_TICK_US
	    ? (double)(max_gap_us - DELIVER_TICK_US) / 1000.0
	    : 0.0;
	own_ms = max_own_us > DELIVER_TICK_US
	    ? (double)(max_own_us - DELIVER_TICK_US) / 1000.0
	    : 0.0;
	if ((lf = fopen("/proc/loadavg", "r")) != NULL) {
		if (fscanf(lf, "%lf", &load1) != 1)
			load1 = -1;
		fclose(lf);
	}
	printf("deliver: %llu of %d alerts delivered through a %s in "
	       "%.2f s: %.0f alerts/s; longest loop stall %.2f ms\n",
	    (unsigned long long)outbox_sink_stats(ob, 0)->delivered, n,
	    telegram ? "telegram sink" : "webhook", secs, rate, stall_ms);
	printf("deliver: %llu stalls over %d ms\n", (unsigned long long)nslow,
	    DELIVER_SLOW_US / 1000);
	if (schedstat_fd != -1)
		printf("deliver: less the waits for a CPU: longest loop stall "
		       "%.2f ms, %llu over %d ms; idle loop first: %.2f ms "
		       "(%.2f ms on the clock); load average %.2f\n",
		    own_ms, (unsigned long long)nslow_own,
		    DELIVER_SLOW_US / 1000,
		    idle_own_us > DELIVER_TICK_US
		        ? (double)(idle_own_us - DELIVER_TICK_US) / 1000.0
		        : 0.0,
		    idle_gap_us > DELIVER_TICK_US
		        ? (double)(idle_gap_us - DELIVER_TICK_US) / 1000.0
		        : 0.0,
		    load1);
	else
		own_ms = stall_ms;
	printf("deliver: goal >= %.0f alerts/s and no stall > %.0f ms (less "
	       "CPU waits): %s\n",
	    DELIVER_GOAL_RATE, DELIVER_GOAL_STALL_MS,
	    finished && rate >= DELIVER_GOAL_RATE &&
	            own_ms <= DELIVER_GOAL_STALL_MS
	        ? "met"
	        : "NOT met");
	rc = outbox_sink_stats(ob, 0)->delivered == (uint64_t)n ? 0 : 1;
	event_free(probe);
	outbox_free(ob);
	sink_free(sink);
	event_base_free(base);
	if (schedstat_fd != -1)
		close(schedstat_fd);
	store_close(st);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "deliver-bench: could not remove %s\n", dir);
	return rc;
}
