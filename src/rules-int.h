/* SPDX-License-Identifier: ISC */
/*
 * rules-int.h - what the rules-*.c files share and nobody else sees: the
 * parsed form of a rule, and the evaluation state of one message.
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#include <stdint.h>

#include "guichet.h"
#include "re.h"
#include "rules.h"

enum rule_field {
	FIELD_FROM,
	FIELD_TO,
	FIELD_CC,
	FIELD_SUBJECT,
	FIELD_BODY,
	FIELD_SENDER_DOMAIN,
	FIELD_ATTACHMENT,
	FIELD_HEADER,
};

struct rule_cond {
	enum rule_field	 field;
	char		*header;	/* FIELD_HEADER: the header's name */
	int		 negated;	/* !~ */
	struct re	*re;
	int		 line, col;
	int		 keep;		/* an action uses one of its groups */
	/* Its prefilter (rules-prefilter.c): the slot of its field in
	 * rules->slots, and its pattern's id in that slot's scanner (-1
	 * when the pattern has no literals or the field is not scanned:
	 * PCRE2 always runs). */
	int		 slot;
	int		 filter;
};

enum rule_act {
	ACT_SET,
	ACT_TAG,
	ACT_MAJOR_CANDIDATE,
	ACT_MAJOR,
	ACT_REPLY,
	ACT_DROP,
	ACT_STOP,
};

/* The keys of `set`, in the order of struct rules_outcome. */
enum rule_key {
	KEY_TYPE,
	KEY_CATEGORY,
	KEY_PRIORITY,
	KEY_IMPACT,
	KEY_URGENCY,
	KEY_QUEUE,
	KEY_ASSIGNEE,
	KEY_CLIENT,
	KEY_LANGUAGE,
	KEY_COUNT
};

/* A value cut at load into literal text and ${name} references. */
struct rule_seg {
	char	*text;		/* literal text, or the capture's name */
	int	 is_ref;
	int	 col;		/* where it starts in the file */
};

struct rule_action {
	enum rule_act	 kind;
	enum rule_key	 key;		/* ACT_SET */
	char		*value;		/* as written (SET, TAG, REPLY) */
	struct rule_seg	*segs;
	size_t		 nsegs;
	int		 expand;	/* some segment is a reference */
	int		 line, col;
};

struct rule {
	char		*name;
	const char	*file;		/* owned by struct rules */
	int		 line;
	struct rule_cond *conds;
	size_t		 nconds;
	struct rule_action *actions;
	size_t		 nactions;
};

/* The prefilter of one field (one header name for FIELD_HEADER): a
 * scanner with the literals of every condition on the field, and for each
 * literal the rules whose gate (below) has it in its key. */
struct rule_slot {
	enum rule_field	 field;
	const char	*header;	/* FIELD_HEADER; owned by a rule */
	struct re_scanner *sc;
	size_t		 npatterns;	/* with literals */
	size_t		 hits_at;	/* its bits in rule_ctx.hits */
	uint32_t	*key_at;	/* by literal, its rules in key_rules */
	uint32_t	*key_rules;
	uint64_t	*gated;		/* the rules whose gate is here */
};

/* The gate of a rule: its first `~` condition with literals; filter is -1
 * when no condition has one.  The rule is open only when a literal of the
 * gate's key (re_scanner_key()) occurs in the field. */
struct rule_gate {
	int		 slot;
	int		 filter;
};

/* Sets of rules, one bit per rule (rules->nwords words). */
#define RULES_BIT(v, i)	(((v)[(i) / 64] >> ((i) % 64)) & 1)

struct rules {
	struct rule	*v;
	size_t		 n;
	char		**files;
	size_t		 nfiles;
	char		*stamp;		/* see rules_changed() */
	unsigned int	 match_limit, depth_limit;
	struct rule_gate *gates;	/* by rule */
	struct rule_slot *slots;
	size_t		 nslots;
	size_t		 nhits;		/* words of every slot's bits */
	size_t		 nwords;	/* of a set of rules */
	uint64_t	*ungated;	/* the rules always open */
	uint64_t	*gated;		/* the others */
};

/* One captured group kept while a rule's actions run. */
struct rule_capture {
	const char	*name;		/* borrowed from the pattern */
	char		*value;
};

struct rule_captures {
	struct rule_capture *v;
	size_t		 n;
};

/* rules-lex.c: the state of the parser, one line at a time. */
#define IS_BLANK(c)	((c) == ' ' || (c) == '\t')

struct parser {
	struct rules	*rules;
	const char	*file;
	struct buf	*errors;
	int		 lineno;
	const char	*line;		/* first byte of the current line */
	const char	*end;		/* its end (no newline) */
	struct rule	*cur;		/* the open rule, or NULL */
};

int	 lex_col(const struct parser *, const char *at);
/* Appends "file:line:col: message" for the character at `at`. */
void	 lex_error(struct parser *, const char *at, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The first byte of [p, end) that is not well-formed UTF-8, or NULL. */
const char *lex_bad_utf8(const char *p, const char *end);
void	 lex_blank(const struct parser *, const char **pp);
/* The next bare word (up to white space), or NULL at the end of line. */
char	*lex_word(struct parser *, const char **pp);
/* [A-Za-z0-9._-]+, and not starting with '.' unless dot_first. */
int	 lex_word_ok(const char *, int dot_first);
/* A bare word or "quoted string" into a->value and a->segs. */
int	 lex_value(struct parser *, const char **pp, struct rule_action *a);

/* rules-parse.c: appends the rules of one file, errors to *errors. */
void	 rules_parse(struct rules *, const char *file, const char *text,
	    size_t len, struct buf *errors);
void	 rules_rule_free(struct rule *);

/* What evaluating one message needs besides the rules. */
struct rule_ctx {
	const struct rules *rs;
	const struct message *msg;
	struct re_match	*m;
	struct rule_captures caps;	/* of the rule being evaluated */
	/* The literals found in each field, scanned on first use: most
	 * patterns are then ruled out without running PCRE2. */
	uint64_t	*hits;		/* rs->nhits words */
	uint64_t	*open;		/* rules whose gate is open */
	uint64_t	*pending;	/* rules whose gate's field is not
					 * scanned yet */
	unsigned char	*scanned;	/* by slot */
};

/* rules-field.c: calls fn for each value of the field of msg until it
 * returns non-zero, which is returned. */
typedef int (*rules_value_fn)(void *arg, const char *value);
int	 rules_field_values(const struct message *, enum rule_field,
	    const char *header, rules_value_fn fn, void *arg);
const char *rules_field_name(enum rule_field);

/* rules-prefilter.c: the slots, scanners and gates of freshly loaded
 * rules, and their release. */
void	 rules_prefilter_build(struct rules *);
void	 rules_prefilter_free(struct rules *);
/* The per-message part, for ctx->rs: nothing scanned yet, the rules
 * without a gate open, the others pending. */
void	 rules_hits_init(struct rule_ctx *);
void	 rules_hits_free(struct rule_ctx *);
/* 0 when pattern filter of slot cannot match the field (scanned on first
 * use); 1 when it may, or when filter is -1. */
int	 rules_may_match(struct rule_ctx *, int slot, int filter);
/* The first rule from i on that may apply (whose gate is open), scanning
 * fields as needed; rules->n when none. */
size_t	 rules_next(struct rule_ctx *, size_t i);

/* rules-match.c: tests one condition; fills ctx->caps (with the groups
 * actions use) and tc (when not NULL).  Returns whether the condition
 * holds; sets *limit when a pattern was cut short. */
int	 rules_cond_test(const struct rule_cond *, struct rule_ctx *,
	    struct rules_trace_cond *tc, int *limit);
void	 rules_captures_clear(struct rule_captures *);

/* rules-action.c */
const char *rules_key_name(enum rule_key);
int	 rules_key_lookup(const char *);	/* -1 when unknown */
/* Why a literal value is not legal for key, or NULL when it is. */
const char *rules_value_check(enum rule_key, const char *);
/* Applies one action; returns 1 for stop.  ta, when not NULL, receives
 * the text of the action and why it was ignored. */
int	 rules_action_apply(const struct rule *, const struct rule_action *,
	    const struct rule_captures *, struct rules_outcome *,
	    struct rules_trace_action *ta);
void	 rules_outcome_add(char ***v, size_t *n, const char *s);

#endif
