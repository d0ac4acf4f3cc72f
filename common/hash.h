/*
 * Stable, non-cryptographic hashing for identifiers that must be the same
 * across runs and machines (item ids without guid or link, story keys, alert
 * ids).  FNV-1a over 64 bits: tiny, fast, and defined by its constants, so
 * the ids stored in state.db never change with a library upgrade.
 */
#ifndef FW_COMMON_HASH_H
#define FW_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH64_INIT 0xcbf29ce484222325ULL

/* Continue a hash over more bytes; start from HASH64_INIT. */
uint64_t hash64_update(uint64_t h, const void *p, size_t len);
uint64_t hash64(const void *p, size_t len);
/* Sixteen lower-case hex digits and a NUL. */
void hash64_hex(uint64_t h, char out[17]);

/*
 * A fast hash of a whole response body, fed in pieces as it streams, to
 * tell "the same bytes as last time" (fetch.c).  Four independent 64-bit
 * multiply-rotate lanes over 32-byte blocks (the structure of xxHash64),
 * about ten times faster than FNV-1a per byte.  Words are read in the
 * machine's byte order: digests are compared in memory, never stored.
 */
struct hash_stream {
	uint64_t lane[4];
	uint64_t len;
	unsigned char tail[32];
	size_t ntail;
};

void hash_stream_init(struct hash_stream *hs);
void hash_stream_update(struct hash_stream *hs, const void *p, size_t len);
/* The digest of everything fed; never 0 (0 means "none" to callers). */
uint64_t hash_stream_final(const struct hash_stream *hs);

#endif
