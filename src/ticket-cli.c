/* SPDX-License-Identifier: ISC */
/* guichet ticket new and update: requests and changes from the CLI. */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "major.h"
#include "notify.h"
#include "store.h"
#include "ticket.h"
#include "ticket-view.h"

/* "cli:USER": who made a change, for the event log. */
static char *
cli_actor(void)
{
	struct passwd *pw = getpwuid(getuid());

	return xasprintf("cli:%s", pw != NULL ? pw->pw_name : "unknown");
}

static int
fail(struct desk *d, char *cause)
{
	int temp = store_temporary(d->store);

	fprintf(stderr, "guichet: %s\n", cause);
	free(cause);
	store_rollback(d->store);
	return temp ? EX_TEMPFAIL : EX_DATAERR;
}

struct new_opts {
	const char *channel, *requester, *name, *subject, *body_file;
	const char *priority, *type, *category, *queue;
};

static int
parse_new(int argc, char **argv, struct new_opts *o)
{
	static const struct option opts[] = {
		{ "channel", required_argument, NULL, 'c' },
		{ "requester", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "subject", required_argument, NULL, 's' },
		{ "body-file", required_argument, NULL, 'b' },
		{ "priority", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "category", required_argument, NULL, 'C' },
		{ "queue", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->channel = optarg; break;
		case 'r': o->requester = optarg; break;
		case 'n': o->name = optarg; break;
		case 's': o->subject = optarg; break;
		case 'b': o->body_file = optarg; break;
		case 'p': o->priority = optarg; break;
		case 't': o->type = optarg; break;
		case 'C': o->category = optarg; break;
		case 'q': o->queue = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc || o->channel == NULL || o->requester == NULL ||
	    o->subject == NULL)
		return -1;
	return 0;
}

static const char *
check_new(const struct new_opts *o)
{
	if (!ticket_valid_channel(o->channel) ||
	    strcmp(o->channel, "email") == 0)
		return "--channel must be phone, walk-in or web";
	if (o->priority != NULL && !ticket_valid_priority(o->priority))
		return "--priority must be P1, P2, P3 or P4";
	if (o->type != NULL && !ticket_valid_type(o->type))
		return "--type must be incident, request, assistance or major";
	if (strchr(o->requester, '@') == NULL ||
	    strpbrk(o->requester, " \t\r\n<>") != NULL)
		return "--requester must be a bare mail address";
	return NULL;
}

static struct ticket *
build_ticket(struct desk *d, const struct new_opts *o)
{
	struct ticket *t = ticket_new();

	ticket_set(&t->subject, o->subject);
	ticket_set(&t->type, o->type ? o->type : "incident");
	ticket_set(&t->status, "new");
	ticket_set(&t->priority, o->priority ? o->priority : "P3");
	ticket_set(&t->category, o->category);
	ticket_set(&t->queue, o->queue);
	ticket_set(&t->channel, o->channel);
	t->requester = str_lower(xstrdup(o->requester));
	ticket_set(&t->requester_name, o->name);
	ticket_set(&t->language, d->conf->language);
	t->created_at = t->updated_at = d->now;
	return t;
}

static int
log_request(struct desk *d, struct ticket *t, const char *body,
    const char *actor, char **cause)
{
	struct store_message_in in = { .direction = "in",
	    .kind = t->channel, .source = actor, .now = d->now };
	struct store_message_local l = { .from_addr = t->requester,
	    .from_name = t->requester_name, .subject = t->subject,
	    .body = body };
	struct store_event e = { .at = d->now, .actor = actor,
	    .event = "create", .detail = t->channel };
	int declared = strcmp(t->type, "major") == 0;
	int64_t id, joined;

	if (major_find_parent(d, t, declared, 0, cause) == -1 ||
	    store_ticket_insert(d->store, t, cause) == -1)
		return -1;
	in.ticket_id = e.ticket_id = t->id;
	if (store_message_insert_local(d->store, &in, &l, &id, cause) == -1 ||
	    store_event_add(d->store, &e, cause) == -1)
		return -1;
	log_event("ticket=%lld event=open channel=%s requester=<%s> actor=%s",
	    (long long)t->id, t->channel, log_safe(t->requester),
	    log_safe(actor));
	/* A phone call about an open major incident joins it, and counts
	 * towards a burst like mail does. */
	if (major_on_new_ticket(d, t, declared, 0, &joined, cause) == -1)
		return -1;
	if (notify_ticket_logged(d, t, cause) == -1 ||
	    notify_agents_new(d, t, cause) == -1)
		return -1;
	return 0;
}

int
ticket_cmd_new(struct desk *d, int argc, char **argv)
{
	struct new_opts o = { 0 };
	struct ticket *t;
	const char *err;
	char *body = NULL, *cause, *actor;
	size_t len;
	int rc;

	if (parse_new(argc, argv, &o) == -1)
		return cmd_usage(&cmd_ticket, 0);
	if ((err = check_new(&o)) != NULL) {
		fprintf(stderr, "guichet: %s\n", err);
		return EX_USAGE;
	}
	if (o.body_file != NULL && file_read(o.body_file, &body, &len,
	    &cause) == -1) {
		fprintf(stderr, "guichet: %s\n", cause);
		free(cause);
		return EX_NOINPUT;
	}
	t = build_ticket(d, &o);
	actor = cli_actor();
	if (store_begin(d->store, &cause) == -1 ||
	    log_request(d, t, body ? body : "", actor, &cause) == -1 ||
	    store_commit(d->store, &cause) == -1)
		rc = fail(d, cause);
	else {
		printf("%s#%lld\n", d->conf->ref_prefix, (long long)t->id);
		rc = 0;
	}
	free(actor);
	free(body);
	ticket_free(t);
	return rc;
}

struct change {
	const char *field, *value;
};

static int
parse_update(int argc, char **argv, struct change *ch, size_t *nch,
    const char **note, long long *id)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "priority", required_argument, NULL, 'p' },
		{ "assign", required_argument, NULL, 'a' },
		{ "queue", required_argument, NULL, 'q' },
		{ "category", required_argument, NULL, 'C' },
		{ "type", required_argument, NULL, 't' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	static const struct { int ch; const char *field; } map[] = {
		{ 't', "type" }, { 'C', "category" }, { 'q', "queue" },
		{ 'p', "priority" }, { 'a', "assignee" }, { 's', "status" },
	};
	const char *vals[ARRAY_LEN(map)] = { 0 };
	char *end;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n') {
			*note = optarg;
			continue;
		}
		size_t i;
		for (i = 0; i < ARRAY_LEN(map) && map[i].ch != c; i++)
			;
		if (i == ARRAY_LEN(map))
			return -1;
		vals[i] = optarg;
	}
	if (optind != argc - 1)
		return -1;
	*id = strtoll(argv[optind], &end, 10);
	if (*end != '\0' || *id <= 0)
		return -1;
	/* Status last: a notice then carries the other new values. */
	*nch = 0;
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (vals[i] != NULL) {
			ch[*nch].field = map[i].field;
			ch[(*nch)++].value = vals[i];
		}
	return (*nch > 0 || *note != NULL) ? 0 : -1;
}

static int
apply_changes(struct desk *d, struct ticket *t, const struct change *ch,
    size_t nch, const char *note, const char *actor, char **cause)
{
	for (size_t i = 0; i < nch; i++)
		if (ticket_change(d, t, ch[i].field, ch[i].value, actor,
		    cause) == -1)
			return -1;
	if (note != NULL && ticket_note(d, t, note, actor, cause) == -1)
		return -1;
	return 0;
}

int
ticket_cmd_update(struct desk *d, int argc, char **argv)
{
	struct change ch[8];
	struct ticket *t = NULL;
	const char *note = NULL;
	char *cause, *actor;
	size_t nch;
	long long id;
	int rc;

	if (parse_update(argc, argv, ch, &nch, &note, &id) == -1)
		return cmd_usage(&cmd_ticket, 0);
	actor = cli_actor();
	if (store_begin(d->store, &cause) == -1 ||
	    store_ticket_get(d->store, id, &t, &cause) == -1) {
		rc = fail(d, cause);
		goto out;
	}
	if (t == NULL) {
		store_rollback(d->store);
		fprintf(stderr, "guichet: no ticket %lld\n", id);
		rc = EX_DATAERR;
		goto out;
	}
	if (apply_changes(d, t, ch, nch, note, actor, &cause) == -1 ||
	    store_commit(d->store, &cause) == -1)
		rc = fail(d, cause);
	else
		rc = 0;
out:
	free(actor);
	ticket_free(t);
	return rc;
}
