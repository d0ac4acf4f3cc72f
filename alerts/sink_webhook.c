/*
 * The webhook sink: one HTTP POST per alert (or digest) through the HTTP
 * sinks' shared request (sink_http.c).  The body follows `format`: json is
 * the document itself; slack, discord, mattermost and teams their
 * incoming-webhook JSON with a readable message; ntfy a plain-text message
 * with its Title, Tags, Click and Priority headers.  Every request carries
 * the configured `header` lines and `Idempotency-Key: <alert or digest
 * id>`, so a receiver can drop the repeat of an at-least-once delivery.
 *
 * Signed webhooks: with `secret`, each request also carries
 * X-Feedwatch-Timestamp (unix seconds) and X-Feedwatch-Signature:
 * sha256=HEX, the HMAC-SHA256 with the secret of TIMESTAMP "." BODY
 * (Stripe's and Slack's scheme: a receiver recomputes it and refuses old
 * timestamps, so a captured request cannot be replayed later).
 */
#include "config.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* Per format of the config's table (conf.h): its content type and body. */
static const struct {
	const char *content_type;
	char *(*body)(json_t *root); /* NULL: the document itself */
} webhook_formats[] = {
    [CONF_WEBHOOK_JSON] = {"application/json", NULL},
    [CONF_WEBHOOK_SLACK] = {"application/json", sink_body_slack},
    [CONF_WEBHOOK_DISCORD] = {"application/json", sink_body_discord},
    [CONF_WEBHOOK_NTFY] = {"text/plain; charset=utf-8", sink_body_ntfy},
    [CONF_WEBHOOK_TEAMS] = {"application/json", sink_body_teams},
    [CONF_WEBHOOK_MATTERMOST] = {"application/json", sink_body_mattermost},
};

/* ntfy's priorities (1 min .. 5 max) by sink_score_level. */
static const char *const ntfy_priorities[SINK_LEVELS] = {"3", "4", "5"};

/* ntfy reads its title, tags, click link and priority from headers. */
static void
ntfy_headers(struct sink_http_msg *m, json_t *root)
{
	struct buf v = BUF_INIT;
	struct sink_alert a;
	char *subject = sink_subject(root);

	/* Past "[feedwatch] ": ntfy shows its own app name. */
	sink_header_text(&v, subject + strlen("[feedwatch] "), " ");
	m->headers = curlev_header(m->headers, "Title", buf_str(&v));
	free(subject);
	buf_reset(&v);
	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		buf_appends(&v, "feedwatch,");
		sink_header_text(&v, a.watchlist, " ");
		m->headers = curlev_header(m->headers, "Tags", buf_str(&v));
		if (a.link[0] != '\0' && strpbrk(a.link, "\r\n") == NULL)
			m->headers = curlev_header(m->headers, "Click", a.link);
	} else {
		m->headers =
		    curlev_header(m->headers, "Tags", "feedwatch,digest");
	}
	m->headers = curlev_header(
	    m->headers, "Priority", ntfy_priorities[sink_score_level(root)]);
	buf_free(&v);
}

/* X-Feedwatch-Timestamp and X-Feedwatch-Signature over the body. */
static void
sign(struct sink_http_msg *m, const char *secret)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	struct buf in = BUF_INIT, hex = BUF_INIT;
	char ts[24];

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	buf_printf(&in, "%s.%s", ts, m->body);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)in.data, in.len, mac, &maclen);
	buf_appends(&hex, "sha256=");
	for (unsigned int i = 0; i < maclen; i++)
		buf_printf(&hex, "%02x", mac[i]);
	m->headers = curlev_header(m->headers, "X-Feedwatch-Timestamp", ts);
	m->headers =
	    curlev_header(m->headers, "X-Feedwatch-Signature", buf_str(&hex));
	buf_free(&in);
	buf_free(&hex);
}

/* The body and headers for the sink's format. */
static int
webhook_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	struct sink_http *h = s->impl;
	const struct conf_sink *cs = s->conf;
	json_t *root;

	if (webhook_formats[h->variant].body == NULL) {
		m->body = xstrdup(doc);
	} else {
		if ((root = sink_doc_parse(doc)) == NULL)
			return sink_http_not_doc(err);
		m->body = webhook_formats[h->variant].body(root);
		if (h->variant == CONF_WEBHOOK_NTFY)
			ntfy_headers(m, root);
		json_decref(root);
	}
	m->headers = curlev_header(m->headers, "Content-Type",
	    webhook_formats[h->variant].content_type);
	for (size_t i = 0; i < cs->nheaders; i++)
		m->headers = curl_slist_append(m->headers, cs->headers[i]);
	if (cs->secret != NULL && m->body != NULL)
		sign(m, cs->secret);
	return 0;
}

static const struct sink_http_api webhook_api = {.build = webhook_build};

/* Check the format; transfers go through the sink's curl driver. */
static int
webhook_open(struct sink *s, char **err)
{
	const struct conf_sink *cs = s->conf;
	enum conf_webhook_format fmt;

	if (conf_webhook_format_find(cs->format, &fmt) < 0) {
		xasprintf(err, "%s:%d: sink %s: unknown format %s",
		    cs->where.file, cs->where.line, cs->name, cs->format);
		return -1;
	}
	return sink_http_open(s, &webhook_api, (int)fmt);
}

const struct sink_ops sink_webhook_ops = {
    .open = webhook_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    /* One request at a time: receivers get alerts in firing order. */
    .max_in_flight = 1,
};
