/*
 * The insides of the feed parser, shared by its stages (and by nothing
 * else).  Bytes flow through four stages, each a file:
 *
 *	feed_parser_feed -> decode.c -> xmlfix.c -> expat  -> parse.c
 *	                  (to UTF-8)  (repairs)    or lax.c  (items)
 *
 * decode.c finds the encoding (BOM, HTTP charset, XML declaration, and
 * whether the bytes agree with it) and turns everything into UTF-8.
 * xmlfix.c repairs, as the bytes stream past, what expat would reject but
 * a browser reads: HTML entities, bare '&', control characters.  The
 * repaired stream goes to expat; when expat still fails, lax.c, a
 * tolerant tokenizer, takes over at the failure and reads on.  Both call
 * the same three handlers in parse.c, which build items and meta data.
 *
 * The repaired stream is kept in `fixed` from stream offset `fixed_off`
 * on: the tail expat has not finished with stays there, so lax.c can start
 * where expat stopped.  It is trimmed as it grows (see parse.c).
 */
#ifndef FW_FEEDS_PARSE_INT_H
#define FW_FEEDS_PARSE_INT_H

/* libexpat is built with DTD support (its default, and Debian's); the
 * amplification limits are declared only under this macro. */
#ifndef XML_DTD
#define XML_DTD 1
#endif
#include <expat.h>
#include <iconv.h>
#include <stdint.h>

#include "common/buf.h"
#include "feeds/parse.h"

/* Deepest element nesting we track; deeper elements are counted and
 * ignored.  Real feeds nest below 10; XHTML content perhaps 30. */
#define FP_DEPTH_MAX 256
/* Bytes of one text field of one item (a content:encoded of a long
 * article is ~100 KiB; 1 MiB leaves room and bounds memory). */
#define FP_FIELD_MAX (1024 * 1024)
/* Authors, categories, enclosures per item: enough for real feeds,
 * bounded against hostile ones. */
#define FP_LIST_MAX 64
/* Warnings kept per parse; later ones are counted in one last line. */
#define FP_WARN_MAX 64
/* Namespace declarations in scope at once. */
#define FP_NSDECL_MAX 64
/* The part of the stream kept for lax.c after expat has seen it: the
 * longest token expat may still be holding when it fails. */
#define FP_RETAIN 65536
/* The stream buffer is trimmed once this much of it is disposable. */
#define FP_TRIM (1024 * 1024)
/* One tag, comment or declaration that lax.c must see whole. */
#define FP_TOKEN_MAX 65536
/* Bytes expat may take without reporting anything (one tag, comment or
 * declaration still open): beyond it, lax.c takes over.  Text reaches the
 * handlers in pieces; only markup is held whole, and no real feed has a
 * tag of a megabyte. */
#define FP_QUIET_MAX (1024 * 1024)
/* Bytes read before the first '<' and the XML declaration: the most we
 * buffer to choose an encoding. */
#define FP_SNIFF_MAX 1024

/* decode.c modes. */
enum dec_mode {
	DEC_SNIFF = 0, /* looking for the BOM, '<' and the declaration */
	DEC_UNDECIDED, /* ASCII so far, legacy encoding declared */
	DEC_UTF8,      /* UTF-8, stray bytes read via `table` */
	DEC_SINGLE,    /* a single-byte legacy encoding via `table` */
	DEC_ICONV,     /* a multi-byte legacy encoding via iconv */
};

/* xmlfix.c states. */
enum xf_state {
	XF_MARKUP = 0,
	XF_CDATA,
	XF_COMMENT,
	XF_PI,
	XF_DOCTYPE,
};

/* lax.c states. */
enum lax_state {
	LAX_TEXT = 0,
	LAX_CDATA,
	LAX_COMMENT,
};

/* Item fields gathered from competing elements, each with the priority of
 * the element that set it (higher wins; on a tie the first stays). */
enum fp_slot {
	SLOT_TITLE,
	SLOT_LINK,
	SLOT_ID,
	SLOT_SUMMARY,
	SLOT_CONTENT,
	SLOT_COUNT,
};

enum fp_date {
	DATE_PUBLISHED,
	DATE_UPDATED,
	DATE_COUNT,
};

struct fp_level {
	uint16_t elem;    /* enum elem in parse.c */
	uint16_t nameoff; /* local name in `names` (lax.c matches end tags) */
	uint8_t base;     /* this element pushed an xml:base */
};

struct feed_parser {
	feed_item_cb cb;
	void *cbarg;
	char *base_url;
	char *http_charset;
	int hopeless; /* not a feed: input is ignored */
	int finished;

	/* decode.c */
	enum dec_mode dec;
	struct buf sniff;
	uint32_t table[128]; /* bytes 0x80.. in the legacy encoding */
	iconv_t cd;
	char enc_name[40];
	unsigned char dcarry[16];
	size_t ndcarry;
	int dec_warned;
	int bom_checked;
	int seen_lt;
	size_t junk; /* bytes skipped before the document */
	unsigned long junk_lines;

	/* xmlfix.c */
	enum xf_state xf;
	struct buf xfcarry;
	int dtd_subset; /* the DOCTYPE has an internal subset */
	int doctype_bracket;
	char xf_quote;
	unsigned xf_warned;
	char warned_names[256]; /* "nbsp mdash " once each */

	/* the repaired stream */
	struct buf fixed;
	uint64_t fixed_off;      /* stream offset of fixed.data[0] */
	uint64_t fed;            /* stream offset expat or lax has been given */
	uint64_t line_pos;       /* stream offset lines are counted to */
	unsigned long line;      /* line number at line_pos (1-based) */
	unsigned long line_base; /* lines skipped before the document */

	/* expat, then lax.c once expat fails */
	XML_Parser xp;
	int in_expat; /* inside XML_Parse: positions come from expat */
	uint64_t events, events_seen; /* handler calls, for FP_QUIET_MAX */
	uint64_t quiet_from;          /* stream offset of the last one */
	int lax;
	enum lax_state lx;
	uint64_t lax_pos; /* stream offset lax.c reads from */
	struct buf scratch;
	struct buf laxatts;

	/* element stack (parse.c) */
	struct fp_level stack[FP_DEPTH_MAX + 1];
	unsigned depth;
	unsigned overflow; /* levels past FP_DEPTH_MAX */
	struct buf names;
	struct buf bases; /* NUL-separated xml:base values, innermost last */
	size_t baseoff[FP_DEPTH_MAX + 1];
	unsigned nbases;
	struct {
		uint16_t prefix, uri; /* offsets in nsbuf */
		unsigned depth;
	} ns[FP_NSDECL_MAX];
	unsigned nns;
	struct buf nsbuf;

	/* document */
	int root_seen;
	int html;           /* the root is <html> */
	char *html_feed;    /* the feed an HTML page advertises */
	char root_name[32]; /* for the error message */
	unsigned channel_depth;
	unsigned item_depth; /* 0: not in an item */
	unsigned skip_depth; /* 0: not in a subtree we ignore */
	unsigned author_depth;
	unsigned entity_decls;

	/* the text field being read */
	unsigned collect_depth; /* 0: none */
	int collect_slot;       /* enum fp_slot, or a COLLECT_* in parse.c */
	int collect_prio;
	int collect_kind; /* html_to_text flags; XHTML in parse.c */
	int collect_meta; /* for the channel, not the item */
	int collect_full;
	int collect_elem; /* enum elem, for messages */
	struct buf collect;
	struct buf tmp;

	/* the item being read */
	struct buf slot[SLOT_COUNT];
	int slot_prio[SLOT_COUNT];
	time_t date[DATE_COUNT];
	int date_prio[DATE_COUNT];
	struct buf authors, categories; /* NUL-separated */
	size_t nauthors, ncategories;
	struct buf author_name, author_email;
	int author_feed;         /* the author being read is the feed's */
	struct buf feed_authors; /* NUL-separated: entries inherit them */
	size_t nfeed_authors;
	struct feed_enclosure encl[FP_LIST_MAX];
	size_t encl_url[FP_LIST_MAX], encl_type[FP_LIST_MAX];
	struct buf encbuf; /* NUL-separated enclosure URLs and types */
	size_t nencl;
	int guid_permalink;
	int list_warned;
	int content_alias; /* content is the summary (see collect_end) */
	char *authv[FP_LIST_MAX];
	char *catv[FP_LIST_MAX];

	/* the channel */
	struct feed_meta meta;
	struct buf meta_title, meta_link;
	int meta_title_prio, meta_link_prio, meta_date_prio;
	size_t nitems;

	/* warnings and the final error */
	char *warnings[FP_WARN_MAX + 1]; /* + "N more" */
	size_t nwarnings;
	size_t dropped_warnings;
	char *error;
};

/* parse.c */
void fp_start(struct feed_parser *p, const char *name, const char **atts);
void fp_end(struct feed_parser *p);
void fp_text(struct feed_parser *p, const char *s, size_t len);
void fp_warn(struct feed_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Line of the stream at offset `off` (counted lazily). */
unsigned long fp_line_at(struct feed_parser *p, uint64_t off);
/* Push the xmlns declaration prefix (NULL: default) -> uri. */
void fp_ns_push(
    struct feed_parser *p, const char *prefix, const char *uri, unsigned depth);
/* The URI bound to prefix (NULL: default) at this point, or NULL. */
const char *fp_ns_lookup(struct feed_parser *p, const char *prefix, size_t len);

/* Tests: use lax.c alone, from the first byte. */
void fp_lax_only(struct feed_parser *p);

/* decode.c: raw bytes in; UTF-8 out to xmlfix_feed. */
void dec_feed(struct feed_parser *p, const char *s, size_t len, int final);
void dec_free(struct feed_parser *p);

/* xmlfix.c: UTF-8 in; the repaired stream appended to p->fixed. */
void xmlfix_feed(struct feed_parser *p, const char *s, size_t len, int final);

/* lax.c: read p->fixed from p->lax_pos on. */
void lax_run(struct feed_parser *p, int final);

#endif
