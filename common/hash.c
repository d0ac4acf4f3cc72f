/* FNV-1a 64: see hash.h. */
#include "config.h"

#include <stdio.h>

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
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}
