/*
 * The feed parser against its fixtures: every tests/feeds/NAME.xml (or
 * .html, .txt) has beside it either NAME.json, the document `feedwatch
 * parse` must print, or NAME.err, the start of the message it must fail
 * with.  For each fixture:
 *   - the library's result, fed whole, is compared with NAME.json field
 *     by field (every top-level key, every key of every item);
 *   - the same bytes fed one byte at a time, and in random-size chunks,
 *     give exactly the same document;
 *   - `feedwatch parse FILE` prints the same document (or fails with the
 *     message and exit status 1).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "common/buf.h"
#include "feeds/feedjson.h"
#include "feeds/parse-int.h"
#include "feeds/parse.h"
#include "tests/tap.h"

/* Fixtures we expect at least: fewer means some went missing. */
#define FIXTURES_MIN 60
#define FIXTURES_MAX 512

static int
read_file(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (fp == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(b, chunk, n);
	fclose(fp);
	return 0;
}

static void
on_item(const struct feed_item *item, void *arg)
{
	json_array_append_new(arg, feed_item_json(item));
}

/* Parse data in chunks of `step` bytes (0: whole; -1: random sizes;
 * -2: whole, with the lenient reader alone). */
static json_t *
parse_chunked(const struct buf *data, long step, char **err)
{
	json_t *items = json_array(), *doc = NULL;
	struct feed_parser *p = feed_parser_new(NULL, on_item, items);
	size_t i = 0;

	if (step == -2) {
		fp_lax_only(p);
		step = 0;
	}

	while (i < data->len) {
		size_t n = step == 0 ? data->len
		    : step < 0       ? 1 + (size_t)(rand() % 97)
		                     : (size_t)step;
		if (n > data->len - i)
			n = data->len - i;
		if (feed_parser_feed(p, data->data + i, n) == -1)
			break;
		i += n;
	}
	*err = NULL;
	if (feed_parser_finish(p) == -1) {
		*err = strdup(feed_parser_error(p));
		json_decref(items);
	} else
		doc = feed_doc_json(p, items);
	feed_parser_free(p);
	return doc;
}

/* Whether the warnings of a document mention s. */
static int
json_dumps_has(json_t *doc, const char *s)
{
	char *d = json_dumps(json_object_get(doc, "warnings"), JSON_COMPACT);
	int has = d != NULL && strstr(d, s) != NULL;

	free(d);
	return has;
}

static char *
dump(const json_t *j)
{
	return j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT)
	         : strdup("(absent)");
}

/* One assertion per key of want (and a count of got's keys). */
static void
compare_object(const char *name, const char *where, json_t *got, json_t *want)
{
	const char *key;
	json_t *v;

	json_object_foreach(want, key, v)
	{
		char *g = dump(json_object_get(got, key)), *w = dump(v);
		is_str(g, w, "%s: %s%s", name, where, key);
		free(g);
		free(w);
	}
	is_int(json_object_size(got), json_object_size(want),
	    "%s: %sno other keys", name, where);
}

static void
compare_doc(const char *name, json_t *got, json_t *want)
{
	json_t *gi = json_object_get(got, "items");
	json_t *wi = json_object_get(want, "items");
	json_t *gcopy = json_copy(got), *wcopy = json_copy(want);

	json_object_del(gcopy, "items");
	json_object_del(wcopy, "items");
	compare_object(name, "", gcopy, wcopy);
	json_decref(gcopy);
	json_decref(wcopy);
	is_int(
	    json_array_size(gi), json_array_size(wi), "%s: item count", name);
	for (size_t i = 0; i < json_array_size(wi); i++) {
		char where[32];
		snprintf(where, sizeof(where), "item %zu ", i);
		json_t *g = json_array_get(gi, i);
		compare_object(
		    name, where, g ? g : json_object(), json_array_get(wi, i));
	}
}

/* Run `feedwatch parse path`: stdout in out, exit status returned. */
static int
run_cli(const char *path, struct buf *out, struct buf *errout)
{
	char cmd[8192], errfile[] = "/tmp/parse-t.XXXXXX";
	FILE *fp;
	char chunk[8192];
	size_t n;
	int fd = mkstemp(errfile), st;

	if (fd == -1)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s/tools/feedwatch' parse '%s' 2>'%s'",
	    tap_builddir(), path, errfile);
	if ((fp = popen(cmd, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(out, chunk, n);
	st = pclose(fp);
	read_file(errfile, errout);
	unlink(errfile);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_fixture(const char *dir, const char *file)
{
	char path[2048], exp[4096], base[1024];
	struct buf data = BUF_INIT, expected = BUF_INIT, out = BUF_INIT,
	           errout = BUF_INIT;
	const char *dot = strrchr(file, '.');
	json_t *want = NULL, *got, *alt;
	json_error_t je;
	char *err = NULL, *err2;
	int rc;

	snprintf(base, sizeof(base), "%.*s", (int)(dot - file), file);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, &data) == -1) {
		fail("%s: read: %s", file, strerror(errno));
		return;
	}
	snprintf(exp, sizeof(exp), "%s/%s.json", dir, base);
	if (read_file(exp, &expected) == 0) {
		want = json_loads(buf_str(&expected), 0, &je);
		if (want == NULL)
			bail_out("%s: %s", exp, je.text);
	} else {
		snprintf(exp, sizeof(exp), "%s/%s.err", dir, base);
		if (read_file(exp, &expected) == -1) {
			fail("%s: no .json or .err beside it", file);
			goto out;
		}
		while (
		    expected.len > 0 && expected.data[expected.len - 1] == '\n')
			buf_truncate(&expected, expected.len - 1);
	}

	got = parse_chunked(&data, 0, &err);
	if (want != NULL) {
		ok(got != NULL, "%s: parses (%s)", file, err ? err : "ok");
		if (got != NULL)
			compare_doc(base, got, want);
	} else {
		ok(got == NULL, "%s: is not a feed", file);
		is_str(err, buf_str(&expected), "%s: error message", file);
	}

	/* Chunking: byte by byte, then random sizes, same result. */
	for (int pass = 0; pass < 2; pass++) {
		alt = parse_chunked(&data, pass == 0 ? 1 : -1, &err2);
		if (got != NULL) {
			ok(alt != NULL && json_equal(alt, got),
			    "%s: same document fed %s", file,
			    pass == 0 ? "byte by byte" : "in random chunks");
			if (alt != NULL && !json_equal(alt, got)) {
				char *a = dump(alt), *g = dump(got);
				diag("whole:   %s", g);
				diag("chunked: %s", a);
				free(a);
				free(g);
			}
		} else
			is_str(err2, err, "%s: same error fed %s", file,
			    pass == 0 ? "byte by byte" : "in random chunks");
		json_decref(alt);
		free(err2);
	}

	/* The lenient reader alone finds the same items in a document
	 * expat reads without complaint (the differential check of lax.c;
	 * documents with a DOCTYPE are left out: lax.c expands no declared
	 * entities). */
	if (got != NULL && strstr(buf_str(&data), "<!DOCTYPE") == NULL &&
	    strstr(buf_str(&data), "<!ENTITY") == NULL &&
	    !json_dumps_has(got, "not well-formed")) {
		alt = parse_chunked(&data, -2, &err2);
		ok(alt != NULL &&
		        json_equal(json_object_get(alt, "items"),
		            json_object_get(got, "items")),
		    "%s: the lenient reader finds the same items", file);
		if (alt != NULL &&
		    !json_equal(json_object_get(alt, "items"),
		        json_object_get(got, "items"))) {
			char *a = dump(json_object_get(alt, "items"));
			char *g = dump(json_object_get(got, "items"));
			diag("expat:   %s", g);
			diag("lenient: %s", a);
			free(a);
			free(g);
		}
		json_decref(alt);
		free(err2);
	}

	/* The command users run. */
	rc = run_cli(path, &out, &errout);
	if (want != NULL) {
		json_t *cli = json_loads(buf_str(&out), 0, &je);
		is_int(rc, 0, "%s: feedwatch parse exits 0", file);
		ok(cli != NULL && json_equal(cli, want),
		    "%s: feedwatch parse prints the expected JSON", file);
		json_decref(cli);
	} else {
		char want_msg[8192];
		snprintf(want_msg, sizeof(want_msg),
		    "feedwatch parse: %s: %s\n", path, buf_str(&expected));
		is_int(rc, 1, "%s: feedwatch parse exits 1", file);
		is_str(buf_str(&errout), want_msg,
		    "%s: feedwatch parse says why", file);
	}
	json_decref(got);
out:
	json_decref(want);
	free(err);
	buf_free(&data);
	buf_free(&expected);
	buf_free(&out);
	buf_free(&errout);
}

int
main(void)
{
	char dir[1024], *names[FIXTURES_MAX];
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	srand(3);
	snprintf(dir, sizeof(dir), "%s/tests/feeds", tap_srcdir());
	if ((d = opendir(dir)) == NULL)
		bail_out("%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL && n < FIXTURES_MAX) {
		const char *dot = strrchr(de->d_name, '.');
		if (dot != NULL &&
		    (strcmp(dot, ".xml") == 0 || strcmp(dot, ".html") == 0 ||
		        strcmp(dot, ".txt") == 0))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	ok(n >= FIXTURES_MIN, "at least %d fixtures (%zu)", FIXTURES_MIN, n);
	for (size_t i = 0; i < n; i++) {
		test_fixture(dir, names[i]);
		free(names[i]);
	}
	return done_testing();
}
