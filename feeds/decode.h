/*
 * Stage 1 of the feed parser (decode.c): bytes in whatever encoding the
 * document is in, out as UTF-8 to the function it is given.
 */
#ifndef FW_FEEDS_DECODE_H
#define FW_FEEDS_DECODE_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "feeds/sax.h"

/* Bytes read before the first '<' and the XML declaration: the most we
 * buffer to choose an encoding. */
#define FP_SNIFF_MAX 1024

enum dec_mode {
	DEC_SNIFF = 0, /* looking for the BOM, '<' and the declaration */
	DEC_UNDECIDED, /* ASCII so far, legacy encoding declared */
	DEC_UTF8,      /* UTF-8, stray bytes read via `table` */
	DEC_SINGLE,    /* a single-byte legacy encoding via `table` */
	DEC_ICONV,     /* a multi-byte legacy encoding via iconv */
};

struct fp_decode {
	const struct fp_handlers *h; /* warnings */
	/* Where the UTF-8 goes (called with h->ctx). */
	void (*out)(void *ctx, const char *s, size_t n);
	char *http_charset; /* the server's, before the declaration's */

	enum dec_mode dec;
	struct buf sniff;    /* held bytes: the start, or a cut sequence */
	uint32_t table[128]; /* bytes 0x80.. in the legacy encoding */
	iconv_t cd;
	char enc_name[40];
	int dec_warned;
	int bom_checked;
	int seen_lt;
	size_t junk; /* bytes skipped before the document */
	unsigned long junk_lines;
	unsigned long line_base; /* lines skipped, once the skip is told */
};

void dec_init(struct fp_decode *d, const struct fp_handlers *h,
    void (*out)(void *ctx, const char *s, size_t n));
/* The next chunk; final: the end of the input. */
void dec_feed(struct fp_decode *d, const char *s, size_t len, int final);
void dec_free(struct fp_decode *d);

#endif
