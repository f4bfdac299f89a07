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
#include "json-out.h"
#include "store.h"
#include "ticket.h"
#include "ticket-view.h"

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
	json_object_set_new(o, "subject", json_out_str(t->subject));
	json_object_set_new(o, "type", json_out_str(t->type));
	json_object_set_new(o, "status", json_out_str(t->status));
	json_object_set_new(o, "priority", json_out_str(t->priority));
	json_object_set_new(o, "impact", json_out_str(t->impact));
	json_object_set_new(o, "urgency", json_out_str(t->urgency));
	json_object_set_new(o, "category", json_out_str(t->category));
	json_object_set_new(o, "queue", json_out_str(t->queue));
	json_object_set_new(o, "assignee", json_out_str(t->assignee));
	json_object_set_new(o, "client", json_out_str(t->client));
	json_object_set_new(o, "language", json_out_str(t->language));
	json_object_set_new(o, "channel", json_out_str(t->channel));
	json_object_set_new(o, "requester", json_out_str(t->requester));
	json_object_set_new(o, "requester_name", json_out_str(t->requester_name));
	json_object_set_new(o, "major_rule", json_out_str(t->major_rule));
	json_object_set_new(o, "parent", jid(t->parent_id));
	json_object_set_new(o, "linked", jid(t->linked_id));
	json_object_set_new(o, "created_at", json_out_time(t->created_at));
	json_object_set_new(o, "updated_at", json_out_time(t->updated_at));
	json_object_set_new(o, "first_response_at",
	    json_out_time(t->first_response_at));
	json_object_set_new(o, "resolved_at", json_out_time(t->resolved_at));
	json_object_set_new(o, "closed_at", json_out_time(t->closed_at));
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

	json_object_set_new(o, "message_id", json_out_str(r->message_id));
	json_object_set_new(o, "direction", json_out_str(r->direction));
	json_object_set_new(o, "kind", json_out_str(r->kind));
	json_object_set_new(o, "internal", json_boolean(r->internal));
	json_object_set_new(o, "from", json_out_str(r->from_addr));
	json_object_set_new(o, "from_name", json_out_str(r->from_name));
	json_object_set_new(o, "to", json_out_str(r->to_addrs));
	json_object_set_new(o, "subject", json_out_str(r->subject));
	json_object_set_new(o, "date", r->date && *r->date ?
	    json_string(r->date) : json_out_time(r->created_at));
	json_object_set_new(o, "body", json_out_str(r->body));
	json_object_set_new(o, "body_new", json_out_str(r->body_new));
	json_object_set_new(o, "body_quoted", json_out_str(r->body_quoted));
	json_object_set_new(o, "body_signature", json_out_str(r->body_signature));
	json_object_set_new(o, "warnings", json_out_str(r->warnings));
	json_object_set_new(o, "source", json_out_str(r->source));
	for (size_t i = 0; i < r->nattachments; i++) {
		a = json_object();
		json_object_set_new(a, "filename",
		    json_out_str(r->attachments[i].filename));
		json_object_set_new(a, "content_type",
		    json_out_str(r->attachments[i].content_type));
		json_object_set_new(a, "size",
		    json_integer(r->attachments[i].size));
		json_object_set_new(a, "sha256",
		    json_out_str(r->attachments[i].sha256));
		json_array_append_new(atts, a);
	}
	json_object_set_new(o, "attachments", atts);
	return o;
}

static json_t *
event_json(const struct store_event_row *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "at", json_out_time(e->at));
	json_object_set_new(o, "actor", json_out_str(e->actor));
	json_object_set_new(o, "event", json_out_str(e->event));
	json_object_set_new(o, "field", json_out_str(e->field));
	json_object_set_new(o, "old", json_out_str(e->old_value));
	json_object_set_new(o, "new", json_out_str(e->new_value));
	json_object_set_new(o, "detail", json_out_str(e->detail));
	return o;
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
			json_out_iso(v[i]->created_at, when);
			printf("%s#%-6" PRId64 " %-8s %-2s %-10s %-20.20s %s\n",
			    d->conf->ref_prefix, v[i]->id, v[i]->status,
			    v[i]->priority, v[i]->type,
			    v[i]->requester ? v[i]->requester : "",
			    v[i]->subject);
		}
		ticket_free(v[i]);
	}
	free(v);
	return json ? json_out_print(arr) : 0;
}

static void
print_ticket_text(const struct desk *d, const struct ticket *t,
    const struct store_message_row *m, size_t nm)
{
	char when[32];

	json_out_iso(t->created_at, when);
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
		rc = json_out_print(o);
	} else
		print_ticket_text(d, t, m, nm);
out:
	store_message_rows_free(m, nm);
	store_event_rows_free(e, ne);
	ticket_free(t);
	return rc;
}
