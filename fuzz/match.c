/*
 * libFuzzer target: normalisation and matching on arbitrary bytes.  The
 * input is tokenised (NUL bytes split it into segments, as categories are)
 * and scanned by an automaton of a fixed small term set that has every
 * kind of term: multi-word, nested, prefix, exact-case, accented, Cyrillic
 * and Hangul that inflect, Han and Kana runs; the first byte picks the
 * declared language (none, Russian, Ukrainian, another).  Besides the
 * sanitizers' checks, every token and every match is checked against the
 * invariants the scorer relies on.  The same bytes are then scored as an item
 * (title, body and categories cut at the first NUL bytes) against the
 * watchlists of a fixed config that uses every require form, and the
 * explanations (JSON and snippets) are rendered.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "common/buf.h"
#include "conf/conf.h"
#include "filters/automaton.h"
#include "filters/normalize.h"
#include "filters/watchlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *text;
	int exact, prefix;
} terms[] = {
    {"North Korea", 0, 0},
    {"Korea", 0, 0},
    {"Choe Son Hui", 0, 0},
    {"Choe Son-hui", 0, 0},
    {"KCNA", 1, 0},
    {"UN", 1, 0},
    {"UN Security Council", 0, 0},
    {"deploy", 0, 1},
    {"troop deploy", 0, 1},
    {"Zélensky", 0, 0},
    {"Путин", 0, 0},
    {"김정은", 0, 0},
    {"o'brien", 0, 0},
    {"a", 0, 1},
    {"Kim Jong Un", 0, 0},
    {"Россия", 0, 0},
    {"России", 1, 0},
    {"Северная Корея", 0, 0},
    {"Україна", 0, 0},
    {"Кремль", 0, 0},
    {"북한", 0, 0},
    {"러시아", 0, 1},
    {"ロシア", 0, 0},
    {"北朝鮮", 0, 0},
    {"朝", 0, 0},
    /* 김정은 spelt in conjoining jamo: folds as the syllables do */
    {"\u1100\u1175\u11b7\u110c\u1165\u11bc\u110b\u1173\u11ab", 0, 0},
};

/* Declared languages the first byte of an input picks from. */
static const char *const languages[] = {NULL, "ru", "uk-UA", "ko"};

static struct ac *automaton;
static struct conf *conf;
static struct wl_matcher *matcher;
static struct wl_scan *scan;

static const char conf_text[] =
    "[actor nk]\nname = North Korea\nalias = DPRK\nalias = Pyongyang\n"
    "weight = 2\n"
    "[actor choe]\nname = Choe Son Hui\nalias = Choe Son-hui\nweight = 3\n"
    "[actor kcna]\nname = \"KCNA\"\n"
    "[actor ru]\nname = Russia\nalias = Moscow\nalias = Путин\n"
    "alias = Россия\nalias = Северная Корея\nalias = 러시아\nalias = ロシア\n"
    "[topic troops]\nterm = troops\nterm = deploy*\nterm = 김정은\n"
    "weight = 2\n"
    "[topic sport]\nterm = football\n"
    "[watchlist a]\nactors = nk, choe, kcna, ru\ntopics = troops\n"
    "require = (actor and topic) or near(choe, ru, 3)\nexclude = sport\n"
    "threshold = 3\nsaturation = 2\n"
    "[watchlist b]\nactors = ru, kcna\ntopics = troops\n"
    "require = not near(actor, topic, 1) and not kcna\n";

/* What a hit must satisfy. */
struct check {
	const struct norm_text *nt;
};

/* A match lies inside the text, within one segment, and is not longer
 * than a term can be. */
static void
on_hit(void *arg, uint64_t value, uint32_t first, uint32_t last)
{
	const struct check *c = arg;

	if (value >= sizeof(terms) / sizeof(terms[0]) || first > last ||
	    last >= c->nt->ntok || last - first >= AC_MAX_TERM_WORDS ||
	    c->nt->tok[first].seg != c->nt->tok[last].seg)
		abort();
}

/* Append the three UTF-8 bytes of a code point of U+0800-U+FFFF. */
static char *
put3(char *p, uint32_t cp)
{
	*p++ = (char)(0xE0 | cp >> 12);
	*p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
	*p++ = (char)(0x80 | (cp & 0x3F));
	return p;
}

/*
 * A folded word made only of Hangul (syllables, conjoining jamo) folds to
 * itself, and so does its spelling in jamo (each syllable decomposed):
 * the composition normalize.c does is complete and agrees with the
 * precomposed form.
 */
static void
check_hangul(const char *w, size_t len)
{
	char jamo[NORM_MAX_WORD * 3 + 1], *p = jamo, *f;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t cp;

		if (i + 3 > len || ((unsigned char)w[i] & 0xF0) != 0xE0)
			return;
		cp = (uint32_t)((unsigned char)w[i] & 0x0F) << 12 |
		    (uint32_t)((unsigned char)w[i + 1] & 0x3F) << 6 |
		    ((unsigned char)w[i + 2] & 0x3F);
		if (cp >= 0xAC00 && cp <= 0xD7A3) {
			uint32_t k = cp - 0xAC00;

			p = put3(p, 0x1100 + k / (21 * 28));
			p = put3(p, 0x1161 + k % (21 * 28) / 28);
			if (k % 28 != 0)
				p = put3(p, 0x11A7 + k % 28);
		} else if (cp >= 0x1100 && cp <= 0x11FF)
			p = put3(p, cp);
		else
			return;
	}
	f = norm_fold(w, len);
	if (strlen(f) != len || memcmp(f, w, len) != 0)
		abort();
	free(f);
	if (p - jamo > NORM_MAX_WORD)
		return; /* too long to be a word when spelt so */
	f = norm_fold(jamo, (size_t)(p - jamo));
	if (strlen(f) != len || memcmp(f, w, len) != 0)
		abort();
	free(f);
}

/* Load the fixed config (from a temporary file: conf_load reads files). */
static void
fuzz_init_conf(void)
{
	char path[] = "/tmp/fuzz-match.XXXXXX";
	int fd = mkstemp(path);
	char *err = NULL;

	if (fd == -1 ||
	    write(fd, conf_text, sizeof(conf_text) - 1) !=
	        (ssize_t)(sizeof(conf_text) - 1))
		abort();
	close(fd);
	conf = conf_load_flags(path, CONF_LOAD_NO_FILES, &err);
	unlink(path);
	if (conf == NULL || (matcher = wl_matcher_new(conf, &err)) == NULL)
		abort();
	scan = wl_scan_new(matcher);
}

/* Score the input as an item and render every explanation. */
static void
fuzz_score(const char *s, size_t size)
{
	const char *part[3] = {"", "", ""};
	const char *cats[8];
	size_t np = 0, ncats = 0, start = 0;
	char *copy = malloc(size + 1);
	struct wl_item it;
	struct buf b = BUF_INIT;

	memcpy(copy, s, size);
	copy[size] = '\0';
	for (size_t i = 0; i <= size && np < 3; i++)
		if (i == size || copy[i] == '\0') {
			part[np++] = copy + start;
			start = i + 1;
		}
	/* Categories: the third part cut at newlines. */
	for (char *p = (char *)part[2]; ncats < 8 && *p != '\0';) {
		char *nl = strchr(p, '\n');

		cats[ncats++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	it.title = part[0];
	it.body = part[1];
	it.categories = cats;
	it.ncategories = ncats;
	it.language = languages[size > 0 ? (unsigned char)s[0] % 4 : 0];
	wl_scan_item(scan, &it);
	for (size_t w = 0; w < conf->nwatchlists; w++) {
		const struct wl_result *r =
		    wl_scan_score(scan, &conf->watchlists[w], NULL);
		json_t *j = wl_result_matches_json(scan, r, 1);
		char *txt = json_dumps(j, JSON_COMPACT);

		if (txt == NULL || r->score < 0 ||
		    (r->alert && (!r->require || r->excluded)))
			abort();
		free(txt);
		json_decref(j);
		for (size_t e = 0; e < r->nents; e++)
			for (size_t k = 0; k < r->ents[e].nexpl; k++) {
				size_t len;
				const char *f = wl_expl_form(
				    scan, &r->ents[e].expl[k], &len);

				if (f != NULL &&
				    (f < copy || f + len > copy + size))
					abort();
				buf_reset(&b);
				wl_scan_snippet(scan, &r->ents[e].expl[k], &b);
			}
	}
	buf_free(&b);
	free(copy);
}

/* Build the automaton once. */
static void
fuzz_init(void)
{
	char *err;

	fuzz_init_conf();

	automaton = ac_new();
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++)
		if (ac_add(automaton, terms[i].text, terms[i].exact,
		        terms[i].prefix, (uint32_t)i, &err) == -1)
			abort();
	ac_build(automaton);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct norm_text nt;
	struct check c = {&nt};
	const char *s = (const char *)data;
	size_t start = 0;
	char *folded;

	if (automaton == NULL)
		fuzz_init();
	norm_text_init(&nt);
	nt.lang = size > 0 ? (unsigned char)s[0] % 4 : 0;
	for (size_t i = 0; i <= size; i++)
		if (i == size || data[i] == 0) {
			norm_text_add(&nt, s + start, i - start);
			start = i + 1;
		}
	for (size_t i = 0; i < nt.ntok; i++) {
		const struct norm_token *t = &nt.tok[i];
		const struct norm_seg *g = &nt.seg[t->seg];

		if (t->start >= t->end || t->xend < t->start ||
		    t->xend > t->end || t->end > g->len || t->nlen == 0 ||
		    (t->nlen != NORM_TOO_LONG &&
		        (t->nlen > NORM_MAX_WORD ||
		            t->noff + t->nlen > nt.nnorm ||
		            t->hash != norm_hash(norm_word(&nt, i), t->nlen))))
			abort();
		if (t->nlen != NORM_TOO_LONG)
			check_hangul(norm_word(&nt, i), t->nlen);
	}
	ac_scan(automaton, &nt, on_hit, &c);
	norm_text_free(&nt);
	folded = norm_fold(s, size);
	free(folded);
	fuzz_score(s, size);
	return 0;
}
