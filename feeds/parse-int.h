/*
 * The insides of the feed parser's driver (parse.c), for it and for the
 * tests.  Bytes flow through the stages, each a file with its own state:
 *
 *	feed_parser_feed -> decode.c -> xmlfix.c -> expat  -> build.c
 *	                  (to UTF-8)  (repairs)    or lax.c  (items)
 *
 * decode.c finds the encoding (BOM, HTTP charset, XML declaration, and
 * whether the bytes agree with it) and turns everything into UTF-8.
 * xmlfix.c repairs, as the bytes stream past, what expat would reject but
 * a browser reads: HTML entities, bare '&', control characters.  The
 * repaired stream goes to expat; when expat still fails, lax.c, a
 * tolerant tokenizer, takes over at the failure and reads on.  Both end
 * in the same handlers (sax.h), which hand tags and text to the item
 * builder, build.c.  The driver wires the stages together: each is given
 * a struct fp_handlers and knows nothing of the stages after it.
 *
 * The repaired stream is kept in `fixed` from stream offset `fixed_off`
 * on: the tail expat has not finished with stays there, so lax.c can start
 * where expat stopped.  It is trimmed as it grows (see parse.c).  The CDATA
 * sections xmlfix.c records are not expat's to read: it sees a
 * placeholder, and parse.c hands their text to the builder (expat_feed).
 */
#ifndef FW_FEEDS_PARSE_INT_H
#define FW_FEEDS_PARSE_INT_H

/* libexpat is built with DTD support (its default, and Debian's); the
 * amplification limits are declared only under this macro. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>
#include <stdint.h>

#include "common/buf.h"
#include "feeds/build.h"
#include "feeds/decode.h"
#include "feeds/jsonfeed.h"
#include "feeds/lax.h"
#include "feeds/parse.h"
#include "feeds/sax.h"
#include "feeds/xmlfix.h"

/* Warnings kept per parse; later ones are counted in one last line. */
#define FP_WARN_MAX 64
/* The part of the stream kept for lax.c after expat has seen it: the
 * longest token expat may still be holding when it fails. */
#define FP_RETAIN 65536
/* The stream buffer is trimmed once this much of it is disposable. */
#define FP_TRIM (1024 * 1024)
/* Bytes expat may take without reporting anything (one tag, comment or
 * declaration still open): beyond it, lax.c takes over.  Text reaches the
 * handlers in pieces; only markup is held whole, and no real feed has a
 * tag of a megabyte. */
#define FP_QUIET_MAX (1024 * 1024)

/* A CDATA section of the stream that expat reads as a placeholder (a
 * processing instruction, FP_HOLE) while parse.c hands its text to the
 * builder: where the placeholder is in expat's bytes, where the section
 * is in the stream, and its length there. */
struct fp_hole {
	uint64_t xp_at;
	uint64_t at;
	size_t len;
	/* an old item that came again (again_old's); NULL: a section */
	const struct feed_again_mark *old;
};

/* An item given to expat, whose mark is kept if the builder reads an old
 * item from exactly its bytes: stream offsets of its start tag, its end
 * tag and its end; its depth; its mark, or 0 until it is needed. */
struct fp_cand {
	uint64_t at, end_at, to, mark;
	uint64_t ctx; /* once the builder began it (again_ctx) */
	unsigned long depth;
};

struct feed_parser {
	struct fp_handlers h; /* what every stage calls; ctx is this */
	char *base_url;
	int finished;

	struct fp_decode dec;
	struct fp_xmlfix xf;

	/* the repaired stream */
	struct buf fixed;
	uint64_t fixed_off; /* stream offset of fixed.data[0] */
	uint64_t fed;       /* stream offset expat or lax has been given */
	uint64_t line_pos;  /* stream offset lines are counted to */
	unsigned long line; /* line number at line_pos (1-based) */

	/* expat, then lax.c once expat fails */
	XML_Parser xp;
	int in_expat; /* inside XML_Parse: positions come from expat */
	int in_lax;   /* inside lax_run: positions come from lax.c */
	uint64_t events, events_seen; /* handler calls, for FP_QUIET_MAX */
	uint64_t quiet_from;          /* stream offset of the last one */
	uint64_t event_end; /* where the bytes of the last event end */
	int text_last;      /* the last event was text: event_end is due */
	int xp_in_cdata;    /* between expat's CDATA start and end events */
	unsigned entity_decls;
	int lax;
	struct fp_lax lx;

	/* Sections expat does not see (see expat_feed in parse.c). */
	struct fp_hole *holes; /* this XML_Parse's, in order */
	size_t nholes, holes_cap;
	size_t hole_next;   /* the next placeholder expat will report */
	size_t hole_cur;    /* xp_pos's place in holes */
	uint64_t xp_delta;  /* stream less expat offsets before holes[0] */
	uint64_t cur_delta; /* ... and at hole_cur */
	uint64_t xp_fed;    /* bytes expat has been given */
	int no_holes;       /* tests: none */
	int text_here;      /* handing on a section's text ... */
	uint64_t text_at;   /* ... whose line at this stream offset */

	/* Old items that come again (feed_parser_set_again). */
	struct feed_again again_old;       /* the last document's marks */
	struct feed_again_mark *again_new; /* this one's, unsorted */
	size_t nagain_new, again_cap;
	uint64_t again_seed; /* of the marks: the base URL */
	uint64_t *skip_keys; /* of the items left out, in order */
	size_t skipped, skip_cap;
	struct fp_cand *cands; /* given to expat, in order */
	size_t ncands, cand_next, cands_cap;
	struct fp_cand cand; /* the one the builder is in ... */
	int cand_in;         /* ... if any */
	/* again_ctx's cache, and what it is valid for */
	uint64_t ctx, ctx_ns_gen, ns_gen;
	unsigned ctx_nns, ctx_depth, ctx_bases_gen;
	int ctx_valid;
	int again_stale; /* an item was left out in another context */

	struct fp_scope scope;
	struct fp_build b;
	struct fp_json json; /* JSON Feed: a document that starts with '{' */

	/* warnings and the final error */
	char *warnings[FP_WARN_MAX + 1];  /* + "N more" */
	uint64_t warning_at[FP_WARN_MAX]; /* the stream offset each names */
	size_t nwarnings;
	size_t dropped_warnings;
	char *error;
};

/* Tests: use lax.c alone, from the first byte. */
void fp_lax_only(struct feed_parser *p);
/* Tests: expat reads every section (no placeholders). */
void fp_no_holes(struct feed_parser *p);

/* again.c: old items that come again (feed_parser_set_again). */
uint64_t again_mark(
    const struct feed_parser *p, const char *s, size_t n, unsigned long depth);
const struct feed_again_mark *again_find(
    const struct feed_parser *p, uint64_t mark);
void again_note(
    struct feed_parser *p, uint64_t mark, uint64_t key, uint64_t ctx);
uint64_t again_ctx(struct feed_parser *p);
void again_skipped(struct feed_parser *p, const struct feed_again_mark *m);
void cand_add(struct feed_parser *p, const struct xf_item *t, uint64_t mark);
void cand_begun(struct feed_parser *p, uint64_t at, uint64_t ctx);
void cand_ended(struct feed_parser *p, uint64_t at);

#endif
