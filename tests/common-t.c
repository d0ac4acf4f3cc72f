/* Tests of common/: buffers, strings, UTF-8, hashing, time and logging. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/idset.h"
#include "common/jsonw.h"
#include "common/log.h"
#include "common/str.h"
#include "common/timeutil.h"
#include "common/utf8.h"
#include "common/xmalloc.h"
#include "tests/tap.h"

static void
test_buf(void)
{
	struct buf b = BUF_INIT;
	char *s;

	is_str(buf_str(&b), "", "empty buffer reads as empty string");
	buf_reserve(&b, 100);
	is_str(
	    buf_str(&b), "", "a reserved, still empty buffer reads as empty");
	buf_appends(&b, "hello");
	buf_appendc(&b, ' ');
	buf_printf(&b, "%s %d", "world", 42);
	is_str(buf_str(&b), "hello world 42", "append, appendc, printf");
	is_int(b.len, 14, "length counts bytes");
	for (int i = 0; i < 1000; i++)
		buf_appends(&b, "0123456789");
	is_int(b.len, 10014, "grows past many reallocations");
	ok(b.cap > b.len && b.data[b.len] == '\0', "always NUL-terminated");
	buf_consume(&b, 6);
	ok(strncmp(buf_str(&b), "world 42", 8) == 0, "consume drops a prefix");
	buf_truncate(&b, 5);
	is_str(buf_str(&b), "world", "truncate shortens");
	buf_append(&b, "\0x", 2);
	is_int(b.len, 7, "binary bytes with NUL are kept");
	buf_reset(&b);
	is_int(b.len, 0, "reset empties");
	buf_appends(&b, "kept");
	s = buf_steal(&b);
	is_str(s, "kept", "steal hands over the string");
	ok(b.data == NULL && b.len == 0, "steal leaves the buffer empty");
	free(s);
	buf_free(&b);
}

static void
test_str(void)
{
	char small[6], trim[] = "  \t padded \r\n";
	uint64_t v;
	long long n;

	is_int(str_lcpy(small, "truncated", sizeof(small)), 9,
	    "lcpy returns the source length");
	is_str(small, "trunc", "lcpy truncates and terminates");
	str_lcpy(small, "ab", sizeof(small));
	is_int(str_lcat(small, "cdefg", sizeof(small)), 7,
	    "lcat returns the length it tried");
	is_str(small, "abcde", "lcat truncates");
	is_str(str_trim(trim), "padded", "trim both ends");
	ok(str_casecmp("ETag", "etag") == 0, "ASCII case-insensitive compare");
	ok(str_casecmp("Straße", "STRASSE") != 0, "not Unicode folding");
	ok(str_has_prefix("deploy*", "deploy"), "prefix");
	ok(str_has_suffix("feed.xml", ".xml") && !str_has_suffix("x", ".xml"),
	    "suffix");
	ok(str_parse_duration("5m", &v) == 0 && v == 300000, "5m");
	ok(str_parse_duration("30s", &v) == 0 && v == 30000, "30s");
	ok(str_parse_duration("2d", &v) == 0 && v == 172800000, "2d");
	ok(str_parse_duration("250ms", &v) == 0 && v == 250, "250ms");
	ok(str_parse_duration("90", &v) == 0 && v == 90000,
	    "a bare number is seconds");
	ok(str_parse_duration("5 minutes", &v) == -1, "unknown unit refused");
	ok(str_parse_duration("-5s", &v) == -1, "negative refused");
	ok(str_parse_duration("99999999999999999999d", &v) == -1,
	    "overflow refused");
	ok(str_parse_size("8MiB", &v) == 0 && v == 8388608, "8MiB");
	ok(str_parse_size("64KiB", &v) == 0 && v == 65536, "64KiB");
	ok(str_parse_size("1000", &v) == 0 && v == 1000, "plain bytes");
	ok(str_parse_size("1.5MiB", &v) == -1, "fractions refused");
	ok(str_parse_int("64", 1, 1000, &n) == 0 && n == 64, "int in range");
	ok(str_parse_int("0", 1, 1000, &n) == -1, "int below range");
	ok(str_parse_int("12abc", 0, 1000, &n) == -1, "int with junk");
}

static void
test_utf8(void)
{
	char out[4];
	uint32_t cp;
	struct buf b = BUF_INIT;

	is_int(utf8_encode(0xE9, out), 2, "é encodes in two bytes");
	ok(memcmp(out, "\xc3\xa9", 2) == 0, "é bytes");
	is_int(utf8_encode(0x1F600, out), 4, "emoji in four bytes");
	is_int(utf8_encode(0xD800, out), 0, "surrogate refused");
	is_int(utf8_decode("\xed\x95\x9c", 3, &cp), 3, "Hangul decodes");
	is_int(cp, 0xD55C, "Hangul code point");
	is_int(utf8_decode("\xc0\xaf", 2, &cp), 0, "overlong refused");
	is_int(utf8_decode("\xe2\x82", 2, &cp), 0, "truncated refused");
	ok(utf8_valid("Choe Son Hui \xd0\x9f\xd1\x83", 17), "valid text");
	ok(!utf8_valid("caf\xe9", 4), "Latin-1 byte is invalid UTF-8");
	is_int(utf8_append_clean(&b, "caf\xe9!", 5), 1, "one replacement");
	is_str(buf_str(&b), "caf\xef\xbf\xbd!", "U+FFFD in its place");
	is_int(utf8_cut("a\xc3\xa9", 3, 2), 1, "cut never splits a char");
	buf_free(&b);
}

static void
test_hash_time(void)
{
	char hex[17], ts[RFC3339_LEN];
	time_t t;

	is_int(hash64("", 0), (long long)HASH64_INIT, "empty hash is basis");
	hash64_hex(hash64("a", 1), hex);
	is_str(hex, "af63dc4c8601ec8c", "FNV-1a 64 of 'a'");
	{
		uint64_t v = 0x9E3779B97F4A7C15ULL;
		int same = 1;

		for (int i = 0; i < 20000 && same; i++) {
			char want[17];
			/* Small values too: the zeros on the left. */
			uint64_t h = i % 4 == 0 ? v >> (i % 64) : v;

			v = v * 6364136223846793005ULL + 1442695040888963407ULL;
			snprintf(want, sizeof(want), "%016llx",
			    (unsigned long long)h);
			hash64_hex(h, hex);
			same = strcmp(hex, want) == 0;
		}
		hash64_hex(0, hex);
		ok(same && strcmp(hex, "0000000000000000") == 0,
		    "hex ids as %%016llx writes them, on 20,000 values");
	}
	ok(hash64_update(hash64("ab", 2), "c", 1) == hash64("abc", 3),
	    "incremental equals whole");
	is_str(time_rfc3339(0, ts), "1970-01-01T00:00:00Z", "epoch");
	is_str(time_rfc3339(1730163600, ts), "2024-10-29T01:00:00Z",
	    "a date in the SPEC example");
	ok(time_parse_rfc3339("2024-10-29T03:00:00+02:00", &t) == 0 &&
	        t == 1730163600,
	    "offset converted to UTC");
	ok(time_parse_rfc3339("2024-10-29T01:00:00.123Z", &t) == 0 &&
	        t == 1730163600,
	    "fraction accepted");
	ok(time_parse_rfc3339("2024-13-29T01:00:00Z", &t) == -1,
	    "month 13 refused");
	ok(time_parse_rfc3339("yesterday", &t) == -1, "words refused");
	ok(time_from_utc(2000, 2, 29, 0, 0, 0) == 951782400, "leap day 2000");

	/* /metrics' buckets: le is "at most", in seconds. */
	static const double le[] = {0.001, 0.01, 1};
	ok(time_bucket(le, 3, 0) == 0 && time_bucket(le, 3, 1000) == 0 &&
	        time_bucket(le, 3, 1001) == 1 &&
	        time_bucket(le, 3, 10000) == 1 &&
	        time_bucket(le, 3, 1000000) == 2 &&
	        time_bucket(le, 3, 1000001) == 3,
	    "a duration's bucket is the first whose bound holds it");
}

/* Read back what the logger wrote to a temporary file. */
static char *
log_capture(FILE *fp)
{
	struct buf b = BUF_INIT;
	char chunk[256];
	size_t n;

	fflush(fp);
	rewind(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(&b, chunk, n);
	rewind(fp);
	if (ftruncate(fileno(fp), 0) != 0)
		diag("ftruncate failed");
	return buf_steal(&b);
}

/* The body digest: the same bytes in any pieces agree, any change shows;
 * the id set: what was added is there, what was not is not. */
static void
test_digest_idset(void)
{
	char body[5000];
	struct hash_stream a, b;
	struct idset set = IDSET_INIT;
	uint64_t whole;
	int all = 1, none = 1;

	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('a' + (i * 7) % 26);
	hash_stream_init(&a);
	hash_stream_update(&a, body, sizeof(body));
	whole = hash_stream_final(&a);
	for (size_t step = 1; step < 100; step += 13) {
		hash_stream_init(&b);
		for (size_t off = 0; off < sizeof(body); off += step)
			hash_stream_update(&b, body + off,
			    off + step > sizeof(body) ? sizeof(body) - off
			                              : step);
		all &= hash_stream_final(&b) == whole;
	}
	ok(all, "a body's digest does not depend on how it was cut");
	body[4321] ^= 1;
	hash_stream_init(&b);
	hash_stream_update(&b, body, sizeof(body));
	ok(hash_stream_final(&b) != whole, "one bit changed: another digest");
	hash_stream_init(&b);
	hash_stream_update(&b, body, sizeof(body) - 1);
	ok(hash_stream_final(&b) != whole, "one byte fewer: another digest");
	hash_stream_init(&b);
	ok(hash_stream_final(&b) != 0, "the empty body's digest is not 0");

	for (int i = 0; i < 1000; i++) {
		char id[32];
		snprintf(id, sizeof(id), "urn:item:%d", i);
		idset_add(&set, idset_key(id));
	}
	for (int i = 0; i < 2000; i++) {
		char id[32];
		snprintf(id, sizeof(id), "urn:item:%d", i);
		if (i < 1000)
			all &= idset_has(&set, idset_key(id));
		else
			none &= !idset_has(&set, idset_key(id));
	}
	ok(all && set.n == 1000, "every id added is in the set, once");
	ok(none, "no id that was not added is");
	idset_clear(&set);
	ok(!idset_has(&set, idset_key("urn:item:1")), "a cleared set is empty");
}

static void
test_log(void)
{
	FILE *fp = tmpfile();
	char *out;

	if (fp == NULL)
		bail_out("tmpfile: %s", strerror(errno));
	unsetenv("JOURNAL_STREAM");
	log_init("fwtest", LOG_LEVEL_INFO);
	log_set_output(fp);
	ok(!log_is_journal(), "a plain file is not the journal");
	log_warnx("feed %s: %d items", "kcna", 3);
	out = log_capture(fp);
	is_str(out, "fwtest: warning: feed kcna: 3 items\n", "plain warning");
	free(out);
	errno = ENOENT;
	log_warn("open %s", "state.db");
	ok(errno == ENOENT, "errno preserved");
	out = log_capture(fp);
	like(out, "^fwtest: warning: open state.db: No such file",
	    "log_warn appends strerror");
	free(out);
	log_debug("hidden");
	out = log_capture(fp);
	is_str(out, "", "debug hidden at info level");
	free(out);
	log_info("two\nlines");
	out = log_capture(fp);
	is_str(out, "fwtest: two lines\n", "a message stays one line");
	free(out);

	/* The journal is recognised by stderr's device and inode. */
	{
		struct stat st;
		char js[64];

		fstat(fileno(fp), &st);
		snprintf(js, sizeof(js), "%llu:%llu",
		    (unsigned long long)st.st_dev,
		    (unsigned long long)st.st_ino);
		setenv("JOURNAL_STREAM", js, 1);
		log_set_output(fp);
		ok(log_is_journal(), "JOURNAL_STREAM naming the fd: journal");
		log_errx("state.db is corrupt");
		log_set_level(LOG_LEVEL_DEBUG);
		log_debug("tick");
		out = log_capture(fp);
		is_str(out, "<3>state.db is corrupt\n<7>tick\n",
		    "syslog priority prefixes");
		free(out);
		unsetenv("JOURNAL_STREAM");
	}
	log_set_output(NULL);
	fclose(fp);
}

/* A JSON string one byte at a time, as jansson escapes it: the short
 * escapes (from[k] as '\\' to[k]), \u00xx for the other controls. */
static void
json_ref(struct buf *b, const unsigned char *s, size_t len)
{
	static const char from[] = "\"\\\b\t\n\f\r", to[] = "\"\\btnfr";

	buf_appendc(b, '"');
	for (size_t i = 0; i < len; i++) {
		const char *hit = s[i] != 0 ? strchr(from, s[i]) : NULL;

		if (hit != NULL) {
			buf_appendc(b, '\\');
			buf_appendc(b, to[hit - from]);
		} else if (s[i] < 0x20)
			buf_printf(b, "\\u%04x", s[i]);
		else
			buf_appendc(b, (char)s[i]);
	}
	buf_appendc(b, '"');
}

/* jw_string against the byte-at-a-time escaping: strings of every length
 * around the 16-byte steps, escapes at every place, bytes of every value,
 * written after text already in the buffer. */
static void
test_json_string(void)
{
	uint64_t v = 88172645463325252ULL;
	int same = 1;

	for (int n = 0; n < 50000 && same; n++) {
		unsigned char s[80];
		size_t len;
		struct buf got = BUF_INIT, want = BUF_INIT;

		v ^= v << 13, v ^= v >> 7, v ^= v << 17;
		len = (size_t)(v % 80);
		for (size_t i = 0; i < len; i++) {
			v ^= v << 13, v ^= v >> 7, v ^= v << 17;
			/* Mostly plain: one in sixteen anything. */
			s[i] = (v & 0xF0) == 0
			    ? (unsigned char)(v >> 8)
			    : (unsigned char)('a' + (v >> 8) % 26);
		}
		buf_append(&got, "x", n % 3);
		buf_append(&want, "x", n % 3);
		jw_string(&got, (const char *)s, len);
		json_ref(&want, s, len);
		same = got.len == want.len &&
		    memcmp(got.data, want.data, got.len) == 0 &&
		    got.data[got.len] == '\0';
		if (!same)
			diag("got %s want %s", got.data, want.data);
		buf_free(&got);
		buf_free(&want);
	}
	ok(same, "JSON strings escaped as byte by byte, 50,000 strings");
}

int
main(void)
{
	test_buf();
	test_str();
	test_utf8();
	test_hash_time();
	test_digest_idset();
	test_log();
	test_json_string();
	return done_testing();
}
