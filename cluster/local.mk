# cluster/: what a node of a feedwatch cluster adds: which node owns which
# feed (owner.c, pure), and the node's part in the cluster over NATS
# JetStream.  Depends on common/.
noinst_LIBRARIES += cluster/libfwcluster.a
cluster_libfwcluster_a_CFLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
cluster_libfwcluster_a_SOURCES = \
	cluster/owner.c cluster/owner.h
