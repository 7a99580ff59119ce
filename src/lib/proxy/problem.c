/* Problem types: the stable names of every refusal (doc/PROTOCOL.md, "Problems"). */
#include <string.h>

#include <capsa/proxy.h>

#define PROBLEM_PREFIX "urn:capsa:problem:"

static const struct {
	const char *name, *title;
	int status;
} problems[] = {
	[CAPSA_PROBLEM_NONE] = {"none", "no problem", 200},
	[CAPSA_PROBLEM_BAD_REQUEST] = {"bad-request", "the request is malformed", 400},
	[CAPSA_PROBLEM_BAD_SIGNATURE] = {"bad-signature", "the statement's signature does not verify", 401},
	[CAPSA_PROBLEM_STALE] = {"stale", "the statement's time is too far from the proxy's clock", 400},
	[CAPSA_PROBLEM_REPLAY] = {"replay", "the nonce was already used", 409},
	[CAPSA_PROBLEM_WRONG_PROXY] = {"wrong-proxy", "the statement is for another proxy", 421},
	[CAPSA_PROBLEM_BAD_KFRAG] = {"bad-kfrag", "the kfrag does not open, match the statement or verify", 422},
	[CAPSA_PROBLEM_CONFLICT] = {"conflict", "the grant id exists with another statement", 409},
	[CAPSA_PROBLEM_UNKNOWN_GRANT] = {"unknown-grant", "this proxy holds no such grant", 404},
	[CAPSA_PROBLEM_REVOKED] = {"revoked", "the grant was revoked", 410},
	[CAPSA_PROBLEM_EXPIRED] = {"expired", "the grant has expired", 403},
	[CAPSA_PROBLEM_NOT_RECIPIENT] = {"not-recipient", "the signer is not the grant's recipient or owner", 403},
	[CAPSA_PROBLEM_USES_EXHAUSTED] = {"uses-exhausted", "the grant's use limit is reached", 403},
	[CAPSA_PROBLEM_BAD_CAPSULE] = {"bad-capsule", "the capsule does not parse or match the statement", 422},
	[CAPSA_PROBLEM_BUSY] = {"busy", "too many requests", 429},
	[CAPSA_PROBLEM_UNAVAILABLE] = {"unavailable", "the proxy is stopping", 503},
	[CAPSA_PROBLEM_INTERNAL] = {"internal", "internal error", 500},
	[CAPSA_PROBLEM_TOO_LARGE] = {"too-large", "the request is too large", 413},
	[CAPSA_PROBLEM_UNSUPPORTED_MEDIA_TYPE] = {"unsupported-media-type", "the body is not application/json", 415},
	[CAPSA_PROBLEM_NOT_FOUND] = {"not-found", "no such resource", 404},
	[CAPSA_PROBLEM_METHOD_NOT_ALLOWED] = {"method-not-allowed", "method not allowed", 405},
	[CAPSA_PROBLEM_WRONG_KEEPER] = {"wrong-keeper", "the statement is for another keeper", 421},
	[CAPSA_PROBLEM_NO_SUCH_FILE] = {"no-such-file", "the keeper's store holds no such file", 404},
	[CAPSA_PROBLEM_NOT_OWNER] = {"not-owner", "the signer is not the owner of the file's content", 403},
	[CAPSA_PROBLEM_NOT_LISTED] = {"not-listed", "the access list does not name the recipient", 403},
	[CAPSA_PROBLEM_DENIED] = {"denied", "the access list denies the recipient", 403},
	[CAPSA_PROBLEM_ACCESS_ENDED] = {"access-ended", "the recipient's access has ended", 403},
	[CAPSA_PROBLEM_NO_CFRAGS] = {"no-cfrags", "the proxies gave fewer verified cfrags than the grant needs", 503},
};

static size_t slot(capsa_proxy_problem p)
{
	return (size_t)p < sizeof problems / sizeof *problems ? (size_t)p : CAPSA_PROBLEM_INTERNAL;
}

const char *capsa_proxy_problem_name(capsa_proxy_problem p)
{
	return problems[slot(p)].name;
}

const char *capsa_proxy_problem_title(capsa_proxy_problem p)
{
	return problems[slot(p)].title;
}

int capsa_proxy_problem_status(capsa_proxy_problem p)
{
	return problems[slot(p)].status;
}

capsa_proxy_problem capsa_proxy_problem_from_type(const char *type)
{
	size_t n = sizeof PROBLEM_PREFIX - 1;

	if (type == NULL || strncmp(type, PROBLEM_PREFIX, n) != 0)
		return CAPSA_PROBLEM_NONE;
	for (size_t i = 1; i < sizeof problems / sizeof *problems; i++)
		if (strcmp(type + n, problems[i].name) == 0)
			return (capsa_proxy_problem)i;
	return CAPSA_PROBLEM_NONE;
}
