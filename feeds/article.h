/*
 * The article extractor: the main text of a news page, for feeds that
 * carry only a headline (`article = fetch`).  The page is parsed by
 * libxml2's HTML parser in push mode as its bytes arrive (so memory is one
 * page, which the fetcher's max-size bounds), then one rule picks the
 * block that holds the story:
 *
 *	1. the feed's `article-xpath`, when it selects something;
 *	2. the element with itemprop="articleBody";
 *	3. the <article> element with the most paragraph text;
 *	4. a readability-style heuristic: script, style, nav, header,
 *	   footer, aside, form and blocks whose class or id says menu,
 *	   share, related, most-read, comment, cookie, newsletter or advert
 *	   are dropped; the rest are scored by their paragraphs' text less
 *	   their links', and the best block is kept with the siblings that
 *	   score like it.
 *
 * The same junk is dropped inside whatever block a rule picked.  The
 * extractor touches neither the network nor the loop:
 *
 *	a = article_parser_new(url, charset);
 *	article_parser_feed(a, buf, len);	(as often as needed)
 *	article_parser_finish(a, xpath, &art);
 *	... art.text ...
 *	article_clear(&art); article_parser_free(a);
 */
#ifndef FW_FEEDS_ARTICLE_H
#define FW_FEEDS_ARTICLE_H

#include <stddef.h>

/* Article text kept: a long read is a few tens of KB; past this the rest
 * adds nothing to scoring and only costs memory. */
#define ARTICLE_MAX_TEXT (256 * 1024)
/* Title bytes kept. */
#define ARTICLE_MAX_TITLE 1024

/* A compiled article-xpath. */
struct article_xpath;

/* NULL with *err (free it) when expr is not an XPath libxml2 accepts. */
struct article_xpath *article_xpath_compile(const char *expr, char **err);
void article_xpath_free(struct article_xpath *x);

/* Which rule picked the text. */
enum article_rule {
	ARTICLE_RULE_NONE, /* nothing on the page looked like text */
	ARTICLE_RULE_XPATH,
	ARTICLE_RULE_ITEMPROP,
	ARTICLE_RULE_ARTICLE,
	ARTICLE_RULE_HEURISTIC,
};

struct article {
	char *title; /* UTF-8, "" when none */
	char *text;  /* UTF-8 paragraphs, one per line; "" when none */
	enum article_rule rule;
	int xpath_missed; /* an xpath was given and selected nothing */
};

struct article_parser;

/* url (may be NULL) names the page in libxml2; charset is the one of the
 * HTTP Content-Type, or NULL: the page's <meta> then decides. */
struct article_parser *article_parser_new(const char *url, const char *charset);
/* -1 when the parser gave up on the bytes (not HTML at all). */
int article_parser_feed(struct article_parser *a, const char *p, size_t len);
/* Extract (xpath may be NULL).  -1 with a message in *err (free it) when
 * the page could not be parsed. */
int article_parser_finish(struct article_parser *a,
    const struct article_xpath *xpath, struct article *out, char **err);
void article_parser_free(struct article_parser *a);
void article_clear(struct article *art);

/* "xpath", "itemprop=articleBody", "article", "heuristic", "none". */
const char *article_rule_name(enum article_rule r);

/* Is this Content-Type's media type one the extractor reads?  NULL
 * (none sent) is given the benefit of the doubt. */
int article_content_type_ok(const char *content_type);

#endif
