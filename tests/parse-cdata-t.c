/*
 * Text with references handed to expat as CDATA (feeds/xmlfix.c): the
 * repaired stream it makes, and what a user reads from it.  Every fixture
 * and fuzz seed, fed whole and in chunks of many sizes, must give the
 * same items, channel, warnings and error with the rewriting on as off;
 * a document of references, cut at every offset, the same items as fed
 * whole; "]]>" and ']' in text, references to characters past the BMP,
 * a carriage return, attribute values, comments, existing CDATA and an
 * internal DTD subset come out as the text says; an error is reported on
 * its line.  The sections parse.c hands to the builder past expat (a
 * placeholder for each) give what expat gives: a field cut short on the
 * line it is cut, a carriage return and U+FFFE left to expat, an error
 * after them read on from where it was, at every cut of the input.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "feeds/feedjson.h"
#include "feeds/parse-int.h"
#include "feeds/parse.h"
#include "tests/tap.h"

/* Files read from one directory at most, and the largest read. */
#define FILES_MAX 512
#define FILE_MAX (4 * 1024 * 1024)

/* Append each item as `feedwatch parse` writes it. */
static void
on_item(const struct feed_item *it, void *arg)
{
	feed_item_write(arg, it, "");
	buf_appendc(arg, '\n');
}

/* Everything a user sees of one parse: items, channel with warnings,
 * error; fed in chunks of `step` bytes (0: whole), or, with cut > 0, in
 * two: up to cut and the rest.  how: 1 keep markup (--raw), 2 lax.c
 * alone from the first byte, 3 both; 4 added: no placeholders. */
static char *
parse_all(
    const char *s, size_t len, size_t step, size_t cut, int rewrite, int how)
{
	struct buf out = BUF_INIT;
	struct feed_parser *p;
	json_t *j;
	char *doc;

	p = feed_parser_new("https://example.org/feed/", on_item, &out);
	if (!rewrite)
		xmlfix_no_cdata(&p->xf);
	feed_parser_set_raw(p, how & 1);
	if (how & 2)
		fp_lax_only(p);
	if (how & 4)
		fp_no_holes(p);
	for (size_t i = 0; i < len;) {
		size_t n = step == 0 || step > len - i ? len - i : step;

		if (cut > 0 && i == 0 && cut < len)
			n = cut;

		feed_parser_feed(p, s + i, n);
		i += n;
	}
	feed_parser_finish(p);
	j = feed_doc_json(p, json_array());
	doc = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	buf_appends(&out, doc);
	free(doc);
	buf_printf(&out, "\nerror: %s\n", feed_parser_error(p));
	feed_parser_free(p);
	return buf_steal(&out);
}

/* xmlfix.c's warnings are not what these tests look at. */
static void
no_warn(void *ctx, const char *msg)
{
	(void)ctx, (void)msg;
}

/* The repaired stream xmlfix.c makes of s, fed in two parts at cut. */
static char *
repaired(const char *s, size_t cut)
{
	struct fp_handlers h = {0};
	struct fp_xmlfix x;
	struct buf out = BUF_INIT;
	size_t len = strlen(s);

	h.warn = no_warn;
	xmlfix_init(&x, &h, &out);
	xmlfix_feed(&x, s, cut < len ? cut : len, 0);
	if (cut < len)
		xmlfix_feed(&x, s + cut, len - cut, 0);
	xmlfix_feed(&x, "", 0, 1);
	xmlfix_free(&x);
	buf_appends(&out, "");
	return buf_steal(&out);
}

/* A whole file of at most FILE_MAX bytes into b; -1 when it cannot be
 * read. */
static int
slurp(const char *path, struct buf *b)
{
	FILE *fp = fopen(path, "rb");
	long size;
	int rc = -1;

	if (fp == NULL)
		return -1;
	if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) >= 0 &&
	    size <= FILE_MAX && fseek(fp, 0, SEEK_SET) == 0) {
		buf_reserve(b, (size_t)size);
		b->len = fread(b->data, 1, (size_t)size, fp);
		b->data[b->len] = '\0';
		rc = b->len == (size_t)size ? 0 : -1;
	}
	fclose(fp);
	return rc;
}

/* Every file of dir (under the source tree): the same with the rewriting
 * on and off, whole and in chunks; returns the files compared. */
static int
same_both_ways(const char *sub)
{
	static const size_t steps[] = {0, 1, 2, 3, 5, 7, 13, 64, 4096};
	char dir[4096], path[8192];
	struct dirent *e;
	DIR *dp;
	int files = 0, bad = 0;

	snprintf(dir, sizeof(dir), "%s/%s", tap_srcdir(), sub);
	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(dp)) != NULL && files < FILES_MAX) {
		struct buf b = BUF_INIT;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' ||
		    (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0) ||
		    (l > 4 && strcmp(e->d_name + l - 4, ".err") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (slurp(path, &b) == -1) {
			buf_free(&b);
			continue;
		}
		files++;
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			for (int how = 0; how <= 3; how++) {
				char *on = parse_all(b.data ? b.data : "",
				    b.len, steps[i], 0, 1, how);
				char *off = parse_all(b.data ? b.data : "",
				    b.len, steps[i], 0, 0, how);

				if (strcmp(on, off) != 0 && bad++ < 5)
					diag("%s, chunks of %zu, how %d: "
					     "differs",
					    e->d_name, steps[i], how);
				free(on);
				free(off);
			}
		buf_free(&b);
	}
	closedir(dp);
	ok(bad == 0, "%s: %d files, the same with CDATA as with references",
	    sub, files);
	return files;
}

/* The repaired stream, cut at every offset, is the same, and is what
 * the rewriting promises. */
static void
test_stream(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
	    {"<r><d>a &lt;b&gt;x&lt;/b&gt; &amp; c</d></r>",
	        "<r><d>a <![CDATA[<b>x</b> & c]]></d></r>",
	        "a run of references and text is one CDATA section"},
	    {"<r><d>x ]]&gt; y</d></r>", "<r><d>x ]]<![CDATA[> y]]></d></r>",
	        "\"]]>\" in text: the section starts after the ']'s"},
	    {"<r><d>&lt;a]]&gt;b&lt;</d></r>",
	        "<r><d><![CDATA[<a]]>]]<![CDATA[>b<]]></d></r>",
	        "a ']' closes the section; it never holds \"]]>\""},
	    {"<r><d>&#93;&#x5D;&gt;</d></r>",
	        "<r><d>&#93;&#x5D;<![CDATA[>]]></d></r>",
	        "a reference to ']' stays a reference"},
	    {"<r><d>&#x1F600;&#128512;</d></r>",
	        "<r><d><![CDATA[\xF0\x9F\x98\x80\xF0\x9F\x98\x80]]></d></r>",
	        "references past the BMP become their UTF-8"},
	    {"<r><d>a&#13;b&lt;</d></r>", "<r><d>a&#13;b<![CDATA[<]]></d></r>",
	        "a carriage return stays a reference (CDATA reads a newline)"},
	    {"<r a=\"&lt;x&gt;\" b='&amp;'><d t=\"1 > &lt;\">&lt;</d></r>",
	        "<r a=\"&lt;x&gt;\" b='&amp;'><d t=\"1 > &lt;\"><![CDATA[<]]>"
	        "</d></r>",
	        "attribute values keep their references"},
	    {"<r><!-- &lt; --><![CDATA[&lt;]]><?p &lt;?></r>",
	        "<r><!-- &lt; --><![CDATA[&lt;]]><?p &lt;?></r>",
	        "comments, CDATA and processing instructions are left alone"},
	    {"<r><?p?>x &lt;</r>", "<r><?p?>x &lt;</r>",
	        "after a declaration inside the root the rewriting is off"},
	    {"&lt;<r>&lt;</r>&lt;", "&lt;<r><![CDATA[<]]></r>&lt;",
	        "only text inside the root element"},
	    {"<r><e/>&lt;<e />&lt;</r>",
	        "<r><e/><![CDATA[<]]><e /><![CDATA[<]]></r>",
	        "an empty element leaves the text inside the root"},
	    {"<r>a &nbsp;&mdash; &foo; AT&T &#146;</r>",
	        "<r>a <![CDATA[\xC2\xA0\xE2\x80\x94 &foo; AT&T \xE2\x80\x99]]>"
	        "</r>",
	        "HTML names, unknown names, bare '&' and C1 references"},
	    {"<r>a < b &lt;</r>", "<r>a < b &lt;</r>",
	        "a '<' that starts no tag turns the rewriting off"},
	    {"<r>&lt;x", "<r><![CDATA[<x]]>",
	        "a section still open at the end is closed"},
	    {"<!DOCTYPE r [<!ENTITY e \"E\">]><r>&e;&lt;</r>",
	        "<!DOCTYPE r [<!ENTITY e \"E\">]><r>&e;&lt;</r>",
	        "with an internal DTD subset nothing is rewritten"},
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t len = strlen(cases[c].in), bad = 0;
		char *whole = repaired(cases[c].in, len);

		is_str(whole, cases[c].want, "%s", cases[c].what);
		for (size_t cut = 0; cut <= len; cut++) {
			char *part = repaired(cases[c].in, cut);

			if (strcmp(part, whole) != 0 && bad++ == 0)
				diag("cut at %zu: %s", cut, part);
			free(part);
		}
		ok(bad == 0, "... and the same when cut at each of %zu offsets",
		    len + 1);
		free(whole);
	}
}

/* The first item's field (a JSON string value) of a parse's output. */
static char *
field(const char *doc, const char *key)
{
	json_error_t err;
	json_t *j = json_loads(doc, JSON_DISABLE_EOF_CHECK, &err);
	const char *v = json_string_value(json_object_get(j, key));
	char *r = strdup(v ? v : "(none)");

	json_decref(j);
	return r;
}

/* What a reader sees: the text of references, cut at every offset; an
 * error's line. */
static void
test_items(void)
{
	const char *feed =
	    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"
	    "<title>T &amp; U</title>\n<item><title>A &lt;b&gt;bold&lt;/b&gt;"
	    " ]]&gt; &#x1F600; &#13;&#93;&#93;&gt; &mdash;</title>\n"
	    "<link>http://e.org/?a=1&amp;b=&lt;2&gt;</link>\n"
	    "<description>x &lt;p class=&quot;q&quot;&gt;y&lt;/p&gt;\n"
	    "&lt;i&gt;z&lt;/i&gt;</description></item>\n</channel></rss>\n";
	size_t len = strlen(feed), bad = 0;
	char *whole = parse_all(feed, len, 0, 0, 1, 1), *v;

	v = field(whole, "title");
	is_str(v, "A bold ]]> \xF0\x9F\x98\x80 ]]> \xE2\x80\x94",
	    "the title reads as its references say");
	free(v);
	v = field(whole, "summary_raw");
	is_str(v, "x <p class=\"q\">y</p>\n<i>z</i>",
	    "the description's HTML, every line of it");
	free(v);
	v = field(whole, "link");
	is_str(v, "http://e.org/?a=1&b=<2>", "the link, with its '&'");
	free(v);
	for (size_t cut = 1; cut < len; cut++) {
		char *doc = parse_all(feed, len, 0, cut, 1, 1);

		if (strcmp(doc, whole) != 0 && bad++ == 0)
			diag("cut at %zu differs", cut);
		free(doc);
	}
	ok(bad == 0,
	    "the same item when the body is cut at each of %zu "
	    "offsets",
	    len - 1);
	free(whole);

	/* A real error after rewritten text (a duplicate attribute), on line
	 * 5. */
	const char *broken =
	    "<rss version=\"2.0\"><channel><title>T</title>\n"
	    "<item><title>&lt;a&gt; &amp; b</title>\n"
	    "<description>&lt;p&gt;one\n&lt;p&gt;two</description>\n"
	    "<link>http://e.org/1</link><x a=\"1\" a=\"2\"/></item>\n"
	    "<item><title>second &lt;</title></item>\n"
	    "</channel></rss>\n";
	char *on = parse_all(broken, strlen(broken), 0, 0, 1, 0);
	char *off = parse_all(broken, strlen(broken), 0, 0, 0, 0);

	like(on, "line 5: not well-formed XML \\(duplicate attribute\\)",
	    "the error is reported on its line");
	like(on, "\"title\": \"second <\"", "and the item after it is read");
	is_str(on, off, "the same as without the rewriting");
	free(on);
	free(off);
	/* U+FFFE, which XML forbids, inside a section (the rewriting's or
	 * the document's own): expat stops there and lax.c reads on inside
	 * the section, so its "]]>" is not text. */
	const char *nonchar =
	    "<rss version=\"2.0\"><channel><title>T</title>\n"
	    "<item><guid>1</guid><description>a &lt;b&gt;bold&lt;/b&gt; "
	    "x\xEF\xBF\xBE y</description></item>\n"
	    "<item><guid>2</guid><description><![CDATA[<i>c</i> "
	    "\xEF\xBF\xBF d]]></description></item>\n"
	    "<item><guid>3</guid><title>after</title></item>\n"
	    "</channel></rss>\n";
	on = parse_all(nonchar, strlen(nonchar), 0, 0, 1, 0);
	off = parse_all(nonchar, strlen(nonchar), 0, 0, 0, 0);
	like(on, "\"summary\": \"a bold x\xEF\xBF\xBE y\"",
	    "U+FFFE in rewritten text: the text, no \"]]>\" after it");
	like(on, "\"summary\": \"c \xEF\xBF\xBF d\"",
	    "U+FFFF in the document's own section: the same");
	like(on, "\"title\": \"after\"", "and the item after them is read");
	is_str(on, off, "the same as without the rewriting");
	free(on);
	free(off);
}

/* Bytes expat was given of a whole parse, and the stream's. */
static void
fed_bytes(const char *s, uint64_t *xp, uint64_t *stream)
{
	struct buf out = BUF_INIT;
	struct feed_parser *p = feed_parser_new(NULL, on_item, &out);

	feed_parser_feed(p, s, strlen(s));
	feed_parser_finish(p);
	*xp = p->xp_fed;
	*stream = p->fed;
	feed_parser_free(p);
	buf_free(&out);
}

/* The same with placeholders as without, fed whole, cut in two at every
 * offset up to max, and in chunks. */
static void
same_cut_anywhere(const char *what, const char *s, size_t max)
{
	static const size_t steps[] = {0, 1, 7, 100, 1000, 4096};
	size_t len = strlen(s), bad = 0, tries = 0;

	for (size_t cut = 1; cut < len && cut <= max; cut++, tries++) {
		char *on = parse_all(s, len, 0, cut, 1, 1);
		char *off = parse_all(s, len, 0, cut, 1, 1 | 4);

		if (strcmp(on, off) != 0 && bad++ == 0)
			diag("%s: cut at %zu differs", what, cut);
		free(on);
		free(off);
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		for (int how = 0; how <= 1; how++, tries++) {
			char *on = parse_all(s, len, steps[i], 0, 1, how);
			char *off = parse_all(s, len, steps[i], 0, 1, how | 4);

			if (strcmp(on, off) != 0 && bad++ == 0)
				diag(
				    "%s: chunks of %zu differ", what, steps[i]);
			free(on);
			free(off);
		}
	ok(bad == 0, "%s: the same as expat reading it, %zu ways", what, tries);
}

/* Sections whose text goes to the builder without expat. */
static void
test_holes(void)
{
	const char *feed =
	    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"
	    "<title>T &amp; U</title>\n<item><title>a &lt;b&gt;</title>\n"
	    "<description>x &lt;p&gt;one\n&lt;p&gt;two\n\nthree"
	    "</description>\n<content:encoded xmlns:content=\"http://purl.org/"
	    "rss/1.0/modules/content/\"><![CDATA[<p>c\n</p>]] ]]>"
	    "</content:encoded></item>\n"
	    "<item><title>cr &lt;\r\nx\ry</title><description>"
	    "<![CDATA[a\r\nb]]></description></item>\n"
	    "<item><title>ok &lt;i&gt;</title><description>&lt;b&gt;"
	    "\xEF\xBF\xBE</description></item>\n"
	    "<item><title>after &lt;</title></item>\n</channel></rss>\n";
	uint64_t xp, stream;
	struct buf big = BUF_INIT;
	char *doc;

	fed_bytes(feed, &xp, &stream);
	ok(xp < stream, "expat reads placeholders: %llu of %llu bytes",
	    (unsigned long long)xp, (unsigned long long)stream);
	same_cut_anywhere("sections, a CR, U+FFFE", feed, (size_t)-1);

	/* A field past FP_FIELD_MAX in one section of many lines: cut on
	 * the line expat would have named. */
	buf_appends(&big,
	    "<rss version=\"2.0\"><channel>\n<item><title>t"
	    "</title><description>");
	for (int i = 0; i < 30000; i++)
		buf_appends(&big,
		    "w &lt;b&gt;bold&lt;/b&gt; and words to fill "
		    "a line of it\n");
	buf_appends(&big,
	    "</description></item>\n<item><title>&lt;x&gt;"
	    "</title></item></channel></rss>\n");
	doc = parse_all(big.data, big.len, 0, 0, 1, 0);
	like(doc, "line 23303: a field longer than 1048576 bytes cut short",
	    "a field cut short is reported on its line");
	free(doc);
	same_cut_anywhere("a field cut short", big.data, 0);
	buf_free(&big);

	/* An error after sections: read on from the error, once. */
	buf_appends(&big, "<rss version=\"2.0\"><channel>\n");
	for (int i = 0; i < 200; i++) {
		buf_printf(&big,
		    "<item><title>%d &amp; u</title><description>&lt;p&gt;"
		    "%d\n&lt;/p&gt;</description><d><![CDATA[c]]></d></item>\n",
		    i, i);
		if (i == 100)
			buf_appends(&big, "<x a=\"1\" a=\"2\"/>\n");
	}
	buf_appends(&big, "</channel></rss>\n");
	same_cut_anywhere("an error after sections", big.data, 0);
	buf_free(&big);
}

/* lax.c reads a processing instruction with a '[' in it to its '>':
 * not, as a DOCTYPE's internal subset, to the next "]>" (which a section
 * of ours may be the first to bring). */
static void
test_pi_bracket(void)
{
	static const char doc[] =
	    "<?xml-stylesheet href=\"/s.xsl?v=[2]\"?>\n<rss version=\"2.0\">"
	    "<channel><title>Pi &amp; brackets</title><item><title>One "
	    "&lt;b&gt;x&lt;/b&gt;</title><link>https://example.org/1</link>"
	    "</item></channel></rss>";
	char *on = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, 2);
	char *off = parse_all(doc, sizeof(doc) - 1, 0, 0, 0, 2);

	ok(strstr(on, "\"title\": \"One x\"") != NULL &&
	        strstr(on, "\"title\": \"Pi & brackets\"") != NULL,
	    "lax.c: a '[' in a processing instruction does not swallow the "
	    "feed");
	is_str(on, off, "and the rewriting changes nothing of it");
	free(on);
	free(off);
}

/* Nor a "<![" that is not CDATA: expat, failing in a broken XML
 * declaration, hands lax.c the text from the "<![" in it on; read as a
 * DOCTYPE's subset, it ran to the "]]>" of the first section of ours. */
static void
test_bang_bracket(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" <![x?>\n<rss version=\"2.0\"><channel>"
	    "<title>Broken</title><item><title>AT&T &nbsp;tested</title>"
	    "<link>https://example.org/1</link></item><item><title>Two"
	    "</title><link>https://example.org/2</link></item></channel>"
	    "</rss>";
	char *on = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, 0);
	char *off = parse_all(doc, sizeof(doc) - 1, 0, 0, 0, 0);

	ok(strstr(on, "\"id\": \"https://example.org/1\"") != NULL &&
	        strstr(on, "\"title\": \"Two\"") != NULL,
	    "lax.c: a \"<![\" that is not CDATA does not swallow the items");
	is_str(on, off, "and the rewriting changes nothing of it");
	free(on);
	free(off);
}

/* A processing instruction ends at "?>" for lax.c as for xmlfix.c and
 * expat: an XML declaration missing its '?' runs on to a later "?>", and
 * a "<![CDATA[" inside it is not a section that a CDATA of ours, after
 * it, would end. */
static void
test_decl_no_question(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\">\n<rss><channel>"
	    "<link>https://example.org/<![CDATA[x</link>\n<?xml-stylesheet "
	    "href=\"/s.xsl\"?>\n<rss version=\"2.0\"><channel><title>Two "
	    "&amp; three</title><item><title>AT&T</title>"
	    "<link>https://example.org/1</link></item></channel></rss>";

	for (int how = 0; how < 3; how += 2) {
		char *on = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, how);
		char *off = parse_all(doc, sizeof(doc) - 1, 0, 0, 0, how);

		ok(strstr(on, "\"id\": \"https://example.org/1\"") != NULL,
		    "lax.c%s: a declaration without its '?' ends at \"?>\"",
		    how ? " alone" : " after expat");
		is_str(on, off, "and the rewriting changes nothing of it");
		free(on);
		free(off);
	}
}

/* expat failing inside a comment, a processing instruction or a DOCTYPE
 * (here at U+FFFE, which XML forbids): lax.c starts at the markup's '<',
 * found reading forward from expat's last event, not at a "<![CDATA["
 * inside it, which a section of ours would end. */
static void
test_fail_in_markup(void)
{
	static const char *const heads[] = {
	    "<rss version=\"2.0\"><?pi <![CDATA[ \xef\xbf\xbe ?>",
	    "<rss version=\"2.0\"><!-- <![CDATA[ \xef\xbf\xbe -->",
	    "<!DOCTYPE rss [ <!-- <![CDATA[ --> \xef\xbf\xbe ]>"
	    "<rss version=\"2.0\">",
	    "<?xml version=\"1.0\" <![CDATA[ ?><rss version=\"2.0\">",
	};
	static const char *const names[] = {"a processing instruction",
	    "a comment", "a DOCTYPE", "an XML declaration"};

	for (size_t i = 0; i < 4; i++) {
		char doc[512];
		int n = snprintf(doc, sizeof(doc),
		    "%s<channel><title>A &amp; B</title><item><title>AT&T"
		    "</title><link>https://example.org/1</link></item>"
		    "</channel></rss>",
		    heads[i]);
		char *on = parse_all(doc, (size_t)n, 0, 0, 1, 0);
		char *off = parse_all(doc, (size_t)n, 0, 0, 0, 0);

		ok(strstr(on, "\"id\": \"https://example.org/1\"") != NULL,
		    "expat failing in %s with \"<![CDATA[\" in it: the item "
		    "is read",
		    names[i]);
		is_str(on, off, "and the rewriting changes nothing of it");
		free(on);
		free(off);
	}
}

/* A DOCTYPE ends, for lax.c as for xmlfix.c, at the '>' outside quotes
 * and brackets: a quoted '[' opens no internal subset. */
static void
test_doctype_quoted_bracket(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE \"/s.dtd?v=[2]\">\n"
	    "<rss version=\"2.0\"><channel><title>A &amp; B</title><item>"
	    "<title>AT&T</title><link>https://example.org/1</link></item>"
	    "</channel></rss>";

	for (int how = 0; how < 3; how += 2) {
		char *on = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, how);
		char *off = parse_all(doc, sizeof(doc) - 1, 0, 0, 0, how);

		ok(strstr(on, "\"id\": \"https://example.org/1\"") != NULL,
		    "lax.c%s: a quoted '[' in a DOCTYPE opens no subset",
		    how ? " alone" : " after expat");
		is_str(on, off, "and the rewriting changes nothing of it");
		free(on);
		free(off);
	}
}

/* A warning names the line of what it is about, whichever stage says
 * it and whenever: fed whole, xmlfix.c meets the '&' on line 5 before
 * expat fails on line 3; read by lax.c alone, xmlfix.c's warning is not
 * put at the line lax.c has reached.  They come in line order. */
static void
test_warning_lines(void)
{
	static const char doc[] =
	    "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n"
	    "<title>T</titel>\n<item><link>https://example.org/1</link>\n"
	    "<title>Fish & chips</title></item>\n</channel></rss>\n";
	char *whole = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, 0);
	char *lax = parse_all(doc, sizeof(doc) - 1, 0, 0, 1, 2);
	const char *a = strstr(whole, "line 3: not well-formed XML");
	const char *b = strstr(whole, "line 5: bare '&'");

	ok(a != NULL && b != NULL && a < b,
	    "expat's failure on line 3, then the '&' on line 5");
	ok(strstr(lax, "line 5: bare '&'") != NULL,
	    "lax.c alone: the '&' is on line 5");
	free(whole);
	free(lax);
}

int
main(void)
{
	test_warning_lines();
	test_doctype_quoted_bracket();
	test_pi_bracket();
	test_bang_bracket();
	test_decl_no_question();
	test_fail_in_markup();
	test_stream();
	test_items();
	test_holes();
	ok(same_both_ways("tests/feeds") >= 60, "the fixtures were read");
	ok(same_both_ways("fuzz/corpus/parse") >= 20, "the seeds were read");
	return done_testing();
}
