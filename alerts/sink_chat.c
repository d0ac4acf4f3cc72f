/*
 * The richer readable forms of an alert or a digest: HTML for Telegram's
 * parse_mode=HTML and Matrix's formatted_body, and the Adaptive Card of a
 * Teams Workflows webhook.  Like sink_text.c, feed text is data: HTML
 * escapes &, <, > and ", an @ never starts a mention in HTML or plain
 * text (a word joiner, U+2060, follows it), and the card puts feed text only in
 * TextRuns, which Adaptive Cards never read as markdown.
 */
#include "config.h"

#include <jansson.h>
#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/utf8.h"
#include "common/xmalloc.h"

/* Feed text shown per alert, before escaping: a title, the matches. */
#define SINK_HTML_TITLE_MAX 512
#define SINK_HTML_MATCHES_MAX 1024
/* Alerts a Teams card lists (a card must stay under 28 KB). */
#define SINK_TEAMS_ALERTS 20

/* HTML text: &, <, > and " escaped, an @ that starts no mention. */
static const char *const html_escapes[256] = {['&'] = "&amp;",
    ['<'] = "&lt;",
    ['>'] = "&gt;",
    ['"'] = "&quot;",
    ['@'] = "@\xe2\x81\xa0"};

/* Plain text: only the @. */
static const char *const plain_escapes[256] = {['@'] = "@\xe2\x81\xa0"};

/* At most max bytes of s, cut on a character boundary, as HTML text. */
static void
append_html(struct buf *b, const char *s, size_t max)
{
	sink_append_escaped(b, s, max, html_escapes);
}

/* A link's href: percent-encoded where it would end the attribute, its
 * & written as HTML's &amp; (the same URL once read). */
static void
append_href(struct buf *b, const char *url)
{
	struct buf u = BUF_INIT;

	sink_link_encode(&u, url, "\"<>");
	for (const char *p = buf_str(&u); *p; p++)
		if (*p == '&')
			buf_appends(b, "&amp;");
		else
			buf_appendc(b, *p);
	buf_free(&u);
}

/* <b>WL</b> score S/T: <a href="LINK">TITLE</a>, then the matches. */
static void
html_line(struct buf *b, const struct sink_alert *a, int detail, const char *nl)
{
	struct buf m = BUF_INIT;

	buf_appends(b, "<b>");
	append_html(b, a->watchlist, SINK_HTML_TITLE_MAX);
	buf_printf(b, "</b> score %lld/%lld: ", a->score, a->threshold);
	if (a->link[0] != '\0') {
		buf_appends(b, "<a href=\"");
		append_href(b, a->link);
		buf_appends(b, "\">");
		append_html(b, a->title, SINK_HTML_TITLE_MAX);
		buf_appends(b, "</a>");
	} else {
		append_html(b, a->title, SINK_HTML_TITLE_MAX);
	}
	if (detail) {
		sink_append_matches(&m, a->matches);
		buf_appends(b, nl);
		append_html(b, buf_str(&m), SINK_HTML_MATCHES_MAX);
		buf_free(&m);
	}
}

/* Lines for Telegram, which keeps newlines. */
static void
html_line_nl(struct buf *b, const struct sink_alert *a, int detail)
{
	html_line(b, a, detail, "\n");
}

/* Lines for Matrix's HTML, where a newline is <br>. */
static void
html_line_br(struct buf *b, const struct sink_alert *a, int detail)
{
	html_line(b, a, detail, "<br>");
}

char *
sink_html(json_t *root, const char *nl, size_t max)
{
	struct buf b = BUF_INIT;

	sink_chat_lines(&b, root, nl, max,
	    strcmp(nl, "<br>") == 0 ? html_line_br : html_line_nl);
	return buf_steal(&b);
}

/* At most max bytes of s as plain text: an @ starts no mention. */
static void
append_plain(struct buf *b, const char *s, size_t max)
{
	sink_append_escaped(b, s, max, plain_escapes);
}

/* WL score S/T: TITLE <LINK>, then the matches: plain text. */
static void
plain_line(struct buf *b, const struct sink_alert *a, int detail)
{
	struct buf m = BUF_INIT;

	append_plain(b, a->watchlist, SINK_HTML_TITLE_MAX);
	buf_printf(b, " score %lld/%lld: ", a->score, a->threshold);
	append_plain(b, a->title, SINK_HTML_TITLE_MAX);
	if (a->link[0] != '\0') {
		buf_appends(b, " <");
		sink_link_encode(b, a->link, "<>");
		buf_appendc(b, '>');
	}
	if (detail) {
		buf_appendc(b, '\n');
		sink_append_matches(&m, a->matches);
		append_plain(b, buf_str(&m), SINK_HTML_MATCHES_MAX);
		buf_free(&m);
	}
}

char *
sink_plain_lines(json_t *root, size_t max)
{
	struct buf b = BUF_INIT;

	sink_chat_lines(&b, root, "\n", max, plain_line);
	sink_cut_utf8(&b, max);
	return buf_steal(&b);
}

/* A RichTextBlock of one TextRun: text shown as it is, never markdown. */
static json_t *
card_text(const char *text, int bold)
{
	json_t *run = json_pack("{s:s, s:s}", "type", "TextRun", "text", text);

	if (bold)
		json_object_set_new(run, "weight", json_string("Bolder"));
	return json_pack(
	    "{s:s, s:[o]}", "type", "RichTextBlock", "inlines", run);
}

/* One alert's blocks: title, score, actors, topics; its link an action. */
static void
card_alert(json_t *body, json_t *actions, const struct sink_alert *a)
{
	struct buf t = BUF_INIT;

	json_array_append_new(body, card_text(a->title, 1));
	buf_printf(&t, "%s: score %lld (threshold %lld)", a->watchlist,
	    a->score, a->threshold);
	json_array_append_new(body, card_text(buf_str(&t), 0));
	buf_reset(&t);
	sink_append_matches(&t, a->matches);
	json_array_append_new(body, card_text(buf_str(&t), 0));
	buf_free(&t);
	if (a->link[0] != '\0' && json_array_size(actions) < 1)
		json_array_append_new(actions,
		    json_pack("{s:s, s:s, s:s}", "type", "Action.OpenUrl",
		        "title", "Open the article", "url", a->link));
}

/* A digest's blocks: a heading, then a bounded list. */
static void
card_digest(json_t *body, json_t *root)
{
	json_t *alerts = json_object_get(root, "alerts"), *al;
	struct sink_alert a;
	struct buf t = BUF_INIT;
	size_t i, n = json_array_size(alerts);

	buf_printf(&t, "feedwatch digest: %zu alerts", n);
	json_array_append_new(body, card_text(buf_str(&t), 1));
	json_array_foreach(alerts, i, al)
	{
		buf_reset(&t);
		if (i == SINK_TEAMS_ALERTS) {
			buf_printf(&t, "... and %zu more", n - i);
			json_array_append_new(body, card_text(buf_str(&t), 0));
			break;
		}
		sink_alert_view(al, &a);
		buf_printf(&t, "%s (%s, score %lld) %s", a.title, a.watchlist,
		    a.score, a.link);
		json_array_append_new(body, card_text(buf_str(&t), 0));
	}
	buf_free(&t);
}

char *
sink_body_teams(json_t *root)
{
	json_t *body = json_array(), *actions = json_array(), *card, *msg;
	struct sink_alert a;
	char *s;

	if (sink_doc_digest(root) != NULL) {
		card_digest(body, root);
	} else {
		sink_alert_view(root, &a);
		card_alert(body, actions, &a);
	}
	card = json_pack("{s:s, s:s, s:s, s:o, s:o}", "$schema",
	    "http://adaptivecards.io/schemas/adaptive-card.json", "type",
	    "AdaptiveCard", "version", "1.4", "body", body, "actions", actions);
	msg = json_pack("{s:s, s:[{s:s, s:n, s:o}]}", "type", "message",
	    "attachments", "contentType",
	    "application/vnd.microsoft.card.adaptive", "contentUrl", "content",
	    card);
	s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	return s;
}
