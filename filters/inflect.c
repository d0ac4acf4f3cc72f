/*
 * The ending tables of inflect.h and the keys of a term word.
 *
 * Why tables and not a stemmer at scan time: measured on this machine
 * (bench/RESULTS.md), Hunspell's stem() costs 7.5 us a word and
 * the Russian dictionary 0.24 s and 18 MB to load (Ukrainian 0.69 s,
 * 39 MB); it knows no Шойгу or Лаврова.  A Snowball stem costs 0.3 us but
 * splits Корея (коре) from Кореи (кор) and Пхеньян (пхенья) from itself
 * in the text, and Snowball has no Ukrainian.  Either per text word would
 * cost more than the whole scan does today.  The endings of Russian and
 * Ukrainian nouns, adjectives and names are a closed list; a term word's
 * own ending says which list it takes (Россия: the -я nouns), and the
 * stem it leaves is matched with the text at the cost of a hash lookup.
 * Hunspell is the oracle the tables are measured against
 * (bench/inflect-oracle.c), not a dependency.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/utf8.h"
#include "common/xmalloc.h"
#include "filters/inflect.h"
#include "filters/normalize.h"

/* Slots of the ending table: a power of two, above twice the endings. */
#define INFL_SLOTS 512

/*
 * A paradigm: a term word ending in `tail` loses `cut` (a suffix of tail)
 * to give its stem, which takes the Russian endings `ru` and the
 * Ukrainian endings `uk` ("-" is the empty ending, as in the genitive
 * plural войск).  Tail "C" is any word ending in a consonant.  Of the
 * rows whose tail a word ends in, the longest tail wins, and rows with
 * that tail all apply (-ий is a noun, Дмитрий, or an adjective).
 */
struct paradigm {
	const char *tail, *cut, *ru, *uk;
};

#define ADJ_RU                                                                                                              \
	"ый ий ой ая яя ое ее ые ие ого его ому ему ым им ом ем ую юю ых их " \
	"ыми ими ей ою ею а о ы"
#define ADJ_UK                                                                                                        \
	"ий ій а я е є і ого ього ому ьому им ім ій ої ьої у ю ою ьою их " \
	"іх ими іми"
#define NOUN_J_RU "й я ю ем е и ев ям ями ях ёв"
#define NOUN_J_UK "й я ю єм ї єві ям ями ях їв"
#define NOUN_A_UK "а и і у ою о - ам ами ах"
#define UK_ADJ_FEM "ої ій у ою ий ого ому им ім е і их ими"

static const struct paradigm paradigms[] = {
    /* adjectives, and the nouns that end alike */
    {"ый", "ый", ADJ_RU, ADJ_UK},
    {"ий", "ий", ADJ_RU, ADJ_UK},
    {"ий", "й", NOUN_J_RU, NOUN_J_UK},
    {"ій", "ій", ADJ_RU, ADJ_UK},
    {"ой", "ой", ADJ_RU, ADJ_UK},
    {"ой", "й", NOUN_J_RU, NOUN_J_UK},
    {"ей", "й", NOUN_J_RU, NOUN_J_UK},
    {"ая", "ая", ADJ_RU, ADJ_UK},
    {"яя", "яя", ADJ_RU, ADJ_UK},
    {"ое", "ое", ADJ_RU, ADJ_UK},
    {"ее", "ее", ADJ_RU, ADJ_UK},
    {"ые", "ые", ADJ_RU, ADJ_UK},
    /* -ие is a neuter noun (соглашение); a plural adjective only after
     * a letter that takes и for ы (русские) */
    {"ие", "е", "е я ю ем и й ям ями ях", "е я ю ем і ям ями ях"},
    {"кие", "ие", ADJ_RU, ADJ_UK},
    {"гие", "ие", ADJ_RU, ADJ_UK},
    {"хие", "ие", ADJ_RU, ADJ_UK},
    {"жие", "ие", ADJ_RU, ADJ_UK},
    {"шие", "ие", ADJ_RU, ADJ_UK},
    {"чие", "ие", ADJ_RU, ADJ_UK},
    {"щие", "ие", ADJ_RU, ADJ_UK},
    /* -а nouns; after г к х ж ш ч щ Russian writes и for ы */
    {"а", "а", "а ы е у ой ою - ам ами ах", NOUN_A_UK " " UK_ADJ_FEM},
    {"га", "а", "а и е у ой ою - ам ами ах", NOUN_A_UK " " UK_ADJ_FEM},
    {"ка", "а", "а и е у ой ою - ам ами ах", NOUN_A_UK " " UK_ADJ_FEM},
    {"ха", "а", "а и е у ой ою - ам ами ах", NOUN_A_UK " " UK_ADJ_FEM},
    {"жа", "а", "а и е у ей ею - ам ами ах", NOUN_A_UK},
    {"ша", "а", "а и е у ей ею - ам ами ах", NOUN_A_UK},
    {"ча", "а", "а и е у ей ею - ам ами ах", NOUN_A_UK},
    {"ща", "а", "а и е у ей ею - ам ами ах", NOUN_A_UK},
    {"ца", "а", "а ы е у ей ею - ам ами ах", NOUN_A_UK},
    /* -я nouns (Россия, Корея, земля) */
    {"я", "я", "я и е ю ей ею й ям ями ях", "я і ї ю ею єю й ям ями ях ьої ій"},
    /* -ь, -й, -о, -е */
    {"ь", "ь", "ь я ю ем е и ей ям ями ях ью", "ь я ю ем і ей ям ями ях ею"},
    {"й", "й", NOUN_J_RU, NOUN_J_UK},
    {"о", "о", "о а у ом е - ам ами ах", "о а у ом і ові - ам ами ах"},
    {"е", "е", "е я ю ем и ей ям ями ях", "е я ю ем і ям ями ях ого ому им ім"},
    /* plurals as written (войска takes -а above) */
    {"ы", "ы", "ы - ам ами ах а е у ой", "-"},
    {"и", "и", "и ей ь й ям ями ях ам ами ах - ов", "и ів ам ами ах - ей"},
    {"і", "і", "-", "і их им ими ій ів ям ями ях"},
    /* names and nouns ending in a consonant (Путин, Пхеньян, Лавров) */
    {"C", "", "- а у ом ым е ы и ов ам ами ах ых ыми ем ей ой",
        "- а у ові ом і е и ів ам ами ах им ою ем"},
};

/* What a particle needs of the syllable before it. */
enum after {
	AFTER_ANY,
	AFTER_CONS,  /* a final consonant (이, 은, 을, 과) */
	AFTER_VOWEL, /* none (가, 는, 를, 와) */
	AFTER_RO,    /* none, or ㄹ (로) */
	AFTER_EURO,  /* a final consonant other than ㄹ (으로) */
};

struct particle {
	const char *text;
	enum after after;
};

/* Korean particles and the commonest of their combinations. */
static const struct particle particles[] = {
    {"이", AFTER_CONS},
    {"가", AFTER_VOWEL},
    {"은", AFTER_CONS},
    {"는", AFTER_VOWEL},
    {"을", AFTER_CONS},
    {"를", AFTER_VOWEL},
    {"과", AFTER_CONS},
    {"와", AFTER_VOWEL},
    {"으로", AFTER_EURO},
    {"로", AFTER_RO},
    {"의", AFTER_ANY},
    {"에", AFTER_ANY},
    {"에서", AFTER_ANY},
    {"에게", AFTER_ANY},
    {"도", AFTER_ANY},
    {"만", AFTER_ANY},
    {"까지", AFTER_ANY},
    {"부터", AFTER_ANY},
    {"에서는", AFTER_ANY},
    {"에서도", AFTER_ANY},
    {"에서의", AFTER_ANY},
    {"에서만", AFTER_ANY},
    {"에는", AFTER_ANY},
    {"에도", AFTER_ANY},
    {"에의", AFTER_ANY},
    {"에만", AFTER_ANY},
    {"에게는", AFTER_ANY},
    {"에게도", AFTER_ANY},
    {"과의", AFTER_CONS},
    {"와의", AFTER_VOWEL},
    {"과는", AFTER_CONS},
    {"와는", AFTER_VOWEL},
    {"과도", AFTER_CONS},
    {"와도", AFTER_VOWEL},
    {"으로는", AFTER_EURO},
    {"로는", AFTER_RO},
    {"으로의", AFTER_EURO},
    {"로의", AFTER_RO},
    {"으로도", AFTER_EURO},
    {"로도", AFTER_RO},
    {"으로부터", AFTER_EURO},
    {"로부터", AFTER_RO},
    {"까지는", AFTER_ANY},
    {"까지도", AFTER_ANY},
    {"부터는", AFTER_ANY},
    {"만은", AFTER_ANY},
    {"만을", AFTER_ANY},
    {"만이", AFTER_ANY},
    {"이나", AFTER_CONS},
    {"나", AFTER_VOWEL},
    {"이다", AFTER_CONS},
    {"이며", AFTER_CONS},
    {"이고", AFTER_CONS},
    {"이라는", AFTER_CONS},
    {"라는", AFTER_VOWEL},
    {"처럼", AFTER_ANY},
    {"보다", AFTER_ANY},
    {"한테", AFTER_ANY},
    {"조차", AFTER_ANY},
    {"마저", AFTER_ANY},
    {"측", AFTER_ANY},
    {"께서", AFTER_ANY},
};

#define NPARADIGMS (sizeof(paradigms) / sizeof(paradigms[0]))
#define NPARTICLES (sizeof(particles) / sizeof(particles[0]))

struct ending {
	uint32_t hash;
	int16_t id; /* -1: empty slot */
	uint8_t len, script;
	char s[INFL_MAX_ENDING];
};

/* A paradigm with its tail and cut folded and its endings as masks. */
struct fparadigm {
	char tail[16], cut[16];
	size_t ntail, ncut;
	int consonant; /* tail "C" */
	uint64_t mask[2][INFL_MAX_ENDINGS / 64];
};

struct infl_tab {
	struct ending slots[INFL_SLOTS];
	int nids[3];                            /* per script: ids given */
	uint8_t lens[3][INFL_MAX_ENDING + 1];   /* 1: some ending has it */
	uint8_t sorted[3][INFL_MAX_ENDING + 1]; /* those lengths, ascending */
	size_t nlens[3];
	struct fparadigm par[NPARADIGMS];
	uint8_t particle_id[NPARTICLES];
};

/* The slot of an ending, or of the empty slot where it would go. */
static struct ending *
infl_slot(struct infl_tab *t, int script, const char *e, size_t len, uint32_t h)
{
	size_t i = h & (INFL_SLOTS - 1);

	for (;;) {
		struct ending *x = &t->slots[i];

		if (x->id < 0 ||
		    (x->hash == h && x->len == len && x->script == script &&
		        memcmp(x->s, e, len) == 0))
			return x;
		i = (i + 1) & (INFL_SLOTS - 1);
	}
}

/* The id of a folded ending, added when new; -1 past the bounds. */
static int
infl_intern(struct infl_tab *t, int script, const char *e, size_t len)
{
	uint32_t h = norm_hash(e, len);
	struct ending *x;

	if (len > INFL_MAX_ENDING)
		return -1;
	x = infl_slot(t, script, e, len, h);
	if (x->id >= 0)
		return x->id;
	if (t->nids[script] >= INFL_MAX_ENDINGS)
		return -1;
	x->id = (int16_t)t->nids[script]++;
	x->hash = h;
	x->len = (uint8_t)len;
	x->script = (uint8_t)script;
	memcpy(x->s, e, len);
	t->lens[script][len] = 1;
	return x->id;
}

/* Fold a word of a table into buf (bounded); its length. */
static size_t
infl_fold(const char *s, char *buf, size_t cap)
{
	char *f = norm_fold(s, strlen(s));
	size_t n = strlen(f);

	if (n >= cap)
		n = 0;
	memcpy(buf, f, n);
	buf[n] = '\0';
	free(f);
	return n;
}

/* Set the bit of an ending id in a mask. */
static void
infl_set(uint64_t *mask, int id)
{
	if (id >= 0)
		mask[id / 64] |= (uint64_t)1 << (id % 64);
}

/* Each space-separated ending of list into mask ("-" is ""). */
static void
infl_list(struct infl_tab *t, const char *list, uint64_t *mask)
{
	char word[INFL_MAX_ENDING], f[INFL_MAX_ENDING];

	while (*list != '\0') {
		size_t n = strcspn(list, " ");

		if (n > 0 && n < sizeof(word)) {
			memcpy(word, list, n);
			word[n] = '\0';
			if (strcmp(word, "-") == 0)
				infl_set(
				    mask, infl_intern(t, INFL_CYRILLIC, "", 0));
			else
				infl_set(mask,
				    infl_intern(t, INFL_CYRILLIC, f,
				        infl_fold(word, f, sizeof(f))));
		}
		list += n;
		list += *list == ' ';
	}
}

/* Fold every table once. */
struct infl_tab *
infl_tab_new(void)
{
	struct infl_tab *t = xcalloc(1, sizeof(*t));
	char f[INFL_MAX_ENDING];

	for (size_t i = 0; i < INFL_SLOTS; i++)
		t->slots[i].id = -1;
	/* id 0 of each script is the empty ending */
	(void)infl_intern(t, INFL_CYRILLIC, "", 0);
	(void)infl_intern(t, INFL_HANGUL, "", 0);
	for (size_t i = 0; i < NPARADIGMS; i++) {
		struct fparadigm *p = &t->par[i];

		p->consonant = strcmp(paradigms[i].tail, "C") == 0;
		if (!p->consonant)
			p->ntail = infl_fold(
			    paradigms[i].tail, p->tail, sizeof(p->tail));
		p->ncut = *paradigms[i].cut == '\0'
		    ? 0
		    : infl_fold(paradigms[i].cut, p->cut, sizeof(p->cut));
		infl_list(t, paradigms[i].ru, p->mask[0]);
		infl_list(t, paradigms[i].uk, p->mask[1]);
	}
	for (size_t i = 0; i < NPARTICLES; i++)
		t->particle_id[i] = (uint8_t)infl_intern(t, INFL_HANGUL, f,
		    infl_fold(particles[i].text, f, sizeof(f)));
	for (int sc = 0; sc < 3; sc++) {
		size_t k = 0;

		for (size_t len = 0; len <= INFL_MAX_ENDING; len++)
			if (t->lens[sc][len])
				t->sorted[sc][k++] = (uint8_t)len;
		t->nlens[sc] = k;
	}
	return t;
}

/* Free the tables (NULL is fine). */
void
infl_tab_free(struct infl_tab *t)
{
	free(t);
}

/* Bytes of the tables. */
size_t
infl_tab_memory(const struct infl_tab *t)
{
	return sizeof(*t);
}

/* Byte lengths of a script's endings, shortest first. */
const uint8_t *
infl_lengths(const struct infl_tab *t, enum infl_script s, size_t *n)
{
	*n = t->nlens[s];
	return t->sorted[s];
}

/* The id of a folded ending, or -1. */
int
infl_ending(
    const struct infl_tab *t, enum infl_script s, const char *e, size_t len)
{
	uint32_t h = norm_hash(e, len);
	size_t i = h & (INFL_SLOTS - 1);

	if (len > INFL_MAX_ENDING)
		return -1;
	for (;;) {
		const struct ending *x = &t->slots[i];

		if (x->id < 0)
			return -1;
		if (x->hash == h && x->len == len && x->script == s &&
		    memcmp(x->s, e, len) == 0)
			return x->id;
		i = (i + 1) & (INFL_SLOTS - 1);
	}
}

/* Does a folded Cyrillic word end in a consonant? */
static int
infl_ends_in_consonant(const char *w, size_t len)
{
	static const uint32_t consonants[] = {
	    0x0431,
	    0x0432,
	    0x0433,
	    0x0434,
	    0x0436,
	    0x0437,
	    0x043A,
	    0x043B,
	    0x043C,
	    0x043D,
	    0x043F,
	    0x0440,
	    0x0441,
	    0x0442,
	    0x0444,
	    0x0445,
	    0x0446,
	    0x0447,
	    0x0448,
	    0x0449,
	    0x0491,
	};
	uint32_t cp;

	if (len < 2 || utf8_decode(w + len - 2, 2, &cp) != 2)
		return 0;
	for (size_t i = 0; i < sizeof(consonants) / sizeof(consonants[0]); i++)
		if (cp == consonants[i])
			return 1;
	return 0;
}

/* Is the word as written all capitals (an abbreviation: КНДР, США)? */
static int
infl_all_capitals(const char *s, size_t len)
{
	size_t i = 0, letters = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = utf8_decode(s + i, len - i, &cp);

		if (n == 0)
			return 0;
		if (cp >= 0x0430 && cp <= 0x045F)
			return 0;
		letters += cp >= 0x0400 && cp <= 0x042F;
		i += n;
	}
	return letters >= 2;
}

/* Cyrillic keys: the paradigms with the longest tail the word ends in. */
static size_t
infl_keys_cyrillic(const struct infl_tab *t, const char *w, size_t len,
    struct infl_key out[INFL_MAX_KEYS])
{
	size_t best = 0, n = 0;
	int any = 0;

	for (size_t i = 0; i < NPARADIGMS; i++) {
		const struct fparadigm *p = &t->par[i];

		if (p->consonant ? infl_ends_in_consonant(w, len)
		                 : p->ntail > 0 && p->ntail <= len &&
		            memcmp(w + len - p->ntail, p->tail, p->ntail) ==
		                0) {
			if (!any || p->ntail > best)
				best = p->ntail;
			any = 1;
		}
	}
	for (size_t i = 0; any && i < NPARADIGMS; i++) {
		const struct fparadigm *p = &t->par[i];
		size_t klen = len - p->ncut, k;

		if (p->ntail != best ||
		    !(p->consonant ? infl_ends_in_consonant(w, len)
		                   : p->ntail <= len &&
		                memcmp(w + len - p->ntail, p->tail, p->ntail) ==
		                    0))
			continue;
		if (p->ncut > len || klen < 2 * INFL_MIN_STEM)
			continue;
		for (k = 0; k < n && out[k].len != klen; k++)
			;
		if (k == n) {
			if (n == INFL_MAX_KEYS)
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			out[n++].len = klen;
		}
		for (int l = 0; l < 2; l++)
			for (int b = 0; b < INFL_MAX_ENDINGS / 64; b++)
				out[k].mask[l][b] |= p->mask[l][b];
	}
	return n;
}

/* The final consonant of a folded Hangul word's last syllable: 0 none. */
static uint32_t
infl_final_jamo(const char *w, size_t len)
{
	uint32_t cp;

	if (len < 3 || utf8_decode(w + len - 3, 3, &cp) != 3)
		return 0;
	/* A precomposed syllable: its final is (cp - U+AC00) mod 28. */
	if (cp >= 0xAC00 && cp <= 0xD7A3)
		return (cp - 0xAC00) % 28 != 0 ? 0x11A7 + (cp - 0xAC00) % 28
		                               : 0;
	return cp >= 0x11A8 && cp <= 0x11C2 ? cp : 0;
}

/* The one Hangul key: the whole word, with the particles that fit it. */
static size_t
infl_keys_hangul(const struct infl_tab *t, const char *w, size_t len,
    struct infl_key out[INFL_MAX_KEYS])
{
	uint32_t fin = infl_final_jamo(w, len);

	memset(&out[0], 0, sizeof(out[0]));
	out[0].len = len;
	for (size_t i = 0; i < NPARTICLES; i++) {
		int fits = 0;

		switch (particles[i].after) {
		case AFTER_ANY:
			fits = 1;
			break;
		case AFTER_CONS:
			fits = fin != 0;
			break;
		case AFTER_VOWEL:
			fits = fin == 0;
			break;
		case AFTER_RO:
			fits = fin == 0 || fin == 0x11AF;
			break;
		case AFTER_EURO:
			fits = fin != 0 && fin != 0x11AF;
			break;
		}
		if (fits) {
			infl_set(out[0].mask[0], t->particle_id[i]);
			infl_set(out[0].mask[1], t->particle_id[i]);
		}
	}
	return 1;
}

/* The keys of one word of an unquoted term. */
size_t
infl_keys(const struct infl_tab *t, const char *orig, size_t olen,
    const char *w, size_t len, struct infl_key out[INFL_MAX_KEYS])
{
	if (len == 0)
		return 0;
	switch (infl_script_of(w, len)) {
	case INFL_CYRILLIC:
		if (infl_all_capitals(orig, olen))
			return 0;
		return infl_keys_cyrillic(t, w, len, out);
	case INFL_HANGUL:
		return infl_keys_hangul(t, w, len, out);
	default:
		return 0;
	}
}

/* Ukrainian when declared so, or when the word has a letter Russian
 * lacks (ї folds to і). */
int
infl_lang_index(
    const char *w, size_t len, enum infl_script s, enum infl_lang lang)
{
	if (s != INFL_CYRILLIC || lang == INFL_RU)
		return 0;
	if (lang == INFL_UK)
		return 1;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char a = (unsigned char)w[i],
		              b = (unsigned char)w[i + 1];

		/* і U+0456, є U+0454: D1 96, D1 94; ґ U+0491: D2 91 */
		if ((a == 0xD1 && (b == 0x96 || b == 0x94)) ||
		    (a == 0xD2 && b == 0x91))
			return 1;
	}
	return 0;
}

/* The primary subtag of a language tag, as far as inflection cares. */
enum infl_lang
infl_lang_of(const char *tag)
{
	size_t n;

	if (tag == NULL || *tag == '\0')
		return INFL_AUTO;
	n = strcspn(tag, "-_");
	if (n == 2 && strncasecmp(tag, "ru", 2) == 0)
		return INFL_RU;
	if (n == 2 && strncasecmp(tag, "uk", 2) == 0)
		return INFL_UK;
	return INFL_OTHER;
}
