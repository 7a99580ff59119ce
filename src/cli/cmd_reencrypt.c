/* capsa reencrypt: one proxy's work, offline: a kfrag and a file's header in, a cfrag out. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/grant.h>
#include <capsa/util.h>

#include "cli.h"

static const char help[] =
	"NAME\n"
	"     capsa reencrypt - re-encrypt a file's capsule with one kfrag (a proxy's work)\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa reencrypt --kfrag KFRAG [-o CFRAG] FILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Reads the header of FILE (only the header: the payload is not needed)\n"
	"     and its umbral stanza, checks that KFRAG was made for this file (content\n"
	"     id, the file's delegating key and owner), verifies the kfrag's commitment\n"
	"     and the owner's signature, and re-encrypts the stanza's capsule into a\n"
	"     cfrag for the recipient the grant names. The cfrag carries a proof that\n"
	"     the recipient verifies. It goes to CFRAG (written beside it and renamed\n"
	"     into place; a device, FIFO or socket in place; a symbolic link\n"
	"     followed; FILE or KFRAG refused) or to standard output, which must not\n"
	"     be a terminal.\n"
	"\n"
	"     A proxy learns nothing about the content: it never sees the key.\n"
	"\n"
	"OPTIONS\n"
	"     --kfrag KFRAG        a kfrag file from capsa grant\n"
	"     -o, --output CFRAG   write the cfrag to CFRAG instead of standard output\n"
	"     -h, --help           show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa reencrypt --kfrag grant-alice/1.kfrag model.capsa > 1.cfrag\n";

static const char usage[] = "usage: capsa reencrypt --kfrag KFRAG [-o CFRAG] FILE\n";

struct reencrypt_args {
	const char *kfrag, *out, *file;
};

static int parse_args(struct reencrypt_args *a, int argc, char **argv)
{
	static const struct option longs[] = {{"kfrag", required_argument, NULL, 'k'},
	                                      {"output", required_argument, NULL, 'o'},
	                                      {"help", no_argument, NULL, 'h'},
	                                      {NULL, 0, NULL, 0}};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'k': a->kfrag = optarg; break;
		case 'o': a->out = optarg; break;
		case 'h': cli_help(help, help_tail); return -1;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (a->kfrag == NULL || argc - optind != 1) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	a->file = argv[optind];
	if (a->out == NULL && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "capsa reencrypt: refusing to write binary output to a terminal (use -o OUT or redirect)\n");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Reads and parses the kfrag file; the buffer holds a secret share and is wiped. */
static int read_kfrag(const char *path, capsa_kfrag_file *kf)
{
	uint8_t buf[CAPSA_CFRAG_FILE_BYTES + 1]; /* room to tell a cfrag (or more) from a kfrag */
	size_t len = 0;
	capsa_status st = capsa_grant_file_read(buf, sizeof buf, &len, path);

	if (st == CAPSA_OK)
		st = capsa_kfrag_file_parse(kf, buf, len);
	capsa_wipe(buf, sizeof buf);
	cli_input_note(path);
	if (st == CAPSA_ERR_IO)
		return cli_fail("reencrypt", path, st);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa reencrypt: %s: not a valid kfrag file (%s)\n", path, capsa_status_str(st));
		return st == CAPSA_ERR_NOT_CAPSA ? CLI_EXIT_NOT_CAPSA : CLI_EXIT_MALFORMED;
	}
	return 0;
}

static int write_cfrag(const char *path, const capsa_cfrag_file *cf)
{
	uint8_t bytes[CAPSA_CFRAG_FILE_BYTES];
	cli_out out;
	capsa_status st;
	int rc;

	capsa_cfrag_file_serialize(bytes, cf);
	if ((rc = cli_out_open(&out, "reencrypt", path, 0, -1)) != 0)
		return rc;
	if (isatty(out.fd)) {
		cli_out_abort(&out);
		fprintf(stderr, "capsa reencrypt: %s: refusing to write binary output to a terminal\n",
		        path ? path : "standard output");
		return CLI_EXIT_USAGE;
	}
	st = capsa_sink_fd(&out.fd, bytes, sizeof bytes);
	if (st != CAPSA_OK) {
		cli_out_abort(&out);
		return cli_fail("reencrypt", path ? path : "standard output", st);
	}
	return cli_out_commit(&out, "reencrypt");
}

static int run(int argc, char **argv)
{
	struct reencrypt_args a = {0};
	capsa_kfrag_file kf;
	capsa_cfrag_file cf;
	capsa_grant_report rep;
	uint8_t *hdr = NULL;
	size_t hdr_len = 0;
	capsa_status st;
	int rc = parse_args(&a, argc, argv);

	memset(&kf, 0, sizeof kf);
	if (rc != 0 || (rc = read_kfrag(a.kfrag, &kf)) != 0 || (rc = cli_read_header("reencrypt", a.file, &hdr, &hdr_len)) != 0)
		goto out;
	st = capsa_grant_reencrypt(&cf, &kf, hdr, hdr_len, &rep, NULL);
	if (st == CAPSA_ERR_NO_MATCH) {
		fprintf(stderr, "capsa reencrypt: %s: no umbral stanza: the file was sealed without --owner\n", a.file);
		rc = CLI_EXIT_NO_ROUTE;
	} else if (st != CAPSA_OK) {
		rc = cli_grant_fail("reencrypt", a.kfrag, &rep, st);
	} else {
		rc = write_cfrag(a.out, &cf);
	}
out:
	capsa_kfrag_file_wipe(&kf);
	free(hdr);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_reencrypt = {"reencrypt", "re-encrypt a file's capsule with one kfrag (a proxy's work)",
                                            run};
