/*
 * The item builder's last step (see build.c): an item whose element has
 * ended is either old (the caller's known callback has its id) and only
 * counted, or made text and handed to the item callback.  The callback is
 * asked once an item's id can no longer change, which for most feeds is
 * well before the item ends (build_item_ask): from there on build.c reads
 * nothing more of an old item but its structure.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/idset.h"
#include "feeds/build.h"
#include "feeds/elems.h"
#include "feeds/html.h"

static char empty_string[] = "";

/* The markup kept in deferred slots made text, as collect_end would
 * have made it. */
static void
item_text(struct fp_build *p)
{
	for (int i = 0; i < SLOT_COUNT; i++) {
		struct buf t;
		int flags = p->slot_defer[i] - 1;

		if (p->slot_defer[i] == 0)
			continue;
		if ((flags & K_GUESS) &&
		    !html_looks_like(p->slot[i].data, p->slot[i].len))
			flags &= ~HTML_MARKUP;
		buf_reset(&p->tmp);
		html_to_text(&p->tmp, buf_str(&p->slot[i]), p->slot[i].len,
		    flags & ~K_GUESS);
		t = p->slot[i];
		p->slot[i] = p->tmp;
		p->tmp = t;
		p->slot_defer[i] = 0;
	}
}

/* What the caller is asked about: the id's slot, or else the link's. */
static const struct buf *
item_id(const struct fp_build *p)
{
	return p->slot[SLOT_ID].len > 0 ? &p->slot[SLOT_ID]
	                                : &p->slot[SLOT_LINK];
}

/* The idset_key of the id of the item that ended last, an old one (its
 * slots stay until the next item begins). */
uint64_t
build_old_key(const struct fp_build *p)
{
	return idset_key(item_id(p)->data);
}

/* Does the caller have this item already?  Asked once, before its text
 * is made, when its id does not depend on that text. */
static int
item_known(struct fp_build *p)
{
	const struct buf *id = item_id(p);

	if (p->item_asked)
		return p->item_old;
	return p->known != NULL && id->len > 0 &&
	    p->known(id->data, p->knownarg);
}

/* The highest priority an item's id can have: once its id came from
 * such an element, nothing later in the item can replace it. */
int
build_id_prio_top(void)
{
	int top = 0;

	for (int e = 0; e < E_COUNT; e++)
		if (item_rules[e].target == T_ID && item_rules[e].prio > top)
			top = item_rules[e].prio;
	return top;
}

/* An item's id is final (a guid or id of the top priority): ask now
 * whether the item is old, so that an old one's remaining fields are not
 * read at all (start_tag skips them) rather than read and dropped. */
void
build_item_ask(struct fp_build *p)
{
	if (p->known == NULL || p->item_depth == 0 || p->item_asked ||
	    p->slot_prio[SLOT_ID] < p->id_prio_top || p->slot[SLOT_ID].len == 0)
		return;
	p->item_old = p->known(p->slot[SLOT_ID].data, p->knownarg) != 0;
	p->item_asked = 1;
}

/* Point the item's arrays into the buffers and call back, unless the
 * caller has the item already. */
void
build_item_emit(struct fp_build *p)
{
	struct feed_item it;
	char hex[17];
	size_t i, off;

	if ((p->emitted_old = item_known(p)) != 0) {
		p->nitems++;
		return;
	}
	item_text(p);
	memset(&it, 0, sizeof(it));
	it.title = (char *)buf_str(&p->slot[SLOT_TITLE]);
	it.link = (char *)buf_str(&p->slot[SLOT_LINK]);
	it.summary = (char *)buf_str(&p->slot[SLOT_SUMMARY]);
	it.content = p->slot_prio[SLOT_CONTENT] == 0 && p->content_alias
	    ? it.summary
	    : (char *)buf_str(&p->slot[SLOT_CONTENT]);
	if (p->slot[SLOT_ID].len > 0)
		it.id = p->slot[SLOT_ID].data;
	else if (p->slot[SLOT_LINK].len > 0)
		it.id = p->slot[SLOT_LINK].data;
	else {
		uint64_t h =
		    hash64_update(HASH64_INIT, it.title, strlen(it.title));
		h = hash64_update(h, "\n", 1);
		h = hash64_update(h, it.summary, strlen(it.summary));
		hash64_hex(h, hex);
		it.id = hex;
	}
	if (p->slot[SLOT_LANGUAGE].len > 0)
		it.language = p->slot[SLOT_LANGUAGE].data;
	else
		it.language = p->meta.language;
	it.published = p->date[DATE_PUBLISHED];
	it.updated = p->date[DATE_UPDATED];
	const struct buf *au = &p->authors;
	size_t nau = p->nauthors;
	if (nau == 0) { /* the feed's authors, when it named any (Atom) */
		au = &p->feed_authors;
		nau = p->nfeed_authors;
	}
	for (i = 0, off = 0; i < nau; i++) {
		p->authv[i] = au->data + off;
		off += strlen(p->authv[i]) + 1;
	}
	it.authors = p->authv;
	it.nauthors = nau;
	for (i = 0, off = 0; i < p->ncategories; i++) {
		p->catv[i] = p->categories.data + off;
		off += strlen(p->catv[i]) + 1;
	}
	it.categories = p->catv;
	it.ncategories = p->ncategories;
	for (i = 0; i < p->nencl; i++) {
		p->encl[i].url = p->encbuf.data + p->encl_url[i];
		p->encl[i].type = p->encbuf.data + p->encl_type[i];
	}
	it.enclosures = p->encl;
	it.nenclosures = p->nencl;
	build_lists_emit(p, &it);
	int cs = p->slot_prio[SLOT_CONTENT] == 0 && p->content_alias
	    ? SLOT_SUMMARY
	    : SLOT_CONTENT;
	it.content_type = *it.content != '\0' ? p->slot_type[cs] : empty_string;
	if (p->raw) {
		it.summary_raw = (char *)buf_str(&p->slot_raw[SLOT_SUMMARY]);
		it.content_raw = (char *)buf_str(&p->slot_raw[cs]);
	}
	p->nitems++;
	p->cb(&it, p->cbarg);
}
