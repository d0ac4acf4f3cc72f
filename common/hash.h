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

#endif
