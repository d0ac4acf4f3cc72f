/*
 * Growable byte buffers.  The bytes are always NUL-terminated after `len`
 * so a buffer of text can be passed to C string functions directly; binary
 * data may contain NULs of its own.  A zeroed struct buf is an empty buffer.
 * Growth is geometric; allocation failure aborts (see xmalloc.h).
 */
#ifndef FW_COMMON_BUF_H
#define FW_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* NULL until the first byte, else NUL-terminated */
	size_t len; /* bytes in use, not counting the terminator */
	size_t cap; /* bytes allocated */
};

#define BUF_INIT           \
	{                  \
		NULL, 0, 0 \
	}

void buf_init(struct buf *b);
/* buf_reserve's slow path: allocate or grow (and abort on overflow). */
void buf_grow(struct buf *b, size_t extra);

/* Make room for `extra` more bytes (plus the terminator).  Inline because
 * nearly every call already has the room: one compare, no call.  When
 * cap > 0, cap > len, so "extra < cap - len" is "len + extra + 1 <= cap"
 * without the overflow; an empty buffer (cap 0) always takes buf_grow. */
static inline void
buf_reserve(struct buf *b, size_t extra)
{
	if (extra < b->cap - b->len)
		return;
	buf_grow(b, extra);
}
void buf_append(struct buf *b, const void *p, size_t len);
void buf_appends(struct buf *b, const char *s);
void buf_appendc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Remove the first n bytes (all of them when n >= len). */
void buf_consume(struct buf *b, size_t n);
/* Shorten to len bytes (no-op when already shorter). */
void buf_truncate(struct buf *b, size_t len);
/* Empty, keeping the allocation for reuse. */
void buf_reset(struct buf *b);
/* The contents as a string: "" for an empty buffer, never NULL. */
const char *buf_str(const struct buf *b);
/* Hand the contents to the caller (free() them); the buffer is emptied. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
