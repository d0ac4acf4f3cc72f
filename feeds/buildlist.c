/*
 * The item builder's lists (see build.h): authors (with their parts),
 * categories, enclosures and links, each bounded by FP_LIST_MAX and kept
 * in NUL-separated buffers that are reused from item to item; and the
 * base64 decoding Atom's mode="base64" and binary types need.
 */
#include "config.h"

#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "feeds/build.h"

/* Whether a list of n is full; the first time, say so. */
int
build_list_full(struct fp_build *p, size_t n, const char *what)
{
	if (n < FP_LIST_MAX)
		return 0;
	if (!p->list_warned++)
		fp_warnf(p->h, "more than %d %s in an item: the rest dropped",
		    FP_LIST_MAX, what);
	return 1;
}

/* Add s to a NUL-separated list unless it is there or the list is full;
 * whether it was added. */
int
build_list_add(
    struct fp_build *p, struct buf *list, size_t *n, const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return 0;
	while (i < list->len) {
		size_t l = strlen(list->data + i);
		if (l == len && memcmp(list->data + i, s, len) == 0)
			return 0;
		i += l + 1;
	}
	if (build_list_full(p, *n, "authors, categories or enclosures"))
		return 0;
	buf_append(list, s, len);
	buf_appendc(list, '\0');
	(*n)++;
	return 1;
}

/* Append s (NULL: "") and its NUL to b. */
static void
part_add(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_appends(b, s);
	buf_appendc(b, '\0');
}

/* An author shown as its name, else its email, else its uri. */
void
build_author_add(struct fp_build *p, int feed, const char *name,
    const char *email, const char *uri)
{
	const char *show = name != NULL && *name != '\0' ? name
	    : email != NULL && *email != '\0'            ? email
	                                                 : uri;
	struct buf *list = feed ? &p->feed_authors : &p->authors;
	struct buf *det = feed ? &p->feed_author_det : &p->author_det;
	size_t *n = feed ? &p->nfeed_authors : &p->nauthors;

	if (show == NULL || !build_list_add(p, list, n, show, strlen(show)))
		return;
	part_add(det, name);
	part_add(det, email);
	part_add(det, uri);
}

/* Whether s[0..n) looks like an e-mail address. */
static int
is_email(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);

	return at != NULL && at > s && at < s + n - 1 &&
	    memchr(s, ' ', n) == NULL;
}

/* "me@example.org (Name)", "Name <me@example.org>", an address alone, or
 * a name alone: shown as the feed wrote it, kept in parts. */
void
build_author_text(struct fp_build *p, const char *s, size_t len)
{
	struct buf name = BUF_INIT, email = BUF_INIT;
	const char *open, *close;
	char oc = 0, cc = 0;

	str_trim_range(&s, &len);
	if (len == 0)
		return;
	if (s[len - 1] == ')')
		oc = '(', cc = ')';
	else if (s[len - 1] == '>')
		oc = '<', cc = '>';
	open = oc ? memchr(s, oc, len) : NULL;
	close = s + len - 1;
	if (open != NULL && *close == cc) {
		const char *out = s, *in = open + 1;
		size_t outn = (size_t)(open - s), inn = (size_t)(close - in);
		str_trim_range(&out, &outn);
		str_trim_range(&in, &inn);
		if (is_email(out, outn)) {
			buf_append(&email, out, outn);
			buf_append(&name, in, inn);
		} else if (is_email(in, inn)) {
			buf_append(&name, out, outn);
			buf_append(&email, in, inn);
		}
	}
	if (email.len == 0 && name.len == 0) {
		if (is_email(s, len))
			buf_append(&email, s, len);
		else
			buf_append(&name, s, len);
	}
	/* Shown whole, as before; the parts go beside it. */
	if (build_list_add(p, &p->authors, &p->nauthors, s, len)) {
		part_add(&p->author_det, buf_str(&name));
		part_add(&p->author_det, buf_str(&email));
		part_add(&p->author_det, "");
	}
	buf_free(&name);
	buf_free(&email);
}

/* Add an enclosure (URL made absolute), once per URL. */
void
build_enclosure_add(
    struct fp_build *p, const char *url, const char *type, const char *length)
{
	struct buf *b = &p->tmp;
	long long len = -1;

	if (url == NULL || *url == '\0')
		return;
	build_resolve(p, b, url, strlen(url));
	for (size_t i = 0; i < p->nencl; i++)
		if (strcmp(p->encbuf.data + p->encl_url[i], buf_str(b)) == 0)
			return;
	if (build_list_full(p, p->nencl, "enclosures"))
		return;
	if (length != NULL)
		str_parse_int(length, 0, INT64_MAX / 2, &len);
	p->encl_url[p->nencl] = p->encbuf.len;
	buf_append(&p->encbuf, buf_str(b), b->len);
	buf_appendc(&p->encbuf, '\0');
	p->encl_type[p->nencl] = p->encbuf.len;
	if (type != NULL) {
		const char *t = type;
		size_t tl = strlen(type);
		str_trim_range(&t, &tl);
		buf_append(&p->encbuf, t, tl);
	}
	buf_appendc(&p->encbuf, '\0');
	p->encl[p->nencl].length = len;
	p->nencl++;
}

/* Append s trimmed (NULL: "") and its NUL to b. */
static void
part_add_trim(struct buf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n > 0) {
		str_trim_range(&s, &n);
		buf_append(b, s, n);
	}
	buf_appendc(b, '\0');
}

/* A link of the item, in document order. */
void
build_link_add(struct fp_build *p, const char *rel, const char *type,
    const char *href, const char *title, const char *length)
{
	long long len = -1;

	if (href == NULL || build_list_full(p, p->nlinks, "links"))
		return;
	p->link_off[p->nlinks] = p->linkbuf.len;
	part_add_trim(&p->linkbuf, rel != NULL ? rel : "alternate");
	part_add_trim(&p->linkbuf, type);
	struct buf t = BUF_INIT; /* href may be in p->tmp */
	build_resolve(p, &t, href, strlen(href));
	part_add(&p->linkbuf, buf_str(&t));
	buf_free(&t);
	part_add(&p->linkbuf, title);
	if (length != NULL)
		str_parse_int(length, 0, INT64_MAX / 2, &len);
	p->linkv[p->nlinks++].length = len;
}

/* The next string of a NUL-separated buffer at *off. */
static char *
part_next(const struct buf *b, size_t *off)
{
	char *s = b->data + *off;

	*off += strlen(s) + 1;
	return s;
}

/* Point the item's author parts and links into the buffers. */
void
build_lists_emit(struct fp_build *p, struct feed_item *it)
{
	const struct buf *det =
	    p->nauthors > 0 ? &p->author_det : &p->feed_author_det;
	size_t off = 0;

	for (size_t i = 0; i < it->nauthors; i++) {
		p->autv[i].name = part_next(det, &off);
		p->autv[i].email = part_next(det, &off);
		p->autv[i].uri = part_next(det, &off);
	}
	it->author_details = p->autv;
	for (size_t i = 0; i < p->nlinks; i++) {
		off = p->link_off[i];
		p->linkv[i].rel = part_next(&p->linkbuf, &off);
		p->linkv[i].type = part_next(&p->linkbuf, &off);
		p->linkv[i].href = part_next(&p->linkbuf, &off);
		p->linkv[i].title = part_next(&p->linkbuf, &off);
	}
	it->links = p->linkv;
	it->nlinks = p->nlinks;
}

/* The value of a base64 digit, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64 decoded into out (appended); whitespace skipped, '=' ends. */
int
build_base64(struct buf *out, const char *s, size_t len)
{
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=')
			break;
		if ((v = b64_value(c)) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_appendc(out, (char)((acc >> bits) & 0xFF));
		}
	}
	return 0;
}
