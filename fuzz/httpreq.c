/*
 * libFuzzer target for the status API's request handling: any bytes, as
 * a client might send them on one connection, are split into pipelined
 * requests by httpserv_parse and answered, as the server does.  Every
 * request either parses (a path from '/', at most HTTPSERV_MAX_FIELDS
 * fields, no more bytes used than there were) or is refused with a
 * status; nothing crashes, reads past the input or leaks.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "daemon/httpserv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input: every request in it, in order, until one is incomplete or
 * refused (the server then closes). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct httpreq req;
	const char *p = (const char *)data;

	while (size > 0) {
		struct buf out = BUF_INIT, fields = BUF_INIT;
		enum httpserv_parse rc;
		size_t used = 0;

		rc = httpserv_parse(&req, p, size, &used);
		if (rc == HTTPSERV_MORE)
			break;
		if (used > size)
			abort();
		req.out = &out;
		req.out_fields = &fields;
		if (rc == HTTPSERV_OK) {
			if (req.path == NULL || req.path[0] != '/' ||
			    req.nfields > HTTPSERV_MAX_FIELDS)
				abort();
			(void)httpreq_field(&req, "Host");
			(void)httpreq_field(&req, "Authorization");
			httpreq_add_field(&req, "X-Path", req.path);
			httpserv_reply(&req, 200, "text/plain",
			    req.query != NULL ? req.query : "",
			    req.query != NULL ? strlen(req.query) : 0);
		} else
			httpserv_reply(&req, (int)rc, "text/plain", "no\n", 3);
		buf_free(&out);
		buf_free(&fields);
		if (rc != HTTPSERV_OK || req.close || used == 0)
			break;
		p += used;
		size -= used;
	}
	return 0;
}
