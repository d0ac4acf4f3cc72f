/*
 * The feed parser's element tables (see elems.h; the lookups are inline
 * there, as they run for every element of every feed).
 */
#include "config.h"

#include "feeds/elems.h"

/* A table entry with its string's length. */
#define NSMAP(uri, fam, r090, a03)                   \
	{                                            \
		uri, sizeof(uri) - 1, fam, r090, a03 \
	}

const struct nsmap nsmaps[] = {
    NSMAP("http://backend.userland.com/rss2", F_RSS, 0, 0),
    NSMAP("http://my.netscape.com/rdf/simple/0.9/", F_RSS, 1, 0),
    NSMAP("http://purl.org/atom/ns#", F_ATOM, 0, 1),
    NSMAP("http://purl.org/dc/elements/1.1/", F_DC, 0, 0),
    NSMAP("http://purl.org/dc/terms/", F_DCTERMS, 0, 0),
    NSMAP("http://purl.org/rss/1.0/", F_RSS, 0, 0),
    NSMAP("http://purl.org/rss/1.0/modules/content/", F_CONTENT, 0, 0),
    NSMAP("http://search.yahoo.com/mrss", F_MEDIA, 0, 0),
    NSMAP("http://search.yahoo.com/mrss/", F_MEDIA, 0, 0),
    NSMAP("http://www.w3.org/1999/02/22-rdf-syntax-ns#", F_RDF, 0, 0),
    NSMAP("http://www.w3.org/1999/xhtml", F_XHTML, 0, 0),
    NSMAP("http://www.w3.org/2005/Atom", F_ATOM, 0, 0),
    NSMAP("http://www.w3.org/XML/1998/namespace", F_XML, 0, 0),
};
const size_t nnsmaps = sizeof(nsmaps) / sizeof(nsmaps[0]);

/* Sorted by family, then name (strcmp). */
#define ELEM(fam, name, elem)                     \
	{                                         \
		fam, name, sizeof(name) - 1, elem \
	}

const struct elemdef elemdefs[] = {
    ELEM(F_RSS, "author", E_RSS_AUTHOR),
    ELEM(F_RSS, "category", E_RSS_CATEGORY),
    ELEM(F_RSS, "channel", E_CHANNEL),
    ELEM(F_RSS, "description", E_DESCRIPTION),
    ELEM(F_RSS, "enclosure", E_ENCLOSURE),
    ELEM(F_RSS, "feed", E_FEED),
    ELEM(F_RSS, "fullitem", E_ENCODED),
    ELEM(F_RSS, "guid", E_GUID),
    ELEM(F_RSS, "image", E_SKIP),
    ELEM(F_RSS, "item", E_ITEM),
    ELEM(F_RSS, "language", E_LANGUAGE),
    ELEM(F_RSS, "lastBuildDate", E_LASTBUILDDATE),
    ELEM(F_RSS, "link", E_RSS_LINK),
    ELEM(F_RSS, "pubDate", E_PUBDATE),
    ELEM(F_RSS, "rss", E_RSS),
    ELEM(F_RSS, "source", E_SKIP),
    ELEM(F_RSS, "textInput", E_SKIP),
    ELEM(F_RSS, "textinput", E_SKIP),
    ELEM(F_RSS, "title", E_TITLE),
    ELEM(F_ATOM, "author", E_ATOM_AUTHOR),
    ELEM(F_ATOM, "category", E_ATOM_CATEGORY),
    ELEM(F_ATOM, "content", E_ATOM_CONTENT),
    ELEM(F_ATOM, "email", E_EMAIL),
    ELEM(F_ATOM, "entry", E_ENTRY),
    ELEM(F_ATOM, "feed", E_FEED),
    ELEM(F_ATOM, "id", E_ID),
    ELEM(F_ATOM, "issued", E_ISSUED),
    ELEM(F_ATOM, "link", E_ATOM_LINK),
    ELEM(F_ATOM, "modified", E_UPDATED),
    ELEM(F_ATOM, "name", E_NAME),
    ELEM(F_ATOM, "published", E_PUBLISHED),
    ELEM(F_ATOM, "source", E_SKIP),
    ELEM(F_ATOM, "summary", E_ATOM_SUMMARY),
    ELEM(F_ATOM, "title", E_ATOM_TITLE),
    ELEM(F_ATOM, "updated", E_UPDATED),
    ELEM(F_ATOM, "uri", E_URI),
    ELEM(F_ATOM, "url", E_URI),
    ELEM(F_CONTENT, "encoded", E_ENCODED),
    ELEM(F_DC, "author", E_DC_AUTHOR),
    ELEM(F_DC, "creator", E_DC_CREATOR),
    ELEM(F_DC, "date", E_DC_DATE),
    ELEM(F_DC, "description", E_DC_DESCRIPTION),
    ELEM(F_DC, "language", E_DC_LANGUAGE),
    ELEM(F_DC, "subject", E_DC_SUBJECT),
    ELEM(F_DC, "title", E_DC_TITLE),
    ELEM(F_DCTERMS, "created", E_DCT_CREATED),
    ELEM(F_DCTERMS, "issued", E_DCT_ISSUED),
    ELEM(F_DCTERMS, "modified", E_DCT_MODIFIED),
    ELEM(F_MEDIA, "category", E_MEDIA_CATEGORY),
    ELEM(F_MEDIA, "content", E_MEDIA_CONTENT),
    ELEM(F_MEDIA, "description", E_MEDIA_DESCRIPTION),
    ELEM(F_MEDIA, "title", E_MEDIA_TITLE),
    ELEM(F_RDF, "RDF", E_RDF),
    ELEM(F_XHTML, "body", E_XHTML_BODY),
};
const size_t nelemdefs = sizeof(elemdefs) / sizeof(elemdefs[0]);

#define HTML_LINE (HTML_MARKUP | HTML_ONELINE)
#define GUESS_LINE (K_GUESS | HTML_LINE)

/* Fields of an item: the element's parent is the item (or, for media:
 * and Atom authors' parts, anywhere inside it). */
const struct rule item_rules[E_COUNT] = {
    [E_TITLE] = {T_TITLE, 3, GUESS_LINE, T_NONE, 0},
    [E_ATOM_TITLE] = {T_TITLE, 3, K_ATOM | HTML_ONELINE, T_NONE, 0},
    [E_DC_TITLE] = {T_TITLE, 1, GUESS_LINE, T_NONE, 0},
    [E_RSS_LINK] = {T_LINK, 3, HTML_ONELINE, T_NONE, 0},
    [E_GUID] = {T_ID, 3, HTML_ONELINE, T_NONE, 0},
    [E_ID] = {T_ID, 3, HTML_ONELINE, T_NONE, 0},
    [E_DESCRIPTION] = {T_SUMMARY, 3, HTML_MARKUP, T_CONTENT, 1},
    [E_ATOM_SUMMARY] = {T_SUMMARY, 3, K_ATOM, T_CONTENT, 1},
    [E_DC_DESCRIPTION] = {T_SUMMARY, 2, HTML_MARKUP, T_NONE, 0},
    [E_MEDIA_DESCRIPTION] = {T_SUMMARY, 1, K_MEDIA, T_NONE, 0},
    [E_MEDIA_TITLE] = {T_TITLE, 1, K_MEDIA | HTML_ONELINE, T_NONE, 0},
    [E_MEDIA_CATEGORY] = {T_CATEGORY, 1, HTML_LINE, T_NONE, 0},
    [E_XHTML_BODY] = {T_CONTENT, 2, HTML_MARKUP | K_XHTML, T_NONE, 0},
    [E_ENCODED] = {T_CONTENT, 3, HTML_MARKUP, T_NONE, 0},
    [E_ATOM_CONTENT] = {T_CONTENT, 3, K_ATOM, T_NONE, 0},
    [E_PUBDATE] = {T_PUBLISHED, 3, 0, T_NONE, 0},
    [E_PUBLISHED] = {T_PUBLISHED, 3, 0, T_NONE, 0},
    [E_ISSUED] = {T_PUBLISHED, 2, 0, T_NONE, 0},
    [E_DC_DATE] = {T_PUBLISHED, 2, 0, T_NONE, 0},
    [E_UPDATED] = {T_UPDATED, 3, 0, T_PUBLISHED, 1},
    [E_DCT_MODIFIED] = {T_UPDATED, 2, 0, T_NONE, 0},
    [E_DCT_ISSUED] = {T_PUBLISHED, 2, 0, T_NONE, 0},
    [E_DCT_CREATED] = {T_PUBLISHED, 1, 0, T_NONE, 0},
    [E_DC_AUTHOR] = {T_AUTHOR, 1, GUESS_LINE, T_NONE, 0},
    [E_URI] = {T_AUTHOR_URI, 1, HTML_ONELINE, T_NONE, 0},
    [E_RSS_AUTHOR] = {T_AUTHOR, 1, GUESS_LINE, T_NONE, 0},
    [E_DC_CREATOR] = {T_AUTHOR, 1, GUESS_LINE, T_NONE, 0},
    [E_RSS_CATEGORY] = {T_CATEGORY, 1, HTML_LINE, T_NONE, 0},
    [E_DC_SUBJECT] = {T_CATEGORY, 1, HTML_LINE, T_NONE, 0},
    [E_NAME] = {T_AUTHOR_NAME, 1, HTML_LINE, T_NONE, 0},
    [E_EMAIL] = {T_AUTHOR_EMAIL, 1, HTML_LINE, T_NONE, 0},
    [E_DC_LANGUAGE] = {T_LANGUAGE, 2, HTML_ONELINE, T_NONE, 0},
};

/* Fields of the channel (the element's parent is the channel or feed). */
const struct rule meta_rules[E_COUNT] = {
    [E_TITLE] = {T_META_TITLE, 3, GUESS_LINE, T_NONE, 0},
    [E_ATOM_TITLE] = {T_META_TITLE, 3, K_ATOM | HTML_ONELINE, T_NONE, 0},
    [E_DC_TITLE] = {T_META_TITLE, 1, GUESS_LINE, T_NONE, 0},
    [E_RSS_LINK] = {T_META_LINK, 3, HTML_ONELINE, T_NONE, 0},
    [E_LASTBUILDDATE] = {T_META_DATE, 3, 0, T_NONE, 0},
    [E_UPDATED] = {T_META_DATE, 3, 0, T_NONE, 0},
    [E_PUBDATE] = {T_META_DATE, 2, 0, T_NONE, 0},
    [E_DC_DATE] = {T_META_DATE, 1, 0, T_NONE, 0},
    [E_DCT_MODIFIED] = {T_META_DATE, 1, 0, T_NONE, 0},
    [E_LANGUAGE] = {T_META_LANGUAGE, 2, HTML_ONELINE, T_NONE, 0},
    [E_DC_LANGUAGE] = {T_META_LANGUAGE, 2, HTML_ONELINE, T_NONE, 0},
};
