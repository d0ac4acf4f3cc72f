# store/: SQLite state (state.db).  Depends on common/ and SQLite.
noinst_LIBRARIES += store/libfwstore.a
FW_LIBS += store/libfwstore.a
store_libfwstore_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
store_libfwstore_a_SOURCES = store/store.c store/store.h store/store_int.h \
	store/schema.c store/sql.c store/items.c store/messages.c

check_PROGRAMS += tests/store-t
TESTS += tests/store-t
tests_store_t_SOURCES = tests/store-t.c
tests_store_t_LDADD = $(TAP_LIBS) store/libfwstore.a common/libfwcommon.a \
	$(SQLITE_LIBS)

# A schema-2 state file of the previous release, upgraded by feedwatchd.
TESTS += tests/migrate.sh
EXTRA_DIST += tests/migrate.sh tests/fixtures/README \
	tests/fixtures/state-v2.sql tests/fixtures/make-state-v2.sh \
	tests/fixtures/v2-setup.sh
