/* From an envelope to the platform verifier that checks it. */
#include <string.h>

#include "attest/core.h"
#include "attest/nitro/nitro.h"
#include "attest/sim/sim.h"
#include "attest/snp/snp.h"
#include "attest/tpm2/tpm2.h"

#if CAPSA_WITH_TPM2
static capsa_status run_tpm2(const capsa_evidence *ev, const capsa_attest_policy *policy,
                             const capsa_attest_expect *expect, capsa_attest_result *res)
{
	const capsa_evidence_item *pub = capsa_evidence_get(ev, CAPSA_EV_TPM2_AK_PUBLIC);
	const capsa_evidence_item *att = capsa_evidence_get(ev, CAPSA_EV_TPM2_ATTEST);
	const capsa_evidence_item *sig = capsa_evidence_get(ev, CAPSA_EV_TPM2_SIGNATURE);
	const capsa_evidence_item *pcr = capsa_evidence_get(ev, CAPSA_EV_TPM2_PCR_VALUE);
	const capsa_policy_platform *pp = &policy->platforms[CAPSA_PLATFORM_TPM2];
	capsa_tpm2_evidence tev;
	capsa_tpm2_trust trust;

	if (pub == NULL || att == NULL || sig == NULL || pcr == NULL)
		return CAPSA_ERR_DECODE; /* capsa_evidence_parse guarantees these */
	tev = (capsa_tpm2_evidence){pub->data, pub->len, att->data, att->len, sig->data, sig->len, pcr->data, pcr->len};
	trust = (capsa_tpm2_trust){&pp->pins[0][0], pp->num_pins, CAPSA_TPM2_PCR};
	return capsa_tpm2_verify(&tev, &trust, expect, res);
}
#else
/* Built with CAPSA_WITH_TPM2=OFF: tpm2 evidence parses but cannot be verified, and the result says why. */
static capsa_status run_tpm2(const capsa_evidence *ev, const capsa_attest_policy *policy,
                             const capsa_attest_expect *expect, capsa_attest_result *res)
{
	(void)ev, (void)policy, (void)expect;
	memset(res, 0, sizeof *res);
	res->platform = CAPSA_PLATFORM_TPM2;
	capsa_attest_check_add(res, "tpm2-support", false,
	                       "capsa was built without TPM 2.0 support (CAPSA_WITH_TPM2=OFF)");
	return CAPSA_ERR_UNSUPPORTED;
}
#endif

static capsa_status run_snp(const capsa_evidence *ev, const capsa_attest_expect *expect, capsa_attest_result *res)
{
	const capsa_evidence_item *report = capsa_evidence_get(ev, CAPSA_EV_SNP_REPORT);
	const capsa_evidence_item *vcek = capsa_evidence_get(ev, CAPSA_EV_SNP_VCEK);

	if (report == NULL || vcek == NULL)
		return CAPSA_ERR_DECODE;
	return capsa_snp_verify(report->data, report->len, vcek->data, vcek->len, expect, res);
}

static capsa_status run_nitro(const capsa_evidence *ev, const capsa_attest_expect *expect, capsa_attest_result *res)
{
	const capsa_evidence_item *doc = capsa_evidence_get(ev, CAPSA_EV_NITRO_DOCUMENT);

	if (doc == NULL)
		return CAPSA_ERR_DECODE;
	return capsa_nitro_verify(doc->data, doc->len, expect, res);
}

capsa_status capsa_attest_run_backend(const capsa_evidence *ev, const capsa_attest_policy *policy,
                                      const capsa_attest_expect *expect, capsa_attest_result *res)
{
	switch (ev->platform) {
	case CAPSA_PLATFORM_SIM: return capsa_sim_verify(ev, expect, res);
	case CAPSA_PLATFORM_TPM2: return run_tpm2(ev, policy, expect, res);
	case CAPSA_PLATFORM_SEV_SNP: return run_snp(ev, expect, res);
	case CAPSA_PLATFORM_NITRO: return run_nitro(ev, expect, res);
	case CAPSA_PLATFORM_NONE: break;
	}
	return CAPSA_ERR_DECODE;
}
