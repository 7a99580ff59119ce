/*
 * tests/test_grant_cache.c - the proxy's cache of parsed kfrags
 * (src/daemon/grant_cache.c): what goes in comes out, a drop wipes it, an
 * insert begun before a drop is refused, ids that share a slot evict each
 * other, and bad sizes are refused.
 */
/* capsa-test: net */
#include "check.h"

#include <string.h>

#include "daemon/grant_cache.h"

static grant_cache_entry entry(uint8_t tag)
{
	grant_cache_entry e;

	memset(&e, 0, sizeof e);
	memset(e.id, tag, sizeof e.id);
	memset(e.content_id, tag ^ 0xff, sizeof e.content_id);
	memset(e.recipient_party, 'a' + tag % 26, CAPSA_PARTY_ID_HEXLEN);
	e.not_after = tag;
	memset(e.kf.kfrag.rk, tag, sizeof e.kf.kfrag.rk);
	return e;
}

static void test_put_get_drop(void)
{
	grant_cache *c = grant_cache_new(16);
	grant_cache_entry a = entry(1), b = entry(2), out;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK(!grant_cache_get(c, a.id, &out));
	grant_cache_put(c, grant_cache_epoch(c), &a);
	grant_cache_put(c, grant_cache_epoch(c), &b);
	CHECK(grant_cache_get(c, a.id, &out) && memcmp(&out, &a, sizeof a) == 0);
	CHECK(grant_cache_get(c, b.id, &out) && memcmp(&out, &b, sizeof b) == 0);

	grant_cache_drop(c, a.id);
	CHECK(!grant_cache_get(c, a.id, &out));
	CHECK(grant_cache_get(c, b.id, &out)); /* a drop forgets only its grant */
	grant_cache_free(c);
}

/* A reader that read the store before a revocation must not cache what it read after it. */
static void test_drop_refuses_earlier_puts(void)
{
	grant_cache *c = grant_cache_new(16);
	grant_cache_entry a = entry(3), b = entry(4), out;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	uint64_t before = grant_cache_epoch(c);
	grant_cache_drop(c, a.id);
	grant_cache_put(c, before, &a);
	CHECK(!grant_cache_get(c, a.id, &out));
	grant_cache_put(c, before, &b); /* any drop: the cache does not know which grants a reader read */
	CHECK(!grant_cache_get(c, b.id, &out));
	grant_cache_put(c, grant_cache_epoch(c), &a);
	CHECK(grant_cache_get(c, a.id, &out));
	grant_cache_free(c);
}

static void test_slots(void)
{
	grant_cache *c = grant_cache_new(1);
	grant_cache_entry a = entry(5), b = entry(6), out;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	grant_cache_put(c, grant_cache_epoch(c), &a);
	grant_cache_put(c, grant_cache_epoch(c), &b);
	CHECK(!grant_cache_get(c, a.id, &out)); /* one slot: b took it */
	CHECK(grant_cache_get(c, b.id, &out) && memcmp(&out, &b, sizeof b) == 0);
	grant_cache_drop(c, a.id); /* not cached: nothing to wipe */
	CHECK(grant_cache_get(c, b.id, &out));
	grant_cache_free(c);

	CHECK(grant_cache_new(0) == NULL);
	CHECK(grant_cache_new(12) == NULL);
	grant_cache_free(NULL);
}

int main(void)
{
	test_put_get_drop();
	test_drop_refuses_earlier_puts();
	test_slots();
	return check_summary();
}
