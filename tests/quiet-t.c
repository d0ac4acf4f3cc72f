/*
 * Quiet hours in wall-clock time (alerts/quiet.c): windows over midnight
 * and over a week's end, and the nights the clocks change in
 * Europe/Berlin, where 01:00-04:00 lasts two hours in March and four in
 * October.  Each case gives an instant in UTC and checks whether it is
 * quiet and when the quiet ends, as a person in Berlin would count.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/quiet.h"
#include "common/timeutil.h"
#include "conf/conf.h"
#include "tests/tap.h"

/* One case: windows, zone, an instant, and the answer. */
static const struct {
	const char *what;
	struct conf_quiet q[2];
	size_t nq;
	const char *tz;
	const char *at;
	int quiet;
	const char *end;
} cases[] = {
    {"22:00-07:00 at 23:30 runs over midnight to 07:00", {{22 * 60, 7 * 60, 0}},
        1, "UTC", "2024-06-10T23:30:00Z", 1, "2024-06-11T07:00:00Z"},
    {"22:00-07:00 at 03:10, after midnight", {{22 * 60, 7 * 60, 0}}, 1, "UTC",
        "2024-06-11T03:10:20Z", 1, "2024-06-11T07:00:00Z"},
    {"22:00-07:00 at 07:00 is over", {{22 * 60, 7 * 60, 0}}, 1, "UTC",
        "2024-06-11T07:00:00Z", 0, NULL},
    {"22:00-07:00 at 21:59 not yet", {{22 * 60, 7 * 60, 0}}, 1, "UTC",
        "2024-06-11T21:59:59Z", 0, NULL},
    {"in Berlin (CEST) 22:00-07:00 ends at 05:00Z", {{22 * 60, 7 * 60, 0}}, 1,
        "Europe/Berlin", "2024-06-10T21:00:00Z", 1, "2024-06-11T05:00:00Z"},
    {"spring forward: 01:00-04:00 CET→CEST lasts two hours", {{60, 4 * 60, 0}},
        1, "Europe/Berlin", "2024-03-31T00:00:00Z", 1, "2024-03-31T02:00:00Z"},
    {"fall back: 01:00-04:00 CEST→CET lasts four hours", {{60, 4 * 60, 0}}, 1,
        "Europe/Berlin", "2024-10-26T23:00:00Z", 1, "2024-10-27T03:00:00Z"},
    {"22:00-07:00 over the October change ends 07:00 CET",
        {{22 * 60, 7 * 60, 0}}, 1, "Europe/Berlin", "2024-10-26T21:30:00Z", 1,
        "2024-10-27T06:00:00Z"},
    {"an end in the spring gap (02:30) comes an hour later", {{60, 150, 0}}, 1,
        "Europe/Berlin", "2024-03-31T00:10:00Z", 1, "2024-03-31T01:30:00Z"},
    {"Sat 00:00-Mon 07:00 on Sunday noon", {{6 * 1440, 1440 + 7 * 60, 1}}, 1,
        "UTC", "2024-06-09T12:00:00Z", 1, "2024-06-10T07:00:00Z"},
    {"Sat 00:00-Mon 07:00 on Wednesday", {{6 * 1440, 1440 + 7 * 60, 1}}, 1,
        "UTC", "2024-06-12T12:00:00Z", 0, NULL},
    {"windows that touch are one: 22:00-00:00 and 00:00-06:00",
        {{22 * 60, 0, 0}, {0, 6 * 60, 0}}, 2, "UTC", "2024-06-10T22:30:00Z", 1,
        "2024-06-11T06:00:00Z"},
};

int
main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf_sink cs;
		time_t at, want = 0;
		int64_t end = 0;
		int q;

		memset(&cs, 0, sizeof(cs));
		cs.quiet = (struct conf_quiet *)cases[i].q;
		cs.nquiet = cases[i].nq;
		cs.timezone = (char *)cases[i].tz;
		time_parse_rfc3339(cases[i].at, &at);
		q = quiet_at(&cs, at, &end);
		is_int(q, cases[i].quiet, "%s: quiet", cases[i].what);
		if (cases[i].end != NULL) {
			char got[RFC3339_LEN];

			time_parse_rfc3339(cases[i].end, &want);
			is_str(time_rfc3339((time_t)end, got), cases[i].end,
			    "%s: the end", cases[i].what);
		}
	}
	/* The process's own zone is left as it was. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	{
		struct conf_sink cs;
		struct conf_quiet q = {60, 120, 0};
		struct tm tm;
		time_t t = 0;
		int64_t end;

		memset(&cs, 0, sizeof(cs));
		cs.quiet = &q;
		cs.nquiet = 1;
		cs.timezone = "Europe/Berlin";
		quiet_at(&cs, 0, &end);
		localtime_r(&t, &tm);
		is_int(
		    tm.tm_hour, 9, "TZ is the process's again after a lookup");
		is_str(getenv("TZ"), "Asia/Tokyo", "and its value unchanged");
		cs.timezone = NULL;
		/* 01:00-02:00 Tokyo time is 16:00-17:00 UTC. */
		time_parse_rfc3339("2024-06-10T16:30:00Z", &t);
		is_int(quiet_at(&cs, t, &end), 1,
		    "without timezone the process's zone counts");
	}
	return done_testing();
}
