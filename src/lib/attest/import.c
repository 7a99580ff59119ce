/*
 * Importing what users are handed: capsa envelopes as they are, and vendor
 * evidence (a Nitro attestation document, raw or base64; an SEV-SNP report
 * with its VCEK) wrapped into an envelope with an empty nonce and no keys.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "wire/base64.h"

#define SNP_REPORT_BYTES 1184

/* A COSE_Sign1 starts with a 4-element array (0x84), possibly under tag 18 (0xd2). */
static bool looks_like_cose(const uint8_t *in, size_t len)
{
	return len > 4 && (in[0] == 0x84 || (in[0] == 0xd2 && in[1] == 0x84));
}

static capsa_status wrap(uint8_t **out, size_t *out_len, capsa_attest_platform platform, capsa_evidence_tag tag1,
                         const uint8_t *v1, size_t l1, capsa_evidence_tag tag2, const uint8_t *v2, size_t l2)
{
	capsa_evidence ev = {.platform = platform};
	capsa_status st;

	if ((st = capsa_evidence_add(&ev, tag1, v1, l1)) != CAPSA_OK)
		return st;
	if (v2 != NULL && (st = capsa_evidence_add(&ev, tag2, v2, l2)) != CAPSA_OK)
		return st;
	st = capsa_evidence_serialize(&ev, out, out_len);
	return st == CAPSA_ERR_ARG ? CAPSA_ERR_DECODE : st;
}

static capsa_status import_nitro(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len)
{
	uint8_t *doc = NULL;
	size_t doc_len = 0;
	capsa_status st;

	if (looks_like_cose(in, in_len))
		return wrap(out, out_len, CAPSA_PLATFORM_NITRO, CAPSA_EV_NITRO_DOCUMENT, in, in_len, 0, NULL, 0);
	if ((st = capsa_base64_decode(&doc, &doc_len, (const char *)in, in_len)) != CAPSA_OK)
		return st;
	if (looks_like_cose(doc, doc_len))
		st = wrap(out, out_len, CAPSA_PLATFORM_NITRO, CAPSA_EV_NITRO_DOCUMENT, doc, doc_len, 0, NULL, 0);
	else
		st = CAPSA_ERR_DECODE;
	free(doc);
	return st;
}

capsa_status capsa_evidence_import(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len,
                                   const uint8_t *vcek, size_t vcek_len)
{
	capsa_evidence ev;
	capsa_status st;

	*out = NULL, *out_len = 0;
	if (in == NULL)
		return CAPSA_ERR_ARG;
	st = capsa_evidence_parse(&ev, in, in_len);
	if (st == CAPSA_OK) {
		if ((*out = malloc(in_len)) == NULL)
			return CAPSA_ERR_NOMEM;
		memcpy(*out, in, in_len);
		*out_len = in_len;
		return CAPSA_OK;
	}
	if (st != CAPSA_ERR_NOT_CAPSA)
		return st; /* an envelope, but a broken one: say why */
	if (vcek != NULL) {
		if (in_len != SNP_REPORT_BYTES)
			return CAPSA_ERR_DECODE;
		return wrap(out, out_len, CAPSA_PLATFORM_SEV_SNP, CAPSA_EV_SNP_REPORT, in, in_len, CAPSA_EV_SNP_VCEK, vcek,
		            vcek_len);
	}
	return import_nitro(out, out_len, in, in_len);
}
