/* The double-buffered pipeline shared by the encryptor and the decryptor. */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

capsa_status stream_pipe_init(stream_pipe *p, bool seal, const capsa_stream_params *params,
                              const stream_keys *keys, capsa_stream_sink sink, void *sink_arg)
{
	capsa_status st;
	size_t bytes;

	memset(p, 0, sizeof *p);
	p->seal = seal;
	p->sink = sink;
	p->sink_arg = sink_arg;
	p->in_stride = seal ? CAPSA_STREAM_CHUNK_BYTES : CAPSA_STREAM_CHUNK_CT_BYTES;
	p->out_stride = seal ? CAPSA_STREAM_CHUNK_CT_BYTES : CAPSA_STREAM_CHUNK_BYTES;
	if ((st = stream_pool_new(&p->pool, params->threads, params->alg, keys)) != CAPSA_OK)
		return st;
	p->batch_chunks = stream_batch_chunks(stream_pool_threads(p->pool));
	bytes = p->batch_chunks * CAPSA_STREAM_CHUNK_CT_BYTES;
	for (int i = 0; i < 2; i++) {
		p->slot[i].in = malloc(bytes);
		p->slot[i].out = malloc(bytes);
		if (p->slot[i].in == NULL || p->slot[i].out == NULL)
			return CAPSA_ERR_NOMEM;
	}
	return CAPSA_OK;
}

capsa_status stream_pipe_fail(stream_pipe *p, capsa_status st)
{
	if (p->failed == CAPSA_OK)
		p->failed = st;
	return p->failed;
}

uint8_t *stream_pipe_room(stream_pipe *p, size_t *len)
{
	stream_slot *s = &p->slot[p->cur];

	*len = p->batch_chunks * p->in_stride - s->fill;
	return s->in + s->fill;
}

size_t stream_pipe_pending(const stream_pipe *p)
{
	return p->slot[p->cur].fill;
}

static capsa_status emit(stream_pipe *p, const uint8_t *data, size_t len)
{
	capsa_status st;

	if (p->prefix_pending) {
		p->prefix_pending = false;
		if ((st = p->sink(p->sink_arg, p->prefix, sizeof p->prefix)) != CAPSA_OK)
			return stream_pipe_fail(p, st);
	}
	if (len > 0 && (st = p->sink(p->sink_arg, data, len)) != CAPSA_OK)
		return stream_pipe_fail(p, st);
	return CAPSA_OK;
}

/* Hands a finished slot's output to the sink: all of it, or what precedes a bad chunk. */
static capsa_status drain(stream_pipe *p, stream_slot *s)
{
	stream_batch *b = &s->batch;
	size_t n = b->n, last_out;
	capsa_status st;

	b->n = 0;
	if (n == 0)
		return CAPSA_OK;
	if (b->st != CAPSA_OK)
		return stream_pipe_fail(p, b->st);
	if (b->bad != SIZE_MAX) {
		/* Chunks before the bad one verified; nothing of it or after it leaves. */
		p->bad_chunk = b->first + b->bad;
		if ((st = emit(p, b->out, b->bad * p->out_stride)) != CAPSA_OK)
			return st;
		return stream_pipe_fail(p, CAPSA_ERR_CHUNK_AUTH);
	}
	last_out = p->seal ? b->last_len + CAPSA_AEAD_TAGBYTES : b->last_len - CAPSA_AEAD_TAGBYTES;
	return emit(p, b->out, (n - 1) * p->out_stride + last_out);
}

static void setup(stream_pipe *p, stream_slot *s, size_t n, size_t last_len)
{
	stream_batch *b = &s->batch;

	b->in = s->in;
	b->out = s->out;
	b->in_stride = p->in_stride;
	b->out_stride = p->out_stride;
	b->n = n;
	b->full_len = p->in_stride;
	b->last_len = last_len;
	b->first = p->next_index;
	b->seal = p->seal;
	p->next_index += n;
	if (s->fill > s->in_used)
		s->in_used = s->fill;
	if (n * p->out_stride > s->out_used)
		s->out_used = n * p->out_stride;
}

/* Waits for the other slot if it is in flight; its output stays to be drained. */
static void settle(stream_pipe *p, stream_slot *s)
{
	if (s->in_flight) {
		stream_pool_wait(p->pool);
		s->in_flight = false;
	}
}

static bool batch_failed(const stream_batch *b)
{
	return b->n > 0 && (b->st != CAPSA_OK || b->bad != SIZE_MAX);
}

/* The slot being filled is full: send it to the pool, drain the other, swap. */
static capsa_status rotate(stream_pipe *p)
{
	stream_slot *cur = &p->slot[p->cur], *prev = &p->slot[p->cur ^ 1];
	capsa_status st;

	settle(p, prev);
	if (batch_failed(&prev->batch))
		return drain(p, prev);
	setup(p, cur, p->batch_chunks, p->in_stride);
	if ((st = stream_pool_submit(p->pool, &cur->batch)) != CAPSA_OK)
		return stream_pipe_fail(p, st);
	cur->in_flight = true;
	if ((st = drain(p, prev)) != CAPSA_OK)
		return st;
	p->cur ^= 1;
	p->slot[p->cur].fill = 0;
	return CAPSA_OK;
}

capsa_status stream_pipe_advance(stream_pipe *p, size_t n)
{
	stream_slot *s = &p->slot[p->cur];

	s->fill += n;
	if (s->fill > s->in_used)
		s->in_used = s->fill;
	if (s->fill < p->batch_chunks * p->in_stride)
		return CAPSA_OK;
	return rotate(p);
}

capsa_status stream_pipe_finish(stream_pipe *p)
{
	stream_slot *cur = &p->slot[p->cur], *prev = &p->slot[p->cur ^ 1];
	size_t full = cur->fill / p->in_stride;
	capsa_status st;

	settle(p, prev);
	if ((st = drain(p, prev)) != CAPSA_OK)
		return st;
	setup(p, cur, full + 1, cur->fill % p->in_stride);
	cur->fill = 0;
	if ((st = stream_pool_run(p->pool, &cur->batch)) != CAPSA_OK)
		return stream_pipe_fail(p, st);
	return drain(p, cur);
}

void stream_pipe_cleanup(stream_pipe *p)
{
	stream_pool_free(p->pool); /* waits for any batch in flight first */
	for (int i = 0; i < 2; i++) {
		/* Plaintext passes through both sides at some point: wipe them. */
		if (p->slot[i].in != NULL)
			capsa_wipe(p->slot[i].in, p->slot[i].in_used);
		if (p->slot[i].out != NULL)
			capsa_wipe(p->slot[i].out, p->slot[i].out_used);
		free(p->slot[i].in);
		free(p->slot[i].out);
	}
	memset(p, 0, sizeof *p);
}
