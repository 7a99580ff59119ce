/*
 * capsa_attest_verify: envelope -> platform verifier -> binding -> policy.
 * Each step records its checks in the result; the first failure decides the
 * status, but later checks still run where they can, so a result explains
 * everything that is wrong with a piece of evidence.
 */
#include <stdlib.h>
#include <string.h>

#include "attest/core.h"
#include "crypto/crypto.h"

const capsa_attest_check *capsa_attest_first_failure(const capsa_attest_result *res)
{
	for (size_t i = 0; i < res->num_checks; i++)
		if (!res->checks[i].passed)
			return &res->checks[i];
	return NULL;
}

/* True if |nonce| occurs somewhere in |data| (public values). */
static bool holds_nonce(const uint8_t *data, size_t data_len, const uint8_t *nonce, size_t nonce_len)
{
	for (size_t i = 0; nonce_len > 0 && i + nonce_len <= data_len; i++)
		if (memcmp(data + i, nonce, nonce_len) == 0)
			return true;
	return false;
}

/*
 * The verifier's own nonce must be the one the evidence answers. Vendor
 * evidence imported without an envelope nonce carries it inside: Nitro in the
 * document's nonce field (checked by the Nitro verifier against expect.nonce),
 * SEV-SNP only through report data the verifier states explicitly, which must
 * then hold the nonce: a nonce that nothing signed cannot count as checked.
 */
static bool check_nonce(const capsa_evidence *ev, const capsa_attest_verify_params *p,
                        const capsa_attest_policy *pol, capsa_attest_result *res)
{
	bool ok;

	if (p->nonce == NULL) {
		capsa_attest_check_add(res, "nonce", !pol->require_nonce, "%s",
		                       pol->require_nonce ? "no nonce given by the verifier: freshness unknown"
		                                          : "not checked: the policy does not require a nonce");
		return !pol->require_nonce;
	}
	if (ev->nonce_len == 0) {
		ok = ev->platform == CAPSA_PLATFORM_NITRO ||
		     (p->report_data != NULL && holds_nonce(p->report_data, p->report_data_len, p->nonce, p->nonce_len));
		capsa_attest_check_add(res, "nonce", ok, "%s",
		                       ev->platform == CAPSA_PLATFORM_NITRO ? "vendor document: checked in its nonce field"
		                       : ok ? "vendor report: the given report data holds the verifier's nonce"
		                       : p->report_data != NULL
		                           ? "the given report data does not hold the verifier's nonce: freshness unknown"
		                           : "vendor evidence without a capsa nonce: give the expected report data");
		return ok;
	}
	ok = p->nonce_len == ev->nonce_len && capsa_ct_equal(p->nonce, ev->nonce, ev->nonce_len);
	capsa_attest_check_add(res, "nonce", ok, ok ? "the evidence answers the verifier's nonce"
	                                            : "the evidence answers another nonce (stale or replayed)");
	return ok;
}

static bool check_keys(const capsa_evidence *ev, const capsa_attest_verify_params *p, capsa_attest_result *res)
{
	bool ok;

	if (p->keys == NULL)
		return true;
	ok = p->keys_len == ev->keys_len && capsa_ct_equal(p->keys, ev->keys, ev->keys_len);
	capsa_attest_check_add(res, "keys", ok, ok ? "the bound keys are the expected keys"
	                                           : "the bound keys are not the expected keys");
	return ok;
}

/* What the platform's report data must hold: the verifier's explicit value, or the binding. */
static capsa_status expected_report_data(uint8_t out[CAPSA_ATTEST_MAX_REPORT_DATA], size_t *out_len,
                                         const capsa_evidence *ev, const capsa_attest_verify_params *p)
{
	*out_len = 0;
	if (p->report_data != NULL) {
		if (p->report_data_len == 0 || p->report_data_len > CAPSA_ATTEST_MAX_REPORT_DATA)
			return CAPSA_ERR_ARG;
		memcpy(out, p->report_data, p->report_data_len);
		*out_len = p->report_data_len;
		return CAPSA_OK;
	}
	if (ev->nonce_len == 0)
		return CAPSA_OK; /* nothing binds: the backend's report-data check fails */
	*out_len = CAPSA_ATTEST_BINDING_BYTES;
	return capsa_attest_binding(out, ev->keys, ev->keys_len, ev->nonce, ev->nonce_len);
}

static const char *binding_detail(size_t want_len, bool given, bool ok)
{
	if (want_len == 0)
		return "nothing to bind: the evidence carries no nonce";
	if (given)
		return ok ? "report data = what the verifier gave" : "report data is not what the verifier gave";
	return ok ? "report data = binding of the enveloped keys and nonce"
	          : "report data is not the binding of the enveloped keys and nonce";
}

/* Report data of up to 64 bytes must equal |want| followed by zeros. */
static bool check_binding(const uint8_t *want, size_t want_len, bool given, capsa_attest_result *res)
{
	bool ok = want_len > 0 && res->report_data_len >= want_len &&
	          capsa_ct_equal(res->report_data, want, want_len);
	for (size_t i = want_len; ok && i < res->report_data_len; i++)
		ok = res->report_data[i] == 0;
	capsa_attest_check_add(res, "key-binding", ok, "%s", binding_detail(want_len, given, ok));
	return ok;
}

/* Runs the platform's verifier on a fresh result (verifiers may zero it) and appends what it found. */
static capsa_status run_backend(const capsa_evidence *ev, const capsa_attest_policy *pol,
                                const capsa_attest_expect *expect, capsa_attest_result *res)
{
	capsa_attest_result *b = calloc(1, sizeof *b);
	size_t n = res->num_checks;
	capsa_attest_check saved[4];
	capsa_status st;

	if (b == NULL || n > 4) {
		free(b);
		return CAPSA_ERR_NOMEM;
	}
	memcpy(saved, res->checks, n * sizeof saved[0]);
	st = capsa_attest_run_backend(ev, pol, expect, b);
	*res = *b;
	res->num_checks = 0;
	for (size_t i = 0; i < n + b->num_checks && i < CAPSA_ATTEST_MAX_CHECKS; i++)
		res->checks[res->num_checks++] = i < n ? saved[i] : b->checks[i - n];
	free(b);
	return st;
}

static capsa_status verify_parsed(const capsa_evidence *ev, const capsa_attest_verify_params *p,
                                  const capsa_attest_policy *pol, capsa_attest_result *res)
{
	uint8_t want[CAPSA_ATTEST_MAX_REPORT_DATA];
	size_t want_len;
	capsa_attest_expect expect = {0};
	capsa_status st, pst;
	bool fresh, keys_ok;

	if (p->report_data != NULL && ev->nonce_len > 0) {
		capsa_attest_check_add(res, "key-binding", false,
		                       "report data given for capsa evidence, which binds its own keys and nonce");
		return CAPSA_ERR_ARG;
	}
	if ((st = expected_report_data(want, &want_len, ev, p)) != CAPSA_OK)
		return st;
	fresh = check_nonce(ev, p, pol, res);
	keys_ok = check_keys(ev, p, res);
	expect.report_data = want, expect.report_data_len = want_len;
	expect.nonce = ev->nonce_len ? ev->nonce : p->nonce;
	expect.nonce_len = ev->nonce_len ? ev->nonce_len : p->nonce_len;
	expect.at = p->at;
	st = run_backend(ev, pol, &expect, res);
	if (st == CAPSA_OK && !check_binding(want, want_len, p->report_data != NULL, res))
		st = CAPSA_ERR_EVIDENCE;
	if (st == CAPSA_OK && (!fresh || !keys_ok))
		st = CAPSA_ERR_EVIDENCE;
	pst = capsa_policy_apply(pol, ev, p->at, res);
	return st != CAPSA_OK ? st : pst;
}

capsa_status capsa_attest_verify(const uint8_t *evidence, size_t evidence_len,
                                 const capsa_attest_verify_params *params, const capsa_attest_policy *policy,
                                 capsa_attest_result *res)
{
	capsa_evidence ev;
	capsa_status st;

	memset(res, 0, sizeof *res);
	if (evidence == NULL || params == NULL || policy == NULL)
		return CAPSA_ERR_ARG;
	if ((st = capsa_evidence_parse(&ev, evidence, evidence_len)) != CAPSA_OK) {
		capsa_attest_check_add(res, "envelope", false, "%s", capsa_status_str(st));
		return st;
	}
	capsa_attest_check_add(res, "envelope", true, "%s evidence, version %d, %zu items",
	                       capsa_attest_platform_name(ev.platform), CAPSA_EVIDENCE_VERSION, ev.num_items);
	st = verify_parsed(&ev, params, policy, res);
	if (st == CAPSA_OK && !capsa_attest_result_ok(res))
		st = CAPSA_ERR_EVIDENCE; /* belt and braces: never accept with a failed check */
	return st;
}
