/*
 * The event priorities of feedwatchd's loop, in one place: main.c makes
 * the loop with PRIO_COUNT of them, and whoever creates an event that must
 * not run at libevent's default (the middle one, PRIO_INPUT) names its
 * priority here.  When several events are ready at once, the lower number
 * runs first.  On a loop with one priority (the tool, the tests) setting a
 * priority fails harmlessly and everything runs in order of readiness.
 */
#ifndef FW_COMMON_PRIO_H
#define FW_COMMON_PRIO_H

enum prio {
	/* The group commit of completed fetches (daemon/pipeline.c): what
	 * was read is written before more is read, so a batch never waits
	 * behind the parsing of other feeds. */
	PRIO_COMMIT = 0,
	/* An outbox pass (alerts/outbox.c): committed alerts go to their
	 * sinks before more network input, so an alert's delay does not grow
	 * with the number of feeds being read. */
	PRIO_DELIVER = 0,
	/* Network input and everything else: curl's sockets and timer
	 * (common/curlev.c), signals, timers.  libevent's default. */
	PRIO_INPUT = 1,
	PRIO_COUNT = 2
};

#endif
