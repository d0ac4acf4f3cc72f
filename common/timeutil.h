/*
 * Time helpers: RFC 3339 in UTC (the one format feedwatch prints), parsing
 * it back (the status API's ?since=), and a monotonic clock in milliseconds
 * for timers and measurements that must not jump with the wall clock.
 */
#ifndef FW_COMMON_TIMEUTIL_H
#define FW_COMMON_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2024-10-29T01:00:00Z" plus NUL. */
#define RFC3339_LEN 21

/* Format t as RFC 3339 UTC with "Z"; returns out. */
char *time_rfc3339(time_t t, char out[RFC3339_LEN]);
/* Parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)"; -1 when malformed. */
int time_parse_rfc3339(const char *s, time_t *out);
/* Days-from-civil without the C library's time zone state. */
time_t time_from_utc(int year, int mon, int mday, int hour, int min, int sec);
/* Monotonic milliseconds since an arbitrary start. */
uint64_t time_mono_ms(void);
/* The same clock in microseconds, for measuring short delays. */
uint64_t time_mono_us(void);
/* The histogram bucket of a duration of us microseconds: the first i with
 * us <= le[i] seconds (le ascending, n of them); n when above them all. */
size_t time_bucket(const double *le, size_t n, uint64_t us);

#endif
