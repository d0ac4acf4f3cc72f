# cluster/: feedwatch past one machine, on NATS JetStream (issue 21).
# libfwnats.a is the connection layer (natsconn: libnats on worker
# threads, results on the loop), low in the link order so the nats sink
# (alerts/) and the cluster modules can use it; it depends on common/,
# libevent and libnats.  libfwcluster.a holds the cluster modules
# (membership, ownership, shared state, alert delivery), which use
# alerts/, store/ and conf/.
noinst_LIBRARIES += cluster/libfwnats.a
cluster_libfwnats_a_CFLAGS = $(AM_CFLAGS) $(LIBEVENT_CFLAGS) $(LIBNATS_CFLAGS)
cluster_libfwnats_a_SOURCES = cluster/natsconn.c cluster/natsconn.h \
	cluster/natsconn_sub.c cluster/natsconn_priv.h
