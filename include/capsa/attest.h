/*
 * capsa/attest.h - remote attestation: evidence, verification, policy.
 *
 * Strict mode lets a content key flow only to a keeper that proved, with
 * evidence from a trusted execution environment, that its public keys belong
 * to approved code on a genuine platform. Evidence always binds two things:
 * the attester's public keys and a fresh nonce chosen by the verifier, through
 * capsa_attest_binding() placed in the platform's report-data field (TPM
 * qualifying data, SEV-SNP REPORT_DATA, Nitro user_data / nonce).
 *
 * Verification is in two steps. A backend verifier checks the evidence
 * cryptographically (signatures, certificate chains to pinned roots, the
 * binding) and fills a capsa_attest_result that names every check it made.
 * Then a policy decides whether that result is acceptable (platform,
 * measurement allow-list, debug mode, minimum TCB, evidence age, and whether
 * the development-only `sim` platform is allowed at all).
 */
#ifndef CAPSA_ATTEST_H
#define CAPSA_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum capsa_attest_platform {
	CAPSA_PLATFORM_NONE = 0,
	CAPSA_PLATFORM_SIM = 1,     /* development only: proves nothing */
	CAPSA_PLATFORM_TPM2 = 2,
	CAPSA_PLATFORM_SEV_SNP = 3,
	CAPSA_PLATFORM_NITRO = 4,
} capsa_attest_platform;

/* "sim", "tpm2", "sev-snp", "nitro" (or "none"). */
CAPSA_API const char *capsa_attest_platform_name(capsa_attest_platform p);

#define CAPSA_ATTEST_BINDING_BYTES 32
#define CAPSA_ATTEST_MAX_MEASUREMENT 64
#define CAPSA_ATTEST_MAX_REPORT_DATA 64
#define CAPSA_ATTEST_MAX_CHECKS 40

/*
 * capsa_attest_binding computes the 32 bytes that evidence must carry:
 * SHA-256("capsa/v1/attest-binding" || 0x00 || be32(keys_len) || keys ||
 * be32(nonce_len) || nonce). |keys| is the attester's public keys, encoded as
 * the caller's protocol defines; |nonce| is the verifier's challenge.
 */
CAPSA_API capsa_status capsa_attest_binding(uint8_t out[CAPSA_ATTEST_BINDING_BYTES],
                                            const uint8_t *keys, size_t keys_len,
                                            const uint8_t *nonce, size_t nonce_len) CAPSA_MUST_CHECK;

/* One named check and its outcome, e.g. {"vcek-signature", true, "ECDSA P-384 over bytes 0x000-0x29f"}. */
typedef struct capsa_attest_check {
	char name[48];
	bool passed;
	char detail[192];
} capsa_attest_check;

typedef struct capsa_attest_result {
	capsa_attest_platform platform;
	bool simulated;            /* the evidence came from the sim platform */
	bool debug;                /* the platform reports a debug (inspectable) mode */
	uint8_t measurement[CAPSA_ATTEST_MAX_MEASUREMENT]; /* SNP MEASUREMENT, Nitro PCR0, TPM PCR, sim */
	size_t measurement_len;
	uint8_t report_data[CAPSA_ATTEST_MAX_REPORT_DATA]; /* the binding field as found in the evidence */
	size_t report_data_len;
	uint64_t tcb;              /* SEV-SNP reported TCB; 0 where it does not apply */
	bool has_timestamp;        /* the evidence carries a signed time of its making */
	int64_t timestamp;         /* that time (unix seconds), which may be 0; 0 without one */
	size_t num_checks;
	capsa_attest_check checks[CAPSA_ATTEST_MAX_CHECKS];
} capsa_attest_result;

/* True if at least one check ran and every check passed. */
CAPSA_API bool capsa_attest_result_ok(const capsa_attest_result *res);

/* What the verifier expects of the evidence besides its own signatures. */
typedef struct capsa_attest_expect {
	const uint8_t *report_data;    /* the exact binding expected (e.g. from capsa_attest_binding) */
	size_t report_data_len;        /* 0: no binding given, which fails the binding check */
	const uint8_t *nonce;          /* for platforms with a separate nonce field (Nitro); may be NULL */
	size_t nonce_len;
	int64_t at;                    /* verification time, unix seconds (certificate validity, age) */
} capsa_attest_expect;

/* ---- The evidence envelope ----------------------------------------------
 *
 * One self-describing, versioned, canonical binary format for the evidence of
 * every platform (doc/ATTESTATION.md, "The evidence envelope"):
 *
 *   "CAPSAEV" 0x00 | u8 version (1) | u8 platform | u16-prefixed nonce |
 *   u16-prefixed keys | u8 num_items | num_items * (u8 tag | u32-prefixed value)
 *
 * Items appear in strictly increasing tag order, each tag belongs to the
 * envelope's platform, every required tag of that platform is present, and
 * nothing follows the last item. A parsed capsa_evidence points into the
 * buffer it was parsed from: keep that buffer alive while it is used.
 */
#define CAPSA_EVIDENCE_VERSION 1
#define CAPSA_EVIDENCE_MAX_ITEMS 8
#define CAPSA_EVIDENCE_MAX_NONCE 64
#define CAPSA_EVIDENCE_MAX_KEYS 8192
#define CAPSA_EVIDENCE_MAX_ITEM (256 * 1024)

typedef enum capsa_evidence_tag {
	CAPSA_EV_SIM_STATEMENT = 0x01,   /* the statement the sim platform key signed */
	CAPSA_EV_SIM_SIGNATURE = 0x02,   /* Ed25519 signature, 64 bytes */
	CAPSA_EV_SIM_PLATFORM_KEY = 0x03, /* Ed25519 public key, 32 bytes */
	CAPSA_EV_TPM2_ATTEST = 0x10,     /* TPMS_ATTEST as the TPM marshalled it (TPM2B contents) */
	CAPSA_EV_TPM2_SIGNATURE = 0x11,  /* TPMT_SIGNATURE, marshalled */
	CAPSA_EV_TPM2_AK_PUBLIC = 0x12,  /* TPM2B_PUBLIC of the attestation key, marshalled */
	CAPSA_EV_TPM2_PCR_VALUE = 0x13,  /* the quoted PCRs' values, 32 bytes each in selection order */
	CAPSA_EV_TPM2_EK_CERT = 0x14,    /* optional: EK certificate (DER) */
	CAPSA_EV_TPM2_ACTIVATION = 0x15, /* optional: credential-activation record */
	CAPSA_EV_SNP_REPORT = 0x20,      /* SEV-SNP attestation report, 1184 bytes */
	CAPSA_EV_SNP_VCEK = 0x21,        /* the VCEK certificate (DER) that signed it */
	CAPSA_EV_NITRO_DOCUMENT = 0x30,  /* Nitro attestation document (COSE_Sign1) */
} capsa_evidence_tag;

typedef struct capsa_evidence_item {
	uint8_t tag;
	const uint8_t *data;
	size_t len;
} capsa_evidence_item;

typedef struct capsa_evidence {
	capsa_attest_platform platform;
	const uint8_t *nonce;      /* the verifier's challenge the attester answered */
	size_t nonce_len;
	const uint8_t *keys;       /* the attester's public keys, bound by the evidence */
	size_t keys_len;
	size_t num_items;
	capsa_evidence_item items[CAPSA_EVIDENCE_MAX_ITEMS];
} capsa_evidence;

/*
 * capsa_evidence_parse parses |buf| strictly into |ev| (which then points into
 * |buf|). Returns CAPSA_OK; CAPSA_ERR_NOT_CAPSA without the magic;
 * CAPSA_ERR_VERSION for another version; CAPSA_ERR_TRUNCATED when it ends
 * early; CAPSA_ERR_TRAILING for bytes after the last item; CAPSA_ERR_DECODE for
 * anything else malformed (unknown platform or tag, order, duplicates, sizes,
 * a missing required item). |ev| is zeroed on failure.
 */
CAPSA_API capsa_status capsa_evidence_parse(capsa_evidence *ev, const uint8_t *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_evidence_serialize writes |ev| in the canonical encoding to a fresh
 * buffer |*out| (free() it). Items may be given in any order; they are written
 * sorted. Returns CAPSA_ERR_ARG for an envelope that capsa_evidence_parse
 * would refuse, CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_evidence_serialize(const capsa_evidence *ev, uint8_t **out,
                                                size_t *out_len) CAPSA_MUST_CHECK;

/* capsa_evidence_get returns the item with |tag|, or NULL. */
CAPSA_API const capsa_evidence_item *capsa_evidence_get(const capsa_evidence *ev, capsa_evidence_tag tag);

/* capsa_evidence_add appends an item (no copy). Returns CAPSA_ERR_ARG when full. */
CAPSA_API capsa_status capsa_evidence_add(capsa_evidence *ev, capsa_evidence_tag tag, const uint8_t *data,
                                          size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_evidence_import turns what a user was handed into an envelope: an
 * envelope as is; a Nitro attestation document (COSE_Sign1, raw or base64);
 * or, when |vcek| is given, a 1184-byte SEV-SNP report signed by that VCEK
 * (DER). Vendor evidence carries no capsa nonce or keys: the envelope's are
 * empty. Writes a fresh envelope to |*out| (free()). Returns CAPSA_OK,
 * CAPSA_ERR_DECODE when the input is none of these, or what parsing returns.
 */
CAPSA_API capsa_status capsa_evidence_import(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len,
                                             const uint8_t *vcek, size_t vcek_len) CAPSA_MUST_CHECK;

/* ---- Measurements and certificates --------------------------------------- */

/*
 * capsa_attest_measure_fd computes the measurement of a program: SHA-256 of
 * everything read from |fd| until its end (read in pieces: programs can be
 * large). Returns CAPSA_OK, CAPSA_ERR_IO or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_attest_measure_fd(uint8_t out[32], int fd) CAPSA_MUST_CHECK;

#define CAPSA_CERT_MAX_BYTES 8192

/*
 * capsa_cert_decode takes the contents of a certificate file, DER or exactly
 * one PEM "CERTIFICATE" block (blanks and line breaks may follow it), and
 * writes the DER (at most CAPSA_CERT_MAX_BYTES) to a fresh buffer |*der|
 * (free()) after checking that it parses as one X.509 certificate. Returns
 * CAPSA_OK, CAPSA_ERR_DECODE (not one certificate) or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_cert_decode(uint8_t **der, size_t *der_len, const uint8_t *in,
                                         size_t in_len) CAPSA_MUST_CHECK;

/* ---- The sim platform (development only: it proves nothing) ------------- */

#define CAPSA_SIM_SEEDBYTES 32
#define CAPSA_SIM_PUBLICBYTES 32

/*
 * capsa_sim_quote makes SIMULATED evidence: the sim platform key |seed| signs
 * (measurement, capsa_attest_binding(keys, nonce), timestamp) and the result is
 * wrapped in an envelope written to |*out| (free()). |measurement| is 1..64
 * bytes, |nonce| 1..64, |keys| 1..8192. Returns CAPSA_OK, CAPSA_ERR_ARG,
 * CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_sim_quote(uint8_t **out, size_t *out_len, const uint8_t seed[CAPSA_SIM_SEEDBYTES],
                                       const uint8_t *measurement, size_t measurement_len,
                                       const uint8_t *keys, size_t keys_len, const uint8_t *nonce,
                                       size_t nonce_len, int64_t timestamp) CAPSA_MUST_CHECK;

/*
 * The sim platform key file: one line, "CAPSA-SIM-PLATFORM-KEY-1 SIMULATED,
 * development only", a newline, the hex seed, a newline. Keep it readable by
 * its owner only: it is a secret.
 */
#define CAPSA_SIM_KEYFILE_BYTES 118

/*
 * capsa_sim_keygen makes a sim platform key: a random |seed| and its Ed25519
 * public key |pub| (what a policy's platform_keys pins). Returns CAPSA_OK or
 * CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_sim_keygen(uint8_t seed[CAPSA_SIM_SEEDBYTES],
                                        uint8_t pub[CAPSA_SIM_PUBLICBYTES]) CAPSA_MUST_CHECK;

/* capsa_sim_key_encode writes the key file for |seed| to |out| (NUL-terminated; wipe it after use). */
CAPSA_API void capsa_sim_key_encode(char out[CAPSA_SIM_KEYFILE_BYTES + 1], const uint8_t seed[CAPSA_SIM_SEEDBYTES]);

/*
 * capsa_sim_key_write writes the key file for |seed| to |path| as a secret
 * file (capsa_secret_file_write, capsa/file.h), as identities are written: a
 * new file of mode 0600, synced, or an existing device, FIFO or socket; it
 * never replaces a file, not even through a symbolic link. Returns CAPSA_OK,
 * CAPSA_ERR_EXISTS, or CAPSA_ERR_IO (errno set; a partly written file is
 * removed).
 */
CAPSA_API capsa_status capsa_sim_key_write(const char *path, const uint8_t seed[CAPSA_SIM_SEEDBYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_sim_key_decode reads the seed from the key file contents |file|.
 * Returns CAPSA_OK or CAPSA_ERR_KEY (anything but exactly that format).
 */
CAPSA_API capsa_status capsa_sim_key_decode(uint8_t seed[CAPSA_SIM_SEEDBYTES], const uint8_t *file,
                                            size_t len) CAPSA_MUST_CHECK;

/* ---- Policy --------------------------------------------------------------
 *
 * A policy is a JSON document (schema in doc/ATTESTATION.md) validated
 * strictly into this struct: unknown keys, wrong types, bad hex and
 * contradictions are refused when it is loaded, never when it is applied.
 */
#define CAPSA_POLICY_MAX_MEASUREMENTS 16
#define CAPSA_POLICY_MAX_PINS 8
#define CAPSA_POLICY_PIN_BYTES 34

typedef struct capsa_policy_platform {
	bool allowed;
	bool allow_debug;          /* default false: debug platforms are refused */
	size_t num_measurements;
	uint8_t measurements[CAPSA_POLICY_MAX_MEASUREMENTS][CAPSA_ATTEST_MAX_MEASUREMENT];
	size_t measurement_lens[CAPSA_POLICY_MAX_MEASUREMENTS];
	size_t num_pins;           /* tpm2: trusted AK names (34 bytes); sim: platform keys (32) */
	uint8_t pins[CAPSA_POLICY_MAX_PINS][CAPSA_POLICY_PIN_BYTES];
	bool has_min_tcb;          /* sev-snp only */
	uint8_t min_tcb[4];        /* bootloader, tee, snp, microcode SVNs */
} capsa_policy_platform;

typedef struct capsa_attest_policy {
	bool allow_sim;            /* default false: a production policy refuses sim */
	bool require_nonce;        /* default true: the verifier must give its nonce */
	int64_t max_age;           /* seconds; 0: no limit */
	capsa_policy_platform platforms[5]; /* indexed by capsa_attest_platform */
} capsa_attest_policy;

/*
 * capsa_policy_parse validates the JSON policy |json| into |pol|. Returns
 * CAPSA_OK, or CAPSA_ERR_DECODE with a reason in |err| (|err_len| bytes,
 * may be NULL) that names the offending key.
 */
CAPSA_API capsa_status capsa_policy_parse(capsa_attest_policy *pol, const char *json, size_t json_len, char *err,
                                          size_t err_len) CAPSA_MUST_CHECK;

/*
 * capsa_policy_apply appends one check per policy rule to |res| (names start
 * with "policy-"). Returns CAPSA_OK if all pass, else CAPSA_ERR_POLICY.
 * |ev| supplies the pins' subjects (AK public, sim platform key); |at| is the
 * verification time.
 */
CAPSA_API capsa_status capsa_policy_apply(const capsa_attest_policy *pol, const capsa_evidence *ev, int64_t at,
                                          capsa_attest_result *res) CAPSA_MUST_CHECK;

/* ---- Verification -------------------------------------------------------- */

typedef struct capsa_attest_verify_params {
	const uint8_t *nonce;       /* the verifier's challenge; NULL fails "nonce" unless the policy waives it */
	size_t nonce_len;
	const uint8_t *keys;        /* optional: the keys the verifier expects to be bound */
	size_t keys_len;
	const uint8_t *report_data; /* optional: the exact report data, for vendor evidence not made by capsa */
	size_t report_data_len;
	int64_t at;                 /* verification time, unix seconds */
} capsa_attest_verify_params;

/*
 * capsa_attest_verify parses the envelope, runs its platform's verifier,
 * checks that the platform's report data equals capsa_attest_binding(the
 * enveloped keys, the enveloped nonce) and that the nonce (and keys) are the
 * verifier's, then applies |policy|. Every check lands in |res|, named.
 * Returns CAPSA_OK only when everything passed; CAPSA_ERR_DECODE (and the
 * parse errors) when the envelope is malformed; CAPSA_ERR_EVIDENCE or
 * CAPSA_ERR_CERT when the evidence does not verify or is not bound to the
 * nonce and keys; CAPSA_ERR_POLICY when it verifies but the policy refuses it.
 */
CAPSA_API capsa_status capsa_attest_verify(const uint8_t *evidence, size_t evidence_len,
                                           const capsa_attest_verify_params *params,
                                           const capsa_attest_policy *policy,
                                           capsa_attest_result *res) CAPSA_MUST_CHECK;

/* capsa_attest_first_failure returns the first failed check in |res|, or NULL. */
CAPSA_API const capsa_attest_check *capsa_attest_first_failure(const capsa_attest_result *res);

/* ---- TPM 2.0 -------------------------------------------------------------
 *
 * The attester's side of the tpm2 platform and its enrollment (the whole
 * scheme: doc/ATTESTATION.md, "TPM 2.0"). A verifier accepts a quote only
 * from an attestation key (AK) whose name it recorded at enrollment: the
 * enroller establishes trust in the TPM's endorsement key (EK), through an EK
 * certificate that chains to the manufacturer's root, an EK the operator
 * pinned, or (loudly) on first use; then it proves with MakeCredential /
 * ActivateCredential that the AK lives in the same TPM, and records the AK's
 * name in the policy's ak_names.
 *
 * Every function here returns CAPSA_ERR_UNSUPPORTED when libcapsa was built
 * without TPM 2.0 support (CMake option CAPSA_WITH_TPM2=OFF).
 */

/* The PCR capsa extends the measurement into: 16, resettable at locality 0. */
#define CAPSA_TPM2_PCR 16
#define CAPSA_TPM2_DIGEST_BYTES 32
/* An object name with nameAlg SHA-256: be16(TPM_ALG_SHA256) || SHA-256(TPMT_PUBLIC). */
#define CAPSA_TPM2_NAME_BYTES 34
/* The largest marshaled structure capsa accepts anywhere (TPM2B sizes are u16). */
#define CAPSA_TPM2_MAX_BLOB 4096
/* The most intermediates between an EK certificate and its root. */
#define CAPSA_TPM2_MAX_EK_CHAIN 4

typedef struct capsa_tpm2 capsa_tpm2;

/*
 * capsa_tpm2_open connects to the TPM named by |tcti| in tpm2-tss TCTI loader
 * syntax, e.g. "swtpm:host=127.0.0.1,port=2321", "device:/dev/tpmrm0", or
 * NULL for the loader's default. Startup is sent if the TPM needs it.
 * Returns CAPSA_OK, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM (no such TPM, or it does
 * not answer).
 */
CAPSA_API capsa_status capsa_tpm2_open(capsa_tpm2 **out, const char *tcti) CAPSA_MUST_CHECK;
/* capsa_tpm2_close flushes and disconnects; safe on NULL. */
CAPSA_API void capsa_tpm2_close(capsa_tpm2 *tpm);

/*
 * capsa_tpm2_ak_name computes the name of the key in |pub| (a marshaled
 * TPM2B_PUBLIC) after checking that it is an acceptable AK: ECC P-256,
 * nameAlg SHA-256, restricted, sign, not decrypt, fixedTPM, fixedParent,
 * sensitiveDataOrigin, scheme ECDSA-SHA256. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE (malformed) or CAPSA_ERR_KEY (a valid key, but not an AK).
 */
CAPSA_API capsa_status capsa_tpm2_ak_name(uint8_t name[CAPSA_TPM2_NAME_BYTES], const uint8_t *pub,
                                          size_t pub_len) CAPSA_MUST_CHECK;

/*
 * capsa_tpm2_quote_envelope makes tpm2 evidence: with |measurement| (a
 * 32-byte SHA-256, e.g. capsa_attest_measure_fd of the program about to run)
 * it first resets CAPSA_TPM2_PCR and extends it with that digest (NULL: the
 * launcher measured already); then the AK quotes the PCR with
 * capsa_attest_binding(keys, nonce) as qualifying data, and the quote is
 * wrapped in an envelope written to |*out| (free()). |ak_name| receives the
 * AK's name, what enrollment records. |nonce| is 1..64 bytes, |keys| 1..8192.
 * Returns CAPSA_OK, CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM.
 */
CAPSA_API capsa_status capsa_tpm2_quote_envelope(capsa_tpm2 *tpm, const uint8_t *measurement, const uint8_t *keys,
                                                 size_t keys_len, const uint8_t *nonce, size_t nonce_len,
                                                 uint8_t **out, size_t *out_len,
                                                 uint8_t ak_name[CAPSA_TPM2_NAME_BYTES]) CAPSA_MUST_CHECK;

/*
 * What a keeper calls to bind its identity to its code. capsa_tpm2_measure
 * resets CAPSA_TPM2_PCR and extends it with |measurement| (a SHA-256, e.g.
 * capsa_attest_measure_fd of the running program), which a launcher does on
 * a real deployment before the program runs. capsa_tpm2_seal_secret seals
 * |secret| (1..128 bytes) under the TPM's storage root key so that it
 * unseals only on this TPM while CAPSA_TPM2_PCR holds the value it holds
 * now; the blob (free()) is useless anywhere else. capsa_tpm2_unseal_secret
 * unseals it into |secret| (room for 128 bytes). Both return CAPSA_OK,
 * CAPSA_ERR_ARG, CAPSA_ERR_NOMEM or CAPSA_ERR_TPM; unsealing also
 * CAPSA_ERR_DECODE (not a blob) and CAPSA_ERR_POLICY (the PCR holds another
 * value: other code is running).
 */
CAPSA_API capsa_status capsa_tpm2_measure(capsa_tpm2 *tpm, const uint8_t measurement[CAPSA_TPM2_DIGEST_BYTES]) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_tpm2_seal_secret(capsa_tpm2 *tpm, const uint8_t *secret, size_t secret_len, uint8_t **blob,
                                              size_t *blob_len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_tpm2_unseal_secret(capsa_tpm2 *tpm, const uint8_t *blob, size_t blob_len,
                                                uint8_t secret[128], size_t *secret_len) CAPSA_MUST_CHECK;

/* What the enroller trusts about the EK: a manufacturer root (and intermediates), a pinned EK, both, or neither. */
typedef struct capsa_tpm2_ek_trust {
	const uint8_t *root;             /* DER (capsa_cert_decode); NULL: no certificate check */
	size_t root_len;
	const uint8_t *const *inter;     /* DER intermediates, from the root's side down */
	const size_t *inter_len;
	size_t num_inter;                /* at most CAPSA_TPM2_MAX_EK_CHAIN; only with a root */
	const uint8_t *pinned;           /* the EK's TPM2B_PUBLIC the operator pinned; NULL: none */
	size_t pinned_len;
	int64_t at;                      /* when the chain must be valid (unix seconds) */
	bool rsa;                        /* use the RSA 2048 EK even if an ECC P-256 one is certified */
} capsa_tpm2_ek_trust;

/* The EK enrollment uses, and why it is trusted. Free with capsa_tpm2_ek_free. */
typedef struct capsa_tpm2_ek {
	bool rsa;       /* the RSA 2048 EK (else ECC P-256) */
	bool certified; /* its certificate chains to the root and certifies it */
	bool pinned;    /* it equals the pinned EK */
	uint8_t *pub;   /* TPM2B_PUBLIC */
	size_t pub_len;
} capsa_tpm2_ek;

/* Why the EK (or the AK) was refused: a stable short name and a sentence for people. */
typedef struct capsa_tpm2_refusal {
	const char *name; /* ek-cert-missing, ek-cert-chain, ek-cert-expired, ek-cert-mismatch,
	                     ek-cert-malformed, ek-pinned-mismatch, credential, tpm; NULL: no refusal */
	char text[512];
} capsa_tpm2_refusal;

/*
 * capsa_tpm2_ek_establish picks the TPM's EK and establishes trust in it as
 * |trust| says. With a root, the EK certificate comes from NV memory (the ECC
 * P-256 one, or the RSA 2048 one if the TPM has no P-256 certificate or
 * trust->rsa is set) and the EK is the one of that type; it must chain to the
 * root at trust->at and certify exactly that EK. A pinned EK must equal the
 * one in use. With neither, the EK is only trusted on first use: |ek| says
 * neither certified nor pinned, and the caller must say so. Returns CAPSA_OK,
 * or the failing status with |why| filled. Free |ek| with capsa_tpm2_ek_free,
 * also after a failure.
 */
CAPSA_API capsa_status capsa_tpm2_ek_establish(capsa_tpm2 *tpm, const capsa_tpm2_ek_trust *trust,
                                               capsa_tpm2_ek *ek, capsa_tpm2_refusal *why) CAPSA_MUST_CHECK;
/* capsa_tpm2_ek_free releases |ek|'s buffer; safe to call twice. */
CAPSA_API void capsa_tpm2_ek_free(capsa_tpm2_ek *ek);

/*
 * capsa_tpm2_enroll_ak proves that the TPM's AK lives in the same TPM as |ek|:
 * a fresh random secret goes through MakeCredential (in software, for that EK
 * and the AK's name) and ActivateCredential (in the TPM), and must come back
 * unchanged (compared in constant time). Then |name| receives the AK name to
 * record in a policy's ak_names. Returns CAPSA_OK, or the failing status with
 * |why| filled ("credential").
 */
CAPSA_API capsa_status capsa_tpm2_enroll_ak(capsa_tpm2 *tpm, const capsa_tpm2_ek *ek,
                                            uint8_t name[CAPSA_TPM2_NAME_BYTES],
                                            capsa_tpm2_refusal *why) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
