/*
 * attest/x509.h - the certificate work the cloud verifiers need, over
 * OpenSSL's X.509 code: strict DER parsing, the signer's public key, AMD's
 * custom extensions, and chain validation to one pinned root at a given time.
 */
#ifndef CAPSA_ATTEST_X509_H
#define CAPSA_ATTEST_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_CERT_MAX_BYTES 8192

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

#endif
