/*
 * client/http_client.c - parallel HTTP calls on one libcurl multi handle,
 * driven from the calling thread: no threads of our own, so cancelling the
 * rest after "enough" is just removing their easy handles.
 */
#include "http_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/file.h>

/* One call in flight: its easy handle and what it has received. */
typedef struct flight {
	CURL *easy;
	struct curl_slist *headers;
	capsa_http_call *call;
	size_t max_body;
	bool too_large;
	bool running;
	char curl_err[CURL_ERROR_SIZE];
} flight;

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void capsa_http_client_opts_default(capsa_http_client_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

const char *capsa_http_outcome_str(capsa_http_outcome outcome)
{
	switch (outcome) {
	case CAPSA_HTTP_DONE: return "done";
	case CAPSA_HTTP_PENDING: return "pending";
	case CAPSA_HTTP_REFUSED: return "connection refused";
	case CAPSA_HTTP_RESOLVE: return "host not found";
	case CAPSA_HTTP_TIMEOUT: return "timeout";
	case CAPSA_HTTP_TLS: return "TLS failure";
	case CAPSA_HTTP_TOO_LARGE: return "response too large";
	case CAPSA_HTTP_CANCELLED: return "cancelled";
	case CAPSA_HTTP_FAILED: return "failed";
	}
	return "failed";
}

void capsa_http_call_clear(capsa_http_call *call)
{
	free(call->response);
	call->response = NULL;
	call->response_len = 0;
	call->outcome = CAPSA_HTTP_PENDING;
	call->status = 0;
	call->response_type[0] = '\0';
	call->error[0] = '\0';
	call->elapsed_ms = 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	flight *f = arg;
	capsa_http_call *call = f->call;
	size_t n = size * nmemb;
	long code = 0;
	if (call->download && curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code >= 200 &&
	    code < 300) {
		if (capsa_write_all(call->download_fd, data, n) != CAPSA_OK)
			return 0;
		call->downloaded += n;
		return n;
	}
	if (n > f->max_body - call->response_len) {
		f->too_large = true;
		return 0; /* makes curl stop with CURLE_WRITE_ERROR */
	}
	uint8_t *nb = realloc(call->response, call->response_len + n + 1);
	if (!nb)
		return 0;
	memcpy(nb + call->response_len, data, n);
	call->response = nb;
	call->response_len += n;
	nb[call->response_len] = '\0';
	return n;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static capsa_http_outcome classify(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK: return CAPSA_HTTP_DONE;
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING: return CAPSA_HTTP_REFUSED;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY: return CAPSA_HTTP_RESOLVE;
	case CURLE_OPERATION_TIMEDOUT: return CAPSA_HTTP_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return CAPSA_HTTP_TLS;
	default: return CAPSA_HTTP_FAILED;
	}
}

static bool setup(flight *f, const capsa_http_client_opts *o, long deadline_left_ms)
{
	capsa_http_call *c = f->call;
	CURL *e = f->easy = curl_easy_init();
	if (!e)
		return false;
	long timeout = c->timeout_ms > 0 ? c->timeout_ms : CAPSA_HTTP_CLIENT_DEFAULT_TIMEOUT_MS;
	if (deadline_left_ms > 0 && deadline_left_ms < timeout)
		timeout = deadline_left_ms;
	const char *method = c->method ? c->method : (c->body ? "POST" : "GET");
	bool ok = curl_easy_setopt(e, CURLOPT_URL, c->url) == CURLE_OK;
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (c->download) { /* however long it takes, as long as it moves */
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (timeout + 999) / 1000);
	} else {
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout);
	}
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, f->curl_err);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, f);
	if (o->cainfo)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cainfo);
	if (!o->use_env_proxy) { /* an environment proxy never sees our calls */
		curl_easy_setopt(e, CURLOPT_PROXY, "");
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	}
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (c->body || strcmp(method, "POST") == 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body ? (const char *)c->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->body_len);
	}
	/* No "Expect: 100-continue": a small body goes with the headers. */
	f->headers = curl_slist_append(f->headers, "Expect:");
	if (c->content_type) {
		char h[160];
		snprintf(h, sizeof(h), "Content-Type: %s", c->content_type);
		f->headers = curl_slist_append(f->headers, h);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, f->headers);
	return ok && f->headers;
}

static void finish(flight *f, CURLcode rc, long started)
{
	capsa_http_call *c = f->call;
	c->elapsed_ms = now_ms() - started;
	c->outcome = f->too_large ? CAPSA_HTTP_TOO_LARGE : classify(rc);
	curl_easy_getinfo(f->easy, CURLINFO_RESPONSE_CODE, &c->status);
	char *ct = NULL;
	if (curl_easy_getinfo(f->easy, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(c->response_type, sizeof(c->response_type), "%s", ct);
	if (c->outcome == CAPSA_HTTP_TOO_LARGE)
		snprintf(c->error, sizeof(c->error), "response over %zu bytes", f->max_body);
	else if (c->outcome != CAPSA_HTTP_DONE)
		snprintf(c->error, sizeof(c->error), "%s: %.200s", capsa_http_outcome_str(c->outcome),
		         f->curl_err[0] ? f->curl_err : curl_easy_strerror(rc));
	if (c->outcome != CAPSA_HTTP_DONE) {
		free(c->response);
		c->response = NULL;
		c->response_len = 0;
	}
	f->running = false;
}

static void end_unfinished(flight *fl, size_t n, capsa_http_outcome why, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (fl[i].call->outcome != CAPSA_HTTP_PENDING)
			continue;
		capsa_http_call *c = fl[i].call;
		free(c->response);
		c->response = NULL;
		c->response_len = 0;
		c->status = 0;
		c->outcome = why;
		snprintf(c->error, sizeof(c->error), "%s", what);
	}
}

/* drive runs the multi handle until every call ended, the deadline passed
 * or on_done said enough. */
static void drive(CURLM *m, flight *fl, size_t n, const capsa_http_client_opts *o, long started)
{
	size_t left = n;
	while (left > 0) {
		int running = 0;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int queued;
		bool enough = false;
		while ((msg = curl_multi_info_read(m, &queued))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			flight *f = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&f);
			finish(f, msg->data.result, started);
			curl_multi_remove_handle(m, f->easy);
			left--;
			if (o->on_done && o->on_done(o->arg, f->call, (size_t)(f - fl)))
				enough = true;
		}
		if (enough) {
			end_unfinished(fl, n, CAPSA_HTTP_CANCELLED, "cancelled: enough answers");
			return;
		}
		if (o->deadline_ms > 0 && now_ms() - started >= o->deadline_ms) {
			end_unfinished(fl, n, CAPSA_HTTP_TIMEOUT, "timeout: overall deadline passed");
			return;
		}
		if (left > 0)
			curl_multi_poll(m, NULL, 0, 50, NULL);
	}
}

capsa_status capsa_http_parallel(capsa_http_call *calls, size_t n, const capsa_http_client_opts *opts)
{
	capsa_http_client_opts defaults;
	capsa_http_client_opts_default(&defaults);
	const capsa_http_client_opts *o = opts ? opts : &defaults;
	for (size_t i = 0; i < n; i++) {
		if (!calls[i].url)
			return CAPSA_ERR_ARG;
		capsa_http_call_clear(&calls[i]);
	}
	if (n == 0)
		return CAPSA_OK;
	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != CURLE_OK)
		return CAPSA_ERR_INTERNAL;
	flight *fl = calloc(n, sizeof(*fl));
	CURLM *m = curl_multi_init();
	capsa_status st = fl && m ? CAPSA_OK : CAPSA_ERR_NOMEM;
	long started = now_ms();
	for (size_t i = 0; fl != NULL && i < n; i++)
		fl[i].call = &calls[i]; /* all of them: a failed set-up ends every call, set up or not */
	for (size_t i = 0; st == CAPSA_OK && i < n; i++) {
		fl[i].max_body = o->max_body ? o->max_body : CAPSA_HTTP_CLIENT_DEFAULT_MAX_BODY;
		if (!setup(&fl[i], o, o->deadline_ms) || curl_multi_add_handle(m, fl[i].easy) != CURLM_OK)
			st = CAPSA_ERR_INTERNAL;
		else
			fl[i].running = true;
	}
	if (st == CAPSA_OK)
		drive(m, fl, n, o, started);
	for (size_t i = 0; fl && i < n; i++) {
		if (fl[i].running)
			curl_multi_remove_handle(m, fl[i].easy);
		curl_easy_cleanup(fl[i].easy);
		curl_slist_free_all(fl[i].headers);
	}
	if (st != CAPSA_OK && fl)
		end_unfinished(fl, n, CAPSA_HTTP_FAILED, "failed: could not set up the request");
	curl_multi_cleanup(m);
	free(fl);
	return st;
}

capsa_status capsa_http_get(capsa_http_call *call, const char *url, const capsa_http_client_opts *opts)
{
	memset(call, 0, sizeof(*call));
	call->url = url;
	call->method = "GET";
	return capsa_http_parallel(call, 1, opts);
}
