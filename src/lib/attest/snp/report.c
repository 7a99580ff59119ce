/*
 * Strict parsing of the SEV-SNP attestation report. The fields are read in
 * order through a capsa_cbs, so every offset follows from the sizes before it;
 * the offsets in the comments are the specification's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "attest/snp/snp.h"
#include "wire/bytes.h"

static bool get_le32(capsa_cbs *cbs, uint32_t *out)
{
	uint8_t b[4];

	if (!capsa_cbs_copy(cbs, b, sizeof b))
		return false;
	*out = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

static bool get_le64(capsa_cbs *cbs, uint64_t *out)
{
	uint32_t lo, hi;

	if (!get_le32(cbs, &lo) || !get_le32(cbs, &hi))
		return false;
	*out = (uint64_t)hi << 32 | lo;
	return true;
}

/* Consumes |len| bytes that must all be zero. */
static bool get_zeros(capsa_cbs *cbs, size_t len)
{
	capsa_cbs z;
	uint8_t acc = 0;

	if (!capsa_cbs_get_bytes(cbs, &z, len))
		return false;
	for (size_t i = 0; i < len; i++)
		acc |= z.data[i];
	return acc == 0;
}

static capsa_status bad(char *why, size_t why_len, capsa_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static capsa_status bad(char *why, size_t why_len, capsa_status st, const char *fmt, ...)
{
	va_list ap;

	if (why_len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* 0x000-0x04F: version through the key information word. */
static bool parse_head(capsa_snp_report *r, capsa_cbs *cbs)
{
	return get_le32(cbs, &r->version) && get_le32(cbs, &r->guest_svn) && get_le64(cbs, &r->policy) &&
	       capsa_cbs_copy(cbs, r->family_id, 16) && capsa_cbs_copy(cbs, r->image_id, 16) &&
	       get_le32(cbs, &r->vmpl) && get_le32(cbs, &r->signature_algo) && get_le64(cbs, &r->current_tcb) &&
	       get_le64(cbs, &r->platform_info) && get_le32(cbs, &r->key_info);
}

/* 0x050-0x1A0: the digests, ids and the reported TCB, then the CPUID bytes (v3+). */
static bool parse_middle(capsa_snp_report *r, capsa_cbs *cbs)
{
	if (!get_zeros(cbs, 4) || !capsa_cbs_copy(cbs, r->report_data, sizeof r->report_data) ||
	    !capsa_cbs_copy(cbs, r->measurement, sizeof r->measurement) ||
	    !capsa_cbs_copy(cbs, r->host_data, sizeof r->host_data) ||
	    !capsa_cbs_copy(cbs, r->id_key_digest, sizeof r->id_key_digest) ||
	    !capsa_cbs_copy(cbs, r->author_key_digest, sizeof r->author_key_digest) ||
	    !capsa_cbs_copy(cbs, r->report_id, sizeof r->report_id) ||
	    !capsa_cbs_copy(cbs, r->report_id_ma, sizeof r->report_id_ma) || !get_le64(cbs, &r->reported_tcb))
		return false;
	if (r->version >= 3 && !capsa_cbs_skip(cbs, 3)) /* CPUID family, model, stepping */
		return false;
	return get_zeros(cbs, r->version >= 3 ? 0x18 - 3 : 0x18);
}

/* 0x1A0-0x4A0: chip id, committed and launch TCB, the signature. */
static bool parse_tail(capsa_snp_report *r, capsa_cbs *cbs)
{
	if (!capsa_cbs_copy(cbs, r->chip_id, sizeof r->chip_id) || !get_le64(cbs, &r->committed_tcb) ||
	    !capsa_cbs_copy(cbs, r->current_version, 3) || !get_zeros(cbs, 1) ||
	    !capsa_cbs_copy(cbs, r->committed_version, 3) || !get_zeros(cbs, 1) || !get_le64(cbs, &r->launch_tcb))
		return false;
	if (r->version >= 4 && !capsa_cbs_skip(cbs, 16)) /* launch and current mitigation vectors */
		return false;
	if (!get_zeros(cbs, CAPSA_SNP_SIGNED_BYTES - 0x1F8 - (r->version >= 4 ? 16 : 0)))
		return false;
	return capsa_cbs_copy(cbs, r->sig_r, sizeof r->sig_r) && capsa_cbs_copy(cbs, r->sig_s, sizeof r->sig_s) &&
	       get_zeros(cbs, CAPSA_SNP_REPORT_BYTES - CAPSA_SNP_SIGNED_BYTES - 2 * CAPSA_SNP_SIG_COMPONENT_BYTES);
}

static capsa_status check_fields(const capsa_snp_report *r, char *why, size_t why_len)
{
	uint32_t signing_key = (r->key_info >> 2) & 7;

	if (r->version < 2 || r->version > 5)
		return bad(why, why_len, CAPSA_ERR_VERSION, "report version %u (2 to 5 expected)", r->version);
	if (r->signature_algo != CAPSA_SNP_SIG_ALGO_ECDSA_P384_SHA384)
		return bad(why, why_len, CAPSA_ERR_UNSUPPORTED, "signature algorithm %u", r->signature_algo);
	if (r->vmpl > 3)
		return bad(why, why_len, CAPSA_ERR_DECODE, "VMPL %u out of range", r->vmpl);
	if (signing_key != CAPSA_SNP_SIGNING_KEY_VCEK)
		return bad(why, why_len, CAPSA_ERR_UNSUPPORTED, "signing key %u (only VCEK is supported)", signing_key);
	if (r->key_info >> 5)
		return bad(why, why_len, CAPSA_ERR_DECODE, "reserved key information bits set");
	return CAPSA_OK;
}

capsa_status capsa_snp_report_parse(capsa_snp_report *rep, const uint8_t *buf, size_t len, char *why,
                                    size_t why_len)
{
	capsa_status st;
	capsa_cbs cbs;

	memset(rep, 0, sizeof *rep);
	if (why_len > 0)
		why[0] = '\0';
	if (buf == NULL || len < CAPSA_SNP_REPORT_BYTES)
		return bad(why, why_len, CAPSA_ERR_TRUNCATED, "%zu bytes, a report has %d", len, CAPSA_SNP_REPORT_BYTES);
	if (len > CAPSA_SNP_REPORT_BYTES)
		return bad(why, why_len, CAPSA_ERR_TRAILING, "%zu bytes, a report has %d", len, CAPSA_SNP_REPORT_BYTES);
	capsa_cbs_init(&cbs, buf, len);
	if (!parse_head(rep, &cbs)) {
		st = bad(why, why_len, CAPSA_ERR_DECODE, "cannot read the report header");
		goto fail;
	}
	if ((st = check_fields(rep, why, why_len)) != CAPSA_OK)
		goto fail;
	if (!parse_middle(rep, &cbs) || !parse_tail(rep, &cbs) || cbs.len != 0) {
		st = bad(why, why_len, CAPSA_ERR_DECODE, "a reserved field is not zero");
		goto fail;
	}
	return CAPSA_OK;
fail:
	memset(rep, 0, sizeof *rep);
	return st;
}
