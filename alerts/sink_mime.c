/*
 * Header text for mail and HTTP: feed text may hold anything, and a header
 * may hold only printable ASCII on one line.  Titles are flattened to one
 * line (controls become spaces) and, when not plain ASCII, written as RFC
 * 2047 encoded-words in the Q encoding, each at most 75 characters and
 * cut on character boundaries, as mail readers and ntfy decode them.
 */
#include "config.h"

#include <string.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/utf8.h"

/* RFC 2047 section 2: an encoded-word is at most 75 characters. */
#define MIME_WORD_MAX 75

/* Would this byte need encoding inside a Q encoded-word? */
static int
q_needs(unsigned char c)
{
	return c < 0x21 || c > 0x7e || strchr("=?_\"(),.:;<>@[\\]", c) != NULL;
}

/* Is s printable ASCII on one line? */
static int
is_plain(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

void
sink_header_text(struct buf *b, const char *s, const char *fold)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf flat = BUF_INIT;
	size_t i = 0, word = 0;

	/* One line, valid UTF-8. */
	utf8_append_clean(&flat, s, strlen(s));
	for (size_t k = 0; k < flat.len; k++)
		if ((unsigned char)flat.data[k] < 0x20 || flat.data[k] == 0x7f)
			flat.data[k] = ' ';
	if (is_plain(buf_str(&flat))) {
		buf_append(b, flat.data, flat.len);
		buf_free(&flat);
		return;
	}
	while (i < flat.len) {
		/* One character, encoded, must fit in the current word. */
		uint32_t cp;
		size_t n = utf8_decode(flat.data + i, flat.len - i, &cp), need;

		if (n == 0)
			n = 1;
		need = 0;
		for (size_t k = 0; k < n; k++)
			need += q_needs((unsigned char)flat.data[i + k]) &&
			        flat.data[i + k] != ' '
			    ? 3
			    : 1;
		if (word == 0 || word + need + 2 > MIME_WORD_MAX) {
			if (word != 0) {
				buf_appends(b, "?=");
				buf_appends(b, fold);
			}
			buf_appends(b, "=?UTF-8?Q?");
			word = 10;
		}
		for (size_t k = 0; k < n; k++) {
			unsigned char c = (unsigned char)flat.data[i + k];

			if (c == ' ') {
				buf_appendc(b, '_');
			} else if (q_needs(c)) {
				buf_appendc(b, '=');
				buf_appendc(b, hex[c >> 4]);
				buf_appendc(b, hex[c & 15]);
			} else {
				buf_appendc(b, (char)c);
			}
		}
		word += need;
		i += n;
	}
	buf_appends(b, "?=");
	buf_free(&flat);
}
