/* SPDX-License-Identifier: ISC */
/*
 * rules-field.c - the values a condition's field gives for a message, and
 * the prefilter index of each field (re.h), built once per message on
 * first use.
 *
 * A field gives zero or more values: one for subject, body and
 * sender-domain; one per address for to and cc, one per attachment name,
 * one per header of the name for `header NAME`.  An address is offered
 * twice: first bare ("alice@example.org"), then, when it has a display
 * name, formatted ("Alice Martin <alice@example.org>"), so that
 * /@example\.org$/ and /^Alice/ both work.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "mime.h"
#include "rules-int.h"

static const char *field_names[] = {
	[FIELD_FROM] = "from",
	[FIELD_TO] = "to",
	[FIELD_CC] = "cc",
	[FIELD_SUBJECT] = "subject",
	[FIELD_BODY] = "body",
	[FIELD_SENDER_DOMAIN] = "sender-domain",
	[FIELD_ATTACHMENT] = "attachment",
	[FIELD_HEADER] = "header",
};

const char *
rules_field_name(enum rule_field f)
{
	return field_names[f];
}

static int
address(const struct mime_address *a, rules_value_fn fn, void *arg,
    struct buf *tmp)
{
	const char	*addr = a->addr != NULL ? a->addr : "";

	if (*addr != '\0' && fn(arg, addr))
		return 1;
	if (a->name == NULL || *a->name == '\0')
		return 0;
	tmp->len = 0;
	buf_adds(tmp, a->name);
	buf_adds(tmp, " <");
	buf_adds(tmp, addr);
	buf_addc(tmp, '>');
	return fn(arg, tmp->data);
}

static int
addresses(const struct mime_address *v, size_t n, rules_value_fn fn,
    void *arg, struct buf *tmp)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (address(&v[i], fn, arg, tmp))
			return 1;
	}
	return 0;
}

/*
 * The domain of the From address in lower case, as message_sender_domain()
 * gives it; computed here because that function only works on messages
 * made by mime_parse(), and rules also run on messages built otherwise.
 */
static const char *
sender_domain(const struct message *msg, struct buf *tmp)
{
	const char	*at;

	at = msg->from.addr != NULL ? strrchr(msg->from.addr, '@') : NULL;
	tmp->len = 0;
	buf_adds(tmp, at != NULL ? at + 1 : "");
	return str_lower(tmp->data);
}

int
rules_field_values(const struct message *msg, enum rule_field field,
    const char *header, rules_value_fn fn, void *arg)
{
	struct buf	tmp;
	size_t		i;
	int		rc = 0;

	buf_init(&tmp);
	switch (field) {
	case FIELD_FROM:
		rc = address(&msg->from, fn, arg, &tmp);
		break;
	case FIELD_TO:
		rc = addresses(msg->to, msg->nto, fn, arg, &tmp);
		break;
	case FIELD_CC:
		rc = addresses(msg->cc, msg->ncc, fn, arg, &tmp);
		break;
	case FIELD_SUBJECT:
		rc = fn(arg, msg->subject != NULL ? msg->subject : "");
		break;
	case FIELD_BODY:
		rc = fn(arg, msg->body != NULL ? msg->body : "");
		break;
	case FIELD_SENDER_DOMAIN:
		rc = fn(arg, sender_domain(msg, &tmp));
		break;
	case FIELD_ATTACHMENT:
		for (i = 0; rc == 0 && i < msg->nattachments; i++) {
			if (msg->attachments[i].filename != NULL)
				rc = fn(arg, msg->attachments[i].filename);
		}
		break;
	case FIELD_HEADER:
		for (i = 0; rc == 0 && i < msg->nheaders; i++) {
			if (str_ieq(msg->headers[i].name, header) &&
			    msg->headers[i].value != NULL)
				rc = fn(arg, msg->headers[i].value);
		}
		break;
	}
	buf_free(&tmp);
	return rc;
}

static int
add_length(void *arg, const char *value)
{
	*(size_t *)arg += strlen(value);
	return 0;
}

static int
index_value(void *arg, const char *value)
{
	re_index_add(arg, value, strlen(value));
	return 0;
}

/* The values of a field are indexed together: a literal that occurs in
 * one of them has its substrings in the index. */
struct re_index *
rules_field_index(struct rule_ctx *ctx, enum rule_field field,
    const char *header)
{
	struct rule_index *fi;
	size_t		 i, len = 0;

	for (i = 0; i < ctx->nindexes; i++) {
		fi = &ctx->indexes[i];
		if (fi->field == field && (field != FIELD_HEADER ||
		    str_ieq(fi->header, header)))
			return fi->ix;
	}
	if (ctx->nindexes == ctx->capindexes) {
		ctx->capindexes = ctx->capindexes * 2 + 8;
		ctx->indexes = xreallocarray(ctx->indexes, ctx->capindexes,
		    sizeof *ctx->indexes);
	}
	fi = &ctx->indexes[ctx->nindexes++];
	fi->field = field;
	fi->header = header;
	fi->ix = re_index_new();
	rules_field_values(ctx->msg, field, header, add_length, &len);
	re_index_reset(fi->ix, len);
	rules_field_values(ctx->msg, field, header, index_value, fi->ix);
	return fi->ix;
}

void
rules_field_indexes_free(struct rule_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < ctx->nindexes; i++)
		re_index_free(ctx->indexes[i].ix);
	free(ctx->indexes);
	ctx->indexes = NULL;
	ctx->nindexes = ctx->capindexes = 0;
}
