# feeds/ parsing (issue 3): declares feeds/libfwparse.a, FW_LIBS += it.
