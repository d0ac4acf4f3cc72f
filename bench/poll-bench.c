/*
 * The polling benchmark: how fast and how cheaply the scheduler
 * and fetcher poll N feeds served by a real HTTP server (nginx, started by
 * bench/poll-run.sh on loopback addresses 127.0.1.1-127.0.1.H).
 *
 *	poll-bench port			a free TCP port on 127.0.0.1
 *	poll-bench gen DIR N		write N feeds (20 items, 5-100 KB)
 *	poll-bench run DIR N H PORT	poll them; print the figures
 *
 * run configures N feeds (measuring resident memory with them idle), then
 * polls every feed three times: A all full 200s, B all 304s (their ETags
 * still match), C after half of the files were touched (half 200, half
 * 304).  CPU is this process's user+system time, so nginx's share is not
 * counted.  Each round has a deadline; missing it fails the run.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/timeutil.h"
#include "feeds/sched.h"

/* 10,000 feeds is the goal's scale; more only costs disk. */
#define BENCH_MAX_FEEDS 100000
#define BENCH_MAX_HOSTS 250
#define BENCH_ITEMS 20
#define BENCH_MIN_BYTES (5 * 1024)
#define BENCH_MAX_BYTES (100 * 1024)
/* A round that takes longer than this has failed. */
#define BENCH_ROUND_S 300
/* The goal's load: 200 transfers in flight, 4 per host. */
#define BENCH_CONCURRENT 200
#define BENCH_PER_HOST 4

static struct event_base *base;

struct round {
	int want;
	int got;
	int ok, not_modified, errors;
	int done;
	int expired;
};

/* Resident memory now, in KiB (from /proc/self/statm). */
static long
rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *fp = fopen("/proc/self/statm", "r");

	if (fp == NULL)
		return -1;
	if (fscanf(fp, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(fp);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* This process's CPU seconds so far. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Print a free port on 127.0.0.1 (nginx needs one number up front). */
static int
cmd_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) == -1) {
		perror("poll-bench: bind 127.0.0.1");
		return 1;
	}
	printf("%d\n", ntohs(sin.sin_port));
	close(fd);
	return 0;
}

/* Feed i's file name under dir. */
static void
feed_path(char *out, size_t len, const char *dir, int i)
{
	snprintf(out, len, "%s/www/f%d.xml", dir, i);
}

/* Write N feeds of BENCH_ITEMS items, sizes spread over 5-100 KB. */
static int
cmd_gen(const char *dir, int n)
{
	struct buf b = BUF_INIT;
	char path[4096];
	unsigned short rnd[3] = {0x5eed, 0xfeed, 0xbeef};

	snprintf(path, sizeof(path), "%s/www", dir);
	mkdir(path, 0755);
	for (int i = 0; i < n; i++) {
		size_t size = BENCH_MIN_BYTES +
		    (size_t)(erand48(rnd) *
		        (BENCH_MAX_BYTES - BENCH_MIN_BYTES));
		size_t per = size / BENCH_ITEMS;
		FILE *fp;

		buf_reset(&b);
		buf_printf(&b,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<rss version=\"2.0\"><channel><title>Feed %d</title>"
		    "<link>http://example.org/%d/</link>"
		    "<description>benchmark feed</description>\n",
		    i, i);
		for (int k = 0; k < BENCH_ITEMS; k++) {
			size_t start = b.len;
			buf_printf(&b,
			    "<item><title>Feed %d item %d: troops and "
			    "satellites</title><link>http://example.org/%d/%d"
			    "</link><guid>urn:bench:%d:%d</guid>"
			    "<pubDate>Tue, 29 Oct 2024 01:00:00 GMT</pubDate>"
			    "<description>",
			    i, k, i, k, i, k);
			while (b.len - start < per)
				buf_appends(&b,
				    "Officials said the &lt;b&gt;"
				    "deployment&lt;/b&gt; went on. ");
			buf_appends(&b, "</description></item>\n");
		}
		buf_appends(&b, "</channel></rss>\n");
		feed_path(path, sizeof(path), dir, i);
		if ((fp = fopen(path, "w")) == NULL ||
		    fwrite(b.data, 1, b.len, fp) != b.len || fclose(fp) != 0) {
			perror(path);
			return 1;
		}
	}
	buf_free(&b);
	return 0;
}

/* Count a poll's outcome; the round ends with the last. */
static void
on_result(size_t feed, const struct fetch_result *r, void *arg)
{
	struct round *rd = arg;

	if (r->status == FETCH_OK)
		rd->ok++;
	else if (r->status == FETCH_NOT_MODIFIED)
		rd->not_modified++;
	else if (rd->errors++ < 5)
		fprintf(stderr, "poll-bench: feed %zu: %s\n", feed, r->error);
	if (++rd->got == rd->want)
		rd->done = 1;
}

/* The round took too long. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	((struct round *)arg)->expired = 1;
}

/* Poll every feed once; print and return the seconds it took, or -1. */
static double
run_round(
    struct sched *s, struct round *rd, const char *name, int n, double *cpu)
{
	struct event *dl = evtimer_new(base, on_deadline, rd);
	struct timeval tv = {BENCH_ROUND_S, 0};
	uint64_t t0 = time_mono_ms();
	double c0 = cpu_s(), secs;

	memset(rd, 0, sizeof(*rd));
	rd->want = n;
	evtimer_add(dl, &tv);
	sched_poll_all_now(s);
	while (!rd->done && !rd->expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dl);
	secs = (double)(time_mono_ms() - t0) / 1000.0;
	*cpu = cpu_s() - c0;
	printf("round %s: %d polls (%d 200, %d 304, %d errors) in %.2f s: "
	       "%.0f polls/s, %.3f CPU-s per 1,000 polls\n",
	    name, rd->got, rd->ok, rd->not_modified, rd->errors, secs,
	    rd->got / secs, *cpu * 1000.0 / (rd->got ? rd->got : 1));
	if (rd->expired || rd->errors > 0) {
		fprintf(stderr, "poll-bench: round %s failed\n", name);
		return -1;
	}
	return secs;
}

/* Give half of the files (the even ones) a new mtime, hence a new ETag. */
static void
touch_half(const char *dir, int n)
{
	char path[4096];
	struct timeval tv[2];

	gettimeofday(&tv[0], NULL);
	tv[0].tv_sec += 3600;
	tv[1] = tv[0];
	for (int i = 0; i < n; i += 2) {
		feed_path(path, sizeof(path), dir, i);
		utimes(path, tv);
	}
}

/* Configure N feeds, measure idle memory, then poll three rounds. */
static int
cmd_run(const char *dir, int n, int hosts, int port)
{
	struct fetch_options opt;
	struct fetcher *f;
	struct sched *s;
	struct round rd;
	char *err = NULL, url[256], name[32];
	long rss0, rss1;
	double cpu_a, cpu_b, cpu_c;

	log_init("poll-bench", LOG_LEVEL_WARNING);
	base = event_base_new();
	fetch_options_init(&opt);
	opt.max_concurrent = BENCH_CONCURRENT;
	opt.per_host = BENCH_PER_HOST;
	if ((f = fetcher_new(base, &opt, &err)) == NULL) {
		fprintf(stderr, "poll-bench: %s\n", err);
		return 1;
	}
	rss0 = rss_kib();
	s = sched_new(base, f, NULL, on_result, &rd);
	for (int i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "http://127.0.1.%d:%d/f%d.xml",
		    1 + i % hosts, port, i);
		snprintf(name, sizeof(name), "feed-%d", i);
		struct sched_feed_def def = {.name = name,
		    .url = url,
		    .interval_ms = 5 * 60 * 1000,
		    .first_delay_ms = 60 * 60 * 1000};
		sched_add(s, &def);
	}
	rss1 = rss_kib();
	printf("feeds: %d on %d hosts; resident %ld KiB before, %ld KiB "
	       "with them configured (idle)\n",
	    n, hosts, rss0, rss1);
	if (run_round(s, &rd, "A (all 200)", n, &cpu_a) < 0 ||
	    run_round(s, &rd, "B (all 304)", n, &cpu_b) < 0)
		return 1;
	touch_half(dir, n);
	if (run_round(s, &rd, "C (half 304)", n, &cpu_c) < 0)
		return 1;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("summary N=%d: %.3f CPU-s/1,000 200s, %.3f CPU-s/1,000 304s, "
	       "idle RSS %ld KiB, peak RSS %ld KiB (%d in flight)\n",
	    n, cpu_a * 1000.0 / n, cpu_b * 1000.0 / n, rss1, ru.ru_maxrss,
	    BENCH_CONCURRENT);
	fetcher_free(f);
	sched_free(s);
	event_base_free(base);
	return 0;
}

/* port | gen | run. */
int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "port") == 0)
		return cmd_port();
	if (argc == 4 && strcmp(argv[1], "gen") == 0) {
		int n = atoi(argv[3]);
		if (n < 1 || n > BENCH_MAX_FEEDS)
			goto usage;
		return cmd_gen(argv[2], n);
	}
	if (argc == 6 && strcmp(argv[1], "run") == 0) {
		int n = atoi(argv[3]), h = atoi(argv[4]), p = atoi(argv[5]);
		if (n < 1 || n > BENCH_MAX_FEEDS || h < 1 ||
		    h > BENCH_MAX_HOSTS || p < 1 || p > 65535)
			goto usage;
		return cmd_run(argv[2], n, h, p);
	}
usage:
	fprintf(stderr,
	    "usage: poll-bench port | gen DIR N | "
	    "run DIR N HOSTS PORT\n");
	return 2;
}
