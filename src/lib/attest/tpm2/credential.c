/*
 * TPM2_MakeCredential in software (TPM 2.0 part 1, 24: credential
 * protection), for an EK with AES-128-CFB and nameAlg SHA-256. The seed and
 * the encrypted secret that carries it depend on the EK's type:
 *   ECC P-256 (template L-2):
 *   (eph, Z)  = ECDH(ephemeral, EK)               Z is the shared x-coordinate
 *   seed      = KDFe(Z, "IDENTITY", eph.x, EK.x)
 *   encSecret = TPM2B(TPMS_ECC_POINT eph)
 *   RSA 2048 (template L-1):
 *   seed      = 32 random bytes
 *   encSecret = TPM2B(RSA-OAEP-SHA256(EK, seed, label "IDENTITY\0"))
 * and then for both:
 *   symKey    = KDFa(seed, "STORAGE", AK name, -, 128)
 *   hmacKey   = KDFa(seed, "INTEGRITY", -, -, 256)
 *   encId     = AES-128-CFB(symKey, IV 0, TPM2B_DIGEST(secret))
 *   idObject  = TPM2B(TPM2B(HMAC(hmacKey, encId || AK name)) || encId)
 * Only the TPM that holds the EK private key recovers the seed, and it
 * releases the secret only to an object whose name is the AK name.
 */
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_tpm2_types.h>

#include "attest/tpm2/tpm2.h"
#include "crypto/crypto.h"
#include "crypto/p256.h"
#include "crypto/rsa.h"
#include "wire/bytes.h"

/* The ephemeral-static ECDH half: the seed and the encrypted secret that carries the ephemeral point. */
static capsa_status make_seed_ecc(uint8_t seed[32], uint8_t **enc_secret, size_t *enc_secret_len,
                              const capsa_tpm2_public *ek)
{
	uint8_t ex[32], ey[32], z[32];
	capsa_cbb cbb = {0};
	capsa_status st;

	if ((st = capsa_p256_ecdh_ephemeral(ex, ey, z, ek->x, ek->y)) != CAPSA_OK)
		goto out;
	if ((st = capsa_tpm2_kdfe(seed, z, sizeof z, "IDENTITY", ex, 32, ek->x, 32)) != CAPSA_OK)
		goto out;
	st = CAPSA_ERR_NOMEM;
	if (capsa_cbb_init(&cbb, 70) && capsa_cbb_add_u16(&cbb, 2 + 32 + 2 + 32) &&
	    capsa_cbb_add_u16_prefixed(&cbb, ex, 32) && capsa_cbb_add_u16_prefixed(&cbb, ey, 32) &&
	    capsa_cbb_finish(&cbb, enc_secret, enc_secret_len))
		st = CAPSA_OK;
out:
	capsa_wipe(z, sizeof z);
	capsa_cbb_cleanup(&cbb);
	return st;
}

/* A random seed, RSA-OAEP encrypted to the EK. */
static capsa_status make_seed_rsa(uint8_t seed[32], uint8_t **enc_secret, size_t *enc_secret_len,
                                  const capsa_tpm2_public *ek)
{
	static const uint8_t label[] = "IDENTITY"; /* with its NUL, as the TPM wants */
	uint8_t ct[512];
	size_t ct_len = 0;
	capsa_cbb cbb = {0};
	capsa_status st;

	if ((st = capsa_random(seed, 32)) != CAPSA_OK ||
	    (st = capsa_rsa_oaep_sha256_encrypt(ct, &ct_len, ek->rsa_n.data, ek->rsa_n.len,
	                                        ek->rsa_exponent ? ek->rsa_exponent : 65537, label, sizeof label, seed,
	                                        32)) != CAPSA_OK)
		return st;
	st = CAPSA_ERR_NOMEM;
	if (capsa_cbb_init(&cbb, 2 + ct_len) && capsa_cbb_add_u16_prefixed(&cbb, ct, ct_len) &&
	    capsa_cbb_finish(&cbb, enc_secret, enc_secret_len))
		st = CAPSA_OK;
	capsa_cbb_cleanup(&cbb);
	return st;
}

/* Wraps |secret| for the object named |name| under |seed|. */
static capsa_status wrap_secret(uint8_t **id_object, size_t *id_object_len, const uint8_t seed[32],
                                const uint8_t name[CAPSA_TPM2_NAME_BYTES], const uint8_t *secret, size_t secret_len)
{
	static const uint8_t iv[16];
	uint8_t sym[16], hkey[32], plain[2 + 32], enc[2 + 32], mac[32];
	size_t enc_len = 2 + secret_len;
	capsa_cbb cbb = {0};
	capsa_status st;

	plain[0] = 0, plain[1] = (uint8_t)secret_len;
	memcpy(plain + 2, secret, secret_len);
	if ((st = capsa_tpm2_kdfa(sym, sizeof sym, seed, 32, "STORAGE", name, CAPSA_TPM2_NAME_BYTES, NULL, 0)) ||
	    (st = capsa_tpm2_kdfa(hkey, sizeof hkey, seed, 32, "INTEGRITY", NULL, 0, NULL, 0)) ||
	    (st = capsa_aes128_cfb_encrypt(enc, sym, iv, plain, enc_len)))
		goto out;
	st = CAPSA_ERR_NOMEM;
	if (!capsa_cbb_init(&cbb, 80) || !capsa_cbb_add_bytes(&cbb, enc, enc_len) ||
	    !capsa_cbb_add_bytes(&cbb, name, CAPSA_TPM2_NAME_BYTES) || cbb.failed)
		goto out;
	if ((st = capsa_hmac_sha256(mac, hkey, sizeof hkey, cbb.buf, cbb.len)) != CAPSA_OK)
		goto out;
	capsa_cbb_cleanup(&cbb);
	st = CAPSA_ERR_NOMEM;
	if (capsa_cbb_init(&cbb, 80) && capsa_cbb_add_u16(&cbb, (uint16_t)(2 + sizeof mac + enc_len)) &&
	    capsa_cbb_add_u16_prefixed(&cbb, mac, sizeof mac) && capsa_cbb_add_bytes(&cbb, enc, enc_len) &&
	    capsa_cbb_finish(&cbb, id_object, id_object_len))
		st = CAPSA_OK;
out:
	capsa_wipe(sym, sizeof sym);
	capsa_wipe(hkey, sizeof hkey);
	capsa_wipe(plain, sizeof plain);
	capsa_cbb_cleanup(&cbb);
	return st;
}

capsa_status capsa_tpm2_make_credential(const uint8_t *ek_pub, size_t ek_pub_len, const uint8_t *ak_pub,
                                        size_t ak_pub_len, const uint8_t *secret, size_t secret_len,
                                        uint8_t **id_object, size_t *id_object_len, uint8_t **enc_secret,
                                        size_t *enc_secret_len)
{
	capsa_tpm2_public ek;
	uint8_t name[CAPSA_TPM2_NAME_BYTES], seed[32];
	capsa_status st;

	*id_object = *enc_secret = NULL;
	*id_object_len = *enc_secret_len = 0;
	if (secret == NULL || secret_len == 0 || secret_len > 32)
		return CAPSA_ERR_ARG;
	if ((st = capsa_tpm2_ak_name(name, ak_pub, ak_pub_len)) != CAPSA_OK)
		return st;
	if ((st = capsa_tpm2_parse_public(&ek, ek_pub, ek_pub_len)) != CAPSA_OK)
		return st == CAPSA_ERR_UNSUPPORTED ? CAPSA_ERR_KEY : st;
	if (!capsa_tpm2_public_is_storage(&ek))
		return CAPSA_ERR_KEY;
	st = ek.type == TPM2_ALG_RSA ? make_seed_rsa(seed, enc_secret, enc_secret_len, &ek)
	                             : make_seed_ecc(seed, enc_secret, enc_secret_len, &ek);
	if (st == CAPSA_OK)
		st = wrap_secret(id_object, id_object_len, seed, name, secret, secret_len);
	capsa_wipe(seed, sizeof seed);
	if (st != CAPSA_OK) {
		free(*enc_secret);
		*enc_secret = NULL;
		*enc_secret_len = 0;
	}
	return st;
}
