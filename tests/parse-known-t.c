/*
 * Old items (feed_parser_set_known): the callback is asked once an item,
 * as soon as its id is final, and an old item's later fields are not
 * read.  Every fixture and fuzz seed, fed whole and in small chunks, with
 * every other id said to be old, must hand on exactly the items a parse
 * without the callback gives for the ids said to be new, byte for byte,
 * with the same channel; the ids asked are the items' ids, in order.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/idset.h"
#include "feeds/feedjson.h"
#include "feeds/parse.h"
#include "tests/tap.h"

#define FILES_MAX 512
#define FILE_MAX (4 * 1024 * 1024)
/* Ends an item's JSON, which spans lines (ASCII's record separator). */
#define ITEM_END '\036'

/* What one parse gave: items as `feedwatch parse` writes them (each
 * ended by ITEM_END), their ids and the ids asked (one a line), the
 * channel without warnings. */
struct run {
	int known; /* 0: no callback; 1: odd hashes are old; 2: all are */
	struct buf items, ids, asked;
	char *channel;
	const struct feed_again *again; /* marks given, or NULL */
	struct feed_again marks;        /* the parse's */
	size_t skipped;
	uint64_t *skip_keys; /* their ids' keys */
	int stale;           /* feed_parser_again_stale */
	const char *base;    /* NULL: https://example.org/feed/ */
};

/* Is this id said to be old? */
static int
is_old(const struct run *r, const char *id)
{
	return r->known == 2 || (hash64(id, strlen(id)) & 1) != 0;
}

/* The known callback: note the id, answer by its hash. */
static int
on_known(const char *id, void *arg)
{
	struct run *r = arg;

	buf_printf(&r->asked, "%s\n", id);
	return is_old(r, id);
}

/* An item handed on: written out, its id noted. */
static void
on_item(const struct feed_item *it, void *arg)
{
	struct run *r = arg;

	feed_item_write(&r->items, it, "");
	buf_appendc(&r->items, ITEM_END);
	buf_printf(&r->ids, "%s\n", it->id);
}

/* Parse s in chunks of step bytes (0: whole) into r. */
static void
parse_run(struct run *r, const char *s, size_t len, size_t step)
{
	struct feed_parser *p = feed_parser_new(
	    r->base != NULL ? r->base : "https://example.org/feed/", on_item,
	    r);
	json_t *doc;

	if (r->known) {
		feed_parser_set_known(p, on_known, r);
		feed_parser_set_again(p, r->again);
	}
	for (size_t i = 0; i < len;) {
		size_t n = step == 0 || step > len - i ? len - i : step;

		feed_parser_feed(p, s + i, n);
		i += n;
	}
	feed_parser_finish(p);
	r->skipped = feed_parser_skipped(p);
	r->stale = feed_parser_again_stale(p);
	if (r->skipped > 0) {
		r->skip_keys = malloc(r->skipped * sizeof(*r->skip_keys));
		memcpy(r->skip_keys, feed_parser_skipped_keys(p),
		    r->skipped * sizeof(*r->skip_keys));
	}
	feed_parser_take_again(p, &r->marks);
	doc = feed_doc_json(p, json_array());
	json_object_del(doc, "warnings");
	r->channel = json_dumps(doc, JSON_SORT_KEYS);
	json_decref(doc);
	feed_parser_free(p);
}

/* Free what a run holds. */
static void
run_free(struct run *r)
{
	buf_free(&r->items);
	buf_free(&r->ids);
	buf_free(&r->asked);
	free(r->channel);
	free(r->skip_keys);
	feed_again_free(&r->marks);
}

/* The next record of *s ended by end (*s advanced past it),
 * NUL-terminated in place; NULL at the end. */
static char *
next_rec(char **s, int end)
{
	char *rec = *s, *e;

	if (rec == NULL || *rec == '\0')
		return NULL;
	e = strchr(rec, end);
	*e = '\0';
	*s = e + 1;
	return rec;
}

/* What `want` (no callback) and `got` (mode known) must agree on; NULL
 * when they do, else what differs. */
static const char *
compare(struct run *want, struct run *got)
{
	struct buf expect = BUF_INIT;
	char *items = want->items.data, *ids = want->ids.data;
	char *asked = got->asked.data, *a = next_rec(&asked, '\n');
	const char *why = NULL;
	char *item, *id;

	/* Each asked id is the next item's (an id made from the text is
	 * never asked); an item asked about and old is not handed on. */
	while ((item = next_rec(&items, ITEM_END)) != NULL) {
		id = next_rec(&ids, '\n');
		if (a != NULL && strcmp(a, id) == 0) {
			a = next_rec(&asked, '\n');
			if (is_old(got, id))
				continue;
		}
		buf_appends(&expect, item);
		buf_appendc(&expect, ITEM_END);
	}
	if (a != NULL)
		why = "an id asked is not an item's, or not in order";
	else if (strcmp(buf_str(&expect), buf_str(&got->items)) != 0)
		why = "the new items differ";
	else if (strcmp(want->channel, got->channel) != 0)
		why = "the channel differs";
	buf_free(&expect);
	return why;
}

/* The same document again with the marks of the first parse (`first`):
 * the same items handed on and the same channel, every id asked in
 * order but for the items left out, each of them old and its id's key
 * given in its place; NULL when so. */
static const char *
compare_again(struct run *first, struct run *again)
{
	/* next_rec cuts the lists it reads: read copies */
	char *fcopy = strdup(buf_str(&first->asked));
	char *gcopy = strdup(buf_str(&again->asked));
	char *fa = fcopy, *ga = gcopy, *f, *g = next_rec(&ga, '\n');
	const char *why = NULL;
	size_t left = 0;

	if (strcmp(buf_str(&first->items), buf_str(&again->items)) != 0)
		why = "the new items differ";
	else if (strcmp(first->channel, again->channel) != 0)
		why = "the channel differs";
	while (why == NULL && (f = next_rec(&fa, '\n')) != NULL) {
		if (g != NULL && strcmp(f, g) == 0)
			g = next_rec(&ga, '\n');
		else if (!is_old(first, f))
			why = "a new item was left out";
		else if (left >= again->skipped ||
		    again->skip_keys[left++] != idset_key(f))
			why = "an item left out is not given by its id's key";
	}
	if (why == NULL && g != NULL)
		why = "an id asked is not the first parse's, or not in order";
	else if (why == NULL && left != again->skipped)
		why = "the items left out are not the ones counted";
	free(fcopy);
	free(gcopy);
	return why;
}

/* A whole file of at most FILE_MAX bytes into b; -1 when it cannot be. */
static int
read_whole(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (fp == NULL)
		return -1;
	while (
	    (n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b->len <= FILE_MAX)
		buf_append(b, chunk, n);
	fclose(fp);
	buf_appends(b, "");
	return b->len > FILE_MAX ? -1 : 0;
}

/* Every feed file of sub, whole and in chunks, each way of answering. */
static void
test_dir(const char *sub)
{
	static const size_t steps[] = {0, 1, 7, 100};
	char dir[4096], path[8192];
	struct dirent *e;
	int files = 0, bad = 0, bad_again = 0;
	size_t skipped = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/%s", tap_srcdir(), sub);
	if ((dp = opendir(dir)) == NULL) {
		fail("%s: cannot be read", sub);
		return;
	}
	while ((e = readdir(dp)) != NULL && files < FILES_MAX) {
		struct buf b = BUF_INIT;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' ||
		    (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0) ||
		    (l > 4 && strcmp(e->d_name + l - 4, ".err") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (read_whole(path, &b) == 0)
			files++;
		for (size_t i = 0;
		     b.len > 0 && i < sizeof(steps) / sizeof(*steps); i++)
			for (int known = 1; known <= 2; known++) {
				struct run want = {0}, got = {.known = known};
				struct run again = {.known = known};
				const char *why;

				parse_run(&want, b.data, b.len, steps[i]);
				parse_run(&got, b.data, b.len, steps[i]);
				again.again = &got.marks;
				parse_run(&again, b.data, b.len, steps[i]);
				skipped += again.skipped;
				if ((why = compare_again(&got, &again)) !=
				        NULL &&
				    bad_again++ < 5)
					diag("%s, chunks of %zu, mode %d, "
					     "again: %s",
					    e->d_name, steps[i], known, why);
				if ((why = compare(&want, &got)) != NULL &&
				    bad++ < 5)
					diag("%s, chunks of %zu, mode %d: %s",
					    e->d_name, steps[i], known, why);
				run_free(&want);
				run_free(&got);
				run_free(&again);
			}
		buf_free(&b);
	}
	closedir(dp);
	ok(files > 0 && bad == 0,
	    "%s: %d files: new items as without the callback", sub, files);
	ok(files > 0 && bad_again == 0 && skipped > 0,
	    "%s: read again with the marks of the first parse: the same, "
	    "%zu old items left out",
	    sub, skipped);
}

/* Parse one document with every id old (mode 2) or by hash (1). */
static void
parse_doc(struct run *r, int known, const char *doc)
{
	memset(r, 0, sizeof(*r));
	r->known = known;
	parse_run(r, doc, strlen(doc), 0);
}

/* When the id is final, and what of an old item is not read. */
static void
test_when_asked(void)
{
	struct feed_parser *p;
	struct run r = {.known = 2};
	static const char bad_date[] =
	    "<rss><channel><item><guid>g1</guid><title>t</title>"
	    "<pubDate>not a date</pubDate></item></channel></rss>";

	parse_doc(&r, 2,
	    "<rss><channel><item><description>d</description>"
	    "<link>http://example.org/a</link></item>"
	    "<item><link>http://example.org/b</link><guid>g2</guid></item>"
	    "</channel></rss>");
	is_str(buf_str(&r.asked), "http://example.org/a\ng2\n",
	    "a link is the id when there is no guid; a guid after the link "
	    "is");
	run_free(&r);

	parse_doc(&r, 2,
	    "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
	    " xmlns=\"http://purl.org/rss/1.0/\"><item rdf:about=\"urn:a\">"
	    "<title>x</title></item></rdf:RDF>");
	is_str(buf_str(&r.asked), "urn:a\n",
	    "rdf:about (which a guid would beat) is asked at the item's end");
	run_free(&r);

	parse_doc(&r, 2,
	    "<rss><channel><item><guid></guid><link>http://example.org/c</link>"
	    "</item></channel></rss>");
	is_str(buf_str(&r.asked), "http://example.org/c\n",
	    "an empty guid is no id: the link is asked at the end");
	run_free(&r);

	/* The old item's date is never read: no warning of it. */
	p = feed_parser_new(NULL, on_item, &r);
	memset(&r, 0, sizeof(r));
	r.known = 2;
	feed_parser_set_known(p, on_known, &r);
	feed_parser_feed(p, bad_date, strlen(bad_date));
	feed_parser_finish(p);
	is_int(feed_parser_nwarnings(p), 0, "an old item's fields: not read");
	is_str(buf_str(&r.items), "", "and it is not handed on");
	feed_parser_free(p);
	run_free(&r);
	p = feed_parser_new(NULL, on_item, &r);
	memset(&r, 0, sizeof(r));
	feed_parser_feed(p, bad_date, strlen(bad_date));
	feed_parser_finish(p);
	is_int(feed_parser_nwarnings(p), 1, "a new item's bad date: a warning");
	feed_parser_free(p);
	run_free(&r);
}

#define ITEM_A "<item><guid>a</guid><title>A &amp; co</title></item>"
#define ITEM_B "<item><guid>b</guid><title>B</title></item>"
#define ITEM_B2 "<item><guid>b</guid><title>B, edited</title></item>"
#define ITEM_C "<item><guid>c</guid><title>C</title></item>"
#define ITEM_N "<item><guid>n</guid><title>N</title></item>"
#define RSS(x) "<rss><channel><title>t</title>" x "</channel></rss>"

/* Parse doc with every id old (mode 2) and the marks of first. */
static void
parse_again(
    struct run *r, const struct run *first, const char *base, const char *doc)
{
	memset(r, 0, sizeof(*r));
	r->known = 2;
	r->again = &first->marks;
	r->base = base;
	parse_run(r, doc, strlen(doc), 0);
}

/* Which items a second document leaves unread, given the first's marks. */
static void
test_again(void)
{
	struct run first, r;

	parse_doc(&first, 2, RSS(ITEM_A ITEM_B ITEM_C));
	is_int(first.marks.n, 3, "three old items: three marks");

	/* A new item on top, B's text changed, C and A moved. */
	parse_again(&r, &first, NULL, RSS(ITEM_N ITEM_C ITEM_B2 ITEM_A));
	is_str(buf_str(&r.asked), "n\nb\n",
	    "the new item and the changed one are read; A and C are not");
	is_int(r.skipped, 2, "A and C are counted as left out");
	ok(r.skipped == 2 && r.skip_keys[0] == idset_key("c") &&
	        r.skip_keys[1] == idset_key("a"),
	    "and given as their ids' keys, in document order (C, then A)");
	is_int(r.marks.n, 4,
	    "marks of this document: A, C, the changed B and N (all said "
	    "old here)");
	run_free(&r);

	/* The same bytes deeper, in a comment, in CDATA: not that item. */
	parse_again(&r, &first, NULL,
	    RSS("<x>" ITEM_A "</x><!--" ITEM_B
	        "--><description><![CDATA[" ITEM_C "]]></description>"));
	is_int(r.skipped, 0,
	    "an item's bytes at another depth, in a comment or CDATA: read");
	run_free(&r);

	/* Another base URL resolves links otherwise: read. */
	parse_again(&r, &first, "https://example.net/other/",
	    RSS(ITEM_A ITEM_B ITEM_C));
	is_int(r.skipped, 0, "marks of another feed URL: not used");
	run_free(&r);

	/* Only items the caller had are marked: a new one is read again. */
	run_free(&first);
	memset(&first, 0, sizeof(first));
	first.known = 1; /* old by their ids' hashes */
	parse_run(&first, RSS(ITEM_A ITEM_B ITEM_C ITEM_N),
	    strlen(RSS(ITEM_A ITEM_B ITEM_C ITEM_N)), 0);
	{
		size_t old = 0;
		const char *ids[] = {"a", "b", "c", "n"};

		for (size_t i = 0; i < 4; i++)
			old += is_old(&first, ids[i]);
		is_int(first.marks.n, old, "marks: the old items alone");
	}
	memset(&r, 0, sizeof(r));
	r.known = 1;
	r.again = &first.marks;
	parse_run(&r, RSS(ITEM_A ITEM_B ITEM_C ITEM_N),
	    strlen(RSS(ITEM_A ITEM_B ITEM_C ITEM_N)), 0);
	is_int(r.skipped, first.marks.n, "those are left out next time");
	is_str(buf_str(&r.items), buf_str(&first.items),
	    "the new ones are read and handed on again");
	ok(!r.stale, "nothing around the items changed: not stale");
	run_free(&r);
	run_free(&first);
}

#define ITEM_L "<item><title>L</title><link>post</link></item>"
#define BASED(b, x)                                     \
	"<rss xmlns:a=\"urn:a\"><channel xml:base=\"" b \
	"\"><title>t</title>" x "</channel></rss>"

/* An item's id may depend on what is around it (a link resolved against
 * an xml:base above it, a prefix bound above it): left out in another
 * context, it makes the document stale, and no marks are kept. */
static void
test_again_context(void)
{
	static const char *docs[] = {
	    BASED("http://ex.com/2025/", ITEM_L),
	    "<rss xmlns:a=\"urn:b\"><channel xml:base=\"http://ex.com/2024/\">"
	    "<title>t</title>" ITEM_L "</channel></rss>",
	};
	static const char *what[] = {"a changed xml:base above the item",
	    "a prefix bound otherwise above the item"};
	struct run first, r;

	parse_doc(&first, 2, BASED("http://ex.com/2024/", ITEM_L));
	is_str(buf_str(&first.asked), "http://ex.com/2024/post\n",
	    "the link-only item's id is resolved against the channel's base");
	for (size_t i = 0; i < 2; i++) {
		parse_again(&r, &first, NULL, docs[i]);
		ok(r.stale && r.marks.n == 0,
		    "%s: stale, no marks kept (the next read is whole)",
		    what[i]);
		run_free(&r);
	}
	parse_again(&r, &first, NULL,
	    BASED(
	        "http://ex.com/2024/", "<item><title>M</title></item>" ITEM_L));
	ok(!r.stale && r.skipped == 1 && r.marks.n == 1,
	    "the same context, another item before it: left out, not stale");
	run_free(&r);
	run_free(&first);
}

int
main(void)
{
	test_when_asked();
	test_again();
	test_again_context();
	test_dir("tests/feeds");
	test_dir("fuzz/corpus/parse");
	return done_testing();
}
