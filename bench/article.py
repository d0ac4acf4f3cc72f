#!/usr/bin/env python3
"""The article benchmark's generator and runner (bench/article.sh).

  article.py gen DIR PORT HOSTS FEEDS ITEMS PAGE_KB
  article.py run DIR FEEDWATCHD

gen writes FEEDS feeds of ITEMS items on HOSTS loopback hosts
(127.0.3.x), each item's link a news page of about PAGE_KB KB on the same
host that names the watchlist's actor in its story (and so does the
item's teaser), and two configs: article = feed and article = fetch.  run
polls each once with a fresh state and prints the delay from the feed's
fetch to the alert's line in the file (median, p99), and what reading the
articles added.
"""
import os, re, shutil, subprocess, sys, time

PARA = ("<p>The ministry said on Tuesday that the talks, which began in the "
        "spring, would go on into next year, after the delegations failed "
        "to agree on the order of the steps.</p>\n")


def page(i, kb):
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story %d'
           '</title></head><body><nav class="menu"><a href="/">Home</a></nav>'
           '<div class="story"><p>Alpha Corp said on Monday that deal %d was '
           'signed, after months of talks, in the capital.</p>' % (i, i)]
    size = len(out[0])
    while size < kb * 1000:
        out.append(PARA)
        size += len(PARA)
    out.append('</div><footer>(c)</footer></body></html>\n')
    return ''.join(out)


def gen(d, port, hosts, nfeeds, nitems, kb):
    www = os.path.join(d, 'www')
    os.makedirs(www, exist_ok=True)
    for f in range(nfeeds):
        host = '127.0.3.%d:%d' % (f % hosts + 1, port)
        items = []
        for i in range(nitems):
            n = f * nitems + i
            open(os.path.join(www, 'a%d.html' % n), 'w').write(page(n, kb))
            items.append('<item><guid>i%d</guid><title>Deal %d signed</title>'
                         '<link>http://%s/a%d.html</link><description>Alpha '
                         'Corp signs deal %d.</description></item>'
                         % (n, n, host, n, n))
        open(os.path.join(www, 'f%d.xml' % f), 'w').write(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>f%d'
            '</title><link>http://%s/</link><description>d</description>%s'
            '</channel></rss>' % (f, host, ''.join(items)))
    for mode in ('feed', 'fetch'):
        m = os.path.join(d, mode)
        os.makedirs(os.path.join(m, 'state'), exist_ok=True)
        with open(os.path.join(m, 'bench.conf'), 'w') as c:
            c.write('[daemon]\nstate-dir = %s/state\n\n' % m)
            for f in range(nfeeds):
                c.write('[feed f%d]\nurl = http://127.0.3.%d:%d/f%d.xml\n'
                        'article = %s\nbackfill = 10000\n\n'
                        % (f, f % hosts + 1, port, f, mode))
            c.write('[actor alpha]\nname = Alpha Corp\n\n'
                    '[watchlist w]\nactors = alpha\nrequire = actor\n'
                    'threshold = 1\nsinks = out\n\n[sink out]\ntype = file\n'
                    'path = %s/alerts.jsonl\n' % m)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))] if xs else float('nan')


def run(d, daemon):
    res = {}
    for mode in ('feed', 'fetch'):
        m = os.path.join(d, mode)
        shutil.rmtree(os.path.join(m, 'state'))
        os.makedirs(os.path.join(m, 'state'))
        t0 = time.monotonic()
        p = subprocess.run([daemon, '-c', os.path.join(m, 'bench.conf'),
                            '--once', '-v'], stderr=subprocess.PIPE,
                           text=True, timeout=600)
        wall = time.monotonic() - t0
        if p.returncode != 0:
            sys.stderr.write(p.stderr[-4000:])
            sys.exit('feedwatchd exited %d' % p.returncode)
        lat = [float(x) for x in re.findall(
            r'delivered alert \S+ ([\d.]+) ms after its fetch', p.stderr)]
        res[mode] = lat
        print('article = %-5s: %d alerts in %.2f s; feed fetch -> alert '
              'line: median %.1f ms, p99 %.1f ms'
              % (mode, len(lat), wall, pct(lat, 50), pct(lat, 99)))
    print('added by reading the articles: median %.1f ms, p99 %.1f ms'
          % (pct(res['fetch'], 50) - pct(res['feed'], 50),
             pct(res['fetch'], 99) - pct(res['feed'], 99)))


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        a = sys.argv[2:]
        gen(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]))
    elif sys.argv[1] == 'run':
        run(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
