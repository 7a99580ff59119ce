/*
 * tests/test_proxy_daemon.c - the proxy daemon (src/daemon/proxy*.c) in
 * process, three of them on 127.0.0.1, spoken to over HTTP with requests the
 * library builds: a real file sealed with an owner, its 2-of-3 grant with
 * each kfrag wrapped to one proxy, re-encryption by the recipient into cfrags
 * that open the file, every refusal with its status and problem type, the
 * receipts, the log read back through the tile reader, and a restart on the
 * same state directory.
 */
/* capsa-test: net */
#include "check.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/file.h>
#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>
#include <capsa/tlog.h>
#include <capsa/util.h>

#include "client/http_client.h"
#include "daemon/http.h"
#include "daemon/proxy.h"

enum { OWNER, ALICE, STRANGER, NUM_IDS };
static capsa_identity ids[NUM_IDS];
static capsa_recipient recs[NUM_IDS];
static char parties[NUM_IDS][CAPSA_PARTY_ID_HEXLEN + 1];


static uint8_t plaintext[3000];
static check_buf sealed;
static capsa_kfrag_file kfs[3];
static uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
static uint8_t capsule[CAPSA_UMBRAL_CAPSULE_BYTES];
static capsa_umbral_stanza stanza;

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

/* ---- The proxies ----------------------------------------------------------------- */

#define MAX_RECEIPTS 64

typedef struct node {
	char dir[64];
	capsa_proxy *p;
	capsa_http_server *srv;
	char url[64];
	capsa_recipient key;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	capsa_note_verifier vkey;
	char *receipts[MAX_RECEIPTS]; /* every receipt this proxy gave */
	size_t num_receipts;
} node;

static node nodes[3];

typedef struct reply {
	long status;
	char type[128];
	json_t *json;
	char problem[64];
	uint8_t *raw;
	size_t raw_len;
} reply;

static void reply_clear(reply *r)
{
	json_decref(r->json);
	free(r->raw);
	memset(r, 0, sizeof *r);
}

static void reply_take(reply *r, capsa_http_call *c)
{
	const char *type;

	memset(r, 0, sizeof *r);
	r->status = c->outcome == CAPSA_HTTP_DONE ? c->status : 0;
	snprintf(r->type, sizeof r->type, "%s", c->response_type);
	r->raw = c->response;
	r->raw_len = c->response_len;
	c->response = NULL;
	if (r->raw != NULL && strncmp(r->type, "application/", 12) == 0)
		r->json = json_loadb((const char *)r->raw, r->raw_len, 0, NULL);
	type = json_string_value(json_object_get(r->json, "type"));
	if (type != NULL && strncmp(type, "urn:capsa:problem:", 18) == 0)
		snprintf(r->problem, sizeof r->problem, "%s", type + 18);
	capsa_http_call_clear(c);
}

static void request(reply *r, const node *n, const char *path, const char *body, const char *ctype)
{
	char url[256];
	capsa_http_call c = {0};

	snprintf(url, sizeof url, "%s%s", n->url, path);
	c.url = url;
	if (body != NULL) {
		c.body = (const uint8_t *)body;
		c.body_len = strlen(body);
		c.content_type = ctype != NULL ? ctype : "application/json";
	}
	CHECK_OK(capsa_http_parallel(&c, 1, NULL));
	reply_take(r, &c);
}

/* The answer to POST |path| |body| (taken: freed) is |status| with problem |problem| ("" for none). */
static bool expect(reply *r, const node *n, const char *path, char *body, long status, const char *problem,
                   const char *what)
{
	request(r, n, path, body, NULL);
	free(body);
	bool ok = r->status == status && strcmp(r->problem, problem) == 0 &&
	          (problem[0] == '\0' || strcmp(r->type, "application/problem+json") == 0);
	check_context("%s", what);
	CHECK(ok);
	check_context("%s", "");
	if (!ok)
		fprintf(stderr, "  %s: got %ld %s, want %ld %s\n", what, r->status, r->problem, status, problem);
	return ok;
}

static void node_start(node *n)
{
	capsa_http_config cfg;
	char err[512] = "";
	reply r;

	CHECK_OK(capsa_proxy_open(&n->p, n->dir, NULL, err, sizeof err));
	capsa_http_config_default(&cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.access_log = false;
	cfg.grace_ms = 2000;
	CHECK_OK(capsa_http_server_new(&n->srv, &cfg, err, sizeof err));
	CHECK_OK(capsa_proxy_register(n->p, n->srv));
	CHECK_OK(capsa_http_server_start(n->srv, err, sizeof err));
	snprintf(n->url, sizeof n->url, "http://127.0.0.1:%u", capsa_http_server_port(n->srv));

	request(&r, n, "/v1/id", NULL, NULL);
	CHECK(r.status == 200);
	const char *rec = json_string_value(json_object_get(r.json, "recipient"));
	const char *party = json_string_value(json_object_get(r.json, "party"));
	const char *origin = json_string_value(json_object_get(r.json, "origin"));
	const char *vkey = json_string_value(json_object_get(r.json, "log_key"));
	char want_party[CAPSA_PARTY_ID_HEXLEN + 1], want_origin[29];
	CHECK(rec != NULL && party != NULL && origin != NULL && vkey != NULL);
	if (rec == NULL || party == NULL || origin == NULL || vkey == NULL)
		abort(); /* nothing below can run */
	CHECK_OK(capsa_recipient_decode(&n->key, rec, strlen(rec)));
	CHECK(n->key.has_ed25519);
	capsa_party_id(want_party, n->key.ed25519_public);
	capsa_proxy_log_origin(want_origin, n->key.ed25519_public);
	CHECK(strcmp(party, want_party) == 0);
	CHECK(strcmp(origin, want_origin) == 0);
	memcpy(n->party, party, sizeof n->party);
	CHECK_OK(capsa_note_vkey_parse(&n->vkey, vkey, strlen(vkey)));
	CHECK(strcmp(n->vkey.name, origin) == 0);
	reply_clear(&r);
}

static void node_stop(node *n)
{
	capsa_http_server_free(n->srv);
	capsa_proxy_close(n->p);
	n->srv = NULL;
	n->p = NULL;
}

/* ---- Requests, built with the library --------------------------------------------- */

static json_t *b64(const uint8_t *data, size_t len)
{
	char *s = malloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	json_t *j = json_string(s);
	free(s);
	return j;
}

static bool unb64(uint8_t *out, size_t want, const char *s)
{
	size_t len = s != NULL ? strlen(s) : 0;
	uint8_t *tmp = malloc(len + 3);
	bool ok = len == 4 * ((want + 2) / 3) && EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len) >= (int)want;
	if (ok)
		memcpy(out, tmp, want);
	free(tmp);
	return ok;
}

/* {"statement", "signature"[, key: value]}, signed by |signer| (a fresh string; value taken). */
static char *envelope(const char *text, size_t len, int signer, const char *key, json_t *value)
{
	uint8_t sig[CAPSA_PROXY_SIG_BYTES];

	CHECK_OK(capsa_proxy_sign(sig, text, len, &ids[signer]));
	json_t *o = json_pack("{s:s%, s:o}", "statement", text, len, "signature", b64(sig, sizeof sig));
	if (key != NULL)
		json_object_set_new(o, key, value);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

typedef struct grant_spec {
	const uint8_t *id;
	int index;            /* 1..3: kfs[index - 1] */
	uint64_t not_after, max_uses;
	int signer;
	const node *wrap_to;  /* NULL: the proxy it is for */
	int kfrag;            /* 0: the index's; else which kfrag (1..3) travels */
	size_t kfrag_len;     /* 0: the whole wrapped kfrag; else only its first bytes travel (and are hashed) */
	const capsa_kfrag_file *share; /* NULL: from kfs as above; else this one travels */
} grant_spec;

/* A grant request for |n|; |*statement| (may be NULL) gets the statement text. */
static char *grant_body(const node *n, const grant_spec *s, char **statement)
{
	capsa_proxy_grant g = {.threshold = 2, .shares = 3, .index = (uint8_t)s->index, .not_after = s->not_after,
	                       .max_uses = s->max_uses, .time = now()};
	uint8_t wrapped[CAPSA_PROXY_KFRAG_WRAP_BYTES];
	char *text;
	size_t len;

	memcpy(g.proxy, n->party, sizeof g.proxy);
	memcpy(g.grant_id, s->id, sizeof g.grant_id);
	memcpy(g.content_id, content_id, sizeof g.content_id);
	g.owner = recs[OWNER];
	g.recipient = recs[ALICE];
	CHECK_OK(capsa_proxy_kfrag_wrap(wrapped, s->share ? s->share : &kfs[(s->kfrag ? s->kfrag : s->index) - 1],
	                                s->wrap_to ? &s->wrap_to->key : &n->key, g.grant_id, g.content_id));
	size_t wrapped_len = s->kfrag_len ? s->kfrag_len : sizeof wrapped;
	SHA256(wrapped, wrapped_len, g.kfrag_hash);
	CHECK_OK(capsa_proxy_grant_format(&text, &len, &g));
	char *body = envelope(text, len, s->signer, "kfrag", b64(wrapped, wrapped_len));
	if (statement != NULL)
		*statement = text;
	else
		free(text);
	return body;
}

/* A re-encryption request to |n| by |who| at |t| for the grants |gids|; |nonce| NULL draws one. */
static char *reencrypt_body(const node *n, int who, uint64_t t, const uint8_t (*gids)[CAPSA_GRANT_ID_BYTES], size_t num,
                            const uint8_t *nonce, char **statement)
{
	static capsa_proxy_reencrypt r;
	json_t *caps = json_array();
	char *text;
	size_t len;

	memset(&r, 0, sizeof r);
	memcpy(r.proxy, n->party, sizeof r.proxy);
	r.requester = recs[who];
	r.time = t;
	if (nonce != NULL)
		memcpy(r.nonce, nonce, sizeof r.nonce);
	else
		CHECK_OK(capsa_random(r.nonce, sizeof r.nonce));
	r.num_items = num;
	for (size_t i = 0; i < num; i++) {
		memcpy(r.items[i].grant_id, gids[i], CAPSA_GRANT_ID_BYTES);
		memcpy(r.items[i].content_id, content_id, CAPSA_CONTENT_ID_BYTES);
		SHA256(capsule, sizeof capsule, r.items[i].capsule_hash);
		json_array_append_new(caps, b64(capsule, sizeof capsule));
	}
	CHECK_OK(capsa_proxy_reencrypt_format(&text, &len, &r));
	char *body = envelope(text, len, who, "capsules", caps);
	if (statement != NULL)
		*statement = text;
	else
		free(text);
	return body;
}

static char *revoke_body(const node *n, int who, const uint8_t id[CAPSA_GRANT_ID_BYTES], uint64_t t, char **statement)
{
	capsa_proxy_revoke r = {.time = t};
	char *text;
	size_t len;

	memcpy(r.proxy, n->party, sizeof r.proxy);
	memcpy(r.grant_id, id, sizeof r.grant_id);
	CHECK_OK(capsa_random(r.nonce, sizeof r.nonce));
	CHECK_OK(capsa_proxy_revoke_format(&text, &len, &r));
	char *body = envelope(text, len, who, NULL, NULL);
	if (statement != NULL)
		*statement = text;
	else
		free(text);
	return body;
}

/*
 * |receipt| verifies with |n|'s key (and not with another proxy's), is the
 * entry |index|, of event |type| for grant |id|, naming |party| as it should
 * and the hash of |statement|. It is kept for the log checks.
 */
static void check_receipt(node *n, const json_t *receipt, capsa_proxy_event_type type, const uint8_t *id,
                          const char *statement, int64_t index)
{
	const char *text = json_string_value(receipt);
	capsa_proxy_event e;
	capsa_checkpoint cp = {0};
	uint64_t at = 0;
	uint8_t h[32];

	CHECK(text != NULL);
	if (text == NULL)
		return;
	CHECK_OK(capsa_proxy_receipt_verify(&e, &cp, &at, text, strlen(text), &n->key));
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, text, strlen(text),
	                                        &nodes[n == &nodes[0] ? 1 : 0].key),
	             CAPSA_ERR_SIGNATURE);
	CHECK_OK(capsa_proxy_receipt_verify(&e, NULL, NULL, text, strlen(text), &n->key));
	CHECK(e.type == type);
	CHECK(memcmp(e.grant_id, id, CAPSA_GRANT_ID_BYTES) == 0);
	CHECK(memcmp(e.content_id, content_id, CAPSA_CONTENT_ID_BYTES) == 0);
	CHECK((int64_t)at == index && at < cp.size);
	SHA256((const uint8_t *)statement, strlen(statement), h);
	CHECK(memcmp(e.statement_hash, h, 32) == 0);
	if (type == CAPSA_EVENT_GRANT)
		CHECK(strcmp(e.owner, parties[OWNER]) == 0 && strcmp(e.party, parties[ALICE]) == 0);
	else if (type == CAPSA_EVENT_REENCRYPT)
		CHECK(e.owner[0] == '\0' && strcmp(e.party, parties[ALICE]) == 0);
	else
		CHECK(strcmp(e.owner, parties[OWNER]) == 0 && e.party[0] == '\0');
	CHECK(e.time + 60 >= now() && e.time <= now() + 60);
	capsa_checkpoint_free(&cp);
	if (n->num_receipts < MAX_RECEIPTS)
		n->receipts[n->num_receipts++] = strdup(text);
}

static int64_t json_int(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static const char *json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

/* ---- Setup ------------------------------------------------------------------------ */

static void setup(void)
{
	capsa_route_key route = {CAPSA_UMBRAL_STANZA_TYPE, &ids[OWNER]};
	capsa_seal_opts o = {.threads = 1, .plaintext_len = sizeof plaintext, .routes = &route, .num_routes = 1};
	capsa_seal *s = NULL;

	for (int i = 0; i < NUM_IDS; i++) {
		CHECK_OK(capsa_identity_generate(&ids[i]));
		capsa_identity_recipient(&recs[i], &ids[i]);
		capsa_party_id(parties[i], ids[i].ed25519_public);
	}
	CHECK_OK(capsa_random(plaintext, sizeof plaintext));
	CHECK_OK(capsa_seal_new(&s, &o, check_buf_sink, &sealed));
	CHECK_OK(capsa_seal_write(s, plaintext, sizeof plaintext));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	CHECK_OK(capsa_grant_create(kfs, &ids[OWNER], &recs[ALICE], 2, 3, sealed.data, sealed.len, NULL));
	memcpy(content_id, kfs[0].content_id, sizeof content_id);
	CHECK_OK(capsa_umbral_stanza_find(&stanza, sealed.data, sealed.len));
	capsa_umbral_capsule_to_bytes(capsule, &stanza.capsule);
	for (int i = 0; i < 3; i++) {
		snprintf(nodes[i].dir, sizeof nodes[i].dir, "/tmp/capsa-pd-XXXXXX");
		CHECK(mkdtemp(nodes[i].dir) != NULL);
		node_start(&nodes[i]);
	}
	CHECK(strcmp(nodes[0].party, nodes[1].party) != 0);
}

static void grant_id(uint8_t out[CAPSA_GRANT_ID_BYTES])
{
	CHECK_OK(capsa_random(out, CAPSA_GRANT_ID_BYTES));
}

/* ---- Grants ----------------------------------------------------------------------- */

static uint8_t g1[CAPSA_GRANT_ID_BYTES]; /* 2 of 3 on all three proxies */
static int64_t g1_index[3];

static void test_grants(void)
{
	reply r;
	char *stmt;
	grant_spec s = {.id = g1, .signer = OWNER};

	grant_id(g1);
	for (int i = 0; i < 3; i++) {
		s.index = i + 1;
		if (expect(&r, &nodes[i], "/v1/grants", grant_body(&nodes[i], &s, &stmt), 201, "", "a new grant")) {
			char hex[33];
			capsa_hex_encode(hex, g1, sizeof g1);
			CHECK(strcmp(json_str(r.json, "grant"), hex) == 0);
			g1_index[i] = json_int(r.json, "index");
			check_receipt(&nodes[i], json_object_get(r.json, "receipt"), CAPSA_EVENT_GRANT, g1, stmt,
			              g1_index[i]);
		}
		reply_clear(&r);
		free(stmt);
	}
	CHECK(g1_index[0] == 0);

	/* a fresh wrap of the same kfrag is another statement (the kfrag hash differs) */
	s.index = 1;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 409, "conflict",
	       "the same grant id, a fresh kfrag wrap");
	reply_clear(&r);
}

/* Posting the exact same bytes twice is idempotent. */
static void test_grant_idempotent(void)
{
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	grant_spec s = {.id = id, .index = 1, .signer = OWNER};
	reply r;
	char *stmt, *body;
	int64_t first;

	grant_id(id);
	body = grant_body(&nodes[0], &s, &stmt);
	expect(&r, &nodes[0], "/v1/grants", strdup(body), 201, "", "a grant");
	first = json_int(r.json, "index");
	reply_clear(&r);
	if (expect(&r, &nodes[0], "/v1/grants", strdup(body), 200, "", "the same grant again")) {
		CHECK(json_int(r.json, "index") == first);
		check_receipt(&nodes[0], json_object_get(r.json, "receipt"), CAPSA_EVENT_GRANT, id, stmt, first);
	}
	reply_clear(&r);
	free(body);
	free(stmt);

	/* another statement (another use limit) under the same id */
	s.max_uses = 7;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 409, "conflict",
	       "another statement, the same grant id");
	reply_clear(&r);
}

static void test_grant_refusals(void)
{
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	grant_spec s = {.id = id, .index = 1, .signer = OWNER};
	reply r;

	grant_id(id);
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[1], &s, NULL), 421, "wrong-proxy",
	       "a grant for another proxy");
	reply_clear(&r);
	s.signer = STRANGER;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 401, "bad-signature",
	       "a grant signed by a stranger");
	reply_clear(&r);
	s.signer = OWNER;
	{
		/* the owner's signature, one bit changed */
		char *body = grant_body(&nodes[0], &s, NULL);
		json_t *o = json_loads(body, 0, NULL);
		uint8_t sig[CAPSA_PROXY_SIG_BYTES];
		CHECK(unb64(sig, sizeof sig, json_str(o, "signature")));
		sig[10] ^= 1;
		json_object_set_new(o, "signature", b64(sig, sizeof sig));
		free(body);
		body = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		expect(&r, &nodes[0], "/v1/grants", body, 401, "bad-signature", "a damaged signature");
		reply_clear(&r);
	}
	s.wrap_to = &nodes[1];
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 422, "bad-kfrag",
	       "a kfrag wrapped to another proxy");
	reply_clear(&r);
	s.wrap_to = NULL;
	s.kfrag = 2;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 422, "bad-kfrag",
	       "index 1 carrying kfrag 2");
	reply_clear(&r);
	s.kfrag = 0;
	s.kfrag_len = CAPSA_PROXY_KFRAG_WRAP_BYTES - 1;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 422, "bad-kfrag",
	       "a signed grant whose wrapped kfrag is 487 bytes");
	reply_clear(&r);
	s.kfrag_len = 0;
	expect(&r, &nodes[0], "/v1/grants", strdup("{\"statement\": "), 400, "bad-request", "garbage JSON");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/grants", strdup("[1, 2]"), 400, "bad-request", "a JSON array");
	reply_clear(&r);
	{
		char *body = envelope("hello\n", 6, OWNER, "kfrag", json_string("AAAA"));
		expect(&r, &nodes[0], "/v1/grants", body, 400, "bad-request", "a statement that is none, a short kfrag");
		reply_clear(&r);
		uint8_t zero[CAPSA_PROXY_KFRAG_WRAP_BYTES] = {0};
		body = envelope("hello\n", 6, OWNER, "kfrag", b64(zero, sizeof zero));
		expect(&r, &nodes[0], "/v1/grants", body, 400, "bad-request", "a statement that is none");
		reply_clear(&r);
	}
	request(&r, &nodes[0], "/v1/grants", "{}", "text/plain");
	CHECK(r.status == 415 && strcmp(r.problem, "unsupported-media-type") == 0);
	reply_clear(&r);
	/* nothing refused was kept */
	char path[64], hex[33];
	capsa_hex_encode(hex, id, sizeof id);
	snprintf(path, sizeof path, "/v1/grants/%s", hex);
	request(&r, &nodes[0], path, NULL, NULL);
	CHECK(r.status == 404 && strcmp(r.problem, "unknown-grant") == 0);
	reply_clear(&r);
	request(&r, &nodes[0], "/v1/grants/xyz", NULL, NULL);
	CHECK(r.status == 400 && strcmp(r.problem, "bad-request") == 0);
	reply_clear(&r);
}

/* ---- Re-encryption ---------------------------------------------------------------- */

/* Re-encrypts g1 on proxy |i|: the cfrag (verified) into |cf|. */
static bool reencrypt_g1(int i, capsa_cfrag_file *cf)
{
	reply r;
	char *stmt;
	bool ok = false;

	if (expect(&r, &nodes[i], "/v1/reencrypt", reencrypt_body(&nodes[i], ALICE, now(), &g1, 1, NULL, &stmt), 200,
	           "", "re-encryption by the recipient")) {
		json_t *items = json_object_get(r.json, "items"), *it = json_array_get(items, 0);
		uint8_t bytes[CAPSA_CFRAG_FILE_BYTES];
		capsa_grant_report rep;
		char hex[33];
		capsa_hex_encode(hex, g1, sizeof g1);
		CHECK(json_array_size(items) == 1);
		CHECK(strcmp(json_str(it, "grant"), hex) == 0);
		CHECK(unb64(bytes, sizeof bytes, json_str(it, "cfrag")));
		CHECK_OK(capsa_cfrag_file_parse(cf, bytes, sizeof bytes));
		CHECK_OK(capsa_grant_verify_cfrag(cf, &stanza, &rep));
		check_receipt(&nodes[i], json_object_get(it, "receipt"), CAPSA_EVENT_REENCRYPT, g1, stmt,
		              json_int(it, "index"));
		ok = true;
	}
	reply_clear(&r);
	free(stmt);
	return ok;
}

static bool open_with(const capsa_cfrag_file *a, const capsa_cfrag_file *b)
{
	capsa_cfrag_file two[2] = {*a, *b};
	capsa_grant_report rep;
	capsa_umbral_route route = {two, 2, &rep};
	capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
	capsa_unlock u = {.identities = &ids[ALICE], .num_identities = 1, .route_keys = &rk, .num_route_keys = 1};
	capsa_open *op = NULL;
	check_buf out = {0};
	bool ok = capsa_open_new(&op, &u, 1, check_buf_sink, &out) == CAPSA_OK &&
	          capsa_open_write(op, sealed.data, sealed.len) == CAPSA_OK && capsa_open_finish(op) == CAPSA_OK &&
	          out.len == sizeof plaintext && memcmp(out.data, plaintext, sizeof plaintext) == 0;
	capsa_open_free(op);
	free(out.data);
	return ok;
}

static void test_reencrypt(void)
{
	capsa_cfrag_file cf[3];
	bool got[3];

	for (int i = 0; i < 3; i++)
		got[i] = reencrypt_g1(i, &cf[i]);
	if (got[0] && got[1] && got[2]) {
		CHECK(open_with(&cf[0], &cf[1]));
		CHECK(open_with(&cf[1], &cf[2]));
		CHECK(open_with(&cf[2], &cf[0]));
	}
	/* one cfrag is not enough */
	if (got[0])
		CHECK(!open_with(&cf[0], &cf[0]));
}

static void test_reencrypt_refusals(void)
{
	reply r;
	uint8_t nonce[CAPSA_PROXY_NONCE_BYTES];
	char *body;

	CHECK_OK(capsa_random(nonce, sizeof nonce));
	body = reencrypt_body(&nodes[1], ALICE, now(), &g1, 1, nonce, NULL);
	expect(&r, &nodes[1], "/v1/reencrypt", strdup(body), 200, "", "a re-encryption");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt", body, 409, "replay", "the same request again");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[1], STRANGER, now(), &g1, 1, NULL, NULL), 403,
	       "not-recipient", "a stranger asks");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[1], ALICE, now() - 1000, &g1, 1, NULL, NULL), 400,
	       "stale", "1000 s in the past");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[1], ALICE, now() + 1000, &g1, 1, NULL, NULL), 400,
	       "stale", "1000 s in the future");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), &g1, 1, NULL, NULL), 421,
	       "wrong-proxy", "a request for another proxy");
	reply_clear(&r);
	{
		uint8_t unknown[1][CAPSA_GRANT_ID_BYTES];
		grant_id(unknown[0]);
		expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[1], ALICE, now(), unknown, 1, NULL, NULL), 404,
		       "unknown-grant", "an unknown grant");
		reply_clear(&r);
	}
	{
		/* all or nothing: g1 then an unknown grant changes nothing */
		uint8_t two[2][CAPSA_GRANT_ID_BYTES];
		char path[64], hex[33];
		int64_t uses;
		memcpy(two[0], g1, sizeof g1);
		grant_id(two[1]);
		capsa_hex_encode(hex, g1, sizeof g1);
		snprintf(path, sizeof path, "/v1/grants/%s", hex);
		request(&r, &nodes[1], path, NULL, NULL);
		uses = json_int(r.json, "uses");
		reply_clear(&r);
		expect(&r, &nodes[1], "/v1/reencrypt", reencrypt_body(&nodes[1], ALICE, now(), two, 2, NULL, NULL), 404,
		       "unknown-grant", "a known and an unknown grant");
		reply_clear(&r);
		request(&r, &nodes[1], path, NULL, NULL);
		CHECK(uses >= 2 && json_int(r.json, "uses") == uses);
		reply_clear(&r);
	}
	{
		/* a capsule that is not the one the item hashes */
		char *b = reencrypt_body(&nodes[1], ALICE, now(), &g1, 1, NULL, NULL);
		json_t *o = json_loads(b, 0, NULL);
		uint8_t other[CAPSA_UMBRAL_CAPSULE_BYTES];
		memcpy(other, capsule, sizeof other);
		other[50] ^= 1;
		json_array_set_new(json_object_get(o, "capsules"), 0, b64(other, sizeof other));
		free(b);
		b = json_dumps(o, JSON_COMPACT);
		json_decref(o);
		expect(&r, &nodes[1], "/v1/reencrypt", b, 422, "bad-capsule", "a capsule that is not the item's");
		reply_clear(&r);
	}
	expect(&r, &nodes[1], "/v1/reencrypt", strdup("{\"statement\": 1}"), 400, "bad-request", "garbage");
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/reencrypt",
	       envelope("hello\n", 6, ALICE, "capsules", json_pack("[o]", b64(capsule, sizeof capsule))), 400,
	       "bad-request", "a statement that is none");
	CHECK(strcmp(json_str(r.json, "detail"), "the statement is not a re-encryption request") == 0);
	reply_clear(&r);
	expect(&r, &nodes[1], "/v1/revoke", envelope("hello\n", 6, OWNER, NULL, NULL), 400, "bad-request",
	       "a revocation that is none");
	CHECK(strcmp(json_str(r.json, "detail"), "the statement is not a revocation") == 0);
	reply_clear(&r);
}

/* max-uses, expiry, and many at once racing for the last uses. */
static void test_limits(void)
{
	uint8_t ids2[3][CAPSA_GRANT_ID_BYTES];
	grant_spec s = {.index = 1, .signer = OWNER};
	reply r;
	char path[64], hex[33];

	for (int i = 0; i < 3; i++)
		grant_id(ids2[i]);
	s.id = ids2[0];
	s.max_uses = 1;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 201, "", "a grant of one use");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), &ids2[0], 1, NULL, NULL), 200, "",
	       "its one use");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), &ids2[0], 1, NULL, NULL), 403,
	       "uses-exhausted", "a second use");
	reply_clear(&r);
	capsa_hex_encode(hex, ids2[0], CAPSA_GRANT_ID_BYTES);
	snprintf(path, sizeof path, "/v1/grants/%s", hex);
	request(&r, &nodes[0], path, NULL, NULL);
	CHECK(r.status == 200);
	CHECK(strcmp(json_str(r.json, "grant"), hex) == 0 && strcmp(json_str(r.json, "status"), "active") == 0);
	CHECK(json_int(r.json, "uses") == 1 && json_int(r.json, "max_uses") == 1 && json_int(r.json, "not_after") == 0);
	CHECK(json_int(r.json, "threshold") == 2 && json_int(r.json, "shares") == 3 && json_int(r.json, "index") == 1);
	CHECK(strcmp(json_str(r.json, "owner"), parties[OWNER]) == 0);
	CHECK(strcmp(json_str(r.json, "recipient"), parties[ALICE]) == 0);
	CHECK(json_int(r.json, "grant_entry") >= 0 && json_object_get(r.json, "revoke_entry") == NULL);
	CHECK(json_object_get(r.json, "kfrag") == NULL);
	{
		char content[33];
		capsa_hex_encode(content, content_id, sizeof content_id);
		CHECK(strcmp(json_str(r.json, "content"), content) == 0);
	}
	reply_clear(&r);

	s.id = ids2[1];
	s.max_uses = 0;
	s.not_after = now() - 5;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 201, "", "a grant already expired");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), &ids2[1], 1, NULL, NULL), 403,
	       "expired", "an expired grant");
	reply_clear(&r);
	capsa_hex_encode(hex, ids2[1], CAPSA_GRANT_ID_BYTES);
	snprintf(path, sizeof path, "/v1/grants/%s", hex);
	request(&r, &nodes[0], path, NULL, NULL);
	CHECK(r.status == 200 && strcmp(json_str(r.json, "status"), "expired") == 0);
	reply_clear(&r);

	/* 8 requests at once for a grant of 3 uses: exactly 3 served */
	s.id = ids2[2];
	s.not_after = 0;
	s.max_uses = 3;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 201, "", "a grant of three uses");
	reply_clear(&r);
	{
		capsa_http_call calls[8] = {{0}};
		char *bodies[8], url[128];
		int served = 0, exhausted = 0;
		snprintf(url, sizeof url, "%s/v1/reencrypt", nodes[0].url);
		for (int i = 0; i < 8; i++) {
			bodies[i] = reencrypt_body(&nodes[0], ALICE, now(), &ids2[2], 1, NULL, NULL);
			calls[i].url = url;
			calls[i].body = (const uint8_t *)bodies[i];
			calls[i].body_len = strlen(bodies[i]);
			calls[i].content_type = "application/json";
		}
		CHECK_OK(capsa_http_parallel(calls, 8, NULL));
		for (int i = 0; i < 8; i++) {
			reply_take(&r, &calls[i]);
			served += r.status == 200;
			exhausted += r.status == 403 && strcmp(r.problem, "uses-exhausted") == 0;
			reply_clear(&r);
			free(bodies[i]);
		}
		CHECK(served == 3 && exhausted == 5);
	}

	/*
	 * One use asked twice in one request: the handler's checks pass, the log's
	 * writer appends the first item and refuses the second, so it undoes the
	 * first. Nothing is counted, and what follows is logged as if it never was
	 * (test_log_and_restart reads the whole log back against its checkpoint).
	 */
	uint8_t twice[2][CAPSA_GRANT_ID_BYTES];
	grant_id(twice[0]);
	memcpy(twice[1], twice[0], sizeof twice[1]);
	s.id = twice[0];
	s.max_uses = 1;
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 201, "", "another grant of one use");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), twice, 2, NULL, NULL), 403,
	       "uses-exhausted", "its one use asked twice at once");
	reply_clear(&r);
	{
		char *stmt = NULL;
		if (expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), twice, 1, NULL, &stmt),
		           200, "", "its one use, then")) {
			json_t *it = json_array_get(json_object_get(r.json, "items"), 0);
			check_receipt(&nodes[0], json_object_get(it, "receipt"), CAPSA_EVENT_REENCRYPT, twice[0], stmt,
			              json_int(it, "index"));
		}
		reply_clear(&r);
		free(stmt);
	}
}

/* ---- Revocation ------------------------------------------------------------------- */

/* Whether DIR/NAME holds the |n| bytes at |what| anywhere (a missing file holds nothing). */
static bool file_holds(const node *n, const char *name, const uint8_t *what, size_t len)
{
	char path[512];
	uint8_t *data = NULL;
	size_t size = 0;
	bool found = false;

	snprintf(path, sizeof path, "%s/%s", n->dir, name);
	if (capsa_file_read(&data, &size, path, 64 << 20) != CAPSA_OK)
		return false;
	for (size_t i = 0; !found && i + len <= size; i++)
		found = memcmp(data + i, what, len) == 0;
	free(data);
	return found;
}

/* Whether node 0 keeps the secret share of |kf| (its rk) in its database or WAL. */
static bool keeps_share(const capsa_kfrag_file *kf)
{
	return file_holds(&nodes[0], "proxy.db", kf->kfrag.rk, 32) ||
	       file_holds(&nodes[0], "proxy.db-wal", kf->kfrag.rk, 32);
}

/* A revoked kfrag is gone from the proxy's files, not only from its answers. */
static void test_revoke_erases(void)
{
	capsa_kfrag_file fresh[3];
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	grant_spec s = {.id = id, .index = 1, .signer = OWNER, .share = &fresh[0]};
	reply r;

	CHECK_OK(capsa_grant_create(fresh, &ids[OWNER], &recs[ALICE], 2, 3, sealed.data, sealed.len, NULL));
	grant_id(id);
	expect(&r, &nodes[0], "/v1/grants", grant_body(&nodes[0], &s, NULL), 201, "", "a grant of a share only it uses");
	reply_clear(&r);
	CHECK(keeps_share(&fresh[0])); /* so that the check below can fail */
	expect(&r, &nodes[0], "/v1/revoke", revoke_body(&nodes[0], OWNER, id, now(), NULL), 200, "", "its revocation");
	reply_clear(&r);
	CHECK(!keeps_share(&fresh[0])); /* secure_delete in the database, and the WAL checkpointed away */
	for (int i = 0; i < 3; i++)
		capsa_kfrag_file_wipe(&fresh[i]);
}

static void test_revoke(void)
{
	reply r;
	char *stmt, path[64], hex[33];
	int64_t index = -1;

	expect(&r, &nodes[0], "/v1/revoke", revoke_body(&nodes[0], STRANGER, g1, now(), NULL), 401, "bad-signature",
	       "a revocation by a stranger");
	reply_clear(&r);
	expect(&r, &nodes[0], "/v1/revoke", revoke_body(&nodes[0], OWNER, g1, now() - 1000, NULL), 400, "stale",
	       "a stale revocation");
	reply_clear(&r);
	{
		uint8_t unknown[CAPSA_GRANT_ID_BYTES];
		grant_id(unknown);
		expect(&r, &nodes[0], "/v1/revoke", revoke_body(&nodes[0], OWNER, unknown, now(), NULL), 404,
		       "unknown-grant", "revoking an unknown grant");
		reply_clear(&r);
	}
	char *body = revoke_body(&nodes[0], OWNER, g1, now(), &stmt);
	if (expect(&r, &nodes[0], "/v1/revoke", strdup(body), 200, "", "the owner revokes")) {
		index = json_int(r.json, "index");
		check_receipt(&nodes[0], json_object_get(r.json, "receipt"), CAPSA_EVENT_REVOKE, g1, stmt, index);
	}
	reply_clear(&r);
	/* the same request again, and a new one, find the revocation done */
	if (expect(&r, &nodes[0], "/v1/revoke", body, 200, "", "the same revocation again")) {
		CHECK(json_int(r.json, "index") == index);
		check_receipt(&nodes[0], json_object_get(r.json, "receipt"), CAPSA_EVENT_REVOKE, g1, stmt, index);
	}
	reply_clear(&r);
	if (expect(&r, &nodes[0], "/v1/revoke", revoke_body(&nodes[0], OWNER, g1, now(), NULL), 200, "",
	           "a second revocation")) {
		CHECK(json_int(r.json, "index") == index);
		check_receipt(&nodes[0], json_object_get(r.json, "receipt"), CAPSA_EVENT_REVOKE, g1, stmt, index);
	}
	reply_clear(&r);
	free(stmt);
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], ALICE, now(), &g1, 1, NULL, NULL), 410, "revoked",
	       "re-encryption after revocation");
	reply_clear(&r);
	/* revoked is checked first, so this also shows that the proxy forgot its cached kfrag */
	expect(&r, &nodes[0], "/v1/reencrypt", reencrypt_body(&nodes[0], STRANGER, now(), &g1, 1, NULL, NULL), 410,
	       "revoked", "a stranger's re-encryption after revocation");
	reply_clear(&r);
	capsa_hex_encode(hex, g1, sizeof g1);
	snprintf(path, sizeof path, "/v1/grants/%s", hex);
	request(&r, &nodes[0], path, NULL, NULL);
	CHECK(r.status == 200 && strcmp(json_str(r.json, "status"), "revoked") == 0);
	CHECK(json_int(r.json, "revoke_entry") == index && json_int(r.json, "grant_entry") == g1_index[0]);
	reply_clear(&r);
	/* the other proxies still serve it */
	capsa_cfrag_file cf;
	CHECK(reencrypt_g1(1, &cf));
}

/* ---- The log ---------------------------------------------------------------------- */

static capsa_status fetch_tile(void *arg, const char *path, uint8_t **data, size_t *len)
{
	const node *n = arg;
	char url[256];
	capsa_http_call c = {0};

	snprintf(url, sizeof url, "%s/v1/log/%s", n->url, path);
	if (capsa_http_get(&c, url, NULL) != CAPSA_OK || c.outcome != CAPSA_HTTP_DONE || c.status != 200) {
		fprintf(stderr, "  GET %s: %ld %s\n", url, c.status, c.response != NULL ? (char *)c.response : "");
		capsa_http_call_clear(&c);
		return CAPSA_ERR_IO;
	}
	*data = c.response;
	*len = c.response_len;
	c.response = NULL;
	capsa_http_call_clear(&c);
	return CAPSA_OK;
}

/* Fills |n|'s log past one full tile: 64 items a request. */
static void grow_log(node *n, int requests)
{
	uint8_t many[CAPSA_PROXY_MAX_ITEMS][CAPSA_GRANT_ID_BYTES];
	reply r;

	for (int i = 0; i < CAPSA_PROXY_MAX_ITEMS; i++)
		memcpy(many[i], g1, sizeof g1);
	for (int k = 0; k < requests; k++) {
		if (expect(&r, n, "/v1/reencrypt",
		           reencrypt_body(n, ALICE, now(), (const uint8_t(*)[CAPSA_GRANT_ID_BYTES])many,
		                          CAPSA_PROXY_MAX_ITEMS, NULL, NULL),
		           200, "", "64 items at once"))
			CHECK(json_array_size(json_object_get(r.json, "items")) == CAPSA_PROXY_MAX_ITEMS);
		reply_clear(&r);
	}
}

/*
 * The checkpoint opens with the vkey of /v1/id; the tiles give its root;
 * every entry is an event; every receipt the proxy gave is an entry of this
 * tree, and its checkpoint a prefix of it. Returns the checkpoint text.
 */
static char *check_log(node *n, uint64_t *size)
{
	reply r;
	capsa_checkpoint cp = {0};
	capsa_tile_reader *tr = NULL;
	char *note = NULL;
	uint64_t entries = 0;

	*size = 0;
	request(&r, n, "/v1/log/checkpoint", NULL, NULL);
	CHECK(r.status == 200 && r.raw != NULL);
	if (r.raw == NULL)
		return NULL;
	note = strndup((const char *)r.raw, r.raw_len);
	CHECK_OK(capsa_checkpoint_open(&cp, NULL, note, strlen(note), NULL, &n->vkey, NULL, 0, NULL));
	reply_clear(&r);
	*size = cp.size;
	CHECK(cp.size > 0);
	CHECK_OK(capsa_tile_reader_new(&tr, cp.size, cp.root, fetch_tile, n));
	CHECK_OK(capsa_tile_reader_check_root(tr));
	for (uint64_t b = 0; b * CAPSA_TILE_WIDTH < cp.size; b++) {
		uint8_t *data = NULL;
		size_t len = 0, count = 0;
		capsa_entry_span spans[CAPSA_TILE_WIDTH];
		capsa_proxy_event e;
		CHECK_OK(capsa_tile_reader_entries(tr, &data, &len, spans, &count, b));
		for (size_t i = 0; i < count; i++) {
			check_context("entry %llu", (unsigned long long)(b * CAPSA_TILE_WIDTH + i));
			CHECK_OK(capsa_proxy_event_parse(&e, data + spans[i].offset, spans[i].len));
		}
		check_context("%s", "");
		entries += count;
		free(data);
	}
	CHECK(entries == cp.size);
	for (size_t i = 0; i < n->num_receipts; i++) {
		capsa_tlog_proof p;
		capsa_checkpoint old = {0};
		uint8_t leaf[32], want[32], old_root[32], path[CAPSA_TLOG_MAX_PROOF][32];
		size_t num = 0;
		check_context("receipt %zu", i);
		CHECK_OK(capsa_tlog_proof_parse(&p, n->receipts[i], strlen(n->receipts[i])));
		CHECK_OK(capsa_tile_reader_inclusion(tr, leaf, path, &num, p.index));
		CHECK_OK(capsa_tlog_leaf_hash(want, p.extra, p.extra_len));
		CHECK_MEM(leaf, want, 32);
		CHECK_OK(capsa_checkpoint_open(&old, NULL, p.checkpoint, p.checkpoint_len, NULL, &n->vkey, NULL, 0, NULL));
		CHECK(old.size <= cp.size);
		CHECK_OK(capsa_tile_reader_consistency(tr, old_root, path, &num, old.size));
		CHECK_MEM(old_root, old.root, 32);
		capsa_checkpoint_free(&old);
		capsa_tlog_proof_free(&p);
	}
	check_context("%s", "");
	capsa_tile_reader_free(tr);
	capsa_checkpoint_free(&cp);
	return note;
}

/* ---- Metrics ---------------------------------------------------------------------- */

/* The value of the /metrics line that starts with |name| and a space, or -1. */
static double metric(const char *text, const char *name)
{
	char want[256];
	const char *at;

	snprintf(want, sizeof want, "\n%s ", name);
	at = strstr(text, want);
	return at != NULL ? strtod(at + strlen(want), NULL) : -1;
}

static void test_metrics(void)
{
	reply r;
	uint64_t size = 0;
	char *note = check_log(&nodes[0], &size);

	request(&r, &nodes[0], "/metrics", NULL, NULL);
	CHECK(r.status == 200 && r.raw != NULL);
	if (r.status == 200 && r.raw != NULL) {
		const char *m = (const char *)r.raw;
		CHECK(metric(m, "capsa_log_size") == (double)size);
		CHECK(metric(m, "capsa_revocations_total") == 2); /* g1 and test_revoke_erases's: repeats found them done */
		/* seven accepted here; one can still be served, the rest are revoked, expired or used up */
		CHECK(metric(m, "capsa_grants_total") == 7 && metric(m, "capsa_grants_active") == 1);
		CHECK(metric(m, "capsa_reencryptions_total") >= 3 && metric(m, "capsa_refusals_total") >= 10);
		CHECK(metric(m, "capsa_http_requests_total{route=\"/v1/reencrypt\",code=\"2xx\"}") >= 3);
		CHECK(metric(m, "capsa_http_requests_total{route=\"/v1/reencrypt\",code=\"4xx\"}") >= 5);
		CHECK(strstr(m, "capsa_http_request_duration_seconds_bucket{route=\"/v1/grants\",le=\"+Inf\"}") != NULL);
		CHECK(strstr(m, "kfrag") == NULL); /* names and numbers only */
	}
	reply_clear(&r);
	free(note);
}

static void test_log_and_restart(void)
{
	node *n = &nodes[2];
	uint64_t size = 0, size2 = 0;
	char *before, *after, err[512] = "";
	capsa_proxy *second = NULL;
	capsa_cfrag_file cf;

	grow_log(n, 5); /* 3 + 320 entries: a full tile, a partial one, two bundles */
	before = check_log(n, &size);
	CHECK(size > CAPSA_TILE_WIDTH);
	free(check_log(&nodes[0], &size2));

	/* a second proxy on the same directory is refused while the first runs */
	CHECK_STATUS(capsa_proxy_open(&second, n->dir, NULL, err, sizeof err), CAPSA_ERR_IO);
	CHECK(second == NULL && strstr(err, "held by another process") != NULL);

	node_stop(n);
	node_start(n);
	after = check_log(n, &size2);
	CHECK(size2 == size);
	CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
	CHECK(reencrypt_g1(2, &cf)); /* its grants are still served */
	free(check_log(n, &size2));
	CHECK(size2 == size + 1);
	/* the receipt of that last one names the next index */
	{
		capsa_tlog_proof p;
		CHECK_OK(capsa_tlog_proof_parse(&p, n->receipts[n->num_receipts - 1], strlen(n->receipts[n->num_receipts - 1])));
		CHECK(p.index == size);
		capsa_tlog_proof_free(&p);
	}
	free(before);
	free(after);
}

static void cleanup(void)
{
	for (int i = 0; i < 3; i++) {
		char cmd[4096];
		node_stop(&nodes[i]);
		for (size_t k = 0; k < nodes[i].num_receipts; k++)
			free(nodes[i].receipts[k]);
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", nodes[i].dir);
		CHECK(system(cmd) == 0);
	}
	for (int i = 0; i < NUM_IDS; i++)
		capsa_identity_wipe(&ids[i]);
	for (int i = 0; i < 3; i++)
		capsa_kfrag_file_wipe(&kfs[i]);
	free(sealed.data);
}

int main(void)
{
	setup();
	test_grants();
	test_grant_idempotent();
	test_grant_refusals();
	test_reencrypt();
	test_reencrypt_refusals();
	test_limits();
	test_revoke();
	test_revoke_erases();
	test_metrics();
	test_log_and_restart();
	cleanup();
	return check_summary();
}
