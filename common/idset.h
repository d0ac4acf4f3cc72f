/*
 * A compact set of 64-bit keys (hashes of item ids), for the pipeline's
 * per-feed memory of the ids its last document held: open addressing with
 * linear probing, at most three quarters full, 8 bytes a key.  0 is the
 * empty slot, so idset_key never returns it.
 */
#ifndef FW_COMMON_IDSET_H
#define FW_COMMON_IDSET_H

#include <stddef.h>
#include <stdint.h>

struct idset {
	uint64_t *slot; /* NULL until the first add */
	size_t cap;     /* a power of two, or 0 */
	size_t n;
};

#define IDSET_INIT         \
	{                  \
		NULL, 0, 0 \
	}

/* The key of an id string. */
uint64_t idset_key(const char *id);
int idset_has(const struct idset *s, uint64_t key);
void idset_add(struct idset *s, uint64_t key);
/* Add n keys (keys may be NULL when n is 0). */
void idset_add_all(struct idset *s, const uint64_t *keys, size_t n);
/* Empty it, keeping nothing allocated. */
void idset_clear(struct idset *s);

#endif
