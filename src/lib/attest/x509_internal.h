/* attest/x509_internal.h - the OpenSSL object behind a capsa_cert, for attest/x509*.c only. */
#ifndef CAPSA_ATTEST_X509_INTERNAL_H
#define CAPSA_ATTEST_X509_INTERNAL_H

#include <openssl/x509.h>

#include "attest/x509.h"

/* capsa_cert_x509 returns the parsed certificate, owned by |cert|. */
X509 *capsa_cert_x509(const capsa_cert *cert);

#endif
