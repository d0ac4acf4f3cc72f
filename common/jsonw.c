/*
 * The JSON text writer (jsonw.h): what `feedwatch parse` prints items
 * with and what alert documents are made of, so neither builds a jansson
 * tree only to dump it.
 */
#include "config.h"

#include <string.h>

#include "common/jsonw.h"

/* Bytes that must be escaped in a JSON string (", \, controls). */
static int
json_special(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* Escaped as jansson escapes it: the short forms where JSON has one. */
void
jw_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *end = s + len;

	buf_appendc(b, '"');
	for (;;) {
		const char *run = s;
		while (s < end && !json_special((unsigned char)*s))
			s++;
		buf_append(b, run, (size_t)(s - run));
		if (s == end)
			break;
		unsigned char c = (unsigned char)*s++;
		char e[7] = {'\\', (char)c, 0};
		size_t n = 2;
		if (c == '\n')
			e[1] = 'n';
		else if (c == '\t')
			e[1] = 't';
		else if (c == '\r')
			e[1] = 'r';
		else if (c == '\b')
			e[1] = 'b';
		else if (c == '\f')
			e[1] = 'f';
		else if (c < 0x20) {
			memcpy(e, "\\u00", 4);
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			n = 6;
		}
		buf_append(b, e, n);
	}
	buf_appendc(b, '"');
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
		buf_appendc(w->b, ',');
	w->first = 0;
	jw_newline(w);
	if (key != NULL) {
		jw_string(w->b, key, strlen(key));
		if (w->base == NULL)
			buf_appendc(w->b, ':');
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
	buf_appendc(w->b, c);
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
	buf_appendc(w->b, c);
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
