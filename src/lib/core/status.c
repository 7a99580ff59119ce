#include <capsa/status.h>

const char *capsa_status_str(capsa_status st)
{
	switch (st) {
	case CAPSA_OK: return "success";
	case CAPSA_ERR_ARG: return "invalid argument";
	case CAPSA_ERR_NOMEM: return "out of memory";
	case CAPSA_ERR_IO: return "I/O error";
	case CAPSA_ERR_INTERNAL: return "internal error in a cryptographic primitive";
	case CAPSA_ERR_UNSUPPORTED: return "unsupported";
	case CAPSA_ERR_NOT_CAPSA: return "not a capsa file";
	case CAPSA_ERR_VERSION: return "unsupported capsa format version";
	case CAPSA_ERR_DECODE: return "malformed encoding";
	case CAPSA_ERR_TRUNCATED: return "input is truncated";
	case CAPSA_ERR_TRAILING: return "trailing data after the end";
	case CAPSA_ERR_NO_MATCH: return "no identity matches";
	case CAPSA_ERR_HEADER_AUTH: return "header authentication failed";
	case CAPSA_ERR_CHUNK_AUTH: return "payload chunk authentication failed";
	case CAPSA_ERR_AUTH: return "authentication failed";
	case CAPSA_ERR_SIGNATURE: return "signature verification failed";
	case CAPSA_ERR_PROOF: return "proof verification failed";
	case CAPSA_ERR_KEY: return "invalid key";
	case CAPSA_ERR_SIGNER: return "not signed by the required signer";
	case CAPSA_ERR_TRAILER: return "signed trailer malformed or inconsistent with the file";
	case CAPSA_ERR_TREE: return "payload differs from what the signer signed";
	case CAPSA_ERR_THRESHOLD: return "not enough valid capsule fragments";
	case CAPSA_ERR_MISMATCH: return "objects do not belong together";
	case CAPSA_ERR_EVIDENCE: return "attestation evidence does not verify";
	case CAPSA_ERR_POLICY: return "attestation policy refused the evidence";
	case CAPSA_ERR_CERT: return "certificate chain does not verify";
	case CAPSA_ERR_TPM: return "TPM operation failed";
	case CAPSA_ERR_RANGE: return "range outside the plaintext";
	case CAPSA_ERR_EXISTS: return "refusing to overwrite an existing file";
	}
	return "unknown error";
}
