/* SPDX-License-Identifier: ISC */
/* guichet ticket list|show|new|update. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "ticket-view.h"

static int
ticket_exec(int argc, char **argv, const struct conf *conf)
{
	static const struct {
		const char *name;
		int (*fn)(struct desk *, int, char **);
	} subs[] = {
		{ "list", ticket_cmd_list },
		{ "show", ticket_cmd_show },
		{ "new", ticket_cmd_new },
		{ "update", ticket_cmd_update },
	};
	struct desk d;
	int rc;

	if (argc < 2)
		return cmd_usage(&cmd_ticket, 0);
	for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
		if (strcmp(argv[1], subs[i].name) != 0)
			continue;
		if ((rc = desk_open(&d, conf, 0)) != 0)
			return rc;
		rc = subs[i].fn(&d, argc - 1, argv + 1);
		desk_close(&d);
		return rc;
	}
	fprintf(stderr, "guichet ticket: unknown subcommand: %s\n", argv[1]);
	return cmd_usage(&cmd_ticket, 0);
}

const struct cmd cmd_ticket = {
	.name = "ticket",
	.summary = "list, show, log and update tickets",
	.usage = "usage: guichet ticket list [--status S] [--json]\n"
	    "       guichet ticket show ID [--json]\n"
	    "       guichet ticket new --channel phone|walk-in|web "
	    "--requester ADDR\n"
	    "                          --subject S [--name NAME] "
	    "[--body-file F]\n"
	    "                          [--priority P] [--type T] "
	    "[--category C] [--queue Q]\n"
	    "       guichet ticket update ID [--status S] [--priority P] "
	    "[--assign AGENT]\n"
	    "                          [--queue Q] [--category C] [--type T] "
	    "[--note TEXT]\n\n"
	    "Statuses: new, open, pending, resolved, closed.  Every change is\n"
	    "kept in the ticket's event log; a status change notifies the\n"
	    "requester.\n",
	.needs_conf = 1,
	.exec = ticket_exec,
};
