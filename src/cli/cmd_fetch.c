/* capsa fetch: a recipient's own copy of a file, from a keeper (strict mode). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/file.h>
#include <capsa/keeper.h>
#include <capsa/util.h>

#include "cli.h"
#include "client/http_client.h"
#include "client/proxy_answer.h"
#include "client/proxy_peer.h"
#include "client/proxy_request.h"

static const char help[] =
	"NAME\n"
	"     capsa fetch - a recipient's own copy of a file, from a keeper\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa fetch --keeper URL#RECIPIENT -i IDENTITY NAME -o OUT\n"
	"\n"
	"DESCRIPTION\n"
	"     Asks the keeper, in a request signed by IDENTITY, for a copy of the\n"
	"     file NAME in its store (doc/STRICT.md). If the owner's access list\n"
	"     allows this recipient, the keeper obtains the file's key through the\n"
	"     proxies and streams a copy sealed under a fresh key of this recipient's\n"
	"     own, with one stanza (to IDENTITY), signed by the keeper. The copy is\n"
	"     checked whole before OUT appears: it must open with IDENTITY, every\n"
	"     chunk verify, and the keeper's pinned key have signed it; a keeper that\n"
	"     stops mid-way or sends anything else leaves no OUT and a clear error.\n"
	"     Open it with capsa open; capsa open --signer PRODUCER proves that its\n"
	"     plaintext is exactly the producer's.\n"
	"\n"
	"OPTIONS\n"
	"     --keeper URL#RECIPIENT the keeper, pinned to its recipient string (capsa keeper id)\n"
	"     -i, --identity IDENTITY  the recipient's identity file\n"
	"     -o, --output OUT         where the copy goes (replaced only when it is complete)\n"
	"     -h, --help               show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa fetch --keeper \"$KEEPER\" -i alice.txt model.capsa -o model.alice.capsa\n";

struct fetch_args {
	capsa_identity *ids;
	size_t num_ids;
	const char *keeper, *name, *out;
};

static char *fetch_body(const capsa_identity *me, const capsa_proxy_peer *keeper, const char *name)
{
	capsa_keeper_fetch f = {0};
	char *text = NULL, *body = NULL;
	size_t len;

	memcpy(f.keeper, keeper->party, sizeof f.keeper);
	snprintf(f.file, sizeof f.file, "%s", name);
	capsa_identity_recipient(&f.requester, me);
	if (capsa_proxy_nonce(f.nonce, &f.time) == CAPSA_OK && capsa_keeper_fetch_format(&text, &len, &f) == CAPSA_OK)
		body = capsa_proxy_envelope(text, len, me, NULL, NULL);
	free(text);
	return body;
}

/* The copy in |fd|: it opens with our identities, every chunk verifies, and the keeper signed it. */
static int check_copy(const struct fetch_args *a, const capsa_proxy_peer *keeper, int fd)
{
	capsa_unlock u = {.identities = a->ids, .num_identities = a->num_ids};
	capsa_verify_opts o = {.require_signer = keeper->key.ed25519_public, .unlock = &u};
	capsa_verify_result res;
	capsa_status st = lseek(fd, 0, SEEK_SET) == 0 ? capsa_verify_fd(&res, fd, &o) : CAPSA_ERR_IO;

	if (st == CAPSA_OK && res.copy)
		return 0;
	fprintf(stderr, "capsa fetch: %s: the copy does not verify (%s); nothing written\n", keeper->url,
	        st == CAPSA_OK ? "not a copy" : capsa_status_str(st));
	return st == CAPSA_OK ? CLI_EXIT_SIGNED : cli_exit_code(st);
}

static int fetch(const struct fetch_args *a)
{
	capsa_proxy_peer keeper = {0};
	capsa_output out = CAPSA_OUTPUT_INIT;
	capsa_proxy_problem problem;
	char err[512] = "", url[2048];
	capsa_http_call c = {.url = url, .content_type = "application/json", .download = true};
	json_t *refusal;
	int rc = 0;

	if (capsa_proxy_peer_parse(&keeper, a->keeper, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa fetch: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	snprintf(url, sizeof url, "%s/v1/fetch", keeper.url);
	char *body = fetch_body(&a->ids[0], &keeper, a->name);
	capsa_status st = body == NULL ? CAPSA_ERR_ARG : capsa_output_open(&out, a->out, 0, NULL, 0);
	if (st != CAPSA_OK) {
		rc = body == NULL ? CLI_EXIT_USAGE : cli_fail("fetch", a->out, st);
		goto done;
	}
	c.body = (const uint8_t *)body;
	c.body_len = strlen(body);
	c.download_fd = out.fd;
	c.timeout_ms = 60000;
	if (capsa_http_parallel(&c, 1, NULL) != CAPSA_OK || c.outcome != CAPSA_HTTP_DONE || c.status != 200) {
		refusal = capsa_proxy_answer(&c, &problem, err, sizeof err);
		fprintf(stderr, "capsa fetch: %s: %s\n", keeper.url, c.outcome != CAPSA_HTTP_DONE ? c.error : err);
		json_decref(refusal);
		rc = CLI_EXIT_FAIL;
	} else if ((rc = check_copy(a, &keeper, out.fd)) == 0 && (st = capsa_output_commit(&out)) != CAPSA_OK) {
		rc = cli_fail("fetch", a->out, st);
	} else if (rc == 0) {
		fprintf(stderr, "capsa fetch: %s: a copy of %s for this identity, %llu bytes, signed by the keeper\n",
		        keeper.url, a->name, (unsigned long long)c.downloaded);
	}
done:
	if (rc != 0)
		capsa_output_abort(&out);
	capsa_http_call_clear(&c);
	free(body);
	capsa_proxy_peer_clear(&keeper);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longs[] = {
		{"keeper", required_argument, NULL, 'K'}, {"identity", required_argument, NULL, 'i'},
		{"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct fetch_args a = {0};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "i:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'K': a.keeper = optarg; break;
		case 'i': rc = cli_add_identities("fetch", optarg, &a.ids, &a.num_ids); break;
		case 'o': a.out = optarg; break;
		case 'h': cli_help(help, help_tail); return 0;
		default: rc = CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && (a.keeper == NULL || a.num_ids == 0 || a.out == NULL || argc - optind != 1))
		rc = CLI_EXIT_USAGE;
	if (rc == CLI_EXIT_USAGE)
		fputs("usage: capsa fetch --keeper URL#RECIPIENT -i IDENTITY NAME -o OUT\n", stderr);
	if (rc == 0 && !capsa_keeper_file_name_ok(argv[optind], strlen(argv[optind]))) {
		fprintf(stderr, "capsa fetch: %s: not a name in a keeper's store ([A-Za-z0-9._-], 1 to 255, no leading '.')\n",
		        argv[optind]);
		rc = CLI_EXIT_USAGE;
	}
	if (rc == 0) {
		a.name = argv[optind];
		rc = fetch(&a);
	}
	capsa_identity_list_free(a.ids, a.num_ids);
	return rc;
}

const struct cli_verb cli_verb_fetch = {"fetch", "fetch a copy of a file for this recipient, from a keeper", run};
