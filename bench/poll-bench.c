/*
 * The polling benchmark: how fast and how cheaply the scheduler
 * and fetcher poll N feeds served by a real HTTP server (nginx, started by
 * bench/poll-run.sh on loopback addresses 127.0.1.1-127.0.1.H).
 *
 *	poll-bench port			a free TCP port on 127.0.0.1
 *	poll-bench gen DIR N		write N feeds (20 items, 5-100 KB)
 *	poll-bench run DIR N H PORT [https]	poll them; print the figures
 *	poll-bench gen-steady DIR N	write N feeds of 20-50 items
 *	poll-bench steady DIR N H PORT [https]	steady-state rounds
 *
 * run configures N feeds (measuring resident memory with them idle), then
 * polls every feed three times: A all full 200s, B all 304s (their ETags
 * still match), C after half of the files were touched (half 200, half
 * 304).  steady polls feeds that look like real use: half answer 304 (they
 * send validators and nothing changed), three in ten send the same bytes
 * again without validators (DIR/www/nv/, which nginx serves with neither
 * ETag nor Last-Modified), two in ten changed since the last round with
 * 0-2 new items; a first round reads everything, then STEADY_ROUNDS are
 * measured.  CPU is this process's user+system time, so nginx's share is
 * not counted.  Each round has a deadline; missing it fails the run.
 * https: the hosts' certificate is verified against $POLL_CA;
 * $POLL_NO_RESUME set: every TLS connection makes a full handshake.
 * Each feed keeps the ids of its last two documents and the parser asks
 * about each item before making it text, as the daemon does;
 * $POLL_NO_KNOWN set: it does not ask (every item is made text).
 * $POLL_TIMEOUT_S: each transfer's timeout (30 s), longer under valgrind.
 * $POLL_STEADY_ONLY=304|same|changed: every feed is of that kind (to see
 * what one kind of poll costs).
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
#include "common/idset.h"
#include "common/log.h"
#include "common/xmalloc.h"
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

/* steady: 20-50 items of about a kilobyte, three measured rounds. */
#define STEADY_MIN_ITEMS 20
#define STEADY_MAX_ITEMS 50
#define STEADY_ROUNDS 3
#define STEADY_ITEM_BYTES 1000

static struct event_base *base;

/* Each feed's seen ids, as the daemon keeps them (daemon/pipeline.c):
 * the last document's and this one's, so old items are not made text. */
struct seen {
	struct idset cur, old;
};

struct round {
	struct seen *seen; /* one a feed; kept across rounds */
	int want;
	int got;
	int ok, not_modified, unchanged, errors;
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

/* Item k of feed i, its description padded to about bytes. */
static void
bench_item(struct buf *b, int i, int k, size_t bytes)
{
	size_t start = b->len;

	buf_printf(b,
	    "<item><title>Feed %d item %d: troops and satellites</title>"
	    "<link>http://example.org/%d/%d</link><guid>urn:bench:%d:%d</guid>"
	    "<pubDate>Tue, 29 Oct 2024 01:00:00 GMT</pubDate><description>",
	    i, k, i, k, i, k);
	while (b->len - start < bytes)
		buf_appends(b,
		    "Officials said the &lt;b&gt;deployment&lt;/b&gt; went "
		    "on. ");
	buf_appends(b, "</description></item>\n");
}

/* Write b to path; -1 (said on stderr) when it cannot. */
static int
bench_write(const char *path, const struct buf *b)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(b->data, 1, b->len, fp) != b->len || fclose(fp) != 0) {
		perror(path);
		return -1;
	}
	return 0;
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

		buf_reset(&b);
		buf_printf(&b,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<rss version=\"2.0\"><channel><title>Feed %d</title>"
		    "<link>http://example.org/%d/</link>"
		    "<description>benchmark feed</description>\n",
		    i, i);
		for (int k = 0; k < BENCH_ITEMS; k++)
			bench_item(&b, i, k, per);
		buf_appends(&b, "</channel></rss>\n");
		feed_path(path, sizeof(path), dir, i);
		if (bench_write(path, &b) == -1)
			return 1;
	}
	buf_free(&b);
	return 0;
}

/* Is this item of the feed old?  Asked by the parser before it makes the
 * item's text, as the daemon's pipeline is. */
static int
on_known(size_t feed, const char *id, void *arg)
{
	struct seen *sn = &((struct round *)arg)->seen[feed];
	uint64_t key = idset_key(id);

	if (idset_has(&sn->cur, key))
		return 1;
	if (idset_has(&sn->old, key)) {
		idset_add(&sn->cur, key);
		return 1;
	}
	return 0;
}

/* A new item: the feed has it from now on. */
static void
on_item(size_t feed, const struct feed_item *item, void *arg)
{
	struct seen *sn = &((struct round *)arg)->seen[feed];

	idset_add(&sn->cur, idset_key(item->id));
}

/* Count a poll's outcome; the round ends with the last.  A document read
 * in full is what the next poll is checked against. */
static void
on_result(size_t feed, const struct fetch_result *r, void *arg)
{
	struct round *rd = arg;
	struct seen *sn = &rd->seen[feed];

	if (r->status == FETCH_OK && r->unchanged)
		rd->unchanged++;
	else if (r->status == FETCH_OK) {
		rd->ok++;
		/* the old items left unread are the feed's too */
		if (r->parser != NULL)
			idset_add_all(&sn->cur,
			    feed_parser_skipped_keys(r->parser),
			    feed_parser_skipped(r->parser));
		idset_clear(&sn->old);
		sn->old = sn->cur;
		memset(&sn->cur, 0, sizeof(sn->cur));
	} else if (r->status == FETCH_NOT_MODIFIED)
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

	struct seen *seen = rd->seen;

	memset(rd, 0, sizeof(*rd));
	rd->seen = seen;
	rd->want = n;
	evtimer_add(dl, &tv);
	sched_poll_all_now(s);
	while (!rd->done && !rd->expired)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(dl);
	secs = (double)(time_mono_ms() - t0) / 1000.0;
	*cpu = cpu_s() - c0;
	printf("round %s: %d polls (%d 200, %d unchanged 200, %d 304, %d "
	       "errors) in %.2f s: %.0f polls/s, %.3f CPU-s per 1,000 polls\n",
	    name, rd->got, rd->ok, rd->unchanged, rd->not_modified, rd->errors,
	    secs, rd->got / secs, *cpu * 1000.0 / (rd->got ? rd->got : 1));
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

/* What a run polls: its fetcher and scheduler, and memory before. */
struct bench {
	struct fetcher *f;
	struct sched *s;
	struct round rd;
	int n;
	long rss0, rss1;
};

/* The fetcher (TLS per $POLL_CA, $POLL_NO_RESUME) and N feeds; path(i)
 * names feed i's file under the server's root. */
static int
bench_setup(struct bench *b, int n, int hosts, int port, const char *scheme,
    const char *(*path)(int, char *, size_t))
{
	struct fetch_options opt;
	char *err = NULL, url[256], name[32], file[64];

	log_init("poll-bench", LOG_LEVEL_WARNING);
	base = event_base_new();
	fetch_options_init(&opt);
	opt.max_concurrent = BENCH_CONCURRENT;
	opt.per_host = BENCH_PER_HOST;
	opt.ca_file = getenv("POLL_CA");
	opt.no_tls_resume = getenv("POLL_NO_RESUME") != NULL;
	if (getenv("POLL_TIMEOUT_S") != NULL) /* under valgrind */
		opt.timeout_ms =
		    (uint64_t)atoi(getenv("POLL_TIMEOUT_S")) * 1000;
	if ((b->f = fetcher_new(base, &opt, &err)) == NULL) {
		fprintf(stderr, "poll-bench: %s\n", err);
		return -1;
	}
	b->rss0 = rss_kib();
	memset(&b->rd, 0, sizeof(b->rd));
	b->rd.seen = xcalloc((size_t)n, sizeof(*b->rd.seen));
	b->n = n;
	b->s = sched_new(base, b->f, on_item, on_result, &b->rd);
	if (getenv("POLL_NO_KNOWN") == NULL)
		sched_set_known(b->s, on_known);
	for (int i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "%s://127.0.1.%d:%d/%s", scheme,
		    1 + i % hosts, port, path(i, file, sizeof(file)));
		snprintf(name, sizeof(name), "feed-%d", i);
		struct sched_feed_def def = {.name = name,
		    .url = url,
		    .interval_ms = 5 * 60 * 1000,
		    .first_delay_ms = 60 * 60 * 1000};
		sched_add(b->s, &def);
	}
	b->rss1 = rss_kib();
	printf("feeds: %d on %d hosts over %s%s; resident %ld KiB before, "
	       "%ld KiB with them configured (idle)\n",
	    n, hosts, scheme, opt.no_tls_resume ? " (no TLS resumption)" : "",
	    b->rss0, b->rss1);
	return 0;
}

/* Free what bench_setup made. */
static void
bench_teardown(struct bench *b)
{
	fetcher_free(b->f);
	sched_free(b->s);
	event_base_free(base);
	for (int i = 0; i < b->n; i++) {
		idset_clear(&b->rd.seen[i].cur);
		idset_clear(&b->rd.seen[i].old);
	}
	free(b->rd.seen);
}

/* Peak resident memory so far, in KiB. */
static long
peak_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* run's feeds: all in www/. */
static const char *
run_path(int i, char *out, size_t len)
{
	snprintf(out, len, "f%d.xml", i);
	return out;
}

/* Configure N feeds, measure idle memory, then poll three rounds. */
static int
cmd_run(const char *dir, int n, int hosts, int port, const char *scheme)
{
	struct bench b;
	double cpu_a, cpu_b, cpu_c;

	if (bench_setup(&b, n, hosts, port, scheme, run_path) == -1)
		return 1;
	if (run_round(b.s, &b.rd, "A (all 200)", n, &cpu_a) < 0 ||
	    run_round(b.s, &b.rd, "B (all 304)", n, &cpu_b) < 0)
		return 1;
	touch_half(dir, n);
	if (run_round(b.s, &b.rd, "C (half 304)", n, &cpu_c) < 0)
		return 1;
	printf("summary N=%d %s: %.3f CPU-s/1,000 200s, %.3f CPU-s/1,000 "
	       "304s, idle RSS %ld KiB, peak RSS %ld KiB (%d in flight)\n",
	    n, scheme, cpu_a * 1000.0 / n, cpu_b * 1000.0 / n, b.rss1,
	    peak_kib(), BENCH_CONCURRENT);
	bench_teardown(&b);
	return 0;
}

/* ---- steady -------------------------------------------------------- */

/* What feed i is: 0-4 of every ten answer 304, 5-7 resend the same bytes
 * without validators, 8-9 change every round. */
enum steady_kind { STEADY_304, STEADY_SAME, STEADY_CHANGED };

/* The kind of feed i. */
static enum steady_kind
steady_kind(int i)
{
	static int only = -2;
	const char *o;
	int k = i % 10;

	if (only == -2) {
		o = getenv("POLL_STEADY_ONLY");
		only = o == NULL                ? -1
		    : strcmp(o, "304") == 0     ? STEADY_304
		    : strcmp(o, "same") == 0    ? STEADY_SAME
		    : strcmp(o, "changed") == 0 ? STEADY_CHANGED
		                                : -1;
	}
	if (only >= 0)
		return (enum steady_kind)only;
	return k < 5 ? STEADY_304 : k < 8 ? STEADY_SAME : STEADY_CHANGED;
}

/* steady's feeds: the same-bytes ones under nv/. */
static const char *
steady_path(int i, char *out, size_t len)
{
	snprintf(out, len, "%sf%d.xml",
	    steady_kind(i) == STEADY_SAME ? "nv/" : "", i);
	return out;
}

/* Write feed i: its newest item is number top, then older ones; build
 * numbers the version (lastBuildDate), so a rewrite changes the bytes. */
static int
steady_write(const char *dir, int i, int top, int build)
{
	int nitems = STEADY_MIN_ITEMS +
	    (i * 7) % (STEADY_MAX_ITEMS - STEADY_MIN_ITEMS + 1);
	struct buf b = BUF_INIT;
	char path[4096], file[64];
	int rc;

	buf_printf(&b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<rss version=\"2.0\"><channel><title>Feed %d</title>"
	    "<link>http://example.org/%d/</link>"
	    "<lastBuildDate>Tue, 29 Oct 2024 %02d:%02d:00 GMT</lastBuildDate>"
	    "<description>benchmark feed</description>\n",
	    i, i, (build / 60) % 24, build % 60);
	for (int k = top; k > top - nitems; k--)
		bench_item(&b, i, k, STEADY_ITEM_BYTES);
	buf_appends(&b, "</channel></rss>\n");
	snprintf(path, sizeof(path), "%s/www/%s", dir,
	    steady_path(i, file, sizeof(file)));
	rc = bench_write(path, &b);
	buf_free(&b);
	return rc;
}

/* Every feed at build 0, its newest item numbered 100. */
static int
cmd_gen_steady(const char *dir, int n)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/www", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/www/nv", dir);
	mkdir(path, 0755);
	for (int i = 0; i < n; i++)
		if (steady_write(dir, i, 100, 0) == -1)
			return 1;
	return 0;
}

/* The changing feeds before round r: 0, 1 or 2 new items each, and a new
 * lastBuildDate; the mtime moves on so their ETags no longer match. */
static int
steady_change(const char *dir, int n, int r, int *top)
{
	for (int i = 0; i < n; i++) {
		if (steady_kind(i) != STEADY_CHANGED)
			continue;
		top[i] += (i / 10 + r) % 3;
		if (steady_write(dir, i, top[i], r) == -1)
			return -1;
	}
	return 0;
}

/* A first round reading everything, then STEADY_ROUNDS of real use. */
static int
cmd_steady(const char *dir, int n, int hosts, int port, const char *scheme)
{
	struct bench b;
	double cpu, total = 0, secs, wall = 0;
	int *top = xcalloc((size_t)n, sizeof(*top));
	char name[32];

	for (int i = 0; i < n; i++)
		top[i] = 100;
	if (bench_setup(&b, n, hosts, port, scheme, steady_path) == -1 ||
	    run_round(b.s, &b.rd, "first (all 200)", n, &cpu) < 0)
		return 1;
	for (int r = 1; r <= STEADY_ROUNDS; r++) {
		if (steady_change(dir, n, r, top) == -1)
			return 1;
		snprintf(name, sizeof(name), "steady %d", r);
		if ((secs = run_round(b.s, &b.rd, name, n, &cpu)) < 0)
			return 1;
		total += cpu;
		wall += secs;
	}
	printf("summary steady N=%d %s%s: %.3f CPU-s per 1,000 polls, %.0f "
	       "polls/s, peak RSS %ld KiB (%d in flight)\n",
	    n, scheme, getenv("POLL_NO_RESUME") ? " no-resume" : "",
	    total * 1000.0 / ((double)n * STEADY_ROUNDS),
	    (double)n * STEADY_ROUNDS / wall, peak_kib(), BENCH_CONCURRENT);
	bench_teardown(&b);
	free(top);
	return 0;
}

/* port | gen | run. */
int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "port") == 0)
		return cmd_port();
	if (argc == 4 &&
	    (strcmp(argv[1], "gen") == 0 ||
	        strcmp(argv[1], "gen-steady") == 0)) {
		int n = atoi(argv[3]);
		if (n < 1 || n > BENCH_MAX_FEEDS)
			goto usage;
		if (strcmp(argv[1], "gen") == 0)
			return cmd_gen(argv[2], n);
		return cmd_gen_steady(argv[2], n);
	}
	if ((argc == 6 || argc == 7) &&
	    (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "steady") == 0)) {
		int n = atoi(argv[3]), h = atoi(argv[4]), p = atoi(argv[5]);
		const char *scheme = argc == 7 ? argv[6] : "http";
		if (n < 1 || n > BENCH_MAX_FEEDS || h < 1 ||
		    h > BENCH_MAX_HOSTS || p < 1 || p > 65535 ||
		    (strcmp(scheme, "http") != 0 &&
		        strcmp(scheme, "https") != 0))
			goto usage;
		if (strcmp(argv[1], "run") == 0)
			return cmd_run(argv[2], n, h, p, scheme);
		return cmd_steady(argv[2], n, h, p, scheme);
	}
usage:
	fprintf(stderr,
	    "usage: poll-bench port | gen DIR N | gen-steady DIR N | "
	    "run DIR N HOSTS PORT [https] | steady DIR N HOSTS PORT "
	    "[https]\n");
	return 2;
}
