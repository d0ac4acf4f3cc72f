/*
 * The alerts feed: /alerts.atom as Atom 1.0 (RFC 4287), so any feed
 * reader can follow the alerts.  One entry per alert, newest first: its
 * title with the watchlist, a link to the item, updated and published
 * = fired_at, the score, threshold and matched names (and the silence
 * that muted it) in the content.  Ids are tag URIs (RFC 4151) built from
 * the host's name and the alert's id, so they stay the same across
 * restarts and are unique between hosts: tag:HOST,2024:feedwatch/alert/ID.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/timeutil.h"
#include "daemon/httppage.h"
#include "store/store.h"

/* The date part of the tag URIs: the project's first year. */
#define ATOM_TAG_DATE "2024"
/* A host name as a tag's authority (RFC 1035 names are shorter). */
#define ATOM_HOST_MAX 256

/* Text as XML character data or an attribute value: the five specials
 * escaped, and the control characters XML 1.0 forbids left out. */
static void
atom_text(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			buf_appends(b, "&amp;");
		else if (c == '<')
			buf_appends(b, "&lt;");
		else if (c == '>')
			buf_appends(b, "&gt;");
		else if (c == '"')
			buf_appends(b, "&quot;");
		else if (c == '\'')
			buf_appends(b, "&apos;");
		else if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			buf_appendc(b, (char)c);
	}
}

/* <name>text</name>, the text escaped. */
static void
atom_elem(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	atom_text(b, text);
	buf_printf(b, "</%s>\n", name);
}

/* The host's name as a tag authority: letters, digits, '-' and '.'. */
static void
atom_host(char *out, size_t len)
{
	size_t j = 0;

	if (gethostname(out, len) == -1)
		out[0] = '\0';
	out[len - 1] = '\0';
	for (size_t i = 0; out[i] != '\0'; i++)
		if ((out[i] >= 'a' && out[i] <= 'z') ||
		    (out[i] >= 'A' && out[i] <= 'Z') ||
		    (out[i] >= '0' && out[i] <= '9') || out[i] == '-' ||
		    out[i] == '.')
			out[j++] = out[i];
	out[j] = '\0';
	if (j == 0)
		snprintf(out, len, "localhost");
}

/* What the entries are written with. */
struct atom_out {
	struct buf entries;
	const char *host;
	int64_t newest;
};

/* The content: score, threshold, what matched (with snippets), and the
 * silence; HTML, escaped once more as Atom's type="html" wants. */
static void
atom_content(struct buf *b, json_t *d)
{
	struct buf h = BUF_INIT;
	json_t *m, *sn, *silence = json_object_get(d, "silence");
	size_t i, k;

	buf_printf(&h, "<p>score %lld (threshold %lld) on watchlist ",
	    (long long)json_integer_value(json_object_get(d, "score")),
	    (long long)json_integer_value(json_object_get(d, "threshold")));
	atom_text(&h, json_string_value(json_object_get(d, "watchlist")));
	if (json_is_integer(silence))
		buf_printf(&h, "; muted by silence %lld",
		    (long long)json_integer_value(silence));
	buf_appends(&h, "</p><ul>");
	json_array_foreach(json_object_get(d, "matches"), i, m)
	{
		buf_appends(&h, "<li>");
		atom_text(&h, json_string_value(json_object_get(m, "kind")));
		buf_appends(&h, " <b>");
		atom_text(&h, json_string_value(json_object_get(m, "name")));
		buf_printf(&h, "</b>: %lld hits, +%lld",
		    (long long)json_integer_value(json_object_get(m, "hits")),
		    (long long)json_integer_value(
		        json_object_get(m, "contribution")));
		json_array_foreach(json_object_get(m, "snippets"), k, sn)
		{
			buf_appends(&h, "<br>");
			atom_text(&h, json_string_value(sn));
		}
		buf_appends(&h, "</li>");
	}
	buf_appends(&h, "</ul><p>");
	atom_text(&h,
	    json_string_value(
	        json_object_get(json_object_get(d, "item"), "summary")));
	buf_appends(&h, "</p>");
	buf_appends(b, "<content type=\"html\">");
	atom_text(b, buf_str(&h));
	buf_appends(b, "</content>\n");
	buf_free(&h);
}

/* One alert as an entry. */
static void
atom_entry(const char *id, const char *doc, int64_t fired_at,
    const char *also_in, void *arg)
{
	struct atom_out *o = arg;
	struct buf *b = &o->entries, title = BUF_INIT;
	json_t *d = json_loads(doc, 0, NULL), *item;
	char when[RFC3339_LEN];
	const char *link;

	(void)also_in;
	if (d == NULL)
		return;
	item = json_object_get(d, "item");
	if (fired_at > o->newest)
		o->newest = fired_at;
	buf_printf(&title, "[%s] %s",
	    json_string_value(json_object_get(d, "watchlist")) ?: "",
	    json_string_value(json_object_get(item, "title")) ?: "");
	buf_appends(b, "<entry>\n");
	buf_printf(b, "<id>tag:%s," ATOM_TAG_DATE ":feedwatch/alert/", o->host);
	atom_text(b, id);
	buf_appends(b, "</id>\n");
	atom_elem(b, "title", buf_str(&title));
	if ((link = json_string_value(json_object_get(item, "link"))) != NULL &&
	    link[0] != '\0') {
		buf_appends(b, "<link rel=\"alternate\" href=\"");
		atom_text(b, link);
		buf_appends(b, "\"/>\n");
	}
	time_rfc3339((time_t)fired_at, when);
	atom_elem(b, "updated", when);
	atom_elem(b, "published", when);
	buf_appends(b, "<category term=\"");
	atom_text(b, json_string_value(json_object_get(d, "watchlist")));
	buf_appends(b, "\"/>\n");
	atom_content(b, d);
	buf_appends(b, "</entry>\n");
	buf_free(&title);
	json_decref(d);
}

/* The whole feed: head, then the newest alerts. */
char *
httpatom_build(
    struct store *st, const char *watchlist, const char *self, size_t *len)
{
	struct atom_out o = {BUF_INIT, NULL, 0};
	struct buf b = BUF_INIT;
	char host[ATOM_HOST_MAX], when[RFC3339_LEN];

	atom_host(host, sizeof(host));
	o.host = host;
	if (store_alerts_recent(
	        st, watchlist, HTTPPAGE_ATOM_MAX, atom_entry, &o) == -1) {
		buf_free(&o.entries);
		return NULL;
	}
	buf_appends(&b,
	    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
	buf_printf(&b, "<id>tag:%s," ATOM_TAG_DATE ":feedwatch/alerts", host);
	if (watchlist != NULL) {
		buf_appendc(&b, '/');
		atom_text(&b, watchlist);
	}
	buf_appends(&b, "</id>\n<title>feedwatch alerts");
	if (watchlist != NULL) {
		buf_appends(&b, ": ");
		atom_text(&b, watchlist);
	}
	buf_appends(&b, "</title>\n");
	atom_elem(&b, "updated",
	    time_rfc3339(o.newest > 0 ? (time_t)o.newest : time(NULL), when));
	buf_appends(&b, "<link rel=\"self\" href=\"");
	atom_text(&b, self);
	buf_appends(&b,
	    "\"/>\n<author><name>feedwatch</name></author>\n"
	    "<generator>feedwatch</generator>\n");
	buf_append(&b, o.entries.data, o.entries.len);
	buf_appends(&b, "</feed>\n");
	buf_free(&o.entries);
	*len = b.len;
	return buf_steal(&b);
}
