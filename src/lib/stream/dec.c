/*
 * Decryption: ciphertext pushed in, verified plaintext out to the sink, in
 * order. The key schedule waits for the salt, the first bytes of the stream.
 * The final chunk is opened only in capsa_stream_dec_finish, once the input
 * is known to end there.
 */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

struct capsa_stream_dec {
	capsa_stream_params params;   /* key and context point into this object */
	uint8_t key[CAPSA_SHA256_BYTES];
	uint8_t *context;
	capsa_stream_sink sink;
	void *sink_arg;
	uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES];
	size_t prefix_fill;
	stream_pipe pipe;
	bool pipe_ready, finished;
	uint64_t received, total;     /* ciphertext bytes so far / expected (UINT64_MAX: unknown) */
	capsa_status failed;          /* sticky: the first failure */
};

static capsa_status dec_fail(capsa_stream_dec *dec, capsa_status st)
{
	if (dec->failed == CAPSA_OK)
		dec->failed = st;
	return dec->failed;
}

capsa_status capsa_stream_dec_new(capsa_stream_dec **out, const capsa_stream_params *p,
                                  capsa_stream_sink sink, void *sink_arg)
{
	capsa_stream_dec *dec;

	*out = NULL;
	if (p == NULL || sink == NULL || p->key == NULL || p->key_len != sizeof dec->key ||
	    (p->context == NULL && p->context_len != 0))
		return CAPSA_ERR_ARG;
	if ((dec = calloc(1, sizeof *dec)) == NULL)
		return CAPSA_ERR_NOMEM;
	dec->params = *p;
	memcpy(dec->key, p->key, sizeof dec->key);
	dec->params.key = dec->key;
	if (p->context_len > 0) {
		if ((dec->context = malloc(p->context_len)) == NULL) {
			capsa_stream_dec_free(dec);
			return CAPSA_ERR_NOMEM;
		}
		memcpy(dec->context, p->context, p->context_len);
	}
	dec->params.context = dec->context;
	dec->sink = sink;
	dec->sink_arg = sink_arg;
	dec->total = UINT64_MAX;
	if (p->plaintext_len != CAPSA_STREAM_LEN_UNKNOWN &&
	    (dec->total = capsa_stream_ciphertext_len(p->plaintext_len)) == UINT64_MAX) {
		capsa_stream_dec_free(dec);
		return CAPSA_ERR_ARG;
	}
	*out = dec;
	return CAPSA_OK;
}

/* The prefix is complete: derive, check the key commitment, start the pipeline. */
static capsa_status dec_start(capsa_stream_dec *dec)
{
	stream_keys keys;
	capsa_status st;

	if ((st = stream_derive(&keys, &dec->params, dec->prefix)) != CAPSA_OK)
		goto out;
	if (!capsa_ct_equal(keys.commitment, dec->prefix + CAPSA_STREAM_SALT_BYTES, CAPSA_STREAM_COMMIT_BYTES)) {
		st = CAPSA_ERR_AUTH;
		goto out;
	}
	dec->pipe_ready = true; /* cleanup is due even if init fails half-way */
	st = stream_pipe_init(&dec->pipe, false, &dec->params, &keys, dec->sink, dec->sink_arg);
out:
	capsa_wipe(&keys, sizeof keys);
	capsa_wipe(dec->key, sizeof dec->key); /* the derived keys live in the pool now */
	return st;
}

capsa_status capsa_stream_dec_write(capsa_stream_dec *dec, const uint8_t *ct, size_t len)
{
	capsa_status st;

	if (dec->failed != CAPSA_OK)
		return dec->failed;
	if (dec->finished)
		return dec_fail(dec, CAPSA_ERR_ARG);
	if (dec->total != UINT64_MAX && len > dec->total - dec->received)
		return dec_fail(dec, CAPSA_ERR_TRAILING);
	dec->received += len;
	if (dec->prefix_fill < sizeof dec->prefix) {
		size_t n = sizeof dec->prefix - dec->prefix_fill;
		n = n < len ? n : len;
		memcpy(dec->prefix + dec->prefix_fill, ct, n);
		dec->prefix_fill += n;
		ct += n;
		len -= n;
		if (dec->prefix_fill == sizeof dec->prefix && (st = dec_start(dec)) != CAPSA_OK)
			return dec_fail(dec, st);
	}
	if (len > 0 && (st = stream_pipe_write(&dec->pipe, ct, len)) != CAPSA_OK)
		return dec_fail(dec, st);
	return CAPSA_OK;
}

capsa_status capsa_stream_dec_write_from(capsa_stream_dec *dec, capsa_stream_source src, void *arg, uint64_t off,
                                         uint64_t len)
{
	capsa_status st;

	if (dec->failed != CAPSA_OK)
		return dec->failed;
	if (dec->finished || src == NULL)
		return dec_fail(dec, CAPSA_ERR_ARG);
	if (dec->total != UINT64_MAX && len > dec->total - dec->received)
		return dec_fail(dec, CAPSA_ERR_TRAILING);
	dec->received += len;
	if (dec->prefix_fill < sizeof dec->prefix && len > 0) {
		size_t n = sizeof dec->prefix - dec->prefix_fill;
		n = n < len ? n : (size_t)len;
		if ((st = src(arg, dec->prefix + dec->prefix_fill, n, off)) != CAPSA_OK)
			return dec_fail(dec, st);
		dec->prefix_fill += n;
		off += n;
		len -= n;
		if (dec->prefix_fill == sizeof dec->prefix && (st = dec_start(dec)) != CAPSA_OK)
			return dec_fail(dec, st);
	}
	if (len > 0 && (st = stream_pipe_write_from(&dec->pipe, src, arg, off, len)) != CAPSA_OK)
		return dec_fail(dec, st);
	return CAPSA_OK;
}

capsa_status capsa_stream_dec_buffer(capsa_stream_dec *dec, uint8_t **buf, size_t *len)
{
	capsa_status st;

	*buf = NULL;
	*len = 0;
	if (dec->failed != CAPSA_OK)
		return dec->failed;
	if (dec->finished)
		return dec_fail(dec, CAPSA_ERR_ARG);
	if (dec->prefix_fill < sizeof dec->prefix) {
		*buf = dec->prefix + dec->prefix_fill;
		*len = sizeof dec->prefix - dec->prefix_fill;
		return CAPSA_OK;
	}
	if ((st = stream_pipe_room(&dec->pipe, buf, len)) != CAPSA_OK)
		return dec_fail(dec, st);
	return CAPSA_OK;
}

capsa_status capsa_stream_dec_commit(capsa_stream_dec *dec, size_t n)
{
	uint8_t *room;
	size_t len;
	capsa_status st;

	if ((st = capsa_stream_dec_buffer(dec, &room, &len)) != CAPSA_OK)
		return st;
	if (n > len)
		return dec_fail(dec, CAPSA_ERR_ARG);
	if (dec->total != UINT64_MAX && n > dec->total - dec->received)
		return dec_fail(dec, CAPSA_ERR_TRAILING);
	dec->received += n;
	if (dec->prefix_fill < sizeof dec->prefix) {
		dec->prefix_fill += n;
		if (dec->prefix_fill == sizeof dec->prefix && (st = dec_start(dec)) != CAPSA_OK)
			return dec_fail(dec, st);
		return CAPSA_OK;
	}
	if (n > 0 && (st = stream_pipe_advance(&dec->pipe, n)) != CAPSA_OK)
		return dec_fail(dec, st);
	return CAPSA_OK;
}

capsa_status capsa_stream_dec_finish(capsa_stream_dec *dec)
{
	if (dec->failed != CAPSA_OK)
		return dec->failed;
	if (dec->finished)
		return dec_fail(dec, CAPSA_ERR_ARG);
	dec->finished = true;
	if (!dec->pipe_ready)
		return dec_fail(dec, CAPSA_ERR_TRUNCATED);
	if (dec->total != UINT64_MAX && dec->received != dec->total)
		return dec_fail(dec, CAPSA_ERR_TRUNCATED);
	/* Unknown length: the final chunk is what remains, and holds at least a tag. */
	if (stream_pipe_pending(&dec->pipe) % CAPSA_STREAM_CHUNK_CT_BYTES < CAPSA_AEAD_TAGBYTES)
		return dec_fail(dec, CAPSA_ERR_TRUNCATED);
	return dec_fail(dec, stream_pipe_finish(&dec->pipe));
}

uint64_t capsa_stream_dec_bad_chunk(const capsa_stream_dec *dec)
{
	return dec->failed == CAPSA_ERR_CHUNK_AUTH ? dec->pipe.bad_chunk : UINT64_MAX;
}

void capsa_stream_dec_free(capsa_stream_dec *dec)
{
	if (dec == NULL)
		return;
	if (dec->pipe_ready)
		stream_pipe_cleanup(&dec->pipe);
	capsa_wipe(dec->key, sizeof dec->key);
	free(dec->context);
	free(dec);
}
