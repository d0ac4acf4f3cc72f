/* Allocation wrappers that abort on exhaustion: see xmalloc.h. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/xmalloc.h"

/* Log the size that failed and abort: nothing can go on without memory. */
static void __attribute__((noreturn)) xmalloc_die(size_t n)
{
	log_errx("out of memory allocating %zu bytes", n);
	abort();
}

/* malloc that never returns NULL; 0 bytes still gives a unique pointer. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		xmalloc_die(size);
	return p;
}

/* calloc that never returns NULL; a zero count or size gives 1 byte. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		xmalloc_die(size);
	return p;
}

/* realloc that never returns NULL; size 0 keeps a 1-byte block. */
void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size == 0 ? 1 : size);

	if (p == NULL)
		xmalloc_die(size);
	return p;
}

/* xrealloc for nmemb * size, aborting when the product overflows. */
void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		xmalloc_die(SIZE_MAX);
	return xrealloc(ptr, nmemb * size);
}

/* strdup that cannot fail. */
char *
xstrdup(const char *s)
{
	return xmemdup0(s, strlen(s));
}

/* At most n bytes of s, NUL-terminated; cannot fail. */
char *
xstrndup(const char *s, size_t n)
{
	return xmemdup0(s, strnlen(s, n));
}

/* Copy of len bytes with a NUL appended, so binary input is a string. */
char *
xmemdup0(const void *p, size_t len)
{
	char *s;

	if (len == SIZE_MAX)
		xmalloc_die(len);
	s = xmalloc(len + 1);
	if (len > 0)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* asprintf that aborts instead of failing; returns the length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmalloc_die(0);
	return n;
}
