#!/usr/bin/env python3
"""End-to-end benchmark of feedwatchd, driven by bench/e2e.sh.

  e2e.py gen DIR PORT HOSTS FEEDS ITEMS TERMS EXAMPLE_CONF
      write DIR/www/f*.xml (FEEDS feeds of ITEMS items, spread over HOSTS
      loopback addresses 127.0.2.x) and DIR/bench.conf: the example
      watchlists plus a topic of TERMS generated terms, one file sink.
  e2e.py run DIR FEEDWATCHD
      run `feedwatchd --once -v` on it and print the figures.
"""
import os
import random
import re
import resource
import subprocess
import sys
import time

ON_SUBJECT = [
    "North Korea has sent more troops to Russia, officials in Seoul said.",
    "Pyongyang's soldiers were seen near the Kursk front line, according to the Pentagon.",
    "Choe Son Hui met Russian officials in Moscow to discuss the deployment.",
    "Artillery shells from North Korea are reaching Russian units, analysts say.",
    "The UN Security Council failed to agree on new sanctions against the DPRK.",
]
OFF_SUBJECT = [
    "The city council approved a new budget for parks and libraries on Tuesday.",
    "Heavy rain is expected across the region through the weekend, forecasters said.",
    "Shares in technology companies rose after a strong quarter of earnings.",
    "The national team won its qualifier in front of a home crowd.",
    "A new exhibition of contemporary painting opens at the museum next month.",
    "Researchers published a study on the migration of coastal birds.",
    "Commuters faced delays after a signal failure on the northern line.",
]
SYLLABLES = ["ka", "ro", "vin", "tel", "mar", "zu", "qe", "lor", "bex", "fi",
             "dra", "son", "pex", "wu", "nal", "ty", "gor", "mi", "xa", "ul"]


def word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 5)))


def gen(d, port, hosts, nfeeds, nitems, nterms, example):
    rng = random.Random(20241029)
    terms = sorted({word(rng) for _ in range(nterms * 2)})[:nterms]
    os.makedirs(os.path.join(d, "www"), exist_ok=True)
    for f in range(nfeeds):
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">'
               '<channel><title>Bench feed %d</title>'
               '<link>https://bench%d.example/</link>' % (f, f)]
        for i in range(nitems):
            # One item in twenty is on the subject, as in a busy news mix.
            pool = ON_SUBJECT if rng.random() < 0.05 else OFF_SUBJECT
            body = " ".join(rng.choice(pool) for _ in range(6))
            if rng.random() < 0.02:
                body += " Also mentioned: %s and %s." % (
                    rng.choice(terms), rng.choice(terms))
            title = "%s (%d-%d)" % (rng.choice(pool).rstrip("."), f, i)
            out.append('<item><title>%s</title>'
                       '<link>https://bench%d.example/story/%d</link>'
                       '<guid>b-%d-%d</guid>'
                       '<pubDate>Tue, 29 Oct 2024 01:%02d:00 GMT</pubDate>'
                       '<description>%s</description></item>'
                       % (title, f, i, f, i, i % 60, body))
        out.append("</channel></rss>\n")
        with open(os.path.join(d, "www", "f%d.xml" % f), "w") as fp:
            fp.write("".join(out))

    # The example's actors, topics and watchlists; our own daemon, feeds
    # and sink.
    keep, skip = [], False
    for line in open(example, encoding="utf-8"):
        m = re.match(r"\[(\w+)", line)
        if m:
            skip = m.group(1) in ("daemon", "feed", "sink")
        if skip or re.match(r"\s*(sinks|feeds)\s*=", line):
            continue
        keep.append(line)
    conf = ["[daemon]\nstate-dir = %s/state\nmax-concurrent = 64\n"
            "per-host = 4\ninterval = 1h\n\n" % d]
    for f in range(nfeeds):
        conf.append("[feed f%d]\nurl = http://127.0.2.%d:%d/f%d.xml\n"
                    "backfill = %d\n\n" % (f, f % hosts + 1, port, f, nitems))
    conf.append("".join(keep))
    conf.append("\n[topic generated]\n")
    conf.extend("term = %s\n" % t for t in terms)
    conf.append("\n[watchlist generated]\ntopics = generated\n"
                "threshold = 2\nsinks = out\n")
    conf.append("\n[sink out]\ntype = file\npath = %s/alerts.jsonl\n" % d)
    text = "".join(conf)
    # Every watchlist delivers to the one file sink.
    text = re.sub(r"(\[watchlist [^\]]+\]\n)", r"\1sinks = out\n", text)
    text = text.replace("sinks = out\ntopics = generated\nthreshold = 2\n"
                        "sinks = out\n", "topics = generated\nthreshold = 2\n"
                        "sinks = out\n")
    with open(os.path.join(d, "bench.conf"), "w") as fp:
        fp.write(text)


def run(d, daemon):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    # E2E_WRAP runs the daemon under another program (callgrind).
    wrap = os.environ.get("E2E_WRAP", "").split()
    # The default log level, as a service runs: the daemon's own summary
    # of the delays replaces a debug line per alert (which cost a fifth of
    # the CPU measured here).
    p = subprocess.run(wrap + [daemon, "-c", os.path.join(d, "bench.conf"),
                               "--once"], stderr=subprocess.PIPE,
                       text=True, timeout=1800)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        sys.exit("feedwatchd exited %d" % p.returncode)
    m = re.search(r"done: (\d+) polls, (\d+) new items, (\d+) alerts", p.stderr)
    polls, items, alerts = (int(x) for x in m.groups())
    m = re.search(r"sink out: (\d+) alerts, fetch to delivery: median ([\d.]+) ms, "
                  r"p99 ([\d.]+) ms, max ([\d.]+) ms", p.stderr)
    ndel, med, p99, mx = int(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4))
    rss = after.ru_maxrss
    print("polls %d, new items %d, alerts %d (file sink lines %d)"
          % (polls, items, alerts, sum(1 for _ in open(os.path.join(d, "alerts.jsonl")))))
    print("wall %.2f s, CPU %.2f s (one thread), peak RSS %.1f MiB"
          % (wall, cpu, rss / 1024.0))
    print("items/s: %.0f per wall second, %.0f per CPU second"
          % (items / wall, items / cpu))
    print("fetch's last byte -> alert line in the file: median %.2f ms, "
          "p99 %.2f ms, max %.2f ms (%d deliveries; quantiles at most 1/16 high)"
          % (med, p99, mx, ndel))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        a = sys.argv[2:]
        gen(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), int(a[5]), a[6])
    elif sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
