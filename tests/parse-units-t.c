/*
 * The parser's pieces one by one: date formats, HTML to text, reference
 * resolution, and the API behaviours no fixture file shows well (the feed
 * URL as base, the HTTP charset, the field size cap, memory of items
 * after the callback, a feed far larger than any buffer).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/timeutil.h"
#include "feeds/date.h"
#include "feeds/html.h"
#include "feeds/parse-int.h"
#include "feeds/parse.h"
#include "feeds/url.h"
#include "tests/tap.h"

static const char *
date_str(const char *in)
{
	static char out[RFC3339_LEN];
	time_t t;

	if (feed_date_parse(in, strlen(in), &t) == -1)
		return "null";
	return time_rfc3339(t, out);
}

static void
test_dates(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"Tue, 29 Oct 2024 01:00:00 GMT", "2024-10-29T01:00:00Z"},
	    {"Tue, 29 Oct 24 01:00:00 GMT", "2024-10-29T01:00:00Z"},
	    {"Mon, 01 Mar 71 00:00:00 GMT", "1971-03-01T00:00:00Z"},
	    {"29 Oct 2024 01:00 +0100", "2024-10-29T00:00:00Z"},
	    {"Tue, 29 Oct 2024 01:00:00 MDT", "2024-10-29T07:00:00Z"},
	    {"Tue, 29 Oct 2024 01:00:00 Y", "2024-10-29T13:00:00Z"},
	    {"Tue, 29 Oct 2024 01:00:00 M", "2024-10-28T13:00:00Z"},
	    {"Tue, 29 Oct 2024 01:00:00 UTC", "2024-10-29T01:00:00Z"},
	    {"2024-10-29T01:00:00.999-00:30", "2024-10-29T01:30:00Z"},
	    {"2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"},
	    {"1999-12-31T23:59:59+14:00", "1999-12-31T09:59:59Z"},
	    {"2023-02-29T12:00:00Z", "null"},
	    {"2024-10-29T01:00:00+25:00", "null"},
	    {"2024-10-29T01:00:00 junk", "null"},
	    {"Tue, 29 Oct 2024", "null"},
	    {"", "null"},
	    {"   ", "null"},
	    {"99999999999999999999", "null"},
	};

	static const char *const names[] = {"January", "FEB", "march", "Apr",
	    "May", "June", "Jul", "August", "Sep", "October", "Nov", "dec"};
	char in[64], want[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(date_str(cases[i].in), cases[i].want, "date \"%s\"",
		    cases[i].in);
	/* every month, by its name or its first three letters, any case */
	for (int m = 0; m < 12; m++) {
		snprintf(in, sizeof(in), "1 %s 2024 00:00 GMT", names[m]);
		snprintf(want, sizeof(want), "2024-%02d-01T00:00:00Z", m + 1);
		is_str(date_str(in), want, "date \"%s\"", in);
	}
	is_str(date_str("1 Ja 2024 00:00 GMT"), "null", "\"Ja\" is no month");
	is_str(date_str("1 Jux 2024 00:00 GMT"), "null", "\"Jux\" is no month");
}

static void
check_html(const char *in, int flags, const char *want)
{
	struct buf b = BUF_INIT;

	html_to_text(&b, in, strlen(in), flags);
	is_str(buf_str(&b), want, "html_to_text \"%s\"", in);
	buf_free(&b);
}

static void
test_html(void)
{
	check_html("<p>a</p><p>b</p>", HTML_MARKUP, "a\nb");
	check_html("<p>a</p><p>b</p>", HTML_MARKUP | HTML_ONELINE, "a b");
	check_html("a<br>b", HTML_MARKUP, "a\nb");
	check_html("x <b>y</b> z", HTML_MARKUP, "x y z");
	check_html("<td>1</td><td>2</td>", HTML_MARKUP, "1 2");
	check_html("<script>alert(1)</script>ok", HTML_MARKUP, "ok");
	check_html("<style>p{}</style>ok", HTML_MARKUP, "ok");
	check_html("<script/>ok", HTML_MARKUP, "ok");
	check_html("a <!-- c --> b", HTML_MARKUP, "a b");
	check_html("5 < 6 and 7 > 3", HTML_MARKUP, "5 < 6 and 7 > 3");
	check_html("<a href=\"x>y\">link</a>", HTML_MARKUP, "link");
	check_html("&lt;b&gt;", HTML_MARKUP, "<b>");
	check_html("&lt;b&gt;", 0, "&lt;b&gt;");
	check_html("<b>", 0, "<b>");
	check_html("&amp;amp;", HTML_MARKUP, "&amp;");
	check_html("caf&eacute;&nbsp;&#233;&#xe9;", HTML_MARKUP, "café éé");
	check_html("&fjlig;", HTML_MARKUP, "fj");
	check_html("&#150;&#128;", HTML_MARKUP, "–€");
	check_html("&#0;&#xFFFFFFFF;", HTML_MARKUP, "\xEF\xBF\xBD\xEF\xBF\xBD");
	check_html("&notanentity; & &;", HTML_MARKUP, "&notanentity; & &;");
	check_html("  a \t\n b  ", 0, "a b");
	check_html("\xC2\xA0"
	           "a\xC2\xA0\xC2\xA0"
	           "b\xC2\xA0",
	    0, "a b");
	check_html("<p>  </p><p></p>x", HTML_MARKUP, "x");
	check_html("unclosed <b", HTML_MARKUP, "unclosed");
	check_html("", HTML_MARKUP, "");
	ok(html_entity_find("CounterClockwiseContourIntegral", 31) != NULL,
	    "the longest HTML5 entity name is in the table");
	ok(html_entity_find("zwnj", 4) != NULL, "the last one too");
	ok(html_entity_find("AElig", 5) != NULL, "and the first one");
	ok(html_entity_find("nbsp;", 5) == NULL, "names have no ';'");
	is_int(html_entities_count, 2125, "all 2125 named references");
}

static void
check_url(const char *base, const char *ref, const char *want)
{
	struct buf b = BUF_INIT;

	url_resolve(&b, base, ref, strlen(ref));
	is_str(buf_str(&b), want, "resolve \"%s\" against \"%s\"", ref,
	    base ? base : "(none)");
	buf_free(&b);
}

static void
test_urls(void)
{
	/* RFC 3986 section 5.4's examples, against its base. */
	const char *b = "http://a/b/c/d;p?q";
	check_url(b, "g", "http://a/b/c/g");
	check_url(b, "./g", "http://a/b/c/g");
	check_url(b, "g/", "http://a/b/c/g/");
	check_url(b, "/g", "http://a/g");
	check_url(b, "//g", "http://g");
	check_url(b, "?y", "http://a/b/c/d;p?y");
	check_url(b, "g?y", "http://a/b/c/g?y");
	check_url(b, "#s", "http://a/b/c/d;p?q#s");
	check_url(b, "g#s", "http://a/b/c/g#s");
	check_url(b, ";x", "http://a/b/c/;x");
	check_url(b, "", "http://a/b/c/d;p?q");
	check_url(b, ".", "http://a/b/c/");
	check_url(b, "./", "http://a/b/c/");
	check_url(b, "..", "http://a/b/");
	check_url(b, "../", "http://a/b/");
	check_url(b, "../g", "http://a/b/g");
	check_url(b, "../..", "http://a/");
	check_url(b, "../../g", "http://a/g");
	check_url(b, "../../../g", "http://a/g");
	check_url(b, "/./g", "http://a/g");
	check_url(b, "/../g", "http://a/g");
	check_url(b, "g.", "http://a/b/c/g.");
	check_url(b, "..g", "http://a/b/c/..g");
	check_url(b, "./../g", "http://a/b/g");
	check_url(b, "g/./h", "http://a/b/c/g/h");
	check_url(b, "g/../h", "http://a/b/c/h");
	check_url(b, "https://x/y", "https://x/y");
	check_url(NULL, "/relative", "/relative");
	check_url("https://host", "x", "https://host/x");
	check_url(b, "  g  ", "http://a/b/c/g");
}

static void
collect_item(const struct feed_item *it, void *arg)
{
	struct feed_item **slot = arg;

	feed_item_free(*slot);
	*slot = feed_item_dup(it);
}

/* Parse a string; returns the last item (a copy) and the parser. */
static struct feed_item *
parse_str(const char *s, const char *base, const char *charset,
    struct feed_parser **pp)
{
	struct feed_item *last = NULL;
	struct feed_parser *p = feed_parser_new(base, collect_item, &last);

	if (charset)
		feed_parser_set_charset(p, charset);
	feed_parser_feed(p, s, strlen(s));
	feed_parser_finish(p);
	*pp = p;
	return last;
}

static void
test_api(void)
{
	struct feed_parser *p;
	struct feed_item *it;

	it = parse_str("<rss version=\"2.0\"><channel><item><link>a/b</link>"
	               "<enclosure url=\"../m.mp3\"/></item></channel></rss>",
	    "https://feeds.example.org/x/feed.xml", NULL, &p);
	ok(it != NULL, "an item");
	is_str(it ? it->link : NULL, "https://feeds.example.org/x/a/b",
	    "links resolve against the feed's own URL");
	is_str(it && it->nenclosures ? it->enclosures[0].url : NULL,
	    "https://feeds.example.org/m.mp3", "so do enclosures");
	is_int(it && it->nenclosures ? it->enclosures[0].length : 0, -1,
	    "an absent length is -1");
	feed_item_free(it);
	feed_parser_free(p);

	/* The HTTP charset overrides the declaration. */
	it = parse_str("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss "
	               "version=\"2.0\"><channel><item><title>\xE9t\xE9"
	               "</title></item></channel></rss>",
	    NULL, "ISO-8859-1", &p);
	is_str(it ? it->title : NULL, "été", "HTTP charset used");
	is_int(feed_parser_nwarnings(p), 0, "without a warning");
	feed_item_free(it);
	feed_parser_free(p);

	/* A field beyond FP_FIELD_MAX is cut, on a character boundary. */
	struct buf big = BUF_INIT;
	buf_appends(&big, "<rss version=\"2.0\"><channel><item><description>");
	for (size_t i = 0; i < FP_FIELD_MAX / 2 + 10; i++)
		buf_appends(&big, "\xC3\xA9");
	buf_appends(&big,
	    "</description><title>t</title></item></channel>"
	    "</rss>");
	it = parse_str(big.data, NULL, NULL, &p);
	ok(it != NULL && strlen(it->summary) <= FP_FIELD_MAX,
	    "an oversized field is cut to the cap");
	ok(it != NULL && strlen(it->summary) % 2 == 0,
	    "on a character boundary");
	is_str(it ? it->title : NULL, "t", "and the item goes on");
	like(feed_parser_warning(p, 0), "cut short", "with a warning");
	feed_item_free(it);
	feed_parser_free(p);
	buf_free(&big);

	/* A tag that never ends within FP_QUIET_MAX: expat is stopped
	 * and the items around it survive. */
	buf_appends(&big,
	    "<rss version=\"2.0\"><channel><item><title>before"
	    "</title></item><item><title x=\"");
	for (size_t i = 0; i < FP_QUIET_MAX + 200000; i++)
		buf_appendc(&big, 'a');
	buf_appends(&big,
	    "\">x</title></item><item><title>after</title>"
	    "</item></channel></rss>");
	it = NULL;
	p = feed_parser_new(NULL, collect_item, &it);
	for (size_t off = 0; off < big.len; off += 65536)
		feed_parser_feed(p, big.data + off,
		    big.len - off < 65536 ? big.len - off : 65536);
	feed_parser_finish(p);
	is_str(it ? it->title : NULL, "after", "an endless tag is skipped");
	like(feed_parser_warning(p, 0), "markup longer than", "and said so");
	ok(p->fixed.cap < 4 * FP_QUIET_MAX, "with memory bounded (%zu)",
	    p->fixed.cap);
	feed_item_free(it);
	feed_parser_free(p);
	buf_free(&big);

	/* Finish twice, feed after finish: harmless. */
	it = parse_str(
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", NULL, NULL, &p);
	is_int(feed_parser_finish(p), 0, "finish is idempotent");
	is_int(feed_parser_feed(p, "<x/>", 4), 0, "feeding after finish");
	is_str(feed_format_name(feed_parser_meta(p)->format), "atom1.0",
	    "an empty Atom feed is a feed");
	feed_item_free(it);
	feed_parser_free(p);

	/* Hopeless input: feed says so, and later chunks are ignored. */
	p = feed_parser_new(NULL, collect_item, &it);
	it = NULL;
	is_int(feed_parser_feed(p, "<note><a>", 9), -1,
	    "a document that is no feed is hopeless at once");
	is_int(feed_parser_finish(p), -1, "and finish fails");
	is_str(feed_parser_error(p), "not a feed: the root element is <note>",
	    "naming the root");
	feed_parser_free(p);
}

static size_t big_items;

static void
count_item(const struct feed_item *it, void *arg)
{
	(void)arg;
	if (strcmp(it->title, "Item") == 0)
		big_items++;
}

/* A feed much larger than the stream buffer, fed in odd chunks. */
static void
test_streaming(void)
{
	struct feed_parser *p = feed_parser_new(NULL, count_item, NULL);
	const char *item = "<item><title>Item</title><description>&lt;p&gt;"
	                   "body text &amp;nbsp; here&lt;/p&gt;</description>"
	                   "<link>https://e.example/x</link></item>\n";
	struct buf b = BUF_INIT;
	size_t n = 40000;

	feed_parser_feed(p, "<rss version=\"2.0\"><channel>", 28);
	for (size_t i = 0; i < 500; i++)
		buf_appends(&b, item);
	for (size_t k = 0; k < n / 500; k++)
		for (size_t off = 0; off < b.len; off += 4093)
			feed_parser_feed(p, b.data + off,
			    b.len - off < 4093 ? b.len - off : 4093);
	feed_parser_feed(p, "</channel></rss>", 16);
	is_int(feed_parser_finish(p), 0, "a large feed parses");
	is_int(big_items, n, "every item of it arrives");
	ok(p->fixed.cap < 4 * FP_TRIM,
	    "the stream buffer stays bounded (%zu bytes)", p->fixed.cap);
	feed_parser_free(p);
	buf_free(&b);
}

/* The language through the API: the item's copy keeps it, the feed's is
 * in the meta data, and xml:lang nested past the depth limit is ignored
 * without harm. */
static void
test_language(void)
{
	struct feed_parser *p;
	struct feed_item *it;
	struct buf deep = BUF_INIT;

	it = parse_str("<rss version=\"2.0\" "
	               "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
	               "<channel><language>uk</language><item><title>a</title>"
	               "<dc:language>en</dc:language></item></channel></rss>",
	    NULL, NULL, &p);
	is_str(feed_parser_meta(p)->language, "uk", "the channel's language");
	feed_parser_free(p);
	is_str(it ? it->language : NULL, "en",
	    "the item's own, kept by its copy after the parser is gone");
	feed_item_free(it);

	it = parse_str("<rss version=\"2.0\"><channel><item><title>a</title>"
	               "</item></channel></rss>",
	    NULL, NULL, &p);
	ok(feed_parser_meta(p)->language == NULL, "no language: NULL (feed)");
	ok(it != NULL && it->language == NULL, "no language: NULL (item)");
	feed_item_free(it);
	feed_parser_free(p);

	buf_appends(&deep,
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	    "xml:lang=\"cy\"><entry><title>");
	for (int i = 0; i < FP_DEPTH_MAX + 50; i++)
		buf_appends(&deep, "<b xml:lang=\"xx\">");
	for (int i = 0; i < FP_DEPTH_MAX + 50; i++)
		buf_appends(&deep, "</b>");
	buf_appends(&deep, "</title><id>x</id></entry></feed>");
	it = parse_str(buf_str(&deep), NULL, NULL, &p);
	is_str(it ? it->language : NULL, "cy",
	    "xml:lang deep inside a title changes nothing");
	feed_item_free(it);
	feed_parser_free(p);
	buf_free(&deep);
}

int
main(void)
{
	test_dates();
	test_html();
	test_urls();
	test_api();
	test_streaming();
	test_language();
	return done_testing();
}
