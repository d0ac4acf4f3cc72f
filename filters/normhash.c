/*
 * norm_hash and norm_hash_prefixes (normalize.h) over words already
 * folded: the same mixing as the tokeniser's (normhash.h).
 */
#include "config.h"

#include <string.h>

#include "filters/normalize.h"
#include "filters/normhash.h"

/* norm_hash over a whole word, a byte at a time. */
uint32_t
norm_hash(const char *s, size_t len)
{
	uint64_t h = NH_SEED, cur = 0;

	for (size_t i = 0; i < len; i++)
		nh_byte(&h, &cur, i, (unsigned char)s[i]);
	return nh_final(h, cur, len);
}

/* The little-endian value of n <= 8 bytes. */
static inline uint64_t
nh_load(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return v;
}

/* The hashes of several prefixes of one word, its blocks mixed once. */
void
norm_hash_prefixes(
    const char *s, size_t len, const uint8_t *cut, size_t n, uint32_t *out)
{
	uint64_t hb[NORM_MAX_WORD / 8 + 2], h = NH_SEED;
	size_t nb = len > NORM_MAX_WORD ? 0 : len / 8;

	hb[0] = h;
	for (size_t b = 0; b < nb; b++) {
		uint64_t v;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(&v, s + 8 * b, 8);
#else
		v = nh_load(s + 8 * b, 8);
#endif
		hb[b + 1] = h = nh_block(h, v);
	}
	for (size_t k = 0; k < n; k++) {
		size_t p = cut[k] <= len ? len - cut[k] : 0;

		if (cut[k] == 0)
			out[k] = 0; /* the whole word: its hash is known */
		else if (len > NORM_MAX_WORD)
			out[k] = norm_hash(s, p);
		else if (p % 8 != 0 && p / 8 * 8 + 8 <= len) {
			/* The partial block lies inside the word: one load. */
			uint64_t v;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			memcpy(&v, s + p / 8 * 8, 8);
#else
			v = nh_load(s + p / 8 * 8, 8);
#endif
			out[k] = nh_final(hb[p / 8], low_bytes(v, p % 8), p);
		} else
			out[k] = nh_final(
			    hb[p / 8], nh_load(s + p / 8 * 8, p % 8), p);
	}
}
