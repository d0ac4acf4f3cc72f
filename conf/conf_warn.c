/*
 * Advice for `feedwatch check`: things that load fine but probably do not
 * do what the author meant.  Each becomes a "file:line: ..." string in
 * conf->warnings; none stops a config from loading.
 *
 *  - a term that is one of the most frequent English words matches nearly
 *    every article (unless quoted, which matches with case only);
 *  - a bare surname ("Putin" for "Vladimir Putin") matches every namesake;
 *  - an actor, topic or sink that no watchlist uses, and a feed no
 *    watchlist admits, cost work (or a delivery path) for nothing;
 *  - a watchlist whose threshold is above the highest score it can reach
 *    never alerts, and one whose require says `actor` without having
 *    actors (or `topic` without topics) has a rule part that never holds;
 *  - an smtp sink with a username whose tls is not required may send the
 *    password in clear text;
 *  - a status API on a non-loopback address without http-token serves
 *    the feeds and alerts to anyone who reaches it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* About the 160 most frequent English words, sorted for bsearch. */
static const char *const common_words[] = {
    "a",
    "able",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "another",
    "any",
    "are",
    "as",
    "at",
    "back",
    "bad",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "big",
    "both",
    "but",
    "by",
    "can",
    "come",
    "could",
    "day",
    "did",
    "different",
    "do",
    "does",
    "down",
    "during",
    "each",
    "early",
    "even",
    "every",
    "few",
    "first",
    "for",
    "from",
    "get",
    "give",
    "go",
    "good",
    "great",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "high",
    "him",
    "his",
    "how",
    "i",
    "if",
    "important",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "know",
    "large",
    "last",
    "like",
    "little",
    "long",
    "look",
    "made",
    "make",
    "many",
    "may",
    "me",
    "more",
    "most",
    "much",
    "must",
    "my",
    "new",
    "next",
    "no",
    "not",
    "now",
    "of",
    "off",
    "old",
    "on",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "people",
    "public",
    "right",
    "said",
    "same",
    "say",
    "says",
    "see",
    "she",
    "should",
    "since",
    "small",
    "so",
    "some",
    "something",
    "still",
    "such",
    "take",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "think",
    "this",
    "those",
    "through",
    "time",
    "to",
    "two",
    "under",
    "until",
    "up",
    "us",
    "use",
    "very",
    "want",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "without",
    "work",
    "would",
    "year",
    "you",
    "young",
    "your",
};

#define NCOMMON (sizeof(common_words) / sizeof(common_words[0]))

/* Format one warning and append it to c->warnings. */
static void __attribute__((format(printf, 3, 4)))
conf_warn(struct conf *c, const struct conf_where *w, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	buf_printf(&b, "%s:%d: ", w->file, w->line);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->warnings =
	    xreallocarray(c->warnings, c->nwarnings + 1, sizeof(char *));
	c->warnings[c->nwarnings++] = buf_steal(&b);
}

/* bsearch: a word against common_words[]. */
static int
conf_word_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Is this unquoted single-word term a very common English word? */
static int
conf_term_is_common(const struct conf_term *t)
{
	char low[32];

	if (t->exact || strlen(t->text) >= sizeof(low) ||
	    strpbrk(t->text, " \t-") != NULL)
		return 0;
	str_lcpy(low, t->text, sizeof(low));
	str_tolower_ascii(low);
	return bsearch(low, common_words, NCOMMON, sizeof(char *),
	           conf_word_cmp) != NULL;
}

/* The last word of a label of two words or more, or NULL. */
static const char *
conf_surname(const char *label)
{
	const char *sp = strrchr(label, ' ');

	return sp != NULL && sp[1] != '\0' ? sp + 1 : NULL;
}

/* Term warnings of one actor or topic. */
static void
conf_warn_terms(struct conf *c, const struct conf_entity *e)
{
	const char *kind = e->kind == CONF_ACTOR ? "actor" : "topic";
	const char *surname =
	    e->kind == CONF_ACTOR ? conf_surname(e->label) : NULL;

	for (size_t i = 0; i < e->nterms; i++) {
		const struct conf_term *t = &e->terms[i];
		if (conf_term_is_common(t))
			conf_warn(c, &t->where,
			    "term '%s' of %s '%s' is a very common English "
			    "word and will match most texts (quote it to "
			    "match with case only)",
			    t->text, kind, e->name);
		if (surname != NULL && i > 0 && !t->prefix &&
		    strchr(t->text, ' ') == NULL && t->text[0] >= 'A' &&
		    t->text[0] <= 'Z' && str_casecmp(t->text, surname) == 0)
			conf_warn(c, &t->where,
			    "alias '%s' of actor '%s' is a bare surname and "
			    "matches anyone called %s; prefer '%s' or a "
			    "near() rule",
			    t->text, e->name, t->text, e->label);
	}
}

/* Unused actors, topics and sinks; feeds no watchlist admits. */
static void
conf_warn_unused(struct conf *c)
{
	char *used = xcalloc(c->nentities + c->nsinks + 1, 1);
	char *sinks = used + c->nentities;

	for (size_t w = 0; w < c->nwatchlists; w++) {
		const struct conf_watchlist *wl = &c->watchlists[w];
		for (size_t i = 0; i < wl->nactors; i++)
			used[wl->actors[i] - c->entities] = 1;
		for (size_t i = 0; i < wl->ntopics; i++)
			used[wl->topics[i] - c->entities] = 1;
		for (size_t i = 0; i < wl->nexclude; i++)
			used[wl->exclude[i] - c->entities] = 1;
		for (size_t i = 0; i < wl->nsinks; i++)
			sinks[wl->sinks[i] - c->sinks] = 1;
	}
	for (size_t i = 0; i < c->nentities; i++)
		if (!used[i])
			conf_warn(c, &c->entities[i].where,
			    "%s '%s' is in no watchlist",
			    c->entities[i].kind == CONF_ACTOR ? "actor"
			                                      : "topic",
			    c->entities[i].name);
	for (size_t i = 0; i < c->nsinks; i++)
		if (!sinks[i])
			conf_warn(c, &c->sinks[i].where,
			    "sink '%s' is in no watchlist's 'sinks ='",
			    c->sinks[i].name);
	for (size_t f = 0; f < c->nfeeds; f++) {
		size_t w;
		for (w = 0; w < c->nwatchlists; w++)
			if (conf_watchlist_wants_feed(
			        &c->watchlists[w], &c->feeds[f]))
				break;
		if (w == c->nwatchlists)
			conf_warn(c, &c->feeds[f].where,
			    "feed '%s' is polled but no watchlist reads it",
			    c->feeds[f].name);
	}
	free(used);
}

/* A threshold above the best possible score. */
static void
conf_warn_threshold(struct conf *c, const struct conf_watchlist *wl)
{
	long long best = 0;

	for (size_t i = 0; i < wl->nactors; i++)
		best += (long long)wl->actors[i]->weight * wl->saturation;
	for (size_t i = 0; i < wl->ntopics; i++)
		best += (long long)wl->topics[i]->weight * wl->saturation;
	if (best < wl->threshold)
		conf_warn(c, &wl->where,
		    "watchlist '%s' can score at most %lld, below its "
		    "threshold %d: it never alerts",
		    wl->name, best, wl->threshold);
}

/* Does the expression use the leaf op anywhere? */
static int
conf_expr_uses(const struct conf_expr *e, enum conf_expr_op op)
{
	if (e == NULL)
		return 0;
	return e->op == op || conf_expr_uses(e->a, op) ||
	    conf_expr_uses(e->b, op);
}

/* `actor` in a watchlist without actors (or `topic` without topics)
 * never holds; the default rule is exempt, it is meant for both kinds. */
static void
conf_warn_require(struct conf *c, const struct conf_watchlist *wl)
{
	if (strcmp(wl->require_text, "actor or topic") == 0)
		return;
	if (wl->nactors == 0 && conf_expr_uses(wl->require, EXPR_ANY_ACTOR))
		conf_warn(c, &wl->where,
		    "watchlist '%s' has no actors, so 'actor' in its require "
		    "never holds",
		    wl->name);
	if (wl->ntopics == 0 && conf_expr_uses(wl->require, EXPR_ANY_TOPIC))
		conf_warn(c, &wl->where,
		    "watchlist '%s' has no topics, so 'topic' in its require "
		    "never holds",
		    wl->name);
}

/* Every warning, in a stable order: terms, unused, the status API,
 * watchlists. */
void
conf_warn_all(struct conf *c)
{
	for (size_t i = 0; i < c->nentities; i++)
		conf_warn_terms(c, &c->entities[i]);
	conf_warn_unused(c);
	for (size_t i = 0; i < c->nsinks; i++)
		if (c->sinks[i].type == SINK_SMTP &&
		    c->sinks[i].username != NULL &&
		    c->sinks[i].tls != CONF_TLS_REQUIRED)
			conf_warn(c, &c->sinks[i].where,
			    "sink '%s' %s its password in clear text when the "
			    "server offers no STARTTLS (tls = %s)",
			    c->sinks[i].name,
			    c->sinks[i].tls == CONF_TLS_NONE ? "sends"
			                                     : "may send",
			    c->sinks[i].tls == CONF_TLS_NONE ? "none"
			                                     : "opportunistic");
	if (conf_http_exposed(c))
		conf_warn(
		    c, &c->daemon.where, CONF_HTTP_EXPOSED_MSG, c->daemon.http);
	for (size_t i = 0; i < c->nwatchlists; i++) {
		conf_warn_threshold(c, &c->watchlists[i]);
		conf_warn_require(c, &c->watchlists[i]);
	}
}
