/* Attestation results and the key/nonce binding. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "attest/core.h"
#include "crypto/crypto.h"

const char *capsa_attest_platform_name(capsa_attest_platform p)
{
	switch (p) {
	case CAPSA_PLATFORM_SIM: return "sim";
	case CAPSA_PLATFORM_TPM2: return "tpm2";
	case CAPSA_PLATFORM_SEV_SNP: return "sev-snp";
	case CAPSA_PLATFORM_NITRO: return "nitro";
	case CAPSA_PLATFORM_NONE: break;
	}
	return "none";
}

void capsa_attest_check_add(capsa_attest_result *res, const char *name, bool passed, const char *fmt, ...)
{
	capsa_attest_check *c;
	va_list ap;

	if (res->num_checks >= CAPSA_ATTEST_MAX_CHECKS)
		return;
	c = &res->checks[res->num_checks++];
	snprintf(c->name, sizeof c->name, "%s", name);
	c->passed = passed;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
}

bool capsa_attest_result_ok(const capsa_attest_result *res)
{
	if (res->num_checks == 0)
		return false;
	for (size_t i = 0; i < res->num_checks; i++)
		if (!res->checks[i].passed)
			return false;
	return true;
}

capsa_status capsa_attest_binding(uint8_t out[CAPSA_ATTEST_BINDING_BYTES], const uint8_t *keys, size_t keys_len,
                                  const uint8_t *nonce, size_t nonce_len)
{
	static const char label[] = "capsa/v1/attest-binding"; /* the NUL is part of the input */
	uint8_t be[4];
	capsa_sha256_ctx ctx;
	capsa_status st;

	if (keys_len > UINT32_MAX || nonce_len > UINT32_MAX)
		return CAPSA_ERR_ARG;
	if ((st = capsa_sha256_init(&ctx)) != CAPSA_OK)
		return st;
	be[0] = (uint8_t)(keys_len >> 24), be[1] = (uint8_t)(keys_len >> 16);
	be[2] = (uint8_t)(keys_len >> 8), be[3] = (uint8_t)keys_len;
	if ((st = capsa_sha256_update(&ctx, label, sizeof label)) != CAPSA_OK ||
	    (st = capsa_sha256_update(&ctx, be, 4)) != CAPSA_OK ||
	    (st = capsa_sha256_update(&ctx, keys, keys_len)) != CAPSA_OK)
		goto fail;
	be[0] = (uint8_t)(nonce_len >> 24), be[1] = (uint8_t)(nonce_len >> 16);
	be[2] = (uint8_t)(nonce_len >> 8), be[3] = (uint8_t)nonce_len;
	if ((st = capsa_sha256_update(&ctx, be, 4)) != CAPSA_OK ||
	    (st = capsa_sha256_update(&ctx, nonce, nonce_len)) != CAPSA_OK)
		goto fail;
	return capsa_sha256_final(&ctx, out);
fail:
	capsa_sha256_cleanup(&ctx);
	return st;
}
