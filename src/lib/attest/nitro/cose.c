/* COSE_Sign1 parsing and the Sig_structure (see nitro.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest/nitro/nitro.h"
#include "wire/cbor.h"

static capsa_status bad(char *why, size_t why_len, capsa_status st, const char *msg)
{
	if (why_len > 0)
		snprintf(why, why_len, "%s", msg);
	return st;
}

/* The protected header must be exactly {1: -35}. */
static capsa_status parse_protected(const capsa_cbs *hdr, char *why, size_t why_len)
{
	capsa_cbs c = *hdr;
	uint64_t n;
	int64_t label, alg;

	if (!capsa_cbor_get_map(&c, &n) || n != 1 || !capsa_cbor_get_int(&c, &label) || label != 1 ||
	    !capsa_cbor_get_int(&c, &alg) || c.len != 0)
		return bad(why, why_len, CAPSA_ERR_DECODE, "protected header is not {1: alg}");
	if (alg != CAPSA_COSE_ALG_ES384)
		return bad(why, why_len, CAPSA_ERR_UNSUPPORTED, "COSE algorithm is not ES384");
	return CAPSA_OK;
}

capsa_status capsa_cose_sign1_parse(capsa_cose_sign1 *msg, const uint8_t *buf, size_t len, char *why,
                                    size_t why_len)
{
	capsa_cbs cbs;
	uint64_t tag, n, unprotected;
	capsa_status st;

	memset(msg, 0, sizeof *msg);
	capsa_cbs_init(&cbs, buf, buf == NULL ? 0 : len);
	if (capsa_cbor_peek_major(&cbs) == CAPSA_CBOR_TAG &&
	    (!capsa_cbor_get_tag(&cbs, &tag) || tag != CAPSA_COSE_TAG_SIGN1))
		return bad(why, why_len, CAPSA_ERR_DECODE, "tagged, but not COSE_Sign1 (18)");
	if (!capsa_cbor_get_array(&cbs, &n) || n != 4 || !capsa_cbor_get_bstr(&cbs, &msg->protected_hdr) ||
	    !capsa_cbor_get_map(&cbs, &unprotected) || unprotected != 0 || !capsa_cbor_get_bstr(&cbs, &msg->payload) ||
	    !capsa_cbor_get_bstr(&cbs, &msg->signature)) {
		st = bad(why, why_len, CAPSA_ERR_DECODE, "not a COSE_Sign1 [protected, {}, payload, signature]");
		goto fail;
	}
	if ((st = parse_protected(&msg->protected_hdr, why, why_len)) != CAPSA_OK)
		goto fail;
	if (msg->signature.len != CAPSA_COSE_ES384_SIGBYTES) {
		st = bad(why, why_len, CAPSA_ERR_DECODE, "ES384 signature is not 96 bytes");
		goto fail;
	}
	if (cbs.len != 0) {
		st = bad(why, why_len, CAPSA_ERR_TRAILING, "bytes after the COSE_Sign1");
		goto fail;
	}
	return CAPSA_OK;
fail:
	memset(msg, 0, sizeof *msg);
	return st;
}

capsa_status capsa_cose_sig_structure(uint8_t **out, size_t *out_len, const capsa_cose_sign1 *msg)
{
	static const char context[] = "Signature1";
	capsa_cbb cbb;

	*out = NULL;
	*out_len = 0;
	if (!capsa_cbb_init(&cbb, msg->payload.len + msg->protected_hdr.len + 32))
		return CAPSA_ERR_NOMEM;
	capsa_cbor_add_head(&cbb, CAPSA_CBOR_ARRAY, 4);
	capsa_cbor_add_head(&cbb, CAPSA_CBOR_TSTR, sizeof context - 1);
	capsa_cbb_add_bytes(&cbb, context, sizeof context - 1);
	capsa_cbor_add_head(&cbb, CAPSA_CBOR_BSTR, msg->protected_hdr.len);
	capsa_cbb_add_bytes(&cbb, msg->protected_hdr.data, msg->protected_hdr.len);
	capsa_cbor_add_head(&cbb, CAPSA_CBOR_BSTR, 0); /* external_aad */
	capsa_cbor_add_head(&cbb, CAPSA_CBOR_BSTR, msg->payload.len);
	capsa_cbb_add_bytes(&cbb, msg->payload.data, msg->payload.len);
	return capsa_cbb_finish(&cbb, out, out_len) ? CAPSA_OK : CAPSA_ERR_NOMEM; /* finish sees any failed add */
}
