/*
 * url_redact (common/redact.c): what a person reading a log line or the
 * status output would see of a URL that carries credentials.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "tests/tap.h"

static const struct {
	const char *in, *want, *what;
} cases[] = {
    {"https://user:s3cret@example.org/feed.xml",
        "https://user:***@example.org/feed.xml", "userinfo password"},
    {"https://ghp_t0ken@example.org/x", "https://***@example.org/x",
        "a bare userinfo is a token"},
    {"https://u:p@ss@example.org/", "https://u:***@example.org/",
        "the last @ ends the userinfo"},
    {"https://example.org/rss?apikey=s3cret&q=news",
        "https://example.org/rss?apikey=***&q=news", "apikey"},
    {"https://example.org/rss?q=a&API_KEY=s3cret",
        "https://example.org/rss?q=a&API_KEY=***",
        "parameter names are case-insensitive"},
    {"https://example.org/?token=a&access_token=b&sig=c&key=d",
        "https://example.org/?token=***&access_token=***&sig=***&key=***",
        "every listed parameter"},
    {"https://example.org/?password=p&secret=s#frag",
        "https://example.org/?password=***&secret=***#frag",
        "the fragment is kept"},
    {"https://example.org/?monkey=1&keys=2&key=",
        "https://example.org/?monkey=1&keys=2&key=",
        "other names and empty values stay"},
    {"https://example.org/a@b?x=1", "https://example.org/a@b?x=1",
        "an @ in the path is not a userinfo"},
    {"https://a:b@host:8080/p?token=t", "https://a:***@host:8080/p?token=***",
        "both at once, with a port"},
    {"file:///srv/feeds/a.xml", "file:///srv/feeds/a.xml", "file URL"},
    {"feeds/a.xml", "feeds/a.xml", "not a URL"},
    {"", "", "empty"},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = url_redact(cases[i].in);

		is_str(got, cases[i].want, "%s", cases[i].what);
		free(got);
	}
	ok(url_redact(NULL) == NULL, "NULL gives NULL");
	return done_testing();
}
