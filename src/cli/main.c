/* capsa: the command-line tool. Each verb lives in its own cmd_<verb>.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct cli_verb *verbs[] = {
	&cli_verb_keygen,
	&cli_verb_seal,
	&cli_verb_open,
	&cli_verb_inspect,
	&cli_verb_verify,
	&cli_verb_grant,
	&cli_verb_reencrypt,
	&cli_verb_version,
	&cli_verb_attest,
#if CAPSA_WITH_NET
	&cli_verb_proxy,
	&cli_verb_revoke,
	&cli_verb_audit,
	&cli_verb_witness,
	&cli_verb_keeper,
	&cli_verb_access,
	&cli_verb_fetch,
#endif
};

static void usage(FILE *f)
{
	fprintf(f, "usage: capsa <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		fprintf(f, "  %-10s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(f, "\nRun 'capsa <command> -h' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(argv[1], verbs[i]->name) == 0)
			return verbs[i]->run(argc - 1, argv + 1);
	fprintf(stderr, "capsa: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
