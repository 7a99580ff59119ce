/* Header inspection without keys, and the payload length arithmetic. */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>

#include "container/header.h"
#include "container/io.h"
#include "stream/stream.h"

const char *capsa_suite_name(capsa_suite suite)
{
	switch (suite) {
	case CAPSA_SUITE_AES_256_GCM:
		return "aes-256-gcm";
	case CAPSA_SUITE_CHACHA20_POLY1305:
		return "chacha20-poly1305";
	}
	return "unknown";
}

capsa_status capsa_suite_from_name(capsa_suite *out, const char *name)
{
	if (strcmp(name, "aes-256-gcm") == 0)
		*out = CAPSA_SUITE_AES_256_GCM;
	else if (strcmp(name, "chacha20-poly1305") == 0)
		*out = CAPSA_SUITE_CHACHA20_POLY1305;
	else
		return CAPSA_ERR_UNSUPPORTED;
	return CAPSA_OK;
}

capsa_status capsa_inspect_buf(capsa_header_info *out, const uint8_t *buf, size_t len)
{
	capsa_hdr h;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if ((st = capsa_hdr_parse(&h, buf, len)) != CAPSA_OK)
		return st;
	st = capsa_hdr_info(out, &h);
	capsa_hdr_cleanup(&h);
	return st;
}

capsa_status capsa_inspect_fd(capsa_header_info *out, int fd)
{
	uint8_t pre[HDR_PREAMBLE_BYTES], *buf = NULL;
	size_t got, full, more;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if ((st = capsa_read_full(fd, pre, sizeof pre, &got)) != CAPSA_OK ||
	    (st = capsa_hdr_peek_len(&full, pre, got)) != CAPSA_OK)
		return st;
	if ((buf = malloc(full)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(buf, pre, sizeof pre);
	if ((st = capsa_read_full(fd, buf + sizeof pre, full - sizeof pre, &more)) == CAPSA_OK)
		st = capsa_inspect_buf(out, buf, sizeof pre + more);
	free(buf);
	return st;
}

uint64_t capsa_payload_len(uint64_t plaintext_len)
{
	return capsa_stream_ciphertext_len(plaintext_len);
}

/* Every chunk but the last is full; the last holds 0..16383 bytes plus a tag. */
capsa_status capsa_payload_plaintext_len(uint64_t *out, uint64_t payload_len)
{
	uint64_t body, full, rest;

	*out = 0;
	if (payload_len < CAPSA_STREAM_PREFIX_BYTES + CAPSA_AEAD_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	body = payload_len - CAPSA_STREAM_PREFIX_BYTES;
	full = body / CAPSA_STREAM_CHUNK_CT_BYTES;
	rest = body % CAPSA_STREAM_CHUNK_CT_BYTES;
	if (rest < CAPSA_AEAD_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	*out = full * CAPSA_STREAM_CHUNK_BYTES + (rest - CAPSA_AEAD_TAGBYTES);
	return CAPSA_OK;
}
