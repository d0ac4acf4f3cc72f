/*
 * Private to conf/conf*.c: what the loader (conf.c), the require parser
 * (conf_expr.c) and the advice for `feedwatch check` (conf_warn.c) share.
 * Nothing outside conf/conf*.c includes this.
 */
#ifndef FW_CONF_CONF_PRIV_H
#define FW_CONF_CONF_PRIV_H

#include <stddef.h>

#include "conf/conf.h"

/*
 * Parse a require expression against the watchlist's resolved actors and
 * topics.  NULL on error, with *col (0-based offset into text) and *msg
 * (free it) saying what was expected.
 */
struct conf_expr *conf_expr_parse(
    const char *text, const struct conf_watchlist *wl, size_t *col, char **msg);
void conf_expr_free(struct conf_expr *e);

/* Append one "file:line: ..." warning to c->warnings. */
void conf_warn(struct conf *c, const struct conf_where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add every warning worth a look to a loaded, cross-checked config. */
void conf_warn_all(struct conf *c);

#endif
