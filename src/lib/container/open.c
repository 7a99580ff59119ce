/* Opening: buffer and authenticate the header, then decrypt the payload (push API). */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/header.h"
#include "core/io.h"
#include "container/open_fd.h"
#include "container/payload.h"
#include "container/signed_stream.h"
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
	/* signed v2 files */
	bool is_signed;
	signed_stream ss;
	uint8_t cek[CAPSA_CEK_BYTES];   /* kept until finish: it opens a copy's origin key */
	uint8_t pc_key[32];             /* an original's commitment key, for capsa_open_origin */
	bool finished;
	unsigned checks;
	int file_fd;           /* capsa_open_fd on a regular file: -1 otherwise */
	uint64_t file_start, file_size;
	uint8_t ahead_key[32]; /* a copy's origin key, read ahead from the file */
	uint8_t ahead_signer[32]; /* and the origin's signer beside it */
	bool have_ahead_key;
	uint64_t released;
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
	o->file_fd = -1;
	*out = o;
	return CAPSA_OK;
}

capsa_status capsa_hdr_check_signer(const capsa_hdr *h, const uint8_t *required)
{
	if (required == NULL)
		return CAPSA_OK;
	if (!capsa_hdr_has_trailer(h))
		return CAPSA_ERR_SIGNER; /* unsigned, or v1: its signature does not cover the payload */
	/* a copy by another maker may still carry the required signer's origin: checked with the origin */
	return memcmp(h->signer, required, sizeof h->signer) == 0 || (h->flags & HDR_FLAG_COPY) != 0 ? CAPSA_OK
	                                                                                            : CAPSA_ERR_SIGNER;
}

void capsa_open_use_fd(capsa_open *o, int fd)
{
	struct stat sb;
	off_t pos = lseek(fd, 0, SEEK_CUR);

	if (o->dec == NULL && o->buf_len == 0 && pos >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
		o->file_fd = fd;
		o->file_start = (uint64_t)pos;
		o->file_size = (uint64_t)sb.st_size;
	}
}

uint64_t capsa_open_plaintext_len(const capsa_open *o)
{
	return o->released;
}

/*
 * A copy's commitments are under its origin's key, which its trailer holds
 * after the payload: from a file it can be read first. The trailer is read
 * again as it streams past and must give the same key; anything odd here
 * just means the plaintext is not checked ahead, and the stream's own checks
 * report what is wrong.
 */
static void read_origin_ahead(capsa_open *o, const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t header_hash[32])
{
	uint8_t be[8], block[TRL_ORIGIN_BYTES];
	uint64_t tlen = 0, end = o->file_size;
	capsa_origin origin;
	size_t got;

	if (o->file_fd < 0 || end < o->file_start + o->hdr.len + 8 ||
	    capsa_pread_full(o->file_fd, be, sizeof be, end - 8, &got) != CAPSA_OK || got != sizeof be)
		return;
	for (int i = 0; i < 8; i++)
		tlen = tlen << 8 | be[i];
	if (tlen < trl_fixed_len(true) || tlen > end - o->file_start - o->hdr.len ||
	    capsa_pread_full(o->file_fd, block, sizeof block, end - tlen + trl_fixed_len(false), &got) != CAPSA_OK ||
	    got != sizeof block)
		return;
	memset(&origin, 0, sizeof origin);
	if (trl_origin_open_key(&origin, block, o->hdr.suite, cek, header_hash) == CAPSA_OK) {
		memcpy(o->ahead_key, origin.pc_key, sizeof o->ahead_key);
		memcpy(o->ahead_signer, block + 32, sizeof o->ahead_signer);
		o->have_ahead_key = true;
	}
	capsa_origin_wipe(&origin);
}

/* Verified plaintext on its way to the caller: commitments first, when checked. */
static capsa_status plaintext_sink(void *arg, const uint8_t *data, size_t len)
{
	capsa_open *o = arg;
	capsa_status st = signed_stream_plaintext(&o->ss, data, len);

	o->released += len;
	return st == CAPSA_OK ? o->sink(o->sink_arg, data, len) : st;
}

static capsa_status counting_sink(void *arg, const uint8_t *data, size_t len)
{
	capsa_open *o = arg;

	o->released += len;
	return o->sink(o->sink_arg, data, len);
}

static capsa_status payload_to_decryptor(void *arg, const uint8_t *data, size_t len)
{
	capsa_open *o = arg;
	return capsa_stream_dec_write(o->dec, data, len);
}

/* A required signer that is not the header's: only a copy's origin can be it. */
static bool signer_only_by_origin(const capsa_open *o)
{
	const uint8_t *required = o->unlock->require_signer;

	return required != NULL && memcmp(o->hdr.signer, required, sizeof o->hdr.signer) != 0;
}

/* A signed v2 file: the trees and trailer are checked as the payload passes. */
static capsa_status begin_signed(capsa_open *o, const uint8_t cek[CAPSA_CEK_BYTES])
{
	bool copy = (o->hdr.flags & HDR_FLAG_COPY) != 0;
	capsa_status st;

	const uint8_t *pc_key = NULL;
	uint8_t header_hash[32];

	o->is_signed = true;
	memcpy(o->cek, cek, sizeof o->cek);
	if (!copy && (st = tree_pc_key(o->pc_key, cek)) != CAPSA_OK)
		return st;
	if (!copy && o->unlock->check_commitments)
		pc_key = o->pc_key;
	if (copy) {
		/* the origin key is in the trailer, after the payload: only a file lets us read it first */
		if ((st = capsa_sha256(header_hash, o->hdr.bytes, o->hdr.len)) != CAPSA_OK)
			return st;
		read_origin_ahead(o, cek, header_hash);
		pc_key = o->have_ahead_key ? o->ahead_key : NULL;
		/*
		 * Anyone can put a real origin into a copy of other plaintext: only
		 * the commitments tie the plaintext to the origin's signer, and they
		 * need the origin's key before the payload. Without it (a stream) a
		 * required signer that signed only the origin is not proven.
		 */
		if (signer_only_by_origin(o) &&
		    (!o->have_ahead_key || memcmp(o->ahead_signer, o->unlock->require_signer, 32) != 0))
			return CAPSA_ERR_SIGNER;
	}
	return signed_stream_init(&o->ss, &o->hdr, pc_key, payload_to_decryptor, o);
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
	if ((st = capsa_hdr_check_signer(&o->hdr, o->unlock->require_signer)) != CAPSA_OK)
		return st;
	if ((st = capsa_hdr_unlock(cek, &o->stanza_index, &o->hdr, o->unlock)) != CAPSA_OK)
		return st;
	if (capsa_hdr_has_trailer(&o->hdr) && (st = begin_signed(o, cek)) != CAPSA_OK) {
		capsa_wipe(cek, sizeof cek);
		return st;
	}
	sp.plaintext_len = o->hdr.plaintext_len == CAPSA_LENGTH_UNKNOWN ? CAPSA_STREAM_LEN_UNKNOWN
	                                                                : o->hdr.plaintext_len;
	if ((st = capsa_suite_alg(&sp.alg, o->hdr.suite)) == CAPSA_OK &&
	    (st = capsa_hdr_context(context, o->hdr.bytes, o->hdr.len)) == CAPSA_OK)
		st = capsa_stream_dec_new(&o->dec, &sp, o->ss.check_pt ? plaintext_sink : counting_sink, o);
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

/* Everything after the payload: the signed checks, a copy's origin key and its signer. */
static capsa_status finish_signed(capsa_open *o)
{
	const uint8_t *required = o->unlock->require_signer;
	capsa_status st;

	if ((st = signed_stream_finish(&o->ss)) != CAPSA_OK)
		return st;
	o->checks = o->ss.checked;
	if ((o->hdr.flags & HDR_FLAG_COPY) == 0)
		return CAPSA_OK;
	if (signer_only_by_origin(o) &&
	    (memcmp(o->ss.origin.signer, required, 32) != 0 || (o->checks & SIGNED_CHECKED_PLAINTEXT) == 0))
		return CAPSA_ERR_SIGNER;
	if ((st = trl_origin_open_key(&o->ss.origin, o->ss.tr.fixed + trl_fixed_len(false), o->hdr.suite, o->cek,
	                              o->ss.header_hash)) != CAPSA_OK)
		return st;
	/* the key read ahead must be the one the trailer holds now */
	if (o->have_ahead_key && !capsa_ct_equal(o->ahead_key, o->ss.origin.pc_key, sizeof o->ahead_key))
		return CAPSA_ERR_TRAILER;
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
		st = o->is_signed ? signed_stream_write(&o->ss, data, len) : capsa_stream_dec_write(o->dec, data, len);
	if (st == CAPSA_ERR_CHUNK_AUTH)
		o->bad_chunk = capsa_stream_dec_bad_chunk(o->dec);
	o->failed = st;
	return st;
}

static capsa_status open_piece(void *obj, const uint8_t *data, size_t len)
{
	return capsa_open_write(obj, data, len);
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
	if (o->is_signed) /* the trees and the trailer split are computed in this thread */
		return capsa_source_feed(src, arg, off, len, open_piece, o);
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
	if (o->is_signed) {
		capsa_status split = signed_stream_end_payload(&o->ss);
		st = capsa_stream_dec_finish(o->dec);
		/* a chunk that fails its tag is the more specific report */
		if (st == CAPSA_OK && split != CAPSA_OK)
			st = split;
		if (st == CAPSA_OK)
			st = finish_signed(o);
	} else {
		st = capsa_stream_dec_finish(o->dec);
	}
	if (st == CAPSA_ERR_CHUNK_AUTH)
		o->bad_chunk = capsa_stream_dec_bad_chunk(o->dec);
	o->failed = st == CAPSA_OK ? CAPSA_ERR_ARG : st; /* nothing may follow finish */
	o->finished = st == CAPSA_OK;
	return st;
}

unsigned capsa_open_checks(const capsa_open *o)
{
	return o->finished ? o->checks : 0;
}

capsa_status capsa_open_origin(const capsa_open *o, capsa_origin *out)
{
	memset(out, 0, sizeof *out);
	if (!o->finished || !o->is_signed)
		return CAPSA_ERR_ARG;
	if ((o->hdr.flags & HDR_FLAG_COPY) != 0) {
		*out = o->ss.origin; /* a copy of a copy carries the first producer's provenance */
		return CAPSA_OK;
	}
	memcpy(out->header_hash, o->ss.header_hash, sizeof out->header_hash);
	memcpy(out->signer, o->hdr.signer, sizeof out->signer);
	memcpy(out->manifest, o->ss.tr.fixed + TRL_MAGIC_BYTES, sizeof out->manifest);
	memcpy(out->signature, o->ss.tr.fixed + TRL_MAGIC_BYTES + TRL_MANIFEST_BYTES, sizeof out->signature);
	memcpy(out->pc_key, o->pc_key, sizeof out->pc_key);
	return CAPSA_OK;
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
	signed_stream_cleanup(&o->ss);
	capsa_wipe(o->cek, sizeof o->cek);
	capsa_wipe(o->pc_key, sizeof o->pc_key);
	capsa_wipe(o->ahead_key, sizeof o->ahead_key);
	capsa_hdr_cleanup(&o->hdr);
	capsa_header_info_free(&o->info);
	free(o->buf);
	free(o);
}
