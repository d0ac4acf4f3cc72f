/* UTF-8 encode/decode/clean: see utf8.h. */
#include "config.h"

#include "common/utf8.h"

/* One code point as 1-4 bytes; surrogates and > U+10FFFF give 0. */
size_t
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp <= 0x10FFFF) {
		out[0] = (char)(0xF0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[3] = (char)(0x80 | (cp & 0x3F));
		return 4;
	}
	return 0;
}

/* Strict decode: rejects overlongs, surrogates and truncated sequences. */
size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c, min;
	size_t n;

	if (len == 0)
		return 0;
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xE0) == 0xC0) {
		n = 2;
		c &= 0x1F;
		min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3;
		c &= 0x0F;
		min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* True when every sequence decodes; ASCII bytes are skipped fast. */
int
utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	size_t i = 0;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Copy valid runs whole; each bad byte becomes one U+FFFD. */
size_t
utf8_append_clean(struct buf *b, const char *s, size_t len)
{
	size_t i = 0, start = 0, bad = 0;
	uint32_t cp;
	char rep[4];
	size_t rlen = utf8_encode(UTF8_REPLACEMENT, rep);

	buf_reserve(b, len);
	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n > 0) {
			i += n;
			continue;
		}
		buf_append(b, s + start, i - start);
		buf_append(b, rep, rlen);
		bad++;
		start = ++i;
	}
	buf_append(b, s + start, i - start);
	return bad;
}

/* Cut at max bytes, backing off so no character is split. */
size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* Back off over continuation bytes to the start of a character. */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}
