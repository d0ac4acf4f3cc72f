/*
 * The item builder (build.c): the last stage of the feed parser.  It is
 * told of tags and text in document order (by expat's glue in parse.c, or
 * by lax.c through the same handlers), works out what each element means,
 * gathers an item's fields, and hands each item to the callback when its
 * element ends.  It keeps the channel's meta data as it goes.
 */
#ifndef FW_FEEDS_BUILD_H
#define FW_FEEDS_BUILD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/str.h"
#include "feeds/parse.h"
#include "feeds/sax.h"

/* Bytes of one text field of one item (a content:encoded of a long
 * article is ~100 KiB; 1 MiB leaves room and bounds memory). */
#define FP_FIELD_MAX (1024 * 1024)
/* Authors, categories, enclosures per item: enough for real feeds,
 * bounded against hostile ones. */
#define FP_LIST_MAX 64

/* Item fields gathered from competing elements, each with the priority of
 * the element that set it (higher wins; on a tie the first stays). */
enum fp_slot {
	SLOT_TITLE,
	SLOT_LINK,
	SLOT_ID,
	SLOT_SUMMARY,
	SLOT_CONTENT,
	SLOT_LANGUAGE,
	SLOT_COUNT,
};

enum fp_date {
	DATE_PUBLISHED,
	DATE_UPDATED,
	DATE_COUNT,
};

/* Strings inherited down the tree (xml:base, xml:lang), innermost last. */
struct fp_inherit {
	struct buf strs; /* NUL-separated */
	size_t off[FP_DEPTH_MAX + 1];
	unsigned at[FP_DEPTH_MAX + 1]; /* the depth of the element */
	unsigned n;
};

struct fp_level {
	uint16_t elem; /* enum elem in build.c */
	uint8_t base;  /* this element pushed an xml:base */
	uint8_t lang;  /* ... and an xml:lang */
};

struct nsmap;

struct fp_build {
	const struct fp_handlers *h; /* warnings */
	struct fp_scope *scope;      /* kept here, read by lax.c */
	feed_item_cb cb;
	void *cbarg;
	feed_known_cb known; /* may be NULL */
	void *knownarg;
	const char *base_url;        /* the feed's own URL, or NULL */
	const struct nsmap *ns_last; /* the namespace last looked up */
	int hopeless;                /* not a feed: the rest is ignored */

	struct fp_level stack[FP_DEPTH_MAX + 1];
	struct fp_inherit bases, langs;
	unsigned bases_gen; /* counts pushes and pops of bases */

	/* document */
	int root_seen;
	int html;           /* the root is <html> */
	char *html_feed;    /* the feed an HTML page advertises */
	char root_name[32]; /* for the error message */
	unsigned channel_depth;
	unsigned item_depth; /* 0: not in an item */
	unsigned skip_depth; /* 0: not in a subtree we ignore */
	unsigned author_depth;

	/* the text field being read */
	unsigned collect_depth; /* 0: none */
	int collect_slot;       /* the rule's index in its table */
	int collect_prio;
	int collect_kind; /* html_to_text flags; XHTML in build.c */
	int collect_meta; /* for the channel, not the item */
	int collect_full;
	int collect_elem; /* enum elem, for messages */
	struct buf collect;
	struct buf tmp;
	struct buf linktmp; /* a link made absolute, for prio_set only */

	/* the item being read */
	struct buf slot[SLOT_COUNT];
	int slot_prio[SLOT_COUNT];
	/* 0: slot[] holds text; else it holds the element's markup, to be
	 * made text (html_to_text flags, K_GUESS to guess if it is HTML,
	 * + 1) only for an item handed on. */
	int slot_defer[SLOT_COUNT];
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
	int item_asked;  /* known was asked about this item */
	int item_old;    /* ... and has it: the rest is not read */
	int emitted_old; /* the item that ended last was old */
	int id_prio_top; /* build_id_prio_top() */
	int list_warned;
	int content_alias; /* content is the summary (see collect_end) */
	char *authv[FP_LIST_MAX];
	char *catv[FP_LIST_MAX];
	/* authors in parts: name, email, uri, NUL-separated, one triple
	 * per author (and per feed author) */
	struct buf author_det, feed_author_det;
	struct buf author_uri;
	struct feed_author autv[FP_LIST_MAX];
	/* links: rel, type, href, title NUL-separated, one per link */
	struct buf linkbuf;
	size_t link_off[FP_LIST_MAX];
	struct feed_link linkv[FP_LIST_MAX];
	size_t nlinks;
	/* the declared type of the summary and content slots */
	char slot_type[SLOT_COUNT][48];
	char tmp_type[48]; /* the type of the field being read */
	int raw;           /* keep the markup of summary and content */
	struct buf slot_raw[SLOT_COUNT];
	int collect_b64; /* the field is base64 */
	int root_fam;    /* family of an unknown root namespace, or -1 */
	char root_ns[256];
	size_t root_nslen;
	char version[16];

	/* the channel */
	struct feed_meta meta;
	struct buf meta_title, meta_link, meta_language;
	int meta_title_prio, meta_link_prio, meta_date_prio, meta_lang_prio;
	size_t nitems;
};

/* b must be zeroed (as a calloc'd parser's is). */
void build_init(struct fp_build *b, const char *base_url, feed_item_cb cb,
    void *arg, const struct fp_handlers *h, struct fp_scope *scope);
/* A start tag ("URI\x01local"); nonzero once the input is not a feed. */
int build_start(struct fp_build *b, const char *name, const char **atts);
void build_text(struct fp_build *b, const char *s, size_t len);
void build_end(struct fp_build *b);
/* An item ends (builditem.c): count it if old, else hand it on. */
void build_item_emit(struct fp_build *b);
uint64_t build_old_key(const struct fp_build *b);
/* What relative links resolve against here, or NULL. */
const char *build_base(struct fp_build *b);
/* Ask whether the item is old as soon as its id is final. */
void build_item_ask(struct fp_build *b);
int build_id_prio_top(void);
/* Why the input is no feed, when its root said so (else NULL); free it. */
char *build_why_not(const struct fp_build *b);
void build_free(struct fp_build *b);

/* The value of attribute `name` ("URI\x01local" or "local"), or NULL;
 * fold: ignoring ASCII case (HTML attributes). */
static inline const char *
att_find(const char **atts, const char *name, int fold)
{
	for (size_t i = 0; atts[i] != NULL; i += 2)
		if ((fold ? str_casecmp(atts[i], name)
		          : strcmp(atts[i], name)) == 0)
			return atts[i + 1];
	return NULL;
}

#define att_get(atts, name) att_find(atts, name, 0)
#define att_get_case(atts, name) att_find(atts, name, 1)

/* What attributes say (buildattr.c). */
/* The kind of an Atom text construct (elems.h's K_ flags). */
int build_atom_kind(const char **atts, int flags);
/* The declared type of a text field, as a MIME type. */
void build_field_type(char *out, size_t outsz, int kind, const char **atts);
/* <link rel="alternate" type=...> in an HTML page. */
void build_html_start(struct fp_build *b, const char *local, const char **atts);
/* The precise version of an <rss> root. */
void build_rss_version(struct fp_build *b, const char *v);
/* A root element in a namespace we do not know; 0 when it is no feed's. */
int build_root_unknown_ns(
    struct fp_build *b, const char *uri, size_t urilen, const char *local);

/* Lists of an item (buildlist.c). */
int build_list_full(struct fp_build *b, size_t n, const char *what);
int build_list_add(
    struct fp_build *b, struct buf *list, size_t *n, const char *s, size_t len);
/* An author: the text shown (name, else email, else uri) and its parts;
 * feed: the feed's, which entries inherit. */
void build_author_add(struct fp_build *b, int feed, const char *name,
    const char *email, const char *uri);
/* An RSS author or dc:creator: "me@example.org (Name)" split. */
void build_author_text(struct fp_build *b, const char *s, size_t len);
void build_enclosure_add(
    struct fp_build *b, const char *url, const char *type, const char *length);
/* A link of the item; href resolved, rel NULL for "alternate". */
void build_link_add(struct fp_build *b, const char *rel, const char *type,
    const char *href, const char *title, const char *length);
/* Point the item's author and link arrays into the buffers. */
void build_lists_emit(struct fp_build *b, struct feed_item *it);
/* Resolve ref against the current base into out (build.c). */
void build_resolve(
    struct fp_build *b, struct buf *out, const char *ref, size_t len);
/* Base64 (RFC 4648, whitespace ignored) decoded into out; -1 on junk. */
int build_base64(struct buf *out, const char *s, size_t len);

#endif
