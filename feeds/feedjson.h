/*
 * Items and feeds as the JSON of SPEC "feedwatch parse" (jansson), for
 * `feedwatch parse`, the tests, and whoever else prints items.
 */
#ifndef FW_FEEDS_FEEDJSON_H
#define FW_FEEDS_FEEDJSON_H

#include <jansson.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "feeds/parse.h"

/* {"id":…,"title":…,…,"content":…,"language":…,"enclosures":[…],
 *  "author_details":[…],"links":[…],"content_type":…}; a new reference. */
json_t *feed_item_json(const struct feed_item *item);
/* The same object as JSON text (jansson's JSON_INDENT(2) layout), every
 * line after the first starting with base; appended to out. */
void feed_item_write(
    struct buf *out, const struct feed_item *item, const char *base);
/* "key": a feed time (FEED_TIME_NONE is null) as RFC 3339 UTC. */
void feed_time_write(struct jw *w, const char *key, time_t t);
/* {"format":…,"title":…,"link":…,"updated":…,"language":…,"warnings":[…],
 *  "items":items}
 * (steals the reference to items). */
json_t *feed_doc_json(const struct feed_parser *p, json_t *items);

#endif
