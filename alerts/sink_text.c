/*
 * The readable forms of an alert or a digest, shared by the sinks that
 * speak to people (chat webhooks, ntfy, mail, exec's environment): a
 * subject line, a plain-text body, and the per-alert view they are built
 * from.  A digest document is {"digest":{"id","sink","count",...},
 * "alerts":[alert documents]}; everything here accepts both.
 *
 * Feed text is data here: each format escapes what its markup would read
 * (Slack's <>&, Discord's markdown and mentions); mail and HTTP headers get
 * their own encodings where they are written.
 */
#include "config.h"

#include <jansson.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "common/xmalloc.h"

/* Lines of a digest body before "... and N more": a digest may hold
 * OUTBOX_DIGEST_MAX alerts, and a chat message has a size limit. */
#define SINK_TEXT_DIGEST_LINES 100

json_t *
sink_doc_parse(const char *doc)
{
	json_t *root = json_loads(doc, 0, NULL);

	if (root != NULL && !json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

json_t *
sink_doc_digest(json_t *root)
{
	json_t *d = json_object_get(root, "digest");

	return json_is_object(d) ? d : NULL;
}

void
sink_alert_view(json_t *alert, struct sink_alert *a)
{
	json_t *item = json_object_get(alert, "item");

	a->id = json_string_value(json_object_get(alert, "id")) ?: "";
	a->watchlist =
	    json_string_value(json_object_get(alert, "watchlist")) ?: "";
	a->title = json_string_value(json_object_get(item, "title")) ?: "";
	a->link = json_string_value(json_object_get(item, "link")) ?: "";
	a->score = json_integer_value(json_object_get(alert, "score"));
	a->threshold = json_integer_value(json_object_get(alert, "threshold"));
	a->matches = json_object_get(alert, "matches");
}

void
sink_append_names(struct buf *b, json_t *matches, const char *kind, int labels)
{
	size_t i, n = 0;
	json_t *m;

	json_array_foreach(matches, i, m)
	{
		const char *k = json_string_value(json_object_get(m, "kind"));
		const char *label =
		    json_string_value(json_object_get(m, "label"));
		const char *name = labels && label != NULL
		    ? label
		    : json_string_value(json_object_get(m, "name"));

		if (k == NULL || name == NULL || strcmp(k, kind) != 0)
			continue;
		buf_appends(b, n++ == 0 ? "" : ", ");
		buf_appends(b, name);
	}
	if (n == 0)
		buf_appends(b, "-");
}

/* "actors: a, b; topics: c" */
static void
append_matches(struct buf *b, json_t *matches)
{
	buf_appends(b, "actors: ");
	sink_append_names(b, matches, "actor", 1);
	buf_appends(b, "; topics: ");
	sink_append_names(b, matches, "topic", 1);
}

char *
sink_subject(json_t *root)
{
	json_t *d = sink_doc_digest(root);
	struct sink_alert a;
	char *s;

	if (d != NULL) {
		xasprintf(&s, "[feedwatch] digest: %lld alerts",
		    json_integer_value(json_object_get(d, "count")));
		return s;
	}
	sink_alert_view(root, &a);
	xasprintf(&s, "[feedwatch] %s: %s", a.watchlist, a.title);
	return s;
}

/* One alert as a block of plain text. */
static void
append_alert_text(struct buf *b, json_t *alert)
{
	struct sink_alert a;
	json_t *m;
	size_t i;

	sink_alert_view(alert, &a);
	buf_printf(b,
	    "%s\n%s\n\nWatchlist: %s\nScore: %lld (threshold "
	    "%lld)\n",
	    a.title, a.link, a.watchlist, a.score, a.threshold);
	append_matches(b, a.matches);
	buf_appendc(b, '\n');
	json_array_foreach(a.matches, i, m)
	{
		json_t *snips = json_object_get(m, "snippets"), *sn;
		size_t j;

		json_array_foreach(snips, j, sn)
		    buf_printf(b, "  > %s\n", json_string_value(sn) ?: "");
	}
	buf_printf(b, "Alert: %s\n", a.id);
}

char *
sink_text(json_t *root)
{
	json_t *d = sink_doc_digest(root), *alerts, *al;
	struct buf b = BUF_INIT;
	size_t i, n;

	if (d == NULL) {
		append_alert_text(&b, root);
		return buf_steal(&b);
	}
	alerts = json_object_get(root, "alerts");
	n = json_array_size(alerts);
	buf_printf(&b,
	    "%zu alerts held back by the rate limit or collected "
	    "for this digest (%s).\n",
	    n, json_string_value(json_object_get(d, "id")) ?: "");
	json_array_foreach(alerts, i, al)
	{
		buf_printf(&b, "\n--- %zu of %zu ---\n", i + 1, n);
		append_alert_text(&b, al);
	}
	return buf_steal(&b);
}

/* Lines "WATCHLIST score S/T: TITLE <LINK>" through a per-format link
 * writer, for chat formats; a digest lists its alerts, bounded. */
static void
sink_chat_lines(struct buf *b, json_t *root,
    void (*line)(struct buf *b, const struct sink_alert *a, int detail))
{
	json_t *d = sink_doc_digest(root), *alerts, *al;
	struct sink_alert a;
	size_t i, n;

	if (d == NULL) {
		sink_alert_view(root, &a);
		line(b, &a, 1);
		return;
	}
	alerts = json_object_get(root, "alerts");
	n = json_array_size(alerts);
	buf_printf(b, "feedwatch digest: %zu alerts\n", n);
	json_array_foreach(alerts, i, al)
	{
		if (i == SINK_TEXT_DIGEST_LINES) {
			buf_printf(b, "... and %zu more\n", n - i);
			break;
		}
		sink_alert_view(al, &a);
		line(b, &a, 0);
		buf_appendc(b, '\n');
	}
}

/* Slack's mrkdwn: &, < and > are escaped, everything else is literal. */
static void
append_slack_escaped(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			buf_appends(b, "&amp;");
			break;
		case '<':
			buf_appends(b, "&lt;");
			break;
		case '>':
			buf_appends(b, "&gt;");
			break;
		default:
			buf_appendc(b, *s);
		}
}

/* One Slack line: *WL* score S/T: <LINK|TITLE> and the matches. */
static void
slack_line(struct buf *b, const struct sink_alert *a, int detail)
{
	buf_appendc(b, '*');
	append_slack_escaped(b, a->watchlist);
	buf_printf(b, "* score %lld/%lld: ", a->score, a->threshold);
	if (a->link[0] != '\0') {
		buf_appendc(b, '<');
		append_slack_escaped(b, a->link);
		buf_appendc(b, '|');
		append_slack_escaped(b, a->title);
		buf_appendc(b, '>');
	} else {
		append_slack_escaped(b, a->title);
	}
	if (detail) {
		struct buf m = BUF_INIT;

		append_matches(&m, a->matches);
		buf_appendc(b, '\n');
		append_slack_escaped(b, buf_str(&m));
		buf_free(&m);
	}
}

/* Discord markdown: a backslash before every character it would read. */
static void
append_discord_escaped(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr("\\*_~`|[]()<>#@:-", *s) != NULL)
			buf_appendc(b, '\\');
		buf_appendc(b, *s);
	}
}

/* One Discord line: **WL** score S/T: [TITLE](<LINK>) and the matches. */
static void
discord_line(struct buf *b, const struct sink_alert *a, int detail)
{
	buf_appends(b, "**");
	append_discord_escaped(b, a->watchlist);
	buf_printf(b, "** score %lld/%lld: ", a->score, a->threshold);
	if (a->link[0] != '\0' && strpbrk(a->link, "<> ") == NULL) {
		buf_appendc(b, '[');
		append_discord_escaped(b, a->title);
		buf_printf(b, "](<%s>)", a->link);
	} else {
		append_discord_escaped(b, a->title);
	}
	if (detail) {
		struct buf m = BUF_INIT;

		append_matches(&m, a->matches);
		buf_appendc(b, '\n');
		append_discord_escaped(b, buf_str(&m));
		buf_free(&m);
	}
}

/* Discord refuses content over 2000 characters; Slack truncates at 40,000
 * but reads best short. */
#define SINK_DISCORD_MAX 2000
#define SINK_SLACK_MAX 39000

/* Cut b to at most max bytes on a character boundary. */
static void
cut_utf8(struct buf *b, size_t max)
{
	if (b->len > max)
		buf_truncate(b, utf8_cut(b->data, b->len, max));
}

char *
sink_body_slack(json_t *root)
{
	struct buf t = BUF_INIT;
	json_t *o;
	char *s;

	sink_chat_lines(&t, root, slack_line);
	cut_utf8(&t, SINK_SLACK_MAX);
	o = json_pack("{s:s, s:b}", "text", buf_str(&t), "mrkdwn", 1);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	buf_free(&t);
	return s;
}

char *
sink_body_discord(json_t *root)
{
	struct buf t = BUF_INIT;
	json_t *o;
	char *s;

	sink_chat_lines(&t, root, discord_line);
	cut_utf8(&t, SINK_DISCORD_MAX);
	/* Feed text must never ping anyone: no parsed mentions. */
	o = json_pack("{s:s, s:{s:[]}}", "content", buf_str(&t),
	    "allowed_mentions", "parse");
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	buf_free(&t);
	return s;
}
