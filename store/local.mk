# store/: SQLite state (state.db).  Depends on common/ and SQLite.
noinst_LIBRARIES += store/libfwstore.a
store_libfwstore_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS)
store_libfwstore_a_SOURCES = store/store.c store/store.h store/store_int.h \
	store/schema.c store/sql.c store/items.c store/messages.c \
	store/checkpoint.c store/replay.c store/silences.c \
	store/articles.c store/walvfs.c
