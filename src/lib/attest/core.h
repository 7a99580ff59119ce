/*
 * attest/core.h - what the attestation backends share inside the library.
 *
 * The core of attest/ is the envelope (envelope*.c, import.c), the policy
 * (policy*.c), verification (verify.c, backends.c, result.c, report_data.c),
 * the certificate work the cloud verifiers need (x509*.c; roots.c with the
 * PEM files in roots/; cert_file.c for the files operators hand over) and
 * program measurements (measure.c). The backends live in folders of their
 * own, one internal header each: tpm2/, snp/, nitro/, sim/.
 *
 * Each backend verifier checks its evidence and records every check it made in
 * |res| with capsa_attest_check_add (also the ones that pass), so that a
 * result always explains itself. A verifier returns CAPSA_OK when every check
 * passed, CAPSA_ERR_EVIDENCE (or CAPSA_ERR_CERT for a chain) when one failed,
 * and CAPSA_ERR_DECODE when the evidence cannot even be parsed.
 */
#ifndef CAPSA_ATTEST_CORE_H
#define CAPSA_ATTEST_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>

/* Appends a check to |res| (silently dropped past CAPSA_ATTEST_MAX_CHECKS). */
void capsa_attest_check_add(capsa_attest_result *res, const char *name, bool passed, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- From an envelope to its platform's verifier (backends.c) ----------
 *
 * Each adapter takes the items of its platform from |ev|, runs that
 * platform's verifier into |res| (which it may zero first) and returns its
 * status. The policy supplies what a backend needs to trust (tpm2 AK names).
 */
capsa_status capsa_attest_run_backend(const capsa_evidence *ev, const capsa_attest_policy *policy,
                                      const capsa_attest_expect *expect, capsa_attest_result *res) CAPSA_MUST_CHECK;

/* ---- Which items each platform's envelope holds (envelope_rules.c) ----- */

struct evidence_rule {
	capsa_attest_platform platform;
	uint8_t tag;
	bool required;
	unsigned slot;   /* bit in the platform's required mask */
	size_t min_len;
	size_t max_len;
	const char *name; /* for messages and the CLI */
};

/* evidence_rule_find returns the rule for |tag| on |platform|, or NULL if the tag does not belong there. */
const struct evidence_rule *evidence_rule_find(capsa_attest_platform platform, uint8_t tag);

/* evidence_required_mask returns the bits of the platform's required items. */
unsigned evidence_required_mask(capsa_attest_platform platform);

/* ---- The report-data rule the cloud verifiers share (report_data.c) -----
 *
 * A platform's binding field (SEV-SNP REPORT_DATA, 64 bytes; Nitro user_data,
 * up to 1024) holds what the verifier expects, followed by zero bytes up to
 * the field's length. capsa's attesters put the 32-byte capsa_attest_binding
 * there, so a SEV-SNP report carries binding || 32 zero bytes and a Nitro
 * document carries exactly the binding. An empty expectation, or one longer
 * than the field, never matches.
 */
/* capsa_attest_report_data_matches applies the rule above; constant time in the contents. */
bool capsa_attest_report_data_matches(const uint8_t *field, size_t field_len, const uint8_t *want,
                                      size_t want_len);

/*
 * capsa_attest_check_report_data records the "report-data" check of |field|
 * against expect->report_data in |res| and returns whether it passed.
 */
bool capsa_attest_check_report_data(capsa_attest_result *res, const uint8_t *field, size_t field_len,
                                    const capsa_attest_expect *expect);

/* ---- Certificates (x509.c, x509_chain.c) -------------------------------
 *
 * The certificate work the cloud verifiers need, over OpenSSL's X.509 code:
 * strict DER parsing, the signer's public key, AMD's custom extensions, and
 * chain validation to one pinned root at a given time.
 */
typedef struct capsa_cert capsa_cert;

/*
 * capsa_cert_parse parses one DER certificate that fills |der| exactly (at
 * most CAPSA_CERT_MAX_BYTES). Returns CAPSA_OK and a new *out (free with
 * capsa_cert_free), CAPSA_ERR_DECODE, CAPSA_ERR_NOMEM. The cert keeps no
 * pointer into |der|.
 */
capsa_status capsa_cert_parse(capsa_cert **out, const uint8_t *der, size_t der_len) CAPSA_MUST_CHECK;

/* capsa_cert_free releases |cert|; NULL is fine. */
void capsa_cert_free(capsa_cert *cert);

/*
 * capsa_cert_spki points |spki| at the certificate's SubjectPublicKeyInfo in
 * DER, owned by |cert|. Returns CAPSA_OK or CAPSA_ERR_DECODE.
 */
capsa_status capsa_cert_spki(const capsa_cert *cert, const uint8_t **spki, size_t *spki_len) CAPSA_MUST_CHECK;

/*
 * capsa_cert_ext_uint reads the extension |oid| (dotted) whose value is a DER
 * INTEGER, as AMD encodes the TCB components of a VCEK. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE if it is missing, repeated, or not a non-negative INTEGER
 * that fits in 64 bits.
 */
capsa_status capsa_cert_ext_uint(const capsa_cert *cert, const char *oid, uint64_t *out) CAPSA_MUST_CHECK;

/*
 * capsa_cert_ext_raw points |data| at the raw value of the extension |oid|
 * (its OCTET STRING contents), owned by |cert|. Returns CAPSA_OK or
 * CAPSA_ERR_DECODE if it is missing or repeated.
 */
capsa_status capsa_cert_ext_raw(const capsa_cert *cert, const char *oid, const uint8_t **data,
                                size_t *len) CAPSA_MUST_CHECK;

/* capsa_cert_names_issuer is true if |cert|'s issuer name is |issuer|'s subject name. */
bool capsa_cert_names_issuer(const capsa_cert *cert, const capsa_cert *issuer);

/* capsa_cert_equal is true if both certificates have the same DER encoding. */
bool capsa_cert_equal(const capsa_cert *a, const capsa_cert *b);

/*
 * capsa_cert_signs_data is true if |cert| is not a CA and its key usage, if
 * present, allows digitalSignature: the key may sign evidence.
 */
bool capsa_cert_signs_data(const capsa_cert *cert);

/*
 * capsa_cert_chain_verify validates |leaf| up to |root|, the only trust
 * anchor, through exactly the |num_inter| certificates |inter| (listed from
 * the root's side down to the leaf's issuer), at |at| (unix seconds): every
 * signature (the root's self-signature too), validity period, CA and path
 * length constraints. The chain OpenSSL builds must use every intermediate in
 * that order. Returns CAPSA_OK or CAPSA_ERR_CERT with a reason in |why|.
 */
capsa_status capsa_cert_chain_verify(const capsa_cert *root, const capsa_cert *const *inter, size_t num_inter,
                                     const capsa_cert *leaf, int64_t at, char *why,
                                     size_t why_len) CAPSA_MUST_CHECK;

/* capsa_cert_x509 returns the OpenSSL X509 behind |cert|, owned by it (x509*.c only). */
struct x509_st *capsa_cert_x509(const capsa_cert *cert);

/* ---- The vendor roots the cloud verifiers trust, pinned (roots.c) ------
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
