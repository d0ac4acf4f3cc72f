/*
 * What the fetcher's and the scheduler's tests share: starting the test
 * HTTP server (tests/httpd) and killing it when the test exits however it
 * exits, ports where nothing answers, and running the event loop with a
 * watchdog so that a hung fetch fails the test instead of hanging it.
 */
#ifndef FW_TESTS_FETCH_SERVER_H
#define FW_TESTS_FETCH_SERVER_H

struct event_base;

/* Start tests/httpd; its port.  Bails out when it cannot start. */
int server_start(void);
/* "http://127.0.0.1:PORT" + path, in a buffer that lives until exit. */
const char *server_url(int port, const char *path);
/* A port where connections are refused (bound, never listening). */
int server_refusing_port(void);
/* A port that accepts connections (the kernel's backlog) and never reads
 * or answers them. */
int server_silent_port(void);
/* Run the loop until *done becomes nonzero or seconds pass; 0 when done. */
int server_run_until(struct event_base *base, const int *done, int seconds);

#endif
