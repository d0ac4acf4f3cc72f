/* FNV-1a 64: see hash.h. */
#include "config.h"

#include <string.h>

#include "common/hash.h"

#define FNV64_PRIME 0x100000001b3ULL

/* FNV-1a: xor each byte in, then multiply by the prime. */
uint64_t
hash64_update(uint64_t h, const void *p, size_t len)
{
	const unsigned char *u = p;

	for (size_t i = 0; i < len; i++) {
		h ^= u[i];
		h *= FNV64_PRIME;
	}
	return h;
}

/* One-shot hash of len bytes from HASH64_INIT. */
uint64_t
hash64(const void *p, size_t len)
{
	return hash64_update(HASH64_INIT, p, len);
}

/* Sixteen lower-case hex digits, zero-padded, for ids. */
void
hash64_hex(uint64_t h, char out[17])
{
	static const char digit[] = "0123456789abcdef";

	/* What snprintf's "%016llx" writes, without its format parsing
	 * (every new item's title key and every alert id pay for it). */
	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = digit[h & 0xF];
	out[16] = '\0';
}

/* ---- hash_stream ---------------------------------------------------- */

#define HS_P1 0x9e3779b185ebca87ULL
#define HS_P2 0xc2b2ae3d27d4eb4fULL
#define HS_P3 0x165667b19e3779f9ULL

/* Rotate left by r (0 < r < 64). */
static inline uint64_t
hs_rotl(uint64_t v, int r)
{
	return (v << r) | (v >> (64 - r));
}

/* One word into one lane. */
static inline uint64_t
hs_round(uint64_t lane, uint64_t w)
{
	return hs_rotl(lane + w * HS_P2, 31) * HS_P1;
}

/* A word at p, whatever its alignment. */
static inline uint64_t
hs_word(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Four words into the four lanes. */
static inline void
hs_block(struct hash_stream *hs, const unsigned char *p)
{
	for (int i = 0; i < 4; i++)
		hs->lane[i] = hs_round(hs->lane[i], hs_word(p + 8 * i));
}

/* Lanes seeded apart, so equal words in different lanes differ. */
void
hash_stream_init(struct hash_stream *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->lane[0] = HS_P1 + HS_P2;
	hs->lane[1] = HS_P2;
	hs->lane[2] = 0;
	hs->lane[3] = 0 - HS_P1;
}

/* Whole blocks go straight through; a partial one waits in tail. */
void
hash_stream_update(struct hash_stream *hs, const void *p, size_t len)
{
	const unsigned char *u = p;

	hs->len += len;
	if (hs->ntail > 0) {
		size_t take = sizeof(hs->tail) - hs->ntail;

		if (take > len)
			take = len;
		memcpy(hs->tail + hs->ntail, u, take);
		hs->ntail += take;
		u += take;
		len -= take;
		if (hs->ntail < sizeof(hs->tail))
			return;
		hs_block(hs, hs->tail);
		hs->ntail = 0;
	}
	if (len >= sizeof(hs->tail)) {
		/* The lanes in registers, the four rounds written out: the
		 * loop through hs->lane[] cost 40 instructions a block, this
		 * one 23 (bench/RESULTS.md); the digest is the same. */
		uint64_t l0 = hs->lane[0], l1 = hs->lane[1], l2 = hs->lane[2];
		uint64_t l3 = hs->lane[3];

		for (; len >= sizeof(hs->tail);
		     u += sizeof(hs->tail), len -= sizeof(hs->tail)) {
			l0 = hs_round(l0, hs_word(u));
			l1 = hs_round(l1, hs_word(u + 8));
			l2 = hs_round(l2, hs_word(u + 16));
			l3 = hs_round(l3, hs_word(u + 24));
		}
		hs->lane[0] = l0;
		hs->lane[1] = l1;
		hs->lane[2] = l2;
		hs->lane[3] = l3;
	}
	memcpy(hs->tail, u, len);
	hs->ntail = len;
}

/* Merge the lanes, then the length and the tail, then mix every bit. */
uint64_t
hash_stream_final(const struct hash_stream *hs)
{
	uint64_t h = hs_rotl(hs->lane[0], 1) + hs_rotl(hs->lane[1], 7) +
	    hs_rotl(hs->lane[2], 12) + hs_rotl(hs->lane[3], 18);
	size_t i = 0;

	for (int k = 0; k < 4; k++)
		h = (h ^ hs_round(0, hs->lane[k])) * HS_P1 + HS_P3;
	h += hs->len;
	for (; i + 8 <= hs->ntail; i += 8)
		h = hs_rotl(h ^ hs_round(0, hs_word(hs->tail + i)), 27) *
		        HS_P1 +
		    HS_P3;
	for (; i < hs->ntail; i++)
		h = hs_rotl(h ^ (hs->tail[i] * HS_P1), 11) * HS_P2;
	h ^= h >> 33;
	h *= HS_P2;
	h ^= h >> 29;
	h *= HS_P3;
	h ^= h >> 32;
	return h != 0 ? h : 1;
}
