/*
 * Surges (a watchlist's `surge = N/PERIOD`): when at least N stories
 * alerted on one watchlist within the last PERIOD, one alert of kind
 * "surge" lists them; a watchlist has at most one surge alert per
 * PERIOD.  Counted from the alerts in the store, inside the transaction
 * that wrote the latest one, so a restart neither forgets a burst nor
 * raises its surge twice.
 */
#ifndef FW_DAEMON_SURGE_H
#define FW_DAEMON_SURGE_H

#include <time.h>

struct conf_watchlist;
struct store;

/* Stories a surge document lists at most (the newest). */
#define SURGE_STORIES_MAX 50

/* Is the watchlist surging at now, with no surge alert in the period: 1
 * with the surge's id (17 bytes), its document (free it) and its story
 * count; 0 when not; -1 on a store error. */
int surge_check(struct store *st, const struct conf_watchlist *wl, time_t now,
    char id[17], char **doc, int *count);

#endif
