/* Tests of alerts/story.c: which links are the same story. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "alerts/story.h"
#include "tests/tap.h"

/* Check one link's canonical form. */
static void
canon(const char *in, const char *want, const char *what)
{
	char *got = story_canonical_link(in);

	is_str(got, want, "%s", what);
	free(got);
}

/* Canonical links, then tracking parameter names, then alert ids. */
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
	return done_testing();
}
