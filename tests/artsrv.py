#!/usr/bin/env python3
# The article tests' HTTP server: a news site's pages on 127.0.0.1, on a
# port the kernel picks, written to PORTFILE (atomically, by rename).
# Every request's path is appended to DOCROOT/requests.log, so a test can
# tell what was fetched and how often.
#
#	/f/NAME         DOCROOT/NAME (text/html, application/rss+xml, ...)
#	/redirect/NAME  302 to /f/NAME
#	/hold/NAME      /f/NAME once DOCROOT/release exists (a slow host)
#	/delay/NAME     /f/NAME after DELAY_S (articles in flight for a kill)
#	/endless        an HTML page that never ends
#	anything else   404
#
#	tests/artsrv.py DOCROOT PORTFILE
import http.server, os, sys, time

ROOT, PORTFILE = sys.argv[1], sys.argv[2]
TYPES = {'.html': 'text/html', '.xml': 'application/rss+xml',
         '.pdf': 'application/pdf'}
LIFETIME_S = 600  # a server its test forgot is gone by itself
DELAY_S = 1.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def send_file(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        if not os.path.isfile(path):
            return self.send_error(404)
        body = open(path, 'rb').read()
        self.send_response(200)
        ext = os.path.splitext(path)[1]
        self.send_header('Content-Type', TYPES.get(ext, 'text/plain'))
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(os.path.join(ROOT, 'requests.log'), 'a') as log:
            log.write(self.path + '\n')
        p = self.path
        if p.startswith('/f/'):
            return self.send_file(p[3:])
        if p.startswith('/redirect/'):
            self.send_response(302)
            self.send_header('Location', '/f/' + p[len('/redirect/'):])
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        if p.startswith('/hold/'):
            while not os.path.exists(os.path.join(ROOT, 'release')):
                time.sleep(0.05)
            return self.send_file(p[len('/hold/'):])
        if p.startswith('/delay/'):
            time.sleep(DELAY_S)
            return self.send_file(p[len('/delay/'):])
        if p == '/endless':
            self.send_response(200)
            self.send_header('Content-Type', 'text/html')
            self.end_headers()
            self.wfile.write(b'<html><body><div class="story">')
            try:
                while True:
                    self.wfile.write(b'<p>The page goes on and on, '
                                     b'Choe Son Hui and sanctions.</p>' * 64)
            except (BrokenPipeError, ConnectionResetError):
                return
        self.send_error(404)


srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
srv.daemon_threads = True
with open(PORTFILE + '.tmp', 'w') as f:
    f.write('%d\n' % srv.server_address[1])
os.rename(PORTFILE + '.tmp', PORTFILE)
srv.timeout = 1
end = time.time() + LIFETIME_S
while time.time() < end:
    srv.handle_request()
