/*
 * Names and references.  Once every file is read, the sections of each
 * kind are indexed by name (sorted, so duplicates show up side by side and
 * lookups are bsearch); then each watchlist's references, kept as names
 * while reading (struct wl_refs), become pointers into the same conf, and
 * its require expression is parsed against them.  The first unknown,
 * doubled or mistyped reference is the load's error.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* A name with where it was written, for sorted indexes. */
struct named {
	const char *name;
	const struct conf_where *where;
	const void *obj;
	size_t order;
};

struct name_index {
	struct named *v;
	size_t n;
};

struct conf_names {
	struct name_index feeds, entities, sinks, watchlists;
};

/* Order by name, then by file order. */
static int
conf_named_cmp(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	if (d != 0)
		return d;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* bsearch: a name against an index entry. */
static int
conf_named_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct named *)elem)->name);
}

/* Append one named section to an index. */
static void
conf_index_add(struct name_index *ix, const char *name,
    const struct conf_where *w, const void *obj)
{
	ix->v = conf_grow(ix->v, &ix->n, sizeof(*ix->v));
	ix->v[ix->n - 1].name = name;
	ix->v[ix->n - 1].where = w;
	ix->v[ix->n - 1].obj = obj;
	ix->v[ix->n - 1].order = ix->n - 1;
}

/* Sort; the later of two sections with one name is an error.  kind names
 * what an entry is (so an actor and a topic can be told apart). */
static int
conf_index_sort(
    struct loader *ld, struct name_index *ix, const char *(*kind)(const void *))
{
	const struct named *a, *b;

	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), conf_named_cmp);
	for (size_t i = 1; i < ix->n; i++) {
		if (strcmp(ix->v[i - 1].name, ix->v[i].name) != 0)
			continue;
		a = &ix->v[i - 1];
		b = &ix->v[i];
		return conf_fail_at(ld, b->where->file, b->where->line,
		    "[%s %s] has the name of the %s defined at %s:%d; expected "
		    "a new name%s",
		    kind(b->obj), b->name, kind(a->obj), a->where->file,
		    a->where->line,
		    strcmp(kind(a->obj), kind(b->obj)) != 0
		        ? " (actors and topics share one set of names)"
		        : "");
	}
	return 0;
}

/* The object of a name in an index, or NULL. */
static const void *
conf_index_find(const struct name_index *ix, const char *name)
{
	const struct named *nd;

	if (ix->n == 0)
		return NULL;
	nd = bsearch(name, ix->v, ix->n, sizeof(*ix->v), conf_named_key_cmp);
	return nd != NULL ? nd->obj : NULL;
}

/* What a feed is called in messages. */
static const char *
conf_kind_feed(const void *obj)
{
	(void)obj;
	return "feed";
}

/* What an actor or topic is called in messages. */
static const char *
conf_kind_entity(const void *obj)
{
	return ((const struct conf_entity *)obj)->kind == CONF_ACTOR ? "actor"
	                                                             : "topic";
}

/* What a watchlist is called in messages. */
static const char *
conf_kind_watchlist(const void *obj)
{
	(void)obj;
	return "watchlist";
}

/* What a sink is called in messages. */
static const char *
conf_kind_sink(const void *obj)
{
	(void)obj;
	return "sink";
}

/* Build the sorted indexes behind conf_find_*; duplicates are errors. */
int
conf_build_names(struct loader *ld)
{
	struct conf *c = ld->c;
	struct conf_names *nm = xcalloc(1, sizeof(*nm));

	c->names = nm;
	for (size_t i = 0; i < c->nfeeds; i++)
		conf_index_add(&nm->feeds, c->feeds[i].name, &c->feeds[i].where,
		    &c->feeds[i]);
	for (size_t i = 0; i < c->nentities; i++)
		conf_index_add(&nm->entities, c->entities[i].name,
		    &c->entities[i].where, &c->entities[i]);
	for (size_t i = 0; i < c->nwatchlists; i++)
		conf_index_add(&nm->watchlists, c->watchlists[i].name,
		    &c->watchlists[i].where, &c->watchlists[i]);
	for (size_t i = 0; i < c->nsinks; i++)
		conf_index_add(&nm->sinks, c->sinks[i].name, &c->sinks[i].where,
		    &c->sinks[i]);
	if (conf_index_sort(ld, &nm->feeds, conf_kind_feed) < 0 ||
	    conf_index_sort(ld, &nm->entities, conf_kind_entity) < 0 ||
	    conf_index_sort(ld, &nm->watchlists, conf_kind_watchlist) < 0 ||
	    conf_index_sort(ld, &nm->sinks, conf_kind_sink) < 0)
		return -1;
	return 0;
}

/* Free the indexes (NULL is fine). */
void
conf_names_free(struct conf_names *nm)
{
	if (nm == NULL)
		return;
	free(nm->feeds.v);
	free(nm->entities.v);
	free(nm->watchlists.v);
	free(nm->sinks.v);
	free(nm);
}

/*
 * Resolve a list of actor or topic names into entity pointers.  seen[] is
 * per entity, the watchlist's number + 1 when already listed in this list.
 */
static int
conf_resolve_entities(struct loader *ld, const struct conf_watchlist *wl,
    const struct reflist *l, enum conf_entity_kind want, const char *key,
    size_t *seen, size_t mark, const struct conf_entity ***out, size_t *nout)
{
	const char *file = wl->where.file;
	const char *wname = want == CONF_ACTOR ? "actor" : "topic";
	const struct conf_entity *e;

	*out = xcalloc(l->n + 1, sizeof(**out));
	*nout = 0;
	for (size_t i = 0; i < l->n; i++) {
		if ((e = conf_index_find(
		         &ld->c->names->entities, l->v[i].name)) == NULL)
			return conf_fail_at(ld, file, l->v[i].line,
			    "unknown %s '%s' in '%s ='; expected the name of "
			    "an "
			    "[%s] section",
			    wname, l->v[i].name, key, wname);
		if (e->kind != want)
			return conf_fail_at(ld, file, l->v[i].line,
			    "'%s' is %s; expected %s in '%s ='", e->name,
			    e->kind == CONF_ACTOR ? "an actor" : "a topic",
			    want == CONF_ACTOR ? "an actor" : "a topic", key);
		if (seen[e - ld->c->entities] == mark)
			return conf_fail_at(ld, file, l->v[i].line,
			    "'%s' is listed twice in '%s ='; expected each "
			    "once",
			    e->name, key);
		seen[e - ld->c->entities] = mark;
		(*out)[(*nout)++] = e;
	}
	return 0;
}

/* Does some feed list tag in its `tags =`? */
static int
conf_tag_used(const struct conf *c, const char *tag)
{
	for (size_t f = 0; f < c->nfeeds; f++)
		for (size_t t = 0; t < c->feeds[f].ntags; t++)
			if (strcmp(c->feeds[f].tags[t], tag) == 0)
				return 1;
	return 0;
}

/* sinks = and feeds = of one watchlist. */
static int
conf_resolve_outlets(
    struct loader *ld, struct conf_watchlist *wl, const struct wl_refs *r)
{
	struct conf *c = ld->c;
	const struct conf_sink *s;

	wl->sinks = xcalloc(r->sinks.n + 1, sizeof(*wl->sinks));
	for (size_t i = 0; i < r->sinks.n; i++) {
		if ((s = conf_index_find(
		         &c->names->sinks, r->sinks.v[i].name)) == NULL)
			return conf_fail_at(ld, wl->where.file,
			    r->sinks.v[i].line,
			    "unknown sink '%s' in 'sinks ='; expected the name "
			    "of a [sink] section",
			    r->sinks.v[i].name);
		for (size_t j = 0; j < wl->nsinks; j++)
			if (wl->sinks[j] == s)
				return conf_fail_at(ld, wl->where.file,
				    r->sinks.v[i].line,
				    "'%s' is listed twice in 'sinks ='; "
				    "expected each once",
				    r->sinks.v[i].name);
		wl->sinks[wl->nsinks++] = s;
	}
	for (size_t i = 0; i < wl->nfeeds; i++) {
		const struct conf_feedref *fr = &wl->feeds[i];
		if (!fr->is_tag &&
		    conf_index_find(&c->names->feeds, fr->name) == NULL)
			return conf_fail_at(ld, wl->where.file,
			    r->feeds.v[i].line,
			    "unknown feed '%s' in 'feeds ='; expected "
			    "the name of a [feed] section or tag:TAG",
			    fr->name);
		if (fr->is_tag && !conf_tag_used(c, fr->name))
			return conf_fail_at(ld, wl->where.file,
			    r->feeds.v[i].line,
			    "no feed has the tag '%s' of 'feeds ='; expected "
			    "a tag that some feed's 'tags =' lists",
			    fr->name);
	}
	return 0;
}

/* The watchlist's require, as written or the key's default, parsed. */
static int
conf_resolve_require(
    struct loader *ld, struct conf_watchlist *wl, const struct wl_refs *r)
{
	const char *text = r->require;
	size_t col;
	char *msg;

	if (text == NULL)
		text = conf_key_find(SECT_WATCHLIST, "require")->def_str;
	wl->require_text = xstrdup(text);
	if ((wl->require = conf_expr_parse(text, wl, &col, &msg)) != NULL)
		return 0;
	conf_fail_at(ld, wl->where.file, r->require_line,
	    "require, column %zu: %s", r->require_col + col, msg);
	free(msg);
	return -1;
}

/* Resolve every watchlist's references and parse its require. */
int
conf_resolve_watchlists(struct loader *ld)
{
	struct conf *c = ld->c;
	size_t *seen = xcalloc(c->nentities + 1, sizeof(*seen));
	size_t mark = 0;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < c->nwatchlists; i++) {
		struct conf_watchlist *wl = &c->watchlists[i];
		struct wl_refs *r = &ld->wlrefs[i];
		if (conf_resolve_entities(ld, wl, &r->actors, CONF_ACTOR,
		        "actors", seen, ++mark, &wl->actors,
		        &wl->nactors) < 0 ||
		    conf_resolve_entities(ld, wl, &r->topics, CONF_TOPIC,
		        "topics", seen, ++mark, &wl->topics,
		        &wl->ntopics) < 0 ||
		    conf_resolve_entities(ld, wl, &r->exclude, CONF_TOPIC,
		        "exclude", seen, ++mark, &wl->exclude,
		        &wl->nexclude) < 0 ||
		    conf_resolve_outlets(ld, wl, r) < 0)
			ret = -1;
		else if (wl->nactors == 0 && wl->ntopics == 0)
			ret = conf_fail_at(ld, wl->where.file, wl->where.line,
			    "[watchlist %s] needs 'actors =' or 'topics ='",
			    wl->name);
		else
			ret = conf_resolve_require(ld, wl, r);
	}
	free(seen);
	return ret;
}

/* ---- lookups --------------------------------------------------------- */

/* A feed by name, or NULL. */
const struct conf_feed *
conf_find_feed(const struct conf *c, const char *name)
{
	return conf_index_find(&c->names->feeds, name);
}

/* An actor or topic by name, or NULL. */
const struct conf_entity *
conf_find_entity(const struct conf *c, const char *name)
{
	return conf_index_find(&c->names->entities, name);
}

/* A sink by name, or NULL. */
const struct conf_sink *
conf_find_sink(const struct conf *c, const char *name)
{
	return conf_index_find(&c->names->sinks, name);
}

/* No restriction admits all; else a name or a tag must match. */
int
conf_watchlist_wants_feed(
    const struct conf_watchlist *wl, const struct conf_feed *feed)
{
	if (wl->nfeeds == 0)
		return 1;
	for (size_t i = 0; i < wl->nfeeds; i++) {
		const struct conf_feedref *fr = &wl->feeds[i];
		if (!fr->is_tag && strcmp(fr->name, feed->name) == 0)
			return 1;
		for (size_t t = 0; fr->is_tag && t < feed->ntags; t++)
			if (strcmp(fr->name, feed->tags[t]) == 0)
				return 1;
	}
	return 0;
}
