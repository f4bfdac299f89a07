/* SPDX-License-Identifier: ISC */
/* main: global options, the configuration, dispatch to a subcommand. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "guichet.h"
#include "log.h"

static const struct cmd *const cmds[] = {
	&cmd_init,
	&cmd_run,
	&cmd_fetch,
	&cmd_ingest,
	&cmd_send,
	&cmd_outbox,
	&cmd_ticket,
	&cmd_rules,
	&cmd_templates,
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: guichet [-c FILE] [-v] [-q] COMMAND [ARGS]\n\n"
	    "The email-gateway service desk.\n\n"
	    "  -c FILE   configuration (default $GUICHET_CONFIG, then %s)\n"
	    "  -v        more log output (repeat for debug)\n"
	    "  -q        warnings only\n"
	    "  -V        print the version\n\n"
	    "commands:\n", GUICHET_DEFAULT_CONFIG);
	for (size_t i = 0; i < ARRAY_LEN(cmds); i++)
		fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
	fprintf(f, "\n`guichet COMMAND --help` tells more.\n");
}

static const struct cmd *
cmd_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(cmds); i++)
		if (strcmp(cmds[i]->name, name) == 0)
			return cmds[i];
	return NULL;
}

static int
run_cmd(const struct cmd *c, const char *conf_opt, int argc, char **argv)
{
	struct conf *conf = NULL;
	const char *path;
	char *errors;
	int rc;

	if (cmd_wants_help(argc, argv))
		return cmd_usage(c, 1);
	if (c->needs_conf) {
		path = conf_default_path(conf_opt);
		if (conf_load(path, &conf, &errors) == -1) {
			fputs(errors, stderr);
			free(errors);
			return EX_CONFIG;
		}
		if (conf->log_syslog)
			log_open_syslog();
	}
	optind = 0;
	rc = c->exec(argc, argv, conf);
	conf_free(conf);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct cmd *c;
	const char *conf_opt = NULL;
	int ch, verbose = 1;

	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};

	log_init("guichet", LOG_LEVEL_INFO);
	while ((ch = getopt_long(argc, argv, "+c:hqvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf_opt = optarg;
			break;
		case 'q':
			verbose = 0;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("guichet %s\n", GUICHET_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EX_USAGE;
	}
	log_set_level(verbose > 2 ? LOG_LEVEL_DEBUG : (enum log_level)verbose);
	if ((c = cmd_find(argv[0])) == NULL) {
		fprintf(stderr, "guichet: unknown command: %s\n", argv[0]);
		usage(stderr);
		return EX_USAGE;
	}
	return run_cmd(c, conf_opt, argc, argv);
}
