/*
 * daemon/grant_cache.h - the parsed kfrags of active grants, in locked memory,
 * so that a re-encryption neither reads its grant from the store nor decodes
 * the kfrag's points again.
 *
 * The cache only speeds up the handlers' checks: the log's writer re-checks
 * every op against the store before it commits, so a stale entry can cost
 * wasted work, never a wrong answer. Only grants that can change in just one
 * way are cached: active ones without a use limit, which change only by
 * revocation. grant_cache_drop wipes a revoked grant's entry, and an insert
 * that raced with a drop is refused (the epoch), so that a revoked kfrag does
 * not linger in memory.
 */
#ifndef CAPSA_DAEMON_GRANT_CACHE_H
#define CAPSA_DAEMON_GRANT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include <capsa/grant.h>
#include <capsa/proxy.h>

/* What a re-encryption needs of a grant that can only be revoked. */
typedef struct grant_cache_entry {
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	char recipient_party[CAPSA_PARTY_ID_HEXLEN + 1];
	uint64_t not_after;
	capsa_kfrag_file kf;
} grant_cache_entry;

typedef struct grant_cache grant_cache;

/* A cache of |slots| entries (a power of two); NULL when out of memory. */
grant_cache *grant_cache_new(size_t slots);
/* Wipes every entry and frees the cache. */
void grant_cache_free(grant_cache *c);

/* Copies the entry of grant |id| into |out|; false when it is not cached. */
bool grant_cache_get(grant_cache *c, const uint8_t id[CAPSA_GRANT_ID_BYTES], grant_cache_entry *out);
/* The epoch to read before reading a grant from the store, for grant_cache_put. */
uint64_t grant_cache_epoch(grant_cache *c);
/* Caches |e| unless a drop happened since |epoch| was read. */
void grant_cache_put(grant_cache *c, uint64_t epoch, const grant_cache_entry *e);
/* Wipes the entry of grant |id|, if any, and refuses inserts begun before. */
void grant_cache_drop(grant_cache *c, const uint8_t id[CAPSA_GRANT_ID_BYTES]);

#endif
