/*
 * Relative references made absolute (RFC 3986, section 5.2), for item
 * links and enclosures resolved against xml:base, the feed's own URL or
 * the channel's link.
 */
#ifndef FW_FEEDS_URL_H
#define FW_FEEDS_URL_H

#include <stddef.h>

#include "common/buf.h"

/* True when s[0..len) starts with a scheme ("http:", "tag:"...). */
int url_is_absolute(const char *s, size_t len);
/* Append ref resolved against base (absolute, or NULL) to out.  Surrounding
 * whitespace is dropped; a relative ref without a base is kept as is. */
void url_resolve(
    struct buf *out, const char *base, const char *ref, size_t reflen);

#endif
