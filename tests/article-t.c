/*
 * The article extractor (feeds/article.c) on pages in the shapes of real
 * news sites (tests/articles/): which rule picks the text, that the text
 * is the story's and not its menu's, "most read" box's or footer's, that
 * the charset comes from the HTTP header or the page's <meta>, that the
 * bytes may arrive in any chunks, and what an article-xpath does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/article.h"
#include "tests/tap.h"

/* A fixture's bytes. */
static char *
slurp(const char *name, size_t *len)
{
	char path[1024], buf[4096];
	struct buf b = BUF_INIT;
	FILE *fp;
	size_t n;

	snprintf(
	    path, sizeof(path), "%s/tests/articles/%s", tap_srcdir(), name);
	if ((fp = fopen(path, "rb")) == NULL)
		bail_out("%s: cannot open", path);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		buf_append(&b, buf, n);
	fclose(fp);
	*len = b.len;
	return buf_steal(&b);
}

/* Extract from bytes pushed in chunks of `step` (0: all at once). */
static int
extract(const char *p, size_t len, size_t step, const char *charset,
    const struct article_xpath *xp, struct article *art)
{
	struct article_parser *a = article_parser_new(NULL, charset);
	char *err = NULL;
	int rc;

	if (step == 0)
		step = len;
	for (size_t off = 0; off < len; off += step)
		article_parser_feed(
		    a, p + off, len - off < step ? len - off : step);
	rc = article_parser_finish(a, xp, art, &err);
	if (rc == -1)
		diag("%s", err);
	free(err);
	article_parser_free(a);
	return rc;
}

/* Extract a fixture whole. */
static void
extract_file(
    const char *name, const struct article_xpath *xp, struct article *art)
{
	size_t len;
	char *p = slurp(name, &len);

	if (extract(p, len, 0, NULL, xp, art) == -1)
		memset(art, 0, sizeof(*art));
	free(p);
}

/* The menu, most-read box, related box, comments, newsletter, cookie
 * banner and footer all name the actor; the story does not. */
static void
test_junk(void)
{
	struct article art;

	extract_file("news-menu.html", NULL, &art);
	is_str(article_rule_name(art.rule), "heuristic",
	    "news-menu: the heuristic picks the story");
	is_str(art.title, "Harbour ferry timetable changes for winter",
	    "news-menu: the og:title");
	ok(strstr(art.text, "The harbour ferry will run every forty minutes") !=
	        NULL,
	    "news-menu: the first paragraph is in");
	ok(strstr(art.text, "weather permitting") != NULL,
	    "news-menu: the paragraph after the share box is in");
	ok(strstr(art.text, "Choe") == NULL,
	    "news-menu: nothing of the menu, boxes, comments or footer");
	ok(strstr(art.text, "dataLayer") == NULL, "news-menu: no script");
	article_clear(&art);

	extract_file("news-match.html", NULL, &art);
	ok(strstr(art.text, "foreign minister Choe Son Hui said") != NULL,
	    "news-match: the story's own mention is in");
	ok(strstr(art.text, "Most read") == NULL &&
	        strstr(art.text, "Reader comment") == NULL,
	    "news-match: the boxes around it are not");
	article_clear(&art);
}

/* The structured rules come before the heuristic. */
static void
test_rules(void)
{
	struct article art;

	extract_file("article-tag.html", NULL, &art);
	is_str(article_rule_name(art.rule), "article",
	    "article-tag: the <article> with the most text");
	ok(strstr(art.text, "Dock workers voted") != NULL &&
	        strstr(art.text, "Advertisement") == NULL &&
	        strstr(art.text, "Tennis") == NULL,
	    "article-tag: the story, not the ad or the teaser article");
	article_clear(&art);

	extract_file("itemprop.html", NULL, &art);
	is_str(article_rule_name(art.rule), "itemprop=articleBody",
	    "itemprop: the articleBody");
	ok(strstr(art.text, "three letters") != NULL &&
	        strstr(art.text, "bus lanes") == NULL,
	    "itemprop: its text and nothing of the other news");
	article_clear(&art);
}

/* A page only an XPath reads right; an XPath that selects nothing. */
static void
test_xpath(void)
{
	struct article_xpath *xp, *none;
	struct article art;
	char *err = NULL;

	extract_file("xpath-only.html", NULL, &art);
	ok(strstr(art.text, "transport minister") == NULL,
	    "xpath-only: the heuristic alone misses the story");
	article_clear(&art);

	xp = article_xpath_compile("//td[@class='main']", &err);
	ok(xp != NULL, "an XPath compiles");
	extract_file("xpath-only.html", xp, &art);
	is_str(article_rule_name(art.rule), "xpath", "xpath-only: the xpath");
	ok(strstr(art.text, "transport minister resigned") != NULL &&
	        strstr(art.text, "bakery") == NULL,
	    "xpath-only: the story and only the story");
	ok(!art.xpath_missed, "xpath-only: the xpath did not miss");
	article_clear(&art);

	none = article_xpath_compile("//div[@id='nothing']", &err);
	extract_file("article-tag.html", none, &art);
	ok(art.xpath_missed, "an xpath that selects nothing says so");
	is_str(article_rule_name(art.rule), "article",
	    "and the built-in rules take over");
	article_clear(&art);

	ok(article_xpath_compile("//td[", &err) == NULL && err != NULL,
	    "a broken XPath does not compile");
	like(err, "XPath", "and says so");
	free(err);
	article_xpath_free(xp);
	article_xpath_free(none);
}

/* windows-1252, declared in <meta> only, or by HTTP only. */
static void
test_charset(void)
{
	static const char http_only[] =
	    "<html><body><div><p>Der Pr\xe4sident sagte am Dienstag, die "
	    "Wirtschaft werde wachsen, \x93langsam\x94, aber sicher.</p>"
	    "</div></body></html>";
	struct article art;

	extract_file("cp1252.html", NULL, &art);
	ok(strstr(art.text, "Bundesbank-Pr\xc3\xa4sident M\xc3\xbcller") !=
	        NULL,
	    "cp1252: umlauts from the <meta> charset");
	ok(strstr(art.text,
	       "\xe2\x80\x9cWir sehen keine Rezession\xe2\x80\x9d") != NULL,
	    "cp1252: curly quotes (0x93, 0x94) as windows-1252 has them");
	is_str(art.title, "Bundesbank: M\xc3\xbcller sieht keine Rezession",
	    "cp1252: the title too");
	article_clear(&art);

	extract(http_only, sizeof(http_only) - 1, 0, "utf-8", NULL, &art);
	ok(utf8_valid(art.text, strlen(art.text)) &&
	        strstr(art.text, "Pr\xef\xbf\xbdsident") != NULL,
	    "a page that is not in the charset HTTP says still gives UTF-8 "
	    "(U+FFFD for what it is not)");
	article_clear(&art);

	extract(http_only, sizeof(http_only) - 1, 0, "ISO-8859-1", NULL, &art);
	ok(strstr(art.text, "Pr\xc3\xa4sident") != NULL &&
	        strstr(art.text, "\xe2\x80\x9clangsam\xe2\x80\x9d") != NULL,
	    "an HTTP charset of ISO-8859-1 is read as windows-1252");
	article_clear(&art);
}

/* However the bytes arrive, the same article comes out. */
static void
test_chunks(void)
{
	static const char *const pages[] = {"news-menu.html", "cp1252.html",
	    "itemprop.html", "article-tag.html"};
	static const size_t steps[] = {1, 7, 512};

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct article whole, part;
		size_t len;
		char *p = slurp(pages[i], &len);
		int same = 1;

		extract(p, len, 0, NULL, NULL, &whole);
		for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			extract(p, len, steps[s], NULL, NULL, &part);
			same = same && strcmp(whole.text, part.text) == 0 &&
			    strcmp(whole.title, part.title) == 0 &&
			    whole.rule == part.rule;
			article_clear(&part);
		}
		ok(same, "%s: the same in chunks of 1, 7 and 512 bytes",
		    pages[i]);
		article_clear(&whole);
		free(p);
	}
}

/* Pages with nothing to read, and what is HTML. */
static void
test_edges(void)
{
	static const char empty[] = "<html><body><nav>menu</nav></body></html>";
	struct article art;

	ok(extract(empty, sizeof(empty) - 1, 0, NULL, NULL, &art) == 0,
	    "a page without a story parses");
	is_str(art.text, "", "and has no text");
	is_str(article_rule_name(art.rule), "none", "and no rule picked it");
	article_clear(&art);
	{
		struct buf b = BUF_INIT;
		buf_appends(&b, "<html><head><meta charset=\"utf-8\"><title>");
		for (int i = 0; i < 2000; i++)
			buf_appends(&b, "\xc3\xbc");
		buf_appends(&b, "</title></head><body></body></html>");
		ok(extract(b.data, b.len, 0, NULL, NULL, &art) == 0,
		    "a title of 4000 bytes of two-byte characters");
		ok(strlen(art.title) <= ARTICLE_MAX_TITLE &&
		        utf8_valid(art.title, strlen(art.title)),
		    "is cut at its bound, on a character");
		article_clear(&art);
		buf_free(&b);
	}
	ok(article_content_type_ok("text/html; charset=utf-8"), "text/html");
	ok(article_content_type_ok("application/xhtml+xml"), "xhtml");
	ok(article_content_type_ok(NULL), "no Content-Type at all");
	ok(!article_content_type_ok("application/pdf"), "not a PDF");
	ok(!article_content_type_ok("text/htmlx"), "not text/htmlx");
}

int
main(void)
{
	test_junk();
	test_rules();
	test_xpath();
	test_charset();
	test_chunks();
	test_edges();
	return done_testing();
}
