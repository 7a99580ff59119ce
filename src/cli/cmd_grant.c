/* capsa grant: the owner splits a file's re-encryption key for one recipient into N kfrag files. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/grant.h>
#include <capsa/keys.h>

#include "cli.h"
#if CAPSA_WITH_NET
#include <capsa/proxy.h>
#include <time.h>

#include "cli_keeper.h"
#include "cli_net.h"
#endif

static const char help[] =
	"NAME\n"
	"     capsa grant - let a recipient open one file through M of N proxies\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa grant --owner IDENTITY --to RECIPIENT -t M -n N -o DIR FILE\n"
	"     capsa grant --owner IDENTITY --to RECIPIENT -t M --proxy URL#RECIPIENT ... | --proxies FILE\n"
	"                 [--expires WHEN] [--max-uses K] [--record RECORD] FILE\n"
	"     capsa grant --republish RECORD --owner IDENTITY --proxy URL#RECIPIENT ...\n"
	"     capsa grant --owner IDENTITY --to-keeper URL --policy POLICY -t M --proxy URL#RECIPIENT ... FILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Reads the header of FILE, which must carry an umbral stanza (capsa seal\n"
	"     --owner), checks with the owner's identity that the stanza is the owner's\n"
	"     and that the header is intact, and splits the file's re-encryption key\n"
	"     for RECIPIENT into N kfrags, any M of which let proxies re-encrypt the\n"
	"     file's capsule for RECIPIENT (capsa reencrypt). The kfrags are signed by\n"
	"     the owner and cover both the file's key and the recipient's.\n"
	"\n"
	"     The kfrags are written to DIR/1.kfrag ... DIR/N.kfrag (DIR is created\n"
	"     with mode 0700 if missing), each with mode 0600 and never over an\n"
	"     existing file, not even through a symbolic link (an existing device,\n"
	"     FIFO or socket is written in place); their paths are printed on\n"
	"     standard output. Each kfrag\n"
	"     is the secret one proxy holds: give each to a different proxy, over a\n"
	"     confidential channel (once proxies run as services, capsa encrypts each\n"
	"     kfrag to its proxy's key). A grant opens this file only: when the\n"
	"     proxies delete its kfrags, opens not yet made are refused, and no other\n"
	"     grant or file is touched.\n"
	"\n"
	"     With --proxy (or --proxies), each of the N proxies named gets one\n"
	"     kfrag, encrypted to its key (HPKE), under a grant statement the owner\n"
	"     signs. Each proxy checks the kfrag, stores it, logs the grant on its\n"
	"     transparency log and answers with a receipt, which is verified against\n"
	"     the proxy's pinned key. It prints \"grant: ID\" (the recipient needs it:\n"
	"     capsa open --grant ID), then each proxy as accepted or failed and why,\n"
	"     and fails unless at least M accepted. --expires WHEN (90s, 12h, 30d,\n"
	"     or an RFC 3339 time) ends the grant; --max-uses K lets each proxy\n"
	"     serve K re-encryptions of it. capsa revoke ends it early.\n"
	"\n"
	"     The owner keeps a grant record, RECORD (default FILE.grant-<8 hex of\n"
	"     the id>, mode 0600, signed by the owner): the grant's fields, each\n"
	"     kfrag encrypted to the owner's own key, and what each proxy holds.\n"
	"     --republish RECORD gives the grant again to the proxies listed, the\n"
	"     i-th getting kfrag i: a proxy that holds it already answers as before\n"
	"     (idempotent), and a replacement for a lost proxy gets that kfrag\n"
	"     encrypted to its own key. FILE is not needed.\n"
	"\n"
	"     --to-keeper URL --policy POLICY grants to a keeper (strict mode,\n"
	"     doc/STRICT.md) instead of --to: it first asks the keeper for\n"
	"     attestation evidence with a fresh nonce and checks it under POLICY (a\n"
	"     policy file, doc/ATTESTATION.md; capsa keeper policy prints one), and\n"
	"     grants to the recipient string the evidence binds only if every check\n"
	"     passes; otherwise it names the failed check and exits 20.\n"
	"\n"
	"     This is delegated mode: a recipient who opens the file holds its key.\n"
	"\n"
	"OPTIONS\n"
	"     --owner IDENTITY     the owner's identity file (its first identity)\n"
	"     --to RECIPIENT       the recipient (capsa1...)\n"
	"     -t, --threshold M    how many kfrags a re-encryption needs (1 to N)\n"
	"     -n, --shares N       how many kfrags to make (1 to 255)\n"
	"     -o, --output DIR     the directory for the kfrag files\n"
	"     --proxy URL#RECIPIENT  a proxy, pinned to its recipient string (capsa proxy id);\n"
	"                          a bare URL fetches its key, with a warning; repeat for each\n"
	"     --proxies FILE       proxies, one \"URL RECIPIENT\" a line (# comments)\n"
	"     --expires WHEN       the grant ends then: 90s, 12h, 30d, 2w or an RFC 3339 time\n"
	"     --max-uses K         re-encryptions each proxy serves for this grant (default: no limit)\n"
	"     --record RECORD      where to keep the grant record\n"
	"     --republish RECORD   give the grant in RECORD to the proxies listed\n"	"     --to-keeper URL      grant to the keeper at URL, once its evidence meets --policy\n"
	"     --policy POLICY      the attestation policy the keeper must meet\n"
	"     -h, --help           show this help\n"
	"\n";

static const char help_tail[] =
	"    20   --to-keeper: attestation refused (the message names the check)\n"
	"\n"
	"EXAMPLES\n"
	"     capsa grant --owner owner.txt --to capsa1... -t 2 -n 3 -o grant-alice model.capsa\n"
	"     capsa grant --owner owner.txt --to capsa1... -t 2 --proxies proxies --expires 30d model.capsa\n";

static const char usage[] = "usage: capsa grant --owner IDENTITY --to RECIPIENT -t M -n N -o DIR FILE\n";

struct grant_args {
	capsa_identity owner;
	bool have_owner;
	capsa_recipient to;
	bool have_to;
	unsigned long threshold, shares;
	const char *dir, *file;
#if CAPSA_WITH_NET
	cli_proxies proxies;
	uint64_t not_after, max_uses;
	const char *record, *republish, *keeper, *policy;
#endif
};

#if CAPSA_WITH_NET
static int parse_net_option(struct grant_args *a, int c, const char *arg)
{
	char *end;

	switch (c) {
	case 'P': return cli_net_add_proxy("grant", &a->proxies, arg);
	case 'F': return cli_net_add_proxies_file("grant", &a->proxies, arg);
	case 'D': a->record = arg; return 0;
	case 'K': a->keeper = arg; return 0;
	case 'Y': a->policy = arg; return 0;
	case 'B': a->republish = arg; return 0;
	case 'E':
		if (capsa_when_parse(&a->not_after, arg, (uint64_t)time(NULL)) == CAPSA_OK)
			return 0;
		fprintf(stderr, "capsa grant: --expires %s: not a duration (90s, 12h, 30d) or an RFC 3339 time\n", arg);
		return CLI_EXIT_USAGE;
	default:
		a->max_uses = strtoull(arg, &end, 10);
		if (*arg >= '1' && *arg <= '9' && *end == '\0')
			return 0;
		fprintf(stderr, "capsa grant: --max-uses wants a positive number, not '%s'\n", arg);
		return CLI_EXIT_USAGE;
	}
}
#endif

#if CAPSA_WITH_NET
/* --to-keeper: the recipient is the keeper, once its fresh evidence meets the policy. */
static int attested_keeper(struct grant_args *a)
{
	capsa_attest_policy pol;
	capsa_attest_result res;
	cli_keeper_evidence ke;
	int rc = cli_keeper_policy_read("grant", a->policy, &pol);

	if (rc != 0 || (rc = cli_keeper_fetch("grant", a->keeper, &ke)) != 0)
		return rc;
	if ((rc = cli_keeper_verify("grant", a->keeper, &ke, &pol, &res)) == 0) {
		a->to = ke.key;
		a->have_to = true;
		fprintf(stderr, "capsa grant: %s: attested (%s%s), keeper %s\n", a->keeper,
		        capsa_attest_platform_name(res.platform), res.simulated ? ", SIMULATED: proves nothing" : "",
		        ke.recipient);
	}
	cli_keeper_evidence_free(&ke);
	return rc;
}
#endif

static int parse_count(const char *s, unsigned long *out, const char *what)
{
	char *end;

	*out = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || *out == 0 || *out > CAPSA_UMBRAL_MAX_SHARES) {
		fprintf(stderr, "capsa grant: %s wants a number from 1 to 255, not '%s'\n", what, s);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int parse_to(struct grant_args *a, const char *s)
{
	capsa_status st = capsa_recipient_decode(&a->to, s, strlen(s));

	if (st != CAPSA_OK)
		return cli_key_fail("grant", s, 0, st);
	a->have_to = true;
	return 0;
}

static int parse_args(struct grant_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"owner", required_argument, NULL, 'O'},     {"to", required_argument, NULL, 'T'},
		{"threshold", required_argument, NULL, 't'}, {"shares", required_argument, NULL, 'n'},
		{"output", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
#if CAPSA_WITH_NET
		{"proxy", required_argument, NULL, 'P'},     {"proxies", required_argument, NULL, 'F'},
		{"expires", required_argument, NULL, 'E'},   {"max-uses", required_argument, NULL, 'U'},
		{"record", required_argument, NULL, 'D'},    {"republish", required_argument, NULL, 'B'},
		{"to-keeper", required_argument, NULL, 'K'}, {"policy", required_argument, NULL, 'Y'},
#endif
		{NULL, 0, NULL, 0}};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "t:n:o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'O':
			if (a->have_owner) {
				fprintf(stderr, "capsa grant: --owner given twice\n");
				rc = CLI_EXIT_USAGE;
			} else if ((rc = cli_read_owner("grant", optarg, &a->owner)) == 0) {
				a->have_owner = true;
			}
			break;
		case 'T': rc = parse_to(a, optarg); break;
		case 't': rc = parse_count(optarg, &a->threshold, "-t"); break;
		case 'n': rc = parse_count(optarg, &a->shares, "-n"); break;
		case 'o': a->dir = optarg; break;
		case 'h': cli_help(help, help_tail); return -1;
#if CAPSA_WITH_NET
		case 'P':
		case 'F':
		case 'E':
		case 'D':
		case 'B':
		case 'K':
		case 'Y':
		case 'U': rc = parse_net_option(a, c, optarg); break;
#endif
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (rc != 0)
		return rc;
#if CAPSA_WITH_NET
	if ((a->keeper != NULL) != (a->policy != NULL) || (a->keeper != NULL && (a->have_to || a->proxies.num == 0))) {
		fputs("usage: capsa grant --owner IDENTITY --to-keeper URL --policy POLICY -t M --proxy URL#RECIPIENT ... FILE\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if (a->keeper != NULL && (rc = attested_keeper(a)) != 0)
		return rc;
	if (a->republish != NULL) {
		if (!a->have_owner || a->proxies.num == 0 || a->have_to || argc != optind) {
			fputs("usage: capsa grant --republish RECORD --owner IDENTITY --proxy URL#RECIPIENT ...\n", stderr);
			return CLI_EXIT_USAGE;
		}
		return 0;
	}
	if (a->proxies.num > 0) {
		if (a->shares != 0 || a->dir != NULL || !a->have_owner || !a->have_to || a->threshold == 0 ||
		    argc - optind != 1) {
			fputs("usage: capsa grant --owner IDENTITY --to RECIPIENT -t M --proxy URL#RECIPIENT ... FILE\n"
			      "    (N is the number of proxies: no -n or -o with --proxy)\n", stderr);
			return CLI_EXIT_USAGE;
		}
		a->shares = a->proxies.num;
		if (a->threshold > a->shares) {
			fprintf(stderr, "capsa grant: the threshold (%lu) exceeds the number of proxies (%lu)\n",
			        a->threshold, a->shares);
			return CLI_EXIT_USAGE;
		}
		a->file = argv[optind];
		return 0;
	}
#endif
	if (!a->have_owner || !a->have_to || a->threshold == 0 || a->shares == 0 || a->dir == NULL ||
	    argc - optind != 1) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (a->threshold > a->shares) {
		fprintf(stderr, "capsa grant: the threshold (%lu) exceeds the number of kfrags (%lu)\n", a->threshold,
		        a->shares);
		return CLI_EXIT_USAGE;
	}
	a->file = argv[optind];
	return 0;
}

/* Creates |dir| 0700 if it is missing; an existing directory is used as it is. */
static int make_dir(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0700) == 0 || (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	fprintf(stderr, "capsa grant: %s: %s\n", dir, errno == EEXIST ? "not a directory" : strerror(errno));
	return CLI_EXIT_IO;
}

/*
 * Writes every kfrag; on failure removes the files this call created (a
 * device or FIFO written in place is not this call's to remove).
 */
static int write_kfrags(const char *dir, const capsa_kfrag_file *kf, size_t n)
{
	size_t len = strlen(dir) + sizeof "/255.kfrag";
	char *path = malloc(len);
	bool created[CAPSA_UMBRAL_MAX_SHARES] = {false};
	size_t done = 0;
	capsa_status st = path ? CAPSA_OK : CAPSA_ERR_NOMEM;
	struct stat sb;
	int rc = 0;

	for (; st == CAPSA_OK && done < n; done++) {
		snprintf(path, len, "%s/%u.kfrag", dir, (unsigned)kf[done].index);
		created[done] = lstat(path, &sb) != 0;
		if ((st = capsa_kfrag_file_write(path, &kf[done])) != CAPSA_OK)
			rc = cli_fail("grant", path, st);
	}
	if (st != CAPSA_OK && path != NULL) {
		for (size_t i = 0; i + 1 < done; i++) {
			snprintf(path, len, "%s/%u.kfrag", dir, (unsigned)kf[i].index);
			if (created[i])
				unlink(path);
		}
	}
	for (size_t i = 0; st == CAPSA_OK && i < n; i++)
		printf("%s/%u.kfrag\n", dir, (unsigned)kf[i].index);
	free(path);
	return path == NULL ? cli_fail("grant", dir, CAPSA_ERR_NOMEM) : rc;
}

static int grant(struct grant_args *a)
{
	capsa_kfrag_file *kf = calloc(a->shares, sizeof *kf);
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st;
	int rc;

	if (kf == NULL)
		return cli_fail("grant", a->file, CAPSA_ERR_NOMEM);
	if ((rc = cli_read_header("grant", a->file, &hdr, &hdr_len)) != 0)
		goto out;
	st = capsa_grant_create(kf, &a->owner, &a->to, a->threshold, a->shares, hdr, hdr_len, NULL);
	if (st == CAPSA_ERR_NO_MATCH) {
		fprintf(stderr, "capsa grant: %s: no umbral stanza: the file was sealed without --owner\n", a->file);
		rc = CLI_EXIT_NO_ROUTE;
	} else if (st == CAPSA_ERR_MISMATCH) {
		fprintf(stderr, "capsa grant: %s: the umbral stanza is not this owner's (wrong --owner identity)\n",
		        a->file);
		rc = CLI_EXIT_MISMATCH;
	} else if (st == CAPSA_ERR_AUTH) {
		fprintf(stderr, "capsa grant: %s: the umbral stanza does not decrypt: the header was modified\n", a->file);
		rc = CLI_EXIT_HEADER_AUTH;
	} else if (st != CAPSA_OK) {
		rc = cli_fail("grant", a->file, st);
	} else if ((rc = make_dir(a->dir)) == 0) {
		rc = write_kfrags(a->dir, kf, a->shares);
	}
out:
	for (size_t i = 0; i < a->shares; i++)
		capsa_kfrag_file_wipe(&kf[i]);
	free(kf);
	free(hdr);
	return rc;
}

#if CAPSA_WITH_NET
/* The grant to the proxies, then, for a keeper, where its cfrags come from: the keeper's store file is FILE's name. */
static int grant_through_proxies(struct grant_args *a)
{
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES], content_id[CAPSA_CONTENT_ID_BYTES];
	const char *name = strrchr(a->file, '/') != NULL ? strrchr(a->file, '/') + 1 : a->file;
	int rc = cli_net_grant(&a->owner, &a->to, a->threshold, &a->proxies, a->not_after, a->max_uses, a->file,
	                       a->record, grant_id, content_id);

	if (rc == 0 && a->keeper != NULL)
		rc = cli_keeper_send_grant(&a->owner, a->keeper, &a->to, grant_id, content_id, name, (unsigned)a->threshold,
		                           a->proxies.peers, a->proxies.num);
	return rc;
}
#endif

static int run(int argc, char **argv)
{
	struct grant_args a = {0};
	int rc = parse_args(&a, argc, argv);

#if CAPSA_WITH_NET
	if (rc == 0 && a.republish != NULL)
		rc = cli_net_republish(&a.owner, &a.proxies, a.republish);
	else if (rc == 0 && a.proxies.num > 0)
		rc = grant_through_proxies(&a);
	else
#endif
	if (rc == 0)
		rc = grant(&a);
#if CAPSA_WITH_NET
	cli_net_proxies_clear(&a.proxies);
#endif
	capsa_identity_wipe(&a.owner);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_grant = {"grant", "let a recipient open a file through M of N proxies (kfrags)",
                                        run};
