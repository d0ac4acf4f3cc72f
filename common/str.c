/* String helpers: see str.h. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/str.h"

/* strlcpy: copy what fits, always terminate, return strlen(src). */
size_t
str_lcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

/* strlcat: append what fits; returns the length it tried to create. */
size_t
str_lcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);

	if (d == size)
		return size + strlen(src);
	return d + str_lcpy(dst + d, src, size - d);
}

/* tolower for ASCII only, whatever the locale says. */
static int
ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* ASCII case-insensitive compare of at most n bytes. */
int
str_ncasecmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; a++, b++, n--) {
		int ca = ascii_lower((unsigned char)*a);
		int cb = ascii_lower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

/* ASCII case-insensitive compare of whole strings. */
int
str_casecmp(const char *a, const char *b)
{
	return str_ncasecmp(a, b, (size_t)-1);
}

/* True when s starts with prefix, case and all. */
int
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* True when s starts with prefix, ignoring ASCII case. */
int
str_has_prefix_case(const char *s, const char *prefix)
{
	return str_ncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* True when s ends with suffix, case and all. */
int
str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}

/* isspace for ASCII only, so the locale cannot widen it. */
static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

/* Narrow [*p, *p + *len) past whitespace at both ends; no copying. */
void
str_trim_range(const char **p, size_t *len)
{
	while (*len > 0 && is_space((unsigned char)**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && is_space((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

/* Trim both ends in place, moving the text to the start of s. */
char *
str_trim(char *s)
{
	const char *p = s;
	size_t len = strlen(s);

	str_trim_range(&p, &len);
	memmove(s, p, len);
	s[len] = '\0';
	return s;
}

/* Lower-case ASCII letters in place; other bytes are left alone. */
void
str_tolower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)ascii_lower((unsigned char)*s);
}

/* Base 10 only, no leading space, no trailing junk, within [min, max]. */
int
str_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (*s == '\0' || is_space((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A number followed by a unit from `units`; multiplies into *out. */
struct str_unit {
	const char *name;
	uint64_t factor;
};

/* Digits, optional spaces, then a unit from the table (or def_factor). */
static int
str_parse_scaled(const char *s, const struct str_unit *units,
    uint64_t def_factor, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t factor = def_factor;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	while (*end == ' ')
		end++;
	if (*end != '\0') {
		const struct str_unit *u;
		for (u = units; u->name != NULL; u++)
			if (str_casecmp(end, u->name) == 0)
				break;
		if (u->name == NULL)
			return -1;
		factor = u->factor;
	}
	if (factor != 0 && v > UINT64_MAX / factor)
		return -1;
	*out = (uint64_t)v * factor;
	return 0;
}

/* Durations into milliseconds; a bare number is seconds. */
int
str_parse_duration(const char *s, uint64_t *ms)
{
	static const struct str_unit units[] = {{"ms", 1}, {"s", 1000},
	    {"m", 60000}, {"h", 3600000}, {"d", 86400000}, {NULL, 0}};

	return str_parse_scaled(s, units, 1000, ms);
}

/* Sizes into bytes; k, m and g are powers of 1024. */
int
str_parse_size(const char *s, uint64_t *bytes)
{
	static const struct str_unit units[] = {{"b", 1}, {"k", 1024},
	    {"kb", 1024}, {"kib", 1024}, {"m", 1024 * 1024},
	    {"mb", 1024 * 1024}, {"mib", 1024 * 1024},
	    {"g", 1024 * 1024 * 1024}, {"gb", 1024 * 1024 * 1024},
	    {"gib", 1024 * 1024 * 1024}, {NULL, 0}};

	return str_parse_scaled(s, units, 1, bytes);
}
