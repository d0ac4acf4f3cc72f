/*
 * Quiet hours of a sink (`quiet-hours`, `timezone`): whether an instant
 * falls in one of its windows, and when that window ends.  Windows are
 * wall-clock times in the sink's zone, so "22:00-07:00" is nine hours on
 * most nights and eight or ten on the nights the clocks change; the C
 * library's tz database says which.
 */
#ifndef FW_ALERTS_QUIET_H
#define FW_ALERTS_QUIET_H

#include <stdint.h>

struct conf_sink;

/* Is t (unix seconds) inside a quiet window of the sink: 1 with *end the
 * first instant after it (windows that touch count as one), 0 when not
 * (or the sink has none). */
int quiet_at(const struct conf_sink *cs, int64_t t, int64_t *end);

#endif
