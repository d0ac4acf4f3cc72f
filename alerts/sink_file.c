/*
 * The log and file sinks: the two that need nothing but the process
 * itself.  The file sink appends each alert document as one JSON line with
 * a single write(2) on an O_APPEND descriptor, so lines never interleave
 * with another writer's and each is on its way to the disk when delivery is
 * reported.  The file is opened when the sink is built (a reload reopens
 * it, which is what log rotation wants).  A digest is one line in the file
 * (the digest document) and, in the log, a line naming it followed by one
 * line per alert.
 *
 * The file is also the file sink's record of what it delivered: when it
 * opens, it reads the ids of the last OUTBOX_GROUP_MAX whole lines, and
 * an alert among them is reported delivered without being written again.
 * So the outbox writes a pass's outcomes in one transaction (an alert a
 * kill caught between its line and that commit is found in the file at
 * the next start), and a kill repeats no alert's line.  A digest is not
 * found (its id is not at the top of its document), so the outbox records
 * each of those alone; a file rotated away in between is not read, and
 * its alerts are written again, as before.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts/outbox.h"
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
	char **found; /* ids in its last lines when it opened, sorted */
	size_t nfound;
};

/* The most of a file's end read for the ids of its last lines. */
#define SINK_FILE_RECALL_MAX (16 * 1024 * 1024)
#define SINK_FILE_RECALL_CHUNK 16384

static int
sink_file_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where the last OUTBOX_GROUP_MAX whole lines of fd (size bytes) start,
 * within SINK_FILE_RECALL_MAX of its end; -1 on a read error. */
static off_t
sink_file_tail(int fd, off_t size)
{
	char chunk[SINK_FILE_RECALL_CHUNK];
	off_t pos = size,
	      floor =
	          size > SINK_FILE_RECALL_MAX ? size - SINK_FILE_RECALL_MAX : 0;
	size_t newlines = 0;

	while (pos > floor) {
		size_t n = (size_t)(pos - floor < (off_t)sizeof(chunk)
		        ? pos - floor
		        : (off_t)sizeof(chunk));
		ssize_t got;

		pos -= (off_t)n;
		if ((got = pread(fd, chunk, n, pos)) != (ssize_t)n)
			return -1;
		/* The line ending the file counts when it is whole; one more
		 * newline than lines marks where the first of them starts. */
		for (size_t i = n; i-- > 0;)
			if (chunk[i] == '\n' &&
			    ++newlines == OUTBOX_GROUP_MAX + 1)
				return pos + (off_t)i + 1;
	}
	return floor;
}

/* The ids of the alerts (and digests) in the file's last lines. */
static void
sink_file_recall(struct sink *s, struct sink_file *f)
{
	off_t size, start;
	char *text, *p, *nl;
	size_t cap = 0;
	int fd;

	if ((fd = open(s->conf->path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	if ((size = lseek(fd, 0, SEEK_END)) <= 0 ||
	    (start = sink_file_tail(fd, size)) < 0) {
		close(fd);
		return;
	}
	text = xmalloc((size_t)(size - start) + 1);
	if (pread(fd, text, (size_t)(size - start), start) !=
	    (ssize_t)(size - start)) {
		free(text);
		close(fd);
		return;
	}
	close(fd);
	text[size - start] = '\0';
	/* Whole lines only: one a kill or a full disk cut short is not a
	 * delivery. */
	for (p = text; (nl = memchr(p, '\n',
	                    (size_t)(text + (size - start) - p))) != NULL;
	     p = nl + 1) {
		json_t *doc = json_loadb(p, (size_t)(nl - p), 0, NULL);
		const char *id = json_string_value(json_object_get(doc, "id"));

		if (id != NULL) {
			if (f->nfound == cap) {
				cap = cap ? cap * 2 : 64;
				f->found = xreallocarray(
				    f->found, cap, sizeof(*f->found));
			}
			f->found[f->nfound++] = xstrdup(id);
		}
		json_decref(doc);
	}
	free(text);
	if (f->nfound > 0)
		qsort(f->found, f->nfound, sizeof(*f->found), sink_file_cmp);
}

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
	if (!s->env.check)
		sink_file_recall(s, f);
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

	if (f->nfound > 0 &&
	    bsearch(&alert_id, f->found, f->nfound, sizeof(*f->found),
	        sink_file_cmp) != NULL) {
		log_info("sink %s: alert %s is in %s already (written before "
		         "the sink opened); not written again",
		    s->conf->name, alert_id, s->conf->path);
		sink_report(done, arg, SINK_DELIVERED, NULL);
		return;
	}
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
	for (size_t i = 0; i < f->nfound; i++)
		free(f->found[i]);
	free(f->found);
	free(f);
}

const struct sink_ops sink_file_ops = {
    .open = sink_file_open,
    .deliver = sink_file_deliver,
    .close = sink_file_close,
    .keeps_record = 1,
};
