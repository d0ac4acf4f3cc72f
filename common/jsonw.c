/*
 * The JSON text writer (jsonw.h): what `feedwatch parse` prints items
 * with and what alert documents are made of, so neither builds a jansson
 * tree only to dump it.
 */
#include "config.h"

#include <string.h>
#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#define JW_SIMD 1
#endif

#include "common/jsonw.h"

/* What a byte becomes inside a JSON string: 0 itself, else the letter
 * after the backslash of its short escape, or 'u' for \u00xx. */
static const char json_esc[256] = {'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b',
    't', 'n', 'u', 'f', 'r', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', ['"'] = '"', ['\\'] = '\\'};

/* One byte onto the end: in place when there is room (nearly always),
 * else through buf_appendc. */
static void
jw_putc(struct buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
	} else
		buf_appendc(b, c);
}

#ifdef JW_SIMD
/* Bit k set when byte k of v needs an escape: below 0x20, '"', '\\'. */
static inline unsigned
jw_esc_mask(__m128i v)
{
	__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i bs = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));

	return (unsigned)_mm_movemask_epi8(
	    _mm_or_si128(ctl, _mm_or_si128(q, bs)));
}
#endif

/* Escaped as jansson escapes it: the short forms where JSON has one.
 * Room for the plain string is made once and the runs between escapes
 * are copied into it (sixteen bytes a step with SSE2: there is always
 * room for the rest of the string and its '"' past w, so a block is
 * stored whole and w moves on by the plain bytes); an escape makes room
 * for its own bytes. */
void
jw_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	char *w;

	buf_reserve(b, len + 2);
	w = b->data + b->len;
	*w++ = '"';
	for (;;) {
		unsigned char c;

#ifdef JW_SIMD
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)p);
			unsigned m = jw_esc_mask(v);

			_mm_storeu_si128((__m128i *)w, v);
			if (m != 0) {
				w += __builtin_ctz(m);
				p += __builtin_ctz(m);
				break;
			}
			w += 16;
			p += 16;
		}
#endif
		/* Fewer than 16 bytes to the end (or the run before an
		 * escape): copied as they are checked, a call to memcpy
		 * costs more for keys and short values. */
		while (p < end && json_esc[*p] == 0)
			*w++ = (char)*p++;
		if (p == end)
			break;
		c = *p++;
		/* Six bytes at most for this one, then the rest and '"'. */
		b->len = (size_t)(w - b->data);
		buf_reserve(b, 6 + (size_t)(end - p) + 1);
		w = b->data + b->len;
		*w++ = '\\';
		*w++ = json_esc[c];
		if (json_esc[c] == 'u') {
			memcpy(w, "00", 2);
			w[2] = hex[c >> 4];
			w[3] = hex[c & 15];
			w += 4;
		}
	}
	*w++ = '"';
	b->len = (size_t)(w - b->data);
	*w = '\0';
}

/* A new line at the current depth (indented layout only). */
static void
jw_newline(struct jw *w)
{
	if (w->base == NULL)
		return;
	buf_appendc(w->b, '\n');
	buf_appends(w->b, w->base);
	for (unsigned i = 0; i < w->depth; i++)
		buf_append(w->b, "  ", 2);
}

/* Comma, line break and key, as the layout wants them. */
void
jw_next(struct jw *w, const char *key)
{
	if (!w->first)
		jw_putc(w->b, ',');
	w->first = 0;
	jw_newline(w);
	if (key != NULL) {
		jw_string(w->b, key, strlen(key));
		if (w->base == NULL)
			jw_putc(w->b, ':');
		else
			buf_append(w->b, ": ", 2);
	}
}

/* The top level value has no separator before it. */
void
jw_open(struct jw *w, const char *key, char c)
{
	if (key != NULL || w->depth > 0)
		jw_next(w, key);
	jw_putc(w->b, c);
	w->depth++;
	w->first = 1;
}

/* "[]" when empty, as jansson prints it. */
void
jw_close(struct jw *w, char c)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	jw_putc(w->b, c);
	w->first = 0;
}

/* A string member; NULL is written as "". */
void
jw_str(struct jw *w, const char *key, const char *s)
{
	if (s == NULL)
		s = "";
	jw_strn(w, key, s, strlen(s));
}

/* A string member of known length. */
void
jw_strn(struct jw *w, const char *key, const char *s, size_t len)
{
	jw_next(w, key);
	jw_string(w->b, s, len);
}

/* A string member that may be absent: null. */
void
jw_str_or_null(struct jw *w, const char *key, const char *s)
{
	if (s != NULL)
		jw_str(w, key, s);
	else
		jw_lit(w, key, "null");
}

/* An integer member, as jansson prints a json_integer. */
void
jw_int(struct jw *w, const char *key, long long n)
{
	char d[24], *q = d + sizeof(d);
	unsigned long long u =
	    n < 0 ? 0 - (unsigned long long)n : (unsigned long long)n;

	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*--q = '-';
	jw_next(w, key);
	buf_append(w->b, q, (size_t)(d + sizeof(d) - q));
}

/* true, false or null. */
void
jw_lit(struct jw *w, const char *key, const char *lit)
{
	jw_next(w, key);
	buf_appends(w->b, lit);
}
