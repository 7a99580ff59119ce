/*
 * The proxy's three signed requests (doc/PROTOCOL.md): grant, reencrypt and
 * revoke. Each handler checks what it can alone (statement, signature,
 * kfrag, capsules, and the cfrags' work), then hands the state change to the
 * log's writer, which re-checks it against the store, logs it and commits;
 * only then does the handler answer, with the receipts.
 */
#include <openssl/sha.h>
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

/* The checks of one item before any work (doc/PROTOCOL.md, "Re-encryption", 1 to 6), and its cfrag. */
static capsa_proxy_problem reencrypt_item(capsa_proxy *p, const capsa_proxy_item *it, const uint8_t *capsule,
                                          const char *requester, uint64_t t, capsa_cfrag_file *cf)
{
	capsa_store_grant g;
	capsa_kfrag_file kf;
	capsa_proxy_problem problem = CAPSA_PROBLEM_NONE;
	uint8_t h[32];
	capsa_status st = proxy_grant_get(p, it->grant_id, &g);

	if (st != CAPSA_OK)
		return st == CAPSA_ERR_NO_MATCH ? CAPSA_PROBLEM_UNKNOWN_GRANT : CAPSA_PROBLEM_INTERNAL;
	SHA256(capsule, CAPSA_UMBRAL_CAPSULE_BYTES, h);
	if (g.status == CAPSA_GRANT_REVOKED || !g.has_kfrag)
		problem = CAPSA_PROBLEM_REVOKED;
	else if (g.not_after != 0 && t > g.not_after)
		problem = CAPSA_PROBLEM_EXPIRED;
	else if (strcmp(g.recipient_party, requester) != 0)
		problem = CAPSA_PROBLEM_NOT_RECIPIENT;
	else if (g.max_uses != 0 && g.uses >= g.max_uses)
		problem = CAPSA_PROBLEM_USES_EXHAUSTED;
	else if (memcmp(h, it->capsule_hash, sizeof h) != 0 ||
	         memcmp(g.content_id, it->content_id, CAPSA_CONTENT_ID_BYTES) != 0)
		problem = CAPSA_PROBLEM_BAD_CAPSULE;
	else if (capsa_kfrag_file_parse(&kf, g.kfrag, sizeof g.kfrag) != CAPSA_OK)
		problem = CAPSA_PROBLEM_INTERNAL;
	else {
		st = capsa_grant_reencrypt_capsule(cf, &kf, capsule, CAPSA_UMBRAL_CAPSULE_BYTES, NULL);
		problem = st == CAPSA_OK ? CAPSA_PROBLEM_NONE : st == CAPSA_ERR_DECODE ? CAPSA_PROBLEM_BAD_CAPSULE
		                                                                       : CAPSA_PROBLEM_INTERNAL;
		capsa_kfrag_file_wipe(&kf);
	}
	capsa_store_grant_clear(&g);
	return problem;
}

static bool fresh(uint64_t statement_time, uint64_t t)
{
	uint64_t d = statement_time > t ? statement_time - t : t - statement_time;
	return d <= CAPSA_PROXY_CLOCK_SKEW;
}

static void reencrypt_answer(capsa_http_response *resp, const capsa_proxy_reencrypt *r, const capsa_cfrag_file *cfs,
                             const capsa_log_op *op)
{
	json_t *items = json_array();
	uint8_t bytes[CAPSA_CFRAG_FILE_BYTES];
	char id[2 * CAPSA_GRANT_ID_BYTES + 1];

	for (size_t i = 0; items != NULL && i < r->num_items; i++) {
		capsa_cfrag_file_serialize(bytes, &cfs[i]);
		capsa_hex_encode(id, r->items[i].grant_id, CAPSA_GRANT_ID_BYTES);
		json_array_append_new(items, json_pack("{s:s, s:o, s:I, s:o}", "grant", id, "cfrag",
		                                       capsa_json_b64(bytes, sizeof bytes), "index",
		                                       (json_int_t)op->results[i].index, "receipt",
		                                       receipt_json(&op->results[i])));
	}
	proxy_reply(resp, 200, json_pack("{s:o}", "items", items));
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
