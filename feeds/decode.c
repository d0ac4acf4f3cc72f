/*
 * Stage 1 of the feed parser (see parse-int.h and decode.h): bytes in any
 * encoding to UTF-8.
 *
 * The first bytes are held (at most FP_SNIFF_MAX) until the BOM, the
 * first '<' and the XML declaration have been seen; whatever precedes the
 * '<' is skipped with a warning.  The encoding is the BOM's, else the HTTP
 * charset, else the declaration's, else UTF-8; ISO-8859-1 and US-ASCII are
 * read as windows-1252, as browsers do.
 *
 * Declarations lie, so the bytes get a say.  A UTF-8 document is decoded
 * leniently: each byte that is not part of valid UTF-8 is read as
 * windows-1252, and a C1 control character (U+0080..U+009F, which is no
 * text) as the windows-1252 character its byte is, as feedparser does:
 * it is windows-1252 that went through ISO-8859-1 into UTF-8.  A
 * document declared in a legacy encoding passes ASCII
 * through untouched until its first non-ASCII run; if that run is valid
 * UTF-8 the document is read as UTF-8 (valid UTF-8 wins), else in the
 * declared encoding, by a 128-entry table for single-byte encodings and by
 * iconv for multi-byte ones (Shift_JIS, EUC-KR, GB18030, Big5).  Every
 * switch is a warning.  Output is always valid UTF-8.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"
#include "common/utf8.h"
#include "feeds/html.h"
#include "feeds/decode.h"
#include "feeds/swar.h"

/* Bits of dec_warned: each decoding problem is reported once. */
#define W_INVALID_UTF8 0x01
#define W_LIED_UTF8 0x02
#define W_BAD_SEQ 0x04
#define W_UNKNOWN 0x08
#define W_C1 0x10

/* Encoding labels read as another encoding (the WHATWG rule). */
static const struct alias {
	const char *label, *name;
} aliases[] = {
    {"ascii", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"utf8", "utf-8"},
    {"x-sjis", "shift_jis"},
};

/* Pass UTF-8 on to the next stage. */
static void
emit(struct fp_decode *d, const char *s, size_t n)
{
	if (n > 0)
		d->out(d->h->ctx, s, n);
}

/* Pass one code point on, as UTF-8. */
static void
emit_cp(struct fp_decode *d, uint32_t cp)
{
	char e[4];
	size_t n = utf8_encode(cp, e);

	if (n == 0)
		n = utf8_encode(UTF8_REPLACEMENT, e);
	emit(d, e, n);
}

/* Build the table for a single-byte encoding; -1 when it is multi-byte. */
static int
table_build(struct fp_decode *d, iconv_t cd)
{
	for (int b = 0x80; b < 0x100; b++) {
		char in = (char)b, out[8], *ip = &in, *op = out;
		size_t il = 1, ol = sizeof(out);
		uint32_t cp;

		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
			if (errno == EINVAL)
				return -1;
			d->table[b - 0x80] = UTF8_REPLACEMENT;
			continue;
		}
		if (op == out ||
		    utf8_decode(out, (size_t)(op - out), &cp) !=
		        (size_t)(op - out))
			return -1; /* a stateful encoding: not one byte each */
		d->table[b - 0x80] = cp;
	}
	iconv(cd, NULL, NULL, NULL, NULL);
	return 0;
}

/* Read stray bytes as windows-1252. */
static void
table_cp1252(struct fp_decode *d)
{
	for (int b = 0x80; b < 0x100; b++)
		d->table[b - 0x80] = html_cp1252((uint32_t)b);
}

/* Choose how to decode, given an encoding name (NULL: none known). */
static void
dec_choose(struct fp_decode *d, const char *label)
{
	char name[sizeof(d->enc_name)];

	table_cp1252(d);
	d->dec = DEC_UTF8;
	str_lcpy(d->enc_name, "UTF-8", sizeof(d->enc_name));
	if (label == NULL || *label == '\0')
		return;
	str_lcpy(name, label, sizeof(name));
	str_tolower_ascii(name);
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].label) == 0)
			str_lcpy(name, aliases[i].name, sizeof(name));
	if (strcmp(name, "utf-8") == 0)
		return;
	str_lcpy(d->enc_name, label, sizeof(d->enc_name));
	if ((d->cd = iconv_open("UTF-8", name)) == (iconv_t)-1) {
		fp_warnf(d->h, "unknown encoding \"%s\": read as UTF-8", label);
		str_lcpy(d->enc_name, "UTF-8", sizeof(d->enc_name));
		return;
	}
	if (strncmp(name, "utf-16", 6) == 0 || strncmp(name, "utf-32", 6) == 0)
		d->dec = DEC_ICONV;
	else if (table_build(d, d->cd) == 0) {
		d->dec = DEC_UNDECIDED;
		/* The table serves DEC_SINGLE; iconv is not needed. */
		iconv_close(d->cd);
		d->cd = (iconv_t)-1;
	} else
		d->dec = DEC_UNDECIDED;
}

/* The encoding="..." of an XML declaration at s, into out. */
static void
decl_encoding(const char *s, size_t len, char *out, size_t outsz)
{
	const char *e = memmem(s, len, "encoding", 8), *end;
	size_t i;

	out[0] = '\0';
	if (e == NULL)
		return;
	i = (size_t)(e - s) + 8;
	while (i < len && (s[i] == ' ' || s[i] == '=' || s[i] == '\t'))
		i++;
	if (i >= len || (s[i] != '"' && s[i] != '\''))
		return;
	end = memchr(s + i + 1, s[i], len - i - 1);
	if (end == NULL || (size_t)(end - (s + i + 1)) >= outsz)
		return;
	memcpy(out, s + i + 1, (size_t)(end - (s + i + 1)));
	out[end - (s + i + 1)] = '\0';
}

/* Need of a UTF-8 lead byte, or 0 when it cannot lead. */
static size_t
utf8_need(unsigned char c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

/* True when s[0..n) is the start of a UTF-8 sequence cut short. */
static int
utf8_partial(const char *s, size_t n)
{
	size_t need = utf8_need((unsigned char)s[0]);

	if (need == 0 || n >= need)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			return 0;
	return 1;
}

/* UTF-8 with stray bytes read through the table.  Returns bytes used; a
 * cut sequence at the end stays unused unless final. */
static size_t
dec_utf8(struct fp_decode *d, const char *s, size_t n, int final)
{
	size_t i = 0, run = 0;
	uint32_t cp;

	while (i < n) {
		while (i + SCAN_BLOCK <= n && scan_high(scan_load(s + i)) == 0)
			i += SCAN_BLOCK;
		while (i < n && (unsigned char)s[i] < 0x80)
			i++;
		if (i == n)
			break;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 2 && cp >= 0x80 && cp <= 0x9F) {
			/* A C1 control is no text: it is windows-1252 read
			 * as ISO-8859-1 on its way into UTF-8 (0x92 the
			 * apostrophe).  Read as what was meant. */
			emit(d, s + run, i - run);
			if (!(d->dec_warned & W_C1)) {
				d->dec_warned |= W_C1;
				fp_warnf(d->h,
				    "C1 control characters read as "
				    "windows-1252");
			}
			emit_cp(d, html_cp1252(cp));
			run = i += 2;
			continue;
		}
		if (k > 0) {
			i += k;
			continue;
		}
		if (!final && utf8_partial(s + i, n - i))
			break;
		emit(d, s + run, i - run);
		if (!(d->dec_warned & W_INVALID_UTF8)) {
			d->dec_warned |= W_INVALID_UTF8;
			if (strcmp(d->enc_name, "UTF-8") == 0)
				fp_warnf(d->h,
				    "the bytes are not valid UTF-8: stray "
				    "bytes read as windows-1252");
		}
		emit_cp(d, d->table[(unsigned char)s[i] - 0x80]);
		run = ++i;
	}
	emit(d, s + run, i - run);
	return i;
}

/* A single-byte legacy encoding, through the table. */
static size_t
dec_single(struct fp_decode *d, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	for (; i < n; i++) {
		if ((unsigned char)s[i] < 0x80)
			continue;
		emit(d, s + run, i - run);
		emit_cp(d, d->table[(unsigned char)s[i] - 0x80]);
		run = i + 1;
	}
	emit(d, s + run, i - run);
	return n;
}

/* Multi-byte legacy encodings; returns bytes used (a cut character at the
 * end stays unless final). */
static size_t
dec_iconv(struct fp_decode *d, const char *s, size_t n, int final)
{
	char out[4096];
	char *ip = (char *)(uintptr_t)s;
	size_t il = n;

	while (il > 0) {
		char *op = out;
		size_t ol = sizeof(out);
		size_t r = iconv(d->cd, &ip, &il, &op, &ol);
		int err = errno;

		emit(d, out, (size_t)(op - out));
		if (r != (size_t)-1 || err == E2BIG)
			continue;
		if (err == EINVAL && !final)
			break;
		if (!(d->dec_warned & W_BAD_SEQ)) {
			d->dec_warned |= W_BAD_SEQ;
			fp_warnf(d->h, "bytes that are not %s: read as U+FFFD",
			    d->enc_name);
		}
		emit_cp(d, UTF8_REPLACEMENT);
		ip++;
		il--;
		iconv(d->cd, NULL, NULL, NULL, NULL);
	}
	return n - il;
}

/* DEC_UNDECIDED: ASCII passes; the first non-ASCII run decides. */
static size_t
dec_undecided(struct fp_decode *d, const char *s, size_t n, int final)
{
	size_t i = 0, j;

	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	emit(d, s, i);
	if (i == n)
		return n;
	/* The run: non-ASCII bytes up to the next ASCII, at most 16. */
	for (j = i; j < n && j - i < 16 && (unsigned char)s[j] >= 0x80; j++)
		;
	if (j == n && j - i < 16 && !final)
		return i; /* wait for the rest of the run */
	size_t k = 0;
	uint32_t cp;
	while (i + k < j) {
		size_t m = utf8_decode(s + i + k, j - i - k, &cp);
		if (m == 0)
			break;
		k += m;
	}
	if (k > 0 && (i + k == j || utf8_partial(s + i + k, j - i - k))) {
		fp_warnf(d->h,
		    "the encoding is declared as %s but the bytes are UTF-8: "
		    "read as UTF-8",
		    d->enc_name);
		d->dec = DEC_UTF8;
		d->dec_warned |= W_LIED_UTF8;
		if (d->cd != (iconv_t)-1) {
			iconv_close(d->cd);
			d->cd = (iconv_t)-1;
			table_cp1252(d);
		}
	} else
		d->dec = d->cd != (iconv_t)-1 ? DEC_ICONV : DEC_SINGLE;
	return i;
}

/* Skip what precedes the document and decide the encoding over the bytes
 * *up[0..*np), moving past what it skips; returns 1 when decided (the
 * bytes left then start the document).  It reads a view, not d->sniff,
 * so that a first chunk that decides at once is never copied. */
static int
dec_sniff(struct fp_decode *d, const unsigned char **up, size_t *np, int final)
{
	const unsigned char *u = *up;
	size_t n = *np, i = 0;
	char enc[sizeof(d->enc_name)];

	if (!d->bom_checked) {
		if (n < 4 && !final)
			return 0;
		d->bom_checked = 1;
		if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
			*up = u + 3;
			*np = n - 3;
			dec_choose(d, NULL);
			d->dec_warned |= W_LIED_UTF8;
			return 1;
		}
		const char *wide = NULL;
		if (n >= 2 && u[0] == 0xFF && u[1] == 0xFE)
			wide = "UTF-16LE";
		else if (n >= 2 && u[0] == 0xFE && u[1] == 0xFF)
			wide = "UTF-16BE";
		else if (n >= 4 && u[0] == '<' && u[1] == 0 && u[2] == '?' &&
		    u[3] == 0)
			wide = "UTF-16LE";
		else if (n >= 4 && u[0] == 0 && u[1] == '<' && u[2] == 0 &&
		    u[3] == '?')
			wide = "UTF-16BE";
		if (wide) {
			if (u[0] >= 0xFE) {
				*up = u + 2;
				*np = n - 2;
			}
			dec_choose(d, wide);
			return 1;
		}
	}
	if (!d->seen_lt) {
		while (i < n && u[i] != '<')
			i++;
		d->junk += i;
		for (size_t k = 0; k < i; k++)
			if (u[k] == '\n')
				d->junk_lines++;
		if (i < n && d->junk > 0) {
			/* Reported at line 1, where the junk starts. */
			fp_warnf(d->h, "%zu bytes before the document skipped",
			    d->junk);
			d->line_base = d->junk_lines;
		}
		u += i;
		n -= i;
		*up = u;
		*np = n;
		if (n == 0)
			return final;
		d->seen_lt = 1;
	}
	if (n < 5 && !final)
		return 0;
	enc[0] = '\0';
	if (n >= 5 && memcmp(u, "<?xml", 5) == 0) {
		const char *end = memmem(u, n, "?>", 2);
		if (end == NULL && n < FP_SNIFF_MAX && !final)
			return 0;
		decl_encoding((const char *)u,
		    end ? (size_t)(end - (const char *)u) : n, enc,
		    sizeof(enc));
	}
	if (d->http_charset)
		dec_choose(d, d->http_charset);
	else
		dec_choose(d, enc);
	return 1;
}

/* Decode with the current mode; returns bytes used. */
static size_t
dec_run(struct fp_decode *d, const char *s, size_t n, int final)
{
	size_t used = 0;

	while (used < n) {
		size_t k;

		switch (d->dec) {
		case DEC_UNDECIDED:
			k = dec_undecided(d, s + used, n - used, final);
			if (d->dec == DEC_UNDECIDED)
				return used + k;
			break;
		case DEC_UTF8:
			return used + dec_utf8(d, s + used, n - used, final);
		case DEC_SINGLE:
			return used + dec_single(d, s + used, n - used);
		case DEC_ICONV:
			return used + dec_iconv(d, s + used, n - used, final);
		default:
			return used;
		}
		used += k;
	}
	return used;
}

/* Ready to sniff: no encoding chosen yet. */
void
dec_init(struct fp_decode *d, const struct fp_handlers *h,
    void (*out)(void *ctx, const char *s, size_t n))
{
	memset(d, 0, sizeof(*d));
	d->h = h;
	d->out = out;
	d->cd = (iconv_t)-1;
}

/* Bytes in (see decode.h); a cut sequence waits in sniff. */
void
dec_feed(struct fp_decode *d, const char *s, size_t len, int final)
{
	if (d->dec == DEC_SNIFF) {
		/* Sniff the chunk in place unless bytes are already held. */
		int held = d->sniff.len > 0;
		if (held)
			buf_append(&d->sniff, s, len);
		const unsigned char *u = held
		    ? (const unsigned char *)d->sniff.data
		    : (const unsigned char *)s;
		size_t n = held ? d->sniff.len : len;
		if (!dec_sniff(d, &u, &n, final)) {
			if (held)
				buf_consume(&d->sniff, d->sniff.len - n);
			else
				buf_append(&d->sniff, u, n);
			return;
		}
		/* Decided: run the bytes left through the decoder. */
		struct buf h = d->sniff;
		buf_init(&d->sniff);
		s = n > 0 ? (const char *)u : "";
		size_t used = dec_run(d, s, n, final);
		if (used < n)
			buf_append(&d->sniff, s + used, n - used);
		buf_free(&h);
		return;
	}
	if (d->sniff.len > 0) {
		/* A cut sequence from the last chunk: join it to this one. */
		buf_append(&d->sniff, s, len);
		struct buf held = d->sniff;
		buf_init(&d->sniff);
		size_t used = dec_run(d, held.data, held.len, final);
		if (used < held.len)
			buf_append(
			    &d->sniff, held.data + used, held.len - used);
		buf_free(&held);
		return;
	}
	size_t used = dec_run(d, s, len, final);
	if (used < len)
		buf_append(&d->sniff, s + used, len - used);
}

/* Release the iconv descriptor and held bytes. */
void
dec_free(struct fp_decode *d)
{
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	d->cd = (iconv_t)-1;
	buf_free(&d->sniff);
	free(d->http_charset);
	d->http_charset = NULL;
}
