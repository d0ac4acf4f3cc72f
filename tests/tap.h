/*
 * Our TAP producer.  Test programs print TAP version 13 on stdout and are
 * run by automake's tap-driver.sh, which counts every assertion, so a
 * failing `ok` fails `make check`.  Diagnostics go to stderr as "# ..."
 * lines, which the driver keeps in the test's .log file.
 *
 *	plan(3);			or call done_testing() at the end
 *	ok(x == 1, "x is one");
 *	is_str(got, "abc", "name");	NULL-safe
 *	todo_start("parser gap"); ... todo_end();
 *	return exit_status();
 */
#ifndef FW_TESTS_TAP_H
#define FW_TESTS_TAP_H

#include <stddef.h>

void plan(int n);
void skip_all(const char *reason);
int done_testing(void);
int exit_status(void);

int tap_ok(int pass, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int tap_is_double(double got, double want, double eps, const char *file,
    int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
int tap_like(const char *got, const char *ere, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define ok(pass, ...) tap_ok(!!(pass), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                              \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_double(got, want, eps, ...) \
	tap_is_double((got), (want), (eps), __FILE__, __LINE__, __VA_ARGS__)
#define like(got, ere, ...) \
	tap_like((got), (ere), __FILE__, __LINE__, __VA_ARGS__)
#define pass(...) tap_ok(1, __FILE__, __LINE__, __VA_ARGS__)
#define fail(...) tap_ok(0, __FILE__, __LINE__, __VA_ARGS__)

/* Print "# ..." to stderr. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Record n skipped tests. */
void skip(int n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tests between these are expected to fail; failures do not count. */
void todo_start(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void todo_end(void);
/* Abort the whole run: the driver reports an error. */
void bail_out(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Helpers for tests that read fixtures: $top_srcdir or ".". */
const char *tap_srcdir(void);
const char *tap_builddir(void);

#endif
