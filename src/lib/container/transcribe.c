/*
 * Transcription (capsa_transcribe): a copy of a signed file for one
 * recipient, under a fresh CEK, signed by its maker and carrying the
 * original's provenance (doc/FORMAT.md, "Copies"), in bounded memory: two
 * blocks of plaintext. Each block is decrypted and verified by several
 * threads at once (the reader takes concurrent reads) while the block before
 * it is encrypted by the seal's own workers.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/util.h>

#define BLOCK (8u << 20) /* 512 chunks */
#define MAX_THREADS 64

struct slice {
	capsa_reader *r;
	uint8_t *out;
	uint64_t offset;
	size_t len;
	capsa_status st;
};

static void *read_slice(void *arg)
{
	struct slice *s = arg;

	s->st = capsa_reader_read(s->r, s->out, s->offset, s->len, NULL);
	return NULL;
}

/* Reads |len| bytes at |offset| into |buf| with |n| threads; the first failure wins. */
static capsa_status read_block(capsa_reader *r, uint8_t *buf, uint64_t offset, size_t len, unsigned n)
{
	struct slice s[MAX_THREADS];
	pthread_t t[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	size_t per = (len + n - 1) / n;
	capsa_status st = CAPSA_OK;

	per = (per + CAPSA_CHUNK_BYTES - 1) / CAPSA_CHUNK_BYTES * CAPSA_CHUNK_BYTES; /* whole chunks per thread */
	for (unsigned i = 0; i < n && (size_t)i * per < len; i++) {
		size_t at = (size_t)i * per;
		s[i] = (struct slice){r, buf + at, offset + at, len - at < per ? len - at : per, CAPSA_OK};
		started[i] = i > 0 && pthread_create(&t[i], NULL, read_slice, &s[i]) == 0;
		if (!started[i])
			read_slice(&s[i]);
	}
	for (unsigned i = 0; i < n && (size_t)i * per < len; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		if (st == CAPSA_OK)
			st = s[i].st;
	}
	return st;
}

/* A block read in the background while the one before is sealed. */
struct ahead {
	capsa_reader *r;
	uint8_t *buf;
	uint64_t offset;
	size_t len;
	unsigned threads;
	capsa_status st;
};

static void *read_ahead(void *arg)
{
	struct ahead *a = arg;

	a->st = read_block(a->r, a->buf, a->offset, a->len, a->threads);
	return NULL;
}

/* Seals the plaintext of |r|, reading block i + 1 while block i is sealed. */
static capsa_status pump(capsa_reader *r, capsa_seal *s, uint8_t *bufs[2], unsigned n)
{
	uint64_t size = capsa_reader_size(r), at = 0;
	struct ahead a = {r, bufs[0], 0, size < BLOCK ? (size_t)size : BLOCK, n, CAPSA_OK};
	capsa_status st = read_block(r, a.buf, 0, a.len, n);

	for (int cur = 0; st == CAPSA_OK && a.len > 0; cur ^= 1) {
		size_t len = a.len;
		pthread_t t;
		bool started = false;
		at += len;
		a.buf = bufs[cur ^ 1], a.offset = at, a.len = size - at < BLOCK ? (size_t)(size - at) : BLOCK;
		if (a.len > 0 && !(started = pthread_create(&t, NULL, read_ahead, &a) == 0))
			read_ahead(&a);
		st = capsa_seal_write(s, bufs[cur], len);
		if (started)
			pthread_join(t, NULL);
		if (st == CAPSA_OK && a.len > 0)
			st = a.st;
	}
	return st;
}

capsa_status capsa_transcribe(capsa_reader *r, const capsa_transcribe_opts *o, capsa_sink sink, void *sink_arg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = o->threads ? o->threads : cpus > 0 ? (unsigned)cpus : 1;
	capsa_origin origin;
	capsa_seal *s = NULL;
	uint8_t *bufs[2] = {NULL, NULL};
	capsa_status st;

	if (r == NULL || o->recipient == NULL || o->signer == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_reader_origin(r, &origin)) != CAPSA_OK)
		return st; /* not a signed v2 file: nothing to carry */
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	capsa_seal_opts so = {.suite = capsa_reader_header(r)->suite, .threads = n, .plaintext_len = capsa_reader_size(r),
	                      .recipients = o->recipient, .num_recipients = 1, .signer = o->signer, .origin = &origin};
	if ((bufs[0] = malloc(BLOCK)) == NULL || (bufs[1] = malloc(BLOCK)) == NULL)
		st = CAPSA_ERR_NOMEM;
	else if ((st = capsa_seal_new(&s, &so, sink, sink_arg)) == CAPSA_OK && (st = pump(r, s, bufs, n)) == CAPSA_OK)
		st = capsa_seal_finish(s);
	capsa_seal_free(s);
	for (int i = 0; i < 2; i++) {
		if (bufs[i] != NULL)
			capsa_wipe(bufs[i], BLOCK);
		free(bufs[i]);
	}
	capsa_origin_wipe(&origin);
	return st;
}
