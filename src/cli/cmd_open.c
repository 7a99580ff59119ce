/* capsa open: decrypt with one or more identities (and cfrags); nothing unverified is ever written. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>

#include "cli.h"
#if CAPSA_WITH_NET
#include "cli_net.h"
#endif

static const char help[] =
	"NAME\n"
	"     capsa open - decrypt a capsa file\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa open -i IDENTITY [-i ...] [--cfrag CFRAG ...] [--signer KEY] [-j THREADS] [-q]\n"
	"                [-o OUT] [IN]\n"
	"     capsa open -i IDENTITY --grant GRANT --proxy URL#RECIPIENT ... | --proxies FILE\n"
	"                [--receipts DIR] [-o OUT] IN\n"
	"\n"
	"DESCRIPTION\n"
	"     Decrypts IN (default standard input) with the identities in the given\n"
	"     identity files and writes the plaintext to OUT (default standard\n"
	"     output). Each chunk is written only after its tag verified.\n"
	"\n"
	"     With -o, the plaintext goes to a temporary file beside OUT, which is\n"
	"     synced and renamed to OUT only after the last chunk verified: a failed\n"
	"     open leaves no OUT behind (and an existing OUT untouched). To standard\n"
	"     output, capsa stops at the first chunk that does not verify and exits\n"
	"     non-zero; what was written before it is verified plaintext. So it is\n"
	"     for an OUT that is a device, FIFO or socket, which is written in place.\n"
	"     A symbolic link OUT is followed (its target replaced); an OUT that is\n"
	"     IN, an identity or a cfrag file is refused (exit 13).\n"
	"\n"
	"     The owner of a file sealed with --owner opens it with its identity.\n"
	"     A recipient of a grant opens it with its identity and M cfrags (from\n"
	"     capsa reencrypt): each is checked against the file, the owner, this\n"
	"     identity and the other cfrags, and its proof verified, before they are\n"
	"     combined; a failure names the check and the cfrag. Then the header MAC\n"
	"     and the payload verify as for any other route.\n"
	"\n"
	"     With --proxy (or --proxies) and --grant (the id capsa grant printed),\n"
	"     the cfrags come from the proxies: a re-encryption request signed by\n"
	"     the first identity goes to every proxy at once; each cfrag is verified\n"
	"     against the file and each receipt against the proxy's pinned key as it\n"
	"     arrives, and the requests still running are dropped once the grant's\n"
	"     threshold is met. A proxy that is down, slow, refuses (revoked,\n"
	"     expired, uses-exhausted, not-recipient, ...) or returns a cfrag that\n"
	"     fails its proof (forged) is named on standard error and skipped.\n"
	"     --receipts DIR keeps each receipt as DIR/GRANT-PROXY.receipt.\n"
	"\n"
	"     A signed file (capsa seal --sign) is verified whenever it is opened:\n"
	"     every ciphertext chunk against the signer's Merkle tree, the stored\n"
	"     tree nodes and the signature, at the end (for a copy also its origin,\n"
	"     and its plaintext against the original producer's commitments). If\n"
	"     that fails, with -o nothing is left behind; to standard output the\n"
	"     bytes already written were each AEAD-verified, but the exit status (18\n"
	"     or 19) says the file is not what its signer signed: discard them.\n"
	"     With --signer, a file that is unsigned, signed only by a version 1\n"
	"     header signature, or signed by another key is refused before any\n"
	"     payload is read. A copy passes if KEY signed its original and its\n"
	"     plaintext can be checked against the original's commitments, which\n"
	"     needs the input to be a regular file: from a pipe it is refused.\n"
	"\n"
	"OPTIONS\n"
	"     -i, --identity FILE  an identity file (from capsa keygen); may be repeated\n"
	"     --cfrag CFRAG        a cfrag file (from capsa reencrypt); repeat for M of them\n"
	"     --grant GRANT        the grant to open through proxies (capsa grant prints it)\n"
	"     --proxy URL#RECIPIENT  a proxy of the grant; repeat for each (a bare URL warns)\n"
	"     --proxies FILE       proxies, one \"URL RECIPIENT\" a line\n"
	"     --receipts DIR       keep the proxies' receipts in DIR\n"
	"     --signer KEY         require this signer: a capsasig1... key, or a file holding one\n"
	"     -j, --threads N      worker threads (default: one per CPU)\n"
	"     -o, --output OUT     write to OUT instead of standard output\n"
	"     -q, --quiet          no progress bar\n"
	"     -h, --help           show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa open -i key.txt -o model.bin model.capsa\n"
	"     capsa open -i key.txt < data.tar.capsa | tar x\n"
	"     capsa open -i alice.txt --cfrag 1.cfrag --cfrag 3.cfrag -o model.bin model.capsa\n";

static const char usage[] =
	"usage: capsa open -i IDENTITY [-i ...] [--cfrag CFRAG ...] [--signer KEY] [-j N] [-q] [-o OUT] [IN]\n";

struct open_args {
	capsa_identity *ids;
	size_t num_ids;
	unsigned threads;
	const char *in, *out;
	bool quiet;
	capsa_cfrag_file *cfrags;
	const char **cfrag_names;
	size_t num_cfrags;
	uint8_t signer[32];
	bool require_signer;
#if CAPSA_WITH_NET
	cli_proxies proxies;
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	bool have_grant;
	const char *receipts;
#endif
};

#if CAPSA_WITH_NET
static int parse_net_option(struct open_args *a, int c, const char *arg)
{
	switch (c) {
	case 'P': return cli_net_add_proxy("open", &a->proxies, arg);
	case 'F': return cli_net_add_proxies_file("open", &a->proxies, arg);
	case 'R': a->receipts = arg; return 0;
	default:
		if ((a->have_grant = cli_net_grant_id(a->grant_id, arg)))
			return 0;
		fprintf(stderr, "capsa open: --grant %s: not a grant id (32 hex characters, as capsa grant prints)\n", arg);
		return CLI_EXIT_USAGE;
	}
}

/* With --proxy: the cfrags come from the proxies, before the file is opened. */
static int fetch_cfrags(struct open_args *a)
{
	if (a->proxies.num == 0)
		return 0;
	if (!a->have_grant || a->in == NULL || a->num_cfrags > 0) {
		fputs("capsa open: --proxy needs --grant GRANT and a file (not standard input), and no --cfrag\n", stderr);
		return CLI_EXIT_USAGE;
	}
	free(a->cfrags);
	free(a->cfrag_names);
	a->cfrags = NULL;
	a->cfrag_names = NULL;
	return cli_net_fetch_cfrags(&a->ids[0], &a->proxies, a->grant_id, a->in, a->receipts, &a->cfrags,
	                            &a->cfrag_names, &a->num_cfrags);
}
#endif

static int add_cfrag(struct open_args *a, const char *path)
{
	uint8_t buf[CAPSA_CFRAG_FILE_BYTES + 1]; /* one more: a longer file is refused by the parser */
	size_t len = 0, n = a->num_cfrags;
	capsa_cfrag_file *grown;
	const char **names;
	capsa_status st = capsa_grant_file_read(buf, sizeof buf, &len, path);

	if (st == CAPSA_ERR_IO)
		return cli_fail("open", path, st);
	if (n >= CAPSA_UMBRAL_MAX_SHARES) {
		fprintf(stderr, "capsa open: more than %d cfrags\n", CAPSA_UMBRAL_MAX_SHARES);
		return CLI_EXIT_USAGE;
	}
	if ((grown = realloc(a->cfrags, (n + 1) * sizeof *grown)) != NULL)
		a->cfrags = grown;
	if ((names = realloc(a->cfrag_names, (n + 1) * sizeof *names)) != NULL)
		a->cfrag_names = names;
	if (grown == NULL || names == NULL)
		return cli_fail("open", path, CAPSA_ERR_NOMEM);
	if (st == CAPSA_OK)
		st = capsa_cfrag_file_parse(&a->cfrags[n], buf, len);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa open: %s: not a valid cfrag file (%s)\n", path, capsa_status_str(st));
		return st == CAPSA_ERR_NOT_CAPSA ? CLI_EXIT_NOT_CAPSA : CLI_EXIT_MALFORMED;
	}
	a->cfrag_names[n] = path;
	a->num_cfrags = n + 1;
	cli_input_note(path);
	return 0;
}

static int parse_args(struct open_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"identity", required_argument, NULL, 'i'}, {"threads", required_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},   {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},           {"cfrag", required_argument, NULL, 'C'},
		{"signer", required_argument, NULL, 'S'},
#if CAPSA_WITH_NET
		{"proxy", required_argument, NULL, 'P'},    {"proxies", required_argument, NULL, 'F'},
		{"grant", required_argument, NULL, 'G'},    {"receipts", required_argument, NULL, 'R'},
#endif
		{NULL, 0, NULL, 0}};
	char *end;
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "i:j:o:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'i': rc = cli_add_identities("open", optarg, &a->ids, &a->num_ids); break;
		case 'j':
			a->threads = (unsigned)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->threads > 1024) {
				fprintf(stderr, "capsa open: -j wants a number from 0 to 1024, not '%s'\n", optarg);
				rc = CLI_EXIT_USAGE;
			}
			break;
		case 'o': a->out = optarg; break;
		case 'q': a->quiet = true; break;
		case 'C': rc = add_cfrag(a, optarg); break;
		case 'S':
			rc = cli_read_signer("open", optarg, a->signer);
			a->require_signer = true;
			break;
		case 'h': cli_help(help, help_tail); return -1;
#if CAPSA_WITH_NET
		case 'P':
		case 'F':
		case 'G':
		case 'R': rc = parse_net_option(a, c, optarg); break;
#endif
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && (argc - optind > 1 || a->num_ids == 0)) {
		fputs(a->num_ids == 0 ? "capsa open: no identity: give -i FILE\n" : usage, stderr);
		rc = CLI_EXIT_USAGE;
	}
	if (rc == 0 && optind < argc)
		a->in = argv[optind];
	return rc;
}

/* capsa_progress for the library's pump: advances the bar. */
static void on_progress(void *arg, uint64_t n)
{
	cli_progress_add(arg, n);
}

/* A failure of the cfrag route: name the cfrag the check concerns, or the file. */
static int report_cfrags(const struct open_args *a, const capsa_grant_report *rep, capsa_status st,
                         const char *in_name)
{
	if (st == CAPSA_ERR_NO_MATCH) {
		fprintf(stderr, "capsa open: %s: no umbral stanza: the file was sealed without --owner\n", in_name);
		return CLI_EXIT_NO_ROUTE;
	}
	if (rep->index < a->num_cfrags)
		return cli_grant_fail("open", a->cfrag_names[rep->index], rep, st);
	return cli_grant_fail("open", in_name, rep, st);
}

static int report(capsa_open *o, capsa_status st, const char *in_name, const char *out_name, bool read_failed)
{
	if (st == CAPSA_ERR_CHUNK_AUTH) {
		fprintf(stderr, "capsa open: %s: payload corrupted: chunk %" PRIu64 " does not verify\n", in_name,
		        capsa_open_bad_chunk(o));
		return CLI_EXIT_PAYLOAD;
	}
	if (st == CAPSA_ERR_IO && !read_failed)
		return cli_fail("open", out_name, st);
	return cli_fail("open", in_name, st);
}

/* What a successful open proved beyond the AEAD, where the user should know it. */
static void note_signature(capsa_open *o, const char *in_name)
{
	const capsa_header_info *h = capsa_open_header(o);
	unsigned checks = capsa_open_checks(o);

	if (h == NULL || !h->signed_header)
		return;
	if (h->version == 1)
		fprintf(stderr, "capsa open: %s: note: a version 1 signature covers the header only, not the payload\n",
		        in_name);
	else if (h->copy && (checks & CAPSA_CHECKED_PLAINTEXT) == 0)
		fprintf(stderr,
		        "capsa open: %s: note: a copy read as a stream: its plaintext was not checked against the "
		        "original's commitments (open the file, or run capsa verify -i)\n",
		        in_name);
}

static int open_stream(void *arg, int in_fd, cli_out *out)
{
	struct open_args *a = arg;
	const char *in_name = a->in ? a->in : "standard input", *out_name = a->out ? a->out : "standard output";
	capsa_grant_report rep = {.index = SIZE_MAX};
	capsa_umbral_route route = {a->cfrags, a->num_cfrags, &rep};
	capsa_route_key route_key = {CAPSA_UMBRAL_STANZA_TYPE, &route};
	capsa_unlock unlock = {.identities = a->ids, .num_identities = a->num_ids, .route_keys = &route_key,
	                       .num_route_keys = a->num_cfrags > 0 ? 1 : 0,
	                       .require_signer = a->require_signer ? a->signer : NULL};
	struct stat sb;
	capsa_open *o = NULL;
	cli_progress prog;
	bool read_failed = false;
	capsa_status st;
	int rc;

	cli_progress_start(&prog, "open", fstat(in_fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0,
	                   a->quiet);
	st = capsa_open_new(&o, &unlock, a->threads, capsa_sink_fd, &out->fd);
	if (st == CAPSA_OK)
		st = capsa_open_fd(o, in_fd, on_progress, &prog, &read_failed);
	cli_progress_end(&prog);
	if (st != CAPSA_OK && a->num_cfrags > 0 && (rep.check != CAPSA_GRANT_CHECK_NONE || st == CAPSA_ERR_NO_MATCH))
		rc = report_cfrags(a, &rep, st, in_name);
	else
		rc = st == CAPSA_OK ? 0 : report(o, st, in_name, out_name, read_failed);
	if (rc == 0 && !a->quiet)
		note_signature(o, in_name);
	capsa_open_free(o);
	return rc;
}

static int run(int argc, char **argv)
{
	struct open_args a = {0};
	int rc = parse_args(&a, argc, argv);

#if CAPSA_WITH_NET
	if (rc == 0)
		rc = fetch_cfrags(&a);
#endif
	if (rc == 0)
		rc = cli_stream("open", a.in, a.out, open_stream, &a);
#if CAPSA_WITH_NET
	cli_net_proxies_clear(&a.proxies);
#endif
	capsa_identity_list_free(a.ids, a.num_ids);
	free(a.cfrags);
	free(a.cfrag_names);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_open = {"open", "decrypt a capsa file with your identities", run};
