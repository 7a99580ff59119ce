/*
 * The TPM 2.0 verifier's parsers on untrusted bytes. The first byte picks the
 * target: 0 TPMS_ATTEST, 1 TPM2B_PUBLIC (and the AK name), 2 TPMT_SIGNATURE,
 * 3 a whole quote verification over u16-prefixed AK public, attest and
 * signature followed by the claimed PCR values, 4 an EK certificate (DER)
 * after a u16-prefixed EK public. Seeds are from a real swtpm.
 */
#include <string.h>

#include "attest/tpm2/tpm2.h"
#include "fuzz.h"
#include "wire/bytes.h"

static void fuzz_verify(const uint8_t *data, size_t size)
{
	static const uint8_t binding[CAPSA_ATTEST_BINDING_BYTES];
	capsa_cbs cbs, ak, at, sig;
	capsa_tpm2_evidence ev;
	capsa_attest_result res;
	uint8_t name[CAPSA_TPM2_NAME_BYTES] = {0};
	capsa_tpm2_trust trust = {.ak_names = name, .num_ak_names = 1, .measurement_pcr = CAPSA_TPM2_PCR};
	capsa_attest_expect expect = {.report_data = binding, .report_data_len = sizeof binding};

	capsa_cbs_init(&cbs, data, size);
	if (!capsa_cbs_get_u16_prefixed(&cbs, &ak) || !capsa_cbs_get_u16_prefixed(&cbs, &at) ||
	    !capsa_cbs_get_u16_prefixed(&cbs, &sig))
		return;
	/* Trust whatever AK is offered, so the fuzzer reaches every later check. */
	if (capsa_tpm2_ak_name(name, ak.data, ak.len) != CAPSA_OK)
		memset(name, 0, sizeof name);
	ev = (capsa_tpm2_evidence){ak.data, ak.len, at.data, at.len, sig.data, sig.len, cbs.data, cbs.len};
	if (capsa_tpm2_verify(&ev, &trust, &expect, &res) == CAPSA_OK && !capsa_attest_result_ok(&res))
		__builtin_trap(); /* an OK status must mean every check passed */
}

static capsa_status fuzz_ek_cert(const uint8_t *data, size_t size)
{
	capsa_cbs cbs, ek;

	capsa_cbs_init(&cbs, data, size);
	if (!capsa_cbs_get_u16_prefixed(&cbs, &ek))
		return CAPSA_ERR_DECODE;
	return capsa_tpm2_ek_cert_matches(ek.data, ek.len, cbs.data, cbs.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	capsa_tpm2_attest at;
	capsa_tpm2_public pub;
	capsa_tpm2_signature sig;
	uint8_t name[CAPSA_TPM2_NAME_BYTES];
	capsa_status st = CAPSA_OK;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		st = capsa_tpm2_parse_attest(&at, data + 1, size - 1);
		break;
	case 1:
		if (capsa_tpm2_parse_public(&pub, data + 1, size - 1) == CAPSA_OK)
			(void)capsa_tpm2_public_is_ak(&pub);
		st = capsa_tpm2_ak_name(name, data + 1, size - 1);
		break;
	case 2:
		st = capsa_tpm2_parse_signature(&sig, data + 1, size - 1);
		break;
	case 3:
		fuzz_verify(data + 1, size - 1);
		break;
	case 4:
		st = fuzz_ek_cert(data + 1, size - 1);
		break;
	}
	(void)st; /* only crashes, hangs and sanitizer reports matter here */
	return 0;
}
