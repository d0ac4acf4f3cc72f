/*
 * Eight bytes at a time: the scanning loops of the parser's text stages
 * (xmlfix.c, html.c) skip ordinary text a word at a time and stop only
 * near the bytes they care about.  Each mask has the high bit set in
 * exactly the bytes that match (no false positives, unlike the classic
 * "has zero byte" trick, so the masks can be combined).
 */
#ifndef FW_FEEDS_SWAR_H
#define FW_FEEDS_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_LOW7 0x7F7F7F7F7F7F7F7FULL
#define SWAR_HIGH 0x8080808080808080ULL

static inline uint64_t
swar_load(const char *s)
{
	uint64_t v;

	memcpy(&v, s, sizeof(v));
	return v;
}

/* High bit of each zero byte of x. */
static inline uint64_t
swar_zero(uint64_t x)
{
	return ~(((x & SWAR_LOW7) + SWAR_LOW7) | x | SWAR_LOW7);
}

/* High bit of each byte equal to c. */
static inline uint64_t
swar_eq(uint64_t v, unsigned char c)
{
	return swar_zero(v ^ (SWAR_ONES * c));
}

/* High bit of each byte below 0x20. */
static inline uint64_t
swar_ctrl(uint64_t v)
{
	return swar_zero(v & (SWAR_ONES * 0xE0));
}

#endif
