/* The item table of the evidence envelope: tags, sizes, which are required. */
#include "attest/core.h"

#define K 1024
static const struct evidence_rule rules[] = {
	{CAPSA_PLATFORM_SIM, CAPSA_EV_SIM_STATEMENT, true, 0, 1, 256, "sim-statement"},
	{CAPSA_PLATFORM_SIM, CAPSA_EV_SIM_SIGNATURE, true, 1, 64, 64, "sim-signature"},
	{CAPSA_PLATFORM_SIM, CAPSA_EV_SIM_PLATFORM_KEY, true, 2, 32, 32, "sim-platform-key"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_ATTEST, true, 0, 1, 4 * K, "tpm2-attest"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_SIGNATURE, true, 1, 1, 4 * K, "tpm2-signature"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_AK_PUBLIC, true, 2, 1, 4 * K, "tpm2-ak-public"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_PCR_VALUE, true, 3, 32, 24 * 32, "tpm2-pcr-value"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_EK_CERT, false, 4, 1, 16 * K, "tpm2-ek-cert"},
	{CAPSA_PLATFORM_TPM2, CAPSA_EV_TPM2_ACTIVATION, false, 5, 1, 16 * K, "tpm2-activation"},
	{CAPSA_PLATFORM_SEV_SNP, CAPSA_EV_SNP_REPORT, true, 0, 1184, 1184, "snp-report"},
	{CAPSA_PLATFORM_SEV_SNP, CAPSA_EV_SNP_VCEK, true, 1, 1, 16 * K, "snp-vcek"},
	{CAPSA_PLATFORM_NITRO, CAPSA_EV_NITRO_DOCUMENT, true, 0, 1, 64 * K, "nitro-document"},
};

const struct evidence_rule *evidence_rule_find(capsa_attest_platform platform, uint8_t tag)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].platform == platform && rules[i].tag == tag)
			return &rules[i];
	return NULL;
}

unsigned evidence_required_mask(capsa_attest_platform platform)
{
	unsigned mask = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].platform == platform && rules[i].required)
			mask |= 1u << rules[i].slot;
	return mask;
}
