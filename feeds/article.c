/*
 * The article extractor (see article.h) over libxml2's HTML push parser.
 *
 * The parser builds the page's tree as bytes are pushed; extraction is
 * three walks over it once the page is complete.  The first marks junk
 * (elements by name, blocks by class or id) through each node's _private
 * pointer, so the later walks skip it without a second lookup.  The
 * second, for the heuristic only, scores paragraphs into their parent and
 * (half) grandparent, as readability does; the per-block scores live in
 * one array that _private points into.  The third collects the text of
 * the chosen block(s), whitespace collapsed and one line per block.
 *
 * Charset: an HTTP charset is set on the parser before the first byte;
 * without one, libxml2 switches on the page's <meta charset> or
 * http-equiv Content-Type itself.  ISO-8859-1 and ASCII labels are read as
 * windows-1252, as browsers do (the HTML standard's encoding table).
 */
#include "config.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/article.h"

/* Paragraphs shorter than this are captions, bylines or buttons. */
#define ARTICLE_MIN_PARA 25
/* A sibling joins the best block when it scores this share of it ... */
#define ARTICLE_SIBLING_SHARE 0.2
/* ... or is a paragraph this long with few links. */
#define ARTICLE_SIBLING_PARA 80
/* libxml2 stops at 256 levels without HTML_PARSE_HUGE; this is a guard for
 * our own recursion should that change. */
#define ARTICLE_MAX_DEPTH 1024

struct article_xpath {
	xmlXPathCompExprPtr comp;
};

struct article_parser {
	htmlParserCtxtPtr ctxt;
	int failed;
};

/* A block's heuristic score. */
struct art_cand {
	xmlNodePtr node;
	double score;
};

/* Marks a junk subtree in _private (candidates point into an array). */
static char art_junk_mark;
#define ART_JUNK ((void *)&art_junk_mark)

/* Elements never part of a story (sorted for bsearch). */
static const char *const art_junk_names[] = {"aside", "button", "canvas",
    "dialog", "footer", "form", "header", "iframe", "input", "label", "menu",
    "nav", "noscript", "object", "script", "select", "style", "svg", "template",
    "textarea"};

/* Class or id words that name boxes around a story, not the story. */
static const char *const art_junk_words[] = {"advert", "banner", "breadcrumb",
    "comment", "cookie", "menu", "most-read", "most_read", "mostread",
    "newsletter", "popular", "promo", "related", "share", "sidebar", "social",
    "subscribe", "teaser-list", "trending"};

/* Elements that end a line of text (sorted for bsearch). */
static const char *const art_block_names[] = {"article", "blockquote", "br",
    "dd", "div", "dl", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "td", "th", "tr",
    "ul"};

/* Never junk by class or id: a page's whole body is not a menu. */
static const char *const art_keep_names[] = {"article", "body", "html", "main"};

/* bsearch over a sorted table of names. */
static int
art_name_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Is name in the sorted table? */
static int
art_in(const char *name, const char *const *tab, size_t n)
{
	return bsearch(name, tab, n, sizeof(*tab), art_name_cmp) != NULL;
}

#define ART_IN(name, tab) art_in(name, tab, sizeof(tab) / sizeof(tab[0]))

/* The names of the rules, for logs, the alert and `feedwatch article`. */
const char *
article_rule_name(enum article_rule r)
{
	static const char *const names[] = {
	    [ARTICLE_RULE_NONE] = "none",
	    [ARTICLE_RULE_XPATH] = "xpath",
	    [ARTICLE_RULE_ITEMPROP] = "itemprop=articleBody",
	    [ARTICLE_RULE_ARTICLE] = "article",
	    [ARTICLE_RULE_HEURISTIC] = "heuristic",
	};

	if ((size_t)r < sizeof(names) / sizeof(names[0]))
		return names[r];
	return "unknown";
}

/* HTML and XHTML are read; so is a server that says nothing. */
int
article_content_type_ok(const char *ct)
{
	static const char *const ok[] = {"text/html", "application/xhtml+xml"};
	size_t len;

	if (ct == NULL)
		return 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	len = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (len == strlen(ok[i]) && str_ncasecmp(ct, ok[i], len) == 0)
			return 1;
	return 0;
}

/* libxml2 reports through globals; the extractor reports through return
 * values, so its messages are kept here for a compile error only. */
static void
art_error_sink(void *ctx, const char *fmt, ...)
{
}

/* Where article_xpath_compile collects libxml2's message. */
static void
art_error_keep(void *ctx, xmlErrorPtr e)
{
	char **msg = ctx;

	if (*msg == NULL && e != NULL && e->message != NULL)
		*msg = xstrdup(e->message);
}

/* libxml2 once, quiet. */
static void
art_init(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, art_error_sink);
}

/* Compile at config load, so a bad expression is a config error. */
struct article_xpath *
article_xpath_compile(const char *expr, char **err)
{
	struct article_xpath *x;
	xmlXPathCompExprPtr comp;
	char *msg = NULL;

	art_init();
	xmlSetStructuredErrorFunc(&msg, art_error_keep);
	comp = xmlXPathCompile((const xmlChar *)expr);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (comp == NULL) {
		if (msg != NULL)
			str_trim(msg);
		xasprintf(err, "not an XPath expression libxml2 accepts: %s",
		    msg != NULL ? msg : "invalid");
		free(msg);
		return NULL;
	}
	free(msg);
	x = xcalloc(1, sizeof(*x));
	x->comp = comp;
	return x;
}

/* Free a compiled expression (NULL is fine). */
void
article_xpath_free(struct article_xpath *x)
{
	if (x == NULL)
		return;
	xmlXPathFreeCompExpr(x->comp);
	free(x);
}

/* The WHATWG reading of labels libxml2 would take literally. */
static const char *
art_charset_label(const char *cs)
{
	static const char *const latin1[] = {"ascii", "iso-8859-1", "iso8859-1",
	    "iso_8859-1", "latin1", "us-ascii"};

	for (size_t i = 0; i < sizeof(latin1) / sizeof(latin1[0]); i++)
		if (str_casecmp(cs, latin1[i]) == 0)
			return "windows-1252";
	return cs;
}

/* A push parser; the HTTP charset, when given and known, before any byte. */
struct article_parser *
article_parser_new(const char *url, const char *charset)
{
	struct article_parser *a = xcalloc(1, sizeof(*a));
	int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

	art_init();
	a->ctxt = htmlCreatePushParserCtxt(
	    NULL, NULL, NULL, 0, url, XML_CHAR_ENCODING_NONE);
	if (a->ctxt == NULL) {
		a->failed = 1;
		return a;
	}
	htmlCtxtUseOptions(a->ctxt, opts);
	if (charset != NULL) {
		xmlCharEncodingHandlerPtr h =
		    xmlFindCharEncodingHandler(art_charset_label(charset));
		if (h != NULL)
			xmlSwitchToEncoding(a->ctxt, h);
	}
	return a;
}

/* Push bytes; libxml2 recovers from anything, so -1 is rare. */
int
article_parser_feed(struct article_parser *a, const char *p, size_t len)
{
	while (!a->failed && len > 0) {
		int n = len > (1 << 30) ? 1 << 30 : (int)len;
		if (htmlParseChunk(a->ctxt, p, n, 0) != 0 &&
		    a->ctxt->disableSAX)
			a->failed = 1;
		p += n;
		len -= (size_t)n;
	}
	return a->failed ? -1 : 0;
}

/* ---- junk ----------------------------------------------------------- */

/* Does a class or id value name a box that is not the story? */
static int
art_attr_junk(xmlNodePtr n, const char *attr)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
	int junk = 0;

	if (v == NULL)
		return 0;
	str_tolower_ascii((char *)v);
	for (size_t i = 0;
	     !junk && i < sizeof(art_junk_words) / sizeof(art_junk_words[0]);
	     i++)
		junk = strstr((char *)v, art_junk_words[i]) != NULL;
	xmlFree(v);
	return junk;
}

/* Is this element junk by its name or its class or id? */
static int
art_is_junk(xmlNodePtr n)
{
	const char *name = (const char *)n->name;

	if (ART_IN(name, art_junk_names))
		return 1;
	if (ART_IN(name, art_keep_names))
		return 0;
	return art_attr_junk(n, "class") || art_attr_junk(n, "id");
}

/* Mark every junk subtree (its root's _private), depth first. */
static void
art_mark_junk(xmlNodePtr n, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (depth > ARTICLE_MAX_DEPTH || art_is_junk(n)) {
			n->_private = ART_JUNK;
			continue;
		}
		art_mark_junk(n->children, depth + 1);
	}
}

/* ---- text ----------------------------------------------------------- */

/* The text being collected: whitespace collapsed, a pending break. */
struct art_text {
	struct buf b;
	int space;   /* a space is due before the next word */
	int newline; /* a line break is due */
	size_t max;
	size_t links; /* bytes inside <a> */
	int in_link;
};

/* Bytes of whitespace at s (a no-break space counts): 0 when none. */
static size_t
art_space(const char *s)
{
	unsigned char c = (unsigned char)*s;

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
		return 1;
	if (c == 0xc2 && (unsigned char)s[1] == 0xa0)
		return 2;
	return 0;
}

/* Append one text node's bytes, collapsing whitespace, a word at a time. */
static void
art_text_add(struct art_text *t, const char *s)
{
	while (*s != '\0' && t->b.len < t->max) {
		size_t n, w = 0;
		if ((n = art_space(s)) > 0) {
			t->space = 1;
			s += n;
			continue;
		}
		while (s[w] != '\0' && art_space(s + w) == 0)
			w++;
		if (t->b.len > 0 && t->newline)
			buf_appendc(&t->b, '\n');
		else if (t->b.len > 0 && t->space)
			buf_appendc(&t->b, ' ');
		t->newline = t->space = 0;
		if (w > t->max - t->b.len) { /* cut on a character, then full */
			w = utf8_cut(s, w, t->max - t->b.len);
			t->max = t->b.len + w;
		}
		buf_append(&t->b, s, w);
		if (t->in_link)
			t->links += w;
		s += w;
	}
}

/* Collect the text under n (not junk), one line per block. */
static void
art_collect(struct art_text *t, xmlNodePtr n, int depth)
{
	for (; n != NULL && t->b.len < t->max; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				art_text_add(t, (const char *)n->content);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK ||
		    depth > ARTICLE_MAX_DEPTH)
			continue;
		int block = ART_IN((const char *)n->name, art_block_names);
		int link = strcmp((const char *)n->name, "a") == 0;
		if (block)
			t->newline = 1;
		t->in_link += link;
		art_collect(t, n->children, depth + 1);
		t->in_link -= link;
		if (block)
			t->newline = 1;
	}
}

/* The text of one node (element, attribute or text) into t. */
static void
art_collect_node(struct art_text *t, xmlNodePtr n)
{
	if (n->type == XML_ELEMENT_NODE) {
		if (n->_private == ART_JUNK)
			return;
		t->newline = 1;
		art_collect(t, n->children, 0);
		t->newline = 1;
	} else if (n->type == XML_ATTRIBUTE_NODE) {
		art_collect(t, n->children, 0);
		t->newline = 1;
	} else if (n->type == XML_TEXT_NODE && n->content != NULL)
		art_text_add(t, (const char *)n->content);
}

/* What the heuristic weighs of a subtree, counted without copying. */
struct art_count {
	size_t text;   /* bytes that are not whitespace */
	size_t links;  /* of which inside <a> */
	size_t commas; /* ',' */
};

/* Count the text under n (not junk). */
static void
art_count(struct art_count *c, xmlNodePtr n, int in_link, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			const unsigned char *s = n->content;
			size_t text = 0, commas = 0;
			for (; s != NULL && *s != '\0'; s++) {
				/* Most bytes are neither space nor U+00A0. */
				if (*s > ' ' && *s != 0xc2) {
					text++;
					commas += *s == ',';
				} else if (art_space((const char *)s) == 2)
					s++;
				else if (art_space((const char *)s) == 0)
					text++;
			}
			c->text += text;
			c->commas += commas;
			c->links += in_link ? text : 0;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK ||
		    depth > ARTICLE_MAX_DEPTH)
			continue;
		art_count(c, n->children,
		    in_link || strcmp((const char *)n->name, "a") == 0,
		    depth + 1);
	}
}

/* The counts of one element's text. */
static struct art_count
art_count_of(xmlNodePtr n)
{
	struct art_count c = {0, 0, 0};

	if (n->type == XML_ELEMENT_NODE && n->_private != ART_JUNK)
		art_count(&c, n->children, 0, 0);
	return c;
}

/* ---- rules ---------------------------------------------------------- */

/* First element under n (not junk) for which match says yes. */
static xmlNodePtr
art_find(xmlNodePtr n, int (*match)(xmlNodePtr), int depth)
{
	xmlNodePtr r;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK ||
		    depth > ARTICLE_MAX_DEPTH)
			continue;
		if (match(n))
			return n;
		if ((r = art_find(n->children, match, depth + 1)) != NULL)
			return r;
	}
	return NULL;
}

/* itemprop="... articleBody ..." (schema.org NewsArticle). */
static int
art_is_itemprop_body(xmlNodePtr n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"itemprop");
	int yes = v != NULL && strstr((char *)v, "articleBody") != NULL;

	xmlFree(v);
	return yes;
}

/* Walk every <article>, keeping the one with the most non-link text. */
static void
art_best_article(xmlNodePtr n, xmlNodePtr *best, size_t *best_len, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK ||
		    depth > ARTICLE_MAX_DEPTH)
			continue;
		if (strcmp((const char *)n->name, "article") == 0) {
			struct art_count c = art_count_of(n);
			size_t len = c.text - c.links;
			if (len > *best_len) {
				*best = n;
				*best_len = len;
			}
			continue; /* an article inside it is part of it */
		}
		art_best_article(n->children, best, best_len, depth + 1);
	}
}

/* ---- the heuristic -------------------------------------------------- */

struct art_scores {
	struct art_cand *c;
	size_t n, cap;
};

/* The candidate of a block, made on first use. */
static struct art_cand *
art_cand_of(struct art_scores *s, xmlNodePtr n)
{
	if (n->_private != NULL)
		return &s->c[(size_t)n->_private - 1];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->c = xreallocarray(s->c, s->cap, sizeof(*s->c));
	}
	s->c[s->n].node = n;
	s->c[s->n].score = 0;
	n->_private = (void *)(s->n + 1);
	return &s->c[s->n++];
}

/* A paragraph's worth, readability's way: one, plus one per comma, plus
 * one per hundred bytes up to three; then less the share in links. */
static double
art_para_score(xmlNodePtr p)
{
	struct art_count c = art_count_of(p);
	double v;

	if (c.text - c.links < ARTICLE_MIN_PARA)
		return 0;
	v = 1 + (double)c.commas +
	    (c.text / 100 > 3 ? 3 : (double)(c.text / 100));
	return v * (1.0 - (double)c.links / (double)c.text);
}

/* Is n a paragraph-like element worth scoring? */
static int
art_is_para(xmlNodePtr n)
{
	static const char *const para[] = {"blockquote", "p", "pre"};

	return ART_IN((const char *)n->name, para);
}

/* Score every paragraph into its parent and, half, its grandparent. */
static void
art_score(struct art_scores *s, xmlNodePtr n, int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK ||
		    depth > ARTICLE_MAX_DEPTH)
			continue;
		if (art_is_para(n)) {
			double v = art_para_score(n);
			xmlNodePtr up = n->parent;
			if (v > 0 && up != NULL &&
			    up->type == XML_ELEMENT_NODE) {
				art_cand_of(s, up)->score += v;
				up = up->parent;
				if (up != NULL && up->type == XML_ELEMENT_NODE)
					art_cand_of(s, up)->score += v / 2;
			}
			continue;
		}
		art_score(s, n->children, depth + 1);
	}
}

/* Does a sibling of the best block belong to the story? */
static int
art_sibling_joins(const struct art_scores *s, xmlNodePtr n, double best)
{
	struct art_count c;

	if (n->type != XML_ELEMENT_NODE || n->_private == ART_JUNK)
		return 0;
	if (n->_private != NULL &&
	    s->c[(size_t)n->_private - 1].score >= best * ARTICLE_SIBLING_SHARE)
		return 1;
	if (strcmp((const char *)n->name, "p") != 0)
		return 0;
	c = art_count_of(n);
	return c.text >= ARTICLE_SIBLING_PARA && c.links * 4 < c.text;
}

/* The best-scoring block (scores corrected by link density) and its
 * siblings into t; 0 when no paragraph scored at all. */
static int
art_heuristic(xmlNodePtr root, struct art_text *t)
{
	struct art_scores s = {0};
	struct art_cand *best = NULL;
	int found;

	art_score(&s, root, 0);
	for (size_t i = 0; i < s.n; i++) {
		struct art_count c = art_count_of(s.c[i].node);
		if (c.text > 0)
			s.c[i].score *= 1.0 - (double)c.links / (double)c.text;
		if (best == NULL || s.c[i].score > best->score)
			best = &s.c[i];
	}
	found = best != NULL && best->score > 0;
	if (found) {
		xmlNodePtr parent = best->node->parent;
		if (parent == NULL || parent->type != XML_ELEMENT_NODE)
			art_collect_node(t, best->node);
		else
			for (xmlNodePtr c = parent->children; c != NULL;
			     c = c->next)
				if (c == best->node ||
				    art_sibling_joins(&s, c, best->score))
					art_collect_node(t, c);
	}
	/* Candidates' _private pointed into s.c: clear them. */
	for (size_t i = 0; i < s.n; i++)
		s.c[i].node->_private = NULL;
	free(s.c);
	return found;
}

/* ---- extraction ----------------------------------------------------- */

/* An element child of n by name, or NULL. */
static xmlNodePtr
art_child(xmlNodePtr n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* <meta property="og:title"> in <head>, else its <title>. */
static char *
art_title(xmlNodePtr root)
{
	struct art_text t = {.max = ARTICLE_MAX_TITLE};
	xmlNodePtr head = art_child(root, "head"), title = NULL;

	for (xmlNodePtr n = head != NULL ? head->children : NULL;
	     n != NULL && t.b.len == 0; n = n->next) {
		xmlChar *prop, *content;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "title") == 0 &&
		    title == NULL)
			title = n;
		if (strcmp((const char *)n->name, "meta") != 0)
			continue;
		prop = xmlGetProp(n, (const xmlChar *)"property");
		if (prop != NULL && strcmp((char *)prop, "og:title") == 0 &&
		    (content = xmlGetProp(n, (const xmlChar *)"content")) !=
		        NULL) {
			art_text_add(&t, (const char *)content);
			xmlFree(content);
		}
		xmlFree(prop);
	}
	if (t.b.len == 0 && title != NULL)
		art_collect(&t, title->children, 0);
	return buf_steal(&t.b);
}

/* The text of what the expression selects, in document order. */
static void
art_by_xpath(xmlDocPtr doc, const struct article_xpath *xp, struct art_text *t)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o;

	if (x == NULL)
		return;
	o = xmlXPathCompiledEval(xp->comp, x);
	if (o != NULL && o->type == XPATH_NODESET && o->nodesetval != NULL)
		for (int i = 0; i < o->nodesetval->nodeNr; i++)
			art_collect_node(t, o->nodesetval->nodeTab[i]);
	else if (o != NULL && o->type == XPATH_STRING && o->stringval != NULL)
		art_text_add(t, (const char *)o->stringval);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(x);
}

/* Clear every _private the junk walk set, so XPath sees a plain tree. */
static void
art_unmark(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		n->_private = NULL;
		if (n->type == XML_ELEMENT_NODE)
			art_unmark(n->children);
	}
}

/* libxml2 passes on what a wrong charset made of the bytes: the caller
 * gets UTF-8 whatever the page was (invalid sequences become U+FFFD). */
static char *
art_clean(char *s, size_t max)
{
	struct buf b = BUF_INIT;
	size_t len = strlen(s);

	if (utf8_valid(s, len))
		return s;
	utf8_append_clean(&b, s, len);
	if (b.len > max)
		buf_truncate(&b, utf8_cut(b.data, b.len, max));
	free(s);
	s = buf_steal(&b);
	return s != NULL ? s : xstrdup("");
}

/* Apply the rules in order; the first that yields text wins. */
static void
art_extract(xmlDocPtr doc, const struct article_xpath *xp, struct article *out)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), n;
	struct art_text t = {.max = ARTICLE_MAX_TEXT};
	size_t len = 0;

	out->title = art_title(root);
	art_mark_junk(root, 0);
	if (xp != NULL) {
		art_by_xpath(doc, xp, &t);
		if (t.b.len > 0) {
			out->rule = ARTICLE_RULE_XPATH;
			goto done;
		}
		out->xpath_missed = 1;
	}
	if ((n = art_find(root, art_is_itemprop_body, 0)) != NULL) {
		art_collect_node(&t, n);
		if (t.b.len > 0) {
			out->rule = ARTICLE_RULE_ITEMPROP;
			goto done;
		}
	}
	n = NULL;
	art_best_article(root, &n, &len, 0);
	if (n != NULL && len >= ARTICLE_SIBLING_PARA) {
		art_collect_node(&t, n);
		out->rule = ARTICLE_RULE_ARTICLE;
		goto done;
	}
	if (art_heuristic(root, &t))
		out->rule = ARTICLE_RULE_HEURISTIC;
done:
	art_unmark(root);
	out->text = buf_steal(&t.b);
	if (out->text == NULL)
		out->text = xstrdup("");
	if (out->title == NULL)
		out->title = xstrdup("");
	out->text = art_clean(out->text, ARTICLE_MAX_TEXT);
	out->title = art_clean(out->title, ARTICLE_MAX_TITLE);
}

/* End the page and extract from it. */
int
article_parser_finish(struct article_parser *a,
    const struct article_xpath *xpath, struct article *out, char **err)
{
	xmlDocPtr doc;

	memset(out, 0, sizeof(*out));
	if (!a->failed)
		htmlParseChunk(a->ctxt, NULL, 0, 1);
	doc = a->ctxt != NULL ? a->ctxt->myDoc : NULL;
	if (a->failed || doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		*err = xstrdup("not an HTML page");
		return -1;
	}
	art_extract(doc, xpath, out);
	return 0;
}

/* Free the parser and its tree. */
void
article_parser_free(struct article_parser *a)
{
	if (a == NULL)
		return;
	if (a->ctxt != NULL) {
		if (a->ctxt->myDoc != NULL)
			xmlFreeDoc(a->ctxt->myDoc);
		htmlFreeParserCtxt(a->ctxt);
	}
	free(a);
}

/* Free what an extraction returned. */
void
article_clear(struct article *art)
{
	free(art->title);
	free(art->text);
	memset(art, 0, sizeof(*art));
}
