/*
 * bench/proxy_load - re-encryption requests against one running proxy from
 * many concurrent clients, and the in-process re-encryption rate to set
 * beside it. Every request is a real signed statement with its own nonce
 * (built before the clock starts) asking for the capsules of every FILE
 * under its GRANT, answered only after the proxy's log committed their
 * entries: the re-encryption rate is also the rate of acknowledged log
 * appends.
 *
 *   proxy_load load URL PROXY_RECIPIENT RECIPIENT_ID REQUESTS CLIENTS SECONDS GRANT FILE [GRANT FILE ...]
 *   proxy_load local OWNER_ID RECIPIENT_ID FILE THREADS SECONDS
 *
 * Each prints one JSON object.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <capsa/capsa.h>

#include "client/http_client.h"
#include "cli/cli_net.h"

struct load {
	char url[2048];
	char **bodies;
	size_t n;
	atomic_size_t next;
	double *latency_ms;
	atomic_size_t ok, failed;
	double deadline;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One client: one keep-alive connection, one request at a time, as a busy HTTP client runs. */
static void *client(void *arg)
{
	struct load *l = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	size_t i;

	curl_easy_setopt(c, CURLOPT_URL, l->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	while ((i = atomic_fetch_add(&l->next, 1)) < l->n && now_s() < l->deadline) {
		long status = 0;
		double t0 = now_s();
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, l->bodies[i]);
		bool good = curl_easy_perform(c) == CURLE_OK &&
		            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK && status == 200;
		l->latency_ms[i] = (now_s() - t0) * 1e3;
		atomic_fetch_add(good ? &l->ok : &l->failed, 1);
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return NULL;
}

struct local {
	const capsa_kfrag_file *kf;
	const uint8_t *capsule;
	double deadline;
	size_t done;
};

static void *reencrypt_loop(void *arg)
{
	struct local *w = arg;
	capsa_cfrag_file cf;

	while (now_s() < w->deadline)
		if (capsa_grant_reencrypt_capsule(&cf, w->kf, w->capsule, CAPSA_UMBRAL_CAPSULE_BYTES, NULL) == CAPSA_OK)
			w->done++;
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static bool read_id(capsa_identity *id, const char *path)
{
	capsa_identity *ids = NULL;
	size_t n = 0, line = 0;

	if (capsa_identity_file_read(&ids, &n, path, &line) != CAPSA_OK)
		return false;
	*id = ids[0];
	capsa_identity_list_free(ids, n);
	return true;
}

/* The header and Umbral stanza of a sealed file. */
static bool read_stanza(capsa_umbral_stanza *s, uint8_t **hdr, size_t *hdr_len, const char *path)
{
	capsa_header_info info = {0};
	FILE *f = fopen(path, "rb");
	bool ok = f != NULL && capsa_inspect_fd(&info, hdr, hdr_len, fileno(f)) == CAPSA_OK &&
	          capsa_umbral_stanza_find(s, *hdr, *hdr_len) == CAPSA_OK;

	capsa_header_info_free(&info);
	if (f != NULL)
		fclose(f);
	return ok;
}

/*
 * The in-process rate: capsa_grant_reencrypt_capsule of a fresh grant of
 * FILE in a loop on THREADS threads, with no network, JSON, signatures or
 * log: what the proxy's cores could do at most.
 */
static int local_rate(int argc, char **argv)
{
	capsa_identity owner, to;
	capsa_recipient r;
	capsa_umbral_stanza s;
	capsa_kfrag_file kf;
	uint8_t capsule[CAPSA_UMBRAL_CAPSULE_BYTES], *hdr = NULL;
	size_t hdr_len = 0, total = 0;
	unsigned threads;
	struct local w[64];
	pthread_t t[64];

	if (argc != 7 || !read_id(&owner, argv[2]) || !read_id(&to, argv[3]) || !read_stanza(&s, &hdr, &hdr_len, argv[4]) ||
	    (threads = (unsigned)strtoul(argv[5], NULL, 10)) == 0 || threads > 64)
		return 2;
	capsa_identity_recipient(&r, &to);
	if (capsa_grant_create(&kf, &owner, &r, 1, 1, hdr, hdr_len, NULL) != CAPSA_OK)
		return 1;
	capsa_umbral_capsule_to_bytes(capsule, &s.capsule);
	double start = now_s();
	for (unsigned i = 0; i < threads; i++) {
		w[i] = (struct local){&kf, capsule, start + strtod(argv[6], NULL), 0};
		pthread_create(&t[i], NULL, reencrypt_loop, &w[i]);
	}
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += w[i].done;
	}
	printf("{\"threads\": %u, \"reencryptions_per_s\": %.1f}\n", threads, (double)total / (now_s() - start));
	return 0;
}

static int load(int argc, char **argv)
{
	capsa_identity me;
	capsa_recipient proxy;
	capsa_umbral_stanza s[CAPSA_PROXY_MAX_ITEMS];
	uint8_t grants[CAPSA_PROXY_MAX_ITEMS][CAPSA_GRANT_ID_BYTES];
	size_t n, clients, items = (size_t)(argc - 8) / 2;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	struct load l = {0};
	pthread_t t[256];

	if (argc < 10 || argc % 2 != 0 || items > CAPSA_PROXY_MAX_ITEMS ||
	    capsa_recipient_decode(&proxy, argv[3], strlen(argv[3])) != CAPSA_OK || !read_id(&me, argv[4]))
		return 2;
	for (size_t i = 0; i < items; i++) {
		uint8_t *hdr = NULL;
		size_t hdr_len = 0;
		if (!cli_net_grant_id(grants[i], argv[8 + 2 * i]) || !read_stanza(&s[i], &hdr, &hdr_len, argv[9 + 2 * i]))
			return 2;
		free(hdr);
	}
	n = strtoul(argv[5], NULL, 10);
	clients = strtoul(argv[6], NULL, 10);
	if (n == 0 || clients == 0 || clients > 256)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	capsa_party_id(party, proxy.ed25519_public);
	snprintf(l.url, sizeof l.url, "%s/v1/reencrypt", argv[2]);
	l.bodies = calloc(n, sizeof *l.bodies);
	l.latency_ms = calloc(n, sizeof *l.latency_ms);
	for (size_t i = 0; i < n; i++)
		if ((l.bodies[i] = capsa_proxy_reencrypt_body(&me, party, grants, s, items)) == NULL)
			return 1;
	l.n = n;
	double start = now_s();
	l.deadline = start + strtod(argv[7], NULL);
	for (size_t i = 0; i < clients; i++)
		pthread_create(&t[i], NULL, client, &l);
	for (size_t i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	double wall = now_s() - start;
	size_t done = atomic_load(&l.ok) + atomic_load(&l.failed);
	qsort(l.latency_ms, done, sizeof *l.latency_ms, cmp);
	printf("{\"requests\": %zu, \"ok\": %zu, \"failed\": %zu, \"clients\": %zu, \"items\": %zu, \"seconds\": %.2f, "
	       "\"requests_per_s\": %.1f, \"reencryptions_per_s\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f}\n",
	       done, atomic_load(&l.ok), atomic_load(&l.failed), clients, items, wall, atomic_load(&l.ok) / wall,
	       atomic_load(&l.ok) * items / wall, done ? l.latency_ms[done / 2] : 0,
	       done ? l.latency_ms[(size_t)(done * 0.99)] : 0);
	return atomic_load(&l.failed) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc > 1 && strcmp(argv[1], "load") == 0)
		rc = load(argc, argv);
	else if (argc > 1 && strcmp(argv[1], "local") == 0)
		rc = local_rate(argc, argv);
	if (rc == 2)
		fputs("usage: proxy_load load URL PROXY_RECIPIENT RECIPIENT_ID REQUESTS CLIENTS SECONDS GRANT FILE [GRANT FILE ...]\n"
		      "       proxy_load local OWNER_ID RECIPIENT_ID FILE THREADS SECONDS\n",
		      stderr);
	return rc;
}
