/*
 * The proxy's witnesses (c2sp.org/tlog-witness): after each commit that
 * grows the log, a thread of its own sends the new checkpoint to every
 * witness with a consistency proof from the size that witness last
 * cosigned, checks each cosignature against the witness's pinned key, and
 * hands the lines to the log's writer, which stores them with the
 * checkpoint: later receipts and /v1/log/checkpoint carry them. A witness
 * that is down or refuses holds nothing up; the next checkpoint tries again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>

#include "client/http_client.h"
#include "daemon/proxy_internal.h"

static capsa_status reader_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	return capsa_store_node_get(arg, level, index, out);
}

static char *request(capsa_proxy *p, const struct proxy_witness *w, uint64_t size, const char *note)
{
	uint8_t proof[CAPSA_TLOG_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	size_t n = 0, len;
	char *body = NULL;
	capsa_status st = CAPSA_OK;

	if (w->known > 0) {
		pthread_mutex_lock(&p->reader_mu);
		st = capsa_tlog_consistency_proof(proof, &n, w->known, size, reader_node, p->reader);
		pthread_mutex_unlock(&p->reader_mu);
	}
	if (st == CAPSA_OK && n <= CAPSA_WITNESS_MAX_PROOF &&
	    capsa_witness_request_format(&body, &len, w->known, (const uint8_t(*)[CAPSA_TLOG_HASH_BYTES])proof, n, note,
	                                 strlen(note)) == CAPSA_OK)
		return body;
	return NULL;
}

/* The witness's cosignature lines if they verify on |note|, else NULL. */
static char *verified_lines(const struct proxy_witness *w, const char *note, const capsa_http_call *call)
{
	capsa_note parsed;
	char *joined = NULL, *lines = NULL;
	size_t len;
	bool ok = call->response != NULL &&
	          capsa_witness_response_check((const char *)call->response, call->response_len) == CAPSA_OK &&
	          capsa_note_append_lines(&joined, &len, note, strlen(note), (const char *)call->response,
	                                  call->response_len) == CAPSA_OK &&
	          capsa_note_parse(&parsed, joined, len) == CAPSA_OK;

	if (ok) {
		ok = capsa_note_verify(&parsed, &w->key, 1, NULL, NULL) == CAPSA_OK;
		capsa_note_free(&parsed);
	}
	if (ok)
		lines = strndup((const char *)call->response, call->response_len);
	free(joined);
	return lines;
}

/* One witness: the checkpoint, once more after a 409 that tells its size. */
static char *submit(capsa_proxy *p, struct proxy_witness *w, uint64_t size, const char *note)
{
	capsa_http_client_opts opts;

	capsa_http_client_opts_default(&opts);
	for (int attempt = 0; attempt < 2 && w->known < size; attempt++) {
		char *body = request(p, w, size, note), *lines = NULL;
		capsa_http_call call = {.url = w->url, .content_type = "text/plain"};
		uint64_t theirs;
		if (body == NULL)
			return NULL;
		call.body = (const uint8_t *)body;
		call.body_len = strlen(body);
		bool sent = capsa_http_parallel(&call, 1, &opts) == CAPSA_OK && call.outcome == CAPSA_HTTP_DONE;
		if (sent && call.status == 200 && (lines = verified_lines(w, note, &call)) != NULL)
			w->known = size;
		else if (sent && call.status == 409 && call.response != NULL &&
		         capsa_witness_size_parse(&theirs, (const char *)call.response, call.response_len) == CAPSA_OK &&
		         theirs != w->known && theirs <= size)
			w->known = theirs; /* it holds another size: prove from there */
		else
			fprintf(stderr, "capsa proxy: witness %s: %s\n", w->url,
			        !sent ? call.error : call.status == 200 ? "a cosignature that does not verify" : "refused");
		capsa_http_call_clear(&call);
		free(body);
		if (lines != NULL)
			return lines;
	}
	return NULL;
}

static void cosign_all(capsa_proxy *p, uint64_t size, const char *note)
{
	struct proxy_witnesses *ws = p->witnesses;
	size_t cap = 1, len = 0;
	char *all = calloc(1, 1);

	for (size_t i = 0; all != NULL && i < ws->num; i++) {
		char *lines = submit(p, &ws->w[i], size, note), *grown;
		if (lines == NULL)
			continue;
		if ((grown = realloc(all, cap + strlen(lines))) != NULL) {
			all = grown;
			memcpy(all + len, lines, strlen(lines) + 1);
			len += strlen(lines);
			cap += strlen(lines);
		}
		free(lines);
	}
	if (all != NULL && len > 0) {
		capsa_log_op op = {.type = CAPSA_LOG_COSIGN, .cosign_size = size, .cosign_lines = all};
		capsa_log_submit(p->log, &op);
	}
	free(all);
}

static void *witness_thread(void *arg)
{
	capsa_proxy *p = arg;
	struct proxy_witnesses *ws = p->witnesses;

	pthread_mutex_lock(&ws->mu);
	for (;;) {
		while (ws->note == NULL && !ws->stop)
			pthread_cond_wait(&ws->cv, &ws->mu);
		if (ws->stop)
			break;
		char *note = ws->note;
		uint64_t size = ws->size;
		ws->note = NULL;
		pthread_mutex_unlock(&ws->mu);
		cosign_all(p, size, note);
		free(note);
		pthread_mutex_lock(&ws->mu);
	}
	pthread_mutex_unlock(&ws->mu);
	return NULL;
}

/* On the writer thread: keep only the newest checkpoint for the witness thread. */
static void proxy_witnesses_notify(void *arg, uint64_t size, const char *note)
{
	struct proxy_witnesses *ws = ((capsa_proxy *)arg)->witnesses;
	char *copy = strdup(note);

	pthread_mutex_lock(&ws->mu);
	free(ws->note);
	ws->note = copy;
	ws->size = size;
	pthread_cond_signal(&ws->cv);
	pthread_mutex_unlock(&ws->mu);
}

/* Parses `URL#VKEY` into |key|; the URL is what comes before the '#'. */
static const char *witness_spec(const char *spec, capsa_note_verifier *key, char *err, size_t err_len)
{
	const char *hash = strchr(spec, '#');

	if (hash == NULL || strncmp(spec, "http", 4) != 0 ||
	    capsa_note_vkey_parse(key, hash + 1, strlen(hash + 1)) != CAPSA_OK || key->type != CAPSA_NOTE_COSIGNATURE) {
		snprintf(err, err_len, "--witness %s: not URL#VKEY with a witness's cosignature vkey (capsa witness id)", spec);
		return NULL;
	}
	return hash;
}

capsa_status capsa_proxy_witness_check(const char *spec, char *err, size_t err_len)
{
	capsa_note_verifier key;
	return witness_spec(spec, &key, err, err_len) != NULL ? CAPSA_OK : CAPSA_ERR_ARG;
}

capsa_status capsa_proxy_witness(capsa_proxy *p, const char *spec, char *err, size_t err_len)
{
	const char *hash;
	struct proxy_witnesses *ws = p->witnesses;
	struct proxy_witness *w;

	if (ws == NULL && (ws = p->witnesses = calloc(1, sizeof *ws)) != NULL) {
		pthread_mutex_init(&ws->mu, NULL);
		pthread_cond_init(&ws->cv, NULL);
	}
	if (ws == NULL)
		return CAPSA_ERR_NOMEM;
	if (ws->num == PROXY_MAX_WITNESSES) {
		snprintf(err, err_len, "more than %d witnesses", PROXY_MAX_WITNESSES);
		return CAPSA_ERR_ARG;
	}
	w = &ws->w[ws->num];
	if ((hash = witness_spec(spec, &w->key, err, err_len)) == NULL)
		return CAPSA_ERR_ARG;
	if ((w->url = malloc((size_t)(hash - spec) + sizeof "/add-checkpoint")) == NULL)
		return CAPSA_ERR_NOMEM;
	sprintf(w->url, "%.*s/add-checkpoint", (int)(hash - spec), spec);
	ws->num++;
	return CAPSA_OK;
}

capsa_status proxy_witnesses_start(capsa_proxy *p)
{
	struct proxy_witnesses *ws = p->witnesses;
	char *note;

	if (ws == NULL)
		return CAPSA_OK;
	if (pthread_create(&ws->thread, NULL, witness_thread, p) != 0)
		return CAPSA_ERR_INTERNAL;
	ws->started = true;
	capsa_log_on_commit(p->log, proxy_witnesses_notify, p);
	if ((note = capsa_log_checkpoint(p->log)) != NULL && capsa_log_size(p->log) > 0)
		proxy_witnesses_notify(p, capsa_log_size(p->log), note); /* what it holds already */
	free(note);
	return CAPSA_OK;
}

void proxy_witnesses_free(capsa_proxy *p)
{
	struct proxy_witnesses *ws = p->witnesses;

	if (ws == NULL)
		return;
	if (ws->started) {
		pthread_mutex_lock(&ws->mu);
		ws->stop = true;
		pthread_cond_signal(&ws->cv);
		pthread_mutex_unlock(&ws->mu);
		pthread_join(ws->thread, NULL);
	}
	for (size_t i = 0; i < ws->num; i++)
		free(ws->w[i].url);
	free(ws->note);
	pthread_mutex_destroy(&ws->mu);
	pthread_cond_destroy(&ws->cv);
	free(ws);
	p->witnesses = NULL;
}
