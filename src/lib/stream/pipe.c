/* The double-buffered pipeline shared by the encryptor and the decryptor. */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

capsa_status stream_pipe_init(stream_pipe *p, bool seal, const capsa_stream_params *params,
                              const stream_keys *keys, capsa_stream_sink sink, void *sink_arg)
{
	capsa_status st;

	memset(p, 0, sizeof *p);
	p->seal = seal;
	p->sink = sink;
	p->sink_arg = sink_arg;
	p->in_stride = seal ? CAPSA_STREAM_CHUNK_BYTES : CAPSA_STREAM_CHUNK_CT_BYTES;
	p->out_stride = seal ? CAPSA_STREAM_CHUNK_CT_BYTES : CAPSA_STREAM_CHUNK_BYTES;
	if ((st = stream_pool_new(&p->pool, params->threads, params->alg, keys)) != CAPSA_OK)
		return st;
	p->batch_chunks = stream_batch_chunks(stream_pool_threads(p->pool));
	return CAPSA_OK;
}

/*
 * Grows |*buf| to at least |need| bytes (doubling, at most |max|), keeping
 * the first |keep| bytes. Plaintext may be inside, so the old block is wiped
 * rather than realloc'ed. Blocks are page-aligned: read(2) into them then
 * copies from page-aligned page-cache pages to an address with the same
 * alignment, which is several times faster than to malloc's usual 16 bytes
 * past a page (the kernel's copy is slow on mismatched alignments).
 */
static capsa_status grow(uint8_t **buf, size_t *cap, size_t need, size_t keep, size_t max)
{
	size_t n = *cap < 4 * CAPSA_STREAM_CHUNK_CT_BYTES ? 4 * CAPSA_STREAM_CHUNK_CT_BYTES : *cap * 2;
	uint8_t *fresh;

	if (need <= *cap)
		return CAPSA_OK;
	n = n < need ? need : n > max ? max : n;
	if (posix_memalign((void **)&fresh, 4096, n) != 0)
		return CAPSA_ERR_NOMEM;
	if (keep > 0)
		memcpy(fresh, *buf, keep);
	if (*buf != NULL)
		capsa_wipe(*buf, *cap);
	free(*buf);
	*buf = fresh;
	*cap = n;
	return CAPSA_OK;
}

capsa_status stream_pipe_fail(stream_pipe *p, capsa_status st)
{
	if (p->failed == CAPSA_OK)
		p->failed = st;
	return p->failed;
}

capsa_status stream_pipe_room(stream_pipe *p, uint8_t **room, size_t *len)
{
	stream_slot *s = &p->slot[p->cur];
	size_t max = p->batch_chunks * p->in_stride;
	capsa_status st;

	*room = NULL;
	*len = 0;
	if ((st = grow(&s->in, &s->in_cap, s->fill + 1, s->fill, max)) != CAPSA_OK)
		return stream_pipe_fail(p, st);
	*len = s->in_cap - s->fill;
	*room = s->in + s->fill;
	return CAPSA_OK;
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

static capsa_status setup(stream_pipe *p, stream_slot *s, size_t n, size_t last_len)
{
	stream_batch *b = &s->batch;
	capsa_status st = grow(&s->out, &s->out_cap, n * p->out_stride, 0, p->batch_chunks * p->out_stride);

	if (st != CAPSA_OK)
		return stream_pipe_fail(p, st);
	b->in = s->in;
	b->source = NULL;
	b->source_arg = NULL;
	b->source_off = 0;
	b->out = s->out;
	b->in_stride = p->in_stride;
	b->out_stride = p->out_stride;
	b->n = n;
	b->full_len = p->in_stride;
	b->last_len = last_len;
	b->first = p->next_index;
	b->seal = p->seal;
	p->next_index += n;
	return CAPSA_OK;
}

/* Waits for the other slot if it is in flight; its output stays to be drained. */
static void settle(stream_pipe *p, stream_slot *s)
{
	if (s->in_flight) {
		stream_pool_wait(p->pool, &s->batch);
		s->in_flight = false;
	}
}

static bool batch_failed(const stream_batch *b)
{
	return b->n > 0 && (b->st != CAPSA_OK || b->bad != SIZE_MAX);
}

/*
 * The slot being filled holds only whole chunks (it is full, or a long write
 * follows): send them to the pool, drain the other slot, swap.
 */
static capsa_status rotate(stream_pipe *p)
{
	stream_slot *cur = &p->slot[p->cur], *prev = &p->slot[p->cur ^ 1];
	capsa_status st;

	settle(p, prev);
	if (batch_failed(&prev->batch))
		return drain(p, prev);
	if ((st = setup(p, cur, cur->fill / p->in_stride, p->in_stride)) != CAPSA_OK)
		return st;
	if ((st = stream_pool_submit(p->pool, &cur->batch)) != CAPSA_OK)
		return stream_pipe_fail(p, st);
	cur->in_flight = true;
	if ((st = drain(p, prev)) != CAPSA_OK)
		return st;
	p->cur ^= 1;
	p->slot[p->cur].fill = 0;
	return CAPSA_OK;
}

size_t stream_pipe_batch_bytes(const stream_pipe *p)
{
	return p->batch_chunks * p->in_stride;
}

capsa_status stream_pipe_direct(stream_pipe *p, const uint8_t *in, size_t len, size_t *used)
{
	size_t batch = stream_pipe_batch_bytes(p);
	capsa_status st = CAPSA_OK;

	*used = 0;
	/* Whole batches, then the whole chunks left over as one shorter batch. */
	while (st == CAPSA_OK && p->slot[p->cur].fill == 0 && len - *used >= p->in_stride) {
		stream_slot *cur = &p->slot[p->cur], *prev = &p->slot[p->cur ^ 1];
		size_t n = len - *used >= batch ? p->batch_chunks : (len - *used) / p->in_stride;

		settle(p, prev);
		if (batch_failed(&prev->batch))
			return drain(p, prev);
		if ((st = setup(p, cur, n, p->in_stride)) != CAPSA_OK)
			break;
		cur->batch.in = in + *used; /* the caller's memory, read in place */
		if ((st = stream_pool_submit(p->pool, &cur->batch)) != CAPSA_OK) {
			st = stream_pipe_fail(p, st);
			break;
		}
		cur->in_flight = true;
		*used += n * p->in_stride;
		st = drain(p, prev);
		p->cur ^= 1;
		p->slot[p->cur].fill = 0; /* its input went out with its batch */
	}
	/* The caller gets |in| back: no batch may still be reading it. Output drains later. */
	settle(p, &p->slot[p->cur ^ 1]);
	return st;
}

/*
 * How many of |len| input bytes to copy into the slot holding |pending|: all
 * that fit, except before a long write (a batch or more), where only what
 * completes the chunk begun, so that the rest can go in place.
 */
static size_t copy_len(const stream_pipe *p, size_t pending, size_t room, size_t len)
{
	size_t n = len < room ? len : room;
	size_t to_boundary = p->in_stride - pending % p->in_stride;

	return len >= stream_pipe_batch_bytes(p) && to_boundary < n ? to_boundary : n;
}

capsa_status stream_pipe_write(stream_pipe *p, const uint8_t *in, size_t len)
{
	capsa_status st;

	while (len > 0) {
		size_t pending = p->slot[p->cur].fill, room, n;
		uint8_t *dst;
		bool long_write = len >= stream_pipe_batch_bytes(p);

		if (long_write && pending > 0 && pending % p->in_stride == 0) {
			/* Send the whole chunks buffered so far; the long write then goes in place. */
			if ((st = rotate(p)) != CAPSA_OK)
				return st;
			continue;
		}
		if (long_write && pending == 0) {
			if ((st = stream_pipe_direct(p, in, len, &n)) != CAPSA_OK)
				return st;
			in += n;
			len -= n;
			continue;
		}
		if ((st = stream_pipe_room(p, &dst, &room)) != CAPSA_OK)
			return st;
		n = copy_len(p, pending, room, len);
		memcpy(dst, in, n);
		in += n;
		len -= n;
		if ((st = stream_pipe_advance(p, n)) != CAPSA_OK)
			return st;
	}
	return CAPSA_OK;
}

/*
 * Whole chunks straight from |src| while nothing is buffered: full batches,
 * then what whole chunks remain as one shorter batch; sets |*used| to the
 * bytes taken. Each batch's workers fetch its chunks themselves.
 */
static capsa_status pull(stream_pipe *p, capsa_stream_source src, void *arg, uint64_t off, uint64_t len,
                         uint64_t *used)
{
	capsa_status st = CAPSA_OK;

	*used = 0;
	while (st == CAPSA_OK && p->slot[p->cur].fill == 0 && len - *used >= p->in_stride) {
		stream_slot *cur = &p->slot[p->cur], *prev = &p->slot[p->cur ^ 1];
		size_t n = len - *used >= stream_pipe_batch_bytes(p) ? p->batch_chunks
		                                                     : (size_t)((len - *used) / p->in_stride);

		/*
		 * The batch goes in behind the other slot's, still in flight, so the
		 * workers go on to it without a pause; then the other one is waited
		 * for and drained, and its slot is the next to fill.
		 */
		if (batch_failed(&prev->batch) && !prev->in_flight)
			return drain(p, prev);
		if ((st = setup(p, cur, n, p->in_stride)) != CAPSA_OK)
			break;
		cur->batch.source = src;
		cur->batch.source_arg = arg;
		cur->batch.source_off = off + *used;
		if ((st = stream_pool_submit(p->pool, &cur->batch)) != CAPSA_OK) {
			st = stream_pipe_fail(p, st);
			break;
		}
		cur->in_flight = true;
		*used += (uint64_t)n * p->in_stride;
		settle(p, prev);
		st = drain(p, prev);
		p->cur ^= 1;
		p->slot[p->cur].fill = 0;
	}
	return st;
}

static capsa_status write_from(stream_pipe *p, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	capsa_status st;

	while (len > 0) {
		size_t pending = p->slot[p->cur].fill, room, n;
		bool long_read = len >= stream_pipe_batch_bytes(p);
		uint64_t used;
		uint8_t *dst;

		if (long_read && pending % p->in_stride == 0) {
			/* Whole chunks buffered go first; then whole chunks come from the source. */
			st = pending > 0 ? rotate(p) : pull(p, src, arg, off, len, &used);
			if (st != CAPSA_OK)
				return st;
			off += pending > 0 ? 0 : used;
			len -= pending > 0 ? 0 : used;
			continue;
		}
		/*
		 * Less than a batch (a small stream starts no thread for it), the
		 * chunk begun in the slot, or a partial one at the end: fetched into
		 * the slot by the caller.
		 */
		if ((st = stream_pipe_room(p, &dst, &room)) != CAPSA_OK)
			return st;
		n = len < room ? (size_t)len : room;
		if (long_read && p->in_stride - pending % p->in_stride < n)
			n = p->in_stride - pending % p->in_stride;
		if ((st = src(arg, dst, n, off)) != CAPSA_OK)
			return stream_pipe_fail(p, st);
		off += n;
		len -= n;
		if ((st = stream_pipe_advance(p, n)) != CAPSA_OK)
			return st;
	}
	return CAPSA_OK;
}

capsa_status stream_pipe_write_from(stream_pipe *p, capsa_stream_source src, void *arg, uint64_t off,
                                    uint64_t len)
{
	capsa_status st = write_from(p, src, arg, off, len);

	/* The caller gets |src| back: no batch may still be reading it. Output drains later. */
	settle(p, &p->slot[0]);
	settle(p, &p->slot[1]);
	return st;
}

capsa_status stream_pipe_advance(stream_pipe *p, size_t n)
{
	stream_slot *s = &p->slot[p->cur];

	s->fill += n;
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
	if ((st = setup(p, cur, full + 1, cur->fill % p->in_stride)) != CAPSA_OK)
		return st;
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
			capsa_wipe(p->slot[i].in, p->slot[i].in_cap);
		if (p->slot[i].out != NULL)
			capsa_wipe(p->slot[i].out, p->slot[i].out_cap);
		free(p->slot[i].in);
		free(p->slot[i].out);
	}
	memset(p, 0, sizeof *p);
}
