/*
 * Items kept past the parser's callback: a deep copy and its release
 * (parse.h).
 */
#include "config.h"

#include <stdlib.h>

#include "common/xmalloc.h"
#include "feeds/parse.h"

/* Copy an array of n strings (NULL-terminated). */
static char **
strv_dup(char **v, size_t n)
{
	char **d = xcalloc(n + 1, sizeof(*d));

	for (size_t i = 0; i < n; i++)
		d[i] = xstrdup(v[i]);
	return d;
}

/* A deep copy of an item, to keep past the callback. */
struct feed_item *
feed_item_dup(const struct feed_item *it)
{
	struct feed_item *d = xcalloc(1, sizeof(*d));

	d->id = xstrdup(it->id);
	d->title = xstrdup(it->title);
	d->link = xstrdup(it->link);
	d->summary = xstrdup(it->summary);
	d->content = xstrdup(it->content);
	d->language = it->language != NULL ? xstrdup(it->language) : NULL;
	d->published = it->published;
	d->updated = it->updated;
	d->authors = strv_dup(it->authors, it->nauthors);
	d->nauthors = it->nauthors;
	d->categories = strv_dup(it->categories, it->ncategories);
	d->ncategories = it->ncategories;
	d->enclosures = xcalloc(it->nenclosures + 1, sizeof(*d->enclosures));
	for (size_t i = 0; i < it->nenclosures; i++) {
		d->enclosures[i].url = xstrdup(it->enclosures[i].url);
		d->enclosures[i].type = xstrdup(it->enclosures[i].type);
		d->enclosures[i].length = it->enclosures[i].length;
	}
	d->nenclosures = it->nenclosures;
	d->author_details =
	    xcalloc(it->nauthors + 1, sizeof(*d->author_details));
	for (size_t i = 0; i < it->nauthors && it->author_details; i++) {
		d->author_details[i].name = xstrdup(it->author_details[i].name);
		d->author_details[i].email =
		    xstrdup(it->author_details[i].email);
		d->author_details[i].uri = xstrdup(it->author_details[i].uri);
	}
	d->links = xcalloc(it->nlinks + 1, sizeof(*d->links));
	for (size_t i = 0; i < it->nlinks; i++) {
		d->links[i].rel = xstrdup(it->links[i].rel);
		d->links[i].type = xstrdup(it->links[i].type);
		d->links[i].href = xstrdup(it->links[i].href);
		d->links[i].title = xstrdup(it->links[i].title);
		d->links[i].length = it->links[i].length;
	}
	d->nlinks = it->nlinks;
	d->content_type = xstrdup(it->content_type ? it->content_type : "");
	d->summary_raw = it->summary_raw ? xstrdup(it->summary_raw) : NULL;
	d->content_raw = it->content_raw ? xstrdup(it->content_raw) : NULL;
	return d;
}

/* Free a copy made by feed_item_dup. */
void
feed_item_free(struct feed_item *it)
{
	if (it == NULL)
		return;
	free(it->id);
	free(it->title);
	free(it->link);
	free(it->summary);
	free(it->content);
	free(it->language);
	for (size_t i = 0; i < it->nauthors; i++)
		free(it->authors[i]);
	free(it->authors);
	for (size_t i = 0; i < it->ncategories; i++)
		free(it->categories[i]);
	free(it->categories);
	for (size_t i = 0; i < it->nenclosures; i++) {
		free(it->enclosures[i].url);
		free(it->enclosures[i].type);
	}
	free(it->enclosures);
	for (size_t i = 0; i < it->nauthors && it->author_details; i++) {
		free(it->author_details[i].name);
		free(it->author_details[i].email);
		free(it->author_details[i].uri);
	}
	free(it->author_details);
	for (size_t i = 0; i < it->nlinks; i++) {
		free(it->links[i].rel);
		free(it->links[i].type);
		free(it->links[i].href);
		free(it->links[i].title);
	}
	free(it->links);
	free(it->content_type);
	free(it->summary_raw);
	free(it->content_raw);
	free(it);
}
