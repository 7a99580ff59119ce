/*
 * The batch engine: worker threads, each with its own capsa_aead, claim
 * groups of chunks from the batches in flight, oldest first, and seal or open
 * them in place in the batch's output buffer. Two batches may be in flight:
 * when the workers finish claiming one they go straight on to the next,
 * without sleeping, while the owner of the stream drains the first one's
 * output and hands over a third. The owner fills or drains meanwhile, so I/O
 * overlaps the crypto; when it then waits for a batch, it runs the chunks of
 * it still unclaimed itself.
 * A batch with a source has no input in memory: each claim first fetches its
 * chunks into the claiming thread's own buffer, where they are still in the
 * cache when the cipher reads them.
 */
#include "stream/internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Chunks a worker claims at once: 128 KiB, so the lock is taken rarely, and
 * what a claim fetches from a source still fits in the core's L2 cache.
 */
#define CLAIM_CHUNKS 8
/* A claim's input, and room to start it at any offset within a cache line (see fetch). */
#define SCRATCH_BYTES ((size_t)CLAIM_CHUNKS * CAPSA_STREAM_CHUNK_CT_BYTES + 64)

struct pool_slot {
	stream_pool *pool;
	capsa_aead *aead;
	uint8_t *scratch; /* SCRATCH_BYTES for fetched input, page-aligned, allocated on first use */
};

struct stream_pool {
	pthread_mutex_t mu;
	pthread_cond_t work;     /* a batch arrived, or quit */
	pthread_cond_t done;     /* the batch in flight finished */
	pthread_t *tid;
	struct pool_slot *slot;  /* one per thread, and one more for the caller (helping, inline runs) */
	unsigned nthreads, started;
	uint8_t base_nonce[CAPSA_AEAD_NONCEBYTES];
	stream_batch *queue[STREAM_POOL_DEPTH]; /* batches with chunks left to claim, oldest first */
	size_t queued;
	size_t unfinished;       /* chunks submitted and not yet completed, over all batches */
	bool quit, locks_ready;
};

unsigned stream_thread_count(unsigned requested)
{
	long n;

	if (requested > 0)
		return requested;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

size_t stream_batch_chunks(unsigned threads)
{
	/* 2 MiB of plaintext per thread, at most 8 MiB: the stream's memory bound. */
	size_t n = (size_t)threads * 128;
	return n > 512 ? 512 : n;
}

/*
 * Where the input of chunks [lo, hi) of |b| is: in memory already, or fetched
 * now from the batch's source into |slot|'s scratch buffer. The copy starts
 * at the same offset within a cache line as the source (a file offset, for a
 * page-cache page): the kernel's copy runs several times slower between
 * addresses that are not so aligned to each other.
 */
static capsa_status fetch(struct pool_slot *slot, const stream_batch *b, size_t lo, size_t hi,
                          const uint8_t **in)
{
	size_t len = (hi - lo - 1) * b->full_len + (hi == b->n ? b->last_len : b->full_len);
	uint64_t off = b->source_off + lo * b->in_stride;
	uint8_t *dst;

	if (b->source == NULL) {
		*in = b->in + lo * b->in_stride;
		return CAPSA_OK;
	}
	if (slot->scratch == NULL && posix_memalign((void **)&slot->scratch, 4096, SCRATCH_BYTES) != 0) {
		slot->scratch = NULL;
		return CAPSA_ERR_NOMEM;
	}
	dst = slot->scratch + off % 64;
	*in = dst;
	return b->source(b->source_arg, dst, len, off);
}

/* Seals or opens chunks [lo, hi) of |b| (hi - lo <= CLAIM_CHUNKS); returns the first failing one or SIZE_MAX. */
static size_t run_range(struct pool_slot *slot, const uint8_t base[CAPSA_AEAD_NONCEBYTES], stream_batch *b,
                        size_t lo, size_t hi, capsa_status *st)
{
	uint8_t nonce[CAPSA_AEAD_NONCEBYTES];
	const uint8_t *in;
	size_t bad = SIZE_MAX;
	capsa_status s = fetch(slot, b, lo, hi, &in);

	if (s != CAPSA_OK) {
		*st = s;
		return bad;
	}
	for (size_t i = lo; i < hi; i++) {
		size_t len = i + 1 == b->n ? b->last_len : b->full_len;
		uint8_t *out = b->out + i * b->out_stride;

		stream_nonce(nonce, base, b->first + i);
		s = b->seal ? capsa_aead_seal(slot->aead, out, nonce, NULL, 0, in, len)
		            : capsa_aead_open(slot->aead, out, nonce, NULL, 0, in, len);
		in += b->in_stride;
		if (s == CAPSA_ERR_AUTH && !b->seal) {
			if (bad == SIZE_MAX)
				bad = i;
		} else if (s != CAPSA_OK) {
			*st = s;
		}
	}
	return bad;
}

static void record(stream_batch *b, size_t bad, capsa_status st)
{
	if (bad < b->bad)
		b->bad = bad;
	if (st != CAPSA_OK && b->st == CAPSA_OK)
		b->st = st;
}

/* With the lock held: |b| (queued, chunks left to claim) loses its first unclaimed ones. */
static void claim(stream_pool *pool, stream_batch *b, size_t *lo, size_t *hi)
{
	*lo = b->next;
	*hi = *lo + CLAIM_CHUNKS > b->n ? b->n : *lo + CLAIM_CHUNKS;
	b->next = *hi;
	if (b->next < b->n)
		return;
	/* Fully claimed: out of the queue (it is the oldest queued, or the caller's own). */
	for (size_t i = 0; i < pool->queued; i++) {
		if (pool->queue[i] == b) {
			memmove(&pool->queue[i], &pool->queue[i + 1], (pool->queued - i - 1) * sizeof pool->queue[0]);
			pool->queued--;
			break;
		}
	}
}

/* With the lock held and chunks of |b| left to claim: claims a group and runs it (unlocked meanwhile). */
static void run_claim(stream_pool *pool, struct pool_slot *slot, stream_batch *b)
{
	capsa_status st = CAPSA_OK;
	size_t lo, hi, bad;

	claim(pool, b, &lo, &hi);
	pthread_mutex_unlock(&pool->mu);
	bad = run_range(slot, pool->base_nonce, b, lo, hi, &st);
	pthread_mutex_lock(&pool->mu);
	record(b, bad, st);
	b->finished += hi - lo;
	pool->unfinished -= hi - lo;
	if (b->finished == b->n)
		pthread_cond_broadcast(&pool->done);
}

static void *worker(void *arg)
{
	struct pool_slot *slot = arg;
	stream_pool *pool = slot->pool;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		while (!pool->quit && pool->queued == 0)
			pthread_cond_wait(&pool->work, &pool->mu);
		if (pool->quit)
			break;
		run_claim(pool, slot, pool->queue[0]);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

capsa_status stream_pool_new(stream_pool **out, unsigned threads, capsa_aead_alg alg, const stream_keys *keys)
{
	stream_pool *pool;
	capsa_status st = CAPSA_ERR_NOMEM;

	*out = NULL;
	if ((pool = calloc(1, sizeof *pool)) == NULL)
		return CAPSA_ERR_NOMEM;
	pool->nthreads = stream_thread_count(threads);
	memcpy(pool->base_nonce, keys->base_nonce, sizeof pool->base_nonce);
	pool->tid = calloc(pool->nthreads, sizeof *pool->tid);
	pool->slot = calloc(pool->nthreads + 1, sizeof *pool->slot);
	if (pool->tid == NULL || pool->slot == NULL)
		goto out;
	for (unsigned i = 0; i <= pool->nthreads; i++) {
		pool->slot[i].pool = pool;
		if ((st = capsa_aead_new(&pool->slot[i].aead, alg, keys->key)) != CAPSA_OK)
			goto out;
	}
	st = CAPSA_ERR_INTERNAL;
	if (pthread_mutex_init(&pool->mu, NULL) != 0)
		goto out;
	if (pthread_cond_init(&pool->work, NULL) != 0 || pthread_cond_init(&pool->done, NULL) != 0) {
		pthread_mutex_destroy(&pool->mu);
		goto out;
	}
	pool->locks_ready = true;
	st = CAPSA_OK;
out:
	if (st != CAPSA_OK)
		stream_pool_free(pool);
	else
		*out = pool;
	return st;
}

unsigned stream_pool_threads(const stream_pool *pool)
{
	return pool->nthreads;
}

/* Starts the workers on first use; a stream that fits in one batch never does. */
static capsa_status pool_start(stream_pool *pool)
{
	while (pool->started < pool->nthreads) {
		if (pthread_create(&pool->tid[pool->started], NULL, worker, &pool->slot[pool->started]) != 0)
			return pool->started > 0 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
		pool->started++;
	}
	return CAPSA_OK;
}

capsa_status stream_pool_submit(stream_pool *pool, stream_batch *b)
{
	capsa_status st = pool_start(pool);

	b->bad = SIZE_MAX;
	b->st = CAPSA_OK;
	b->next = 0;
	b->finished = 0;
	if (st != CAPSA_OK)
		return st;
	pthread_mutex_lock(&pool->mu);
	if (pool->queued == STREAM_POOL_DEPTH) {
		pthread_mutex_unlock(&pool->mu);
		return CAPSA_ERR_INTERNAL; /* the pipeline never has more in flight */
	}
	pool->queue[pool->queued++] = b;
	pool->unfinished += b->n;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->mu);
	return CAPSA_OK;
}

void stream_pool_wait(stream_pool *pool, stream_batch *b)
{
	pthread_mutex_lock(&pool->mu);
	/* Rather than sleep while chunks of |b| are left, the caller runs them too. */
	while (b->next < b->n)
		run_claim(pool, &pool->slot[pool->nthreads], b);
	while (b->finished < b->n)
		pthread_cond_wait(&pool->done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
}

/* Waits until no batch is in flight, helping with what is left. */
static void wait_all(stream_pool *pool)
{
	pthread_mutex_lock(&pool->mu);
	while (pool->unfinished > 0) {
		if (pool->queued > 0)
			run_claim(pool, &pool->slot[pool->nthreads], pool->queue[0]);
		else
			pthread_cond_wait(&pool->done, &pool->mu);
	}
	pthread_mutex_unlock(&pool->mu);
}

capsa_status stream_pool_run(stream_pool *pool, stream_batch *b)
{
	capsa_status st = CAPSA_OK;

	if (pool->started == 0) {
		b->bad = SIZE_MAX;
		for (size_t lo = 0; lo < b->n; lo += CLAIM_CHUNKS) {
			size_t hi = b->n - lo < CLAIM_CHUNKS ? b->n : lo + CLAIM_CHUNKS;
			size_t bad = run_range(&pool->slot[pool->nthreads], pool->base_nonce, b, lo, hi, &st);
			b->bad = b->bad < bad ? b->bad : bad;
		}
		b->st = st;
		return CAPSA_OK;
	}
	if ((st = stream_pool_submit(pool, b)) != CAPSA_OK)
		return st;
	stream_pool_wait(pool, b);
	return CAPSA_OK;
}

void stream_pool_free(stream_pool *pool)
{
	if (pool == NULL)
		return;
	if (pool->locks_ready) {
		wait_all(pool);
		pthread_mutex_lock(&pool->mu);
		pool->quit = true;
		pthread_cond_broadcast(&pool->work);
		pthread_mutex_unlock(&pool->mu);
		for (unsigned i = 0; i < pool->started; i++)
			pthread_join(pool->tid[i], NULL);
		pthread_cond_destroy(&pool->work);
		pthread_cond_destroy(&pool->done);
		pthread_mutex_destroy(&pool->mu);
	}
	for (unsigned i = 0; pool->slot != NULL && i <= pool->nthreads; i++) {
		capsa_aead_free(pool->slot[i].aead); /* cleanses the key schedules */
		if (pool->slot[i].scratch != NULL) /* plaintext, when sealing */
			capsa_wipe(pool->slot[i].scratch, SCRATCH_BYTES);
		free(pool->slot[i].scratch);
	}
	capsa_wipe(pool->base_nonce, sizeof pool->base_nonce);
	free(pool->slot);
	free(pool->tid);
	free(pool);
}
