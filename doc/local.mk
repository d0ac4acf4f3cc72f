# doc/: the man pages, installed by `make install`.
dist_man_MANS = doc/feedwatch.1 doc/feedwatchd.8 doc/feedwatch.conf.5
