/* SPDX-License-Identifier: ISC */
/*
 * rules-parse.c - the grammar of rule files (guichet-rules(5)).
 *
 * The language is line-oriented: every statement is one line, so the
 * parser reads a line at a time, reports at most one error per line and
 * carries on with the next, so that `guichet rules check` shows every
 * mistake at once.  Columns count characters (not bytes) from 1.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "rules-int.h"

/* A statement: pp is after the keyword kw, which starts at kw_at. */
typedef int (*stmt_fn)(struct parser *, const char **pp, const char *kw,
    const char *kw_at);

static struct rule_action *
new_action(struct parser *ps, enum rule_act kind, const char *at)
{
	struct rule		*r = ps->cur;
	struct rule_action	*a;

	r->actions = xreallocarray(r->actions, r->nactions + 1,
	    sizeof *r->actions);
	a = &r->actions[r->nactions++];
	memset(a, 0, sizeof *a);
	a->kind = kind;
	a->line = ps->lineno;
	a->col = lex_col(ps, at);
	return a;
}

static int
need_rule(struct parser *ps, const char *at, const char *kw)
{
	if (ps->cur != NULL)
		return 0;
	lex_error(ps, at, "'%s' outside a rule: start one with 'rule NAME'",
	    kw);
	return -1;
}

/*
 * Every ${name} must be a group of a condition of the same rule; as
 * conditions come before actions, they are all known here.  Marks the
 * conditions whose groups must be kept while the rule runs.
 */
static int
check_refs(struct parser *ps, struct rule_action *a)
{
	struct rule	*r = ps->cur;
	struct rule_seg	*s;
	size_t		 i, k;
	int		 found, negated;

	for (i = 0; i < a->nsegs; i++) {
		s = &a->segs[i];
		if (!s->is_ref)
			continue;
		found = negated = 0;
		for (k = 0; k < r->nconds; k++) {
			if (re_group_index(r->conds[k].re, s->text) == 0)
				continue;
			if (r->conds[k].negated)
				negated = 1;
			else
				found = r->conds[k].keep = 1;
		}
		if (found)
			continue;
		buf_printf(ps->errors, "%s:%d:%d: ", ps->file, ps->lineno,
		    s->col);
		if (negated)
			buf_printf(ps->errors, "capture '%s' comes only from a "
			    "'!~' condition and is never set\n", s->text);
		else
			buf_printf(ps->errors, "no condition of rule '%s' "
			    "captures '%s'\n", r->name, s->text);
		return -1;
	}
	return 0;
}

/* Opens a rule even when its name is wrong, so that the lines after it
 * are checked as its conditions and actions rather than misreported. */
static int
stmt_rule(struct parser *ps, const char **pp, const char *kw,
    const char *kw_at)
{
	struct rules	*rs = ps->rules;
	struct rule	*r;
	const char	*at;
	char		*name;
	size_t		 i;
	int		 rc = 0;

	(void)kw;
	(void)kw_at;
	lex_blank(ps, pp);
	at = *pp;
	if ((name = lex_word(ps, pp)) == NULL) {
		lex_error(ps, at, "rule name expected");
		name = xstrdup("");
		rc = -1;
	} else if (!lex_word_ok(name, 0)) {
		lex_error(ps, at, "bad rule name '%s': use letters, digits, "
		    "'.', '_' and '-'", name);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < rs->n; i++) {
		if (strcmp(rs->v[i].name, name) == 0) {
			lex_error(ps, at, "rule '%s' already defined at %s:%d",
			    name, rs->v[i].file, rs->v[i].line);
			rc = -1;
		}
	}
	rs->v = xreallocarray(rs->v, rs->n + 1, sizeof *rs->v);
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof *r);
	r->name = name;
	r->file = ps->file;
	r->line = ps->lineno;
	ps->cur = r;
	return rc;
}

static const struct {
	const char	*name;
	enum rule_field	 field;
} fields[] = {
	{ "from", FIELD_FROM },
	{ "to", FIELD_TO },
	{ "cc", FIELD_CC },
	{ "subject", FIELD_SUBJECT },
	{ "body", FIELD_BODY },
	{ "sender-domain", FIELD_SENDER_DOMAIN },
	{ "attachment", FIELD_ATTACHMENT },
	{ "header", FIELD_HEADER },
};

static int
header_name_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 33 || *s > 126 || *s == ':')
			return 0;
	}
	return 1;
}

/* The part of `when` after the field: ~ or !~, then /pattern/flags. */
static int
lex_match(struct parser *ps, const char **pp, struct rule_cond *c)
{
	const char	*p, *q, *f;
	char		*cause;
	size_t		 off;
	int		 flags = 0, bit;

	lex_blank(ps, pp);
	p = *pp;
	if (p < ps->end && *p == '!' && p + 1 < ps->end && p[1] == '~')
		c->negated = 1, p += 2;
	else if (p < ps->end && *p == '~')
		p++;
	else {
		lex_error(ps, p, "'~' or '!~' expected");
		return -1;
	}
	while (p < ps->end && IS_BLANK(*p))
		p++;
	if (p >= ps->end || *p != '/') {
		lex_error(ps, p, "pattern expected: /regex/flags");
		return -1;
	}
	/* The pattern ends at the first '/' not escaped by a backslash; the
	 * escape is left in place, as PCRE2 reads \/ as a plain slash. */
	for (q = p + 1; q < ps->end && *q != '/'; q++) {
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	}
	if (q >= ps->end) {
		lex_error(ps, p,
		    "unterminated pattern: expected a closing '/'");
		return -1;
	}
	for (f = q + 1; f < ps->end && !IS_BLANK(*f); f++) {
		if ((bit = re_flag(*f)) == 0) {
			lex_error(ps, f, "unknown flag '%c': use i, m, s or x",
			    *f);
			return -1;
		}
		flags |= bit;
	}
	c->re = re_compile(p + 1, q - (p + 1), flags, &off, &cause);
	if (c->re == NULL) {
		lex_error(ps, p + 1 + off, "bad pattern: %s", cause);
		free(cause);
		return -1;
	}
	*pp = f;
	return 0;
}

static int
stmt_when(struct parser *ps, const char **pp, const char *kw,
    const char *kw_at)
{
	struct rule_cond c;
	struct rule	*r = ps->cur;
	const char	*at;
	char		*word;
	size_t		 i;

	if (need_rule(ps, kw_at, kw) == -1)
		return -1;
	if (r->nactions > 0) {
		lex_error(ps, kw_at, "condition after an action: put every "
		    "'when' of rule '%s' before its actions", r->name);
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.line = ps->lineno;
	lex_blank(ps, pp);
	at = *pp;
	c.col = lex_col(ps, at);
	/* The field ends at white space or at the operator. */
	while (*pp < ps->end && !IS_BLANK(**pp) && **pp != '~' &&
	    !(**pp == '!' && *pp + 1 < ps->end && (*pp)[1] == '~'))
		(*pp)++;
	word = xstrndup(at, *pp - at);
	for (i = 0; i < ARRAY_LEN(fields); i++) {
		if (strcmp(word, fields[i].name) == 0)
			break;
	}
	if (i == ARRAY_LEN(fields)) {
		if (*word == '\0')
			lex_error(ps, at, "field expected after 'when'");
		else
			lex_error(ps, at, "unknown field '%s': use from, to, "
			    "cc, subject, body, sender-domain, attachment or "
			    "header NAME", word);
		free(word);
		return -1;
	}
	free(word);
	c.field = fields[i].field;
	if (c.field == FIELD_HEADER) {
		lex_blank(ps, pp);
		at = *pp;
		while (*pp < ps->end && !IS_BLANK(**pp) && **pp != '~')
			(*pp)++;
		c.header = xstrndup(at, *pp - at);
		if (*c.header == '\0' || !header_name_ok(c.header)) {
			lex_error(ps, at, "header name expected");
			free(c.header);
			return -1;
		}
	}
	if (lex_match(ps, pp, &c) == -1) {
		free(c.header);
		return -1;
	}
	r->conds = xreallocarray(r->conds, r->nconds + 1, sizeof *r->conds);
	r->conds[r->nconds++] = c;
	return 0;
}

static int
stmt_set(struct parser *ps, const char **pp, const char *kw,
    const char *kw_at)
{
	struct rule_action *a;
	const char	*at, *why;
	char		*word;
	int		 key;

	if (need_rule(ps, kw_at, kw) == -1)
		return -1;
	lex_blank(ps, pp);
	at = *pp;
	if ((word = lex_word(ps, pp)) == NULL) {
		lex_error(ps, at, "field expected after 'set'");
		return -1;
	}
	key = rules_key_lookup(word);
	if (key == -1) {
		lex_error(ps, at, "cannot set '%s': use type, category, "
		    "priority, impact, urgency, queue, assignee, client or "
		    "language", word);
		free(word);
		return -1;
	}
	free(word);
	a = new_action(ps, ACT_SET, at);
	a->key = key;
	lex_blank(ps, pp);
	at = *pp;
	if (lex_value(ps, pp, a) == -1 || check_refs(ps, a) == -1)
		return -1;
	if (!a->expand && (why = rules_value_check(key, a->value)) != NULL) {
		lex_error(ps, at, "%s", why);
		return -1;
	}
	return 0;
}

static int
stmt_tag(struct parser *ps, const char **pp, const char *kw,
    const char *kw_at)
{
	struct rule_action *a;
	const char	*at;
	size_t		 i;

	if (need_rule(ps, kw_at, kw) == -1)
		return -1;
	a = new_action(ps, ACT_TAG, kw_at);
	lex_blank(ps, pp);
	at = *pp;
	if (lex_value(ps, pp, a) == -1 || check_refs(ps, a) == -1)
		return -1;
	/* Captured text is cleaned at run time; what is written is not. */
	for (i = 0; i < a->nsegs; i++) {
		if (!a->segs[i].is_ref && !lex_word_ok(a->segs[i].text, 1)) {
			lex_error(ps, at, "bad tag '%s': use letters, digits, "
			    "'.', '_' and '-'", a->value);
			return -1;
		}
	}
	return 0;
}

static int
stmt_reply(struct parser *ps, const char **pp, const char *kw,
    const char *kw_at)
{
	struct rule_action *a;
	const char	*at;

	if (need_rule(ps, kw_at, kw) == -1)
		return -1;
	a = new_action(ps, ACT_REPLY, kw_at);
	lex_blank(ps, pp);
	at = *pp;
	if ((a->value = lex_word(ps, pp)) == NULL) {
		lex_error(ps, at, "template name expected");
		return -1;
	}
	a->col = lex_col(ps, at);
	if (!lex_word_ok(a->value, 0)) {
		lex_error(ps, at, "bad template name '%s': use letters, "
		    "digits, '.', '_' and '-', not starting with '.'",
		    a->value);
		/* Never let `rules check` look for such a file. */
		free(a->value);
		a->value = NULL;
		return -1;
	}
	return 0;
}

static const struct {
	const char	*word;
	stmt_fn		 fn;
	enum rule_act	 act;
} stmts[] = {
	{ "rule", stmt_rule, 0 },
	{ "when", stmt_when, 0 },
	{ "set", stmt_set, ACT_SET },
	{ "tag", stmt_tag, ACT_TAG },
	{ "reply", stmt_reply, ACT_REPLY },
	{ "major-candidate", NULL, ACT_MAJOR_CANDIDATE },
	{ "major", NULL, ACT_MAJOR },
	{ "drop", NULL, ACT_DROP },
	{ "stop", NULL, ACT_STOP },
};

static void
parse_line(struct parser *ps)
{
	const char	*p = ps->line, *at;
	char		*word;
	size_t		 i;
	int		 rc = 0;

	if ((at = lex_bad_utf8(ps->line, ps->end)) != NULL) {
		lex_error(ps, at, "invalid UTF-8");
		return;
	}
	lex_blank(ps, &p);
	if (p >= ps->end || *p == '#')
		return;
	at = p;
	word = lex_word(ps, &p);
	for (i = 0; i < ARRAY_LEN(stmts); i++) {
		if (strcmp(word, stmts[i].word) == 0)
			break;
	}
	if (i == ARRAY_LEN(stmts)) {
		lex_error(ps, at, "unknown keyword '%s'", word);
		free(word);
		return;
	}
	if (stmts[i].fn != NULL)
		rc = stmts[i].fn(ps, &p, word, at);
	else if ((rc = need_rule(ps, at, word)) == 0)
		new_action(ps, stmts[i].act, at);
	free(word);
	if (rc == -1)
		return;
	lex_blank(ps, &p);
	if (p < ps->end && *p != '#') {
		at = p;
		word = lex_word(ps, &p);
		lex_error(ps, at, "unexpected '%s' at the end of the line",
		    word);
		free(word);
	}
}

void
rules_parse(struct rules *rules, const char *file, const char *text,
    size_t len, struct buf *errors)
{
	struct parser	 ps;
	const char	*end = text + len, *nl;

	memset(&ps, 0, sizeof ps);
	ps.rules = rules;
	ps.file = file;
	ps.errors = errors;
	/* A byte order mark, as some editors write, is not a keyword. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	while (text < end) {
		ps.lineno++;
		if ((nl = memchr(text, '\n', end - text)) == NULL)
			nl = end;
		ps.line = text;
		ps.end = nl;
		if (ps.end > ps.line && ps.end[-1] == '\r')
			ps.end--;
		if (memchr(ps.line, '\0', ps.end - ps.line) != NULL)
			lex_error(&ps, memchr(ps.line, '\0', ps.end - ps.line),
			    "NUL byte");
		else
			parse_line(&ps);
		text = nl < end ? nl + 1 : end;
	}
}
