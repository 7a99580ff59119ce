/*
 * The proxy (proxy.h): its state directory, its routes, and the read-only
 * resources: who it is, a grant's status, and the log as tiles.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/tlog.h>
#include <capsa/util.h>

#include "daemon/proxy_internal.h"
#include "daemon/state_dir.h"

static capsa_status name_log(capsa_proxy *p, const char *origin, char *err, size_t err_len)
{
	capsa_note_verifier v;
	size_t len;

	if (origin == NULL)
		capsa_proxy_log_origin(p->origin, p->id.ed25519_public);
	else if (strlen(origin) < sizeof p->origin)
		memcpy(p->origin, origin, strlen(origin) + 1);
	if (origin != NULL && strlen(origin) >= sizeof p->origin)
		p->origin[0] = '\0';
	if (capsa_proxy_log_verifier(&v, p->origin, &p->me) != CAPSA_OK || capsa_note_vkey_encode(&p->vkey, &len, &v) != CAPSA_OK) {
		snprintf(err, err_len, "origin %s: not a valid log name", origin != NULL ? origin : "");
		return CAPSA_ERR_ARG;
	}
	return CAPSA_OK;
}

static capsa_status load_identity(capsa_proxy *p, const char *dir, bool create, const char *origin, char *err,
                                  size_t err_len)
{
	capsa_status st = capsa_state_dir_identity(dir, create, &p->id, err, err_len);

	if (st != CAPSA_OK)
		return st;
	capsa_identity_recipient(&p->me, &p->id);
	capsa_party_id(p->party, p->id.ed25519_public);
	if (capsa_recipient_encode(p->recipient, sizeof p->recipient, &p->me) != CAPSA_OK)
		return CAPSA_ERR_INTERNAL;
	return name_log(p, origin, err, err_len);
}

static capsa_proxy *proxy_new(void)
{
	capsa_proxy *p = calloc(1, sizeof *p);

	if (p != NULL) {
		p->lock_fd = -1;
		pthread_mutex_init(&p->reader_mu, NULL);
	}
	return p;
}

capsa_status capsa_proxy_open(capsa_proxy **out, const char *dir, const char *origin, char *err, size_t err_len)
{
	capsa_proxy *p = proxy_new();
	capsa_store *writer = NULL;
	capsa_status st;

	*out = NULL;
	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	if ((st = capsa_state_dir_make(dir, err, err_len)) != CAPSA_OK ||
	    (st = capsa_state_dir_lock(dir, "proxy", &p->lock_fd, err, err_len)) != CAPSA_OK ||
	    (st = capsa_state_dir_kept(dir, "proxy.db", err, err_len)) != CAPSA_OK ||
	    (st = load_identity(p, dir, true, origin, err, err_len)) != CAPSA_OK ||
	    (st = capsa_store_open(&writer, dir, err, err_len)) != CAPSA_OK ||
	    (st = capsa_store_open(&p->reader, dir, err, err_len)) != CAPSA_OK)
		goto fail;
	if ((p->grants = grant_cache_new(PROXY_GRANT_CACHE_SLOTS)) == NULL) {
		st = CAPSA_ERR_NOMEM;
		goto fail;
	}
	if ((st = capsa_log_open(&p->log, writer, p->origin, &p->id)) != CAPSA_OK) {
		snprintf(err, err_len, "%s/proxy.db: the log does not load (%s)", dir, capsa_status_str(st));
		goto fail;
	}
	*out = p;
	return CAPSA_OK;
fail:
	capsa_store_close(writer);
	capsa_proxy_close(p);
	return st;
}

void capsa_proxy_close(capsa_proxy *p)
{
	if (p == NULL)
		return;
	proxy_witnesses_free(p); /* before the log: the witness thread submits to it */
	capsa_log_close(p->log);
	capsa_store_close(p->reader);
	grant_cache_free(p->grants);
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	pthread_mutex_destroy(&p->reader_mu);
	capsa_identity_wipe(&p->id);
	free(p->vkey);
	free(p);
}

capsa_status capsa_proxy_check(const char *dir, const char *origin, char *err, size_t err_len)
{
	char path[4096];
	capsa_proxy *p;
	capsa_status r;

	if (access(dir, F_OK) != 0 && errno == ENOENT)
		return CAPSA_OK; /* made on first start */
	if ((r = capsa_state_dir_make(dir, err, err_len)) != CAPSA_OK) /* it exists: this only checks its mode */
		return r;
	snprintf(path, sizeof path, "%s/identity", dir);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return CAPSA_OK; /* made on first start */
	if ((p = proxy_new()) == NULL)
		return CAPSA_ERR_NOMEM;
	if ((r = load_identity(p, dir, false, origin, err, err_len)) == CAPSA_OK)
		r = capsa_state_dir_kept(dir, "proxy.db", err, err_len);
	capsa_proxy_close(p);
	return r;
}

capsa_status capsa_proxy_describe(const char *dir, const char *origin, char **recipient, char **vkey, char *err,
                                  size_t err_len)
{
	capsa_proxy *p = proxy_new();
	capsa_status st = p == NULL ? CAPSA_ERR_NOMEM : load_identity(p, dir, false, origin, err, err_len);

	*recipient = *vkey = NULL;
	if (st == CAPSA_OK && (*recipient = strdup(p->recipient)) == NULL)
		st = CAPSA_ERR_NOMEM;
	if (st == CAPSA_OK) {
		*vkey = p->vkey;
		p->vkey = NULL;
	}
	capsa_proxy_close(p);
	return st;
}

capsa_status proxy_grant_get(capsa_proxy *p, const uint8_t id[CAPSA_GRANT_ID_BYTES], capsa_store_grant *g)
{
	pthread_mutex_lock(&p->reader_mu);
	capsa_status st = capsa_store_grant_get(p->reader, id, g);
	pthread_mutex_unlock(&p->reader_mu);
	return st;
}

/* ---- Read-only resources -------------------------------------------------------- */

static void get_id(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;

	(void)req;
	proxy_reply(resp, 200,
	            json_pack("{s:s, s:s, s:s, s:s}", "recipient", p->recipient, "party", p->party, "origin", p->origin,
	                      "log_key", p->vkey));
}

static const char *grant_state(const capsa_store_grant *g)
{
	if (g->status == CAPSA_GRANT_REVOKED)
		return "revoked";
	return g->not_after != 0 && (uint64_t)time(NULL) > g->not_after ? "expired" : "active";
}

static void get_grant(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	uint8_t id[CAPSA_GRANT_ID_BYTES];
	char content[2 * CAPSA_CONTENT_ID_BYTES + 1];
	size_t n = 0;
	capsa_store_grant g;
	capsa_status st;

	if (strlen(req->suffix) != 2 * sizeof id || !capsa_hex_decode(id, sizeof id, &n, req->suffix) || n != sizeof id) {
		proxy_refuse(p, resp, CAPSA_PROBLEM_BAD_REQUEST, "a grant id is 32 hex characters");
		return;
	}
	if ((st = proxy_grant_get(p, id, &g)) != CAPSA_OK) {
		proxy_refuse(p, resp, st == CAPSA_ERR_NO_MATCH ? CAPSA_PROBLEM_UNKNOWN_GRANT : CAPSA_PROBLEM_INTERNAL, NULL);
		return;
	}
	capsa_hex_encode(content, g.content_id, sizeof g.content_id);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I}", "grant", req->suffix,
	                      "status", grant_state(&g), "content", content, "owner", g.owner_party, "recipient",
	                      g.recipient_party, "threshold", g.threshold, "shares", g.shares, "index", g.index,
	                      "not_after", (json_int_t)g.not_after, "max_uses", (json_int_t)g.max_uses, "uses",
	                      (json_int_t)g.uses, "grant_entry", (json_int_t)g.grant_entry);
	if (o != NULL && g.status == CAPSA_GRANT_REVOKED)
		json_object_set_new(o, "revoke_entry", json_integer((json_int_t)g.revoke_entry));
	capsa_store_grant_clear(&g);
	proxy_reply(resp, 200, o);
}

static void get_checkpoint(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	char *note = capsa_log_checkpoint(p->log);

	(void)req;
	if (note == NULL) {
		proxy_refuse(p, resp, CAPSA_PROBLEM_INTERNAL, NULL);
		return;
	}
	capsa_http_respond_text(resp, 200, "text/plain; charset=utf-8", note);
	(void)capsa_http_add_header(resp, "Cache-Control", "no-store");
	free(note);
}

static capsa_status reader_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	return capsa_store_node_get(arg, level, index, out);
}

static capsa_status entry_bundle(capsa_proxy *p, uint64_t first, unsigned count, uint8_t **out, size_t *len)
{
	uint8_t *data[CAPSA_TILE_WIDTH] = {0};
	size_t lens[CAPSA_TILE_WIDTH] = {0};
	capsa_status st = CAPSA_OK;

	for (unsigned i = 0; st == CAPSA_OK && i < count; i++)
		st = capsa_store_entry_get(p->reader, first + i, &data[i], &lens[i]);
	if (st == CAPSA_OK)
		st = capsa_entry_bundle_build(out, len, (const uint8_t *const *)data, lens, count);
	for (unsigned i = 0; i < count; i++)
		free(data[i]);
	return st;
}

/*
 * A tile or entry bundle of the committed tree. Tiles only grow: a partial
 * tile narrower than the current one is the prefix of it.
 */
static capsa_status build_tile(capsa_proxy *p, const capsa_tile *t, uint64_t size, uint8_t **out, size_t *len)
{
	unsigned have = capsa_tile_width(size, t->entries ? 0 : t->level, t->index); /* the tile level, not the node level */
	capsa_tile now = *t;

	if (have == 0 || t->width > have)
		return CAPSA_ERR_NO_MATCH;
	if (t->entries)
		return entry_bundle(p, t->index * CAPSA_TILE_WIDTH, t->width, out, len);
	now.width = have;
	capsa_status st = capsa_tile_build(out, len, &now, size, reader_node, p->reader);
	if (st == CAPSA_OK)
		*len = (size_t)t->width * CAPSA_TLOG_HASH_BYTES;
	return st == CAPSA_ERR_ARG ? CAPSA_ERR_NO_MATCH : st;
}

static void get_tile(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_proxy *p = arg;
	char path[CAPSA_TILE_PATH_MAX + 8];
	capsa_tile t;
	uint8_t *data = NULL;
	size_t len = 0;
	capsa_status st;

	if ((size_t)snprintf(path, sizeof path, "tile/%s", req->suffix) >= sizeof path ||
	    capsa_tile_path_parse(&t, path, strlen(path)) != CAPSA_OK) {
		capsa_http_problem(resp, 404, "urn:capsa:problem:not-found", "no such tile", NULL);
		return;
	}
	pthread_mutex_lock(&p->reader_mu);
	st = build_tile(p, &t, capsa_log_size(p->log), &data, &len);
	pthread_mutex_unlock(&p->reader_mu);
	if (st == CAPSA_ERR_NO_MATCH)
		capsa_http_problem(resp, 404, "urn:capsa:problem:not-found", "no such tile", "not in the committed tree");
	else if (st != CAPSA_OK)
		proxy_refuse(p, resp, CAPSA_PROBLEM_INTERNAL, NULL);
	else {
		capsa_http_respond(resp, 200, "application/octet-stream", data, len);
		/* A full tile never changes; a partial one grows. */
		(void)capsa_http_add_header(resp, "Cache-Control",
		                            t.width == CAPSA_TILE_WIDTH ? "public, max-age=31536000, immutable" : "no-store");
	}
	free(data);
}

/* ---- Metrics and routes ------------------------------------------------------------- */

static double log_size_gauge(void *arg)
{
	return (double)capsa_log_size(((capsa_proxy *)arg)->log);
}

static double grants_gauge(void *arg)
{
	capsa_proxy *p = arg;
	uint64_t n = 0;

	pthread_mutex_lock(&p->reader_mu);
	capsa_status st = capsa_store_grants_active(p->reader, (uint64_t)time(NULL), &n);
	pthread_mutex_unlock(&p->reader_mu);
	return st == CAPSA_OK ? (double)n : -1;
}

capsa_status capsa_proxy_register(capsa_proxy *p, capsa_http_server *srv)
{
	static const char json[] = "application/json";
	capsa_status st;

	p->srv = srv;
	if ((st = capsa_http_route(srv, "GET", "/v1/id", NULL, get_id, p)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/grants", json, proxy_post_grant, p)) != CAPSA_OK ||
	    (st = capsa_http_route_prefix(srv, "GET", "/v1/grants/", NULL, get_grant, p)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/reencrypt", json, proxy_post_reencrypt, p)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "POST", "/v1/revoke", json, proxy_post_revoke, p)) != CAPSA_OK ||
	    (st = capsa_http_route(srv, "GET", "/v1/log/checkpoint", NULL, get_checkpoint, p)) != CAPSA_OK ||
	    (st = capsa_http_route_prefix(srv, "GET", "/v1/log/tile/", NULL, get_tile, p)) != CAPSA_OK)
		return st;
	if ((st = capsa_http_gauge(srv, "log_size", "entries in the transparency log", log_size_gauge, p)) != CAPSA_OK ||
	    (st = capsa_http_gauge(srv, "grants_active", "grants that can be served: not revoked, expired or used up", grants_gauge, p)) != CAPSA_OK ||
	    (st = capsa_http_counter(srv, "grants", "grants accepted", &p->counter_grants)) != CAPSA_OK ||
	    (st = capsa_http_counter(srv, "reencryptions", "capsules re-encrypted", &p->counter_reencryptions)) !=
	        CAPSA_OK ||
	    (st = capsa_http_counter(srv, "revocations", "grants revoked", &p->counter_revocations)) != CAPSA_OK)
		return st;
	if ((st = capsa_http_counter(srv, "refusals", "requests refused with a problem", &p->counter_refusals)) != CAPSA_OK)
		return st;
	return proxy_witnesses_start(p);
}
