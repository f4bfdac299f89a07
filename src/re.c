/* SPDX-License-Identifier: ISC */
/*
 * re.c - the PCRE2 wrapper: compile with UTF/UCP and an error offset, JIT
 * with a fallback to the interpreter, matching under limits, captures.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "guichet.h"
#include "re.h"
#include "re-int.h"

/* The JIT stack starts small and may grow to this; a pattern that needs
 * more is cut short (RE_LIMIT) rather than allowed to eat memory. */
#define RE_JIT_STACK_START	(32 * 1024)
#define RE_JIT_STACK_MAX	(1024 * 1024)

struct re {
	pcre2_code	*code;
	char		*source;
	char		 flags[8];
	int		 jitted;
	unsigned int	 ngroups;
	char		**names;	/* [0..ngroups], NULL when unnamed */
	struct re_lits	 lits;		/* prefilter (re-lit.c) */
};

struct re_match {
	pcre2_match_data	*md;
	uint32_t		 md_pairs;	/* ovector pairs in md */
	pcre2_match_context	*mctx;
	pcre2_jit_stack		*jstack;
	const char		*subject;
	const struct re		*last;
	char			 error[128];
};

static int re_use_jit = 1;
static int re_use_prefilter = 1;

static const struct {
	char		letter;
	int		bit;
	uint32_t	option;
} re_flag_table[] = {
	{ 'i', RE_CASELESS, PCRE2_CASELESS },
	{ 'm', RE_MULTILINE, PCRE2_MULTILINE },
	{ 's', RE_DOTALL, PCRE2_DOTALL },
	{ 'x', RE_EXTENDED, PCRE2_EXTENDED },
};

int
re_flag(char letter)
{
	size_t	i;

	for (i = 0; i < ARRAY_LEN(re_flag_table); i++) {
		if (re_flag_table[i].letter == letter)
			return re_flag_table[i].bit;
	}
	return 0;
}

void
re_set_jit(int on)
{
	re_use_jit = on;
}

void
re_set_prefilter(int on)
{
	re_use_prefilter = on;
}

static char *
re_error_text(int code)
{
	PCRE2_UCHAR	msg[256];

	if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
		return xasprintf("PCRE2 error %d", code);
	return xstrdup((const char *)msg);
}

/* Reads PCRE2's name table into names[group]; duplicate names ((?J)) keep
 * the name on every group that bears it. */
static void
re_read_names(struct re *re)
{
	uint32_t	 count = 0, size = 0, i;
	PCRE2_SPTR	 table = NULL;
	unsigned int	 group;

	re->names = xcalloc(re->ngroups + 1, sizeof *re->names);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	if (count == 0)
		return;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++, table += size) {
		group = (unsigned int)table[0] << 8 | table[1];
		if (group >= 1 && group <= re->ngroups &&
		    re->names[group] == NULL)
			re->names[group] = xstrdup((const char *)table + 2);
	}
}

struct re *
re_compile(const char *src, size_t len, int flags, size_t *erroffset,
    char **cause)
{
	struct re	*re;
	uint32_t	 options;
	uint32_t	 ngroups = 0;
	PCRE2_SIZE	 off = 0;
	int		 code;
	size_t		 i, n = 0;

	options = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C;
#ifdef PCRE2_MATCH_INVALID_UTF
	/* Mail is decoded to valid UTF-8, but a decoder bug must not make
	 * PCRE2 read out of bounds; this also spares the O(n) UTF check
	 * that pcre2_match() would otherwise run on every call. */
	options |= PCRE2_MATCH_INVALID_UTF;
#endif
	re = xcalloc(1, sizeof *re);
	for (i = 0; i < ARRAY_LEN(re_flag_table); i++) {
		if (flags & re_flag_table[i].bit) {
			options |= re_flag_table[i].option;
			re->flags[n++] = re_flag_table[i].letter;
		}
	}
	re->code = pcre2_compile((PCRE2_SPTR)src, len, options, &code, &off,
	    NULL);
	if (re->code == NULL) {
		*erroffset = off;
		*cause = re_error_text(code);
		free(re);
		return NULL;
	}
	re->source = xstrndup(src, len);
	/* JIT is an optimisation: when it is unavailable or fails (no
	 * executable memory, say), the interpreter gives the same answers. */
	if (re_use_jit && pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0)
		re->jitted = 1;
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &ngroups);
	re->ngroups = ngroups;
	re_read_names(re);
	if (re_use_prefilter)
		re_lits_read(&re->lits, src, len, flags);
	return re;
}

void
re_free(struct re *re)
{
	unsigned int	i;

	if (re == NULL)
		return;
	for (i = 0; i <= re->ngroups; i++)
		free(re->names[i]);
	free(re->names);
	re_lits_free(&re->lits);
	free(re->source);
	pcre2_code_free(re->code);
	free(re);
}

const char *
re_source(const struct re *re)
{
	return re->source;
}

const char *
re_flags(const struct re *re)
{
	return re->flags;
}

int
re_jitted(const struct re *re)
{
	return re->jitted;
}

unsigned int
re_ngroups(const struct re *re)
{
	return re->ngroups;
}

const char *
re_group_name(const struct re *re, unsigned int i)
{
	if (i == 0 || i > re->ngroups)
		return NULL;
	return re->names[i];
}

unsigned int
re_group_index(const struct re *re, const char *name)
{
	unsigned int	i;

	for (i = 1; i <= re->ngroups; i++) {
		if (re->names[i] != NULL && strcmp(re->names[i], name) == 0)
			return i;
	}
	return 0;
}

struct re_match *
re_match_new(unsigned int match_limit, unsigned int depth_limit)
{
	struct re_match	*m;

	m = xcalloc(1, sizeof *m);
	m->mctx = pcre2_match_context_create(NULL);
	if (m->mctx == NULL)
		abort();
	if (match_limit != 0)
		pcre2_set_match_limit(m->mctx, match_limit);
	if (depth_limit != 0)
		pcre2_set_depth_limit(m->mctx, depth_limit);
	return m;
}

void
re_match_free(struct re_match *m)
{
	if (m == NULL)
		return;
	pcre2_match_data_free(m->md);
	pcre2_jit_stack_free(m->jstack);
	pcre2_match_context_free(m->mctx);
	free(m);
}

/* One match data for every pattern, grown to the widest one seen, so that
 * evaluating a thousand rules costs no allocation per pattern. */
static void
re_match_size(struct re_match *m, uint32_t pairs)
{
	if (m->md != NULL && m->md_pairs >= pairs)
		return;
	pcre2_match_data_free(m->md);
	m->md = pcre2_match_data_create(pairs, NULL);
	if (m->md == NULL)
		abort();
	m->md_pairs = pairs;
}

enum re_result
re_exec(const struct re *re, struct re_match *m, const char *subject,
    size_t len)
{
	int	rc;

	re_match_size(m, re->ngroups + 1);
	m->subject = subject;
	m->last = re;
	m->error[0] = '\0';
	/* The JIT fast path skips checks that do not apply here: the
	 * subject has a length, no options, and invalid UTF-8 is safe with
	 * PCRE2_MATCH_INVALID_UTF (else pcre2_match() checks it). */
#ifdef PCRE2_MATCH_INVALID_UTF
	if (re->jitted)
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)subject, len, 0, 0,
		    m->md, m->mctx);
	else
#endif
		rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0,
		    m->md, m->mctx);
	/* JIT code runs on 32 KiB of the machine stack; the few patterns
	 * that need more get a bounded heap stack, made on first need. */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT && m->jstack == NULL &&
	    (m->jstack = pcre2_jit_stack_create(RE_JIT_STACK_START,
	    RE_JIT_STACK_MAX, NULL)) != NULL) {
		pcre2_jit_stack_assign(m->mctx, NULL, m->jstack);
		rc = pcre2_jit_match(re->code, (PCRE2_SPTR)subject, len, 0, 0,
		    m->md, m->mctx);
	}
	if (rc >= 0)
		return RE_MATCH;
	m->last = NULL;
	if (rc == PCRE2_ERROR_NOMATCH)
		return RE_NOMATCH;
	if (pcre2_get_error_message(rc, (PCRE2_UCHAR *)m->error,
	    sizeof m->error) < 0)
		snprintf(m->error, sizeof m->error, "PCRE2 error %d", rc);
	return RE_LIMIT;
}

int
re_group(const struct re_match *m, unsigned int i, const char **start,
    size_t *len)
{
	PCRE2_SIZE	*ov;

	if (m->last == NULL || i > m->last->ngroups)
		return -1;
	ov = pcre2_get_ovector_pointer(m->md);
	if (ov[2 * i] == PCRE2_UNSET || ov[2 * i + 1] < ov[2 * i])
		return -1;
	*start = m->subject + ov[2 * i];
	*len = ov[2 * i + 1] - ov[2 * i];
	return 0;
}

const char *
re_match_error(const struct re_match *m)
{
	return m->error;
}

const struct re_lits *
re_lits_get(const struct re *re)
{
	return &re->lits;
}

char *
re_literals(const struct re *re)
{
	return re_lits_text(&re->lits);
}
