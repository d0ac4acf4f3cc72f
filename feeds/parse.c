/*
 * The feed parser's driver and public face (see parse.h for the API,
 * parse-int.h for the stages).  It owns the stream between the stages:
 * decode.c's UTF-8 goes to xmlfix.c, whose repaired bytes collect in
 * `fixed`, which is fed to expat, or to lax.c once expat gives up.  Expat
 * calls the thin handlers here, and lax.c calls the same ones through a
 * struct fp_handlers; both end in the item builder, build.c.  Warnings
 * from every stage come here to be numbered by line and kept.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__has_include)
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define FP_HAVE_GETRANDOM 1
#endif
#endif

#include "common/buf.h"
#include "common/hash.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "feeds/parse-int.h"
#include "feeds/swar.h"

/* Entity declarations a document may make: feeds need none, and each is
 * a way to amplify input. */
#define ENTITY_DECL_MAX 64
/* Expat's billion-laughs guard: expansion may multiply the input at most
 * this much once the document has produced ACTIVATION bytes. */
#define AMPLIFICATION_MAX 16.0f
#define AMPLIFICATION_ACTIVATION (256 * 1024)
/* What expat reads in place of a section whose text parse.c hands on. */
#define FP_HOLE "<?fw?>"
#define FP_HOLE_LEN (sizeof(FP_HOLE) - 1)
/* "<![CDATA[" and "]]>" around a section's text. */
#define CDATA_OPEN_LEN 9
#define CDATA_LEN 12
/* The most of a section still open that waits in the stream for its end,
 * to be handed on whole; a longer one goes to expat as it comes. */
#define FP_HOLD_MAX 65536

static const char *const format_names[] = {
    [FEED_FORMAT_UNKNOWN] = "unknown",
    [FEED_FORMAT_RSS09X] = "rss0.9x",
    [FEED_FORMAT_RSS10] = "rss1.0",
    [FEED_FORMAT_RSS20] = "rss2.0",
    [FEED_FORMAT_ATOM03] = "atom0.3",
    [FEED_FORMAT_ATOM10] = "atom1.0",
    [FEED_FORMAT_JSON10] = "json1.0",
    [FEED_FORMAT_JSON11] = "json1.1",
};

/* The SPEC's name of a format ("rss2.0"...). */
const char *
feed_format_name(enum feed_format f)
{
	if ((unsigned)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "unknown";
	return format_names[f];
}

/* The stream offset of expat's byte index e: a placeholder stands for
 * its section's start.  Queries go forward but for the odd one. */
static uint64_t
xp_pos(struct feed_parser *p, XML_Index e)
{
	uint64_t at = (uint64_t)e;

	if (p->hole_cur > 0 &&
	    at < p->holes[p->hole_cur - 1].xp_at + FP_HOLE_LEN) {
		p->hole_cur = 0;
		p->cur_delta = p->xp_delta;
	}
	while (p->hole_cur < p->nholes && p->holes[p->hole_cur].xp_at <= at) {
		const struct fp_hole *h = &p->holes[p->hole_cur];

		if (at < h->xp_at + FP_HOLE_LEN)
			return h->at;
		p->cur_delta = h->at + h->len - (h->xp_at + FP_HOLE_LEN);
		p->hole_cur++;
	}
	return at + p->cur_delta;
}

/* Stream offset of what is being handled now, for line numbers. */
static uint64_t
cur_pos(struct feed_parser *p)
{
	if (p->lax && p->in_lax)
		return p->lx.pos;
	if (p->text_here)
		return p->text_at;
	if (p->in_expat && p->xp != NULL) {
		XML_Index i = XML_GetCurrentByteIndex(p->xp);
		if (i >= 0)
			return xp_pos(p, i);
	}
	return p->fixed_off + p->fixed.len;
}

/* Count newlines lazily up to off, or back to it while its bytes are
 * held (a warning about an earlier place after one about a later); the
 * line there. */
static unsigned long
line_at(struct feed_parser *p, uint64_t off)
{
	uint64_t end = p->fixed_off + p->fixed.len;
	const char *d = p->fixed.data;

	if (off > end)
		off = end;
	if (off > p->line_pos && p->line_pos >= p->fixed_off) {
		p->line += scan_count(d + (p->line_pos - p->fixed_off),
		    (size_t)(off - p->line_pos), '\n');
		p->line_pos = off;
	} else if (off < p->line_pos && off >= p->fixed_off) {
		p->line -= scan_count(d + (off - p->fixed_off),
		    (size_t)(p->line_pos - off), '\n');
		p->line_pos = off;
	}
	return p->line + p->dec.line_base;
}

/* Every stage's warnings: kept, prefixed with the current line. */
static void
on_warn(void *ctx, const char *msg)
{
	struct feed_parser *p = ctx;
	struct buf b = BUF_INIT;

	if (p->nwarnings >= FP_WARN_MAX) {
		p->dropped_warnings++;
		return;
	}
	uint64_t at = cur_pos(p);

	buf_printf(&b, "line %lu: %s", line_at(p, at), msg);
	p->warning_at[p->nwarnings] = at;
	/* Messages quote the input: keep them valid UTF-8. */
	struct buf clean = BUF_INIT;
	utf8_append_clean(&clean, b.data, b.len);
	buf_free(&b);
	p->warnings[p->nwarnings++] = buf_steal(&clean);
}

/* lax.c's start tags go to the builder. */
static int
on_start(void *ctx, const char *name, const char **atts)
{
	struct feed_parser *p = ctx;

	return build_start(&p->b, name, atts);
}

/* lax.c's text goes to the builder. */
static void
on_text(void *ctx, const char *s, size_t len)
{
	struct feed_parser *p = ctx;

	build_text(&p->b, s, len);
}

/* lax.c's end tags go to the builder. */
static void
on_end(void *ctx)
{
	struct feed_parser *p = ctx;

	build_end(&p->b);
}

/* decode.c's UTF-8 goes to the repair stage. */
static void
on_decoded(void *ctx, const char *s, size_t n)
{
	struct feed_parser *p = ctx;

	xmlfix_feed(&p->xf, s, n, 0);
}

/* Count an event and where its bytes end: a token that never ends starts
 * there, and lax.c reads it from there. */
static void
xp_event(struct feed_parser *p)
{
	XML_Index at = XML_GetCurrentByteIndex(p->xp);

	p->events++;
	p->text_last = 0;
	if (at >= 0)
		p->event_end =
		    xp_pos(p, at + (XML_Index)XML_GetCurrentByteCount(p->xp));
}

/* expat's start-tag handler. */
static void XMLCALL
xp_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct feed_parser *p = arg;
	int in_item = p->b.item_depth != 0;
	/* what the item's id depends on outside it, if this begins one */
	int cand = !in_item && p->cand_next < p->ncands;
	uint64_t ctx = cand ? again_ctx(p) : 0;

	xp_event(p);
	if (build_start(&p->b, name, atts))
		XML_StopParser(p->xp, XML_FALSE);
	else if (cand && p->b.item_depth != 0)
		cand_begun(p, xp_pos(p, XML_GetCurrentByteIndex(p->xp)), ctx);
}

/* expat end-tag handler. */
static void XMLCALL
xp_end(void *arg, const XML_Char *name)
{
	struct feed_parser *p = arg;
	int in_item = p->b.item_depth != 0;

	(void)name;
	xp_event(p);
	build_end(&p->b);
	if (in_item && p->b.item_depth == 0 && p->cand_in)
		cand_ended(p, xp_pos(p, XML_GetCurrentByteIndex(p->xp)));
}

/* expat character-data handler. */
static void XMLCALL
xp_text(void *arg, const XML_Char *s, int len)
{
	struct feed_parser *p = arg;

	/* Text comes in many small pieces (one per line and per reference):
	 * where the last one ends is read once XML_Parse returns. */
	p->events++;
	p->text_last = 1;
	build_text(&p->b, s, (size_t)len);
}

/* expat's CDATA section start and end: events, so that lax.c, if it
 * takes over, never starts inside a section xmlfix.c opened, and whether
 * expat is inside one when it fails. */
static void XMLCALL
xp_cdata_start(void *arg)
{
	struct feed_parser *p = arg;

	xp_event(p);
	p->xp_in_cdata = 1;
}

static void XMLCALL
xp_cdata_end(void *arg)
{
	struct feed_parser *p = arg;

	xp_event(p);
	p->xp_in_cdata = 0;
}

/* A section's text, to the builder as expat would hand it on: a line at a
 * time, each where it is in the stream (a warning names its line). */
static void
hole_text(struct feed_parser *p, const struct fp_hole *h)
{
	const char *s = p->fixed.data + (h->at - p->fixed_off) + CDATA_OPEN_LEN;
	size_t n = h->len - CDATA_LEN;

	p->text_here = 1;
	p->text_at = h->at + CDATA_OPEN_LEN;
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t k = nl != NULL ? (size_t)(nl - s) + 1 : n;

		build_text(&p->b, s, k);
		s += k;
		n -= k;
		p->text_at += k;
	}
	p->text_here = 0;
}

/* expat's processing-instruction handler: a placeholder of ours, or the
 * document's own (nothing to do). */
static void XMLCALL
xp_pi(void *arg, const XML_Char *target, const XML_Char *data)
{
	struct feed_parser *p = arg;
	XML_Index at = XML_GetCurrentByteIndex(p->xp);
	const struct fp_hole *h;

	(void)target, (void)data;
	if (p->hole_next >= p->nholes || at < 0 ||
	    (uint64_t)at != p->holes[p->hole_next].xp_at)
		return;
	xp_event(p);
	h = &p->holes[p->hole_next++];
	if (h->old == NULL)
		hole_text(p, h);
	else
		again_skipped(p, h->old);
}

/* expat namespace-declaration handler: kept in case lax.c takes over. */
static void XMLCALL
xp_nsdecl(void *arg, const XML_Char *prefix, const XML_Char *uri)
{
	struct feed_parser *p = arg;

	scope_ns_push(&p->scope, prefix, uri);
	p->ns_gen++;
}

/* expat entity-declaration handler: the expansion guard. */
static void XMLCALL
xp_entitydecl(void *arg, const XML_Char *name, int is_param,
    const XML_Char *value, int value_len, const XML_Char *base,
    const XML_Char *system_id, const XML_Char *public_id,
    const XML_Char *notation)
{
	struct feed_parser *p = arg;

	(void)is_param, (void)base, (void)system_id, (void)public_id;
	(void)notation;
	if (++p->entity_decls > ENTITY_DECL_MAX) {
		fp_warnf(&p->h,
		    "more than %d entity declarations: entities are "
		    "not expanded",
		    ENTITY_DECL_MAX);
		XML_StopParser(p->xp, XML_FALSE);
	} else if (value != NULL && memchr(value, '&', (size_t)value_len)) {
		/* Entities made of entities are how expansion bombs grow;
		 * feeds have no use for them. */
		fp_warnf(&p->h,
		    "entity &%s; is made of other entities: entities "
		    "are not expanded",
		    name);
		XML_StopParser(p->xp, XML_FALSE);
	}
}

#ifdef FP_HAVE_GETRANDOM
/* The secret the parsers' hash salts are made from (0: none drawn). */
static uint64_t fp_salt_seed;
static pthread_once_t fp_salt_once = PTHREAD_ONCE_INIT;

/* Draw the secret, once per process. */
static void
fp_salt_draw(void)
{
	uint64_t s;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		fp_salt_seed = s;
}
#endif

/*
 * A hash salt for expat's next parser.  Unsalted, expat draws one from
 * getrandom(2) for every parser: a system call for every changed feed a
 * poll reads (bench/RESULTS.md).  Each parser's salt is made instead from
 * one secret drawn per process and a count (splitmix64), so the tables
 * stay as unpredictable from outside; 0 when no secret could be drawn,
 * and expat draws its own.
 */
static unsigned long
fp_hash_salt(void)
{
#ifdef FP_HAVE_GETRANDOM
	static uint64_t count;
	uint64_t n, z;

	pthread_once(&fp_salt_once, fp_salt_draw);
	if (fp_salt_seed == 0)
		return 0;
	n = __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
	z = fp_salt_seed + n * UINT64_C(0x9E3779B97F4A7C15);
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	z ^= z >> 31;
	return z != 0 ? (unsigned long)z : 1;
#else
	return 0;
#endif
}

/* A parser for one document; see parse.h. */
struct feed_parser *
feed_parser_new(const char *base_url, feed_item_cb cb, void *arg)
{
	struct feed_parser *p = xcalloc(1, sizeof(*p));
	unsigned long salt;

	p->xp = XML_ParserCreateNS("UTF-8", FP_NS_SEP);
	if (p->xp == NULL) {
		free(p);
		return NULL;
	}
	if ((salt = fp_hash_salt()) != 0)
		XML_SetHashSalt(p->xp, salt);
	if (base_url != NULL && *base_url != '\0')
		p->base_url = xstrdup(base_url);
	p->again_seed = p->base_url != NULL
	    ? hash64(p->base_url, strlen(p->base_url))
	    : HASH64_INIT;
	p->h.start = on_start;
	p->h.text = on_text;
	p->h.end = on_end;
	p->h.warn = on_warn;
	p->h.ctx = p;
	dec_init(&p->dec, &p->h, on_decoded);
	xmlfix_init(&p->xf, &p->h, &p->fixed);
	lax_init(&p->lx, &p->h, &p->scope);
	build_init(&p->b, p->base_url, cb, arg, &p->h, &p->scope);
	p->line = 1;
	XML_SetUserData(p->xp, p);
	XML_SetElementHandler(p->xp, xp_start, xp_end);
	XML_SetCharacterDataHandler(p->xp, xp_text);
	XML_SetCdataSectionHandler(p->xp, xp_cdata_start, xp_cdata_end);
	XML_SetProcessingInstructionHandler(p->xp, xp_pi);
	XML_SetStartNamespaceDeclHandler(p->xp, xp_nsdecl);
	XML_SetEntityDeclHandler(p->xp, xp_entitydecl);
	XML_SetParamEntityParsing(p->xp, XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetBillionLaughsAttackProtectionMaximumAmplification(
	    p->xp, AMPLIFICATION_MAX);
	XML_SetBillionLaughsAttackProtectionActivationThreshold(
	    p->xp, AMPLIFICATION_ACTIVATION);
	return p;
}

/* Use the HTTP charset before the declaration's. */
void
feed_parser_set_charset(struct feed_parser *p, const char *charset)
{
	free(p->dec.http_charset);
	p->dec.http_charset = charset && *charset ? xstrdup(charset) : NULL;
}

/* Keep summaries' and contents' markup beside their text. */
void
feed_parser_set_raw(struct feed_parser *p, int raw)
{
	p->b.raw = raw;
}

/* Old items are the caller's to recognise: see feed_known_cb. */
void
feed_parser_set_known(struct feed_parser *p, feed_known_cb known, void *arg)
{
	p->b.known = known;
	p->b.knownarg = arg;
}

/* lax.c reads on from stream offset pos. */
static void
lax_switch(struct feed_parser *p, uint64_t pos)
{
	p->lax = 1;
	lax_begin(&p->lx, pos);
}

/*
 * Where the markup that holds stream offset pos starts, reading forward
 * from from (where expat's last event ended: outside any markup) the way
 * lax.c reads: so a '<' inside a comment, a processing instruction or a
 * broken XML declaration, which xmlfix.c left alone as their text, is
 * never taken for the start of a tag or section.  pos itself when it is
 * in text or starts the markup.
 */
static uint64_t
fp_token_start(const struct feed_parser *p, uint64_t from, uint64_t pos)
{
	const char *d = p->fixed.data;
	size_t i = (size_t)(from - p->fixed_off);
	size_t end = (size_t)(pos - p->fixed_off), n = p->fixed.len;

	while (i < end) {
		const char *lt = memchr(d + i, '<', end - i);
		size_t k;

		if (lt == NULL)
			break;
		i = (size_t)(lt - d);
		k = lax_token_len(lt, n - i);
		if (k == 0 || i + k > end)
			return p->fixed_off + i;
		i += k;
	}
	return pos;
}

/* expat failed: lax.c reads on from where it stopped. */
static void
expat_failed(struct feed_parser *p)
{
	enum XML_Error err = XML_GetErrorCode(p->xp);
	XML_Index at = XML_GetCurrentByteIndex(p->xp);
	uint64_t end = p->fixed_off + p->fixed.len, pos;
	int cdata;

	pos = at < 0 ? p->fixed_off : xp_pos(p, at);
	if (pos < p->fixed_off)
		pos = p->fixed_off;
	if (pos > end)
		pos = end;
	/* expat may point inside the markup it choked on ("</" name, a
	 * declaration): start lax.c at its '<', or inside the CDATA section
	 * expat had opened. */
	cdata = p->xp_in_cdata;
	if (!cdata)
		pos = fp_token_start(p,
		    p->event_end > p->fixed_off ? p->event_end : p->fixed_off,
		    pos);
	lax_switch(p, pos);
	if (cdata)
		lax_in_cdata(&p->lx);
	/* Said at the line where lax.c starts. */
	p->in_lax = 1;
	if (err != XML_ERROR_ABORTED)
		fp_warnf(&p->h, "not well-formed XML (%s): read on leniently",
		    XML_ErrorString(err));
	p->in_lax = 0;
}

/* Tests: read with lax.c from the start, expat never used. */
void
fp_lax_only(struct feed_parser *p)
{
	lax_switch(p, p->fixed_off);
}

/* Tests: every section to expat, as before placeholders. */
void
fp_no_holes(struct feed_parser *p)
{
	p->no_holes = 1;
}

/* Drop what no stage needs any more from the stream buffer. */
static void
stream_trim(struct feed_parser *p)
{
	uint64_t keep;

	if (p->lax)
		keep = p->lx.pos;
	else
		keep = p->fed > FP_RETAIN ? p->fed - FP_RETAIN : 0;
	/* The token expat holds (at most FP_QUIET_MAX) stays whole: lax.c
	 * reads it from its start if expat never finishes it. */
	if (!p->lax && p->event_end < keep)
		keep = p->event_end;
	if (keep < p->fixed_off + FP_TRIM)
		return;
	line_at(p, keep);
	buf_consume(&p->fixed, (size_t)(keep - p->fixed_off));
	xmlfix_consumed(&p->xf, (size_t)(keep - p->fixed_off));
	p->fixed_off = keep;
}

/* Whether a section's text reaches the builder from expat as it is: no
 * carriage return (expat makes it a newline) and no U+FFFE or U+FFFF
 * (expat stops there). */
static int
text_as_is(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		unsigned m = 0;

		while (i + SCAN_BLOCK <= n) {
			scan_vec v = scan_load(s + i);

			if ((m = scan_eq(v, '\r') | scan_eq(v, 0xEF)) != 0)
				break;
			i += SCAN_BLOCK;
		}
		if (m != 0)
			i += scan_first(m);
		else
			while (i < n && s[i] != '\r' &&
			    (unsigned char)s[i] != 0xEF)
				i++;
		if (i == n)
			return 1;
		if (s[i] == '\r' ||
		    (i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
		        (unsigned char)s[i + 2] >= 0xBE))
			return 0;
		i++;
	}
}

/* Remember that the bytes at stream offset at stand in expat's for a
 * section (m NULL) or an old item that came again (its mark). */
static void
hole_add(struct feed_parser *p, uint64_t at, size_t len,
    const struct feed_again_mark *m)
{
	if (p->nholes == p->holes_cap) {
		p->holes_cap = p->holes_cap ? 2 * p->holes_cap : 64;
		p->holes =
		    xreallocarray(p->holes, p->holes_cap, sizeof(*p->holes));
	}
	p->holes[p->nholes].xp_at = 0; /* set as expat's bytes are made */
	p->holes[p->nholes].at = at;
	p->holes[p->nholes].old = m;
	p->holes[p->nholes++].len = len;
}

/*
 * The stream from p->fed to its end, to expat.  The CDATA sections inside
 * the root that xmlfix.c wrote whole since the last call (the text of
 * most items) are not expat's to read: it is given a placeholder for each
 * (FP_HOLE, a processing instruction), and xp_pi hands the section's text
 * to the builder from the stream when expat reaches it.  Expat's offsets
 * then run behind the stream's; xp_pos maps them.  Expat copies its input
 * into its own buffer in any case: here the copy leaves the sections out.
 * A section whose text expat would change or refuse stays expat's, and
 * one cut by the end of the input so far waits for its end (up to
 * FP_HOLD_MAX), kept back from expat with what follows it.  The
 * stream itself is not changed: lax.c, if it takes over, reads it as it
 * was, sections and all.
 */
static enum XML_Status
expat_feed(struct feed_parser *p, int final)
{
	const char *s = p->fixed.data ? p->fixed.data : "";
	size_t off = (size_t)(p->fed - p->fixed_off);
	size_t open = xmlfix_open_span(&p->xf), len, nspans, total, held;
	int hold = !final && !p->no_holes && open != SIZE_MAX && open >= off &&
	    p->fixed.len - open <= FP_HOLD_MAX;
	const struct xf_span *sp = xmlfix_spans(&p->xf, &nspans, hold);
	size_t nitems;
	const struct xf_item *it = xmlfix_items(&p->xf, &nitems);
	size_t from = off;
	char *o, *base;

	if (p->no_holes)
		nspans = 0;
	if (p->no_holes || p->b.known == NULL)
		nitems = 0; /* no item is old */
	/* A section cut by the end of the chunk waits for its end. */
	total = len = (hold ? open : p->fixed.len) - off;
	p->fed += len;

	/* Expat may hold what it was given last time (it defers a partial
	 * token): only the holes it has reported are done with. */
	if (p->hole_next > 0) {
		const struct fp_hole *h = &p->holes[p->hole_next - 1];

		p->xp_delta = h->at + h->len - (h->xp_at + FP_HOLE_LEN);
		memmove(p->holes, p->holes + p->hole_next,
		    (p->nholes - p->hole_next) * sizeof(*p->holes));
		p->nholes -= p->hole_next;
		p->hole_next = 0;
	}
	p->hole_cur = 0;
	p->cur_delta = p->xp_delta;
	held = p->nholes;
	p->ncands = p->cand_next = 0;
	for (size_t i = 0, k = 0, past = 0;;) {
		size_t n;

		if (k < nitems && (i == nspans || it[k].from < sp[i].from)) {
			/* An item: left out if it comes again, else a
			 * candidate for the next document's marks. */
			const struct xf_item *t = &it[k++];
			const struct feed_again_mark *m = NULL;
			uint64_t mark = 0;

			if (t->from < off || t->to > off + len)
				continue;
			n = t->to - t->from;
			/* with no marks to match, hashed only if old */
			if (p->again_old.n > 0) {
				mark = again_mark(p, s + t->from, n, t->depth);
				m = again_find(p, mark);
			}
			if (m != NULL) {
				hole_add(p, p->fixed_off + t->from, n, m);
				total -= n - FP_HOLE_LEN;
				past = t->to;
			} else
				cand_add(p, t, mark);
			continue;
		}
		if (i == nspans)
			break;
		n = sp[i].to - sp[i].from;
		if (sp[i].from >= off && sp[i].from >= past &&
		    text_as_is(
		        s + sp[i].from + CDATA_OPEN_LEN, n - CDATA_LEN)) {
			hole_add(p, p->fixed_off + sp[i].from, n, NULL);
			total -= n - FP_HOLE_LEN;
		}
		i++;
	}
	p->xp_fed += total;
	if (p->nholes == held)
		return XML_Parse(p->xp, s + off, (int)len, final);
	if ((o = base = XML_GetBuffer(p->xp, (int)total)) == NULL)
		return XML_STATUS_ERROR;
	for (size_t i = held; i < p->nholes; i++) {
		struct fp_hole *h = &p->holes[i];
		size_t at = (size_t)(h->at - p->fixed_off);

		memcpy(o, s + from, at - from);
		o += at - from;
		h->xp_at = p->xp_fed - total + (uint64_t)(o - base);
		memcpy(o, FP_HOLE, FP_HOLE_LEN);
		o += FP_HOLE_LEN;
		from = at + h->len;
	}
	memcpy(o, s + from, off + len - from);
	return XML_ParseBuffer(p->xp, (int)total, final);
}

/* Hand the repaired bytes to expat, or to lax.c. */
static void
stream_pump(struct feed_parser *p, int final)
{
	if (!p->lax && !p->b.hopeless) {
		enum XML_Status st;

		p->in_expat = 1;
		st = expat_feed(p, final);
		p->in_expat = 0;
		if (st != XML_STATUS_ERROR && p->text_last) {
			/* Text was the last event: expat stopped where it
			 * ends (what follows is a token not yet whole). */
			XML_Index at = XML_GetCurrentByteIndex(p->xp);

			if (at >= 0)
				p->event_end = xp_pos(p, at);
		}
		p->text_last = 0;
		if (st == XML_STATUS_ERROR && !p->b.hopeless)
			expat_failed(p);
		else if (p->events != p->events_seen) {
			p->events_seen = p->events;
			p->quiet_from = p->fed;
		} else if (p->fed - p->quiet_from > FP_QUIET_MAX) {
			/* expat holds one token that does not end (a tag,
			 * comment or declaration): stop feeding it, and let
			 * lax.c read the rest, that token as text. */
			lax_switch(p,
			    p->event_end > p->fixed_off ? p->event_end
			                                : p->fixed_off);
			/* Said where that token starts. */
			p->in_lax = 1;
			fp_warnf(&p->h,
			    "markup longer than %d bytes: read leniently",
			    FP_QUIET_MAX);
			p->in_lax = 0;
		}
	}
	if (p->lax || p->b.hopeless) {
		size_t n;

		/* lax.c reads them as they are */
		(void)xmlfix_spans(&p->xf, &n, 0);
		(void)xmlfix_items(&p->xf, &n);
	}
	if (p->lax && !p->b.hopeless) {
		p->in_lax = 1;
		lax_run(&p->lx, p->fixed.data ? p->fixed.data : "",
		    p->fixed_off, p->fixed.len, final);
		p->in_lax = 0;
	}
	stream_trim(p);
}

/* Parse one more chunk of the document. */
int
feed_parser_feed(struct feed_parser *p, const void *buf, size_t len)
{
	const char *s = buf;

	if (p->b.hopeless || p->finished)
		return p->b.hopeless ? -1 : 0;
	/* A JSON Feed goes to jsonfeed.c alone. */
	if (jsonfeed_feed(&p->json, s, len) == JSONFEED_YES)
		return 0;
	/* expat takes int lengths: feed huge chunks in parts. */
	while (len > 0 && !p->b.hopeless) {
		size_t n = len > (1u << 30) ? (1u << 30) : len;

		dec_feed(&p->dec, s, n, 0);
		stream_pump(p, 0);
		s += n;
		len -= n;
	}
	return p->b.hopeless ? -1 : 0;
}

/* Say why the input holds no feed. */
static void
set_error(struct feed_parser *p)
{
	free(p->error);
	p->error = build_why_not(&p->b);
	if (p->error != NULL)
		return;
	if (p->dec.junk == 0 && !p->dec.seen_lt)
		xasprintf(&p->error, "no feed: the input is empty");
	else
		xasprintf(&p->error, "not a feed: no XML element in the input");
}

/* A JSON Feed's warnings: about an item, not a line. */
static void
json_warn(void *ctx, const char *msg)
{
	struct feed_parser *p = ctx;

	if (p->nwarnings >= FP_WARN_MAX) {
		p->dropped_warnings++;
		return;
	}
	p->warnings[p->nwarnings++] = xstrdup(msg);
}

/* Warnings in the order of the places they name (one place's in the
 * order they were said): the stages say them as they meet them, and
 * expat, lax.c and the decoder are not at the same place at the same
 * time, so the order they were said in moves with how the bytes came. */
static void
sort_warnings(struct feed_parser *p)
{
	for (size_t i = 1; i < p->nwarnings; i++) {
		char *w = p->warnings[i];
		uint64_t at = p->warning_at[i];
		size_t j = i;

		while (j > 0 && p->warning_at[j - 1] > at) {
			p->warnings[j] = p->warnings[j - 1];
			p->warning_at[j] = p->warning_at[j - 1];
			j--;
		}
		p->warnings[j] = w;
		p->warning_at[j] = at;
	}
}

/* End of input: flush every stage, check for a feed. */
int
feed_parser_finish(struct feed_parser *p)
{
	if (p->finished)
		return p->error ? -1 : 0;
	p->finished = 1;
	if (p->json.state == JSONFEED_YES) {
		if (jsonfeed_finish(&p->json, p->base_url, &p->b.meta, p->b.cb,
		        p->b.cbarg, json_warn, p, &p->error) == -1)
			return -1;
		if (p->dropped_warnings > 0)
			xasprintf(&p->warnings[p->nwarnings++],
			    "%zu more warnings not shown", p->dropped_warnings);
		return 0;
	}
	if (!p->b.hopeless) {
		dec_feed(&p->dec, "", 0, 1);
		xmlfix_feed(&p->xf, "", 0, 1);
		stream_pump(p, 1);
	}
	sort_warnings(p);
	if (p->b.meta.format == FEED_FORMAT_UNKNOWN) {
		set_error(p);
		return -1;
	}
	if (p->b.item_depth != 0)
		fp_warnf(&p->h,
		    "the document ends inside an item: that item is "
		    "dropped");
	else if (p->scope.depth > 0)
		fp_warnf(
		    &p->h, "the document ends before its elements are closed");
	if (p->dropped_warnings > 0)
		xasprintf(&p->warnings[p->nwarnings++],
		    "%zu more warnings not shown", p->dropped_warnings);
	return 0;
}

/* Why finish failed ("" when it did not). */
const char *
feed_parser_error(const struct feed_parser *p)
{
	return p->error ? p->error : "";
}

/* The channel's data read so far. */
const struct feed_meta *
feed_parser_meta(const struct feed_parser *p)
{
	return &p->b.meta;
}

/* Start tags read without their attributes. */
size_t
feed_parser_giant_tags(const struct feed_parser *p)
{
	return p->lx.giant_tags;
}

/* How many warnings there are. */
size_t
feed_parser_nwarnings(const struct feed_parser *p)
{
	return p->nwarnings;
}

/* Warning i, or NULL. */
const char *
feed_parser_warning(const struct feed_parser *p, size_t i)
{
	return i < p->nwarnings ? p->warnings[i] : NULL;
}

/* Free the parser and all it holds. */
void
feed_parser_free(struct feed_parser *p)
{
	if (p == NULL)
		return;
	if (p->xp != NULL)
		XML_ParserFree(p->xp);
	dec_free(&p->dec);
	xmlfix_free(&p->xf);
	lax_free(&p->lx);
	build_free(&p->b);
	jsonfeed_free(&p->json);
	scope_free(&p->scope);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	buf_free(&p->fixed);
	free(p->error);
	free(p->base_url);
	free(p->holes);
	free(p->cands);
	free(p->again_new);
	free(p->skip_keys);
	feed_again_free(&p->again_old);
	free(p);
}
