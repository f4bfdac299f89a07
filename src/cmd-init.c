/* SPDX-License-Identifier: ISC */
/* guichet init: create or migrate the database. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "conf.h"
#include "guichet.h"
#include "store.h"

static int
init_exec(int argc, char **argv, const struct conf *conf)
{
	struct store *st;
	char *cause;
	int from, to, temp;

	if (argc > 1)
		return cmd_usage(&cmd_init, 0);
	if (dir_create(conf->attachments) == -1) {
		fprintf(stderr, "guichet: %s: %s\n", conf->attachments,
		    strerror(errno));
		return EX_CANTCREAT;
	}
	if (store_open(conf->database, &st, &cause) == -1 ||
	    store_migrate(st, &from, &to, &cause) == -1) {
		temp = st != NULL && store_temporary(st);
		fprintf(stderr, "guichet: %s: %s\n", conf->database, cause);
		free(cause);
		store_close(st);
		return temp ? EX_TEMPFAIL : EX_CANTCREAT;
	}
	store_close(st);
	if (from == to)
		printf("%s: schema %d, up to date\n", conf->database, to);
	else
		printf("%s: schema %d -> %d\n", conf->database, from, to);
	(void)argv;
	return 0;
}

const struct cmd cmd_init = {
	.name = "init",
	.summary = "create or migrate the database",
	.usage = "usage: guichet init\n\n"
	    "Creates the database named by [desk] database, or brings an older\n"
	    "one up to this version's schema, and the attachments directory.\n"
	    "Running it again is harmless.\n",
	.needs_conf = 1,
	.exec = init_exec,
};
