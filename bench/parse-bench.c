/*
 * The parser benchmark: one feed file read three ways, each in a child
 * process of its own so that its peak memory is its own.
 *
 *	ours	feedwatch's parser (feeds/parse.c), fed 64 KiB reads, every
 *		item converted and handed to a callback that counts it;
 *	expat	expat alone with no-op handlers: the ceiling we are held to;
 *	sfeed	the sfeed program (`sfeed < FILE > /dev/null`).
 *
 * Each runs RUNS times; the least CPU time (user + system, from wait4)
 * counts: the others are noise of a shared machine.  Prints MB/s of CPU
 * time, the ratios, and peak RSS (getrusage).
 *
 *	parse-bench FILE [SFEED-PATH [LENIENT-FILE]]
 *
 * LENIENT-FILE (parse-gen ... undeclared) holds the same items in a
 * document expat rejects early: it times the tolerant reader.
 */
#include "config.h"

#include <errno.h>
#include <expat.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/timeutil.h"
#include "feeds/parse.h"

#define RUNS 5
#define CHUNK 65536

static size_t items;

/* Count items, touching each. */
static void
on_item(const struct feed_item *it, void *arg)
{
	(void)arg;
	if (it->title[0] != '\0')
		items++;
}

/* expat handlers that do nothing: the ceiling. */
static void XMLCALL
noop_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	(void)arg, (void)name, (void)atts;
}

/* End tags: nothing. */
static void XMLCALL
noop_end(void *arg, const XML_Char *name)
{
	(void)arg, (void)name;
}

/* Characters: nothing. */
static void XMLCALL
noop_text(void *arg, const XML_Char *s, int len)
{
	(void)arg, (void)s, (void)len;
}

/* Parse with feedwatch's parser; returns 0 on success. */
static int
run_ours(int fd)
{
	char buf[CHUNK];
	struct feed_parser *p = feed_parser_new(NULL, on_item, NULL);
	ssize_t n;
	int rc;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		feed_parser_feed(p, buf, (size_t)n);
	rc = feed_parser_finish(p);
	feed_parser_free(p);
	return rc == 0 && items > 0 ? 0 : 1;
}

/* Parse with expat alone; returns 0 on success. */
static int
run_expat(int fd)
{
	char buf[CHUNK];
	XML_Parser xp = XML_ParserCreate(NULL);
	ssize_t n;
	int rc = 0;

	XML_SetElementHandler(xp, noop_start, noop_end);
	XML_SetCharacterDataHandler(xp, noop_text);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (XML_Parse(xp, buf, (int)n, 0) == XML_STATUS_ERROR)
			rc = 1;
	if (XML_Parse(xp, "", 0, 1) == XML_STATUS_ERROR)
		rc = 1;
	XML_ParserFree(xp);
	return rc;
}

/* One timed run in a child; its seconds and peak RSS (KiB). */
static int
timed(const char *what, const char *file, const char *sfeed, double *secs,
    long *rss)
{
	uint64_t t0 = time_mono_ms();
	struct rusage ru;
	int st;
	pid_t pid = fork();

	if (pid == -1)
		return -1;
	if (pid == 0) {
		int fd = open(file, O_RDONLY);
		if (fd == -1)
			_exit(127);
		if (strcmp(what, "sfeed") == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(fd, 0);
			dup2(null, 1);
			execl(sfeed, "sfeed", (char *)NULL);
			_exit(127);
		}
		_exit(strcmp(what, "ours") == 0 ? run_ours(fd) : run_expat(fd));
	}
	if (wait4(pid, &st, 0, &ru) == -1)
		return -1;
	(void)t0;
	/* CPU time, not wall time: the machine is shared, and a parser's
	 * cost is the CPU it burns. */
	*secs = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	*rss = ru.ru_maxrss;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* Run the three and print the table. */
int
main(int argc, char **argv)
{
	static const char *const names[] = {"ours", "expat", "sfeed", "ours"};
	double best[4] = {0, 0, 0, 0}, mb;
	long rss[4] = {0, 0, 0, 0};
	const char *sfeed = argc > 2 ? argv[2] : "/usr/bin/sfeed";
	const char *lenient = argc > 3 ? argv[3] : NULL;
	struct stat sb;
	int have_sfeed;

	if (argc < 2 || stat(argv[1], &sb) == -1) {
		fprintf(
		    stderr, "usage: parse-bench FILE [SFEED [LENIENT-FILE]]\n");
		return 2;
	}
	mb = (double)sb.st_size / (1024.0 * 1024.0);
	have_sfeed = access(sfeed, X_OK) == 0;
	for (int r = 0; r < RUNS; r++)
		for (int k = 0; k < 4; k++) {
			double s;
			long m;
			if ((k == 2 && !have_sfeed) || (k == 3 && !lenient))
				continue;
			if (timed(names[k], k == 3 ? lenient : argv[1], sfeed,
			        &s, &m) == -1) {
				fprintf(stderr, "parse-bench: %s failed\n",
				    names[k]);
				return 1;
			}
			if (best[k] == 0 || s < best[k])
				best[k] = s;
			if (m > rss[k])
				rss[k] = m;
		}
	printf(
	    "input: %s, %.1f MB (best of %d runs each)\n", argv[1], mb, RUNS);
	printf("%-26s %9s %9s %12s\n", "parser", "CPU s", "MB/s", "peak RSS");
	printf("%-26s %9.3f %9.1f %9.1f MB\n", "feedwatch (feeds/parse.c)",
	    best[0], mb / best[0], rss[0] / 1024.0);
	printf("%-26s %9.3f %9.1f %9.1f MB\n", "expat, no-op handlers", best[1],
	    mb / best[1], rss[1] / 1024.0);
	if (have_sfeed)
		printf("%-26s %9.3f %9.1f %9.1f MB\n", "sfeed", best[2],
		    mb / best[2], rss[2] / 1024.0);
	else
		printf("%-26s (not installed: %s)\n", "sfeed", sfeed);
	printf("ratio feedwatch/expat: %.2fx (goal >= 0.70x)\n",
	    best[1] / best[0]);
	if (have_sfeed)
		printf("ratio feedwatch/sfeed: %.2fx (goal > 1.00x)\n",
		    best[2] / best[0]);
	printf("feedwatch peak RSS: %.1f MB (goal < 32 MB)\n", rss[0] / 1024.0);
	if (lenient)
		printf("same items read leniently (lax.c after expat stops at "
		       "an undeclared prefix):\n%-26s %9.3f %9.1f %9.1f MB "
		       "(%.2fx expat)\n",
		    "feedwatch, lenient", best[3], mb / best[3],
		    rss[3] / 1024.0, best[1] / best[3]);
	return 0;
}
