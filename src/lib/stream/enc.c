/* Encryption: plaintext pushed in, salt || commitment || chunks out to the sink. */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

struct capsa_stream_enc {
	stream_pipe pipe;
	bool finished;
};

capsa_status capsa_stream_enc_new(capsa_stream_enc **out, const capsa_stream_params *p, const uint8_t *salt,
                                  capsa_stream_sink sink, void *sink_arg)
{
	capsa_stream_enc *enc = NULL;
	stream_keys keys;
	uint8_t fresh[CAPSA_STREAM_SALT_BYTES];
	capsa_status st;

	*out = NULL;
	memset(&keys, 0, sizeof keys);
	if (p == NULL || sink == NULL)
		return CAPSA_ERR_ARG;
	if (salt == NULL) {
		if ((st = capsa_random(fresh, sizeof fresh)) != CAPSA_OK)
			return st;
		salt = fresh;
	}
	if ((st = stream_derive(&keys, p, salt)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_NOMEM;
	if ((enc = calloc(1, sizeof *enc)) == NULL)
		goto out;
	if ((st = stream_pipe_init(&enc->pipe, true, p, &keys, sink, sink_arg)) != CAPSA_OK)
		goto out;
	memcpy(enc->pipe.prefix, salt, CAPSA_STREAM_SALT_BYTES);
	memcpy(enc->pipe.prefix + CAPSA_STREAM_SALT_BYTES, keys.commitment, CAPSA_STREAM_COMMIT_BYTES);
	enc->pipe.prefix_pending = true;
	*out = enc;
	enc = NULL;
out:
	capsa_wipe(&keys, sizeof keys);
	capsa_stream_enc_free(enc);
	return st;
}

capsa_status capsa_stream_enc_write(capsa_stream_enc *enc, const uint8_t *pt, size_t len)
{
	if (enc->pipe.failed != CAPSA_OK)
		return enc->pipe.failed;
	if (enc->finished)
		return stream_pipe_fail(&enc->pipe, CAPSA_ERR_ARG);
	return stream_pipe_write(&enc->pipe, pt, len);
}

capsa_status capsa_stream_enc_write_from(capsa_stream_enc *enc, capsa_stream_source src, void *arg, uint64_t off,
                                         uint64_t len)
{
	if (enc->pipe.failed != CAPSA_OK)
		return enc->pipe.failed;
	if (enc->finished || src == NULL)
		return stream_pipe_fail(&enc->pipe, CAPSA_ERR_ARG);
	return stream_pipe_write_from(&enc->pipe, src, arg, off, len);
}

capsa_status capsa_stream_enc_buffer(capsa_stream_enc *enc, uint8_t **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	if (enc->pipe.failed != CAPSA_OK)
		return enc->pipe.failed;
	if (enc->finished)
		return stream_pipe_fail(&enc->pipe, CAPSA_ERR_ARG);
	return stream_pipe_room(&enc->pipe, buf, len);
}

capsa_status capsa_stream_enc_commit(capsa_stream_enc *enc, size_t n)
{
	uint8_t *room;
	size_t len;
	capsa_status st;

	if ((st = capsa_stream_enc_buffer(enc, &room, &len)) != CAPSA_OK)
		return st;
	if (n > len)
		return stream_pipe_fail(&enc->pipe, CAPSA_ERR_ARG);
	return n == 0 ? CAPSA_OK : stream_pipe_advance(&enc->pipe, n);
}

capsa_status capsa_stream_enc_finish(capsa_stream_enc *enc)
{
	if (enc->pipe.failed != CAPSA_OK)
		return enc->pipe.failed;
	if (enc->finished)
		return stream_pipe_fail(&enc->pipe, CAPSA_ERR_ARG);
	enc->finished = true;
	return stream_pipe_finish(&enc->pipe);
}

void capsa_stream_enc_free(capsa_stream_enc *enc)
{
	if (enc == NULL)
		return;
	stream_pipe_cleanup(&enc->pipe);
	free(enc);
}
