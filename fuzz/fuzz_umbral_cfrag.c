/*
 * The cfrag parsers (wire and simple form): never crash; what parses
 * re-serializes to the same bytes, and verification and decryption with it
 * fail cleanly.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/umbral.h>

#include "fuzz.h"

/* A fixed valid capsule and keys (from the reference vectors' first case). */
static const uint8_t capsule_simple[98] = {
	0x02, 0x73, 0xc4, 0x02, 0xda, 0x4d, 0x03, 0x90, 0xea, 0x31, 0xba, 0x80, 0xf0, 0xdb, 0x17, 0xef, 0x28, 0x17, 0x3c, 0x33,
	0x3f, 0x3b, 0xb5, 0xd3, 0x81, 0xd4, 0x62, 0x4c, 0xf8, 0x22, 0x70, 0x95, 0x42, 0x02, 0x75, 0x5f, 0x8a, 0xc4, 0x13, 0xf7,
	0x1e, 0x84, 0x44, 0xbc, 0x66, 0x16, 0x7e, 0x2a, 0xbc, 0x6e, 0xe8, 0x9c, 0x50, 0x48, 0x5c, 0xd4, 0xf9, 0x25, 0x44, 0x67,
	0x74, 0xb6, 0xc0, 0x51, 0x80, 0x9d, 0xd8, 0x7e, 0x59, 0x51, 0xd1, 0x27, 0xcc, 0x9d, 0xe7, 0x0f, 0x71, 0x94, 0x05, 0x90,
	0xf6, 0xd7, 0x7c, 0x12, 0x63, 0xff, 0x0d, 0x28, 0x89, 0x89, 0x66, 0x6f, 0x96, 0x0b, 0xed, 0x94, 0xcf, 0xd9,
};

static void exercise(const capsa_umbral_cfrag *c)
{
	capsa_umbral_capsule capsule;
	capsa_umbral_public_key pk;
	capsa_umbral_secret_key sk;
	uint8_t ct[CAPSA_UMBRAL_DEM_OVERHEAD] = {0}, pt[1];

	if (capsa_umbral_capsule_from_bytes_simple(&capsule, capsule_simple, sizeof capsule_simple) != CAPSA_OK)
		abort();
	memcpy(pk.bytes, c->precursor, sizeof pk.bytes);
	memset(sk.bytes, 0x11, sizeof sk.bytes);
	(void)!capsa_umbral_cfrag_verify(c, &capsule, &pk, &pk, &pk);
	if (capsa_umbral_decrypt_reencrypted(pt, &sk, &pk, &capsule, c, 1, 1, ct, sizeof ct) == CAPSA_OK)
		abort(); /* an all-zero ciphertext never authenticates */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_umbral_cfrag c;
	uint8_t out[CAPSA_UMBRAL_CFRAG_BYTES];

	if (capsa_umbral_cfrag_from_bytes(&c, data, size) == CAPSA_OK) {
		capsa_umbral_cfrag_to_bytes(out, &c);
		if (size != CAPSA_UMBRAL_CFRAG_BYTES || memcmp(out, data, size) != 0)
			abort();
		exercise(&c);
	}
	if (capsa_umbral_cfrag_from_bytes_simple(&c, data, size) == CAPSA_OK) {
		capsa_umbral_cfrag_to_bytes_simple(out, &c);
		if (size != CAPSA_UMBRAL_CFRAG_SIMPLE_BYTES || memcmp(out, data, size) != 0)
			abort();
		exercise(&c);
	}
	return 0;
}
