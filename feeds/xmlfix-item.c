/*
 * Items xmlfix.c follows whole (xmlfix-int.h): which tags open and close
 * one, and the list handed to parse.c.
 */
#include "config.h"

#include <string.h>

#include "feeds/xmlfix-int.h"

/* Whether the n bytes at s (past "<" or "</") are the name item or
 * entry: 1 yes, 0 no, -1 the input ends before it can tell. */
static int
item_name(const char *s, size_t n)
{
	const char *name;
	size_t k;

	/* Most names are told apart by their first byte. */
	if (n == 0)
		return -1;
	if (s[0] == 'i')
		name = "item", k = 4;
	else if (s[0] == 'e')
		name = "entry", k = 5;
	else
		return 0;
	if (n <= k)
		return memcmp(s, name, n) == 0 ? -1 : 0;
	if (memcmp(s, name, k) != 0)
		return 0;
	return s[k] == '>' || s[k] == '/' || s[k] == ' ' || s[k] == '\t' ||
	    s[k] == '\n' || s[k] == '\r';
}

/* A tag starts at s[0] ('<'; n bytes in hand), at offset at of the
 * output, with the tracking on: follow the item being recorded.  An item
 * inside an item, a name the chunk cuts, an end tag that does not match:
 * the open one is not recorded. */
void
xf_item_tag(struct fp_xmlfix *d, const char *s, size_t n, size_t at)
{
	int close = n > 1 && s[1] == '/';
	int m;

	/* An end tag matters only inside an item being recorded. */
	if (close && d->item_state != XI_INSIDE)
		return;
	m = item_name(s + 1 + close, n - 1 - (size_t)close);
	if (d->dtd_subset)
		m = -1; /* its entities may mean anything */
	if (!close) {
		if (m == 1 && d->item_state == XI_NONE && d->depth > 0) {
			d->item.from = at;
			d->item.depth = d->depth;
			d->item_state = XI_START;
		} else if (m != 0)
			d->item_state = XI_NONE;
		return;
	}
	/* an end tag, inside the item (see above) */
	if (d->depth == d->item.depth + 1) {
		if (m == 1) {
			d->item.end_at = at;
			d->item_state = XI_END;
		} else
			d->item_state = XI_NONE;
	} else if (m != 0)
		d->item_state = XI_NONE;
}

/* Hand the driver the items recorded so far; start afresh. */
const struct xf_item *
xmlfix_items(struct fp_xmlfix *d, size_t *n)
{
	*n = d->nitems;
	d->nitems = 0;
	return d->items;
}
