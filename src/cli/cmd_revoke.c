/* capsa revoke: the owner ends a grant on its proxies; each destroys its kfrag and logs it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

static const char help[] =
	"NAME\n"
	"     capsa revoke - end a grant on the proxies that hold it\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa revoke --owner IDENTITY --grant GRANT --proxy URL#RECIPIENT ... | --proxies FILE\n"
	"                  [-t M]\n"
	"\n"
	"DESCRIPTION\n"
	"     Sends a revocation signed by the owner to every proxy at once. Each\n"
	"     proxy that holds the grant destroys its kfrag (SQLite secure_delete,\n"
	"     its write-ahead log checkpointed away), keeps the grant as revoked,\n"
	"     logs the revocation and answers with a receipt, which is verified\n"
	"     against its pinned key; from then on it\n"
	"     refuses the grant with the problem \"revoked\". Revoking again is\n"
	"     harmless: a proxy answers with its first revocation's receipt. It\n"
	"     prints each proxy as confirmed or failed and why, then how many\n"
	"     confirmed. A recipient can open the file while M proxies still serve\n"
	"     the grant, so the revocation holds once more than N-M of the N\n"
	"     proxies comply; with -t M (the grant's threshold) it says whether that\n"
	"     is so, and fails if not.\n"
	"\n"
	"OPTIONS\n"
	"     --owner IDENTITY       the owner's identity file (the one that made the grant)\n"
	"     --grant GRANT          the grant id (capsa grant printed it)\n"
	"     --proxy URL#RECIPIENT  a proxy of the grant; repeat for each\n"
	"     --proxies FILE         proxies, one \"URL RECIPIENT\" a line\n"
	"     -t, --threshold M      the grant's threshold, to say whether the revocation holds\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa revoke --owner owner.txt --grant 5f0c... --proxies proxies -t 2\n";

static const char usage[] = "usage: capsa revoke --owner IDENTITY --grant GRANT --proxy URL#RECIPIENT ... [-t M]\n";

struct revoke_args {
	capsa_identity owner;
	bool have_owner, have_grant;
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	unsigned long threshold;
	cli_proxies proxies;
};

static char *revoke_body(const struct revoke_args *a, const capsa_proxy_peer *peer)
{
	capsa_proxy_revoke r;
	char *text = NULL, *body = NULL;
	size_t len;

	memcpy(r.proxy, peer->party, sizeof r.proxy);
	memcpy(r.grant_id, a->grant_id, sizeof r.grant_id);
	if (capsa_proxy_nonce(r.nonce, &r.time) == CAPSA_OK && capsa_proxy_revoke_format(&text, &len, &r) == CAPSA_OK)
		body = capsa_proxy_envelope(text, len, &a->owner, NULL, NULL);
	free(text);
	return body;
}

static size_t report(const struct revoke_args *a, const capsa_http_call *calls)
{
	size_t confirmed = 0;

	for (size_t i = 0; i < a->proxies.num; i++) {
		capsa_proxy_problem problem;
		char why[512];
		json_t *j = capsa_proxy_answer(&calls[i], &problem, why, sizeof why);
		const char *bad = j != NULL ? capsa_proxy_answer_receipt(json_object_get(j, "receipt"),
		                                                         &a->proxies.peers[i].key, CAPSA_EVENT_REVOKE,
		                                                         a->grant_id, NULL)
		                            : why;
		printf("  %s %s%s%s\n", bad == NULL ? "confirmed" : "failed   ", a->proxies.peers[i].url, bad ? ": " : "",
		       bad ? bad : "");
		confirmed += bad == NULL;
		json_decref(j);
	}
	return confirmed;
}

static int conclude(const struct revoke_args *a, size_t confirmed)
{
	size_t n = a->proxies.num;

	printf("%zu of %zu proxies confirmed the revocation\n", confirmed, n);
	if (a->threshold == 0) {
		printf("it holds once more than N-M of the grant's N proxies comply (M: its threshold)\n");
		return confirmed == n ? 0 : CLI_EXIT_FAIL;
	}
	if (confirmed > n - a->threshold) {
		printf("it holds: fewer than %lu proxies could still serve the grant\n", a->threshold);
		return 0;
	}
	printf("it does NOT hold yet: %zu proxies may still serve the grant, and %lu suffice\n", n - confirmed,
	       a->threshold);
	return CLI_EXIT_FAIL;
}

static char *make_body(void *arg, size_t i)
{
	struct revoke_args *a = arg;
	return revoke_body(a, &a->proxies.peers[i]);
}

static int revoke(struct revoke_args *a)
{
	capsa_http_client_opts opts;
	capsa_http_call *calls;
	int rc;

	capsa_http_client_opts_default(&opts);
	if ((calls = cli_net_post(&a->proxies, "/v1/revoke", make_body, a, &opts)) == NULL)
		return cli_fail("revoke", "the proxies", CAPSA_ERR_NOMEM);
	rc = conclude(a, report(a, calls));
	cli_net_calls_free(calls, a->proxies.num);
	return rc;
}

static int parse_args(struct revoke_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"owner", required_argument, NULL, 'O'},   {"grant", required_argument, NULL, 'G'},
		{"proxy", required_argument, NULL, 'P'},   {"proxies", required_argument, NULL, 'F'},
		{"threshold", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	char *end;
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "t:h", longs, NULL)) != -1) {
		switch (c) {
		case 'O':
			rc = cli_read_owner("revoke", optarg, &a->owner);
			a->have_owner = rc == 0;
			break;
		case 'G':
			if (!(a->have_grant = cli_net_grant_id(a->grant_id, optarg))) {
				fprintf(stderr, "capsa revoke: --grant %s: not a grant id (32 hex characters)\n", optarg);
				rc = CLI_EXIT_USAGE;
			}
			break;
		case 'P': rc = cli_net_add_proxy("revoke", &a->proxies, optarg); break;
		case 'F': rc = cli_net_add_proxies_file("revoke", &a->proxies, optarg); break;
		case 't':
			a->threshold = strtoul(optarg, &end, 10);
			if (*optarg < '1' || *optarg > '9' || *end != '\0' || a->threshold > CAPSA_UMBRAL_MAX_SHARES)
				rc = CLI_EXIT_USAGE;
			break;
		case 'h': cli_help(help, help_tail); return -1;
		default: rc = CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && (!a->have_owner || !a->have_grant || a->proxies.num == 0 || optind != argc ||
	                a->threshold > a->proxies.num))
		rc = CLI_EXIT_USAGE;
	if (rc == CLI_EXIT_USAGE)
		fputs(usage, stderr);
	return rc;
}

static int run(int argc, char **argv)
{
	struct revoke_args *a = calloc(1, sizeof *a);
	int rc;

	if (a == NULL)
		return cli_fail("revoke", "memory", CAPSA_ERR_NOMEM);
	if ((rc = parse_args(a, argc, argv)) == 0)
		rc = revoke(a);
	cli_net_proxies_clear(&a->proxies);
	capsa_identity_wipe(&a->owner);
	free(a);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_revoke = {"revoke", "end a grant on the proxies that hold it", run};
