/*
 * JSON Feed 1.0 and 1.1 (jsonfeed.org), read like RSS and Atom: the
 * parser driver (parse.c) hands every byte here as well while the input
 * could still be JSON (its first byte past blanks and a BOM is '{'), and
 * at the end this file, not the XML stages, makes the document: the same
 * struct feed_meta, the same struct feed_item per item, the same kind of
 * warnings.  The whole body is kept (the fetcher's max-size bounds it) and
 * parsed once with jansson.
 */
#ifndef FW_FEEDS_JSONFEED_H
#define FW_FEEDS_JSONFEED_H

#include "common/buf.h"
#include "feeds/parse.h"

enum jsonfeed_sniff {
	JSONFEED_UNDECIDED = 0, /* only blanks so far */
	JSONFEED_YES,
	JSONFEED_NO,
};

struct fp_json {
	enum jsonfeed_sniff state;
	int bom;    /* bytes of a UTF-8 byte order mark seen */
	int blanks; /* blanks seen: no BOM after them */
	struct buf body;
	char *title, *link, *language; /* the meta's strings, owned here */
};

/* Take a chunk; the state says whether the input is JSON. */
enum jsonfeed_sniff jsonfeed_feed(struct fp_json *j, const char *s, size_t len);
/*
 * Parse the body: fill meta, call cb per item, warn(ctx, msg) per problem.
 * 0, or -1 with *error set (the document is not a JSON Feed).
 */
int jsonfeed_finish(struct fp_json *j, const char *base_url,
    struct feed_meta *meta, feed_item_cb cb, void *arg,
    void (*warn)(void *, const char *), void *ctx, char **error);
void jsonfeed_free(struct fp_json *j);

#endif
