/* What the network verbs share (cli_net.h). */
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

static int add_failed(const char *verb, capsa_status st, const char *err)
{
	fprintf(stderr, "capsa %s: %s\n", verb, err);
	return st == CAPSA_ERR_KEY ? CLI_EXIT_KEY : st == CAPSA_ERR_IO ? CLI_EXIT_IO : CLI_EXIT_USAGE;
}

int cli_net_add_proxy(const char *verb, cli_proxies *ps, const char *spec)
{
	char err[512] = "";
	capsa_status st;

	if (ps->num == CAPSA_PROXY_PEERS_MAX)
		return add_failed(verb, CAPSA_ERR_RANGE, "more than 255 proxies");
	if ((st = capsa_proxy_peer_parse(&ps->peers[ps->num], spec, err, sizeof err)) != CAPSA_OK)
		return add_failed(verb, st, err);
	if (!ps->peers[ps->num].pinned)
		fprintf(stderr,
		        "capsa %s: WARNING: %s is not pinned: its key was fetched from it just now and is trusted as is.\n"
		        "    Pin it with --proxy '%s#<recipient>' (capsa proxy id prints it on the proxy's host).\n",
		        verb, ps->peers[ps->num].url, ps->peers[ps->num].url);
	ps->num++;
	return 0;
}

int cli_net_add_proxies_file(const char *verb, cli_proxies *ps, const char *path)
{
	char err[512] = "";
	capsa_status st = capsa_proxy_peers_file(ps->peers, &ps->num, CAPSA_PROXY_PEERS_MAX, path, err, sizeof err);

	return st == CAPSA_OK ? 0 : add_failed(verb, st, err);
}

void cli_net_proxies_clear(cli_proxies *ps)
{
	for (size_t i = 0; i < ps->num; i++)
		capsa_proxy_peer_clear(&ps->peers[i]);
	ps->num = 0;
}

bool cli_net_grant_id(uint8_t out[CAPSA_GRANT_ID_BYTES], const char *s)
{
	size_t n = 0;
	return strlen(s) == 2 * CAPSA_GRANT_ID_BYTES && capsa_hex_decode(out, CAPSA_GRANT_ID_BYTES, &n, s) &&
	       n == CAPSA_GRANT_ID_BYTES;
}

void cli_net_calls_free(capsa_http_call *calls, size_t n)
{
	for (size_t i = 0; calls != NULL && i < n; i++) {
		free((char *)calls[i].url);
		free((uint8_t *)calls[i].body);
		capsa_http_call_clear(&calls[i]);
	}
	free(calls);
}

capsa_http_call *cli_net_post(const cli_proxies *ps, const char *route, cli_net_body_fn make, void *arg,
                              const capsa_http_client_opts *opts)
{
	capsa_http_call *calls = calloc(ps->num, sizeof *calls);
	char url[2048];
	bool ok = calls != NULL;

	for (size_t i = 0; ok && i < ps->num; i++) {
		char *body = make(arg, i);
		snprintf(url, sizeof url, "%s%s", ps->peers[i].url, route);
		calls[i].body = (const uint8_t *)body;
		ok = body != NULL && (calls[i].url = strdup(url)) != NULL;
		if (ok) {
			calls[i].body_len = strlen(body);
			calls[i].content_type = "application/json";
		}
	}
	if (ok && capsa_http_parallel(calls, ps->num, opts) == CAPSA_OK)
		return calls;
	cli_net_calls_free(calls, ps->num);
	return NULL;
}
