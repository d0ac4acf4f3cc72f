/*
 * Stage 2 of the feed parser (see parse-int.h): repair, as the UTF-8
 * stream passes, what makes expat stop but every browser reads.
 *
 *	&nbsp; &mdash; ...	HTML named references are not XML: written as
 *				numeric references (&#xA0;), with a warning.
 *	&#146;			a C1 control (or a character XML forbids):
 *				read as windows-1252 (or U+FFFD).
 *	AT&T, &foo;		a bare '&', or an unknown name: "&amp;".
 *	U+0001 ...		control characters XML forbids: removed.
 *
 * It tracks just enough of the syntax to leave CDATA sections, comments,
 * processing instructions and the DOCTYPE alone (an '&' in CDATA is
 * text).  A document whose DOCTYPE declares entities keeps its own
 * references: expat expands them, with its amplification limits.
 * A construct cut by the end of a chunk waits in `xfcarry` for the next.
 *
 * Text that holds references goes to expat as a CDATA section with the
 * references decoded ("a &lt;b&gt;" becomes "a <![CDATA[<b>"...): expat
 * ends a token at every reference and reports the text in pieces, a
 * callback each, while a section is one token.  The section opens at
 * the first reference it can take and closes at the next '<', at a ']'
 * (so "]]>" never forms inside), and at a reference that must stay one: a
 * carriage return (a literal one would be read as a newline), a ']', a
 * character XML forbids, a reference expat would refuse.  Tags are
 * tracked (quotes as lax.c reads them) so attribute values keep their
 * references; only text inside the root element is rewritten.  Whatever
 * the tracking cannot follow (a '<' in a tag, a '<' that starts no tag,
 * a declaration inside the root, an internal DTD subset) turns the
 * rewriting off for the rest of the document, so lax.c, which reads the
 * same stream once expat fails, sees tags where the tracking did.  Lines
 * are unchanged: the rewriting adds and removes no newline.
 *
 * Every CDATA section inside the root, ours or the document's, is
 * recorded once it is whole in the output (xmlfix_spans): parse.c gives
 * expat a placeholder for it and hands its text to the builder itself.
 * So is every <item> and <entry> element below the root that the
 * tracking followed from its start tag to its end tag, with nothing of
 * either name inside (xmlfix_items): parse.c leaves out of expat's
 * bytes an item the feed's last document had byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/html.h"
#include "feeds/xmlfix-int.h"
#include "feeds/xmlfix.h"
#include "feeds/swar.h"

/* Bits of xf_warned. */
#define XW_BARE_AMP 0x01
#define XW_CONTROL 0x02
#define XW_NUMERIC 0x04
#define XW_UNKNOWN 0x08

/* Byte classes while in markup or text. */
enum { X_PLAIN = 0, X_AMP, X_LT, X_CTRL };

static const unsigned char xf_class[256] = {
    [0x00] = X_CTRL,
    [0x01] = X_CTRL,
    [0x02] = X_CTRL,
    [0x03] = X_CTRL,
    [0x04] = X_CTRL,
    [0x05] = X_CTRL,
    [0x06] = X_CTRL,
    [0x07] = X_CTRL,
    [0x08] = X_CTRL,
    [0x0B] = X_CTRL,
    [0x0C] = X_CTRL,
    [0x0E] = X_CTRL,
    [0x0F] = X_CTRL,
    [0x10] = X_CTRL,
    [0x11] = X_CTRL,
    [0x12] = X_CTRL,
    [0x13] = X_CTRL,
    [0x14] = X_CTRL,
    [0x15] = X_CTRL,
    [0x16] = X_CTRL,
    [0x17] = X_CTRL,
    [0x18] = X_CTRL,
    [0x19] = X_CTRL,
    [0x1A] = X_CTRL,
    [0x1B] = X_CTRL,
    [0x1C] = X_CTRL,
    [0x1D] = X_CTRL,
    [0x1E] = X_CTRL,
    [0x1F] = X_CTRL,
    ['&'] = X_AMP,
    ['<'] = X_LT,
};

/* Sections that are copied untouched up to their terminator. */
static const struct section {
	const char *open;
	size_t nopen;
	enum xf_state state;
} sections[] = {
    {"<![CDATA[", 9, XF_CDATA},
    {"<!--", 4, XF_COMMENT},
    {"<!DOCTYPE", 9, XF_DOCTYPE},
    {"<?", 2, XF_PI},
};

/* A warning given once per document. */
static void
xf_warn_once(struct fp_xmlfix *d, unsigned bit, const char *msg)
{
	if (d->xf_warned & bit)
		return;
	d->xf_warned |= bit;
	fp_warnf(d->h, "%s", msg);
}

/* Append repaired bytes to the stream. */
static inline void
out(struct fp_xmlfix *d, const char *s, size_t n)
{
	fp_append(d->out, s, n);
}

/* Append one byte: the commonest decoded reference is one ASCII byte. */
static inline void
out_c(struct fp_xmlfix *d, char c)
{
	struct buf *b = d->out;

	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else
		buf_appendc(b, c);
}

/* Append a numeric character reference for cp. */
static void
out_ref(struct fp_xmlfix *d, uint32_t cp)
{
	char r[16];
	int n = snprintf(r, sizeof(r), "&#x%X;", (unsigned)cp);

	out(d, r, (size_t)n);
}

/* A CDATA section inside the root starts at offset at of the output. */
static inline void
span_open(struct fp_xmlfix *d, size_t at)
{
	d->span_from = at;
	d->span_open = 1;
}

/* ... and ends just before offset at: whole in the stream, recorded. */
static void
span_close(struct fp_xmlfix *d, size_t at)
{
	if (!d->span_open)
		return;
	d->span_open = 0;
	if (d->nspans == d->spans_cap) {
		d->spans_cap = d->spans_cap ? 2 * d->spans_cap : 64;
		d->spans =
		    xreallocarray(d->spans, d->spans_cap, sizeof(*d->spans));
	}
	d->spans[d->nspans].from = d->span_from;
	d->spans[d->nspans++].to = at;
}

/* Whether cp may stand as itself inside the CDATA of ours: an XML
 * character, not CR (CDATA reads it as a newline) and not ']'. */
static int
cd_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA ||
	    (cp >= 0x20 && cp <= 0xD7FF && cp != ']') ||
	    (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* End the CDATA of ours, if one is open. */
static void
cd_close(struct fp_xmlfix *d)
{
	if (d->cd) {
		out(d, "]]>", 3);
		d->cd = 0;
		span_close(d, d->out->len);
	}
}

/* A reference's characters (b 0 for one) as themselves in our CDATA,
 * opened if need be; 0 when they cannot be (the CDATA is then closed and
 * the caller writes the reference). */
static inline int
cd_put(struct fp_xmlfix *d, int conv, uint32_t a, uint32_t b)
{
	char u[8];
	size_t n;

	if (conv && d->cd && b == 0 && a >= 0x20 && a < 0x80 && a != ']') {
		out_c(d, (char)a); /* "&lt;" inside a section open already */
		return 1;
	}
	if (!conv || !cd_char_ok(a) || (b != 0 && !cd_char_ok(b))) {
		cd_close(d);
		return 0;
	}
	if (!d->cd) {
		span_open(d, d->out->len);
		out(d, "<![CDATA[", 9);
		d->cd = 1;
	}
	n = utf8_encode(a, u);
	if (b != 0)
		n += utf8_encode(b, u + n);
	out(d, u, n);
	return 1;
}

/* Whether the entity name was already reported; remembers it if not. */
static int
name_warned(struct fp_xmlfix *d, const char *name, size_t len)
{
	size_t have = strlen(d->warned_names);
	const char *w = d->warned_names;

	while ((w = strstr(w, " ")) != NULL) {
		/* entries are " name" */
		if (strncmp(w + 1, name, len) == 0 &&
		    (w[len + 1] == ' ' || w[len + 1] == '\0'))
			return 1;
		w++;
	}
	if (have + len + 2 < sizeof(d->warned_names)) {
		d->warned_names[have] = ' ';
		memcpy(d->warned_names + have + 1, name, len);
		d->warned_names[have + 1 + len] = '\0';
		return 0;
	}
	return 1; /* the list is full: stop reporting names */
}

/* Whether a name is one of the five XML defines. */
static int
xml_predefined(const char *name, size_t len)
{
	static const char *const names[] = {"amp", "lt", "gt", "quot", "apos"};

	for (size_t i = 0; i < 5; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return 1;
	return 0;
}

/* Longest entity name we wait for when a chunk ends inside one. */
#define XF_NAME_MAX 64

/* A name followed by ';' that the HTML table does not know: its length
 * with '&' and ';', 0 when s is no such reference, -1 when the input ends
 * before we can tell. */
static long
unknown_ref_len(const char *s, size_t n, int final)
{
	size_t i = 1;

	while (i < n && i < XF_NAME_MAX &&
	    ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	        (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' ||
	        s[i] == '.' || s[i] == ':'))
		i++;
	if (i == n && i < XF_NAME_MAX && !final)
		return -1;
	return i > 1 && i < n && s[i] == ';' ? (long)i + 1 : 0;
}

/* The '&' at s[0]; returns bytes used, or 0 to wait for more input.
 * conv: in text, where the reference may become CDATA. */
static size_t
fix_amp(struct fp_xmlfix *d, const char *s, size_t n, int final, int conv)
{
	struct html_ref_info ri;
	char msg[128];
	size_t k;

	/* The five XML knows, first: they are most of the references. */
	if (n >= 4 && s[3] == ';' && s[2] == 't' &&
	    (s[1] == 'l' || s[1] == 'g')) {
		if (!cd_put(d, conv, s[1] == 'l' ? '<' : '>', 0))
			out(d, s, 4);
		return 4;
	}
	if (n >= 5 && memcmp(s, "&amp;", 5) == 0) {
		if (!cd_put(d, conv, '&', 0))
			out(d, s, 5);
		return 5;
	}
	switch (html_ref_parse(s, n, final, &ri)) {
	case HTML_REF_MORE:
		/* An unknown name may be longer than any HTML one. */
		if (n < XF_NAME_MAX)
			return 0;
		break;
	case HTML_REF_NAMED:
		if (xml_predefined(ri.name, ri.namelen) || d->dtd_subset) {
			if (!cd_put(d, conv, ri.cp[0], 0))
				out(d, s, ri.len);
			return ri.len;
		}
		if (!cd_put(d, conv, ri.cp[0], ri.cp[1])) {
			out_ref(d, ri.cp[0]);
			if (ri.cp[1])
				out_ref(d, ri.cp[1]);
		}
		if (!name_warned(d, ri.name, ri.namelen)) {
			if (ri.cp[1])
				snprintf(msg, sizeof(msg),
				    "undefined entity &%.*s; read as U+%04X "
				    "U+%04X",
				    (int)ri.namelen, ri.name,
				    (unsigned)ri.cp[0], (unsigned)ri.cp[1]);
			else
				snprintf(msg, sizeof(msg),
				    "undefined entity &%.*s; read as U+%04X",
				    (int)ri.namelen, ri.name,
				    (unsigned)ri.cp[0]);
			fp_warnf(d->h, "%s", msg);
		}
		return ri.len;
	case HTML_REF_NUMERIC:
		if (cd_put(d, conv, ri.cp[0], 0))
			; /* written as the character */
		else if (ri.repaired)
			out_ref(d, ri.cp[0]);
		else if (s[2] == 'X') {
			/* HTML reads "&#X41;"; XML wants a small x. */
			out(d, "&#x", 3);
			out(d, s + 3, ri.len - 3);
		} else
			out(d, s, ri.len);
		if (ri.repaired && !(d->xf_warned & XW_NUMERIC)) {
			d->xf_warned |= XW_NUMERIC;
			fp_warnf(d->h,
			    "character reference %.*s read as U+%04X",
			    (int)(ri.len < 24 ? ri.len : 24), s,
			    (unsigned)ri.cp[0]);
		}
		return ri.len;
	case HTML_REF_NONE:
		break;
	}
	long u = unknown_ref_len(s, n, final);
	if (u == -1)
		return 0;
	if ((k = (size_t)u) > 0) {
		if (d->dtd_subset) {
			out(d, s, k);
			return k;
		}
		if (!cd_put(d, conv, '&', 0))
			out(d, "&amp;", 5);
		if (!name_warned(d, s + 1, k - 2))
			fp_warnf(d->h, "undefined entity %.*s kept as text",
			    (int)k, s);
		return 1;
	}
	if (!cd_put(d, conv, '&', 0))
		out(d, "&amp;", 5);
	xf_warn_once(d, XW_BARE_AMP, "bare '&' read as \"&amp;\"");
	return 1;
}

/* The '<' at s[0]: enter a section or copy it; 0 to wait for more. */
static size_t
fix_lt(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	if (n >= 2 && s[1] != '!' && s[1] != '?') {
		out(d, "<", 1); /* a tag: the usual case */
		return 1;
	}
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		const struct section *sec = &sections[i];
		size_t m = n < sec->nopen ? n : sec->nopen;

		if (memcmp(s, sec->open, m) != 0)
			continue;
		if (m < sec->nopen) {
			if (!final)
				return 0;
			continue;
		}
		d->xf = sec->state;
		d->doctype_bracket = 0;
		d->xf_quote = 0;
		out(d, s, sec->nopen);
		return sec->nopen;
	}
	out(d, "<", 1);
	return 1;
}

/* Where the bytes to copy as they are end, rewriting off: only '&', a
 * control character and a '<' that may open "<!" or "<?" need a look. */
static size_t
scan_untracked(const char *s, size_t j, size_t n)
{
	while (j + SCAN_BLOCK <= n) {
		scan_vec v = scan_load(s + j);
		unsigned lt = scan_eq(v, '<'), ctl = scan_ctrl(v);
		unsigned bad = scan_eq(v, '&');

		/* Newlines and tags are fine; "<!", "<?" and a '<' ending
		 * the block need a look. */
		if (ctl != 0)
			bad |= ctl &
			    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
			        scan_eq(v, '\r'));
		if (lt != 0)
			bad |=
			    (lt & ((scan_eq(v, '!') | scan_eq(v, '?')) >> 1)) |
			    (lt & SCAN_LAST);
		if (bad != 0)
			return j + scan_first(bad);
		j += SCAN_BLOCK;
	}
	while (j < n && xf_class[(unsigned char)s[j]] == X_PLAIN)
		j++;
	return j;
}

/* The same with the tracking on: every '<' and the state's own bytes
 * (e1..e3; 0 for none, which a control character's stop covers). */
static size_t
scan_tracked(const char *s, size_t j, size_t n, unsigned char e1,
    unsigned char e2, unsigned char e3)
{
	while (j + SCAN_BLOCK <= n) {
		scan_vec v = scan_load(s + j);
		unsigned ctl = scan_ctrl(v);
		unsigned bad = scan_eq(v, '&') | scan_eq(v, '<') |
		    scan_eq(v, e1) | scan_eq(v, e2) | scan_eq(v, e3);

		if (ctl != 0)
			bad |= ctl &
			    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
			        scan_eq(v, '\r'));
		if (bad != 0)
			return j + scan_first(bad);
		j += SCAN_BLOCK;
	}
	while (j < n) {
		unsigned char c = (unsigned char)s[j];

		if (xf_class[c] != X_PLAIN || c == e1 || c == e2 || c == e3)
			break;
		j++;
	}
	return j;
}

/*
 * Text inside the root with the rewriting on, the commonest bytes of a
 * feed: plain runs are copied while they are scanned, and the references
 * XML defines become their character in our CDATA, without leaving the
 * loop.  Returns where it stopped: the end, just past the '<' of a tag
 * (d->tag set), or at a byte for fix_markup (another '<', a control
 * character, ']' in our CDATA, any other '&').
 */
static size_t
fix_text(struct fp_xmlfix *d, const char *s, size_t i, size_t n)
{
	struct buf *b = d->out;
	char *o;

	/* Nothing here writes more than it reads, but for the one
	 * "<![CDATA[", the one "]]>" and a block written past the end. */
	if (b->cap - b->len <= n - i + 12 + SCAN_BLOCK)
		buf_reserve(b, n - i + 12 + SCAN_BLOCK);
	o = b->data + b->len;
	for (;;) {
		unsigned char e1 = d->cd ? ']' : 0;
		char c;
		size_t k;

		while (i + SCAN_BLOCK <= n) {
			scan_vec v = scan_load(s + i);
			unsigned ctl = scan_ctrl(v);
			unsigned bad =
			    scan_eq(v, '&') | scan_eq(v, '<') | scan_eq(v, e1);

			scan_store(o, v);
			if (ctl != 0)
				bad |= ctl &
				    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
				        scan_eq(v, '\r'));
			if (bad != 0) {
				k = scan_first(bad);
				i += k;
				o += k;
				goto stop;
			}
			i += SCAN_BLOCK;
			o += SCAN_BLOCK;
		}
		while (i < n && xf_class[(unsigned char)s[i]] == X_PLAIN &&
		    (unsigned char)s[i] != e1)
			*o++ = s[i++];
	stop:
		if (i + 1 < n && s[i] == '<' &&
		    (s[i + 1] == '/' ||
		        fp_name_start((unsigned char)s[i + 1]))) {
			/* A tag, the usual '<': fix_tag reads it. */
			if (d->cd) {
				memcpy(o, "]]>", 3);
				o += 3;
				d->cd = 0;
				span_close(d, (size_t)(o - b->data));
			}
			if (item_tag_wanted(d, s + i, n - i))
				xf_item_tag(
				    d, s + i, n - i, (size_t)(o - b->data));
			*o++ = '<';
			d->tag = 1;
			d->tag_close = s[i + 1] == '/';
			d->tag_quote = 0;
			i++;
			break;
		}
		if (i == n || s[i] != '&')
			break;
		if (n - i >= 4 && s[i + 3] == ';' && s[i + 2] == 't' &&
		    (s[i + 1] == 'l' || s[i + 1] == 'g')) {
			c = s[i + 1] == 'l' ? '<' : '>';
			k = 4;
		} else if (n - i >= 5 && memcmp(s + i, "&amp;", 5) == 0) {
			c = '&';
			k = 5;
		} else if (n - i >= 6 && memcmp(s + i, "&quot;", 6) == 0) {
			c = '"';
			k = 6;
		} else
			break;
		if (!d->cd) {
			span_open(d, (size_t)(o - b->data));
			memcpy(o, "<![CDATA[", 9);
			o += 9;
			d->cd = 1;
		}
		*o++ = c;
		i += k;
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return i;
}

/*
 * A tag with the tracking on: copied while it is scanned up to a byte
 * for fix_markup ('<', '&', a control character) or the end; its quotes
 * and its '>' are followed here.
 */
static size_t
fix_tag(struct fp_xmlfix *d, const char *s, size_t i, size_t n)
{
	struct buf *b = d->out;
	char *o;

	if (b->cap - b->len <= n - i + SCAN_BLOCK)
		buf_reserve(b, n - i + SCAN_BLOCK);
	o = b->data + b->len;
	while (d->tag) {
		unsigned char q = (unsigned char)d->tag_quote;
		unsigned char e1 = q ? q : '>', e2 = q ? 0 : '"';
		unsigned char e3 = q ? 0 : '\'';
		char c;

		while (i + SCAN_BLOCK <= n) {
			scan_vec v = scan_load(s + i);
			unsigned ctl = scan_ctrl(v);
			unsigned bad = scan_eq(v, '&') | scan_eq(v, '<') |
			    scan_eq(v, e1) | scan_eq(v, e2) | scan_eq(v, e3);
			size_t k;

			scan_store(o, v);
			if (ctl != 0)
				bad |= ctl &
				    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
				        scan_eq(v, '\r'));
			if (bad != 0) {
				k = scan_first(bad);
				i += k;
				o += k;
				goto stop;
			}
			i += SCAN_BLOCK;
			o += SCAN_BLOCK;
		}
		while (i < n && xf_class[(unsigned char)s[i]] == X_PLAIN &&
		    (unsigned char)s[i] != e1 && (unsigned char)s[i] != e2 &&
		    (unsigned char)s[i] != e3)
			*o++ = s[i++];
	stop:
		if (i == n || xf_class[(unsigned char)s[i]] != X_PLAIN)
			break;
		c = s[i++];
		if (q != 0)
			d->tag_quote = 0; /* the closing quote */
		else if (c != '>')
			d->tag_quote = c;
		else {
			int self = o > b->data && o[-1] == '/';

			d->tag = 0;
			if (d->tag_close)
				d->depth -= d->depth > 0;
			else if (!self)
				d->depth++;
			*o++ = c;
			item_tag_end(d, self, (size_t)(o - b->data));
			continue;
		}
		*o++ = c;
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
	return i;
}

/* Rewriting off for the rest of the document. */
static void
track_off(struct fp_xmlfix *d)
{
	cd_close(d);
	d->noconv = 1;
	d->item_state = XI_NONE;
}

/* The tracking after fix_lt took the '<' at s[0] (n >= 1 bytes). */
static void
track_lt(struct fp_xmlfix *d, const char *s, size_t n)
{
	if (d->tag) {
		track_off(d); /* lax.c ends a tag there; expat fails */
		return;
	}
	if (d->xf != XF_MARKUP) {
		/* Comments and CDATA leave the text as it was; what else
		 * is declared inside the root lax.c reads otherwise. */
		if (d->depth > 0 && d->xf != XF_CDATA && d->xf != XF_COMMENT)
			track_off(d);
		return;
	}
	if (n >= 2 && (s[1] == '/' || fp_name_start((unsigned char)s[1]))) {
		if (item_tag_wanted(d, s, n)) /* fix_lt wrote the '<' */
			xf_item_tag(d, s, n, d->out->len - 1);
		d->tag = 1;
		d->tag_close = s[1] == '/';
		d->tag_quote = 0;
	} else
		track_off(d); /* a '<' that starts nothing, or "<!x" */
}

/* Markup and text; returns bytes used. */
static size_t
fix_markup(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	size_t i = 0;

	while (i < n && d->xf == XF_MARKUP) {
		size_t j, k;

		if (d->noconv)
			j = scan_untracked(s, i, n);
		else if (!d->tag && d->depth > 0 && !d->dtd_subset) {
			if ((i = fix_text(d, s, i, n)) == n)
				break;
			if (d->tag)
				continue; /* a tag started: fix_tag reads it */
			j = i;
		} else if (!d->tag)
			j = scan_tracked(s, i, n, d->cd ? ']' : 0, 0, 0);
		else {
			if ((i = fix_tag(d, s, i, n)) == n)
				break;
			if (!d->tag)
				continue; /* the tag ended: text follows */
			j = i;
		}
		out(d, s + i, j - i);
		i = j;
		if (i == n)
			break;
		switch (xf_class[(unsigned char)s[i]]) {
		case X_CTRL:
			xf_warn_once(d, XW_CONTROL,
			    "control characters that XML forbids removed");
			i++;
			break;
		case X_AMP:
			k = fix_amp(d, s + i, n - i, final,
			    !d->noconv && !d->tag && d->depth > 0 &&
			        !d->dtd_subset);
			if (k == 0)
				return i;
			i += k;
			break;
		case X_LT:
			if (!d->noconv)
				cd_close(d);
			if ((k = fix_lt(d, s + i, n - i, final)) == 0)
				return i;
			if (!d->noconv)
				track_lt(d, s + i, n - i);
			if (d->xf == XF_CDATA && !d->noconv && d->depth > 0 &&
			    !d->dtd_subset)
				span_open(
				    d, d->out->len - 9); /* the document's */
			i += k;
			break;
		default: /* a ']' in text: our CDATA ends before it */
			cd_close(d);
			out_c(d, s[i]);
			i++;
			break;
		}
	}
	return i;
}

/* Copy s[0..n) without the control characters XML forbids. */
static void
copy_clean(struct fp_xmlfix *d, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		if (xf_class[(unsigned char)s[i]] != X_CTRL)
			continue;
		out(d, s + run, i - run);
		xf_warn_once(d, XW_CONTROL,
		    "control characters that XML forbids removed");
		run = i + 1;
	}
	out(d, s + run, n - run);
}

/* Byte classes inside CDATA: ']' may end it; controls are dropped. */
static const unsigned char cdata_class[256] = {
    [0x00] = 1,
    [0x01] = 1,
    [0x02] = 1,
    [0x03] = 1,
    [0x04] = 1,
    [0x05] = 1,
    [0x06] = 1,
    [0x07] = 1,
    [0x08] = 1,
    [0x0B] = 1,
    [0x0C] = 1,
    [0x0E] = 1,
    [0x0F] = 1,
    [0x10] = 1,
    [0x11] = 1,
    [0x12] = 1,
    [0x13] = 1,
    [0x14] = 1,
    [0x15] = 1,
    [0x16] = 1,
    [0x17] = 1,
    [0x18] = 1,
    [0x19] = 1,
    [0x1A] = 1,
    [0x1B] = 1,
    [0x1C] = 1,
    [0x1D] = 1,
    [0x1E] = 1,
    [0x1F] = 1,
    [']'] = 2,
};

/* CDATA in one pass: copy up to "]]>", dropping control characters;
 * returns bytes used (a possible "]]" at the end waits). */
static size_t
fix_cdata(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	size_t i = 0, run = 0;

	while (i < n) {
		while (i + SCAN_BLOCK <= n) {
			scan_vec v = scan_load(s + i);
			unsigned ctl = scan_ctrl(v), bad = scan_eq(v, ']');

			if (ctl != 0)
				bad |= ctl &
				    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
				        scan_eq(v, '\r'));
			if (bad != 0) {
				i += scan_first(bad);
				break;
			}
			i += SCAN_BLOCK;
		}
		while (i < n && cdata_class[(unsigned char)s[i]] == 0)
			i++;
		if (i == n)
			break;
		if (s[i] == ']') {
			if (i + 2 < n) {
				if (s[i + 1] == ']' && s[i + 2] == '>') {
					out(d, s + run, i + 3 - run);
					d->xf = XF_MARKUP;
					span_close(d, d->out->len);
					return i + 3;
				}
				i++;
				continue;
			}
			if (!final)
				break; /* "]" or "]]" at the end: wait */
			i++;
			continue;
		}
		out(d, s + run, i - run);
		xf_warn_once(d, XW_CONTROL,
		    "control characters that XML forbids removed");
		run = ++i;
	}
	out(d, s + run, i - run);
	return i;
}

/* Inside a section: copy up to and including its terminator. */
static size_t
fix_section(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	const char *term = d->xf == XF_CDATA ? "]]>"
	    : d->xf == XF_COMMENT            ? "-->"
	    : d->xf == XF_PI                 ? "?>"
	                                     : NULL;
	size_t i = 0;

	if (d->xf == XF_CDATA)
		return fix_cdata(d, s, n, final);
	if (term != NULL) {
		size_t tl = strlen(term);
		const char *e = memmem(s, n, term, tl);
		size_t upto = e ? (size_t)(e - s) + tl : n;

		if (e == NULL && !final)
			upto = n >= tl - 1 ? n - (tl - 1) : 0;
		copy_clean(d, s, upto);
		if (e != NULL)
			d->xf = XF_MARKUP;
		return upto;
	}
	/* DOCTYPE: up to the '>' outside quotes and the internal subset. */
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (d->xf_quote) {
			if (c == d->xf_quote)
				d->xf_quote = 0;
		} else if (c == '"' || c == '\'')
			d->xf_quote = c;
		else if (c == '[') {
			d->doctype_bracket++;
			d->dtd_subset = 1;
		} else if (c == ']' && d->doctype_bracket > 0)
			d->doctype_bracket--;
		else if (c == '>' && d->doctype_bracket == 0) {
			out(d, s, i + 1);
			d->xf = XF_MARKUP;
			return i + 1;
		}
	}
	out(d, s, n);
	return n;
}

/* Repair s[0..n) in whatever state; returns bytes used. */
static size_t
fix_run(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	size_t used = 0;

	while (used < n) {
		size_t k;

		if (d->xf == XF_MARKUP)
			k = fix_markup(d, s + used, n - used, final);
		else
			k = fix_section(d, s + used, n - used, final);
		if (k == 0)
			break;
		used += k;
	}
	return used;
}

/* Ready for the first byte, in markup. */
void
xmlfix_init(struct fp_xmlfix *d, const struct fp_handlers *h, struct buf *out)
{
	memset(d, 0, sizeof(*d));
	d->h = h;
	d->out = out;
}

/* Keep references in text as they are (no CDATA of ours). */
void
xmlfix_no_cdata(struct fp_xmlfix *d)
{
	track_off(d);
}

/* Release what a cut construct held. */
void
xmlfix_free(struct fp_xmlfix *d)
{
	buf_free(&d->xfcarry);
	free(d->spans);
	free(d->items);
}

/* Hand the driver the sections recorded so far; start afresh. */
const struct xf_span *
xmlfix_spans(struct fp_xmlfix *d, size_t *n, int hold_open)
{
	*n = d->nspans;
	d->nspans = 0;
	d->span_open &= hold_open != 0;
	return d->spans;
}

/* The section that may yet be recorded. */
size_t
xmlfix_open_span(const struct fp_xmlfix *d)
{
	return d->span_open ? d->span_from : SIZE_MAX;
}

/* Output offsets move with the buffer's front. */
void
xmlfix_consumed(struct fp_xmlfix *d, size_t n)
{
	if (d->span_open)
		d->span_from -= n;
	if (d->item_state != XI_NONE && d->item.from < n)
		d->item_state = XI_NONE; /* its start is gone */
	else if (d->item_state != XI_NONE) {
		d->item.from -= n;
		d->item.end_at -= d->item_state == XI_END ? n : 0;
	}
}

/* UTF-8 in; repaired bytes out to d->out. */
void
xmlfix_feed(struct fp_xmlfix *d, const char *s, size_t len, int final)
{
	size_t used;

	if (d->xfcarry.len > 0) {
		struct buf held = d->xfcarry;

		buf_init(&d->xfcarry);
		buf_append(&held, s, len);
		used = fix_run(d, held.data, held.len, final);
		if (used < held.len)
			buf_append(
			    &d->xfcarry, held.data + used, held.len - used);
		buf_free(&held);
		if (final)
			cd_close(d);
		return;
	}
	used = fix_run(d, s, len, final);
	if (used < len)
		buf_append(&d->xfcarry, s + used, len - used);
	if (final)
		cd_close(d); /* the text ran to the end */
}
