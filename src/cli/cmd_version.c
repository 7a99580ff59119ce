#include <stdio.h>

#include "cli.h"

static int run(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("capsa 0.1.0\n");
	return 0;
}

const struct cli_verb cli_verb_version = {"version", "print the version", run};
