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

/* Append the query without its tracking parameters. */
static void
story_append_query(struct buf *b, const char *query)
{
	int first = 1;

	while (*query != '\0') {
		size_t len = strcspn(query, "&");
		size_t name_len = strcspn(query, "=&");

		if (len > 0 && !story_is_tracking_param(query, name_len)) {
			buf_appendc(b, first ? '?' : '&');
			buf_append(b, query, len);
			first = 0;
		}
		query += len;
		if (*query == '&')
			query++;
	}
}

/* Parse with curl; what is not http(s) with a host stays trimmed. */
char *
story_canonical_link(const char *link)
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
	str_tolower_ascii(host);
	buf_appends(&b, "https://");
	buf_appends(&b, str_has_prefix(host, "www.") ? host + 4 : host);
	if (curl_url_get(h, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) ==
	        0 &&
	    strcmp(port, "443") != 0)
		buf_printf(&b, ":%s", port);
	if (curl_url_get(h, CURLUPART_PATH, &path, 0) == 0 &&
	    strcmp(path, "/") != 0) {
		size_t plen = strlen(path);
		if (plen > 1 && path[plen - 1] == '/')
			plen--;
		buf_append(&b, path, plen);
	}
	if (curl_url_get(h, CURLUPART_QUERY, &query, 0) == 0)
		story_append_query(&b, query);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(h);
	return buf_steal(&b);
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
