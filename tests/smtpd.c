/*
 * The test SMTP responder: plain sockets on 127.0.0.1 (a port the kernel
 * picks, written to PORTFILE by rename), one client at a time, enough of
 * RFC 5321 for a sink to send one message: EHLO (advertising 8BITMIME and
 * AUTH PLAIN), AUTH PLAIN, MAIL FROM, RCPT TO, DATA, RSET, NOOP,
 * QUIT.  Everything the client says is appended to LOG as "C: line", each
 * message between "DATA-BEGIN" and "DATA-END" lines exactly as received
 * (dot-stuffing undone), so a test checks the dialogue and the message.
 * A recipient containing "bounce" gets 550, one containing "later" 451.
 * With -c DIR (DIR/srv.pem and DIR/srv.key, as tests/tls-lib.sh's make_ca
 * writes them) it offers STARTTLS (RFC 3207) and logs "TLS-BEGIN" once the
 * handshake is done; with -s as well it speaks TLS from the first byte
 * (smtps, RFC 8314).  A failed handshake is logged as "TLS-FAILED".
 * Runs until killed.
 *
 *	tests/smtpd [-l LOG] [-c CERTDIR [-s]] PORTFILE
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The longest line RFC 5321 allows, with room: longer ones are cut. */
#define SMTPD_LINE_MAX 4096

static FILE *logfp;
static SSL_CTX *tls_ctx; /* -c: the server's certificate */
static int tls_implicit; /* -s: TLS from the first byte */

/* One client's connection: the socket, TLS once started, read-ahead. */
struct conn {
	int fd;
	SSL *ssl;
	char buf[SMTPD_LINE_MAX];
	size_t len, off;
};

/* Refill c's read-ahead; -1 at EOF or error. */
static int
conn_fill(struct conn *c)
{
	ssize_t n;

	c->off = 0;
	if (c->ssl != NULL)
		n = SSL_read(c->ssl, c->buf, sizeof(c->buf));
	else
		n = read(c->fd, c->buf, sizeof(c->buf));
	if (n <= 0)
		return -1;
	c->len = (size_t)n;
	return 0;
}

/* Read one CRLF line (without it) from the client; -1 at EOF. */
static int
read_line(struct conn *c, char *line, size_t size)
{
	size_t len = 0;

	for (;;) {
		if (c->off == c->len && conn_fill(c) == -1)
			return len > 0 ? 0 : -1;
		char ch = c->buf[c->off++];
		if (ch == '\n')
			break;
		if (len + 1 < size) /* longer lines are cut */
			line[len++] = ch;
	}
	while (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
	return 0;
}

/* Send one reply line (or several, CRLF-separated). */
static void
reply(struct conn *c, const char *text)
{
	char out[SMTPD_LINE_MAX];
	int n = snprintf(out, sizeof(out), "%s\r\n", text);

	if (n < 0 || (size_t)n >= sizeof(out))
		return;
	if (c->ssl != NULL)
		SSL_write(c->ssl, out, n);
	else if (write(c->fd, out, (size_t)n) != n)
		return;
}

/* The TLS handshake on c (nothing unread may be pending); -1 when it
 * failed, which is logged with OpenSSL's reason. */
static int
conn_tls(struct conn *c)
{
	char why[256];

	c->ssl = SSL_new(tls_ctx);
	SSL_set_fd(c->ssl, c->fd);
	c->len = c->off = 0;
	if (SSL_accept(c->ssl) != 1) {
		ERR_error_string_n(ERR_get_error(), why, sizeof(why));
		fprintf(logfp, "TLS-FAILED %s\n", why);
		fflush(logfp);
		SSL_free(c->ssl);
		c->ssl = NULL;
		return -1;
	}
	fprintf(logfp, "TLS-BEGIN\n");
	fflush(logfp);
	return 0;
}

/* Read a message after DATA up to the lone dot, into the log. */
static void
read_data(struct conn *c)
{
	char line[SMTPD_LINE_MAX];

	fprintf(logfp, "DATA-BEGIN\n");
	while (read_line(c, line, sizeof(line)) == 0) {
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
	struct conn c = {.fd = fd};
	char line[SMTPD_LINE_MAX];

	if (tls_implicit && conn_tls(&c) == -1) {
		close(fd);
		return;
	}
	reply(&c, "220 smtpd.test ESMTP feedwatch test responder");
	while (read_line(&c, line, sizeof(line)) == 0) {
		fprintf(logfp, "C: %s\n", line);
		fflush(logfp);
		if (strncasecmp(line, "EHLO", 4) == 0) {
			reply(&c,
			    tls_ctx != NULL && c.ssl == NULL
			        ? "250-smtpd.test\r\n250-STARTTLS\r\n"
			          "250-8BITMIME\r\n250-AUTH PLAIN\r\n"
			          "250 SIZE 10485760"
			        : "250-smtpd.test\r\n250-8BITMIME\r\n"
			          "250-AUTH PLAIN\r\n250 SIZE 10485760");
		} else if (strncasecmp(line, "HELO", 4) == 0) {
			reply(&c, "250 smtpd.test");
		} else if (strcasecmp(line, "STARTTLS") == 0 &&
		    tls_ctx != NULL && c.ssl == NULL) {
			reply(&c, "220 2.0.0 Ready to start TLS");
			if (conn_tls(&c) == -1)
				break;
		} else if (strcasecmp(line, "AUTH PLAIN") == 0) {
			/* No initial response: ask for it, log it. */
			reply(&c, "334 ");
			if (read_line(&c, line, sizeof(line)) == -1)
				break;
			fprintf(logfp, "C: %s\n", line);
			reply(&c, "235 2.7.0 Authentication successful");
		} else if (strncasecmp(line, "AUTH PLAIN ", 11) == 0) {
			reply(&c, "235 2.7.0 Authentication successful");
		} else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			reply(&c, "250 2.1.0 OK");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			if (strstr(line, "bounce") != NULL)
				reply(&c, "550 5.1.1 No such user");
			else if (strstr(line, "later") != NULL)
				reply(&c, "451 4.3.0 Try again later");
			else
				reply(&c, "250 2.1.5 OK");
		} else if (strcasecmp(line, "DATA") == 0) {
			reply(&c, "354 End data with <CR><LF>.<CR><LF>");
			read_data(&c);
			reply(&c, "250 2.0.0 OK queued");
		} else if (strcasecmp(line, "QUIT") == 0) {
			reply(&c, "221 2.0.0 Bye");
			break;
		} else if (strcasecmp(line, "RSET") == 0 ||
		    strcasecmp(line, "NOOP") == 0) {
			reply(&c, "250 2.0.0 OK");
		} else {
			reply(&c, "502 5.5.2 Command not recognized");
		}
	}
	if (c.ssl != NULL) {
		SSL_shutdown(c.ssl);
		SSL_free(c.ssl);
	}
	close(fd);
}

/* The server side of TLS from DIR/srv.pem and DIR/srv.key; NULL (said on
 * stderr) when they do not load. */
static SSL_CTX *
tls_load(const char *dir)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	char cert[4096], key[4096];

	snprintf(cert, sizeof(cert), "%s/srv.pem", dir);
	snprintf(key, sizeof(key), "%s/srv.key", dir);
	if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		fprintf(
		    stderr, "smtpd: %s: cannot load the certificate\n", dir);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
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

	while ((c = getopt(argc, argv, "c:l:s")) != -1) {
		if (c == 'l' && (logfp = fopen(optarg, "a")) != NULL)
			continue;
		if (c == 'c' && (tls_ctx = tls_load(optarg)) != NULL)
			continue;
		if (c == 's') {
			tls_implicit = 1;
			continue;
		}
		goto usage;
	}
	if (optind + 1 != argc || (tls_implicit && tls_ctx == NULL))
		goto usage;
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
usage:
	fprintf(stderr, "usage: smtpd [-l LOG] [-c CERTDIR [-s]] PORTFILE\n");
	return 2;
}
