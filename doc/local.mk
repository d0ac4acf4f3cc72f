# doc/: the man pages, installed by `make install`.
dist_man_MANS = doc/feedwatch.1 doc/feedwatchd.8 doc/feedwatch.conf.5
# The alerts page as README.md shows it (tests/page.sh takes it anew with
# PAGE_SCREENSHOT=doc/alerts-page.png).
EXTRA_DIST += doc/alerts-page.png
