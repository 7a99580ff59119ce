/*
 * daemon/http.c - the HTTP server: configuration, routing, request bodies,
 * limits, the access log and the lifecycle, on libmicrohttpd.
 *
 * Thread model: one thread per connection (MHD_USE_THREAD_PER_CONNECTION,
 * with poll(), so no FD_SETSIZE ceiling). A proxy handler blocks until the
 * log writer's batch is committed (one fsync for everyone waiting); in MHD's
 * thread pool a pool thread multiplexes many connections, so one blocked
 * handler would stall every other connection on its thread, and 64 clients
 * waiting on one fsync would need a pool of 64 anyway. A thread per
 * connection lets each of them wait on its own, and max_connections bounds
 * the threads (and so the memory: MHD's per-connection pool plus a stack).
 */
#include "http.h"
#include "http_metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <microhttpd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <capsa/file.h>
#include <capsa/util.h>

#define PROBLEM "urn:capsa:problem:"
#define TLS_FILE_MAX (1u << 20)

typedef struct route {
	char method[16];
	char path[128];
	char content_type[64]; /* "" = any */
	bool prefix;
	capsa_http_handler handler;
	void *arg;
	int metrics_slot;
} route;

struct capsa_http_server {
	capsa_http_config cfg;
	char listen[128];
	char *tls_cert, *tls_key; /* PEM, NUL-terminated */
	struct sockaddr_storage addr;
	route routes[CAPSA_HTTP_MAX_ROUTES];
	size_t num_routes;
	http_metrics metrics;
	struct MHD_Daemon *mhd;
	MHD_socket listen_fd; /* after quiesce: ours to close after the stop */
	uint16_t port;
	atomic_bool stopping;
	atomic_uint in_flight;
	atomic_uint producers; /* streamed bodies still being written */
	int wake_fd; /* eventfd: capsa_http_server_request_stop */
	/* Requests in flight by client address, for the per-client limit (429 beyond it). */
	pthread_mutex_t clients_mu;
	struct client_load {
		char addr[INET6_ADDRSTRLEN];
		unsigned n;
	} *clients;
	size_t num_clients;
};

/* One request's state across the access handler's calls. */
typedef struct request_state {
	capsa_http_server *srv;
	struct timespec start;
	const route *route;
	uint8_t *body;
	size_t len, cap;
	bool answered;
	bool counted; /* in its client's requests in flight */
	int status;
	size_t sent;
	char client[INET6_ADDRSTRLEN];
	char method[16];
	char path[256];
	char query[1024];
} request_state;

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t err_len, const char *fmt, ...)
{
	if (!err || !err_len)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

void capsa_http_config_default(capsa_http_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_connections = CAPSA_HTTP_DEFAULT_MAX_CONNECTIONS;
	cfg->per_ip_limit = CAPSA_HTTP_DEFAULT_PER_IP_LIMIT;
	cfg->timeout_s = CAPSA_HTTP_DEFAULT_TIMEOUT_S;
	cfg->max_body = CAPSA_HTTP_DEFAULT_MAX_BODY;
	cfg->grace_ms = CAPSA_HTTP_DEFAULT_GRACE_MS;
	cfg->access_log = true;
	cfg->metrics_prefix = "capsa";
}

/* parse_port reads 0..65535 in decimal, no sign, no leading zero. */
static bool parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	if (!*s || strlen(s) > 5 || (s[0] == '0' && s[1]))
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

/* parse_listen reads "A.B.C.D:PORT" or "[V6]:PORT" into |ss|. */
static bool parse_listen(const char *s, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	uint16_t port;
	if (!colon || !parse_port(colon + 1, &port) || (size_t)(colon - s) >= sizeof(host))
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(ss, 0, sizeof(*ss));
	size_t hl = strlen(host);
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1;
}

static capsa_status read_pem(char **out, const char *path, char *err, size_t err_len)
{
	uint8_t *data = NULL;
	size_t len = 0;
	capsa_status st = capsa_file_read(&data, &len, path, TLS_FILE_MAX);
	if (st != CAPSA_OK) {
		set_err(err, err_len, "cannot read TLS file %s", path);
		return st == CAPSA_ERR_NOMEM ? st : CAPSA_ERR_IO;
	}
	char *pem = malloc(len + 1); /* not realloc: the old block of a key would be freed unwiped */
	if (pem != NULL) {
		memcpy(pem, data, len);
		pem[len] = '\0';
	}
	capsa_wipe(data, len);
	free(data);
	if (!pem)
		return CAPSA_ERR_NOMEM;
	if (!strstr(pem, "-----BEGIN ")) {
		free(pem);
		set_err(err, err_len, "TLS file %s is not PEM", path);
		return CAPSA_ERR_IO;
	}
	*out = pem;
	return CAPSA_OK;
}

/* The certificate and key parse, and belong together: found now, not when the server starts. */
static capsa_status tls_check(const char *cert_pem, const char *key_pem, const capsa_http_config *cfg, char *err,
                              size_t err_len)
{
	BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = key_pem ? BIO_new_mem_buf(key_pem, -1) : NULL;
	X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
	capsa_status st = CAPSA_ERR_IO;

	if (cert == NULL)
		set_err(err, err_len, "TLS certificate %s does not parse", cfg->tls_cert_file);
	else if (key == NULL)
		set_err(err, err_len, "TLS key %s does not parse", cfg->tls_key_file);
	else if (X509_check_private_key(cert, key) != 1)
		set_err(err, err_len, "TLS key %s is not the key of %s", cfg->tls_key_file, cfg->tls_cert_file);
	else
		st = CAPSA_OK;
	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(kb);
	BIO_free(cb);
	ERR_clear_error();
	return st;
}

static capsa_status check_config(const capsa_http_config *cfg, struct sockaddr_storage *ss, char *err,
                                 size_t err_len)
{
	if (!cfg->listen || !parse_listen(cfg->listen, ss)) {
		set_err(err, err_len, "bad listen address \"%s\" (want A.B.C.D:PORT or [V6]:PORT)", cfg->listen ? cfg->listen : "");
		return CAPSA_ERR_ARG;
	}
	if (cfg->max_connections == 0 || cfg->per_ip_limit == 0 || cfg->timeout_s == 0 || cfg->max_body == 0 ||
	    cfg->max_body > (64u << 20) || cfg->max_connections > 4096) {
		set_err(err, err_len, "%s", "bad limit: connections 1..4096, per-IP and timeout > 0, body 1..64 MiB");
		return CAPSA_ERR_ARG;
	}
	if (!cfg->tls_cert_file != !cfg->tls_key_file) {
		set_err(err, err_len, "%s", "TLS needs both a certificate and a key file");
		return CAPSA_ERR_ARG;
	}
	if (cfg->tls_cert_file && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		set_err(err, err_len, "%s", "this libmicrohttpd has no TLS");
		return CAPSA_ERR_UNSUPPORTED;
	}
	return CAPSA_OK;
}

static void builtin_healthz(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	(void)req;
	capsa_http_respond_text(resp, 200, "text/plain; charset=utf-8", "ok\n");
	(void)capsa_http_add_header(resp, "Cache-Control", "no-store");
}

static void builtin_metrics(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_http_server *srv = arg;
	size_t len = 0;
	(void)req;
	char *text = http_metrics_render(&srv->metrics, &len);
	if (!text) {
		capsa_http_problem(resp, 500, PROBLEM "internal", "Internal error", "metrics");
		return;
	}
	resp->status = 200;
	snprintf(resp->content_type, sizeof(resp->content_type), "text/plain; version=0.0.4; charset=utf-8");
	resp->body = (uint8_t *)text;
	resp->body_len = len;
	(void)capsa_http_add_header(resp, "Cache-Control", "no-store");
}

capsa_status capsa_http_server_new(capsa_http_server **out, const capsa_http_config *cfg, char *err, size_t err_len)
{
	*out = NULL;
	struct sockaddr_storage ss;
	capsa_status st = check_config(cfg, &ss, err, err_len);
	if (st != CAPSA_OK)
		return st;
	capsa_http_server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return CAPSA_ERR_NOMEM;
	srv->cfg = *cfg;
	srv->addr = ss;
	srv->listen_fd = MHD_INVALID_SOCKET;
	pthread_mutex_init(&srv->clients_mu, NULL);
	if ((srv->clients = calloc(cfg->max_connections, sizeof *srv->clients)) == NULL) {
		pthread_mutex_destroy(&srv->clients_mu);
		free(srv);
		return CAPSA_ERR_NOMEM;
	}
	srv->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	snprintf(srv->listen, sizeof(srv->listen), "%s", cfg->listen);
	srv->cfg.listen = srv->listen;
	srv->cfg.tls_cert_file = srv->cfg.tls_key_file = NULL;
	srv->cfg.metrics_prefix = NULL;
	http_metrics_init(&srv->metrics, cfg->metrics_prefix);
	if (srv->wake_fd < 0)
		st = CAPSA_ERR_IO;
	if (st == CAPSA_OK && cfg->tls_cert_file)
		st = read_pem(&srv->tls_cert, cfg->tls_cert_file, err, err_len);
	if (st == CAPSA_OK && cfg->tls_key_file)
		st = read_pem(&srv->tls_key, cfg->tls_key_file, err, err_len);
	if (st == CAPSA_OK && cfg->tls_cert_file)
		st = tls_check(srv->tls_cert, srv->tls_key, cfg, err, err_len);
	if (st == CAPSA_OK)
		st = capsa_http_route(srv, "GET", "/healthz", NULL, builtin_healthz, srv);
	if (st == CAPSA_OK)
		st = capsa_http_route(srv, "GET", "/metrics", NULL, builtin_metrics, srv);
	if (st != CAPSA_OK) {
		capsa_http_server_free(srv);
		return st;
	}
	*out = srv;
	return CAPSA_OK;
}

static capsa_status add_route(capsa_http_server *srv, const char *method, const char *path, const char *ctype,
                              bool prefix, capsa_http_handler handler, void *arg)
{
	if (!srv || !method || !path || path[0] != '/' || !handler || srv->mhd ||
	    srv->num_routes >= CAPSA_HTTP_MAX_ROUTES)
		return CAPSA_ERR_ARG;
	route *r = &srv->routes[srv->num_routes];
	if (strlen(method) >= sizeof(r->method) || strlen(path) >= sizeof(r->path) ||
	    (ctype && strlen(ctype) >= sizeof(r->content_type)))
		return CAPSA_ERR_ARG;
	memset(r, 0, sizeof(*r));
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->content_type, sizeof(r->content_type), "%s", ctype ? ctype : "");
	r->prefix = prefix;
	r->handler = handler;
	r->arg = arg;
	/* Same path, another method: one series per path. */
	r->metrics_slot = -1;
	for (size_t i = 0; i < srv->num_routes; i++)
		if (strcmp(srv->routes[i].path, path) == 0)
			r->metrics_slot = srv->routes[i].metrics_slot;
	if (r->metrics_slot < 0)
		r->metrics_slot = http_metrics_add_route(&srv->metrics, path);
	srv->num_routes++;
	return CAPSA_OK;
}

capsa_status capsa_http_route(capsa_http_server *srv, const char *method, const char *path,
                              const char *content_type, capsa_http_handler handler, void *arg)
{
	return add_route(srv, method, path, content_type, false, handler, arg);
}

capsa_status capsa_http_route_prefix(capsa_http_server *srv, const char *method, const char *prefix,
                                     const char *content_type, capsa_http_handler handler, void *arg)
{
	return add_route(srv, method, prefix, content_type, true, handler, arg);
}

static bool metric_name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 80)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

capsa_status capsa_http_gauge(capsa_http_server *srv, const char *name, const char *help, capsa_http_gauge_fn fn,
                              void *arg)
{
	if (!srv || !fn || !metric_name_ok(name) || srv->mhd)
		return CAPSA_ERR_ARG;
	return http_metrics_add_extra(&srv->metrics, name, help, fn, arg) < 0 ? CAPSA_ERR_ARG : CAPSA_OK;
}

capsa_status capsa_http_counter(capsa_http_server *srv, const char *name, const char *help, size_t *id)
{
	if (!srv || !id || !metric_name_ok(name) || srv->mhd)
		return CAPSA_ERR_ARG;
	int slot = http_metrics_add_extra(&srv->metrics, name, help, NULL, NULL);
	if (slot < 0)
		return CAPSA_ERR_ARG;
	*id = (size_t)slot;
	return CAPSA_OK;
}

void capsa_http_counter_add(capsa_http_server *srv, size_t id, uint64_t n)
{
	http_metrics_counter_add(&srv->metrics, id, n);
}

/* ---- requests ---- */

/* media_type_is: whether a Content-Type value names |want|, ignoring case
 * and parameters ("application/json; charset=utf-8"). */
static bool media_type_is(const char *value, const char *want)
{
	size_t n = strlen(want);
	if (!value || strncasecmp(value, want, n) != 0)
		return false;
	return value[n] == '\0' || value[n] == ';' || value[n] == ' ' || value[n] == '\t';
}

/* find_route: the route for |path| and |method|; with none, *allow lists
 * the methods the path has (empty: 404). */
static const route *find_route(const capsa_http_server *srv, const char *method, const char *path, char *allow,
                               size_t allow_len)
{
	const route *best = NULL;
	size_t best_len = 0;
	bool best_exact = false;
	allow[0] = '\0';
	for (size_t i = 0; i < srv->num_routes; i++) {
		const route *r = &srv->routes[i];
		size_t n = strlen(r->path);
		bool exact = !r->prefix && strcmp(path, r->path) == 0;
		bool pre = r->prefix && strncmp(path, r->path, n) == 0 && path[n] != '\0';
		if (!exact && !pre)
			continue;
		bool better = exact ? !best_exact : (!best_exact && n > best_len);
		if (!better && !(exact && best_exact) && !(pre && !best_exact && n == best_len))
			continue;
		if (better) { /* a better path: forget the methods of the worse */
			best_exact = exact;
			best_len = n;
			best = NULL;
			allow[0] = '\0';
		}
		if (strcmp(r->method, method) == 0)
			best = r;
		size_t al = strlen(allow);
		snprintf(allow + al, allow_len - al, "%s%s", al ? ", " : "", r->method);
	}
	return best;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

struct producer {
	capsa_http_server *srv;
	capsa_http_producer produce;
	void *arg;
	int fd;
};

static void *run_producer(void *arg)
{
	struct producer *p = arg;

	p->produce(p->arg, p->fd);
	close(p->fd);
	atomic_fetch_sub(&p->srv->producers, 1);
	free(p);
	return NULL;
}

/* A response whose body |resp->produce| writes into a pipe on a thread of its own. */
static struct MHD_Response *stream_response(capsa_http_server *srv, capsa_http_response *resp)
{
	struct producer *p = malloc(sizeof *p);
	struct MHD_Response *r = NULL;
	pthread_attr_t attr;
	pthread_t t;
	int fds[2];

	if (p == NULL || pipe(fds) != 0) {
		free(p);
		resp->produce(resp->produce_arg, -1);
		return NULL;
	}
	(void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	*p = (struct producer){srv, resp->produce, resp->produce_arg, fds[1]};
	if ((r = MHD_create_response_from_pipe(fds[0])) == NULL)
		close(fds[0]);
	atomic_fetch_add(&srv->producers, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (r == NULL || pthread_create(&t, &attr, run_producer, p) != 0) {
		close(fds[1]);
		p->fd = -1;
		p->produce(p->arg, -1);
		atomic_fetch_sub(&srv->producers, 1);
		free(p);
		if (r != NULL)
			MHD_destroy_response(r); /* closes fds[0] */
		r = NULL;
	}
	pthread_attr_destroy(&attr);
	return r;
}

static enum MHD_Result queue(struct MHD_Connection *c, request_state *rs, capsa_http_response *resp, bool close)
{
	struct MHD_Response *r = resp->produce != NULL
	                             ? stream_response(rs->srv, resp)
	                             : MHD_create_response_from_buffer(resp->body_len, resp->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(resp->body);
		return MHD_NO;
	}
	resp->body = NULL;
	if (resp->content_type[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	for (size_t i = 0; i < resp->num_headers && i < CAPSA_HTTP_MAX_EXTRA_HEADERS; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	if (close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	int status = resp->status >= 100 && resp->status <= 599 ? resp->status : 500;
	enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	rs->answered = true;
	rs->status = ok == MHD_YES ? status : 0;
	rs->sent = resp->body_len;
	return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *c, request_state *rs, int status, const char *name,
                              const char *title, const char *detail)
{
	capsa_http_response resp = {0};
	char type[64];
	snprintf(type, sizeof(type), PROBLEM "%s", name);
	capsa_http_problem(&resp, status, type, title, detail);
	return queue(c, rs, &resp, status == 413 || status == 503);
}

static void client_address(struct MHD_Connection *c, char *out, size_t out_len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, out_len, "?");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)out_len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          (socklen_t)out_len);
}

/* content_length: the Content-Length header's value, -1 without one (or
 * chunked), -2 when unreadable. */
static long long content_length(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!v)
		return -1;
	char *end = NULL;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	return (errno || end == v || *end || n < 0) ? -2 : n;
}

/*
 * Counts a request against its client's limit; false when that client has
 * per_ip_limit requests in flight already. The table holds only clients with
 * requests in flight (at most max_connections), so a scan is short.
 */
static bool client_enter(capsa_http_server *srv, request_state *rs)
{
	size_t i;
	bool ok = false;

	pthread_mutex_lock(&srv->clients_mu);
	for (i = 0; i < srv->num_clients && strcmp(srv->clients[i].addr, rs->client) != 0; i++)
		;
	if (i == srv->num_clients && i < srv->cfg.max_connections) {
		snprintf(srv->clients[i].addr, sizeof srv->clients[i].addr, "%s", rs->client);
		srv->clients[i].n = 0;
		srv->num_clients++;
	}
	if (i < srv->num_clients && srv->clients[i].n < srv->cfg.per_ip_limit) {
		srv->clients[i].n++;
		rs->counted = ok = true;
	}
	pthread_mutex_unlock(&srv->clients_mu);
	return ok;
}

static void client_leave(capsa_http_server *srv, request_state *rs)
{
	if (!rs->counted)
		return;
	pthread_mutex_lock(&srv->clients_mu);
	for (size_t i = 0; i < srv->num_clients; i++)
		if (strcmp(srv->clients[i].addr, rs->client) == 0) {
			if (--srv->clients[i].n == 0)
				srv->clients[i] = srv->clients[--srv->num_clients];
			break;
		}
	pthread_mutex_unlock(&srv->clients_mu);
}

/* first_call: the headers are in; refuse what no handler should see. */
static enum MHD_Result first_call(capsa_http_server *srv, struct MHD_Connection *c, request_state *rs)
{
	char allow[128];
	if (atomic_load(&srv->stopping))
		return refuse(c, rs, 503, "unavailable", "Service unavailable", "the server is stopping");
	if (!client_enter(srv, rs))
		return refuse(c, rs, 429, "busy", "Too many requests", "this client has too many requests in flight");
	rs->route = find_route(srv, rs->method, rs->path, allow, sizeof(allow));
	if (!rs->route && !allow[0])
		return refuse(c, rs, 404, "not-found", "Not found", "no such resource");
	if (!rs->route) {
		capsa_http_response resp = {0};
		capsa_http_problem(&resp, 405, PROBLEM "method-not-allowed", "Method not allowed", NULL);
		(void)capsa_http_add_header(&resp, "Allow", allow);
		return queue(c, rs, &resp, false);
	}
	long long cl = content_length(c);
	if (cl == -2)
		return refuse(c, rs, 400, "bad-request", "Bad request", "unreadable Content-Length");
	if (cl > 0 && (unsigned long long)cl > srv->cfg.max_body)
		return refuse(c, rs, 413, "too-large", "Request too large", "the body is over the limit");
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool has_body = cl > 0 || (cl == -1 && (strcmp(rs->method, "POST") == 0 || strcmp(rs->method, "PUT") == 0));
	if (rs->route->content_type[0] && has_body && !media_type_is(ctype, rs->route->content_type))
		return refuse(c, rs, 415, "unsupported-media-type", "Unsupported media type", rs->route->content_type);
	return MHD_YES;
}

static bool append_body(capsa_http_server *srv, request_state *rs, const char *data, size_t n)
{
	if (n > srv->cfg.max_body - rs->len)
		return false;
	if (rs->len + n + 1 > rs->cap) {
		size_t cap = rs->cap ? rs->cap : 4096;
		while (cap < rs->len + n + 1)
			cap *= 2;
		if (cap > srv->cfg.max_body + 1)
			cap = srv->cfg.max_body + 1;
		uint8_t *nb = realloc(rs->body, cap);
		if (!nb)
			return false;
		rs->body = nb;
		rs->cap = cap;
	}
	memcpy(rs->body + rs->len, data, n);
	rs->len += n;
	rs->body[rs->len] = '\0';
	return true;
}

/* add_argument rejoins the query arguments MHD has decoded: k=v&k2=v2
 * (arguments that do not fit are left out). */
static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	request_state *rs = cls;
	(void)kind;
	size_t len = strlen(rs->query), need = strlen(key) + (value ? strlen(value) + 1 : 0) + (len ? 1 : 0);
	if (len + need < sizeof(rs->query))
		snprintf(rs->query + len, sizeof(rs->query) - len, "%s%s%s%s", len ? "&" : "", key, value ? "=" : "",
		         value ? value : "");
	return MHD_YES;
}

static enum MHD_Result run_handler(struct MHD_Connection *c, request_state *rs)
{
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_argument, rs);
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	capsa_http_request req = {
		.method = rs->method,
		.path = rs->path,
		.query = rs->query,
		.content_type = ctype ? ctype : "",
		.body = rs->len ? rs->body : NULL,
		.body_len = rs->len,
		.client = rs->client,
		.suffix = rs->route->prefix ? rs->path + strlen(rs->route->path) : "",
	};
	capsa_http_response resp = {.status = 500};
	rs->route->handler(rs->route->arg, &req, &resp);
	return queue(c, rs, &resp, false);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	capsa_http_server *srv = cls;
	request_state *rs = *con_cls;
	(void)version;
	if (!rs) {
		rs = calloc(1, sizeof(*rs));
		if (!rs)
			return MHD_NO;
		*con_cls = rs;
		rs->srv = srv;
		atomic_fetch_add(&srv->in_flight, 1);
		clock_gettime(CLOCK_MONOTONIC, &rs->start);
		client_address(c, rs->client, sizeof(rs->client));
		snprintf(rs->method, sizeof(rs->method), "%s", method);
		/* MHD hands us the path without the query string. */
		snprintf(rs->path, sizeof(rs->path), "%s", url);
		if (strlen(url) >= sizeof(rs->path))
			return refuse(c, rs, 404, "not-found", "Not found", "path too long");
		return first_call(srv, c, rs);
	}
	if (rs->answered) { /* refused early: drop whatever body follows */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!append_body(srv, rs, upload_data, *upload_data_size)) {
			/* A chunked body ran over: answer now if MHD lets us,
			 * else drop the connection; never read on. */
			if (refuse(c, rs, 413, "too-large", "Request too large", "the body is over the limit") != MHD_YES)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return run_handler(c, rs);
}

static void access_log(const request_state *rs, double secs)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s \"%s %s\" %d %zu %.1fms\n", when, rs->client, rs->method, rs->path, rs->status,
	        rs->sent, secs * 1e3);
}

/* on_completed: MHD is done with the request (answered, or the connection
 * died): count it, log it, free it. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	capsa_http_server *srv = cls;
	request_state *rs = *con_cls;
	(void)c;
	(void)toe;
	if (!rs)
		return;
	double secs = seconds_since(&rs->start);
	if (rs->status) {
		http_metrics_observe(&srv->metrics, rs->route ? rs->route->metrics_slot : 0, rs->status, secs);
		if (srv->cfg.access_log)
			access_log(rs, secs);
	}
	client_leave(srv, rs);
	free(rs->body);
	free(rs);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}

/* libmicrohttpd hands its own format strings here; the callback type cannot
 * carry a format attribute, so the non-literal warning is expected. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	capsa_http_server *srv = cls;
	if (!srv->cfg.access_log)
		return;
	fputs("http: ", stderr);
	vfprintf(stderr, fmt, ap);
}
#pragma GCC diagnostic pop

capsa_status capsa_http_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPIPE); /* a streamed body's client gone: its producer sees EPIPE */
	return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? CAPSA_OK : CAPSA_ERR_INTERNAL;
}

static uint16_t bound_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (!di || getsockname(di->listen_fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static unsigned per_ip_backstop(const capsa_http_config *cfg)
{
	unsigned twice = cfg->per_ip_limit > UINT_MAX / 2 ? UINT_MAX : 2 * cfg->per_ip_limit;
	return twice < cfg->max_connections ? twice : cfg->max_connections;
}

capsa_status capsa_http_server_start(capsa_http_server *srv, char *err, size_t err_len)
{
	if (!srv || srv->mhd)
		return CAPSA_ERR_ARG;
	if (capsa_http_block_signals() != CAPSA_OK)
		return CAPSA_ERR_INTERNAL;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	                 MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (srv->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (srv->tls_cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, srv}, /* first, so MHD uses it throughout */
		{MHD_OPTION_SOCK_ADDR, 0, &srv->addr},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)srv->cfg.max_connections, NULL},
		/* a backstop: up to twice the limit, a client's extra connections get 429 (client_enter) */
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)per_ip_backstop(&srv->cfg), NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)srv->cfg.timeout_s, NULL},
		{MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, srv},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 128, NULL},
		{srv->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert},
		{srv->tls_cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, srv->tls_key},
		{MHD_OPTION_END, 0, NULL},
	};
	srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!srv->mhd) {
		set_err(err, err_len, "cannot listen on %s (address in use, not local, or bad TLS key/certificate)",
		        srv->listen);
		return CAPSA_ERR_IO;
	}
	srv->port = bound_port(srv->mhd);
	return CAPSA_OK;
}

uint16_t capsa_http_server_port(const capsa_http_server *srv)
{
	return srv ? srv->port : 0;
}

int capsa_http_server_wait(capsa_http_server *srv)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct pollfd p[2] = {{.fd = srv->wake_fd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, sfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			uint64_t v;
			(void)!read(srv->wake_fd, &v, sizeof(v));
			if (sfd >= 0)
				close(sfd);
			return 0;
		}
		struct signalfd_siginfo si;
		if (sfd >= 0 && (p[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			close(sfd);
			return (int)si.ssi_signo;
		}
	}
	if (sfd >= 0)
		close(sfd);
	return 0;
}

void capsa_http_server_request_stop(capsa_http_server *srv)
{
	uint64_t one = 1;
	(void)!write(srv->wake_fd, &one, sizeof(one));
}

unsigned capsa_http_server_stop(capsa_http_server *srv)
{
	if (!srv || !srv->mhd)
		return 0;
	atomic_store(&srv->stopping, true);
	srv->listen_fd = MHD_quiesce_daemon(srv->mhd);
	unsigned left = atomic_load(&srv->in_flight);
	for (unsigned waited = 0; left > 0 && waited < srv->cfg.grace_ms; waited += 10) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		left = atomic_load(&srv->in_flight);
	}
	MHD_stop_daemon(srv->mhd); /* closes the streams' pipes: their producers stop */
	srv->mhd = NULL;
	while (atomic_load(&srv->producers) > 0) {
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (srv->listen_fd != MHD_INVALID_SOCKET)
		close(srv->listen_fd);
	srv->listen_fd = MHD_INVALID_SOCKET;
	return left;
}

void capsa_http_server_free(capsa_http_server *srv)
{
	if (!srv)
		return;
	(void)capsa_http_server_stop(srv);
	if (srv->wake_fd >= 0)
		close(srv->wake_fd);
	http_metrics_destroy(&srv->metrics);
	if (srv->tls_key) /* the TLS private key dies here */
		capsa_wipe(srv->tls_key, strlen(srv->tls_key));
	free(srv->tls_cert);
	free(srv->tls_key);
	free(srv->clients);
	pthread_mutex_destroy(&srv->clients_mu);
	free(srv);
}
