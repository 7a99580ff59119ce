/* Single-shot HPKE in base mode (RFC 9180 section 6.1): one message per encapsulation. */
#include <string.h>

#include "hpke/hpke.h"

capsa_status capsa_hpke_seal_base(uint8_t enc[CAPSA_HPKE_ENCBYTES], uint8_t *ct, capsa_aead_alg alg,
                                  const uint8_t pk_r[CAPSA_HPKE_PUBLICBYTES],
                                  const uint8_t *info, size_t info_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *pt, size_t pt_len)
{
	capsa_hpke_ctx ctx;
	capsa_status st;

	st = capsa_hpke_setup_sender(&ctx, enc, alg, pk_r, info, info_len, NULL);
	if (st == CAPSA_OK)
		st = capsa_hpke_seal(&ctx, ct, aad, aad_len, pt, pt_len);
	capsa_hpke_ctx_cleanup(&ctx);
	if (st != CAPSA_OK) {
		memset(enc, 0, CAPSA_HPKE_ENCBYTES);
		memset(ct, 0, pt_len + CAPSA_HPKE_TAGBYTES);
	}
	return st;
}

capsa_status capsa_hpke_open_base(uint8_t *pt, capsa_aead_alg alg, const uint8_t enc[CAPSA_HPKE_ENCBYTES],
                                  const uint8_t sk_r[CAPSA_HPKE_SECRETBYTES],
                                  const uint8_t *info, size_t info_len, const uint8_t *aad, size_t aad_len,
                                  const uint8_t *ct, size_t ct_len)
{
	capsa_hpke_ctx ctx;
	capsa_status st;

	if (ct_len < CAPSA_HPKE_TAGBYTES)
		return CAPSA_ERR_TRUNCATED;
	st = capsa_hpke_setup_recipient(&ctx, alg, enc, sk_r, info, info_len, NULL);
	if (st == CAPSA_OK)
		st = capsa_hpke_open(&ctx, pt, aad, aad_len, ct, ct_len);
	capsa_hpke_ctx_cleanup(&ctx);
	if (st != CAPSA_OK)
		capsa_wipe(pt, ct_len - CAPSA_HPKE_TAGBYTES);
	return st;
}
