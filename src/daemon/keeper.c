/* The keeper (keeper.h): its state directory, its environment and identity, its routes. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/attest.h>
#include <capsa/proxy.h>
#include <capsa/tlog.h>
#include <capsa/util.h>

#include "client/json_b64.h"
#include "daemon/envelope.h"
#include "daemon/keeper_internal.h"
#include "daemon/state_dir.h"


/* The log's name: "capsa.keeper/" and 16 characters of the party id. */
static capsa_status name_log(capsa_keeper *k)
{
	capsa_recipient me;
	capsa_note_verifier v;
	size_t len;

	capsa_identity_recipient(&me, &k->id);
	capsa_party_id(k->party, me.ed25519_public);
	snprintf(k->origin, sizeof k->origin, "capsa.keeper/%.16s", k->party);
	if (capsa_recipient_encode(k->recipient, sizeof k->recipient, &me) != CAPSA_OK ||
	    capsa_proxy_log_verifier(&v, k->origin, &me) != CAPSA_OK || capsa_note_vkey_encode(&k->vkey, &len, &v) != CAPSA_OK)
		return CAPSA_ERR_INTERNAL;
	return CAPSA_OK;
}

/* |serve|: make what is missing and take the lock; else only read the identity. */
static capsa_status keeper_open(capsa_keeper **out, const char *dir, keeper_tee_kind tee, const char *tcti, bool serve,
                                char *err, size_t err_len)
{
	capsa_keeper *k = calloc(1, sizeof *k);
	capsa_status st = CAPSA_OK;

	*out = NULL;
	if (k == NULL)
		return CAPSA_ERR_NOMEM;
	k->kind = tee;
	k->lock_fd = -1;
	if (serve && ((st = capsa_state_dir_make(dir, err, err_len)) != CAPSA_OK ||
	              (st = capsa_state_dir_lock(dir, "keeper", &k->lock_fd, err, err_len)) != CAPSA_OK)) {
		capsa_keeper_close(k);
		return st;
	}
	if ((st = keeper_tee_open(&k->tee, tee, dir, tcti, serve, &k->id, err, err_len)) != CAPSA_OK ||
	    (st = name_log(k)) != CAPSA_OK || (serve && (st = keeper_store_open(&k->db, dir, err, err_len)) != CAPSA_OK)) {
		capsa_keeper_close(k);
		return st;
	}
	*out = k;
	return CAPSA_OK;
}

capsa_status capsa_keeper_open(capsa_keeper **out, const char *dir, keeper_tee_kind tee, const char *tcti,
                               const char *store, char *err, size_t err_len)
{
	capsa_status st = keeper_open(out, dir, tee, tcti, true, err, err_len);

	if (st == CAPSA_OK && store != NULL && ((*out)->store_dir = strdup(store)) == NULL) {
		capsa_keeper_close(*out);
		*out = NULL;
		st = CAPSA_ERR_NOMEM;
	}
	return st;
}

capsa_status capsa_keeper_describe(capsa_keeper **out, const char *dir, keeper_tee_kind tee, const char *tcti,
                                   char *err, size_t err_len)
{
	return keeper_open(out, dir, tee, tcti, false, err, err_len);
}

void capsa_keeper_close(capsa_keeper *k)
{
	if (k == NULL)
		return;
	keeper_tee_close(k->tee);
	keeper_store_close(k->db);
	free(k->store_dir);
	capsa_identity_wipe(&k->id);
	if (k->lock_fd >= 0)
		close(k->lock_fd);
	free(k->vkey);
	free(k);
}

const char *capsa_keeper_recipient(const capsa_keeper *k)
{
	return k->recipient;
}

const char *capsa_keeper_log_key(const capsa_keeper *k)
{
	return k->vkey;
}

static void get_id(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_keeper *k = arg;
	char measurement[65];

	(void)req;
	capsa_hex_encode(measurement, keeper_tee_measurement(k->tee), 32);
	proxy_reply(resp, 200,
	      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "recipient", k->recipient, "party", k->party, "origin",
	                k->origin, "log_key", k->vkey, "tee", keeper_tee_name(k->kind), "program", measurement,
	                "simulated", k->kind == KEEPER_TEE_SIM));
}

/* The nonce of "nonce=HEX" (1 to 64 bytes), the only query argument. */
static bool query_nonce(uint8_t nonce[CAPSA_EVIDENCE_MAX_NONCE], size_t *len, const char *query)
{
	const char *hex = strncmp(query, "nonce=", 6) == 0 ? query + 6 : NULL;
	size_t n = hex != NULL ? strlen(hex) : 0;

	return hex != NULL && n >= 2 && n <= 2 * CAPSA_EVIDENCE_MAX_NONCE && strchr(hex, '&') == NULL &&
	       capsa_hex_decode(nonce, CAPSA_EVIDENCE_MAX_NONCE, len, hex) && *len > 0;
}

/* GET /v1/attestation?nonce=HEX: evidence that binds the keeper's recipient string to the nonce. */
static void get_attestation(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_keeper *k = arg;
	uint8_t nonce[CAPSA_EVIDENCE_MAX_NONCE], *ev = NULL;
	size_t nonce_len = 0, ev_len = 0;

	if (!query_nonce(nonce, &nonce_len, req->query)) {
		capsa_http_problem(resp, 400, "urn:capsa:problem:bad-request", "the request is malformed",
		                   "want ?nonce=HEX, 1 to 64 bytes");
		return;
	}
	if (keeper_tee_evidence(k->tee, (const uint8_t *)k->recipient, strlen(k->recipient), nonce, nonce_len, &ev,
	                        &ev_len) != CAPSA_OK) {
		capsa_http_problem(resp, 503, "urn:capsa:problem:unavailable", "the service is unavailable",
		                   "the trusted environment made no evidence");
		return;
	}
	proxy_reply(resp, 200,
	      json_pack("{s:s, s:b, s:s, s:o}", "tee", keeper_tee_name(k->kind), "simulated", k->kind == KEEPER_TEE_SIM,
	                "recipient", k->recipient, "evidence", capsa_json_b64(ev, ev_len)));
	free(ev);
}

capsa_status capsa_keeper_register(capsa_keeper *k, capsa_http_server *srv)
{
	capsa_status st;

	const char *json = "application/json";

	k->srv = srv;
	if ((st = capsa_http_route(srv, "GET", "/v1/id", NULL, get_id, k)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "GET", "/v1/attestation", NULL, get_attestation, k)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/grants", json, keeper_post_grant, k)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/access", json, keeper_post_access, k)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/fetch", json, keeper_post_fetch, k)) != CAPSA_OK)
		return st;
	return CAPSA_OK;
}
