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

/* The normalised title's hash, "" when the title has no words. */
static void
story_title_key(const char *title, char out[17])
{
	char *folded = norm_fold(title, strlen(title));

	out[0] = '\0';
	if (folded[0] != '\0')
		hash64_hex(hash64(folded, strlen(folded)), out);
	free(folded);
}

/* Canonical link, title key, and the key the alert ids hash. */
void
story_identify(struct story_id *sid, const char *feed, const char *item_id,
    const char *link, const char *title)
{
	sid->link_canon = story_canonical_link(link);
	story_title_key(title, sid->title_key);
	if (sid->link_canon[0] != '\0')
		sid->key = xstrdup(sid->link_canon);
	else
		xasprintf(&sid->key, "%s\n%s", feed, item_id);
}

/* Free what story_identify made. */
void
story_id_clear(struct story_id *sid)
{
	free(sid->link_canon);
	free(sid->key);
	sid->link_canon = sid->key = NULL;
}
