/*
 * Feed dates (see date.h).  Both grammars are read by one small cursor
 * over the string; names (days, months, zones) come from tables.  A date
 * is accepted only when every field is in range, so "2024-02-30" is
 * unreadable rather than silently March 1st.
 */
#include "config.h"

#include <string.h>

#include "common/str.h"
#include "common/timeutil.h"
#include "feeds/date.h"

/* Longest date string we try to read; feeds' dates are about 31 bytes. */
#define DATE_MAX 96

struct cur {
	const char *s;
	size_t i, n;
};

static const char months[12][4] = {"jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec"};

/* Named zones and their offsets in minutes (RFC 822 and common use). */
static const struct zone {
	const char *name;
	int off;
} zones[] = {
    {"ut", 0},
    {"utc", 0},
    {"gmt", 0},
    {"z", 0},
    {"est", -300},
    {"edt", -240},
    {"cst", -360},
    {"cdt", -300},
    {"mst", -420},
    {"mdt", -360},
    {"pst", -480},
    {"pdt", -420},
    /* Zones of the feeds our users read (not RFC 822, but common).  IST
     * is India's (+5:30), not Irish or Israel Standard Time: the feeds
     * that write it are Indian news sites. */
    {"bst", 60},
    {"cet", 60},
    {"cest", 120},
    {"eet", 120},
    {"eest", 180},
    {"msk", 180},
    {"ist", 330},
    {"hkt", 480},
    {"sgt", 480},
    {"jst", 540},
    {"kst", 540},
    {"aest", 600},
    {"aedt", 660},
};

/* ASCII digit. */
static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter. */
static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The next byte, or -1 at the end. */
static int
peek(const struct cur *c)
{
	return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

/* Skip white space. */
static void
skip_space(struct cur *c)
{
	while (c->i < c->n &&
	    (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r' ||
	        c->s[c->i] == '\n'))
		c->i++;
}

/* Read 1..max digits; returns how many were read (0 when none). */
static int
read_num(struct cur *c, int max, int *out)
{
	int k = 0, v = 0;

	while (k < max && is_digit(peek(c))) {
		v = v * 10 + (c->s[c->i++] - '0');
		k++;
	}
	*out = v;
	return k;
}

/* Read exactly n digits. */
static int
read_fixed(struct cur *c, int n, int *out)
{
	return read_num(c, n, out) == n ? 0 : -1;
}

/* Read a word of letters, lower-cased, into w (size wsz). */
static size_t
read_word(struct cur *c, char *w, size_t wsz)
{
	size_t k = 0;

	while (is_alpha(peek(c))) {
		if (k + 1 < wsz)
			w[k++] = (char)(c->s[c->i] | 0x20);
		c->i++;
	}
	w[k] = '\0';
	return k;
}

/* Month from a name or its three-letter prefix; -1 when none. */
static int
month_of(const char *w)
{
	/* three byte compares a month, not a call: every item's date */
	if (w[0] == '\0' || w[1] == '\0' || w[2] == '\0')
		return -1;
	for (int m = 0; m < 12; m++)
		if (w[0] == months[m][0] && w[1] == months[m][1] &&
		    w[2] == months[m][2])
			return m + 1;
	return -1;
}

/* Days in month m of year y. */
static int
days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : d[m - 1];
}

/* Check the fields and produce the time. */
static int
make_time(int y, int mo, int d, int h, int mi, int s, int off, time_t *out)
{
	if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return -1;
	if (s == 60) /* a leap second reads as the second before it */
		s = 59;
	*out = time_from_utc(y, mo, d, h, mi, s) - (time_t)off * 60;
	return 0;
}

/* "+0100", "-05:00", "+01" after the sign; minutes east in *off. */
static int
read_offset(struct cur *c, int *off)
{
	int sign = c->s[c->i++] == '-' ? -1 : 1, hh, mm = 0, k;

	k = read_num(c, 4, &hh);
	if (k == 4) {
		mm = hh % 100;
		hh /= 100;
	} else if (k == 2 || k == 1) {
		if (peek(c) == ':') {
			c->i++;
			if (read_fixed(c, 2, &mm) == -1)
				return -1;
		}
	} else
		return -1;
	if (hh > 23 || mm > 59)
		return -1;
	*off = sign * (hh * 60 + mm);
	return 0;
}

/* A zone after an RFC 822 time: name, military letter or offset. */
static int
read_822_zone(struct cur *c, int *off)
{
	char w[8];
	size_t k;

	skip_space(c);
	*off = 0;
	if (peek(c) == '+' || peek(c) == '-')
		return read_offset(c, off);
	if ((k = read_word(c, w, sizeof(w))) == 0)
		return 0; /* no zone: UTC */
	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++)
		if (strcmp(w, zones[z].name) == 0) {
			*off = zones[z].off;
			/* "GMT+0100" as JavaScript prints it */
			if (peek(c) == '+' || peek(c) == '-')
				return read_offset(c, off);
			return 0;
		}
	if (k == 1 && w[0] != 'j') {
		/* Military zones: A..I = +1..+9, K..M = +10..+12, N..Y =
		 * -1..-12, Z = 0. */
		int l = w[0];
		if (l <= 'i')
			*off = (l - 'a' + 1) * 60;
		else if (l <= 'm')
			*off = (l - 'a') * 60;
		else if (l <= 'y')
			*off = -(l - 'n' + 1) * 60;
		return 0;
	}
	return -1;
}

/* [Day[,]] DD Mon YYYY HH:MM[:SS] [zone], or Day Mon DD [YYYY] HH:MM... */
static int
parse_822(struct cur *c, time_t *out)
{
	char w[16];
	int d = 0, mo = -1, y, h, mi, s = 0, off = 0, k;

	skip_space(c);
	if (is_alpha(peek(c))) {
		read_word(c, w, sizeof(w));
		if ((mo = month_of(w)) == -1 || strlen(w) > 9 ||
		    strncmp(w, "mon", 3) == 0) {
			/* A weekday (or "Mon", which is never a month). */
			mo = -1;
			if (peek(c) == ',')
				c->i++;
			skip_space(c);
		}
	}
	if (mo == -1 && is_alpha(peek(c))) {
		read_word(c, w, sizeof(w));
		if ((mo = month_of(w)) == -1)
			return -1;
	}
	skip_space(c);
	if (read_num(c, 2, &d) == 0)
		return -1;
	if (mo == -1) {
		if (peek(c) == '-')
			c->i++;
		skip_space(c);
		read_word(c, w, sizeof(w));
		if ((mo = month_of(w)) == -1)
			return -1;
	}
	if (peek(c) == '-' || peek(c) == ',')
		c->i++;
	skip_space(c);
	k = read_num(c, 4, &y);
	if (k == 2)
		y += y < 50 ? 2000 : 1900;
	else if (k == 3)
		y += 1900;
	else if (k != 4)
		return -1;
	skip_space(c);
	if (read_num(c, 2, &h) == 0 || peek(c) != ':')
		return -1;
	c->i++;
	if (read_fixed(c, 2, &mi) == -1)
		return -1;
	if (peek(c) == ':') {
		c->i++;
		if (read_fixed(c, 2, &s) == -1)
			return -1;
	}
	if (peek(c) == '.') { /* fractions some generators add */
		c->i++;
		while (is_digit(peek(c)))
			c->i++;
	}
	if (read_822_zone(c, &off) == -1)
		return -1;
	skip_space(c);
	if (peek(c) == '(') /* "(UTC)" or "(Pacific Daylight Time)" */
		while (c->i < c->n && c->s[c->i++] != ')')
			;
	skip_space(c);
	if (c->i != c->n)
		return -1;
	return make_time(y, mo, d, h, mi, s, off, out);
}

/* YYYY[-MM[-DD]][(T| )hh:mm[:ss[.frac]]][zone] and the basic format. */
static int
parse_iso(struct cur *c, time_t *out)
{
	int y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0, basic = 0;

	skip_space(c);
	if (read_fixed(c, 4, &y) == -1)
		return -1;
	if (peek(c) == '-') {
		c->i++;
		if (read_fixed(c, 2, &mo) == -1)
			return -1;
		if (peek(c) == '-') {
			c->i++;
			if (read_fixed(c, 2, &d) == -1)
				return -1;
		}
	} else if (is_digit(peek(c))) {
		basic = 1;
		if (read_fixed(c, 2, &mo) == -1 || read_fixed(c, 2, &d) == -1)
			return -1;
	}
	if (peek(c) == 'T' || peek(c) == 't' ||
	    (peek(c) == ' ' && c->i + 1 < c->n && is_digit(c->s[c->i + 1]))) {
		c->i++;
		if (read_fixed(c, 2, &h) == -1)
			return -1;
		if (peek(c) == ':')
			c->i++;
		else if (!basic)
			return -1;
		if (read_fixed(c, 2, &mi) == -1)
			return -1;
		if (peek(c) == ':' || (basic && is_digit(peek(c)))) {
			if (peek(c) == ':')
				c->i++;
			if (read_fixed(c, 2, &s) == -1)
				return -1;
		}
		if (peek(c) == '.' || peek(c) == ',') {
			c->i++;
			if (!is_digit(peek(c)))
				return -1;
			while (is_digit(peek(c)))
				c->i++;
		}
		skip_space(c);
		if (peek(c) == 'Z' || peek(c) == 'z')
			c->i++;
		else if (peek(c) == '+' || peek(c) == '-') {
			if (read_offset(c, &off) == -1)
				return -1;
		} else if (is_alpha(peek(c))) {
			if (read_822_zone(c, &off) == -1)
				return -1;
		}
	}
	skip_space(c);
	if (c->i != c->n)
		return -1;
	return make_time(y, mo, d, h, mi, s, off, out);
}

/* Either grammar, chosen by the first characters. */
int
feed_date_parse(const char *s, size_t len, time_t *out)
{
	struct cur c = {s, 0, len};

	str_trim_range(&c.s, &c.n);
	if (c.n == 0 || c.n > DATE_MAX)
		return -1;
	/* Four digits and a dash, or eight digits: ISO; else RFC 822. */
	if (c.n >= 4 && is_digit(c.s[0]) && is_digit(c.s[1]) &&
	    is_digit(c.s[2]) && is_digit(c.s[3]))
		return parse_iso(&c, out);
	c.i = 0;
	return parse_822(&c, out);
}
