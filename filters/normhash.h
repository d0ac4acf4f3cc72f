/*
 * The word hash of norm_token.hash, shared by the tokeniser (which mixes
 * blocks as it folds) and normhash.c (whole words and their prefixes).
 * Private to filters/normalize.c and filters/normhash.c.
 */
#ifndef FW_FILTERS_NORMHASH_H
#define FW_FILTERS_NORMHASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * norm_hash mixes a word eight bytes at a time (the multiplications of
 * successive blocks do not wait on each other as a byte-at-a-time hash's
 * do), the blocks assembled from the bytes as they are folded, so the
 * tokeniser never reads back what it just wrote.
 */
#define NH_SEED 0x9E3779B97F4A7C15ULL

/* Mix one 8-byte block into the hash. */
static inline uint64_t
nh_block(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xFF51AFD7ED558CCDULL;
	return h ^ (h >> 32);
}

/* Add byte b, the nl-th of the word (counting from 0). */
static inline void
nh_byte(uint64_t *h, uint64_t *cur, size_t nl, unsigned char b)
{
	*cur |= (uint64_t)b << ((nl & 7) * 8);
	if ((nl & 7) == 7) {
		*h = nh_block(*h, *cur);
		*cur = 0;
	}
}

/* Mix in the last partial block and the length. */
static inline uint32_t
nh_final(uint64_t h, uint64_t cur, size_t len)
{
	if (len & 7)
		h = nh_block(h, cur);
	h ^= (uint64_t)len * 0xC2B2AE3D27D4EB4FULL;
	h *= 0xC4CEB9FE1A85EC53ULL;
	return (uint32_t)(h >> 32);
}

/* The low n bytes of v (n < 8). */
static inline uint64_t
low_bytes(uint64_t v, unsigned n)
{
	return n == 0 ? 0 : v & (~(uint64_t)0 >> (64 - 8 * n));
}

#endif
