/*
 * Credentials out of URLs before they are shown: every log line, the
 * status API (/feeds, `feedwatch status`) and every alert document print a
 * feed or sink URL through url_redact(), never the configured string.
 *
 * What is hidden:
 *  - the password of a userinfo: https://user:***@host/...; a userinfo
 *    without a colon is taken for a token (https://TOKEN@host/) and hidden
 *    whole, as https://MASK@host/;
 *  - the value of a query parameter whose name (ASCII case-insensitive) is
 *    one of REDACT_PARAMS below: ?apikey=***&q=news.
 * The rest of the URL, the fragment included, is kept as written so that a
 * person can still tell which feed a line is about.
 */
#ifndef FW_COMMON_REDACT_H
#define FW_COMMON_REDACT_H

/* The query parameters whose values are secrets, as the man pages list them. */
#define REDACT_PARAMS                                                         \
	"access_token", "api-key", "api_key", "apikey", "auth", "auth_token", \
	    "client_secret", "key", "passwd", "password", "secret", "sig",    \
	    "signature", "token"

/* What stands in for a hidden part. */
#define REDACT_MASK "***"

/* A copy of url with its credentials replaced by REDACT_MASK (free() it);
 * NULL gives NULL.  Text that is not a URL comes back unchanged. */
char *url_redact(const char *url);

#endif
