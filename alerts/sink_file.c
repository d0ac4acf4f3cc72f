/*
 * The log and file sinks: the two that need nothing but the process
 * itself.  The file sink appends each alert document as one JSON line with
 * a single write(2) on an O_APPEND descriptor, so lines never interleave
 * with another writer's and each is on its way to the disk when delivery is
 * reported.  The file is opened when the sink is built (a reload reopens
 * it, which is what log rotation wants).  A digest is one line in the file
 * (the digest document) and, in the log, a line naming it followed by one
 * line per alert.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/sink_priv.h"
#include "common/buf.h"
#include "common/log.h"
#include "common/xmalloc.h"
#include "conf/conf.h"

/* A digest in the log: a header line and one line per alert; -1 when doc
 * is not a digest. */
static int
sink_log_digest(const char *doc)
{
	json_t *root = sink_doc_parse(doc), *d, *al;
	size_t i;
	char *line;

	if (root == NULL || (d = sink_doc_digest(root)) == NULL) {
		json_decref(root);
		return -1;
	}
	log_info("%s: %lld alerts",
	    json_string_value(json_object_get(d, "id")) ?: "digest",
	    json_integer_value(json_object_get(d, "count")));
	json_array_foreach(json_object_get(root, "alerts"), i, al)
	{
		char *one = json_dumps(al, JSON_COMPACT);

		if (one != NULL && (line = sink_format_line(one)) != NULL) {
			log_info("alert %s", line);
			free(line);
		}
		free(one);
	}
	json_decref(root);
	return 0;
}

/* Write the alert (or digest) to the log. */
static void
sink_log_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	char *line;

	if (s->env.log_json) {
		log_info("%s", doc);
	} else if (sink_log_digest(doc) == 0) {
		/* a digest: logged line by line */
	} else if ((line = sink_format_line(doc)) != NULL) {
		log_info("alert %s", line);
		free(line);
	} else {
		sink_report(done, arg, SINK_FAILED, "not an alert document");
		return;
	}
	sink_report(done, arg, SINK_DELIVERED, NULL);
}

const struct sink_ops sink_log_ops = {
    .deliver = sink_log_deliver,
};

struct sink_file {
	int fd;
	struct buf line;
};

/*
 * Open the file for appending, once per sink.  `feedwatch check` creates
 * nothing: it opens a file that exists the same way, and leaves one that
 * does not for the daemon to create (its directory may be the state
 * directory, which the daemon makes at start).
 */
static int
sink_file_open(struct sink *s, char **err)
{
	struct sink_file *f = xcalloc(1, sizeof(*f));
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC;

	f->fd =
	    open(s->conf->path, s->env.check ? flags : flags | O_CREAT, 0640);
	if (f->fd == -1 && !(s->env.check && errno == ENOENT)) {
		xasprintf(err, "%s:%d: sink %s: cannot open %s: %s",
		    s->conf->where.file, s->conf->where.line, s->conf->name,
		    s->conf->path, strerror(errno));
		free(f);
		return -1;
	}
	s->impl = f;
	return 0;
}

/* Append the document as one line with one write(2). */
static void
sink_file_deliver(struct sink *s, const char *alert_id, const char *doc,
    sink_done_cb done, void *arg)
{
	struct sink_file *f = s->impl;
	char msg[256];
	ssize_t n;

	buf_reset(&f->line);
	buf_appends(&f->line, doc);
	buf_appendc(&f->line, '\n');
	do
		n = write(f->fd, f->line.data, f->line.len);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)f->line.len) {
		sink_report(done, arg, SINK_DELIVERED, NULL);
		return;
	}
	/* A short write leaves a partial line; the retry writes a whole one,
	 * and readers skip a line that does not parse. */
	snprintf(msg, sizeof(msg), "%s: %s", s->conf->path,
	    n == -1 ? strerror(errno) : "short write");
	sink_report(done, arg, SINK_RETRY, msg);
}

/* Close the file. */
static void
sink_file_close(struct sink *s)
{
	struct sink_file *f = s->impl;

	if (f->fd != -1)
		close(f->fd);
	buf_free(&f->line);
	free(f);
}

const struct sink_ops sink_file_ops = {
    .open = sink_file_open,
    .deliver = sink_file_deliver,
    .close = sink_file_close,
};
