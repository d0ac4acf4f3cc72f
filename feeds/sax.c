/*
 * The feed parser's shared pieces (see sax.h): warnings formatted once for
 * every stage, and the scope of open elements and namespaces.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "common/buf.h"
#include "common/utf8.h"
#include "feeds/sax.h"

/* Every stage warns through here, so the text is built in one place. */
void
fp_warnf(const struct fp_handlers *h, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	h->warn(h->ctx, buf_str(&b));
	buf_free(&b);
}

/* For messages, XHTML re-serialisation and end-tag matching. */
const char *
scope_name(const struct fp_scope *s, unsigned d)
{
	return s->names.data + s->nameoff[d];
}

/* Remember a declaration for lookups once expat has given up. */
void
scope_ns_push(struct fp_scope *s, const char *prefix, const char *uri)
{
	if (s->nns >= FP_NSDECL_MAX || s->nsbuf.len > 60000)
		return;
	s->ns[s->nns].prefix = (uint16_t)s->nsbuf.len;
	buf_appends(&s->nsbuf, prefix ? prefix : "");
	buf_appendc(&s->nsbuf, '\0');
	s->ns[s->nns].uri = (uint16_t)s->nsbuf.len;
	buf_appends(&s->nsbuf, uri ? uri : "");
	buf_appendc(&s->nsbuf, '\0');
	s->ns[s->nns].depth = s->depth + 1;
	s->nns++;
}

/* Innermost first, as XML scoping says. */
const char *
scope_ns_lookup(const struct fp_scope *s, const char *prefix, size_t len)
{
	for (unsigned i = s->nns; i-- > 0;) {
		const char *pf = s->nsbuf.data + s->ns[i].prefix;

		if (prefix == NULL
		        ? *pf == '\0'
		        : strlen(pf) == len && memcmp(pf, prefix, len) == 0)
			return s->nsbuf.data + s->ns[i].uri;
	}
	return NULL;
}

/* Release the buffers. */
void
scope_free(struct fp_scope *s)
{
	buf_free(&s->names);
	buf_free(&s->nsbuf);
}
