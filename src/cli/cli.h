/* cli.h - what the verbs of the capsa command share. */
#ifndef CAPSA_CLI_H
#define CAPSA_CLI_H

#include <capsa/status.h>

/* Exit codes: 0 success, 1 a failure the message explains, 2 bad usage. */
enum { CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

struct cli_verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
};

extern const struct cli_verb cli_verb_version;
extern const struct cli_verb cli_verb_attest;

#endif
