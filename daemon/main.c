/*
 * feedwatchd: the daemon.  It loads the config, opens the state store,
 * builds the pipeline (sinks, matcher, fetcher, scheduler) on one libevent
 * loop and runs it: forever, or with --once until every feed was polled
 * and every due alert delivered.
 *
 * Signals are loop events (tmux's habit): SIGHUP loads the config and
 * prepares its pipeline beside the running one and, only when both worked,
 * swaps them (relayd's parent_reload); state lives in the store, so
 * schedules, validators and the outbox carry over, and the one curl
 * driver lives in the daemon, so connections do.  SIGTERM and SIGINT stop:
 * pending work is committed, deliveries not finished stay in the outbox for the
 * next start.  A second SIGTERM stops at once; SQLite's journal keeps the
 * state whole either way.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/curlev.h"
#include "common/log.h"
#include "common/prio.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "daemon/cluster.h"
#include "daemon/httpapi.h"
#include "daemon/notify.h"
#include "daemon/pipeline.h"
#include "alerts/outbox.h"
#include "store/store.h"

/* How often STATUS= is refreshed for `systemctl status`. */
#define MAIN_STATUS_INTERVAL_S 30
/* After SIGTERM, deliveries in flight get this long to finish (systemd's
 * TimeoutStopSec in the unit is longer). */
#define MAIN_STOP_GRACE_S 10
/* Housekeeping: how often, and how many bounded prune steps at a time. */
#define MAIN_PRUNE_INTERVAL_S 3600
#define MAIN_PRUNE_STEPS 20
/* Items and the delivery log are remembered this long (an alert's story
 * for ever); item text for the config's `retention`. */
#define MAIN_FORGET_S (90 * 86400)
/* --once waits this long for deliveries that are retried, by default:
 * long enough for a few backoffs and a receiver's short Retry-After,
 * short enough for a cron job. */
#define MAIN_ONCE_TIMEOUT_DEFAULT "5m"
/* How often the checkpoint thread copies the WAL back into state.db. */
#define MAIN_CHECKPOINT_MS 500

static const char usage_text[] =
    "usage: feedwatchd [-c FILE] [-f|--foreground] [--once] [-v|--verbose]\n"
    "                  [--once-timeout DURATION] [--json] [--version]\n"
    "                  [-h|--help]\n"
    "\n"
    "  -c, --config FILE  configuration file\n"
    "                     (default " CONF_DEFAULT_PATH ")\n"
    "  -f, --foreground   stay in the foreground (the default under systemd)\n"
    "      --once         poll every feed once, deliver the alerts, exit\n"
    "      --once-timeout DURATION\n"
    "                     how long --once waits for retried deliveries\n"
    "                     (default " MAIN_ONCE_TIMEOUT_DEFAULT ")\n"
    "  -v, --verbose      log debug messages\n"
    "      --json         the log sink prints alert documents as JSON\n"
    "      --version      print the version and exit\n"
    "  -h, --help         print this help and exit\n"
    "\n"
    "Signals: SIGHUP reloads the configuration, SIGTERM and SIGINT stop.\n";

struct daemon {
	const char *conffile;
	struct event_base *base;
	struct conf *conf;
	struct store *store;
	struct curlev *curl; /* every pipeline's, across reloads */
	struct pipeline *pipeline;
	struct cluster *cluster; /* NULL: no [cluster], or --once */
	struct httpapi *httpapi; /* NULL when `http` is not set */
	struct pipeline_opts opts;
	int once;
	uint64_t once_timeout_ms;
	int timed_out; /* --once-timeout ran out */
	int stopping;
	struct event *ev_hup, *ev_term, *ev_int, *ev_watchdog, *ev_status;
	struct event *ev_prune, *ev_grace, *ev_once;
	/* A reload's first phase runs in a thread (a config of tens of MB
	 * takes seconds to parse and build); it writes a byte to
	 * reload_pipe when done, and ev_reloaded finishes on the loop. */
	pthread_t reload_thread;
	int reloading, reload_again;
	int reload_pipe[2];
	struct event *ev_reloaded;
	struct conf *reload_conf;
	struct pipeline *reload_pipeline;
	char *reload_err;
};

/* Print the usage text to fp and exit with status. */
static void __attribute__((noreturn)) usage(FILE *fp, int status)
{
	fputs(usage_text, fp);
	exit(status);
}

/* The one-line summary systemd shows. */
static void
daemon_status(struct daemon *d)
{
	const struct pipeline_stats *st = pipeline_stats(d->pipeline);

	notify_sendf("STATUS=%zu feeds, %llu polls, %llu alerts, outbox %lld",
	    d->conf->nfeeds, (unsigned long long)st->polls,
	    (unsigned long long)st->alerts,
	    (long long)store_outbox_depth(d->store));
}

/* Timer: refresh STATUS= every MAIN_STATUS_INTERVAL_S. */
static void
daemon_status_cb(evutil_socket_t fd, short what, void *arg)
{
	daemon_status(arg);
}

/* Bounded housekeeping of the store; never inside a transaction. */
static void
daemon_prune_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	time_t now = time(NULL);
	int n = 0;

	for (int i = 0; i < MAIN_PRUNE_STEPS && !store_in_transaction(d->store);
	     i++) {
		n = store_prune(d->store,
		    now - (time_t)(d->conf->daemon.retention_ms / 1000),
		    now - MAIN_FORGET_S);
		if (n <= 0)
			break;
	}
	if (n < 0)
		log_warnx("housekeeping: %s", store_error(d->store));
}

/* Timer: pet systemd's watchdog at half its interval. */
static void
daemon_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	notify_send("WATCHDOG=1");
}

/* The status API for conf: kept when its address is the running one's. */
static int
daemon_httpapi_for(
    struct daemon *d, const struct conf *c, struct httpapi **out, char **err)
{
	const char *want = c->daemon.http;

	*out = d->httpapi;
	if (want == NULL)
		*out = NULL;
	else if (d->httpapi == NULL ||
	    strcmp(httpapi_addr(d->httpapi), want) != 0)
		*out = httpapi_new(d->base, want, d->store, err);
	return want != NULL && *out == NULL ? -1 : 0;
}

/* Join the cluster the config names (not for --once: it polls every
 * feed itself); a setup that fails leaves the node polling nothing. */
static void
daemon_cluster_start(struct daemon *d)
{
	char *err = NULL;

	if (d->conf->cluster.nats == NULL || d->once || d->pipeline == NULL)
		return;
	if ((d->cluster = cluster_new(d->base, d->conf, d->pipeline, &err)) ==
	    NULL) {
		log_warnx("cluster: %s; this node polls nothing", err);
		free(err);
		return;
	}
	log_info("cluster: node %s joining %s", d->conf->cluster.node,
	    d->conf->cluster.name);
}

/* Leave the cluster before the pipeline it polls for goes. */
static void
daemon_cluster_stop(struct daemon *d)
{
	cluster_free(d->cluster);
	d->cluster = NULL;
}

/* The first phase of a reload, off the loop: load and prepare beside the
 * running pipeline (pipeline_prepare touches neither loop nor store). */
static void *
daemon_reload_thread(void *arg)
{
	struct daemon *d = arg;
	char c = 1;

	if ((d->reload_conf = conf_load(d->conffile, &d->reload_err)) != NULL)
		d->reload_pipeline =
		    pipeline_prepare(d->reload_conf, &d->opts, &d->reload_err);
	while (write(d->reload_pipe[1], &c, 1) == -1 && errno == EINTR)
		;
	return NULL;
}

/*
 * SIGHUP, in two phases.  First everything that can fail is made beside
 * the running pipeline, in a thread so that the loop goes on polling and
 * answering: the config, the new pipeline prepared (matcher, sinks
 * opened).  Any failure there leaves the running pipeline untouched.  A
 * SIGHUP during that phase is kept for when it ends.
 */
static void
daemon_reload(struct daemon *d)
{
	if (d->reloading) {
		d->reload_again = 1;
		log_info("a reload is under way; another follows it");
		return;
	}
	notify_reloading();
	log_info("reloading %s", d->conffile);
	d->reloading = 1;
	d->reload_conf = NULL;
	d->reload_pipeline = NULL;
	d->reload_err = NULL;
	if (pthread_create(&d->reload_thread, NULL, daemon_reload_thread, d) !=
	    0) {
		/* No thread: the same work, on the loop. */
		daemon_reload_thread(d);
		d->reload_thread = pthread_self();
	}
}

/* The second phase, on the loop: the status API when its address changed;
 * then the old pipeline stops (it commits what completed) and the new one
 * starts on the store. */
static void
daemon_reloaded_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	struct httpapi *nh = NULL;
	struct pipeline *np;
	struct conf *nc;
	int64_t *failed;
	char *err, c;

	if (read(fd, &c, 1) != 1 || !d->reloading)
		return;
	if (!pthread_equal(d->reload_thread, pthread_self()))
		pthread_join(d->reload_thread, NULL);
	d->reloading = 0;
	nc = d->reload_conf;
	np = d->reload_pipeline;
	err = d->reload_err;
	if (d->stopping || nc == NULL || np == NULL ||
	    daemon_httpapi_for(d, nc, &nh, &err) == -1) {
		if (!d->stopping)
			log_errx("reload failed, the running configuration "
			         "stays: %s",
			    err);
		free(err);
		pipeline_free(np);
		conf_free(nc);
		notify_send("READY=1");
		goto again;
	}
	/* The old pipeline goes first: it commits, and the new one reads
	 * the schedule and the outbox from the store. */
	if (d->httpapi != NULL)
		httpapi_set_source(d->httpapi, d->conf, NULL);
	failed = pipeline_sink_failures(d->pipeline, nc);
	daemon_cluster_stop(d);
	pipeline_free(d->pipeline);
	if (nh != d->httpapi)
		httpapi_free(d->httpapi);
	d->httpapi = nh;
	conf_free(d->conf);
#ifdef __GLIBC__
	/* The old config's millions of small blocks (terms, their arrays)
	 * would otherwise stay in the heap: give the pages back. */
	malloc_trim(0);
#endif
	d->conf = nc;
	d->pipeline = np;
	if (pipeline_start(np, d->base, d->store, d->curl, &err) == -1) {
		log_errx("reload: %s; feeds are not polled until a reload "
		         "succeeds",
		    err);
		free(err);
	}
	pipeline_restore_sink_failures(np, failed);
	free(failed);
	daemon_cluster_start(d);
	if (d->httpapi != NULL)
		httpapi_set_source(d->httpapi, d->conf, d->pipeline);
	log_info("reloaded: %zu feeds, %zu watchlists, %zu sinks", nc->nfeeds,
	    nc->nwatchlists, nc->nsinks);
	pipeline_run(d->pipeline);
	notify_send("READY=1");
	daemon_status(d);
again:
	if (d->reload_again && !d->stopping) {
		d->reload_again = 0;
		daemon_reload(d);
	}
}

/* Everything under way finished (--once, or after SIGTERM): stop now. */
static void
daemon_stopped(void *arg)
{
	struct daemon *d = arg;

	event_base_loopbreak(d->base);
}

/* The stop grace period ran out: leave the rest in the outbox, stop. */
static void
daemon_grace_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	log_warnx("%zu deliveries did not finish within %d s; they stay in "
	          "the outbox for the next start",
	    pipeline_deliveries_in_flight(d->pipeline), MAIN_STOP_GRACE_S);
	event_base_loopbreak(d->base);
}

/* --once-timeout ran out: what is undelivered stays in the outbox. */
static void
daemon_once_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	log_warnx("--once-timeout reached after %llu ms",
	    (unsigned long long)d->once_timeout_ms);
	d->timed_out = 1;
	event_base_loopbreak(d->base);
}

/* --once: everything delivered is 0; anything undelivered (pending or
 * failed for good in this run) is named in the log and is 1. */
static int
daemon_once_status(struct daemon *d)
{
	const struct pipeline_stats *st = pipeline_stats(d->pipeline);
	uint64_t failed = 0;
	size_t left;

	log_info("done: %llu polls, %llu new items, %llu alerts",
	    (unsigned long long)st->polls, (unsigned long long)st->items_new,
	    (unsigned long long)st->alerts);
	for (size_t i = 0; i < d->conf->nsinks; i++) {
		const struct outbox_stats *os =
		    pipeline_sink_stats(d->pipeline, i);

		if (os != NULL && os->delay_n > 0)
			log_info("sink %s: %llu alerts, fetch to delivery: "
			         "median %.2f ms, p99 %.2f ms, max %.2f ms",
			    d->conf->sinks[i].name,
			    (unsigned long long)os->delay_n,
			    (double)outbox_delay_quantile(os, 0.5) / 1000.0,
			    (double)outbox_delay_quantile(os, 0.99) / 1000.0,
			    (double)os->delay_max_us / 1000.0);
		if (os != NULL && os->failed > 0)
			log_warnx("sink %s: %llu deliveries failed for good",
			    d->conf->sinks[i].name,
			    (unsigned long long)os->failed);
		failed += os != NULL ? os->failed : 0;
	}
	if ((left = pipeline_report_undelivered(d->pipeline)) > 0)
		log_warnx("%zu deliveries stay in the outbox for the next "
		          "run%s",
		    left, d->timed_out ? " (--once-timeout reached)" : "");
	return left > 0 || failed > 0 ? 1 : 0;
}

/* SIGHUP reloads; SIGTERM/SIGINT drain then stop; a second one exits. */
static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct timeval grace = {MAIN_STOP_GRACE_S, 0};

	if (sig == SIGHUP) {
		if (!d->stopping)
			daemon_reload(d);
		return;
	}
	if (d->stopping) {
		log_warnx("second signal: stopping at once");
		_exit(1);
	}
	d->stopping = 1;
	log_info("stopping on signal %d", (int)sig);
	notify_send("STOPPING=1");
	/* No new fetches; deliveries under way may finish within the grace
	 * period, the rest stay in the outbox for the next start. */
	cluster_leave(d->cluster);
	daemon_cluster_stop(d);
	pipeline_stop_fetching(d->pipeline);
	pipeline_drain(d->pipeline, daemon_stopped, d);
	d->ev_grace = evtimer_new(d->base, daemon_grace_cb, d);
	evtimer_add(d->ev_grace, &grace);
}

/* Leave the terminal: fork, new session, standard streams on /dev/null,
 * logging to syslog. */
static void
daemon_detach(void)
{
	int fd;

	switch (fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		_exit(0);
	}
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	log_use_syslog("feedwatchd");
}

/* Signals, the watchdog, STATUS= and housekeeping timers as loop events. */
static void
daemon_arm(struct daemon *d)
{
	uint64_t wd = notify_watchdog_usec();
	struct timeval tv;

	d->ev_hup = evsignal_new(d->base, SIGHUP, daemon_signal_cb, d);
	d->ev_term = evsignal_new(d->base, SIGTERM, daemon_signal_cb, d);
	d->ev_int = evsignal_new(d->base, SIGINT, daemon_signal_cb, d);
	evsignal_add(d->ev_hup, NULL);
	evsignal_add(d->ev_term, NULL);
	evsignal_add(d->ev_int, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (wd > 0) {
		/* Half the interval, as systemd advises. */
		tv.tv_sec = (time_t)(wd / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(wd / 2 % 1000000);
		d->ev_watchdog =
		    event_new(d->base, -1, EV_PERSIST, daemon_watchdog_cb, d);
		event_add(d->ev_watchdog, &tv);
	}
	tv.tv_sec = MAIN_STATUS_INTERVAL_S;
	tv.tv_usec = 0;
	d->ev_status = event_new(d->base, -1, EV_PERSIST, daemon_status_cb, d);
	event_add(d->ev_status, &tv);
	tv.tv_sec = MAIN_PRUNE_INTERVAL_S;
	d->ev_prune = event_new(d->base, -1, EV_PERSIST, daemon_prune_cb, d);
	event_add(d->ev_prune, &tv);
	if (pipe2(d->reload_pipe, O_CLOEXEC) == -1)
		fatal("pipe");
	d->ev_reloaded = event_new(d->base, d->reload_pipe[0],
	    EV_READ | EV_PERSIST, daemon_reloaded_cb, d);
	event_add(d->ev_reloaded, NULL);
}

/* Free whichever of the daemon's events were created. */
static void
daemon_free_events(struct daemon *d)
{
	struct event *evs[] = {d->ev_hup, d->ev_term, d->ev_int, d->ev_watchdog,
	    d->ev_status, d->ev_prune, d->ev_grace, d->ev_once, d->ev_reloaded};

	/* A reload still preparing: wait for it, and drop what it made. */
	if (d->reloading) {
		if (!pthread_equal(d->reload_thread, pthread_self()))
			pthread_join(d->reload_thread, NULL);
		pipeline_free(d->reload_pipeline);
		conf_free(d->reload_conf);
		free(d->reload_err);
		d->reloading = 0;
	}
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	if (d->ev_reloaded != NULL) {
		close(d->reload_pipe[0]);
		close(d->reload_pipe[1]);
	}
}

/* Options, config, store, pipeline and status API; then run the loop. */
int
main(int argc, char **argv)
{
	enum {
		OPT_ONCE = 256,
		OPT_ONCE_TIMEOUT,
		OPT_VERSION,
		OPT_HELP,
		OPT_JSON
	};
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"foreground", no_argument, NULL, 'f'},
	    {"once", no_argument, NULL, OPT_ONCE},
	    {"once-timeout", required_argument, NULL, OPT_ONCE_TIMEOUT},
	    {"verbose", no_argument, NULL, 'v'},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	struct daemon d = {.conffile = CONF_DEFAULT_PATH};
	int ch, foreground = 0, status = 0;
	const char *once_timeout = MAIN_ONCE_TIMEOUT_DEFAULT;
	struct timeval tv;
	char *err = NULL, *abspath = NULL;

	log_init("feedwatchd", LOG_LEVEL_INFO);
	while ((ch = getopt_long(argc, argv, "c:fvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.conffile = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'v':
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case OPT_ONCE:
			d.once = 1;
			break;
		case OPT_ONCE_TIMEOUT:
			once_timeout = optarg;
			break;
		case OPT_JSON:
			d.opts.log_json = 1;
			break;
		case OPT_VERSION:
			printf("feedwatchd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
		case OPT_HELP:
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (str_parse_duration(once_timeout, &d.once_timeout_ms) == -1 ||
	    d.once_timeout_ms == 0) {
		fprintf(stderr,
		    "feedwatchd: --once-timeout: expected a duration such as "
		    "30s or 5m, found '%s'\n",
		    once_timeout);
		return 2;
	}

	if (notify_init() == -1)
		log_warn("NOTIFY_SOCKET");
	/* Reloads read the same file after a detach has left the directory
	 * it was named from. */
	if ((abspath = realpath(d.conffile, NULL)) != NULL)
		d.conffile = abspath;
	if ((d.conf = conf_load(d.conffile, &err)) == NULL)
		fatalx("%s", err);
	if ((d.store = store_open(d.conf->daemon.state_dir, &err)) == NULL)
		fatalx("%s", err);
	/* Under systemd (NOTIFY_SOCKET) there is no terminal to leave. */
	if (!foreground && !d.once && getenv("NOTIFY_SOCKET") == NULL)
		daemon_detach();
	/* The lock names the process that runs; threads start after the
	 * fork. */
	if (store_lock_refresh(d.store) == -1)
		fatalx("%s", store_error(d.store));
	if (store_checkpoint_start(d.store, MAIN_CHECKPOINT_MS) == -1)
		log_warnx("%s; SQLite checkpoints on the loop instead",
		    store_error(d.store));
	if ((d.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	/* Committing and delivering before more input: common/prio.h. */
	if (event_base_priority_init(d.base, PRIO_COUNT) == -1)
		fatalx("cannot set event priorities");
	/* One curl multi for the fetcher and the sinks of every pipeline:
	 * one connection cache and one DNS cache, kept across reloads. */
	if ((d.curl = curlev_new(d.base, &err)) == NULL)
		fatalx("%s", err);
	if ((d.pipeline = pipeline_prepare(d.conf, &d.opts, &err)) == NULL ||
	    pipeline_start(d.pipeline, d.base, d.store, d.curl, &err) == -1)
		fatalx("%s", err);
	daemon_cluster_start(&d);
	if (daemon_httpapi_for(&d, d.conf, &d.httpapi, &err) == -1)
		fatalx("%s", err);
	if (d.httpapi != NULL) {
		httpapi_set_source(d.httpapi, d.conf, d.pipeline);
		log_info("status API on http://%s/", httpapi_addr(d.httpapi));
		if (conf_http_exposed(d.conf))
			log_warnx(CONF_HTTP_EXPOSED_MSG, d.conf->daemon.http);
	}
	daemon_arm(&d);
	daemon_prune_cb(-1, 0, &d);
	if (d.once) {
		pipeline_run_once(d.pipeline, daemon_stopped, &d);
		d.ev_once = evtimer_new(d.base, daemon_once_timeout_cb, &d);
		tv.tv_sec = (time_t)(d.once_timeout_ms / 1000);
		tv.tv_usec = (suseconds_t)(d.once_timeout_ms % 1000 * 1000);
		evtimer_add(d.ev_once, &tv);
	} else
		pipeline_run(d.pipeline);
	log_info("started: %zu feeds, %zu watchlists, %zu sinks; state in %s",
	    d.conf->nfeeds, d.conf->nwatchlists, d.conf->nsinks,
	    d.conf->daemon.state_dir);
	notify_send("READY=1");
	daemon_status(&d);
	event_base_dispatch(d.base);

	if (d.once)
		status = daemon_once_status(&d);
	httpapi_free(d.httpapi);
	daemon_cluster_stop(&d);
	pipeline_free(d.pipeline);
	curlev_free(d.curl);
	daemon_free_events(&d);
	event_base_free(d.base);
	store_close(d.store);
	conf_free(d.conf);
	notify_close();
	free(abspath);
	return status;
}
