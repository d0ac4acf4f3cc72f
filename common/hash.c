/* FNV-1a 64: see hash.h. */
#include "config.h"

#include <stdio.h>

#include "common/hash.h"

#define FNV64_PRIME 0x100000001b3ULL

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

uint64_t
hash64(const void *p, size_t len)
{
	return hash64_update(HASH64_INIT, p, len);
}

void
hash64_hex(uint64_t h, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}
