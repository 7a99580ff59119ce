/*
 * The proxy's three signed requests (doc/PROTOCOL.md): grant, reencrypt and
 * revoke. Each handler checks what it can alone (statement, signature,
 * kfrag, capsules, and the cfrags' work), then hands the state change to the
 * log's writer, which re-checks it against the store, logs it and commits;
 * only then does the handler answer, with the receipts.
 */
#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "daemon/proxy_internal.h"

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

static void statement_hash(uint8_t out[32], const proxy_envelope *env)
{
	SHA256((const uint8_t *)env->statement, env->statement_len, out);
}

static json_t *receipt_json(const capsa_log_result *r)
{
	return json_stringn(r->receipt, r->receipt_len);
}

/* Answers an op the writer has done: its problem, or |ok| filled by the caller. */
static bool op_refused(capsa_proxy *p, capsa_http_response *resp, const capsa_log_op *op)
{
	if (op->problem == CAPSA_PROBLEM_NONE)
		return false;
	proxy_refuse(p, resp, op->problem, NULL);
	return true;
}

static void grant_row(capsa_store_grant *row, const capsa_proxy_grant *g, const capsa_kfrag_file *kf,
                      const proxy_envelope *env)
{
	memset(row, 0, sizeof *row);
	memcpy(row->id, g->grant_id, sizeof row->id);
	memcpy(row->content_id, g->content_id, sizeof row->content_id);
	capsa_party_id(row->owner_party, g->owner.ed25519_public);
	capsa_party_id(row->recipient_party, g->recipient.ed25519_public);
	row->threshold = g->threshold;
	row->shares = g->shares;
	row->index = g->index;
	row->not_after = g->not_after;
	row->max_uses = g->max_uses;
	row->status = CAPSA_GRANT_ACTIVE;
	capsa_kfrag_file_serialize(row->kfrag, kf);
	row->has_kfrag = true;
	statement_hash(row->statement_hash, env);
	memcpy(row->signature, env->signature, sizeof row->signature);
}

void proxy_post_grant(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	proxy_envelope env;
	capsa_proxy_grant g;
	capsa_kfrag_file kf;
	capsa_proxy_problem problem;
	capsa_store_grant row = {0};
	capsa_log_op op = {.type = CAPSA_LOG_GRANT, .now = now(), .grant = &row};
	const char *why;
	char id[2 * CAPSA_GRANT_ID_BYTES + 1];

	if (!proxy_envelope_parse(&env, req->body, req->body_len, true, false, &why)) {
		proxy_refuse(p, resp, CAPSA_PROBLEM_BAD_REQUEST, why);
		goto out;
	}
	if (capsa_proxy_grant_accept(&g, &kf, &problem, env.statement, env.statement_len, env.signature, env.kfrag,
	                             env.kfrag_len, &p->id) != CAPSA_OK) {
		proxy_refuse(p, resp, problem, NULL);
		goto out;
	}
	grant_row(&row, &g, &kf, &env);
	capsa_kfrag_file_wipe(&kf);
	if ((row.statement = strndup(env.statement, env.statement_len)) == NULL) {
		proxy_refuse(p, resp, CAPSA_PROBLEM_INTERNAL, NULL);
		goto out;
	}
	memcpy(op.signer, row.owner_party, sizeof op.signer);
	memcpy(op.statement_hash, row.statement_hash, sizeof op.statement_hash);
	capsa_log_submit(p->log, &op);
	if (op_refused(p, resp, &op))
		goto out;
	capsa_hex_encode(id, g.grant_id, sizeof g.grant_id);
	proxy_reply(resp, op.existed ? 200 : 201,
	            json_pack("{s:s, s:I, s:o}", "grant", id, "index", (json_int_t)op.results[0].index, "receipt",
	                      receipt_json(&op.results[0])));
	if (!op.existed)
		capsa_http_counter_add(p->srv, p->counter_grants, 1);
out:
	capsa_log_op_clear(&op);
	capsa_store_grant_clear(&row);
	proxy_envelope_free(&env);
}

/* The grant of a cache entry, checked against |requester| and the time |t|. */
static capsa_proxy_problem entry_refusal(const grant_cache_entry *e, const char *requester, uint64_t t)
{
	if (e->not_after != 0 && t > e->not_after)
		return CAPSA_PROBLEM_EXPIRED;
	if (strcmp(e->recipient_party, requester) != 0)
		return CAPSA_PROBLEM_NOT_RECIPIENT;
	return CAPSA_PROBLEM_NONE;
}

/* Reads a grant from the store into |e|, checked; caches it when only a revocation can change it. */
static capsa_proxy_problem read_grant(capsa_proxy *p, const uint8_t id[CAPSA_GRANT_ID_BYTES], const char *requester,
                                      uint64_t t, grant_cache_entry *e)
{
	uint64_t epoch = grant_cache_epoch(p->grants);
	capsa_store_grant g;
	capsa_proxy_problem problem = CAPSA_PROBLEM_NONE;
	capsa_status st = proxy_grant_get(p, id, &g);

	if (st != CAPSA_OK)
		return st == CAPSA_ERR_NO_MATCH ? CAPSA_PROBLEM_UNKNOWN_GRANT : CAPSA_PROBLEM_INTERNAL;
	memcpy(e->id, g.id, sizeof e->id);
	memcpy(e->content_id, g.content_id, sizeof e->content_id);
	memcpy(e->recipient_party, g.recipient_party, sizeof e->recipient_party);
	e->not_after = g.not_after;
	if (g.status == CAPSA_GRANT_REVOKED || !g.has_kfrag)
		problem = CAPSA_PROBLEM_REVOKED;
	else if ((problem = entry_refusal(e, requester, t)) != CAPSA_PROBLEM_NONE)
		;
	else if (g.max_uses != 0 && g.uses >= g.max_uses)
		problem = CAPSA_PROBLEM_USES_EXHAUSTED;
	else if (capsa_kfrag_file_parse(&e->kf, g.kfrag, sizeof g.kfrag) != CAPSA_OK)
		problem = CAPSA_PROBLEM_INTERNAL;
	else if (g.max_uses == 0)
		grant_cache_put(p->grants, epoch, e);
	capsa_store_grant_clear(&g);
	return problem;
}

/* The checks of one item before any work (doc/PROTOCOL.md, "Re-encryption", 1 to 6), and its cfrag. */
static capsa_proxy_problem reencrypt_item(capsa_proxy *p, const capsa_proxy_item *it, const uint8_t *capsule,
                                          const char *requester, uint64_t t, capsa_cfrag_file *cf)
{
	grant_cache_entry e;
	capsa_proxy_problem problem;
	uint8_t h[32];

	if (grant_cache_get(p->grants, it->grant_id, &e))
		problem = entry_refusal(&e, requester, t);
	else
		problem = read_grant(p, it->grant_id, requester, t, &e);
	SHA256(capsule, CAPSA_UMBRAL_CAPSULE_BYTES, h);
	if (problem == CAPSA_PROBLEM_NONE &&
	    (memcmp(h, it->capsule_hash, sizeof h) != 0 ||
	     memcmp(e.content_id, it->content_id, CAPSA_CONTENT_ID_BYTES) != 0))
		problem = CAPSA_PROBLEM_BAD_CAPSULE;
	if (problem == CAPSA_PROBLEM_NONE) {
		capsa_status st = capsa_grant_reencrypt_capsule(cf, &e.kf, capsule, CAPSA_UMBRAL_CAPSULE_BYTES, NULL);
		problem = st == CAPSA_OK ? CAPSA_PROBLEM_NONE : st == CAPSA_ERR_DECODE ? CAPSA_PROBLEM_BAD_CAPSULE
		                                                                       : CAPSA_PROBLEM_INTERNAL;
	}
	capsa_wipe(&e, sizeof e);
	return problem;
}

static bool fresh(uint64_t statement_time, uint64_t t)
{
	uint64_t d = statement_time > t ? statement_time - t : t - statement_time;
	return d <= CAPSA_PROXY_CLOCK_SKEW;
}

/*
 * The answer to a re-encryption, written as text: with a receipt per item it
 * is most of what the proxy sends, and jansson's encoder, which re-validates
 * and escapes it byte by byte, cost as much as the log's SQL.
 */
static void reencrypt_answer(capsa_http_response *resp, const capsa_proxy_reencrypt *r, const capsa_cfrag_file *cfs,
                             const capsa_log_op *op)
{
	uint8_t bytes[CAPSA_CFRAG_FILE_BYTES];
	char id[2 * CAPSA_GRANT_ID_BYTES + 1], b64[4 * ((sizeof bytes + 2) / 3) + 1];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		capsa_http_problem(resp, 500, "urn:capsa:problem:internal", "internal error", NULL);
		return;
	}
	fputs("{\"items\":[", f);
	for (size_t i = 0; i < r->num_items; i++) {
		capsa_cfrag_file_serialize(bytes, &cfs[i]);
		EVP_EncodeBlock((unsigned char *)b64, bytes, (int)sizeof bytes);
		capsa_hex_encode(id, r->items[i].grant_id, CAPSA_GRANT_ID_BYTES);
		fprintf(f, "%s{\"grant\":\"%s\",\"cfrag\":\"%s\",\"index\":%" PRIu64 ",\"receipt\":", i ? "," : "", id, b64,
		        op->results[i].index);
		proxy_json_string(f, op->results[i].receipt, op->results[i].receipt_len);
		fputc('}', f);
	}
	fputs("]}", f);
	if (fclose(f) == 0)
		capsa_http_respond(resp, 200, "application/json", text, len);
	else
		capsa_http_problem(resp, 500, "urn:capsa:problem:internal", "internal error", NULL);
	free(text);
}

void proxy_post_reencrypt(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	proxy_envelope env;
	capsa_proxy_reencrypt *r = calloc(1, sizeof *r);
	capsa_cfrag_file *cfs = calloc(CAPSA_PROXY_MAX_ITEMS, sizeof *cfs);
	capsa_log_op op = {.type = CAPSA_LOG_REENCRYPT, .now = now(), .reencrypt = r};
	capsa_proxy_problem problem = CAPSA_PROBLEM_NONE;
	const char *why = NULL;

	if (r == NULL || cfs == NULL) {
		free(r);
		free(cfs);
		proxy_refuse(p, resp, CAPSA_PROBLEM_INTERNAL, NULL);
		return;
	}
	if (!proxy_envelope_parse(&env, req->body, req->body_len, false, true, &why))
		problem = CAPSA_PROBLEM_BAD_REQUEST;
	else if (capsa_proxy_reencrypt_parse(r, env.statement, env.statement_len) != CAPSA_OK)
		why = "the statement is not a re-encryption request", problem = CAPSA_PROBLEM_BAD_REQUEST;
	else if (strcmp(r->proxy, p->party) != 0)
		problem = CAPSA_PROBLEM_WRONG_PROXY;
	else if (capsa_proxy_verify(env.signature, env.statement, env.statement_len, &r->requester) != CAPSA_OK)
		problem = CAPSA_PROBLEM_BAD_SIGNATURE;
	else if (env.num_capsules != r->num_items)
		why = "one capsule per item", problem = CAPSA_PROBLEM_BAD_REQUEST;
	capsa_party_id(op.signer, r->requester.ed25519_public);
	for (size_t i = 0; problem == CAPSA_PROBLEM_NONE && i < r->num_items; i++)
		problem = reencrypt_item(p, &r->items[i], env.capsules[i], op.signer, op.now, &cfs[i]);
	if (problem == CAPSA_PROBLEM_NONE && !fresh(r->time, op.now))
		problem = CAPSA_PROBLEM_STALE;
	if (problem != CAPSA_PROBLEM_NONE) {
		proxy_refuse(p, resp, problem, problem == CAPSA_PROBLEM_BAD_REQUEST ? why : NULL);
	} else {
		statement_hash(op.statement_hash, &env);
		capsa_log_submit(p->log, &op);
		if (!op_refused(p, resp, &op)) {
			reencrypt_answer(resp, r, cfs, &op);
			capsa_http_counter_add(p->srv, p->counter_reencryptions, r->num_items);
		}
	}
	capsa_log_op_clear(&op);
	proxy_envelope_free(&env);
	free(cfs);
	free(r);
}

/* The owner of a stored grant, read back from its statement. */
static capsa_status grant_owner(capsa_proxy *p, const uint8_t id[CAPSA_GRANT_ID_BYTES], capsa_recipient *owner)
{
	capsa_store_grant g;
	capsa_proxy_grant stmt;
	capsa_status st = proxy_grant_get(p, id, &g);

	if (st == CAPSA_OK && (st = capsa_proxy_grant_parse(&stmt, g.statement, strlen(g.statement))) == CAPSA_OK)
		*owner = stmt.owner;
	capsa_store_grant_clear(&g);
	return st;
}

void proxy_post_revoke(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	proxy_envelope env;
	capsa_proxy_revoke r;
	capsa_recipient owner;
	capsa_log_op op = {.type = CAPSA_LOG_REVOKE, .now = now(), .revoke = &r};
	capsa_proxy_problem problem = CAPSA_PROBLEM_NONE;
	const char *why = NULL;
	capsa_status st;
	char id[2 * CAPSA_GRANT_ID_BYTES + 1];

	if (!proxy_envelope_parse(&env, req->body, req->body_len, false, false, &why))
		problem = CAPSA_PROBLEM_BAD_REQUEST;
	else if (capsa_proxy_revoke_parse(&r, env.statement, env.statement_len) != CAPSA_OK)
		why = "the statement is not a revocation", problem = CAPSA_PROBLEM_BAD_REQUEST;
	else if (strcmp(r.proxy, p->party) != 0)
		problem = CAPSA_PROBLEM_WRONG_PROXY;
	else if ((st = grant_owner(p, r.grant_id, &owner)) != CAPSA_OK)
		problem = st == CAPSA_ERR_NO_MATCH ? CAPSA_PROBLEM_UNKNOWN_GRANT : CAPSA_PROBLEM_INTERNAL;
	else if (capsa_proxy_verify(env.signature, env.statement, env.statement_len, &owner) != CAPSA_OK)
		problem = CAPSA_PROBLEM_BAD_SIGNATURE;
	else if (!fresh(r.time, op.now))
		problem = CAPSA_PROBLEM_STALE;
	if (problem != CAPSA_PROBLEM_NONE) {
		proxy_refuse(p, resp, problem, problem == CAPSA_PROBLEM_BAD_REQUEST ? why : NULL);
	} else {
		capsa_party_id(op.signer, owner.ed25519_public);
		statement_hash(op.statement_hash, &env);
		capsa_log_submit(p->log, &op);
		if (!op_refused(p, resp, &op)) {
			grant_cache_drop(p->grants, r.grant_id); /* before the answer: the kfrag is gone */
			capsa_hex_encode(id, r.grant_id, sizeof r.grant_id);
			proxy_reply(resp, 200,
			            json_pack("{s:s, s:I, s:o}", "grant", id, "index", (json_int_t)op.results[0].index,
			                      "receipt", receipt_json(&op.results[0])));
			if (!op.existed)
				capsa_http_counter_add(p->srv, p->counter_revocations, 1);
		}
	}
	capsa_log_op_clear(&op);
	proxy_envelope_free(&env);
}
