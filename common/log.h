/*
 * Logging for every feedwatch program, in the shape of the OpenBSD daemons'
 * log.c: a handful of calls with printf format checking, errno preserved
 * across them, fatal/fatalx only for start-up errors.
 *
 * Output goes to stderr.  When stderr is the systemd journal (JOURNAL_STREAM
 * names stderr's device and inode) every line starts with a "<N>" syslog
 * priority so journald files it at the right level; otherwise lines read
 * "PROG: LEVEL: message" for warnings and errors and "PROG: message" else.
 */
#ifndef FW_COMMON_LOG_H
#define FW_COMMON_LOG_H

#include <stdarg.h>
#include <stdio.h>

enum log_level {
	LOG_LEVEL_ERR = 3,     /* syslog LOG_ERR */
	LOG_LEVEL_WARNING = 4, /* syslog LOG_WARNING */
	LOG_LEVEL_INFO = 6,    /* syslog LOG_INFO */
	LOG_LEVEL_DEBUG = 7,   /* syslog LOG_DEBUG */
};

/* Set the program name and the most verbose level that is printed. */
void log_init(const char *progname, enum log_level max_level);
/* Redirect output (tests); NULL restores stderr.  Redetects the journal. */
void log_set_output(FILE *fp);
void log_set_level(enum log_level max_level);
/* Send every line to syslog(3) instead (a daemon that left its terminal). */
void log_use_syslog(const char *ident);
/* Nonzero when lines carry "<N>" journal prefixes. */
int log_is_journal(void);

/* Warning with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Warning without errno. */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Error-level message without errno; the program goes on. */
void log_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Start-up only: log at error level and exit(1). */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
