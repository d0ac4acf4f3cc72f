/* A set of 64-bit keys: see idset.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/idset.h"
#include "common/xmalloc.h"

/* The first table: room for 12 keys. */
#define IDSET_MIN_CAP 16

/* FNV-1a of the id, never 0. */
uint64_t
idset_key(const char *id)
{
	uint64_t k = hash64(id, strlen(id));

	return k != 0 ? k : 1;
}

/* Where key is, or the empty slot where it would go. */
static size_t
idset_find(const struct idset *s, uint64_t key)
{
	size_t mask = s->cap - 1, i = (size_t)(key ^ (key >> 29)) & mask;

	while (s->slot[i] != 0 && s->slot[i] != key)
		i = (i + 1) & mask;
	return i;
}

/* Is key in the set? */
int
idset_has(const struct idset *s, uint64_t key)
{
	return s->cap > 0 && s->slot[idset_find(s, key)] == key;
}

/* Double the table (or make the first), putting every key back. */
static void
idset_grow(struct idset *s)
{
	struct idset old = *s;

	s->cap = old.cap ? old.cap * 2 : IDSET_MIN_CAP;
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i] != 0)
			s->slot[idset_find(s, old.slot[i])] = old.slot[i];
	free(old.slot);
}

/* Add key (0 is refused: it marks empty slots). */
void
idset_add(struct idset *s, uint64_t key)
{
	size_t i;

	if (key == 0)
		return;
	if ((s->n + 1) * 4 > s->cap * 3)
		idset_grow(s);
	i = idset_find(s, key);
	if (s->slot[i] == 0) {
		s->slot[i] = key;
		s->n++;
	}
}

/* Add each of n keys. */
void
idset_add_all(struct idset *s, const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		idset_add(s, keys[i]);
}

/* Free the table. */
void
idset_clear(struct idset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
