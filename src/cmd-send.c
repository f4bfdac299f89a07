/* SPDX-License-Identifier: ISC */
/* guichet send: one outbox pass, then exit. */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "outbox.h"
#include "store.h"

static int
send_exec(int argc, char **argv, const struct conf *conf)
{
	static const struct option opts[] = {
		{ "max", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct outbox_stats st;
	struct desk d;
	size_t max = SIZE_MAX;
	char *cause, *end;
	int ch, rc;

	optind = 0;	/* glibc: reinitialise after main's "+" */
	while ((ch = getopt_long(argc, argv, "m:", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			max = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || max == 0)
				return cmd_usage(&cmd_send, 0);
			break;
		default:
			return cmd_usage(&cmd_send, 0);
		}
	}
	if (optind != argc)
		return cmd_usage(&cmd_send, 0);
	if (*conf->smtp_url == '\0') {
		fprintf(stderr, "guichet send: no [smtp] url in %s\n",
		    conf->path);
		return EX_CONFIG;
	}
	if ((rc = desk_open(&d, conf, 0)) != 0)
		return rc;
	d.now = clock_now();
	if (outbox_flush(&d, max, &st, &cause) == -1) {
		fprintf(stderr, "guichet send: %s\n", cause);
		free(cause);
		rc = store_temporary(d.store) ? EX_TEMPFAIL : EX_SOFTWARE;
	} else {
		printf("sent %zu, deferred %zu, failed %zu\n", st.sent,
		    st.retried, st.failed);
		rc = st.retried > 0 ? EX_TEMPFAIL : 0;
	}
	desk_close(&d);
	return rc;
}

const struct cmd cmd_send = {
	.name = "send",
	.summary = "deliver queued mail once, then exit",
	.usage = "usage: guichet send [--max N]\n\n"
	    "Delivers the mail that is due in the outbox over SMTP ([smtp] in\n"
	    "the configuration), at most N messages, and exits.  A message\n"
	    "that meets a temporary failure (4xx, network, TLS,\n"
	    "authentication) is deferred with a growing delay (1 min doubling\n"
	    "up to 1 h) until [smtp] max_age has passed; a 5xx fails it at\n"
	    "once.  `guichet outbox` shows the result.\n\n"
	    "Prints \"sent N, deferred N, failed N\".  Exit status: 0, or 75\n"
	    "(EX_TEMPFAIL) when some mail was deferred by this pass or the\n"
	    "database was busy, so that a cron job can tell; permanent\n"
	    "failures are recorded on their tickets and exit 0.\n",
	.needs_conf = 1,
	.exec = send_exec,
};
