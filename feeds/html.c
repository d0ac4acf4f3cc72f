/*
 * HTML to plain text (see html.h).  The converter is a small state machine
 * over a byte-class table: runs of ordinary bytes are copied with one
 * memcpy, and only '<', '&' and whitespace stop the scan.  Whitespace is
 * never written at once: it is remembered as "a space is due" or "a line
 * break is due" and written before the next visible character, which is
 * how runs collapse and leading/trailing space disappears for free.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "feeds/html.h"
#include "feeds/swar.h"

/* Byte classes of the converter's scan. */
enum {
	C_TEXT = 0,
	C_SPACE,
	C_LT,
	C_AMP,
	C_NBSP_LEAD, /* 0xC2: may start U+00A0, which reads as a space */
};

static const unsigned char html_class[256] = {
    ['\t'] = C_SPACE,
    ['\n'] = C_SPACE,
    ['\v'] = C_SPACE,
    ['\f'] = C_SPACE,
    ['\r'] = C_SPACE,
    [' '] = C_SPACE,
    ['<'] = C_LT,
    ['&'] = C_AMP,
    [0xC2] = C_NBSP_LEAD,
};

/* Windows-1252's 0x80..0x9F, which HTML also applies to &#128;..&#159;. */
static const uint16_t cp1252_c1[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E,
    0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
    0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* Elements that break the text, and how: 1 a space, 2 a line break. */
static const struct block {
	const char *name;
	int sep;
} blocks[] = {
    {"address", 2},
    {"article", 2},
    {"aside", 2},
    {"blockquote", 2},
    {"br", 2},
    {"caption", 2},
    {"dd", 2},
    {"div", 2},
    {"dl", 2},
    {"dt", 2},
    {"figcaption", 2},
    {"figure", 2},
    {"footer", 2},
    {"form", 2},
    {"h1", 2},
    {"h2", 2},
    {"h3", 2},
    {"h4", 2},
    {"h5", 2},
    {"h6", 2},
    {"header", 2},
    {"hr", 2},
    {"li", 2},
    {"main", 2},
    {"nav", 2},
    {"ol", 2},
    {"p", 2},
    {"pre", 2},
    {"section", 2},
    {"table", 2},
    {"td", 1},
    {"th", 1},
    {"tr", 2},
    {"ul", 2},
};

/* Longest tag name we look at; longer names are not in the tables. */
#define TAG_NAME_MAX 16

/* A code point past Unicode, a surrogate, NUL or a C0 control other than
 * tab/LF/CR cannot appear in XML (and reads as U+FFFD in HTML). */
static int
xml_char_ok(uint32_t c)
{
	if (c < 0x20)
		return c == 0x9 || c == 0xA || c == 0xD;
	if (c >= 0xD800 && c <= 0xDFFF)
		return 0;
	if (c == 0xFFFE || c == 0xFFFF)
		return 0;
	return c <= 0x10FFFF;
}

/* Windows-1252 reading of a C1 control. */
uint32_t
html_cp1252(uint32_t c)
{
	if (c >= 0x80 && c <= 0x9F)
		return cp1252_c1[c - 0x80];
	return c;
}

/* Compare a counted name with a table name, as strcmp would order them. */
static int
entity_cmp(const void *key, const void *elem)
{
	const struct {
		const char *s;
		size_t n;
	} *k = key;
	const struct html_entity *e = elem;
	int c = strncmp(k->s, e->name, k->n);

	if (c != 0)
		return c;
	return e->name[k->n] == '\0' ? 0 : -1;
}

/* Binary search of the HTML5 table. */
const struct html_entity *
html_entity_find(const char *name, size_t len)
{
	struct {
		const char *s;
		size_t n;
	} key = {name, len};

	if (len == 0 || len > HTML_ENTITY_NAME_MAX)
		return NULL;
	return bsearch(&key, html_entities, html_entities_count,
	    sizeof(html_entities[0]), entity_cmp);
}

/* ASCII letter. */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ASCII letter or digit. */
static int
is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* &#N; or &#xH; starting at s[0] == '&', s[1] == '#'. */
static enum html_ref
ref_numeric(const char *s, size_t len, int final, struct html_ref_info *ri)
{
	size_t i = 2, start;
	int hex = 0;
	uint64_t v = 0;

	if (i < len && (s[i] == 'x' || s[i] == 'X')) {
		hex = 1;
		i++;
	}
	start = i;
	for (; i < len; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (hex && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (hex && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (v <= 0x10FFFF)
			v = v * (hex ? 16 : 10) + (uint64_t)d;
		/* Absurdly long digit strings are not references. */
		if (i - start > 16)
			return HTML_REF_NONE;
	}
	if (i == len)
		return final ? HTML_REF_NONE : HTML_REF_MORE;
	if (i == start || s[i] != ';')
		return HTML_REF_NONE;
	ri->kind = HTML_REF_NUMERIC;
	ri->len = i + 1;
	ri->cp[1] = 0;
	ri->repaired = 0;
	if (v >= 0x80 && v <= 0x9F) {
		ri->cp[0] = html_cp1252((uint32_t)v);
		ri->repaired = 1;
	} else if (v > 0x10FFFF || !xml_char_ok((uint32_t)v)) {
		ri->cp[0] = UTF8_REPLACEMENT;
		ri->repaired = 1;
	} else
		ri->cp[0] = (uint32_t)v;
	return HTML_REF_NUMERIC;
}

/* Classify the reference at s[0] == '&'. */
enum html_ref
html_ref_parse(const char *s, size_t len, int final, struct html_ref_info *ri)
{
	const struct html_entity *e;
	size_t i;

	if (len < 2)
		return final ? HTML_REF_NONE : HTML_REF_MORE;
	if (s[1] == '#')
		return ref_numeric(s, len, final, ri);
	for (i = 1; i < len && i <= HTML_ENTITY_NAME_MAX + 1; i++)
		if (!is_alnum((unsigned char)s[i]))
			break;
	if (i == len && i <= HTML_ENTITY_NAME_MAX + 1)
		return final ? HTML_REF_NONE : HTML_REF_MORE;
	if (i == 1 || i > HTML_ENTITY_NAME_MAX + 1 || s[i] != ';')
		return HTML_REF_NONE;
	if ((e = html_entity_find(s + 1, i - 1)) == NULL)
		return HTML_REF_NONE;
	ri->kind = HTML_REF_NAMED;
	ri->len = i + 1;
	ri->cp[0] = e->cp1;
	ri->cp[1] = e->cp2;
	ri->repaired = 0;
	ri->name = s + 1;
	ri->namelen = i - 1;
	return HTML_REF_NAMED;
}

/* The converter's state between runs.  The output buffer is reserved
 * up front (no input byte becomes more than two output bytes), so text
 * is written through a plain pointer. */
struct conv {
	char *o;     /* next output byte */
	char *start; /* where our text starts */
	int due;     /* 0 nothing, 1 a space, 2 a line break */
	int oneline;
};

/* Write the separator that is due, unless nothing has been written. */
static inline void
conv_flush(struct conv *cv)
{
	if (cv->due && cv->o > cv->start)
		*cv->o++ = cv->due == 2 && !cv->oneline ? '\n' : ' ';
	cv->due = 0;
}

/* Write text, after any separator due. */
static inline void
conv_text(struct conv *cv, const char *s, size_t n)
{
	conv_flush(cv);
	memcpy(cv->o, s, n);
	cv->o += n;
}

/* Ask for a separator (the stronger one wins). */
static inline void
conv_due(struct conv *cv, int sep)
{
	if (sep > cv->due)
		cv->due = sep;
}

/* A decoded code point: U+00A0 and ASCII spaces collapse like spaces. */
static void
conv_cp(struct conv *cv, uint32_t cp)
{
	char enc[4];
	size_t n;

	if (cp == 0xA0 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    cp == '\f') {
		conv_due(cv, 1);
		return;
	}
	if ((n = utf8_encode(cp, enc)) == 0)
		n = utf8_encode(UTF8_REPLACEMENT, enc);
	conv_text(cv, enc, n);
}

/* Binary search, deciding on the first letter before calling strcmp:
 * this runs for every tag of every text. */
static const struct block *
block_find(const char *name)
{
	size_t lo = 0, hi = sizeof(blocks) / sizeof(blocks[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *b = blocks[mid].name;
		int c = (unsigned char)name[0] - (unsigned char)b[0];

		if (c == 0)
			c = strcmp(name, b);
		if (c == 0)
			return &blocks[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Index just past the '>' that closes the tag at s[i], honouring quoted
 * attribute values; len when there is none. */
static size_t
tag_end(const char *s, size_t i, size_t len)
{
	char quote = 0;

	for (; i < len; i++) {
		char c = s[i];

		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'')
			quote = c;
		else if (c == '>')
			return i + 1;
	}
	return len;
}

/* Skip to the end of "</name>", case-insensitively; 0 if absent. */
static size_t
skip_raw(const char *s, size_t i, size_t len, const char *name)
{
	size_t nl = strlen(name);

	for (; i + 2 + nl <= len; i++) {
		if (s[i] != '<' || s[i + 1] != '/')
			continue;
		size_t k;
		for (k = 0; k < nl; k++)
			if ((s[i + 2 + k] | 0x20) != name[k])
				break;
		if (k == nl)
			return tag_end(s, i + 2 + nl, len);
	}
	return 0;
}

/* Handle the markup at s[i] == '<'; returns the index after it. */
static size_t
conv_tag(struct conv *cv, const char *s, size_t i, size_t len)
{
	char name[TAG_NAME_MAX + 1];
	size_t j = i + 1, n = 0, end;
	int closing = 0;
	const struct block *b;

	if (j < len && s[j] == '!') {
		if (len - j >= 3 && memcmp(s + j, "!--", 3) == 0) {
			const char *e =
			    memmem(s + j + 3, len - j - 3, "-->", 3);
			return e ? (size_t)(e - s) + 3 : len;
		}
		return tag_end(s, j, len);
	}
	if (j < len && s[j] == '?')
		return tag_end(s, j, len);
	if (j < len && s[j] == '/') {
		closing = 1;
		j++;
	}
	if (j >= len || !is_alpha((unsigned char)s[j])) {
		/* Not a tag: a literal '<'. */
		conv_text(cv, "<", 1);
		return i + 1;
	}
	while (j < len &&
	    (is_alnum((unsigned char)s[j]) || s[j] == ':' || s[j] == '-')) {
		if (n < TAG_NAME_MAX)
			name[n++] = (char)(s[j] | 0x20);
		j++;
	}
	name[n] = '\0';
	end = tag_end(s, j, len);
	if (!closing &&
	    (strcmp(name, "script") == 0 || strcmp(name, "style") == 0) &&
	    s[end - 2] != '/') {
		/* A script that is never closed is no script but words
		 * about one ("Why <script> tags matter"): only the tag
		 * goes. */
		size_t after = skip_raw(s, end, len, name);
		return after > 0 ? after : end;
	}
	if ((b = block_find(name)) != NULL)
		conv_due(cv, b->sep);
	return end;
}

/* Elements a text field may carry as markup: the formatting and
 * structure of articles, nothing active (no script, style, iframe). */
static const char *const field_elems[] = {"a", "abbr", "acronym", "address",
    "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
    "center", "cite", "code", "col", "colgroup", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "font", "footer", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li",
    "main", "mark", "nav", "ol", "p", "pre", "q", "s", "samp", "section",
    "small", "span", "strike", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var",
    "wbr"};

/* Whether name[0..n) is one of field_elems (ASCII case ignored). */
static int
field_elem(const char *name, size_t n)
{
	char low[16];
	size_t lo = 0, hi = sizeof(field_elems) / sizeof(field_elems[0]);

	if (n >= sizeof(low))
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(name[i] | 0x20);
	low[n] = '\0';
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(low, field_elems[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

/* Whether text that may or may not be HTML is: it has a closing tag or a
 * character reference, and every tag and named reference in it is one
 * HTML knows (feedparser's rule for RSS titles). */
int
html_looks_like(const char *s, size_t len)
{
	int evidence = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '&') {
			struct html_ref_info ri;
			enum html_ref k =
			    html_ref_parse(s + i, len - i, 1, &ri);
			size_t j = i + 1;
			while (j < len && is_alnum((unsigned char)s[j]))
				j++;
			if (k == HTML_REF_NAMED || k == HTML_REF_NUMERIC)
				evidence = 1;
			else if (j > i + 1 && j < len && s[j] == ';')
				return 0; /* &name; that HTML does not know */
			continue;
		}
		if (s[i] != '<')
			continue;
		size_t j = i + 1, start;
		int closing = j < len && s[j] == '/';
		j += (size_t)closing;
		start = j;
		while (
		    j < len && (is_alnum((unsigned char)s[j]) || s[j] == '_'))
			j++;
		if (j == start)
			continue;
		if (!field_elem(s + start, j - start))
			return 0;
		if (closing)
			evidence = 1;
	}
	return evidence;
}

/* HTML (or plain text) to collapsed plain text. */
void
html_to_text(struct buf *out, const char *s, size_t len, int flags)
{
	struct conv cv;
	int markup = (flags & HTML_MARKUP) != 0;
	struct html_ref_info ri;
	size_t i = 0;

	/* Worst cases: "&gt;" (4 bytes) -> 1; "&Gt;" -> 3; "&nvlt;" (6) ->
	 * 4; "&#0;" (4) -> 3; one separator per tag or space.  Twice the
	 * input is enough. */
	buf_reserve(out, 2 * len + 8);
	cv.o = cv.start = out->data + out->len;
	cv.due = 0;
	cv.oneline = (flags & HTML_ONELINE) != 0;
	while (i < len) {
		size_t j = i;

		/* A run of text, single spaces between words included: a
		 * block at a time while it holds no markup, no '&', no other
		 * whitespace, and no space beside another or before what is
		 * not text (those may collapse); then byte by byte. */
		while (j < len && html_class[(unsigned char)s[j]] == C_TEXT) {
			while (j + SCAN_BLOCK <= len) {
				scan_vec v = scan_load(s + j);
				unsigned sp = scan_eq(v, ' ');
				unsigned bad = scan_ctrl(v) | scan_eq(v, '<') |
				    scan_eq(v, '&') | scan_eq(v, 0xC2) |
				    (sp & (sp << 1));

				if ((sp & SCAN_LAST) &&
				    (j + SCAN_BLOCK >= len ||
				        html_class[(unsigned char)
				                s[j + SCAN_BLOCK]] != C_TEXT))
					bad |= SCAN_LAST;
				if (bad != 0) {
					/* Up to the byte before the stop:
					 * it may be a space that must not
					 * join the run. */
					unsigned k = scan_first(bad);
					if (k > 1)
						j += k - 1;
					break;
				}
				j += SCAN_BLOCK;
			}
			while (j < len &&
			    html_class[(unsigned char)s[j]] == C_TEXT)
				j++;
			if (j + 1 < len && s[j] == ' ' &&
			    html_class[(unsigned char)s[j + 1]] == C_TEXT)
				j++;
			else
				break;
		}
		if (j > i)
			conv_text(&cv, s + i, j - i);
		if (j == len)
			break;
		i = j;
		switch (html_class[(unsigned char)s[i]]) {
		case C_SPACE:
			conv_due(&cv, 1);
			i++;
			break;
		case C_NBSP_LEAD:
			if (i + 1 < len && (unsigned char)s[i + 1] == 0xA0)
				conv_due(&cv, 1);
			else if (i + 1 < len)
				conv_text(&cv, s + i, 2);
			i += 2;
			break;
		case C_LT:
			if (markup)
				i = conv_tag(&cv, s, i, len);
			else {
				conv_text(&cv, "<", 1);
				i++;
			}
			break;
		case C_AMP:
			if (markup &&
			    html_ref_parse(s + i, len - i, 1, &ri) > 0) {
				conv_cp(&cv, ri.cp[0]);
				if (ri.cp[1])
					conv_cp(&cv, ri.cp[1]);
				i += ri.len;
			} else {
				conv_text(&cv, "&", 1);
				i++;
			}
			break;
		}
	}
	out->len = (size_t)(cv.o - out->data);
	out->data[out->len] = '\0';
}
