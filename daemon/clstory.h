/*
 * Stories, cluster-wide: the first-writer-wins story check of each alert
 * over NATS key-value buckets, and the later sightings sent to the
 * also_in of the node that raised the alert (daemon/clstory.c).  On the
 * pipeline's loop; daemon/cluster.c drives it.
 */
#ifndef FW_DAEMON_CLSTORY_H
#define FW_DAEMON_CLSTORY_H

#include <stddef.h>

struct cluster_stats;
struct natsconn;
struct pipeline;
struct clstory;

/* The buckets must be ensured before a question is asked. */
struct clstory *clstory_new(struct natsconn *nc, struct pipeline *p,
    const char *self, const char *b_stories, const char *b_titles,
    const char *b_sightings);
/* Ask about alert `alert` of item `item` of the pipeline's feed `feed`:
 * the answer sets its elsewhere (pipeline_int.h) and, when the last
 * answer is in, wakes the pipeline's commit. */
void clstory_ask(struct clstory *cs, size_t feed, size_t item, size_t alert);
size_t clstory_pending(const struct clstory *cs);
/* Start recording the sightings other nodes send (0, or -1). */
int clstory_watch(struct clstory *cs);
/* The server lost the bucket: stop watching until clstory_watch. */
void clstory_unwatch(struct clstory *cs);
void clstory_stats(const struct clstory *cs, struct cluster_stats *st);
void clstory_free(struct clstory *cs);

#endif
