/*
 * libFuzzer target for the config loader: any bytes, written to a file,
 * must load or fail with a message, never crash, hang or leak.  Loads use
 * CONF_LOAD_NO_FILES so that include and @file cannot make the fuzzer read
 * arbitrary files of the machine; those paths fail at once instead.  The
 * input file lives in a private temp directory made once per process.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file each input is written to. */
static char fuzz_path[4096];

/* Make the temp directory once; the process removes it at exit. */
static void
fuzz_cleanup(void)
{
	char dir[sizeof(fuzz_path)];
	char *slash;

	unlink(fuzz_path);
	strcpy(dir, fuzz_path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		rmdir(dir);
	}
}

static int
fuzz_setup(void)
{
	char dir[sizeof(fuzz_path) - 32];
	const char *t = getenv("TMPDIR");

	snprintf(
	    dir, sizeof(dir), "%s/fuzz-conf.XXXXXX", t != NULL ? t : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/fuzz.conf", dir);
	atexit(fuzz_cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf *c;
	char *err = NULL;
	FILE *fp;

	if (fuzz_path[0] == '\0' && fuzz_setup() < 0)
		abort();
	if ((fp = fopen(fuzz_path, "w")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	fclose(fp);
	c = conf_load_flags(fuzz_path, CONF_LOAD_NO_FILES, &err);
	/* Exactly one of the two, and an error always names the file. */
	if ((c == NULL) == (err == NULL))
		abort();
	if (err != NULL && strncmp(err, fuzz_path, strlen(fuzz_path)) != 0)
		abort();
	if (c != NULL) {
		for (size_t i = 0; i < c->nwatchlists; i++) {
			char *s = conf_expr_to_string(c->watchlists[i].require);
			free(s);
		}
	}
	conf_free(c);
	free(err);
	return 0;
}
