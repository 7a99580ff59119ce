/*
 * The three statements (doc/PROTOCOL.md, "Statements"): grant, reencrypt and
 * revoke, each written and read in one fixed line order.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "proxy/statement_text.h"

#define GRANT_HEADER "capsa-proxy/grant/v1"
#define REENCRYPT_HEADER "capsa-proxy/reencrypt/v1"
#define REVOKE_HEADER "capsa-proxy/revoke/v1"
/* An item value: grant id (32 hex), space, content id (64), space, capsule hash (64). */
#define ITEM_VALUE_LEN (2 * CAPSA_GRANT_ID_BYTES + 1 + 2 * CAPSA_CONTENT_ID_BYTES + 1 + 64)

static bool small(uint64_t v, uint8_t *out)
{
	if (v > 255)
		return false;
	*out = (uint8_t)v;
	return true;
}

static bool grant_fields_ok(const capsa_proxy_grant *g)
{
	return stmt_is_party(g->proxy, strlen(g->proxy)) && g->threshold >= 1 && g->threshold <= g->shares &&
	       g->index >= 1 && g->index <= g->shares;
}

capsa_status capsa_proxy_grant_format(char **out, size_t *out_len, const capsa_proxy_grant *g)
{
	tlog_buf b = {0};

	*out = NULL;
	if (!grant_fields_ok(g))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, GRANT_HEADER "\n");
	stmt_put(&b, "proxy", g->proxy);
	stmt_put_hex(&b, "grant", g->grant_id, CAPSA_GRANT_ID_BYTES);
	stmt_put_hex(&b, "content", g->content_id, CAPSA_CONTENT_ID_BYTES);
	if (!stmt_put_recipient(&b, "owner", &g->owner) || !stmt_put_recipient(&b, "recipient", &g->recipient)) {
		free(b.p);
		return CAPSA_ERR_ARG;
	}
	stmt_put_u64(&b, "threshold", g->threshold);
	stmt_put_u64(&b, "shares", g->shares);
	stmt_put_u64(&b, "index", g->index);
	stmt_put_u64(&b, "not-after", g->not_after);
	stmt_put_u64(&b, "max-uses", g->max_uses);
	stmt_put_hex(&b, "kfrag", g->kfrag_hash, sizeof g->kfrag_hash);
	stmt_put_u64(&b, "time", g->time);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_proxy_grant_parse(capsa_proxy_grant *g, const char *text, size_t len)
{
	tlog_text t;
	uint64_t m = 0, n = 0, i = 0;
	capsa_status st;

	memset(g, 0, sizeof *g);
	if ((st = stmt_open(&t, text, len, GRANT_HEADER, "capsa-proxy/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "proxy", g->proxy) || !stmt_hex(&t, "grant", g->grant_id, CAPSA_GRANT_ID_BYTES) ||
	    !stmt_hex(&t, "content", g->content_id, CAPSA_CONTENT_ID_BYTES))
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "owner", &g->owner);
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "recipient", &g->recipient);
	if (st == CAPSA_OK &&
	    (!stmt_u64(&t, "threshold", &m) || !stmt_u64(&t, "shares", &n) || !stmt_u64(&t, "index", &i) ||
	     !small(m, &g->threshold) || !small(n, &g->shares) || !small(i, &g->index) || !grant_fields_ok(g) ||
	     !stmt_u64(&t, "not-after", &g->not_after) || !stmt_u64(&t, "max-uses", &g->max_uses) ||
	     !stmt_hex(&t, "kfrag", g->kfrag_hash, sizeof g->kfrag_hash) || !stmt_u64(&t, "time", &g->time) ||
	     t.len != 0))
		st = CAPSA_ERR_DECODE;
	if (st != CAPSA_OK)
		memset(g, 0, sizeof *g);
	return st;
}

static void put_item(tlog_buf *b, const capsa_proxy_item *it)
{
	char v[ITEM_VALUE_LEN + 1];

	capsa_hex_encode(v, it->grant_id, CAPSA_GRANT_ID_BYTES);
	v[2 * CAPSA_GRANT_ID_BYTES] = ' ';
	capsa_hex_encode(v + 2 * CAPSA_GRANT_ID_BYTES + 1, it->content_id, CAPSA_CONTENT_ID_BYTES);
	v[2 * CAPSA_GRANT_ID_BYTES + 1 + 2 * CAPSA_CONTENT_ID_BYTES] = ' ';
	capsa_hex_encode(v + ITEM_VALUE_LEN - 64, it->capsule_hash, 32);
	stmt_put(b, "item", v);
}

static bool parse_item(const tlog_text *v, capsa_proxy_item *it)
{
	tlog_text g = {v->p, 2 * CAPSA_GRANT_ID_BYTES};
	tlog_text c = {v->p + g.len + 1, 2 * CAPSA_CONTENT_ID_BYTES};
	tlog_text h = {c.p + c.len + 1, 64};

	return v->len == ITEM_VALUE_LEN && v->p[g.len] == ' ' && c.p[c.len] == ' ' &&
	       stmt_hex_value(&g, it->grant_id, CAPSA_GRANT_ID_BYTES) &&
	       stmt_hex_value(&c, it->content_id, CAPSA_CONTENT_ID_BYTES) && stmt_hex_value(&h, it->capsule_hash, 32);
}

capsa_status capsa_proxy_reencrypt_format(char **out, size_t *out_len, const capsa_proxy_reencrypt *r)
{
	tlog_buf b = {0};

	*out = NULL;
	if (!stmt_is_party(r->proxy, strlen(r->proxy)) || r->num_items == 0 || r->num_items > CAPSA_PROXY_MAX_ITEMS)
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, REENCRYPT_HEADER "\n");
	stmt_put(&b, "proxy", r->proxy);
	if (!stmt_put_recipient(&b, "requester", &r->requester)) {
		free(b.p);
		return CAPSA_ERR_ARG;
	}
	stmt_put_hex(&b, "nonce", r->nonce, CAPSA_PROXY_NONCE_BYTES);
	stmt_put_u64(&b, "time", r->time);
	for (size_t i = 0; i < r->num_items; i++)
		put_item(&b, &r->items[i]);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_proxy_reencrypt_parse(capsa_proxy_reencrypt *r, const char *text, size_t len)
{
	tlog_text t, v;
	capsa_status st;

	memset(r, 0, sizeof *r);
	if ((st = stmt_open(&t, text, len, REENCRYPT_HEADER, "capsa-proxy/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "proxy", r->proxy))
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "requester", &r->requester);
	if (st == CAPSA_OK &&
	    (!stmt_hex(&t, "nonce", r->nonce, CAPSA_PROXY_NONCE_BYTES) || !stmt_u64(&t, "time", &r->time)))
		st = CAPSA_ERR_DECODE;
	while (st == CAPSA_OK && t.len > 0) {
		if (r->num_items == CAPSA_PROXY_MAX_ITEMS || !stmt_field(&t, "item", &v) ||
		    !parse_item(&v, &r->items[r->num_items]))
			st = CAPSA_ERR_DECODE;
		else
			r->num_items++;
	}
	if (st == CAPSA_OK && r->num_items == 0)
		st = CAPSA_ERR_DECODE;
	if (st != CAPSA_OK)
		memset(r, 0, sizeof *r);
	return st;
}

capsa_status capsa_proxy_revoke_format(char **out, size_t *out_len, const capsa_proxy_revoke *r)
{
	tlog_buf b = {0};

	*out = NULL;
	if (!stmt_is_party(r->proxy, strlen(r->proxy)))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, REVOKE_HEADER "\n");
	stmt_put(&b, "proxy", r->proxy);
	stmt_put_hex(&b, "grant", r->grant_id, CAPSA_GRANT_ID_BYTES);
	stmt_put_hex(&b, "nonce", r->nonce, CAPSA_PROXY_NONCE_BYTES);
	stmt_put_u64(&b, "time", r->time);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_proxy_revoke_parse(capsa_proxy_revoke *r, const char *text, size_t len)
{
	tlog_text t;
	capsa_status st;

	memset(r, 0, sizeof *r);
	if ((st = stmt_open(&t, text, len, REVOKE_HEADER, "capsa-proxy/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "proxy", r->proxy) || !stmt_hex(&t, "grant", r->grant_id, CAPSA_GRANT_ID_BYTES) ||
	    !stmt_hex(&t, "nonce", r->nonce, CAPSA_PROXY_NONCE_BYTES) || !stmt_u64(&t, "time", &r->time) ||
	    t.len != 0) {
		memset(r, 0, sizeof *r);
		return CAPSA_ERR_DECODE;
	}
	return CAPSA_OK;
}
