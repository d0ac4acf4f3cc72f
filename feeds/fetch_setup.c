/*
 * What the fetcher (fetch.c) works out before any transfer: the defaults
 * of its options and the [daemon] keys that set them, and the key of a
 * URL's host, by which jobs queue for their host's slots.  Kept apart
 * from fetch.c, which drives the transfers; the scheduler works out each
 * feed's host key once (fetch_request.host_key) rather than per poll.
 */
#include "config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/fetch.h"

/* Defaults: a server below 100 bytes/s for 15 s is stalling, not serving
 * (an 8 MiB feed at that rate would take a day). */
#define FETCH_LOW_SPEED_LIMIT 100
#define FETCH_LOW_SPEED_TIME 15

/* What fetcher_host_key accepts. */
static const char *const fetch_schemes[] = {"http", "https", "file"};

/* The built-in defaults, matching the SPEC's [daemon] defaults. */
void
fetch_options_init(struct fetch_options *o)
{
	memset(o, 0, sizeof(*o));
	o->max_concurrent = 64;
	o->per_host = 4;
	o->timeout_ms = 30 * 1000;
	o->max_size = 8 * 1024 * 1024;
	o->low_speed_limit = FETCH_LOW_SPEED_LIMIT;
	o->low_speed_time_s = FETCH_LOW_SPEED_TIME;
	o->user_agent = NULL;
}

/* Take the fetch-related keys of a loaded [daemon] section. */
void
fetch_options_from_conf(struct fetch_options *o, const struct conf_daemon *d)
{
	fetch_options_init(o);
	if (d->max_concurrent > 0)
		o->max_concurrent = d->max_concurrent;
	if (d->per_host > 0)
		o->per_host = d->per_host;
	o->timeout_ms = d->timeout_ms;
	o->max_size = d->max_size;
	o->user_agent = d->user_agent;
	o->ca_file = d->ca_file;
	o->ca_path = d->ca_path;
	/* The low-speed window never outlasts the timeout itself. */
	if (o->timeout_ms > 0 &&
	    (uint64_t)o->low_speed_time_s * 1000 > o->timeout_ms)
		o->low_speed_time_s = (long)(o->timeout_ms / 1000);
}

/*
 * "scheme://host:port" for a URL we are willing to fetch, or NULL with
 * *err set.  curl's own URL parser decides, so we agree with it.
 */
char *
fetcher_host_key(const char *url, char **err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	char *shown = NULL;
	int ok = 0;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		shown = url_redact(url);
		xasprintf(err, "%s: not a valid absolute URL", shown);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	for (size_t i = 0; scheme != NULL &&
	     i < sizeof(fetch_schemes) / sizeof(fetch_schemes[0]);
	     i++)
		if (str_casecmp(scheme, fetch_schemes[i]) == 0)
			ok = 1;
	if (!ok) {
		shown = url_redact(url);
		xasprintf(err, "%s: only http, https and file URLs are fetched",
		    shown);
		goto out;
	}
	if (str_casecmp(scheme, "file") == 0) {
		key = xstrdup("file:");
		goto out;
	}
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	xasprintf(
	    &key, "%s://%s:%s", scheme, host ? host : "", port ? port : "");
out:
	free(shown);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return key;
}
