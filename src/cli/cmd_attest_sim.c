/* capsa attest sim-keygen: a sim platform key. SIMULATED: development only, it proves nothing. */
#include <getopt.h>
#include <stdio.h>

#include <capsa/attest.h>
#include <capsa/util.h>

#include "cli.h"
#include "cmd_attest.h"

static const char help[] =
	"NAME\n"
	"     capsa attest sim-keygen - make a sim platform key (SIMULATED: development only)\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa attest sim-keygen -o KEYFILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Draws a fresh Ed25519 seed for the sim platform and writes it to\n"
	"     KEYFILE, created with mode 0600 and never overwritten. The public key\n"
	"     (hex), which a policy's platform_keys pins, goes to standard output.\n"
	"     Anyone can make such a key: sim evidence proves nothing about any\n"
	"     machine, and a production policy refuses it.\n"
	"\n"
	"OPTIONS\n"
	"     -o, --output KEYFILE  the key file to create (0600, must not exist)\n"
	"     -h, --help            show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa attest sim-keygen -o sim.key > sim.pub\n";

static const char usage[] = "usage: capsa attest sim-keygen -o KEYFILE\n";

static int keygen(const char *path)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES], pub[CAPSA_SIM_PUBLICBYTES];
	char pubhex[2 * CAPSA_SIM_PUBLICBYTES + 1];
	capsa_status st;
	int rc = 0;

	if ((st = capsa_sim_keygen(seed, pub)) != CAPSA_OK)
		rc = attest_fail("sim-keygen", "generating a key", st);
	else if ((st = capsa_sim_key_write(path, seed)) != CAPSA_OK)
		rc = cli_fail("attest sim-keygen", path, st);
	capsa_wipe(seed, sizeof seed);
	if (rc != 0)
		return rc;
	capsa_hex_encode(pubhex, pub, sizeof pub);
	if (printf("%s\n", pubhex) < 0 || fflush(stdout) != 0)
		return attest_fail("sim-keygen", "standard output", CAPSA_ERR_IO);
	fprintf(stderr, "capsa attest: SIMULATED platform key written to %s (development only: proves nothing)\n", path);
	return 0;
}

int attest_cmd_sim_keygen(int argc, char **argv)
{
	static const struct option longs[] = {
		{"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *out = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': cli_help(help, help_tail); return 0;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc || out == NULL) {
		fputs(usage, stderr);
		return CLI_EXIT_USAGE;
	}
	return keygen(out);
}
