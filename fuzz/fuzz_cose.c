/*
 * AWS Nitro: the CBOR reader, COSE_Sign1, the attestation document, then the
 * whole verifier (seeds: the two real documents, tagged and untagged).
 */
#include <string.h>

#include "attest/core.h"
#include "attest/nitro/nitro.h"
#include "fuzz.h"
#include "wire/cbor.h"

static void any_cbor(const uint8_t *data, size_t size)
{
	capsa_cbs cbs;

	capsa_cbs_init(&cbs, data, size);
	while (cbs.len > 0 && capsa_cbor_skip(&cbs))
		;
}

/* What a parsed document promises its users. */
static bool doc_sane(const capsa_nitro_doc *doc)
{
	for (int i = 0; i < CAPSA_NITRO_MAX_PCRS; i++)
		if ((doc->pcr_mask >> i & 1) && doc->pcr[i].len != CAPSA_NITRO_PCR_BYTES)
			return false;
	return doc->num_cabundle >= 1 && doc->num_cabundle <= CAPSA_NITRO_MAX_CABUNDLE && doc->certificate.len >= 1 &&
	       doc->module_id.len >= 1 && doc->pcr_mask != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ones[1024];
	capsa_attest_expect e = {.report_data = ones, .report_data_len = sizeof ones, .nonce = ones,
	                         .nonce_len = sizeof ones, .at = 1725719859};
	capsa_attest_result res;
	capsa_cose_sign1 msg;
	capsa_nitro_doc doc;
	char why[96];

	memset(ones, 1, sizeof ones);
	any_cbor(data, size);
	if (capsa_cose_sign1_parse(&msg, data, size, why, sizeof why) == CAPSA_OK &&
	    msg.signature.len != CAPSA_COSE_ES384_SIGBYTES)
		__builtin_trap();
	if (capsa_nitro_doc_parse(&doc, data, size, why, sizeof why) == CAPSA_OK && !doc_sane(&doc))
		__builtin_trap(); /* the input as a bare payload */
	if (capsa_nitro_verify(data, size, &e, &res) == CAPSA_OK && !capsa_attest_result_ok(&res))
		__builtin_trap();
	return 0;
}
