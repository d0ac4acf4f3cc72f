/*
 * What the stages of the feed parser share (see parse-int.h for how bytes
 * flow through them).  A stage is given the handlers it calls by the
 * driver, parse.c, and knows nothing of what lies behind them: the
 * tokenizers (expat through parse.c, or lax.c) report tags and text, and
 * every stage reports its warnings, through a struct fp_handlers.
 *
 * The scope is the one piece of document state two stages need: the item
 * builder keeps the open elements' names and the namespace declarations in
 * it as it is told of tags, and lax.c reads it to match end tags and
 * resolve prefixes where expat left off.
 */
#ifndef FW_FEEDS_SAX_H
#define FW_FEEDS_SAX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"

/* Deepest element nesting we track; deeper elements are counted and
 * ignored.  Real feeds nest below 10; XHTML content perhaps 30. */
#define FP_DEPTH_MAX 256
/* Namespace declarations in scope at once. */
#define FP_NSDECL_MAX 64
/* Stored characters of an element's local name (for lax.c's matching). */
#define FP_NAME_KEEP 64
/* Expat's separator between a namespace URI and a local name. */
#define FP_NS_SEP '\x01'

struct fp_handlers {
	/* A start tag: "URI\x01local" (or "local") and NULL-terminated
	 * name/value pairs.  Nonzero: the input is not a feed, stop. */
	int (*start)(void *ctx, const char *name, const char **atts);
	void (*text)(void *ctx, const char *s, size_t len);
	/* The end of the innermost open element. */
	void (*end)(void *ctx);
	/* A recoverable problem; the driver adds the line. */
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
};

/* Format a warning and hand it to h->warn. */
void fp_warnf(const struct fp_handlers *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct fp_scope {
	unsigned depth;    /* open elements tracked */
	unsigned overflow; /* open elements past FP_DEPTH_MAX, ignored */
	uint16_t nameoff[FP_DEPTH_MAX + 1]; /* local names in `names` */
	struct buf names;
	struct {
		uint16_t prefix, uri; /* offsets in nsbuf */
		unsigned depth;
	} ns[FP_NSDECL_MAX];
	unsigned nns;
	struct buf nsbuf;
};

/* The local name of open element d (1 is the root). */
const char *scope_name(const struct fp_scope *s, unsigned d);
/* An xmlns declaration of the element about to open: prefix (NULL: the
 * default namespace) -> uri. */
void scope_ns_push(struct fp_scope *s, const char *prefix, const char *uri);
/* The innermost URI bound to prefix[0..len) (NULL: the default), or NULL. */
const char *scope_ns_lookup(
    const struct fp_scope *s, const char *prefix, size_t len);
void scope_free(struct fp_scope *s);

/* Whether byte c may start an XML name: where lax.c sees a tag, and
 * xmlfix.c's tracking too. */
static inline int
fp_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c >= 0x80;
}

/* Append to b, without a call when there is room: the stages append a
 * few bytes at a time, for every line of every feed. */
static inline void
fp_append(struct buf *b, const char *s, size_t n)
{
	if (b->len + n < b->cap) {
		memcpy(b->data + b->len, s, n);
		b->len += n;
		b->data[b->len] = '\0';
	} else
		buf_append(b, s, n);
}

/* Push a name: lax.c matches end tags against these. */
static inline void
scope_open(struct fp_scope *s, const char *local, size_t len)
{
	s->depth++;
	s->nameoff[s->depth] = (uint16_t)s->names.len;
	fp_append(&s->names, local, utf8_cut(local, len, FP_NAME_KEEP));
	buf_appendc(&s->names, '\0');
}

/* Pop the innermost name and the declarations made on it. */
static inline void
scope_close(struct fp_scope *s)
{
	buf_truncate(&s->names, s->nameoff[s->depth]);
	s->depth--;
	while (s->nns > 0 && s->ns[s->nns - 1].depth > s->depth) {
		s->nns--;
		buf_truncate(&s->nsbuf, s->ns[s->nns].prefix);
	}
}

#endif
