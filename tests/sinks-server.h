/*
 * What the sink tests share: starting the test receivers (tests/hookd,
 * tests/smtpd) as child processes on kernel-picked ports, killed when the
 * test exits however it exits; reading what they recorded; and running
 * the loop with a watchdog so that a hung delivery fails instead of
 * hanging the test.
 */
#ifndef FW_TESTS_SINKS_SERVER_H
#define FW_TESTS_SINKS_SERVER_H

#include <sys/types.h>

struct event_base;

/* Start tests/NAME with args (NULL-terminated, after the program name)
 * followed by a port file; returns the port it wrote.  *pid is the child
 * (killed at exit unless stopped before).  Bails out when it cannot. */
int server_spawn(const char *name, const char *const *args, pid_t *pid);
/* Kill and reap a child started by server_spawn. */
void server_stop(pid_t pid);
/* The whole of a file, NUL-terminated ("" when missing); free it. */
char *server_slurp(const char *path);
/* Run the loop until *done becomes nonzero or ms pass; 0 when done. */
int server_run_until(struct event_base *base, const int *done, int ms);

#endif
