/*
 * The NATS parts of the config (issue 21): the [cluster] section and the
 * nats sink's servers.  Server lists are written the way libnats takes
 * them, URLs separated by commas; every one is nats:// or tls://.  Names
 * that become part of a stream or bucket name keep to the characters
 * JetStream allows in both ('.', '*', '>' and blanks are not among them).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xmalloc.h"
#include "conf/conf.h"
#include "conf/conf_priv.h"

/* A stream name of ours may be this long; JetStream's own bound is far
 * above, and a bucket's stream name adds "KV_" to it. */
#define CONF_STREAM_NAME_MAX 64

/* Letters, digits, '-' and '_': safe in a stream, bucket and subject. */
int
conf_stream_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= CONF_STREAM_NAME_MAX &&
	    strspn(s,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789-_") == n;
}

/* Dot-separated tokens of printable non-blank characters, no wildcard:
 * a subject one publishes to. */
int
conf_subject_ok(const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (n == 0 || n > 255 || s[0] == '.' || s[n - 1] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '*' ||
		    *p == '>')
			return 0;
	return 1;
}

/* credentials = @FILE: the path, resolved against the config's
 * directory and readable now, so a typo is a file:line error. */
char *
conf_creds_path(struct loader *ld, char *s)
{
	struct stat st;
	char *path;
	int fd;

	if (s[0] != '@' || s[1] == '\0') {
		conf_fail(
		    ld, "expected @FILE naming a .creds file, found '%s'", s);
		free(s);
		return NULL;
	}
	if (ld->flags & CONF_LOAD_NO_FILES) {
		conf_fail(ld, "@file secrets are disabled here");
		free(s);
		return NULL;
	}
	path = conf_path_resolve(ld->file->dir, s + 1);
	free(s);
	if ((fd = conf_file_open(path, &st)) < 0) {
		conf_fail(ld, "cannot read credentials file '%s': %s", path,
		    fd == -2 ? "not a regular file" : strerror(errno));
		free(path);
		return NULL;
	}
	close(fd);
	return path;
}

/* Every comma-separated server of urls is a nats:// or tls:// URL; an
 * error names file:line. */
int
conf_check_nats(struct loader *ld, const char *file, int line, const char *urls)
{
	const struct conf_file *sf = ld->file;
	struct conf_file tmp = {file, NULL, 0, 0};
	int saved = ld->line, rc = 0;
	char *copy, *p, *u;

	if (urls == NULL)
		return 0;
	ld->file = &tmp;
	ld->line = line;
	copy = xstrdup(urls);
	for (p = copy; rc == 0 && (u = strsep(&p, ",")) != NULL;)
		rc = conf_check_url(ld, u, "nats tls",
		    "nats:// or tls:// URLs separated by commas");
	free(copy);
	ld->file = sf;
	ld->line = saved;
	return rc;
}

/* [cluster]: its servers, and the node name (the host name when not
 * written). */
int
conf_finish_cluster(struct loader *ld, const struct sect_rec *rec)
{
	struct conf_cluster *cl = &ld->c->cluster;
	const struct key *k = conf_key_find(SECT_CLUSTER, "nats");
	char host[HOST_NAME_MAX + 1];

	if (conf_check_nats(ld, rec->where.file,
	        rec->keyline[conf_key_index(k)], cl->nats) < 0)
		return -1;
	if (cl->node == NULL) {
		if (gethostname(host, sizeof(host)) < 0)
			return conf_fail_at(ld, rec->where.file,
			    rec->where.line,
			    "cannot read the host name (%s); expected 'node ='",
			    strerror(errno));
		host[sizeof(host) - 1] = '\0';
		cl->node = xstrdup(host);
	}
	if (!conf_name_ok(cl->node))
		return conf_fail_at(ld, rec->where.file, rec->where.line,
		    "node '%s': expected a name of " NAME_RULE, cl->node);
	if (cl->heartbeat_ttl_ms <= cl->heartbeat_ms)
		return conf_fail_at(ld, rec->where.file, rec->where.line,
		    "heartbeat-ttl must be longer than heartbeat");
	return 0;
}

/* Free what [cluster] holds. */
void
conf_cluster_free(struct conf_cluster *cl)
{
	free(cl->nats);
	free(cl->name);
	free(cl->node);
	free(cl->credentials);
	free(cl->token);
	free(cl->tls_ca);
}
