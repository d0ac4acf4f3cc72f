# cluster/: feedwatch past one machine, on NATS JetStream (issue 21):
# which node owns which feed (owner.c, rendezvous hashing, pure) and the
# connection layer (natsconn: libnats on worker threads, results on the
# loop).  It depends on common/, libevent and libnats only, so the nats
# sink (alerts/) and the cluster node (daemon/cluster.c) can both use it.
noinst_LIBRARIES += cluster/libfwcluster.a
cluster_libfwcluster_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
cluster_libfwcluster_a_SOURCES = \
	cluster/owner.c cluster/owner.h \
	cluster/natsconn.c cluster/natsconn.h \
	cluster/natsconn_sub.c cluster/natsconn_priv.h
