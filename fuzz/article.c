/*
 * libFuzzer target for the article extractor: any bytes, pushed whole or
 * in chunks whose size comes from the input itself, must parse and
 * extract without a crash, a leak or undefined behaviour, with or without
 * an HTTP charset and an XPath, and the title and text handed out must be
 * valid UTF-8 within their bounds.  The first byte picks the chunking, the
 * charset and the XPath; the rest is the page.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"
#include "feeds/article.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The charsets a server may send, NULL for none. */
static const char *const charsets[] = {
    NULL, "utf-8", "windows-1252", "iso-8859-1", "shift_jis", "bogus"};

/* XPaths the config may hold, NULL for none. */
static const char *const xpaths[] = {
    NULL, "//div[@id='story']", "//p", "string(//title)", "//@class"};

/* A string handed out is UTF-8 and within its bound. */
static void
check(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len > max || !utf8_valid(s, len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct article_xpath *xp[sizeof(xpaths) / sizeof(xpaths[0])];
	static int compiled;
	struct article_parser *a;
	struct article art;
	size_t step;
	char *err = NULL;

	if (size < 1)
		return 0;
	if (!compiled) {
		for (size_t i = 1; i < sizeof(xpaths) / sizeof(xpaths[0]); i++)
			xp[i] = article_xpath_compile(xpaths[i], &err);
		compiled = 1;
	}
	step = (size_t)(data[0] & 7) * 61 + 1;
	a = article_parser_new(NULL,
	    charsets[(data[0] >> 3) %
	        (sizeof(charsets) / sizeof(charsets[0]))]);
	for (size_t off = 1; off < size; off += step)
		if (article_parser_feed(a, (const char *)data + off,
		        size - off < step ? size - off : step) == -1)
			break;
	if (article_parser_finish(a,
	        xp[(data[0] >> 5) % (sizeof(xpaths) / sizeof(xpaths[0]))], &art,
	        &err) == 0) {
		check(art.title, ARTICLE_MAX_TITLE);
		check(art.text, ARTICLE_MAX_TEXT);
		article_clear(&art);
	}
	free(err);
	article_parser_free(a);
	return 0;
}
