/*
 * A feed's fetch settings (header, username, password, cookie, proxy,
 * user-agent): each one a feed does not write is the [daemon]'s.  Known
 * only once every file is read, since [daemon] may come after the feeds
 * or from an include, so conf_finish calls conf_fetch_inherit last.  A
 * list (header) is inherited whole: a feed that writes one header writes
 * all of its own.
 */
#include "config.h"

#include <stdlib.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* A copy of a string that may be NULL. */
static char *
conf_fetch_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Was `name` written in this [feed]? */
static int
conf_fetch_written(const struct sect_rec *rec, const char *name)
{
	return rec->keyline[conf_key_index(conf_key_find(SECT_FEED, name))] !=
	    0;
}

/* Give one feed the [daemon]'s value of every key it did not write. */
static void
conf_fetch_feed(const struct conf_daemon *d, struct conf_feed *f,
    const struct sect_rec *rec)
{
	if (!conf_fetch_written(rec, "header") && d->fetch.nheaders > 0) {
		f->fetch.headers =
		    xcalloc(d->fetch.nheaders, sizeof(*f->fetch.headers));
		for (size_t i = 0; i < d->fetch.nheaders; i++)
			f->fetch.headers[i] = xstrdup(d->fetch.headers[i]);
		f->fetch.nheaders = d->fetch.nheaders;
	}
	if (!conf_fetch_written(rec, "username"))
		f->fetch.username = conf_fetch_dup(d->fetch.username);
	if (!conf_fetch_written(rec, "password"))
		f->fetch.password = conf_fetch_dup(d->fetch.password);
	if (!conf_fetch_written(rec, "cookie"))
		f->fetch.cookie = conf_fetch_dup(d->fetch.cookie);
	if (!conf_fetch_written(rec, "proxy"))
		f->fetch.proxy = conf_fetch_dup(d->fetch.proxy);
	if (!conf_fetch_written(rec, "user-agent"))
		f->user_agent = conf_fetch_dup(d->user_agent);
}

/* Every feed: the [daemon]'s fetch settings where it wrote none. */
void
conf_fetch_inherit(struct loader *ld)
{
	for (size_t r = 0; r < ld->nrecs; r++)
		if (ld->recs[r].kind == SECT_FEED)
			conf_fetch_feed(&ld->c->daemon,
			    &ld->c->feeds[ld->recs[r].index], &ld->recs[r]);
}

/* Free what a conf_fetch holds (not the struct). */
void
conf_fetch_free(struct conf_fetch *f)
{
	conf_strv_free(f->headers, f->nheaders);
	free(f->username);
	free(f->password);
	free(f->cookie);
	free(f->proxy);
}
