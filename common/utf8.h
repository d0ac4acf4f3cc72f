/*
 * Minimal UTF-8 handling that every module needs at its edges: encoding a
 * code point, decoding one strictly (no overlongs, no surrogates, nothing
 * above U+10FFFF), and cleaning untrusted bytes into valid UTF-8.  Anything
 * more (folding, classes, normalisation) comes from utf8proc in filters/.
 */
#ifndef FW_COMMON_UTF8_H
#define FW_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define UTF8_REPLACEMENT 0xFFFDu

/* Write cp as UTF-8 into out (4 bytes room); returns bytes, 0 if invalid. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Decode one code point from s[0..len); returns bytes used, 0 if invalid. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* True when s[0..len) is entirely valid UTF-8. */
int utf8_valid(const char *s, size_t len);
/* Append s to b, each invalid byte replaced by U+FFFD.  Returns the count
 * of replacements. */
size_t utf8_append_clean(struct buf *b, const char *s, size_t len);
/* The longest prefix of s[0..len) not above max bytes that ends on a
 * character boundary. */
size_t utf8_cut(const char *s, size_t len, size_t max);

#endif
