/*
 * The test SMTP responder: plain sockets on 127.0.0.1 (a port the kernel
 * picks, written to PORTFILE by rename), one client at a time, enough of
 * RFC 5321 for a sink to send one message: EHLO (advertising 8BITMIME and
 * AUTH PLAIN), AUTH PLAIN, MAIL FROM, RCPT TO, DATA, RSET, NOOP,
 * QUIT.  Everything the client says is appended to LOG as "C: line", each
 * message between "DATA-BEGIN" and "DATA-END" lines exactly as received
 * (dot-stuffing undone), so a test checks the dialogue and the message.
 * A recipient containing "bounce" gets 550, one containing "later" 451.
 * Runs until killed.
 *
 *	tests/smtpd [-l LOG] PORTFILE
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest line RFC 5321 allows, with room: longer ones are cut. */
#define SMTPD_LINE_MAX 4096

static FILE *logfp;

/* Read one CRLF line (without it) from the client; -1 at EOF. */
static int
read_line(FILE *in, char *line, size_t size)
{
	size_t len;

	if (fgets(line, (int)size, in) == NULL)
		return -1;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return 0;
}

/* Send one reply line (or several, CRLF-separated). */
static void
reply(FILE *out, const char *text)
{
	fprintf(out, "%s\r\n", text);
	fflush(out);
}

/* Read a message after DATA up to the lone dot, into the log. */
static void
read_data(FILE *in)
{
	char line[SMTPD_LINE_MAX];

	fprintf(logfp, "DATA-BEGIN\n");
	while (read_line(in, line, sizeof(line)) == 0) {
		if (strcmp(line, ".") == 0)
			break;
		fprintf(logfp, "%s\n", line[0] == '.' ? line + 1 : line);
	}
	fprintf(logfp, "DATA-END\n");
	fflush(logfp);
}

/* One client's session. */
static void
session(int fd)
{
	FILE *in = fdopen(fd, "r"), *out = fdopen(dup(fd), "w");
	char line[SMTPD_LINE_MAX];

	reply(out, "220 smtpd.test ESMTP feedwatch test responder");
	while (read_line(in, line, sizeof(line)) == 0) {
		fprintf(logfp, "C: %s\n", line);
		fflush(logfp);
		if (strncasecmp(line, "EHLO", 4) == 0) {
			reply(out,
			    "250-smtpd.test\r\n250-8BITMIME\r\n"
			    "250-AUTH PLAIN\r\n250 SIZE 10485760");
		} else if (strncasecmp(line, "HELO", 4) == 0) {
			reply(out, "250 smtpd.test");
		} else if (strcasecmp(line, "AUTH PLAIN") == 0) {
			/* No initial response: ask for it, log it. */
			reply(out, "334 ");
			if (read_line(in, line, sizeof(line)) == -1)
				break;
			fprintf(logfp, "C: %s\n", line);
			reply(out, "235 2.7.0 Authentication successful");
		} else if (strncasecmp(line, "AUTH PLAIN ", 11) == 0) {
			reply(out, "235 2.7.0 Authentication successful");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			reply(out, "250 2.1.0 OK");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			if (strstr(line, "bounce") != NULL)
				reply(out, "550 5.1.1 No such user");
			else if (strstr(line, "later") != NULL)
				reply(out, "451 4.3.0 Try again later");
			else
				reply(out, "250 2.1.5 OK");
		} else if (strcasecmp(line, "DATA") == 0) {
			reply(out, "354 End data with <CR><LF>.<CR><LF>");
			read_data(in);
			reply(out, "250 2.0.0 OK queued");
		} else if (strcasecmp(line, "QUIT") == 0) {
			reply(out, "221 2.0.0 Bye");
			break;
		} else if (strcasecmp(line, "RSET") == 0 ||
		    strcasecmp(line, "NOOP") == 0) {
			reply(out, "250 2.0.0 OK");
		} else {
			reply(out, "502 5.5.2 Command not recognized");
		}
	}
	fclose(in);
	fclose(out);
}

/* Bind, write the port, serve one client after another. */
int
main(int argc, char **argv)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	char tmp[4096];
	FILE *fp;
	int c, s, fd;

	while ((c = getopt(argc, argv, "l:")) != -1)
		if (c != 'l' || (logfp = fopen(optarg, "a")) == NULL) {
			fprintf(stderr, "usage: smtpd [-l LOG] PORTFILE\n");
			return 2;
		}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: smtpd [-l LOG] PORTFILE\n");
		return 2;
	}
	if (logfp == NULL && (logfp = fopen("/dev/null", "w")) == NULL)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 16) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &sl) == -1) {
		fprintf(stderr, "smtpd: %s\n", strerror(errno));
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[optind]);
	if ((fp = fopen(tmp, "w")) == NULL)
		return 1;
	fprintf(fp, "%d\n", ntohs(sin.sin_port));
	if (fclose(fp) != 0 || rename(tmp, argv[optind]) != 0)
		return 1;
	for (;;) {
		if ((fd = accept(s, NULL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		session(fd);
	}
}
