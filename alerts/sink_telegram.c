/*
 * The telegram sink: the Bot API's sendMessage, one message per alert or
 * digest, as HTML (parse_mode=HTML: text escaped, the link an <a href>)
 * to `chat`, a chat id or @channel.  The token is part of the URL path
 * (API/bot<token>/sendMessage), so it is read from @file and never
 * logged.  A 429 says how long to wait in parameters.retry_after.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* The Bot API's public address. */
#define TELEGRAM_API "https://api.telegram.org"
/* sendMessage's text is 1..4096 characters; bytes bound characters. */
#define TELEGRAM_TEXT_MAX 4096

/* sendMessage's JSON. */
static int
telegram_build(struct sink *s, const char *alert_id, const char *doc,
    struct sink_http_msg *m, char **err)
{
	const struct conf_sink *cs = s->conf;
	json_t *root;
	char *text;

	if ((root = sink_doc_parse(doc)) == NULL)
		return sink_http_not_doc(err);
	text = sink_html(root, "\n", TELEGRAM_TEXT_MAX);
	json_decref(root);
	buf_printf(&m->url, "%s/bot%s/sendMessage", cs->api ?: TELEGRAM_API,
	    cs->token);
	sink_http_json(m,
	    json_pack("{s:s, s:s, s:s, s:b}", "chat_id", cs->chat, "text", text,
	        "parse_mode", "HTML", "disable_web_page_preview",
	        cs->no_preview));
	free(text);
	return 0;
}

/* {"ok":false,"error_code":429,"parameters":{"retry_after":N}} */
static int64_t
telegram_retry(json_t *answer)
{
	json_t *ra = json_object_get(
	    json_object_get(answer, "parameters"), "retry_after");

	return json_is_integer(ra) ? (int64_t)json_integer_value(ra) : -1;
}

static const struct sink_http_api telegram_api = {
    .build = telegram_build,
    .answer_retry = telegram_retry,
};

/* Its requests go through the HTTP sinks' shared code. */
static int
telegram_open(struct sink *s, char **err)
{
	return sink_http_open(s, &telegram_api, 0);
}

const struct sink_ops sink_telegram_ops = {
    .open = telegram_open,
    .deliver = sink_http_deliver,
    .close = sink_http_close,
    /* One request at a time: a chat gets alerts in firing order. */
    .max_in_flight = 1,
};
