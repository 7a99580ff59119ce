/* An identity's keys from its seed: HKDF-SHA256 with one label per key (doc/KEYS.md). */
#include <capsa/keys.h>

#include <string.h>

#include "crypto/crypto.h"
#include "crypto/secp256k1.h"

static const char label_x25519[] = "capsa/v1/x25519";
static const char label_ed25519[] = "capsa/v1/ed25519";
static const char label_secp256k1[] = "capsa/v1/secp256k1";

/* HKDF-SHA256(ikm = seed, salt = empty, info = label [|| counter], L = 32). */
static capsa_status derive(uint8_t out[32], const uint8_t seed[CAPSA_IDENTITY_SEEDBYTES], const char *label,
                           int counter)
{
	uint8_t info[32];
	size_t len = strlen(label);

	memcpy(info, label, len);
	if (counter > 0)
		info[len++] = (uint8_t)counter;
	return capsa_hkdf(out, 32, seed, CAPSA_IDENTITY_SEEDBYTES, NULL, 0, info, len);
}

/*
 * The secp256k1 secret must be in [1, n-1]. A 32-byte HKDF output misses that
 * range with probability about 2^-128; then the label is retried with a
 * counter byte 1, 2, ... appended, so the result stays a function of the seed.
 */
static capsa_status derive_secp256k1(capsa_identity *id)
{
	for (int counter = 0; counter < 256; counter++) {
		capsa_status st = derive(id->secp256k1_secret, id->seed, label_secp256k1, counter);
		if (st != CAPSA_OK)
			return st;
		if (capsa_secp256k1_seckey_valid(id->secp256k1_secret))
			return capsa_secp256k1_pubkey(id->secp256k1_public, id->secp256k1_secret);
	}
	return CAPSA_ERR_KEY;
}

capsa_status capsa_identity_from_seed(capsa_identity *id, const uint8_t seed[CAPSA_IDENTITY_SEEDBYTES])
{
	capsa_status st;

	memmove(id->seed, seed, CAPSA_IDENTITY_SEEDBYTES); /* |seed| may be id->seed */
	st = derive(id->x25519_secret, id->seed, label_x25519, 0);
	if (st == CAPSA_OK)
		st = capsa_x25519_public(id->x25519_public, id->x25519_secret);
	if (st == CAPSA_OK)
		st = derive(id->ed25519_seed, id->seed, label_ed25519, 0);
	if (st == CAPSA_OK)
		st = capsa_ed25519_public(id->ed25519_public, id->ed25519_seed);
	if (st == CAPSA_OK)
		st = derive_secp256k1(id);
	if (st != CAPSA_OK)
		capsa_identity_wipe(id);
	return st;
}

capsa_status capsa_identity_generate(capsa_identity *id)
{
	capsa_status st = capsa_random(id->seed, CAPSA_IDENTITY_SEEDBYTES);

	if (st == CAPSA_OK)
		st = capsa_identity_from_seed(id, id->seed);
	if (st != CAPSA_OK)
		capsa_identity_wipe(id);
	return st;
}

void capsa_identity_recipient(capsa_recipient *out, const capsa_identity *id)
{
	memcpy(out->x25519_public, id->x25519_public, sizeof out->x25519_public);
	memcpy(out->secp256k1_public, id->secp256k1_public, sizeof out->secp256k1_public);
	memcpy(out->ed25519_public, id->ed25519_public, sizeof out->ed25519_public);
	out->has_ed25519 = true;
}

void capsa_identity_wipe(capsa_identity *id)
{
	capsa_wipe(id, sizeof *id);
}
