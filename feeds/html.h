/*
 * HTML to plain text, for the titles, summaries and contents of feed items,
 * and the character-reference rules both it and the XML repair pass in
 * feeds/parse.c share.  One pass over the bytes, no allocation but the
 * output buffer's: markup removed, block elements turned into line breaks,
 * script and style dropped, every HTML5 named reference decoded,
 * whitespace collapsed.  Input must be valid UTF-8; so is the output.
 */
#ifndef FW_FEEDS_HTML_H
#define FW_FEEDS_HTML_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "feeds/entities.h"

/* html_to_text flags. */
#define HTML_MARKUP 0x01  /* the text is HTML: tags and references */
#define HTML_ONELINE 0x02 /* line breaks become spaces (titles, names) */

/* What html_ref_parse found at an '&'. */
enum html_ref {
	HTML_REF_MORE = -1, /* cannot tell yet: more input could complete it */
	HTML_REF_NONE = 0,  /* a bare '&' */
	HTML_REF_NAMED,     /* &name; from the HTML5 table */
	HTML_REF_NUMERIC,   /* &#N; or &#xH; */
};

struct html_ref_info {
	enum html_ref kind;
	size_t len;       /* bytes from '&' to ';' inclusive */
	uint32_t cp[2];   /* cp[1] is 0 for one code point */
	int repaired;     /* numeric: the value was not a legal XML char */
	const char *name; /* named: the name in the text (not terminated) */
	size_t namelen;
};

/* Append the plain text of s[0..len) to out. */
void html_to_text(struct buf *out, const char *s, size_t len, int flags);
/* Whether text of no declared type looks like HTML (see html.c). */
int html_looks_like(const char *s, size_t len);
/* Classify the reference at s[0] == '&' in s[0..len); final says no more
 * input follows, so HTML_REF_MORE is never returned. */
enum html_ref html_ref_parse(
    const char *s, size_t len, int final, struct html_ref_info *ri);
/* The HTML5 table entry for name[0..len), or NULL. */
const struct html_entity *html_entity_find(const char *name, size_t len);
/* Windows-1252 byte to Unicode (C1 range remapped; others unchanged). */
uint32_t html_cp1252(uint32_t c);

#endif
