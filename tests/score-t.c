/*
 * Scoring (filters/watchlist.c, filters/score.c) against configs loaded
 * the way users write them: every rule of SPEC "Scoring" — field factors
 * and title-weight, saturation, weights, threshold, overlapping terms of
 * one entity, require with and/or/not/actor/topic/near(), exclude topics,
 * the feeds restriction — and the explanations (matches JSON, snippets).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "feeds/parse.h"
#include "filters/watchlist.h"
#include "tests/tap.h"

static struct conf *conf;
static struct wl_matcher *matcher;
static struct wl_scan *scan;

/* Load a config from text (written to a temporary file), replacing the
 * current one, and build its matcher. */
static void
load(const char *text)
{
	char path[] = "/tmp/score-t.XXXXXX";
	int fd = mkstemp(path);
	char *err = NULL;

	if (fd == -1 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		bail_out("cannot write a temporary config");
	close(fd);
	wl_scan_free(scan);
	wl_matcher_free(matcher);
	conf_free(conf);
	conf = conf_load(path, &err);
	unlink(path);
	if (conf == NULL)
		bail_out("config does not load: %s", err);
	matcher = wl_matcher_new(conf, &err);
	if (matcher == NULL)
		bail_out("matcher: %s", err);
	scan = wl_scan_new(matcher);
}

/* Score title/body/categories against watchlist wl (by name). */
static const struct wl_result *
score3(const char *wl, const char *title, const char *body,
    const char *const *cats, size_t ncats)
{
	struct wl_item it = {title, body, cats, ncats, NULL};
	const struct conf_watchlist *w = NULL;

	for (size_t i = 0; i < conf->nwatchlists; i++)
		if (strcmp(conf->watchlists[i].name, wl) == 0)
			w = &conf->watchlists[i];
	if (w == NULL)
		bail_out("no watchlist %s", wl);
	wl_scan_item(scan, &it);
	return wl_scan_score(scan, w, NULL);
}

static const struct wl_result *
score(const char *wl, const char *title, const char *body)
{
	return score3(wl, title, body, NULL, 0);
}

/* The result for an entity by name, or NULL. */
static const struct wl_entity_result *
ent(const struct wl_result *r, const char *name)
{
	for (size_t i = 0; i < r->nents; i++)
		if (strcmp(r->ents[i].entity->name, name) == 0)
			return &r->ents[i];
	return NULL;
}

/* hits of an entity, -1 when it did not match. */
static int
hits(const struct wl_result *r, const char *name)
{
	const struct wl_entity_result *e = ent(r, name);

	return e ? e->hits : -1;
}

static int
contrib(const struct wl_result *r, const char *name)
{
	const struct wl_entity_result *e = ent(r, name);

	return e ? e->contribution : -1;
}

static const char base[] =
    "[actor russia]\n"
    "name = Russia\n"
    "alias = Moscow\n"
    "alias = Kremlin\n"
    "[actor putin]\n"
    "name = Vladimir Putin\n"
    "alias = Putin\n"
    "alias = Vladimir Vladimirovich Putin\n"
    "weight = 2\n"
    "[actor choe]\n"
    "name = Choe Son Hui\n"
    "weight = 3\n"
    "[actor un]\n"
    "name = \"UN\"\n"
    "alias = United Nations\n"
    "[topic troops]\n"
    "term = troops\n"
    "term = soldiers\n"
    "term = deploy*\n"
    "weight = 2\n"
    "[topic sport]\n"
    "term = football\n"
    "term = match\n"
    "[watchlist w]\n"
    "actors = russia, putin, choe, un\n"
    "topics = troops\n"
    "threshold = 6\n"
    "[watchlist sat]\n"
    "actors = russia\n"
    "topics = troops\n"
    "saturation = 2\n"
    "title-weight = 5\n"
    "threshold = 3\n"
    "[watchlist req]\n"
    "actors = russia, choe\n"
    "topics = troops\n"
    "require = actor and topic\n"
    "exclude = sport\n"
    "[watchlist near]\n"
    "actors = choe, russia\n"
    "topics = troops\n"
    "require = near(choe, russia, 3)\n"
    "[watchlist near-any]\n"
    "actors = choe, russia, putin\n"
    "topics = troops\n"
    "require = near(actor, topic, 1) and not putin\n"
    "[watchlist complex]\n"
    "actors = russia, choe, putin\n"
    "topics = troops\n"
    "require = (choe or putin) and (troops or not russia)\n";

/* Field factors, weights and the threshold. */
static void
test_fields(void)
{
	const struct wl_result *r;
	static const char *const cats[] = {"Russia", "Defence"};

	load(base);
	r = score("w", "Russia", "");
	is_int(hits(r, "russia"), 2, "a title match counts title-weight (2)");
	is_int(contrib(r, "russia"), 2, "contribution weight 1 x 2");
	ok(ent(r, "russia")->fields == WL_FIELD_BIT(WL_TITLE), "fields: title");
	r = score("w", "", "Moscow said.");
	is_int(hits(r, "russia"), 1, "a body match counts 1");
	r = score3("w", "", "", cats, 2);
	is_int(hits(r, "russia"), 1, "a category match counts 1");
	ok(ent(r, "russia")->fields == WL_FIELD_BIT(WL_CATEGORIES),
	    "fields: categories");
	r = score("w", "Choe Son Hui in Moscow", "Choe Son-hui met troops");
	is_int(hits(r, "choe"), 3, "choe: title 2 + body 1");
	is_int(contrib(r, "choe"), 9, "weight 3 x min(3, 3)");
	is_int(hits(r, "troops"), 1, "troops once in the body");
	is_int(contrib(r, "troops"), 2, "weight 2 x 1");
	is_int(r->score, 9 + 2 + 2, "score is the sum of contributions");
	is_int(r->threshold, 6, "threshold reported");
	ok(r->alert && r->require && !r->excluded, "alerts");
	r = score("w", "", "Moscow, Moscow and the Kremlin; troops.");
	is_int(r->score, 3 + 2, "3 russia hits + 1 troops hit");
	ok(!r->alert, "5 < threshold 6: no alert");
	r = score("w", "", "Moscow and the Kremlin; troops, soldiers.");
	is_int(r->score, 6, "score 6 reaches threshold 6");
	ok(r->alert, "score == threshold alerts");
	r = score("w", "Weather", "Sunny in Paris.");
	is_int(r->nents, 0, "nothing matched");
	is_int(r->score, 0, "score 0");
	ok(!r->require, "default require 'actor or topic' fails");
	ok(!r->alert, "and no alert");
}

/* min(hits, saturation), with its own saturation and title-weight. */
static void
test_saturation(void)
{
	const struct wl_result *r;

	r = score("w", "", "Moscow Moscow Moscow Moscow Moscow");
	is_int(hits(r, "russia"), 5, "hits are all counted");
	is_int(contrib(r, "russia"), 3, "contribution stops at saturation 3");
	r = score("sat", "Russia", "troops");
	is_int(hits(r, "russia"), 5, "title-weight 5");
	is_int(contrib(r, "russia"), 2, "saturation 2 caps it");
	is_int(r->score, 2 + 2 * 1, "2 + troops 2x1");
	ok(r->alert, "threshold 3 reached");
}

/* Overlapping terms of one entity count once, the longest. */
static void
test_overlaps(void)
{
	const struct wl_result *r;
	const struct wl_entity_result *e;

	r = score("w", "", "Vladimir Putin spoke.");
	is_int(hits(r, "putin"), 1, "Vladimir Putin and Putin count once");
	e = ent(r, "putin");
	ok(e && e->nexpl == 1 && e->expl[0].nwords == 2,
	    "the longest term is the one kept");
	is_str(e ? e->expl[0].term->text : NULL, "Vladimir Putin",
	    "explanation names the term");
	r = score("w", "", "Vladimir Vladimirovich Putin and later Putin.");
	is_int(hits(r, "putin"), 2, "three-word name once, then Putin once");
	e = ent(r, "putin");
	ok(e && e->nexpl == 2 && e->expl[0].nwords == 3 && e->expl[1].word == 5,
	    "matches in text order with their word offsets");
	r = score("w", "", "troops deployed; soldiers deploying");
	is_int(hits(r, "troops"), 4, "different words of a topic all count");
}

/* require and exclude. */
static void
test_require_exclude(void)
{
	const struct wl_result *r;

	r = score("req", "", "Moscow");
	ok(!r->require && !r->alert, "actor alone: require fails");
	r = score("req", "", "Moscow sends troops");
	ok(r->require && r->alert, "actor and topic: alerts");
	r = score("req", "", "Moscow sends troops to the football match");
	ok(r->require && r->excluded && !r->alert, "exclude topic stops it");
	ok(ent(r, "sport") && ent(r, "sport")->exclude &&
	        contrib(r, "sport") == 0,
	    "the exclude topic is listed, contributing nothing");
	is_int(r->score, 1 + 2, "and the score is unchanged by it");

	r = score("complex", "", "Moscow");
	ok(!r->require, "(choe or putin) fails");
	r = score("complex", "", "Putin spoke");
	ok(r->require, "putin and not russia");
	r = score("complex", "", "Putin in Moscow");
	ok(!r->require, "putin, russia, no troops: fails");
	r = score("complex", "", "Choe in Moscow with troops");
	ok(!r->require, "Choe alone is not Choe Son Hui");
	r = score("complex", "", "Choe Son Hui in Moscow with troops");
	ok(r->require, "choe and troops");
}

/* near(A, B, N): within N words, in one field. */
static void
test_near(void)
{
	const struct wl_result *r;
	static const char *const cats[] = {"Choe Son Hui", "Russia"};

	r = score("near", "", "Choe Son Hui left for Russia");
	ok(r->require, "Russia is the third word after the name: near");
	r = score("near", "", "Choe Son Hui left today by train for Russia");
	ok(!r->require, "five words between: not near");
	r = score("near", "", "Choe Son Hui a b Russia");
	ok(r->require, "three words on (two between): near");
	r = score("near", "", "Choe Son Hui a b c Russia");
	ok(!r->require, "four words on: not near");
	r = score("near", "", "Russia, said Choe Son Hui");
	ok(r->require, "order does not matter");
	r = score("near", "Choe Son Hui", "Russia");
	ok(!r->require, "title and body are different fields");
	r = score3("near", "", "", cats, 2);
	ok(!r->require, "two categories are not one field");
	r = score("near", "",
	    "Russia. Then many words came here before we read Choe Son Hui "
	    "and then Russia again");
	ok(r->require, "any pair within the window is enough");
	r = score("near-any", "", "Moscow troops");
	ok(r->require, "near(actor, topic, 1): adjacent");
	r = score("near-any", "", "Moscow sent troops");
	ok(!r->require, "one word between with window 1: not near");
	r = score("near-any", "", "Moscow troops, said Putin");
	ok(!r->require, "and not putin");
}

/* Matching rules seen through scoring: exact case, whole words. */
static void
test_matching(void)
{
	const struct wl_result *r;

	r = score("w", "", "Un accord a été signé par la Prussia");
	is_int(r->nents, 0, "French 'un' is not \"UN\"; Prussia is not Russia");
	r = score("w", "", "The UN and the United Nations");
	is_int(hits(r, "un"), 2, "\"UN\" and its unquoted alias");
	r = score("w", "", "Russia\u2019s and Moscow's troops");
	is_int(hits(r, "russia"), 2, "possessives with both apostrophes");
	r = score("w", "", "MOSCÓW redeployed");
	is_int(hits(r, "russia"), 1, "case and accents folded");
	is_int(hits(r, "troops"), -1, "redeployed is not deploy*");
}

/* The feeds restriction. */
static void
test_feeds(void)
{
	const struct wl_result *r;
	const struct conf_watchlist *w;
	struct wl_item it = {"Moscow", "", NULL, 0, NULL};

	load("[feed a]\nurl = file:///dev/null\ntags = korea\n"
	     "[feed b]\nurl = file:///dev/null\n"
	     "[feed c]\nurl = file:///dev/null\n"
	     "[actor russia]\nname = Moscow\n"
	     "[watchlist w]\nactors = russia\nfeeds = tag:korea, b\n");
	w = &conf->watchlists[0];
	wl_scan_item(scan, &it);
	r = wl_scan_score(scan, w, conf_find_feed(conf, "a"));
	ok(r->wanted && r->alert, "a feed with the tag is wanted");
	r = wl_scan_score(scan, w, conf_find_feed(conf, "b"));
	ok(r->wanted && r->alert, "a feed named is wanted");
	r = wl_scan_score(scan, w, conf_find_feed(conf, "c"));
	ok(!r->wanted && !r->alert, "another feed is left out");
	is_int(r->score, 2, "though its score is still computed");
	r = wl_scan_score(scan, w, NULL);
	ok(r->wanted && r->alert, "no feed: no restriction");
}

/* The JSON of matches and snippets. */
static void
test_explain(void)
{
	const struct wl_result *r;
	json_t *j;
	char *s;
	struct buf b = BUF_INIT;
	struct feed_item fi;
	struct wl_item it;
	static char empty[] = "";

	load(base);
	r = score("req", "Choe Son Hui visits Russia",
	    "One two three four five six seven eight nine ten: Choe Son-hui "
	    "left for Moscow with soldiers.");
	j = wl_result_matches_json(scan, r, 0);
	s = json_dumps(j, JSON_COMPACT);
	is_str(s,
	    "[{\"kind\":\"actor\",\"name\":\"russia\",\"hits\":3,"
	    "\"contribution\":3,\"fields\":[\"title\",\"body\"]},"
	    "{\"kind\":\"actor\",\"name\":\"choe\",\"hits\":3,"
	    "\"contribution\":9,\"fields\":[\"title\",\"body\"]},"
	    "{\"kind\":\"topic\",\"name\":\"troops\",\"hits\":1,"
	    "\"contribution\":2,\"fields\":[\"body\"]}]",
	    "score line matches, in watchlist order");
	free(s);
	json_decref(j);
	j = wl_result_matches_json(scan, r, 1);
	s = json_dumps(json_array_get(j, 1), JSON_COMPACT);
	is_str(s,
	    "{\"kind\":\"actor\",\"name\":\"choe\",\"label\":\"Choe Son Hui\","
	    "\"hits\":3,\"contribution\":9,\"fields\":[\"title\",\"body\"],"
	    "\"snippets\":[\"Choe Son Hui visits Russia\",\"…three four five "
	    "six seven eight nine ten: Choe Son-hui left for Moscow with "
	    "soldiers.\"]}",
	    "alert form: label and snippets with words around the match");
	free(s);
	json_decref(j);
	wl_scan_snippet(scan, &ent(r, "troops")->expl[0], &b);
	is_str(buf_str(&b), "…ten: Choe Son-hui left for Moscow with soldiers.",
	    "snippet cut on the left only");
	buf_free(&b);

	memset(&fi, 0, sizeof(fi));
	fi.title = empty;
	fi.summary = (char *)"summary";
	fi.content = empty;
	wl_item_from_feed(&it, &fi);
	is_str(it.body, "summary", "body is the summary without content");
	fi.content = (char *)"content";
	wl_item_from_feed(&it, &fi);
	is_str(it.body, "content", "and the content when there is one");
}

/* Whitespace collapsed one byte at a time, as a snippet shows it. */
static void
collapse_ref(const char *p, char *out)
{
	int space = 0, any = 0;

	for (; *p != '\0'; p++) {
		if (strchr(" \t\n\r\f\v", *p) != NULL) {
			space = 1;
			continue;
		}
		if (space && any)
			*out++ = ' ';
		space = 0;
		any = 1;
		*out++ = *p;
	}
	*out = '\0';
}

/* Snippets of texts short enough to be shown whole, with every kind of
 * whitespace in runs and alone, at the ends and across 16-byte blocks
 * (the copy takes those whole where nothing changes). */
static void
test_snippet_space(void)
{
	static const char *const sep[] = {" ", " ", " ", ", ", "  ", "\t", "\n",
	    " \n ", "\r\n", "\f", "\v", "   "};
	unsigned seed = 20261202;
	int bad = 0;

	load("[topic t]\nterm = zork\n[watchlist w]\ntopics = t\n"
	     "threshold = 1\n");
	for (int n = 0; n < 3000 && !bad; n++) {
		char text[512], want[512];
		size_t len = 0;
		int before = (int)(seed % 9), after;
		const struct wl_result *r;
		struct buf b = BUF_INIT;

		seed = seed * 1103515245u + 12345u;
		after = (int)(seed >> 16) % 9;
		if (seed & 0x100)
			len +=
			    (size_t)sprintf(text + len, "%s", sep[seed % 12]);
		for (int w = 0; w < before + after + 1; w++) {
			int wl;

			seed = seed * 1103515245u + 12345u;
			wl = 1 + (int)(seed >> 20) % 12;
			if (w == before)
				len += (size_t)sprintf(text + len, "zork");
			else
				for (int k = 0; k < wl; k++)
					text[len++] =
					    (char)('a' + (k + w) % 26);
			len += (size_t)sprintf(text + len, "%s",
			    w + 1 < before + after + 1 || (seed & 0x200)
			        ? sep[(seed >> 8) % 12]
			        : "");
		}
		text[len] = '\0';
		collapse_ref(text, want);
		r = score("w", "", text);
		if (r->nents != 1 || r->ents[0].nexpl != 1) {
			bad = 1;
			diag("no match in \"%s\"", text);
			break;
		}
		wl_scan_snippet(scan, &r->ents[0].expl[0], &b);
		/* Trailing whitespace goes too. */
		if (strcmp(buf_str(&b), want) != 0) {
			bad = 1;
			diag("\"%s\" gave \"%s\", not \"%s\"", text,
			    buf_str(&b), want);
		}
		buf_free(&b);
	}
	ok(!bad, "snippets collapse whitespace the same in 3,000 texts");
}

/* Score an item declared to be in lang (NULL: none) against "w". */
static const struct wl_result *
score_lang(const char *title, const char *body, const char *lang)
{
	struct wl_item it = {title, body, NULL, 0, lang};

	wl_scan_item(scan, &it);
	return wl_scan_score(scan, &conf->watchlists[0], NULL);
}

/* The score line's matches (free it) for a body with no language. */
static char *
matches_of(const char *body)
{
	const struct wl_result *r = score_lang("", body, NULL);
	json_t *j = wl_result_matches_json(scan, r, 0);
	char *js = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	return js;
}

/* The inflecting and unspaced scripts through the whole scoring path: declared
 * and detected language, mixed scripts, the forms found, the noisy-term
 * warning. */
static void
test_languages(void)
{
	const struct wl_result *r;
	struct feed_item fi;
	struct wl_item it;
	char **warn = NULL;
	size_t nwarn = 0;
	char *js;

	load("[actor nk]\nname = North Korea\nalias = Северная Корея\n"
	     "alias = 북한\nalias = 北朝鮮\n"
	     "[actor ru]\nname = Russia\nalias = Москва\nalias = Россия\n"
	     "[topic troops]\nterm = войска\nterm = 병력\nterm = 兵士\n"
	     "[watchlist w]\nactors = nk, ru\ntopics = troops\n"
	     "threshold = 1\n");
	r = score_lang("Из Северной Кореи прибыли войска", "", NULL);
	ok(ent(r, "nk") && ent(r, "nk")->hits == 2 && ent(r, "troops"),
	    "a declined name and noun in a title count as written");
	ok(r->alert, "and alert");
	r = score_lang("", "Делегация вылетела до Москви", NULL);
	ok(ent(r, "ru") == NULL,
	    "undeclared: a Ukrainian form without і є ґ is read as Russian");
	r = score_lang("", "Делегация вылетела до Москви", "uk-UA");
	ok(ent(r, "ru") != NULL, "declared uk-UA: it is Ukrainian");
	r = score_lang("", "Делегация вылетела до Москви", "ru");
	ok(ent(r, "ru") == NULL, "declared ru: not a Russian form");
	r = score_lang("", "Делегация прилетела из Москвы", "ko");
	ok(ent(r, "ru") != NULL, "another declared language: read by letters");
	r = score_lang("北朝鮮の兵士 и войска: 북한의 병력", "", NULL);
	ok(ent(r, "nk") && ent(r, "nk")->hits == 4,
	    "mixed scripts in one title: Han and Hangul names");
	ok(ent(r, "troops") && ent(r, "troops")->nexpl == 3,
	    "and three troops terms in three scripts");

	js = matches_of("Поставки в Россию выросли");
	like(js, "\"name\":\"ru\",.*\"forms\":\\[\"Россию\"\\]",
	    "the matches name the form found");
	free(js);
	js = matches_of("Russia and Moscow");
	ok(strstr(js, "forms") == NULL,
	    "no forms when the terms are found as written");
	free(js);
	/* The term's words now come from the scan's cache. */
	js = matches_of("Россия и Москва; поставки в Россию");
	like(js, "\"name\":\"ru\",.*\"forms\":\\[\"Россию\"\\]",
	    "again: only the other form, the term's kept words compared");
	free(js);
	js = matches_of("Россия");
	ok(strstr(js, "forms") == NULL, "and none for the term as written");
	free(js);

	memset(&fi, 0, sizeof(fi));
	fi.title = (char *)"t";
	fi.language = (char *)"ru";
	wl_item_from_feed(&it, &fi);
	is_str(it.language, "ru", "an item's language comes from the feed");

	is_int(wl_term_warnings(conf, &warn, &nwarn), 0,
	    "Han names of three characters: no warning");
	load("[topic t]\nterm = 朝\nterm = 朝鲜\n[watchlist w]\ntopics = t\n");
	is_int(wl_term_warnings(conf, &warn, &nwarn), 1,
	    "a term of one Han character is warned about");
	like(nwarn ? warn[0] : "",
	    ":2: term '朝' of topic 't' is one Han character",
	    "with its place and why");
	for (size_t i = 0; i < nwarn; i++)
		free(warn[i]);
	free(warn);
}

int
main(void)
{
	test_fields();
	test_saturation();
	test_overlaps();
	test_require_exclude();
	test_near();
	test_matching();
	test_feeds();
	test_explain();
	test_snippet_space();
	test_languages();
	wl_scan_free(scan);
	wl_matcher_free(matcher);
	conf_free(conf);
	return done_testing();
}
