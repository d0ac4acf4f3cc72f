/*
 * The word table: see dict.h.  A table stays at most half full, so that
 * a missing word stops after a probe or two.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/xmalloc.h"
#include "filters/dict.h"
#include "filters/normalize.h"

/* Grow an array of elements to hold at least `need`. */
void *
dict_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 64;
	return xreallocarray(p, *cap, size);
}

/* Tables from this size on are backed by huge pages where the kernel
 * offers them: the scan touches them at random, and with 100,000 terms
 * they span thousands of small pages, more than the TLB holds. */
#define DICT_HUGE_MIN ((size_t)2 << 20)

/* A zeroed table of size bytes; free() it. */
void *
dict_table_alloc(size_t size)
{
	void *p = NULL;

	if (size >= DICT_HUGE_MIN &&
	    posix_memalign(&p, DICT_HUGE_MIN, size) == 0) {
#ifdef MADV_HUGEPAGE
		(void)madvise(p, size, MADV_HUGEPAGE);
#endif
		memset(p, 0, size);
		return p;
	}
	return xcalloc(1, size);
}

/* An empty dictionary. */
void
dict_init(struct dict *d)
{
	memset(d, 0, sizeof(*d));
	d->mask = 63;
	d->slots = xcalloc(d->mask + 1, sizeof(*d->slots));
}

/* Free what a dictionary holds (not the struct). */
void
dict_free(struct dict *d)
{
	free(d->filter);
	free(d->slots);
	free(d->slot_of);
	free(d->str);
}

/* The id of a folded word, or UINT32_MAX. */
uint32_t
dict_find_id(const struct dict *d, const char *w, size_t len, uint32_t h)
{
	const struct dict_slot *s = dict_find(d, w, len, h);

	return s != NULL ? s->id1 - 1 : UINT32_MAX;
}

/* A zeroed filter for n keys: about sixteen bits per key, at least 4 Kib
 * (so a small table costs one page), at most 2^30 bits. */
uint64_t *
dict_filter_new(size_t n, int *bits)
{
	int b = 12;

	while (((size_t)1 << b) < n * 16 && b < 30)
		b++;
	*bits = b;
	return xcalloc(((size_t)1 << b) / 64, sizeof(uint64_t));
}

/* The word filter: a bit per word's hash. */
void
dict_build_filter(struct dict *d)
{
	int bits;

	d->filter = dict_filter_new(d->n, &bits);
	d->fbits = bits;
	for (size_t i = 0; i <= d->mask; i++)
		if (d->slots[i].id1 != 0) {
			uint32_t b = d->slots[i].hash >> (32 - bits);

			d->filter[b / 64] |= (uint64_t)1 << (b % 64);
		}
}

/* Put a slot's contents in a free slot of the table. */
static void
dict_place(struct dict *d, const struct dict_slot *from)
{
	size_t i = from->hash & d->mask;

	while (d->slots[i].id1 != 0)
		i = (i + 1) & d->mask;
	d->slots[i] = *from;
	d->slot_of[from->id1 - 1] = (uint32_t)i;
}

/* The id of a folded word, added when new.  The table stays at most half
 * full, so that a missing word stops after a probe or two. */
uint32_t
dict_intern(struct dict *d, const char *w, size_t len)
{
	uint32_t h = norm_hash(w, len);
	uint32_t id = dict_find_id(d, w, len, h);
	struct dict_slot ns;

	if (id != UINT32_MAX)
		return id;
	id = (uint32_t)d->n;
	d->slot_of =
	    dict_grow(d->slot_of, &d->cap, d->n + 1, sizeof(*d->slot_of));
	if ((d->n + 1) * 2 > d->mask + 1) {
		struct dict_slot *old = d->slots;
		size_t oldmask = d->mask;

		d->mask = d->mask * 2 + 1;
		d->slots = dict_table_alloc((d->mask + 1) * sizeof(*d->slots));
		for (size_t i = 0; i <= oldmask; i++)
			if (old[i].id1 != 0)
				dict_place(d, &old[i]);
		free(old);
	}
	d->str = dict_grow(d->str, &d->capstr, d->nstr + len, 1);
	memcpy(d->str + d->nstr, w, len);
	memset(&ns, 0, sizeof(ns));
	ns.hash = h;
	ns.id1 = id + 1;
	ns.off = (uint32_t)d->nstr;
	ns.len = (uint16_t)len;
	memcpy(ns.head, w, len < DICT_HEAD ? len : DICT_HEAD);
	d->nstr += len;
	d->n++;
	dict_place(d, &ns);
	return id;
}
