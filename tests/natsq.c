/*
 * The tests' window on a JetStream stream: every message it holds, in
 * order, one line each, "SUBJECT<TAB>NATS-MSG-ID<TAB>DATA" (DATA with
 * newlines and tabs as spaces), so a shell test counts and compares them.
 * With `stored`, one number instead: how many messages the stream has
 * ever stored (its last sequence; a message its duplicate window refused
 * is not stored), which a work queue keeps after its messages are acked.
 * Exit 1 when the server or the stream cannot be read.
 *
 *	tests/natsq URL STREAM [stored]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

/* A line's data: control characters as spaces. */
static void
print_data(const char *d, int len)
{
	for (int i = 0; i < len; i++)
		putchar((unsigned char)d[i] < 0x20 ? ' ' : d[i]);
	putchar('\n');
}

/* Print every message of stream, first to last, or only how many it
 * ever stored. */
static int
dump(jsCtx *js, const char *stream, int stored)
{
	jsStreamInfo *si = NULL;
	natsMsg *m;
	const char *id;
	natsStatus s;
	uint64_t first, last;

	if ((s = js_GetStreamInfo(&si, js, stream, NULL, NULL)) != NATS_OK) {
		fprintf(stderr, "natsq: stream %s: %s\n", stream,
		    natsStatus_GetText(s));
		return 1;
	}
	first = si->State.FirstSeq;
	last = si->State.LastSeq;
	jsStreamInfo_Destroy(si);
	if (stored) {
		printf("%llu\n", (unsigned long long)last);
		return 0;
	}
	for (uint64_t seq = first; seq > 0 && seq <= last; seq++) {
		m = NULL;
		if (js_GetMsg(&m, js, stream, seq, NULL, NULL) != NATS_OK)
			continue; /* deleted or acked from a work queue */
		if (natsMsgHeader_Get(m, "Nats-Msg-Id", &id) != NATS_OK)
			id = "";
		printf("%s\t%s\t", natsMsg_GetSubject(m), id);
		print_data(natsMsg_GetData(m), natsMsg_GetDataLength(m));
		natsMsg_Destroy(m);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	natsConnection *nc = NULL;
	jsCtx *js = NULL;
	natsStatus s;
	int rc;

	if (argc != 3 && (argc != 4 || strcmp(argv[3], "stored") != 0)) {
		fprintf(stderr, "usage: natsq URL STREAM [stored]\n");
		return 2;
	}
	if ((s = natsConnection_ConnectTo(&nc, argv[1])) != NATS_OK ||
	    (s = natsConnection_JetStream(&js, nc, NULL)) != NATS_OK) {
		fprintf(
		    stderr, "natsq: %s: %s\n", argv[1], natsStatus_GetText(s));
		return 1;
	}
	rc = dump(js, argv[2], argc == 4);
	jsCtx_Destroy(js);
	natsConnection_Destroy(nc);
	nats_Close();
	return rc;
}
