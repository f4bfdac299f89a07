/* SPDX-License-Identifier: ISC */
/*
 * guichet fetch: one IMAP pass over every configured mailbox (or the one
 * named with --mailbox), then exit.  For cron, for a first import, and
 * for tests; `guichet run` is the same pass in a loop.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "imap.h"
#include "intake-imap.h"
#include "log.h"
#include "progress.h"
#include "store.h"

static volatile sig_atomic_t fetch_stop;

struct fetch {
	struct progress	 progress;
	const char	*label;
	int		 quiet;
};

static void
on_stop(int sig)
{
	(void)sig;
	fetch_stop = 1;
}

static int
stop_cb(void *arg)
{
	(void)arg;
	return fetch_stop;
}

static void
begin_cb(void *arg, size_t total)
{
	struct fetch *f = arg;

	if (total > 0)
		progress_start(&f->progress, f->label, total, f->quiet);
}

static void
step_cb(void *arg)
{
	struct fetch *f = arg;

	if (f->progress.total > 0)
		progress_step(&f->progress, 1);
}

static int
exit_code(enum imap_fail fail)
{
	switch (fail) {
	case IMAP_FAIL_NONE:
		return 0;
	case IMAP_FAIL_TEMP:
		return EX_TEMPFAIL;
	case IMAP_FAIL_CONFIG:
		return EX_CONFIG;
	default:
		return EX_SOFTWARE;
	}
}

static int
fetch_one(struct desk *desk, const struct conf_imap *mc, int quiet, int retry)
{
	struct fetch f = { .label = intake_imap_label(mc), .quiet = quiet };
	struct intake_imap_hooks h = { .stop = stop_cb, .begin = begin_cb,
	    .step = step_cb, .arg = &f };
	struct intake_imap_stats st;
	struct imap *im = imap_new(mc);
	enum imap_fail fail = IMAP_FAIL_NONE;
	size_t failed = 0;
	char *cause = NULL;

	memset(&st, 0, sizeof(st));
	if (imap_connect(im, &cause) == -1 || imap_select(im, &cause) == -1)
		fail = imap_failure(im);
	else if (intake_imap_pass(desk, im, mc, &h, &st, &fail, &cause) ==
	    0 && retry) {
		failed = st.failed;
		if (f.progress.total > 0)
			progress_end(&f.progress);
		memset(&f.progress, 0, sizeof(f.progress));
		intake_imap_retry_failed(desk, im, mc, &h, &st, &fail, &cause);
	}
	failed += st.failed;
	if (f.progress.total > 0)
		progress_end(&f.progress);
	if (cause != NULL) {
		log_warn("mailbox %s (%s@%s:%d): %s", f.label, mc->user,
		    mc->host, mc->port, cause);
		free(cause);
	}
	imap_logout(im);
	imap_free(im);
	/* Parked with the keyword, but the admin should know. */
	if (fail == IMAP_FAIL_NONE && failed > 0)
		return EX_SOFTWARE;
	return exit_code(fail);
}

/* The worst wins: the admin's problem before a passing one. */
static int
worse(int a, int b)
{
	static const int order[] = { 0, EX_TEMPFAIL, EX_SOFTWARE, EX_CONFIG };
	size_t ia = 0, ib = 0;

	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		if (order[i] == a)
			ia = i;
		if (order[i] == b)
			ib = i;
	}
	return ia >= ib ? a : b;
}

static int
fetch_exec(int argc, char **argv, const struct conf *conf)
{
	static const struct option opts[] = {
		{ "mailbox", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retry-failed", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	struct desk desk;
	const char *only = NULL;
	char *cause;
	int ch, quiet = 0, retry = 0, rc = 0, found = 0;

	while ((ch = getopt_long(argc, argv, "m:q", opts, NULL)) != -1) {
		switch (ch) {
		case 'm': only = optarg; break;
		case 'q': quiet = 1; break;
		case 'r': retry = 1; break;
		default: return cmd_usage(&cmd_fetch, 0);
		}
	}
	if (optind != argc)
		return cmd_usage(&cmd_fetch, 0);
	if (conf->nimaps == 0) {
		log_warn("%s: no [imap] section", conf->path);
		return EX_CONFIG;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* Ends the pass after the message in hand; a signal that lands in
	 * a network read ends it there (nothing is lost either way). */
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if ((rc = desk_open(&desk, conf, 1)) != 0)
		return rc;
	/* A pass may bring a backlog: checkpoints on a thread of their own. */
	if (store_bulk(desk.store, &cause) == -1) {
		log_warn("%s", cause);	/* only slower */
		free(cause);
	}
	for (size_t i = 0; i < conf->nimaps && !fetch_stop; i++) {
		const struct conf_imap *mc = &conf->imaps[i];
		if (only != NULL && strcmp(intake_imap_label(mc), only) != 0)
			continue;
		found = 1;
		rc = worse(rc, fetch_one(&desk, mc, quiet, retry));
	}
	desk_close(&desk);
	if (!found) {
		log_warn("no mailbox named %s in %s", only, conf->path);
		return EX_USAGE;
	}
	if (fetch_stop && rc == 0)
		rc = EX_TEMPFAIL;
	return rc;
}

const struct cmd cmd_fetch = {
	.name = "fetch",
	.summary = "one IMAP pass over every mailbox, then exit",
	.usage = "usage: guichet fetch [--quiet] [--mailbox NAME] "
	    "[--retry-failed]\n\n"
	    "Fetches the new mail of every [imap] section (or of the one\n"
	    "named NAME, \"default\" for [imap]) into tickets, then flags it\n"
	    "\\Seen or moves it to done_mailbox.  A progress bar shows on a\n"
	    "terminal unless --quiet.  A message the desk refused for good\n"
	    "is left in the mailbox with the keyword $GuichetFailed and not\n"
	    "taken again, unless --retry-failed (after fixing the cause).\n\n"
	    "Exit status: 0 done; 75 temporary failure (network, server down,\n"
	    "database busy): run again later, nothing is lost; 78\n"
	    "configuration error (certificate, password, unknown mailbox);\n"
	    "70 a message was refused for good (see the log), or another\n"
	    "error.\n",
	.needs_conf = 1,
	.exec = fetch_exec,
};
