/* Time helpers: see timeutil.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/timeutil.h"

/* t as "YYYY-MM-DDTHH:MM:SSZ"; "" if it cannot be formatted. */
char *
time_rfc3339(time_t t, char out[RFC3339_LEN])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
	return out;
}

/* Seconds since the epoch for a UTC date, without timegm or TZ. */
time_t
time_from_utc(int year, int mon, int mday, int hour, int min, int sec)
{
	/* Howard Hinnant's days_from_civil, proleptic Gregorian. */
	long long y = year - (mon <= 2);
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long mp = (mon + 9) % 12;
	long long doy = (153 * mp + 2) / 5 + mday - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long long days = era * 146097 + doe - 719468;

	return (time_t)(days * 86400 + hour * 3600 + min * 60 + sec);
}

/* Read exactly n digits. */
static int
digits(const char **s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

/* RFC 3339 to time_t: fractions dropped, offsets folded into UTC. */
int
time_parse_rfc3339(const char *s, time_t *out)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d) ||
	    (*s != 'T' && *s != 't' && *s != ' '))
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
	    *s++ != ':' || digits(&s, 2, &se))
		return -1;
	if (*s == '.' || *s == ',') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
	} else
		return -1;
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60 || oh > 23 || om > 59)
		return -1;
	*out = time_from_utc(y, mo, d, h, mi, se) -
	    (time_t)sign * (oh * 3600 + om * 60);
	return 0;
}

/* CLOCK_MONOTONIC in milliseconds, for timers and ages. */
uint64_t
time_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* CLOCK_MONOTONIC in microseconds, for measuring short delays. */
uint64_t
time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

size_t
time_bucket(const double *le, size_t n, uint64_t us)
{
	size_t i = 0;

	while (i < n && (double)us > le[i] * 1e6)
		i++;
	return i;
}
