/* TPM 2.0 KDFa and KDFe with SHA-256, over capsa's HMAC and SHA-256. */
#include "attest/tpm2/tpm2.h"

#include <string.h>

#include "crypto/crypto.h"
#include "wire/bytes.h"

/* Writes label || 0x00 || u || v: the part of the KDF input shared by both functions. */
static bool add_label_parties(capsa_cbb *cbb, const char *label, const uint8_t *u, size_t u_len, const uint8_t *v,
                              size_t v_len)
{
	return capsa_cbb_add_bytes(cbb, label, strlen(label) + 1) && capsa_cbb_add_bytes(cbb, u, u_len) &&
	       capsa_cbb_add_bytes(cbb, v, v_len);
}

capsa_status capsa_tpm2_kdfa(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len, const char *label,
                             const uint8_t *u, size_t u_len, const uint8_t *v, size_t v_len)
{
	uint8_t block[CAPSA_SHA256_BYTES];
	capsa_cbb cbb = {0};
	capsa_status st = CAPSA_ERR_NOMEM;

	if (out_len == 0 || out_len > 2 * CAPSA_SHA256_BYTES)
		return CAPSA_ERR_ARG;
	for (uint32_t i = 1; (i - 1) * CAPSA_SHA256_BYTES < out_len; i++) {
		size_t off = (i - 1) * CAPSA_SHA256_BYTES;
		size_t n = out_len - off < CAPSA_SHA256_BYTES ? out_len - off : CAPSA_SHA256_BYTES;
		capsa_cbb_cleanup(&cbb);
		if (!capsa_cbb_init(&cbb, 64) || !capsa_cbb_add_u32(&cbb, i) ||
		    !add_label_parties(&cbb, label, u, u_len, v, v_len) || !capsa_cbb_add_u32(&cbb, (uint32_t)out_len * 8))
			goto out;
		if ((st = capsa_hmac_sha256(block, key, key_len, cbb.buf, cbb.len)) != CAPSA_OK)
			goto out;
		memcpy(out + off, block, n);
		st = CAPSA_ERR_NOMEM;
	}
	st = CAPSA_OK;
out:
	capsa_wipe(block, sizeof block);
	capsa_cbb_cleanup(&cbb);
	if (st != CAPSA_OK)
		capsa_wipe(out, out_len);
	return st;
}

capsa_status capsa_tpm2_kdfe(uint8_t out[32], const uint8_t *z, size_t z_len, const char *label, const uint8_t *u,
                             size_t u_len, const uint8_t *v, size_t v_len)
{
	capsa_cbb cbb = {0};
	capsa_status st = CAPSA_ERR_NOMEM;

	if (capsa_cbb_init(&cbb, 128) && capsa_cbb_add_u32(&cbb, 1) && capsa_cbb_add_bytes(&cbb, z, z_len) &&
	    add_label_parties(&cbb, label, u, u_len, v, v_len) && !cbb.failed)
		st = capsa_sha256(out, cbb.buf, cbb.len);
	capsa_cbb_cleanup(&cbb);
	return st;
}
