/* Payload size arithmetic and the suite table (container/payload.h). */
#include "container/payload.h"

#include <string.h>

#include "stream/stream.h"

static const struct suite_row {
	capsa_suite suite;
	capsa_aead_alg alg;
	const char *name;
} suites[] = {
	{CAPSA_SUITE_AES_256_GCM, CAPSA_AEAD_AES_256_GCM, "aes-256-gcm"},
	{CAPSA_SUITE_CHACHA20_POLY1305, CAPSA_AEAD_CHACHA20_POLY1305, "chacha20-poly1305"},
};

capsa_status capsa_suite_alg(capsa_aead_alg *out, capsa_suite suite)
{
	for (size_t i = 0; i < sizeof suites / sizeof *suites; i++)
		if (suites[i].suite == suite) {
			*out = suites[i].alg;
			return CAPSA_OK;
		}
	return CAPSA_ERR_UNSUPPORTED;
}

const char *capsa_suite_name(capsa_suite suite)
{
	for (size_t i = 0; i < sizeof suites / sizeof *suites; i++)
		if (suites[i].suite == suite)
			return suites[i].name;
	return "unknown";
}

capsa_status capsa_suite_from_name(capsa_suite *out, const char *name)
{
	for (size_t i = 0; i < sizeof suites / sizeof *suites; i++)
		if (strcmp(name, suites[i].name) == 0) {
			*out = suites[i].suite;
			return CAPSA_OK;
		}
	return CAPSA_ERR_UNSUPPORTED;
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

uint64_t capsa_payload_chunks(uint64_t plaintext_len)
{
	return plaintext_len / CAPSA_STREAM_CHUNK_BYTES + 1;
}

uint64_t capsa_payload_chunk_ct_len(uint64_t plaintext_len, uint64_t index)
{
	return index + 1 < capsa_payload_chunks(plaintext_len)
	               ? CAPSA_STREAM_CHUNK_CT_BYTES
	               : plaintext_len % CAPSA_STREAM_CHUNK_BYTES + CAPSA_AEAD_TAGBYTES;
}

uint64_t capsa_payload_chunk_offset(uint64_t index)
{
	return CAPSA_STREAM_PREFIX_BYTES + index * CAPSA_STREAM_CHUNK_CT_BYTES;
}
