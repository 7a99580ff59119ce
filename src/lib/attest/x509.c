/* Certificates for the cloud verifiers, over OpenSSL's X.509 code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "attest/core.h"

struct capsa_cert {
	X509 *x509;
	unsigned char *der;  /* the exact encoding parsed */
	size_t der_len;
	unsigned char *spki; /* i2d of the SubjectPublicKeyInfo */
	size_t spki_len;
};

X509 *capsa_cert_x509(const capsa_cert *cert)
{
	return cert->x509;
}

void capsa_cert_free(capsa_cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	free(cert->der);
	OPENSSL_free(cert->spki);
	free(cert);
}

static capsa_status cache_spki(capsa_cert *cert)
{
	X509_PUBKEY *pub = X509_get_X509_PUBKEY(cert->x509);
	unsigned char *spki = NULL;
	int len;

	if (pub == NULL || (len = i2d_X509_PUBKEY(pub, &spki)) <= 0)
		return CAPSA_ERR_DECODE;
	cert->spki = spki;
	cert->spki_len = (size_t)len;
	return CAPSA_OK;
}

capsa_status capsa_cert_parse(capsa_cert **out, const uint8_t *der, size_t der_len)
{
	const unsigned char *p = der;
	capsa_cert *cert = NULL;
	capsa_status st = CAPSA_ERR_DECODE;

	*out = NULL;
	if (der == NULL || der_len == 0 || der_len > CAPSA_CERT_MAX_BYTES)
		return CAPSA_ERR_DECODE;
	if ((cert = calloc(1, sizeof *cert)) == NULL || (cert->der = malloc(der_len)) == NULL) {
		st = CAPSA_ERR_NOMEM;
		goto out;
	}
	memcpy(cert->der, der, der_len);
	cert->der_len = der_len;
	cert->x509 = d2i_X509(NULL, &p, (long)der_len);
	if (cert->x509 == NULL || p != der + der_len)
		goto out;
	if ((st = cache_spki(cert)) != CAPSA_OK)
		goto out;
	*out = cert;
	cert = NULL;
out:
	capsa_cert_free(cert);
	return st;
}

capsa_status capsa_cert_spki(const capsa_cert *cert, const uint8_t **spki, size_t *spki_len)
{
	*spki = cert->spki;
	*spki_len = cert->spki_len;
	return cert->spki_len > 0 ? CAPSA_OK : CAPSA_ERR_DECODE;
}

/* Finds the single extension |oid|; a repeated one is refused. */
static const ASN1_OCTET_STRING *find_ext(const capsa_cert *cert, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	X509_EXTENSION *ext;
	int at;

	if (obj == NULL)
		return NULL;
	at = X509_get_ext_by_OBJ(cert->x509, obj, -1);
	if (at >= 0 && X509_get_ext_by_OBJ(cert->x509, obj, at) >= 0)
		at = -1;
	ASN1_OBJECT_free(obj);
	if (at < 0 || (ext = X509_get_ext(cert->x509, at)) == NULL)
		return NULL;
	return X509_EXTENSION_get_data(ext);
}

capsa_status capsa_cert_ext_raw(const capsa_cert *cert, const char *oid, const uint8_t **data, size_t *len)
{
	const ASN1_OCTET_STRING *os = find_ext(cert, oid);

	*data = NULL;
	*len = 0;
	if (os == NULL)
		return CAPSA_ERR_DECODE;
	*data = ASN1_STRING_get0_data(os);
	*len = (size_t)ASN1_STRING_length(os);
	return CAPSA_OK;
}

capsa_status capsa_cert_ext_uint(const capsa_cert *cert, const char *oid, uint64_t *out)
{
	const ASN1_OCTET_STRING *os = find_ext(cert, oid);
	const unsigned char *p;
	ASN1_INTEGER *n = NULL;
	capsa_status st = CAPSA_ERR_DECODE;

	*out = 0;
	if (os == NULL)
		return CAPSA_ERR_DECODE;
	p = ASN1_STRING_get0_data(os);
	n = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(os));
	if (n != NULL && p == ASN1_STRING_get0_data(os) + ASN1_STRING_length(os) &&
	    ASN1_INTEGER_get_uint64(out, n) == 1)
		st = CAPSA_OK;
	ASN1_INTEGER_free(n);
	return st;
}

bool capsa_cert_names_issuer(const capsa_cert *cert, const capsa_cert *issuer)
{
	return X509_NAME_cmp(X509_get_issuer_name(cert->x509), X509_get_subject_name(issuer->x509)) == 0;
}

bool capsa_cert_equal(const capsa_cert *a, const capsa_cert *b)
{
	return a->der_len == b->der_len && memcmp(a->der, b->der, a->der_len) == 0;
}

bool capsa_cert_signs_data(const capsa_cert *cert)
{
	uint32_t flags = X509_get_extension_flags(cert->x509);

	if (flags & EXFLAG_INVALID)
		return false;
	if ((flags & EXFLAG_BCONS) && (flags & EXFLAG_CA))
		return false;
	return !(flags & EXFLAG_KUSAGE) || (X509_get_key_usage(cert->x509) & KU_DIGITAL_SIGNATURE);
}
