/*
 * String helpers shared by every module: bounded copies (strlcpy semantics,
 * which glibc 2.36 lacks), ASCII-only case handling for protocol tokens,
 * trimming, and the config value syntaxes for durations and sizes.
 */
#ifndef FW_COMMON_STR_H
#define FW_COMMON_STR_H

#include <stddef.h>
#include <stdint.h>

/* strlcpy/strlcat: always terminate, return the length they tried. */
size_t str_lcpy(char *dst, const char *src, size_t size);
size_t str_lcat(char *dst, const char *src, size_t size);

/* ASCII case-insensitive compare; locale never changes protocol tokens. */
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);
int str_has_prefix(const char *s, const char *prefix);
int str_has_suffix(const char *s, const char *suffix);
int str_has_prefix_case(const char *s, const char *prefix);

/* Trim ASCII whitespace in place, moving the text to the start; returns s. */
char *str_trim(char *s);
/* Trim ASCII whitespace from a byte range: updates *p and *len. */
void str_trim_range(const char **p, size_t *len);
/* Lower-case ASCII letters in place. */
void str_tolower_ascii(char *s);

/*
 * "30s", "5m", "1h", "2d", "250ms" or a plain number of seconds, into
 * milliseconds.  Returns 0, or -1 for a malformed or overflowing value.
 */
int str_parse_duration(const char *s, uint64_t *ms);
/* "512", "64KiB", "8MiB", "1GiB" (also "KB"/"K"... as powers of 1024). */
int str_parse_size(const char *s, uint64_t *bytes);
/* A decimal integer in [min, max] with nothing after it. */
int str_parse_int(const char *s, long long min, long long max, long long *out);

#endif
