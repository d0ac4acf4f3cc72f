/*
 * What the feed parser's item builder knows of elements (elems.c): the
 * namespaces feeds use, mapped to families, and (family, local name)
 * mapped to what an element means, whatever namespace URI spelled it;
 * then what each element fills in an item or in the channel.
 */
#ifndef FW_FEEDS_ELEMS_H
#define FW_FEEDS_ELEMS_H

#include <stddef.h>
#include <string.h>

#include "feeds/html.h"

/* What an element means, whatever its namespace. */
enum elem {
	E_OTHER = 0,
	E_RSS,
	E_RDF,
	E_FEED,
	E_CHANNEL,
	E_ITEM,
	E_ENTRY,
	E_SKIP, /* image, textinput, atom:source: their fields are not ours */
	E_TITLE,
	E_ATOM_TITLE,
	E_RSS_LINK,
	E_ATOM_LINK,
	E_DESCRIPTION,
	E_GUID,
	E_PUBDATE,
	E_LASTBUILDDATE,
	E_RSS_AUTHOR,
	E_RSS_CATEGORY,
	E_ENCLOSURE,
	E_ID,
	E_UPDATED,
	E_PUBLISHED,
	E_ISSUED,
	E_ATOM_SUMMARY,
	E_ATOM_CONTENT,
	E_ATOM_AUTHOR,
	E_ATOM_CATEGORY,
	E_NAME,
	E_EMAIL,
	E_ENCODED,
	E_DC_CREATOR,
	E_DC_DATE,
	E_DC_SUBJECT,
	E_DC_TITLE,
	E_DC_DESCRIPTION,
	E_DCT_MODIFIED,
	E_MEDIA_CONTENT,
	E_MEDIA_DESCRIPTION,
	E_LANGUAGE,
	E_DC_LANGUAGE,
	E_URI,
	E_DC_AUTHOR,
	E_DCT_ISSUED,
	E_DCT_CREATED,
	E_MEDIA_TITLE,
	E_MEDIA_CATEGORY,
	E_XHTML_BODY,
	E_COUNT
};

/* Namespace families. */
enum family {
	F_RSS = 0, /* no namespace, RSS 0.90, RSS 1.0 */
	F_ATOM,
	F_CONTENT,
	F_DC,
	F_DCTERMS,
	F_MEDIA,
	F_RDF,
	F_XHTML,
	F_XML,
	F_OTHER,
};

/* Where a text field goes. */
enum target {
	T_NONE = 0,
	T_TITLE,
	T_LINK,
	T_ID,
	T_SUMMARY,
	T_CONTENT,
	T_PUBLISHED,
	T_UPDATED,
	T_AUTHOR,
	T_CATEGORY,
	T_AUTHOR_NAME,
	T_AUTHOR_EMAIL,
	T_META_TITLE,
	T_META_LINK,
	T_META_DATE,
	T_LANGUAGE,
	T_META_LANGUAGE,
	T_AUTHOR_URI,
};

/* How a field's text is read: html_to_text flags, or these. */
#define K_ATOM 0x100  /* an Atom text construct: its type="" decides */
#define K_XHTML 0x200 /* markup in the document: serialised, then read */
#define K_MEDIA 0x400 /* media:description: type="html" or plain */
#define K_IGNORE 0x800
#define K_BASE64 0x1000 /* Atom: base64, decoded before it is read */
#define K_GUESS 0x2000  /* HTML only if it looks like HTML (RSS titles) */

/* A rule: the element fills target (and perhaps also a second one at a
 * lower priority), reading its text as kind. */
struct rule {
	enum target target;
	int prio;
	int kind;
	enum target also;
	int also_prio;
};

/* Indexed by enum elem; T_NONE where the element fills nothing. */
extern const struct rule item_rules[E_COUNT];
extern const struct rule meta_rules[E_COUNT];

struct nsmap {
	const char *uri;
	size_t len;
	enum family fam;
	int rss090; /* the RSS 0.90 namespace */
	int atom03;
};

/* Sorted by family, then name (strcmp). */
struct elemdef {
	enum family fam;
	const char *name;
	size_t len;
	enum elem elem;
};

extern const struct nsmap nsmaps[];
extern const size_t nnsmaps;
extern const struct elemdef elemdefs[];
extern const size_t nelemdefs;

/* The namespace uri[0..len), or NULL; *last caches the last one found
 * (a feed uses few), and starts NULL. */
static inline const struct nsmap *
nsmap_find(const char *uri, size_t len, const struct nsmap **last)
{
	const struct nsmap *m = *last;

	if (m != NULL && m->len == len && memcmp(m->uri, uri, len) == 0)
		return m;
	for (size_t i = 0; i < nnsmaps; i++)
		if (nsmaps[i].len == len &&
		    memcmp(nsmaps[i].uri, uri, len) == 0)
			return *last = &nsmaps[i];
	return NULL;
}

/* The element of (family, local name): a binary search that decides on
 * the family and the first letter before calling strcmp, since it runs
 * for every element of every feed. */
static inline enum elem
elem_find(enum family fam, const char *name, size_t len)
{
	size_t lo = 0, hi = nelemdefs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct elemdef *e = &elemdefs[mid];
		int c = fam != e->fam
		    ? (fam < e->fam ? -1 : 1)
		    : (unsigned char)name[0] - (unsigned char)e->name[0];

		if (c == 0) {
			if (e->len == len && memcmp(name, e->name, len) == 0)
				return e->elem;
			c = strcmp(name, e->name);
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return E_OTHER;
}

#endif
