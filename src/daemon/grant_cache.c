/*
 * The grant cache (grant_cache.h): direct-mapped by the grant id, which its
 * owner draws at random (ids chosen to collide cost only cache misses),
 * under one mutex; the slots are locked in memory and left out of core
 * dumps, as they hold kfrags.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <capsa/util.h>

#include "daemon/grant_cache.h"

struct slot {
	bool used;
	grant_cache_entry e;
};

struct grant_cache {
	pthread_mutex_t mu;
	uint64_t epoch;
	size_t mask;
	size_t bytes;
	struct slot *slots;
};

grant_cache *grant_cache_new(size_t slots)
{
	grant_cache *c = calloc(1, sizeof *c);

	if (c == NULL || slots == 0 || (slots & (slots - 1)) != 0) {
		free(c);
		return NULL;
	}
	c->bytes = slots * sizeof *c->slots;
	c->slots = mmap(NULL, c->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->slots == MAP_FAILED) {
		free(c);
		return NULL;
	}
	(void)mlock(c->slots, c->bytes); /* best effort: a low RLIMIT_MEMLOCK leaves it swappable */
#ifdef MADV_DONTDUMP
	(void)madvise(c->slots, c->bytes, MADV_DONTDUMP);
#endif
	c->mask = slots - 1;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void grant_cache_free(grant_cache *c)
{
	if (c == NULL)
		return;
	capsa_wipe(c->slots, c->bytes);
	munmap(c->slots, c->bytes);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static struct slot *slot_of(grant_cache *c, const uint8_t id[CAPSA_GRANT_ID_BYTES])
{
	size_t h;

	memcpy(&h, id, sizeof h);
	return &c->slots[h & c->mask];
}

bool grant_cache_get(grant_cache *c, const uint8_t id[CAPSA_GRANT_ID_BYTES], grant_cache_entry *out)
{
	pthread_mutex_lock(&c->mu);
	struct slot *s = slot_of(c, id);
	bool hit = s->used && memcmp(s->e.id, id, CAPSA_GRANT_ID_BYTES) == 0;
	if (hit)
		*out = s->e;
	pthread_mutex_unlock(&c->mu);
	return hit;
}

uint64_t grant_cache_epoch(grant_cache *c)
{
	pthread_mutex_lock(&c->mu);
	uint64_t e = c->epoch;
	pthread_mutex_unlock(&c->mu);
	return e;
}

void grant_cache_put(grant_cache *c, uint64_t epoch, const grant_cache_entry *e)
{
	pthread_mutex_lock(&c->mu);
	if (epoch == c->epoch) {
		struct slot *s = slot_of(c, e->id);
		s->e = *e;
		s->used = true;
	}
	pthread_mutex_unlock(&c->mu);
}

void grant_cache_drop(grant_cache *c, const uint8_t id[CAPSA_GRANT_ID_BYTES])
{
	pthread_mutex_lock(&c->mu);
	struct slot *s = slot_of(c, id);
	if (s->used && memcmp(s->e.id, id, CAPSA_GRANT_ID_BYTES) == 0)
		capsa_wipe(s, sizeof *s);
	c->epoch++;
	pthread_mutex_unlock(&c->mu);
}
