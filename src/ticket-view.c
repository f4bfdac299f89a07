/* SPDX-License-Identifier: ISC */
/* guichet ticket list and show: text and JSON. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "store.h"
#include "ticket.h"
#include "ticket-view.h"

static void
iso_time(time_t t, char buf[32])
{
	struct tm tm;

	if (t == 0) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jtime(time_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	iso_time(t, buf);
	return json_string(buf);
}

static json_t *
jid(int64_t id)
{
	return id != 0 ? json_integer(id) : json_null();
}

static json_t *
ticket_json(const struct desk *d, const struct ticket *t)
{
	json_t *o = json_object(), *tags = json_array();
	char *ref = ticket_ref(d->conf->ref_prefix, t->id);

	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "ref", json_string(ref));
	json_object_set_new(o, "subject", jstr(t->subject));
	json_object_set_new(o, "type", jstr(t->type));
	json_object_set_new(o, "status", jstr(t->status));
	json_object_set_new(o, "priority", jstr(t->priority));
	json_object_set_new(o, "impact", jstr(t->impact));
	json_object_set_new(o, "urgency", jstr(t->urgency));
	json_object_set_new(o, "category", jstr(t->category));
	json_object_set_new(o, "queue", jstr(t->queue));
	json_object_set_new(o, "assignee", jstr(t->assignee));
	json_object_set_new(o, "client", jstr(t->client));
	json_object_set_new(o, "language", jstr(t->language));
	json_object_set_new(o, "channel", jstr(t->channel));
	json_object_set_new(o, "requester", jstr(t->requester));
	json_object_set_new(o, "requester_name", jstr(t->requester_name));
	json_object_set_new(o, "major_rule", jstr(t->major_rule));
	json_object_set_new(o, "parent", jid(t->parent_id));
	json_object_set_new(o, "linked", jid(t->linked_id));
	json_object_set_new(o, "created_at", jtime(t->created_at));
	json_object_set_new(o, "updated_at", jtime(t->updated_at));
	json_object_set_new(o, "first_response_at",
	    jtime(t->first_response_at));
	json_object_set_new(o, "resolved_at", jtime(t->resolved_at));
	json_object_set_new(o, "closed_at", jtime(t->closed_at));
	for (size_t i = 0; i < t->ntags; i++)
		json_array_append_new(tags, json_string(t->tags[i]));
	json_object_set_new(o, "tags", tags);
	free(ref);
	return o;
}

static json_t *
message_json(const struct store_message_row *r)
{
	json_t *o = json_object(), *atts = json_array(), *a;

	json_object_set_new(o, "message_id", jstr(r->message_id));
	json_object_set_new(o, "direction", jstr(r->direction));
	json_object_set_new(o, "kind", jstr(r->kind));
	json_object_set_new(o, "internal", json_boolean(r->internal));
	json_object_set_new(o, "from", jstr(r->from_addr));
	json_object_set_new(o, "from_name", jstr(r->from_name));
	json_object_set_new(o, "to", jstr(r->to_addrs));
	json_object_set_new(o, "subject", jstr(r->subject));
	json_object_set_new(o, "date", r->date && *r->date ?
	    json_string(r->date) : jtime(r->created_at));
	json_object_set_new(o, "body", jstr(r->body));
	json_object_set_new(o, "body_new", jstr(r->body_new));
	json_object_set_new(o, "body_quoted", jstr(r->body_quoted));
	json_object_set_new(o, "body_signature", jstr(r->body_signature));
	json_object_set_new(o, "warnings", jstr(r->warnings));
	json_object_set_new(o, "source", jstr(r->source));
	for (size_t i = 0; i < r->nattachments; i++) {
		a = json_object();
		json_object_set_new(a, "filename",
		    jstr(r->attachments[i].filename));
		json_object_set_new(a, "content_type",
		    jstr(r->attachments[i].content_type));
		json_object_set_new(a, "size",
		    json_integer(r->attachments[i].size));
		json_object_set_new(a, "sha256",
		    jstr(r->attachments[i].sha256));
		json_array_append_new(atts, a);
	}
	json_object_set_new(o, "attachments", atts);
	return o;
}

static json_t *
event_json(const struct store_event_row *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "at", jtime(e->at));
	json_object_set_new(o, "actor", jstr(e->actor));
	json_object_set_new(o, "event", jstr(e->event));
	json_object_set_new(o, "field", jstr(e->field));
	json_object_set_new(o, "old", jstr(e->old_value));
	json_object_set_new(o, "new", jstr(e->new_value));
	json_object_set_new(o, "detail", jstr(e->detail));
	return o;
}

static int
dump_json(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);

	json_decref(j);
	putchar('\n');
	return rc == 0 ? 0 : EX_IOERR;
}

static int
store_error(struct desk *d, char *cause)
{
	int temp = store_temporary(d->store);

	fprintf(stderr, "guichet: %s\n", cause);
	free(cause);
	return temp ? EX_TEMPFAIL : EX_SOFTWARE;
}

static int
parse_json_flag(int argc, char **argv, int *json, const char **status)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "status", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			*json = 1;
		else if (ch == 's' && status != NULL)
			*status = optarg;
		else
			return -1;
	}
	return 0;
}

int
ticket_cmd_list(struct desk *d, int argc, char **argv)
{
	struct store_ticket_filter f = { 0 };
	struct ticket **v;
	char *cause, when[32];
	size_t n;
	int json = 0;
	json_t *arr;

	if (parse_json_flag(argc, argv, &json, &f.status) == -1 ||
	    optind != argc)
		return cmd_usage(&cmd_ticket, 0);
	if (f.status != NULL && !ticket_valid_status(f.status)) {
		fprintf(stderr, "guichet: unknown status: %s\n", f.status);
		return EX_USAGE;
	}
	if (store_ticket_list(d->store, &f, &v, &n, &cause) == -1)
		return store_error(d, cause);
	arr = json ? json_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		if (json)
			json_array_append_new(arr, ticket_json(d, v[i]));
		else {
			iso_time(v[i]->created_at, when);
			printf("%s#%-6" PRId64 " %-8s %-2s %-10s %-20.20s %s\n",
			    d->conf->ref_prefix, v[i]->id, v[i]->status,
			    v[i]->priority, v[i]->type,
			    v[i]->requester ? v[i]->requester : "",
			    v[i]->subject);
		}
		ticket_free(v[i]);
	}
	free(v);
	return json ? dump_json(arr) : 0;
}

static void
print_ticket_text(const struct desk *d, const struct ticket *t,
    const struct store_message_row *m, size_t nm)
{
	char when[32];

	iso_time(t->created_at, when);
	printf("%s#%" PRId64 "  %s\n", d->conf->ref_prefix, t->id, t->subject);
	printf("  type %s, status %s, priority %s\n", t->type, t->status,
	    t->priority);
	printf("  requester %s%s%s%s, channel %s, created %s\n",
	    t->requester_name ? t->requester_name : "",
	    t->requester_name ? " <" : "", t->requester,
	    t->requester_name ? ">" : "", t->channel, when);
	printf("  category %s, queue %s, assignee %s, client %s\n",
	    t->category ? t->category : "-", t->queue ? t->queue : "-",
	    t->assignee ? t->assignee : "-", t->client ? t->client : "-");
	if (t->parent_id != 0)
		printf("  part of major incident %s#%" PRId64 "\n",
		    d->conf->ref_prefix, t->parent_id);
	for (size_t i = 0; i < nm; i++) {
		printf("\n--- %s %s%s from %s, %s\n", m[i].direction,
		    m[i].kind, m[i].internal ? " (internal)" : "",
		    m[i].from_addr ? m[i].from_addr : "-",
		    m[i].date ? m[i].date : "");
		printf("%s\n", m[i].body_new ? m[i].body_new : "");
		for (size_t j = 0; j < m[i].nattachments; j++)
			printf("[attachment %s, %s, %" PRId64 " bytes]\n",
			    m[i].attachments[j].filename,
			    m[i].attachments[j].content_type,
			    m[i].attachments[j].size);
	}
}

int
ticket_cmd_show(struct desk *d, int argc, char **argv)
{
	struct store_message_row *m = NULL;
	struct store_event_row *e = NULL;
	struct ticket *t;
	size_t nm = 0, ne = 0;
	char *cause, *end;
	int json = 0, rc = 0;
	long long id;
	json_t *o, *arr;

	if (parse_json_flag(argc, argv, &json, NULL) == -1 ||
	    optind != argc - 1)
		return cmd_usage(&cmd_ticket, 0);
	id = strtoll(argv[optind], &end, 10);
	if (*end != '\0' || id <= 0) {
		fprintf(stderr, "guichet: not a ticket number: %s\n",
		    argv[optind]);
		return EX_USAGE;
	}
	if (store_ticket_get(d->store, id, &t, &cause) == -1)
		return store_error(d, cause);
	if (t == NULL) {
		fprintf(stderr, "guichet: no ticket %lld\n", id);
		return EX_DATAERR;
	}
	if (store_message_list(d->store, id, &m, &nm, &cause) == -1 ||
	    store_event_list(d->store, id, &e, &ne, &cause) == -1) {
		rc = store_error(d, cause);
		goto out;
	}
	if (json) {
		o = ticket_json(d, t);
		arr = json_array();
		for (size_t i = 0; i < nm; i++)
			json_array_append_new(arr, message_json(&m[i]));
		json_object_set_new(o, "messages", arr);
		arr = json_array();
		for (size_t i = 0; i < ne; i++)
			json_array_append_new(arr, event_json(&e[i]));
		json_object_set_new(o, "events", arr);
		rc = dump_json(o);
	} else
		print_ticket_text(d, t, m, nm);
out:
	store_message_rows_free(m, nm);
	store_event_rows_free(e, ne);
	ticket_free(t);
	return rc;
}
