/*
 * The keys of alerts for people: a watchlist's `surge = N/PERIOD`, a
 * sink's `quiet-hours` windows (`22:00-07:00`, `Sat 00:00-Mon 07:00`) and
 * the `timezone` they are read in.  A window is kept as minutes of the day
 * or of the week, in local time; alerts/quiet.c turns them into instants
 * through the C library's time zone database.  And the one check of a
 * silence's matchers, which the tool and the status API share.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/str.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* Where the C library looks for zones when TZDIR is not set. */
#define CONF_TZDIR "/usr/share/zoneinfo"
/* A zone name: "Europe/Berlin", "America/Argentina/Buenos_Aires". */
#define CONF_TZ_MAX 64

/* Days as quiet-hours writes them, in tm_wday order. */
static const char *const day_names[7] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

/* surge = N/PERIOD, the rate-limit syntax. */
int
conf_key_surge(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	struct conf_watchlist *wl = conf_sect_base(ld, rec);

	return conf_parse_rate(
	    ld, value, &wl->surge_count, &wl->surge_period_ms);
}

/* "[Day ]HH:MM" at *p: minutes of the day or week, -1 when malformed;
 * *day says whether a day was given. */
static int
quiet_point(const char **p, int *day)
{
	const char *s = *p;
	int d = -1, h, m, n = 0;

	while (*s == ' ')
		s++;
	for (int i = 0; i < 7; i++)
		if (strncasecmp(s, day_names[i], 3) == 0 && s[3] == ' ') {
			d = i;
			s += 4;
			while (*s == ' ')
				s++;
		}
	if (!isdigit((unsigned char)s[0]) ||
	    sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n < 4 || h > 24 ||
	    m > 59 || (h == 24 && m != 0))
		return -1;
	*p = s + n;
	*day = d >= 0;
	return (d >= 0 ? d : 0) * 1440 + h * 60 + m;
}

/* One window "A-B" into a conf_quiet; -1 when malformed. */
static int
quiet_parse(const char *text, struct conf_quiet *q)
{
	const char *p = text;
	int day_a, day_b;

	if ((q->start = quiet_point(&p, &day_a)) < 0 || *p++ != '-' ||
	    (q->end = quiet_point(&p, &day_b)) < 0)
		return -1;
	while (*p == ' ')
		p++;
	if (*p != '\0' || day_a != day_b)
		return -1;
	q->weekly = day_a;
	/* 24:00 is the next day's 00:00. */
	q->start %= q->weekly ? 7 * 1440 : 1440;
	q->end %= q->weekly ? 7 * 1440 : 1440;
	return q->start == q->end ? -1 : 0;
}

/* One item of a quiet-hours list onto the sink. */
static int
quiet_add(struct loader *ld, void *arg, struct item *it, size_t col)
{
	struct conf_sink *s = arg;
	struct conf_quiet q;

	if (quiet_parse(it->text, &q) == -1)
		return conf_fail(ld,
		    "column %zu: expected a window such as 22:00-07:00 or "
		    "Sat 00:00-Mon 07:00 (both ends with a day or neither, "
		    "not empty), found '%s'",
		    col, it->text);
	if (s->nquiet == CONF_QUIET_MAX)
		return conf_fail(ld, "at most %d quiet-hours windows per sink",
		    CONF_QUIET_MAX);
	s->quiet = conf_grow(s->quiet, &s->nquiet, sizeof(*s->quiet));
	s->quiet[s->nquiet - 1] = q;
	return 0;
}

/* quiet-hours = WINDOW[, WINDOW...]; the key may repeat. */
int
conf_key_quiet(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	return conf_each_item(
	    ld, value, col, 0, quiet_add, conf_sect_base(ld, rec));
}

/* Is name a zone of the tz database (a file under TZDIR)? */
static int
tz_known(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	struct stat st;

	if (name[0] == '\0' || name[0] == '/' || strlen(name) > CONF_TZ_MAX ||
	    strstr(name, "..") != NULL)
		return 0;
	for (const char *p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_-+", *p) == NULL)
			return 0;
	snprintf(path, sizeof(path), "%s/%s",
	    dir != NULL && dir[0] != '\0' ? dir : CONF_TZDIR, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* timezone = Area/City, checked against the installed database. */
int
conf_key_timezone(struct loader *ld, struct sect_rec *rec, const struct key *k,
    char *value, size_t col)
{
	char *s = conf_value_one(ld, value, col);

	if (s == NULL)
		return -1;
	if (!tz_known(s)) {
		conf_fail(ld,
		    "expected a time zone of the tz database such as "
		    "Europe/Berlin or UTC, found '%s'",
		    s);
		free(s);
		return -1;
	}
	conf_key_store_str(ld, rec, k, s);
	return 0;
}

/* What a silence matcher may name, in enum conf_matcher order. */
static const char *const matcher_what[CONF_MATCHER_COUNT] = {
    "watchlist", "feed", "actor", "topic"};

/* Does the config have a section of the matcher's kind by that name? */
static int
conf_matcher_known(const struct conf *c, enum conf_matcher k, const char *name)
{
	const struct conf_entity *e;

	switch (k) {
	case CONF_MATCH_WATCHLIST:
		for (size_t i = 0; i < c->nwatchlists; i++)
			if (strcmp(c->watchlists[i].name, name) == 0)
				return 1;
		return 0;
	case CONF_MATCH_FEED:
		return conf_find_feed(c, name) != NULL;
	case CONF_MATCH_ACTOR:
	case CONF_MATCH_TOPIC:
		e = conf_find_entity(c, name);
		return e != NULL &&
		    e->kind ==
		    (k == CONF_MATCH_ACTOR ? CONF_ACTOR : CONF_TOPIC);
	default:
		return 0;
	}
}

/* The first matcher that is set but names nothing; -1 when all are good
 * and at least one is set, CONF_MATCHER_COUNT when none is. */
int
conf_matchers_check(
    const struct conf *c, const char *const m[], const char **what)
{
	int any = 0;

	for (int k = 0; k < CONF_MATCHER_COUNT; k++) {
		if (m[k] == NULL)
			continue;
		any = 1;
		if (!conf_matcher_known(c, k, m[k])) {
			*what = matcher_what[k];
			return k;
		}
	}
	return any ? -1 : CONF_MATCHER_COUNT;
}
