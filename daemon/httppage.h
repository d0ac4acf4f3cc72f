/*
 * The status API's parts for people (beside daemon/httpapi.c, which calls
 * in here): the alerts page at / (one HTML file compiled into the
 * program, daemon/page.html), the alerts feed /alerts.atom[?watchlist=W]
 * (Atom 1.0, the newest HTTPPAGE_ATOM_MAX alerts), and /silences (GET
 * lists the active ones; POST creates one, only when http-token is set,
 * since a write must be authorised).
 */
#ifndef FW_DAEMON_HTTPPAGE_H
#define FW_DAEMON_HTTPPAGE_H

#include <stddef.h>

struct conf;
struct httpreq;
struct store;

/* Entries of the alerts feed. */
#define HTTPPAGE_ATOM_MAX 100

/* The page needs no token (it holds no data and asks for the token):
 * 1 when req was for it and is answered. */
int httppage_public(struct httpreq *req, const char *path);
/* The authorised paths of this file, and every POST: 1 when answered. */
int httppage_route(struct httpreq *req, const char *path, const char *query,
    struct store *st, const struct conf *c);

/* daemon/httpatom.c: the alerts feed's body (free it), or NULL with the
 * store's error. */
char *httpatom_build(
    struct store *st, const char *watchlist, const char *self, size_t *len);

/* The page as compiled in (daemon/page-html.c, made by the build). */
extern const unsigned char httppage_html[];
extern const size_t httppage_html_len;

#endif
