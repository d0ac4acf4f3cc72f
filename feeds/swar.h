/*
 * A block of bytes at a time: the scanning loops of the parser's text
 * stages (xmlfix.c, html.c) skip ordinary text a block at a time and stop
 * only near the bytes they care about.  Each test returns a mask with bit
 * k set when byte k of the block matches.  With SSE2 (every x86-64) a
 * block is 16 bytes compared at once; elsewhere it is 8 bytes of plain
 * 64-bit arithmetic ("SIMD within a register"), whose masks are exact
 * (no false positives, unlike the classic has-zero-byte trick).
 */
#ifndef FW_FEEDS_SWAR_H
#define FW_FEEDS_SWAR_H

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>

#define SCAN_BLOCK 16
typedef __m128i scan_vec;

static inline scan_vec
scan_load(const char *s)
{
	return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline unsigned
scan_eq(scan_vec v, unsigned char c)
{
	return (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
}

/* Write a block to d (copying while scanning). */
static inline void
scan_store(char *d, scan_vec v)
{
	_mm_storeu_si128((__m128i *)(void *)d, v);
}

/* Bytes below 0x20: those that min(v, 0x1F) leaves unchanged. */
static inline unsigned
scan_ctrl(scan_vec v)
{
	return (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
}

/* Bytes with the high bit set (not ASCII). */
static inline unsigned
scan_high(scan_vec v)
{
	return (unsigned)_mm_movemask_epi8(v);
}

#else

#define SCAN_BLOCK 8
typedef uint64_t scan_vec;

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_LOW7 0x7F7F7F7F7F7F7F7FULL

static inline scan_vec
scan_load(const char *s)
{
	uint64_t v;

	memcpy(&v, s, sizeof(v));
	return v;
}

/* Write a block to d (copying while scanning). */
static inline void
scan_store(char *d, scan_vec v)
{
	memcpy(d, &v, sizeof(v));
}

/* High bit of each zero byte of x, gathered into bits 0..7. */
static inline unsigned
swar_zero_mask(uint64_t x)
{
	uint64_t z = ~(((x & SWAR_LOW7) + SWAR_LOW7) | x | SWAR_LOW7);

	return (
	    unsigned)((((z >> 7) & SWAR_ONES) * 0x0102040810204080ULL) >> 56);
}

static inline unsigned
scan_eq(scan_vec v, unsigned char c)
{
	return swar_zero_mask(v ^ (SWAR_ONES * c));
}

static inline unsigned
scan_ctrl(scan_vec v)
{
	return swar_zero_mask(v & (SWAR_ONES * 0xE0));
}

static inline unsigned
scan_high(scan_vec v)
{
	return (
	    unsigned)((((v >> 7) & SWAR_ONES) * 0x0102040810204080ULL) >> 56);
}

#endif

/* The highest bit of a block's mask. */
#define SCAN_LAST (1u << (SCAN_BLOCK - 1))

/* Index of the lowest set bit (mask != 0). */
static inline unsigned
scan_first(unsigned mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/* How many bytes of s[0..n) are c. */
static inline size_t
scan_count(const char *s, size_t n, unsigned char c)
{
	size_t count = 0, i = 0;

#ifdef __SSE2__
	const __m128i needle = _mm_set1_epi8((char)c);
	const __m128i zero = _mm_setzero_si128();

	/* Byte lanes count to at most 255 before they are summed. */
	while (i + 16 <= n) {
		__m128i acc = zero, sums;
		size_t stop = n - i > 16 * 255 ? i + 16 * 255 : n;

		for (; i + 16 <= stop; i += 16)
			acc = _mm_sub_epi8(
			    acc, _mm_cmpeq_epi8(scan_load(s + i), needle));
		sums = _mm_sad_epu8(acc, zero);
		count += (size_t)_mm_cvtsi128_si32(sums) +
		    (size_t)_mm_extract_epi16(sums, 4);
	}
#endif
	for (; i < n; i++)
		count += (unsigned char)s[i] == c;
	return count;
}

#endif
