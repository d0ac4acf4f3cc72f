/*
 * Inside natsconn: what natsconn.c (the connection, the workers, the
 * round trips) and natsconn_sub.c (watches and consumers, each on a
 * thread of its own) share.  Only cluster/natsconn*.c include this.
 */
#ifndef FW_CLUSTER_NATSCONN_PRIV_H
#define FW_CLUSTER_NATSCONN_PRIV_H

#include <sys/queue.h>

#include <pthread.h>
#include <stdatomic.h>

#include <nats/nats.h>

#include "cluster/natsconn.h"

/* Something a thread hands to the loop: run there, then it frees itself. */
struct nc_post {
	TAILQ_ENTRY(nc_post) entry;
	void (*run)(struct nc_post *p, int live); /* live 0: drop it */
};

TAILQ_HEAD(nc_posts, nc_post);

struct nc_job;
TAILQ_HEAD(nc_jobs, nc_job);

struct natsconn {
	struct event_base *base;
	struct event *wake;
	int pipe[2]; /* a byte on [1] wakes the loop */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct nc_jobs jobs; /* waiting for a worker */
	size_t njobs;
	struct nc_posts done;     /* waiting for the loop */
	LIST_HEAD(, nc_job) live; /* every job not yet freed (loop only) */
	int stopping;
	int closed; /* libnats called the closed handler */
	pthread_t connector;
	pthread_t *workers;
	int nworkers;
	int nthreads; /* watches and consumers not yet freed */
	natsOptions *opts;
	natsConnection *conn; /* NULL until the connector made it */
	jsCtx *js;
	int64_t timeout_ms;
	char *urls;
	void (*status)(int connected, const char *why, void *arg);
	void *arg;
	atomic_int connected;
	atomic_uint_fast64_t n_round_trips, n_publishes, n_kv_ops, n_api_calls,
	    n_errors, n_acks, n_delivered, n_watch_updates, n_disconnects,
	    n_reconnects;
};

/* Queue p for the loop (any thread). */
void nc_post(struct natsconn *nc, struct nc_post *p);
/* The connection and JetStream context once made, else NULL (any
 * thread; they live until natsconn_free). */
jsCtx *nc_js(struct natsconn *nc);
/* Wait ms or until stopping (the caller holds nothing). */
void nc_pause(struct natsconn *nc, const atomic_int *stop, int64_t ms);
/* libnats' last error on this thread, as text. */
void nc_last_error(natsStatus s, jsErrCode jerr, char *buf, size_t size);
/* Start a thread that runs fn(arg); -1 when the system has none. */
int nc_thread(
    struct natsconn *nc, pthread_t *t, void *(*fn)(void *), void *arg);
/* A thread started with nc_thread ended. */
void nc_thread_done(struct natsconn *nc);

#endif
