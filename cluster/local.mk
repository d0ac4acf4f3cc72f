# cluster/: what a node of a feedwatch cluster adds: which node owns which
# feed (owner.c, pure), and the node's part in the cluster over NATS
# JetStream: the connection layer (natsconn*.c: libnats on worker
# threads, every result a callback on the loop), which the nats sink in
# alerts/ uses too.  Depends on conf/, common/, libevent and libnats.
noinst_LIBRARIES += cluster/libfwcluster.a
cluster_libfwcluster_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
cluster_libfwcluster_a_SOURCES = \
	cluster/owner.c cluster/owner.h \
	cluster/natsconn.c cluster/natsconn.h cluster/natsconn_sub.c \
	cluster/natsconn_priv.h
