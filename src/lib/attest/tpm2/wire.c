/* Strict parsers for TPM2B_PUBLIC (ECC), TPMS_ATTEST (quote) and TPMT_SIGNATURE (ECDSA). */
#include "attest/tpm2/tpm2.h"

#include <string.h>

#include <tss2/tss2_tpm2_types.h>

#include "crypto/crypto.h"

#define MAX_DIGEST 64   /* sizeof(TPMU_HA) */
#define MAX_NAME 66     /* sizeof(TPMU_NAME): a handle or nameAlg || digest */
#define MAX_ECC_PARAM 128
#define MAX_RSA_KEY 512 /* TPM2B_PUBLIC_KEY_RSA: 4096-bit moduli */

/* Reads a TPM2B whose size must not exceed |max|. */
static bool get_tpm2b(capsa_cbs *cbs, capsa_cbs *out, size_t max)
{
	capsa_cbs save = *cbs;

	if (capsa_cbs_get_u16_prefixed(cbs, out) && out->len <= max)
		return true;
	*cbs = save;
	return false;
}

/* Reads a TPM2B_ECC_PARAMETER of 1..32 bytes into a left-padded 32-byte coordinate. */
static bool get_ecc_coord(capsa_cbs *cbs, uint8_t out[CAPSA_TPM2_ECC_BYTES])
{
	capsa_cbs v;

	if (!get_tpm2b(cbs, &v, MAX_ECC_PARAM) || v.len == 0 || v.len > CAPSA_TPM2_ECC_BYTES)
		return false;
	memset(out, 0, CAPSA_TPM2_ECC_BYTES);
	memcpy(out + CAPSA_TPM2_ECC_BYTES - v.len, v.data, v.len);
	return true;
}

/* TPMT_SYM_DEF_OBJECT: an algorithm, then key bits and mode unless it is NULL. */
static bool get_sym_def(capsa_cbs *cbs, capsa_tpm2_public *p)
{
	p->sym_bits = p->sym_mode = 0;
	if (!capsa_cbs_get_u16(cbs, &p->sym_alg))
		return false;
	if (p->sym_alg == TPM2_ALG_NULL)
		return true;
	return p->sym_alg == TPM2_ALG_AES && capsa_cbs_get_u16(cbs, &p->sym_bits) &&
	       capsa_cbs_get_u16(cbs, &p->sym_mode);
}

/* A scheme selector followed by a hash algorithm unless it is NULL (TPMT_ECC_SCHEME, TPMT_KDF_SCHEME). */
static bool get_scheme(capsa_cbs *cbs, uint16_t *scheme, uint16_t *hash)
{
	*hash = 0;
	if (!capsa_cbs_get_u16(cbs, scheme))
		return false;
	return *scheme == TPM2_ALG_NULL || capsa_cbs_get_u16(cbs, hash);
}

/* TPMS_ECC_PARMS then the TPMS_ECC_POINT in unique. */
static bool get_ecc(capsa_cbs *cbs, capsa_tpm2_public *p)
{
	return get_scheme(cbs, &p->scheme, &p->scheme_hash) && capsa_cbs_get_u16(cbs, &p->curve) &&
	       get_scheme(cbs, &p->kdf, &p->kdf_hash) && get_ecc_coord(cbs, p->x) && get_ecc_coord(cbs, p->y);
}

/* TPMS_RSA_PARMS (after the symmetric part) then the modulus in unique. */
static bool get_rsa(capsa_cbs *cbs, capsa_tpm2_public *p)
{
	return get_scheme(cbs, &p->scheme, &p->scheme_hash) && capsa_cbs_get_u16(cbs, &p->rsa_bits) &&
	       capsa_cbs_get_u32(cbs, &p->rsa_exponent) && get_tpm2b(cbs, &p->rsa_n, MAX_RSA_KEY) &&
	       p->rsa_n.len > 0;
}

static capsa_status parse_tpmt_public(capsa_tpm2_public *p, capsa_cbs *cbs)
{
	if (!capsa_cbs_get_u16(cbs, &p->type))
		return CAPSA_ERR_DECODE;
	if (p->type != TPM2_ALG_ECC && p->type != TPM2_ALG_RSA)
		return p->type == TPM2_ALG_KEYEDHASH || p->type == TPM2_ALG_SYMCIPHER ? CAPSA_ERR_UNSUPPORTED
		                                                                      : CAPSA_ERR_DECODE;
	if (!capsa_cbs_get_u16(cbs, &p->name_alg) || !capsa_cbs_get_u32(cbs, &p->attributes) ||
	    !get_tpm2b(cbs, &p->auth_policy, MAX_DIGEST) || !get_sym_def(cbs, p))
		return CAPSA_ERR_DECODE;
	if (!(p->type == TPM2_ALG_ECC ? get_ecc(cbs, p) : get_rsa(cbs, p)))
		return CAPSA_ERR_DECODE;
	return cbs->len == 0 ? CAPSA_OK : CAPSA_ERR_DECODE;
}

capsa_status capsa_tpm2_parse_public(capsa_tpm2_public *out, const uint8_t *buf, size_t len)
{
	capsa_cbs cbs, body;

	memset(out, 0, sizeof *out);
	capsa_cbs_init(&cbs, buf, len);
	if (!capsa_cbs_get_u16_prefixed(&cbs, &body) || cbs.len != 0 || body.len == 0)
		return CAPSA_ERR_DECODE;
	out->tpmt = body;
	return parse_tpmt_public(out, &body);
}

/* TPML_PCR_SELECTION: a count, then per bank a hash, a bitmap size and the bitmap. */
static bool get_pcr_selection(capsa_cbs *cbs, capsa_tpm2_attest *a)
{
	if (!capsa_cbs_get_u32(cbs, &a->num_banks) || a->num_banks > CAPSA_TPM2_MAX_BANKS)
		return false;
	for (uint32_t i = 0; i < a->num_banks; i++) {
		capsa_tpm2_pcr_bank *b = &a->banks[i];
		if (!capsa_cbs_get_u16(cbs, &b->hash) || !capsa_cbs_get_u8(cbs, &b->size) || b->size == 0 ||
		    b->size > CAPSA_TPM2_MAX_SELECT || !capsa_cbs_copy(cbs, b->select, b->size))
			return false;
	}
	return true;
}

capsa_status capsa_tpm2_parse_attest(capsa_tpm2_attest *a, const uint8_t *buf, size_t len)
{
	capsa_cbs cbs;

	memset(a, 0, sizeof *a);
	capsa_cbs_init(&cbs, buf, len);
	if (!capsa_cbs_get_u32(&cbs, &a->magic) || !capsa_cbs_get_u16(&cbs, &a->type))
		return CAPSA_ERR_DECODE;
	if (a->type != TPM2_ST_ATTEST_QUOTE)
		return CAPSA_ERR_UNSUPPORTED;
	if (!get_tpm2b(&cbs, &a->signer, MAX_NAME) || !get_tpm2b(&cbs, &a->extra, MAX_DIGEST) ||
	    !capsa_cbs_get_u64(&cbs, &a->clock) || !capsa_cbs_get_u32(&cbs, &a->reset_count) ||
	    !capsa_cbs_get_u32(&cbs, &a->restart_count) || !capsa_cbs_get_u8(&cbs, &a->safe) || a->safe > 1 ||
	    !capsa_cbs_get_u64(&cbs, &a->firmware) || !get_pcr_selection(&cbs, a) ||
	    !get_tpm2b(&cbs, &a->pcr_digest, MAX_DIGEST))
		return CAPSA_ERR_DECODE;
	return cbs.len == 0 ? CAPSA_OK : CAPSA_ERR_DECODE;
}

capsa_status capsa_tpm2_parse_signature(capsa_tpm2_signature *sig, const uint8_t *buf, size_t len)
{
	capsa_cbs cbs;
	uint16_t alg;

	memset(sig, 0, sizeof *sig);
	capsa_cbs_init(&cbs, buf, len);
	if (!capsa_cbs_get_u16(&cbs, &alg))
		return CAPSA_ERR_DECODE;
	if (alg != TPM2_ALG_ECDSA)
		return alg == TPM2_ALG_RSASSA || alg == TPM2_ALG_RSAPSS || alg == TPM2_ALG_HMAC ||
		               alg == TPM2_ALG_ECSCHNORR || alg == TPM2_ALG_SM2 || alg == TPM2_ALG_ECDAA
		               ? CAPSA_ERR_UNSUPPORTED
		               : CAPSA_ERR_DECODE;
	if (!capsa_cbs_get_u16(&cbs, &sig->hash) || !get_tpm2b(&cbs, &sig->r, MAX_ECC_PARAM) ||
	    !get_tpm2b(&cbs, &sig->s, MAX_ECC_PARAM))
		return CAPSA_ERR_DECODE;
	return cbs.len == 0 ? CAPSA_OK : CAPSA_ERR_DECODE;
}

capsa_status capsa_tpm2_public_name(uint8_t name[34], const capsa_tpm2_public *pub)
{
	if (pub->name_alg != TPM2_ALG_SHA256)
		return CAPSA_ERR_UNSUPPORTED;
	name[0] = (uint8_t)(TPM2_ALG_SHA256 >> 8);
	name[1] = (uint8_t)TPM2_ALG_SHA256;
	return capsa_sha256(name + 2, pub->tpmt.data, pub->tpmt.len);
}

bool capsa_tpm2_public_is_ak(const capsa_tpm2_public *p)
{
	const uint32_t need = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT | TPMA_OBJECT_FIXEDTPM |
	                      TPMA_OBJECT_FIXEDPARENT | TPMA_OBJECT_SENSITIVEDATAORIGIN;

	return p->type == TPM2_ALG_ECC && p->name_alg == TPM2_ALG_SHA256 && (p->attributes & need) == need &&
	       !(p->attributes & TPMA_OBJECT_DECRYPT) && p->sym_alg == TPM2_ALG_NULL &&
	       p->scheme == TPM2_ALG_ECDSA && p->scheme_hash == TPM2_ALG_SHA256 && p->curve == TPM2_ECC_NIST_P256 &&
	       p->kdf == TPM2_ALG_NULL;
}

bool capsa_tpm2_public_is_storage(const capsa_tpm2_public *p)
{
	const uint32_t need = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT | TPMA_OBJECT_FIXEDTPM |
	                      TPMA_OBJECT_FIXEDPARENT;

	if (p->name_alg != TPM2_ALG_SHA256 || (p->attributes & need) != need ||
	    (p->attributes & TPMA_OBJECT_SIGN_ENCRYPT) || p->sym_alg != TPM2_ALG_AES || p->sym_bits != 128 ||
	    p->sym_mode != TPM2_ALG_CFB || p->scheme != TPM2_ALG_NULL)
		return false;
	if (p->type == TPM2_ALG_RSA)
		return p->rsa_bits == 2048 && p->rsa_n.len == 256 && (p->rsa_exponent == 0 || p->rsa_exponent == 65537);
	return p->curve == TPM2_ECC_NIST_P256 && p->kdf == TPM2_ALG_NULL;
}
