/* Random access: open any single chunk, given the stream's prefix. */
#include "stream/internal.h"

#include <stdlib.h>
#include <string.h>

struct capsa_stream_ra {
	capsa_aead *aead;
	uint8_t base_nonce[CAPSA_AEAD_NONCEBYTES];
};

capsa_status capsa_stream_ra_new(capsa_stream_ra **out, const capsa_stream_params *p,
                                 const uint8_t prefix[CAPSA_STREAM_PREFIX_BYTES])
{
	capsa_stream_ra *ra = NULL;
	stream_keys keys;
	capsa_status st;

	*out = NULL;
	memset(&keys, 0, sizeof keys);
	if (p == NULL || prefix == NULL)
		return CAPSA_ERR_ARG;
	if ((st = stream_derive(&keys, p, prefix)) != CAPSA_OK)
		goto out;
	if (!capsa_ct_equal(keys.commitment, prefix + CAPSA_STREAM_SALT_BYTES, CAPSA_STREAM_COMMIT_BYTES)) {
		st = CAPSA_ERR_AUTH;
		goto out;
	}
	st = CAPSA_ERR_NOMEM;
	if ((ra = calloc(1, sizeof *ra)) == NULL)
		goto out;
	memcpy(ra->base_nonce, keys.base_nonce, sizeof ra->base_nonce);
	if ((st = capsa_aead_new(&ra->aead, p->alg, keys.key)) != CAPSA_OK)
		goto out;
	*out = ra;
	ra = NULL;
out:
	capsa_wipe(&keys, sizeof keys);
	capsa_stream_ra_free(ra);
	return st;
}

capsa_status capsa_stream_ra_open(capsa_stream_ra *ra, uint8_t *out, uint64_t index, bool final,
                                  const uint8_t *ct, size_t ct_len)
{
	uint8_t nonce[CAPSA_AEAD_NONCEBYTES];
	capsa_status st;

	/* A full chunk is never final and a final chunk is never full. */
	if (final ? ct_len < CAPSA_AEAD_TAGBYTES || ct_len >= CAPSA_STREAM_CHUNK_CT_BYTES
	          : ct_len != CAPSA_STREAM_CHUNK_CT_BYTES)
		return CAPSA_ERR_DECODE;
	stream_nonce(nonce, ra->base_nonce, index);
	st = capsa_aead_open(ra->aead, out, nonce, NULL, 0, ct, ct_len);
	return st == CAPSA_ERR_AUTH ? CAPSA_ERR_CHUNK_AUTH : st;
}

void capsa_stream_ra_free(capsa_stream_ra *ra)
{
	if (ra == NULL)
		return;
	capsa_aead_free(ra->aead);
	capsa_wipe(ra->base_nonce, sizeof ra->base_nonce);
	free(ra);
}
