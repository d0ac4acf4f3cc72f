#!/usr/bin/env python3
# The cluster tests' feed server: GET /NAME answers the file DIR/NAME
# (404 when there is none), with an ETag made of its size and mtime, and a
# 304 to a request that names it; GET /plain/NAME answers the same file
# with a 200 every time and no validators, like many real feeds.  Every request is appended to LOG as
# "UNIX-SECONDS PATH" (a line per request, flushed at once), which is how
# a test tells which feed was polled how often.  Listens on 127.0.0.1, a
# kernel-picked port written to PORTFILE (by rename).
#	tests/feedsrv.py DIR LOG PORTFILE
import http.server
import os
import sys
import threading
import time

DIR, LOG, PORTFILE = sys.argv[1], sys.argv[2], sys.argv[3]
lock = threading.Lock()
logf = open(LOG, "a")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = os.path.basename(self.path)
        with lock:
            logf.write("%.3f %s\n" % (time.time(), self.path))
            logf.flush()
        path = os.path.join(DIR, name)
        try:
            st = os.stat(path)
            with open(path, "rb") as f:
                body = f.read()
        except OSError:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"%d-%d"' % (st.st_size, st.st_mtime_ns)
        plain = self.path.startswith("/plain/")
        if not plain and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        if not plain:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
srv.daemon_threads = True
with open(PORTFILE + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
