/* A certificate file as people are handed one: DER, or one PEM CERTIFICATE block. */
#include <stdlib.h>
#include <string.h>

#include <capsa/attest.h>

#include "attest/core.h"
#include "wire/base64.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

/* Where |needle| first occurs in |hay| (lengths given, no terminators), or NULL. */
static const uint8_t *find(const uint8_t *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= hay_len && i <= hay_len - n; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return hay + i;
	return NULL;
}

/* True if |p| holds only blanks and line breaks. */
static bool only_space(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* The DER bytes of |in|: a copy of DER, or the decoded PEM block. */
static capsa_status cert_bytes(uint8_t **der, size_t *der_len, const uint8_t *in, size_t in_len)
{
	size_t begin_len = sizeof pem_begin - 1, end_len = sizeof pem_end - 1;
	const uint8_t *body, *stop;

	if (in_len < begin_len || memcmp(in, pem_begin, begin_len) != 0) {
		/* DER: the parse below checks it strictly */
		if (in_len == 0 || (*der = malloc(in_len)) == NULL)
			return in_len == 0 ? CAPSA_ERR_DECODE : CAPSA_ERR_NOMEM;
		memcpy(*der, in, in_len);
		*der_len = in_len;
		return CAPSA_OK;
	}
	body = in + begin_len;
	stop = find(body, in_len - begin_len, pem_end);
	if (stop == NULL || !only_space(stop + end_len, (size_t)(in + in_len - stop - end_len)))
		return CAPSA_ERR_DECODE; /* no end, or more than one certificate */
	return capsa_base64_decode(der, der_len, (const char *)body, (size_t)(stop - body));
}

capsa_status capsa_cert_decode(uint8_t **der, size_t *der_len, const uint8_t *in, size_t in_len)
{
	capsa_cert *cert = NULL;
	capsa_status st;

	*der = NULL, *der_len = 0;
	if ((st = cert_bytes(der, der_len, in, in_len)) == CAPSA_OK)
		st = capsa_cert_parse(&cert, *der, *der_len);
	capsa_cert_free(cert);
	if (st != CAPSA_OK) {
		free(*der);
		*der = NULL, *der_len = 0;
	}
	return st;
}
