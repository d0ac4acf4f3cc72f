#!/bin/sh
# feedwatch opml on a reader's real-shaped export (tests/fixtures/
# reader-300.opml: 300 outlines in nested folders, repeated URLs, missing
# titles, entities escaped twice, other scripts): import prints one [feed]
# per distinct URL with unique valid names, decoded titles and the folders
# and categories as tags, in a form `feedwatch check` loads; export of that
# config imports back to the same sections.
. "${top_srcdir:-.}/tests/lib.sh"

T=$TEST_TMP
opml=$top_srcdir/tests/fixtures/reader-300.opml
"$FEEDWATCH" opml import "$opml" >"$T/feeds.conf" 2>"$T/err"
ok $? "import exits 0"
"$FEEDWATCH" opml import "$opml" >"$T/again.conf" 2>&1
is "$(cmp -s "$T/feeds.conf" "$T/again.conf"; echo $?)" 0 "import is stable: the same names every time"

# What the file holds, read by Python's own XML parser: each distinct URL
# in document order, its title (entities decoded once more, blanks
# collapsed) and its folders and categories.
python3 - "$opml" "$T/feeds.conf" >"$T/checks" <<'PY'
import html, re, sys
import xml.etree.ElementTree as ET

def slug(s):
    s = re.sub(r"[^a-z0-9]+", "-", s.lower().encode("ascii", "replace").decode().replace("?", "-"))
    return s.strip("-")[:60].strip("-")

def clean(s):
    if s is None:
        return None
    s = " ".join(html.unescape(s).replace("\xa0", " ").split())
    return s or None

want = []
seen = set()
def walk(el, folders):
    for o in el.findall("outline"):
        url = o.get("xmlUrl")
        if url:
            if url in seen:
                continue
            seen.add(url)
            title = clean(o.get("title") or o.get("text"))
            tags = []
            for t in [slug(clean(f) or "") for f in folders] + [
                    slug(clean(c) or "") for c in re.split("[,/]", o.get("category") or "")]:
                if t and t not in tags:
                    tags.append(t)
            want.append((url, title, tags))
        else:
            walk(o, folders + [o.get("text") or o.get("title")])
walk(ET.parse(sys.argv[1]).getroot().find("body"), [])

got = []
for sect in open(sys.argv[2], encoding="utf-8").read().split("\n[feed ")[1:]:
    lines = sect.strip().split("\n")
    kv = dict(l.split(" = ", 1) for l in lines[1:])
    title = kv.get("title")
    if title is not None:
        title = title[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    tags = kv["tags"].split(", ") if "tags" in kv else []
    got.append((lines[0].rstrip("]"), kv["url"], title, tags))

names = [g[0] for g in got]
ok = lambda c, m: print(("0 " if c else "1 ") + m)
print("0 the file has %d distinct URLs, import printed %d sections" % (len(want), len(got)))
ok(len(want) >= 280 and len(got) == len(want), "one [feed] per distinct URL")
ok([g[1] for g in got] == [w[0] for w in want], "every URL once, in the file's order")
ok(len(set(names)) == len(names), "no two feeds share a name")
ok(all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", n) and len(n) <= 64 for n in names), "every name is a valid config name")
ok([g[2] for g in got] == [w[1] for w in want], "titles decoded (&amp;amp;, &amp;#39;, &amp;nbsp;) as the reader showed them")
ok([g[3] for g in got] == [w[2] for w in want], "folders and categories become tags")
ok(any(n.startswith("site") and g[2] is None for n, g in zip(names, got)), "a feed without a title is named after its host")
ok(any(g[2] == "Tom's Notes 15" and g[0] == "tom-s-notes-15" for g in got), "a name comes from its title")
PY
while read -r rc what; do ok "$rc" "$what"; done <"$T/checks"
ok "$( [ -s "$T/checks" ]; echo $?)" "the checks ran"

# A config that includes them loads; its export imports back the same.
cat >"$T/fw.conf" <<CONF
[daemon]
state-dir = state
include = feeds.conf
[actor a]
name = nobody
[topic t]
term = nothing
[watchlist w]
actors = a
topics = t
sinks = journal
[sink journal]
type = log
CONF
n=$(grep -c '^\[feed ' "$T/feeds.conf")
like "$("$FEEDWATCH" check -c "$T/fw.conf" 2>&1)" "^feeds: $n\$" \
    "feedwatch check loads all $n imported feeds"
"$FEEDWATCH" opml export -c "$T/fw.conf" >"$T/export.opml"
ok $? "export exits 0"
like "$(head -2 "$T/export.opml")" '<opml version="2.0">' "export writes OPML 2.0"
python3 -c 'import sys, xml.etree.ElementTree as ET; ET.parse(sys.argv[1])' "$T/export.opml"
ok $? "the export is well-formed XML"
"$FEEDWATCH" opml import "$T/export.opml" >"$T/round.conf"
is "$(sed 1d "$T/round.conf")" "$(sed 1d "$T/feeds.conf")" \
    "import of the export: the same feeds, names, titles and tags"

# --tags adds to every feed; bad input is refused with a message.
"$FEEDWATCH" opml import --tags "from-reader, desk" "$opml" >"$T/tagged.conf"
is "$(grep -c '^tags = .*from-reader, desk$' "$T/tagged.conf")" "$n" \
    "--tags adds its tags to every feed"
printf '<opml><body><outline xmlUrl="http://a/"' >"$T/broken.opml"
err=$("$FEEDWATCH" opml import "$T/broken.opml" 2>&1 >/dev/null)
is $? 1 "a broken OPML file exits 1"
like "$err" "broken.opml: line 1: " "... and says where"
"$FEEDWATCH" opml frob >/dev/null 2>&1
is $? 2 "an unknown opml action is a usage error"
done_testing
