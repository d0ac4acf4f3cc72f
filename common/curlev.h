/*
 * curlev: libcurl's multi-socket interface driven by a libevent loop, in
 * the shape of curl's hiperfifo example.  curl tells us which sockets to
 * watch and when its timer is due; libevent tells curl when they are ready;
 * each finished transfer is handed to the callback given with its easy
 * handle.  Nothing here blocks, so transfers of any number of users share
 * the daemon's one loop.
 *
 * One curlev serves a whole program: feedwatchd makes one on its loop and
 * hands it to the fetcher and to the webhook and SMTP sinks of every
 * pipeline it builds, so they share one connection cache and one DNS
 * cache (the multi's), and TLS sessions (libcurl share handles, one per
 * group of hosts, set on every transfer curlev_add starts), HTTP/2
 * multiplexes the transfers of one host on one connection, and it
 * outlives reloads.  Each holder takes a reference
 * (curlev_share) and gives it back with curlev_free after cancelling its
 * own transfers; the last reference frees the multi.
 *
 * The caller owns the easy handles: after the done callback (or a cancel)
 * the handle is out of the multi and the caller may reuse or clean it up.
 * Done callbacks may add and cancel transfers but must not free the last
 * reference to the curlev itself.
 */
#ifndef FW_COMMON_CURLEV_H
#define FW_COMMON_CURLEV_H

#include <curl/curl.h>

struct event_base;
struct curlev;

/* A transfer ended: result is CURLE_OK or the transport error. */
typedef void (*curlev_done_cb)(CURL *easy, CURLcode result, void *arg);

/* One reference; NULL with *err (free it) when curl cannot make a multi
 * handle. */
struct curlev *curlev_new(struct event_base *base, char **err);
/* Another reference to cv, for another holder; returns cv. */
struct curlev *curlev_share(struct curlev *cv);
/* The multi handle, for CURLMOPT_* settings (connection limits). */
CURLM *curlev_multi(struct curlev *cv);
/* Start easy; done is called once, later, from the loop.  -1 with *err
 * (free it) when curl refuses the handle (done is then never called). */
int curlev_add(
    struct curlev *cv, CURL *easy, curlev_done_cb done, void *arg, char **err);
/* curlev_add for a transfer to key ("scheme://host:port"): its TLS
 * sessions are kept with that host's (NULL: one group for all). */
int curlev_add_for(struct curlev *cv, CURL *easy, const char *key,
    curlev_done_cb done, void *arg, char **err);
/* Stop a transfer that has not finished; its done is never called. */
void curlev_cancel(struct curlev *cv, CURL *easy);
/* Give back one reference (NULL is fine); the last one cancels what is
 * left (no callbacks) and frees. */
void curlev_free(struct curlev *cv);
/* Append "name: value" to a request's header list; returns the list. */
struct curl_slist *curlev_header(
    struct curl_slist *list, const char *name, const char *value);

#endif
