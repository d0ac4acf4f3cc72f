/*
 * xmlfix.c's record of the items it follows whole, from start tag to end
 * tag (xmlfix_items): the state machine, its hot tests inline here for
 * xmlfix.c's scanning loops, the rest in xmlfix-item.c.
 */
#ifndef FW_FEEDS_XMLFIX_INT_H
#define FW_FEEDS_XMLFIX_INT_H

#include <stddef.h>

#include "common/xmalloc.h"
#include "feeds/xmlfix.h"

/* fp_xmlfix.item_state: where the item being recorded is. */
enum { XI_NONE = 0, XI_START, XI_INSIDE, XI_END };

/* A tag starts at s[0] ('<'; n bytes in hand), at offset at of the
 * output, with the tracking on (xmlfix-item.c). */
void xf_item_tag(struct fp_xmlfix *d, const char *s, size_t n, size_t at);

/* Whether item_tag could change anything for the tag at s (n bytes in
 * hand): a start tag whose name may be item or entry, or an end tag
 * inside the item being recorded.  Most tags are neither. */
static inline int
item_tag_wanted(const struct fp_xmlfix *d, const char *s, size_t n)
{
	if (n < 2 || d->dtd_subset)
		return 1;
	if (s[1] == '/')
		return d->item_state == XI_INSIDE;
	return s[1] == 'i' || s[1] == 'e';
}

/* A tag ended just before offset at of the output; self: "/>". */
static inline void
item_tag_end(struct fp_xmlfix *d, int self, size_t at)
{
	if (d->item_state == XI_START)
		d->item_state = self ? XI_NONE : XI_INSIDE;
	else if (d->item_state == XI_END) {
		d->item_state = XI_NONE;
		if (d->nitems == d->items_cap) {
			d->items_cap = d->items_cap ? 2 * d->items_cap : 64;
			d->items = xreallocarray(
			    d->items, d->items_cap, sizeof(*d->items));
		}
		d->item.to = at;
		d->items[d->nitems++] = d->item;
	}
}

#endif
