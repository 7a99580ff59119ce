/* capsa keygen: make an identity, or print the recipient of one. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <capsa/keys.h>
#include <capsa/util.h>

#include "cli.h"

static const char help[] =
	"NAME\n"
	"     capsa keygen - generate an identity, or print an identity's recipient\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa keygen [-o FILE]\n"
	"     capsa keygen -y [--signer] FILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Without -y, draws a fresh 32-byte seed and writes the identity file\n"
	"     (comments with the creation time, the recipient and the signer key,\n"
	"     and the CAPSA-SECRET-KEY-1... line) to FILE, or to standard output.\n"
	"     FILE is created with mode 0600 and an existing file is never\n"
	"     overwritten, not even through a symbolic link; an existing device,\n"
	"     FIFO or socket (-o /dev/stdout) is written in place. The recipient\n"
	"     (capsa1...) and signer key (capsasig1...) are also printed on\n"
	"     standard error.\n"
	"\n"
	"     With -y, reads the identity file FILE (\"-\" for standard input) and\n"
	"     prints the recipient of each identity in it, one per line; with\n"
	"     --signer, its signer key instead: what others give to --signer to\n"
	"     require that a file was signed with capsa seal --sign FILE.\n"
	"\n"
	"OPTIONS\n"
	"     -o, --output FILE   write the identity to FILE (0600, must not be a file)\n"
	"     -y FILE             print the recipients of the identities in FILE\n"
	"     --signer            with -y: print their signer keys (capsasig1...)\n"
	"     -h, --help          show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa keygen -o key.txt\n"
	"     capsa keygen -y key.txt > recipient.txt\n"
	"     capsa keygen -y --signer key.txt > signer.txt\n";

static int print_recipients(const char *path, bool signer)
{
	capsa_identity *ids = NULL;
	size_t num = 0, line = 0;
	char rec[CAPSA_RECIPIENT_STRLEN + 1], sig[CAPSA_SIGNER_STRLEN + 1];
	capsa_status st = capsa_identity_file_read(&ids, &num, strcmp(path, "-") == 0 ? "/dev/stdin" : path, &line);

	if (st != CAPSA_OK)
		return cli_key_fail("keygen", path, line, st);
	for (size_t i = 0; i < num && st == CAPSA_OK; i++) {
		capsa_recipient r;
		capsa_identity_recipient(&r, &ids[i]);
		if (signer) {
			if ((st = capsa_signer_encode(sig, sizeof sig, ids[i].ed25519_public)) == CAPSA_OK)
				printf("%s\n", sig);
		} else if ((st = capsa_recipient_encode(rec, sizeof rec, &r)) == CAPSA_OK) {
			printf("%s\n", rec);
		}
	}
	capsa_identity_list_free(ids, num);
	return st == CAPSA_OK ? 0 : cli_fail("keygen", path, st);
}

static int generate(const char *out)
{
	capsa_identity id;
	capsa_recipient r;
	char rec[CAPSA_RECIPIENT_STRLEN + 1], sig[CAPSA_SIGNER_STRLEN + 1], text[CAPSA_IDENTITY_FILE_BYTES];
	capsa_status st;
	int rc = 0;

	if ((st = capsa_identity_generate(&id)) != CAPSA_OK)
		return cli_fail("keygen", "generating an identity", st);
	capsa_identity_recipient(&r, &id);
	if ((st = capsa_recipient_encode(rec, sizeof rec, &r)) != CAPSA_OK ||
	    (st = capsa_signer_encode(sig, sizeof sig, id.ed25519_public)) != CAPSA_OK) {
		rc = cli_fail("keygen", "encoding the public keys", st);
	} else if (out != NULL) {
		if ((st = capsa_identity_file_write(out, &id)) != CAPSA_OK)
			rc = cli_fail("keygen", out, st);
		else
			fprintf(stderr, "Public key: %s\nSigner key: %s\n", rec, sig);
	} else if ((st = capsa_identity_file_format(text, sizeof text, &id, time(NULL))) != CAPSA_OK) {
		rc = cli_fail("keygen", "formatting the identity", st);
	} else if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
		rc = cli_fail("keygen", "standard output", CAPSA_ERR_IO);
	}
	capsa_wipe(text, sizeof text);
	capsa_identity_wipe(&id);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longs[] = {{"output", required_argument, NULL, 'o'},
	                                      {"signer", no_argument, NULL, 'S'},
	                                      {"help", no_argument, NULL, 'h'},
	                                      {NULL, 0, NULL, 0}};
	static const char usage[] = "usage: capsa keygen [-o FILE] | -y [--signer] FILE\n";
	const char *out = NULL;
	bool show = false, signer = false;
	int c;

	optind = 1;
	/* -y FILE: the file is the operand, so that -y --signer FILE reads as written */
	while ((c = getopt_long(argc, argv, "o:yh", longs, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'y': show = true; break;
		case 'S': signer = true; break;
		case 'h': cli_help(help, help_tail); return 0;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (show ? (optind != argc - 1 || out != NULL) : (optind != argc || signer)) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	return show ? print_recipients(argv[optind], signer) : generate(out);
}

const struct cli_verb cli_verb_keygen = {"keygen", "generate an identity, or print its recipient (-y)", run};
