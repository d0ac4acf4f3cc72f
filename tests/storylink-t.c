/* Tests of story_canonical_link's plain path: for every link, the common
 * ones it reads itself and the odd ones it leaves to curl, the answer is
 * byte for byte what libcurl's URL parser makes of it. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts/story.h"
#include "common/buf.h"
#include "tests/tap.h"

/* Links built from these pieces; each set mixes the plain path's case
 * with what only curl reads right. */
static const char *const schemes[] = {"https://", "http://", "HTTPS://",
    "Http://", "ftp://", "https:/", "https:///", "", "  https://", "\thttp://"};
static const char *const hosts[] = {"example.com", "www.example.com",
    "WWW.Example.COM", "news.bbc.co.uk", "a-b.example", "www.", "www", "x",
    "127.0.0.1", "127.1", "0x7f.1", "1.example", "example.1", "ex..ample",
    ".example", "example.", "[::1]", "user@example.com", "user:pw@example.com",
    "exa_mple.com", "ex%41mple.com", "caf\xc3\xa9.example", "-a.example",
    "a-.example", "xn--caf-dma.ex", ""};
static const char *const ports[] = {
    "", "", "", ":80", ":443", ":8080", ":", ":0443", ":99999", ":x"};
static const char *const segments[] = {"story", "a", "B", "2024", ".", "..",
    ".hidden", "a.b", "%2e", "%2E%2e", "%41", "%zz", "~user", "a;b", "a:b",
    "a@b", "a,b", "a=b", "a+b", "a!b", "a*b", "a(b)", "", "a b", "a\\b", "a|b",
    "a{b}", "a\"b", "a'b", "a^b", "a`b", "a<b>", "a[b]", "caf\xc3\xa9", "a\x7f",
    "a$b", "a&b", "index.html"};
static const char *const params[] = {"a=1", "utm_source=x", "UTM_Medium=y",
    "fbclid=z", "gclid", "b", "=", "", "x=/../y", "q=a%20b", "q=a+b", "p=?",
    "c=d=e", "mc_cid=1", "ref=x", "a=b#frag", "s=%zz"};
static const char *const tails[] = {
    "", "", "", "", "/", "#", "#frag", "#a?b=1", "?", "  ", "\n", "/#x"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* xorshift64: the same links on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* The next pseudo-random number below n. */
static size_t
pick(size_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (size_t)(rng % n);
}

/* One generated link into b. */
static void
make_link(struct buf *b)
{
	size_t nseg = pick(5), npar = pick(4);

	buf_reset(b);
	buf_appends(b, schemes[pick(N(schemes))]);
	buf_appends(b, hosts[pick(N(hosts))]);
	buf_appends(b, ports[pick(N(ports))]);
	for (size_t i = 0; i < nseg; i++) {
		buf_appendc(b, '/');
		buf_appends(b, segments[pick(N(segments))]);
	}
	if (pick(3) == 0)
		buf_appendc(b, '/');
	for (size_t i = 0; i < npar; i++) {
		buf_appendc(b, i == 0 ? '?' : '&');
		buf_appends(b, params[pick(N(params))]);
	}
	buf_appends(b, tails[pick(N(tails))]);
}

/* Do the two answers agree on link?  Report the first few that do not. */
static int
same(const char *link, int *reported)
{
	char *got = story_canonical_link(link);
	char *want = story_canonical_link_curl(link);
	int eq = strcmp(got, want) == 0;

	if (!eq && (*reported)++ < 10)
		diag("link \"%s\": plain \"%s\", curl \"%s\"", link, got, want);
	free(got);
	free(want);
	return eq;
}

/* Links a feed carries, and the rewrites a reader expects of them. */
static void
known(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
	    {"https://www.Example.com/story/7/", "https://example.com/story/7"},
	    {"http://news.example/a?utm_source=rss&id=3&fbclid=x",
	        "https://news.example/a?id=3"},
	    {"https://example.com/", "https://example.com"},
	    {"https://example.com?x=1", "https://example.com?x=1"},
	    {" https://example.com/a#top ", "https://example.com/a"},
	    {"http://example.com:8080/a", "https://example.com:8080/a"},
	    {"https://example.com/a/../b", "https://example.com/b"},
	    {"https://127.1/x", "https://127.0.0.1/x"},
	    {"mailto:someone@example.com", "mailto:someone@example.com"},
	    {"", ""},
	};

	for (size_t i = 0; i < N(t); i++) {
		char *got = story_canonical_link(t[i].in);

		is_str(got, t[i].want, "\"%s\"", t[i].in);
		free(got);
	}
}

int
main(void)
{
	struct buf b = BUF_INIT;
	int reported = 0;
	size_t agree = 0, n = 200000;

	plan(12);
	known();
	for (size_t i = 0; i < n; i++) {
		make_link(&b);
		agree += same(buf_str(&b), &reported);
	}
	is_int((long long)agree, (long long)n,
	    "%zu generated links: the plain path and curl agree on each", n);
	agree = 0;
	for (unsigned c = 1; c < 256; c++) {
		char link[64];

		snprintf(link, sizeof(link), "https://a.example/x%cy?q=%c&r=1",
		    (char)c, (char)c);
		agree += same(link, &reported);
	}
	is_int((long long)agree, 255,
	    "each byte in a path and a query: the plain path and curl agree");
	if (reported > 0 && reported <= 10)
		diag("%d disagreements shown", reported);
	buf_free(&b);
	return exit_status();
}
