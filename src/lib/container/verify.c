/*
 * Verifying a signed v2 file: keyless, by hashing every ciphertext chunk and
 * streaming the trailer through its checks (container/signed_stream.h); with
 * a key, by opening it with every plaintext commitment checked.
 */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container/header.h"
#include "core/io.h"
#include "container/open_fd.h"
#include "container/signed_stream.h"

#define VERIFY_BLOCK (1u << 20)

static capsa_status read_header(capsa_hdr *h, int fd)
{
	capsa_header_info info;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	capsa_status st = capsa_inspect_fd(&info, &raw, &raw_len, fd);

	capsa_header_info_free(&info);
	if (st == CAPSA_OK)
		st = capsa_hdr_parse(h, raw, raw_len);
	free(raw);
	return st;
}

static capsa_status keyless(capsa_verify_result *out, signed_stream *ss, int fd)
{
	uint8_t *block = malloc(VERIFY_BLOCK);
	size_t got = VERIFY_BLOCK;
	capsa_status st = block != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	while (st == CAPSA_OK && got == VERIFY_BLOCK)
		if ((st = capsa_read_full(fd, block, VERIFY_BLOCK, &got)) == CAPSA_OK && got > 0)
			st = signed_stream_write(ss, block, got);
	free(block);
	if (st == CAPSA_OK)
		st = signed_stream_end_payload(ss);
	if (st == CAPSA_OK)
		st = signed_stream_finish(ss);
	if (st == CAPSA_OK) {
		out->checks = ss->checked;
		out->plaintext_len = ss->manifest.length;
		out->chunks = ss->manifest.chunks;
		memcpy(out->origin_signer, ss->origin.signer, 32);
	}
	return st;
}

static capsa_status discard(void *arg, const uint8_t *data, size_t len)
{
	(void)arg;
	(void)data;
	(void)len;
	return CAPSA_OK;
}

static capsa_status with_key(capsa_verify_result *out, const capsa_hdr *h, int fd, off_t start,
                             const capsa_verify_opts *opts)
{
	capsa_unlock u = *opts->unlock;
	capsa_open *o = NULL;
	capsa_origin origin;
	capsa_status st;

	u.require_signer = opts->require_signer;
	u.check_commitments = true;
	if (lseek(fd, start, SEEK_SET) != start)
		return CAPSA_ERR_IO;
	if ((st = capsa_open_new(&o, &u, opts->threads, discard, NULL)) != CAPSA_OK)
		return st;
	if ((st = capsa_open_fd(o, fd, NULL, NULL, NULL)) == CAPSA_OK) {
		out->checks = capsa_open_checks(o);
		out->plaintext_len = capsa_open_plaintext_len(o);
		out->chunks = out->plaintext_len / CAPSA_CHUNK_BYTES + 1;
		if ((h->flags & HDR_FLAG_COPY) != 0 && capsa_open_origin(o, &origin) == CAPSA_OK)
			memcpy(out->origin_signer, origin.signer, 32);
		capsa_origin_wipe(&origin);
	}
	capsa_open_free(o);
	return st;
}

capsa_status capsa_verify_fd(capsa_verify_result *out, int fd, const capsa_verify_opts *opts)
{
	static const capsa_verify_opts none;
	off_t start = lseek(fd, 0, SEEK_CUR);
	signed_stream ss;
	capsa_hdr h;
	capsa_status st;

	memset(out, 0, sizeof *out);
	memset(&ss, 0, sizeof ss);
	if (opts == NULL)
		opts = &none;
	if ((st = read_header(&h, fd)) != CAPSA_OK)
		return st;
	out->copy = (h.flags & HDR_FLAG_COPY) != 0;
	if (capsa_hdr_signed(&h))
		memcpy(out->signer, h.signer, 32);
	if (!capsa_hdr_has_trailer(&h))
		st = CAPSA_ERR_SIGNER; /* nothing signed covers this payload */
	else
		st = capsa_hdr_check_signer(&h, opts->require_signer);
	if (st == CAPSA_OK && opts->unlock != NULL)
		st = with_key(out, &h, fd, start, opts);
	else if (st == CAPSA_OK && (st = signed_stream_init(&ss, &h, NULL, NULL, NULL)) == CAPSA_OK)
		st = keyless(out, &ss, fd);
	/*
	 * A copy by another maker satisfies a required signer only through its
	 * origin, and only with its plaintext checked: keyless, anyone could have
	 * put that origin on other plaintext.
	 */
	if (st == CAPSA_OK && opts->require_signer != NULL && memcmp(h.signer, opts->require_signer, 32) != 0 &&
	    (memcmp(out->origin_signer, opts->require_signer, 32) != 0 || (out->checks & CAPSA_CHECKED_PLAINTEXT) == 0))
		st = CAPSA_ERR_SIGNER;
	if (st != CAPSA_OK) {
		out->checks = 0;
		out->plaintext_len = out->chunks = 0;
	}
	signed_stream_cleanup(&ss);
	capsa_hdr_cleanup(&h);
	return st;
}
