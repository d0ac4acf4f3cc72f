/* Tests of alerts/story.c: which links and titles are the same story. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/story.h"
#include "common/hash.h"
#include "tests/tap.h"

/* Check one link's canonical form. */
static void
canon(const char *in, const char *want, const char *what)
{
	char *got = story_canonical_link(in);

	is_str(got, want, "%s", what);
	free(got);
}

/* The title key of one title; "" when it has no words. */
static void
title_key(const char *title, char out[17])
{
	struct story_id sid;

	story_identify(&sid, "f", "i", "", title);
	memcpy(out, sid.title_key, 17);
	story_id_clear(&sid);
}

/* story_identify: the one place an item's identity is made. */
static void
identities(void)
{
	struct story_id x, y;
	char a[17], b[17];

	title_key("Acme's merger: the deal, explained", a);
	title_key(
	    "ACME\xe2\x80\x99S MERGER \xe2\x80\x94 the Deal Explained!", b);
	is_str(
	    a, b, "case, possessive, curly quote and punctuation: one title");
	title_key("Caf\xc3\xa9 owners sue", a);
	title_key("cafe owners sue", b);
	is_str(a, b, "accents fold as the matcher folds them");
	title_key("Acme merger", a);
	hash64_hex(hash64("acme merger", 11), b);
	is_str(a, b, "the key is the folded words' hash, as state.db holds");
	title_key("Acme merger off", b);
	ok(strcmp(a, b) != 0, "another title, another key");
	title_key("", a);
	is_str(a, "", "no title, no key");
	title_key(" -- !! ", a);
	is_str(a, "", "a title without words has no key");

	story_identify(&x, "one", "1", "http://www.r.example/a?utm_source=x",
	    "Acme merger");
	story_identify(&y, "two", "77", "https://r.example/a", "Other words");
	is_str(x.link_canon, "https://r.example/a", "the link is canonical");
	is_str(x.key, y.key, "two feeds, one link: one story key");
	story_id_clear(&x);
	story_id_clear(&y);
	story_identify(&x, "one", "1", "", "Acme merger");
	story_identify(&y, "two", "1", "", "Acme merger");
	is_str(x.key, "one\n1", "no link: the feed's item is the story");
	ok(strcmp(x.key, y.key) != 0, "... so two feeds make two stories");
	is_str(x.title_key, y.title_key, "... the title key still joins them");
	story_id_clear(&x);
	story_id_clear(&y);
}

/* Canonical links, then tracking parameter names, then alert ids. */
/* The dedup rule a replay keeps in memory: the store's, link ever, title
 * within the window; and it holds thousands of stories. */
static void
memo(void)
{
	struct story_memo *m = story_memo_new();
	char link[64];
	int found = 1;

	ok(!story_memo_find(m, "https://a.example/1", "00ff", 1000),
	    "an empty memo has no story");
	story_memo_add(m, "https://a.example/1", "00ff", 1000);
	ok(story_memo_find(m, "https://a.example/1", "", 1000 + 90 * 86400),
	    "the same link is the same story, however late");
	ok(story_memo_find(m, "", "00ff", 1000 + STORY_TITLE_WINDOW_S),
	    "the same title within the window is the same story");
	ok(!story_memo_find(m, "", "00ff", 1001 + STORY_TITLE_WINDOW_S),
	    "past the window it is a new story");
	ok(!story_memo_find(m, "https://a.example/2", "0100", 1000),
	    "another link and title: another story");
	ok(!story_memo_find(m, "", "", 1000), "no link, no title: never found");
	for (int i = 0; i < 5000; i++) {
		snprintf(link, sizeof(link), "https://b.example/%d", i);
		story_memo_add(m, link, "", i);
	}
	for (int i = 0; i < 5000 && found; i++) {
		snprintf(link, sizeof(link), "https://b.example/%d", i);
		found = story_memo_find(m, link, "", i);
	}
	ok(found && story_memo_find(m, "https://a.example/1", "", 0),
	    "5,000 stories later every one is still found");
	story_memo_free(m);
}

int
main(void)
{
	char a[17], b[17];

	canon("https://news.example.org/world/troops?utm_source=rss&"
	      "utm_medium=feed",
	    "https://news.example.org/world/troops", "utm_* removed");
	canon("http://WWW.News.Example.org/a/b/?id=7&fbclid=xyz#comments",
	    "https://news.example.org/a/b?id=7",
	    "scheme, www, case, fbclid, fragment, trailing slash");
	canon("https://news.example.org/a?gclid=1&page=2&UTM_Campaign=x",
	    "https://news.example.org/a?page=2",
	    "real parameters kept in order, case-insensitive tracking names");
	canon("https://news.example.org:443/a", "https://news.example.org/a",
	    "default port dropped");
	canon("https://news.example.org:8443/a",
	    "https://news.example.org:8443/a", "other port kept");
	canon("https://news.example.org/", "https://news.example.org",
	    "root path");
	canon("  https://news.example.org/x  ", "https://news.example.org/x",
	    "surrounding space ignored");
	canon("", "", "empty link");
	canon("urn:uuid:1234", "urn:uuid:1234", "not a URL: kept as it is");
	canon("https://[::1]:8080/feed?ref_src=twsrc",
	    "https://[::1]:8080/feed", "IPv6 host");
	ok(story_is_tracking_param("utm_content", 11), "utm_ prefix");
	ok(!story_is_tracking_param("id", 2), "id is not tracking");
	ok(!story_is_tracking_param("utm", 3), "bare utm is not the prefix");

	story_alert_id("nk-russia", "https://news.example.org/a", a);
	story_alert_id("nk-russia", "https://news.example.org/a", b);
	is_str(a, b, "alert id is stable");
	is_int(strlen(a), 16, "sixteen hex digits");
	story_alert_id("other", "https://news.example.org/a", b);
	ok(strcmp(a, b) != 0, "another watchlist, another id");
	story_alert_id("ab", "c", a);
	story_alert_id("a", "bc", b);
	ok(strcmp(a, b) != 0, "watchlist and key do not run together");
	identities();
	memo();
	return done_testing();
}
