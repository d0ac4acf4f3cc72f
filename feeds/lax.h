/*
 * Stage 3b of the feed parser (lax.c): the tolerant tokenizer that reads
 * the repaired stream on from where expat gave up, calling the handlers it
 * is given as expat's glue in parse.c does.
 */
#ifndef FW_FEEDS_LAX_H
#define FW_FEEDS_LAX_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "feeds/sax.h"

/* One tag, comment or declaration that lax.c must see whole. */
#define FP_TOKEN_MAX 65536

enum lax_state {
	LAX_TEXT = 0,
	LAX_CDATA,
	LAX_COMMENT,
	LAX_SKIP_TAG, /* the attributes of a start tag past FP_TOKEN_MAX */
};

struct fp_lax {
	const struct fp_handlers *h;
	struct fp_scope *scope; /* open elements, namespaces */

	enum lax_state lx;
	uint64_t pos; /* stream offset read from */
	int stopped;  /* a handler said the input is not ours */
	struct buf scratch;
	struct buf atts;
	char skip_quote;   /* LAX_SKIP_TAG: the open quote, or 0 */
	char skip_last;    /* LAX_SKIP_TAG: the byte before, for "/>" */
	size_t giant_tags; /* start tags read without their attributes */
};

void lax_init(
    struct fp_lax *l, const struct fp_handlers *h, struct fp_scope *scope);
/* Read from stream offset pos on. */
void lax_begin(struct fp_lax *l, uint64_t pos);
/* After lax_begin: that offset is inside a CDATA section. */
void lax_in_cdata(struct fp_lax *l);
/* The length of the markup at s[0] == '<' as lax.c reads it (a comment,
 * CDATA section, declaration, processing instruction or tag; 1 for a '<'
 * that is text), or 0 when it does not end within n bytes. */
size_t lax_token_len(const char *s, size_t n);
/* The stream from offset off (data[0]) to off + len; reads what it can
 * from l->pos on, leaving an incomplete token unless final. */
void lax_run(
    struct fp_lax *l, const char *data, uint64_t off, size_t len, int final);
void lax_free(struct fp_lax *l);

#endif
