/* Umbral keys, the signer and SecretKeyFactory. */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "umbral/umbral_internal.h"

capsa_status capsa_umbral_secret_key_generate(capsa_umbral_secret_key *sk, const capsa_umbral_rng *rng)
{
	capsa_ec_scalar s;
	capsa_status st = umb_draw_scalar(rng, &s);

	if (st == CAPSA_OK)
		memcpy(sk->bytes, s.b, sizeof sk->bytes);
	capsa_ec_scalar_wipe(&s);
	return st;
}

capsa_status capsa_umbral_secret_key_from_bytes(capsa_umbral_secret_key *sk, const uint8_t in[32])
{
	if (!capsa_secp256k1_seckey_valid(in))
		return CAPSA_ERR_KEY;
	memcpy(sk->bytes, in, sizeof sk->bytes);
	return CAPSA_OK;
}

void capsa_umbral_secret_key_wipe(capsa_umbral_secret_key *sk)
{
	capsa_wipe(sk->bytes, sizeof sk->bytes);
}

capsa_status capsa_umbral_public_key_derive(capsa_umbral_public_key *pk, const capsa_umbral_secret_key *sk)
{
	return capsa_secp256k1_pubkey(pk->bytes, sk->bytes);
}

capsa_status capsa_umbral_public_key_from_bytes(capsa_umbral_public_key *pk, const uint8_t in[33])
{
	capsa_ec_point p;
	capsa_status st = capsa_ec_point_parse(&p, in);

	if (st == CAPSA_OK)
		memcpy(pk->bytes, in, sizeof pk->bytes);
	return st;
}

capsa_status capsa_umbral_sign(capsa_umbral_signature *sig, const capsa_umbral_secret_key *signer,
                               const uint8_t *msg, size_t msg_len, const capsa_umbral_rng *rng)
{
	uint8_t digest[32];
	capsa_ec_scalar sk;
	capsa_status st = capsa_ec_scalar_parse(&sk, signer->bytes);

	if (st == CAPSA_OK)
		st = capsa_sha256(digest, msg, msg_len);
	if (st == CAPSA_OK)
		st = umb_sign_digest(sig->bytes, &sk, digest, rng);
	capsa_ec_scalar_wipe(&sk);
	return st;
}

capsa_status capsa_umbral_verify(const capsa_umbral_signature *sig, const capsa_umbral_public_key *pk,
                                 const uint8_t *msg, size_t msg_len)
{
	uint8_t digest[32];
	capsa_ec_point p;
	capsa_status st = capsa_ec_point_parse(&p, pk->bytes);

	if (st == CAPSA_OK)
		st = capsa_sha256(digest, msg, msg_len);
	if (st == CAPSA_OK)
		st = capsa_ecdsa_verify(sig->bytes, &p, digest);
	return st;
}

/* HKDF-SHA256(ikm = seed, no salt, info = prefix ‖ label), |out_len| bytes; |info| receives the info string. */
static capsa_status skf_kdf(uint8_t *out, size_t out_len, uint8_t **info, size_t *info_len, const uint8_t seed[32],
                            const char *prefix, const uint8_t *label, size_t label_len)
{
	size_t plen = strlen(prefix);
	capsa_status st;

	if (label_len > 4096)
		return CAPSA_ERR_ARG;
	if ((*info = malloc(plen + label_len + 1)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(*info, prefix, plen);
	if (label_len > 0)
		memcpy(*info + plen, label, label_len);
	*info_len = plen + label_len;
	st = capsa_hkdf(out, out_len, seed, 32, NULL, 0, *info, *info_len);
	return st;
}

capsa_status capsa_umbral_skf_make_key(capsa_umbral_secret_key *sk, const uint8_t seed[32], const uint8_t *label,
                                       size_t label_len)
{
	uint8_t okm[64], *info = NULL;
	size_t info_len = 0;
	capsa_ec_scalar s;
	umb_part part = {okm, sizeof okm};
	capsa_status st = skf_kdf(okm, sizeof okm, &info, &info_len, seed, "KEY_DERIVATION/", label, label_len);

	/* the scalar's DST is the whole info string, the hashed data the 64-byte HKDF output */
	if (st == CAPSA_OK)
		st = umb_hash_to_scalar_dst(&s, info, info_len, &part, 1);
	if (st == CAPSA_OK)
		memcpy(sk->bytes, s.b, sizeof sk->bytes);
	capsa_wipe(okm, sizeof okm);
	capsa_ec_scalar_wipe(&s);
	free(info);
	return st;
}

capsa_status capsa_umbral_skf_make_secret(uint8_t out[64], const uint8_t seed[32], const uint8_t *label,
                                          size_t label_len)
{
	uint8_t *info = NULL;
	size_t info_len = 0;
	capsa_status st = skf_kdf(out, 64, &info, &info_len, seed, "SECRET_DERIVATION/", label, label_len);

	free(info);
	return st;
}

capsa_status capsa_umbral_skf_make_factory(uint8_t child_seed[32], const uint8_t seed[32], const uint8_t *label,
                                           size_t label_len)
{
	uint8_t *info = NULL;
	size_t info_len = 0;
	capsa_status st = skf_kdf(child_seed, 32, &info, &info_len, seed, "FACTORY_DERIVATION/", label, label_len);

	free(info);
	return st;
}
