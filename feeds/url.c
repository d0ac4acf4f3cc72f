/*
 * Reference resolution (see url.h): split both URLs into scheme,
 * authority, path, query and fragment ranges, merge them as RFC 3986
 * section 5.2.2 says, and remove dot segments from the merged path.
 */
#include "config.h"

#include <string.h>

#include "common/str.h"
#include "feeds/url.h"

/* The five parts of a URI reference, as ranges of the source string. */
struct uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t nscheme, nauth, npath, nquery, nfrag;
	int has_scheme, has_auth, has_query, has_frag;
};

/* Whether c may stand in a scheme (first: its first). */
static int
scheme_char(int c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	return !first &&
	    ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

/* Length of the scheme of s[0..len) (before ':'), or 0 when none. */
static size_t
scheme_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && scheme_char((unsigned char)s[i], i == 0); i++)
		;
	return i > 0 && i < len && s[i] == ':' ? i : 0;
}

/* Whether a reference has a scheme. */
int
url_is_absolute(const char *s, size_t len)
{
	return scheme_len(s, len) > 0;
}

/* Split a reference into its five parts. */
static void
uri_split(const char *s, size_t len, struct uri *u)
{
	size_t i = 0, j;

	memset(u, 0, sizeof(*u));
	if ((j = scheme_len(s, len)) > 0) {
		u->has_scheme = 1;
		u->scheme = s;
		u->nscheme = j;
		i = j + 1;
	}
	if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
		u->has_auth = 1;
		u->auth = s + i + 2;
		for (j = i + 2;
		     j < len && s[j] != '/' && s[j] != '?' && s[j] != '#'; j++)
			;
		u->nauth = j - i - 2;
		i = j;
	}
	u->path = s + i;
	for (j = i; j < len && s[j] != '?' && s[j] != '#'; j++)
		;
	u->npath = j - i;
	i = j;
	if (i < len && s[i] == '?') {
		u->has_query = 1;
		u->query = s + i + 1;
		for (j = i + 1; j < len && s[j] != '#'; j++)
			;
		u->nquery = j - i - 1;
		i = j;
	}
	if (i < len && s[i] == '#') {
		u->has_frag = 1;
		u->frag = s + i + 1;
		u->nfrag = len - i - 1;
	}
}

/* Append path p[0..n) to out with "." and ".." segments removed
 * (RFC 3986 5.2.4), working on out from index `from`. */
static void
path_append_clean(struct buf *out, const char *p, size_t n)
{
	size_t from = out->len, i = 0;

	while (i < n) {
		size_t rest = n - i;
		const char *q = p + i;

		if (rest >= 3 && memcmp(q, "../", 3) == 0)
			i += 3;
		else if (rest >= 2 && memcmp(q, "./", 2) == 0)
			i += 2;
		else if ((rest >= 3 && memcmp(q, "/./", 3) == 0))
			i += 2;
		else if (rest == 2 && memcmp(q, "/.", 2) == 0) {
			buf_appendc(out, '/');
			i += 2;
		} else if ((rest >= 4 && memcmp(q, "/../", 4) == 0) ||
		    (rest == 3 && memcmp(q, "/..", 3) == 0)) {
			/* Drop the last segment written. */
			size_t k = out->len;
			while (k > from && out->data[k - 1] != '/')
				k--;
			if (k > from)
				k--;
			buf_truncate(out, k);
			if (rest == 3) {
				buf_appendc(out, '/');
				i += 3;
			} else
				i += 3;
		} else if ((rest == 1 && q[0] == '.') ||
		    (rest == 2 && memcmp(q, "..", 2) == 0))
			i += rest;
		else {
			size_t k = 1;
			while (k < rest && q[k] != '/')
				k++;
			if (q[0] != '/')
				for (k = 0; k < rest && q[k] != '/'; k++)
					;
			buf_append(out, q, k);
			i += k;
		}
	}
}

/* Append ref's query and fragment. */
static void
append_tail(struct buf *out, const struct uri *r)
{
	if (r->has_query) {
		buf_appendc(out, '?');
		buf_append(out, r->query, r->nquery);
	}
	if (r->has_frag) {
		buf_appendc(out, '#');
		buf_append(out, r->frag, r->nfrag);
	}
}

/* RFC 3986 5.2.2, strict (a ref with a scheme is kept). */
void
url_resolve(struct buf *out, const char *base, const char *ref, size_t reflen)
{
	struct uri b, r;

	str_trim_range(&ref, &reflen);
	if (base == NULL || *base == '\0' || url_is_absolute(ref, reflen) ||
	    !url_is_absolute(base, strlen(base))) {
		buf_append(out, ref, reflen);
		return;
	}
	uri_split(base, strlen(base), &b);
	uri_split(ref, reflen, &r);
	buf_append(out, b.scheme, b.nscheme);
	buf_appendc(out, ':');
	if (r.has_auth) {
		buf_appends(out, "//");
		buf_append(out, r.auth, r.nauth);
		path_append_clean(out, r.path, r.npath);
		append_tail(out, &r);
		return;
	}
	if (b.has_auth) {
		buf_appends(out, "//");
		buf_append(out, b.auth, b.nauth);
	}
	if (r.npath == 0) {
		buf_append(out, b.path, b.npath);
		if (!r.has_query && b.has_query) {
			buf_appendc(out, '?');
			buf_append(out, b.query, b.nquery);
		}
	} else if (r.path[0] == '/')
		path_append_clean(out, r.path, r.npath);
	else {
		/* Merge: the base path up to its last '/', then ref's. */
		struct buf m = BUF_INIT;
		size_t k = b.npath;

		while (k > 0 && b.path[k - 1] != '/')
			k--;
		if (b.has_auth && b.npath == 0)
			buf_appendc(&m, '/');
		buf_append(&m, b.path, k);
		buf_append(&m, r.path, r.npath);
		path_append_clean(out, m.data, m.len);
		buf_free(&m);
	}
	append_tail(out, &r);
}
