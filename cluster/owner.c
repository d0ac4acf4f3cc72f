/*
 * Rendezvous hashing (see owner.h).  A pair's score is a 64-bit mix of the
 * feed's FNV-1a hash and the node's: the feed's hash is computed once per
 * lookup and each node costs one multiply-xorshift round, so a lookup over
 * ten nodes is a few tens of nanoseconds.  The mix (the finaliser of
 * SplitMix64) spreads FNV's weak low bits over the whole word, which is
 * what makes the highest score fall evenly on every node.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cluster/owner.h"
#include "common/hash.h"
#include "common/xmalloc.h"

struct owner_node {
	char *name;
	uint64_t seed; /* the mixed hash of the name */
};

struct owner {
	struct owner_node *nodes; /* sorted by name */
	size_t nnodes;
};

/* A bijective 64-bit mixer: every input bit reaches every output bit. */
static uint64_t
owner_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/* The score from the two hashes (shared by owner_score and lookups). */
static uint64_t
owner_combine(uint64_t node_seed, uint64_t feed_hash)
{
	return owner_mix(node_seed ^ feed_hash);
}

/* The score of a node for a feed. */
uint64_t
owner_score(const char *node, const char *feed)
{
	return owner_combine(
	    owner_mix(hash64(node, strlen(node))), hash64(feed, strlen(feed)));
}

/* An owner with no live node. */
struct owner *
owner_new(void)
{
	return xcalloc(1, sizeof(struct owner));
}

/* qsort: by name. */
static int
owner_cmp(const void *a, const void *b)
{
	return strcmp(((const struct owner_node *)a)->name,
	    ((const struct owner_node *)b)->name);
}

/* Free a node array. */
static void
owner_free_nodes(struct owner_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Take a new live set, sorted and without duplicates. */
int
owner_set_nodes(struct owner *o, const char *const *names, size_t n)
{
	struct owner_node *v;
	size_t k = 0;

	if (n > OWNER_NODES_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		if (len == 0 || len > OWNER_NAME_MAX)
			return -1;
	}
	v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].name = xstrdup(names[i]);
		v[i].seed = owner_mix(hash64(names[i], strlen(names[i])));
	}
	qsort(v, n, sizeof(*v), owner_cmp);
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1].name, v[i].name) == 0) {
			free(v[i].name);
			continue;
		}
		v[k++] = v[i];
	}
	owner_free_nodes(o->nodes, o->nnodes);
	o->nodes = v;
	o->nnodes = k;
	return 0;
}

/* How many live nodes. */
size_t
owner_nnodes(const struct owner *o)
{
	return o->nnodes;
}

/* A live node's name by position. */
const char *
owner_node(const struct owner *o, size_t i)
{
	return i < o->nnodes ? o->nodes[i].name : NULL;
}

/* The highest score wins; ties (never seen in practice) go to the name
 * that sorts first, so every node still agrees. */
const char *
owner_of(const struct owner *o, const char *feed)
{
	uint64_t fh = hash64(feed, strlen(feed)), best = 0;
	const char *who = NULL;

	for (size_t i = 0; i < o->nnodes; i++) {
		uint64_t sc = owner_combine(o->nodes[i].seed, fh);
		if (who == NULL || sc > best) {
			best = sc;
			who = o->nodes[i].name;
		}
	}
	return who;
}

/* Is node the owner of feed? */
int
owner_is_mine(const struct owner *o, const char *feed, const char *node)
{
	const char *who = owner_of(o, feed);

	return who != NULL && strcmp(who, node) == 0;
}

/* Free the live set and the owner. */
void
owner_free(struct owner *o)
{
	if (o == NULL)
		return;
	owner_free_nodes(o->nodes, o->nnodes);
	free(o);
}
