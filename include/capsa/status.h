/*
 * capsa/status.h - the result of every libcapsa call that can fail.
 *
 * Every fallible function returns a capsa_status. CAPSA_OK is zero, so
 * `if (st != CAPSA_OK)` and `if (st)` both read naturally. Each other value
 * names one class of failure precisely enough for a caller (and the capsa
 * command's exit code) to tell "wrong key" from "corrupted data" from
 * "truncated file". Values are stable: new ones are only ever appended.
 */
#ifndef CAPSA_STATUS_H
#define CAPSA_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CAPSA_BUILDING)
#define CAPSA_API __attribute__((visibility("default")))
#else
#define CAPSA_API
#endif
#define CAPSA_MUST_CHECK __attribute__((warn_unused_result))

typedef enum capsa_status {
	CAPSA_OK = 0,

	/* Programming and environment errors. */
	CAPSA_ERR_ARG = 1,          /* an argument is out of its documented range */
	CAPSA_ERR_NOMEM = 2,        /* an allocation failed */
	CAPSA_ERR_IO = 3,           /* reading or writing failed (see errno) */
	CAPSA_ERR_INTERNAL = 4,     /* a primitive failed where it cannot fail */
	CAPSA_ERR_UNSUPPORTED = 5,  /* a valid but unsupported choice (suite, stanza) */

	/* Input that is not what it claims to be. */
	CAPSA_ERR_NOT_CAPSA = 10,   /* no capsa magic: not a capsa file */
	CAPSA_ERR_VERSION = 11,     /* a capsa file of a version we do not read */
	CAPSA_ERR_DECODE = 12,      /* malformed or non-canonical encoding */
	CAPSA_ERR_TRUNCATED = 13,   /* input ended early */
	CAPSA_ERR_TRAILING = 14,    /* data after the end of the payload */

	/* Authentication and key failures. */
	CAPSA_ERR_NO_MATCH = 20,    /* no identity opens any stanza */
	CAPSA_ERR_HEADER_AUTH = 21, /* the header MAC does not verify */
	CAPSA_ERR_CHUNK_AUTH = 22,  /* a payload chunk does not verify */
	CAPSA_ERR_AUTH = 23,        /* an AEAD tag or MAC does not verify */
	CAPSA_ERR_SIGNATURE = 24,   /* a signature does not verify */
	CAPSA_ERR_PROOF = 25,       /* a zero-knowledge proof does not verify */
	CAPSA_ERR_KEY = 26,         /* a key is invalid (identity point, zero, out of range) */
	CAPSA_ERR_SIGNER = 27,      /* not signed, or not by the required signer */
	CAPSA_ERR_TRAILER = 28,     /* a signed file's trailer is malformed or disagrees with the file */
	CAPSA_ERR_TREE = 29,        /* a chunk or stored tree node is not what the signer signed */

	/* Delegation (Umbral). */
	CAPSA_ERR_THRESHOLD = 30,   /* too few or inconsistent capsule fragments */
	CAPSA_ERR_MISMATCH = 31,    /* objects that must belong together do not */

	/* Attestation. */
	CAPSA_ERR_EVIDENCE = 40,    /* evidence does not verify */
	CAPSA_ERR_POLICY = 41,      /* evidence verifies but the policy refuses it */
	CAPSA_ERR_CERT = 42,        /* a certificate chain does not verify */
	CAPSA_ERR_TPM = 43,         /* the TPM refused or failed an operation */

	CAPSA_ERR_RANGE = 50,       /* a requested range lies outside the plaintext */
	CAPSA_ERR_EXISTS = 51       /* refusing to overwrite an existing file */
} capsa_status;

/*
 * capsa_status_str returns a short, static, human-readable description of
 * |st|. It never returns NULL.
 */
CAPSA_API const char *capsa_status_str(capsa_status st);

#ifdef __cplusplus
}
#endif
#endif
