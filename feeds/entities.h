/*
 * The HTML5 named character reference table (feeds/entities.c, generated
 * by feeds/gen-entities.py).  Feeds are full of HTML entities, both inside
 * their escaped HTML and, illegally, in the XML itself; feeds/html.c looks
 * names up here for both.
 */
#ifndef FW_FEEDS_ENTITIES_H
#define FW_FEEDS_ENTITIES_H

#include <stddef.h>
#include <stdint.h>

/* The longest name in the table ("CounterClockwiseContourIntegral"). */
#define HTML_ENTITY_NAME_MAX 31

struct html_entity {
	const char *name; /* without '&' and ';' */
	uint32_t cp1;
	uint32_t cp2; /* 0 for the names that stand for one code point */
};

extern const struct html_entity html_entities[];
extern const size_t html_entities_count;

#endif
