/* Opening: buffer and authenticate the header, then decrypt the payload (push API). */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>

#include "container/header.h"
#include "container/source.h"
#include "stream/stream.h"

struct capsa_open {
	const capsa_unlock *unlock;
	unsigned threads;
	capsa_sink sink;
	void *sink_arg;
	uint8_t *buf;      /* the header while it arrives */
	size_t buf_len;
	size_t need;       /* bytes of header wanted so far */
	capsa_hdr hdr;
	capsa_header_info info;
	bool have_header;
	size_t stanza_index;
	capsa_stream_dec *dec;
	capsa_status failed; /* sticky */
	uint64_t bad_chunk;
};

capsa_status capsa_open_new(capsa_open **out, const capsa_unlock *unlock, unsigned threads, capsa_sink sink,
                            void *sink_arg)
{
	capsa_open *o;

	*out = NULL;
	if (unlock == NULL || sink == NULL)
		return CAPSA_ERR_ARG;
	if ((o = calloc(1, sizeof *o)) == NULL || (o->buf = malloc(HDR_PREAMBLE_BYTES)) == NULL) {
		free(o);
		return CAPSA_ERR_NOMEM;
	}
	o->unlock = unlock;
	o->threads = threads;
	o->sink = sink;
	o->sink_arg = sink_arg;
	o->need = HDR_PREAMBLE_BYTES;
	o->stanza_index = SIZE_MAX;
	*out = o;
	return CAPSA_OK;
}

/* The whole header is buffered: parse it, find the CEK, start the payload. */
static capsa_status begin_payload(capsa_open *o)
{
	uint8_t cek[CAPSA_CEK_BYTES], context[HDR_CONTEXT_BYTES];
	capsa_stream_params sp = {.key = cek, .key_len = sizeof cek, .context = context,
	                          .context_len = sizeof context, .threads = o->threads};
	capsa_status st;

	if ((st = capsa_hdr_parse(&o->hdr, o->buf, o->buf_len)) != CAPSA_OK ||
	    (st = capsa_hdr_info(&o->info, &o->hdr)) != CAPSA_OK)
		return st;
	o->have_header = true;
	if ((st = capsa_hdr_unlock(cek, &o->stanza_index, &o->hdr, o->unlock)) != CAPSA_OK)
		return st;
	sp.plaintext_len = o->hdr.plaintext_len == CAPSA_LENGTH_UNKNOWN ? CAPSA_STREAM_LEN_UNKNOWN
	                                                                : o->hdr.plaintext_len;
	if ((st = capsa_suite_alg(&sp.alg, o->hdr.suite)) == CAPSA_OK &&
	    (st = capsa_hdr_context(context, o->hdr.bytes, o->hdr.len)) == CAPSA_OK)
		st = capsa_stream_dec_new(&o->dec, &sp, o->sink, o->sink_arg);
	capsa_wipe(cek, sizeof cek);
	return st;
}

/* Takes header bytes from |*data|; returns OK with the rest left for the payload. */
static capsa_status take_header(capsa_open *o, const uint8_t **data, size_t *len)
{
	while (o->dec == NULL && *len > 0) {
		size_t n = o->need - o->buf_len < *len ? o->need - o->buf_len : *len;
		capsa_status st;
		memcpy(o->buf + o->buf_len, *data, n);
		o->buf_len += n;
		*data += n;
		*len -= n;
		if (o->buf_len < o->need)
			break;
		if (o->need == HDR_PREAMBLE_BYTES) {
			size_t full;
			uint8_t *bigger;
			if ((st = capsa_hdr_peek_len(&full, o->buf, o->buf_len)) != CAPSA_OK)
				return st;
			if ((bigger = realloc(o->buf, full)) == NULL)
				return CAPSA_ERR_NOMEM;
			o->buf = bigger;
			o->need = full;
			continue;
		}
		if ((st = begin_payload(o)) != CAPSA_OK)
			return st;
	}
	return CAPSA_OK;
}

capsa_status capsa_open_write(capsa_open *o, const uint8_t *data, size_t len)
{
	capsa_status st = CAPSA_OK;

	if (o->failed != CAPSA_OK)
		return o->failed;
	if (o->dec == NULL)
		st = take_header(o, &data, &len);
	if (st == CAPSA_OK && len > 0)
		st = capsa_stream_dec_write(o->dec, data, len);
	if (st == CAPSA_ERR_CHUNK_AUTH)
		o->bad_chunk = capsa_stream_dec_bad_chunk(o->dec);
	o->failed = st;
	return st;
}

capsa_status capsa_open_write_from(capsa_open *o, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	uint8_t part[4096]; /* public: header bytes, or the payload's first ciphertext */
	capsa_status st = CAPSA_OK;

	/* The header, in small pieces: what follows it in the last piece goes on to the payload. */
	while (o->failed == CAPSA_OK && o->dec == NULL && len > 0) {
		size_t n = len < sizeof part ? (size_t)len : sizeof part;
		if ((st = src(arg, part, n, off)) != CAPSA_OK)
			return o->failed = st;
		if ((st = capsa_open_write(o, part, n)) != CAPSA_OK)
			return st;
		off += n;
		len -= n;
	}
	if (o->failed != CAPSA_OK)
		return o->failed;
	if (len > 0)
		st = capsa_stream_dec_write_from(o->dec, src, arg, off, len);
	if (st == CAPSA_ERR_CHUNK_AUTH)
		o->bad_chunk = capsa_stream_dec_bad_chunk(o->dec);
	o->failed = st;
	return st;
}

capsa_status capsa_open_finish(capsa_open *o)
{
	capsa_status st;

	if (o->failed != CAPSA_OK)
		return o->failed;
	if (o->dec == NULL) {
		/* ended inside the header: say whether it even looked like capsa */
		size_t full;
		st = capsa_hdr_peek_len(&full, o->buf, o->buf_len);
		return o->failed = (st == CAPSA_OK ? CAPSA_ERR_TRUNCATED : st);
	}
	st = capsa_stream_dec_finish(o->dec);
	if (st == CAPSA_ERR_CHUNK_AUTH)
		o->bad_chunk = capsa_stream_dec_bad_chunk(o->dec);
	o->failed = st == CAPSA_OK ? CAPSA_ERR_ARG : st; /* nothing may follow finish */
	return st;
}

uint64_t capsa_open_bad_chunk(const capsa_open *o)
{
	return o->bad_chunk;
}

const capsa_header_info *capsa_open_header(const capsa_open *o)
{
	return o->have_header ? &o->info : NULL;
}

size_t capsa_open_stanza_index(const capsa_open *o)
{
	return o->stanza_index;
}

void capsa_open_free(capsa_open *o)
{
	if (o == NULL)
		return;
	capsa_stream_dec_free(o->dec);
	capsa_hdr_cleanup(&o->hdr);
	capsa_header_info_free(&o->info);
	free(o->buf);
	free(o);
}
