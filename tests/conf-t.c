/*
 * Tests of the config loader (conf/conf*.c): every key of a complete
 * config (tests/conf/good.conf and its includes) and every default, the
 * require syntax tree, includes, relative paths and secrets, the warnings,
 * the bounds, and each broken config of tests/conf/bad/ with the exact
 * message its first line ("# expect: ...") promises.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "tests/tap.h"

static char confdir[PATH_MAX]; /* tests/conf, absolute */
static char tmpdir[PATH_MAX];

/* Write text to dir/name; returns the path (static buffer). */
static const char *
write_file(const char *name, const char *text)
{
	static char path[PATH_MAX + 256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	if ((fp = fopen(path, "w")) == NULL)
		bail_out("cannot write %s: %s", path, strerror(errno));
	fputs(text, fp);
	fclose(fp);
	return path;
}

/* Load text as a config; the message (or NULL) goes to *err. */
static struct conf *
load_text(const char *text, char **err)
{
	*err = NULL;
	return conf_load(write_file("t.conf", text), err);
}

/* The error loading text, with the temp dir cut off the file name. */
static char *
load_error(const char *text)
{
	char *err = NULL, *out;
	struct conf *c = load_text(text, &err);
	size_t n = strlen(tmpdir);

	if (c != NULL) {
		conf_free(c);
		return xstrdup("(loaded)");
	}
	if (strncmp(err, tmpdir, n) == 0 && err[n] == '/') {
		out = xstrdup(err + n + 1);
		free(err);
		return out;
	}
	return err;
}

static const struct conf_entity *
entity(const struct conf *c, const char *name)
{
	const struct conf_entity *e = conf_find_entity(c, name);

	if (e == NULL)
		bail_out("no entity %s", name);
	return e;
}

static void
test_good_daemon_feeds(const struct conf *c)
{
	const struct conf_feed *f;
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s/state", confdir);
	is_str(
	    c->daemon.state_dir, want, "state-dir resolves against the file");
	is_int(c->daemon.interval_ms, 600000, "interval = 10m");
	is_int(c->daemon.max_concurrent, 32, "max-concurrent");
	is_int(c->daemon.per_host, 2, "per-host");
	is_int(c->daemon.timeout_ms, 15000, "timeout = 15s");
	is_int(c->daemon.max_size, 4 * 1024 * 1024, "max-size = 4MiB");
	is_str(c->daemon.user_agent,
	    "feedwatch-test/1.0 (+https://example.org/#about)",
	    "a quoted value keeps ' #' inside the quotes");
	is_str(c->daemon.http, "127.0.0.1:8740", "http");
	is_int(c->daemon.where.line, 4, "[daemon] is where it was written");

	is_int(c->nfeeds, 3, "three feeds");
	f = conf_find_feed(c, "kcna-watch");
	ok(f != NULL && f == &c->feeds[0], "find a feed by name");
	is_str(f->url, "https://example.org/kcna.rss#top",
	    "a '#' not after a blank is part of the value");
	is_int(f->interval_ms, 3600000, "feed interval");
	is_int(f->ntags, 3, "tags: a comma list, then repeated");
	is_str(f->tags[0], "korea", "tag 1");
	is_str(f->tags[1], "defence", "tag 2");
	is_str(f->tags[2], "asia", "tag 3 from the second line");
	is_int(f->backfill, 5, "backfill");
	is_int(f->where.line, 15, "feed line");
	f = conf_find_feed(c, "local");
	snprintf(want, sizeof(want), "file://%s/feeds/local.xml", confdir);
	is_str(f->url, want, "file:relative becomes an absolute file:// URL");
	is_int(f->interval_ms, 600000, "a feed inherits the daemon interval");
	is_int(f->backfill, 0, "backfill defaults to 0");
	ok(conf_find_feed(c, "nope") == NULL, "unknown feed is NULL");
}

static void
test_good_entities(const struct conf *c)
{
	const struct conf_entity *e;

	is_int(c->nentities, 6, "six actors and topics in all");
	e = entity(c, "choe-son-hui");
	is_int(e->kind, CONF_ACTOR, "actor kind");
	is_str(e->label, "Choe Son Hui", "label is the name");
	is_int(e->nterms, 4, "name + three aliases");
	is_str(e->terms[0].text, "Choe Son Hui", "the name comes first");
	is_int(e->terms[0].where.line, 30, "... even when written later");
	is_str(e->terms[1].text, "Choe Son-hui", "alias before the name");
	is_str(e->terms[2].text, "North Korean foreign minister", "alias 2");
	is_str(e->terms[3].text, "Ch'oe Son-hui", "quoted alias");
	ok(e->terms[3].exact && !e->terms[2].exact, "quoted = exact");
	is_int(e->weight, 3, "weight");
	e = entity(c, "kcna");
	is_str(e->label, "KCNA", "quoted name: label without quotes");
	ok(e->terms[0].exact, "quoted name is an exact term");
	is_int(e->weight, 1, "weight defaults to 1");
	e = entity(c, "troops");
	is_int(e->kind, CONF_TOPIC, "topic kind");
	is_str(e->label, "troops", "a topic's label is its name");
	is_int(e->nterms, 4, "terms from three lines");
	is_str(e->terms[2].text, "deploy", "prefix term without its '*'");
	ok(e->terms[2].prefix && !e->terms[2].exact, "deploy* is a prefix");
	ok(!e->terms[1].prefix, "soldiers is not");
	is_str(e->terms[3].text, "UN", "\"UN\"* text");
	ok(e->terms[3].exact && e->terms[3].prefix, "\"UN\"* exact prefix");
	is_int(e->weight, 2, "topic weight");
	e = entity(c, "putin");
	is_str(e->where.file, "good.d/10-putin.conf",
	    "an included section names its file relative to the includer");
	is_int(e->where.line, 2, "... and its line");
	is_int(entity(c, "satellite")->terms[1].prefix, 1, "Malligyong*");
}

static void
test_good_watchlists(const struct conf *c)
{
	const struct conf_watchlist *wl = &c->watchlists[0];
	char *s;

	is_int(c->nwatchlists, 2, "two watchlists");
	is_str(wl->name, "nk-russia", "config order");
	is_int(wl->nactors, 3, "actors from two lines");
	ok(wl->actors[0] == conf_find_entity(c, "choe-son-hui") &&
	        wl->actors[2] == conf_find_entity(c, "putin"),
	    "actors resolve to the conf's entities, in order");
	is_int(wl->ntopics, 2, "topics");
	ok(wl->topics[1] == conf_find_entity(c, "satellite"),
	    "a topic from an include");
	is_int(wl->nexclude, 1, "exclude");
	is_str(wl->exclude[0]->name, "sport", "exclude resolves");
	is_int(wl->threshold, 6, "threshold");
	is_int(wl->title_weight, 3, "title-weight");
	is_int(wl->saturation, 4, "saturation");
	is_int(wl->nfeeds, 2, "feeds");
	ok(wl->feeds[0].is_tag && strcmp(wl->feeds[0].name, "korea") == 0,
	    "tag:korea");
	ok(!wl->feeds[1].is_tag && strcmp(wl->feeds[1].name, "local") == 0,
	    "feed by name");
	ok(conf_watchlist_wants_feed(wl, conf_find_feed(c, "kcna-watch")),
	    "the tag admits kcna-watch");
	ok(conf_watchlist_wants_feed(wl, conf_find_feed(c, "local")),
	    "the name admits local");
	ok(!conf_watchlist_wants_feed(wl, conf_find_feed(c, "plain")),
	    "plain is not admitted");
	is_int(wl->nsinks, 3, "sinks");
	ok(wl->sinks[1] == conf_find_sink(c, "ops"), "sinks resolve");
	is_str(wl->require_text,
	    "(choe-son-hui or actor) and not near(kcna, troops, 5)",
	    "require as written");
	s = conf_expr_to_string(wl->require);
	is_str(s, "((choe-son-hui or actor) and not near(kcna, troops, 5))",
	    "require tree");
	free(s);
	ok(wl->require->op == EXPR_AND && wl->require->a->op == EXPR_OR &&
	        wl->require->a->a->op == EXPR_ENTITY &&
	        wl->require->a->a->entity == wl->actors[0] &&
	        wl->require->a->b->op == EXPR_ANY_ACTOR &&
	        wl->require->b->op == EXPR_NOT &&
	        wl->require->b->a->op == EXPR_NEAR &&
	        wl->require->b->a->n == 5 &&
	        wl->require->b->a->b->entity == wl->topics[0],
	    "require nodes point at the watchlist's entities");

	wl = &c->watchlists[1];
	is_str(wl->require_text, "actor or topic", "default require text");
	ok(wl->require->op == EXPR_OR && wl->require->a->op == EXPR_ANY_ACTOR &&
	        wl->require->b->op == EXPR_ANY_TOPIC,
	    "default require tree");
	is_int(wl->threshold, 1, "threshold defaults to 1");
	is_int(wl->title_weight, 2, "title-weight defaults to 2");
	is_int(wl->saturation, 3, "saturation defaults to 3");
	ok(wl->nfeeds == 0 && wl->nsinks == 0 && wl->nactors == 0,
	    "empty lists");
	ok(conf_watchlist_wants_feed(wl, conf_find_feed(c, "plain")),
	    "no feeds = admits every feed");
}

static void
test_good_sinks(const struct conf *c)
{
	const struct conf_sink *s;
	char want[PATH_MAX + 64];

	is_int(c->nsinks, 6, "six sinks");
	s = conf_find_sink(c, "journal");
	is_int(s->type, SINK_LOG, "log sink");
	is_str(conf_sink_type_name(s->type), "log", "type name");
	is_int(s->min_score, 2, "min-score");
	is_int(s->rate_count, 20, "rate-limit count");
	is_int(s->rate_period_ms, 3600000, "rate-limit 20/h");
	is_int(s->digest_ms, 3600000, "digest");
	is_int(s->give_up_after_ms, 2 * 86400000, "give-up-after");
	s = conf_find_sink(c, "ops");
	is_int(s->type, SINK_WEBHOOK, "webhook");
	is_str(s->url, "https://hooks.example.org/T0/B0/x", "url");
	is_str(s->format, "slack", "format");
	is_int(s->nheaders, 2, "two headers");
	is_str(s->headers[0], "Authorization: Bearer s3cr3t-token",
	    "@file in a header is replaced by the secret");
	is_str(s->headers[1], "X-Plain: a, b; c",
	    "a header is not split at commas");
	is_int(s->timeout_ms, 5000, "timeout");
	is_int(s->give_up_after_ms, 86400000, "give-up-after defaults to 24h");
	is_int(s->rate_count, 0, "no rate limit by default");
	s = conf_find_sink(c, "archive");
	snprintf(want, sizeof(want), "%s/out/alerts.jsonl", confdir);
	is_str(s->path, want, "file sink path resolves against the file");
	is_int(s->timeout_ms, 30000, "timeout defaults to 30s");
	s = conf_find_sink(c, "relative");
	snprintf(want, sizeof(want), "%s/good.d/alerts.jsonl", confdir);
	is_str(s->path, want, "... against the included file's directory");
	s = conf_find_sink(c, "run");
	is_int(s->type, SINK_EXEC, "exec");
	is_int(s->argc, 5, "command split into five words");
	snprintf(want, sizeof(want), "%s/hooks/alert.sh", confdir);
	is_str(s->argv[0], want, "a relative program resolves");
	is_str(s->argv[1], "--to", "word");
	is_str(s->argv[2], "ops team", "quotes group words");
	is_str(s->argv[3], "say \"hi\"", "backslash escapes inside quotes");
	is_str(s->argv[4], "plain\\word", "backslash is literal outside");
	ok(s->argv[5] == NULL, "argv is NULL-terminated");
	s = conf_find_sink(c, "mail");
	is_int(s->type, SINK_SMTP, "smtp");
	is_str(s->url, "smtps://mail.example.org:465", "smtps url");
	is_str(s->from, "feedwatch@example.org", "from");
	is_int(s->nto, 3, "to: list and repeat");
	is_str(s->to[2], "c@example.org", "to 3");
	is_str(s->username, "feedwatch", "username");
	is_str(s->password, "hunter2", "password = @file reads the file");
	is_int(s->rate_period_ms, 30 * 60000, "rate-limit 5/30m");
	ok(conf_find_sink(c, "journal") != NULL &&
	        conf_find_sink(c, "zzz") == NULL,
	    "find sinks");
}

static void
test_good_warnings(const struct conf *c)
{
	static const char *const want[] = {
	    "good.d/10-putin.conf:4: alias 'Putin' of actor 'putin' is a bare "
	    "surname and matches anyone called Putin; prefer 'Vladimir Putin' "
	    "or a near() rule",
	    "good.d/10-putin.conf:4: term 'the' of actor 'putin' is a very "
	    "common English word and will match most texts (quote it to match "
	    "with case only)",
	    "good.d/20-sink.conf:1: sink 'relative' is in no watchlist's "
	    "'sinks ='",
	    "good.conf:74: sink 'archive' is in no watchlist's 'sinks ='",
	    "good.conf:78: sink 'run' is in no watchlist's 'sinks ='",
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	is_int(c->nwarnings, n, "warnings");
	for (size_t i = 0; i < n && i < c->nwarnings; i++)
		is_str(c->warnings[i], want[i], "warning %zu", i + 1);
	is_int(c->nfiles, 3, "three files read");
	is_str(c->files[1], "good.d/10-putin.conf", "includes in glob order");
}

static void
test_good(void)
{
	char *err = NULL;
	struct conf *c = conf_load("good.conf", &err);

	ok(c != NULL, "good.conf loads");
	if (c == NULL) {
		diag("%s", err);
		free(err);
		return;
	}
	is_str(c->path, "good.conf", "path as given");
	test_good_daemon_feeds(c);
	test_good_entities(c);
	test_good_watchlists(c);
	test_good_sinks(c);
	test_good_warnings(c);
	conf_free(c);
}

static void
test_defaults(void)
{
	char *err;
	struct conf *c = load_text("[topic t]\nterm = x\n[watchlist w]\n"
	                           "topics = t\n[sink h]\ntype = webhook\n"
	                           "url = http://127.0.0.1:1/\n",
	    &err);

	ok(c != NULL, "a minimal config loads");
	if (c == NULL) {
		diag("%s", err);
		free(err);
		return;
	}
	is_str(c->daemon.state_dir, LOCALSTATEDIR "/lib/feedwatch",
	    "state-dir default");
	is_int(c->daemon.interval_ms, 300000, "interval default 5m");
	is_int(c->daemon.max_concurrent, 64, "max-concurrent default");
	is_int(c->daemon.per_host, 4, "per-host default");
	is_int(c->daemon.timeout_ms, 30000, "timeout default");
	is_int(c->daemon.max_size, 8 * 1024 * 1024, "max-size default");
	is_str(c->daemon.user_agent, "feedwatch/" PACKAGE_VERSION,
	    "user-agent default");
	ok(c->daemon.http == NULL, "http off by default");
	is_int(c->daemon.where.line, 0, "no [daemon]: line 0");
	is_str(c->sinks[0].format, "json", "webhook format defaults to json");
	is_int(c->sinks[0].min_score, 0, "min-score default");
	is_int(c->sinks[0].digest_ms, 0, "no digest by default");
	is_str(
	    c->watchlists[0].require_text, "actor or topic", "require default");
	is_int(c->nwarnings, 1, "one warning: the sink is unused");
	conf_free(c);
}

/* Each kind of warning, with its file:line. */
static void
test_warnings(void)
{
	static const char *const want[] = {
	    "t.conf:5: term 'will' of topic 't' is a very common English word "
	    "and will match most texts (quote it to match with case only)",
	    "t.conf:6: topic 'unused' is in no watchlist",
	    "t.conf:1: feed 'f' is polled but no watchlist reads it",
	    "t.conf:8: watchlist 'w' can score at most 3, below its threshold "
	    "10: it never alerts",
	    "t.conf:8: watchlist 'w' has no actors, so 'actor' in its require "
	    "never holds",
	};
	size_t n = sizeof(want) / sizeof(want[0]);
	char *err;
	struct conf *c =
	    load_text("[feed f]\nurl = http://h/\ntags = x\n"
	              "[topic t]\nterm = \"Will\", will, willing\n"
	              "[topic unused]\nterm = x\n"
	              "[watchlist w]\ntopics = t\nthreshold = 10\n"
	              "require = actor or t\nfeeds = f2\n[feed f2]\n"
	              "url = http://h/2\n",
	        &err);

	ok(c != NULL, "a config with every warning loads");
	if (c == NULL) {
		diag("%s", err);
		free(err);
		return;
	}
	is_int(c->nwarnings, n, "five warnings");
	for (size_t i = 0; i < n && i < c->nwarnings; i++) {
		const char *w = c->warnings[i];
		const char *slash = strrchr(w, '/');
		is_str(slash != NULL ? slash + 1 : w, want[i], "warning %zu",
		    i + 1);
	}
	conf_free(c);
}

/* Error messages for configs written inline (temp dir cut off). */
static void
test_inline_errors(void)
{
	static const struct {
		const char *text, *want, *what;
	} cases[] = {
	    {"[feed a]\nurl = https:///x\n",
	        "t.conf:2: expected a host name after 'https://' in "
	        "'https:///x'",
	        "a URL without a host"},
	    {"[feed a]\nurl = https://example.org/a b\n",
	        "t.conf:2: expected an http, https or file URL without spaces "
	        "or control characters",
	        "a URL with a space"},
	    {"[daemon]\ninterval = 0\n",
	        "t.conf:2: expected a duration of at least 1s, found '0'",
	        "interval 0"},
	    {"[daemon]\nuser-agent =\n",
	        "t.conf:2: expected a value after 'user-agent ='",
	        "empty value"},
	    {"[daemon]\nstate-dir = \"a\"b\n",
	        "t.conf:2: column 16: expected the end of the line after the "
	        "closing '\"'",
	        "text after a closing quote"},
	    {"[topic t]\nterm = dep*loy\n",
	        "t.conf:2: column 8: expected '*' only at the end of a term, "
	        "found 'dep*loy'",
	        "a star inside a term"},
	    {"[topic t]\nterm = x\n[watchlist w]\ntopics = t\nrequire = t "
	     "t\n",
	        "t.conf:5: require, column 13: expected 'and', 'or' or the end "
	        "of the expression, found 't'",
	        "two names without an operator"},
	    {"[topic t]\nterm = x\n[watchlist w]\ntopics = t\nrequire = "
	     "near(t and t, t, 3)\n",
	        "t.conf:5: require, column 18: expected ',', found 'and'",
	        "near takes names only"},
	    {"[topic t]\nterm = x\n[watchlist w]\ntopics = t\nrequire = t & "
	     "t\n",
	        "t.conf:5: require, column 13: expected 'and', 'or' or the end "
	        "of the expression, found '&'",
	        "a stray character"},
	    {"[topic t]\nterm = x\n[watchlist w]\nexclude = t\n",
	        "t.conf:3: [watchlist w] needs 'actors =' or 'topics ='",
	        "exclude alone does not score"},
	    {"[sink s]\ntype = exec\ncommand = \"\"\n",
	        "t.conf:3: expected a command to run", "empty program"},
	    {"[sink s]\ntype = file\npath = a\ntimeout = 5s\n",
	        "t.conf:4: 'timeout' does not apply to a file sink; expected "
	        "path",
	        "timeout on a file sink"},
	    {"[sink s]\ntype = smtp\nurl = smtp://h\nfrom = me\nto = a@b\n",
	        "t.conf:4: expected a mail address such as "
	        "feedwatch@example.org, found 'me'",
	        "a bad from"},
	    {"[sink s]\ntype = log\nrate-limit = 0/h\n",
	        "t.conf:3: expected a rate such as 20/h or 100/1d (a count "
	        "from 1 and a period of at least 1s)",
	        "a zero rate"},
	    {"[sink s]\ntype = webhook\nurl = http://h/\nheader = NoColon\n",
	        "t.conf:4: expected a header such as 'Authorization: Bearer "
	        "@/etc/feedwatch/token', found 'NoColon'",
	        "a header without a colon"},
	    {"[feed a b]\nurl = http://h/\n",
	        "t.conf:1: expected [feed NAME] with a name of letters, "
	        "digits, '-', '_' or '.' (at most 128)",
	        "a name with a space"},
	    {"[feed a\nurl = http://h/\n",
	        "t.conf:1: expected '[SECTION NAME]' on its own line",
	        "an unclosed section"},
	    {"[feed a]\nURL = http://h/\n",
	        "t.conf:2: expected 'key = value', found a key 'URL'",
	        "keys are lower case"},
	    {"[daemon]\ninterval = 5m\x01\n",
	        "t.conf:2: expected a duration such as 30s, 5m, 1h or 2d, "
	        "found '5m\x01'",
	        "a control character"},
	    {"[daemon]\n\xff\n", "t.conf:2: expected UTF-8 text",
	        "invalid UTF-8"},
	    {"[daemon]\ninclude = /nonexistent/x.conf\n",
	        "t.conf:2: cannot include '/nonexistent/x.conf': No such file "
	        "or directory",
	        "an absolute include that is missing"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = load_error(cases[i].text);
		is_str(got, cases[i].want, "error: %s", cases[i].what);
		free(got);
	}
}

/* Every tests/conf/bad/bad-*.conf fails with its "# expect:" line. */
static void
test_bad_dir(void)
{
	char cwd[PATH_MAX], line[1024], *err, *at;
	glob_t g;
	size_t n = 0;

	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir("bad") < 0)
		bail_out("cannot enter tests/conf/bad");
	if (glob("bad-*.conf", 0, NULL, &g) != 0)
		bail_out("no bad configs");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		FILE *fp = fopen(f, "r");
		struct conf *c;
		char want[PATH_MAX + 2048];
		if (fp == NULL || fgets(line, sizeof(line), fp) == NULL ||
		    strncmp(line, "# expect: ", 10) != 0) {
			fail("%s: first line is '# expect: MESSAGE'", f);
			if (fp != NULL)
				fclose(fp);
			continue;
		}
		fclose(fp);
		line[strcspn(line, "\n")] = '\0';
		/* @DIR@ stands for this directory (absolute paths). */
		if ((at = strstr(line, "@DIR@")) != NULL)
			snprintf(want, sizeof(want), "%.*s%s/bad%s",
			    (int)(at - line - 10), line + 10, cwd, at + 5);
		else
			snprintf(want, sizeof(want), "%s", line + 10);
		err = NULL;
		c = conf_load(f, &err);
		ok(c == NULL, "%s does not load", f);
		is_str(err, want, "%s: the expected message", f);
		conf_free(c);
		free(err);
		n++;
	}
	globfree(&g);
	ok(n >= 25, "at least 25 broken configs (%zu)", n);
	if (chdir(cwd) < 0)
		bail_out("chdir back");
}

/* Include depth, cycles, globs that match nothing, disabled files. */
static void
test_includes(void)
{
	char name[64], text[PATH_MAX + 64], *err;
	struct conf *c;

	for (int i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "d%d.conf", i);
		snprintf(text, sizeof(text), "include = d%d.conf\n", i + 1);
		write_file(name, text);
	}
	write_file("d12.conf", "[daemon]\n");
	snprintf(text, sizeof(text), "%s/d0.conf", tmpdir);
	c = conf_load(text, &err);
	ok(c == NULL, "includes nested 12 deep are refused");
	like(err, "d8.conf:1: expected includes nested at most 8 deep$",
	    "... naming the include that went too deep");
	free(err);
	snprintf(text, sizeof(text), "%s/d4.conf", tmpdir);
	c = conf_load(text, &err);
	ok(c != NULL, "eight levels load");
	is_int(c != NULL ? c->nfiles : 0, 9, "nine files");
	conf_free(c);

	c = load_text(
	    "include = nothing.d/*.conf\n[topic t]\nterm = x\n", &err);
	ok(c != NULL, "a glob that matches nothing is fine");
	conf_free(c);

	write_file("inc-a.conf", "[topic a]\nterm = a\n");
	write_file("inc-b.conf", "[topic b]\nterm = b\n");
	c = load_text(
	    "[watchlist w]\ninclude = inc-*.conf\ntopics = a, b\n", &err);
	ok(c != NULL, "an include inside a section; the section goes on");
	if (c != NULL) {
		is_int(c->watchlists[0].ntopics, 2, "both topics listed");
		is_str(c->entities[1].name, "b", "glob order");
	} else
		diag("%s", err);
	conf_free(c);

	/* A UTF-8 byte order mark some editors write is skipped. */
	c = load_text("\xef\xbb\xbf[topic t]\nterm = x\n", &err);
	ok(c != NULL && c->nentities == 1, "a main file starting with a BOM");
	if (c == NULL)
		diag("%s", err);
	conf_free(c);
	free(err);
	write_file("inc-bom.conf",
	    "\xef\xbb\xbf# from an editor\n"
	    "[topic b]\nterm = b\n");
	c = load_text("include = inc-bom.conf\n", &err);
	ok(c != NULL && c->nentities == 1, "an include starting with a BOM");
	if (c == NULL)
		diag("%s", err);
	conf_free(c);
	free(err);
	c = load_text("\xef\xbb\xbf[topic t]\nterm = \"\n", &err);
	ok(c == NULL && err != NULL && strstr(err, "t.conf:2: ") != NULL,
	    "after a BOM the lines count as before");
	free(err);
	c = load_text("[topic t]\n\xef\xbb\xbfterm = x\n", &err);
	ok(c == NULL, "a BOM is skipped only at the start of a file");
	free(err);

	err = NULL;
	c = conf_load_flags(write_file("t.conf", "include = inc-a.conf\n"),
	    CONF_LOAD_NO_FILES, &err);
	ok(c == NULL && err != NULL &&
	        strstr(err, "t.conf:1: include is disabled here") != NULL,
	    "CONF_LOAD_NO_FILES refuses include");
	free(err);
	err = NULL;
	c = conf_load_flags(write_file("t.conf",
	                        "[sink s]\ntype = smtp\nurl = smtp://h\n"
	                        "from = a@b\nto = a@b\nusername = u\n"
	                        "password = @/etc/passwd\n"),
	    CONF_LOAD_NO_FILES, &err);
	ok(c == NULL && err != NULL &&
	        strstr(err, "t.conf:7: @file secrets are disabled here") !=
	            NULL,
	    "CONF_LOAD_NO_FILES refuses @file");
	free(err);

	c = conf_load("/nonexistent/feedwatch.conf", &err);
	is_str(err,
	    "/nonexistent/feedwatch.conf: cannot read: No such file "
	    "or directory",
	    "a missing main file");
	free(err);
	snprintf(text, sizeof(text), "%s/huge.conf", tmpdir);
	if (truncate(write_file("huge.conf", "#"), 65 * 1024 * 1024) < 0)
		bail_out("truncate: %s", strerror(errno));
	c = conf_load(text, &err);
	ok(c == NULL && err != NULL &&
	        strstr(err, "huge.conf: expected at most 64MiB of config") !=
	            NULL,
	    "a file over 64MiB is refused before it is read");
	free(err);
	c = conf_load("/", &err);
	is_str(err, "/: expected a regular file", "a directory");
	free(err);
}

/* Secrets: trailing newline stripped, multi-line refused. */
static void
test_secrets(void)
{
	char *err;
	struct conf *c;
	const char *base = "[sink s]\ntype = webhook\nurl = @url.txt\n"
	                   "header = X-Token: @tok.txt\n";

	write_file("url.txt", "https://hooks.example.org/secret\r\n");
	write_file("tok.txt", "abc\n");
	c = load_text(base, &err);
	ok(c != NULL, "a webhook url from a secret file");
	if (c != NULL) {
		is_str(c->sinks[0].url, "https://hooks.example.org/secret",
		    "CRLF stripped");
		is_str(c->sinks[0].headers[0], "X-Token: abc", "header secret");
	}
	conf_free(c);
	write_file("tok.txt", "abc\ndef\n");
	c = load_text(base, &err);
	ok(c == NULL && strstr(err, "to hold one line of text") != NULL,
	    "a secret of two lines is refused");
	free(err);
	write_file("tok.txt", "");
	c = load_text(base, &err);
	ok(c == NULL && strstr(err, "t.conf:4: secret file '") != NULL &&
	        strstr(err, "tok.txt' is empty") != NULL,
	    "an empty secret is refused");
	free(err);
	write_file("url.txt", "ftp://x/\n");
	write_file("tok.txt", "abc\n");
	c = load_text(base, &err);
	is_str(err != NULL ? strchr(err, ':') + 1 : NULL,
	    "3: expected an http:// or https:// URL, found 'ftp://x/'",
	    "a secret url is still checked");
	free(err);
}

/* Many sections: names are indexed, not scanned for each reference. */
static void
test_many(void)
{
	FILE *fp;
	char path[PATH_MAX + 16], *err;
	struct conf *c;
	const int n = 20000;

	snprintf(path, sizeof(path), "%s/many.conf", tmpdir);
	if ((fp = fopen(path, "w")) == NULL)
		bail_out("cannot write many.conf");
	for (int i = 0; i < n; i++)
		fprintf(fp, "[topic t%d]\nterm = term%d, \"T%d\"\n", i, i, i);
	fprintf(fp, "[watchlist w]\ntopics = t0");
	for (int i = 1; i < n; i++)
		fprintf(fp, i % 1000 == 0 ? "\ntopics = t%d" : ", t%d", i);
	fprintf(fp, "\nrequire = t5 and not t19999\n");
	fclose(fp);
	c = conf_load(path, &err);
	ok(c != NULL, "20,000 topics on one watchlist load");
	if (c != NULL) {
		is_int(c->watchlists[0].ntopics, n, "all listed");
		ok(conf_find_entity(c, "t12345") == &c->entities[12345],
		    "found by name");
		is_int(c->nwarnings, 0, "no warnings");
	} else
		diag("%s", err);
	conf_free(c);
}

/* A feed's language = tag: read, its primary subtag lowercased; a
 * feed without one has none; anything not shaped like a tag is refused. */
static void
test_language(void)
{
	static const struct {
		const char *value, *want;
	} good[] = {
	    {"ru", "ru"},
	    {"RU", "ru"},
	    {"ko-KR", "ko-KR"},
	    {"ZH-Hans", "zh-Hans"},
	    {"\"ja\"", "ja"},
	    {"sr-Latn-RS", "sr-Latn-RS"},
	    {"yue", "yue"},
	};
	static const char *const bad[] = {
	    "r", "russ", "ru-", "ru_RU", "ru-abcdefghi", "ru ko", "-ru", "1a"};
	char text[256], want[256], *err, *got;
	struct conf *c;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
		    "[feed a]\nurl = https://example.org/a\nlanguage = %s\n",
		    good[i].value);
		c = load_text(text, &err);
		ok(c != NULL, "language = %s loads", good[i].value);
		if (c == NULL) {
			diag("%s", err);
			free(err);
			continue;
		}
		is_str(c->feeds[0].language, good[i].want,
		    "language = %s is read as %s", good[i].value, good[i].want);
		conf_free(c);
	}
	c = load_text("[feed a]\nurl = https://example.org/a\n", &err);
	ok(c != NULL && c->feeds[0].language == NULL,
	    "a feed without language = has none");
	conf_free(c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
		    "[feed a]\nurl = https://example.org/a\nlanguage = %s\n",
		    bad[i]);
		snprintf(want, sizeof(want),
		    "t.conf:3: expected a language tag such as ru, ko-KR or "
		    "zh-Hans, found '%s'",
		    bad[i]);
		got = load_error(text);
		is_str(got, want, "language = %s is refused", bad[i]);
		free(got);
	}
	is_str((got = load_error("[feed a]\nurl = https://example.org/a\n"
	                         "language = ru\nlanguage = ko\n")),
	    "t.conf:4: 'language' is already set at line 3; expected it once",
	    "language is set once");
	free(got);
	is_str((got = load_error("[daemon]\nlanguage = ru\n")),
	    "t.conf:2: unknown key 'language' in [daemon]; expected include, "
	    "state-dir, interval, max-concurrent, per-host, timeout, "
	    "max-size, user-agent, http, retention, ca-file or ca-path",
	    "language is a [feed] key only");
	free(got);
}

/* Is key documented as ".It Cm key" in feedwatch.conf(5)? */
static int
man_has_key(const char *man, const char *key)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "\n.It Cm %s ", key);
	return strstr(man, pat) != NULL;
}

/* The man page documents exactly the keys of the loader's table. */
static void
test_man_page(void)
{
	char path[PATH_MAX + 32], *man, *p;
	const char *k;
	FILE *fp;
	long len;
	size_t i;

	snprintf(path, sizeof(path), "%s/doc/feedwatch.conf.5", tap_srcdir());
	if ((fp = fopen(path, "r")) == NULL)
		bail_out("cannot read %s", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	man = xcalloc(1, (size_t)len + 2);
	man[0] = '\n';
	if (fread(man + 1, 1, (size_t)len, fp) != (size_t)len)
		bail_out("short read of %s", path);
	fclose(fp);
	for (i = 0; (k = conf_key_at(i, NULL)) != NULL; i++)
		ok(man_has_key(man, k), "feedwatch.conf(5) documents '%s'", k);
	for (p = man; (p = strstr(p, "\n.It Cm ")) != NULL; p++) {
		char key[64];
		size_t n = strcspn(p + 8, " \n");
		int found = 0;
		snprintf(key, sizeof(key), "%.*s", (int)n, p + 8);
		for (i = 0; (k = conf_key_at(i, NULL)) != NULL; i++)
			found |= strcmp(k, key) == 0;
		ok(found, "'%s' of feedwatch.conf(5) is a key the loader takes",
		    key);
	}
	free(man);
}

static void
test_key_table(void)
{
	const char *sect, *k;
	size_t n = 0;
	int seen_include = 0, seen_give_up = 0;

	while ((k = conf_key_at(n, &sect)) != NULL) {
		if (strcmp(k, "include") == 0 && strcmp(sect, "any") == 0)
			seen_include = 1;
		if (strcmp(k, "give-up-after") == 0 &&
		    strcmp(sect, "sink") == 0)
			seen_give_up = 1;
		n++;
	}
	ok(n >= 40, "the key table lists every key (%zu)", n);
	ok(seen_include && seen_give_up, "with its section");
}

int
main(void)
{
	char *t = getenv("TMPDIR");

	snprintf(
	    tmpdir, sizeof(tmpdir), "%s/conf-t.XXXXXX", t != NULL ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		bail_out("mkdtemp: %s", strerror(errno));
	snprintf(confdir, sizeof(confdir), "%s/tests/conf", tap_srcdir());
	if (chdir(confdir) < 0 || getcwd(confdir, sizeof(confdir)) == NULL)
		bail_out("cannot enter %s", confdir);

	test_good();
	test_defaults();
	test_inline_errors();
	test_warnings();
	test_bad_dir();
	test_includes();
	test_secrets();
	test_many();
	test_language();
	test_key_table();
	test_man_page();

	{
		char cmd[PATH_MAX + 16];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			diag("could not remove %s", tmpdir);
	}
	return done_testing();
}
