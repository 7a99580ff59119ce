/* Naming proxies: URL#RECIPIENT, a bare URL, or a file of them (proxy_peer.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/file.h>

#include "client/http_client.h"
#include "client/proxy_peer.h"

static bool http_url(const char *s, size_t len)
{
	return (len > 7 && strncmp(s, "http://", 7) == 0) || (len > 8 && strncmp(s, "https://", 8) == 0);
}

static capsa_status set_key(capsa_proxy_peer *p, const char *s, size_t len, char *err, size_t err_len)
{
	capsa_status st = capsa_recipient_decode(&p->key, s, len);

	if (st == CAPSA_OK && !p->key.has_ed25519)
		st = CAPSA_ERR_KEY;
	if (st != CAPSA_OK) {
		snprintf(err, err_len, "%s: not a proxy's recipient string (capsa1..., type 2)", p->url);
		return CAPSA_ERR_KEY;
	}
	capsa_party_id(p->party, p->key.ed25519_public);
	return CAPSA_OK;
}

/* Fetches URL/v1/id: trust on first use, and the caller says so. */
static capsa_status fetch_key(capsa_proxy_peer *p, char *err, size_t err_len)
{
	capsa_http_client_opts opts;
	capsa_http_call call;
	char url[2048];
	json_t *j = NULL;
	const char *rec;
	capsa_status st = CAPSA_ERR_IO;

	capsa_http_client_opts_default(&opts);
	snprintf(url, sizeof url, "%s/v1/id", p->url);
	if (capsa_http_get(&call, url, &opts) == CAPSA_OK && call.outcome == CAPSA_HTTP_DONE && call.status == 200 &&
	    (j = json_loadb((const char *)call.response, call.response_len, 0, NULL)) != NULL &&
	    (rec = json_string_value(json_object_get(j, "recipient"))) != NULL)
		st = set_key(p, rec, strlen(rec), err, err_len);
	else
		snprintf(err, err_len, "%s: cannot fetch its key: %s", p->url,
		         call.outcome != CAPSA_HTTP_DONE ? call.error : "no recipient in /v1/id");
	json_decref(j);
	capsa_http_call_clear(&call);
	return st;
}

capsa_status capsa_proxy_peer_parse(capsa_proxy_peer *p, const char *spec, char *err, size_t err_len)
{
	const char *hash = strchr(spec, '#');
	size_t url_len = hash != NULL ? (size_t)(hash - spec) : strlen(spec);
	capsa_status st;

	memset(p, 0, sizeof *p);
	while (url_len > 0 && spec[url_len - 1] == '/')
		url_len--;
	if (!http_url(spec, url_len) || (p->url = strndup(spec, url_len)) == NULL) {
		snprintf(err, err_len, "%s: not an http:// or https:// URL", spec);
		return CAPSA_ERR_ARG;
	}
	p->pinned = hash != NULL;
	st = hash != NULL ? set_key(p, hash + 1, strlen(hash + 1), err, err_len) : fetch_key(p, err, err_len);
	if (st != CAPSA_OK)
		capsa_proxy_peer_clear(p);
	return st;
}

capsa_status capsa_proxy_peers_file(capsa_proxy_peer *peers, size_t *num, size_t max, const char *path, char *err,
                                    size_t err_len)
{
	uint8_t *text = NULL;
	size_t len = 0, line_no = 0;
	char *save = NULL, spec[4096];
	capsa_status st = capsa_file_read(&text, &len, path, 1 << 20);

	if (st != CAPSA_OK) {
		snprintf(err, err_len, "%s: cannot read", path);
		return st;
	}
	text[len] = '\0';
	for (char *line = strtok_r((char *)text, "\n", &save); st == CAPSA_OK && line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char url[2048], rec[512], extra;
		line_no++;
		line[strcspn(line, "\r#")] = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		if (sscanf(line, " %2047s %511s %c", url, rec, &extra) != 2) {
			snprintf(err, err_len, "%s:%zu: not \"URL RECIPIENT\"", path, line_no);
			st = CAPSA_ERR_DECODE;
		} else if (*num == max) {
			snprintf(err, err_len, "%s: more than %zu proxies", path, max);
			st = CAPSA_ERR_RANGE;
		} else {
			snprintf(spec, sizeof spec, "%s#%s", url, rec);
			if ((st = capsa_proxy_peer_parse(&peers[*num], spec, err, err_len)) == CAPSA_OK)
				(*num)++;
		}
	}
	free(text);
	return st;
}

void capsa_proxy_peer_clear(capsa_proxy_peer *p)
{
	free(p->url);
	memset(p, 0, sizeof *p);
}
