/*
 * Logging: see log.h.  One line per call, written with a single fwrite so
 * lines from concurrent processes sharing stderr do not interleave.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"

/* Longest line we format; longer messages are cut, never overflowed. */
#define LOG_LINE_MAX 4096

static const char *log_prog = "feedwatch";
static enum log_level log_max = LOG_LEVEL_INFO;
static FILE *log_fp;
static int log_journal;
static int log_syslog;

/* True when JOURNAL_STREAM ("DEV:INO") names the file behind fd. */
static int
log_fd_is_journal(int fd)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(fd, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/* Set name and level; output goes back to stderr. */
void
log_init(const char *progname, enum log_level max_level)
{
	if (progname != NULL)
		log_prog = progname;
	log_max = max_level;
	log_set_output(NULL);
}

/* Write to fp (NULL: stderr) and check again whether it is the journal. */
void
log_set_output(FILE *fp)
{
	log_fp = fp;
	log_journal = log_fd_is_journal(fileno(fp != NULL ? fp : stderr));
}

/* Change the most verbose level printed; -v asks for debug. */
void
log_set_level(enum log_level max_level)
{
	log_max = max_level;
}

/* From now on every line goes to syslog(3) as LOG_DAEMON. */
void
log_use_syslog(const char *ident)
{
	openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_syslog = 1;
}

/* Nonzero when lines carry "<N>" journal prefixes. */
int
log_is_journal(void)
{
	return log_journal;
}

/* The "LEVEL: " prefix for a plain-stderr line; none for info. */
static const char *
log_level_word(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERR:
		return "error: ";
	case LOG_LEVEL_WARNING:
		return "warning: ";
	case LOG_LEVEL_DEBUG:
		return "debug: ";
	default:
		return "";
	}
}

/* Format one line and write it; suffix (may be NULL) follows ": ". */
static void
log_emit(enum log_level level, const char *suffix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	FILE *fp = log_fp != NULL ? log_fp : stderr;
	size_t n;
	int r;

	if (level > log_max)
		return;
	if (log_syslog)
		r = 0;
	else if (log_journal)
		r = snprintf(line, sizeof(line), "<%d>", (int)level);
	else
		r = snprintf(line, sizeof(line), "%s: %s", log_prog,
		    log_level_word(level));
	n = r < 0 ? 0 : (size_t)r;
	if (n < sizeof(line)) {
		r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
		n += r < 0 ? 0 : (size_t)r;
	}
	if (suffix != NULL && n < sizeof(line)) {
		r = snprintf(line + n, sizeof(line) - n, ": %s", suffix);
		n += r < 0 ? 0 : (size_t)r;
	}
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	/* One message, one line: newlines inside it would split the entry. */
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	if (log_syslog) {
		line[n] = '\0';
		syslog((int)level, "%s", line);
		return;
	}
	line[n++] = '\n';
	fwrite(line, 1, n, fp);
	fflush(fp);
}

/* A message at any level from a va_list; errno is preserved. */
static void __attribute__((format(printf, 2, 0)))
log_vlog(enum log_level level, const char *fmt, va_list ap)
{
	int saved = errno;

	log_emit(level, NULL, fmt, ap);
	errno = saved;
}

/* Warning with ": strerror(errno)" appended; errno is preserved. */
void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Warning without errno; errno is preserved. */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_WARNING, fmt, ap);
	va_end(ap);
}

/* Error-level message without errno; the program goes on. */
void
log_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
}

/* What the program is doing, for the operator. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

/* Detail for -v; nothing is formatted when it is not printed. */
void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

/* Start-up only: log with strerror(errno) appended and exit(1). */
void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERR, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

/* Start-up only: log without errno and exit(1). */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
