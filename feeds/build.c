/*
 * The feed parser's item builder (see build.h; parse-int.h for the
 * stages).  It is told of start tags, text and end tags, and keeps a stack
 * of the open elements, each mapped to what it means through elems.c's
 * sorted tables and then through two rule tables here (element -> what it
 * fills in an item, or in the channel).  A text field's characters are
 * gathered into one buffer up to FP_FIELD_MAX, turned into plain text by
 * html.c when its element ends, and stored in the item's slot if nothing
 * better was there: each rule carries a priority, which is how
 * content:encoded beats description and pubDate beats dc:date.  When an
 * item's element ends, the item is assembled (links made absolute, the id
 * chosen, the language inherited) and handed to the callback
 * (builditem.c); its buffers are then reused for the next one, so memory
 * does not grow with the feed.  An item the caller has already (known) is
 * recognised as soon as its id is final, and the rest of it is not read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/build.h"
#include "feeds/date.h"
#include "feeds/elems.h"
#include "feeds/html.h"
#include "feeds/url.h"

/* The attributes of the XML namespace that elements inherit. */
#define XML_BASE "http://www.w3.org/XML/1998/namespace\001base"
#define XML_LANG "http://www.w3.org/XML/1998/namespace\001lang"

static char empty_string[] = "";

static void field_store(
    struct fp_build *, enum target, int, const char *, size_t);

/* Element `depth` gives s[0..n) to its descendants. */
static void
inherit_push(struct fp_inherit *in, unsigned depth, const char *s, size_t n)
{
	in->at[in->n] = depth;
	in->off[in->n++] = in->strs.len;
	buf_append(&in->strs, s, n);
	buf_appendc(&in->strs, '\0');
}

/* The element that pushed the innermost value ends. */
static void
inherit_pop(struct fp_inherit *in)
{
	in->n--;
	buf_truncate(&in->strs, in->off[in->n]);
}

/* The innermost value in scope, or NULL. */
static const char *
inherit_top(const struct fp_inherit *in)
{
	return in->n > 0 ? in->strs.data + in->off[in->n - 1] : NULL;
}

/* The base for relative references at this point. */
static const char *
base_current(struct fp_build *p)
{
	const char *base = inherit_top(&p->bases);

	if (base != NULL)
		return base;
	if (p->base_url != NULL)
		return p->base_url;
	if (p->meta_link.len > 0)
		return p->meta_link.data;
	return NULL;
}

/* The current base, for parse.c (again.c). */
const char *
build_base(struct fp_build *p)
{
	return base_current(p);
}

/* Resolve ref against the current base into b (reset first). */
void
build_resolve(struct fp_build *p, struct buf *b, const char *ref, size_t len)
{
	buf_reset(b);
	url_resolve(b, base_current(p), ref, len);
}

/* An element's xml:base, resolved against the current base. */
static void
base_push(struct fp_build *p, unsigned depth, const char *ref)
{
	buf_reset(&p->tmp);
	url_resolve(&p->tmp, base_current(p), ref, strlen(ref));
	inherit_push(&p->bases, depth, buf_str(&p->tmp), p->tmp.len);
	p->bases_gen++;
}

/* An element's xml:lang, trimmed ("" unsets what it inherits). */
static void
lang_push(struct fp_build *p, unsigned depth, const char *tag)
{
	size_t n = strlen(tag);
	char t[64];

	str_trim_range(&tag, &n);
	if (n < sizeof(t) && memchr(tag, '_', n) != NULL) {
		/* "en_US" as POSIX locales write it is BCP 47's "en-US". */
		for (size_t i = 0; i < n; i++)
			t[i] = tag[i] == '_' ? '-' : tag[i];
		tag = t;
	}
	inherit_push(&p->langs, depth, tag, n);
}

/* Point the public meta data at the current buffers. */
static void
meta_sync(struct fp_build *p)
{
	p->meta.title = (char *)buf_str(&p->meta_title);
	p->meta.link = (char *)buf_str(&p->meta_link);
	p->meta.language =
	    p->meta_language.len > 0 ? p->meta_language.data : NULL;
}

/* The xml:lang in scope at the channel is the feed's, unless it names its
 * language in an element (see meta_rules). */
static void
meta_lang_inherit(struct fp_build *p)
{
	const char *lang = inherit_top(&p->langs);

	if (lang != NULL && *lang != '\0')
		field_store(p, T_META_LANGUAGE, 1, lang, strlen(lang));
}

/* Start a new item: every slot empty. */
static void
item_begin(struct fp_build *p, const char **atts)
{
	const char *about;

	for (int i = 0; i < SLOT_COUNT; i++) {
		buf_reset(&p->slot[i]);
		p->slot_prio[i] = 0;
		p->slot_defer[i] = 0;
	}
	for (int i = 0; i < DATE_COUNT; i++) {
		p->date[i] = FEED_TIME_NONE;
		p->date_prio[i] = 0;
	}
	buf_reset(&p->authors);
	buf_reset(&p->categories);
	buf_reset(&p->encbuf);
	buf_reset(&p->author_det);
	buf_reset(&p->linkbuf);
	for (int i = 0; i < SLOT_COUNT; i++) {
		p->slot_type[i][0] = '\0';
		buf_reset(&p->slot_raw[i]);
	}
	p->nauthors = p->ncategories = p->nencl = p->nlinks = 0;
	p->item_asked = p->item_old = 0;
	p->list_warned = 0;
	p->content_alias = 0;
	p->item_depth = p->scope->depth;
	/* The item's own xml:lang, or one between it and the channel: what
	 * the channel inherits is the feed's language (RSS 1.0 items are
	 * the channel's siblings, an entry document has no channel). */
	const char *lang = inherit_top(&p->langs);
	unsigned above =
	    p->channel_depth > 0 && p->item_depth > p->channel_depth
	    ? p->channel_depth
	    : p->item_depth - 1;
	if (lang != NULL && *lang != '\0' &&
	    p->langs.at[p->langs.n - 1] > above) {
		buf_appends(&p->slot[SLOT_LANGUAGE], lang);
		p->slot_prio[SLOT_LANGUAGE] = 1;
	}
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

/* A text field starts: gather its characters from here. */
static void
collect_begin(struct fp_build *p, const struct rule *r, int meta, enum elem e,
    const char **atts)
{
	int kind = r->kind;

	if (kind & K_ATOM)
		kind = build_atom_kind(atts, kind);
	if (kind & K_MEDIA) {
		const char *t = att_get(atts, "type");
		kind = (kind & HTML_ONELINE) |
		    (t != NULL && strcmp(t, "html") == 0 ? HTML_MARKUP : 0);
	}
	if (!meta && (r->target == T_SUMMARY || r->target == T_CONTENT)) {
		const char *src = att_get(atts, "src");
		if (src != NULL && e == E_ATOM_CONTENT)
			build_link_add(p, "content", att_get(atts, "type"), src,
			    NULL, NULL);
		build_field_type(p->tmp_type, sizeof(p->tmp_type),
		    e == E_MEDIA_DESCRIPTION ? (kind & HTML_MARKUP) : r->kind,
		    atts);
	}
	if (kind & K_IGNORE)
		return;
	p->collect_depth = p->scope->depth;
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

/* Store s in dst if prio beats *have (a link made absolute first). */
static void
prio_set(struct fp_build *p, struct buf *dst, int *have, int prio, int link,
    const char *s, size_t len)
{
	if (prio <= *have)
		return;
	*have = prio;
	if (link) { /* s may be in p->tmp or dst, never in linktmp */
		struct buf t;

		build_resolve(p, &p->linktmp, s, len);
		t = *dst;
		*dst = p->linktmp;
		p->linktmp = t;
		return;
	}
	buf_reset(dst);
	buf_append(dst, s, len);
}

/* Store processed text in an item slot if its priority wins. */
static void
slot_set(struct fp_build *p, int slot, int prio, const char *s, size_t len)
{
	if (prio > p->slot_prio[slot])
		p->slot_defer[slot] = 0;
	prio_set(p, &p->slot[slot], &p->slot_prio[slot], prio,
	    slot == SLOT_LINK, s, len);
}

/* The item slot a text target fills, or -1. */
static int
slot_of(enum target t)
{
	switch (t) {
	case T_TITLE:
		return SLOT_TITLE;
	case T_LINK:
		return SLOT_LINK;
	case T_ID:
		return SLOT_ID;
	case T_SUMMARY:
		return SLOT_SUMMARY;
	case T_CONTENT:
		return SLOT_CONTENT;
	case T_LANGUAGE:
		return SLOT_LANGUAGE;
	default:
		return -1;
	}
}

/* Parse a date field and store it if its priority wins. */
static void
date_set(
    struct fp_build *p, enum target t, int prio, const char *raw, size_t len)
{
	time_t v;

	if (feed_date_parse(raw, len, &v) == -1) {
		const char *s = raw;
		size_t n = len;
		str_trim_range(&s, &n);
		fp_warnf(p->h, "unreadable date \"%.*s\" in <%s>: read as null",
		    (int)(n < 80 ? n : 80), s,
		    scope_name(p->scope, p->scope->depth));
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
    struct fp_build *p, enum target t, int prio, const char *txt, size_t n)
{
	int slot = slot_of(t);

	if (slot >= 0) {
		slot_set(p, slot, prio, txt, n);
		return;
	}
	switch (t) {
	case T_AUTHOR:
		build_author_text(p, txt, n);
		break;
	case T_CATEGORY:
		build_list_add(p, &p->categories, &p->ncategories, txt, n);
		break;
	case T_AUTHOR_NAME:
		buf_reset(&p->author_name);
		buf_append(&p->author_name, txt, n);
		break;
	case T_AUTHOR_EMAIL:
		buf_reset(&p->author_email);
		buf_append(&p->author_email, txt, n);
		break;
	case T_AUTHOR_URI:
		build_resolve(p, &p->author_uri, txt, n);
		break;
	case T_META_TITLE:
		prio_set(
		    p, &p->meta_title, &p->meta_title_prio, prio, 0, txt, n);
		break;
	case T_META_LINK:
		prio_set(p, &p->meta_link, &p->meta_link_prio, prio, 1, txt, n);
		break;
	case T_META_LANGUAGE:
		prio_set(
		    p, &p->meta_language, &p->meta_lang_prio, prio, 0, txt, n);
		break;
	default:
		break; /* dates are read from the raw text */
	}
	meta_sync(p);
}

/* Whether a target takes a date. */
static int
is_date(enum target t)
{
	return t == T_PUBLISHED || t == T_UPDATED || t == T_META_DATE;
}

/* Keep the markup of a title, summary or content that wins its slot, to
 * be made text by item_text once the item's id is known to be new
 * (flags: html_to_text's, and K_GUESS to guess whether it is HTML); 1
 * when it was kept (or lost to a better one), 0: make it text now. */
static int
collect_defer(struct fp_build *p, const struct rule *r, int flags)
{
	int slot = slot_of(r->target);
	struct buf t;

	if (p->collect_meta || p->raw ||
	    (slot != SLOT_TITLE && slot != SLOT_SUMMARY &&
	        slot != SLOT_CONTENT) ||
	    (r->also != T_NONE &&
	        (r->also != T_CONTENT || slot != SLOT_SUMMARY)))
		return 0;
	if (r->also == T_CONTENT && slot == SLOT_SUMMARY &&
	    r->prio > p->slot_prio[SLOT_SUMMARY] &&
	    r->also_prio > p->slot_prio[SLOT_CONTENT])
		p->content_alias = 1; /* as collect_end below */
	if (r->prio <= p->slot_prio[slot])
		return 1;
	t = p->slot[slot];
	p->slot[slot] = p->collect;
	p->collect = t;
	p->slot_prio[slot] = r->prio;
	p->slot_defer[slot] = flags + 1;
	memcpy(p->slot_type[slot], p->tmp_type, sizeof(p->tmp_type));
	return 1;
}

/* The field element ends: process its text and store it. */
static void
collect_end(struct fp_build *p)
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
	if (p->collect_kind & K_BASE64) {
		buf_reset(&p->tmp);
		if (build_base64(
		        &p->tmp, buf_str(&p->collect), p->collect.len) == -1) {
			fp_warnf(p->h, "<%s> is not base64: read as text",
			    scope_name(p->scope, p->scope->depth));
			buf_reset(&p->tmp);
			buf_append(&p->tmp, p->collect.data, p->collect.len);
		}
		buf_reset(&p->collect);
		utf8_append_clean(&p->collect, buf_str(&p->tmp), p->tmp.len);
	}
	/* Whether a title is HTML is guessed when it is made text: an old
	 * item's title never is. */
	if (collect_defer(p, r, flags | (p->collect_kind & K_GUESS)))
		return;
	if ((p->collect_kind & K_GUESS) &&
	    !html_looks_like(p->collect.data, p->collect.len))
		flags &= ~HTML_MARKUP;
	buf_reset(&p->tmp);
	html_to_text(&p->tmp, buf_str(&p->collect), p->collect.len, flags);
	if (!p->collect_meta && p->collect_elem == E_RSS_LINK)
		build_link_add(
		    p, NULL, "text/html", buf_str(&p->tmp), NULL, NULL);
	if (p->tmp.len == 0 &&
	    (r->target == T_LANGUAGE || r->target == T_META_LANGUAGE))
		return; /* an empty language tag declares none */
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
	if (slot >= 0 && slot != SLOT_LINK && !p->collect_meta) {
		/* The text is the slot's now: swap buffers, no copy. */
		if (r->prio > p->slot_prio[slot]) {
			struct buf t = p->slot[slot];
			p->slot[slot] = p->tmp;
			p->tmp = t;
			p->slot_prio[slot] = r->prio;
			memcpy(p->slot_type[slot], p->tmp_type,
			    sizeof(p->tmp_type));
			if (p->raw) {
				t = p->slot_raw[slot];
				p->slot_raw[slot] = p->collect;
				p->collect = t;
			}
		}
		return;
	}
	field_store(p, r->target, r->prio, buf_str(&p->tmp), p->tmp.len);
}

/* A link in Atom (or atom:link in RSS): alternate, enclosure, or not
 * ours. */
static void
atom_link(
    struct fp_build *p, const char **atts, int in_item, int parent_is_channel)
{
	const char *rel = att_get(atts, "rel");
	const char *href = att_get(atts, "href");

	if (href == NULL)
		return;
	if (in_item && p->scope->depth == p->item_depth + 1)
		build_link_add(p, rel, att_get(atts, "type"), href,
		    att_get(atts, "title"), att_get(atts, "length"));
	if (rel == NULL || strcmp(rel, "alternate") == 0 ||
	    strcmp(rel,
	        "http://www.iana.org/assignments/relation/"
	        "alternate") == 0) {
		int prio = p->meta.format == FEED_FORMAT_ATOM10 ||
		        p->meta.format == FEED_FORMAT_ATOM03
		    ? 3
		    : 2;
		if (in_item && p->scope->depth == p->item_depth + 1)
			slot_set(p, SLOT_LINK, prio, href, strlen(href));
		else if (!in_item && parent_is_channel)
			field_store(p, T_META_LINK, prio, href, strlen(href));
	} else if (strcmp(rel, "enclosure") == 0 && in_item)
		build_enclosure_add(
		    p, href, att_get(atts, "type"), att_get(atts, "length"));
}

/* The root element decides the format. */
static void
root_start(struct fp_build *p, enum elem e, const struct nsmap *ns,
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
		build_rss_version(p, v);
		break;
	case E_RDF:
		v = scope_ns_lookup(p->scope, NULL, 0);
		if (v != NULL &&
		    strcmp(v, "http://my.netscape.com/rdf/simple/0.9/") == 0) {
			p->meta.format = FEED_FORMAT_RSS09X;
			str_lcpy(p->version, "rss090", sizeof(p->version));
		} else
			p->meta.format = FEED_FORMAT_RSS10;
		break;
	case E_ENTRY: /* an Atom entry document (RFC 4287 4.1.2) */
		p->meta.format = (ns != NULL && ns->atom03) || p->root_fam >= 0
		    ? FEED_FORMAT_ATOM03
		    : FEED_FORMAT_ATOM10;
		item_begin(p, atts);
		break;
	case E_FEED:
		v = att_get(atts, "version");
		/* The drafts before Atom 1.0 had namespaces of their own. */
		p->meta.format = (ns != NULL && ns->atom03) ||
		        p->root_fam >= 0 || (v != NULL && strcmp(v, "0.3") == 0)
		    ? FEED_FORMAT_ATOM03
		    : FEED_FORMAT_ATOM10;
		p->channel_depth = 1;
		meta_lang_inherit(p);
		break;
	default:
		if (str_casecmp(local, "html") == 0)
			p->html = 1;
		else
			p->hopeless = 1;
		break;
	}
	if (p->version[0] == '\0' && p->meta.format != FEED_FORMAT_UNKNOWN)
		str_lcpy(p->version,
		    p->meta.format == FEED_FORMAT_RSS10        ? "rss10"
		        : p->meta.format == FEED_FORMAT_ATOM03 ? "atom03"
		                                               : "atom10",
		    sizeof(p->version));
}

/* Start tag of a child of a field: markup for HTML, nothing else; its
 * attributes only for --raw (the text has no use for them). */
static void
collect_child(struct fp_build *p, const char *local, const char **atts)
{
	if (!(p->collect_kind & HTML_MARKUP) || p->collect_full)
		return;
	buf_appendc(&p->collect, '<');
	buf_appends(&p->collect, local);
	for (size_t i = 0;
	     p->raw && atts[i] != NULL && p->collect.len < FP_FIELD_MAX;
	     i += 2) {
		const char *name = strchr(atts[i], FP_NS_SEP);
		buf_appendc(&p->collect, ' ');
		buf_appends(&p->collect, name != NULL ? name + 1 : atts[i]);
		buf_appends(&p->collect, "=\"");
		for (const char *v = atts[i + 1]; *v != '\0'; v++) {
			if (*v == '"')
				buf_appends(&p->collect, "&quot;");
			else if (*v == '&')
				buf_appends(&p->collect, "&amp;");
			else if (*v == '<')
				buf_appends(&p->collect, "&lt;");
			else
				buf_appendc(&p->collect, *v);
		}
		buf_appendc(&p->collect, '"');
	}
	buf_appendc(&p->collect, '>');
}

/* Start tag (expat or lax.c): "URI\x01local" name, attributes. */
static void
start_tag(struct fp_build *p, const char *name, const char **atts)
{
	const char *sep = strchr(name, FP_NS_SEP), *local, *v;
	const struct nsmap *ns = NULL;
	enum family fam;
	enum elem e = E_OTHER;
	unsigned d;

	if (p->hopeless || (p->root_seen && p->scope->depth == 0))
		return; /* whatever follows the root element is not ours */
	if (p->scope->depth >= FP_DEPTH_MAX || p->scope->overflow > 0) {
		if (p->scope->overflow++ == 0)
			fp_warnf(p->h, "elements nested deeper than %d ignored",
			    FP_DEPTH_MAX);
		return;
	}
	if (sep != NULL) {
		local = sep + 1;
		size_t urilen = (size_t)(sep - name);
		ns = nsmap_find(name, urilen, &p->ns_last);
		fam = ns != NULL ? ns->fam : F_OTHER;
		if (ns == NULL && p->root_fam >= 0 && urilen == p->root_nslen &&
		    memcmp(name, p->root_ns, urilen) == 0)
			fam = (enum family)p->root_fam;
		else if (ns == NULL && !p->root_seen &&
		    build_root_unknown_ns(p, name, urilen, sep + 1))
			fam = (enum family)p->root_fam;
		if (ns != NULL && ns->rss090 &&
		    p->meta.format == FEED_FORMAT_RSS10) {
			p->meta.format = FEED_FORMAT_RSS09X;
			str_lcpy(p->version, "rss090", sizeof(p->version));
		}
	} else {
		local = name;
		fam = p->meta.format == FEED_FORMAT_ATOM10 ||
		        p->meta.format == FEED_FORMAT_ATOM03
		    ? F_ATOM
		    : F_RSS;
	}
	size_t local_len = strlen(local);
	e = elem_find(fam, local, local_len);
	scope_open(p->scope, local, local_len);
	d = p->scope->depth;
	p->stack[d].elem = (uint16_t)e;
	p->stack[d].base = p->stack[d].lang = 0;
	if ((v = att_get(atts, XML_BASE)) != NULL) {
		base_push(p, d, v);
		p->stack[d].base = 1;
	}
	if ((v = att_get(atts, XML_LANG)) != NULL) {
		lang_push(p, d, v);
		p->stack[d].lang = 1;
	}
	if (p->collect_depth) {
		collect_child(p, local, atts);
		return;
	}
	if (p->skip_depth)
		return;
	if (d == 1) {
		root_start(p, e, ns, local, atts);
		return;
	}
	if (p->html) {
		build_html_start(p, local, atts);
		return;
	}
	enum elem parent = (enum elem)p->stack[d - 1].elem;
	int in_item = p->item_depth != 0;
	int under_channel = parent == E_CHANNEL || parent == E_FEED;
	if (p->item_old && e != E_CHANNEL && e != E_ITEM && e != E_ENTRY &&
	    e != E_SKIP)
		return; /* a field of an old item: not read */
	switch (e) {
	case E_CHANNEL:
		if (p->channel_depth == 0) {
			p->channel_depth = d;
			meta_lang_inherit(p);
		}
		return;
	case E_ITEM:
	case E_ENTRY:
		if (in_item &&
		    parent == (enum elem)p->stack[p->item_depth].elem &&
		    d == p->item_depth + 1) {
			/* An item opened inside an item: the first one was
			 * never closed.  It ends here. */
			fp_warnf(p->h,
			    "<%s> inside <%s>: the first one ends there", local,
			    local);
			build_item_emit(p);
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
		if (in_item) {
			build_enclosure_add(p, att_get(atts, "url"),
			    att_get(atts, "type"), att_get(atts, "length"));
			build_link_add(p, "enclosure", att_get(atts, "type"),
			    att_get(atts, "url"), NULL,
			    att_get(atts, "length"));
		}
		return;
	case E_MEDIA_CONTENT:
		if (in_item)
			build_enclosure_add(p, att_get(atts, "url"),
			    att_get(atts, "type"), att_get(atts, "fileSize"));
		return;
	case E_ATOM_CATEGORY:
		if (in_item && parent == E_ENTRY &&
		    (v = att_get(atts, "term")) != NULL) {
			buf_reset(&p->tmp);
			html_to_text(&p->tmp, v, strlen(v), HTML_ONELINE);
			build_list_add(p, &p->categories, &p->ncategories,
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
			buf_reset(&p->author_uri);
		}
		return;
	default:
		break;
	}
	if (in_item) {
		const struct rule *r = &item_rules[e];
		int ok = parent == E_ITEM || parent == E_ENTRY;

		if (r->target == T_AUTHOR_NAME || r->target == T_AUTHOR_EMAIL ||
		    r->target == T_AUTHOR_URI)
			ok = p->author_depth != 0 && d == p->author_depth + 1;
		else if (e == E_MEDIA_DESCRIPTION || e == E_MEDIA_TITLE ||
		    e == E_MEDIA_CATEGORY)
			ok = 1; /* also inside media:group and media:content */
		if (r->target != T_NONE && ok)
			collect_begin(p, r, 0, e, atts);
	} else if (p->author_depth != 0 && d == p->author_depth + 1 &&
	    (e == E_NAME || e == E_EMAIL || e == E_URI))
		collect_begin(p, &item_rules[e], 0, e, atts);
	else if (under_channel && meta_rules[e].target != T_NONE)
		collect_begin(p, &meta_rules[e], 1, e, atts);
}

/* Characters: kept only inside a text field, up to the cap. */
void
build_text(struct fp_build *p, const char *s, size_t len)
{
	if (p->collect_depth == 0 || p->collect_full || p->scope->overflow > 0)
		return;
	if (p->collect.len + len > FP_FIELD_MAX) {
		len = utf8_cut(s, len, FP_FIELD_MAX - p->collect.len);
		p->collect_full = 1;
		fp_warnf(p->h, "a field longer than %d bytes cut short",
		    FP_FIELD_MAX);
	}
	if (!(p->collect_kind & K_XHTML)) {
		fp_append(&p->collect, s, len); /* expat calls once a line */
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
build_end(struct fp_build *p)
{
	unsigned d = p->scope->depth;

	if (p->scope->overflow > 0) {
		p->scope->overflow--;
		return;
	}
	if (d == 0)
		return;
	if (p->collect_depth != 0 && d > p->collect_depth) {
		if ((p->collect_kind & HTML_MARKUP) && !p->collect_full) {
			buf_appends(&p->collect, "</");
			buf_appends(&p->collect, scope_name(p->scope, d));
			buf_appendc(&p->collect, '>');
		}
	} else if (p->collect_depth == d) {
		collect_end(p);
		build_item_ask(p);
	} else if (p->skip_depth == d)
		p->skip_depth = 0;
	else if (p->item_depth == d) {
		build_item_emit(p);
		p->item_depth = 0;
	} else if (p->author_depth == d) {
		build_author_add(p, p->author_feed, buf_str(&p->author_name),
		    buf_str(&p->author_email), buf_str(&p->author_uri));
		p->author_depth = 0;
	}
	if (p->stack[d].base) {
		inherit_pop(&p->bases);
		p->bases_gen++;
	}
	if (p->stack[d].lang)
		inherit_pop(&p->langs);
	scope_close(p->scope);
}

/* The handler for start tags; see build.h. */
int
build_start(struct fp_build *p, const char *name, const char **atts)
{
	start_tag(p, name, atts);
	return p->hopeless;
}

/* A builder for one document, its channel empty; p is already zeroed (the
 * parser that holds it is calloc'd), so only the non-zero fields are set. */
void
build_init(struct fp_build *p, const char *base_url, feed_item_cb cb, void *arg,
    const struct fp_handlers *h, struct fp_scope *scope)
{
	p->h = h;
	p->scope = scope;
	p->cb = cb;
	p->cbarg = arg;
	p->base_url = base_url;
	p->meta.title = p->meta.link = empty_string;
	p->meta.updated = FEED_TIME_NONE;
	p->meta.version = p->version;
	p->root_fam = -1;
	p->id_prio_top = build_id_prio_top();
}

/* The reasons the root element gives (the driver knows the others). */
char *
build_why_not(const struct fp_build *p)
{
	char *why = NULL;

	if (p->html && p->html_feed != NULL)
		xasprintf(&why,
		    "not a feed but an HTML page; it advertises the feed %s",
		    p->html_feed);
	else if (p->html)
		xasprintf(&why,
		    "not a feed but an HTML page that advertises no feed");
	else if (p->root_seen)
		xasprintf(
		    &why, "not a feed: the root element is <%s>", p->root_name);
	return why;
}

/* Free the builder's buffers. */
void
build_free(struct fp_build *p)
{
	for (int i = 0; i < SLOT_COUNT; i++)
		buf_free(&p->slot[i]);
	buf_free(&p->bases.strs);
	buf_free(&p->langs.strs);
	buf_free(&p->collect);
	buf_free(&p->tmp);
	buf_free(&p->linktmp);
	buf_free(&p->authors);
	buf_free(&p->feed_authors);
	buf_free(&p->categories);
	buf_free(&p->author_name);
	buf_free(&p->author_email);
	buf_free(&p->author_uri);
	buf_free(&p->author_det);
	buf_free(&p->feed_author_det);
	buf_free(&p->linkbuf);
	for (int i = 0; i < SLOT_COUNT; i++)
		buf_free(&p->slot_raw[i]);
	buf_free(&p->encbuf);
	buf_free(&p->meta_title);
	buf_free(&p->meta_link);
	buf_free(&p->meta_language);
	free(p->html_feed);
}
