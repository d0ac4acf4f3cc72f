/*
 * WAL checkpoints off the daemon's loop (see store_checkpoint_start).
 * With SQLite's automatic checkpoint, the commit that crosses 1000 WAL
 * pages copies them back into state.db on the loop's thread: the loop
 * stalls for as long as the copy and its fsync take.  Here the daemon's
 * connection never checkpoints; a thread with its own connection runs a
 * PASSIVE checkpoint on a timer, which copies what no reader still needs
 * and waits for nobody, so the daemon's commits only append to the WAL.
 * The thread touches nothing of the daemon's but the counters below,
 * which it updates under the mutex.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "common/timeutil.h"
#include "common/xmalloc.h"
#include "store/store.h"
#include "store/store_int.h"

/* Least and most time between checkpoints. */
#define CKPT_INTERVAL_MIN_MS 10
#define CKPT_INTERVAL_MAX_MS 60000

struct store_ckpt {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	sqlite3 *db;
	int interval_ms;
	int stop;
	uint64_t runs, frames, max_us;
	int warned;
};

/* The deadline interval_ms from now on CLOCK_REALTIME, as the condition
 * variable wants it. */
static void
ckpt_deadline(struct timespec *ts, int interval_ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += interval_ms / 1000;
	ts->tv_nsec += (long)(interval_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* The thread: a PASSIVE checkpoint every interval until told to stop. */
static void *
ckpt_main(void *arg)
{
	struct store_ckpt *c = arg;
	struct timespec ts;
	uint64_t t0, us;
	int rc, nlog, nck;

	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		ckpt_deadline(&ts, c->interval_ms);
		while (!c->stop &&
		    pthread_cond_timedwait(&c->cv, &c->mu, &ts) != ETIMEDOUT)
			;
		if (c->stop)
			break;
		pthread_mutex_unlock(&c->mu);
		t0 = time_mono_us();
		rc = sqlite3_wal_checkpoint_v2(
		    c->db, "main", SQLITE_CHECKPOINT_PASSIVE, &nlog, &nck);
		us = time_mono_us() - t0;
		pthread_mutex_lock(&c->mu);
		c->runs++;
		if (rc == SQLITE_OK && nck > 0)
			c->frames += (uint64_t)nck;
		if (us > c->max_us)
			c->max_us = us;
		/* Busy is normal (a writer holds the lock); anything else is
		 * said once, and the WAL just grows until it works again. */
		if (rc != SQLITE_OK && rc != SQLITE_BUSY && !c->warned) {
			c->warned = 1;
			log_warnx("WAL checkpoint: %s", sqlite3_errmsg(c->db));
		}
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* Its own connection, then the thread; autocheckpoint off only once the
 * thread runs. */
int
store_checkpoint_start(struct store *s, int interval_ms)
{
	struct store_ckpt *c;
	sigset_t all, old;
	int rc;

	if (s->ckpt != NULL || s->readonly)
		return 0;
	if (interval_ms < CKPT_INTERVAL_MIN_MS)
		interval_ms = CKPT_INTERVAL_MIN_MS;
	if (interval_ms > CKPT_INTERVAL_MAX_MS)
		interval_ms = CKPT_INTERVAL_MAX_MS;
	c = xcalloc(1, sizeof(*c));
	c->interval_ms = interval_ms;
	/* A connection learns that the file is in WAL mode when it first
	 * reads it; until then a checkpoint does nothing. */
	if (sqlite3_open_v2(s->path, &c->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        store_wal_vfs()) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA journal_mode = WAL", NULL, NULL,
	        NULL) != SQLITE_OK) {
		store_fail(s, "%s: checkpoint connection: %s", s->path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* The thread starts with every signal blocked, so SIGHUP, SIGTERM
	 * and SIGCHLD always reach the loop's thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thread, NULL, ckpt_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		store_fail(
		    s, "%s: cannot start the checkpoint thread", s->path);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	s->ckpt = c;
	sqlite3_wal_autocheckpoint(s->db, 0);
	return 0;
}

/* Wake the thread, wait for it, close its connection. */
void
store_checkpoint_stop(struct store *s)
{
	struct store_ckpt *c = s->ckpt;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c);
	s->ckpt = NULL;
}

/* The counters, read under the thread's mutex; zeros without a thread. */
void
store_checkpoint_stats(
    const struct store *s, uint64_t *runs, uint64_t *frames, uint64_t *max_us)
{
	struct store_ckpt *c = s->ckpt;

	*runs = *frames = *max_us = 0;
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	*runs = c->runs;
	*frames = c->frames;
	*max_us = c->max_us;
	pthread_mutex_unlock(&c->mu);
}
