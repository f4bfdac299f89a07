/* SPDX-License-Identifier: ISC */
/*
 * cmd.h - the subcommand table.  Each subcommand lives in its own
 * src/cmd-NAME.c, defines one `const struct cmd cmd_NAME`, parses its own
 * options (getopt_long, after the global ones), and returns a sysexits.h
 * code.  guichet.c loads the configuration first when needs_conf is set.
 */
#ifndef CMD_H
#define CMD_H

#include <sysexits.h>

struct conf;

struct cmd {
	const char *name;
	const char *summary;	/* one line for `guichet --help` */
	const char *usage;	/* full text for `guichet NAME --help` */
	int	 needs_conf;
	/* argv[0] is the subcommand name; conf is NULL unless needs_conf. */
	int	(*exec)(int argc, char **argv, const struct conf *conf);
};

/* Prints the usage of c to stdout (help) or stderr and returns 0 or
 * EX_USAGE accordingly. */
int	 cmd_usage(const struct cmd *c, int help);

/* True when argv holds --help or -h before "--". */
int	 cmd_wants_help(int argc, char **argv);

extern const struct cmd cmd_init, cmd_ingest, cmd_ticket, cmd_rules,
	    cmd_fetch, cmd_run, cmd_send, cmd_outbox, cmd_sla, cmd_report,
	    cmd_templates;

#endif
