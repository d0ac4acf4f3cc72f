/*
 * Which live node polls which feed: rendezvous (highest random weight)
 * hashing.  Every node scores every (node, feed) pair with the same hash
 * and the node with the highest score owns the feed, so each node computes
 * the same answer from the same live set without talking to anyone, and a
 * node that joins or leaves moves only the feeds it gains or had: every
 * other pair keeps its score and its order.
 *
 *	o = owner_new();
 *	owner_set_nodes(o, names, n);	(the live set, any order)
 *	if (owner_is_mine(o, feed_name, my_name)) ...
 *	owner_free(o);
 */
#ifndef FW_CLUSTER_OWNER_H
#define FW_CLUSTER_OWNER_H

#include <stddef.h>
#include <stdint.h>

/* A node name longer than this is refused (KV keys are short). */
#define OWNER_NAME_MAX 128
/* More live nodes than this are refused: one feed costs one hash per node. */
#define OWNER_NODES_MAX 1024

struct owner;

struct owner *owner_new(void);
/* Replace the live set (names copied, duplicates kept once); -1 when a
 * name is empty or too long or there are too many (the set is then left
 * as it was). */
int owner_set_nodes(struct owner *o, const char *const *names, size_t n);
size_t owner_nnodes(const struct owner *o);
/* The i-th live node in name order. */
const char *owner_node(const struct owner *o, size_t i);
/* The node that owns feed, or NULL with no live node. */
const char *owner_of(const struct owner *o, const char *feed);
/* Does node own feed? */
int owner_is_mine(const struct owner *o, const char *feed, const char *node);
void owner_free(struct owner *o);

/* The score of one pair (the test and the documentation use it). */
uint64_t owner_score(const char *node, const char *feed);

#endif
