#!/usr/bin/env python3
# The feed-settings tests' server: answers every GET with a one-item RSS
# feed (500 for a path containing "fail") and appends the request line and
# every header to LOG, so a test sees what the fetcher sent.  It serves
# proxy requests ("GET http://host/path") the same way, which is how a test
# tells that a feed went through its proxy.  Listens on 127.0.0.1, a
# kernel-picked port written to PORTFILE.
#	tests/recorder.py LOG PORTFILE
import http.server
import os
import sys

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>one</title><link>https://example.org/1</link>
<guid>one</guid><description>nothing</description></item>
</channel></rss>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[1], "a") as f:
            f.write(self.requestline + "\n")
            for k, v in self.headers.items():
                f.write("%s: %s\n" % (k, v))
            f.write("\n")
        code = 500 if "fail" in self.path else 200
        self.send_response(code)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = sys.argv[2] + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(tmp, sys.argv[2])
srv.timeout = 600
srv.serve_forever()
