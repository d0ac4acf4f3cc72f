#!/bin/sh
# cluster/natsconn against a real nats-server -js: tests/natsconn-t with
# NATS_URL set (its assertions are the TAP of this test).
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/nats-lib.sh"

nats_start
NATS_URL=$nats_url "$top_builddir/tests/natsconn-t"
