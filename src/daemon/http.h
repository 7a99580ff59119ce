/*
 * daemon/http.h - the HTTP/1.1 server under the proxy and the witness
 * (libmicrohttpd): routes, limits, RFC 7807 problems, Prometheus metrics,
 * an access log, optional TLS, and a graceful stop on SIGTERM/SIGINT.
 *
 * A handler sees one whole request (the body already read, within the size
 * limit) and fills one response; it may block (for a batched fsync, say):
 * every connection has a thread of its own (see capsa_http_config).
 *
 * Built in: GET /healthz (200 "ok\n") and GET /metrics. Refused before any
 * handler runs, as application/problem+json with type urn:capsa:problem:NAME:
 * no route (404 not-found), a route without the method (405
 * method-not-allowed, with Allow), a body over max_body (413 too-large; the
 * body is not read; a chunked body that runs over mid-way has its
 * connection closed instead, as MHD cannot answer then), a POST or PUT whose Content-Type is not the route's
 * (415 unsupported-media-type), a request arriving while the server stops
 * (503 unavailable).
 */
#ifndef CAPSA_DAEMON_HTTP_H
#define CAPSA_DAEMON_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

typedef struct capsa_http_server capsa_http_server;

/* The defaults capsa_http_config_default sets. */
#define CAPSA_HTTP_DEFAULT_MAX_CONNECTIONS 256
#define CAPSA_HTTP_DEFAULT_PER_IP_LIMIT 64
#define CAPSA_HTTP_DEFAULT_TIMEOUT_S 30
#define CAPSA_HTTP_DEFAULT_MAX_BODY (1u << 20)
#define CAPSA_HTTP_DEFAULT_GRACE_MS 10000
#define CAPSA_HTTP_MAX_ROUTES 32
#define CAPSA_HTTP_MAX_EXTRA_HEADERS 4

typedef struct capsa_http_config {
	/* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:443". Port 0 picks a free
	 * port: ask capsa_http_server_port after start. */
	const char *listen;
	/* Connections open at once (one thread each); more wait in the
	 * kernel's backlog until one closes. */
	unsigned max_connections;
	/* Connections open at once from one client address; MHD closes the
	 * excess at accept, before a byte is read. */
	unsigned per_ip_limit;
	/* Seconds a connection may stay idle (or send a request slowly)
	 * before it is closed: what stops a slowloris. */
	unsigned timeout_s;
	/* The largest request body any route accepts, in bytes. */
	size_t max_body;
	/* Milliseconds a stop waits for requests in flight to finish. */
	unsigned grace_ms;
	/* PEM files: both set = HTTPS (GnuTLS), both NULL = plain HTTP. */
	const char *tls_cert_file;
	const char *tls_key_file;
	/* One line per request on stderr (no bodies, no query strings). */
	bool access_log;
	/* The prefix of the metric names, e.g. "capsa_proxy" (default "capsa"). */
	const char *metrics_prefix;
} capsa_http_config;

/* One request, as a handler sees it. Everything is the server's and lives
 * until the handler returns. */
typedef struct capsa_http_request {
	const char *method;       /* "GET", "POST", ... */
	const char *path;         /* the path, without the query string */
	const char *query;        /* the query arguments, decoded and rejoined: "k=v&k2", or "" */
	const char *content_type; /* the Content-Type header, or "" */
	const uint8_t *body;      /* the whole body (NUL-terminated; NULL when empty) */
	size_t body_len;
	const char *client;       /* the peer's address: "127.0.0.1", "::1" */
	const char *suffix;       /* a prefix route: the path after the prefix; else "" */
} capsa_http_request;

typedef struct capsa_http_header {
	char name[48];
	char value[208];
} capsa_http_header;

/* One response, filled by a handler. It starts as 500 with no body; the
 * server frees body after sending it. */
/*
 * A streamed body's producer: it runs on a thread of its own, writes the body
 * to |fd| (a pipe to the connection) and returns; the server closes |fd|. A
 * write may fail (EPIPE: the client went away, or the server is stopping):
 * then stop. |fd| is -1 when the stream could not start: only free |arg|.
 */
typedef void (*capsa_http_producer)(void *arg, int fd);

typedef struct capsa_http_response {
	int status;
	char content_type[64];
	uint8_t *body; /* malloc'd; the server takes it */
	size_t body_len;
	capsa_http_producer produce; /* instead of body: a streamed one (capsa_http_respond_stream) */
	void *produce_arg;
	capsa_http_header headers[CAPSA_HTTP_MAX_EXTRA_HEADERS];
	size_t num_headers;
} capsa_http_response;

/* A handler. |arg| is what its route was registered with. It may block;
 * it is called from many threads at once. */
typedef void (*capsa_http_handler)(void *arg, const capsa_http_request *req, capsa_http_response *resp);

/* A gauge's value, read when /metrics is served (from any thread). */
typedef double (*capsa_http_gauge_fn)(void *arg);

/* capsa_http_config_default fills |cfg| with the defaults above, no TLS,
 * access log on, listen NULL (the caller sets it). */
void capsa_http_config_default(capsa_http_config *cfg);

/*
 * capsa_http_server_new checks |cfg| (address, limits, TLS files readable
 * and PEM) and makes a server that is not yet listening. Returns
 * CAPSA_ERR_ARG (bad address or limit), CAPSA_ERR_IO (a TLS file unreadable),
 * CAPSA_ERR_UNSUPPORTED (TLS asked for, libmicrohttpd without it) or
 * CAPSA_ERR_NOMEM, with a reason in |err| (may be NULL). The strings in
 * |cfg| are copied. Free with capsa_http_server_free.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_server_new(capsa_http_server **out, const capsa_http_config *cfg,
                                                    char *err, size_t err_len);

/*
 * capsa_http_route registers |handler| for |method| on the exact |path|;
 * capsa_http_route_prefix for every path that starts with |prefix| (the
 * rest is req->suffix, never empty). An exact route wins over a prefix one;
 * a longer prefix over a shorter one. |content_type| (e.g.
 * "application/json") is what a request with a body must carry (media type
 * only; parameters such as charset are allowed); NULL accepts any. Routes are
 * registered before capsa_http_server_start. Returns CAPSA_ERR_ARG when the
 * table (CAPSA_HTTP_MAX_ROUTES) is full or the arguments are bad.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_route(capsa_http_server *srv, const char *method, const char *path,
                                               const char *content_type, capsa_http_handler handler, void *arg);
CAPSA_MUST_CHECK capsa_status capsa_http_route_prefix(capsa_http_server *srv, const char *method,
                                                      const char *prefix, const char *content_type,
                                                      capsa_http_handler handler, void *arg);

/*
 * capsa_http_gauge adds a gauge `<prefix>_<name>` with |help| to /metrics,
 * read through |fn|(|arg|) each time. Before start only.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_gauge(capsa_http_server *srv, const char *name, const char *help,
                                               capsa_http_gauge_fn fn, void *arg);

/*
 * capsa_http_counter adds a counter `<prefix>_<name>_total` with |help| and
 * returns its slot in |*id|; capsa_http_counter_add adds |n| to it (any
 * thread). Before start only (the add, any time).
 */
CAPSA_MUST_CHECK capsa_status capsa_http_counter(capsa_http_server *srv, const char *name, const char *help,
                                                 size_t *id);
void capsa_http_counter_add(capsa_http_server *srv, size_t id, uint64_t n);

/*
 * capsa_http_server_start binds and starts serving. It first blocks SIGTERM
 * and SIGINT in the calling thread (so threads it starts inherit the mask;
 * see capsa_http_block_signals). Returns CAPSA_ERR_IO with a reason in |err|
 * if the address cannot be bound.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_server_start(capsa_http_server *srv, char *err, size_t err_len);

/* capsa_http_server_port returns the port bound (0 before start). */
uint16_t capsa_http_server_port(const capsa_http_server *srv);

/*
 * capsa_http_block_signals blocks SIGTERM and SIGINT in the calling thread;
 * call it in main before starting any thread, so that only
 * capsa_http_server_wait sees them. Returns CAPSA_ERR_INTERNAL on failure.
 */
CAPSA_MUST_CHECK capsa_status capsa_http_block_signals(void);

/*
 * capsa_http_server_wait returns when SIGTERM or SIGINT arrives (through a
 * signalfd) or capsa_http_server_request_stop is called, with the signal
 * number (0 for a request). It does not stop the server: call
 * capsa_http_server_stop.
 */
int capsa_http_server_wait(capsa_http_server *srv);

/* capsa_http_server_request_stop wakes capsa_http_server_wait (any thread,
 * async-signal-safe). */
void capsa_http_server_request_stop(capsa_http_server *srv);

/*
 * capsa_http_server_stop stops accepting connections, answers 503 to new
 * requests on open ones, waits up to grace_ms for the requests in flight,
 * then closes everything. Idempotent. Returns the number of requests still
 * in flight when the grace ran out (0: a clean stop).
 */
unsigned capsa_http_server_stop(capsa_http_server *srv);

/* capsa_http_server_free stops |srv| if needed and frees it. NULL-safe. */
void capsa_http_server_free(capsa_http_server *srv);

/*
 * capsa_http_respond sets |resp| to |status| with a copy of |body| (|len|
 * bytes) as |content_type|. On allocation failure it answers 500 with no
 * body. capsa_http_respond_text does the same with a C string.
 */
void capsa_http_respond(capsa_http_response *resp, int status, const char *content_type, const void *body,
                        size_t len);
void capsa_http_respond_text(capsa_http_response *resp, int status, const char *content_type, const char *text);

/*
 * capsa_http_respond_stream sets |resp| to |status| with a body of unknown
 * length (chunked) that |produce| writes, on a thread of its own, once the
 * handler has returned. The server waits for every producer before it
 * stops. |produce| is always called exactly once (with fd -1 if the stream
 * cannot start), so it owns |arg|.
 */
void capsa_http_respond_stream(capsa_http_response *resp, int status, const char *content_type,
                               capsa_http_producer produce, void *arg);

/*
 * capsa_http_problem answers an RFC 7807 problem: application/problem+json
 * {"type": |type|, "title": |title|, "status": |status|, "detail": |detail|}
 * (JSON-escaped; |detail| may be NULL: left out). |type| is the full URI,
 * e.g. "urn:capsa:problem:stale" (names from capsa/proxy.h).
 */
void capsa_http_problem(capsa_http_response *resp, int status, const char *type, const char *title,
                        const char *detail);

/* capsa_http_add_header adds a header (e.g. Cache-Control) to |resp|.
 * Returns false if it is full or a name or value is too long or holds a
 * CR or LF. */
bool capsa_http_add_header(capsa_http_response *resp, const char *name, const char *value);

#endif
