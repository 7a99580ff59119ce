/*
 * bench/proxy_load - re-encryption requests against one running proxy from
 * many concurrent clients, beside the in-process re-encryption rate of the
 * same grant on the same cores. Every request is a real signed statement
 * with its own nonce (built before the clock starts), answered only after
 * the proxy's log committed it: the request rate is also the rate of
 * acknowledged log appends.
 *
 *   proxy_load URL PROXY_RECIPIENT OWNER_ID RECIPIENT_ID GRANT FILE REQUESTS CLIENTS SECONDS
 *
 * Prints one JSON object.
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

/* The in-process rate: what the proxy's cores could do with no network, JSON, signatures or log. */
static double local_rate(const capsa_identity *owner, const capsa_identity *to, const uint8_t *hdr, size_t hdr_len,
                         const capsa_umbral_stanza *s, unsigned threads)
{
	capsa_kfrag_file kf;
	capsa_recipient r;
	uint8_t capsule[CAPSA_UMBRAL_CAPSULE_BYTES];
	struct local w[16];
	pthread_t t[16];
	double start = now_s();
	size_t total = 0;

	capsa_identity_recipient(&r, to);
	if (capsa_grant_create(&kf, owner, &r, 1, 1, hdr, hdr_len, NULL) != CAPSA_OK)
		return 0;
	capsa_umbral_capsule_to_bytes(capsule, &s->capsule);
	for (unsigned i = 0; i < threads; i++) {
		w[i] = (struct local){&kf, capsule, start + 3.0, 0};
		pthread_create(&t[i], NULL, reencrypt_loop, &w[i]);
	}
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += w[i].done;
	}
	return (double)total / (now_s() - start);
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

int main(int argc, char **argv)
{
	capsa_identity owner, me;
	capsa_recipient proxy;
	capsa_umbral_stanza s;
	capsa_header_info info;
	uint8_t grant[16], *hdr = NULL;
	size_t hdr_len = 0, n, clients;
	char party[65];
	struct load l = {0};
	pthread_t t[256];
	FILE *f;

	if (argc != 10 || capsa_recipient_decode(&proxy, argv[2], strlen(argv[2])) != CAPSA_OK ||
	    !read_id(&owner, argv[3]) || !read_id(&me, argv[4]) || !cli_net_grant_id(grant, argv[5]) ||
	    (f = fopen(argv[6], "rb")) == NULL) {
		fputs("usage: proxy_load URL PROXY_RECIPIENT OWNER_ID RECIPIENT_ID GRANT FILE REQUESTS CLIENTS SECONDS\n", stderr);
		return 2;
	}
	if (capsa_inspect_fd(&info, &hdr, &hdr_len, fileno(f)) != CAPSA_OK || capsa_umbral_stanza_find(&s, hdr, hdr_len) != CAPSA_OK)
		return 2;
	fclose(f);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	n = strtoul(argv[7], NULL, 10);
	clients = strtoul(argv[8], NULL, 10);
	if (clients == 0 || clients > 256)
		return 2;
	capsa_party_id(party, proxy.ed25519_public);
	snprintf(l.url, sizeof l.url, "%s/v1/reencrypt", argv[1]);
	l.bodies = calloc(n, sizeof *l.bodies);
	l.latency_ms = calloc(n, sizeof *l.latency_ms);
	for (size_t i = 0; i < n; i++)
		if ((l.bodies[i] = cli_net_reencrypt_body(&me, party, grant, &s)) == NULL)
			return 1;
	l.n = n;
	double start = now_s();
	l.deadline = start + strtod(argv[9], NULL);
	for (size_t i = 0; i < clients; i++)
		pthread_create(&t[i], NULL, client, &l);
	for (size_t i = 0; i < clients; i++)
		pthread_join(t[i], NULL);
	double wall = now_s() - start;
	size_t done = atomic_load(&l.ok) + atomic_load(&l.failed);
	qsort(l.latency_ms, done, sizeof *l.latency_ms, cmp);
	double local = local_rate(&owner, &me, hdr, hdr_len, &s, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	double rate = (double)atomic_load(&l.ok) / wall;
	printf("{\"requests\": %zu, \"ok\": %zu, \"failed\": %zu, \"clients\": %zu, \"seconds\": %.2f, "
	       "\"requests_per_s\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f, \"in_process_per_s\": %.1f, "
	       "\"ratio\": %.3f}\n",
	       done, atomic_load(&l.ok), atomic_load(&l.failed), clients, wall, rate,
	       done ? l.latency_ms[done / 2] : 0, done ? l.latency_ms[(size_t)(done * 0.99)] : 0, local,
	       local > 0 ? rate / local : 0);
	return atomic_load(&l.failed) == 0 ? 0 : 1;
}
