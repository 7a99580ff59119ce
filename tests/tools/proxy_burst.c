/*
 * tests/tools/proxy_burst.c - many grants at once to one proxy, and the
 * check afterwards that what it acknowledged is still there.
 * capsa-test: net
 *
 *   proxy_burst grant URL N DIR   seals a file with a fresh owner, then posts
 *                                 N grants of it (distinct grant ids, 1 of 1,
 *                                 32 at a time) to URL; each one acknowledged
 *                                 (201 with a receipt that verifies) is written
 *                                 to DIR/<grant id>.receipt the moment its
 *                                 answer arrives. Prints "acked A of N".
 *   proxy_burst verify URL DIR    checks the proxy at URL against every receipt
 *                                 in DIR: GET /v1/grants/<id> is 200, and the
 *                                 receipt's checkpoint is a prefix of the
 *                                 latest one (size <= size, consistency
 *                                 through the tiles) holding its entry
 *                                 (inclusion through the tiles); and every
 *                                 entry bundle matches the tree's leaves.
 *                                 Prints "verified K receipts, log size S".
 *
 * Exits 0 if all holds, 1 with the first failure on stderr.
 */
#include <dirent.h>
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>
#include <capsa/tlog.h>
#include <capsa/util.h>

#include "client/http_client.h"

#define WAVE 32

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "proxy_burst: %s: %s\n", what, why);
	return 1;
}

typedef struct proxy {
	const char *url;
	capsa_recipient key;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	capsa_note_verifier vkey;
} proxy;

/* GET url + path into a fresh buffer; the HTTP status (0 without an answer). */
static long get(const proxy *p, const char *path, uint8_t **data, size_t *len)
{
	char url[1024];
	capsa_http_call c = {0};
	long status;

	snprintf(url, sizeof url, "%s%s", p->url, path);
	if (capsa_http_get(&c, url, NULL) != CAPSA_OK || c.outcome != CAPSA_HTTP_DONE) {
		capsa_http_call_clear(&c);
		return 0;
	}
	status = c.status;
	*data = c.response;
	*len = c.response_len;
	c.response = NULL;
	capsa_http_call_clear(&c);
	return status;
}

static int proxy_id(proxy *p, const char *url)
{
	uint8_t *body = NULL;
	size_t len = 0;
	json_t *j;
	const char *rec, *vkey;
	int rc = 0;

	p->url = url;
	if (get(p, "/v1/id", &body, &len) != 200)
		return fail(url, "GET /v1/id failed");
	j = json_loadb((const char *)body, len, 0, NULL);
	rec = json_string_value(json_object_get(j, "recipient"));
	vkey = json_string_value(json_object_get(j, "log_key"));
	if (rec == NULL || vkey == NULL || capsa_recipient_decode(&p->key, rec, strlen(rec)) != CAPSA_OK ||
	    capsa_note_vkey_parse(&p->vkey, vkey, strlen(vkey)) != CAPSA_OK)
		rc = fail(url, "/v1/id is not a proxy's");
	else
		capsa_party_id(p->party, p->key.ed25519_public);
	json_decref(j);
	free(body);
	return rc;
}

static json_t *b64(const uint8_t *data, size_t len)
{
	char *s = malloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)s, data, (int)len);
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* ---- grant ------------------------------------------------------------------------ */

typedef struct sink {
	uint8_t *data;
	size_t len;
} sink;

static capsa_status to_sink(void *arg, const uint8_t *data, size_t len)
{
	sink *s = arg;
	uint8_t *p = realloc(s->data, s->len + len + 1);
	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	s->data = p;
	memcpy(s->data + s->len, data, len);
	s->len += len;
	return CAPSA_OK;
}

typedef struct burst {
	const proxy *p;
	const char *dir;
	capsa_identity owner;
	capsa_recipient owner_rec, to;
	capsa_kfrag_file kf;
	size_t acked;
	int bad; /* an acknowledgement without a valid receipt */
} burst;

static char *grant_body(burst *b, const uint8_t id[CAPSA_GRANT_ID_BYTES])
{
	capsa_proxy_grant g = {.threshold = 1, .shares = 1, .index = 1, .time = (uint64_t)time(NULL)};
	uint8_t wrapped[CAPSA_PROXY_KFRAG_WRAP_BYTES], sig[CAPSA_PROXY_SIG_BYTES];
	char *text = NULL, *out = NULL;
	size_t len;

	memcpy(g.proxy, b->p->party, sizeof g.proxy);
	memcpy(g.grant_id, id, sizeof g.grant_id);
	memcpy(g.content_id, b->kf.content_id, sizeof g.content_id);
	g.owner = b->owner_rec;
	g.recipient = b->to;
	if (capsa_proxy_kfrag_wrap(wrapped, &b->kf, &b->p->key, g.grant_id, g.content_id) != CAPSA_OK)
		return NULL;
	SHA256(wrapped, sizeof wrapped, g.kfrag_hash);
	if (capsa_proxy_grant_format(&text, &len, &g) == CAPSA_OK &&
	    capsa_proxy_sign(sig, text, len, &b->owner) == CAPSA_OK) {
		json_t *o = json_pack("{s:s%, s:o, s:o}", "statement", text, len, "signature", b64(sig, sizeof sig),
		                      "kfrag", b64(wrapped, sizeof wrapped));
		out = json_dumps(o, JSON_COMPACT);
		json_decref(o);
	}
	free(text);
	return out;
}

/* Writes DIR/<id>.receipt (through a temporary name: the file is whole or absent). */
static bool save_receipt(const char *dir, const char *id, const char *receipt)
{
	char tmp[4096], path[4096];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, id);
	snprintf(path, sizeof path, "%s/%s.receipt", dir, id);
	if ((f = fopen(tmp, "w")) == NULL)
		return false;
	bool ok = fputs(receipt, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok && rename(tmp, path) == 0;
}

/* Each answer as it arrives: a 201 with a receipt of its grant is acknowledged and saved at once. */
static bool on_done(void *arg, capsa_http_call *c, size_t index)
{
	burst *b = arg;
	const uint8_t *id = c->user;
	char hex[2 * CAPSA_GRANT_ID_BYTES + 1];
	json_t *j;
	const char *receipt;
	capsa_proxy_event e;

	(void)index;
	if (c->outcome != CAPSA_HTTP_DONE || c->status != 201 || c->response == NULL)
		return false;
	j = json_loadb((const char *)c->response, c->response_len, 0, NULL);
	receipt = json_string_value(json_object_get(j, "receipt"));
	capsa_hex_encode(hex, id, CAPSA_GRANT_ID_BYTES);
	if (receipt == NULL ||
	    capsa_proxy_receipt_verify(&e, NULL, NULL, receipt, strlen(receipt), &b->p->key) != CAPSA_OK ||
	    e.type != CAPSA_EVENT_GRANT || memcmp(e.grant_id, id, CAPSA_GRANT_ID_BYTES) != 0 ||
	    !save_receipt(b->dir, hex, receipt)) {
		fprintf(stderr, "proxy_burst: grant %s: acknowledged without a valid receipt\n", hex);
		b->bad++;
	} else {
		b->acked++;
	}
	json_decref(j);
	return false;
}

static int seal_and_split(burst *b)
{
	capsa_identity recipient;
	capsa_route_key route = {CAPSA_UMBRAL_STANZA_TYPE, &b->owner};
	uint8_t plain[64] = "a file granted many times";
	capsa_seal_opts o = {.threads = 1, .plaintext_len = sizeof plain, .routes = &route, .num_routes = 1};
	capsa_seal *s = NULL;
	sink sealed = {0};
	int rc = 0;

	if (capsa_identity_generate(&b->owner) != CAPSA_OK || capsa_identity_generate(&recipient) != CAPSA_OK)
		return fail("keys", "cannot generate");
	capsa_identity_recipient(&b->owner_rec, &b->owner);
	capsa_identity_recipient(&b->to, &recipient);
	capsa_identity_wipe(&recipient);
	if (capsa_seal_new(&s, &o, to_sink, &sealed) != CAPSA_OK || capsa_seal_write(s, plain, sizeof plain) != CAPSA_OK ||
	    capsa_seal_finish(s) != CAPSA_OK ||
	    capsa_grant_create(&b->kf, &b->owner, &b->to, 1, 1, sealed.data, sealed.len, NULL) != CAPSA_OK)
		rc = fail("seal", "cannot seal and grant");
	capsa_seal_free(s);
	free(sealed.data);
	return rc;
}

static int do_grant(const char *url, size_t n, const char *dir)
{
	proxy p;
	burst b = {.p = &p, .dir = dir};
	uint8_t (*ids)[CAPSA_GRANT_ID_BYTES] = calloc(n, sizeof *ids);
	capsa_http_client_opts opts;
	char target[1024];
	size_t sent = 0;
	int rc;

	if (ids == NULL || (rc = proxy_id(&p, url)) != 0 || (rc = seal_and_split(&b)) != 0) {
		free(ids);
		return 1;
	}
	snprintf(target, sizeof target, "%s/v1/grants", url);
	capsa_http_client_opts_default(&opts);
	opts.on_done = on_done;
	opts.arg = &b;
	while (sent < n) {
		capsa_http_call calls[WAVE] = {{0}};
		char *bodies[WAVE] = {0};
		size_t k = n - sent < WAVE ? n - sent : WAVE, before = b.acked;
		for (size_t i = 0; i < k; i++) {
			if (capsa_random(ids[sent + i], CAPSA_GRANT_ID_BYTES) != CAPSA_OK ||
			    (bodies[i] = grant_body(&b, ids[sent + i])) == NULL)
				return fail("grant", "cannot build a request");
			calls[i] = (capsa_http_call){.url = target, .body = (const uint8_t *)bodies[i],
			                             .body_len = strlen(bodies[i]), .content_type = "application/json",
			                             .user = ids[sent + i]};
		}
		if (capsa_http_parallel(calls, k, &opts) != CAPSA_OK)
			return fail("grant", "the HTTP client failed");
		for (size_t i = 0; i < k; i++) {
			capsa_http_call_clear(&calls[i]);
			free(bodies[i]);
		}
		sent += k;
		if (b.acked == before) /* the proxy is gone */
			break;
	}
	printf("acked %zu of %zu\n", b.acked, n);
	capsa_identity_wipe(&b.owner);
	capsa_kfrag_file_wipe(&b.kf);
	free(ids);
	return b.bad == 0 ? 0 : 1;
}

/* ---- verify ----------------------------------------------------------------------- */

static capsa_status fetch_tile(void *arg, const char *path, uint8_t **data, size_t *len)
{
	char p[256];

	snprintf(p, sizeof p, "/v1/log/%s", path);
	return get(arg, p, data, len) == 200 ? CAPSA_OK : CAPSA_ERR_IO;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = f != NULL ? calloc(1, CAPSA_TLOG_PROOF_MAX_BYTES + 1) : NULL;

	if (buf != NULL)
		(void)fread(buf, 1, CAPSA_TLOG_PROOF_MAX_BYTES, f);
	if (f != NULL)
		fclose(f);
	return buf;
}

/* One receipt against the reader of the latest checkpoint. */
static int check_receipt(const proxy *p, capsa_tile_reader *tr, uint64_t size, const char *file, const char *id)
{
	char *text = slurp(file), path[128];
	capsa_proxy_event e;
	capsa_checkpoint old = {0};
	capsa_tlog_proof pr = {0};
	uint8_t leaf[32], want[32], root[32], proof[CAPSA_TLOG_MAX_PROOF][32], *body = NULL;
	size_t num = 0, len = 0;
	uint64_t index = 0;
	int rc = 0;

	snprintf(path, sizeof path, "/v1/grants/%s", id);
	if (text == NULL)
		rc = fail(file, "unreadable");
	else if (get(p, path, &body, &len) != 200)
		rc = fail(id, "an acknowledged grant is missing after the restart");
	else if (capsa_proxy_receipt_verify(&e, &old, &index, text, strlen(text), &p->key) != CAPSA_OK)
		rc = fail(id, "the receipt does not verify with the proxy's key");
	else if (old.size > size)
		rc = fail(id, "the receipt's checkpoint is larger than the latest: the log went back");
	else if (capsa_tile_reader_consistency(tr, root, proof, &num, old.size) != CAPSA_OK ||
	         memcmp(root, old.root, 32) != 0)
		rc = fail(id, "the receipt's checkpoint is not a prefix of the latest");
	else if (capsa_tlog_proof_parse(&pr, text, strlen(text)) != CAPSA_OK ||
	         capsa_tile_reader_inclusion(tr, leaf, proof, &num, index) != CAPSA_OK ||
	         capsa_tlog_leaf_hash(want, pr.extra, pr.extra_len) != CAPSA_OK || memcmp(leaf, want, 32) != 0)
		rc = fail(id, "the receipt's entry is not in the latest tree");
	capsa_tlog_proof_free(&pr);
	capsa_checkpoint_free(&old);
	free(body);
	free(text);
	return rc;
}

static int check_entries(capsa_tile_reader *tr, uint64_t size)
{
	for (uint64_t n = 0; n * CAPSA_TILE_WIDTH < size; n++) {
		uint8_t *data = NULL;
		size_t len = 0, count = 0;
		capsa_entry_span spans[CAPSA_TILE_WIDTH];
		capsa_proxy_event e;
		capsa_status st = capsa_tile_reader_entries(tr, &data, &len, spans, &count, n);
		char what[64];

		snprintf(what, sizeof what, "entry bundle %" PRIu64, n);
		if (st == CAPSA_ERR_AUTH)
			return fail(what, "an entry's hash is not the tree's leaf");
		if (st != CAPSA_OK)
			return fail(what, capsa_status_str(st));
		for (size_t i = 0; i < count; i++)
			if (capsa_proxy_event_parse(&e, data + spans[i].offset, spans[i].len) != CAPSA_OK) {
				free(data);
				return fail(what, "an entry is not an event");
			}
		free(data);
	}
	return 0;
}

static int do_verify(const char *url, const char *dir)
{
	proxy p;
	uint8_t *note = NULL;
	size_t len = 0, checked = 0;
	capsa_checkpoint cp = {0};
	capsa_tile_reader *tr = NULL;
	DIR *d;
	struct dirent *de;
	int rc;

	if ((rc = proxy_id(&p, url)) != 0)
		return rc;
	if (get(&p, "/v1/log/checkpoint", &note, &len) != 200)
		return fail(url, "no checkpoint");
	if (capsa_checkpoint_open(&cp, NULL, (const char *)note, len, NULL, &p.vkey, NULL, 0, NULL) != CAPSA_OK)
		rc = fail(url, "the checkpoint does not open with the log key");
	else if (cp.size == 0 || capsa_tile_reader_new(&tr, cp.size, cp.root, fetch_tile, &p) != CAPSA_OK ||
	         capsa_tile_reader_check_root(tr) != CAPSA_OK)
		rc = fail(url, "the tiles do not give the checkpoint's root");
	else if ((d = opendir(dir)) == NULL)
		rc = fail(dir, "cannot open");
	else {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			char file[4096], id[2 * CAPSA_GRANT_ID_BYTES + 1];
			if (n != 2 * CAPSA_GRANT_ID_BYTES + 8 || strcmp(de->d_name + 2 * CAPSA_GRANT_ID_BYTES, ".receipt") != 0)
				continue;
			memcpy(id, de->d_name, 2 * CAPSA_GRANT_ID_BYTES);
			id[2 * CAPSA_GRANT_ID_BYTES] = '\0';
			snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
			rc = check_receipt(&p, tr, cp.size, file, id);
			checked++;
		}
		closedir(d);
		if (rc == 0)
			rc = check_entries(tr, cp.size);
	}
	if (rc == 0)
		printf("verified %zu receipts, log size %" PRIu64 "\n", checked, cp.size);
	capsa_tile_reader_free(tr);
	capsa_checkpoint_free(&cp);
	free(note);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "grant") == 0) {
		char *end;
		unsigned long n = strtoul(argv[3], &end, 10);
		if (*end != '\0' || n == 0 || n > 100000)
			return fail("grant", "N is a number from 1 to 100000");
		return do_grant(argv[2], n, argv[4]);
	}
	if (argc == 4 && strcmp(argv[1], "verify") == 0)
		return do_verify(argv[2], argv[3]);
	return fail("usage", "proxy_burst grant URL N DIR | proxy_burst verify URL DIR");
}
