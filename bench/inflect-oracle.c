/*
 * How well the Russian and Ukrainian ending tables (filters/inflect.c)
 * agree with Hunspell, measured on the dictionaries' own words: for a
 * sample of declinable lemmas, every candidate form (the lemma cut by 0-2
 * letters plus any ending of a generous list) is asked of Hunspell (is it
 * a form of this lemma?) and of feedwatch's automaton (does the lemma as
 * a term match it?).  Not built by make (Hunspell is not a dependency of
 * feedwatch); bench/RESULTS.md gives the command and the figures.
 *
 *	inflect-oracle AFF DIC EVERY [LANG]
 *
 * LANG (0 none, 1 ru, 2 uk: enum infl_lang) is the text's declared
 * language; without it each word is read by its letters.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hunspell/hunspell.h>

#include "filters/automaton.h"
#include "filters/normalize.h"

/* Endings tried after each cut: every Russian and Ukrainian nominal and
 * adjectival ending, more than any one paradigm takes. */
static const char *const endings[] = {"", "а", "я", "у", "ю", "е", "и", "ы",
    "о", "ь", "й", "і", "ї", "є", "ом", "ем", "ём", "ам", "ям", "ой", "ей",
    "ою", "ею", "єю", "ами", "ями", "ах", "ях", "ов", "ев", "ів", "ий", "ый",
    "ій", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым",
    "им", "ім", "ых", "их", "іх", "ыми", "ими", "іми", "ую", "юю", "ої", "ові",
    "ину", "ина", "ин"};

/* The scan's report. */
static void
on_hit(void *arg, uint64_t v, uint32_t f, uint32_t l)
{
	(void)v;
	(void)f;
	(void)l;
	*(int *)arg = 1;
}

/* Does the automaton of one term match the whole of text? */
static int lang;

static int
ours(struct ac *a, const char *text)
{
	struct norm_text nt;
	int hit = 0;

	norm_text_init(&nt);
	nt.lang = lang;
	norm_text_add(&nt, text, strlen(text));
	if (nt.ntok == 1)
		ac_scan(a, &nt, on_hit, &hit);
	norm_text_free(&nt);
	return hit;
}

/* Is lemma among Hunspell's stems of form? */
static int
hs_form_of(Hunhandle *h, const char *form, const char *lemma)
{
	char **list;
	int n = Hunspell_stem(h, &list, form), yes = 0;

	for (int i = 0; i < n; i++)
		yes |= strcmp(list[i], lemma) == 0;
	Hunspell_free_list(h, &list, n);
	return yes;
}

int
main(int argc, char **argv)
{
	Hunhandle *h;
	FILE *fp;
	char line[512];
	long every, lineno = 0, lemmas = 0, agree = 0, fp_real = 0, missed = 0,
	            nonword = 0;

	if (argc != 4 && argc != 5)
		return 2;
	lang = argc == 5 ? atoi(argv[4]) : 0;
	h = Hunspell_create(argv[1], argv[2]);
	every = strtol(argv[3], NULL, 10);
	if ((fp = fopen(argv[2], "r")) == NULL)
		return 1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *slash = strchr(line, '/'), *err;
		struct ac *a;
		size_t len, letters;

		if (lineno++ % every != 0 || slash == NULL)
			continue;
		*slash = '\0';
		len = strlen(line);
		letters = 0;
		for (size_t i = 0; i < len; i++)
			letters += ((unsigned char)line[i] & 0xC0) != 0x80;
		/* lower-case Cyrillic lemmas of five letters or more */
		if (letters < 5 || (unsigned char)line[0] < 0xD0 ||
		    ((unsigned char)line[0] == 0xD0 &&
		        (unsigned char)line[1] < 0xB0))
			continue;
		a = ac_new();
		if (ac_add(a, line, 0, 0, 0, &err) == -1) {
			free(err);
			ac_free(a);
			continue;
		}
		ac_build(a);
		lemmas++;
		for (int cut = 0; cut <= 2; cut++) {
			size_t keep = len;

			for (int c = 0; c < cut && keep > 0; c++) {
				keep--;
				while (keep > 0 &&
				    ((unsigned char)line[keep] & 0xC0) == 0x80)
					keep--;
			}
			for (size_t e = 0;
			     e < sizeof(endings) / sizeof(*endings); e++) {
				char form[600];
				int o, hs, real;

				snprintf(form, sizeof(form), "%.*s%s",
				    (int)keep, line, endings[e]);
				if (strcmp(form, line) == 0)
					continue;
				o = ours(a, form);
				hs = hs_form_of(h, form, line);
				real = Hunspell_spell(h, form);
				if (getenv("ORACLE_SHOW") != NULL &&
				    ((o && !hs && real) || (!o && hs)))
					printf("%s %s -> %s\n",
					    o ? "other" : "missed", line, form);
				agree += o && hs;
				fp_real += o && !hs && real;
				missed += !o && hs;
				nonword += o && !real;
			}
		}
		ac_free(a);
	}
	printf("lemmas=%ld agree=%ld other_lemma=%ld missed=%ld nonwords=%ld "
	       "precision=%.3f recall=%.3f\n",
	    lemmas, agree, fp_real, missed, nonword,
	    agree + fp_real ? (double)agree / (double)(agree + fp_real) : 0,
	    agree + missed ? (double)agree / (double)(agree + missed) : 0);
	Hunspell_destroy(h);
	return 0;
}
