/* SPDX-License-Identifier: ISC */
/* guichet outbox [--json] | retry ID | suppressed | unsuppress ADDR. */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "json-out.h"
#include "outbox.h"
#include "store.h"

static void
text_time(time_t t, char buf[32])
{
	struct tm tm;

	if (t == 0) {
		strcpy(buf, "-");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static json_t *
row_json(const struct conf *c, const struct store_outbox_row *r)
{
	json_t *o = json_object();
	char *ref = r->ticket_id != 0 ?
	    xasprintf("%s#%lld", c->ref_prefix, (long long)r->ticket_id) : NULL;
	int queued = strcmp(r->status, "queued") == 0;

	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "ticket", r->ticket_id != 0 ?
	    json_integer(r->ticket_id) : json_null());
	json_object_set_new(o, "ref", json_out_str(ref));
	json_object_set_new(o, "template", json_out_str(r->template));
	json_object_set_new(o, "to", json_out_str(r->rcpt));
	json_object_set_new(o, "subject", json_out_str(r->subject));
	json_object_set_new(o, "status", json_out_str(r->status));
	json_object_set_new(o, "auto", json_boolean(r->is_auto));
	json_object_set_new(o, "attempts", json_integer(r->attempts));
	json_object_set_new(o, "next_attempt", queued ?
	    json_out_time(r->next_attempt_at) : json_null());
	json_object_set_new(o, "created_at", json_out_time(r->created_at));
	json_object_set_new(o, "sent_at", json_out_time(r->sent_at));
	json_object_set_new(o, "last_error", json_out_str(r->last_error));
	json_object_set_new(o, "message_id", json_out_str(r->message_id));
	free(ref);
	return o;
}

static void
row_text(const struct store_outbox_row *r)
{
	char next[32];

	text_time(strcmp(r->status, "queued") == 0 ? r->next_attempt_at : 0,
	    next);
	printf("%6lld %6lld  %-7s %3d  %-19s  %-28s  %s\n", (long long)r->id,
	    (long long)r->ticket_id, r->status, r->attempts, next, r->rcpt,
	    r->subject != NULL ? r->subject : "");
	if (r->last_error != NULL)
		printf("%16s error: %s\n", "", r->last_error);
}

static int
store_error(struct desk *d, const char *what, char *cause)
{
	int temp = store_temporary(d->store);

	fprintf(stderr, "guichet outbox%s%s: %s\n", *what ? " " : "", what,
	    cause);
	free(cause);
	return temp ? EX_TEMPFAIL : EX_SOFTWARE;
}

static int
list(struct desk *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "status", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_outbox_row *v;
	const char *status = NULL;
	size_t n, limit = 0;
	json_t *arr;
	char *cause;
	int ch, json = 0;

	optind = 0;	/* glibc: reinitialise after main's "+" */
	while ((ch = getopt_long(argc, argv, "js:l:", opts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 's' && (strcmp(optarg, "queued") == 0 ||
		    strcmp(optarg, "sent") == 0 ||
		    strcmp(optarg, "failed") == 0))
			status = optarg;
		else if (ch == 'l' && atoi(optarg) > 0)
			limit = (size_t)atoi(optarg);
		else
			return cmd_usage(&cmd_outbox, 0);
	}
	if (optind != argc)
		return cmd_usage(&cmd_outbox, 0);
	if (store_outbox_list(d->store, status, limit, &v, &n, &cause) == -1)
		return store_error(d, "", cause);
	if (json) {
		arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, row_json(d->conf, &v[i]));
		store_outbox_rows_free(v, n);
		return json_out_print(arr);
	}
	if (n > 0)
		printf("%6s %6s  %-7s %3s  %-19s  %-28s  %s\n", "ID", "TICKET",
		    "STATUS", "TRY", "NEXT ATTEMPT (UTC)", "TO", "SUBJECT");
	for (size_t i = 0; i < n; i++)
		row_text(&v[i]);
	store_outbox_rows_free(v, n);
	return 0;
}

static int
retry(struct desk *d, int argc, char **argv)
{
	char *end, *cause;
	long long id;

	if (argc != 2)
		return cmd_usage(&cmd_outbox, 0);
	id = strtoll(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || id <= 0)
		return cmd_usage(&cmd_outbox, 0);
	if (outbox_retry(d, id, &cause) == -1) {
		if (store_temporary(d->store))
			return store_error(d, "retry", cause);
		fprintf(stderr, "guichet outbox retry: %s\n", cause);
		free(cause);
		return EX_DATAERR;
	}
	printf("mail %lld queued again\n", id);
	return 0;
}

static int
suppressed(struct desk *d, int argc, char **argv)
{
	struct store_suppressed_row *v;
	json_t *arr, *o;
	size_t n;
	char *cause, when[32];
	int json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json))
		return cmd_usage(&cmd_outbox, 0);
	if (store_suppressed_list(d->store, &v, &n, &cause) == -1)
		return store_error(d, "suppressed", cause);
	arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (!json) {
			text_time(v[i].at, when);
			printf("%-32s  %s  ticket %lld  %s\n", v[i].address,
			    when, (long long)v[i].ticket_id, v[i].reason);
			continue;
		}
		o = json_object();
		json_object_set_new(o, "address", json_out_str(v[i].address));
		json_object_set_new(o, "reason", json_out_str(v[i].reason));
		json_object_set_new(o, "ticket", v[i].ticket_id != 0 ?
		    json_integer(v[i].ticket_id) : json_null());
		json_object_set_new(o, "at", json_out_time(v[i].at));
		json_array_append_new(arr, o);
	}
	store_suppressed_rows_free(v, n);
	return json ? json_out_print(arr) : 0;
}

static int
unsuppress(struct desk *d, int argc, char **argv)
{
	char *addr, *cause;
	int found, rc;

	if (argc != 2)
		return cmd_usage(&cmd_outbox, 0);
	addr = str_lower(xstrdup(argv[1]));
	rc = store_unsuppress(d->store, addr, &found, &cause);
	if (rc == -1)
		rc = store_error(d, "unsuppress", cause);
	else if (!found) {
		fprintf(stderr, "guichet outbox unsuppress: %s is not "
		    "suppressed\n", addr);
		rc = EX_DATAERR;
	} else
		printf("%s: the desk writes to it again\n", addr);
	free(addr);
	return rc;
}

static int
outbox_exec(int argc, char **argv, const struct conf *conf)
{
	int (*fn)(struct desk *, int, char **) = list;
	struct desk d;
	int rc;

	if (argc > 1 && strcmp(argv[1], "retry") == 0)
		fn = retry;
	else if (argc > 1 && strcmp(argv[1], "suppressed") == 0)
		fn = suppressed;
	else if (argc > 1 && strcmp(argv[1], "unsuppress") == 0)
		fn = unsuppress;
	else if (argc > 1 && strcmp(argv[1], "list") == 0)
		argc--, argv++;
	if ((rc = desk_open(&d, conf, 0)) != 0)
		return rc;
	d.now = clock_now();
	rc = fn == list ? list(&d, argc, argv) : fn(&d, argc - 1, argv + 1);
	desk_close(&d);
	return rc;
}

const struct cmd cmd_outbox = {
	.name = "outbox",
	.summary = "show queued, sent and failed mail; retry one",
	.usage = "usage: guichet outbox [list] [--json] "
	    "[--status queued|sent|failed] [--limit N]\n"
	    "       guichet outbox retry ID\n"
	    "       guichet outbox suppressed [--json]\n"
	    "       guichet outbox unsuppress ADDRESS\n\n"
	    "Lists the outbox, newest first: id, ticket, status, attempts,\n"
	    "next attempt (queued mail), recipients, subject and the last\n"
	    "error.  `retry` queues a deferred or failed message again, due\n"
	    "now, with a fresh [smtp] max_age.  `suppressed` lists the\n"
	    "addresses that bounced, to which the desk no longer writes;\n"
	    "`unsuppress` lets the desk write to one again.\n",
	.needs_conf = 1,
	.exec = outbox_exec,
};
