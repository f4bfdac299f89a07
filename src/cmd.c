/* SPDX-License-Identifier: ISC */
/* Helpers shared by the subcommands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

int
cmd_usage(const struct cmd *c, int help)
{
	FILE *f = help ? stdout : stderr;

	fprintf(f, "%s", c->usage);
	return help ? 0 : EX_USAGE;
}

int
cmd_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}
