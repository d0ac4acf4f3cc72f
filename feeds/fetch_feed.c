/*
 * A feed's own request settings (header, username and password, cookie,
 * proxy, user-agent: feedwatch.conf(5), Fetching), copied when its fetch
 * is queued and set on the transfer when it starts.  Kept apart from
 * fetch.c, which drives the transfers.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/fetch.h"
#include "feeds/fetch_feed.h"

/* A feed's own request settings, copied from its conf_fetch when the
 * fetch is queued: the config may be replaced by a reload before the
 * transfer starts. */
struct fetch_feed_opts {
	struct curl_slist *headers; /* "Name: value" lines */
	char *username, *password, *cookie, *proxy, *user_agent;
};

/* A copy of a string that may be NULL. */
static char *
fetch_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The job's copy of a request's per-feed settings; NULL when none. */
struct fetch_feed_opts *
fetch_feed_opts_new(const struct fetch_request *req)
{
	const struct conf_fetch *h = req->http;
	struct fetch_feed_opts *fo;

	if (h == NULL && req->user_agent == NULL)
		return NULL;
	fo = xcalloc(1, sizeof(*fo));
	fo->user_agent = fetch_dup(req->user_agent);
	if (h == NULL)
		return fo;
	for (size_t i = 0; i < h->nheaders; i++)
		fo->headers = curl_slist_append(fo->headers, h->headers[i]);
	fo->username = fetch_dup(h->username);
	fo->password = fetch_dup(h->password);
	fo->cookie = fetch_dup(h->cookie);
	fo->proxy = fetch_dup(h->proxy);
	return fo;
}

/* Free the copy and every string it holds. */
void
fetch_feed_opts_free(struct fetch_feed_opts *fo)
{
	if (fo == NULL)
		return;
	curl_slist_free_all(fo->headers);
	free(fo->username);
	free(fo->password);
	free(fo->cookie);
	free(fo->proxy);
	free(fo->user_agent);
	free(fo);
}

/* The per-feed options of a transfer: its headers join *headers. */
void
fetch_feed_setopts(
    CURL *e, const struct fetch_feed_opts *fo, struct curl_slist **headers)
{
	if (fo->user_agent != NULL)
		curl_easy_setopt(e, CURLOPT_USERAGENT, fo->user_agent);
	if (fo->username != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, fo->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    fo->password != NULL ? fo->password : "");
	}
	if (fo->cookie != NULL)
		curl_easy_setopt(e, CURLOPT_COOKIE, fo->cookie);
	if (fo->proxy != NULL)
		curl_easy_setopt(e, CURLOPT_PROXY, fo->proxy);
	for (const struct curl_slist *l = fo->headers; l != NULL; l = l->next)
		*headers = curl_slist_append(*headers, l->data);
}
