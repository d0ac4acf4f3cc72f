/*
 * Tests of the webhook, exec and SMTP sinks against real servers on
 * 127.0.0.1 (tests/hookd, tests/smtpd) and real child processes: what
 * each sends (bodies per format, headers, the idempotency key, the
 * environment, the mail dialogue) and how each answer becomes an outcome
 * (delivered, retry with Retry-After, failed for good).
 */
#include "config.h"

#include <sys/stat.h>

#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alerts/sink.h"
#include "common/buf.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "tests/sinks-server.h"
#include "tests/tap.h"

static struct event_base *base;
static char dir[] = "/tmp/fwsinks.XXXXXX";
static char hooklog[256];
static int hookport;

/* A title with everything a shell, a header or a chat markup would read. */
static const char nasty_title[] =
    "Choe Son Hui $(touch /tmp/pwned) `id` \"q\" 'a' & <b> | ; * ~ \\ "
    "Сеул → Москва";

/* The alert document every test sends. */
static char *
make_doc(const char *id, const char *title)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:s, s:{s:s, s:s, s:s, "
	                      "s:s}, s:[{s:s, s:s, s:s, s:i, s:[s]}, "
	                      "{s:s, s:s, s:s, s:i, s:[]}]}",
	    "id", id, "watchlist", "nk-russia", "score", 9, "threshold", 6,
	    "fired_at", "2024-10-29T01:02:03Z", "item", "feed", "kcna-watch",
	    "id", "item-1", "title", title, "link",
	    "https://news.example/a?x=1&y=2", "matches", "kind", "actor",
	    "name", "choe-son-hui", "label", "Choe Son Hui", "hits", 2,
	    "snippets", "Foreign Minister Choe Son Hui left for Russia", "kind",
	    "topic", "name", "troops", "label", "troops", "hits", 1,
	    "snippets");
	if (o == NULL)
		bail_out("make_doc");
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

struct result {
	int done;
	struct sink_outcome o;
	char error[512];
};

/* Keep a sink's outcome. */
static void
on_done(const struct sink_outcome *o, void *arg)
{
	struct result *r = arg;

	r->o = *o;
	/* o->error lives only during the call: keep a copy. */
	snprintf(r->error, sizeof(r->error), "%s", o->error ?: "");
	r->o.error = NULL;
	r->done++;
}

/* Deliver one document through a sink built from cs; the outcome. */
static struct result
deliver(const struct conf_sink *cs, const char *id, const char *doc)
{
	struct sink_env env = {.base = base};
	struct result r = {0};
	char *err = NULL;
	struct sink *s = sink_new(cs, &env, &err);

	if (s == NULL)
		bail_out("sink %s: %s", cs->name, err);
	sink_deliver(s, id, doc, on_done, &r);
	if (server_run_until(base, &r.done, 20000) == -1)
		diag("sink %s: no outcome in 20 s", cs->name);
	sink_free(s);
	return r;
}

/* The last request hookd recorded, parsed. */
static json_t *
last_request(void)
{
	char *text = server_slurp(hooklog), *p;
	json_t *o = NULL;
	size_t len = strlen(text);

	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	p = strrchr(text, '\n');
	o = json_loads(p != NULL ? p + 1 : text, 0, NULL);
	free(text);
	return o;
}

/* A header of a recorded request. */
static const char *
req_header(json_t *req, const char *name)
{
	return json_string_value(
	    json_object_get(json_object_get(req, "headers"), name));
}

/* The body of a recorded request. */
static const char *
req_body(json_t *req)
{
	return json_string_value(json_object_get(req, "body"));
}

/* A URL on hookd (a few live at once). */
static char *
hook_url(const char *path)
{
	static char url[8][128];
	static int i;

	i = (i + 1) % 8;
	snprintf(
	    url[i], sizeof(url[i]), "http://127.0.0.1:%d%s", hookport, path);
	return url[i];
}

/* Each format's body and headers. */
static void
test_webhook_formats(void)
{
	char *headers[] = {"Authorization: Bearer s3cret", "X-Team: ops"};
	struct conf_sink cs = {.name = "hook",
	    .type = SINK_WEBHOOK,
	    .timeout_ms = 5000,
	    .headers = headers,
	    .nheaders = 2,
	    .where = {"t.conf", 1}};
	char *doc = make_doc("id-json-1", nasty_title);
	struct result r;
	json_t *req, *body;

	cs.url = hook_url("/ok");
	r = deliver(&cs, "id-json-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "json: 200 is delivered");
	req = last_request();
	is_str(json_string_value(json_object_get(req, "method")), "POST",
	    "json: a POST");
	is_str(req_body(req), doc, "json: the body is the alert document");
	is_str(req_header(req, "Content-Type"), "application/json",
	    "json: Content-Type");
	is_str(req_header(req, "Idempotency-Key"), "id-json-1",
	    "json: Idempotency-Key is the alert id");
	is_str(req_header(req, "Authorization"), "Bearer s3cret",
	    "json: configured header sent");
	is_str(req_header(req, "X-Team"), "ops", "json: second header sent");
	json_decref(req);

	cs.format = "slack";
	r = deliver(&cs, "id-slack-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "slack: delivered");
	req = last_request();
	body = json_loads(req_body(req), 0, NULL);
	like(json_string_value(json_object_get(body, "text")),
	    "^\\*nk-russia\\* score 9/6: <https://news.example/a\\?x=1&amp;"
	    "y=2\\|Choe Son Hui .*&amp; &lt;b&gt; .*Москва>\nactors: Choe "
	    "Son Hui; topics: troops$",
	    "slack: text names watchlist, score, linked title, matches");
	is_str(req_header(req, "Idempotency-Key"), "id-slack-1",
	    "slack: Idempotency-Key");
	json_decref(body);
	json_decref(req);

	cs.format = "discord";
	r = deliver(&cs, "id-discord-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "discord: delivered");
	req = last_request();
	body = json_loads(req_body(req), 0, NULL);
	like(json_string_value(json_object_get(body, "content")),
	    "^\\*\\*nk\\\\-russia\\*\\* score 9/6: \\[Choe Son Hui .*\\\\`id"
	    "\\\\` .*\\]\\(<https://news.example/a\\?x=1&y=2>\\)\nactors",
	    "discord: content with an escaped, linked title");
	ok(json_array_size(json_object_get(
	       json_object_get(body, "allowed_mentions"), "parse")) == 0 &&
	        json_object_get(body, "allowed_mentions") != NULL,
	    "discord: feed text cannot mention anyone");
	json_decref(body);
	json_decref(req);

	cs.format = "ntfy";
	r = deliver(&cs, "id-ntfy-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "ntfy: delivered");
	req = last_request();
	like(req_header(req, "Title"), "^=\\?UTF-8\\?Q\\?nk-russia=3A_Choe_",
	    "ntfy: Title, RFC 2047 encoded (not ASCII)");
	is_str(req_header(req, "Tags"), "feedwatch,nk-russia", "ntfy: Tags");
	is_str(req_header(req, "Click"), "https://news.example/a?x=1&y=2",
	    "ntfy: Click is the link");
	like(req_body(req),
	    "^Choe Son Hui \\$\\(touch /tmp/pwned\\).*\nhttps://news\\.example"
	    ".*\nScore: 9 \\(threshold 6\\)\nactors: Choe Son Hui; topics: "
	    "troops\n",
	    "ntfy: message with title, link, score and matches");
	json_decref(req);
	free(doc);
}

/* Each kind of answer, and its outcome. */
static void
test_webhook_answers(void)
{
	struct conf_sink cs = {.name = "hook",
	    .type = SINK_WEBHOOK,
	    .timeout_ms = 5000,
	    .where = {"t.conf", 1}};
	char *doc = make_doc("id-ans", "plain title");
	struct result r;

	cs.url = hook_url("/bad");
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_FAILED, "400: failed for good");
	like(r.error, "^HTTP 400", "400: the error says so");
	cs.url = hook_url("/busy");
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "429: retried");
	is_int(r.o.retry_after_s, 120, "429: Retry-After in seconds");
	cs.url = hook_url("/busydate");
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "429 with a date: retried");
	ok(r.o.retry_after_s >= 290 && r.o.retry_after_s <= 301,
	    "429: Retry-After as an HTTP-date (%lld s)",
	    (long long)r.o.retry_after_s);
	cs.url = hook_url("/down");
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "503: retried");
	is_int(r.o.retry_after_s, -1, "503 without Retry-After: none");
	cs.url = hook_url("/timeout");
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "408: retried");
	cs.url = hook_url("/hang");
	cs.timeout_ms = 300;
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "no answer within timeout: retried");
	like(r.error, "[Tt]ime", "timeout: the error says so");
	cs.url = hook_url("/close");
	cs.timeout_ms = 5000;
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "connection closed: retried");
	cs.url = "http://127.0.0.1:1/refused";
	r = deliver(&cs, "id-ans", doc);
	is_int(r.o.result, SINK_RETRY, "connection refused: retried");
	free(doc);
}

/* DIR/name, read whole. */
static char *
read_in(const char *d, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", d, name);
	return server_slurp(p);
}

/* Has process pid gone (or become a zombie no one waits for)? */
static int
process_gone(long pid)
{
	char p[64], *stat, *close_paren;
	int gone = 0;

	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	stat = server_slurp(p);
	close_paren = strrchr(stat, ')');
	gone = stat[0] == '\0' ||
	    (close_paren != NULL && close_paren[1] == ' ' &&
	        close_paren[2] == 'Z');
	free(stat);
	return gone;
}

/* The exec sink: input, environment, exits, timeout. */
static void
test_exec(void)
{
	char script[512], edir[256], title[2048], pwned[300], *got, *doc;
	char *argv_ok[] = {"/bin/sh", script, edir, "0", NULL};
	char *argv_fail[] = {"/bin/sh", script, edir, "3", NULL};
	char *argv_hang[] = {"/bin/sh", script, edir, "0", "hang", NULL};
	char *argv_missing[] = {"feedwatch-no-such-command", NULL};
	char *argv_true[] = {"true", NULL};
	struct conf_sink cs = {.name = "pager",
	    .type = SINK_EXEC,
	    .timeout_ms = 10000,
	    .where = {"t.conf", 1}};
	struct result r;
	struct buf big = BUF_INIT;
	long gc;

	snprintf(
	    script, sizeof(script), "%s/tests/exec-record.sh", tap_srcdir());
	snprintf(edir, sizeof(edir), "%s/exec", dir);
	snprintf(pwned, sizeof(pwned), "%s/pwned", dir);
	mkdir(edir, 0700);
	/* A title a shell would run, were it ever given to one. */
	snprintf(title, sizeof(title), "%s $(touch %s) `touch %s` ; touch %s",
	    nasty_title, pwned, pwned, pwned);
	doc = make_doc("id-exec-1", title);
	cs.argv = argv_ok;
	cs.argc = 4;
	r = deliver(&cs, "id-exec-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "exec: exit 0 is delivered");
	got = read_in(edir, "stdin");
	ok(strncmp(got, doc, strlen(doc)) == 0 && got[strlen(doc)] == '\n' &&
	        got[strlen(doc) + 1] == '\0',
	    "exec: the document on stdin, one line");
	free(got);
	got = read_in(edir, "TITLE");
	is_str(got, title, "exec: FEEDWATCH_TITLE intact, metacharacters too");
	free(got);
	ok(access(pwned, F_OK) == -1, "exec: nothing in the title ran");
	got = read_in(edir, "argc");
	is_str(got, "2", "exec: argv is the config's, nothing added");
	free(got);
	got = read_in(edir, "ID");
	is_str(got, "id-exec-1", "exec: FEEDWATCH_ID");
	free(got);
	got = read_in(edir, "WATCHLIST");
	is_str(got, "nk-russia", "exec: FEEDWATCH_WATCHLIST");
	free(got);
	got = read_in(edir, "SCORE");
	is_str(got, "9", "exec: FEEDWATCH_SCORE");
	free(got);
	got = read_in(edir, "LINK");
	is_str(got, "https://news.example/a?x=1&y=2", "exec: FEEDWATCH_LINK");
	free(got);
	got = read_in(edir, "DIGEST");
	is_str(got, "unset", "exec: no FEEDWATCH_DIGEST for one alert");
	free(got);

	cs.argv = argv_fail;
	r = deliver(&cs, "id-exec-1", doc);
	is_int(r.o.result, SINK_RETRY, "exec: exit 3 is retried");
	like(r.error, "exited with status 3$", "exec: the status is reported");

	cs.argv = argv_hang;
	cs.timeout_ms = 500;
	r = deliver(&cs, "id-exec-1", doc);
	is_int(r.o.result, SINK_RETRY, "exec: past the timeout, retried");
	like(r.error, "killed after the timeout of 500 ms",
	    "exec: the timeout is reported");
	got = read_in(edir, "grandchild");
	gc = strtol(got, NULL, 10);
	free(got);
	for (int i = 0; i < 200 && gc > 0 && !process_gone(gc); i++)
		usleep(10000);
	ok(gc > 0 && process_gone(gc),
	    "exec: the command's process group was killed too");

	cs.argv = argv_missing;
	cs.timeout_ms = 10000;
	r = deliver(&cs, "id-exec-1", doc);
	is_int(r.o.result, SINK_RETRY, "exec: a missing command is retried");
	like(r.error,
	    "^cannot run feedwatch-no-such-command: ", "exec: and says why");

	/* A command that never reads a large document: no SIGPIPE. */
	for (int i = 0; i < 20000; i++)
		buf_appends(
		    &big, "{\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}");
	cs.argv = argv_true;
	r = deliver(&cs, "id-exec-2", buf_str(&big));
	is_int(r.o.result, SINK_DELIVERED,
	    "exec: a command that ignores stdin still delivers");
	buf_free(&big);
	free(doc);
}

/* Decode RFC 2047 Q encoded-words (what a mail reader shows). */
static char *
decode_words(const char *s)
{
	struct buf b = BUF_INIT;
	const char *p = s, *end;

	buf_appends(&b, "");
	while (*p) {
		if (strncmp(p, "=?UTF-8?Q?", 10) == 0 &&
		    (end = strstr(p + 10, "?=")) != NULL) {
			for (const char *q = p + 10; q < end; q++) {
				unsigned int c;

				if (*q == '_')
					buf_appendc(&b, ' ');
				else if (*q == '=' &&
				    sscanf(q + 1, "%2x", &c) == 1) {
					buf_appendc(&b, (char)c);
					q += 2;
				} else
					buf_appendc(&b, *q);
			}
			p = end + 2;
			/* Blanks between two encoded-words are not text. */
			while (
			    *p == ' ' && strncmp(p + 1, "=?UTF-8?Q?", 10) == 0)
				p++;
			continue;
		}
		buf_appendc(&b, *p++);
	}
	return buf_steal(&b);
}

/* Undo quoted-printable. */
static char *
decode_qp(const char *s)
{
	struct buf b = BUF_INIT;
	unsigned int c;

	buf_appends(&b, "");
	for (const char *p = s; *p; p++) {
		if (*p == '=' && p[1] == '\n') {
			p++;
		} else if (*p == '=' && sscanf(p + 1, "%2x", &c) == 1) {
			buf_appendc(&b, (char)c);
			p += 2;
		} else {
			buf_appendc(&b, *p);
		}
	}
	return buf_steal(&b);
}

/* The part of the SMTP log from the last DATA-BEGIN: headers unfolded
 * into *headers, the body into *body. */
static void
last_message(const char *log, char **headers, char **body)
{
	const char *begin = log, *p, *split, *stop;
	struct buf h = BUF_INIT;

	while ((p = strstr(begin, "DATA-BEGIN\n")) != NULL &&
	    strstr(p + 1, "DATA-BEGIN\n") != NULL)
		begin = strstr(p + 1, "DATA-BEGIN\n");
	begin = strstr(begin, "DATA-BEGIN\n");
	begin = begin != NULL ? begin + 11 : log;
	split = strstr(begin, "\n\n");
	stop = strstr(begin, "DATA-END\n");
	if (split == NULL || stop == NULL) {
		*headers = strdup("");
		*body = strdup("");
		return;
	}
	for (p = begin; p < split + 1; p++) {
		if (*p == '\n' && (p[1] == ' ' || p[1] == '\t'))
			continue; /* a folded header goes on */
		buf_appendc(&h, *p);
	}
	*headers = buf_steal(&h);
	*body = strndup(split + 2, (size_t)(stop - split - 2));
}

/* The SMTP dialogue and the message. */
static void
test_smtp(void)
{
	char smtplog[300], url[64], *log, *headers, *body, *subject, *text;
	char *to[] = {"ops@example.org", "oncall@example.org"};
	char *to_bounce[] = {"bounce@example.org"};
	char *to_later[] = {"later@example.org"};
	const char *args[] = {"-l", smtplog, NULL};
	struct conf_sink cs = {.name = "mail",
	    .type = SINK_SMTP,
	    .timeout_ms = 10000,
	    .from = "feedwatch@example.org",
	    .to = to,
	    .nto = 2,
	    .username = "feedwatch",
	    .password = "s3cret",
	    .where = {"t.conf", 1}};
	char *doc = make_doc("id-smtp-1", nasty_title), *want;
	struct result r;
	pid_t pid;
	int port;

	snprintf(smtplog, sizeof(smtplog), "%s/smtp.log", dir);
	port = server_spawn("smtpd", args, &pid);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", port);
	cs.url = url;
	r = deliver(&cs, "id-smtp-1", doc);
	is_int(r.o.result, SINK_DELIVERED, "smtp: accepted is delivered");
	log = server_slurp(smtplog);
	like(log,
	    "^C: EHLO [^\n]*\nC: AUTH PLAIN\nC: AGZlZWR3YXRjaABzM2NyZXQ=\n"
	    "C: MAIL FROM:<feedwatch@example\\.org>[^\n]*\n"
	    "C: RCPT TO:<ops@example\\.org>\n"
	    "C: RCPT TO:<oncall@example\\.org>\nC: DATA\nDATA-BEGIN\n",
	    "smtp: EHLO, AUTH, MAIL FROM, RCPT TO per recipient, DATA");
	like(log, "DATA-END\nC: QUIT\n$", "smtp: then QUIT");
	last_message(log, &headers, &body);
	like(headers,
	    "(^|\n)Date: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} "
	    "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \\+0000\n",
	    "smtp: a Date header (RFC 5322)");
	like(headers, "\nFrom: feedwatch@example\\.org\n", "smtp: From");
	like(headers, "\nTo: ops@example\\.org, *oncall@example\\.org\n",
	    "smtp: To names both");
	like(headers, "\nMessage-ID: <id-smtp-1@example\\.org>\n",
	    "smtp: Message-ID from the alert id");
	like(headers, "\nMIME-Version: 1\\.0\n", "smtp: MIME-Version");
	like(headers, "\nContent-Type: text/plain; charset=UTF-8\n",
	    "smtp: Content-Type UTF-8 text");
	like(headers, "\nContent-Transfer-Encoding: quoted-printable\n",
	    "smtp: quoted-printable for a non-ASCII body");
	like(headers, "\nSubject: =\\?UTF-8\\?Q\\?[^\n]*\\?=\n",
	    "smtp: Subject as RFC 2047 encoded-words");
	{
		const char *sp = strstr(headers, "\nSubject: ");
		char *line = sp != NULL
		    ? strndup(sp + 10, strcspn(sp + 10, "\n"))
		    : strdup("");

		subject = decode_words(line);
		free(line);
	}
	xasprintf(&want, "[feedwatch] nk-russia: %s", nasty_title);
	is_str(subject, want,
	    "smtp: the subject decodes to "
	    "[feedwatch] WATCHLIST: TITLE");
	free(want);
	text = decode_qp(body);
	like(text,
	    "^Choe Son Hui \\$\\(touch /tmp/pwned\\).*Москва\n"
	    "https://news\\.example/a\\?x=1&y=2\n\n"
	    "Watchlist: nk-russia\nScore: 9 \\(threshold 6\\)\n"
	    "actors: Choe Son Hui; topics: troops\n"
	    "  > Foreign Minister Choe Son Hui left for Russia\n"
	    "Alert: id-smtp-1\n$",
	    "smtp: the body has title, link, score, matches, snippet");
	free(text);
	free(subject);
	free(headers);
	free(body);
	free(log);
	free(doc);

	doc = make_doc("id-smtp-2", "Plain ASCII title");
	r = deliver(&cs, "id-smtp-2", doc);
	is_int(r.o.result, SINK_DELIVERED, "smtp: an ASCII alert delivered");
	log = server_slurp(smtplog);
	last_message(log, &headers, &body);
	like(headers,
	    "\nSubject: \\[feedwatch\\] nk-russia: Plain ASCII "
	    "title\n",
	    "smtp: an ASCII subject as it is");
	like(headers, "\nContent-Transfer-Encoding: 7bit\n",
	    "smtp: 7bit for a short-lined ASCII body");
	free(headers);
	free(body);
	free(log);

	cs.to = to_bounce;
	cs.nto = 1;
	r = deliver(&cs, "id-smtp-2", doc);
	is_int(r.o.result, SINK_FAILED, "smtp: 550 for the recipient fails");
	like(r.error, "^SMTP 550", "smtp: and says so");
	cs.to = to_later;
	r = deliver(&cs, "id-smtp-2", doc);
	is_int(r.o.result, SINK_RETRY, "smtp: 451 is retried");
	snprintf(url, sizeof(url), "smtp://127.0.0.1:1");
	cs.to = to;
	cs.nto = 2;
	r = deliver(&cs, "id-smtp-2", doc);
	is_int(r.o.result, SINK_RETRY, "smtp: no server is retried");
	server_stop(pid);
	free(doc);
}

/* A digest of two alerts, as the outbox seals it. */
static char *
make_digest(void)
{
	char *a = make_doc("id-d1", "First <title>"),
	     *b = make_doc("id-d2", "Second title"), *s;
	json_t *o = json_pack("{s:{s:s, s:s, s:i, s:s}, s:[o, o]}", "digest",
	    "id", "digest-9", "sink", "t", "count", 2, "created_at",
	    "2024-10-29T02:00:00Z", "alerts", json_loads(a, 0, NULL),
	    json_loads(b, 0, NULL));

	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(a);
	free(b);
	return s;
}

/* What each sink makes of a digest. */
static void
test_digest_forms(void)
{
	char script[512], edir[256], smtplog[300], url[64], apath[300], *got;
	char *argv_ok[] = {"/bin/sh", script, edir, "0", NULL};
	char *to[] = {"ops@example.org"};
	const char *args[] = {"-l", smtplog, NULL};
	struct conf_sink cs = {
	    .name = "t", .timeout_ms = 10000, .where = {"t.conf", 1}};
	char *doc = make_digest();
	struct result r;
	json_t *req, *body;
	pid_t pid;

	snprintf(
	    script, sizeof(script), "%s/tests/exec-record.sh", tap_srcdir());
	snprintf(edir, sizeof(edir), "%s/exec", dir);
	cs.type = SINK_EXEC;
	cs.argv = argv_ok;
	r = deliver(&cs, "digest-9", doc);
	is_int(r.o.result, SINK_DELIVERED, "digest via exec: delivered");
	got = read_in(edir, "DIGEST");
	is_str(got, "2", "digest via exec: FEEDWATCH_DIGEST is the count");
	free(got);
	got = read_in(edir, "ID");
	is_str(got, "digest-9", "digest via exec: FEEDWATCH_ID is its id");
	free(got);

	cs.type = SINK_WEBHOOK;
	cs.url = hook_url("/ok");
	cs.format = "slack";
	r = deliver(&cs, "digest-9", doc);
	is_int(r.o.result, SINK_DELIVERED, "digest via slack: delivered");
	req = last_request();
	body = json_loads(req_body(req), 0, NULL);
	is_str(json_string_value(json_object_get(body, "text")),
	    "feedwatch digest: 2 alerts\n*nk-russia* score 9/6: "
	    "<https://news.example/a?x=1&amp;y=2|First &lt;title&gt;>\n"
	    "*nk-russia* score 9/6: <https://news.example/a?x=1&amp;y=2|"
	    "Second title>\n",
	    "digest via slack: one line per alert");
	is_str(req_header(req, "Idempotency-Key"), "digest-9",
	    "digest via webhook: Idempotency-Key is the digest id");
	json_decref(body);
	json_decref(req);

	snprintf(smtplog, sizeof(smtplog), "%s/smtp-digest.log", dir);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d",
	    server_spawn("smtpd", args, &pid));
	cs.type = SINK_SMTP;
	cs.url = url;
	cs.from = "feedwatch@example.org";
	cs.to = to;
	cs.nto = 1;
	r = deliver(&cs, "digest-9", doc);
	is_int(r.o.result, SINK_DELIVERED, "digest via smtp: delivered");
	got = server_slurp(smtplog);
	like(got, "\nSubject: \\[feedwatch\\] digest: 2 alerts\n",
	    "digest via smtp: the subject counts the alerts");
	like(got,
	    "--- 1 of 2 ---\nFirst <title>\n.*--- 2 of 2 ---\n"
	    "Second title\n",
	    "digest via smtp: every alert in the body");
	free(got);
	server_stop(pid);

	snprintf(apath, sizeof(apath), "%s/digest.jsonl", dir);
	cs.type = SINK_FILE;
	cs.path = apath;
	r = deliver(&cs, "digest-9", doc);
	is_int(r.o.result, SINK_DELIVERED, "digest via file: delivered");
	got = server_slurp(apath);
	ok(strncmp(got, doc, strlen(doc)) == 0 &&
	        strcmp(got + strlen(doc), "\n") == 0,
	    "digest via file: the digest document as one line");
	free(got);
	cs.type = SINK_LOG;
	r = deliver(&cs, "digest-9", doc);
	is_int(r.o.result, SINK_DELIVERED, "digest via log: delivered");
	free(doc);
}

int
main(void)
{
	const char *hookargs[] = {"-l", hooklog, NULL};
	pid_t hookpid;

	if (mkdtemp(dir) == NULL)
		bail_out("mkdtemp");
	snprintf(hooklog, sizeof(hooklog), "%s/hook.jsonl", dir);
	base = event_base_new();
	hookport = server_spawn("hookd", hookargs, &hookpid);
	test_webhook_formats();
	test_webhook_answers();
	test_exec();
	test_smtp();
	test_digest_forms();
	server_stop(hookpid);
	event_base_free(base);
	return done_testing();
}
