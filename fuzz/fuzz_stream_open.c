/*
 * Arbitrary bytes as a capsa payload, under a fixed key: the decryptor must
 * refuse or accept, never crash, hang or hand out more than the chunks hold.
 *
 * Input: mode (1) || plaintext length (2, big-endian) || write size (1) || ciphertext.
 * Mode bit 0 picks ChaCha20-Poly1305 over AES-256-GCM; bit 1 makes the
 * plaintext length known; bit 2 also opens each full chunk by random access.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stream/stream.h"

static const uint8_t fuzz_key[32] = "capsa fuzz key: not a secret...";
static const uint8_t fuzz_ctx[] = "capsa fuzz context";

typedef struct counted {
	uint64_t bytes;
} counted;

static capsa_status count_sink(void *arg, const uint8_t *data, size_t len)
{
	counted *c = arg;
	(void)data;
	c->bytes += len;
	return CAPSA_OK;
}

static void random_access(const capsa_stream_params *p, const uint8_t *ct, size_t len)
{
	capsa_stream_ra *ra = NULL;
	uint8_t out[CAPSA_STREAM_CHUNK_BYTES];

	if (len < CAPSA_STREAM_PREFIX_BYTES || capsa_stream_ra_new(&ra, p, ct) != CAPSA_OK)
		return;
	ct += CAPSA_STREAM_PREFIX_BYTES;
	len -= CAPSA_STREAM_PREFIX_BYTES;
	for (uint64_t i = 0; len > 0; i++) {
		bool final = len < CAPSA_STREAM_CHUNK_CT_BYTES;
		size_t n = final ? len : CAPSA_STREAM_CHUNK_CT_BYTES;
		capsa_status st = capsa_stream_ra_open(ra, out, i, final, ct, n);
		(void)st; /* any answer will do; only crashes count */
		ct += n;
		len -= n;
	}
	capsa_stream_ra_free(ra);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_stream_params p = {CAPSA_AEAD_AES_256_GCM, fuzz_key, sizeof fuzz_key, fuzz_ctx, sizeof fuzz_ctx,
	                         1, CAPSA_STREAM_LEN_UNKNOWN};
	capsa_stream_dec *dec = NULL;
	counted out = {0};
	capsa_status st;
	size_t step;

	if (size < 4)
		return 0;
	if (data[0] & 1)
		p.alg = CAPSA_AEAD_CHACHA20_POLY1305;
	if (data[0] & 2)
		p.plaintext_len = (uint64_t)data[1] << 8 | data[2];
	step = data[3] == 0 ? size : data[3];
	if (data[0] & 4)
		random_access(&p, data + 4, size - 4);
	data += 4;
	size -= 4;
	if (capsa_stream_dec_new(&dec, &p, count_sink, &out) != CAPSA_OK)
		abort();
	st = CAPSA_OK;
	for (size_t off = 0; st == CAPSA_OK && off < size; off += step)
		st = capsa_stream_dec_write(dec, data + off, size - off < step ? size - off : step);
	if (st == CAPSA_OK)
		st = capsa_stream_dec_finish(dec);
	/* Whatever was accepted, no more plaintext came out than the input can carry. */
	if (out.bytes > size || (st == CAPSA_OK && capsa_stream_ciphertext_len(out.bytes) != size))
		abort();
	if (st == CAPSA_OK && p.plaintext_len != CAPSA_STREAM_LEN_UNKNOWN && out.bytes != p.plaintext_len)
		abort();
	capsa_stream_dec_free(dec);
	return 0;
}
