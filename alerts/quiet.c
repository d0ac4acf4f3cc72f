/*
 * Quiet hours: see quiet.h.
 *
 * Local time in the sink's zone comes from localtime_r with TZ set to the
 * zone for the one call and put back after it (tzset each time).  The
 * daemon calls this only from its loop thread, and nothing else in the
 * process reads TZ while the loop runs (the resolver threads of libcurl
 * do not convert times), so the switch is not seen elsewhere.  A window's
 * end is found in wall-clock minutes, then corrected by the zone's UTC
 * offset at the end (a DST change inside the window moves it an hour),
 * checked once more, and taken as is when the wall-clock time does not
 * exist that day (an end inside the spring-forward gap).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/quiet.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

#define DAY_MIN 1440
#define WEEK_MIN (7 * DAY_MIN)
/* Corrections of an end estimate: one for the offset, one to check. */
#define QUIET_FIX_STEPS 3

/* t as local time in zone tz (NULL: the process's zone). */
static void
quiet_local(const char *tz, time_t t, struct tm *tm)
{
	const char *cur;
	char *old = NULL;

	if (tz == NULL) {
		localtime_r(&t, tm);
		return;
	}
	if ((cur = getenv("TZ")) != NULL)
		old = xstrdup(cur);
	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&t, tm);
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

/* The minute of the day or week of a local time. */
static int
quiet_minute(const struct tm *tm, int weekly)
{
	int m = tm->tm_hour * 60 + tm->tm_min;

	return weekly ? tm->tm_wday * DAY_MIN + m : m;
}

/* Is minute x (of the window's period) inside [start, end)? */
static int
quiet_in(const struct conf_quiet *q, int x)
{
	return q->start < q->end ? x >= q->start && x < q->end
	                         : x >= q->start || x < q->end;
}

/* The instant the window holding t ends, found in wall-clock minutes and
 * corrected for UTC offset changes in between. */
static int64_t
quiet_end(
    const char *tz, const struct conf_quiet *q, int64_t t, const struct tm *now)
{
	int period = q->weekly ? WEEK_MIN : DAY_MIN;
	int64_t end = t - now->tm_sec +
	    (int64_t)((q->end - quiet_minute(now, q->weekly) + period) %
	        period) *
	        60;
	int64_t prev = end;
	struct tm tm;
	int d, found = 0;

	for (int i = 0; i < QUIET_FIX_STEPS && !found; i++) {
		quiet_local(tz, (time_t)end, &tm);
		d = q->end - quiet_minute(&tm, q->weekly);
		/* The shortest way round to the end's wall-clock minute. */
		if (d > period / 2)
			d -= period;
		if (d < -period / 2)
			d += period;
		found = d == 0 && tm.tm_sec == 0;
		prev = end;
		if (!found)
			end += (int64_t)d * 60 - tm.tm_sec;
	}
	/* No such wall-clock time that day: the later of the two. */
	if (!found && prev > end)
		end = prev;
	return end > t ? end : t + 60;
}

/* The window holding t, if any: its end in *end. */
static int
quiet_one(const struct conf_sink *cs, int64_t t, int64_t *end)
{
	struct tm tm;

	quiet_local(cs->timezone, (time_t)t, &tm);
	for (size_t i = 0; i < cs->nquiet; i++)
		if (quiet_in(&cs->quiet[i],
		        quiet_minute(&tm, cs->quiet[i].weekly))) {
			*end = quiet_end(cs->timezone, &cs->quiet[i], t, &tm);
			return 1;
		}
	return 0;
}

/* Windows that touch or overlap are one quiet time: follow them. */
int
quiet_at(const struct conf_sink *cs, int64_t t, int64_t *end)
{
	int64_t e, next;

	if (cs->nquiet == 0 || !quiet_one(cs, t, &e))
		return 0;
	for (size_t i = 0; i < cs->nquiet && quiet_one(cs, e, &next); i++)
		e = next;
	*end = e;
	return 1;
}
