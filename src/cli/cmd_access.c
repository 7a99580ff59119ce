/* capsa access: the owner's access list on a keeper, one recipient at a time. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/keeper.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_keeper.h"
#include "client/proxy_peer.h"
#include "client/proxy_request.h"

static const char help[] =
	"NAME\n"
	"     capsa access - allow or deny one recipient a content on a keeper\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa access --owner IDENTITY --keeper URL#RECIPIENT FILE --allow RECIPIENT [--until WHEN]\n"
	"     capsa access --owner IDENTITY --keeper URL#RECIPIENT FILE --deny RECIPIENT\n"
	"\n"
	"DESCRIPTION\n"
	"     Sends the keeper one rule of the access list of FILE's content, signed\n"
	"     by the owner: RECIPIENT may fetch its own copy (until WHEN: 90s, 12h,\n"
	"     30d or an RFC 3339 time), or may not. The keeper refuses every fetch\n"
	"     the current list does not allow: a recipient not listed, denied, or\n"
	"     whose time has passed. A later rule for the same recipient replaces the\n"
	"     earlier one. The keeper takes rules only from the owner whose grant it\n"
	"     holds for the content (capsa grant --to-keeper). FILE is the sealed file\n"
	"     (its header names the content).\n"
	"\n"
	"OPTIONS\n"
	"     --owner IDENTITY       the owner's identity file\n"
	"     --keeper URL#RECIPIENT the keeper, pinned to its recipient string (capsa keeper id)\n"
	"     --allow RECIPIENT      let this recipient fetch copies\n"
	"     --deny RECIPIENT       refuse this recipient from now on\n"
	"     --until WHEN           the allowance ends then (default: no end)\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa access --owner owner.txt --keeper \"$KEEPER\" model.capsa --allow capsa1... --until 30d\n";

struct access_args {
	capsa_identity owner;
	bool have_owner;
	const char *keeper, *allow, *deny, *until, *file;
};

static int parse(struct access_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"owner", required_argument, NULL, 'O'}, {"keeper", required_argument, NULL, 'K'},
		{"allow", required_argument, NULL, 'A'}, {"deny", required_argument, NULL, 'D'},
		{"until", required_argument, NULL, 'U'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'O': rc = cli_read_owner("access", optarg, &a->owner); a->have_owner = rc == 0; break;
		case 'K': a->keeper = optarg; break;
		case 'A': a->allow = optarg; break;
		case 'D': a->deny = optarg; break;
		case 'U': a->until = optarg; break;
		case 'h': cli_help(help, help_tail); return -1;
		default: return CLI_EXIT_USAGE;
		}
	}
	if (rc != 0)
		return rc;
	if (!a->have_owner || a->keeper == NULL || (a->allow == NULL) == (a->deny == NULL) ||
	    (a->deny != NULL && a->until != NULL) || argc - optind != 1)
		return CLI_EXIT_USAGE;
	a->file = argv[optind];
	return 0;
}

/* The rule, from the options and FILE's header. */
static int make_rule(const struct access_args *a, const capsa_proxy_peer *keeper, capsa_keeper_access *r)
{
	const char *who = a->allow != NULL ? a->allow : a->deny;
	capsa_umbral_stanza s;
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	int rc = cli_read_header("access", a->file, &hdr, &hdr_len);
	capsa_status st;

	if (rc != 0)
		return rc;
	st = capsa_umbral_stanza_find(&s, hdr, hdr_len);
	free(hdr);
	if (st != CAPSA_OK)
		return cli_fail("access", a->file, st);
	memset(r, 0, sizeof *r);
	memcpy(r->keeper, keeper->party, sizeof r->keeper);
	memcpy(r->content_id, s.content_id, sizeof r->content_id);
	if ((st = capsa_recipient_decode(&r->recipient, who, strlen(who))) != CAPSA_OK || !r->recipient.has_ed25519)
		return cli_key_fail("access", who, 0, st != CAPSA_OK ? st : CAPSA_ERR_KEY);
	r->allow = a->allow != NULL;
	if (capsa_proxy_nonce(r->nonce, &r->time) != CAPSA_OK)
		return CLI_EXIT_FAIL;
	if (a->until != NULL && capsa_when_parse(&r->until, a->until, r->time) != CAPSA_OK) {
		fprintf(stderr, "capsa access: --until %s: not a duration (90s, 12h, 30d) or an RFC 3339 time\n", a->until);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int send_rule(const struct access_args *a)
{
	capsa_proxy_peer keeper = {0};
	capsa_keeper_access r;
	char err[512] = "", *text = NULL;
	size_t len;
	json_t *answer = NULL;
	int rc;

	if (capsa_proxy_peer_parse(&keeper, a->keeper, err, sizeof err) != CAPSA_OK) {
		fprintf(stderr, "capsa access: %s\n", err);
		return CLI_EXIT_USAGE;
	}
	if ((rc = make_rule(a, &keeper, &r)) == 0 && capsa_keeper_access_format(&text, &len, &r) != CAPSA_OK)
		rc = CLI_EXIT_FAIL;
	if (rc == 0 && (rc = cli_keeper_post("access", &a->owner, keeper.url, "/v1/access", text, len, &answer)) == 0)
		printf("%s: %s %s%s%s\n", keeper.url, r.allow ? "allowed" : "denied",
		       json_string_value(json_object_get(answer, "recipient")), r.until ? " until " : "",
		       r.until ? a->until : "");
	json_decref(answer);
	free(text);
	capsa_proxy_peer_clear(&keeper);
	return rc;
}

static int run(int argc, char **argv)
{
	struct access_args a = {0};
	int rc = parse(&a, argc, argv);

	if (rc == CLI_EXIT_USAGE)
		fputs("usage: capsa access --owner IDENTITY --keeper URL#RECIPIENT FILE --allow RECIPIENT [--until WHEN]"
		      " | --deny RECIPIENT\n", stderr);
	if (rc == 0)
		rc = send_rule(&a);
	capsa_identity_wipe(&a.owner);
	return rc == -1 ? 0 : rc;
}

const struct cli_verb cli_verb_access = {"access", "allow or deny a recipient a content on a keeper", run};
