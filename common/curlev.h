/*
 * curlev: libcurl's multi-socket interface driven by a libevent loop, in
 * the shape of curl's hiperfifo example.  curl tells us which sockets to
 * watch and when its timer is due; libevent tells curl when they are ready;
 * each finished transfer is handed to the callback given with its easy
 * handle.  Nothing here blocks, so transfers of any number of users share
 * the daemon's one loop.
 *
 * The caller owns the easy handles: after the done callback (or a cancel)
 * the handle is out of the multi and the caller may reuse or clean it up.
 * Done callbacks may add and cancel transfers but must not free the
 * curlev itself.
 */
#ifndef FW_COMMON_CURLEV_H
#define FW_COMMON_CURLEV_H

#include <curl/curl.h>

struct event_base;
struct curlev;

/* A transfer ended: result is CURLE_OK or the transport error. */
typedef void (*curlev_done_cb)(CURL *easy, CURLcode result, void *arg);

/* NULL with *err (free it) when curl cannot make a multi handle. */
struct curlev *curlev_new(struct event_base *base, char **err);
/* The multi handle, for CURLMOPT_* settings (connection limits). */
CURLM *curlev_multi(struct curlev *cv);
/* Start easy; done is called once, later, from the loop.  -1 with *err
 * (free it) when curl refuses the handle (done is then never called). */
int curlev_add(
    struct curlev *cv, CURL *easy, curlev_done_cb done, void *arg, char **err);
/* Stop a transfer that has not finished; its done is never called. */
void curlev_cancel(struct curlev *cv, CURL *easy);
/* Transfers started and not yet finished or cancelled. */
int curlev_running(const struct curlev *cv);
/* Cancel everything (no callbacks) and free. */
void curlev_free(struct curlev *cv);

#endif
