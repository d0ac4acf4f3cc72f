/*
 * The status API (SPEC "Status API"): a small HTTP server on the daemon's
 * loop (libevent's evhttp) for people and monitoring, when the config sets
 * `http`.  GET /healthz, /metrics (Prometheus text), /feeds (JSON) and
 * /alerts?since=RFC3339 (JSON); daemon/httppage.c adds /, /alerts.atom and
 * /silences.  Read-only but for POST /silences.
 */
#ifndef FW_DAEMON_HTTPAPI_H
#define FW_DAEMON_HTTPAPI_H

struct conf;
struct event_base;
struct pipeline;
struct store;

/* Alerts one /alerts answer carries at most. */
#define HTTPAPI_ALERTS_MAX 1000
/* Without ?since=, /alerts covers this much of the past. */
#define HTTPAPI_ALERTS_DEFAULT_S (24 * 3600)

struct httpapi;

/* Listen on addr ("127.0.0.1:8740", "[::1]:8740"); NULL with *err (free
 * it) when the address cannot be had. */
struct httpapi *httpapi_new(
    struct event_base *base, const char *addr, struct store *st, char **err);
/* What the answers describe; set again after a reload. */
void httpapi_set_source(
    struct httpapi *h, const struct conf *c, const struct pipeline *p);
const char *httpapi_addr(const struct httpapi *h);
void httpapi_free(struct httpapi *h);

#endif
