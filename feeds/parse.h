/*
 * The streaming feed parser: bytes in, items out.  The fetcher feeds it
 * each chunk as curl delivers it; `feedwatch parse` feeds it a file.  Each
 * item is handed to the callback as soon as its closing tag is read, so
 * memory stays bounded by one item, whatever the size of the feed.
 *
 *	p = feed_parser_new("https://example.org/feed.xml", on_item, ctx);
 *	while ((n = read(...)) > 0)
 *		feed_parser_feed(p, buf, n);
 *	if (feed_parser_finish(p) == -1)
 *		warnx("%s", feed_parser_error(p));
 *	feed_parser_free(p);
 *
 * Every string is valid UTF-8 plain text (see SPEC "feedwatch parse"); an
 * absent string is "" for title/link/summary/content and never NULL.
 */
#ifndef FW_FEEDS_PARSE_H
#define FW_FEEDS_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum feed_format {
	FEED_FORMAT_UNKNOWN = 0,
	FEED_FORMAT_RSS09X,
	FEED_FORMAT_RSS10,
	FEED_FORMAT_RSS20,
	FEED_FORMAT_ATOM03,
	FEED_FORMAT_ATOM10,
	FEED_FORMAT_JSON10, /* JSON Feed (feeds/jsonfeed.c) */
	FEED_FORMAT_JSON11,
};

/* A time that is absent or unreadable ("null" in JSON). */
#define FEED_TIME_NONE ((time_t)INT64_MIN)

struct feed_enclosure {
	char *url;        /* absolute */
	char *type;       /* "" when absent */
	long long length; /* -1 when absent */
};

/* A link of an item (Atom <link>, RSS <link> and <enclosure>, Atom
 * <content src>): strings "" when absent. */
struct feed_link {
	char *rel; /* "alternate" when absent; "content" for <content src> */
	char *type;
	char *href; /* absolute */
	char *title;
	long long length; /* -1 when absent */
};

/* An author as the feed wrote it, in parts ("" when absent). */
struct feed_author {
	char *name;
	char *email;
	char *uri;
};

struct feed_item {
	char *id; /* guid / id / rdf:about, else link, else a stable hash */
	char *title;
	char *link; /* absolute */
	time_t published;
	time_t updated;
	char **authors;
	size_t nauthors;
	char **categories;
	size_t ncategories;
	char *summary;
	char *content;
	struct feed_enclosure *enclosures;
	size_t nenclosures;
	/* Declared language ("ru", "ko-KR"): the item's xml:lang or
	 * dc:language, else the feed's; NULL when none was declared. */
	char *language;
	/* authors[i] in parts (RSS "me@example.org (Name)" split). */
	struct feed_author *author_details;
	struct feed_link *links;
	size_t nlinks;
	/* The declared type of content ("text/html", "text/plain", ...),
	 * "" when there is no content. */
	char *content_type;
	/* The markup of summary and content as the feed had it, when the
	 * parser was asked to keep it (feed_parser_set_raw), else NULL. */
	char *summary_raw;
	char *content_raw;
};

struct feed_meta {
	enum feed_format format;
	char *title;
	char *link;
	time_t updated;
	char *language; /* RSS <language>, dc:language, Atom xml:lang */
	/* The precise version, as feedparser names it: "rss090", "rss091",
	 * "rss20", "rss" (no version given), "rss10", "atom03", "atom10". */
	const char *version;
};

/*
 * Called once per item, in document order.  The item and its strings are
 * the parser's and valid only during the call: copy what you keep
 * (feed_item_dup).
 */
typedef void (*feed_item_cb)(const struct feed_item *item, void *arg);
/*
 * Asked with an item's id (guid, id, rdf:about, else its link) before its
 * title, summary and content are turned from markup into text: nonzero
 * means the caller has the item already, so that work is skipped and the
 * item is not handed to the item callback.  Asked once an item, as soon
 * as its id is final (a guid or id ends), else when the item ends; the
 * fields of an old item after that are not read (nor warned about).  An
 * item whose id is a hash of its text is always handed on.
 */
typedef int (*feed_known_cb)(const char *id, void *arg);

struct feed_parser;

/* base_url (may be NULL) is the feed's own URL, for relative links. */
struct feed_parser *feed_parser_new(
    const char *base_url, feed_item_cb cb, void *arg);
/* The charset from an HTTP Content-Type, when the server sent one. */
void feed_parser_set_charset(struct feed_parser *p, const char *charset);
/* Keep the markup of summaries and contents (feed_item.*_raw). */
void feed_parser_set_raw(struct feed_parser *p, int raw);
/* Ask known (may be NULL: none) about each item first (RSS and Atom). */
void feed_parser_set_known(
    struct feed_parser *p, feed_known_cb known, void *arg);
/*
 * Old items that come again byte for byte are not read at all.  The
 * parser marks each item it reads whose id known had (a hash of the
 * item's element as repaired, its depth and the base URL) and keeps the
 * id's idset_key (common/idset.h) beside the mark; given the marks of the
 * feed's last document, an item of this one with one of them is left out
 * of expat's bytes and only counted (feed_parser_skipped), its id's key
 * kept for the caller (feed_parser_skipped_keys), who is not asked about
 * it.  Only with a known callback; for RSS and Atom.
 */
struct feed_again_mark {
	uint64_t mark, key;
	uint64_t ctx; /* the item's base and namespaces (parse-int.h) */
};
struct feed_again {
	struct feed_again_mark *mark; /* sorted by mark */
	size_t n;
};
/* The last document's marks (copied; may be NULL). */
void feed_parser_set_again(struct feed_parser *p, const struct feed_again *a);
/* After finish: this document's marks, into a (what it held is freed). */
void feed_parser_take_again(struct feed_parser *p, struct feed_again *a);
/* Old items left unread because they came again, and their ids' keys in
 * document order (valid until the parser is freed). */
size_t feed_parser_skipped(const struct feed_parser *p);
const uint64_t *feed_parser_skipped_keys(const struct feed_parser *p);
/* An item was left out whose links resolve against another base, or
 * whose namespaces are bound otherwise, than when it was marked (an
 * xml:base or xmlns above it changed): its id may not be the old one.
 * This document's marks are not kept (feed_parser_take_again gives
 * none); the caller should read the feed whole next time, without
 * validators (sched.c does). */
int feed_parser_again_stale(const struct feed_parser *p);
void feed_again_free(struct feed_again *a);
/* Parse the next chunk.  Returns 0; -1 only once the input is hopeless
 * (not a feed at all), after which further chunks are ignored. */
int feed_parser_feed(struct feed_parser *p, const void *buf, size_t len);
/* End of input.  0: a feed was read (perhaps with warnings); -1: there was
 * no feed in the input, and feed_parser_error() says why (for an HTML page
 * that advertises a feed, it names the feed's URL). */
int feed_parser_finish(struct feed_parser *p);
const char *feed_parser_error(const struct feed_parser *p);
/* Channel/feed metadata: complete after finish, partial before. */
const struct feed_meta *feed_parser_meta(const struct feed_parser *p);
/* Recoverable problems, in order ("line 12: undefined entity ..."). */
size_t feed_parser_nwarnings(const struct feed_parser *p);
/* Start tags past the tokenizer's bound, read without their attributes
 * (their items kept): the daemon logs and counts them. */
size_t feed_parser_giant_tags(const struct feed_parser *p);
const char *feed_parser_warning(const struct feed_parser *p, size_t i);
void feed_parser_free(struct feed_parser *p);

const char *feed_format_name(enum feed_format f);
struct feed_item *feed_item_dup(const struct feed_item *item);
void feed_item_free(struct feed_item *item);

#endif
