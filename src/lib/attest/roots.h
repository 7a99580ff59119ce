/*
 * attest/roots.h - the vendor roots the cloud verifiers trust, pinned.
 *
 * The certificates are compiled in (DER) and each root is pinned a second
 * time by the SHA-256 of its DER, which capsa_root_get checks before handing
 * a root out: an edit to the embedded bytes then fails closed instead of
 * silently trusting something else.
 *
 * Sources (doc/ATTESTATION.md, "Pinned roots"):
 *   AMD ARK-Milan and ASK (SEV-Milan): google/go-sev-guest
 *     verify/trust/ask_ark_milan.pem, which that project notes comes from
 *     AMD's KDS (https://kdsintf.amd.com/vcek/v1/Milan/cert_chain).
 *   AMD ARK-Genoa and ASK (SEV-Genoa): google/go-sev-guest
 *     verify/trust/ask_ark_genoa.pem (KDS vcek/v1/Genoa/cert_chain).
 *   AWS Nitro Enclaves root (aws.nitro-enclaves, valid 2019-2049):
 *     https://aws-nitro-enclaves.amazonaws.com/AWS_NitroEnclaves_Root-G1.zip,
 *     identical to cabundle[0] of every Nitro attestation document.
 */
#ifndef CAPSA_ATTEST_ROOTS_H
#define CAPSA_ATTEST_ROOTS_H

#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

typedef enum capsa_root_id {
	CAPSA_ROOT_AMD_ARK_MILAN = 0, /* self-signed AMD Root Key, Milan */
	CAPSA_ROOT_AMD_ASK_MILAN = 1, /* AMD SEV Key (CN=SEV-Milan), signed by the ARK */
	CAPSA_ROOT_AWS_NITRO = 2,     /* AWS Nitro Enclaves root G1 */
	CAPSA_ROOT_AMD_ARK_GENOA = 3, /* self-signed AMD Root Key, Genoa */
	CAPSA_ROOT_AMD_ASK_GENOA = 4, /* AMD SEV Key (CN=SEV-Genoa), signed by the ARK */
} capsa_root_id;

#define CAPSA_NUM_ROOTS 5

/*
 * capsa_root_get points |der| at the embedded certificate |id| after checking
 * its SHA-256 against the pin. Returns CAPSA_OK, CAPSA_ERR_ARG for an unknown
 * id, CAPSA_ERR_CERT if the bytes do not match their pin.
 */
capsa_status capsa_root_get(capsa_root_id id, const uint8_t **der, size_t *der_len) CAPSA_MUST_CHECK;

/* capsa_root_name is a short label for |id|, e.g. "AMD ARK-Milan". */
const char *capsa_root_name(capsa_root_id id);

#endif
