/*
 * Stage 2 of the feed parser (xmlfix.c): the UTF-8 stream in, repaired
 * for expat, appended to the buffer it is given.
 */
#ifndef FW_FEEDS_XMLFIX_H
#define FW_FEEDS_XMLFIX_H

#include <stddef.h>

#include "common/buf.h"
#include "feeds/sax.h"

enum xf_state {
	XF_MARKUP = 0,
	XF_CDATA,
	XF_COMMENT,
	XF_PI,
	XF_DOCTYPE,
};

/* A CDATA section inside the root, whole in the repaired stream: offsets
 * of its "<![CDATA[" and just past its "]]>" in the output buffer. */
struct xf_span {
	size_t from, to;
};

/* An item or entry element inside the root, whole in the repaired
 * stream: offsets in the output buffer of its start tag's '<', of its
 * end tag's '<' and just past that tag's '>'; depth: the elements open
 * around it. */
struct xf_item {
	size_t from, end_at, to;
	unsigned long depth;
};

struct fp_xmlfix {
	const struct fp_handlers *h; /* warnings */
	struct buf *out;             /* the repaired stream */

	enum xf_state xf;
	struct buf xfcarry; /* a construct cut by the end of a chunk */
	int dtd_subset;     /* the DOCTYPE has an internal subset */
	int doctype_bracket;
	char xf_quote;
	unsigned xf_warned;
	char warned_names[256]; /* "nbsp mdash " once each */

	/* Text holding references goes to expat as CDATA (see xmlfix.c). */
	int tag;             /* inside a start or end tag */
	int tag_close;       /* ... an end tag */
	char tag_quote;      /* ... inside its quoted attribute value */
	int cd;              /* a CDATA section of ours is open */
	int noconv;          /* the document confused the tracking: off */
	unsigned long depth; /* open elements, as the tags say */

	/* Sections written whole since the driver last took them (see
	 * xmlfix_spans): parse.c hands their text to the builder itself. */
	struct xf_span *spans;
	size_t nspans, spans_cap;
	size_t span_from; /* the open section's start, if span_open */
	int span_open;

	/* Items written whole since the driver last took them (see
	 * xmlfix_items), and the one being written. */
	struct xf_item *items;
	size_t nitems, items_cap;
	struct xf_item item;
	int item_state; /* XI_NONE ... (xmlfix.c) */
};

void xmlfix_init(
    struct fp_xmlfix *x, const struct fp_handlers *h, struct buf *out);
/* The next piece of UTF-8; final: the end of the input. */
void xmlfix_feed(struct fp_xmlfix *x, const char *s, size_t len, int final);
void xmlfix_free(struct fp_xmlfix *x);
/* The sections recorded since the last call; the next call forgets
 * them.  A section still open is forgotten too (the driver has handed
 * its start on) unless hold_open: the driver keeps its bytes back. */
const struct xf_span *xmlfix_spans(
    struct fp_xmlfix *x, size_t *n, int hold_open);
/* The items recorded since the last call (only while the tracking is
 * on: not after it lost its way, not with an internal DTD subset); the
 * next call forgets them. */
const struct xf_item *xmlfix_items(struct fp_xmlfix *x, size_t *n);
/* Where the open section starts in the output, or SIZE_MAX. */
size_t xmlfix_open_span(const struct fp_xmlfix *x);
/* The driver dropped n bytes from the front of the output. */
void xmlfix_consumed(struct fp_xmlfix *x, size_t n);
/* Tests and the fuzzer: leave text as references (no CDATA). */
void xmlfix_no_cdata(struct fp_xmlfix *x);

#endif
