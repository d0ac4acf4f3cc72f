#!/usr/bin/env python3
"""A large config for measuring the loader's memory: 2,000 topics of 100
lines of ten two-word terms (2 million terms, about 37 MB), one watchlist
over all of them.  gen-bigconf.py OUT [STATE-DIR [TOPICS]]: fewer topics
make a smaller config of the same shape (bench/confmem.sh)."""
import random
import sys

random.seed(1)
out = sys.argv[1]
state = sys.argv[2] if len(sys.argv) > 2 else "/tmp/feedwatch-bigconf"
ntopics = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
letters = "abcdefghijklmnopqrstuvwxyz"
words = ["".join(random.choice(letters) for _ in range(random.randint(5, 10)))
         for _ in range(200000)]
with open(out, "w") as f:
    f.write("[daemon]\nstate-dir = %s\n\n" % state)
    for t in range(ntopics):
        f.write("[topic t%d]\n" % t)
        for line in range(100):
            terms = (words[(t * 1000 + line * 10 + k) % len(words)] + " " +
                     words[(t * 7 + line * 13 + k) % len(words)]
                     for k in range(10))
            f.write("term = " + ", ".join(terms) + "\n")
    f.write("[watchlist w]\ntopics = " +
            ", ".join("t%d" % t for t in range(ntopics)) + "\n")
