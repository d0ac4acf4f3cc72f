/*
 * Inside the sinks: the operations each sink type provides, and the state
 * every sink shares.  Only alerts/sink*.c include this.
 */
#ifndef FW_ALERTS_SINK_PRIV_H
#define FW_ALERTS_SINK_PRIV_H

#include "alerts/sink.h"

struct sink_ops {
	/* Set s->impl; 0, or -1 with *err. */
	int (*open)(struct sink *s, char **err);
	void (*deliver)(struct sink *s, const char *alert_id, const char *doc,
	    sink_done_cb done, void *arg);
	void (*close)(struct sink *s);
};

struct sink {
	const struct conf_sink *conf; /* owned by the running config */
	struct sink_env env;
	const struct sink_ops *ops;
	void *impl;
};

extern const struct sink_ops sink_log_ops;
extern const struct sink_ops sink_file_ops;

/* Report an outcome in one call. */
void sink_report(
    sink_done_cb done, void *arg, enum sink_result r, const char *error);

#endif
