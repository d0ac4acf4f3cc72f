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
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/utf8.h"
#include "feeds/html.h"
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

/* Append a numeric character reference for cp. */
static void
out_ref(struct fp_xmlfix *d, uint32_t cp)
{
	char r[16];
	int n = snprintf(r, sizeof(r), "&#x%X;", (unsigned)cp);

	out(d, r, (size_t)n);
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

/* The '&' at s[0]; returns bytes used, or 0 to wait for more input. */
static size_t
fix_amp(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	struct html_ref_info ri;
	char msg[128];
	size_t k;

	/* The five XML knows, first: they are most of the references. */
	if (n >= 4 && s[3] == ';' && s[2] == 't' &&
	    (s[1] == 'l' || s[1] == 'g')) {
		out(d, s, 4);
		return 4;
	}
	if (n >= 5 && memcmp(s, "&amp;", 5) == 0) {
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
			out(d, s, ri.len);
			return ri.len;
		}
		out_ref(d, ri.cp[0]);
		if (ri.cp[1])
			out_ref(d, ri.cp[1]);
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
		if (!ri.repaired && s[2] == 'X') {
			/* HTML reads "&#X41;"; XML wants a small x. */
			out(d, "&#x", 3);
			out(d, s + 3, ri.len - 3);
			return ri.len;
		}
		if (!ri.repaired) {
			out(d, s, ri.len);
			return ri.len;
		}
		out_ref(d, ri.cp[0]);
		if (!(d->xf_warned & XW_NUMERIC)) {
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
		out(d, "&amp;", 5);
		if (!name_warned(d, s + 1, k - 2))
			fp_warnf(d->h, "undefined entity %.*s kept as text",
			    (int)k, s);
		return 1;
	}
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

/* Markup and text; returns bytes used. */
static size_t
fix_markup(struct fp_xmlfix *d, const char *s, size_t n, int final)
{
	size_t i = 0;

	while (i < n && d->xf == XF_MARKUP) {
		size_t j = i, k;

		/* Eight bytes at a time: only '&', a control character and
		 * a '<' that may open "<!" or "<?" need a look. */
		while (j + SCAN_BLOCK <= n) {
			scan_vec v = scan_load(s + j);
			unsigned lt = scan_eq(v, '<'), ctl = scan_ctrl(v);
			unsigned bad = scan_eq(v, '&');

			/* Newlines and tags are fine; "<!", "<?" and a '<'
			 * ending the block need a look. */
			if (ctl != 0)
				bad |= ctl &
				    ~(scan_eq(v, '\n') | scan_eq(v, '\t') |
				        scan_eq(v, '\r'));
			if (lt != 0)
				bad |=
				    (lt &
				        ((scan_eq(v, '!') | scan_eq(v, '?')) >>
				            1)) |
				    (lt & SCAN_LAST);
			if (bad != 0) {
				j += scan_first(bad);
				break;
			}
			j += SCAN_BLOCK;
		}
		while (j < n && xf_class[(unsigned char)s[j]] == X_PLAIN)
			j++;
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
			if ((k = fix_amp(d, s + i, n - i, final)) == 0)
				return i;
			i += k;
			break;
		case X_LT:
			if ((k = fix_lt(d, s + i, n - i, final)) == 0)
				return i;
			i += k;
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

/* Release what a cut construct held. */
void
xmlfix_free(struct fp_xmlfix *d)
{
	buf_free(&d->xfcarry);
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
		return;
	}
	used = fix_run(d, s, len, final);
	if (used < len)
		buf_append(&d->xfcarry, s + used, len - used);
}
