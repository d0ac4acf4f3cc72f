# feeds/ fetching and scheduling (issue 5): declares feeds/libfwfetch.a,
# FW_LIBS += it.
