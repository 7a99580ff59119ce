/*
 * Chain validation to one pinned root at a caller-given time.
 *
 * OpenSSL builds and checks the chain; capsa then insists that the chain it
 * built is exactly leaf, the intermediates in order, root, so that evidence
 * cannot carry spare certificates that were never checked, and that the
 * trust anchor signed itself (X509_V_FLAG_CHECK_SS_SIGNATURE).
 */
#include <stdarg.h>
#include <stdio.h>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "attest/core.h"

static capsa_status fail(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static capsa_status fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why_len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return CAPSA_ERR_CERT;
}

/* Builds the store (the root only), the untrusted stack and the context. */
static bool setup(X509_STORE **store, STACK_OF(X509) **untrusted, X509_STORE_CTX **ctx, const capsa_cert *root,
                  const capsa_cert *const *inter, size_t num_inter, const capsa_cert *leaf, int64_t at)
{
	X509_VERIFY_PARAM *param;

	if ((*store = X509_STORE_new()) == NULL || !X509_STORE_add_cert(*store, capsa_cert_x509(root)) ||
	    (*untrusted = sk_X509_new_null()) == NULL || (*ctx = X509_STORE_CTX_new()) == NULL)
		return false;
	for (size_t i = 0; i < num_inter; i++)
		if (!sk_X509_push(*untrusted, capsa_cert_x509(inter[i])))
			return false;
	if (!X509_STORE_CTX_init(*ctx, *store, capsa_cert_x509(leaf), *untrusted))
		return false;
	param = X509_STORE_CTX_get0_param(*ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CHECK_SS_SIGNATURE);
	X509_VERIFY_PARAM_set_depth(param, (int)num_inter + 1);
	X509_VERIFY_PARAM_set_time(param, (time_t)at);
	return true;
}

/* The built chain must be leaf, inter[n-1], ..., inter[0], root. */
static bool chain_is_exact(X509_STORE_CTX *ctx, const capsa_cert *root, const capsa_cert *const *inter,
                           size_t num_inter, const capsa_cert *leaf)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

	if (chain == NULL || (size_t)sk_X509_num(chain) != num_inter + 2)
		return false;
	if (X509_cmp(sk_X509_value(chain, 0), capsa_cert_x509(leaf)) != 0 ||
	    X509_cmp(sk_X509_value(chain, (int)num_inter + 1), capsa_cert_x509(root)) != 0)
		return false;
	for (size_t i = 0; i < num_inter; i++)
		if (X509_cmp(sk_X509_value(chain, (int)(num_inter - i)), capsa_cert_x509(inter[i])) != 0)
			return false;
	return true;
}

capsa_status capsa_cert_chain_verify(const capsa_cert *root, const capsa_cert *const *inter, size_t num_inter,
                                     const capsa_cert *leaf, int64_t at, char *why, size_t why_len)
{
	STACK_OF(X509) *untrusted = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	capsa_status st;

	if (why_len > 0)
		why[0] = '\0';
	if (num_inter > 8)
		return fail(why, why_len, "too many certificates (%zu intermediates)", num_inter);
	if (!setup(&store, &untrusted, &ctx, root, inter, num_inter, leaf, at)) {
		st = fail(why, why_len, "cannot set up the chain check");
		goto out;
	}
	if (X509_verify_cert(ctx) != 1) {
		st = fail(why, why_len, "%s at depth %d", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)),
		          X509_STORE_CTX_get_error_depth(ctx));
		goto out;
	}
	if (!chain_is_exact(ctx, root, inter, num_inter, leaf)) {
		st = fail(why, why_len, "the chain skips or reorders a certificate");
		goto out;
	}
	st = CAPSA_OK;
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	X509_STORE_free(store);
	return st;
}
