/*
 * The feed parser's last stage and its public face (see parse.h for the
 * API, parse-int.h for the stages).  Expat (or lax.c after expat gives
 * up) calls three handlers here: fp_start, fp_text and fp_end.  They keep
 * a stack of the open elements, each mapped to what it means through
 * sorted tables (namespace URI -> family, family + local name -> element)
 * and then through two rule tables (element -> what it fills in an item,
 * or in the channel).  A text field's characters are gathered into one
 * buffer up to FP_FIELD_MAX, turned into plain text by html.c when its
 * element ends, and stored in the item's slot if nothing better was there:
 * each rule carries a priority, which is how content:encoded beats
 * description and pubDate beats dc:date.  When an item's element ends,
 * the item is assembled (links made absolute, the id chosen) and handed
 * to the callback; its buffers are then reused for the next one, so
 * memory does not grow with the feed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/date.h"
#include "feeds/html.h"
#include "feeds/parse-int.h"
#include "feeds/swar.h"
#include "feeds/url.h"

/* Expat's separator between a namespace URI and a local name. */
#define NS_SEP '\x01'
/* Stored characters of an element's local name (for lax.c's matching). */
#define NAME_KEEP 64
/* Entity declarations a document may make: feeds need none, and each is
 * a way to amplify input. */
#define ENTITY_DECL_MAX 64
/* Expat's billion-laughs guard: expansion may multiply the input at most
 * this much once the document has produced ACTIVATION bytes. */
#define AMPLIFICATION_MAX 16.0f
#define AMPLIFICATION_ACTIVATION (256 * 1024)

/* What an element means, whatever its namespace. */
enum elem {
	E_OTHER = 0,
	E_RSS,
	E_RDF,
	E_FEED,
	E_CHANNEL,
	E_ITEM,
	E_ENTRY,
	E_SKIP, /* image, textinput, atom:source: their fields are not ours */
	E_TITLE,
	E_ATOM_TITLE,
	E_RSS_LINK,
	E_ATOM_LINK,
	E_DESCRIPTION,
	E_GUID,
	E_PUBDATE,
	E_LASTBUILDDATE,
	E_RSS_AUTHOR,
	E_RSS_CATEGORY,
	E_ENCLOSURE,
	E_ID,
	E_UPDATED,
	E_PUBLISHED,
	E_ISSUED,
	E_ATOM_SUMMARY,
	E_ATOM_CONTENT,
	E_ATOM_AUTHOR,
	E_ATOM_CATEGORY,
	E_NAME,
	E_EMAIL,
	E_ENCODED,
	E_DC_CREATOR,
	E_DC_DATE,
	E_DC_SUBJECT,
	E_DC_TITLE,
	E_DC_DESCRIPTION,
	E_DCT_MODIFIED,
	E_MEDIA_CONTENT,
	E_MEDIA_DESCRIPTION,
	E_COUNT
};

/* Namespace families. */
enum family {
	F_RSS = 0, /* no namespace, RSS 0.90, RSS 1.0 */
	F_ATOM,
	F_CONTENT,
	F_DC,
	F_DCTERMS,
	F_MEDIA,
	F_RDF,
	F_XHTML,
	F_XML,
	F_OTHER,
};

/* A table entry with its string's length. */
#define NSMAP(uri, fam, r090, a03)                   \
	{                                            \
		uri, sizeof(uri) - 1, fam, r090, a03 \
	}

static const struct nsmap {
	const char *uri;
	size_t len;
	enum family fam;
	int rss090; /* the RSS 0.90 namespace */
	int atom03;
} nsmaps[] = {
    NSMAP("http://backend.userland.com/rss2", F_RSS, 0, 0),
    NSMAP("http://my.netscape.com/rdf/simple/0.9/", F_RSS, 1, 0),
    NSMAP("http://purl.org/atom/ns#", F_ATOM, 0, 1),
    NSMAP("http://purl.org/dc/elements/1.1/", F_DC, 0, 0),
    NSMAP("http://purl.org/dc/terms/", F_DCTERMS, 0, 0),
    NSMAP("http://purl.org/rss/1.0/", F_RSS, 0, 0),
    NSMAP("http://purl.org/rss/1.0/modules/content/", F_CONTENT, 0, 0),
    NSMAP("http://search.yahoo.com/mrss", F_MEDIA, 0, 0),
    NSMAP("http://search.yahoo.com/mrss/", F_MEDIA, 0, 0),
    NSMAP("http://www.w3.org/1999/02/22-rdf-syntax-ns#", F_RDF, 0, 0),
    NSMAP("http://www.w3.org/1999/xhtml", F_XHTML, 0, 0),
    NSMAP("http://www.w3.org/2005/Atom", F_ATOM, 0, 0),
    NSMAP("http://www.w3.org/XML/1998/namespace", F_XML, 0, 0),
};

/* Sorted by family, then name (strcmp). */
#define ELEM(fam, name, elem)                     \
	{                                         \
		fam, name, sizeof(name) - 1, elem \
	}

static const struct elemdef {
	enum family fam;
	const char *name;
	size_t len;
	enum elem elem;
} elemdefs[] = {
    ELEM(F_RSS, "author", E_RSS_AUTHOR),
    ELEM(F_RSS, "category", E_RSS_CATEGORY),
    ELEM(F_RSS, "channel", E_CHANNEL),
    ELEM(F_RSS, "description", E_DESCRIPTION),
    ELEM(F_RSS, "enclosure", E_ENCLOSURE),
    ELEM(F_RSS, "feed", E_FEED),
    ELEM(F_RSS, "guid", E_GUID),
    ELEM(F_RSS, "image", E_SKIP),
    ELEM(F_RSS, "item", E_ITEM),
    ELEM(F_RSS, "lastBuildDate", E_LASTBUILDDATE),
    ELEM(F_RSS, "link", E_RSS_LINK),
    ELEM(F_RSS, "pubDate", E_PUBDATE),
    ELEM(F_RSS, "rss", E_RSS),
    ELEM(F_RSS, "source", E_SKIP),
    ELEM(F_RSS, "textInput", E_SKIP),
    ELEM(F_RSS, "textinput", E_SKIP),
    ELEM(F_RSS, "title", E_TITLE),
    ELEM(F_ATOM, "author", E_ATOM_AUTHOR),
    ELEM(F_ATOM, "category", E_ATOM_CATEGORY),
    ELEM(F_ATOM, "content", E_ATOM_CONTENT),
    ELEM(F_ATOM, "email", E_EMAIL),
    ELEM(F_ATOM, "entry", E_ENTRY),
    ELEM(F_ATOM, "feed", E_FEED),
    ELEM(F_ATOM, "id", E_ID),
    ELEM(F_ATOM, "issued", E_ISSUED),
    ELEM(F_ATOM, "link", E_ATOM_LINK),
    ELEM(F_ATOM, "modified", E_UPDATED),
    ELEM(F_ATOM, "name", E_NAME),
    ELEM(F_ATOM, "published", E_PUBLISHED),
    ELEM(F_ATOM, "source", E_SKIP),
    ELEM(F_ATOM, "summary", E_ATOM_SUMMARY),
    ELEM(F_ATOM, "title", E_ATOM_TITLE),
    ELEM(F_ATOM, "updated", E_UPDATED),
    ELEM(F_CONTENT, "encoded", E_ENCODED),
    ELEM(F_DC, "creator", E_DC_CREATOR),
    ELEM(F_DC, "date", E_DC_DATE),
    ELEM(F_DC, "description", E_DC_DESCRIPTION),
    ELEM(F_DC, "subject", E_DC_SUBJECT),
    ELEM(F_DC, "title", E_DC_TITLE),
    ELEM(F_DCTERMS, "modified", E_DCT_MODIFIED),
    ELEM(F_MEDIA, "content", E_MEDIA_CONTENT),
    ELEM(F_MEDIA, "description", E_MEDIA_DESCRIPTION),
    ELEM(F_RDF, "RDF", E_RDF),
};

/* Where a text field goes. */
enum target {
	T_NONE = 0,
	T_TITLE,
	T_LINK,
	T_ID,
	T_SUMMARY,
	T_CONTENT,
	T_PUBLISHED,
	T_UPDATED,
	T_AUTHOR,
	T_CATEGORY,
	T_AUTHOR_NAME,
	T_AUTHOR_EMAIL,
	T_META_TITLE,
	T_META_LINK,
	T_META_DATE,
};

/* How a field's text is read: html_to_text flags, or these. */
#define K_ATOM 0x100  /* an Atom text construct: its type="" decides */
#define K_XHTML 0x200 /* markup in the document: serialised, then read */
#define K_MEDIA 0x400 /* media:description: type="html" or plain */
#define K_IGNORE 0x800

/* A rule: the element fills target (and perhaps also a second one at a
 * lower priority), reading its text as kind. */
struct rule {
	enum target target;
	int prio;
	int kind;
	enum target also;
	int also_prio;
};

#define HTML_LINE (HTML_MARKUP | HTML_ONELINE)

/* Fields of an item: the element's parent is the item (or, for media:
 * and Atom authors' parts, anywhere inside it). */
static const struct rule item_rules[E_COUNT] = {
    [E_TITLE] = {T_TITLE, 3, HTML_LINE, T_NONE, 0},
    [E_ATOM_TITLE] = {T_TITLE, 3, K_ATOM | HTML_ONELINE, T_NONE, 0},
    [E_DC_TITLE] = {T_TITLE, 1, HTML_LINE, T_NONE, 0},
    [E_RSS_LINK] = {T_LINK, 3, HTML_ONELINE, T_NONE, 0},
    [E_GUID] = {T_ID, 3, HTML_ONELINE, T_NONE, 0},
    [E_ID] = {T_ID, 3, HTML_ONELINE, T_NONE, 0},
    [E_DESCRIPTION] = {T_SUMMARY, 3, HTML_MARKUP, T_CONTENT, 1},
    [E_ATOM_SUMMARY] = {T_SUMMARY, 3, K_ATOM, T_CONTENT, 1},
    [E_DC_DESCRIPTION] = {T_SUMMARY, 2, HTML_MARKUP, T_NONE, 0},
    [E_MEDIA_DESCRIPTION] = {T_SUMMARY, 1, K_MEDIA, T_NONE, 0},
    [E_ENCODED] = {T_CONTENT, 3, HTML_MARKUP, T_NONE, 0},
    [E_ATOM_CONTENT] = {T_CONTENT, 3, K_ATOM, T_NONE, 0},
    [E_PUBDATE] = {T_PUBLISHED, 3, 0, T_NONE, 0},
    [E_PUBLISHED] = {T_PUBLISHED, 3, 0, T_NONE, 0},
    [E_ISSUED] = {T_PUBLISHED, 2, 0, T_NONE, 0},
    [E_DC_DATE] = {T_PUBLISHED, 2, 0, T_NONE, 0},
    [E_UPDATED] = {T_UPDATED, 3, 0, T_PUBLISHED, 1},
    [E_DCT_MODIFIED] = {T_UPDATED, 2, 0, T_NONE, 0},
    [E_RSS_AUTHOR] = {T_AUTHOR, 1, HTML_LINE, T_NONE, 0},
    [E_DC_CREATOR] = {T_AUTHOR, 1, HTML_LINE, T_NONE, 0},
    [E_RSS_CATEGORY] = {T_CATEGORY, 1, HTML_LINE, T_NONE, 0},
    [E_DC_SUBJECT] = {T_CATEGORY, 1, HTML_LINE, T_NONE, 0},
    [E_NAME] = {T_AUTHOR_NAME, 1, HTML_LINE, T_NONE, 0},
    [E_EMAIL] = {T_AUTHOR_EMAIL, 1, HTML_LINE, T_NONE, 0},
};

/* Fields of the channel (the element's parent is the channel or feed). */
static const struct rule meta_rules[E_COUNT] = {
    [E_TITLE] = {T_META_TITLE, 3, HTML_LINE, T_NONE, 0},
    [E_ATOM_TITLE] = {T_META_TITLE, 3, K_ATOM | HTML_ONELINE, T_NONE, 0},
    [E_DC_TITLE] = {T_META_TITLE, 1, HTML_LINE, T_NONE, 0},
    [E_RSS_LINK] = {T_META_LINK, 3, HTML_ONELINE, T_NONE, 0},
    [E_LASTBUILDDATE] = {T_META_DATE, 3, 0, T_NONE, 0},
    [E_UPDATED] = {T_META_DATE, 3, 0, T_NONE, 0},
    [E_PUBDATE] = {T_META_DATE, 2, 0, T_NONE, 0},
    [E_DC_DATE] = {T_META_DATE, 1, 0, T_NONE, 0},
    [E_DCT_MODIFIED] = {T_META_DATE, 1, 0, T_NONE, 0},
};

static const char *const format_names[] = {
    [FEED_FORMAT_UNKNOWN] = "unknown",
    [FEED_FORMAT_RSS09X] = "rss0.9x",
    [FEED_FORMAT_RSS10] = "rss1.0",
    [FEED_FORMAT_RSS20] = "rss2.0",
    [FEED_FORMAT_ATOM03] = "atom0.3",
    [FEED_FORMAT_ATOM10] = "atom1.0",
};

/* Feed types an HTML page may advertise in <link rel="alternate">. */
static const char *const feed_types[] = {
    "application/atom+xml",
    "application/rdf+xml",
    "application/rss+xml",
    "application/xml",
    "text/xml",
};

static char empty_string[] = "";

/* The SPEC's name of a format ("rss2.0"...). */
const char *
feed_format_name(enum feed_format f)
{
	if ((unsigned)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[f];
}

/* Stream offset of what is being handled now, for line numbers. */
static uint64_t
cur_pos(struct feed_parser *p)
{
	if (p->lax)
		return p->lax_pos;
	if (p->in_expat && p->xp != NULL) {
		XML_Index i = XML_GetCurrentByteIndex(p->xp);
		if (i >= 0)
			return (uint64_t)i;
	}
	return p->fixed_off + p->fixed.len;
}

/* Count newlines lazily up to off; the line there. */
unsigned long
fp_line_at(struct feed_parser *p, uint64_t off)
{
	uint64_t end = p->fixed_off + p->fixed.len;

	if (off > end)
		off = end;
	if (off > p->line_pos && p->line_pos >= p->fixed_off) {
		const char *s = p->fixed.data + (p->line_pos - p->fixed_off);
		const char *e = p->fixed.data + (off - p->fixed_off);

		p->line += scan_count(s, (size_t)(e - s), '\n');
		p->line_pos = off;
	}
	return p->line + p->line_base;
}

/* Record a warning, prefixed with the current line. */
void
fp_warn(struct feed_parser *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	if (p->nwarnings >= FP_WARN_MAX) {
		p->dropped_warnings++;
		return;
	}
	buf_printf(&b, "line %lu: ", fp_line_at(p, cur_pos(p)));
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	/* Messages quote the input: keep them valid UTF-8. */
	struct buf clean = BUF_INIT;
	utf8_append_clean(&clean, b.data, b.len);
	buf_free(&b);
	p->warnings[p->nwarnings++] = buf_steal(&clean);
}

/* Remember an xmlns declaration made at depth. */
void
fp_ns_push(
    struct feed_parser *p, const char *prefix, const char *uri, unsigned depth)
{
	if (p->nns >= FP_NSDECL_MAX || p->nsbuf.len > 60000)
		return;
	p->ns[p->nns].prefix = (uint16_t)p->nsbuf.len;
	buf_appends(&p->nsbuf, prefix ? prefix : "");
	buf_appendc(&p->nsbuf, '\0');
	p->ns[p->nns].uri = (uint16_t)p->nsbuf.len;
	buf_appends(&p->nsbuf, uri ? uri : "");
	buf_appendc(&p->nsbuf, '\0');
	p->ns[p->nns].depth = depth;
	p->nns++;
}

/* The innermost URI bound to prefix (NULL: the default). */
const char *
fp_ns_lookup(struct feed_parser *p, const char *prefix, size_t len)
{
	for (unsigned i = p->nns; i-- > 0;) {
		const char *pf = p->nsbuf.data + p->ns[i].prefix;

		if (prefix == NULL
		        ? *pf == '\0'
		        : strlen(pf) == len && memcmp(pf, prefix, len) == 0)
			return p->nsbuf.data + p->ns[i].uri;
	}
	return NULL;
}

/* Drop the declarations of elements deeper than depth. */
static void
ns_pop(struct feed_parser *p, unsigned depth)
{
	while (p->nns > 0 && p->ns[p->nns - 1].depth > depth) {
		p->nns--;
		buf_truncate(&p->nsbuf, p->ns[p->nns].prefix);
	}
}

/* What we know of a namespace URI, or NULL. */
static const struct nsmap *
nsmap_find(const char *uri, size_t len)
{
	static const struct nsmap *last; /* feeds use few namespaces */

	if (last != NULL && last->len == len &&
	    memcmp(last->uri, uri, len) == 0)
		return last;
	for (size_t i = 0; i < sizeof(nsmaps) / sizeof(nsmaps[0]); i++)
		if (nsmaps[i].len == len &&
		    memcmp(nsmaps[i].uri, uri, len) == 0)
			return last = &nsmaps[i];
	return NULL;
}

/* The element of (family, local name): a binary search that decides on
 * the family and the first letter before calling strcmp, since it runs
 * for every element of every feed. */
static enum elem
elem_find(enum family fam, const char *name, size_t len)
{
	size_t lo = 0, hi = sizeof(elemdefs) / sizeof(elemdefs[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct elemdef *e = &elemdefs[mid];
		int c = fam != e->fam
		    ? (fam < e->fam ? -1 : 1)
		    : (unsigned char)name[0] - (unsigned char)e->name[0];

		if (c == 0) {
			if (e->len == len && memcmp(name, e->name, len) == 0)
				return e->elem;
			c = strcmp(name, e->name);
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return E_OTHER;
}

/* The value of attribute `name` ("URI\x01local" or "local"), or NULL. */
static const char *
att_get(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* The same, ignoring ASCII case (HTML attributes). */
static const char *
att_get_case(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if (str_casecmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

/* The base for relative references at this point. */
static const char *
base_current(struct feed_parser *p)
{
	if (p->nbases > 0)
		return p->bases.data + p->baseoff[p->nbases - 1];
	if (p->base_url != NULL)
		return p->base_url;
	if (p->meta_link.len > 0)
		return p->meta_link.data;
	return NULL;
}

/* Resolve ref against the current base into b (reset first). */
static void
resolve(struct feed_parser *p, struct buf *b, const char *ref, size_t len)
{
	buf_reset(b);
	url_resolve(b, base_current(p), ref, len);
}

/* An element's xml:base, resolved against the current base. */
static void
base_push(struct feed_parser *p, const char *ref)
{
	buf_reset(&p->tmp);
	url_resolve(&p->tmp, base_current(p), ref, strlen(ref));
	p->baseoff[p->nbases++] = p->bases.len;
	buf_append(&p->bases, p->tmp.data ? p->tmp.data : "", p->tmp.len);
	buf_appendc(&p->bases, '\0');
}

/* Point the public meta data at the current buffers. */
static void
meta_sync(struct feed_parser *p)
{
	p->meta.title = (char *)buf_str(&p->meta_title);
	p->meta.link = (char *)buf_str(&p->meta_link);
}

/* Start a new item: every slot empty. */
static void
item_begin(struct feed_parser *p, const char **atts)
{
	const char *about;

	for (int i = 0; i < SLOT_COUNT; i++) {
		buf_reset(&p->slot[i]);
		p->slot_prio[i] = 0;
	}
	for (int i = 0; i < DATE_COUNT; i++) {
		p->date[i] = FEED_TIME_NONE;
		p->date_prio[i] = 0;
	}
	buf_reset(&p->authors);
	buf_reset(&p->categories);
	buf_reset(&p->encbuf);
	p->nauthors = p->ncategories = p->nencl = 0;
	p->list_warned = 0;
	p->content_alias = 0;
	p->item_depth = p->depth;
	about = att_get(
	    atts, "http://www.w3.org/1999/02/22-rdf-syntax-ns#\001about");
	if (about != NULL) {
		size_t n = strlen(about);
		str_trim_range(&about, &n);
		if (n > 0) {
			buf_append(&p->slot[SLOT_ID], about, n);
			p->slot_prio[SLOT_ID] = 2;
		}
	}
}

/* Add s to a NUL-separated list unless it is there or the list is full. */
static void
list_add(struct feed_parser *p, struct buf *list, size_t *n, const char *s,
    size_t len)
{
	size_t i = 0;

	if (len == 0)
		return;
	while (i < list->len) {
		size_t l = strlen(list->data + i);
		if (l == len && memcmp(list->data + i, s, len) == 0)
			return;
		i += l + 1;
	}
	if (*n >= FP_LIST_MAX) {
		if (!p->list_warned++)
			fp_warn(p,
			    "more than %d authors, categories or "
			    "enclosures in an item: the rest dropped",
			    FP_LIST_MAX);
		return;
	}
	buf_append(list, s, len);
	buf_appendc(list, '\0');
	(*n)++;
}

/* Add an enclosure (URL made absolute), once per URL. */
static void
enclosure_add(struct feed_parser *p, const char *url, const char *type,
    const char *length)
{
	struct buf *b = &p->tmp;
	long long len = -1;

	if (url == NULL || *url == '\0')
		return;
	resolve(p, b, url, strlen(url));
	for (size_t i = 0; i < p->nencl; i++)
		if (strcmp(p->encbuf.data + p->encl_url[i], buf_str(b)) == 0)
			return;
	if (p->nencl >= FP_LIST_MAX) {
		if (!p->list_warned++)
			fp_warn(p,
			    "more than %d enclosures in an item: the "
			    "rest dropped",
			    FP_LIST_MAX);
		return;
	}
	if (length != NULL)
		str_parse_int(length, 0, INT64_MAX / 2, &len);
	p->encl_url[p->nencl] = p->encbuf.len;
	buf_append(&p->encbuf, buf_str(b), b->len);
	buf_appendc(&p->encbuf, '\0');
	p->encl_type[p->nencl] = p->encbuf.len;
	if (type != NULL) {
		const char *t = type;
		size_t tl = strlen(type);
		str_trim_range(&t, &tl);
		buf_append(&p->encbuf, t, tl);
	}
	buf_appendc(&p->encbuf, '\0');
	p->encl[p->nencl].length = len;
	p->nencl++;
}

/* Point the item's arrays into the buffers and call back. */
static void
item_emit(struct feed_parser *p)
{
	struct feed_item it;
	char hex[17];
	size_t i, off;

	memset(&it, 0, sizeof(it));
	it.title = (char *)buf_str(&p->slot[SLOT_TITLE]);
	it.link = (char *)buf_str(&p->slot[SLOT_LINK]);
	it.summary = (char *)buf_str(&p->slot[SLOT_SUMMARY]);
	it.content = p->slot_prio[SLOT_CONTENT] == 0 && p->content_alias
	    ? it.summary
	    : (char *)buf_str(&p->slot[SLOT_CONTENT]);
	if (p->slot[SLOT_ID].len > 0)
		it.id = p->slot[SLOT_ID].data;
	else if (p->slot[SLOT_LINK].len > 0)
		it.id = p->slot[SLOT_LINK].data;
	else {
		uint64_t h =
		    hash64_update(HASH64_INIT, it.title, strlen(it.title));
		h = hash64_update(h, "\n", 1);
		h = hash64_update(h, it.summary, strlen(it.summary));
		hash64_hex(h, hex);
		it.id = hex;
	}
	it.published = p->date[DATE_PUBLISHED];
	it.updated = p->date[DATE_UPDATED];
	const struct buf *au = &p->authors;
	size_t nau = p->nauthors;
	if (nau == 0) { /* the feed's authors, when it named any (Atom) */
		au = &p->feed_authors;
		nau = p->nfeed_authors;
	}
	for (i = 0, off = 0; i < nau; i++) {
		p->authv[i] = au->data + off;
		off += strlen(p->authv[i]) + 1;
	}
	it.authors = p->authv;
	it.nauthors = nau;
	for (i = 0, off = 0; i < p->ncategories; i++) {
		p->catv[i] = p->categories.data + off;
		off += strlen(p->catv[i]) + 1;
	}
	it.categories = p->catv;
	it.ncategories = p->ncategories;
	for (i = 0; i < p->nencl; i++) {
		p->encl[i].url = p->encbuf.data + p->encl_url[i];
		p->encl[i].type = p->encbuf.data + p->encl_type[i];
	}
	it.enclosures = p->encl;
	it.nenclosures = p->nencl;
	p->nitems++;
	p->cb(&it, p->cbarg);
}

/* Local name of stack level d. */
static const char *
level_name(struct feed_parser *p, unsigned d)
{
	return p->names.data + p->stack[d].nameoff;
}

/* The kind of an Atom text construct from its attributes. */
static int
atom_kind(const char **atts, int flags)
{
	const char *type = att_get(atts, "type");
	const char *mode = att_get(atts, "mode");

	flags &= ~K_ATOM;
	if (att_get(atts, "src") != NULL)
		return K_IGNORE;
	if (mode != NULL && strcmp(mode, "base64") == 0)
		return K_IGNORE;
	if (mode != NULL && strcmp(mode, "xml") == 0)
		return flags | HTML_MARKUP | K_XHTML;
	if (type == NULL || strcmp(type, "text") == 0 ||
	    strcmp(type, "text/plain") == 0)
		return flags;
	if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		return flags | HTML_MARKUP;
	if (strcmp(type, "xhtml") == 0 ||
	    strcmp(type, "application/xhtml+xml") == 0)
		return flags | HTML_MARKUP | K_XHTML;
	if (str_has_prefix(type, "text/"))
		return flags;
	return K_IGNORE;
}

/* A text field starts: gather its characters from here. */
static void
collect_begin(struct feed_parser *p, const struct rule *r, int meta,
    enum elem e, const char **atts)
{
	int kind = r->kind;

	if (kind & K_ATOM)
		kind = atom_kind(atts, kind);
	if (kind & K_MEDIA) {
		const char *t = att_get(atts, "type");
		kind = t != NULL && strcmp(t, "html") == 0 ? HTML_MARKUP : 0;
	}
	if (kind & K_IGNORE)
		return;
	p->collect_depth = p->depth;
	p->collect_slot = (int)(r - (meta ? meta_rules : item_rules));
	p->collect_meta = meta;
	p->collect_kind = kind;
	p->collect_full = 0;
	p->collect_elem = (int)e;
	buf_reset(&p->collect);
	if (e == E_GUID) {
		const char *pl = att_get(atts, "isPermaLink");
		p->guid_permalink = pl == NULL || strcmp(pl, "false") != 0;
	}
}

/* Store processed text in an item slot if its priority wins. */
static void
slot_set(struct feed_parser *p, int slot, int prio, const char *s, size_t len)
{
	if (prio <= p->slot_prio[slot])
		return;
	p->slot_prio[slot] = prio;
	if (slot == SLOT_LINK) {
		struct buf t = BUF_INIT;
		resolve(p, &t, s, len);
		buf_reset(&p->slot[slot]);
		buf_append(&p->slot[slot], buf_str(&t), t.len);
		buf_free(&t);
		return;
	}
	buf_reset(&p->slot[slot]);
	buf_append(&p->slot[slot], s, len);
}

/* Parse a date field and store it if its priority wins. */
static void
date_set(
    struct feed_parser *p, enum target t, int prio, const char *raw, size_t len)
{
	time_t v;

	if (feed_date_parse(raw, len, &v) == -1) {
		const char *s = raw;
		size_t n = len;
		str_trim_range(&s, &n);
		fp_warn(p, "unreadable date \"%.*s\" in <%s>: read as null",
		    (int)(n < 80 ? n : 80), s, level_name(p, p->depth));
		return;
	}
	if (t == T_META_DATE) {
		if (prio > p->meta_date_prio) {
			p->meta_date_prio = prio;
			p->meta.updated = v;
		}
		return;
	}
	int d = t == T_PUBLISHED ? DATE_PUBLISHED : DATE_UPDATED;
	if (prio > p->date_prio[d]) {
		p->date_prio[d] = prio;
		p->date[d] = v;
	}
}

/* Deliver the processed field to one target. */
static void
field_store(
    struct feed_parser *p, enum target t, int prio, const char *txt, size_t n)
{
	switch (t) {
	case T_NONE:
		break;
	case T_TITLE:
		slot_set(p, SLOT_TITLE, prio, txt, n);
		break;
	case T_LINK:
		slot_set(p, SLOT_LINK, prio, txt, n);
		break;
	case T_ID:
		slot_set(p, SLOT_ID, prio, txt, n);
		break;
	case T_SUMMARY:
		slot_set(p, SLOT_SUMMARY, prio, txt, n);
		break;
	case T_CONTENT:
		slot_set(p, SLOT_CONTENT, prio, txt, n);
		break;
	case T_AUTHOR:
		list_add(p, &p->authors, &p->nauthors, txt, n);
		break;
	case T_CATEGORY:
		list_add(p, &p->categories, &p->ncategories, txt, n);
		break;
	case T_AUTHOR_NAME:
		buf_reset(&p->author_name);
		buf_append(&p->author_name, txt, n);
		break;
	case T_AUTHOR_EMAIL:
		buf_reset(&p->author_email);
		buf_append(&p->author_email, txt, n);
		break;
	case T_META_TITLE:
		if (prio > p->meta_title_prio) {
			p->meta_title_prio = prio;
			buf_reset(&p->meta_title);
			buf_append(&p->meta_title, txt, n);
		}
		break;
	case T_META_LINK:
		if (prio > p->meta_link_prio) {
			struct buf b = BUF_INIT;
			p->meta_link_prio = prio;
			resolve(p, &b, txt, n);
			buf_reset(&p->meta_link);
			buf_append(&p->meta_link, buf_str(&b), b.len);
			buf_free(&b);
		}
		break;
	case T_PUBLISHED:
	case T_UPDATED:
	case T_META_DATE:
		break; /* dates are read from the raw text */
	}
	meta_sync(p);
}

/* The item slot a text target fills as is (not links: they resolve). */
static int
slot_of(enum target t)
{
	switch (t) {
	case T_TITLE:
		return SLOT_TITLE;
	case T_ID:
		return SLOT_ID;
	case T_SUMMARY:
		return SLOT_SUMMARY;
	case T_CONTENT:
		return SLOT_CONTENT;
	default:
		return -1;
	}
}

/* Whether a target takes a date. */
static int
is_date(enum target t)
{
	return t == T_PUBLISHED || t == T_UPDATED || t == T_META_DATE;
}

/* The field element ends: process its text and store it. */
static void
collect_end(struct feed_parser *p)
{
	const struct rule *r =
	    (p->collect_meta ? meta_rules : item_rules) + p->collect_slot;
	int flags = p->collect_kind & (HTML_MARKUP | HTML_ONELINE);

	p->collect_depth = 0;
	if (is_date(r->target)) {
		date_set(p, r->target, r->prio, buf_str(&p->collect),
		    p->collect.len);
		if (r->also != T_NONE)
			date_set(p, r->also, r->also_prio, buf_str(&p->collect),
			    p->collect.len);
		return;
	}
	buf_reset(&p->tmp);
	html_to_text(&p->tmp, buf_str(&p->collect), p->collect.len, flags);
	if (p->collect_elem == E_GUID && p->guid_permalink &&
	    (str_has_prefix(buf_str(&p->tmp), "http://") ||
	        str_has_prefix(buf_str(&p->tmp), "https://")))
		slot_set(p, SLOT_LINK, 1, p->tmp.data, p->tmp.len);
	int slot = slot_of(r->target);
	if (r->also == T_CONTENT && slot == SLOT_SUMMARY && !p->collect_meta) {
		/* Content falls back to this summary: an alias, resolved
		 * when the item is handed out, instead of a copy. */
		if (r->prio > p->slot_prio[SLOT_SUMMARY] &&
		    r->also_prio > p->slot_prio[SLOT_CONTENT])
			p->content_alias = 1;
	} else if (r->also != T_NONE)
		field_store(
		    p, r->also, r->also_prio, buf_str(&p->tmp), p->tmp.len);
	if (slot >= 0 && !p->collect_meta) {
		/* The text is the slot's now: swap buffers, no copy. */
		if (r->prio > p->slot_prio[slot]) {
			struct buf t = p->slot[slot];
			p->slot[slot] = p->tmp;
			p->tmp = t;
			p->slot_prio[slot] = r->prio;
		}
		return;
	}
	field_store(p, r->target, r->prio, buf_str(&p->tmp), p->tmp.len);
}

/* A link in Atom (or atom:link in RSS): alternate, enclosure, or not
 * ours. */
static void
atom_link(struct feed_parser *p, const char **atts, int in_item,
    int parent_is_channel)
{
	const char *rel = att_get(atts, "rel");
	const char *href = att_get(atts, "href");

	if (href == NULL)
		return;
	if (rel == NULL || strcmp(rel, "alternate") == 0 ||
	    strcmp(rel,
	        "http://www.iana.org/assignments/relation/"
	        "alternate") == 0) {
		int prio = p->meta.format == FEED_FORMAT_ATOM10 ||
		        p->meta.format == FEED_FORMAT_ATOM03
		    ? 3
		    : 2;
		if (in_item && p->depth == p->item_depth + 1)
			slot_set(p, SLOT_LINK, prio, href, strlen(href));
		else if (!in_item && parent_is_channel)
			field_store(p, T_META_LINK, prio, href, strlen(href));
	} else if (strcmp(rel, "enclosure") == 0 && in_item)
		enclosure_add(
		    p, href, att_get(atts, "type"), att_get(atts, "length"));
}

/* <link rel="alternate" type="application/rss+xml" href=...> in HTML. */
static void
html_start(struct feed_parser *p, const char *local, const char **atts)
{
	const char *rel, *type, *href;

	if (str_casecmp(local, "body") == 0) {
		p->hopeless = 1;
		return;
	}
	if (str_casecmp(local, "link") != 0 || p->html_feed != NULL)
		return;
	rel = att_get_case(atts, "rel");
	type = att_get_case(atts, "type");
	href = att_get_case(atts, "href");
	if (rel == NULL || type == NULL || href == NULL ||
	    strstr(rel, "alternate") == NULL)
		return;
	for (size_t i = 0; i < sizeof(feed_types) / sizeof(feed_types[0]); i++)
		if (str_casecmp(type, feed_types[i]) == 0) {
			struct buf b = BUF_INIT;
			resolve(p, &b, href, strlen(href));
			p->html_feed = buf_steal(&b);
			return;
		}
}

/* The root element decides the format. */
static void
root_start(struct feed_parser *p, enum elem e, const struct nsmap *ns,
    const char *local, const char **atts)
{
	const char *v;

	size_t n = utf8_cut(local, strlen(local), sizeof(p->root_name) - 1);
	memcpy(p->root_name, local, n);
	p->root_name[n] = '\0';
	p->root_seen = 1;
	switch (e) {
	case E_RSS:
		v = att_get(atts, "version");
		p->meta.format = v != NULL && str_has_prefix(v, "0.9")
		    ? FEED_FORMAT_RSS09X
		    : FEED_FORMAT_RSS20;
		break;
	case E_RDF:
		p->meta.format = FEED_FORMAT_RSS10;
		break;
	case E_ENTRY: /* an Atom entry document (RFC 4287 4.1.2) */
		p->meta.format = ns != NULL && ns->atom03 ? FEED_FORMAT_ATOM03
		                                          : FEED_FORMAT_ATOM10;
		item_begin(p, atts);
		break;
	case E_FEED:
		v = att_get(atts, "version");
		p->meta.format = (ns != NULL && ns->atom03) ||
		        (v != NULL && strcmp(v, "0.3") == 0)
		    ? FEED_FORMAT_ATOM03
		    : FEED_FORMAT_ATOM10;
		p->channel_depth = 1;
		break;
	default:
		if (str_casecmp(local, "html") == 0)
			p->html = 1;
		else
			p->hopeless = 1;
		break;
	}
}

/* Start tag of a child of a field: markup for HTML, nothing else. */
static void
collect_child(struct feed_parser *p, const char *local)
{
	if (!(p->collect_kind & HTML_MARKUP) || p->collect_full)
		return;
	buf_appendc(&p->collect, '<');
	buf_appends(&p->collect, local);
	buf_appendc(&p->collect, '>');
}

/* Start tag (expat or lax.c): "URI\x01local" name, attributes. */
void
fp_start(struct feed_parser *p, const char *name, const char **atts)
{
	const char *sep = strchr(name, NS_SEP), *local, *v;
	const struct nsmap *ns = NULL;
	enum family fam;
	enum elem e = E_OTHER;
	unsigned d;

	if (p->hopeless || (p->root_seen && p->depth == 0))
		return; /* whatever follows the root element is not ours */
	if (p->depth >= FP_DEPTH_MAX || p->overflow > 0) {
		if (p->overflow++ == 0)
			fp_warn(p, "elements nested deeper than %d ignored",
			    FP_DEPTH_MAX);
		return;
	}
	if (sep != NULL) {
		local = sep + 1;
		ns = nsmap_find(name, (size_t)(sep - name));
		fam = ns != NULL ? ns->fam : F_OTHER;
		if (ns != NULL && ns->rss090 &&
		    p->meta.format == FEED_FORMAT_RSS10)
			p->meta.format = FEED_FORMAT_RSS09X;
	} else {
		local = name;
		fam = p->meta.format == FEED_FORMAT_ATOM10 ||
		        p->meta.format == FEED_FORMAT_ATOM03
		    ? F_ATOM
		    : F_RSS;
	}
	size_t local_len = strlen(local);
	e = elem_find(fam, local, local_len);
	d = ++p->depth;
	p->stack[d].elem = (uint16_t)e;
	p->stack[d].nameoff = (uint16_t)p->names.len;
	p->stack[d].base = 0;
	buf_append(&p->names, local, utf8_cut(local, local_len, NAME_KEEP));
	buf_appendc(&p->names, '\0');
	if ((v = att_get(atts,
	         "http://www.w3.org/XML/1998/namespace\001base")) != NULL) {
		base_push(p, v);
		p->stack[d].base = 1;
	}
	if (p->collect_depth) {
		collect_child(p, local);
		return;
	}
	if (p->skip_depth)
		return;
	if (d == 1) {
		root_start(p, e, ns, local, atts);
		return;
	}
	if (p->html) {
		html_start(p, local, atts);
		return;
	}
	enum elem parent = (enum elem)p->stack[d - 1].elem;
	int in_item = p->item_depth != 0;
	int under_channel = parent == E_CHANNEL || parent == E_FEED;
	switch (e) {
	case E_CHANNEL:
		if (p->channel_depth == 0)
			p->channel_depth = d;
		return;
	case E_ITEM:
	case E_ENTRY:
		if (in_item &&
		    parent == (enum elem)p->stack[p->item_depth].elem &&
		    d == p->item_depth + 1) {
			/* An item opened inside an item: the first one was
			 * never closed.  It ends here. */
			fp_warn(p, "<%s> inside <%s>: the first one ends there",
			    local, local);
			item_emit(p);
			in_item = 0;
		}
		if (!in_item)
			item_begin(p, atts);
		return;
	case E_SKIP:
		p->skip_depth = d;
		return;
	case E_ATOM_LINK:
		atom_link(p, atts, in_item, under_channel);
		return;
	case E_ENCLOSURE:
		if (in_item)
			enclosure_add(p, att_get(atts, "url"),
			    att_get(atts, "type"), att_get(atts, "length"));
		return;
	case E_MEDIA_CONTENT:
		if (in_item)
			enclosure_add(p, att_get(atts, "url"),
			    att_get(atts, "type"), att_get(atts, "fileSize"));
		return;
	case E_ATOM_CATEGORY:
		if (in_item && parent == E_ENTRY &&
		    (v = att_get(atts, "term")) != NULL) {
			buf_reset(&p->tmp);
			html_to_text(&p->tmp, v, strlen(v), HTML_ONELINE);
			list_add(p, &p->categories, &p->ncategories,
			    buf_str(&p->tmp), p->tmp.len);
		}
		return;
	case E_ATOM_AUTHOR:
		/* An entry's author, or the feed's (which entries without
		 * one of their own inherit, as Atom says). */
		if ((in_item && parent == E_ENTRY) ||
		    (!in_item && parent == E_FEED)) {
			p->author_depth = d;
			p->author_feed = !in_item;
			buf_reset(&p->author_name);
			buf_reset(&p->author_email);
		}
		return;
	default:
		break;
	}
	if (in_item) {
		const struct rule *r = &item_rules[e];
		int ok = parent == E_ITEM || parent == E_ENTRY;

		if (r->target == T_AUTHOR_NAME || r->target == T_AUTHOR_EMAIL)
			ok = p->author_depth != 0 && d == p->author_depth + 1;
		else if (e == E_MEDIA_DESCRIPTION)
			ok = 1;
		if (r->target != T_NONE && ok)
			collect_begin(p, r, 0, e, atts);
	} else if (p->author_depth != 0 && d == p->author_depth + 1 &&
	    (e == E_NAME || e == E_EMAIL))
		collect_begin(p, &item_rules[e], 0, e, atts);
	else if (under_channel && meta_rules[e].target != T_NONE)
		collect_begin(p, &meta_rules[e], 1, e, atts);
}

/* Characters: kept only inside a text field, up to the cap. */
void
fp_text(struct feed_parser *p, const char *s, size_t len)
{
	if (p->collect_depth == 0 || p->collect_full || p->overflow > 0)
		return;
	if (p->collect.len + len > FP_FIELD_MAX) {
		len = utf8_cut(s, len, FP_FIELD_MAX - p->collect.len);
		p->collect_full = 1;
		fp_warn(
		    p, "a field longer than %d bytes cut short", FP_FIELD_MAX);
	}
	if (!(p->collect_kind & K_XHTML)) {
		struct buf *b = &p->collect;
		/* expat calls this once a line: append without a call when
		 * there is room. */
		if (b->len + len < b->cap) {
			memcpy(b->data + b->len, s, len);
			b->len += len;
			b->data[b->len] = '\0';
		} else
			buf_append(b, s, len);
		return;
	}
	/* XHTML text goes back to markup, so it must be escaped again. */
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '&')
			buf_appends(&p->collect, "&amp;");
		else if (s[i] == '<')
			buf_appends(&p->collect, "&lt;");
		else
			buf_appendc(&p->collect, s[i]);
	}
}

/* End tag of the innermost open element. */
void
fp_end(struct feed_parser *p)
{
	unsigned d = p->depth;

	if (p->overflow > 0) {
		p->overflow--;
		return;
	}
	if (d == 0)
		return;
	if (p->collect_depth != 0 && d > p->collect_depth) {
		if ((p->collect_kind & HTML_MARKUP) && !p->collect_full) {
			buf_appends(&p->collect, "</");
			buf_appends(&p->collect, level_name(p, d));
			buf_appendc(&p->collect, '>');
		}
	} else if (p->collect_depth == d)
		collect_end(p);
	else if (p->skip_depth == d)
		p->skip_depth = 0;
	else if (p->item_depth == d) {
		item_emit(p);
		p->item_depth = 0;
	} else if (p->author_depth == d) {
		struct buf *a =
		    p->author_name.len ? &p->author_name : &p->author_email;
		if (p->author_feed)
			list_add(p, &p->feed_authors, &p->nfeed_authors,
			    buf_str(a), a->len);
		else
			list_add(
			    p, &p->authors, &p->nauthors, buf_str(a), a->len);
		p->author_depth = 0;
	}
	if (p->stack[d].base) {
		p->nbases--;
		buf_truncate(&p->bases, p->baseoff[p->nbases]);
	}
	buf_truncate(&p->names, p->stack[d].nameoff);
	p->depth--;
	ns_pop(p, p->depth);
}

/* expat's handlers: thin wrappers. */
static void XMLCALL
xp_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct feed_parser *p = arg;

	p->events++;
	fp_start(p, name, atts);
	if (p->hopeless)
		XML_StopParser(p->xp, XML_FALSE);
}

/* expat end-tag handler. */
static void XMLCALL
xp_end(void *arg, const XML_Char *name)
{
	struct feed_parser *p = arg;

	(void)name;
	p->events++;
	fp_end(p);
}

/* expat character-data handler. */
static void XMLCALL
xp_text(void *arg, const XML_Char *s, int len)
{
	struct feed_parser *p = arg;

	p->events++;
	fp_text(p, s, (size_t)len);
}

/* expat namespace-declaration handler. */
static void XMLCALL
xp_nsdecl(void *arg, const XML_Char *prefix, const XML_Char *uri)
{
	struct feed_parser *p = arg;

	fp_ns_push(p, prefix, uri, p->depth + 1);
}

/* expat entity-declaration handler: the expansion guard. */
static void XMLCALL
xp_entitydecl(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *system_id, const XML_Char *public_id,
    const XML_Char *notation)
{
	struct feed_parser *p = arg;

	(void)is_param, (void)base, (void)system_id, (void)public_id;
	(void)notation;
	if (++p->entity_decls > ENTITY_DECL_MAX) {
		fp_warn(p,
		    "more than %d entity declarations: entities are "
		    "not expanded",
		    ENTITY_DECL_MAX);
		XML_StopParser(p->xp, XML_FALSE);
	} else if (value != NULL && memchr(value, '&', (size_t)value_len)) {
		/* Entities made of entities are how expansion bombs grow;
		 * feeds have no use for them. */
		fp_warn(p,
		    "entity &%s; is made of other entities: entities "
		    "are not expanded",
		    name);
		XML_StopParser(p->xp, XML_FALSE);
	}
}

/* A parser for one document; see parse.h. */
struct feed_parser *
feed_parser_new(const char *base_url, feed_item_cb cb, void *arg)
{
	struct feed_parser *p = xcalloc(1, sizeof(*p));

	p->cb = cb;
	p->cbarg = arg;
	if (base_url != NULL && *base_url != '\0')
		p->base_url = xstrdup(base_url);
	p->cd = (iconv_t)-1;
	p->line = 1;
	p->meta.title = p->meta.link = empty_string;
	p->meta.updated = FEED_TIME_NONE;
	p->xp = XML_ParserCreateNS("UTF-8", NS_SEP);
	if (p->xp == NULL) {
		free(p->base_url);
		free(p);
		return NULL;
	}
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, xp_start, xp_end);
	XML_SetCharacterDataHandler(p->xp, xp_text);
	XML_SetStartNamespaceDeclHandler(p->xp, xp_nsdecl);
	XML_SetEntityDeclHandler(p->xp, xp_entitydecl);
	XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(
	    p->xp, AMPLIFICATION_MAX);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(
	    p->xp, AMPLIFICATION_ACTIVATION);
	return p;
}

/* Use the HTTP charset before the declaration's. */
void
feed_parser_set_charset(struct feed_parser *p, const char *charset)
{
	free(p->http_charset);
	p->http_charset = charset && *charset ? xstrdup(charset) : NULL;
}

/* expat failed: lax.c reads on from where it stopped. */
static void
lax_begin(struct feed_parser *p)
{
	enum XML_Error err = XML_GetErrorCode(p->xp);
	XML_Index at = XML_GetCurrentByteIndex(p->xp);
	uint64_t end = p->fixed_off + p->fixed.len, pos;

	pos = at < 0 ? p->fixed_off : (uint64_t)at;
	if (pos < p->fixed_off)
		pos = p->fixed_off;
	if (pos > end)
		pos = end;
	/* expat may point inside the tag it choked on ("</" name): start
	 * lax.c at that tag's '<'. */
	for (uint64_t q = pos; q > p->fixed_off && pos - q < FP_TOKEN_MAX;
	     q--) {
		char c = p->fixed.data[q - 1 - p->fixed_off];
		if (c == '>')
			break;
		if (c == '<') {
			pos = q - 1;
			break;
		}
	}
	p->lax = 1;
	p->lax_pos = pos;
	p->lx = LAX_TEXT;
	if (err != XML_ERROR_ABORTED)
		fp_warn(p, "not well-formed XML (%s): read on leniently",
		    XML_ErrorString(err));
}

/* Tests: read with lax.c from the start, expat never used. */
void
fp_lax_only(struct feed_parser *p)
{
	p->lax = 1;
	p->lax_pos = p->fixed_off;
	p->lx = LAX_TEXT;
}

/* Drop what no stage needs any more from the stream buffer. */
static void
stream_trim(struct feed_parser *p)
{
	uint64_t keep;

	if (p->lax)
		keep = p->lax_pos;
	else
		keep = p->fed > FP_RETAIN ? p->fed - FP_RETAIN : 0;
	if (keep < p->fixed_off + FP_TRIM)
		return;
	fp_line_at(p, keep);
	buf_consume(&p->fixed, (size_t)(keep - p->fixed_off));
	p->fixed_off = keep;
}

/* Hand the repaired bytes to expat, or to lax.c. */
static void
stream_pump(struct feed_parser *p, int final)
{
	uint64_t end = p->fixed_off + p->fixed.len;

	if (!p->lax && !p->hopeless) {
		const char *s = p->fixed.data ? p->fixed.data : "";
		size_t off = (size_t)(p->fed - p->fixed_off);
		enum XML_Status st;

		p->in_expat = 1;
		st = XML_Parse(p->xp, s + off, (int)(end - p->fed), final);
		p->in_expat = 0;
		p->fed = end;
		if (st == XML_STATUS_ERROR && !p->hopeless)
			lax_begin(p);
		else if (p->events != p->events_seen) {
			p->events_seen = p->events;
			p->quiet_from = p->fed;
		} else if (p->fed - p->quiet_from > FP_QUIET_MAX) {
			/* expat holds one token that does not end (a tag,
			 * comment or declaration): stop feeding it, and let
			 * lax.c read the rest, that token as text. */
			fp_warn(p,
			    "markup longer than %d bytes: read leniently",
			    FP_QUIET_MAX);
			p->lax = 1;
			p->lx = LAX_TEXT;
			p->lax_pos = p->quiet_from > p->fixed_off
			    ? p->quiet_from
			    : p->fixed_off;
		}
	}
	if (p->lax && !p->hopeless)
		lax_run(p, final);
	stream_trim(p);
}

/* Parse one more chunk of the document. */
int
feed_parser_feed(struct feed_parser *p, const void *buf, size_t len)
{
	const char *s = buf;

	if (p->hopeless || p->finished)
		return p->hopeless ? -1 : 0;
	/* expat takes int lengths: feed huge chunks in parts. */
	while (len > 0 && !p->hopeless) {
		size_t n = len > (1u << 30) ? (1u << 30) : len;

		dec_feed(p, s, n, 0);
		stream_pump(p, 0);
		s += n;
		len -= n;
	}
	return p->hopeless ? -1 : 0;
}

/* Say why the input holds no feed. */
static void
set_error(struct feed_parser *p)
{
	free(p->error);
	p->error = NULL;
	if (p->html && p->html_feed != NULL)
		xasprintf(&p->error,
		    "not a feed but an HTML page; it advertises the feed %s",
		    p->html_feed);
	else if (p->html)
		xasprintf(&p->error,
		    "not a feed but an HTML page that advertises no feed");
	else if (p->root_seen)
		xasprintf(&p->error, "not a feed: the root element is <%s>",
		    p->root_name);
	else if (p->junk == 0 && !p->seen_lt)
		xasprintf(&p->error, "no feed: the input is empty");
	else
		xasprintf(&p->error, "not a feed: no XML element in the input");
}

/* End of input: flush every stage, check for a feed. */
int
feed_parser_finish(struct feed_parser *p)
{
	if (p->finished)
		return p->error ? -1 : 0;
	p->finished = 1;
	if (!p->hopeless) {
		dec_feed(p, "", 0, 1);
		xmlfix_feed(p, "", 0, 1);
		stream_pump(p, 1);
	}
	if (p->meta.format == FEED_FORMAT_UNKNOWN) {
		set_error(p);
		return -1;
	}
	if (p->item_depth != 0)
		fp_warn(p,
		    "the document ends inside an item: that item is "
		    "dropped");
	else if (p->depth > 0)
		fp_warn(p, "the document ends before its elements are closed");
	if (p->dropped_warnings > 0)
		xasprintf(&p->warnings[p->nwarnings++],
		    "%zu more warnings not shown", p->dropped_warnings);
	return 0;
}

/* Why finish failed ("" when it did not). */
const char *
feed_parser_error(const struct feed_parser *p)
{
	return p->error ? p->error : "";
}

/* The channel's data read so far. */
const struct feed_meta *
feed_parser_meta(const struct feed_parser *p)
{
	return &p->meta;
}

/* How many warnings there are. */
size_t
feed_parser_nwarnings(const struct feed_parser *p)
{
	return p->nwarnings;
}

/* Warning i, or NULL. */
const char *
feed_parser_warning(const struct feed_parser *p, size_t i)
{
	return i < p->nwarnings ? p->warnings[i] : NULL;
}

/* Free the parser and all it holds. */
void
feed_parser_free(struct feed_parser *p)
{
	if (p == NULL)
		return;
	if (p->xp != NULL)
		XML_ParserFree(p->xp);
	dec_free(p);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	for (int i = 0; i < SLOT_COUNT; i++)
		buf_free(&p->slot[i]);
	buf_free(&p->xfcarry);
	buf_free(&p->fixed);
	buf_free(&p->scratch);
	buf_free(&p->laxatts);
	buf_free(&p->names);
	buf_free(&p->bases);
	buf_free(&p->nsbuf);
	buf_free(&p->collect);
	buf_free(&p->tmp);
	buf_free(&p->authors);
	buf_free(&p->feed_authors);
	buf_free(&p->categories);
	buf_free(&p->author_name);
	buf_free(&p->author_email);
	buf_free(&p->encbuf);
	buf_free(&p->meta_title);
	buf_free(&p->meta_link);
	free(p->html_feed);
	free(p->error);
	free(p->base_url);
	free(p->http_charset);
	free(p);
}

/* Copy an array of n strings (NULL-terminated). */
static char **
strv_dup(char **v, size_t n)
{
	char **d = xcalloc(n + 1, sizeof(*d));

	for (size_t i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

/* A deep copy of an item, to keep past the callback. */
struct feed_item *
feed_item_dup(const struct feed_item *it)
{
	struct feed_item *d = xcalloc(1, sizeof(*d));

	d->id = xstrdup(it->id);
	d->title = xstrdup(it->title);
	d->link = xstrdup(it->link);
	d->summary = xstrdup(it->summary);
	d->content = xstrdup(it->content);
	d->language = it->language != NULL ? xstrdup(it->language) : NULL;
	d->published = it->published;
	d->updated = it->updated;
	d->authors = strv_dup(it->authors, it->nauthors);
	d->nauthors = it->nauthors;
	d->categories = strv_dup(it->categories, it->ncategories);
	d->ncategories = it->ncategories;
	d->enclosures = xcalloc(it->nenclosures + 1, sizeof(*d->enclosures));
	for (size_t i = 0; i < it->nenclosures; i++) {
		d->enclosures[i].url = xstrdup(it->enclosures[i].url);
		d->enclosures[i].type = xstrdup(it->enclosures[i].type);
		d->enclosures[i].length = it->enclosures[i].length;
	}
	d->nenclosures = it->nenclosures;
	return d;
}

/* Free a copy made by feed_item_dup. */
void
feed_item_free(struct feed_item *it)
{
	if (it == NULL)
		return;
	free(it->id);
	free(it->title);
	free(it->link);
	free(it->summary);
	free(it->content);
	free(it->language);
	for (size_t i = 0; i < it->nauthors; i++)
		free(it->authors[i]);
	free(it->authors);
	for (size_t i = 0; i < it->ncategories; i++)
		free(it->categories[i]);
	free(it->categories);
	for (size_t i = 0; i < it->nenclosures; i++) {
		free(it->enclosures[i].url);
		free(it->enclosures[i].type);
	}
	free(it->enclosures);
	free(it);
}
