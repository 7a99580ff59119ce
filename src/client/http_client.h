/*
 * client/http_client.h - HTTP requests to proxies and witnesses, many at
 * once (libcurl multi), each with its own timeout, all within one deadline,
 * with a way to stop as soon as enough have answered (`capsa open` stops at
 * M valid cfrags).
 *
 * TLS peers are verified (CA bundle of the system, or cainfo); proxies from
 * the environment (http_proxy, ...) are ignored unless use_env_proxy.
 */
#ifndef CAPSA_CLIENT_HTTP_CLIENT_H
#define CAPSA_CLIENT_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#define CAPSA_HTTP_CLIENT_DEFAULT_TIMEOUT_MS 10000
#define CAPSA_HTTP_CLIENT_DEFAULT_MAX_BODY (4u << 20)

/* How a call ended, beside its HTTP status. */
typedef enum capsa_http_outcome {
	CAPSA_HTTP_DONE = 0,      /* a response arrived (any status: see status) */
	CAPSA_HTTP_PENDING,       /* not run yet */
	CAPSA_HTTP_REFUSED,       /* connection refused or reset, host unreachable */
	CAPSA_HTTP_RESOLVE,       /* the host name did not resolve */
	CAPSA_HTTP_TIMEOUT,       /* its timeout or the overall deadline passed */
	CAPSA_HTTP_TLS,           /* TLS handshake or certificate verification failed */
	CAPSA_HTTP_TOO_LARGE,     /* the response body was over max_body */
	CAPSA_HTTP_CANCELLED,     /* stopped early: on_done said enough */
	CAPSA_HTTP_FAILED         /* anything else (bad URL, protocol error, ...) */
} capsa_http_outcome;

/*
 * One call. The caller fills the inputs; capsa_http_parallel fills the
 * results. Release the results with capsa_http_call_clear.
 */
typedef struct capsa_http_call {
	/* Inputs (borrowed for the duration of the call). */
	const char *url;
	const char *method;        /* NULL: GET, or POST when body is set */
	const uint8_t *body;
	size_t body_len;
	const char *content_type;  /* of the body; NULL: none sent */
	long timeout_ms;           /* this call's own bound; 0: the default */
	void *user;                /* for the caller (on_done sees it) */
	bool download;             /* a 2xx body goes to download_fd as it comes, with no size limit
	                              (timeout_ms then bounds a stall, not the whole transfer) */
	int download_fd;

	/* Results. */
	capsa_http_outcome outcome;
	long status;               /* HTTP status, 0 without a response */
	uint8_t *response;         /* malloc'd, NUL-terminated; NULL if none */
	size_t response_len;
	char response_type[128];   /* the response's Content-Type, or "" */
	char error[256];           /* why, when outcome != DONE; "" otherwise */
	long elapsed_ms;
	uint64_t downloaded;       /* download: the bytes written to download_fd */
} capsa_http_call;

typedef struct capsa_http_client_opts {
	long deadline_ms;       /* overall bound on capsa_http_parallel; 0: none */
	size_t max_body;        /* largest response body kept; 0: the default */
	const char *cainfo;     /* PEM CA file for TLS; NULL: the system's */
	bool use_env_proxy;     /* honour http_proxy and friends (default no) */
	/*
	 * on_done, if set, is called after each call completes (in completion
	 * order, on the calling thread) with its index; returning true means
	 * enough: every call still running ends CAPSA_HTTP_CANCELLED.
	 */
	bool (*on_done)(void *arg, capsa_http_call *call, size_t index);
	void *arg;
} capsa_http_client_opts;

/* capsa_http_client_opts_default zeroes |opts| (the defaults). */
void capsa_http_client_opts_default(capsa_http_client_opts *opts);

/*
 * capsa_http_parallel runs the |n| calls at once and returns when all have
 * ended, the deadline has passed, or on_done said enough. Every call gets
 * its outcome (never PENDING on return). |opts| may be NULL. Returns CAPSA_OK
 * whatever the calls' outcomes; CAPSA_ERR_ARG for a call without a URL,
 * CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL when libcurl cannot be set up.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_parallel(capsa_http_call *calls, size_t n,
                                                  const capsa_http_client_opts *opts);

/*
 * capsa_http_get fetches |url| into |call| (which it initialises: clear it
 * afterwards). Same return as capsa_http_parallel.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_get(capsa_http_call *call, const char *url,
                                             const capsa_http_client_opts *opts);

/* capsa_http_call_clear frees a call's results and resets them to PENDING;
 * the inputs stay. */
void capsa_http_call_clear(capsa_http_call *call);

/* capsa_http_outcome_str names an outcome ("refused", "timeout", ...). */
const char *capsa_http_outcome_str(capsa_http_outcome outcome);

#endif
