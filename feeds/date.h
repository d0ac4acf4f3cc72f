/*
 * The dates feeds carry, read into UTC: RFC 822/1123/2822 as RSS uses them,
 * with the variants found in the wild (two-digit years, no seconds, no
 * weekday, full day and month names, named, US and military zones, numeric
 * offsets with or without a colon, no zone at all), and RFC 3339 / W3CDTF /
 * ISO 8601 as Atom and Dublin Core use them (date only, no seconds,
 * fractions, basic format, with or without a zone).  A date without a zone
 * is read as UTC.
 */
#ifndef FW_FEEDS_DATE_H
#define FW_FEEDS_DATE_H

#include <stddef.h>
#include <time.h>

/* Read s[0..len); 0 and *out, or -1 when it is no date we know. */
int feed_date_parse(const char *s, size_t len, time_t *out);

#endif
