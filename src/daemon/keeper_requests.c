/*
 * A keeper's signed requests (doc/PROTOCOL.md, "Keepers"): the owner's grant
 * and access rules, and a recipient's fetch, answered with a copy of the
 * file under a key of the recipient's own, streamed as it is transcribed.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/file.h>
#include <capsa/keeper.h>
#include <capsa/util.h>

#include "client/json_b64.h"
#include "client/proxy_gather.h"
#include "daemon/envelope.h"
#include "daemon/keeper_internal.h"

#define GATHER_DEADLINE_MS 30000

static void refuse(capsa_http_response *resp, capsa_proxy_problem p, const char *detail)
{
	char type[64];

	snprintf(type, sizeof type, "urn:capsa:problem:%s", capsa_proxy_problem_name(p));
	capsa_http_problem(resp, capsa_proxy_problem_status(p), type, capsa_proxy_problem_title(p), detail);
}

static uint64_t now(void)
{
	return (uint64_t)time(NULL);
}

static bool fresh(uint64_t t)
{
	uint64_t n = now();
	return (t > n ? t - n : n - t) <= CAPSA_PROXY_CLOCK_SKEW;
}

/* Opens the store's file |name|; -1 if there is no such file (or no store). */
static int open_store_file(const capsa_keeper *k, const char *name)
{
	char path[4096];

	struct stat st;
	int fd;

	if (k->store_dir == NULL || !capsa_keeper_file_name_ok(name, strlen(name)) ||
	    (size_t)snprintf(path, sizeof path, "%s/%s", k->store_dir, name) >= sizeof path)
		return -1;
	/* non-blocking, so that a FIFO put in the store cannot hold a connection: only regular files are served */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The umbral stanza of the sealed file on |fd|. */
static capsa_status file_stanza(int fd, capsa_umbral_stanza *s)
{
	capsa_header_info info;
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st = capsa_inspect_fd(&info, &hdr, &hdr_len, fd);

	if (st == CAPSA_OK)
		st = capsa_umbral_stanza_find(s, hdr, hdr_len);
	capsa_header_info_free(&info);
	free(hdr);
	return st;
}

/* Whether |owner| names the owner of the file's content: the secp256k1 key that signs its kfrags. */
static bool owns(const capsa_recipient *owner, const capsa_umbral_stanza *s)
{
	return memcmp(owner->secp256k1_public, s->verifying.bytes, sizeof owner->secp256k1_public) == 0;
}

/*
 * Whether the grant's "owner_proof" is that key's signature of the statement.
 * A recipient string only joins three public keys: anyone can put the
 * owner's secp256k1 key beside an Ed25519 key of their own. The statement's
 * Ed25519 signature says who wrote it; this one, that the content's owner did.
 */
static bool owner_proved(const proxy_envelope *env, const capsa_umbral_stanza *s)
{
	capsa_umbral_signature sig;
	const char *b64 = json_string_value(json_object_get(env->json, "owner_proof"));

	return b64 != NULL && capsa_b64_exact(sig.bytes, sizeof sig.bytes, b64) &&
	       capsa_umbral_verify(&sig, &s->verifying, (const uint8_t *)env->statement, env->statement_len) == CAPSA_OK;
}

/* The grant held for |content|, parsed. */
static capsa_proxy_problem held_grant(capsa_keeper *k, const uint8_t content[CAPSA_CONTENT_ID_BYTES],
                                      capsa_keeper_grant *g)
{
	char *text = NULL;
	capsa_status st = keeper_store_grant_get(k->db, content, &text);
	capsa_proxy_problem p = CAPSA_PROBLEM_NONE;

	if (st == CAPSA_ERR_NO_MATCH)
		p = CAPSA_PROBLEM_UNKNOWN_GRANT;
	else if (st != CAPSA_OK || capsa_keeper_grant_parse(g, text, strlen(text)) != CAPSA_OK)
		p = CAPSA_PROBLEM_INTERNAL;
	free(text);
	return p;
}

/* ---- POST /v1/grants: where the cfrags of the owner's grant come from ------------------ */

static capsa_proxy_problem take_grant(capsa_keeper *k, const proxy_envelope *env, capsa_keeper_grant *g,
                                      const char **why)
{
	capsa_umbral_stanza s;
	capsa_proxy_problem p = CAPSA_PROBLEM_NONE;
	int fd;

	if (capsa_keeper_grant_parse(g, env->statement, env->statement_len) != CAPSA_OK)
		return *why = "the statement is not a keeper grant", CAPSA_PROBLEM_BAD_REQUEST;
	if (strcmp(g->keeper, k->party) != 0)
		return CAPSA_PROBLEM_WRONG_KEEPER;
	if (capsa_proxy_verify(env->signature, env->statement, env->statement_len, &g->owner) != CAPSA_OK)
		return CAPSA_PROBLEM_BAD_SIGNATURE;
	if (!fresh(g->time))
		return CAPSA_PROBLEM_STALE;
	if ((fd = open_store_file(k, g->file)) < 0)
		return CAPSA_PROBLEM_NO_SUCH_FILE;
	if (file_stanza(fd, &s) != CAPSA_OK)
		p = CAPSA_PROBLEM_NO_SUCH_FILE, *why = "the file is not a sealed file with an umbral stanza";
	else if (memcmp(s.content_id, g->content_id, CAPSA_CONTENT_ID_BYTES) != 0)
		p = CAPSA_PROBLEM_BAD_REQUEST, *why = "the file holds another content";
	else if (!owns(&g->owner, &s) || !owner_proved(env, &s))
		p = CAPSA_PROBLEM_NOT_OWNER; /* only the content's owner names where its cfrags come from */
	close(fd);
	return p;
}

void keeper_post_grant(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_keeper *k = arg;
	proxy_envelope env;
	capsa_keeper_grant *g = calloc(1, sizeof *g);
	const char *why = NULL;
	capsa_proxy_problem p = g == NULL ? CAPSA_PROBLEM_INTERNAL : CAPSA_PROBLEM_NONE;
	char content[2 * CAPSA_CONTENT_ID_BYTES + 1];
	capsa_status st;

	memset(&env, 0, sizeof env);
	if (p == CAPSA_PROBLEM_NONE && !proxy_envelope_parse(&env, req->body, req->body_len, false, false, &why))
		p = CAPSA_PROBLEM_BAD_REQUEST;
	else if (p == CAPSA_PROBLEM_NONE)
		why = NULL, p = take_grant(k, &env, g, &why);
	/* the statement is a JSON string (NUL-terminated) that holds no NUL (stmt_text_ok) */
	if (p == CAPSA_PROBLEM_NONE) {
		if ((st = keeper_store_grant_put(k->db, g->content_id, g->time, env.statement, env.signature)) ==
		    CAPSA_ERR_EXISTS)
			p = CAPSA_PROBLEM_CONFLICT, why = "a later grant for this content is held";
		else if (st != CAPSA_OK)
			p = CAPSA_PROBLEM_INTERNAL;
	}
	if (p != CAPSA_PROBLEM_NONE) {
		refuse(resp, p, why);
	} else {
		capsa_hex_encode(content, g->content_id, sizeof g->content_id);
		proxy_reply(resp, 201, json_pack("{s:s, s:s}", "content", content, "file", g->file));
	}
	proxy_envelope_free(&env);
	free(g);
}

/* ---- POST /v1/access: the owner allows or denies a recipient ------------------------ */

static capsa_proxy_problem take_access(capsa_keeper *k, const proxy_envelope *env, capsa_keeper_access *a,
                                       const char **why)
{
	capsa_keeper_grant *g = calloc(1, sizeof *g);
	capsa_proxy_problem p;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];

	if (g == NULL)
		return CAPSA_PROBLEM_INTERNAL;
	if (capsa_keeper_access_parse(a, env->statement, env->statement_len) != CAPSA_OK)
		p = CAPSA_PROBLEM_BAD_REQUEST, *why = "the statement is not an access rule";
	else if (strcmp(a->keeper, k->party) != 0)
		p = CAPSA_PROBLEM_WRONG_KEEPER;
	else if ((p = held_grant(k, a->content_id, g)) != CAPSA_PROBLEM_NONE)
		;
	else if (capsa_proxy_verify(env->signature, env->statement, env->statement_len, &g->owner) != CAPSA_OK)
		p = CAPSA_PROBLEM_BAD_SIGNATURE; /* only the owner of the grant writes its access list */
	else if (!fresh(a->time))
		p = CAPSA_PROBLEM_STALE;
	capsa_party_id(party, g->owner.ed25519_public);
	if (p == CAPSA_PROBLEM_NONE) {
		capsa_status st = keeper_store_nonce_use(k->db, party, a->nonce, now() + CAPSA_PROXY_NONCE_TTL, now());
		p = st == CAPSA_ERR_EXISTS ? CAPSA_PROBLEM_REPLAY : st != CAPSA_OK ? CAPSA_PROBLEM_INTERNAL : p;
	}
	free(g);
	return p;
}

void keeper_post_access(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_keeper *k = arg;
	proxy_envelope env;
	capsa_keeper_access a;
	const char *why = NULL;
	capsa_proxy_problem p = CAPSA_PROBLEM_NONE;
	char content[2 * CAPSA_CONTENT_ID_BYTES + 1], party[CAPSA_PARTY_ID_HEXLEN + 1];

	if (!proxy_envelope_parse(&env, req->body, req->body_len, false, false, &why))
		p = CAPSA_PROBLEM_BAD_REQUEST;
	else
		why = NULL, p = take_access(k, &env, &a, &why);
	if (p == CAPSA_PROBLEM_NONE) {
		capsa_party_id(party, a.recipient.ed25519_public);
		capsa_status st = keeper_store_access_put(k->db, a.content_id, party, a.allow, a.until, a.time,
		                                          env.statement, env.signature);
		if (st == CAPSA_ERR_EXISTS)
			p = CAPSA_PROBLEM_CONFLICT, why = "a later rule for this recipient is held";
		else if (st != CAPSA_OK)
			p = CAPSA_PROBLEM_INTERNAL;
	}
	if (p != CAPSA_PROBLEM_NONE) {
		refuse(resp, p, why);
	} else {
		capsa_hex_encode(content, a.content_id, sizeof a.content_id);
		proxy_reply(resp, 200,
		             json_pack("{s:s, s:s, s:s, s:I}", "content", content, "recipient", party, "rule",
		                       a.allow ? "allow" : "deny", "until", (json_int_t)a.until));
	}
	proxy_envelope_free(&env);
}

/* ---- POST /v1/fetch: a recipient's copy ------------------------------------------------ */

/* What the producer thread needs: the original, open, and the recipient. */
struct copy_job {
	capsa_keeper *k;
	capsa_reader *r;
	capsa_recipient to;
};

static capsa_status to_pipe(void *arg, const uint8_t *data, size_t len)
{
	return capsa_write_all(*(int *)arg, data, len);
}

static void produce_copy(void *arg, int fd)
{
	struct copy_job *job = arg;
	capsa_transcribe_opts o = {.recipient = &job->to, .signer = &job->k->id};

	if (fd >= 0 && capsa_transcribe(job->r, &o, to_pipe, &fd) != CAPSA_OK)
		fputs("capsa keeper: a copy ended early (the recipient gets a short file, which does not open)\n", stderr);
	capsa_reader_close(job->r);
	free(job);
}

/* The access list's verdict on |requester| for |content| at the keeper's clock. */
static capsa_proxy_problem access_verdict(capsa_keeper *k, const uint8_t content[CAPSA_CONTENT_ID_BYTES],
                                          const capsa_recipient *requester)
{
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	bool allow;
	uint64_t until;
	capsa_status st;

	capsa_party_id(party, requester->ed25519_public);
	st = keeper_store_access_get(k->db, content, party, &allow, &until);
	if (st == CAPSA_ERR_NO_MATCH)
		return CAPSA_PROBLEM_NOT_LISTED;
	if (st != CAPSA_OK)
		return CAPSA_PROBLEM_INTERNAL;
	if (!allow)
		return CAPSA_PROBLEM_DENIED;
	return until != 0 && now() > until ? CAPSA_PROBLEM_ACCESS_ENDED : CAPSA_PROBLEM_NONE;
}

/* The content's CEK, through M cfrags from the grant's proxies: the reader on |fd|. */
static capsa_proxy_problem open_original(capsa_keeper *k, int fd, const capsa_keeper_grant *g,
                                         const capsa_umbral_stanza *s, capsa_reader **r)
{
	capsa_proxy_peer peers[CAPSA_KEEPER_MAX_PROXIES];
	capsa_gather got;
	capsa_grant_report rep;
	capsa_proxy_problem p = CAPSA_PROBLEM_NONE;

	for (size_t i = 0; i < g->num_proxies; i++) {
		peers[i] = (capsa_proxy_peer){.url = (char *)g->proxies[i].url, .key = g->proxies[i].key, .pinned = true};
		capsa_party_id(peers[i].party, g->proxies[i].key.ed25519_public);
	}
	if (capsa_proxy_gather(&k->id, peers, g->num_proxies, g->grant_id, s, GATHER_DEADLINE_MS, NULL, NULL, &got) !=
	    CAPSA_OK)
		return CAPSA_PROBLEM_INTERNAL;
	if (got.num == 0 || got.num < got.need) {
		p = CAPSA_PROBLEM_NO_CFRAGS;
	} else {
		capsa_umbral_route route = {got.cfrags, got.num, &rep};
		capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
		capsa_unlock u = {.identities = &k->id, .num_identities = 1, .route_keys = &rk, .num_route_keys = 1};
		if (capsa_reader_open_fd(r, fd, &u) != CAPSA_OK)
			p = CAPSA_PROBLEM_NO_CFRAGS; /* verified cfrags that still do not open it */
	}
	capsa_gather_free(&got);
	return p;
}

static capsa_proxy_problem check_fetch(capsa_keeper *k, const proxy_envelope *env, capsa_keeper_fetch *f,
                                       const char **why)
{
	if (capsa_keeper_fetch_parse(f, env->statement, env->statement_len) != CAPSA_OK)
		return *why = "the statement is not a fetch", CAPSA_PROBLEM_BAD_REQUEST;
	if (strcmp(f->keeper, k->party) != 0)
		return CAPSA_PROBLEM_WRONG_KEEPER;
	if (capsa_proxy_verify(env->signature, env->statement, env->statement_len, &f->requester) != CAPSA_OK)
		return CAPSA_PROBLEM_BAD_SIGNATURE;
	return fresh(f->time) ? CAPSA_PROBLEM_NONE : CAPSA_PROBLEM_STALE;
}

/* The fetch's nonce, recorded only once the access list let it through (strangers write nothing). */
static capsa_proxy_problem use_nonce(capsa_keeper *k, const capsa_keeper_fetch *f)
{
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	capsa_status st;

	capsa_party_id(party, f->requester.ed25519_public);
	st = keeper_store_nonce_use(k->db, party, f->nonce, now() + CAPSA_PROXY_NONCE_TTL, now());
	return st == CAPSA_ERR_EXISTS ? CAPSA_PROBLEM_REPLAY : st != CAPSA_OK ? CAPSA_PROBLEM_INTERNAL : CAPSA_PROBLEM_NONE;
}

/* Everything before the stream: the request, the file, its grant, the access list, the CEK. */
static capsa_proxy_problem start_copy(capsa_keeper *k, const proxy_envelope *env, struct copy_job *job,
                                      const char **why)
{
	capsa_keeper_fetch f;
	capsa_keeper_grant *g = calloc(1, sizeof *g);
	capsa_umbral_stanza s;
	capsa_proxy_problem p;
	int fd = -1;

	if (g == NULL)
		return CAPSA_PROBLEM_INTERNAL;
	if ((p = check_fetch(k, env, &f, why)) == CAPSA_PROBLEM_NONE && (fd = open_store_file(k, f.file)) < 0)
		p = CAPSA_PROBLEM_NO_SUCH_FILE;
	if (p == CAPSA_PROBLEM_NONE && file_stanza(fd, &s) != CAPSA_OK)
		p = CAPSA_PROBLEM_NO_SUCH_FILE, *why = "the file is not a sealed file with an umbral stanza";
	if (p == CAPSA_PROBLEM_NONE && (p = held_grant(k, s.content_id, g)) == CAPSA_PROBLEM_NONE && !owns(&g->owner, &s))
		p = CAPSA_PROBLEM_NOT_OWNER;
	if (p == CAPSA_PROBLEM_NONE && strcmp(f.file, g->file) != 0)
		p = CAPSA_PROBLEM_UNKNOWN_GRANT, *why = "the grant names another file of this content";
	if (p == CAPSA_PROBLEM_NONE && (p = access_verdict(k, s.content_id, &f.requester)) == CAPSA_PROBLEM_NONE)
		p = use_nonce(k, &f);
	if (p == CAPSA_PROBLEM_NONE)
		p = open_original(k, fd, g, &s, &job->r);
	/* the access list again: a rule that came while the cfrags were gathered holds */
	if (p == CAPSA_PROBLEM_NONE)
		p = access_verdict(k, s.content_id, &f.requester);
	job->to = f.requester;
	if (fd >= 0)
		close(fd); /* the reader keeps its own */
	free(g);
	return p;
}

void keeper_post_fetch(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_keeper *k = arg;
	proxy_envelope env;
	struct copy_job *job = calloc(1, sizeof *job);
	const char *why = NULL;
	capsa_proxy_problem p = job == NULL ? CAPSA_PROBLEM_INTERNAL : CAPSA_PROBLEM_NONE;

	memset(&env, 0, sizeof env);
	if (p == CAPSA_PROBLEM_NONE && !proxy_envelope_parse(&env, req->body, req->body_len, false, false, &why))
		p = CAPSA_PROBLEM_BAD_REQUEST;
	else if (p == CAPSA_PROBLEM_NONE)
		why = NULL, p = start_copy(k, &env, job, &why);
	if (p != CAPSA_PROBLEM_NONE) {
		refuse(resp, p, why);
		if (job != NULL)
			capsa_reader_close(job->r);
		free(job);
	} else {
		job->k = k;
		capsa_http_respond_stream(resp, 200, "application/x-capsa", produce_copy, job);
	}
	proxy_envelope_free(&env);
}
