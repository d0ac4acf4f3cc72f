/*
 * Sink construction and the shared helpers: see sink.h.
 */
#include "config.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/curlev.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* One implementation per sink type of the config's table (conf.h). */
static const struct sink_ops *const sink_types[CONF_SINK_NTYPES] = {
    [SINK_LOG] = &sink_log_ops,
    [SINK_FILE] = &sink_file_ops,
    [SINK_EXEC] = &sink_exec_ops,
    [SINK_WEBHOOK] = &sink_webhook_ops,
    [SINK_SMTP] = &sink_smtp_ops,
    [SINK_TELEGRAM] = &sink_telegram_ops,
    [SINK_MATRIX] = &sink_matrix_ops,
    [SINK_PAGERDUTY] = &sink_pagerduty_ops,
    [SINK_PUSHOVER] = &sink_pushover_ops,
    [SINK_GOTIFY] = &sink_gotify_ops,
    [SINK_NATS] = &sink_nats_ops,
};

struct sink *
sink_new(const struct conf_sink *cs, const struct sink_env *env, char **err)
{
	struct sink *s;

	if ((size_t)cs->type >= CONF_SINK_NTYPES ||
	    sink_types[cs->type] == NULL) {
		xasprintf(err, "%s:%d: sink %s: type %s is not built",
		    cs->where.file, cs->where.line, cs->name,
		    conf_sink_type_name(cs->type));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->conf = cs;
	s->env = *env;
	s->env.curl = env->curl != NULL ? curlev_share(env->curl) : NULL;
	s->ops = sink_types[cs->type];
	if (s->ops->open != NULL && s->ops->open(s, err) == -1) {
		curlev_free(s->env.curl);
		free(s);
		return NULL;
	}
	return s;
}

/* Deliveries of s from now on run on base and cv (a reference). */
void
sink_attach(struct sink *s, struct event_base *base, struct curlev *cv)
{
	s->env.base = base;
	curlev_free(s->env.curl);
	s->env.curl = cv != NULL ? curlev_share(cv) : NULL;
}

/* The driver for a sink's transfers: the shared one, else its own. */
struct curlev *
sink_curlev(struct sink *s, sink_done_cb done, void *arg)
{
	char *err = NULL;

	if (s->env.curl == NULL &&
	    (s->env.curl = curlev_new(s->env.base, &err)) == NULL) {
		sink_report(done, arg, SINK_RETRY, err);
		free(err);
	}
	return s->env.curl;
}

void
sink_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	s->ops->deliver(s, alert_id, doc, done, arg);
}

const char *
sink_name(const struct sink *s)
{
	return s->conf->name;
}

int
sink_max_in_flight(const struct sink *s)
{
	return s->ops->max_in_flight > 0 ? s->ops->max_in_flight : INT_MAX;
}

int
sink_keeps_record(const struct sink *s)
{
	return s->ops->keeps_record;
}

const struct conf_sink *
sink_conf(const struct sink *s)
{
	return s->conf;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	/* The sink's transfers leave the driver before its reference. */
	if (s->ops->close != NULL)
		s->ops->close(s);
	curlev_free(s->env.curl);
	free(s);
}

void
sink_report(sink_done_cb done, void *arg, enum sink_result r, const char *error)
{
	struct sink_outcome o = {
	    .result = r, .retry_after_s = -1, .error = error};

	done(&o, arg);
}

void
sink_report_retry(
    sink_done_cb done, void *arg, int64_t retry_after_s, const char *error)
{
	struct sink_outcome o = {.result = SINK_RETRY,
	    .retry_after_s = retry_after_s,
	    .error = error};

	done(&o, arg);
}

char *
sink_format_line(const char *doc)
{
	json_t *root = json_loads(doc, 0, NULL), *item, *matches;
	struct buf b = BUF_INIT;

	if (root == NULL)
		return NULL;
	item = json_object_get(root, "item");
	matches = json_object_get(root, "matches");
	buf_printf(&b, "%s score %lld/%lld: %s <%s> [actors: ",
	    json_string_value(json_object_get(root, "watchlist")) ?: "?",
	    json_integer_value(json_object_get(root, "score")),
	    json_integer_value(json_object_get(root, "threshold")),
	    json_string_value(json_object_get(item, "title")) ?: "",
	    json_string_value(json_object_get(item, "link")) ?: "");
	sink_append_names(&b, matches, "actor", 0);
	buf_appends(&b, "; topics: ");
	sink_append_names(&b, matches, "topic", 0);
	buf_appends(&b, "]");
	json_decref(root);
	return buf_steal(&b);
}
