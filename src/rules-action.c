/* SPDX-License-Identifier: ISC */
/*
 * rules-action.c - what a rule does once its conditions hold: `set`,
 * `tag`, the major-incident flags, `reply`, `drop`, `stop`; ${name}
 * expansion from the captures of the rule's conditions; the legal values.
 *
 * A literal value is checked when the rules are loaded.  A value made
 * with ${name} holds text from a stranger's mail, so it is checked (and
 * for free-text fields cleaned) when the rule runs; an illegal one is
 * ignored and logged, never stored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "log.h"
#include "rules-int.h"

/* Longest free-text value or tag kept from a capture, in bytes. */
#define VALUE_MAX	200
#define TAG_MAX		64
#define TAG_CHARS	"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-"

static const char *key_names[KEY_COUNT] = {
	[KEY_TYPE] = "type",
	[KEY_CATEGORY] = "category",
	[KEY_PRIORITY] = "priority",
	[KEY_IMPACT] = "impact",
	[KEY_URGENCY] = "urgency",
	[KEY_QUEUE] = "queue",
	[KEY_ASSIGNEE] = "assignee",
	[KEY_CLIENT] = "client",
	[KEY_LANGUAGE] = "language",
};

static const char *types[] = { "incident", "request", "assistance", "major",
	NULL };
static const char *priorities[] = { "P1", "P2", "P3", "P4", NULL };
static const char *levels[] = { "high", "medium", "low", NULL };

const char *
rules_key_name(enum rule_key key)
{
	return key_names[key];
}

int
rules_key_lookup(const char *s)
{
	int	i;

	for (i = 0; i < KEY_COUNT; i++) {
		if (strcmp(key_names[i], s) == 0)
			return i;
	}
	return -1;
}

static int
one_of(const char **v, const char *s)
{
	for (; *v != NULL; v++) {
		if (strcmp(*v, s) == 0)
			return 1;
	}
	return 0;
}

static int
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_alpha(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

/* "fr", "en-GB": the name of a template directory, so nothing else. */
static int
language_ok(const char *s)
{
	if (!is_lower(s[0]) || !is_lower(s[1]))
		return 0;
	if (s[2] == '\0')
		return 1;
	return s[2] == '-' && is_alpha(s[3]) && is_alpha(s[4]) && s[5] == '\0';
}

const char *
rules_value_check(enum rule_key key, const char *s)
{
	const char	*p;

	switch (key) {
	case KEY_TYPE:
		if (!one_of(types, s))
			return "type must be incident, request, assistance or "
			    "major";
		break;
	case KEY_PRIORITY:
		if (!one_of(priorities, s))
			return "priority must be P1, P2, P3 or P4";
		break;
	case KEY_IMPACT:
		if (!one_of(levels, s))
			return "impact must be high, medium or low";
		break;
	case KEY_URGENCY:
		if (!one_of(levels, s))
			return "urgency must be high, medium or low";
		break;
	case KEY_LANGUAGE:
		if (!language_ok(s))
			return "language must be like 'fr' or 'en-GB'";
		break;
	default:
		if (strlen(s) > VALUE_MAX)
			return "value too long (200 bytes at most)";
		for (p = s; *p != '\0'; p++) {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return "control character in value";
		}
		break;
	}
	return NULL;
}

void
rules_outcome_add(char ***v, size_t *n, const char *s)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i], s) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

static char *
expand(const struct rule_action *a, const struct rule_captures *caps)
{
	struct buf	 b;
	size_t		 i, k;

	buf_init(&b);
	for (i = 0; i < a->nsegs; i++) {
		if (!a->segs[i].is_ref) {
			buf_adds(&b, a->segs[i].text);
			continue;
		}
		/* A group that took no part in the match expands to "". */
		for (k = 0; k < caps->n; k++) {
			if (strcmp(caps->v[k].name, a->segs[i].text) == 0) {
				buf_adds(&b, caps->v[k].value);
				break;
			}
		}
	}
	return buf_steal(&b);
}

/* Cuts s to at most max bytes without splitting a UTF-8 character. */
static void
cut_utf8(char *s, size_t max)
{
	size_t	len = strlen(s);

	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/* A tag from captured text: every run of other bytes becomes one '-'. */
static void
clean_tag(char *s)
{
	char	*w = s, *r;

	for (r = s; *r != '\0'; r++) {
		if (strchr(TAG_CHARS, *r) != NULL)
			*w++ = *r;
		else if (w == s || w[-1] != '-')
			*w++ = '-';
	}
	*w = '\0';
	cut_utf8(s, TAG_MAX);
}

/* Free text from captured text: control bytes become spaces, runs of
 * white space one space, no space at either end. */
static void
clean_text(char *s)
{
	char	*w = s, *r;

	for (r = s; *r != '\0'; r++) {
		if ((unsigned char)*r <= 0x20 || *r == 0x7f) {
			if (w != s && w[-1] != ' ')
				*w++ = ' ';
		} else
			*w++ = *r;
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
	cut_utf8(s, VALUE_MAX);
}

/* Keyword values from mail are compared without regard to case. */
static void
normalise(enum rule_key key, char *s)
{
	switch (key) {
	case KEY_TYPE:
	case KEY_IMPACT:
	case KEY_URGENCY:
		str_lower(s);
		break;
	case KEY_PRIORITY:
		if (s[0] == 'p')
			s[0] = 'P';
		break;
	case KEY_LANGUAGE:
		if (s[0] != '\0' && s[1] != '\0') {
			s[0] = (char)(is_alpha(s[0]) ? s[0] | 0x20 : s[0]);
			s[1] = (char)(is_alpha(s[1]) ? s[1] | 0x20 : s[1]);
		}
		break;
	default:
		clean_text(s);
		break;
	}
}

static char **
outcome_slot(struct rules_outcome *o, enum rule_key key)
{
	switch (key) {
	case KEY_TYPE:
		return &o->type;
	case KEY_CATEGORY:
		return &o->category;
	case KEY_PRIORITY:
		return &o->priority;
	case KEY_IMPACT:
		return &o->impact;
	case KEY_URGENCY:
		return &o->urgency;
	case KEY_QUEUE:
		return &o->queue;
	case KEY_ASSIGNEE:
		return &o->assignee;
	case KEY_CLIENT:
		return &o->client;
	default:
		return &o->language;
	}
}

static const char *
apply_set(const struct rule_action *a, char *value, struct rules_outcome *o)
{
	char		**slot;
	const char	 *why = NULL;

	if (a->expand) {
		normalise(a->key, value);
		if (*value == '\0')
			return "empty after expansion";
		why = rules_value_check(a->key, value);
	}
	if (why != NULL)
		return why;
	slot = outcome_slot(o, a->key);
	free(*slot);
	*slot = xstrdup(value);
	if (a->key == KEY_PRIORITY)
		o->priority_set = 1;
	return NULL;
}

static const char *
apply_tag(const struct rule_action *a, char *value, struct rules_outcome *o)
{
	if (a->expand)
		clean_tag(value);
	if (*value == '\0')
		return "empty after expansion";
	rules_outcome_add(&o->tags, &o->ntags, value);
	return NULL;
}

int
rules_action_apply(const struct rule *r, const struct rule_action *a,
    const struct rule_captures *caps, struct rules_outcome *o,
    struct rules_trace_action *ta)
{
	const char	*why = NULL;
	char		*value = NULL;
	int		 stop = 0;

	if (a->value != NULL)
		value = a->expand ? expand(a, caps) : xstrdup(a->value);
	switch (a->kind) {
	case ACT_SET:
		why = apply_set(a, value, o);
		break;
	case ACT_TAG:
		why = apply_tag(a, value, o);
		break;
	case ACT_MAJOR_CANDIDATE:
		o->major_candidate = 1;
		free(o->candidate_rule);
		o->candidate_rule = xstrdup(r->name);
		break;
	case ACT_MAJOR:
		o->major = 1;
		break;
	case ACT_REPLY:
		free(o->reply);
		o->reply = xstrdup(value);
		break;
	case ACT_DROP:
		o->drop = 1;
		break;
	case ACT_STOP:
		stop = 1;
		break;
	}
	if (why != NULL)
		log_warn("%s:%d: rule %s: %s%s '%s' ignored: %s", r->file,
		    a->line, r->name, a->kind == ACT_SET ? "set " : "tag",
		    a->kind == ACT_SET ? rules_key_name(a->key) : "",
		    log_safe(value), why);
	if (ta != NULL) {
		if (a->kind == ACT_SET)
			ta->text = xasprintf("set %s %s",
			    rules_key_name(a->key), value);
		else if (a->kind == ACT_TAG || a->kind == ACT_REPLY)
			ta->text = xasprintf("%s %s", a->kind == ACT_TAG ?
			    "tag" : "reply", value);
		else
			ta->text = xstrdup(a->kind == ACT_MAJOR_CANDIDATE ?
			    "major-candidate" : a->kind == ACT_MAJOR ? "major" :
			    a->kind == ACT_DROP ? "drop" : "stop");
		ta->ignored = why != NULL ? xstrdup(why) : NULL;
	}
	free(value);
	return stop;
}
