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
#include <stdint.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "common/xmalloc.h"

/* Lines of a digest body before "... and N more": a digest may hold
 * OUTBOX_DIGEST_MAX alerts, and a chat message has a size limit. */
#define SINK_TEXT_DIGEST_LINES 100
/* ntfy sends a body of 4,096 bytes or more as an attachment. */
#define SINK_NTFY_MAX 4000
/* Discord refuses content over 2000 characters; Slack truncates at 40,000
 * but reads best short; Mattermost refuses posts over 16,383
 * characters. */
#define SINK_DISCORD_MAX 2000
#define SINK_SLACK_MAX 39000
#define SINK_MATTERMOST_MAX 16000
/* The longest "... and N more" line. */
#define SINK_TEXT_MORE_MAX 64

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

/* "actors: a, b; topics: c", for the formats in other files. */
void
sink_append_matches(struct buf *b, json_t *matches)
{
	append_matches(b, matches);
}

/* One alert as a block of plain text. */
static void
append_alert_text(struct buf *b, json_t *alert)
{
	struct sink_alert a;
	json_t *m, *seen = json_object();
	size_t i;

	sink_alert_view(alert, &a);
	buf_printf(b,
	    "%s\n%s\n\nWatchlist: %s\nScore: %lld (threshold "
	    "%lld)\n",
	    a.title, a.link, a.watchlist, a.score, a.threshold);
	append_matches(b, a.matches);
	buf_appendc(b, '\n');
	/* Two matches in one sentence share its snippet: show it once. */
	json_array_foreach(a.matches, i, m)
	{
		json_t *snips = json_object_get(m, "snippets"), *sn;
		const char *t;
		size_t j;

		json_array_foreach(snips, j, sn)
		{
			t = json_string_value(sn) ?: "";
			if (json_object_get(seen, t) != NULL)
				continue;
			json_object_set_new(seen, t, json_true());
			buf_printf(b, "  > %s\n", t);
		}
	}
	json_decref(seen);
	buf_printf(b, "Alert: %s\n", a.id);
}

char *
sink_text(json_t *root)
{
	return sink_text_max(root, SIZE_MAX);
}

char *
sink_text_max(json_t *root, size_t max)
{
	json_t *d = sink_doc_digest(root), *alerts, *al;
	struct buf b = BUF_INIT, one = BUF_INIT;
	size_t i, n;

	if (d == NULL) {
		append_alert_text(&b, root);
		sink_cut_utf8(&b, max);
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
		buf_reset(&one);
		buf_printf(&one, "\n--- %zu of %zu ---\n", i + 1, n);
		append_alert_text(&one, al);
		/* Room for the last line, which says how many are left out. */
		if (b.len + one.len + SINK_TEXT_MORE_MAX > max) {
			buf_printf(&b,
			    "\n... and %zu more alerts left out of "
			    "this message\n",
			    n - i);
			break;
		}
		buf_append(&b, one.data, one.len);
	}
	buf_free(&one);
	sink_cut_utf8(&b, max);
	return buf_steal(&b);
}

char *
sink_body_ntfy(json_t *root)
{
	return sink_text_max(root, SINK_NTFY_MAX);
}

int
sink_score_level(json_t *root)
{
	json_t *alerts = json_object_get(root, "alerts"), *al;
	struct sink_alert a;
	int level = 0, l;
	size_t i;

	if (sink_doc_digest(root) == NULL) {
		sink_alert_view(root, &a);
		if (a.threshold <= 0)
			return 0;
		/* Twice the threshold is high, three times urgent. */
		l = (int)(a.score / a.threshold) - 1;
		return l < 0 ? 0 : l >= SINK_LEVELS ? SINK_LEVELS - 1 : l;
	}
	json_array_foreach(alerts, i, al)
	{
		if ((l = sink_score_level(al)) > level)
			level = l;
	}
	return level;
}

void
sink_link_encode(struct buf *b, const char *url, const char *also)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || strchr(also, *p) != NULL)
			buf_printf(b, "%%%02X", *p);
		else
			buf_appendc(b, (char)*p);
}

void
sink_chat_lines(struct buf *b, json_t *root, const char *nl, size_t max,
    void (*line)(struct buf *b, const struct sink_alert *a, int detail))
{
	json_t *d = sink_doc_digest(root), *alerts, *al;
	struct buf one = BUF_INIT;
	struct sink_alert a;
	size_t i, n;

	if (d == NULL) {
		sink_alert_view(root, &a);
		line(b, &a, 1);
		return;
	}
	alerts = json_object_get(root, "alerts");
	n = json_array_size(alerts);
	buf_printf(b, "feedwatch digest: %zu alerts%s", n, nl);
	json_array_foreach(alerts, i, al)
	{
		buf_reset(&one);
		sink_alert_view(al, &a);
		line(&one, &a, 0);
		buf_appends(&one, nl);
		/* Whole lines only, and room to say how many are left. */
		if (i == SINK_TEXT_DIGEST_LINES ||
		    b->len + one.len + SINK_TEXT_MORE_MAX > max) {
			buf_printf(b, "... and %zu more%s", n - i, nl);
			break;
		}
		buf_append(b, one.data, one.len);
	}
	buf_free(&one);
}

void
sink_append_escaped(
    struct buf *b, const char *s, size_t max, const char *const by[256])
{
	size_t n = utf8_cut(s, strlen(s), max);

	for (size_t i = 0; i < n; i++)
		if (by[(unsigned char)s[i]] != NULL)
			buf_appends(b, by[(unsigned char)s[i]]);
		else
			buf_appendc(b, s[i]);
}

/* Slack's mrkdwn: &, < and > are escaped, everything else is literal. */
static const char *const slack_escapes[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;"};

/* s escaped for Slack. */
static void
append_slack_escaped(struct buf *b, const char *s)
{
	sink_append_escaped(b, s, SIZE_MAX, slack_escapes);
}

/* One Slack line: *WL* score S/T: <LINK|TITLE> and the matches. */
static void
slack_line(struct buf *b, const struct sink_alert *a, int detail)
{
	buf_appendc(b, '*');
	append_slack_escaped(b, a->watchlist);
	buf_printf(b, "* score %lld/%lld: ", a->score, a->threshold);
	if (a->link[0] != '\0') {
		/* A | or > in the URL would end it: Slack cannot escape
		 * them there, a percent-encoding means the same URL. */
		struct buf u = BUF_INIT;

		sink_link_encode(&u, a->link, SINK_SLACK_URL_ESCAPE);
		buf_appendc(b, '<');
		append_slack_escaped(b, buf_str(&u));
		buf_free(&u);
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

/* Markdown (Discord's, Mattermost's): a backslash before every character
 * it would read; with joiner, an @ that can never start a mention
 * (Mattermost's @channel, @all, @here notify everyone): a word joiner
 * (U+2060) after it, invisible when shown. */
struct md_style {
	const char *special;
	int joiner;
	const char *link_open, *link_close; /* around the URL */
};

static const struct md_style discord_style = {
    "\\*_~`|[]()<>#@:-", 0, "](<", ">)"};
static const struct md_style mattermost_style = {
    "\\*_~`|[]()<>#:-!", 1, "](", ")"};

/* s escaped for the markdown of st. */
static void
append_md_escaped(struct buf *b, const char *s, const struct md_style *st)
{
	for (; *s != '\0'; s++) {
		if (strchr(st->special, *s) != NULL)
			buf_appendc(b, '\\');
		buf_appendc(b, *s);
		if (*s == '@' && st->joiner)
			buf_appends(b, "\xe2\x81\xa0");
	}
}

/* One line: **WL** score S/T: [TITLE](LINK) and the matches; every link
 * is kept, what would end it percent-encoded. */
static void
md_line(struct buf *b, const struct sink_alert *a, int detail,
    const struct md_style *st)
{
	buf_appends(b, "**");
	append_md_escaped(b, a->watchlist, st);
	buf_printf(b, "** score %lld/%lld: ", a->score, a->threshold);
	if (a->link[0] != '\0') {
		buf_appendc(b, '[');
		append_md_escaped(b, a->title, st);
		buf_appends(b, st->link_open);
		sink_link_encode(b, a->link, SINK_MARKDOWN_URL_ESCAPE);
		buf_appends(b, st->link_close);
	} else {
		append_md_escaped(b, a->title, st);
	}
	if (detail) {
		struct buf m = BUF_INIT;

		append_matches(&m, a->matches);
		buf_appendc(b, '\n');
		append_md_escaped(b, buf_str(&m), st);
		buf_free(&m);
	}
}

/* One Discord line. */
static void
discord_line(struct buf *b, const struct sink_alert *a, int detail)
{
	md_line(b, a, detail, &discord_style);
}

/* One Mattermost line. */
static void
mattermost_line(struct buf *b, const struct sink_alert *a, int detail)
{
	md_line(b, a, detail, &mattermost_style);
}

/* Cut b to at most max bytes on a character boundary. */
void
sink_cut_utf8(struct buf *b, size_t max)
{
	if (b->len > max)
		buf_truncate(b, utf8_cut(b->data, b->len, max));
}

/* A chat body: {key: the lines within max bytes, then extra's members}
 * (extra is taken). */
static char *
chat_body(json_t *root, size_t max,
    void (*line)(struct buf *b, const struct sink_alert *a, int detail),
    const char *key, json_t *extra)
{
	struct buf t = BUF_INIT;
	json_t *o = json_object();
	char *s;

	sink_chat_lines(&t, root, "\n", max, line);
	sink_cut_utf8(&t, max);
	json_object_set_new(o, key, json_string(buf_str(&t)));
	json_object_update(o, extra);
	json_decref(extra);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	buf_free(&t);
	return s;
}

char *
sink_body_slack(json_t *root)
{
	return chat_body(root, SINK_SLACK_MAX, slack_line, "text",
	    json_pack("{s:b}", "mrkdwn", 1));
}

char *
sink_body_discord(json_t *root)
{
	/* Feed text must never ping anyone: no parsed mentions. */
	return chat_body(root, SINK_DISCORD_MAX, discord_line, "content",
	    json_pack("{s:{s:[]}}", "allowed_mentions", "parse"));
}

char *
sink_body_mattermost(json_t *root)
{
	return chat_body(root, SINK_MATTERMOST_MAX, mattermost_line, "text",
	    json_pack("{s:s}", "username", "feedwatch"));
}
