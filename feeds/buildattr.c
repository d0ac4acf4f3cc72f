/*
 * What the item builder reads from attributes (see build.h): the kind and
 * declared type of Atom text constructs, the version of an <rss> root,
 * a root element in a namespace we do not know, and the feed an HTML page
 * advertises.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/str.h"
#include "feeds/build.h"
#include "feeds/elems.h"

/* Feed types an HTML page may advertise in <link rel="alternate">. */
static const char *const feed_types[] = {
    "application/atom+xml",
    "application/rdf+xml",
    "application/rss+xml",
    "application/xml",
    "text/xml",
};

/* The kind of an Atom text construct from its attributes. */
int
build_atom_kind(const char **atts, int flags)
{
	const char *type = att_get(atts, "type");
	const char *mode = att_get(atts, "mode");

	flags &= ~K_ATOM;
	if (att_get(atts, "src") != NULL)
		return K_IGNORE;
	if (mode != NULL && strcmp(mode, "base64") == 0) {
		/* Atom 0.3: encoded, then read as its type says. */
		int html = type != NULL &&
		    (strcmp(type, "text/html") == 0 ||
		        strcmp(type, "html") == 0 ||
		        strstr(type, "xhtml") != NULL);
		return flags | K_BASE64 | (html ? HTML_MARKUP : 0);
	}
	if (mode != NULL && strcmp(mode, "xml") == 0)
		return flags | HTML_MARKUP | K_XHTML;
	if (type == NULL || *type == '\0' || strcmp(type, "text") == 0 ||
	    strcmp(type, "text/plain") == 0)
		return flags;
	if (strcmp(type, "html") == 0 || strcmp(type, "text/html") == 0)
		return flags | HTML_MARKUP;
	if (strcmp(type, "xhtml") == 0 ||
	    strcmp(type, "application/xhtml+xml") == 0)
		return flags | HTML_MARKUP | K_XHTML;
	if (str_has_prefix(type, "text/"))
		return flags;
	if (strstr(type, "xml") != NULL) /* XML inline: its text */
		return flags | HTML_MARKUP | K_XHTML;
	/* Any other type is base64 (RFC 4287 4.1.3.3): read as text. */
	return flags | K_BASE64;
}

/* The declared type of a text field, as a MIME type. */
void
build_field_type(char *out, size_t outsz, int kind, const char **atts)
{
	const char *type = att_get(atts, "type");

	if (!(kind & K_ATOM) && (kind & K_XHTML)) {
		str_lcpy(out, "application/xhtml+xml", outsz);
		return;
	}
	if (!(kind & K_ATOM) || type == NULL) {
		str_lcpy(out,
		    (kind & (HTML_MARKUP | K_ATOM)) == HTML_MARKUP
		        ? "text/html"
		        : "text/plain",
		    outsz);
		return;
	}
	if (strcmp(type, "text") == 0)
		type = "text/plain";
	else if (strcmp(type, "html") == 0)
		type = "text/html";
	else if (strcmp(type, "xhtml") == 0)
		type = "application/xhtml+xml";
	str_lcpy(out, type, outsz);
}

/* <link rel="alternate" type="application/rss+xml" href=...> in HTML. */
void
build_html_start(struct fp_build *p, const char *local, const char **atts)
{
	const char *rel, *type, *href;

	if (str_casecmp(local, "body") == 0) {
		p->hopeless = 1;
		return;
	}
	if (str_casecmp(local, "link") != 0 || p->html_feed != NULL)
		return;
	rel = att_get_case(atts, "rel");
	type = att_get_case(atts, "type");
	href = att_get_case(atts, "href");
	if (rel == NULL || type == NULL || href == NULL ||
	    strstr(rel, "alternate") == NULL)
		return;
	for (size_t i = 0; i < sizeof(feed_types) / sizeof(feed_types[0]); i++)
		if (str_casecmp(type, feed_types[i]) == 0) {
			struct buf b = BUF_INIT;
			build_resolve(p, &b, href, strlen(href));
			p->html_feed = buf_steal(&b);
			return;
		}
}

/* RSS version attributes and feedparser's names for them. */
static const struct {
	const char *attr, *name;
} rss_versions[] = {
    {"0.90", "rss090"},
    {"0.91", "rss091u"},
    {"0.92", "rss092"},
    {"0.93", "rss093"},
    {"0.94", "rss094"},
    {"2", "rss20"},
};

/* The precise version of an <rss> root. */
void
build_rss_version(struct fp_build *p, const char *v)
{
	str_lcpy(p->version, "rss", sizeof(p->version));
	if (v == NULL)
		return;
	for (size_t i = 0; i < sizeof(rss_versions) / sizeof(rss_versions[0]);
	     i++)
		if (str_has_prefix(v, rss_versions[i].attr)) {
			str_lcpy(p->version, rss_versions[i].name,
			    sizeof(p->version));
			return;
		}
}

/* A root element in a namespace we do not know: <rss> and <feed> are
 * read as RSS and Atom all the same (UserLand's RSS namespace, the Atom
 * drafts' purl.org/echo, purl.org/pie...), the namespace's elements as
 * that format's; 0 when the name is no feed's. */
int
build_root_unknown_ns(
    struct fp_build *p, const char *uri, size_t urilen, const char *local)
{
	int fam;

	if (strcmp(local, "rss") == 0)
		fam = F_RSS;
	else if (strcmp(local, "feed") == 0 || strcmp(local, "entry") == 0)
		fam = F_ATOM;
	else
		return 0;
	if (urilen >= sizeof(p->root_ns))
		return 0;
	memcpy(p->root_ns, uri, urilen);
	p->root_ns[urilen] = '\0';
	p->root_nslen = urilen;
	p->root_fam = fam;
	fp_warnf(p->h, "<%s> in the unknown namespace %s: read as %s", local,
	    p->root_ns, fam == F_RSS ? "RSS" : "Atom");
	return 1;
}
