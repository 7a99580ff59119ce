/*
 * tests/test_http.c - the HTTP server (src/daemon/http.c) and the client
 * (src/client/http_client.c) against each other on 127.0.0.1, plus raw
 * sockets for what no well-behaved client sends. capsa-test: net
 */
#include "check.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/http_client.h"
#include "daemon/http.h"

static atomic_int blocked_entered;
static atomic_bool release_block;
static atomic_int slow_ms = 1500;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void h_hello(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	(void)req;
	capsa_http_respond_text(resp, 200, "text/plain", "hello");
}

static void h_echo(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	capsa_http_respond(resp, 200, "application/json", req->body, req->body_len);
	CHECK(capsa_http_add_header(resp, "Cache-Control", "no-store"));
	CHECK(!capsa_http_add_header(resp, "X-Bad", "a\r\nInjected: yes"));
}

static void h_tile(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	char text[512];
	snprintf(text, sizeof(text), "%s%s%s", req->suffix, req->query[0] ? "?" : "", req->query);
	capsa_http_respond_text(resp, 200, "text/plain", text);
}

static void h_slow(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	(void)req;
	sleep_ms(atomic_load(&slow_ms));
	capsa_http_respond_text(resp, 200, "text/plain", "slow");
}

static void h_block(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	(void)arg;
	(void)req;
	atomic_fetch_add(&blocked_entered, 1);
	while (!atomic_load(&release_block))
		sleep_ms(5);
	capsa_http_respond_text(resp, 200, "text/plain", "released");
}

#define STREAM_BYTES (3u << 20) /* more than a pipe and a socket buffer hold */
static atomic_int producers_done;

/* Writes STREAM_BYTES of a pattern, or stops at the first failed write (the client or the server gone). */
static void produce_pattern(void *arg, int fd)
{
	uint8_t block[4096];
	size_t *limit = arg, total = limit != NULL ? *limit : STREAM_BYTES;

	for (size_t off = 0; fd >= 0 && off < total; off += sizeof block) {
		for (size_t i = 0; i < sizeof block; i++)
			block[i] = (uint8_t)((off + i) % 251);
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			break;
	}
	atomic_fetch_add(&producers_done, 1);
}

static void h_stream(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	static size_t forever = SIZE_MAX;
	(void)arg;
	capsa_http_respond_stream(resp, 200, "application/octet-stream", produce_pattern,
	                          strcmp(req->query, "forever") == 0 ? &forever : NULL);
}

static double gauge_42(void *arg)
{
	(void)arg;
	return 42;
}

static capsa_http_server *start_server(unsigned per_ip, const char *cert, const char *key, size_t *counter)
{
	capsa_http_config cfg;
	capsa_http_config_default(&cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.per_ip_limit = per_ip;
	cfg.timeout_s = 2;
	cfg.max_body = 4096;
	cfg.grace_ms = 3000;
	cfg.access_log = getenv("CAPSA_TEST_HTTP_LOG") != NULL;
	cfg.metrics_prefix = "capsa_test";
	cfg.tls_cert_file = cert;
	cfg.tls_key_file = key;
	capsa_http_server *srv = NULL;
	char err[256] = "";
	CHECK_OK(capsa_http_server_new(&srv, &cfg, err, sizeof(err)));
	if (!srv) {
		fprintf(stderr, "server: %s\n", err);
		return NULL;
	}
	CHECK_OK(capsa_http_route(srv, "GET", "/hello", NULL, h_hello, NULL));
	CHECK_OK(capsa_http_route(srv, "POST", "/echo", "application/json", h_echo, NULL));
	CHECK_OK(capsa_http_route(srv, "PUT", "/echo", "application/json", h_echo, NULL));
	CHECK_OK(capsa_http_route_prefix(srv, "GET", "/tile/", NULL, h_tile, NULL));
	CHECK_OK(capsa_http_route(srv, "GET", "/tile/special", NULL, h_hello, NULL));
	CHECK_OK(capsa_http_route(srv, "GET", "/slow", NULL, h_slow, NULL));
	CHECK_OK(capsa_http_route(srv, "GET", "/block", NULL, h_block, NULL));
	CHECK_OK(capsa_http_route(srv, "GET", "/stream", NULL, h_stream, NULL));
	CHECK_OK(capsa_http_gauge(srv, "grants", "Grants held.", gauge_42, NULL));
	size_t id = 0;
	CHECK_OK(capsa_http_counter(srv, "things", "Things \\ counted\nhere.", &id));
	if (counter)
		*counter = id;
	CHECK_OK(capsa_http_server_start(srv, err, sizeof(err)));
	CHECK(capsa_http_server_port(srv) != 0);
	return srv;
}

static char *url(const capsa_http_server *srv, const char *scheme, const char *path)
{
	static char buf[8][128];
	static int next;
	char *b = buf[next++ % 8];
	snprintf(b, sizeof(buf[0]), "%s://127.0.0.1:%u%s", scheme, capsa_http_server_port(srv), path);
	return b;
}

static capsa_http_call get(const char *u, const capsa_http_client_opts *o)
{
	capsa_http_call c;
	CHECK_OK(capsa_http_get(&c, u, o));
	return c;
}

/* raw_exchange sends |req| on a fresh connection and reads what comes back
 * (up to |cap|-1 bytes) until the peer closes or |ms| pass. */
static size_t raw_exchange(uint16_t port, const void *req, size_t len, char *out, size_t cap, long ms,
                           bool *closed)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	size_t got = 0;
	*closed = false;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return 0;
	}
	if (len)
		(void)!send(fd, req, len, MSG_NOSIGNAL);
	long end = now_ms() + ms;
	while (got + 1 < cap && now_ms() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			break;
		ssize_t n = recv(fd, out + got, cap - 1 - got, 0);
		if (n <= 0) {
			*closed = true;
			break;
		}
		got += (size_t)n;
	}
	out[got] = '\0';
	close(fd);
	return got;
}

static void test_routes(capsa_http_server *srv)
{
	capsa_http_call c = get(url(srv, "http", "/hello"), NULL);
	CHECK(c.outcome == CAPSA_HTTP_DONE && c.status == 200);
	CHECK(c.response_len == 5 && memcmp(c.response, "hello", 5) == 0);
	CHECK(strcmp(c.response_type, "text/plain") == 0);
	capsa_http_call_clear(&c);

	c = get(url(srv, "http", "/healthz"), NULL);
	CHECK(c.status == 200 && c.response && strcmp((char *)c.response, "ok\n") == 0);
	capsa_http_call_clear(&c);

	capsa_http_call p = {.url = url(srv, "http", "/echo"), .body = (const uint8_t *)"{\"a\":1}", .body_len = 7,
	                     .content_type = "application/json; charset=utf-8"};
	CHECK_OK(capsa_http_parallel(&p, 1, NULL));
	CHECK(p.status == 200 && p.response_len == 7 && memcmp(p.response, "{\"a\":1}", 7) == 0);
	capsa_http_call_clear(&p);

	c = get(url(srv, "http", "/nope"), NULL);
	CHECK(c.status == 404 && strcmp(c.response_type, "application/problem+json") == 0);
	CHECK(c.response && strstr((char *)c.response, "\"type\":\"urn:capsa:problem:not-found\""));
	CHECK(c.response && strstr((char *)c.response, "\"status\":404"));
	capsa_http_call_clear(&c);

	p.content_type = "text/plain";
	CHECK_OK(capsa_http_parallel(&p, 1, NULL));
	CHECK(p.status == 415 && p.response && strstr((char *)p.response, "unsupported-media-type"));
	capsa_http_call_clear(&p);

	static uint8_t big[5000];
	memset(big, 'x', sizeof(big));
	capsa_http_call b = {.url = url(srv, "http", "/echo"), .body = big, .body_len = sizeof(big),
	                     .content_type = "application/json"};
	CHECK_OK(capsa_http_parallel(&b, 1, NULL));
	CHECK(b.status == 413 && b.response && strstr((char *)b.response, "too-large"));
	capsa_http_call_clear(&b);

	c = get(url(srv, "http", "/tile/1/x001/234.p/7"), NULL);
	CHECK(c.status == 200 && c.response && strcmp((char *)c.response, "1/x001/234.p/7") == 0);
	capsa_http_call_clear(&c);
	c = get(url(srv, "http", "/tile/q?a=1&b=x%20y"), NULL);
	CHECK(c.status == 200 && c.response && strcmp((char *)c.response, "q?a=1&b=x y") == 0);
	capsa_http_call_clear(&c);
	c = get(url(srv, "http", "/tile/special"), NULL); /* exact beats prefix */
	CHECK(c.status == 200 && c.response && strcmp((char *)c.response, "hello") == 0);
	capsa_http_call_clear(&c);
	c = get(url(srv, "http", "/tile/"), NULL); /* a prefix needs a suffix */
	CHECK(c.status == 404);
	capsa_http_call_clear(&c);

	char out[4096];
	bool closed;
	const char del[] = "DELETE /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	raw_exchange(capsa_http_server_port(srv), del, strlen(del), out, sizeof(out), 2000, &closed);
	CHECK(strncmp(out, "HTTP/1.1 405", 12) == 0);
	CHECK(strstr(out, "Allow: POST, PUT") != NULL);
	CHECK(strstr(out, "method-not-allowed") != NULL);
	const char hc[] = "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	raw_exchange(capsa_http_server_port(srv), hc, strlen(hc), out, sizeof(out), 2000, &closed);
	CHECK(strstr(out, "hello") != NULL);
}

static bool alive(capsa_http_server *srv)
{
	capsa_http_call c = get(url(srv, "http", "/healthz"), NULL);
	bool ok = c.status == 200;
	capsa_http_call_clear(&c);
	return ok;
}

static void test_hostile(capsa_http_server *srv)
{
	uint16_t port = capsa_http_server_port(srv);
	char out[8192];
	bool closed;

	const char garbage[] = "\x00\x01\x02 garbage \xff\xfe\r\n\r\n";
	raw_exchange(port, garbage, sizeof(garbage) - 1, out, sizeof(out), 3000, &closed);
	CHECK(closed);
	CHECK(out[0] == '\0' || strncmp(out, "HTTP/1.1 400", 12) == 0);
	CHECK(alive(srv));

	/* A header far over MHD's per-connection memory (32 KiB). */
	size_t hl = 70000;
	char *huge = malloc(hl + 64);
	int n = snprintf(huge, 64, "GET /hello HTTP/1.1\r\nX-Big: ");
	memset(huge + n, 'a', hl);
	memcpy(huge + n + hl, "\r\n\r\n", 4);
	raw_exchange(port, huge, (size_t)n + hl + 4, out, sizeof(out), 3000, &closed);
	free(huge);
	CHECK(closed);
	CHECK(strncmp(out, "HTTP/1.1 4", 10) == 0 || out[0] == '\0');
	CHECK(strstr(out, "hello") == NULL);
	CHECK(alive(srv));

	/* A chunked body running over the limit. */
	char chunked[6000];
	int cn = snprintf(chunked, sizeof(chunked),
	                  "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	                  "Transfer-Encoding: chunked\r\n\r\n1000\r\n");
	memset(chunked + cn, 'y', 4096);
	cn += 4096;
	cn += snprintf(chunked + cn, sizeof(chunked) - (size_t)cn, "\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n");
	raw_exchange(port, chunked, (size_t)cn, out, sizeof(out), 3000, &closed);
	CHECK(strncmp(out, "HTTP/1.1 413", 12) == 0 || (out[0] == '\0' && closed));
	CHECK(strstr(out, "yyyy") == NULL);
	CHECK(alive(srv));

	/* A chunked body within the limit reaches the handler whole. */
	const char small[] = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
	                     "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n";
	raw_exchange(port, small, strlen(small), out, sizeof(out), 3000, &closed);
	CHECK(strncmp(out, "HTTP/1.1 200", 12) == 0 && strstr(out, "\r\n\r\n[1,2]") != NULL);

	/* Half a request, then silence: closed within the 2 s timeout. */
	long t0 = now_ms();
	const char slow[] = "GET /hello HTTP/1.1\r\nHost: x\r\n";
	raw_exchange(port, slow, strlen(slow), out, sizeof(out), 6000, &closed);
	long took = now_ms() - t0;
	CHECK(closed);
	CHECK(took >= 1500 && took < 4500);
	CHECK(alive(srv));

	/* Half-closed: the request, then shutdown(SHUT_WR) before reading. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	const char hc[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
	(void)!send(fd, hc, strlen(hc), MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	size_t got = 0;
	ssize_t r;
	while (got + 1 < sizeof(out) && (r = recv(fd, out + got, sizeof(out) - 1 - got, 0)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(fd);
	CHECK(strstr(out, "hello") != NULL || got == 0);
	CHECK(alive(srv));
}

static uint16_t closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
	close(fd); /* bound, never listened: connecting is refused */
	return ntohs(a.sin_port);
}

static bool stop_after_first(void *arg, capsa_http_call *call, size_t index)
{
	(void)index;
	atomic_fetch_add((atomic_int *)arg, 1);
	return call->outcome == CAPSA_HTTP_DONE && call->status == 200;
}

static void test_client(capsa_http_server *srv)
{
	char dead[64];
	snprintf(dead, sizeof(dead), "http://127.0.0.1:%u/hello", closed_port());
	capsa_http_call calls[4] = {{.url = url(srv, "http", "/hello")},
	                            {.url = dead},
	                            {.url = url(srv, "http", "/tile/a")},
	                            {.url = url(srv, "http", "/healthz")}};
	CHECK_OK(capsa_http_parallel(calls, 4, NULL));
	CHECK(calls[0].status == 200 && calls[2].status == 200 && calls[3].status == 200);
	CHECK(calls[1].outcome == CAPSA_HTTP_REFUSED && calls[1].status == 0);
	CHECK(strstr(calls[1].error, "refused") != NULL);
	for (int i = 0; i < 4; i++)
		capsa_http_call_clear(&calls[i]);

	/* Early stop: one fast answer is enough; the slow ones are cancelled. */
	atomic_int seen = 0;
	capsa_http_call es[5] = {{.url = url(srv, "http", "/slow")}, {.url = url(srv, "http", "/slow")},
	                         {.url = url(srv, "http", "/hello")}, {.url = url(srv, "http", "/slow")},
	                         {.url = url(srv, "http", "/slow")}};
	capsa_http_client_opts o;
	capsa_http_client_opts_default(&o);
	o.on_done = stop_after_first;
	o.arg = &seen;
	long t0 = now_ms();
	CHECK_OK(capsa_http_parallel(es, 5, &o));
	CHECK(now_ms() - t0 < 1000);
	CHECK(atomic_load(&seen) == 1);
	CHECK(es[2].outcome == CAPSA_HTTP_DONE && es[2].status == 200);
	CHECK(es[0].outcome == CAPSA_HTTP_CANCELLED && es[4].outcome == CAPSA_HTTP_CANCELLED);
	for (int i = 0; i < 5; i++)
		capsa_http_call_clear(&es[i]);

	/* A call's own timeout, and the overall deadline. */
	capsa_http_call t = {.url = url(srv, "http", "/slow"), .timeout_ms = 300};
	t0 = now_ms();
	CHECK_OK(capsa_http_parallel(&t, 1, NULL));
	CHECK(t.outcome == CAPSA_HTTP_TIMEOUT && strstr(t.error, "timeout") != NULL);
	CHECK(now_ms() - t0 < 1000);
	capsa_http_call_clear(&t);
	capsa_http_call d[2] = {{.url = url(srv, "http", "/slow")}, {.url = url(srv, "http", "/hello")}};
	capsa_http_client_opts_default(&o);
	o.deadline_ms = 300;
	t0 = now_ms();
	CHECK_OK(capsa_http_parallel(d, 2, &o));
	CHECK(now_ms() - t0 < 1000);
	CHECK(d[0].outcome == CAPSA_HTTP_TIMEOUT && d[1].status == 200);
	capsa_http_call_clear(&d[0]);
	capsa_http_call_clear(&d[1]);

	capsa_http_client_opts_default(&o);
	o.max_body = 3;
	capsa_http_call c = get(url(srv, "http", "/hello"), &o);
	CHECK(c.outcome == CAPSA_HTTP_TOO_LARGE && c.response == NULL);
	capsa_http_call_clear(&c);

	capsa_http_call bad = {0};
	CHECK_STATUS(capsa_http_parallel(&bad, 1, NULL), CAPSA_ERR_ARG);
	/* Let the server finish with the slow requests left behind. */
	sleep_ms(atomic_load(&slow_ms) + 200);
}

/* metrics_line: whether /metrics has the line |want| (retried: a request
 * is counted once MHD is done with it, just after the client has it). */
static bool metrics_has(capsa_http_server *srv, const char *want)
{
	for (int i = 0; i < 20; i++) {
		capsa_http_call c = get(url(srv, "http", "/metrics"), NULL);
		bool ok = c.status == 200 && c.response && strstr((char *)c.response, want);
		if (i == 19 && !ok)
			fprintf(stderr, "metrics lack \"%s\":\n%s\n", want, c.response ? (char *)c.response : "");
		capsa_http_call_clear(&c);
		if (ok)
			return true;
		sleep_ms(50);
	}
	return false;
}

static void test_metrics(size_t *counter_out)
{
	size_t counter = 0;
	capsa_http_server *srv = start_server(16, NULL, NULL, &counter);
	if (!srv)
		return;
	for (int i = 0; i < 3; i++) {
		capsa_http_call c = get(url(srv, "http", "/hello"), NULL);
		capsa_http_call_clear(&c);
	}
	capsa_http_call c = get(url(srv, "http", "/nothing"), NULL);
	capsa_http_call_clear(&c);
	capsa_http_counter_add(srv, counter, 2);
	capsa_http_counter_add(srv, counter, 1);
	CHECK(metrics_has(srv, "\ncapsa_test_http_requests_total{route=\"/hello\",code=\"2xx\"} 3\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_http_requests_total{route=\"/hello\",code=\"4xx\"} 0\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_http_requests_total{route=\"other\",code=\"4xx\"} 1\n"));
	CHECK(metrics_has(srv, "# TYPE capsa_test_http_request_duration_seconds histogram\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_http_request_duration_seconds_bucket{route=\"/hello\",le=\"+Inf\"} 3\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_http_request_duration_seconds_bucket{route=\"/hello\",le=\"10\"} 3\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_http_request_duration_seconds_count{route=\"/hello\"} 3\n"));
	CHECK(metrics_has(srv, "# HELP capsa_test_things_total Things \\\\ counted\\nhere.\n"));
	CHECK(metrics_has(srv, "\ncapsa_test_things_total 3\n"));
	CHECK(metrics_has(srv, "# TYPE capsa_test_grants gauge\ncapsa_test_grants 42\n"));
	CHECK(capsa_http_server_stop(srv) == 0);
	capsa_http_server_free(srv);
	*counter_out = counter;
}

typedef struct bg_call {
	pthread_t th;
	capsa_http_call call;
} bg_call;

static void *bg_run(void *arg)
{
	bg_call *b = arg;
	CHECK_OK(capsa_http_parallel(&b->call, 1, NULL));
	return NULL;
}

static void wait_entered(int n)
{
	for (int i = 0; i < 400 && atomic_load(&blocked_entered) < n; i++)
		sleep_ms(5);
	CHECK(atomic_load(&blocked_entered) == n);
}

static void test_per_ip_limit(void)
{
	capsa_http_server *srv = start_server(2, NULL, NULL, NULL);
	if (!srv)
		return;
	atomic_store(&blocked_entered, 0);
	atomic_store(&release_block, false);
	bg_call b[2] = {{.call = {.url = url(srv, "http", "/block")}}, {.call = {.url = url(srv, "http", "/block")}}};
	for (int i = 0; i < 2; i++)
		pthread_create(&b[i].th, NULL, bg_run, &b[i]);
	wait_entered(2);
	/* a third request at once from the same address: answered, but refused as busy */
	capsa_http_call third = get(url(srv, "http", "/healthz"), NULL);
	CHECK(third.outcome == CAPSA_HTTP_DONE && third.status == 429);
	CHECK(third.response != NULL && strstr((const char *)third.response, "urn:capsa:problem:busy") != NULL);
	capsa_http_call_clear(&third);
	atomic_store(&release_block, true);
	for (int i = 0; i < 2; i++) {
		pthread_join(b[i].th, NULL);
		CHECK(b[i].call.status == 200);
		capsa_http_call_clear(&b[i].call);
	}
	third = get(url(srv, "http", "/healthz"), NULL); /* the finished requests no longer count */
	CHECK(third.status == 200);
	capsa_http_call_clear(&third);
	capsa_http_server_free(srv);
}

static capsa_http_server *stopping_server;

static void *bg_stop(void *arg)
{
	unsigned *left = arg;
	*left = capsa_http_server_stop(stopping_server);
	return NULL;
}

static void test_graceful_stop(void)
{
	capsa_http_server *srv = start_server(16, NULL, NULL, NULL);
	if (!srv)
		return;
	atomic_store(&blocked_entered, 0);
	atomic_store(&release_block, false);
	/* A kept-alive connection, open before the stop begins. */
	int ka = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(capsa_http_server_port(srv))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(ka, (struct sockaddr *)&a, sizeof(a)) == 0);
	const char req[] = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
	char out[2048];
	(void)!send(ka, req, strlen(req), MSG_NOSIGNAL);
	ssize_t n = recv(ka, out, sizeof(out) - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(out, "HTTP/1.1 200", 12) == 0);

	bg_call b = {.call = {.url = url(srv, "http", "/block")}};
	pthread_create(&b.th, NULL, bg_run, &b);
	wait_entered(1);
	stopping_server = srv;
	unsigned left = 99;
	pthread_t stopper;
	pthread_create(&stopper, NULL, bg_stop, &left);
	sleep_ms(200);
	capsa_http_call late = {.url = url(srv, "http", "/healthz"), .timeout_ms = 300};
	CHECK_OK(capsa_http_parallel(&late, 1, NULL));
	CHECK(late.status != 200);
	capsa_http_call_clear(&late);
	(void)!send(ka, req, strlen(req), MSG_NOSIGNAL); /* a new request while stopping */
	struct pollfd pf = {.fd = ka, .events = POLLIN};
	n = poll(&pf, 1, 2000) == 1 ? recv(ka, out, sizeof(out) - 1, 0) : -1;
	out[n > 0 ? n : 0] = '\0';
	CHECK(strncmp(out, "HTTP/1.1 503", 12) == 0 && strstr(out, "urn:capsa:problem:unavailable") != NULL);
	close(ka);
	atomic_store(&release_block, true);
	pthread_join(stopper, NULL);
	pthread_join(b.th, NULL);
	CHECK(left == 0);
	CHECK(b.call.status == 200 && b.call.response && strcmp((char *)b.call.response, "released") == 0);
	capsa_http_call_clear(&b.call);
	capsa_http_server_free(srv);
}

static void *bg_request_stop(void *arg)
{
	sleep_ms(50);
	capsa_http_server_request_stop(arg);
	return NULL;
}

static void test_wait(void)
{
	capsa_http_server *srv = start_server(16, NULL, NULL, NULL);
	if (!srv)
		return;
	pthread_t th;
	pthread_create(&th, NULL, bg_request_stop, srv);
	CHECK(capsa_http_server_wait(srv) == 0);
	pthread_join(th, NULL);
	kill(getpid(), SIGTERM); /* blocked: waits in the signalfd */
	CHECK(capsa_http_server_wait(srv) == SIGTERM);
	CHECK(capsa_http_server_stop(srv) == 0);
	CHECK(capsa_http_server_stop(srv) == 0);
	capsa_http_server_free(srv);
}

static void test_config(void)
{
	capsa_http_config cfg;
	capsa_http_config_default(&cfg);
	capsa_http_server *srv = NULL;
	char err[256];
	const char *bad[] = {NULL, "nope", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:08",
	                     "1.2.3:80", "[::1:80", "::1:80", "localhost:80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.listen = bad[i];
		check_context("listen %s", bad[i] ? bad[i] : "NULL");
		CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_ARG);
		CHECK(srv == NULL && strstr(err, "listen") != NULL);
	}
	check_context("%s", "");
	cfg.listen = "[::1]:0"; /* parses; binds where the host has IPv6 */
	cfg.access_log = false;
	CHECK_OK(capsa_http_server_new(&srv, &cfg, err, sizeof(err)));
	capsa_status st6 = srv ? capsa_http_server_start(srv, err, sizeof(err)) : CAPSA_ERR_ARG;
	CHECK(st6 == CAPSA_OK || st6 == CAPSA_ERR_IO);
	if (st6 == CAPSA_OK) {
		char u6[64];
		snprintf(u6, sizeof(u6), "http://[::1]:%u/healthz", capsa_http_server_port(srv));
		capsa_http_call c6 = get(u6, NULL);
		CHECK(c6.status == 200);
		capsa_http_call_clear(&c6);
	}
	capsa_http_server_free(srv);
	srv = NULL;
	cfg.listen = "127.0.0.1:0";
	cfg.max_body = 0;
	CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_ARG);
	capsa_http_config_default(&cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.tls_cert_file = "/nonexistent/cert.pem";
	CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_ARG);
	cfg.tls_key_file = "/nonexistent/key.pem";
	CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_IO);
	CHECK(strstr(err, "/nonexistent/cert.pem") != NULL);

	/* The same port twice: the second cannot bind. */
	capsa_http_server *one = start_server(16, NULL, NULL, NULL);
	if (!one)
		return;
	char listen[64];
	snprintf(listen, sizeof(listen), "127.0.0.1:%u", capsa_http_server_port(one));
	capsa_http_config_default(&cfg);
	cfg.listen = listen;
	cfg.access_log = false;
	CHECK_OK(capsa_http_server_new(&srv, &cfg, err, sizeof(err)));
	CHECK_STATUS(capsa_http_server_start(srv, err, sizeof(err)), CAPSA_ERR_IO);
	capsa_http_server_free(srv);
	capsa_http_server_free(one);
}

/* A streamed body arrives whole; a stop with a client that reads nothing ends its producer. */
static void test_stream(void)
{
	capsa_http_server *srv = start_server(16, NULL, NULL, NULL);
	capsa_http_client_opts o;

	if (!srv)
		return;
	capsa_http_client_opts_default(&o);
	o.max_body = 2 * STREAM_BYTES;
	capsa_http_call c = get(url(srv, "http", "/stream"), &o);
	bool same = c.status == 200 && c.response_len == STREAM_BYTES;
	for (size_t i = 0; same && i < STREAM_BYTES; i++)
		same = c.response[i] == (uint8_t)(i % 251);
	CHECK(same);
	capsa_http_call_clear(&c);

	/* a client that connects, asks for an endless stream and reads nothing */
	atomic_store(&producers_done, 0);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(capsa_http_server_port(srv))};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(s, (struct sockaddr *)&a, sizeof a) == 0);
	const char req[] = "GET /stream?forever HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK(write(s, req, sizeof req - 1) == (ssize_t)(sizeof req - 1));
	sleep_ms(200);
	capsa_http_server_free(srv); /* waits for the producer, which the closed pipe stops */
	CHECK(atomic_load(&producers_done) == 1);
	close(s);
}

static void test_tls(void)
{
	char dir[] = "/tmp/capsa-test-http-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	char cmd[1024], cert[128], key[128];
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cmd, sizeof(cmd),
	         "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 "
	         "-addext subjectAltName=IP:127.0.0.1 -keyout %s -out %s >/dev/null 2>&1",
	         key, cert);
	CHECK(system(cmd) == 0);
	capsa_http_server *srv = start_server(16, cert, key, NULL);
	if (srv) {
		capsa_http_client_opts o;
		capsa_http_client_opts_default(&o);
		o.cainfo = cert;
		capsa_http_call c = get(url(srv, "https", "/hello"), &o);
		CHECK(c.outcome == CAPSA_HTTP_DONE && c.status == 200 && c.response_len == 5);
		capsa_http_call_clear(&c);
		c = get(url(srv, "https", "/hello"), NULL); /* not signed by a system CA */
		CHECK(c.outcome == CAPSA_HTTP_TLS && c.status == 0);
		capsa_http_call_clear(&c);
		capsa_http_call plain = {.url = url(srv, "http", "/hello"), .timeout_ms = 2000};
		CHECK_OK(capsa_http_parallel(&plain, 1, &o));
		CHECK(plain.outcome != CAPSA_HTTP_DONE && plain.status == 0 && plain.error[0]);
		capsa_http_call_clear(&plain);
		capsa_http_server_free(srv);
	}
	/* A key that is not the certificate's, and a certificate that is not one, are refused when configured. */
	char other[128];
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	snprintf(cmd, sizeof(cmd), "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out %s 2>/dev/null",
	         other);
	CHECK(system(cmd) == 0);
	capsa_http_config cfg;
	char err[512] = "";
	capsa_http_config_default(&cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.tls_cert_file = cert;
	cfg.tls_key_file = other;
	srv = NULL;
	CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_IO);
	CHECK(srv == NULL && strstr(err, "is not the key of") != NULL);
	cfg.tls_cert_file = other;
	CHECK_STATUS(capsa_http_server_new(&srv, &cfg, err, sizeof(err)), CAPSA_ERR_IO);
	CHECK(srv == NULL && strstr(err, "certificate") != NULL && strstr(err, "does not parse") != NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	CHECK_OK(capsa_http_block_signals()); /* before any thread */
	test_config();
	capsa_http_server *srv = start_server(16, NULL, NULL, NULL);
	if (srv) {
		test_routes(srv);
		test_hostile(srv);
		test_client(srv);
		CHECK(capsa_http_server_stop(srv) == 0);
		capsa_http_server_free(srv);
	}
	size_t counter;
	test_metrics(&counter);
	test_per_ip_limit();
	test_stream();
	test_graceful_stop();
	test_wait();
	test_tls();
	return check_summary();
}
