/* SPDX-License-Identifier: ISC */
/* guichet run: the daemon (see daemon.h). */
#include "config.h"

#include "cmd.h"
#include "daemon.h"

static int
run_exec(int argc, char **argv, const struct conf *conf)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(&cmd_run, 0);
	return daemon_run(conf);
}

const struct cmd cmd_run = {
	.name = "run",
	.summary = "the daemon: IMAP intake (IDLE), outbox",
	.usage = "usage: guichet run\n\n"
	    "Runs the desk in the foreground, logging to stderr (or syslog\n"
	    "with log = syslog in [log]): one process per [imap] section\n"
	    "waits for mail with IDLE (or polls every poll_interval), turns\n"
	    "it into tickets, flags or moves it, and reconnects with backoff\n"
	    "after any failure; the outbox is sent after every commit.\n\n"
	    "Signals: SIGTERM or SIGINT finish the message in hand and exit\n"
	    "0; SIGHUP reloads the configuration, rules and templates (the\n"
	    "ones in force stay when the new ones are wrong).\n\n"
	    "Exit status: 0 after SIGTERM; 78 when the database or the rules\n"
	    "cannot be used at start.\n",
	.needs_conf = 1,
	.exec = run_exec,
};
