/*
 * Stage 3b of the feed parser (see parse-int.h and lax.h): the tolerant
 * tokenizer that reads on where expat gave up.  It takes the repaired stream
 * from the point of expat's error and calls the same handlers expat did, with
 * names in expat's namespace form ("URI\x01local"), so the item builder
 * cannot tell the difference.  What it tolerates, as browsers and feed readers
 * do:
 *
 *   - an end tag that does not match closes every element up to the one
 *     it names; an end tag that names no open element is ignored;
 *   - an undeclared prefix means its usual namespace (dc, content, atom,
 *     media, rdf...), or none;
 *   - unquoted attribute values, attributes without a value;
 *   - a '<' that starts no tag is text; entities it does not know stay
 *     as written.
 *
 * Text, CDATA and comments stream; only a tag must be whole, up to
 * FP_TOKEN_MAX bytes (a longer one is read as text).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/html.h"
#include "feeds/lax.h"

/* Attributes kept per tag; real feeds use fewer than ten. */
#define LAX_ATTS_MAX 64
/* Bytes of a possibly cut "&...;" held back at the end of a chunk. */
#define LAX_REF_HOLD 40

/* Prefixes that feeds use without declaring them. */
static const struct prefix {
	const char *prefix, *uri;
} prefixes[] = {
    {"atom", "http://www.w3.org/2005/Atom"},
    {"content", "http://purl.org/rss/1.0/modules/content/"},
    {"dc", "http://purl.org/dc/elements/1.1/"},
    {"dcterms", "http://purl.org/dc/terms/"},
    {"media", "http://search.yahoo.com/mrss/"},
    {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"xml", "http://www.w3.org/XML/1998/namespace"},
};

/* XML white space. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Append s[0..n) to b with references decoded; unknown ones stay. */
static void
decode_refs(struct buf *b, const char *s, size_t n)
{
	struct html_ref_info ri;
	size_t i = 0;

	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t j = amp ? (size_t)(amp - s) : n;

		buf_append(b, s + i, j - i);
		if (j == n)
			break;
		if (html_ref_parse(s + j, n - j, 1, &ri) > 0) {
			char e[4];
			buf_append(b, e, utf8_encode(ri.cp[0], e));
			if (ri.cp[1])
				buf_append(b, e, utf8_encode(ri.cp[1], e));
			i = j + ri.len;
		} else {
			buf_appendc(b, '&');
			i = j + 1;
		}
	}
}

/* Hand characters to the handlers, references decoded. */
static void
lax_text(struct fp_lax *l, const char *s, size_t n, int decode)
{
	if (n == 0)
		return;
	if (!decode) {
		l->h->text(l->h->ctx, s, n);
		return;
	}
	buf_reset(&l->scratch);
	decode_refs(&l->scratch, s, n);
	l->h->text(l->h->ctx, l->scratch.data, l->scratch.len);
}

/* Expand the qualified name q[0..n) into "URI\x01local" (or "local"),
 * appended to b; attr says unprefixed names have no namespace. */
static void
expand_name(struct fp_lax *l, struct buf *b, const char *q, size_t n, int attr)
{
	const char *colon = memchr(q, ':', n), *uri = NULL;

	if (colon != NULL) {
		size_t pl = (size_t)(colon - q);

		uri = scope_ns_lookup(l->scope, q, pl);
		for (size_t i = 0;
		     uri == NULL && i < sizeof(prefixes) / sizeof(prefixes[0]);
		     i++)
			if (strlen(prefixes[i].prefix) == pl &&
			    memcmp(prefixes[i].prefix, q, pl) == 0)
				uri = prefixes[i].uri;
		n -= pl + 1;
		q = colon + 1;
	} else if (!attr)
		uri = scope_ns_lookup(l->scope, NULL, 0);
	if (uri != NULL && *uri != '\0') {
		buf_appends(b, uri);
		buf_appendc(b, '\x01');
	}
	buf_append(b, q, n);
	buf_appendc(b, '\0');
}

/* Offsets of the raw attributes of one tag, before expansion. */
struct rawatt {
	const char *name, *val;
	size_t nname, nval;
};

/* Parse "<name attr=... >" at s[0..n) (n includes the '>'). */
static void
lax_start_tag(struct fp_lax *l, const char *s, size_t n)
{
	struct rawatt ra[LAX_ATTS_MAX];
	size_t na = 0, i = 1, nstart, nlen;
	int empty = n >= 2 && s[n - 2] == '/';
	size_t offs[2 * LAX_ATTS_MAX + 1];
	const char *atts[2 * LAX_ATTS_MAX + 1];

	nstart = i;
	while (i < n && !is_space((unsigned char)s[i]) && s[i] != '>' &&
	    s[i] != '/')
		i++;
	nlen = i - nstart;
	while (i < n) {
		while (i < n && (is_space((unsigned char)s[i]) || s[i] == '/'))
			i++;
		if (i >= n || s[i] == '>')
			break;
		struct rawatt a = {s + i, NULL, 0, 0};
		while (i < n && !is_space((unsigned char)s[i]) && s[i] != '=' &&
		    s[i] != '>' && s[i] != '/')
			i++;
		a.nname = (size_t)(s + i - a.name);
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		if (i < n && s[i] == '=') {
			i++;
			while (i < n && is_space((unsigned char)s[i]))
				i++;
			if (i < n && (s[i] == '"' || s[i] == '\'')) {
				char q = s[i++];
				a.val = s + i;
				while (i < n && s[i] != q)
					i++;
				a.nval = (size_t)(s + i - a.val);
				if (i < n)
					i++;
			} else {
				a.val = s + i;
				while (i < n &&
				    !is_space((unsigned char)s[i]) &&
				    s[i] != '>')
					i++;
				a.nval = (size_t)(s + i - a.val);
			}
		} else {
			a.val = "";
		}
		if (a.nname == 0) {
			i++;
			continue;
		}
		if (na < LAX_ATTS_MAX)
			ra[na++] = a;
	}
	/* Namespace declarations first: they apply to this tag's names. */
	for (size_t k = 0; k < na; k++) {
		struct buf v = BUF_INIT;

		if (ra[k].nname >= 5 && memcmp(ra[k].name, "xmlns", 5) == 0 &&
		    (ra[k].nname == 5 || ra[k].name[5] == ':')) {
			decode_refs(&v, ra[k].val, ra[k].nval);
			char *pfx = ra[k].nname == 5
			    ? NULL
			    : xmemdup0(ra[k].name + 6, ra[k].nname - 6);
			scope_ns_push(l->scope, pfx, buf_str(&v));
			free(pfx);
			ra[k].nname = 0; /* expat does not report them */
		}
		buf_free(&v);
	}
	buf_reset(&l->atts);
	expand_name(l, &l->atts, s + nstart, nlen, 0);
	size_t m = 0;
	for (size_t k = 0; k < na; k++) {
		if (ra[k].nname == 0)
			continue;
		offs[m++] = l->atts.len;
		expand_name(l, &l->atts, ra[k].name, ra[k].nname, 1);
		offs[m++] = l->atts.len;
		decode_refs(&l->atts, ra[k].val, ra[k].nval);
		buf_appendc(&l->atts, '\0');
	}
	for (size_t k = 0; k < m; k++)
		atts[k] = l->atts.data + offs[k];
	atts[m] = NULL;
	if (l->h->start(l->h->ctx, l->atts.data, atts))
		l->stopped = 1;
	else if (empty)
		l->h->end(l->h->ctx);
}

/* "</name>": close up to the innermost open element of that name. */
static void
lax_end_tag(struct fp_lax *l, const char *s, size_t n)
{
	size_t i = 2, st;
	const char *colon;

	while (i < n && is_space((unsigned char)s[i]))
		i++;
	st = i;
	while (i < n && !is_space((unsigned char)s[i]) && s[i] != '>')
		i++;
	const char *q = s + st;
	size_t ql = i - st;
	if ((colon = memchr(q, ':', ql)) != NULL) {
		ql -= (size_t)(colon + 1 - q);
		q = colon + 1;
	}
	if (l->scope->overflow > 0) {
		l->h->end(l->h->ctx);
		return;
	}
	for (unsigned d = l->scope->depth; d >= 1; d--) {
		const char *nm = scope_name(l->scope, d);
		if ((strlen(nm) == ql && memcmp(nm, q, ql) == 0) ||
		    (strlen(nm) == ql && str_ncasecmp(nm, q, ql) == 0)) {
			while (l->scope->depth >= d)
				l->h->end(l->h->ctx);
			return;
		}
	}
}

/* Index just past the '>' ending the tag at s[0], or 0 when not there. */
static size_t
tag_len(const char *s, size_t n)
{
	char quote = 0;

	for (size_t i = 1; i < n; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == '>')
			return i + 1;
		else if (s[i] == '<' && i > 1)
			return i; /* an unclosed tag ends where the next starts
			           */
	}
	return 0;
}

/* "<!...>" or "<?...?>", where xmlfix.c ends them: a processing
 * instruction at its "?>" (a '>' alone in it is text); a DOCTYPE at the
 * '>' outside quotes and outside its internal subset's brackets; any
 * other "<!" at its '>' (a '[' in it is only text). */
static size_t
decl_len(const char *s, size_t n)
{
	const char *e;

	if (s[1] == '?') {
		e = n > 2 ? memmem(s + 2, n - 2, "?>", 2) : NULL;
		return e ? (size_t)(e - s) + 2 : 0;
	}
	if (n >= 9 && memcmp(s, "<!DOCTYPE", 9) == 0) {
		unsigned depth = 0;
		char quote = 0;

		for (size_t i = 9; i < n; i++) {
			char c = s[i];

			if (quote != 0) {
				if (c == quote)
					quote = 0;
			} else if (c == '"' || c == '\'')
				quote = c;
			else if (c == '[')
				depth++;
			else if (c == ']' && depth > 0)
				depth--;
			else if (c == '>' && depth == 0)
				return i + 1;
		}
		return 0;
	}
	e = memchr(s, '>', n);
	return e ? (size_t)(e - s) + 1 : 0;
}

/*
 * A start tag past FP_TOKEN_MAX (an attribute of megabytes): the element
 * is opened under its name without attributes, and the rest of the tag
 * skipped, so that the item it starts keeps its id and title.  Returns
 * the bytes of "<name" used, or 0 when the name itself is too long.
 */
static size_t
lax_giant_tag(struct fp_lax *l, const char *s, size_t n)
{
	char tag[FP_NAME_KEEP * 4 + 3];
	size_t i = 1;

	while (i < n && i < sizeof(tag) - 2 && !is_space((unsigned char)s[i]) &&
	    s[i] != '>' && s[i] != '/')
		i++;
	if (i >= sizeof(tag) - 2 || i >= n)
		return 0;
	memcpy(tag, s, i);
	tag[i] = '>';
	fp_warnf(l->h,
	    "start tag <%.*s> longer than %d bytes: read without its "
	    "attributes",
	    (int)(i - 1), s + 1, FP_TOKEN_MAX);
	l->giant_tags++;
	lax_start_tag(l, tag, i + 1);
	l->lx = LAX_SKIP_TAG;
	l->skip_quote = 0;
	l->skip_last = 0;
	return i;
}

/* The rest of a giant start tag, to its '>' outside quotes; "/>" ends
 * the element it opened. */
static size_t
lax_skip_tag(struct fp_lax *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (l->skip_quote != 0) {
			if (c == l->skip_quote)
				l->skip_quote = 0;
		} else if (c == '"' || c == '\'') {
			l->skip_quote = c;
		} else if (c == '>') {
			l->lx = LAX_TEXT;
			if (l->skip_last == '/')
				l->h->end(l->h->ctx);
			return i + 1;
		}
		l->skip_last = c;
	}
	return n;
}

/* Handle the markup at s[0] == '<'; returns bytes used, 0 to wait. */
static size_t
lax_markup(struct fp_lax *l, const char *s, size_t n, int final)
{
	size_t k;

	if (n >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
		l->lx = LAX_CDATA;
		return 9;
	}
	if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
		l->lx = LAX_COMMENT;
		return 4;
	}
	if (n < 9 && !final &&
	    (memcmp(s, "<![CDATA[", n) == 0 ||
	        memcmp(s, "<!--", n < 4 ? n : 4) == 0))
		return 0;
	if (n >= 2 && (s[1] == '!' || s[1] == '?'))
		k = decl_len(s, n);
	else if (n >= 2 && (s[1] == '/' || fp_name_start((unsigned char)s[1])))
		k = tag_len(s, n);
	else if (n < 2 && !final)
		return 0;
	else {
		lax_text(l, "<", 1, 0);
		return 1;
	}
	if (k == 0) {
		if (!final && n < FP_TOKEN_MAX)
			return 0;
		if (!final && s[1] != '/' && s[1] != '!' && s[1] != '?' &&
		    (k = lax_giant_tag(l, s, n)) > 0)
			return k;
		/* Never closed: the '<' was text after all. */
		lax_text(l, "<", 1, 0);
		return 1;
	}
	if (s[1] == '/')
		lax_end_tag(l, s, k);
	else if (s[1] != '!' && s[1] != '?')
		lax_start_tag(l, s, k);
	return k;
}

size_t
lax_token_len(const char *s, size_t n)
{
	const char *e;

	if (n >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
		e = memmem(s + 9, n - 9, "]]>", 3);
		return e ? (size_t)(e - s) + 3 : 0;
	}
	if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
		e = memmem(s + 4, n - 4, "-->", 3);
		return e ? (size_t)(e - s) + 3 : 0;
	}
	if (n < 2)
		return 0;
	if (s[1] == '!' || s[1] == '?')
		return decl_len(s, n);
	if (s[1] == '/' || fp_name_start((unsigned char)s[1]))
		return tag_len(s, n);
	return 1;
}

/* Text up to the next '<'; returns bytes used, 0 to wait. */
static size_t
lax_plain(struct fp_lax *l, const char *s, size_t n, int final)
{
	const char *lt = memchr(s, '<', n);
	size_t len = lt ? (size_t)(lt - s) : n;

	if (lt == NULL && !final) {
		/* Hold back a reference that may continue in the next
		 * chunk. */
		size_t from = n > LAX_REF_HOLD ? n - LAX_REF_HOLD : 0;
		const char *amp = NULL;
		for (size_t i = from; i < n; i++)
			if (s[i] == '&')
				amp = s + i;
			else if (s[i] == ';')
				amp = NULL;
		if (amp != NULL)
			len = (size_t)(amp - s);
	}
	lax_text(l, s, len, 1);
	return len;
}

/* CDATA or a comment: up to the terminator; returns bytes used. */
static size_t
lax_section(struct fp_lax *l, const char *s, size_t n, int final)
{
	const char *term = l->lx == LAX_CDATA ? "]]>" : "-->";
	const char *e = memmem(s, n, term, 3);
	size_t len = e ? (size_t)(e - s) : n;

	if (e == NULL && !final)
		len = n >= 2 ? n - 2 : 0;
	if (l->lx == LAX_CDATA)
		lax_text(l, s, len, 0);
	if (e == NULL)
		return len;
	l->lx = LAX_TEXT;
	return len + 3;
}

/* Set up for lax_begin: the handlers and the scope expat kept. */
void
lax_init(struct fp_lax *l, const struct fp_handlers *h, struct fp_scope *scope)
{
	memset(l, 0, sizeof(*l));
	l->h = h;
	l->scope = scope;
}

/* Take over at stream offset pos, in text. */
void
lax_begin(struct fp_lax *l, uint64_t pos)
{
	l->pos = pos;
	l->lx = LAX_TEXT;
}

/* ... where that offset is inside a CDATA section. */
void
lax_in_cdata(struct fp_lax *l)
{
	l->lx = LAX_CDATA;
}

/* Tokenize the stream from l->pos; incomplete tokens wait. */
void
lax_run(struct fp_lax *l, const char *data, uint64_t off, size_t len, int final)
{
	while (!l->stopped) {
		const char *s = data + (l->pos - off);
		size_t n = (size_t)(off + len - l->pos), k;

		if (n == 0)
			break;
		if (l->lx == LAX_SKIP_TAG)
			k = lax_skip_tag(l, s, n);
		else if (l->lx != LAX_TEXT)
			k = lax_section(l, s, n, final);
		else if (s[0] == '<')
			k = lax_markup(l, s, n, final);
		else
			k = lax_plain(l, s, n, final);
		if (k == 0)
			break;
		l->pos += k;
	}
	if (final && !l->stopped)
		l->pos = off + len;
}

/* Release the scratch buffers. */
void
lax_free(struct fp_lax *l)
{
	buf_free(&l->scratch);
	buf_free(&l->atts);
}
