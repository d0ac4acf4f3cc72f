/*
 * A JSON text writer: values appended to a buffer as they are given, with
 * no tree built.  The layout is jansson's: JSON_COMPACT when base is NULL,
 * else JSON_INDENT(2) with every line after the first starting with base.
 * Strings must be valid UTF-8; they are escaped as jansson escapes them
 * (", \ and controls; a control other than \b \f \n \r \t as \u00xx).
 *
 *	struct jw w = {.b = &out};
 *	jw_open(&w, NULL, '{');
 *	jw_str(&w, "id", id);
 *	jw_int(&w, "score", 3);
 *	jw_close(&w, '}');
 */
#ifndef FW_COMMON_JSONW_H
#define FW_COMMON_JSONW_H

#include <stddef.h>

#include "common/buf.h"

struct jw {
	struct buf *b;
	const char *base; /* NULL: compact */
	unsigned depth;
	int first; /* nothing written yet in the innermost container */
};

/* s[0..len) as a JSON string, quotes included. */
void jw_string(struct buf *b, const char *s, size_t len);
/* The separator before the next value, and its key in an object (key
 * NULL in an array); then the caller appends the value itself. */
void jw_next(struct jw *w, const char *key);
/* Open an object or array ('{' or '['), as the value of key. */
void jw_open(struct jw *w, const char *key, char c);
/* Close it ('}' or ']'); an empty one is "{}" or "[]". */
void jw_close(struct jw *w, char c);
/* "key": "s" ("" for NULL) */
void jw_str(struct jw *w, const char *key, const char *s);
void jw_strn(struct jw *w, const char *key, const char *s, size_t len);
/* "key": "s", or null for NULL */
void jw_str_or_null(struct jw *w, const char *key, const char *s);
void jw_int(struct jw *w, const char *key, long long n);
/* "key": a literal (true, false, null) */
void jw_lit(struct jw *w, const char *key, const char *lit);

#endif
