/*
 * The statements of strict mode (capsa/keeper.h): grant, access and fetch,
 * each written and read in one fixed line order, in the proxies' grammar.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/keeper.h>
#include <capsa/util.h>

#include "proxy/statement_text.h"

#define GRANT_HEADER "capsa-keeper/grant/v1"
#define ACCESS_HEADER "capsa-keeper/access/v1"
#define FETCH_HEADER "capsa-keeper/fetch/v1"

bool capsa_keeper_file_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > CAPSA_KEEPER_FILE_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static bool url_ok(const char *url, size_t len)
{
	if (len < 8 || len > CAPSA_KEEPER_URL_MAX ||
	    (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0))
		return false;
	for (size_t i = 0; i < len; i++)
		if (url[i] <= ' ' || url[i] > '~')
			return false;
	return true;
}

/* ---- grant ---------------------------------------------------------------------- */

static bool grant_fields_ok(const capsa_keeper_grant *g)
{
	if (!stmt_is_party(g->keeper, strlen(g->keeper)) || !capsa_keeper_file_name_ok(g->file, strlen(g->file)) ||
	    g->num_proxies < 1 ||
	    g->num_proxies > CAPSA_KEEPER_MAX_PROXIES || g->threshold < 1 || g->threshold > g->num_proxies)
		return false;
	for (size_t i = 0; i < g->num_proxies; i++)
		if (!url_ok(g->proxies[i].url, strlen(g->proxies[i].url)) || !g->proxies[i].key.has_ed25519)
			return false;
	return true;
}

capsa_status capsa_keeper_grant_format(char **out, size_t *out_len, const capsa_keeper_grant *g)
{
	char rec[CAPSA_RECIPIENT_STRLEN + 1];
	tlog_buf b = {0};

	*out = NULL;
	if (!grant_fields_ok(g))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, GRANT_HEADER "\n");
	stmt_put(&b, "keeper", g->keeper);
	stmt_put_hex(&b, "grant", g->grant_id, CAPSA_GRANT_ID_BYTES);
	stmt_put_hex(&b, "content", g->content_id, CAPSA_CONTENT_ID_BYTES);
	stmt_put(&b, "file", g->file);
	if (!stmt_put_recipient(&b, "owner", &g->owner)) {
		free(b.p);
		return CAPSA_ERR_ARG;
	}
	stmt_put_u64(&b, "threshold", g->threshold);
	for (size_t i = 0; i < g->num_proxies; i++) {
		if (capsa_recipient_encode(rec, sizeof rec, &g->proxies[i].key) != CAPSA_OK) {
			free(b.p);
			return CAPSA_ERR_ARG;
		}
		tlog_buf_str(&b, "proxy ");
		tlog_buf_str(&b, g->proxies[i].url);
		tlog_buf_str(&b, " ");
		tlog_buf_str(&b, rec);
		tlog_buf_str(&b, "\n");
	}
	stmt_put_u64(&b, "time", g->time);
	return tlog_buf_finish(&b, out, out_len);
}

/* `proxy <url> <recipient>` */
static capsa_status parse_proxy(const tlog_text *v, capsa_keeper_proxy *p)
{
	const char *sp = memchr(v->p, ' ', v->len);
	size_t url_len = sp != NULL ? (size_t)(sp - v->p) : 0;

	if (sp == NULL || !url_ok(v->p, url_len))
		return CAPSA_ERR_DECODE;
	memcpy(p->url, v->p, url_len);
	p->url[url_len] = '\0';
	if (capsa_recipient_decode(&p->key, sp + 1, v->len - url_len - 1) != CAPSA_OK)
		return CAPSA_ERR_DECODE;
	return p->key.has_ed25519 ? CAPSA_OK : CAPSA_ERR_KEY;
}

capsa_status capsa_keeper_grant_parse(capsa_keeper_grant *g, const char *text, size_t len)
{
	tlog_text t, v, save;
	uint64_t m = 0;
	capsa_status st;

	memset(g, 0, sizeof *g);
	if ((st = stmt_open(&t, text, len, GRANT_HEADER, "capsa-keeper/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "keeper", g->keeper) || !stmt_hex(&t, "grant", g->grant_id, CAPSA_GRANT_ID_BYTES) ||
	    !stmt_hex(&t, "content", g->content_id, CAPSA_CONTENT_ID_BYTES) || !stmt_field(&t, "file", &v) ||
	    !capsa_keeper_file_name_ok(v.p, v.len))
		st = CAPSA_ERR_DECODE;
	else
		memcpy(g->file, v.p, v.len);
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "owner", &g->owner);
	if (st == CAPSA_OK && (!stmt_u64(&t, "threshold", &m) || m < 1 || m > CAPSA_KEEPER_MAX_PROXIES))
		st = CAPSA_ERR_DECODE;
	g->threshold = (uint8_t)m;
	while (st == CAPSA_OK && (save = t, stmt_field(&t, "proxy", &v))) {
		if (g->num_proxies == CAPSA_KEEPER_MAX_PROXIES)
			st = CAPSA_ERR_DECODE;
		else
			st = parse_proxy(&v, &g->proxies[g->num_proxies++]);
	}
	if (st == CAPSA_OK)
		t = save;
	if (st == CAPSA_OK && (!stmt_u64(&t, "time", &g->time) || t.len != 0 || !grant_fields_ok(g)))
		st = CAPSA_ERR_DECODE;
	if (st != CAPSA_OK)
		memset(g, 0, sizeof *g);
	return st;
}

/* ---- access ----------------------------------------------------------------------- */

capsa_status capsa_keeper_access_format(char **out, size_t *out_len, const capsa_keeper_access *a)
{
	tlog_buf b = {0};

	*out = NULL;
	if (!stmt_is_party(a->keeper, strlen(a->keeper)) || (!a->allow && a->until != 0))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, ACCESS_HEADER "\n");
	stmt_put(&b, "keeper", a->keeper);
	stmt_put_hex(&b, "content", a->content_id, CAPSA_CONTENT_ID_BYTES);
	if (!stmt_put_recipient(&b, "recipient", &a->recipient)) {
		free(b.p);
		return CAPSA_ERR_ARG;
	}
	stmt_put(&b, "rule", a->allow ? "allow" : "deny");
	stmt_put_u64(&b, "until", a->until);
	stmt_put_hex(&b, "nonce", a->nonce, CAPSA_PROXY_NONCE_BYTES);
	stmt_put_u64(&b, "time", a->time);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_keeper_access_parse(capsa_keeper_access *a, const char *text, size_t len)
{
	tlog_text t, v;
	capsa_status st;

	memset(a, 0, sizeof *a);
	if ((st = stmt_open(&t, text, len, ACCESS_HEADER, "capsa-keeper/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "keeper", a->keeper) || !stmt_hex(&t, "content", a->content_id, CAPSA_CONTENT_ID_BYTES))
		st = CAPSA_ERR_DECODE;
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "recipient", &a->recipient);
	if (st == CAPSA_OK && (!stmt_field(&t, "rule", &v) || !(tlog_line_is(&v, "allow") || tlog_line_is(&v, "deny"))))
		st = CAPSA_ERR_DECODE;
	a->allow = st == CAPSA_OK && tlog_line_is(&v, "allow");
	if (st == CAPSA_OK && (!stmt_u64(&t, "until", &a->until) || (!a->allow && a->until != 0) ||
	                       !stmt_hex(&t, "nonce", a->nonce, CAPSA_PROXY_NONCE_BYTES) ||
	                       !stmt_u64(&t, "time", &a->time) || t.len != 0))
		st = CAPSA_ERR_DECODE;
	if (st != CAPSA_OK)
		memset(a, 0, sizeof *a);
	return st;
}

/* ---- fetch ------------------------------------------------------------------------ */

capsa_status capsa_keeper_fetch_format(char **out, size_t *out_len, const capsa_keeper_fetch *f)
{
	tlog_buf b = {0};

	*out = NULL;
	if (!stmt_is_party(f->keeper, strlen(f->keeper)) || !capsa_keeper_file_name_ok(f->file, strlen(f->file)))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, FETCH_HEADER "\n");
	stmt_put(&b, "keeper", f->keeper);
	stmt_put(&b, "file", f->file);
	if (!stmt_put_recipient(&b, "requester", &f->requester)) {
		free(b.p);
		return CAPSA_ERR_ARG;
	}
	stmt_put_hex(&b, "nonce", f->nonce, CAPSA_PROXY_NONCE_BYTES);
	stmt_put_u64(&b, "time", f->time);
	return tlog_buf_finish(&b, out, out_len);
}

capsa_status capsa_keeper_fetch_parse(capsa_keeper_fetch *f, const char *text, size_t len)
{
	tlog_text t, v;
	capsa_status st;

	memset(f, 0, sizeof *f);
	if ((st = stmt_open(&t, text, len, FETCH_HEADER, "capsa-keeper/")) != CAPSA_OK)
		return st;
	if (!stmt_party(&t, "keeper", f->keeper) || !stmt_field(&t, "file", &v) ||
	    !capsa_keeper_file_name_ok(v.p, v.len))
		st = CAPSA_ERR_DECODE;
	else
		memcpy(f->file, v.p, v.len);
	if (st == CAPSA_OK)
		st = stmt_recipient(&t, "requester", &f->requester);
	if (st == CAPSA_OK && (!stmt_hex(&t, "nonce", f->nonce, CAPSA_PROXY_NONCE_BYTES) ||
	                       !stmt_u64(&t, "time", &f->time) || t.len != 0))
		st = CAPSA_ERR_DECODE;
	if (st != CAPSA_OK)
		memset(f, 0, sizeof *f);
	return st;
}
