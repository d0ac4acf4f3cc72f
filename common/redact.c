/*
 * URL redaction: see redact.h.  One pass over the string: the authority's
 * userinfo (between "://" and the last '@' before the path), then each
 * name=value pair of the query.  Nothing is decoded: a parameter spelt
 * with percent escapes is not recognised, which errs on the side of
 * showing it, so the list in redact.h names the spellings APIs use.
 */
#include "config.h"

#include <string.h>

#include "common/buf.h"
#include "common/redact.h"
#include "common/str.h"

static const char *const redact_params[] = {REDACT_PARAMS};

/* Is the parameter name p[0..len) one whose value is a secret? */
static int
redact_param_secret(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof(redact_params) / sizeof(*redact_params);
	     i++) {
		if (strlen(redact_params[i]) == len &&
		    str_ncasecmp(p, redact_params[i], len) == 0)
			return 1;
	}
	return 0;
}

/* Append the authority a[0..len) with its userinfo's secret masked. */
static void
redact_authority(struct buf *b, const char *a, size_t len)
{
	const char *at = NULL, *colon;

	for (size_t i = 0; i < len; i++)
		if (a[i] == '@')
			at = a + i;
	if (at == NULL) {
		buf_append(b, a, len);
		return;
	}
	colon = memchr(a, ':', (size_t)(at - a));
	if (colon != NULL) {
		buf_append(b, a, (size_t)(colon - a) + 1);
		buf_appends(b, REDACT_MASK);
	} else
		buf_appends(b, REDACT_MASK);
	buf_append(b, at, len - (size_t)(at - a));
}

/* Append the query q[0..len) (without its '?') with secret values masked. */
static void
redact_query(struct buf *b, const char *q, size_t len)
{
	const char *end = q + len;

	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *pe = amp != NULL ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(pe - q));

		if (eq != NULL && eq + 1 < pe &&
		    redact_param_secret(q, (size_t)(eq - q))) {
			buf_append(b, q, (size_t)(eq - q) + 1);
			buf_appends(b, REDACT_MASK);
		} else
			buf_append(b, q, (size_t)(pe - q));
		if (amp == NULL)
			break;
		buf_appendc(b, '&');
		q = amp + 1;
	}
}

/* Rebuild url piece by piece: scheme, authority, path, query, fragment. */
char *
url_redact(const char *url)
{
	struct buf b = BUF_INIT;
	const char *p = url, *sep, *end;
	size_t n;

	if (url == NULL)
		return NULL;
	end = url + strlen(url);
	if ((sep = strstr(url, "://")) != NULL &&
	    (size_t)(sep - url) == strcspn(url, ":/?#")) {
		p = sep + 3;
		buf_append(&b, url, (size_t)(p - url));
		n = strcspn(p, "/?#");
		redact_authority(&b, p, n);
		p += n;
	}
	n = strcspn(p, "?#");
	buf_append(&b, p, n);
	p += n;
	if (*p == '?') {
		n = strcspn(p + 1, "#");
		buf_appendc(&b, '?');
		redact_query(&b, p + 1, n);
		p += 1 + n;
	}
	buf_append(&b, p, (size_t)(end - p));
	return buf_steal(&b);
}
