/*
 * Story identity: see story.h.  URLs are taken apart with libcurl's URL
 * API rather than by hand, so odd but valid links (userinfo, IPv6 hosts,
 * percent-encoding) are read the way the fetcher reads them.  The title
 * key is the hash of norm_fold (filters/normalize.c, the matcher's own
 * folding): one tokenisation of the title, about a microsecond, 1-2% of
 * an item's cost in the daemon; the scan's tokens exist only for items
 * that are scored, and the keys already in state.db are norm_fold's.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/story.h"
#include "common/buf.h"
#include "common/hash.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "filters/normalize.h"

/*
 * Query parameters that identify a campaign or a click, never the page.
 * Sorted for bsearch; names compare case-insensitively.  "utm_" is a prefix
 * and handled apart.
 */
static const char *const tracking_params[] = {
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "cmpid",
    "dclid",
    "fbclid",
    "gclid",
    "gclsrc",
    "igshid",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "msclkid",
    "ocid",
    "ref_src",
    "ref_url",
    "s_cid",
    "smid",
    "twclid",
    "wt.mc_id",
    "yclid",
};

#define NTRACKING (sizeof(tracking_params) / sizeof(tracking_params[0]))

/* Longest parameter name worth looking up; longer ones are kept. */
#define STORY_PARAM_NAME_MAX 32

/* bsearch comparator: a name against a table entry, ignoring case. */
static int
param_cmp(const void *key, const void *elem)
{
	return str_casecmp(key, *(const char *const *)elem);
}

/* utm_* by prefix; other names via a NUL-terminated copy for bsearch. */
int
story_is_tracking_param(const char *name, size_t len)
{
	char key[STORY_PARAM_NAME_MAX + 1];

	if (len >= 4 && str_ncasecmp(name, "utm_", 4) == 0)
		return 1;
	if (len > STORY_PARAM_NAME_MAX)
		return 0;
	memcpy(key, name, len);
	key[len] = '\0';
	return bsearch(key, tracking_params, NTRACKING, sizeof(char *),
	           param_cmp) != NULL;
}

/* Append query[0..qlen) without its tracking parameters. */
static void
story_append_query(struct buf *b, const char *query, size_t qlen)
{
	const char *end = query + qlen;
	int first = 1;

	while (query < end) {
		const char *amp = memchr(query, '&', (size_t)(end - query));
		size_t len = (size_t)((amp != NULL ? amp : end) - query);
		const char *eq = memchr(query, '=', len);
		size_t name_len = eq != NULL ? (size_t)(eq - query) : len;

		if (len > 0 && !story_is_tracking_param(query, name_len)) {
			buf_appendc(b, first ? '?' : '&');
			buf_append(b, query, len);
			first = 0;
		}
		query += len;
		if (query < end)
			query++; /* the '&' */
	}
}

/*
 * The canonical form both readers of a link write: https, the host in
 * lower case without "www.", the port unless it is the default (NULL),
 * the path without a trailing '/' ("/" alone dropped), and the query
 * (NULL: none) without its tracking parameters.
 */
static void
story_append_canon(struct buf *b, const char *host, size_t hlen,
    const char *port, const char *path, size_t plen, const char *query,
    size_t qlen)
{
	size_t at;

	if (hlen >= 4 && str_ncasecmp(host, "www.", 4) == 0) {
		host += 4;
		hlen -= 4;
	}
	buf_appends(b, "https://");
	at = b->len;
	buf_append(b, host, hlen);
	for (char *c = b->data + at; *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	if (port != NULL)
		buf_printf(b, ":%s", port);
	if (plen > 1) {
		if (path[plen - 1] == '/')
			plen--;
		buf_append(b, path, plen);
	}
	if (query != NULL)
		story_append_query(b, query, qlen);
}

/* Parse with curl; what is not http(s) with a host stays trimmed. */
char *
story_canonical_link_curl(const char *link)
{
	const char *p = link;
	size_t len = strlen(link);
	CURLU *h = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *query = NULL;
	struct buf b = BUF_INIT;

	str_trim_range(&p, &len);
	buf_append(&b, p, len);
	if (h == NULL || curl_url_set(h, CURLUPART_URL, buf_str(&b), 0) != 0 ||
	    curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != 0 ||
	    (str_casecmp(scheme, "http") != 0 &&
	        str_casecmp(scheme, "https") != 0) ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0) != 0)
		goto done;
	buf_reset(&b);
	if (curl_url_get(h, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) !=
	        0 ||
	    strcmp(port, "443") == 0) {
		curl_free(port);
		port = NULL;
	}
	if (curl_url_get(h, CURLUPART_PATH, &path, 0) != 0) {
		curl_free(path);
		path = NULL;
	}
	if (curl_url_get(h, CURLUPART_QUERY, &query, 0) != 0) {
		curl_free(query);
		query = NULL;
	}
	story_append_canon(&b, host, strlen(host), port, path,
	    path != NULL ? strlen(path) : 0, query,
	    query != NULL ? strlen(query) : 0);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(h);
	return buf_steal(&b);
}

/* Longest link the plain path takes; longer ones go to curl. */
#define STORY_PLAIN_MAX 2048

/* A host byte of the plain path: letters, digits, '-' and the dots
 * between labels. */
static int
story_plain_host_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* A path or query byte of the plain path: printable ASCII that curl
 * keeps as it is written; not '#' (a fragment), '%', '\\', quotes or
 * brackets, which it may read otherwise. */
static int
story_plain_byte(unsigned char c)
{
	/* A switch, not strchr over the list: every byte of every new
	 * item's link path comes here. */
	switch (c) {
	case '#':
	case '%':
	case '\\':
	case '"':
	case '\'':
	case '<':
	case '>':
	case '[':
	case ']':
	case '^':
	case '`':
	case '{':
	case '|':
	case '}':
		return 0;
	default:
		return c > 0x20 && c < 0x7f;
	}
}

/*
 * The common link without curl: "http://" or "https://", a host of
 * dot-separated labels of letters, digits and '-' whose last label
 * starts with a letter (so never an IPv4 address curl rewrites), no
 * userinfo or port, then a path and query of plain bytes with no
 * segment starting with '.' (which curl removes).  Such a link is
 * what curl reads it as, byte for byte; 0 means "ask curl" (tests/
 * storylink-t compares the two on many links).
 */
static int
story_canonical_plain(const char *p, size_t len, struct buf *b)
{
	const char *end = p + len, *host, *path, *query = NULL;
	size_t hlen, plen, label = 0;
	int digit_first = 0;

	if (len > STORY_PLAIN_MAX)
		return 0;
	if (len > 7 && memcmp(p, "http://", 7) == 0)
		host = p + 7;
	else if (len > 8 && memcmp(p, "https://", 8) == 0)
		host = p + 8;
	else
		return 0;
	for (path = host; path < end && *path != '/' && *path != '?'; path++) {
		if (*path == '.') {
			if (label == 0)
				return 0; /* an empty label */
			label = 0;
		} else if (story_plain_host_byte((unsigned char)*path)) {
			if (label++ == 0)
				digit_first = *path >= '0' && *path <= '9';
		} else
			return 0;
	}
	if (label == 0 || digit_first)
		return 0; /* no host, a trailing dot, or maybe an address */
	for (const char *q = path; q < end; q++) {
		if (!story_plain_byte((unsigned char)*q))
			return 0;
		if (*q == '?' && query == NULL)
			query = q;
		if (query == NULL && *q == '.' && q[-1] == '/')
			return 0;
	}
	if (query != NULL && query + 1 == end)
		return 0; /* an empty query */
	hlen = (size_t)(path - host);
	plen = (size_t)((query != NULL ? query : end) - path);
	buf_reserve(b, 8 + len);
	story_append_canon(b, host, hlen, NULL, path, plen,
	    query != NULL ? query + 1 : NULL,
	    query != NULL ? (size_t)(end - query - 1) : 0);
	return 1;
}

/* The plain path for the common link, curl for every other. */
char *
story_canonical_link(const char *link)
{
	const char *p = link;
	size_t len = strlen(link);
	struct buf b = BUF_INIT;

	str_trim_range(&p, &len);
	if (story_canonical_plain(p, len, &b))
		return buf_steal(&b);
	buf_free(&b);
	return story_canonical_link_curl(link);
}

/* Hash the watchlist, its NUL and the story key; write it as hex to out. */
void
story_alert_id(const char *watchlist, const char *story_key, char out[17])
{
	/* The NUL keeps ("ab", "c") and ("a", "bc") apart. */
	uint64_t h = hash64(watchlist, strlen(watchlist) + 1);

	hash64_hex(hash64_update(h, story_key, strlen(story_key)), out);
}

/* A title key from norm_fold_hash of the title (0: no words): "". */
void
story_title_key_of(uint64_t folded_hash, char out[17])
{
	out[0] = '\0';
	if (folded_hash != 0)
		hash64_hex(folded_hash, out);
}

/* The normalised title's hash, "" when the title has no words. */
void
story_title_key(const char *title, char out[17])
{
	struct norm_text nt;

	norm_text_init(&nt);
	norm_text_add(&nt, title, strlen(title));
	story_title_key_of(norm_fold_hash(&nt), out);
	norm_text_free(&nt);
}

/* Canonical link and the key the alert ids hash; no title key yet. */
void
story_identify_link(struct story_id *sid, const char *feed, const char *item_id,
    const char *link)
{
	sid->link_canon = story_canonical_link(link);
	sid->title_key[0] = '\0';
	sid->key = story_key(feed, item_id, sid->link_canon);
}

/* Canonical link, title key, and the key the alert ids hash. */
void
story_identify(struct story_id *sid, const char *feed, const char *item_id,
    const char *link, const char *title)
{
	story_identify_link(sid, feed, item_id, link);
	story_title_key(title, sid->title_key);
}

/* The canonical link when there is one, else the item in its feed. */
char *
story_key(const char *feed, const char *item_id, const char *link_canon)
{
	char *key;

	if (link_canon[0] != '\0')
		return xstrdup(link_canon);
	xasprintf(&key, "%s\n%s", feed, item_id);
	return key;
}

/* Free what story_identify made. */
void
story_id_clear(struct story_id *sid)
{
	free(sid->link_canon);
	free(sid->key);
	sid->link_canon = sid->key = NULL;
}

/* An open-addressed table of story hashes: a link's or a title key's
 * hash (never 0) and the latest alert on it. */
struct story_memo {
	uint64_t *keys;
	int64_t *when;
	size_t cap, n;
};

/* Links and title keys hash apart by a leading tag. */
static uint64_t
story_memo_key(char tag, const char *s)
{
	uint64_t h = hash64_update(hash64(&tag, 1), s, strlen(s));

	return h != 0 ? h : 1;
}

/* A fresh, empty memo. */
struct story_memo *
story_memo_new(void)
{
	struct story_memo *m = xcalloc(1, sizeof(*m));

	m->cap = 1024;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->when = xcalloc(m->cap, sizeof(*m->when));
	return m;
}

/* Free the memo; NULL is allowed. */
void
story_memo_free(struct story_memo *m)
{
	if (m == NULL)
		return;
	free(m->keys);
	free(m->when);
	free(m);
}

/* The slot of key: where it is, or the empty one where it goes. */
static size_t
story_memo_slot(const struct story_memo *m, uint64_t key)
{
	size_t i = (size_t)key & (m->cap - 1);

	while (m->keys[i] != 0 && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* Set key's time (the latest wins), doubling the table at half full. */
static void
story_memo_put(struct story_memo *m, uint64_t key, int64_t when)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct story_memo old = *m;

		m->cap *= 2;
		m->n = 0;
		m->keys = xcalloc(m->cap, sizeof(*m->keys));
		m->when = xcalloc(m->cap, sizeof(*m->when));
		for (size_t k = 0; k < old.cap; k++)
			if (old.keys[k] != 0)
				story_memo_put(m, old.keys[k], old.when[k]);
		free(old.keys);
		free(old.when);
	}
	i = story_memo_slot(m, key);
	if (m->keys[i] == 0) {
		m->keys[i] = key;
		m->n++;
		m->when[i] = when;
	} else if (when > m->when[i])
		m->when[i] = when;
}

/* The link ever, the title within the window: the SPEC's rule. */
int
story_memo_find(const struct story_memo *m, const char *link_canon,
    const char *title_key, int64_t when)
{
	size_t i;

	if (link_canon[0] != '\0') {
		i = story_memo_slot(m, story_memo_key('L', link_canon));
		if (m->keys[i] != 0)
			return 1;
	}
	if (title_key[0] != '\0') {
		i = story_memo_slot(m, story_memo_key('T', title_key));
		if (m->keys[i] != 0 &&
		    m->when[i] >= when - STORY_TITLE_WINDOW_S)
			return 1;
	}
	return 0;
}

/* Remember both keys of the story that alerted. */
void
story_memo_add(struct story_memo *m, const char *link_canon,
    const char *title_key, int64_t when)
{
	if (link_canon[0] != '\0')
		story_memo_put(m, story_memo_key('L', link_canon), when);
	if (title_key[0] != '\0')
		story_memo_put(m, story_memo_key('T', title_key), when);
}
