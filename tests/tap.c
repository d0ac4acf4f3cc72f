/*
 * TAP producer: see tap.h.  State is global because a test program is one
 * sequence of assertions; nothing here is thread-safe or needs to be.
 */
#include "config.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"

static int tap_planned = -1;
static int tap_run;
static int tap_failed;
static char tap_todo[256];
static int tap_in_todo;

/* Print the plan up front: "1..n". */
void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Plan zero tests with a reason and exit: nothing here can run. */
void
skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	fflush(stdout);
	exit(0);
}

/* Diagnostics on stderr, each line prefixed "# ". */
static void
tap_vdiag(const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Every line of a multi-line message gets its own "# ". */
	for (char *line = msg, *nl; line != NULL; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		fprintf(stderr, "# %s\n", line);
	}
	fflush(stderr);
}

/* Print "# ..." to stderr, after flushing stdout to keep the order. */
void
diag(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	tap_vdiag(fmt, ap);
	va_end(ap);
}

/* Print one "ok"/"not ok" line and, on failure, where it was. */
static int
tap_vresult(int pass, const char *file, int line, const char *fmt, va_list ap)
{
	char desc[1024];

	vsnprintf(desc, sizeof(desc), fmt, ap);
	/* '#' would start a directive in TAP; keep descriptions plain. */
	for (char *p = desc; *p != '\0'; p++)
		if (*p == '#' || *p == '\n')
			*p = ' ';
	tap_run++;
	printf("%sok %d - %s", pass ? "" : "not ", tap_run, desc);
	if (tap_in_todo)
		printf(" # TODO %s", tap_todo);
	printf("\n");
	fflush(stdout);
	if (!pass) {
		if (!tap_in_todo)
			tap_failed++;
		diag("  Failed %stest '%s'\n  at %s line %d.",
		    tap_in_todo ? "(TODO) " : "", desc, file, line);
	}
	return pass;
}

/* ok(): passes when pass is nonzero. */
int
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

/* is_int(): equal integers; shows both values on failure. */
int
tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	int pass = got == want;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %lld\n    expected: %lld", got, want);
	return pass;
}

/* is_str(): equal strings, NULL only equal to NULL. */
int
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	int pass;
	va_list ap;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %s%s%s\n    expected: %s%s%s",
		    got ? "'" : "", got ? got : "NULL", got ? "'" : "",
		    want ? "'" : "", want ? want : "NULL", want ? "'" : "");
	return pass;
}

/* is_double(): got within eps of want. */
int
tap_is_double(double got, double want, double eps, const char *file, int line,
    const char *fmt, ...)
{
	int pass = fabs(got - want) <= eps;
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("         got: %g\n    expected: %g (within %g)", got,
		    want, eps);
	return pass;
}

/* like(): got matches the extended regular expression ere. */
int
tap_like(const char *got, const char *ere, const char *file, int line,
    const char *fmt, ...)
{
	regex_t re;
	int pass = 0, rc;
	va_list ap;

	rc = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB);
	if (rc == 0) {
		pass = got != NULL && regexec(&re, got, 0, NULL, 0) == 0;
		regfree(&re);
	}
	va_start(ap, fmt);
	tap_vresult(pass, file, line, fmt, ap);
	va_end(ap);
	if (rc != 0)
		diag("    bad regular expression: %s", ere);
	else if (!pass)
		diag("                  '%s'\n    doesn't match '%s'",
		    got ? got : "NULL", ere);
	return pass;
}

/* Record n skipped tests, each "ok N # SKIP why". */
void
skip(int n, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	for (int i = 0; i < n; i++)
		printf("ok %d # SKIP %s\n", ++tap_run, why);
	fflush(stdout);
}

/* Mark the following tests TODO: their failures do not count. */
void
todo_start(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tap_todo, sizeof(tap_todo), fmt, ap);
	va_end(ap);
	tap_in_todo = 1;
}

/* End the TODO block; failures count again. */
void
todo_end(void)
{
	tap_in_todo = 0;
	tap_todo[0] = '\0';
}

/* Print "Bail out!" and exit 255: the driver reports an error. */
void
bail_out(const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("Bail out! %s\n", why);
	fflush(stdout);
	exit(255);
}

/* Failed count (at most 254), or 255 when the plan was not met. */
int
exit_status(void)
{
	if (tap_planned >= 0 && tap_planned != tap_run) {
		diag("planned %d tests but ran %d", tap_planned, tap_run);
		return 255;
	}
	return tap_failed > 254 ? 254 : tap_failed;
}

/* Print the plan now if none was given, sum up, return exit_status(). */
int
done_testing(void)
{
	if (tap_planned < 0) {
		tap_planned = tap_run;
		printf("1..%d\n", tap_run);
		fflush(stdout);
	}
	if (tap_failed > 0)
		diag("Looks like you failed %d test%s of %d.", tap_failed,
		    tap_failed == 1 ? "" : "s", tap_run);
	return exit_status();
}

/* $top_srcdir, or "." when run by hand. */
const char *
tap_srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL && *s != '\0' ? s : ".";
}

/* $top_builddir, or "." when run by hand. */
const char *
tap_builddir(void)
{
	const char *s = getenv("top_builddir");

	return s != NULL && *s != '\0' ? s : ".";
}
