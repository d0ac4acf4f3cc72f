/*
 * libFuzzer target for the feed parser: any bytes, fed whole or in
 * chunks whose sizes come from the input itself, must parse without a
 * crash, a leak or undefined behaviour, and every string handed out must
 * be valid UTF-8 (the SPEC promises it).  The first byte picks the
 * chunking, whether an HTTP charset is set, whether the lenient reader
 * (lax.c) reads the whole document instead of expat, and whether the
 * markup is kept (--raw); the rest is the document.  Each item is also
 * written as `feedwatch parse` writes it, and that text must be JSON.
 * The same bytes are parsed again with xmlfix.c's CDATA rewriting off:
 * items, channel, warnings and error must come out the same.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "feeds/feedjson.h"
#include "feeds/parse-int.h"
#include "feeds/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string handed out must be valid UTF-8. */
static void
check(const char *s)
{
	if (s == NULL || !utf8_valid(s, strlen(s)))
		abort();
}

/* Check an item and copy it, as callers do; written to arg. */
static void
on_item(const struct feed_item *it, void *arg)
{
	struct feed_item *d;

	feed_item_write(arg, it, "");
	check(it->id);
	check(it->title);
	check(it->link);
	check(it->summary);
	check(it->content);
	if (it->language != NULL)
		check(it->language);
	for (size_t i = 0; i < it->nauthors; i++)
		check(it->authors[i]);
	for (size_t i = 0; i < it->ncategories; i++)
		check(it->categories[i]);
	for (size_t i = 0; i < it->nenclosures; i++) {
		check(it->enclosures[i].url);
		check(it->enclosures[i].type);
	}
	for (size_t i = 0; i < it->nauthors && it->author_details; i++) {
		check(it->author_details[i].name);
		check(it->author_details[i].email);
		check(it->author_details[i].uri);
	}
	for (size_t i = 0; i < it->nlinks; i++) {
		check(it->links[i].rel);
		check(it->links[i].type);
		check(it->links[i].href);
		check(it->links[i].title);
	}
	check(it->content_type);
	if (it->summary_raw != NULL)
		check(it->summary_raw);
	if (it->content_raw != NULL)
		check(it->content_raw);
	json_t *j = feed_item_json(it);
	if (j == NULL)
		abort(); /* the writer wrote something that is not JSON */
	json_decref(j);
	d = feed_item_dup(it);
	feed_item_free(d);
}

/* One parse of data as mode says; what a user sees of it into out. */
static void
run(const uint8_t *data, size_t size, unsigned mode, int rewrite,
    struct buf *out)
{
	static const char *const charsets[] = {
	    NULL, "windows-1252", "Shift_JIS", "utf-8"};
	const struct feed_meta *m;
	struct feed_parser *p;
	size_t i = 0;

	p = feed_parser_new("https://example.org/feed/", on_item, out);
	if (p == NULL)
		abort();
	if (!rewrite)
		xmlfix_no_cdata(&p->xf);
	if (charsets[(mode >> 2) & 3] != NULL)
		feed_parser_set_charset(p, charsets[(mode >> 2) & 3]);
	if (mode & 0x10) /* the lenient reader alone, from the first byte */
		fp_lax_only(p);
	if (mode & 0x20)
		feed_parser_set_raw(p, 1);
	while (i < size) {
		/* mode&3: 0 whole, 1 bytes, 2 and 3 chunks of 1..64. */
		size_t n = (mode & 3) == 0 ? size - i
		    : (mode & 3) == 1      ? 1
		                           : 1 + (data[i] & 63);
		if (n > size - i)
			n = size - i;
		feed_parser_feed(p, data + i, n);
		i += n;
	}
	feed_parser_finish(p);
	m = feed_parser_meta(p);
	check(feed_parser_error(p));
	check(m->title);
	check(m->link);
	if (m->language != NULL)
		check(m->language);
	check(m->version);
	buf_printf(out, "\n%s\n%s\n%s\n%s\n%s\n", feed_parser_error(p),
	    m->title, m->link, m->language ? m->language : "", m->version);
	for (size_t w = 0; w < feed_parser_nwarnings(p); w++) {
		check(feed_parser_warning(p, w));
		buf_printf(out, "%s\n", feed_parser_warning(p, w));
	}
	feed_parser_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf on = BUF_INIT, off = BUF_INIT;

	if (size == 0)
		return 0;
	run(data + 1, size - 1, data[0], 1, &on);
	run(data + 1, size - 1, data[0], 0, &off);
	if (on.len != off.len || memcmp(on.data, off.data, on.len) != 0)
		abort(); /* the CDATA rewriting changed what is read */
	buf_free(&on);
	buf_free(&off);
	return 0;
}
