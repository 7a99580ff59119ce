/* The sim platform: SIMULATED evidence for development and tests. It proves nothing. */
#include <stdlib.h>
#include <string.h>

#include "attest/core.h"
#include "attest/sim/sim.h"
#include "crypto/crypto.h"
#include "wire/bytes.h"

static const char sim_label[] = "capsa/v1/attest-sim"; /* the NUL is part of the statement */

static capsa_status build_statement(uint8_t **out, size_t *out_len, const uint8_t *measurement,
                                    size_t measurement_len, const uint8_t binding[CAPSA_ATTEST_BINDING_BYTES],
                                    int64_t timestamp)
{
	capsa_cbb cbb;

	if (!capsa_cbb_init(&cbb, 128))
		return CAPSA_ERR_NOMEM;
	capsa_cbb_add_bytes(&cbb, sim_label, sizeof sim_label);
	capsa_cbb_add_u8(&cbb, (uint8_t)measurement_len);
	capsa_cbb_add_bytes(&cbb, measurement, measurement_len);
	capsa_cbb_add_bytes(&cbb, binding, CAPSA_ATTEST_BINDING_BYTES);
	capsa_cbb_add_u64(&cbb, (uint64_t)timestamp);
	return capsa_cbb_finish(&cbb, out, out_len) ? CAPSA_OK : CAPSA_ERR_NOMEM;
}

static bool quote_args_valid(size_t measurement_len, size_t keys_len, size_t nonce_len, int64_t timestamp)
{
	return measurement_len >= 1 && measurement_len <= CAPSA_ATTEST_MAX_MEASUREMENT && keys_len >= 1 &&
	       keys_len <= CAPSA_EVIDENCE_MAX_KEYS && nonce_len >= 1 && nonce_len <= CAPSA_EVIDENCE_MAX_NONCE &&
	       timestamp >= 0;
}

capsa_status capsa_sim_quote(uint8_t **out, size_t *out_len, const uint8_t seed[CAPSA_SIM_SEEDBYTES],
                             const uint8_t *measurement, size_t measurement_len, const uint8_t *keys,
                             size_t keys_len, const uint8_t *nonce, size_t nonce_len, int64_t timestamp)
{
	uint8_t binding[CAPSA_ATTEST_BINDING_BYTES], sig[CAPSA_ED25519_SIGBYTES], pub[CAPSA_SIM_PUBLICBYTES];
	uint8_t *stmt = NULL;
	size_t stmt_len = 0;
	capsa_evidence ev = {.platform = CAPSA_PLATFORM_SIM};
	capsa_status st;

	*out = NULL, *out_len = 0;
	if (!quote_args_valid(measurement_len, keys_len, nonce_len, timestamp))
		return CAPSA_ERR_ARG;
	ev.keys = keys, ev.keys_len = keys_len, ev.nonce = nonce, ev.nonce_len = nonce_len;
	if ((st = capsa_attest_binding(binding, keys, keys_len, nonce, nonce_len)) != CAPSA_OK ||
	    (st = build_statement(&stmt, &stmt_len, measurement, measurement_len, binding, timestamp)) != CAPSA_OK ||
	    (st = capsa_ed25519_public(pub, seed)) != CAPSA_OK ||
	    (st = capsa_ed25519_sign(sig, seed, stmt, stmt_len)) != CAPSA_OK)
		goto out;
	if ((st = capsa_evidence_add(&ev, CAPSA_EV_SIM_STATEMENT, stmt, stmt_len)) != CAPSA_OK ||
	    (st = capsa_evidence_add(&ev, CAPSA_EV_SIM_SIGNATURE, sig, sizeof sig)) != CAPSA_OK ||
	    (st = capsa_evidence_add(&ev, CAPSA_EV_SIM_PLATFORM_KEY, pub, sizeof pub)) != CAPSA_OK)
		goto out;
	st = capsa_evidence_serialize(&ev, out, out_len);
out:
	free(stmt); /* public: not wiped */
	return st;
}

/* Parses the signed statement into |res| (measurement, report data, timestamp). */
static bool parse_statement(const capsa_evidence_item *it, capsa_attest_result *res)
{
	capsa_cbs cbs, label;
	uint64_t ts;
	uint8_t mlen;

	capsa_cbs_init(&cbs, it->data, it->len);
	if (!capsa_cbs_get_bytes(&cbs, &label, sizeof sim_label) || memcmp(label.data, sim_label, sizeof sim_label) ||
	    !capsa_cbs_get_u8(&cbs, &mlen) || mlen == 0 || mlen > CAPSA_ATTEST_MAX_MEASUREMENT ||
	    !capsa_cbs_copy(&cbs, res->measurement, mlen) ||
	    !capsa_cbs_copy(&cbs, res->report_data, CAPSA_ATTEST_BINDING_BYTES) || !capsa_cbs_get_u64(&cbs, &ts) ||
	    ts > INT64_MAX || cbs.len != 0)
		return false;
	res->measurement_len = mlen;
	res->report_data_len = CAPSA_ATTEST_BINDING_BYTES;
	res->has_timestamp = true; /* the statement always signs one */
	res->timestamp = (int64_t)ts;
	return true;
}

static bool report_data_matches(const capsa_attest_result *res, const capsa_attest_expect *expect)
{
	return expect->report_data_len == res->report_data_len &&
	       capsa_ct_equal(expect->report_data, res->report_data, res->report_data_len);
}

capsa_status capsa_sim_verify(const capsa_evidence *ev, const capsa_attest_expect *expect, capsa_attest_result *res)
{
	const capsa_evidence_item *stmt = capsa_evidence_get(ev, CAPSA_EV_SIM_STATEMENT);
	const capsa_evidence_item *sig = capsa_evidence_get(ev, CAPSA_EV_SIM_SIGNATURE);
	const capsa_evidence_item *key = capsa_evidence_get(ev, CAPSA_EV_SIM_PLATFORM_KEY);
	bool ok;

	res->platform = CAPSA_PLATFORM_SIM;
	res->simulated = true;
	if (stmt == NULL || sig == NULL || key == NULL || sig->len != 64 || key->len != 32)
		return CAPSA_ERR_DECODE; /* capsa_evidence_parse guarantees these */
	capsa_attest_check_add(res, "sim-platform-key", true,
	                       "SIMULATED: self-made key %02x%02x%02x%02x..., proves nothing", key->data[0],
	                       key->data[1], key->data[2], key->data[3]);
	ok = capsa_ed25519_verify(sig->data, key->data, stmt->data, stmt->len) == CAPSA_OK;
	capsa_attest_check_add(res, "sim-signature", ok, "Ed25519 over the %zu-byte statement", stmt->len);
	if (!ok)
		return CAPSA_ERR_EVIDENCE;
	ok = parse_statement(stmt, res);
	capsa_attest_check_add(res, "sim-statement", ok, ok ? "well formed" : "malformed statement");
	if (!ok)
		return CAPSA_ERR_EVIDENCE;
	ok = report_data_matches(res, expect);
	capsa_attest_check_add(res, "sim-report-data", ok, ok ? "equals the expected binding"
	                                                      : "differs from the expected binding");
	return ok ? CAPSA_OK : CAPSA_ERR_EVIDENCE;
}
