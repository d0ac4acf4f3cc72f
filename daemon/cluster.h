/*
 * A feedwatchd node of a cluster (issue 21, `[cluster]`): membership,
 * feed ownership and shared feed state over NATS JetStream key-value
 * buckets, on the pipeline's loop.
 *
 * Membership: every heartbeat the node puts its record (node name, start
 * time, config hash, pid, version) under its name in NAME_nodes, a bucket
 * whose values live heartbeat-ttl; every node watches the bucket.  Expiry
 * is judged on the server's clock (the newest write time seen), never on a
 * node's own, so a node whose clock is off neither dies nor lives on.
 *
 * Ownership: the live set decides by rendezvous hashing (cluster/owner.h)
 * which node polls which feed.  A node owns nothing until it has seen the
 * whole membership and its own record for CLUSTER_SETTLE_BEATS heartbeats,
 * so three nodes started together do not all poll everything first.
 *
 * Shared feed state: after each poll of a feed it owns, the node puts the
 * feed's validators, schedule, backoff, health and the ids of its last
 * document into NAME_feeds; every node watches that bucket, so a node that
 * takes a feed over polls it when its old owner would have, with its
 * validators, and knows which of its items are old.
 *
 * Stories: each alert's story keys are created first-writer-wins before
 * it is written, and a later sighting goes to the also_in of the node
 * that alerted (daemon/clstory.h).
 */
#ifndef FW_DAEMON_CLUSTER_H
#define FW_DAEMON_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct event_base;
struct pipeline;

/* Heartbeats a node's record must have been seen for before it owns. */
#define CLUSTER_SETTLE_BEATS 2
/* Heartbeats in a row, connected, whose record did not come back through
 * the nodes watch: the server lost its JetStream state (a fresh store),
 * so the node makes the buckets, watches and alerts stream again. */
#define CLUSTER_LOST_BEATS 6
/* Item ids of a feed's last document kept in its shared state. */
#define CLUSTER_IDS_MAX 2000

struct cluster_stats {
	int connected;
	size_t nodes;           /* live, this node included */
	size_t owned;           /* feeds this node polls */
	size_t config_differs;  /* live nodes with another config hash */
	uint64_t handovers;     /* feeds gained or lost after the first
	                           assignment */
	uint64_t state_puts;    /* shared feed states written */
	uint64_t state_adopted; /* feeds taken over with a shared state */
	/* Stories, cluster-wide: key creates, creates that found the key
	 * taken (first alerted elsewhere), reads of a taken key's value
	 * (which alert was first), keys we won pointed at that alert;
	 * sightings put into another node's also_in, and recorded here
	 * from another node. */
	uint64_t story_creates, story_taken, story_reads, story_repoints;
	uint64_t sightings_sent, sightings_recorded;
	uint64_t state_lost; /* times NATS came back without its JetStream
	                        state and the node set it up again */
	int settled;
};

struct cluster;

/* Join the cluster of c->cluster for pipeline p, which must have been
 * started in cluster mode (pipeline_start parks every feed when the config
 * has a [cluster]).  The node makes its round trips on the pipeline's
 * NATS connection (the alert bus's, alerts/alertbus.h), which outlives
 * it.  NULL with *err when the pipeline has none. */
struct cluster *cluster_new(struct event_base *base, const struct conf *c,
    struct pipeline *p, char **err);
/* Leave for good: delete this node's record (best effort), so the others
 * take its feeds over now, not after the heartbeat TTL.  A reload does
 * not leave: it frees and joins again within a heartbeat. */
void cluster_leave(struct cluster *cl);
void cluster_free(struct cluster *cl);
void cluster_stats(const struct cluster *cl, struct cluster_stats *st);
/* The node that owns the pipeline's feed i; NULL before settling. */
const char *cluster_feed_owner(const struct cluster *cl, size_t i);
const char *cluster_node_name(const struct cluster *cl);

#endif
