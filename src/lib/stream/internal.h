/*
 * stream/internal.h - what the stream encryptor, decryptor and random-access
 * reader share: the C2SP key schedule, per-chunk nonces, and the batch
 * engine that seals or opens runs of chunks on a thread pool.
 */
#ifndef CAPSA_STREAM_INTERNAL_H
#define CAPSA_STREAM_INTERNAL_H


#include "stream/stream.h"

/* ---- Key schedule (derive.c) ------------------------------------------- */

typedef struct stream_keys {
	uint8_t key[CAPSA_AEAD_KEYBYTES];
	uint8_t base_nonce[CAPSA_AEAD_NONCEBYTES];
	uint8_t commitment[CAPSA_STREAM_COMMIT_BYTES];
} stream_keys;

/*
 * stream_derive runs HKDF-Expand(SHA-256) with the input key as PRK and info
 * "c2sp.org/chunked-encryption@v1+" || AEAD name || 0x00 || salt || context.
 * Returns CAPSA_ERR_ARG for a key that is not 32 bytes, CAPSA_ERR_UNSUPPORTED
 * for an unknown AEAD. |out| is wiped on failure.
 */
capsa_status stream_derive(stream_keys *out, const capsa_stream_params *p,
                           const uint8_t salt[CAPSA_STREAM_SALT_BYTES]) CAPSA_MUST_CHECK;

/* stream_nonce writes base nonce XOR be96(index). */
void stream_nonce(uint8_t nonce[CAPSA_AEAD_NONCEBYTES], const uint8_t base[CAPSA_AEAD_NONCEBYTES],
                  uint64_t index);

/* ---- Batches and the pool (pool.c) -------------------------------------- */

/*
 * A batch is |n| consecutive chunks starting at stream index |first|, laid
 * out at fixed strides in |in| and |out|. Every chunk but the batch's last
 * holds |full_len| input bytes; the last holds |last_len| (the stream's final
 * chunk when the batch ends the stream, else full_len). With a |source|, the
 * input is not in memory: chunk i is at offset source_off + i * in_stride of
 * the source, and each worker fetches the chunks it claims into its own buffer.
 */
typedef struct stream_batch {
	const uint8_t *in;
	capsa_stream_source source;
	void *source_arg;
	uint64_t source_off;
	uint8_t *out;
	size_t in_stride, out_stride;
	size_t n;
	size_t full_len, last_len;
	uint64_t first;
	bool seal;
	/* results, valid after stream_pool_wait */
	size_t bad;       /* lowest chunk (batch-relative) that failed to open, or SIZE_MAX */
	capsa_status st;  /* CAPSA_OK, or an internal failure */
	/* the pool's, under its lock */
	size_t next, finished; /* chunks claimed / completed */
} stream_batch;

/* Batches a pool holds in flight at most: one per pipeline slot. */
#define STREAM_POOL_DEPTH 2

typedef struct stream_pool stream_pool;

/*
 * stream_pool_new makes one capsa_aead per thread under |keys| but starts no
 * thread yet: small streams run inline and never pay for threads.
 */
capsa_status stream_pool_new(stream_pool **out, unsigned threads, capsa_aead_alg alg,
                             const stream_keys *keys) CAPSA_MUST_CHECK;
/* Number of threads the pool runs (or would run). */
unsigned stream_pool_threads(const stream_pool *pool);
/*
 * stream_pool_submit hands |b| to the workers and returns at once (starting
 * them on first use). At most STREAM_POOL_DEPTH batches are in flight, run
 * in the order submitted; |b| must stay alive until stream_pool_wait on it.
 */
capsa_status stream_pool_submit(stream_pool *pool, stream_batch *b) CAPSA_MUST_CHECK;
/* stream_pool_wait blocks until |b|, submitted, is done, running its unclaimed chunks meanwhile. */
void stream_pool_wait(stream_pool *pool, stream_batch *b);
/* stream_pool_run runs |b| to completion: inline if no thread ever started. */
capsa_status stream_pool_run(stream_pool *pool, stream_batch *b) CAPSA_MUST_CHECK;
/* Waits for work in flight, stops the threads, wipes the keys. NULL-safe. */
void stream_pool_free(stream_pool *pool);

/* Chunks per batch for |threads| workers: the memory bound of a stream. */
size_t stream_batch_chunks(unsigned threads);

/* Online CPUs, or |requested| if non-zero; at least 1. */
unsigned stream_thread_count(unsigned requested);

/* ---- The double-buffered pipeline (pipe.c) ----------------------------- */

/*
 * Two slots alternate: the owner fills one with input while the pool works on
 * the other; when the filled one is full it goes to the pool and the other's
 * output goes to the sink. Memory is two slots of one batch each, whatever
 * the stream's length; slots start small and grow, so short streams stay cheap.
 */
typedef struct stream_slot {
	uint8_t *in, *out;
	size_t in_cap, out_cap;   /* bytes allocated: grown on demand up to one batch */
	size_t fill;          /* input bytes in |in| */
	stream_batch batch;   /* batch.n > 0: output not yet drained */
	bool in_flight;
} stream_slot;

typedef struct stream_pipe {
	stream_pool *pool;
	stream_slot slot[2];
	int cur;                     /* the slot being filled */
	size_t batch_chunks;
	size_t in_stride, out_stride; /* per chunk: 16384 and 16400, or the reverse */
	bool seal;
	uint64_t next_index;         /* stream index of the next chunk to batch */
	capsa_stream_sink sink;
	void *sink_arg;
	uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES];
	bool prefix_pending;         /* sealing: emit |prefix| before the first chunk */
	capsa_status failed;         /* sticky: the first failure */
	uint64_t bad_chunk;
} stream_pipe;

capsa_status stream_pipe_init(stream_pipe *p, bool seal, const capsa_stream_params *params,
                              const stream_keys *keys, capsa_stream_sink sink, void *sink_arg) CAPSA_MUST_CHECK;
/* Room left in the slot being filled: a pointer and its length (never 0). */
capsa_status stream_pipe_room(stream_pipe *p, uint8_t **room, size_t *len) CAPSA_MUST_CHECK;
/* Accounts |n| bytes written into the room; sends the slot off when full. */
capsa_status stream_pipe_advance(stream_pipe *p, size_t n) CAPSA_MUST_CHECK;
/* Input bytes buffered and not yet sent to the pool. */
size_t stream_pipe_pending(const stream_pipe *p);
/*
 * Seals or opens whole chunks straight from the caller's |in|, with no copy,
 * while nothing is buffered: full batches, then what whole chunks remain as
 * one shorter batch; sets |*used| to the bytes taken (whole chunks).
 * Returns only once no batch reads |in| any more.
 */
capsa_status stream_pipe_direct(stream_pipe *p, const uint8_t *in, size_t len, size_t *used) CAPSA_MUST_CHECK;
/* Input bytes of one batch: writes at least this long can go through stream_pipe_direct. */
size_t stream_pipe_batch_bytes(const stream_pipe *p);
/*
 * Feeds |len| input bytes: short writes are copied into the slot; of a long
 * write (a batch or more) the whole chunks are sealed or opened in place
 * (stream_pipe_direct) and only a partial chunk at either end is copied.
 * Returns only once no batch reads |in| any more.
 */
capsa_status stream_pipe_write(stream_pipe *p, const uint8_t *in, size_t len) CAPSA_MUST_CHECK;
/*
 * Feeds the |len| input bytes at [off, off + len) of |src|: of a long read (a
 * batch or more) whole chunks go to the workers, who fetch them themselves;
 * a short read, a chunk begun in the slot, or a partial one at the end is
 * fetched into the slot by the caller.
 * Returns only once no batch reads |src| any more.
 */
capsa_status stream_pipe_write_from(stream_pipe *p, capsa_stream_source src, void *arg, uint64_t off,
                                    uint64_t len) CAPSA_MUST_CHECK;
/* Runs what is buffered, its last chunk being the final one, and drains everything. */
capsa_status stream_pipe_finish(stream_pipe *p) CAPSA_MUST_CHECK;
/* Records a failure (the first one sticks) and returns it. */
capsa_status stream_pipe_fail(stream_pipe *p, capsa_status st);
void stream_pipe_cleanup(stream_pipe *p);

#endif
