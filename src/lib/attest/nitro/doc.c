/* Strict parsing of the Nitro attestation document (see nitro.h). */
#include <stdio.h>
#include <string.h>

#include "attest/nitro/nitro.h"
#include "wire/cbor.h"

enum field { F_MODULE_ID, F_DIGEST, F_TIMESTAMP, F_PCRS, F_CERTIFICATE, F_CABUNDLE, F_PUBLIC_KEY, F_USER_DATA,
	     F_NONCE, NUM_FIELDS };

static const char *const field_names[NUM_FIELDS] = {
	"module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle", "public_key", "user_data", "nonce",
};

#define REQUIRED_FIELDS ((1u << F_MODULE_ID) | (1u << F_DIGEST) | (1u << F_TIMESTAMP) | (1u << F_PCRS) | \
                         (1u << F_CERTIFICATE) | (1u << F_CABUNDLE))

static bool get_sized_bstr(capsa_cbs *cbs, capsa_cbs *out, size_t min, size_t max)
{
	capsa_cbs c = *cbs;

	if (!capsa_cbor_get_bstr(&c, out) || out->len < min || out->len > max)
		return false;
	*cbs = c;
	return true;
}

/* An optional field: a byte string of |min|..1024 bytes, or null for absent. */
static bool get_optional(capsa_cbs *cbs, bool *present, capsa_cbs *out, size_t min)
{
	if (capsa_cbor_get_null(cbs)) {
		*present = false;
		return true;
	}
	*present = get_sized_bstr(cbs, out, min, CAPSA_NITRO_MAX_USER);
	return *present;
}

static bool get_pcrs(capsa_cbs *cbs, capsa_nitro_doc *doc)
{
	uint64_t n, index;

	if (!capsa_cbor_get_map(cbs, &n) || n == 0 || n > CAPSA_NITRO_MAX_PCRS)
		return false;
	for (uint64_t i = 0; i < n; i++) {
		if (!capsa_cbor_get_uint(cbs, &index) || index >= CAPSA_NITRO_MAX_PCRS ||
		    (doc->pcr_mask >> index) & 1 ||
		    !get_sized_bstr(cbs, &doc->pcr[index], CAPSA_NITRO_PCR_BYTES, CAPSA_NITRO_PCR_BYTES))
			return false;
		doc->pcr_mask |= 1u << index;
	}
	return true;
}

static bool get_cabundle(capsa_cbs *cbs, capsa_nitro_doc *doc)
{
	uint64_t n;

	if (!capsa_cbor_get_array(cbs, &n) || n == 0 || n > CAPSA_NITRO_MAX_CABUNDLE)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (!get_sized_bstr(cbs, &doc->cabundle[i], 1, CAPSA_NITRO_MAX_CERT))
			return false;
	doc->num_cabundle = (size_t)n;
	return true;
}

static bool get_timestamp(capsa_cbs *cbs, capsa_nitro_doc *doc)
{
	return capsa_cbor_get_uint(cbs, &doc->timestamp_ms) && doc->timestamp_ms > 0 &&
	       doc->timestamp_ms <= (uint64_t)INT64_MAX;
}

static bool get_field(capsa_cbs *cbs, enum field f, capsa_nitro_doc *doc, bool *sha384)
{
	capsa_cbs s;

	switch (f) {
	case F_MODULE_ID:
		return capsa_cbor_get_tstr(cbs, &doc->module_id) && doc->module_id.len > 0;
	case F_DIGEST:
		if (!capsa_cbor_get_tstr(cbs, &s))
			return false;
		*sha384 = capsa_cbor_tstr_eq(&s, "SHA384");
		return true;
	case F_TIMESTAMP: return get_timestamp(cbs, doc);
	case F_PCRS: return get_pcrs(cbs, doc);
	case F_CERTIFICATE: return get_sized_bstr(cbs, &doc->certificate, 1, CAPSA_NITRO_MAX_CERT);
	case F_CABUNDLE: return get_cabundle(cbs, doc);
	case F_PUBLIC_KEY: return get_optional(cbs, &doc->has_public_key, &doc->public_key, 1);
	case F_USER_DATA: return get_optional(cbs, &doc->has_user_data, &doc->user_data, 0);
	case F_NONCE: return get_optional(cbs, &doc->has_nonce, &doc->nonce, 0);
	case NUM_FIELDS: break;
	}
	return false;
}

static int field_of(const capsa_cbs *key)
{
	for (int f = 0; f < NUM_FIELDS; f++)
		if (capsa_cbor_tstr_eq(key, field_names[f]))
			return f;
	return -1;
}

/* Reads the map's entries; |why| names the first bad one. */
static capsa_status get_fields(capsa_cbs *cbs, uint64_t n, capsa_nitro_doc *doc, char *why, size_t why_len)
{
	unsigned seen = 0;
	bool sha384 = false;
	capsa_cbs key;
	int f;

	for (uint64_t i = 0; i < n; i++) {
		if (!capsa_cbor_get_tstr(cbs, &key) || (f = field_of(&key)) < 0 || (seen >> f) & 1) {
			snprintf(why, why_len, "entry %llu: unknown or repeated key", (unsigned long long)i);
			return CAPSA_ERR_DECODE;
		}
		seen |= 1u << f;
		if (!get_field(cbs, (enum field)f, doc, &sha384)) {
			snprintf(why, why_len, "bad value for %s", field_names[f]);
			return CAPSA_ERR_DECODE;
		}
		if (f == F_DIGEST && !sha384) {
			snprintf(why, why_len, "digest is not SHA384");
			return CAPSA_ERR_UNSUPPORTED;
		}
	}
	if ((seen & REQUIRED_FIELDS) != REQUIRED_FIELDS) {
		snprintf(why, why_len, "a required key is missing");
		return CAPSA_ERR_DECODE;
	}
	return CAPSA_OK;
}

capsa_status capsa_nitro_doc_parse(capsa_nitro_doc *doc, const uint8_t *buf, size_t len, char *why,
                                   size_t why_len)
{
	capsa_cbs cbs;
	uint64_t n;
	capsa_status st;
	char scratch[1];

	memset(doc, 0, sizeof *doc);
	if (why_len == 0)
		why = scratch, why_len = sizeof scratch;
	why[0] = '\0';
	capsa_cbs_init(&cbs, buf, buf == NULL ? 0 : len);
	if (!capsa_cbor_get_map(&cbs, &n) || n > NUM_FIELDS) {
		snprintf(why, why_len, "the document is not a map of at most %d entries", NUM_FIELDS);
		st = CAPSA_ERR_DECODE;
		goto fail;
	}
	if ((st = get_fields(&cbs, n, doc, why, why_len)) != CAPSA_OK)
		goto fail;
	if (cbs.len != 0) {
		snprintf(why, why_len, "bytes after the document map");
		st = CAPSA_ERR_TRAILING;
		goto fail;
	}
	return CAPSA_OK;
fail:
	memset(doc, 0, sizeof *doc);
	return st;
}
