/* capsa seal: encrypt once under a fresh CEK, one x25519 stanza per recipient, an umbral stanza for an owner. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "cli.h"

static const char help[] =
	"NAME\n"
	"     capsa seal - encrypt a file once, to one or more recipients\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa seal -r RECIPIENT [-r ...] [-R FILE] [--owner IDENTITY] [--cipher SUITE]\n"
	"                [-j THREADS] [--sign IDENTITY] [-q] [-o OUT] [IN]\n"
	"\n"
	"DESCRIPTION\n"
	"     Encrypts IN (default standard input) under a fresh random content\n"
	"     encryption key and writes the capsa file to OUT (default standard\n"
	"     output, which must not be a terminal). Every recipient gets an x25519\n"
	"     stanza: the key sealed to it with HPKE. The payload is C2SP chunked\n"
	"     encryption in 16 KiB chunks, sealed in parallel; memory stays bounded\n"
	"     whatever the size of IN. With -o, the file is written beside OUT and\n"
	"     renamed into place only when complete; a device, FIFO or socket OUT is\n"
	"     written in place, a symbolic link followed (its target replaced), and an\n"
	"     OUT that is IN or another file seal reads is refused (exit 13).\n"
	"\n"
	"     With --owner, the file also gets an umbral stanza: the key under an\n"
	"     Umbral capsule to a delegating key derived for this file alone from the\n"
	"     owner's identity. The owner opens the file with capsa open -i and lets\n"
	"     others open it through proxies with capsa grant. --owner alone, without\n"
	"     -r, is enough.\n"
	"\n"
	"     With --sign, the file is signed by the identity's Ed25519 key (its\n"
	"     capsasig1... signer key): the header names the signer, and a trailer\n"
	"     after the payload holds the signature over the header and two Merkle\n"
	"     trees, one over the ciphertext chunks and one over commitments to the\n"
	"     plaintext chunks, with their stored nodes (about 0.8% of the payload).\n"
	"     Anyone can then check every ciphertext byte (capsa verify), and every\n"
	"     open and range read checks what it reads. Sealing stays one pass.\n"
	"\n"
	"OPTIONS\n"
	"     -r, --recipient RECIPIENT  a capsa1... recipient; may be repeated\n"
	"     -R, --recipients-file FILE one recipient per line (# comments); may be repeated\n"
	"     --owner IDENTITY           add an umbral stanza for the owner in this identity file\n"
	"     --cipher SUITE             aes-256-gcm (default) or chacha20-poly1305\n"
	"     -j, --threads N            worker threads (default: one per CPU)\n"
	"     --sign IDENTITY            sign the file with the Ed25519 key of this identity file\n"
	"     -o, --output OUT           write to OUT instead of standard output\n"
	"     -q, --quiet                no progress bar\n"
	"     -h, --help                 show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa seal -r capsa1... -o model.capsa model.bin\n"
	"     tar c data | capsa seal -R team.txt > data.tar.capsa\n"
	"     capsa seal --owner owner.txt -o model.capsa model.bin\n";

static const char usage[] =
	"usage: capsa seal -r RECIPIENT [-R FILE] [--owner IDENTITY] [--cipher SUITE] [-j N] [-o OUT] [IN]\n";

struct seal_args {
	capsa_recipient *recipients;
	size_t num_recipients;
	capsa_seal_opts opts;
	capsa_identity *signer;
	size_t num_signer;
	capsa_identity owner;
	bool have_owner;
	capsa_route_key owner_route;
	const char *in, *out;
	bool quiet;
};

static int add_recipients(struct seal_args *a, const capsa_recipient *r, size_t n)
{
	capsa_recipient *grown = realloc(a->recipients, (a->num_recipients + n) * sizeof *grown);

	if (grown == NULL)
		return cli_fail("seal", "recipients", CAPSA_ERR_NOMEM);
	memcpy(grown + a->num_recipients, r, n * sizeof *r);
	a->recipients = grown;
	a->num_recipients += n;
	return 0;
}

static int add_recipient_str(struct seal_args *a, const char *s)
{
	capsa_recipient r;
	capsa_status st = capsa_recipient_decode(&r, s, strlen(s));

	if (st != CAPSA_OK)
		return cli_key_fail("seal", s, 0, st);
	return add_recipients(a, &r, 1);
}

static int add_recipient_file(struct seal_args *a, const char *path)
{
	capsa_recipient *rs = NULL;
	size_t n = 0, line = 0;
	capsa_status st = capsa_recipient_file_read(&rs, &n, path, &line);
	int rc;

	if (st != CAPSA_OK)
		return cli_key_fail("seal", path, line, st);
	cli_input_note(path);
	rc = add_recipients(a, rs, n);
	free(rs);
	return rc;
}

static int add_signer(struct seal_args *a, const char *path)
{
	size_t line = 0;
	capsa_status st = capsa_identity_file_read(&a->signer, &a->num_signer, path, &line);

	cli_input_note(path);
	return st == CAPSA_OK ? 0 : cli_key_fail("seal", path, line, st);
}

static int parse_threads(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v > 1024) {
		fprintf(stderr, "capsa seal: -j wants a number from 0 to 1024, not '%s'\n", s);
		return CLI_EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

static int parse_args(struct seal_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"recipient", required_argument, NULL, 'r'}, {"recipients-file", required_argument, NULL, 'R'},
		{"cipher", required_argument, NULL, 'c'},    {"threads", required_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},    {"sign", required_argument, NULL, 's'},
		{"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
		{"owner", required_argument, NULL, 'W'},     {NULL, 0, NULL, 0}};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "r:R:j:o:qh", longs, NULL)) != -1) {
		switch (c) {
		case 'r': rc = add_recipient_str(a, optarg); break;
		case 'R': rc = add_recipient_file(a, optarg); break;
		case 'j': rc = parse_threads(optarg, &a->opts.threads); break;
		case 'o': a->out = optarg; break;
		case 's': rc = a->signer ? CLI_EXIT_USAGE : add_signer(a, optarg); break;
		case 'q': a->quiet = true; break;
		case 'h': cli_help(help, help_tail); return -1;
		case 'W':
			if (a->have_owner) {
				fprintf(stderr, "capsa seal: --owner given twice\n");
				rc = CLI_EXIT_USAGE;
			} else if ((rc = cli_read_owner("seal", optarg, &a->owner)) == 0) {
				a->have_owner = true;
			}
			break;
		case 'c':
			if (capsa_suite_from_name(&a->opts.suite, optarg) != CAPSA_OK) {
				fprintf(stderr, "capsa seal: unknown cipher '%s' (aes-256-gcm, chacha20-poly1305)\n", optarg);
				rc = CLI_EXIT_USAGE;
			}
			break;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && (argc - optind > 1 || (a->num_recipients == 0 && !a->have_owner))) {
		fputs(argc - optind <= 1 ? "capsa seal: no recipients: give -r, -R or --owner\n" : usage, stderr);
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

static int seal_stream(void *arg, int in_fd, cli_out *out)
{
	struct seal_args *a = arg;
	const char *in_name = a->in ? a->in : "standard input", *out_name = a->out ? a->out : "standard output";
	struct stat sb;
	capsa_seal *s = NULL;
	cli_progress prog;
	bool read_failed = false;
	capsa_status st;

	if (isatty(out->fd)) {
		fprintf(stderr, "capsa seal: %s: refusing to write binary output to a terminal\n", out_name);
		return CLI_EXIT_USAGE;
	}
	a->opts.plaintext_len = fstat(in_fd, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size
	                                                                       : CAPSA_LENGTH_UNKNOWN;
	a->opts.recipients = a->recipients;
	a->opts.num_recipients = a->num_recipients;
	a->opts.signer = a->signer;
	if (a->have_owner) {
		a->owner_route = (capsa_route_key){"umbral", &a->owner};
		a->opts.routes = &a->owner_route;
		a->opts.num_routes = 1;
	}
	cli_progress_start(&prog, "seal", a->opts.plaintext_len == CAPSA_LENGTH_UNKNOWN ? 0 : a->opts.plaintext_len,
	                   a->quiet);
	st = capsa_seal_new(&s, &a->opts, capsa_sink_fd, &out->fd);
	if (st == CAPSA_OK)
		st = capsa_seal_fd(s, in_fd, on_progress, &prog, &read_failed);
	cli_progress_end(&prog);
	capsa_seal_free(s);
	if (st == CAPSA_ERR_ARG && a->opts.plaintext_len != CAPSA_LENGTH_UNKNOWN) {
		fprintf(stderr, "capsa seal: %s: the file changed size while it was read\n", in_name);
		return CLI_EXIT_IO;
	}
	if (st == CAPSA_ERR_KEY)
		return cli_key_fail("seal", "recipient", 0, st);
	return st == CAPSA_OK ? 0 : cli_fail("seal", st == CAPSA_ERR_IO && read_failed ? in_name : out_name, st);
}

static int run(int argc, char **argv)
{
	struct seal_args a = {0};
	int rc = parse_args(&a, argc, argv);

	if (rc == 0 && a.out == NULL && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "capsa seal: refusing to write binary output to a terminal (use -o OUT or redirect)\n");
		rc = CLI_EXIT_USAGE;
	}
	if (rc == 0)
		rc = cli_stream("seal", a.in, a.out, seal_stream, &a);
	free(a.recipients);
	capsa_identity_list_free(a.signer, a.num_signer);
	capsa_identity_wipe(&a.owner);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_seal = {"seal", "encrypt once to one or more recipients", run};
