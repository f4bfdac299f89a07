/* SPDX-License-Identifier: ISC */
/*
 * rules-field.c - the values a condition's field gives for a message.
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

/* Header names mostly differ from their first letter on: compare it before
 * strcasecmp(), which a rule on a header would otherwise call for every
 * header of every message.  ASCII case only, as str_ieq(). */
static int
header_is(const char *name, const char *want)
{
	return (name[0] | 0x20) == (want[0] | 0x20) && str_ieq(name, want);
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
			if (header_is(msg->headers[i].name, header) &&
			    msg->headers[i].value != NULL)
				rc = fn(arg, msg->headers[i].value);
		}
		break;
	}
	buf_free(&tmp);
	return rc;
}
