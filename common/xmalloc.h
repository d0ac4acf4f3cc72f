/*
 * Allocation that cannot fail: on exhaustion the program logs and aborts,
 * as tmux's xmalloc.c does.  A daemon that cannot allocate a few bytes
 * cannot do anything useful, and checking every small allocation would hide
 * the real error handling in noise.  Sizes are overflow-checked.
 */
#ifndef FW_COMMON_XMALLOC_H
#define FW_COMMON_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Copy of len bytes with a NUL appended. */
char *xmemdup0(const void *p, size_t len);
int xasprintf(char **ret, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
