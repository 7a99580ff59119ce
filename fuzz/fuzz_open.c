/*
 * The open path on arbitrary file bytes, with the fixed identity that the
 * vectors in tests/vectors/capsa/ are sealed to (seed 01 01 ... 01): header
 * parsing, stanza unwrapping, MAC check and payload decryption. It must end
 * in a status, and a chunk that fails must not have released more than the
 * chunks before it.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "fuzz.h"

static capsa_status count_sink(void *arg, const uint8_t *data, size_t len)
{
	(void)data;
	*(size_t *)arg += len;
	return CAPSA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static capsa_identity id;
	static int ready;
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	capsa_open *o = NULL;
	size_t out = 0, half = size / 2;
	capsa_status st;

	if (!ready) {
		uint8_t seed[CAPSA_IDENTITY_SEEDBYTES];
		memset(seed, 0x01, sizeof seed);
		if (capsa_identity_from_seed(&id, seed) != CAPSA_OK)
			abort();
		ready = 1;
	}
	if (capsa_open_new(&o, &u, 1, count_sink, &out) != CAPSA_OK)
		abort();
	/* two writes, so the header and chunks also arrive split */
	st = capsa_open_write(o, data, half);
	if (st == CAPSA_OK)
		st = capsa_open_write(o, data + half, size - half);
	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	if (st == CAPSA_ERR_CHUNK_AUTH && out != capsa_open_bad_chunk(o) * CAPSA_CHUNK_BYTES)
		abort();
	capsa_open_free(o);
	return 0;
}
