# common/conf*: the config loader (issue 4) appends its sources here:
#	common_libfwcommon_a_SOURCES += common/conf.c common/conf.h
