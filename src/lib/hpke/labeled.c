/* LabeledExtract / LabeledExpand (RFC 9180 section 4) over HKDF-SHA256. */
#include "hpke/labeled.h"

#include <string.h>

#include "hpke/hpke.h"
#include "wire/bytes.h"

static const char version_label[] = "HPKE-v1";

void hpke_suite_kem(hpke_suite *s)
{
	memcpy(s->id, "KEM", 3);
	s->id[3] = CAPSA_HPKE_KEM_X25519_HKDF_SHA256 >> 8;
	s->id[4] = CAPSA_HPKE_KEM_X25519_HKDF_SHA256 & 0xff;
	s->len = HPKE_KEM_SUITE_ID_BYTES;
}

void hpke_suite_full(hpke_suite *s, uint16_t aead_id)
{
	memcpy(s->id, "HPKE", 4);
	s->id[4] = CAPSA_HPKE_KEM_X25519_HKDF_SHA256 >> 8;
	s->id[5] = CAPSA_HPKE_KEM_X25519_HKDF_SHA256 & 0xff;
	s->id[6] = CAPSA_HPKE_KDF_HKDF_SHA256 >> 8;
	s->id[7] = CAPSA_HPKE_KDF_HKDF_SHA256 & 0xff;
	s->id[8] = (uint8_t)(aead_id >> 8);
	s->id[9] = (uint8_t)(aead_id & 0xff);
	s->len = HPKE_SUITE_ID_BYTES;
}

/* "HPKE-v1" || suite_id || label || data; the builder wipes it (it often holds secrets). */
static void add_labeled(capsa_cbb *cbb, const hpke_suite *s, const char *label, const uint8_t *data, size_t len)
{
	capsa_cbb_add_bytes(cbb, version_label, sizeof version_label - 1);
	capsa_cbb_add_bytes(cbb, s->id, s->len);
	capsa_cbb_add_bytes(cbb, label, strlen(label));
	if (len > 0)
		capsa_cbb_add_bytes(cbb, data, len);
}

capsa_status hpke_labeled_extract(uint8_t prk[CAPSA_SHA256_BYTES], const hpke_suite *s, const uint8_t *salt,
                                  size_t salt_len, const char *label, const uint8_t *ikm, size_t ikm_len)
{
	capsa_cbb cbb = {0};
	capsa_status st = CAPSA_ERR_NOMEM;

	if (!capsa_cbb_init(&cbb, 64 + ikm_len))
		goto out;
	add_labeled(&cbb, s, label, ikm, ikm_len);
	if (cbb.failed)
		goto out;
	st = capsa_hkdf_extract(prk, salt, salt_len, cbb.buf, cbb.len);
out:
	capsa_cbb_cleanup(&cbb);
	if (st != CAPSA_OK)
		capsa_wipe(prk, CAPSA_SHA256_BYTES);
	return st;
}

capsa_status hpke_labeled_expand(uint8_t *out, size_t out_len, const hpke_suite *s,
                                 const uint8_t prk[CAPSA_SHA256_BYTES], const char *label, const uint8_t *info,
                                 size_t info_len)
{
	capsa_cbb cbb = {0};
	capsa_status st = CAPSA_ERR_NOMEM;

	if (out_len == 0 || out_len > 255 * CAPSA_SHA256_BYTES)
		return CAPSA_ERR_ARG;
	if (!capsa_cbb_init(&cbb, 64 + info_len))
		goto out;
	capsa_cbb_add_u16(&cbb, (uint16_t)out_len);
	add_labeled(&cbb, s, label, info, info_len);
	if (cbb.failed)
		goto out;
	st = capsa_hkdf_expand(out, out_len, prk, cbb.buf, cbb.len);
out:
	capsa_cbb_cleanup(&cbb);
	if (st != CAPSA_OK)
		capsa_wipe(out, out_len);
	return st;
}
